"""The hook points the security audit log listens to (this app writes no audit rows)."""

import pytest
from django.contrib.auth.signals import user_logged_out
from django.test import Client
from django.urls import reverse

from accounts import signals
from accounts.sessions_policy import SEEN_AT

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    """Every accounts signal and user_logged_out, as (signal name, arguments)."""
    events = []
    receivers = {}
    for name in ("password_changed", "password_reset_by_admin", "sessions_ended"):

        def receiver(sender, _name=name, **kwargs):
            kwargs.pop("signal", None)
            events.append((_name, kwargs))

        receivers[name] = receiver
        getattr(signals, name).connect(receiver)

    def on_logout(sender, request, user, **kwargs):
        events.append(("logged_out", {"reason": getattr(request, "fengtai_logout_reason", None)}))

    user_logged_out.connect(on_logout)
    yield events
    for name, receiver in receivers.items():
        getattr(signals, name).disconnect(receiver)
    user_logged_out.disconnect(on_logout)


def test_admin_reset_announces_the_change_the_reset_and_the_ended_sessions(
    heard, admin_user, rsj_reporter
):
    reporter, admin = Client(), Client()
    reporter.post(reverse("login"), {"username": "rsj", "password": "Demo@2026"})
    admin.force_login(admin_user)

    admin.post(
        reverse("admin:auth_user_password_change", args=[rsj_reporter.pk]),
        {"usable_password": "true", "password1": "Reset#20261", "password2": "Reset#20261"},
    )

    names = [name for name, _ in heard]
    assert names == ["sessions_ended", "password_changed", "password_reset_by_admin"]
    ended = heard[0][1]
    assert (ended["user"], ended["count"], ended["reason"]) == (rsj_reporter, 1, "password_changed")
    assert heard[2][1] == {"user": rsj_reporter, "actor": admin_user}


def test_idle_logout_tells_listeners_why(heard, client, rsj_reporter, settings):
    client.post(reverse("login"), {"username": "rsj", "password": "Demo@2026"})
    session = client.session
    session[SEEN_AT] -= settings.FENGTAI_SESSION_IDLE_SECONDS + 1
    session.save()

    client.get(reverse("home"))

    assert heard == [("logged_out", {"reason": "idle"})]
