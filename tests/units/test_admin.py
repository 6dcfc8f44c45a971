"""Units in the admin: the office keeps the list; reporters never reach the admin."""

import pytest
from django.urls import reverse

from units.models import Unit, UnitMembership

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:units_unit_changelist")
ADD = reverse("admin:units_unit_add")
NEW_UNIT = {
    "name": "区住建委",
    "code": "zjw",
    "is_member": "on",
    "is_active": "on",
    "display_order": "130",
}


def test_office_sees_units_in_order(client, office_user):
    client.force_login(office_user)

    response = client.get(CHANGELIST)

    assert response.status_code == 200
    units = list(response.context["cl"].result_list)
    assert [u.code for u in units][:2] == ["fgw", "cgb"]
    html = response.content.decode()
    for header in ("显示顺序", "单位名称", "单位代码", "成员单位", "启用"):
        assert header in html


def test_office_filters_and_searches_units(client, office_user):
    client.force_login(office_user)

    non_members = client.get(CHANGELIST, {"is_member__exact": "0"})
    searched = client.get(CHANGELIST, {"q": "人社"})

    assert [u.code for u in non_members.context["cl"].result_list] == ["cgb"]
    assert [u.code for u in searched.context["cl"].result_list] == ["rsj"]


def test_office_adds_a_unit(client, office_user):
    client.force_login(office_user)

    response = client.post(ADD, NEW_UNIT)

    assert response.status_code == 302
    unit = Unit.objects.get(code="zjw")
    assert (unit.name, unit.is_member, unit.display_order) == ("区住建委", True, 130)


def test_office_add_form_rejects_a_bad_code_in_chinese(client, office_user):
    client.force_login(office_user)

    response = client.post(ADD, {**NEW_UNIT, "code": "ZJW-1"})

    assert response.status_code == 200
    assert "代码须为 2–30 位小写英文字母、数字或下划线" in response.content.decode()
    assert not Unit.objects.filter(name="区住建委").exists()


def test_office_cannot_delete_units_or_manage_memberships(client, office_user):
    client.force_login(office_user)
    unit = Unit.objects.get(code="rsj")

    assert client.get(reverse("admin:units_unit_delete", args=[unit.pk])).status_code == 403
    membership_list = reverse("admin:units_unitmembership_changelist")
    assert client.get(membership_list).status_code == 403


def test_reporter_cannot_view_or_add_units(client, rsj_reporter):
    client.force_login(rsj_reporter)

    listing = client.get(CHANGELIST)
    adding = client.post(ADD, NEW_UNIT)

    for response in (listing, adding):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    assert not Unit.objects.filter(code="zjw").exists()


def test_anonymous_is_sent_to_admin_login(client):
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_system_administrator_assigns_a_unit_through_the_service(client, admin_user, make_user):
    """Membership saved in the admin goes through user_assign_unit, like every other path."""
    clerk = make_user("clerk")
    client.force_login(admin_user)
    unit = Unit.objects.get(code="zgh")

    response = client.post(
        reverse("admin:units_unitmembership_add"), {"user": clerk.pk, "unit": unit.pk}
    )

    assert response.status_code == 302
    membership = UnitMembership.objects.get(user=clerk)
    assert membership.unit == unit

    moved = client.post(
        reverse("admin:units_unitmembership_change", args=[membership.pk]),
        {"unit": Unit.objects.get(code="rsj").pk},
    )
    assert moved.status_code == 302
    assert UnitMembership.objects.get(user=clerk).unit.code == "rsj"

    deleted = client.post(
        reverse("admin:units_unitmembership_delete", args=[membership.pk]), {"post": "yes"}
    )
    assert deleted.status_code == 302
    assert not UnitMembership.objects.filter(user=clerk).exists()
