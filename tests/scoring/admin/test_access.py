"""Who reaches the admin, what the office's model permissions open, and what stays closed."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.test import RequestFactory
from django.urls import reverse

from scoring.access import slot_get_for_user, slots_writable_by
from scoring.models import (
    CycleEvent,
    EvidenceFile,
    Slot,
    SlotStatus,
    SubmissionEvent,
    SubmissionVersion,
)
from units.roles import ROLE_GROUPS, Role

from .conftest import GRADE_NUMBER
from .support import SLOTS, action_choose, na_url, score_url, seen, slot_change_url

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = reverse("admin:login")


@pytest.mark.parametrize("persona", ["rsj_reporter", "leader_user"])
def test_reporters_and_leaders_are_sent_to_the_admin_login(client, request, persona, submitted):
    slot = submitted(GRADE_NUMBER)
    client.force_login(request.getfixturevalue(persona))

    for url in (
        reverse("admin:index"),
        SLOTS,
        slot_change_url(slot),
        score_url(slot),
        na_url(slot),
        reverse("admin:scoring_submissionevent_changelist"),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{ADMIN_LOGIN}?next="), url
    posted = client.post(score_url(slot), seen(slot) | {"grade": "优秀"})
    assert posted["Location"].startswith(ADMIN_LOGIN)
    assert Slot.objects.get(pk=slot.pk).score is None


def test_a_global_change_slot_does_not_open_any_units_draft(client, office_user, rsj_slot):
    """The office's scoring.change_slot opens the admin's review pages, not unit drafts."""
    assert office_user.has_perm("scoring.change_slot")
    slot = rsj_slot(GRADE_NUMBER)
    client.force_login(office_user)

    response = client.post(
        reverse("scoring:slot_detail", args=[slot.pk]),
        {"action": "save", "text": "区产改办改写的说明", "revision": slot.revision},
    )

    assert response.status_code == 404
    assert Slot.objects.get(pk=slot.pk).text == ""
    assert not slots_writable_by(office_user).exists()
    with pytest.raises(Exception, match="未找到该填报任务"):
        slot_get_for_user(user=office_user, pk=slot.pk, write=True)


def test_an_office_member_of_the_office_unit_writes_only_its_own_units_drafts(make_user, cycle):
    """区产改办 is also a responsible unit: its staff write its own slots and no one else's."""
    reviewer = make_user("cgb_office", unit="cgb", roles={Role.OFFICE}, is_staff=True)

    writable = slots_writable_by(reviewer)

    assert writable.exists()
    assert set(writable.values_list("unit__code", flat=True)) == {"cgb"}


def test_model_permissions_without_the_office_role_open_no_review(client, make_user, submitted):
    """The admin asks scoring.access.user_is_office, as the review pages do: a staff account
    holding scoring.change_slot but not the office role reviews nothing, anywhere."""
    slot = submitted(GRADE_NUMBER)
    clerk = make_user("it_clerk", is_staff=True)
    clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_slot", "change_slot"])
    )
    client.force_login(clerk)

    listing = client.get(SLOTS)
    scoring = client.get(score_url(slot))
    marking = client.post(na_url(slot), seen(slot) | {"reason": "理由"})
    acting = action_choose(client, "approve_selected", [slot])
    page = client.get(reverse("scoring:review_detail", args=[slot.pk]))

    assert listing.status_code == scoring.status_code == marking.status_code == 403
    assert acting.status_code == 403
    assert page.status_code == 404
    fresh = Slot.objects.get(pk=slot.pk)
    assert (fresh.status, fresh.not_applicable) == (SlotStatus.SUBMITTED, False)


def test_the_office_reviews_in_the_admin_as_on_the_pages_whatever_its_model_permissions(
    client, office_user, submitted
):
    """Removing change_slot from the office group used to close the admin's review but not the
    pages'; both now follow the office role alone."""
    slot = submitted(GRADE_NUMBER)
    group = Group.objects.get(name=ROLE_GROUPS[Role.OFFICE])
    group.permissions.remove(Permission.objects.get(codename="change_slot"))
    client.force_login(office_user)

    listing = client.get(SLOTS)
    page = client.get(reverse("scoring:review_detail", args=[slot.pk]))
    marking = client.post(na_url(slot), seen(slot) | {"reason": "本年度不涉及。"})

    assert listing.status_code == page.status_code == 200
    assert "批量通过" in listing.content.decode()
    assert marking.status_code == 302
    assert Slot.objects.get(pk=slot.pk).not_applicable is True


@pytest.mark.parametrize("persona", ["office_user", "admin_user"])
def test_audit_trails_cannot_be_changed_or_deleted(client, request, persona, submitted, cycle):
    slot = submitted(GRADE_NUMBER)
    client.force_login(request.getfixturevalue(persona))
    event = SubmissionEvent.objects.filter(slot=slot).first()
    cycle_event = CycleEvent.objects.filter(cycle=cycle).first()
    before = (
        list(SubmissionEvent.objects.values_list("pk", "action", "reason")),
        list(CycleEvent.objects.values_list("pk", "action", "reason")),
    )

    for model, obj in (("submissionevent", event), ("cycleevent", cycle_event)):
        change = reverse(f"admin:scoring_{model}_change", args=[obj.pk])
        delete = reverse(f"admin:scoring_{model}_delete", args=[obj.pk])
        changelist = reverse(f"admin:scoring_{model}_changelist")
        page = client.get(change)
        assert page.status_code == 200
        assert 'name="_save"' not in page.content.decode()
        assert client.post(change, {"reason": "改写", "action": "approved"}).status_code == 403
        assert client.get(delete).status_code == 403
        assert client.post(delete, {"post": "yes"}).status_code == 403
        assert client.get(reverse(f"admin:scoring_{model}_add")).status_code == 403
        bulk = client.post(
            changelist,
            {
                "action": "delete_selected",
                "index": "0",
                "_selected_action": [obj.pk],
                "post": "yes",
            },
        )
        assert bulk.status_code == 200  # no delete action is offered: the plain list again

    after = (
        list(SubmissionEvent.objects.values_list("pk", "action", "reason")),
        list(CycleEvent.objects.values_list("pk", "action", "reason")),
    )
    assert after == before


def test_slots_cannot_be_added_or_deleted_in_the_admin(client, admin_user, submitted):
    slot = submitted(GRADE_NUMBER)
    client.force_login(admin_user)

    assert client.get(reverse("admin:scoring_slot_add")).status_code == 403
    assert (
        client.post(
            reverse("admin:scoring_slot_delete", args=[slot.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert Slot.objects.get(pk=slot.pk).status == SlotStatus.SUBMITTED


def test_files_and_versions_are_never_editable_even_for_a_superuser(admin_user):
    """Evidence and versions appear only as read-only inlines of the slot."""
    assert not admin.site.is_registered(EvidenceFile)
    assert not admin.site.is_registered(SubmissionVersion)
    request = RequestFactory().get(SLOTS)
    request.user = admin_user
    slot_admin = admin.site.get_model_admin(Slot)
    inlines = {i.model: i for i in slot_admin.get_inline_instances(request)}
    assert set(inlines) == {EvidenceFile, SubmissionVersion, SubmissionEvent}
    for inline in inlines.values():
        assert inline.has_view_permission(request)
        assert not inline.has_add_permission(request, None)
        assert not inline.has_change_permission(request)
        assert not inline.has_delete_permission(request)
    for model in (SubmissionEvent, CycleEvent):
        model_admin = admin.site.get_model_admin(model)
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)
