"""Every page of every role loads under the Content-Security-Policy with no violation.

On the demo data, each demo account (reporter, unit approver, office, leader, administrator)
logs in through the login page and walks every same-origin link it can reach, the Django admin
included, one page per URL pattern. An init script listens for `securitypolicyviolation`
before any page script runs; the console must show no error either.
"""

import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.urls import resolve

from scoring.models import Cycle
from tests.scoring.test_browser import _catalogue_after_flush, _login, chromium  # noqa: F401

pytestmark = pytest.mark.browser

ACCOUNTS = ["rsj", "gzw_sh", "office", "leader", "admin"]
# Files and workbooks are downloads, not pages; logging out would end the walk.
NOT_PAGES = re.compile(
    r"(\.xlsx$|\.zip$|/files/\d+/|/compare/download/|/scheme/export/|/logout/|"
    r"^/admin/logout/|/admin/r/)"
)
MAX_PAGES_PER_ACCOUNT = 200
# The app's own pages (GET, HTML) the walk must have reached for some role.
EXPECTED_PAGES = {
    "home",
    "password_change",
    "indicators:catalogue",
    "scoring:tasks",
    "scoring:slot_detail",
    "scoring:approvals",
    "scoring:review_queue",
    "scoring:review_detail",
    "scoring:cycle_list",
    "scoring:cycle_detail",
    "scoring:notifications",
    "reports:dashboard",
    "reports:compare",
    "audit:event_list",
    "login",
    "scoring:cycle_scheme_import",
}

LISTEN = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(
    `${e.violatedDirective} blocked=${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


def _console(msg, errors: list[str]) -> None:
    url = msg.location.get("url", "")
    # Chromium asks for /favicon.ico on its own (the pages name a static SVG icon).
    if msg.type == "error" and not url.endswith("/favicon.ico"):
        errors.append(f"{msg.text} ({url})")


def _pattern(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def _walk(page, base: str, errors: list[str], extra: list[str]) -> list[str]:
    seen_patterns: set[str] = set()
    # The error pages are the app's own templates too: a 404 is checked for violations.
    queue = ["/", "/admin/", "/no-such-page/", *extra]
    visited: list[str] = []
    problems: list[str] = []
    while queue and len(visited) < MAX_PAGES_PER_ACCOUNT:
        path = queue.pop(0)
        if _pattern(path) in seen_patterns or NOT_PAGES.search(path):
            continue
        seen_patterns.add(_pattern(path))
        errors.clear()
        response = page.goto(base + path)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        page.wait_for_load_state("load")
        if response.status >= 400:  # checked, not walked on (the console names the status)
            problems += [f"{path}: {v}" for v in page.evaluate("window.__cspViolations")]
            continue
        visited.append(path)
        violations = page.evaluate("window.__cspViolations")
        problems += [f"{path}: {v}" for v in violations] + [f"{path}: {e}" for e in errors]
        for href in page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)"):
            parts = urlsplit(urljoin(page.url, href))
            if (
                f"{parts.scheme}://{parts.netloc}" != base
                or parts.query
                and "/admin/" in parts.path
            ):
                continue
            link = parts.path + (f"?{parts.query}" if parts.query else "")
            if _pattern(link) not in seen_patterns:
                queue.append(link)
    assert not problems, "\n".join(problems)
    return visited


def _login_page_is_clean(chromium, base: str) -> list[str]:  # noqa: F811
    context = chromium.new_context()
    context.add_init_script(LISTEN)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: _console(msg, errors))
    page.goto(f"{base}/accounts/login/")
    page.wait_for_load_state("load")
    problems = page.evaluate("window.__cspViolations") + errors
    context.close()
    assert not problems, problems
    return ["/accounts/login/"]


def test_no_page_of_any_role_violates_the_policy(chromium, live_server):  # noqa: F811
    call_command("seed_demo", force=True, sample_data=True, verbosity=0)
    base = live_server.url
    # Pages no link leads to (a form opens them): the scheme import of every cycle.
    extra = [f"/cycles/{pk}/scheme/import/" for pk in Cycle.objects.values_list("pk", flat=True)]
    walked = {"anonymous": _login_page_is_clean(chromium, base)}
    for username in ACCOUNTS:
        context = chromium.new_context()
        context.add_init_script(LISTEN)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda msg, errors=errors: _console(msg, errors))
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        page.on(
            "response",
            lambda r, errors=errors: (
                r.status >= 400
                and r.request.resource_type != "document"
                and errors.append(f"{r.status} {r.url}")
            ),
        )
        page.on("dialog", lambda dialog: dialog.dismiss())
        _login(page, base, username)
        walked[username] = _walk(page, base, errors, extra)
        context.close()
    # The walk reached the pages that matter for each role (so it cannot pass by seeing nothing).
    assert "/tasks/" in walked["rsj"] and "/approvals/" in walked["gzw_sh"]
    assert "/audit/" in walked["office"] and "/reports/" in walked["leader"]
    assert any(p.startswith("/admin/auth/user/") for p in walked["admin"])
    assert any(p.startswith("/admin/indicators/") for p in walked["office"])
    assert any(p.endswith("/export/") for p in walked["office"])  # django-import-export's form
    reached = {
        resolve(urlsplit(path).path).view_name
        for paths in walked.values()
        for path in paths
        if not path.startswith("/admin/")
    }
    assert reached >= EXPECTED_PAGES, sorted(EXPECTED_PAGES - reached)
    print(sorted(reached), {username: len(paths) for username, paths in walked.items()})


def test_import_export_select_all_still_works_without_its_inline_handler(
    chromium,  # noqa: F811
    live_server,
    office_user,
):
    call_command("loaddata", "catalogue", "figure_defaults", verbosity=0)
    page = chromium.new_page()
    _login(page, live_server.url, "office")
    page.goto(f"{live_server.url}/admin/indicators/indicator/export/")
    fields = page.locator('.selectable-field-export-row:visible input[type="checkbox"]')
    assert fields.count() > 1
    assert all(fields.nth(i).is_checked() for i in range(fields.count()))

    page.uncheck("#select-all-toggle")
    assert not any(fields.nth(i).is_checked() for i in range(fields.count()))
    page.check("#select-all-toggle")
    assert all(fields.nth(i).is_checked() for i in range(fields.count()))
