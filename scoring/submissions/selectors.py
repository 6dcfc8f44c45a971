"""Reads for the submission pages."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, QuerySet
from django.utils import timezone

from indicators.models import Level1, Level2
from scoring.models import (
    Cycle,
    CycleIndicator,
    EventAction,
    EvidenceFile,
    Slot,
    SlotStatus,
    SubmissionEvent,
    SubmissionVersion,
)
from scoring.models.slot import EDITABLE_STATUSES
from scoring.results import figures
from units.models import Unit


def slots_for_unit(*, unit: Unit, cycle: Cycle, status: str = "") -> QuerySet[Slot]:
    qs = Slot.objects.filter(unit=unit, cycle=cycle).select_related(
        "cycle", "indicator__level2__level1", "updated_by"
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("indicator__number")


def status_counts(slots: QuerySet[Slot]) -> list[tuple[str, str, int]]:
    """(status value, label, count) for every status, in workflow order."""
    counts = Counter(slots.values_list("status", flat=True))
    return [(s.value, s.label, counts.get(s.value, 0)) for s in SlotStatus]


def days_left(deadline, now=None) -> int:
    now = now or timezone.now()
    return (timezone.localtime(deadline).date() - timezone.localtime(now).date()).days


@dataclass
class TaskRow:
    """One of 我的任务's rows, read with values() (no model instances per row)."""

    pk: int
    number: int
    name: str
    is_lead: bool
    status: str
    current_version: int
    effective_deadline: datetime
    days_left: int
    updated_at: datetime
    updated_by_name: str  # as User.get_full_name() or the username reads; "" for nobody

    def get_status_display(self) -> str:
        return SlotStatus(self.status).label

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


@dataclass(frozen=True)
class TaskList:
    total: int
    counts: list[tuple[str, str, int]]  # as status_counts gives them
    groups: list[tuple[Level1, Level2, list[TaskRow]]]  # by 二级 indicator, in table order


def task_list(*, unit: Unit, cycle: Cycle, status: str = "", now=None) -> TaskList:
    """我的任务 in one query: the unit's slots in `cycle` counted per status, and those in
    `status` (all when "") grouped by 二级 indicator in table order."""
    values = (
        Slot.objects.filter(unit=unit, cycle=cycle)
        .annotate(deadline_at=figures.effective_deadline_expression())
        .order_by("indicator__number")
        .values(
            "pk",
            "is_lead",
            "status",
            "current_version",
            "updated_at",
            "deadline_at",
            "indicator__number",
            "indicator__name",
            "indicator__level2_id",
            "indicator__level2__number",
            "indicator__level2__name",
            "indicator__level2__level1_id",
            "indicator__level2__level1__number",
            "indicator__level2__level1__name",
            "updated_by__username",
            "updated_by__first_name",
            "updated_by__last_name",
        )
    )
    tally: Counter = Counter()
    groups: list[tuple[Level1, Level2, list[TaskRow]]] = []
    for v in values:
        tally[v["status"]] += 1
        if status and v["status"] != status:
            continue
        if not groups or groups[-1][1].pk != v["indicator__level2_id"]:
            level1 = Level1(
                id=v["indicator__level2__level1_id"],
                number=v["indicator__level2__level1__number"],
                name=v["indicator__level2__level1__name"],
            )
            level2 = Level2(
                id=v["indicator__level2_id"],
                number=v["indicator__level2__number"],
                name=v["indicator__level2__name"],
                level1=level1,
            )
            groups.append((level1, level2, []))
        # User.get_full_name()|default:username, as the page wrote it from the model.
        full_name = f"{v['updated_by__first_name'] or ''} {v['updated_by__last_name'] or ''}"
        groups[-1][2].append(
            TaskRow(
                pk=v["pk"],
                number=v["indicator__number"],
                name=v["indicator__name"],
                is_lead=v["is_lead"],
                status=v["status"],
                current_version=v["current_version"],
                effective_deadline=v["deadline_at"],
                days_left=days_left(v["deadline_at"], now),
                updated_at=v["updated_at"],
                updated_by_name=full_name.strip() or (v["updated_by__username"] or ""),
            )
        )
    return TaskList(
        total=sum(tally.values()),
        counts=[(s.value, s.label, tally.get(s.value, 0)) for s in SlotStatus],
        groups=groups,
    )


def slot_version_list(slot: Slot) -> list[SubmissionVersion]:
    """The slot's versions, newest first, each with `file_count` (one query: the page lists
    versions with their number of files, not the files)."""
    return list(
        slot.versions.select_related("submitted_by")
        .annotate(file_count=Count("files"))
        .order_by("-number")
    )


def slot_draft_files(slot: Slot) -> list[EvidenceFile]:
    return list(
        slot.files.filter(in_draft=True).select_related("uploaded_by", "preview").order_by("id")
    )


SCORING_ACTIONS = (EventAction.SCORED, EventAction.MARKED_NA)


def slot_timeline(slot: Slot, *, include_scoring: bool = True) -> list[SubmissionEvent]:
    """The slot's events; without scoring events for a unit before results are published."""
    events = slot.events.select_related("actor").order_by("at", "id")
    if not include_scoring:
        events = events.exclude(action__in=SCORING_ACTIONS)
    return list(events)


def slots_awaiting_unit_approval(*, unit: Unit) -> QuerySet[Slot]:
    return (
        Slot.objects.filter(unit=unit, status=SlotStatus.PENDING_APPROVAL)
        .select_related("cycle", "indicator", "updated_by")
        .order_by("updated_at")
    )


def self_score_max(*, slot: Slot) -> Decimal:
    """The highest 自评分 the unit may propose: the indicator's 分值 in the slot's cycle."""
    points = (
        CycleIndicator.objects.filter(cycle_id=slot.cycle_id, indicator_id=slot.indicator_id)
        .values_list("points", flat=True)
        .first()
    )
    return points if points is not None else Decimal(0)


# Still to hand in: the unit has not submitted these yet (已退回 is listed with its reason).
TO_HAND_IN = (SlotStatus.NOT_STARTED, SlotStatus.DRAFT)


@dataclass(frozen=True)
class UnitOverview:
    """What the unit's home page says: where its tasks stand and what needs it now."""

    cycle: Cycle
    total: int
    counts: list[tuple[str, str, int]]  # status_counts: every status, in workflow order
    due: list[Slot]  # still to hand in, nearest deadline first, each with .days_left
    due_total: int
    returned: list[Slot]  # 已退回, each with its return_reason

    @property
    def due_hidden(self) -> int:
        return self.due_total - len(self.due)


def unit_overview(*, unit: Unit, cycle: Cycle, now=None, limit: int = 5) -> UnitOverview:
    """The unit's own slots in `cycle`, summarised for its home page (a few queries)."""
    slots = slots_for_unit(unit=unit, cycle=cycle)
    rows = list(slots)
    for slot in rows:
        slot.days_left = days_left(slot.effective_deadline, now)  # type: ignore[attr-defined]
    due = sorted(
        (s for s in rows if s.status in TO_HAND_IN and not s.not_applicable),
        key=lambda s: (s.effective_deadline, s.indicator.number),
    )
    return UnitOverview(
        cycle=cycle,
        total=len(rows),
        counts=status_counts(slots),
        due=due[:limit],
        due_total=len(due),
        returned=[s for s in rows if s.status == SlotStatus.RETURNED],
    )
