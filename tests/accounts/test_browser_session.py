"""The idle warning in a real browser: it appears before the limit, 继续使用 keeps the session,
and without activity the page goes to the login page with the server's message."""

import pytest
from django.core.management import call_command

from tests.scoring.test_browser import (  # noqa: F401  (fixtures)
    _catalogue_after_flush,
    _login,
    chromium,
)
from units.roles import Role

pytestmark = pytest.mark.browser


def test_idle_warning_then_logout(chromium, live_server, make_user, settings):  # noqa: F811
    call_command("loaddata", "catalogue", verbosity=0)
    make_user("rsj", unit="rsj", roles={Role.REPORTER})
    # Seconds instead of minutes, so the browser sees the whole cycle.
    settings.FENGTAI_SESSION_IDLE_SECONDS = 4
    settings.FENGTAI_SESSION_WARNING_SECONDS = 3
    page = chromium.new_page()
    _login(page, live_server.url, "rsj")

    warning = page.locator(".session-warning")
    warning.wait_for(state="visible", timeout=10_000)
    assert "秒后将自动退出登录" in warning.inner_text()
    assert page.get_attribute("body", "data-session-idle") == "4"

    with page.expect_response(lambda r: r.url.endswith("/accounts/session/keepalive/")) as ka:
        page.get_by_role("button", name="继续使用").click()
    assert ka.value.status == 200
    warning.wait_for(state="detached", timeout=5_000)

    # No more activity: the page leaves for the login page, where the server has logged it out.
    page.wait_for_url("**/accounts/login/**", timeout=20_000)
    page.locator(".msg-warning").wait_for(timeout=5_000)
    assert "未操作，为保护数据安全已自动退出" in page.inner_text(".msg-warning")
    assert page.locator("#id_username").is_visible()
