"""Cycles and their submission slots."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, F, OuterRef

from common.errors import DomainError
from indicators.selectors import (
    indicator_responsible_units,
    indicators_with_units,
    member_units,
    responsibility_text,
)
from scoring.calculations import DEFAULT_GRADE_LEVELS
from scoring.cycles.grants import slots_grant_to_unit
from scoring.cycles.selectors import cycle_unfinished
from scoring.models import (
    Cycle,
    CycleAction,
    CycleDesignation,
    CycleEvent,
    CycleIndicator,
    CycleStatus,
    EventAction,
    EvidenceFile,
    FigureField,
    FigureTemplate,
    GradeLevel,
    ScoringMethod,
    Slot,
    SlotStatus,
    SubmissionEvent,
    SubmissionVersion,
)
from scoring.models.cycle import DEADLINE_AFTER_OPENING
from scoring.workflow import (
    CYCLE_TRANSITIONS,
    CYCLE_TRANSITIONS_NEEDING_REASON,
    cycle_check_allowed,
    cycle_event,
    cycle_publications,
    figures_changed,
)
from units.models import Unit

EXTENSION_REASON_REQUIRED = "请填写延期原因。"


@transaction.atomic
def cycle_create(
    *,
    name: str,
    year: int,
    opens_at,
    deadline,
    previous: Cycle | None = None,
    actor=None,
    ip: str | None = None,
) -> Cycle:
    """Create a cycle in 准备中, usually as a copy of the previous one.

    Effect: the Cycle; its scheme (a snapshot of the 80 indicators with the previous cycle's
    分值 and 评分方法, or 0 分 / 档次 for a first cycle); its grade levels, total, bonus cap and
    lead weight (previous or default); its figure fields (previous or the default templates);
    and its 相关成员单位 designations (previous). No slots exist until it opens.
    Audit: 创建周期.
    """
    name = (name or "").strip()
    if not name:
        raise DomainError("请填写考核周期名称。")
    if Cycle.objects.filter(name=name).exists():
        raise DomainError(f"考核周期“{name}”已存在。")
    if deadline <= opens_at:
        raise DomainError(DEADLINE_AFTER_OPENING)
    cycle = Cycle.objects.create(
        name=name,
        year=year,
        opens_at=opens_at,
        deadline=deadline,
        previous=previous,
        total_points=previous.total_points if previous else 100,
        bonus_cap=previous.bonus_cap if previous else 5,
        lead_weight=previous.lead_weight if previous else None,
    )
    carried = (
        {ci.indicator_id: ci for ci in CycleIndicator.objects.filter(cycle=previous)}
        if previous is not None
        else {}
    )
    CycleIndicator.objects.bulk_create(
        _snapshot(cycle, indicator, carried.get(indicator.pk))
        for indicator in indicators_with_units()
    )
    levels = (
        [(g.name, g.share) for g in previous.grade_levels.all()]
        if previous is not None and previous.grade_levels.exists()
        else [(g.name, g.share) for g in DEFAULT_GRADE_LEVELS]
    )
    GradeLevel.objects.bulk_create(
        GradeLevel(cycle=cycle, name=level_name, share=share, order=order)
        for order, (level_name, share) in enumerate(levels, start=1)
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
    cycle_event(
        cycle=cycle,
        action=CycleAction.CREATED,
        actor=actor,
        ip=ip,
        to_status=cycle.status,
        data={"previous": previous.name if previous else None},
    )
    return cycle


def _snapshot(cycle: Cycle, indicator, carried: CycleIndicator | None) -> CycleIndicator:
    level2 = indicator.level2
    return CycleIndicator(
        cycle=cycle,
        indicator=indicator,
        number=indicator.number,
        level1_number=level2.level1.number,
        level1_label=level2.level1.label,
        level2_number=level2.number,
        level2_label=level2.label,
        name=indicator.name,
        content=indicator.content,
        responsibility=responsibility_text(indicator),
        points=carried.points if carried else 0,
        method=carried.method if carried else ScoringMethod.GRADE,
    )


def _scheme_refresh(cycle: Cycle) -> None:
    """Re-copy the catalogue's text into the scheme (at opening; frozen afterwards)."""
    existing = {ci.indicator_id: ci for ci in CycleIndicator.objects.filter(cycle=cycle)}
    for indicator in indicators_with_units():
        fresh = _snapshot(cycle, indicator, existing.get(indicator.pk))
        current = existing.get(indicator.pk)
        if current is None:
            fresh.save()
            continue
        for field in (
            "number",
            "level1_number",
            "level1_label",
            "level2_number",
            "level2_label",
            "name",
            "content",
            "responsibility",
        ):
            setattr(current, field, getattr(fresh, field))
        current.save()


@transaction.atomic
def cycle_transition(
    *,
    cycle: Cycle,
    action: str,
    actor=None,
    reason: str = "",
    override_reason: str = "",
    ip: str | None = None,
) -> Cycle:
    """Move a cycle along 准备中 → 填报中 → 评审中 → 已发布 → 已归档 (or back: 撤回发布).

    Precondition: the cycle is in the action's source state (CYCLE_TRANSITIONS); 撤回发布
    needs a reason; 发布结果 needs every slot finished (cycle_unfinished), or else a written
    override_reason, which becomes the event's reason.
    Effect: the new status; opening refreshes the scheme snapshot, then freezes it, and
    creates the slots; publishing lets units see their scores and notifies them; withdrawing
    hides the scores again and notifies them.
    Audit: one CycleEvent (a publication carries its number, and what was unfinished).
    """
    source, target, audit, label = CYCLE_TRANSITIONS[action]
    locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
    refused = cycle_check_allowed(action, locked.status)
    if refused:
        raise DomainError(refused)
    reason = (reason or "").strip()
    if action in CYCLE_TRANSITIONS_NEEDING_REASON and not reason:
        raise DomainError(f"请填写{label}的原因。")
    data: dict = {}
    if action == "publish":
        data["publication"] = cycle_publications(locked) + 1
        unfinished = cycle_unfinished(cycle=locked)
        if unfinished.total:
            override_reason = (override_reason or "").strip()
            if not override_reason:
                raise DomainError(
                    f"尚有 {unfinished.total} 项未完成（{unfinished.summary}），不能发布结果。"
                    "如确需发布，请填写书面理由。"
                )
            reason = override_reason
            data.update(override=True, unfinished=unfinished.counts)
    if action == "open":
        _scheme_refresh(locked)
    locked.status = target
    locked.save(update_fields=["status"])
    cycle_event(
        cycle=locked,
        action=audit,
        actor=actor,
        reason=reason,
        ip=ip,
        from_status=source,
        to_status=target,
        data=data,
    )
    if action == "open":
        slots_sync(cycle=locked, actor=actor, opening=True)
    if action == "publish":
        from scoring.notifications.services import notify_cycle_published

        notify_cycle_published(cycle=locked, publication=data["publication"])
    if action == "unpublish":
        from scoring.notifications.services import notify_cycle_unpublished

        notify_cycle_unpublished(cycle=locked, reason=reason)
    cycle.status = locked.status
    return locked


def cycle_open(*, cycle: Cycle, actor=None, ip: str | None = None) -> "SlotSync":
    """准备中 → 填报中: every (indicator × concrete responsible unit) becomes a slot."""
    before = Slot.objects.filter(cycle=cycle).count()
    cycle_transition(cycle=cycle, action="open", actor=actor, ip=ip)
    return SlotSync(
        created=Slot.objects.filter(cycle=cycle).count() - before, removed=0, relabelled=0
    )


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


def _slot_audit(*, cycle: Cycle, action: CycleAction, actor, rows: list[dict]) -> None:
    """One CycleEvent per slot the sync touched. A cycle event, not a slot event: a removed
    slot has no row to hang it on, and an added slot must stay removable while it holds
    nothing (a slot event would count as something it holds)."""
    CycleEvent.objects.bulk_create(
        CycleEvent(cycle=cycle, action=action, actor=actor, data=row) for row in rows
    )
    if rows:
        figures_changed(cycle)


@transaction.atomic
def slots_sync(*, cycle: Cycle, actor=None, opening: bool = False) -> SlotSync:
    """Make the cycle's slots match the current responsibilities (idempotent).

    Adds missing slots (with their unit's permissions), corrects 牵头/配合, and removes only
    slots that hold nothing: never a slot with a draft, a file, a version or any event.
    Audit: one CycleEvent naming the actor per slot added (新增填报任务), relabelled
    (调整牵头/配合) or removed (删除空白填报任务); the slots created when the cycle opens
    (`opening`) are recorded by its 开启填报 event instead.
    """
    if cycle.status != CycleStatus.OPEN:
        return SlotSync(0, 0, 0)
    expected = _expected_slots(cycle)
    existing = {
        (s.indicator_id, s.unit_id): s
        for s in Slot.objects.filter(cycle=cycle).select_related("indicator", "unit")
    }

    new = [
        Slot(cycle=cycle, indicator_id=ind, unit_id=unit, is_lead=lead)
        for (ind, unit), lead in expected.items()
        if (ind, unit) not in existing
    ]
    Slot.objects.bulk_create(new)
    created = list(
        Slot.objects.filter(cycle=cycle)
        .exclude(pk__in=[s.pk for s in existing.values()])
        .select_related("indicator", "unit")
    )
    slots_grant_to_unit(slots=created)
    if not opening:
        _slot_audit(
            cycle=cycle,
            action=CycleAction.SLOT_ADDED,
            actor=actor,
            rows=[_slot_ref(slot) for slot in created],
        )

    relabelled = []
    for key, slot in existing.items():
        if key in expected and slot.is_lead != expected[key]:
            old = slot.is_lead
            slot.is_lead = expected[key]
            slot.save(update_fields=["is_lead"])
            relabelled.append(
                {**_slot_ref(slot), "old": {"is_lead": old}, "new": {"is_lead": slot.is_lead}}
            )
    _slot_audit(cycle=cycle, action=CycleAction.SLOT_RELABELLED, actor=actor, rows=relabelled)

    stale = [slot.pk for key, slot in existing.items() if key not in expected]
    empty_pks = list(
        Slot.objects.filter(pk__in=stale, status=SlotStatus.NOT_STARTED, revision=0)
        .exclude(Exists(EvidenceFile.objects.filter(slot=OuterRef("pk"))))
        .exclude(Exists(SubmissionVersion.objects.filter(slot=OuterRef("pk"))))
        .exclude(Exists(SubmissionEvent.objects.filter(slot=OuterRef("pk"))))
        .values_list("pk", flat=True)
    )
    empty = set(empty_pks)
    removed = [_slot_ref(slot) for slot in existing.values() if slot.pk in empty]
    Slot.objects.filter(pk__in=empty_pks).delete()
    _slot_audit(cycle=cycle, action=CycleAction.SLOT_REMOVED, actor=actor, rows=removed)
    return SlotSync(created=len(created), removed=len(empty_pks), relabelled=len(relabelled))


def _slot_ref(slot: Slot) -> dict:
    """How an audit row names a slot that may no longer exist."""
    return {
        "slot": slot.pk,
        "indicator": slot.indicator.number,
        "unit": slot.unit.code,
        "is_lead": slot.is_lead,
    }


def slots_sync_on_catalogue_change(sender, *, actor=None, **kwargs) -> None:
    """Receiver of common.signals.catalogue_changed: bring every open cycle in step."""
    slots_sync_open_cycles(actor=actor)
    # Unit names and order are part of every cycle's stored figures (CycleSummary).
    Cycle.objects.update(figures_revision=F("figures_revision") + 1)


def slots_sync_open_cycles(*, actor=None) -> None:
    """Called after units, responsibilities or designations change."""
    for cycle in Cycle.objects.filter(status=CycleStatus.OPEN):
        slots_sync(cycle=cycle, actor=actor)


@transaction.atomic
def designation_add(
    *, cycle: Cycle, indicator, unit: Unit, actor=None, ip: str | None = None
) -> CycleDesignation:
    """Designate a member unit for a 相关成员单位 indicator; an open cycle gains its slot.

    Audit: 指定相关成员单位 (once; designating the same unit again changes nothing).
    """
    if not indicator.member_scope == "designated":
        raise DomainError(f"指标 {indicator.number} 的责任单位中没有“相关成员单位”。")
    if not (unit.is_member and unit.is_active):
        raise DomainError(f"{unit.name}不是启用的成员单位，不能指定为相关成员单位。")
    designation, created = CycleDesignation.objects.get_or_create(
        cycle=cycle, indicator=indicator, unit=unit
    )
    if created:
        cycle_event(
            cycle=cycle,
            action=CycleAction.DESIGNATION_ADDED,
            actor=actor,
            ip=ip,
            data={"indicator": indicator.number, "unit": unit.code},
        )
    slots_sync(cycle=cycle, actor=actor)
    return designation


@transaction.atomic
def designation_remove(*, designation: CycleDesignation, actor=None, ip: str | None = None) -> None:
    """Withdraw a 相关成员单位 designation; an open cycle drops the unit's slot if it is empty
    (a slot holding anything stays, as when the catalogue changes).

    Audit: 取消指定相关成员单位, then the sync's own rows.
    """
    locked = (
        CycleDesignation.objects.select_for_update(of=("self",))
        .select_related("cycle", "indicator", "unit")
        .filter(pk=designation.pk)
        .first()
    )
    if locked is None:
        return
    cycle = locked.cycle
    data = {"indicator": locked.indicator.number, "unit": locked.unit.code}
    locked.delete()
    cycle_event(cycle=cycle, action=CycleAction.DESIGNATION_REMOVED, actor=actor, ip=ip, data=data)
    slots_sync(cycle=cycle, actor=actor)


@transaction.atomic
def cycle_dates_update(*, cycle: Cycle, opens_at, deadline, actor, ip: str | None = None) -> Cycle:
    """Change a cycle's window (any state before 已发布). Audit: 修改截止时间 with old → new."""
    locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if locked.results_are_published:
        raise DomainError(f"考核周期当前为“{locked.get_status_display()}”，不能再修改填报时间。")
    if deadline <= opens_at:
        raise DomainError(DEADLINE_AFTER_OPENING)
    changes = {
        name: {"old": old.isoformat(), "new": new.isoformat()}
        for name, old, new in (
            ("opens_at", locked.opens_at, opens_at),
            ("deadline", locked.deadline, deadline),
        )
        if old != new
    }
    if not changes:
        return locked
    locked.opens_at, locked.deadline = opens_at, deadline
    locked.save(update_fields=["opens_at", "deadline"])
    cycle_event(cycle=locked, action=CycleAction.DEADLINE_CHANGED, actor=actor, ip=ip, data=changes)
    return locked


@transaction.atomic
def slots_extend_deadline(*, slots, until, actor, reason: str, ip: str | None = None) -> int:
    """Give units more time on these slots (区产改办 only).

    Precondition: `until` is later than the cycle's deadline; a reason is given.
    Effect: deadline_extension set on each slot. Audit: 延长截止时间 with the reason and dates.
    """
    from scoring.workflow import event_record

    reason = (reason or "").strip()
    if not reason:
        raise DomainError(EXTENSION_REASON_REQUIRED)
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
