"""Sessions: idle and absolute limits on the server, and a password change or deactivation
that ends the user's other sessions at once."""

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import UserSession
from accounts.sessions_policy import LOGIN_AT, SEEN_AT, SEEN_RESOLUTION_SECONDS

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
HOME = reverse("home")
TASKS = reverse("scoring:tasks")


def log_in(username="rsj") -> Client:
    client = Client()
    response = client.post(LOGIN, {"username": username, "password": "Demo@2026"})
    assert response.status_code == 302
    return client


def age_session(client, *, seen_ago=0.0, login_ago=0.0) -> None:
    """Move the session's clocks back instead of waiting."""
    session = client.session
    session[SEEN_AT] -= seen_ago
    session[LOGIN_AT] -= login_ago
    session.save()


def session_key(client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def test_idle_session_is_logged_out_with_a_chinese_message(rsj_reporter, settings):
    settings.FENGTAI_SESSION_IDLE_SECONDS = 30 * 60
    client = log_in()
    key = session_key(client)
    age_session(client, seen_ago=30 * 60 + 1)

    response = client.get(TASKS)

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={TASKS}"
    assert not UserSession.objects.filter(session_key=key).exists()
    page = client.get(response["Location"]).content.decode()
    assert "您已超过 30 分钟未操作，为保护数据安全已自动退出，请重新登录。" in page


def test_activity_keeps_the_session(rsj_reporter, settings):
    settings.FENGTAI_SESSION_IDLE_SECONDS = 30 * 60
    client = log_in()
    age_session(client, seen_ago=29 * 60, login_ago=29 * 60)
    assert client.get(TASKS).status_code == 200
    # That request counted as activity: another 29 minutes later the session still lives.
    age_session(client, seen_ago=29 * 60, login_ago=29 * 60)
    assert client.get(TASKS).status_code == 200


def test_session_ends_after_the_absolute_lifetime_however_active(rsj_reporter, settings):
    settings.FENGTAI_SESSION_MAX_SECONDS = 12 * 60 * 60
    client = log_in()
    age_session(client, login_ago=12 * 60 * 60 + 1)

    response = client.get(TASKS)

    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    page = client.get(response["Location"]).content.decode()
    assert "本次登录已超过 12 小时" in page


def test_keepalive_counts_as_activity(rsj_reporter, settings):
    settings.FENGTAI_SESSION_IDLE_SECONDS = 30 * 60
    client = log_in()
    age_session(client, seen_ago=29 * 60)
    response = client.post(reverse("session_keepalive"))
    assert response.status_code == 200 and response.json() == {"ok": True}
    age_session(client, seen_ago=29 * 60)
    assert client.get(TASKS).status_code == 200


def test_keepalive_of_an_idle_session_does_not_revive_it(rsj_reporter):
    client = log_in()
    age_session(client, seen_ago=settings.FENGTAI_SESSION_IDLE_SECONDS + 1)
    response = client.post(reverse("session_keepalive"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_changing_the_password_ends_the_other_sessions(rsj_reporter, zgh_reporter):
    office_pc, home_pc = log_in(), log_in()
    other_user = log_in("zgh")
    assert home_pc.get(HOME).status_code == 200

    response = office_pc.post(
        reverse("password_change"),
        {
            "old_password": "Demo@2026",
            "new_password1": "Fengtai#2027",
            "new_password2": "Fengtai#2027",
        },
    )

    assert response.status_code == 302
    # The session that changed it goes on, under a new key; the other one is gone.
    assert office_pc.get(HOME).status_code == 200
    assert home_pc.get(HOME).status_code == 302
    assert UserSession.objects.filter(user=rsj_reporter).count() == 1
    assert other_user.get(HOME).status_code == 200


def test_password_reset_by_the_administrator_ends_the_users_sessions(rsj_reporter, admin_user):
    reporter = log_in()
    admin = log_in("admin")
    admin.post(
        reverse("admin:auth_user_password_change", args=[rsj_reporter.pk]),
        {"usable_password": "true", "password1": "Reset#20261", "password2": "Reset#20261"},
    )
    assert reporter.get(HOME).status_code == 302
    assert admin.get(HOME).status_code == 200


def test_deactivating_a_user_ends_all_their_sessions(rsj_reporter, zgh_reporter, admin_user):
    first, second = log_in(), log_in()
    other = log_in("zgh")
    admin = log_in("admin")
    assert UserSession.objects.filter(user=rsj_reporter).count() == 2

    change = admin.get(reverse("admin:auth_user_change", args=[rsj_reporter.pk]))
    data = {
        key: value
        for key, value in change.context["adminform"].form.initial.items()
        if value is not None and key not in ("is_active", "groups", "user_permissions")
    }
    data.update(
        {
            "date_joined_0": rsj_reporter.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": rsj_reporter.date_joined.strftime("%H:%M:%S"),
            "groups": list(rsj_reporter.groups.values_list("pk", flat=True)),
            "security_profile-TOTAL_FORMS": "0",
            "security_profile-INITIAL_FORMS": "0",
        }
    )
    data.pop("last_login", None)
    response = admin.post(reverse("admin:auth_user_change", args=[rsj_reporter.pk]), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    rsj_reporter.refresh_from_db()
    assert not rsj_reporter.is_active
    assert not UserSession.objects.filter(user=rsj_reporter).exists()
    assert first.get(HOME).status_code == 302
    assert second.get(HOME).status_code == 302
    assert other.get(HOME).status_code == 200


def test_sessions_carry_their_user(rsj_reporter):
    client = log_in()
    assert UserSession.objects.get(session_key=session_key(client)).user == rsj_reporter


def test_deactivating_outside_the_admin_ends_the_sessions_too(rsj_reporter):
    client = log_in()
    rsj_reporter.is_active = False
    rsj_reporter.save(update_fields=["is_active"])
    assert not UserSession.objects.filter(user=rsj_reporter).exists()
    assert client.get(HOME).status_code == 302


def test_the_login_page_is_no_activity(rsj_reporter):
    """An idle tab's timer ends on the login page; that visit must not refresh the session."""
    client = log_in()
    age_session(client, seen_ago=settings.FENGTAI_SESSION_IDLE_SECONDS - 60)
    page = client.get(LOGIN)
    assert "data-session-idle" not in page.content.decode()
    age_session(client, seen_ago=61)
    assert client.get(HOME).status_code == 302


def test_pages_carry_the_idle_limit_for_the_warning(rsj_reporter, settings):
    settings.FENGTAI_SESSION_IDLE_SECONDS = 1800
    client = log_in()
    html = client.get(HOME).content.decode()
    assert 'data-session-idle="1800"' in html and 'data-session-warning="60"' in html
    assert "js/session-timeout.js" in html


# --- the last-activity stamp is written only when it moved ------------------------------------


def _session_writes(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [
        q["sql"]
        for q in queries.captured_queries
        if "accounts_usersession" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
    ]


def test_two_requests_in_a_row_write_the_session_at_most_once(rsj_reporter):
    client = log_in()
    age_session(client, seen_ago=SEEN_RESOLUTION_SECONDS + 1)
    assert len(_session_writes(client, TASKS)) == 1  # the stamp moved: saved once
    assert _session_writes(client, TASKS) == []  # within the resolution: nothing to save
    assert _session_writes(client, HOME) == []


def test_a_request_after_the_resolution_moves_the_stamp(rsj_reporter):
    client = log_in()
    age_session(client, seen_ago=SEEN_RESOLUTION_SECONDS + 5)
    stale = client.session[SEEN_AT]
    client.get(TASKS)
    assert client.session[SEEN_AT] >= stale + SEEN_RESOLUTION_SECONDS + 5 - 1


def test_an_unsaved_stamp_never_shortens_the_idle_limit_by_more_than_the_resolution(
    rsj_reporter, settings
):
    """Requests within the resolution are not stamped; the idle limit then counts from the
    last stamp, at most SEEN_RESOLUTION_SECONDS before the last request, which is less than
    the minute the page warns ahead (FENGTAI_SESSION_WARNING_SECONDS)."""
    assert SEEN_RESOLUTION_SECONDS < settings.FENGTAI_SESSION_WARNING_SECONDS
    settings.FENGTAI_SESSION_IDLE_SECONDS = 30 * 60
    client = log_in()
    age_session(client, seen_ago=SEEN_RESOLUTION_SECONDS - 5, login_ago=60)
    assert _session_writes(client, TASKS) == []
    # The limit counts from the stamp, which is the resolution's 25 s older than the request.
    age_session(client, seen_ago=30 * 60 - (SEEN_RESOLUTION_SECONDS - 5) + 1)
    assert client.get(TASKS).status_code == 302
