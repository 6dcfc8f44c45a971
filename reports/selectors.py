"""Reads for 领导看板 (the year-over-year comparison is in reports.comparison).

Every score and 得分率 here comes from scoring.results.cycle_results (the same numbers the
Excel report prints) or from scoring.calculations applied to the same inputs, and every count
and rate from scoring.results.figures (the one definition of each figure); this module only
gathers and regroups. Each public function runs a fixed number of queries, whatever the
number of units, indicators or submissions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

# The summary workbook's definitions of 逾期 and of a first submission, so the page and the
# Excel count the same slots.
from common.formats import plain_decimal
from scoring import calculations as calc
from scoring.models import (
    Cycle,
    CycleStatus,
    FigureField,
    Slot,
    SlotStatus,
    SubmissionVersion,
)
from scoring.results import figures
from scoring.results.figures import (  # noqa: F401  (percent and share: public here too)
    ScoreFigures,
    SlotCounts,
    percent,
    share,
)
from scoring.results.selectors import CycleResults, IndicatorRow, cycle_results, slot_item_status

# figure_rows' own arithmetic (ratio, trailing zeros), reused so the numbers cannot drift.
from scoring.submissions.figures import FigureRow, figure_rows_from
from scoring.submissions.selectors import days_left

OVERDUE_LIST_LIMIT = 100


def heat(rate: Decimal | None) -> str:
    """The CSS class that colours a grid cell by value (no value → grey)."""
    if rate is None:
        return "heat-none"
    if rate >= Decimal("0.9"):
        return "heat-4"
    if rate >= Decimal("0.75"):
        return "heat-3"
    if rate >= Decimal("0.5"):
        return "heat-2"
    if rate >= Decimal("0.25"):
        return "heat-1"
    return "heat-0"


# --- cycles ------------------------------------------------------------------------------------


def cycles_for_reports() -> list[Cycle]:
    """Cycles leadership can look at: every cycle that has opened, newest first."""
    return list(
        Cycle.objects.exclude(status=CycleStatus.PREPARING)
        .select_related("previous")
        .order_by("-year", "-id")
    )


def cycle_for_reports(cycles: list[Cycle], pk: object) -> Cycle | None:
    """The cycle `pk` (a query-string value) among `cycles`, or None."""
    try:
        wanted = int(str(pk))
    except ValueError:
        return None
    return next((c for c in cycles if c.pk == wanted), None)


def cycle_compared_default(cycles: list[Cycle], b: Cycle | None) -> Cycle | None:
    """What B is compared with by default: the cycle it was copied from, else the one before it."""
    if b is None:
        return None
    return next((c for c in cycles if c.pk == b.previous_id), None) or next(
        (c for c in cycles if (c.year, c.pk) < (b.year, b.pk)), None
    )


# --- dashboard ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusCount:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class Progress:
    """The cycle's slot counts as scoring.results.figures defines them, and the deadline."""

    counts: SlotCounts
    statuses: list[StatusCount]
    deadline: datetime
    days_left: int

    @property
    def total(self) -> int:
        return self.counts.tasks

    @property
    def completed(self) -> int:
        return self.counts.reported

    @property
    def submitted(self) -> int:
        return self.counts.submitted

    @property
    def overdue(self) -> int:
        return self.counts.overdue

    @property
    def on_time(self) -> int:
        return self.counts.on_time

    @property
    def due(self) -> int:
        return self.counts.due

    @property
    def completion(self) -> Decimal | None:
        return self.counts.completion

    @property
    def on_time_rate(self) -> Decimal | None:
        return self.counts.on_time_rate

    @property
    def completion_pct(self) -> Decimal | None:
        return percent(self.completion)

    @property
    def on_time_pct(self) -> Decimal | None:
        return percent(self.on_time_rate)


@dataclass(frozen=True)
class GridCell:
    slots: int  # 任务数
    completed: int  # 已报送
    rate: Decimal | None  # 得分率 over this group's scored slots (calc.unit_rates)

    @property
    def completion(self) -> Decimal | None:
        return share(self.completed, self.slots)

    @property
    def completion_pct(self) -> Decimal | None:
        return percent(self.completion)

    @property
    def rate_pct(self) -> Decimal | None:
        return percent(self.rate)

    @property
    def completion_heat(self) -> str:
        return heat(self.completion) if self.slots else "heat-empty"

    @property
    def rate_heat(self) -> str:
        return heat(self.rate) if self.slots else "heat-empty"


@dataclass(frozen=True)
class GridRow:
    unit: str
    cells: list[GridCell]  # one per 一级指标, in order
    total: GridCell


@dataclass(frozen=True)
class LevelScore:
    """A 一级 or 二级 indicator's subtotal (calc.rollup) with its label."""

    number: int
    label: str
    subtotal: calc.Subtotal

    @property
    def scheme_points(self) -> Decimal:
        """分值 in the scheme, including points that dropped out as not applicable."""
        return self.subtotal.points + self.subtotal.na_points

    @property
    def lost(self) -> Decimal:
        """Points scored but not earned."""
        s = self.subtotal
        return s.points - s.unscored_points - s.earned

    @property
    def rate_pct(self) -> Decimal | None:
        return percent(self.subtotal.rate)


@dataclass(frozen=True)
class SlotLine:
    slot: Slot
    number: int
    indicator: str
    unit: str
    deadline: datetime
    days_over: int


@dataclass(frozen=True)
class FigureLine:
    """One slot's figures: this cycle's latest submitted values against last cycle's."""

    number: int
    indicator: str
    unit: str
    slot: Slot
    version: int | None
    rows: list[FigureRow]


@dataclass(frozen=True)
class UnitLine:
    rate: calc.UnitRate
    vetoes: list[str]
    score: ScoreFigures
    complete: bool  # the whole cycle is scored: ranks are shown

    @property
    def rate_pct(self) -> Decimal | None:
        return percent(self.rate.rate)

    @property
    def rate_text(self) -> str:
        return self.score.rate_scored_text

    @property
    def rank_text(self) -> str:
        return figures.rank_text(self.rate.rank, complete=self.complete)


@dataclass
class Dashboard:
    cycle: Cycle
    results: CycleResults
    progress: Progress
    level1: list[LevelScore]
    level2: list[LevelScore]
    grid: list[GridRow]
    units: list[UnitLine]
    overdue: list[SlotLine]
    overdue_total: int
    returned: list[SlotLine]
    figures: list[FigureLine]

    @property
    def published(self) -> bool:
        return self.cycle.results_are_published

    @property
    def score(self) -> ScoreFigures:
        return figures.total_figures(self.results)

    @property
    def definitions(self) -> dict[str, str]:
        return figures.DEFINITIONS

    @property
    def overdue_hidden(self) -> int:
        return self.overdue_total - len(self.overdue)


def _effective_deadline(slot: Slot, cycle: Cycle) -> datetime:
    # cycle_results loads slots without their cycle; give each the one we hold so the
    # model's own rule (Slot.effective_deadline) applies without a query per slot.
    slot.cycle = cycle
    return slot.effective_deadline


def _unit_slots(rows: list[IndicatorRow]) -> list[calc.UnitSlot]:
    """The same UnitSlot inputs cycle_results passes to calc.unit_rates."""
    return [
        calc.UnitSlot(
            unit=s.unit.name, points=r.item.points, status=slot_item_status(s), score=s.score
        )
        for r in rows
        for s in r.slots
    ]


def _rate_by_unit(rows: list[IndicatorRow]) -> dict[str, Decimal | None]:
    return {u.unit: u.rate for u in calc.unit_rates(_unit_slots(rows))}


def _levels(results: CycleResults) -> tuple[list[LevelScore], list[LevelScore]]:
    labels1: dict[int, str] = {}
    labels2: dict[int, str] = {}
    for row in results.rows:
        labels1.setdefault(row.item.level1_number, row.item.level1_label)
        labels2.setdefault(row.item.level2_number, row.item.level2_label)
    level1 = [LevelScore(n, labels1[n], s) for n, s in results.rollup.level1.items()]
    level2 = [LevelScore(n, labels2[n], s) for n, s in results.rollup.level2.items()]
    return level1, level2


def _grid(results: CycleResults, level1: list[LevelScore]) -> list[GridRow]:
    """Units (in the order of cycle_results' ranking) × 一级 indicators."""
    rows_by_level1: dict[int, list[IndicatorRow]] = {}
    for row in results.rows:
        rows_by_level1.setdefault(row.item.level1_number, []).append(row)
    rates = {n: _rate_by_unit(rows) for n, rows in rows_by_level1.items()}
    counts: dict[tuple[str, int], list[int]] = {}  # (unit, 一级 or 0 for all) -> [slots, completed]
    for row in results.rows:
        for slot in row.slots:
            for key in ((slot.unit.name, row.item.level1_number), (slot.unit.name, 0)):
                tally = counts.setdefault(key, [0, 0])
                if not slot.not_applicable:
                    tally[0] += 1
                    tally[1] += figures.slot_is_reported(slot)

    def cell(unit: str, level: int, rate: Decimal | None) -> GridCell:
        slots, completed = counts.get((unit, level), (0, 0))
        return GridCell(slots, completed, rate=rate)

    grid = []
    for unit in results.units:
        cells = [
            cell(unit.unit, level.number, rates[level.number].get(unit.unit)) for level in level1
        ]
        grid.append(GridRow(unit.unit, cells, cell(unit.unit, 0, unit.rate)))
    return grid


def _progress(cycle: Cycle, slots: list[Slot], now: datetime) -> Progress:
    for slot in slots:
        _effective_deadline(slot, cycle)
    by_status: dict[str, int] = {}
    for slot in slots:
        if not slot.not_applicable:  # 不适用 is not a task (figures.TASKS)
            by_status[slot.status] = by_status.get(slot.status, 0) + 1
    return Progress(
        counts=figures.slot_counts(
            slots, first_submitted=figures.cycle_first_submissions(cycle), now=now
        ),
        statuses=[StatusCount(s.value, s.label, by_status.get(s.value, 0)) for s in SlotStatus],
        deadline=cycle.deadline,
        days_left=days_left(cycle.deadline, now),
    )


def _slot_lists(
    cycle: Cycle, results: CycleResults, now: datetime
) -> tuple[list[SlotLine], list[SlotLine]]:
    overdue: list[SlotLine] = []
    returned: list[SlotLine] = []
    for row in results.rows:
        for slot in row.slots:
            deadline = _effective_deadline(slot, cycle)
            line = SlotLine(
                slot=slot,
                number=row.item.number,
                indicator=row.item.name,
                unit=slot.unit.name,
                deadline=deadline,
                days_over=figures.days_overdue(slot, now) if deadline < now else 0,
            )
            if figures.slot_is_overdue(slot, now, deadline=deadline):
                overdue.append(line)
            if slot.status == SlotStatus.RETURNED:
                returned.append(line)
    return overdue, returned


def latest_figures(versions, key) -> dict[object, tuple[int, dict[str, Decimal]]]:
    """key(row) → (number, values) of the highest-numbered version, values as figure_rows reads them."""
    latest: dict[object, tuple[int, dict[str, Decimal]]] = {}
    for row in versions:
        k = key(row)
        if k not in latest or row["number"] > latest[k][0]:
            latest[k] = (row["number"], row["figures"])
    return {
        k: (number, {code: plain_decimal(Decimal(v)) for code, v in figures.items()})
        for k, (number, figures) in latest.items()
    }


def cycle_fields(cycle: Cycle) -> dict[int, list[FigureField]]:
    fields: dict[int, list[FigureField]] = {}
    for f in FigureField.objects.filter(cycle=cycle).order_by("indicator_id", "order", "id"):
        fields.setdefault(f.indicator_id, []).append(f)
    return fields


def versions_with_figures(cycle_id: int, indicator_ids) -> list[Mapping[str, Any]]:
    return list(
        SubmissionVersion.objects.filter(
            slot__cycle_id=cycle_id, slot__indicator_id__in=indicator_ids
        ).values("slot_id", "slot__indicator_id", "slot__unit_id", "number", "figures")
    )


def _figures(cycle: Cycle, results: CycleResults) -> list[FigureLine]:
    """Each slot of an indicator with figures: its latest submitted values (drafts are the
    unit's own business) against the same unit's latest values in the previous cycle."""
    fields = cycle_fields(cycle)
    if not fields:
        return []
    current = latest_figures(
        versions_with_figures(cycle.pk, list(fields)), key=lambda r: r["slot_id"]
    )
    previous = {}
    if cycle.previous_id:
        previous = latest_figures(
            versions_with_figures(cycle.previous_id, list(fields)),
            key=lambda r: (r["slot__indicator_id"], r["slot__unit_id"]),
        )
    lines = []
    for row in results.rows:
        item_fields = fields.get(row.item.indicator_id)
        if not item_fields:
            continue
        for slot in row.slots:
            version, values = current.get(slot.pk, (None, {}))
            _, last = previous.get((slot.indicator_id, slot.unit_id), (None, {}))
            if version is None and not last:
                continue
            lines.append(
                FigureLine(
                    number=row.item.number,
                    indicator=row.item.name,
                    unit=slot.unit.name,
                    slot=slot,
                    version=version,
                    rows=figure_rows_from(item_fields, values, last),
                )
            )
    return lines


def dashboard_for_cycle(*, cycle: Cycle, now: datetime | None = None) -> Dashboard:
    """Everything 领导看板 shows for `cycle`, in a fixed number of queries (about eight)."""
    now = now or timezone.now()
    results = cycle_results(cycle)
    slots = [slot for row in results.rows for slot in row.slots]
    level1, level2 = _levels(results)
    overdue, returned = _slot_lists(cycle, results, now)
    by_unit = figures.unit_figures(results)
    complete = figures.results_complete(results)
    return Dashboard(
        cycle=cycle,
        results=results,
        progress=_progress(cycle, slots, now),
        level1=level1,
        level2=level2,
        grid=_grid(results, level1),
        units=[
            UnitLine(u, results.unit_vetoes.get(u.unit, []), by_unit[u.unit], complete)
            for u in results.units
        ],
        overdue=overdue[:OVERDUE_LIST_LIMIT],
        overdue_total=len(overdue),
        returned=returned,
        figures=_figures(cycle, results),
    )
