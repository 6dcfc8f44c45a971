"""Faults while the app serves, against real servers on loopback.

- PostgreSQL goes down under gunicorn (the `make serve` config, DEBUG off): requests during the
  outage get the Chinese 503 page, and once PostgreSQL is back the same workers answer 200
  again without a restart (CONN_HEALTH_CHECKS). The server stopped is a private one.
- A client goes away in the middle of an upload: no EvidenceFile row, no stored file, no
  temporary upload file (gunicorn, and Django's live server on either database).
"""

import socket
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.management import call_command
from django.db import connection, connections
from django.test import override_settings
from django.urls import reverse

from accounts.services import password_mark_current
from scoring.demo.files import pdf_bytes
from scoring.models import EventAction, EvidenceFile
from tests.scoring.support import evidence_root, open_cycle_create, slot_of, stored_files
from tests.servers import (
    WebClient,
    gunicorn_server,
    manage,
    multipart,
    postgres_bin,
    private_postgres,
    production_env,
)
from units.roles import Role

PASSWORD = "Demo@2026"
PDF = pdf_bytes("职业技能培训人次统计")

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs a real PostgreSQL server (set DATABASE_URL=postgres://…); gunicorn runs in "
    "another process and cannot share SQLite's in-memory test database",
)


@pytest.fixture(scope="module", autouse=True)
def _catalogue_after_flush(django_db_setup, django_db_blocker):
    """The transactional tests flush the database; put the catalogue back for later tests."""
    yield
    with django_db_blocker.unblock():
        call_command("loaddata", "catalogue", "figure_defaults", verbosity=0)


@pytest.fixture
def reporter(transactional_db, make_user):
    call_command("loaddata", "catalogue", "figure_defaults", verbosity=0)
    user = make_user("rsj", unit="rsj", roles={Role.REPORTER})
    password_mark_current(user=user)
    yield user
    connections.close_all()


@pytest.fixture
def served_reporter(reporter):
    """The reporter with a hash gunicorn's production settings can check (the suite uses MD5)."""
    reporter.password = PBKDF2PasswordHasher().encode(PASSWORD, "faultsalt", iterations=1000)
    reporter.save(update_fields=["password"])
    password_mark_current(user=reporter)
    return reporter


@pytest.fixture
def slot(reporter):
    return slot_of(open_cycle_create(), 47, "rsj")


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _gunicorn(tmp_path, **kwargs):
    return gunicorn_server(
        database_url=_database_url(), private_root=evidence_root().parent, **kwargs
    )


# --- PostgreSQL goes away and comes back --------------------------------------------------------

# It needs no database of the suite's, but is slow: it runs once, in CI's PostgreSQL pass.
in_the_postgresql_pass = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="runs in the suite's PostgreSQL pass (DATABASE_URL=postgres://…); it starts a "
    "PostgreSQL server of its own to stop",
)
NEEDS_SERVER_BINARIES = pytest.mark.skipif(
    postgres_bin() is None,
    reason="needs Debian's PostgreSQL server binaries (initdb, pg_ctl) for a private server",
)

MAKE_OFFICE_USER = f"""
from django.contrib.auth import get_user_model
from accounts.services import password_mark_current
from units.roles import Role
from units.services import user_set_roles
user = get_user_model().objects.create_user("office", password={PASSWORD!r}, is_staff=True)
user_set_roles(user=user, roles={{Role.OFFICE}})
password_mark_current(user=user)
"""


@in_the_postgresql_pass
@NEEDS_SERVER_BINARIES
def test_a_database_outage_is_a_503_page_and_the_app_recovers_by_itself(tmp_path):
    """A real PostgreSQL server is stopped and started again under a running gunicorn.

    The server is one of this test's own (initdb on a free port), not the one the suite and
    the other tests share: stopping that would fail whatever else is running on it, e.g. the
    other pytest-xdist workers of `make test`.
    """
    with private_postgres() as pg:
        env = production_env(
            database_url=pg.url, var_dir=tmp_path, private_root=tmp_path / "private", port=0
        )
        manage(env, "migrate", "--noinput")
        manage(env, "shell", stdin=MAKE_OFFICE_USER)
        with gunicorn_server(
            database_url=pg.url, private_root=tmp_path / "private", workers=2
        ) as server:
            browser = WebClient(server.url)
            assert browser.login("office", PASSWORD).url.endswith("/")
            assert browser.get("/").status == 200

            pg.stop()
            try:
                during = [browser.get("/") for _ in range(3)]
            finally:
                pg.start()

            for response in during:
                assert response.status == 503, response.text[:300]
                assert "系统暂时无法访问" in response.text
                assert response.headers.get("Retry-After") == "30"
            # Every worker reconnects on its own: no restart of gunicorn, same session.
            after = [browser.get("/") for _ in range(6)]
            assert [r.status for r in after] == [200] * 6
            assert "退出" in after[-1].text
            assert server.process.poll() is None


# --- a client that goes away mid-upload ----------------------------------------------------------


def _login(browser: WebClient) -> None:
    response = browser.login("rsj", PASSWORD)
    assert response.status == 200 and not response.url.endswith("/accounts/login/"), response.url


def _cookie_header(browser: WebClient) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in browser.jar)


def _send_partial_upload(base_url: str, browser: WebClient, slot, *, half_close: bool) -> bytes:
    """Send the headers and part of an upload's body over a raw socket, then stop.

    The body holds one whole file and half of a second; Content-Length promises all of it.
    With half_close the socket is shut for writing and the server's answer read; otherwise it
    is closed outright, as when the browser tab is closed.
    """
    whole, content_type = multipart(
        {"csrfmiddlewaretoken": browser.csrf_token(), "revision": "0"},
        [("第一份.pdf", PDF), ("第二份.pdf", PDF)],
    )
    sent = whole[: len(whole) - len(PDF) // 2]
    host, port = base_url.removeprefix("http://").split(":")
    head = (
        f"POST /tasks/{slot.pk}/files/ HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {len(whole)}\r\n"
        f"Cookie: {_cookie_header(browser)}\r\nX-CSRFToken: {browser.csrf_token()}\r\n"
        f"Referer: {base_url}/\r\nConnection: close\r\n\r\n"
    ).encode()
    sock = socket.create_connection((host, int(port)), timeout=60)
    try:
        sock.sendall(head + sent)
        if not half_close:
            return b""
        sock.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
        return answer
    finally:
        sock.close()


def _assert_nothing_left(slot, files_before, temp_dir: Path):
    assert not EvidenceFile.objects.filter(slot=slot).exists()
    assert stored_files() == files_before
    assert not slot.events.filter(action=EventAction.FILE_ADDED).exists()
    assert list(temp_dir.iterdir()) == []


def test_the_upload_url_is_the_one_the_raw_requests_use(slot):
    assert reverse("scoring:evidence_upload", args=[slot.pk]) == f"/tasks/{slot.pk}/files/"


def test_a_cut_off_upload_to_the_live_server_stores_nothing(reporter, slot, live_server, tmp_path):
    before = stored_files()
    # The live server speaks plain HTTP: cookies without Secure, as make serve on loopback.
    plain_http = {"SESSION_COOKIE_SECURE": False, "CSRF_COOKIE_SECURE": False}
    with override_settings(FILE_UPLOAD_TEMP_DIR=str(tmp_path), **plain_http):
        browser = WebClient(live_server.url)
        _login(browser)
        answer = _send_partial_upload(live_server.url, browser, slot, half_close=True)
    # The server read to the end of what was sent, then answered: back to the slot page.
    assert answer.startswith(b"HTTP/1.1 302"), answer[:200]
    assert f"Location: /tasks/{slot.pk}/".encode() in answer
    _assert_nothing_left(slot, before, tmp_path)


@postgresql_only
def test_a_client_closing_mid_upload_to_gunicorn_leaves_nothing(served_reporter, slot, tmp_path):
    before = stored_files()
    upload_tmp = tmp_path / "uploads"
    upload_tmp.mkdir()
    # One sync worker: the request after the cut-off one is served only once that one is done.
    with _gunicorn(
        tmp_path, workers=1, extra_env={"DJANGO_UPLOAD_TEMP_DIR": str(upload_tmp)}
    ) as server:
        browser = WebClient(server.url)
        _login(browser)
        _send_partial_upload(server.url, browser, slot, half_close=False)
        page = browser.get(f"/tasks/{slot.pk}/")
        assert page.status == 200
        _assert_nothing_left(slot, before, upload_tmp)
        assert "Traceback" not in server.log_text()
        # The same upload, whole, is stored: the refusal above was the cut, nothing else.
        whole = browser.post_multipart(
            f"/tasks/{slot.pk}/files/", {"revision": "0"}, [("第一份.pdf", PDF)]
        )
        assert whole.status == 200
        stored = EvidenceFile.objects.get(slot=slot)
        # make serve: DEBUG off (the product's 404 page), WhiteNoise serves the collected static
        # files, and no URL but the permission-checked view reaches an evidence file.
        assert browser.get("/static/css/errors.css").status == 200
        for path in (
            f"/static/{stored.file.name}",
            f"/media/{stored.file.name}",
            f"/private/evidence/{stored.file.name}",
            f"/evidence/{stored.file.name}",
        ):
            missing = browser.get(path)
            assert missing.status == 404 and "页面不存在" in missing.text, path
        download = browser.get(reverse("scoring:evidence_download", args=[stored.pk]))
        assert download.status == 200 and download.body == PDF
    assert stored.original_name == "第一份.pdf"
    assert settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
