"""In a real browser, opening 各成员单位 on the catalogue shows the member units (loaded from
the fragment URL by static/js/catalogue.js) under the strict Content-Security-Policy."""

import os

import pytest
from django.core.management import call_command

from tests.scoring.test_browser import _catalogue_after_flush, _login, chromium  # noqa: F401
from units.roles import Role

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.browser

LISTEN = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked=${e.blockedURI}`);
});
"""


@pytest.mark.parametrize("width", [1280, 390])
def test_opening_members_lists_them(chromium, live_server, make_user, width):  # noqa: F811
    call_command("loaddata", "catalogue", "figure_defaults", verbosity=0)  # flushed by live_server
    make_user("rsj", unit="rsj", roles={Role.REPORTER})
    context = chromium.new_context(viewport={"width": width, "height": 900})
    context.add_init_script(LISTEN)
    page = context.new_page()
    base = live_server.url
    _login(page, base, "rsj")
    page.goto(f"{base}/catalogue/?unit=rsj")
    details = page.locator("#indicator-1 details.scope")
    assert details.locator(".chip").count() == 0  # not in the page until opened
    details.locator("summary").click()
    details.locator(".chip").first.wait_for()
    chips = details.locator(".chip").all_inner_texts()
    assert len(chips) == 10
    assert "区人社局" in chips and "区发改委" not in chips and "区产改办" not in chips
    assert details.locator(".chip.mine").all_inner_texts() == ["区人社局"]
    assert details.locator("a").count() == 0  # the fallback link was replaced
    # Closing and opening again does not load it twice.
    details.locator("summary").click()
    details.locator("summary").click()
    assert details.locator(".chip").count() == 10
    assert page.evaluate("window.__cspViolations") == []
    context.close()
