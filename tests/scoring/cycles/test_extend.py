"""The cycle's window and the deadline extensions of one unit, from the cycle page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from scoring.cycles.services import cycle_open
from scoring.models import (
    Cycle,
    CycleAction,
    CycleEvent,
    CycleStatus,
    EventAction,
    Slot,
    SubmissionEvent,
)
from tests.scoring.cycle_fixtures import flashed
from units.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(preparing):
    cycle_open(cycle=preparing)
    preparing.refresh_from_db()
    return preparing


def _post(client, cycle, **data):
    return client.post(reverse("scoring:cycle_extend", args=[cycle.pk]), data)


def _local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def test_every_slot_of_the_unit_is_extended_with_a_reason(office, office_user, opened):
    rsj = Unit.objects.get(code="rsj")
    until = timezone.localtime(opened.deadline + timedelta(days=7)).replace(second=0, microsecond=0)

    response = _post(office, opened, unit=rsj.pk, until=_local(until), reason="系统故障补报")

    detail = reverse("scoring:cycle_detail", args=[opened.pk])
    assert response["Location"] == f"{detail}#extend"
    slots = Slot.objects.filter(cycle=opened, unit=rsj)
    [(level, text)] = flashed(response)
    assert level == "success"
    assert text.startswith(f"已将区人社局的 {slots.count()} 个填报任务延期至 ")
    assert set(slots.values_list("deadline_extension", flat=True)) == {until}
    assert (
        not Slot.objects.filter(cycle=opened, deadline_extension__isnull=False)
        .exclude(unit=rsj)
        .exists()
    )
    events = SubmissionEvent.objects.filter(slot__in=slots, action=EventAction.DEADLINE_EXTENDED)
    assert events.count() == slots.count()
    assert {(e.actor, e.reason) for e in events} == {(office_user, "系统故障补报")}
    page = office.get(detail).content.decode()
    assert f"<td>区人社局</td><td>{until:%Y年%-m月%-d日 %H:%M}</td><td>{slots.count()}</td>" in page


@pytest.mark.parametrize(
    ("days", "reason", "message"),
    [
        (-1, "提前", "延期后的截止时间必须晚于本周期的截止时间。"),
        (7, "", "请填写延期原因。"),
    ],
)
def test_a_bad_extension_changes_nothing(office, opened, days, reason, message):
    rsj = Unit.objects.get(code="rsj")
    response = _post(
        office,
        opened,
        unit=rsj.pk,
        until=_local(opened.deadline + timedelta(days=days)),
        reason=reason,
    )
    assert flashed(response) == [("error", message)]
    assert not Slot.objects.filter(deadline_extension__isnull=False).exists()
    assert not SubmissionEvent.objects.exists()


def test_only_units_with_slots_in_the_cycle_can_be_chosen(office, opened):
    outsider = Unit.objects.create(name="区住房城乡建设委", code="zjw", is_member=False)
    response = _post(
        office,
        opened,
        unit=outsider.pk,
        until=_local(opened.deadline + timedelta(days=7)),
        reason="补报",
    )
    assert flashed(response) == [("error", "请选择本周期有填报任务的单位。")]


def test_the_cycle_window_is_changed_with_an_audit_event(office, office_user, opened):
    opens = timezone.localtime(opened.opens_at).replace(second=0, microsecond=0)
    deadline = timezone.localtime(opened.deadline + timedelta(days=10)).replace(
        second=0, microsecond=0
    )

    response = office.post(
        reverse("scoring:cycle_dates", args=[opened.pk]),
        {"opens_at": _local(opens), "deadline": _local(deadline)},
    )

    [(level, text)] = flashed(response)
    assert level == "success" and text.startswith("已修改填报时间，截止时间为 ")
    opened.refresh_from_db()
    assert (opened.opens_at, opened.deadline) == (opens, deadline)
    event = CycleEvent.objects.get(cycle=opened, action=CycleAction.DEADLINE_CHANGED)
    assert event.actor == office_user
    assert event.data["deadline"]["new"] == deadline.isoformat()
    page = office.get(reverse("scoring:cycle_detail", args=[opened.pk])).content.decode()
    assert "修改截止时间" in page and "填报截止时间 " in page


@pytest.mark.parametrize(
    ("status", "days", "message"),
    [
        (CycleStatus.OPEN, -40, "截止时间必须晚于开始时间。"),
        # The service's wording ("已" + "已发布"), reported as a product bug.
        (CycleStatus.PUBLISHED, 10, "考核周期当前为“已发布”，不能再修改填报时间。"),
    ],
)
def test_a_refused_window_change_changes_nothing(office, opened, status, days, message):
    Cycle.objects.filter(pk=opened.pk).update(status=status)
    before = Cycle.objects.values_list("opens_at", "deadline").get(pk=opened.pk)

    response = office.post(
        reverse("scoring:cycle_dates", args=[opened.pk]),
        {
            "opens_at": _local(opened.opens_at),
            "deadline": _local(opened.deadline + timedelta(days=days)),
        },
    )

    assert flashed(response) == [("error", message)]
    assert Cycle.objects.values_list("opens_at", "deadline").get(pk=opened.pk) == before
    assert not CycleEvent.objects.filter(action=CycleAction.DEADLINE_CHANGED).exists()
