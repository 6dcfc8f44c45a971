"""A real nginx from deploy/'s template in front of the app (Django's live server, the suite's
database): evidence handed over with X-Accel-Redirect arrives byte for byte with the view's
headers, the internal location cannot be asked for from outside, another unit's file is still a
404, and the audit trail and the login lockout see the browser's address, not nginx's."""

import hashlib
import http.client
import shutil
import urllib.parse
from urllib.parse import unquote

import pytest
from django.core.management import call_command
from django.db import connections
from django.test import override_settings

from accounts.services import password_mark_current
from audit.models import Action, SecurityEvent
from fengtai_assess.storage_config import evidence_storage_settings
from scoring.demo.files import pdf_bytes
from scoring.models import Slot
from tests.s3server import evidence_storage_using
from tests.scoring.support import open_cycle_create, slot_of, stored_replace, upload
from tests.servers import WebClient, make_world_readable, nginx_binary, nginx_server, readable_dir
from units.roles import Role

pytestmark = pytest.mark.skipif(
    nginx_binary() is None, reason="Debian's nginx is not installed (scripts/ensure-system-deps)"
)

PASSWORD = "Demo@2026"
PDF = pdf_bytes("职业技能培训人次统计" * 40)
NAME = "职业技能培训 人次统计（2026）.pdf"
# The browser's own loopback address: not nginx's (127.0.0.1), not a trusted proxy.
BROWSER_IP = "127.0.0.3"
SPOOFED = "198.51.100.7"


@pytest.fixture(scope="module", autouse=True)
def _catalogue_after_flush(django_db_setup, django_db_blocker):
    """The transactional tests flush the database; put the catalogue back for later tests."""
    yield
    with django_db_blocker.unblock():
        call_command("loaddata", "catalogue", "figure_defaults", verbosity=0)


@pytest.fixture
def site(transactional_db, live_server, make_user):
    """nginx (X-Accel location on) → the live server with FENGTAI_X_ACCEL_REDIRECT set and
    nginx's address trusted; evidence of 区人社局 and 区总工会 in a local folder nginx reads."""
    call_command("loaddata", "catalogue", "figure_defaults", verbosity=0)
    users = {code: make_user(code, unit=code, roles={Role.REPORTER}) for code in ("rsj", "zgh")}
    for user in users.values():
        password_mark_current(user=user)
    cycle = open_cycle_create()
    zgh_slot = Slot.objects.filter(cycle=cycle, unit__code="zgh").order_by("pk").first()
    root = readable_dir("fengtai-xaccel-")
    evidence_root = root / "evidence"
    config = evidence_storage_settings(
        {"FENGTAI_EVIDENCE_STORAGE": "local"}, local_root=evidence_root
    )
    app = urllib.parse.urlsplit(live_server.url)
    app_address = f"127.0.0.1:{app.port}" if app.hostname == "localhost" else app.netloc
    served = override_settings(
        FENGTAI_X_ACCEL_REDIRECT="/_protected/",
        FENGTAI_X_ACCEL_MIN_BYTES=0,
        FENGTAI_TRUSTED_PROXIES=["127.0.0.1"],
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
    )
    try:
        with evidence_storage_using(config), served:
            mine = upload(slot_of(cycle, 47, "rsj"), users["rsj"], NAME, PDF)
            theirs = upload(zgh_slot, users["zgh"], "总工会台账.pdf", pdf_bytes("总工会台账"))
            make_world_readable(root)
            with nginx_server(
                root / "nginx", apps=[app_address], evidence_root=evidence_root
            ) as base:
                yield {"base": base, "app": live_server.url, "mine": mine, "theirs": theirs}
    finally:
        shutil.rmtree(root, ignore_errors=True)
        connections.close_all()


def _logged_in(base: str, username: str = "rsj") -> WebClient:
    browser = WebClient(base)
    response = browser.login(username, PASSWORD)
    assert response.status == 200 and not response.url.endswith("/accounts/login/"), response.url
    return browser


def _get_from(base: str, path: str, *, cookies: str = "", headers: dict | None = None):
    """A GET from the browser's own address (BROWSER_IP), as http.client sends it."""
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(
        url.hostname, url.port, timeout=30, source_address=(BROWSER_IP, 0)
    )
    try:
        conn.request("GET", path, headers={"Cookie": cookies, **(headers or {})})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def _cookies(browser: WebClient) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in browser.jar)


def test_nginx_sends_the_exact_bytes_with_the_views_headers(site):
    browser = _logged_in(site["base"])
    evidence = site["mine"]
    response = browser.get(f"/files/{evidence.pk}/")
    assert response.status == 200
    assert response.body == PDF
    assert hashlib.sha256(response.body).hexdigest() == evidence.sha256
    headers = {k.lower(): v for k, v in response.headers.items()}
    assert headers["content-type"] == "application/pdf"
    disposition = headers["content-disposition"]
    assert disposition.startswith("attachment; ")
    assert unquote(disposition.split("filename*=UTF-8''", 1)[1]) == NAME
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["cache-control"] == "private, no-store"
    assert "x-accel-redirect" not in headers  # nginx consumed it
    # nginx's static module sent it (it answers ranges; the view never does).
    assert headers.get("accept-ranges") == "bytes"

    # The app itself answered with an empty body pointing into the internal location.
    status, headers, body = _get_from(
        site["app"], f"/files/{evidence.pk}/", cookies=_cookies(browser)
    )
    assert (status, body) == (200, b"")
    assert headers["X-Accel-Redirect"] == f"/_protected/{evidence.file.name}"


def test_an_inline_view_through_nginx_keeps_the_strict_policy(site):
    browser = _logged_in(site["base"])
    response = browser.get(f"/files/{site['mine'].pk}/?inline=1")
    assert response.status == 200 and response.body == PDF
    headers = {k.lower(): v for k, v in response.headers.items()}
    assert headers["content-disposition"].startswith("inline; ")
    assert "default-src 'none'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "SAMEORIGIN"
    assert headers["x-content-type-options"] == "nosniff"


def test_the_internal_location_is_a_404_from_outside(site):
    browser = _logged_in(site["base"])
    name = site["mine"].file.name
    for path in (f"/_protected/{name}", "/_protected/", f"/_protected/{urllib.parse.quote(name)}"):
        response = browser.get(path)
        assert response.status == 404
        assert PDF not in response.body


def test_another_units_file_is_a_404_through_nginx(site):
    browser = _logged_in(site["base"])
    response = browser.get(f"/files/{site['theirs'].pk}/")
    assert response.status == 404
    assert b"%PDF" not in response.body


def test_a_tampered_file_is_refused_not_handed_to_nginx(site):
    evidence = site["mine"]
    tampered = PDF.replace(b"%PDF", b"%XXX", 1)
    assert len(tampered) == len(PDF)
    stored_replace(evidence.file.name, tampered)
    browser = _logged_in(site["base"])
    response = browser.get(f"/files/{evidence.pk}/")
    assert response.status == 500
    assert "校验失败" in response.text
    assert b"%XXX" not in response.body


def test_the_audit_trail_records_the_browsers_address_not_nginxs_nor_a_spoofed_one(site):
    browser = _logged_in(site["base"])
    evidence = site["mine"]
    status, _, body = _get_from(
        site["base"],
        f"/files/{evidence.pk}/",
        cookies=_cookies(browser),
        headers={"X-Forwarded-For": SPOOFED},
    )
    assert (status, body) == (200, PDF)
    event = SecurityEvent.objects.filter(action=Action.EVIDENCE_DOWNLOADED).latest("pk")
    assert event.ip_address == BROWSER_IP


def test_a_lockout_behind_nginx_locks_the_address_that_failed_not_everyone(site):
    failing = WebClient(site["base"])
    failing.get("/accounts/login/")
    csrf = failing.csrf_token()
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": csrf, "username": "rsj", "password": "Wrong#2026"}
    )
    url = urllib.parse.urlsplit(site["base"])
    statuses = []
    for _ in range(6):
        conn = http.client.HTTPConnection(
            url.hostname, url.port, timeout=30, source_address=(BROWSER_IP, 0)
        )
        conn.request(
            "POST",
            "/accounts/login/",
            body=body,
            headers={
                "Cookie": _cookies(failing),
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": site["base"] + "/",
                "X-Forwarded-For": SPOOFED,
            },
        )
        statuses.append(conn.getresponse().status)
        conn.close()
    assert statuses[-1] == 429  # locked: username rsj from 127.0.0.3
    locked = SecurityEvent.objects.filter(action=Action.LOCKED_OUT).latest("pk")
    assert locked.ip_address == BROWSER_IP
    # The same account from another address (127.0.0.1 here) is not locked out.
    _logged_in(site["base"])
