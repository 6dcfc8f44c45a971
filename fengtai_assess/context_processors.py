"""The base layout's links, reversed once per process instead of on every page.

Only the links inside the signed-in part of the layout use these: that part exists only when
the context processors ran. The brand link stays a {% url %} tag, since some error pages
(400, CSRF failure) are rendered without a request.
"""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# What templates/base.html links to, by the name it uses for each.
LAYOUT_URLS = {
    "home": "home",
    "tasks": "scoring:tasks",
    "approvals": "scoring:approvals",
    "review_queue": "scoring:review_queue",
    "cycles": "scoring:cycle_list",
    "dashboard": "reports:dashboard",
    "catalogue": "indicators:catalogue",
    "audit": "audit:event_list",
    "admin": "admin:index",
    "notifications": "scoring:notifications",
    "password_change": "password_change",
    "logout": "logout",
    "login": "login",
    "session_keepalive": "session_keepalive",
}


@lru_cache(maxsize=16)
def _layout_urls(prefix: str, urlconf: str | None) -> dict[str, str]:
    # The arguments are the whole of what reverse() depends on here (no i18n_patterns).
    return {key: reverse(name, urlconf=urlconf) for key, name in LAYOUT_URLS.items()}


def layout_urls(request) -> dict:
    """`layout_url.<key>` for every link of the base layout (about half of its render time when
    each was a {% url %} tag)."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return {"layout_url": _layout_urls(get_script_prefix(), urlconf)}
