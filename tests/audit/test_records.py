"""What the security audit log records: sign-ins, sessions, passwords, accounts, roles, units,
permissions and admin writes, each with actor, object, outcome, old → new, IP and browser."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from guardian.shortcuts import assign_perm, remove_perm

from accounts.sessions_policy import SEEN_AT
from audit.models import Action, Outcome, SecurityEvent
from units.models import Unit
from units.roles import ROLE_GROUPS, Role
from units.services import user_assign_unit, user_set_roles

pytestmark = pytest.mark.django_db
User = get_user_model()
LOGIN = reverse("login")
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chromium/140"


def events(action: Action):
    return list(SecurityEvent.objects.filter(action=action).order_by("id"))


def browser() -> Client:
    return Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="10.8.1.23")


def test_login_success_and_failure_with_address_and_browser(rsj_reporter):
    client = browser()
    client.post(LOGIN, {"username": "rsj", "password": "Wrong#2026"})
    client.post(LOGIN, {"username": "rsj", "password": "Demo@2026"})

    [failed] = events(Action.LOGIN_FAILED)
    assert (failed.actor_username, failed.outcome, failed.actor) == ("rsj", Outcome.FAILURE, None)
    assert (failed.ip_address, failed.user_agent) == ("10.8.1.23", BROWSER)
    [login] = events(Action.LOGIN)
    assert (login.actor, login.outcome, login.unit.code) == (rsj_reporter, Outcome.SUCCESS, "rsj")
    assert login.unit_name == "区人社局"
    assert (login.object_type, login.object_id) == ("auth.user", str(rsj_reporter.pk))
    assert (login.ip_address, login.user_agent) == ("10.8.1.23", BROWSER)


def test_lockout_and_unlock(office_user, rsj_reporter):
    client = browser()
    for _ in range(5):
        client.post(LOGIN, {"username": "rsj", "password": "Wrong#2026"})
    [locked] = events(Action.LOCKED_OUT)
    assert (locked.actor_username, locked.outcome) == ("rsj", Outcome.FAILURE)

    admin = browser()
    admin.force_login(office_user)
    attempt = AccessAttempt.objects.get(username="rsj")
    admin.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "lift_lockout", "_selected_action": [attempt.pk]},
    )
    [lifted] = events(Action.LOCKOUT_LIFTED)
    assert (lifted.actor, lifted.object_repr) == (office_user, "rsj")
    assert lifted.detail == {"locked_ip": "10.8.1.23"}


def test_logout_and_idle_expiry_are_told_apart(rsj_reporter, settings):
    client = browser()
    client.post(LOGIN, {"username": "rsj", "password": "Demo@2026"})
    client.post(reverse("logout"))
    client.post(LOGIN, {"username": "rsj", "password": "Demo@2026"})
    session = client.session
    session[SEEN_AT] -= settings.FENGTAI_SESSION_IDLE_SECONDS + 1
    session.save()
    client.get(reverse("home"))

    [logout] = events(Action.LOGOUT)
    assert logout.actor == rsj_reporter
    [expired] = events(Action.SESSION_EXPIRED)
    assert (expired.actor, expired.detail) == (rsj_reporter, {"reason": "idle"})


def test_own_password_change(rsj_reporter):
    client = browser()
    client.post(LOGIN, {"username": "rsj", "password": "Demo@2026"})
    client.post(
        reverse("password_change"),
        {
            "old_password": "Demo@2026",
            "new_password1": "Fengtai#Lao2026",
            "new_password2": "Fengtai#Lao2026",
        },
    )
    [changed] = events(Action.PASSWORD_CHANGED)
    assert (changed.actor, changed.object_id) == (rsj_reporter, str(rsj_reporter.pk))
    assert changed.ip_address == "10.8.1.23"


def test_admin_password_reset_ends_sessions_and_is_recorded(admin_user, rsj_reporter):
    reporter = browser()
    reporter.post(LOGIN, {"username": "rsj", "password": "Demo@2026"})
    admin = browser()
    admin.force_login(admin_user)
    admin.post(
        reverse("admin:auth_user_password_change", args=[rsj_reporter.pk]),
        {"usable_password": "true", "password1": "Reset#20261", "password2": "Reset#20261"},
    )
    [reset] = events(Action.PASSWORD_RESET)
    assert (reset.actor, reset.object_id) == (admin_user, str(rsj_reporter.pk))
    [ended] = events(Action.SESSIONS_ENDED)
    assert ended.detail == {"count": 1, "reason": "password_changed"}
    assert ended.actor == admin_user


def test_account_edit_in_the_admin_records_old_and_new(admin_user, rsj_reporter):
    admin = browser()
    admin.force_login(admin_user)
    url = reverse("admin:auth_user_change", args=[rsj_reporter.pk])
    form = admin.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update(
        {
            "username": "rsj",
            "email": "rsj@fengtai.local",
            "is_active": "on",
            "groups": [g.pk for g in rsj_reporter.groups.all()],
            "last_login_0": "",
            "date_joined_0": "2026-01-05",
            "date_joined_1": "09:00:00",
            "security_profile-TOTAL_FORMS": "0",
            "security_profile-INITIAL_FORMS": "0",
        }
    )
    data.pop("user_permissions", None)
    data.pop("last_login", None)
    data.pop("date_joined", None)
    response = admin.post(url, data)
    assert response.status_code == 302, response.context.get("errors")

    [changed] = events(Action.USER_CHANGED)
    assert changed.actor == admin_user
    assert changed.before == {"email": ""} and changed.after == {"email": "rsj@fengtai.local"}
    [logged] = events(Action.ADMIN_CHANGED)
    assert (logged.object_type, logged.object_id) == ("auth.user", str(rsj_reporter.pk))
    assert "Email 地址" in logged.detail["change_message"]


def test_roles_and_unit_membership_changes(rsj_reporter):
    first = SecurityEvent.objects.order_by("-id").first().pk

    user_set_roles(user=rsj_reporter, roles={Role.REPORTER, Role.APPROVER})
    user_assign_unit(user=rsj_reporter, unit=Unit.objects.get(code="zgh"))
    user_assign_unit(user=rsj_reporter, unit=None)

    new = SecurityEvent.objects.filter(pk__gt=first).order_by("id")
    got = [(e.action, e.before, e.after) for e in new]
    assert (Action.GROUP_ADDED, None, {"groups": [ROLE_GROUPS[Role.APPROVER]]}) in got
    assert (Action.UNIT_CHANGED, {"unit": "区人社局"}, {"unit": "区总工会"}) in got
    assert (Action.UNIT_CHANGED, {"unit": "区总工会"}, {"unit": None}) in got
    assert (Action.GROUP_REMOVED, {"groups": ["单位:rsj"]}, None) in got
    assert all(e.object_id == str(rsj_reporter.pk) for e in new)


def test_a_new_account_and_its_deletion():
    user = User.objects.create_user(username="temp", password="Demo@2026")
    user.delete()
    [created] = events(Action.USER_CREATED)
    assert created.object_repr == "temp" and created.after["is_active"] is True
    [deleted] = events(Action.USER_DELETED)
    assert deleted.object_id == created.object_id


def test_object_permission_grant_and_revocation(rsj_reporter):
    group = Group.objects.create(name="临时组")
    unit = Unit.objects.get(code="rsj")
    assign_perm("units.change_unit", group, unit)
    remove_perm("units.change_unit", group, unit)
    [granted] = events(Action.PERM_GRANTED)
    [revoked] = events(Action.PERM_REVOKED)
    for event in (granted, revoked):
        assert (event.object_type, event.object_id) == ("units.unit", str(unit.pk))
        assert event.detail == {"permission": "change_unit", "holder": "group:临时组"}


def test_admin_bulk_delete_records_every_object(admin_user):
    first, second = Group.objects.create(name="临时组甲"), Group.objects.create(name="临时组乙")
    admin = browser()
    admin.force_login(admin_user)
    response = admin.post(
        reverse("admin:auth_group_changelist"),
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Group.objects.filter(pk__in=[first.pk, second.pk]).exists()
    deleted = events(Action.ADMIN_DELETED)
    assert sorted(e.object_repr for e in deleted) == ["临时组乙", "临时组甲"]
    assert {(e.actor, e.object_type, e.ip_address) for e in deleted} == {
        (admin_user, "auth.group", "10.8.1.23")
    }


def test_an_excel_import_in_the_admin_records_each_row(office_user):
    from tests.indicators.test_import import (
        GOOD_ROWS,
        PROCESS_URL,
        RESPONSIBILITY_HEADERS,
        upload,
        xlsx_bytes,
    )

    admin = browser()
    admin.force_login(office_user)
    preview = upload(admin, xlsx_bytes(RESPONSIBILITY_HEADERS, GOOD_ROWS))
    assert admin.post(PROCESS_URL, preview.context["confirm_form"].initial).status_code == 302

    added, changed = events(Action.ADMIN_ADDED), events(Action.ADMIN_CHANGED)
    assert len(added) == 1 and len(changed) == 1
    for event in added + changed:
        assert (event.actor, event.object_type) == (office_user, "indicators.responsibility")
        assert "import_export" in event.detail["change_message"]
