"""Cycles and slots: opening a cycle turns the table into one slot per (indicator × unit)."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from guardian.core import ObjectPermissionChecker
from guardian.shortcuts import get_perms

from common.errors import DomainError
from indicators.models import Indicator, Responsibility
from scoring.cycles.selectors import cycle_event_summary
from scoring.cycles.services import (
    SlotSync,
    cycle_create,
    cycle_open,
    designation_add,
    slots_sync,
)
from scoring.models import (
    CycleAction,
    CycleDesignation,
    CycleEvent,
    CycleStatus,
    FigureField,
    FigureTemplate,
    Slot,
    SlotStatus,
)
from tests.scoring.support import open_cycle_create, save, slot_of
from units.models import Unit
from units.services import unit_group

pytestmark = pytest.mark.django_db

MEMBER_CODES = {"fgw", "zzb", "gzw", "zgh", "xcb", "sfj", "rsj", "jw", "czj", "kxj", "yjj"}


def _units(cycle, number) -> dict[str, bool]:
    """{unit code: is_lead} for one indicator's slots."""
    return dict(
        Slot.objects.filter(cycle=cycle, indicator__number=number).values_list(
            "unit__code", "is_lead"
        )
    )


def test_opening_makes_one_slot_per_indicator_and_concrete_unit(open_cycle):
    """121 named responsibilities + 各成员单位 on 20 indicators (11 members, minus those named)."""
    slots = Slot.objects.filter(cycle=open_cycle)
    assert slots.count() == 327
    assert open_cycle.status == CycleStatus.OPEN
    named = set(Responsibility.objects.values_list("indicator_id", "unit_id"))
    assert len(named) == 121
    pairs = set(slots.values_list("indicator_id", "unit_id"))
    assert named <= pairs
    assert len(pairs - named) == 206
    assert set(slots.values_list("status", flat=True)) == {SlotStatus.NOT_STARTED}


def test_lead_and_support_follow_the_table(open_cycle):
    # 1: 区发改委、各成员单位 -> 区发改委 leads, the other ten members support.
    one = _units(open_cycle, 1)
    assert set(one) == MEMBER_CODES
    assert one.pop("fgw") is True
    assert set(one.values()) == {False}
    # 3: 各成员单位 alone -> every member unit leads its own part; 区产改办 is not a member.
    three = _units(open_cycle, 3)
    assert set(three) == MEMBER_CODES
    assert set(three.values()) == {True}
    # 15: 区人社局、区教委、区财政局、各成员单位 -> named once, 区人社局 leads.
    fifteen = _units(open_cycle, 15)
    assert set(fifteen) == MEMBER_CODES
    assert [c for c, lead in fifteen.items() if lead] == ["rsj"]
    # 2: 区产改办、各成员单位 -> the office leads, members support.
    two = _units(open_cycle, 2)
    assert set(two) == MEMBER_CODES | {"cgb"}
    assert [c for c, lead in two.items() if lead] == ["cgb"]
    # 37: 区教委、区人社局、区发改委、区总工会.
    assert _units(open_cycle, 37) == {"jw": True, "rsj": False, "fgw": False, "zgh": False}
    # 52: 区人社局、相关成员单位 with nobody designated yet.
    assert _units(open_cycle, 52) == {"rsj": True}


def test_a_second_slot_for_the_same_indicator_and_unit_is_refused(open_cycle):
    existing = slot_of(open_cycle, 47, "rsj")
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.create(cycle=open_cycle, indicator=existing.indicator, unit=existing.unit)
    assert (
        Slot.objects.filter(cycle=open_cycle, indicator__number=47, unit__code="rsj").count() == 1
    )


def test_each_slot_is_granted_to_its_unit_group_only(open_cycle, rsj_reporter):
    rsj = Unit.objects.get(code="rsj")
    slot = slot_of(open_cycle, 47, "rsj")
    assert set(get_perms(unit_group(rsj), slot)) == {"view_slot", "change_slot"}
    assert get_perms(unit_group(Unit.objects.get(code="fgw")), slot) == []

    checker = ObjectPermissionChecker(rsj_reporter)
    assert checker.has_perm("view_slot", slot)
    assert checker.has_perm("change_slot", slot)
    other = slot_of(open_cycle, 47, "zgh")
    assert not ObjectPermissionChecker(rsj_reporter).has_perm("view_slot", other)

    # Every slot of the cycle has both grants for its own unit's group.
    for slot in Slot.objects.filter(cycle=open_cycle).select_related("unit__group")[:400]:
        assert set(get_perms(slot.unit.group, slot)) == {"view_slot", "change_slot"}, slot


def test_a_new_member_unit_gets_a_slot_on_every_all_members_indicator(open_cycle, make_user):
    unit = Unit.objects.create(
        name="区住房城乡建设委", code="zjw", is_member=True, display_order=130
    )
    result = slots_sync(cycle=open_cycle)
    assert result.created == 20
    assert result.removed == 0
    slots = Slot.objects.filter(cycle=open_cycle, unit=unit)
    assert slots.count() == 20
    all_members = set(
        Indicator.objects.filter(member_scope="all_members").values_list("number", flat=True)
    )
    assert set(slots.values_list("indicator__number", flat=True)) == all_members
    # Where no unit is named (3 and 13), each member leads; elsewhere the named lead stays.
    assert set(slots.filter(is_lead=True).values_list("indicator__number", flat=True)) == {3, 13}
    assert Slot.objects.filter(cycle=open_cycle).count() == 347

    member = make_user("zjw_clerk", unit=unit)
    checker = ObjectPermissionChecker(member)
    assert all(checker.has_perm("change_slot", s) for s in slots)
    # Syncing again changes nothing.
    assert slots_sync(cycle=open_cycle).created == 0


def test_designating_a_member_unit_for_indicator_52_adds_its_slot(open_cycle):
    indicator = Indicator.objects.get(number=52)
    zgh = Unit.objects.get(code="zgh")
    designation_add(cycle=open_cycle, indicator=indicator, unit=zgh)
    assert CycleDesignation.objects.filter(cycle=open_cycle, indicator=indicator, unit=zgh).exists()
    assert _units(open_cycle, 52) == {"rsj": True, "zgh": False}
    assert "view_slot" in get_perms(unit_group(zgh), slot_of(open_cycle, 52, "zgh"))
    # Designating again is harmless.
    designation_add(cycle=open_cycle, indicator=indicator, unit=zgh)
    assert _units(open_cycle, 52) == {"rsj": True, "zgh": False}


def test_designation_is_refused_on_an_indicator_without_related_members(open_cycle):
    with pytest.raises(DomainError) as exc:
        designation_add(
            cycle=open_cycle,
            indicator=Indicator.objects.get(number=47),
            unit=Unit.objects.get(code="zgh"),
        )
    assert exc.value.message == "指标 47 的责任单位中没有“相关成员单位”。"
    assert not CycleDesignation.objects.exists()
    assert _units(open_cycle, 47) == {"rsj": True, "zgh": False}


def test_sync_keeps_a_slot_that_holds_data_and_drops_an_empty_one(open_cycle, make_user):
    kxj = Unit.objects.get(code="kxj")
    clerk = make_user("kxj_clerk", unit=kxj)
    save(slot_of(open_cycle, 1, "kxj"), clerk, "已部署。")
    before = Slot.objects.filter(cycle=open_cycle, unit=kxj).count()
    assert before == 21  # 43 by name, 65 by name and scope, 19 more through 各成员单位

    Unit.objects.filter(pk=kxj.pk).update(is_member=False)
    result = slots_sync(cycle=open_cycle)

    kept = set(
        Slot.objects.filter(cycle=open_cycle, unit=kxj).values_list("indicator__number", flat=True)
    )
    assert kept == {1, 43, 65}  # the draft and the two named indicators
    assert result.removed == 18
    draft = slot_of(open_cycle, 1, "kxj")
    assert draft.status == SlotStatus.DRAFT
    assert draft.text == "已部署。"


def test_opening_twice_is_refused(open_cycle):
    with pytest.raises(DomainError) as exc:
        cycle_open(cycle=open_cycle)
    assert "不能开启填报" in exc.value.message
    assert "填报中" in exc.value.message
    assert Slot.objects.filter(cycle=open_cycle).count() == 327


def test_a_new_cycle_copies_the_figure_templates(db):
    now = timezone.now()
    cycle = cycle_create(
        name="2026年度", year=2026, opens_at=now, deadline=now + timedelta(days=30)
    )
    assert cycle.status == CycleStatus.PREPARING
    assert not Slot.objects.filter(cycle=cycle).exists()
    fields = FigureField.objects.filter(cycle=cycle)
    assert fields.count() == FigureTemplate.objects.count() == 59
    field = fields.get(indicator__number=47, code="industrial_workers")
    assert (field.label, field.kind, field.required) == ("区产业工人数量", "integer", True)
    ratio = fields.get(indicator__number=48, code="share_of_workers")
    assert (ratio.numerator_code, ratio.denominator_code) == ("industrial_workers", "workers")


def test_a_cycle_made_from_the_previous_copies_its_fields_and_designations(db):
    last = open_cycle_create(name="2025年度", year=2025, opens_in_days=-400, deadline_in_days=-340)
    FigureField.objects.filter(cycle=last, indicator__number=47).update(
        label="区产业工人数量（年末）"
    )
    FigureField.objects.filter(cycle=last, indicator__number=67).delete()
    designation_add(
        cycle=last, indicator=Indicator.objects.get(number=52), unit=Unit.objects.get(code="zgh")
    )

    now = timezone.now()
    cycle = cycle_create(
        name="2026年度", year=2026, opens_at=now, deadline=now + timedelta(days=30), previous=last
    )
    fields = FigureField.objects.filter(cycle=cycle)
    assert fields.count() == 56
    assert fields.get(indicator__number=47).label == "区产业工人数量（年末）"
    assert not fields.filter(indicator__number=67).exists()
    assert list(cycle.designations.values_list("indicator__number", "unit__code")) == [(52, "zgh")]
    assert cycle.previous == last

    cycle_open(cycle=cycle)
    assert _units(cycle, 52) == {"rsj": True, "zgh": False}


def test_cycle_names_are_unique_and_deadline_follows_opening(open_cycle):
    now = timezone.now()
    with pytest.raises(DomainError, match="已存在"):
        cycle_create(name="2026年度", year=2026, opens_at=now, deadline=now + timedelta(days=1))
    with pytest.raises(DomainError, match="截止时间必须晚于开始时间"):
        cycle_create(name="2027年度", year=2027, opens_at=now, deadline=now)


def test_opening_records_its_slots_in_the_opened_event_alone(open_cycle):
    """327 slots come with 开启填报, not with one row each."""
    assert list(open_cycle.events.values_list("action", flat=True)) == [
        CycleAction.CREATED,
        CycleAction.OPENED,
    ]


def test_sync_audits_each_slot_it_adds_and_removes_naming_the_actor(open_cycle, make_user):
    """A unit leaves the member units: 18 empty slots go, one row each; it rejoins: 18 return."""
    office = make_user("office_sync")
    kxj = Unit.objects.get(code="kxj")
    save(slot_of(open_cycle, 1, "kxj"), make_user("kxj_clerk", unit=kxj), "已部署。")

    Unit.objects.filter(pk=kxj.pk).update(is_member=False)
    removed = slots_sync(cycle=open_cycle, actor=office)
    Unit.objects.filter(pk=kxj.pk).update(is_member=True)
    added = slots_sync(cycle=open_cycle, actor=office)

    events = CycleEvent.objects.filter(cycle=open_cycle, actor=office)
    gone = events.filter(action=CycleAction.SLOT_REMOVED)
    back = events.filter(action=CycleAction.SLOT_ADDED)
    assert removed.removed == added.created == gone.count() == back.count() == 18
    assert {e.data["unit"] for e in gone} == {e.data["unit"] for e in back} == {"kxj"}
    numbers = {e.data["indicator"] for e in gone}
    assert numbers == {e.data["indicator"] for e in back}
    assert 1 not in numbers  # the draft stayed: nothing to record
    # A second sync changes nothing and records nothing.
    assert slots_sync(cycle=open_cycle, actor=office) == SlotSync(0, 0, 0)
    assert events.count() == 36


def test_the_cycle_page_summarises_the_sync_rows(open_cycle, make_user):
    office = make_user("office_sync")
    kxj = Unit.objects.get(code="kxj")
    Unit.objects.filter(pk=kxj.pk).update(is_member=False)
    slots_sync(cycle=open_cycle, actor=office)

    removed = CycleEvent.objects.filter(action=CycleAction.SLOT_REMOVED)
    summaries = {e.data["indicator"]: cycle_event_summary(e) for e in removed}

    # Where no unit is named (3 and 13) every member leads; elsewhere 区科信局 supports.
    assert summaries[3] == "指标 3：kxj（牵头）", summaries
    assert summaries[1] == "指标 1：kxj（配合）"
