"""Passwords set by an administrator must be changed at first login; old passwords expire."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import SecurityProfile

pytestmark = pytest.mark.django_db
User = get_user_model()

LOGIN = reverse("login")
CHANGE = reverse("password_change")
HOME = reverse("home")
NEW = "Fengtai#2027"


def change_password(client, old, new=NEW):
    return client.post(CHANGE, {"old_password": old, "new_password1": new, "new_password2": new})


def test_account_added_in_the_admin_must_change_its_password(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "wangfang",
            "usable_password": "true",
            "password1": "Initial#2026",
            "password2": "Initial#2026",
        },
    )
    assert response.status_code == 302, response.content.decode()
    user = User.objects.get(username="wangfang")
    assert user.security_profile.must_change_password

    client.logout()
    assert client.post(LOGIN, {"username": "wangfang", "password": "Initial#2026"})
    page = client.get(reverse("scoring:tasks"))
    assert page.status_code == 302 and page["Location"] == CHANGE
    html = client.get(CHANGE).content.decode()
    assert "您的密码由管理员设置，为保障账号安全，请先修改密码后再使用系统。" in html

    done = change_password(client, "Initial#2026")
    assert done.status_code == 302
    assert not SecurityProfile.objects.get(user=user).must_change_password
    assert client.get(HOME).status_code == 200


def test_password_reset_in_the_admin_must_be_changed(client, admin_user, rsj_reporter):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[rsj_reporter.pk]),
        {"usable_password": "true", "password1": "Reset#20261", "password2": "Reset#20261"},
    )
    assert response.status_code == 302
    assert SecurityProfile.objects.get(user=rsj_reporter).must_change_password
    # The administrator's own session is not affected.
    assert client.get(reverse("admin:index")).status_code == 200

    client.logout()
    client.post(LOGIN, {"username": "rsj", "password": "Reset#20261"})
    assert client.get(HOME)["Location"] == CHANGE


def test_administrator_changing_their_own_password_is_not_forced(client, admin_user):
    client.force_login(admin_user)
    client.post(
        reverse("admin:auth_user_password_change", args=[admin_user.pk]),
        {"usable_password": "true", "password1": "Mine#202612", "password2": "Mine#202612"},
    )
    assert not SecurityProfile.objects.get(user=admin_user).must_change_password
    assert client.get(HOME).status_code == 200


def test_weak_password_is_refused_on_the_change_page_and_nothing_changes(client, rsj_reporter):
    client.force_login(rsj_reporter)
    response = change_password(client, "Demo@2026", "abcdefgh")
    assert response.status_code == 200
    html = response.content.decode()
    assert "至少 3 类" in html
    rsj_reporter.refresh_from_db()
    assert rsj_reporter.check_password("Demo@2026")


def test_reusing_the_current_password_is_refused(client, rsj_reporter):
    client.force_login(rsj_reporter)
    response = change_password(client, "Demo@2026", "Demo@2026")
    assert "不能使用最近 5 次用过的密码。" in response.content.decode()


def test_expired_password_must_be_changed(client, rsj_reporter, settings):
    settings.FENGTAI_PASSWORD_MAX_AGE_DAYS = 90
    SecurityProfile.objects.update_or_create(
        user=rsj_reporter, defaults={"password_changed_at": timezone.now() - timedelta(days=91)}
    )
    client.force_login(rsj_reporter)
    assert client.get(HOME)["Location"] == CHANGE
    html = client.get(CHANGE).content.decode()
    assert "您的密码已使用超过 90 天" in html

    change_password(client, "Demo@2026")
    assert client.get(HOME).status_code == 200


def test_password_younger_than_the_limit_is_fine(client, rsj_reporter, settings):
    settings.FENGTAI_PASSWORD_MAX_AGE_DAYS = 90
    SecurityProfile.objects.update_or_create(
        user=rsj_reporter, defaults={"password_changed_at": timezone.now() - timedelta(days=89)}
    )
    client.force_login(rsj_reporter)
    assert client.get(HOME).status_code == 200


def test_zero_turns_expiry_off(client, rsj_reporter, settings):
    settings.FENGTAI_PASSWORD_MAX_AGE_DAYS = 0
    SecurityProfile.objects.update_or_create(
        user=rsj_reporter, defaults={"password_changed_at": timezone.now() - timedelta(days=900)}
    )
    client.force_login(rsj_reporter)
    assert client.get(HOME).status_code == 200


def test_demo_accounts_are_not_forced_to_change(client):
    call_command("seed_demo", force=True, verbosity=0)
    assert not SecurityProfile.objects.filter(must_change_password=True).exists()
    assert SecurityProfile.objects.count() == User.objects.count()
    client.post(LOGIN, {"username": "rsj", "password": "Demo@2026"})
    assert client.get(HOME).status_code == 200


def test_logout_is_reachable_while_a_change_is_due(client, rsj_reporter):
    SecurityProfile.objects.update_or_create(
        user=rsj_reporter, defaults={"must_change_password": True}
    )
    client.force_login(rsj_reporter)
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == LOGIN
