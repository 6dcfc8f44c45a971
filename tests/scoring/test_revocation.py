"""Access follows unit membership at once: moving or removing a user takes effect on the next
request of the same session, with no new login."""

import pytest
from django.urls import reverse

from scoring.models import SlotStatus
from units.models import Unit
from units.roles import Role
from units.services import user_assign_unit

from .conftest import draft_file_add, slot_submit_with_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def rsj_objects(unit_slot, rsj_reporter):
    """区人社局's slot 63 with a draft file, and slot 44 with a submitted version 1."""
    slot = unit_slot("rsj", 63)
    evidence = draft_file_add(slot, rsj_reporter, "收入分配机制佐证.pdf")
    version_slot = unit_slot("rsj", 44)
    slot_submit_with_pdf(version_slot, rsj_reporter, filename="技能表彰名单.pdf")
    return {
        "slot": reverse("scoring:slot_detail", args=[slot.pk]),
        "file": reverse("scoring:evidence_download", args=[evidence.pk]),
        "version": reverse("scoring:version_detail", args=[version_slot.pk, 1]),
    }


def _statuses(client, urls: dict[str, str]) -> dict[str, int]:
    return {name: client.get(url).status_code for name, url in urls.items()}


def test_moving_to_another_unit_moves_access_on_the_next_request(client, rsj_reporter, rsj_objects):
    client.force_login(rsj_reporter)
    assert _statuses(client, rsj_objects) == {"slot": 200, "file": 200, "version": 200}
    tasks = client.get(reverse("scoring:tasks")).content.decode()
    assert "我的任务 · 区人社局" in tasks and "收入分配机制" in tasks

    user_assign_unit(user=rsj_reporter, unit=Unit.objects.get(code="zgh"))

    # Same client, same session: no re-login.
    assert _statuses(client, rsj_objects) == {"slot": 404, "file": 404, "version": 404}
    response = client.post(rsj_objects["slot"], {"action": "save", "text": "x", "revision": 1})
    assert response.status_code == 404
    response = client.get(reverse("scoring:tasks"))
    assert response.status_code == 200
    tasks = response.content.decode()
    assert "我的任务 · 区总工会" in tasks
    assert "工会经费投入" in tasks  # 17: 区总工会 alone
    assert "收入分配机制" not in tasks  # 63: 区人社局 alone
    assert "区人社局" not in tasks


def test_removing_membership_closes_the_unit_and_my_tasks(client, rsj_reporter, rsj_objects):
    client.force_login(rsj_reporter)
    assert client.get(rsj_objects["slot"]).status_code == 200

    user_assign_unit(user=rsj_reporter, unit=None)

    assert _statuses(client, rsj_objects) == {"slot": 404, "file": 404, "version": 404}
    assert client.get(reverse("scoring:tasks")).status_code == 404


def test_moved_approver_loses_the_old_units_queue(client, make_user, unit_slot, rsj_reporter):
    approver = make_user("rsj_sh", unit="rsj", roles={Role.APPROVER})
    slot = unit_slot("rsj", 44)
    slot_submit_with_pdf(slot, rsj_reporter)
    client.force_login(approver)
    assert "技能表彰奖项" in client.get(reverse("scoring:approvals")).content.decode()

    user_assign_unit(user=approver, unit=Unit.objects.get(code="zgh"))

    approvals = client.get(reverse("scoring:approvals"))
    assert approvals.status_code == 200
    assert "单位审核 · 区总工会" in approvals.content.decode()
    assert "技能表彰奖项" not in approvals.content.decode()
    assert client.post(reverse("scoring:slot_forward", args=[slot.pk])).status_code == 404
    slot.refresh_from_db()
    assert slot.status == SlotStatus.PENDING_APPROVAL


def test_superuser_without_membership_reads_but_cannot_write(
    client, admin_user, rsj_reporter, rsj_objects, unit_slot
):
    # Guardian's with_superuser is off for writes: a unit's draft belongs to the unit alone.
    slot = unit_slot("rsj", 63)
    evidence = slot.files.get()
    client.force_login(admin_user)
    assert client.get(rsj_objects["slot"]).status_code == 200

    posts = [
        (rsj_objects["slot"], {"action": "save", "text": "管理员改写", "revision": slot.revision}),
        (
            rsj_objects["slot"],
            {"action": "submit", "text": "管理员提交", "revision": slot.revision},
        ),
        (reverse("scoring:evidence_upload", args=[slot.pk]), {"title": "x"}),
        (reverse("scoring:evidence_delete", args=[slot.pk, evidence.pk]), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url

    slot.refresh_from_db()
    assert (slot.status, slot.text, slot.current_version) == (SlotStatus.DRAFT, "", 0)
    assert slot.files.filter(pk=evidence.pk, in_draft=True).exists()
