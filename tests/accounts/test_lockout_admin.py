"""The office sees login lockouts in the admin, in Chinese, and lifts them."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from accounts import signals

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
CHANGELIST = reverse("admin:axes_accessattempt_changelist")


def lock_out(client, username):
    for _ in range(5):
        client.post(LOGIN, {"username": username, "password": "Wrong#2026"})
    assert client.post(LOGIN, {"username": username, "password": "Demo@2026"}).status_code == 429


def test_office_sees_the_lockout_in_chinese(client, office_user, rsj_reporter):
    lock_out(client, "rsj")
    client.force_login(office_user)

    index = client.get(reverse("admin:index")).content.decode()
    page = client.get(CHANGELIST)

    assert "登录锁定" in index and "登录失败记录（锁定）" in index
    assert page.status_code == 200
    html = page.content.decode()
    for text in ("用户名", "IP 地址", "失败次数", "已锁定", "解除所选记录的登录锁定"):
        assert text in html, text
    assert [a.username for a in page.context["cl"].result_list] == ["rsj"]


def test_office_lifts_a_lockout_and_the_user_logs_in(client, office_user, rsj_reporter):
    lifted = []

    def listener(sender, **kwargs):
        lifted.append((kwargs["actor"], kwargs["username"]))

    signals.lockout_lifted.connect(listener)
    try:
        lock_out(client, "rsj")
        attempt = AccessAttempt.objects.get(username="rsj")
        client.force_login(office_user)

        response = client.post(
            CHANGELIST, {"action": "lift_lockout", "_selected_action": [attempt.pk]}
        )
    finally:
        signals.lockout_lifted.disconnect(listener)

    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert lifted == [(office_user, "rsj")]
    client.logout()
    response = client.post(LOGIN, {"username": "rsj", "password": "Demo@2026"})
    assert response.status_code == 302


def test_unlocking_by_delete_goes_through_the_same_service(client, office_user, rsj_reporter):
    lock_out(client, "rsj")
    attempt = AccessAttempt.objects.get(username="rsj")
    client.force_login(office_user)
    response = client.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()


def test_reporters_and_leaders_cannot_reach_lockouts(client, rsj_reporter, leader_user):
    for user in (rsj_reporter, leader_user):
        client.force_login(user)
        response = client.get(CHANGELIST)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_office_cannot_manage_user_accounts(client, office_user):
    client.force_login(office_user)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
