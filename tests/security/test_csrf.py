"""Every URL refuses a POST without a CSRF token, with the Chinese page, and changes nothing.

The URLs are read from the resolver, so a view added later (or marked csrf_exempt) is covered
without editing this file. The CSRF check runs before any view, so an object id of 1 serves
for every route.
"""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db


def _walk(resolver, namespace: str = "") -> list[tuple[str, dict]]:
    routes = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            routes += _walk(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            converters = pattern.pattern.converters
            kwargs = {
                name: 1 if type(conv).__name__ == "IntConverter" else "x"
                for name, conv in converters.items()
            }
            # The admin's app index is a regex route: any installed app's label fills it.
            for group in pattern.pattern.regex.groupindex:
                kwargs.setdefault(group, "units")
            routes.append((f"{namespace}{pattern.name}", kwargs))
    return routes


ROUTES = sorted({(name, tuple(sorted(kw.items()))) for name, kw in _walk(get_resolver())})


def _url(name, kwargs) -> str | None:
    try:
        return reverse(name, kwargs=dict(kwargs))
    except Exception:
        return None


def test_the_list_holds_the_state_changing_pages():
    names = {name for name, _ in ROUTES}
    assert {
        "login",
        "password_change",
        "scoring:slot_detail",
        "scoring:evidence_upload",
        "scoring:review_return",
        "scoring:cycle_transition",
        "scoring:cycle_scheme_import",
        "admin:units_unit_add",
    } <= names


@pytest.mark.parametrize(("name", "kwargs"), ROUTES, ids=[name for name, _ in ROUTES])
def test_a_post_without_a_csrf_token_is_refused(name, kwargs, make_user, unchanged):
    url = _url(name, kwargs)
    if url is None:
        pytest.skip(f"{name} takes arguments this test cannot fill")
    admin = make_user("root", is_superuser=True)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin)
    check = unchanged()

    response = browser.post(url, {"username": "root", "name": "改名", "reason": "伪造"})

    assert response.status_code == 403, url
    html = response.content.decode()
    assert "请求未通过安全校验" in html
    check()
