"""Cycles and their submission slots."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef

from indicators.selectors import indicator_responsible_units, indicators_with_units, member_units
from units.models import Unit
from units.permissions import slots_grant_to_unit

from ..errors import DomainError
from ..models import (
    Cycle,
    CycleDesignation,
    CycleStatus,
    EventAction,
    EvidenceFile,
    FigureField,
    FigureTemplate,
    Slot,
    SlotStatus,
    SubmissionEvent,
    SubmissionVersion,
)


@transaction.atomic
def cycle_create(
    *, name: str, year: int, opens_at, deadline, previous: Cycle | None = None
) -> Cycle:
    """Create a cycle in 准备中 with the default figure fields (or the previous cycle's).

    Effect: one Cycle row and its FigureField rows. No slots exist until the cycle opens.
    """
    if Cycle.objects.filter(name=name).exists():
        raise DomainError(f"考核周期“{name}”已存在。")
    if deadline <= opens_at:
        raise DomainError("截止时间必须晚于开始时间。")
    cycle = Cycle.objects.create(
        name=name, year=year, opens_at=opens_at, deadline=deadline, previous=previous
    )
    source = (
        FigureField.objects.filter(cycle=previous)
        if previous is not None and FigureField.objects.filter(cycle=previous).exists()
        else FigureTemplate.objects.all()
    )
    FigureField.objects.bulk_create(
        FigureField(
            cycle=cycle,
            indicator_id=spec.indicator_id,
            code=spec.code,
            label=spec.label,
            kind=spec.kind,
            measure=spec.measure,
            required=spec.required,
            order=spec.order,
            numerator_code=spec.numerator_code,
            denominator_code=spec.denominator_code,
        )
        for spec in source
    )
    if previous is not None:
        CycleDesignation.objects.bulk_create(
            CycleDesignation(cycle=cycle, indicator_id=d.indicator_id, unit_id=d.unit_id)
            for d in previous.designations.all()
        )
    return cycle


@transaction.atomic
def cycle_open(*, cycle: Cycle, actor=None) -> "SlotSync":
    """准备中 → 填报中: every (indicator × concrete responsible unit) becomes a slot."""
    locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if locked.status != CycleStatus.PREPARING:
        raise DomainError(f"考核周期当前为“{locked.get_status_display()}”，不能开启填报。")
    locked.status = CycleStatus.OPEN
    locked.save(update_fields=["status"])
    cycle.status = locked.status
    return slots_sync(cycle=locked, actor=actor)


@dataclass(frozen=True)
class SlotSync:
    created: int
    removed: int
    relabelled: int


def _expected_slots(cycle: Cycle) -> dict[tuple[int, int], bool]:
    members = member_units()
    designated: dict[int, list[Unit]] = {}
    for d in cycle.designations.select_related("unit").order_by("unit__display_order", "unit_id"):
        designated.setdefault(d.indicator_id, []).append(d.unit)
    expected: dict[tuple[int, int], bool] = {}
    for indicator in indicators_with_units():
        for r in indicator_responsible_units(
            indicator=indicator, members=members, designated=designated.get(indicator.pk, ())
        ):
            if r.unit.is_active:
                expected[(indicator.pk, r.unit.pk)] = r.is_lead
    return expected


@transaction.atomic
def slots_sync(*, cycle: Cycle, actor=None) -> SlotSync:
    """Make the cycle's slots match the current responsibilities (idempotent).

    Adds missing slots (with their unit's permissions), corrects 牵头/配合, and removes only
    slots that hold nothing: never a slot with a draft, a file, a version or any event.
    """
    if cycle.status != CycleStatus.OPEN:
        return SlotSync(0, 0, 0)
    expected = _expected_slots(cycle)
    existing = {(s.indicator_id, s.unit_id): s for s in Slot.objects.filter(cycle=cycle)}

    new = [
        Slot(cycle=cycle, indicator_id=ind, unit_id=unit, is_lead=lead)
        for (ind, unit), lead in expected.items()
        if (ind, unit) not in existing
    ]
    Slot.objects.bulk_create(new)
    created = list(
        Slot.objects.filter(cycle=cycle).exclude(pk__in=[s.pk for s in existing.values()])
    )
    slots_grant_to_unit(slots=created)

    relabelled = 0
    for key, slot in existing.items():
        if key in expected and slot.is_lead != expected[key]:
            slot.is_lead = expected[key]
            slot.save(update_fields=["is_lead"])
            relabelled += 1

    stale = [slot.pk for key, slot in existing.items() if key not in expected]
    empty_pks = list(
        Slot.objects.filter(pk__in=stale, status=SlotStatus.NOT_STARTED, revision=0)
        .exclude(Exists(EvidenceFile.objects.filter(slot=OuterRef("pk"))))
        .exclude(Exists(SubmissionVersion.objects.filter(slot=OuterRef("pk"))))
        .exclude(Exists(SubmissionEvent.objects.filter(slot=OuterRef("pk"))))
        .values_list("pk", flat=True)
    )
    Slot.objects.filter(pk__in=empty_pks).delete()
    return SlotSync(created=len(created), removed=len(empty_pks), relabelled=relabelled)


def slots_sync_open_cycles(*, actor=None) -> None:
    """Called after units, responsibilities or designations change."""
    for cycle in Cycle.objects.filter(status=CycleStatus.OPEN):
        slots_sync(cycle=cycle, actor=actor)


@transaction.atomic
def designation_add(*, cycle: Cycle, indicator, unit: Unit, actor=None) -> CycleDesignation:
    """Designate a member unit for a 相关成员单位 indicator; an open cycle gains its slot."""
    if not indicator.member_scope == "designated":
        raise DomainError(f"指标 {indicator.number} 的责任单位中没有“相关成员单位”。")
    designation, _ = CycleDesignation.objects.get_or_create(
        cycle=cycle, indicator=indicator, unit=unit
    )
    slots_sync(cycle=cycle, actor=actor)
    return designation


@transaction.atomic
def slots_extend_deadline(*, slots, until, actor, reason: str, ip: str | None = None) -> int:
    """Give units more time on these slots (区产改办 only).

    Precondition: `until` is later than the cycle's deadline; a reason is given.
    Effect: deadline_extension set on each slot. Audit: 延长截止时间 with the reason and dates.
    """
    from ._common import event_record

    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写延期原因。")
    count = 0
    for slot in (
        Slot.objects.select_for_update()
        .select_related("cycle")
        .filter(pk__in=[s.pk for s in slots])
    ):
        if until <= slot.cycle.deadline:
            raise DomainError("延期后的截止时间必须晚于本周期的截止时间。")
        old = slot.deadline_extension
        slot.deadline_extension = until
        slot.updated_by = actor
        slot.save(update_fields=["deadline_extension", "updated_by", "updated_at"])
        event_record(
            slot=slot,
            action=EventAction.DEADLINE_EXTENDED,
            actor=actor,
            from_status=slot.status,
            to_status=slot.status,
            reason=reason,
            ip=ip,
            data={"from": old.isoformat() if old else None, "to": until.isoformat()},
        )
        count += 1
    return count
