"""The login lockout (django-axes) behind nginx: keyed by the browser's address, which
common.http.client_ip reads from X-Forwarded-For only when nginx (a trusted proxy) sent it."""

import pytest
from django.urls import reverse

from audit.models import Action, SecurityEvent

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
NGINX = "10.0.0.10"
WRONG = "Wrong#2026"  # noqa: S105


@pytest.fixture(autouse=True)
def _behind_nginx(settings):
    settings.FENGTAI_TRUSTED_PROXIES = [NGINX]


def _fail(client, *, remote, forwarded=None, password=WRONG):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(LOGIN, {"username": "rsj", "password": password}, **meta)


def test_a_storm_from_one_browser_locks_that_browser_not_everyone_behind_nginx(
    client, rsj_reporter
):
    for _ in range(5):
        _fail(client, remote=NGINX, forwarded="203.0.113.5")
    assert _fail(client, remote=NGINX, forwarded="203.0.113.5").status_code == 429
    locked = SecurityEvent.objects.filter(action=Action.LOCKED_OUT).latest("pk")
    assert locked.ip_address == "203.0.113.5"
    failed = SecurityEvent.objects.filter(action=Action.LOGIN_FAILED).latest("pk")
    assert failed.ip_address == "203.0.113.5"
    # Another browser, through the same nginx, logs in.
    response = _fail(client, remote=NGINX, forwarded="203.0.113.6", password="Demo@2026")
    assert response.status_code == 302


def test_a_spoofed_header_does_not_dodge_the_lockout(client, rsj_reporter):
    # Straight to the app server (not through nginx), a new made-up address every time.
    for i in range(5):
        _fail(client, remote="203.0.113.5", forwarded=f"198.51.100.{i}")
    assert _fail(client, remote="203.0.113.5", forwarded="198.51.100.99").status_code == 429
    assert SecurityEvent.objects.filter(action=Action.LOCKED_OUT).latest("pk").ip_address == (
        "203.0.113.5"
    )
