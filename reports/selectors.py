"""Reads for 领导看板 (the year-over-year comparison is in reports.comparison).

Every score, 得分率, count and rate here comes from the cycle's stored roll-up
(scoring.results.summary), which holds what scoring.results.cycle_results and
scoring.results.figures compute (the same numbers the Excel report prints), with the first
slots of the 逾期 and 已退回 lists. This module only gathers and regroups, and
pages every list that grows with the units, so each public function runs a fixed number of
queries and renders a fixed amount, whatever the number of units or submissions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cached_property
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
from scoring.results.summary import (
    LIST_LIMIT,
    Summary,
    UnitPage,
    UnitSummary,
    cycle_summary,
    summary_figure_slot_ids,
    summary_top_bottom,
    summary_units,
)

# figure_rows' own arithmetic (ratio, trailing zeros), reused so the numbers cannot drift.
from scoring.submissions.figures import FigureRow, figure_rows_from
from scoring.submissions.selectors import days_left

OVERDUE_LIST_LIMIT = RETURNED_LIST_LIMIT = LIST_LIMIT  # kept in the stored roll-up
GRID_PAGE_SIZE = 20  # units per page of the unit × 一级 grids
RANKING_EDGE = 10  # the ranking shows this many units from the top and from the bottom
FIGURES_PAGE_SIZE = 20  # slots per page of 数据指标同比


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


@dataclass(frozen=True)
class Page:
    """Where a paged list is: page `number` of `pages`, `total` items in all."""

    number: int
    pages: int
    total: int
    per_page: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def start(self) -> int:
        return (self.number - 1) * self.per_page


def page_of(total: int, value: object, per_page: int) -> Page:
    """The page a query-string value names among `total` items (bad or too large → clamped)."""
    pages = max(1, -(-total // per_page))
    try:
        number = int(str(value))
    except ValueError:
        number = 1
    return Page(min(max(1, number), pages), pages, total, per_page)


class Dashboard:
    """What 领导看板 shows: every count and rate from the cycle's stored roll-up
    (scoring.results.summary, computed by the one definition of each figure), and of the
    lists only one page each, so its cost does not grow with the number of units.

    Each part is read when first used: a part the page takes from its fragment cache (keyed
    by the summary it was rendered from) costs nothing.
    """

    def __init__(
        self,
        *,
        cycle: Cycle,
        summary: Summary,
        now: datetime,
        page: object = 1,
        q: str = "",
        figures_page: object = 1,
    ):
        self.cycle = cycle
        self.summary = summary
        self.now = now
        self.q = q.strip()
        self._page = page
        self._figures_page = figures_page

    @cached_property
    def progress(self) -> Progress:
        return _progress(self.cycle, self.summary, self.now)

    @cached_property
    def _levels(self) -> tuple[list[LevelScore], list[LevelScore]]:
        return _levels(self.summary)

    @property
    def level1(self) -> list[LevelScore]:
        return self._levels[0]

    @property
    def level2(self) -> list[LevelScore]:
        return self._levels[1]

    @cached_property
    def _unit_page(self) -> UnitPage:
        return summary_units(self.summary, page=self._page, per_page=GRID_PAGE_SIZE, q=self.q)

    @property
    def grid(self) -> list[GridRow]:
        """One page of units, in ranking order, matching `q`."""
        return [_grid_row(line) for line in self._unit_page.lines]

    @property
    def grid_page(self) -> Page:
        u = self._unit_page
        return Page(u.number, u.pages, u.total, u.per_page)

    @cached_property
    def units(self) -> list[UnitLine]:
        """The ranking's first and last RANKING_EDGE lines (every line when there are few)."""
        return [
            UnitLine(u.rate, u.vetoes, u.score, self.summary.complete)
            for u in summary_top_bottom(self.summary, size=RANKING_EDGE)
        ]

    @cached_property
    def overdue(self) -> list[SlotLine]:
        return _slot_lines(self.summary, self.summary.overdue_ids, self.now)

    @property
    def overdue_total(self) -> int:
        return self.summary.counts.overdue

    @cached_property
    def returned(self) -> list[SlotLine]:
        return _slot_lines(self.summary, self.summary.returned_ids, self.now)

    @property
    def returned_total(self) -> int:
        return self.summary.returned

    @cached_property
    def _figures(self) -> tuple[list[FigureLine], Page]:
        return _figures_page(self.cycle, self.summary, self._figures_page)

    @property
    def figures(self) -> list[FigureLine]:
        """One page of 数据指标同比."""
        return self._figures[0]

    @property
    def figures_page(self) -> Page:
        return self._figures[1]

    @property
    def cache_key(self) -> str:
        """What the page's cached fragments vary on, with the raw ?page= and ?fpage=."""
        return self.summary.key

    @property
    def lists_key(self) -> str:
        """The 逾期 and 已退回 lists also change with the days overdue, as time passes."""
        return f"{self.summary.key}:{','.join(str(line.days_over) for line in self.overdue)}"

    @property
    def page_param(self) -> str:
        return str(self._page)[:20]

    @property
    def figures_page_param(self) -> str:
        return str(self._figures_page)[:20]

    @property
    def results(self) -> Summary:
        """rollup and final, as cycle_results has them."""
        return self.summary

    @property
    def published(self) -> bool:
        return self.cycle.results_are_published

    @property
    def score(self) -> ScoreFigures:
        return self.summary.score

    @property
    def definitions(self) -> dict[str, str]:
        return figures.DEFINITIONS

    @property
    def overdue_hidden(self) -> int:
        return self.overdue_total - len(self.overdue)

    @property
    def returned_hidden(self) -> int:
        return self.returned_total - len(self.returned)

    @property
    def unit_count(self) -> int:
        return self.summary.unit_count

    @property
    def ranking_gap(self) -> int:
        """Units between the top and the bottom lines that the ranking leaves out."""
        return self.summary.unit_count - len(self.units)

    @property
    def ranking_split(self) -> int:
        """Index in `units` where the bottom lines start (0: nothing left out)."""
        return RANKING_EDGE if self.ranking_gap else 0


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


# What the lists and 数据指标同比 read of a slot (Slot.effective_deadline needs the cycle's).
SLOT_LINE_FIELDS = (
    "id",
    "indicator_id",
    "unit_id",
    "status",
    "deadline_extension",
    "return_reason",
    "returned_by_office",
    "not_applicable",
    "cycle__id",
    "cycle__deadline",
    "unit__id",
    "unit__name",
)


def _slots_in_order(summary: Summary, ids: list[int]) -> list[Slot]:
    """The slots `ids` (one query), in that order."""
    by_pk = Slot.objects.select_related("cycle", "unit").only(*SLOT_LINE_FIELDS).in_bulk(ids)
    return [by_pk[pk] for pk in ids if pk in by_pk]


def _slot_line(summary: Summary, slot: Slot, now: datetime) -> SlotLine:
    row = summary.rows_by_indicator[slot.indicator_id]
    deadline = slot.effective_deadline
    return SlotLine(
        slot=slot,
        number=row.number,
        indicator=row.name,
        unit=slot.unit.name,
        deadline=deadline,
        days_over=figures.days_overdue(slot, now) if deadline < now else 0,
    )


def _slot_lines(summary: Summary, ids: list[int], now: datetime) -> list[SlotLine]:
    return [_slot_line(summary, slot, now) for slot in _slots_in_order(summary, ids)]


def _levels(summary: Summary) -> tuple[list[LevelScore], list[LevelScore]]:
    level1 = [LevelScore(n, summary.level1_labels[n], s) for n, s in summary.rollup.level1.items()]
    level2 = [LevelScore(n, summary.level2_labels[n], s) for n, s in summary.rollup.level2.items()]
    return level1, level2


def _progress(cycle: Cycle, summary: Summary, now: datetime) -> Progress:
    return Progress(
        counts=summary.counts,
        statuses=[
            StatusCount(s.value, s.label, summary.statuses.get(s.value, 0)) for s in SlotStatus
        ],
        deadline=cycle.deadline,
        days_left=days_left(cycle.deadline, now),
    )


def _grid_row(line: UnitSummary) -> GridRow:
    return GridRow(
        line.rate.unit,
        [GridCell(slots, completed, rate) for slots, completed, rate in line.cells],
        GridCell(*line.total),
    )


def _figures_page(cycle: Cycle, summary: Summary, page: object) -> tuple[list[FigureLine], Page]:
    """One page of 数据指标同比: each listed slot's latest submitted values (drafts are the
    unit's own business) against the same unit's latest values in the previous cycle."""
    where = page_of(summary.figure_count, page, FIGURES_PAGE_SIZE)
    if not summary.figure_count:
        return [], where
    ids = summary_figure_slot_ids(summary, start=where.start, stop=where.start + where.per_page)
    slots = _slots_in_order(summary, ids)
    fields = cycle_fields(cycle)
    current = latest_figures(
        SubmissionVersion.objects.filter(slot__in=ids).values("slot_id", "number", "figures"),
        key=lambda r: r["slot_id"],
    )
    # Asked even without a previous cycle (it then finds nothing): the same queries every time.
    previous = latest_figures(
        SubmissionVersion.objects.filter(
            slot__cycle_id=cycle.previous_id or 0,  # no cycle has id 0
            slot__indicator_id__in={s.indicator_id for s in slots},
            slot__unit_id__in={s.unit_id for s in slots},
        ).values("slot__indicator_id", "slot__unit_id", "number", "figures"),
        key=lambda r: (r["slot__indicator_id"], r["slot__unit_id"]),
    )
    lines = []
    for slot in slots:
        row = summary.rows_by_indicator[slot.indicator_id]
        version, values = current.get(slot.pk, (None, {}))
        _, last = previous.get((slot.indicator_id, slot.unit_id), (None, {}))
        lines.append(
            FigureLine(
                number=row.number,
                indicator=row.name,
                unit=slot.unit.name,
                slot=slot,
                version=version,
                rows=figure_rows_from(fields.get(slot.indicator_id, []), values, last),
            )
        )
    return lines, where


def dashboard_for_cycle(
    *,
    cycle: Cycle,
    now: datetime | None = None,
    page: object = 1,
    q: str = "",
    figures_page: object = 1,
) -> Dashboard:
    """领导看板 for `cycle`: the stored roll-up, one page of units (matching `q`), the top
    and bottom of the ranking, the first 逾期 and 已退回 slots and one page of figures, in a
    fixed number of queries whatever the number of units."""
    now = now or timezone.now()
    return Dashboard(
        cycle=cycle,
        summary=cycle_summary(cycle, now=now),
        now=now,
        page=page,
        q=q,
        figures_page=figures_page,
    )
