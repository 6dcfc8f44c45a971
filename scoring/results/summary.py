"""The stored roll-up of a cycle's figures: computed once per change, read in one query.

`summary_compute` applies the existing definitions (scoring.results.selectors.cycle_results,
scoring.results.figures, scoring.calculations) to the cycle and returns plain data; nothing
here defines a figure. `cycle_summary` returns the stored CycleSummary when it is current
(its revision equals Cycle.figures_revision, which every figure-changing service bumps in its
own transaction through scoring.workflow.figures_changed, and no deadline has passed since it
was computed), and otherwise recomputes and stores it under a row lock, so two servers
recomputing at once wait for each other instead of failing. `summary_units` pages the
per-unit lines (ranking order, optional search on the unit's name) in two queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from scoring import calculations as calc
from scoring.models import (
    Cycle,
    CycleFigureSlot,
    CycleSummary,
    CycleUnitSummary,
    FigureField,
    SlotStatus,
    SubmissionVersion,
)
from scoring.results import figures
from scoring.results.figures import ScoreFigures, SlotCounts
from scoring.results.selectors import (
    INDICATOR_STATUS_LABELS,
    CycleResults,
    cycle_results,
    slot_item_status,
)

# Bumped when the shape of `data` changes: a stored summary of another shape is recomputed.
FORMAT = 3
# The 逾期 and 已退回 lists keep this many slots (in the results table's order).
LIST_LIMIT = 20


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _d(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _dd(value: str) -> Decimal:
    return Decimal(value)


def _subtotal_data(s: calc.Subtotal) -> list[str]:
    return [str(s.points), str(s.earned), str(s.unscored_points), str(s.na_points)]


def _subtotal(data: list[str]) -> calc.Subtotal:
    return calc.Subtotal(*(Decimal(v) for v in data))


# --- what is stored ------------------------------------------------------------------------


@dataclass(frozen=True)
class SummaryRow:
    """One 三级指标 of the results table, as cycle_results computed it."""

    indicator_id: int
    number: int
    level1_number: int
    level1_label: str
    level2_number: int
    level2_label: str
    name: str
    points: Decimal
    method: str
    method_label: str
    override_score: Decimal | None
    override_reason: str
    result: calc.IndicatorResult

    @property
    def item(self) -> SummaryRow:
        """The row is its own item, as scheme.selectors.tree and the templates read it."""
        return self

    @property
    def status_label(self) -> str:
        return INDICATOR_STATUS_LABELS[self.result.status]

    def get_method_display(self) -> str:
        return self.method_label


@dataclass(frozen=True)
class UnitSummary:
    """One unit's line: its 得分率 and figures, vetoes, and its cells per 一级指标."""

    position: int
    unit_id: int
    rate: calc.UnitRate
    score: ScoreFigures
    vetoes: list[str]
    cells: list[tuple[int, int, Decimal | None]]  # per 一级 in order: 任务数, 已报送, 得分率
    total: tuple[int, int, Decimal | None]


@dataclass(frozen=True)
class Summary:
    cycle_id: int
    pk: int
    revision: int
    computed_at: datetime
    counts: SlotCounts
    statuses: dict[str, int]  # SlotStatus value → 任务数 in that state (不适用 left out)
    returned: int  # slots in 已退回 (the returned list's length)
    rollup: calc.Rollup
    final: calc.FinalResult
    complete: bool
    level1_labels: dict[int, str]
    level2_labels: dict[int, str]
    rows_data: list[dict[str, Any]]  # parsed into `rows` when first read
    unit_count: int
    overdue_ids: list[int]  # the first LIST_LIMIT 逾期 slots, in table order
    returned_ids: list[int]  # the first LIST_LIMIT 已退回 slots, in table order
    figure_count: int  # slots shown in 数据指标同比 (CycleFigureSlot)

    @cached_property
    def rows(self) -> list[SummaryRow]:
        """The 三级指标 rows, in table order."""
        return _rows(self.rows_data, self.level1_labels, self.level2_labels)

    @cached_property
    def rows_by_indicator(self) -> dict[int, SummaryRow]:
        return {r.indicator_id: r for r in self.rows}

    @property
    def key(self) -> str:
        """Names this computation of the figures (for caching what is rendered from it)."""
        return f"{self.pk}.{self.revision}.{self.computed_at.timestamp()}"

    @property
    def score(self) -> ScoreFigures:
        """figures.total_figures of the cycle."""
        return ScoreFigures.of_subtotal(self.rollup.total, complete=self.complete)


# --- computing -----------------------------------------------------------------------------


def _grid_counts(results: CycleResults) -> dict[tuple[str, int], list[int]]:
    """(unit, 一级 or 0 for all) → [任务数, 已报送] (figures.TASKS, figures.REPORTED)."""
    counts: dict[tuple[str, int], list[int]] = {}
    for row in results.rows:
        for slot in row.slots:
            for key in ((slot.unit.name, row.item.level1_number), (slot.unit.name, 0)):
                tally = counts.setdefault(key, [0, 0])
                if not slot.not_applicable:
                    tally[0] += 1
                    tally[1] += figures.slot_is_reported(slot)
    return counts


def _level1_rates(results: CycleResults) -> dict[int, dict[str, Decimal | None]]:
    """Each unit's 得分率 within each 一级 indicator (calc.unit_rates over that level's slots)."""
    by_level: dict[int, list[calc.UnitSlot]] = {}
    for row in results.rows:
        by_level.setdefault(row.item.level1_number, []).extend(
            calc.UnitSlot(
                unit=s.unit.name, points=row.item.points, status=slot_item_status(s), score=s.score
            )
            for s in row.slots
        )
    return {n: {u.unit: u.rate for u in calc.unit_rates(s)} for n, s in by_level.items()}


def _figure_slot_ids(cycle: Cycle, results: CycleResults) -> list[int]:
    """The slots 数据指标同比 lists, in table order: those of an indicator with figure fields
    that have a submitted version this cycle, or whose unit's latest version of the same
    indicator last cycle holds values (drafts are the unit's own business)."""
    with_fields = set(
        FigureField.objects.filter(cycle=cycle).values_list("indicator_id", flat=True)
    )
    if not with_fields:
        return []
    submitted = set(
        SubmissionVersion.objects.filter(
            slot__cycle=cycle, slot__indicator_id__in=with_fields
        ).values_list("slot_id", flat=True)
    )
    last: dict[tuple[int, int], tuple[int, bool]] = {}  # latest version number, has values
    if cycle.previous_id:
        for indicator, unit, number, values in SubmissionVersion.objects.filter(
            slot__cycle_id=cycle.previous_id, slot__indicator_id__in=with_fields
        ).values_list("slot__indicator_id", "slot__unit_id", "number", "figures"):
            if (indicator, unit) not in last or number > last[(indicator, unit)][0]:
                last[(indicator, unit)] = (number, bool(values))
    return [
        slot.pk
        for row in results.rows
        if row.item.indicator_id in with_fields
        for slot in row.slots
        if slot.pk in submitted or last.get((slot.indicator_id, slot.unit_id), (0, False))[1]
    ]


@dataclass(frozen=True)
class Computed:
    data: dict[str, Any]
    units: list[dict[str, Any]]  # {"unit_id", "data"} in ranking order
    figure_slots: list[int]  # slot ids in 数据指标同比's order
    valid_until: datetime | None


def summary_compute(cycle: Cycle, *, now: datetime) -> Computed:
    """The cycle's figures now, from the existing definitions, as JSON-ready data."""
    results = cycle_results(cycle)
    slots = [slot for row in results.rows for slot in row.slots]
    for slot in slots:
        slot.cycle = cycle  # Slot.effective_deadline without a query per slot
    counts = figures.slot_counts(
        slots, first_submitted=figures.cycle_first_submissions(cycle), now=now
    )
    statuses: dict[str, int] = {}
    for slot in slots:
        if not slot.not_applicable:  # 不适用 is not a task (figures.TASKS)
            statuses[slot.status] = statuses.get(slot.status, 0) + 1
    ahead = [s.effective_deadline for s in slots if s.effective_deadline > now]
    if cycle.deadline > now:
        ahead.append(cycle.deadline)
    complete = figures.results_complete(results)
    by_unit = figures.unit_figures(results)
    grid = _grid_counts(results)
    rates = _level1_rates(results)
    level1: dict[int, str] = {}
    level2: dict[int, str] = {}
    for row in results.rows:
        level1.setdefault(row.item.level1_number, row.item.level1_label)
        level2.setdefault(row.item.level2_number, row.item.level2_label)
    unit_ids = {slot.unit.name: slot.unit_id for slot in slots}
    figure_slots = _figure_slot_ids(cycle, results)
    rollup = results.rollup
    final = results.final
    data = {
        "format": FORMAT,
        "counts": [getattr(counts, f) for f in SlotCounts.__dataclass_fields__],
        "statuses": statuses,
        "returned": sum(slot.status == SlotStatus.RETURNED for slot in slots),
        "rollup": {
            "level1": [[n, _subtotal_data(s)] for n, s in rollup.level1.items()],
            "level2": [[n, _subtotal_data(s)] for n, s in rollup.level2.items()],
            "total": _subtotal_data(rollup.total),
        },
        "final": [
            str(final.base),
            str(final.bonus),
            str(final.total),
            final.vetoed,
            list(final.veto_reasons),
            final.verdict,
        ],
        "complete": complete,
        "level1": [[n, label] for n, label in level1.items()],
        "level2": [[n, label] for n, label in level2.items()],
        "rows": [
            {
                "indicator_id": r.item.indicator_id,
                "number": r.item.number,
                "level1": r.item.level1_number,
                "level2": r.item.level2_number,
                "name": r.item.name,
                "points": str(r.item.points),
                "method": r.item.method,
                "method_label": r.item.get_method_display(),
                "override_score": _s(r.item.override_score),
                "override_reason": r.item.override_reason,
                "result": [
                    r.result.status.value,
                    _s(r.result.score),
                    r.result.scored,
                    r.result.unscored,
                    r.result.na,
                ],
            }
            for r in results.rows
        ],
        "unit_count": len(results.units),
        "overdue_ids": [
            s.pk for s in slots if figures.slot_is_overdue(s, now, deadline=s.effective_deadline)
        ][:LIST_LIMIT],
        "returned_ids": [s.pk for s in slots if s.status == SlotStatus.RETURNED][:LIST_LIMIT],
        "figure_count": len(figure_slots),
    }

    def cell(unit: str, level: int, rate: Decimal | None) -> list:
        slots_, completed = grid.get((unit, level), (0, 0))
        return [slots_, completed, _s(rate)]

    units = []
    for u in results.units:
        score = by_unit[u.unit]
        units.append(
            {
                "unit_id": unit_ids[u.unit],
                "data": {
                    "rate": [
                        u.unit,
                        str(u.points_possible),
                        str(u.points_earned),
                        _s(u.rate),
                        u.scored,
                        u.unscored,
                        u.na,
                        u.rank,
                    ],
                    "score": [
                        str(score.earned),
                        str(score.scored_points),
                        str(score.points),
                        score.complete,
                    ],
                    "vetoes": results.unit_vetoes.get(u.unit, []),
                    "cells": [cell(u.unit, n, rates[n].get(u.unit)) for n in level1],
                    "total": cell(u.unit, 0, u.rate),
                },
            }
        )
    return Computed(
        data=data,
        units=units,
        figure_slots=figure_slots,
        valid_until=min(ahead) if ahead else None,
    )


# --- reading -------------------------------------------------------------------------------


def _rows(data: list[dict[str, Any]], level1: dict[int, str], level2: dict[int, str]):
    rows = []
    for r in data:
        status, score, scored, unscored, na = r["result"]
        rows.append(
            SummaryRow(
                indicator_id=r["indicator_id"],
                number=r["number"],
                level1_number=r["level1"],
                level1_label=level1[r["level1"]],
                level2_number=r["level2"],
                level2_label=level2[r["level2"]],
                name=r["name"],
                points=_dd(r["points"]),
                method=r["method"],
                method_label=r["method_label"],
                override_score=_d(r["override_score"]),
                override_reason=r["override_reason"],
                result=calc.IndicatorResult(
                    calc.IndicatorStatus(status), _d(score), scored, unscored, na
                ),
            )
        )
    return rows


def _summary(
    *, cycle_id: int, pk: int, revision: int, computed_at: datetime, data: dict[str, Any]
) -> Summary:
    level1_labels = {n: label for n, label in data["level1"]}
    level2_labels = {n: label for n, label in data["level2"]}
    rollup = data["rollup"]
    base, bonus, total, vetoed, reasons, verdict = data["final"]
    return Summary(
        cycle_id=cycle_id,
        pk=pk,
        revision=revision,
        computed_at=computed_at,
        counts=SlotCounts(*data["counts"]),
        statuses=data["statuses"],
        returned=data["returned"],
        rollup=calc.Rollup(
            level2={n: _subtotal(s) for n, s in rollup["level2"]},
            level1={n: _subtotal(s) for n, s in rollup["level1"]},
            total=_subtotal(rollup["total"]),
        ),
        final=calc.FinalResult(_dd(base), _dd(bonus), _dd(total), vetoed, tuple(reasons), verdict),
        complete=data["complete"],
        level1_labels=level1_labels,
        level2_labels=level2_labels,
        rows_data=data["rows"],
        unit_count=data["unit_count"],
        overdue_ids=data["overdue_ids"],
        returned_ids=data["returned_ids"],
        figure_count=data["figure_count"],
    )


def _unit_summary(position: int, unit_id: int, data: dict[str, Any]) -> UnitSummary:
    name, possible, earned, rate, scored, unscored, na, rank = data["rate"]
    s_earned, s_scored, s_points, s_complete = data["score"]

    def cell(c: list) -> tuple[int, int, Decimal | None]:
        return (c[0], c[1], _d(c[2]))

    return UnitSummary(
        position=position,
        unit_id=unit_id,
        rate=calc.UnitRate(name, _dd(possible), _dd(earned), _d(rate), scored, unscored, na, rank),
        score=ScoreFigures(_dd(s_earned), _dd(s_scored), _dd(s_points), s_complete),
        vetoes=data["vetoes"],
        cells=[cell(c) for c in data["cells"]],
        total=cell(data["total"]),
    )


def _is_current(
    *, revision: int, current: int, computed_at, valid_until, data: dict, now: datetime
) -> bool:
    return (
        bool(data)
        and data.get("format") == FORMAT
        and revision == current
        and computed_at <= now
        and (valid_until is None or now < valid_until)
    )


def cycle_summary(cycle: Cycle, *, now: datetime | None = None) -> Summary:
    """The cycle's figures: the stored roll-up when current (one query), else recomputed."""
    now = now or timezone.now()
    row = (
        CycleSummary.objects.filter(cycle_id=cycle.pk)
        .values("pk", "revision", "computed_at", "valid_until", "data")
        .annotate(current=F("cycle__figures_revision"))
        .first()
    )
    if row is not None and _is_current(
        revision=row["revision"],
        current=row["current"],
        computed_at=row["computed_at"],
        valid_until=row["valid_until"],
        data=row["data"],
        now=now,
    ):
        return _summary(
            cycle_id=cycle.pk,
            pk=row["pk"],
            revision=row["revision"],
            computed_at=row["computed_at"],
            data=row["data"],
        )
    return summary_refresh(cycle, now=now)


def _locked_summary(cycle: Cycle, now: datetime) -> CycleSummary:
    """The cycle's summary row, locked (created if missing)."""
    qs = CycleSummary.objects.select_for_update().filter(cycle_id=cycle.pk)
    locked = qs.first()
    if locked is None:
        try:
            with transaction.atomic():
                CycleSummary.objects.create(cycle_id=cycle.pk, revision=0, computed_at=now)
        except IntegrityError:
            pass  # another process created it meanwhile: lock that one
        locked = qs.get()
    return locked


@transaction.atomic
def summary_refresh(cycle: Cycle, *, now: datetime | None = None) -> Summary:
    """Recompute and store the cycle's roll-up unless another process just did.

    The summary row is locked first, then the cycle's revision read, then the figures: what
    is stored is never older than the revision it is labelled with (a change committed
    meanwhile bumps the revision again, and the next read recomputes).
    """
    now = now or timezone.now()
    locked = _locked_summary(cycle, now)
    # Read after taking the lock, in its own statement: a change committed meanwhile is seen.
    current = Cycle.objects.values_list("figures_revision", flat=True).get(pk=cycle.pk)
    if not _is_current(
        revision=locked.revision,
        current=current,
        computed_at=locked.computed_at,
        valid_until=locked.valid_until,
        data=locked.data,
        now=now,
    ):
        computed = summary_compute(cycle, now=now)
        locked.revision = current
        locked.computed_at = now
        locked.valid_until = computed.valid_until
        locked.data = computed.data
        locked.save(update_fields=["revision", "computed_at", "valid_until", "data"])
        CycleUnitSummary.objects.filter(summary=locked).delete()
        CycleUnitSummary.objects.bulk_create(
            CycleUnitSummary(summary=locked, unit_id=u["unit_id"], position=i, data=u["data"])
            for i, u in enumerate(computed.units)
        )
        CycleFigureSlot.objects.filter(summary=locked).delete()
        CycleFigureSlot.objects.bulk_create(
            CycleFigureSlot(summary=locked, slot_id=pk, position=i)
            for i, pk in enumerate(computed.figure_slots)
        )
    return _summary(
        cycle_id=cycle.pk,
        pk=locked.pk,
        revision=locked.revision,
        computed_at=locked.computed_at,
        data=locked.data,
    )


@dataclass(frozen=True)
class UnitPage:
    lines: list[UnitSummary]
    total: int  # lines matching the search
    number: int  # 1-based page number (clamped)
    pages: int
    per_page: int


def summary_units(
    summary: Summary, *, page: object = 1, per_page: int = 20, q: str = ""
) -> UnitPage:
    """A page of the units' lines in ranking order, optionally those whose name contains `q`."""
    qs = CycleUnitSummary.objects.filter(summary_id=summary.pk)
    q = (q or "").strip()
    if q:
        qs = qs.filter(unit__name__icontains=q)
    total = qs.count() if q else summary.unit_count
    pages = max(1, -(-total // per_page))
    try:
        number = min(max(1, int(str(page))), pages)
    except ValueError:
        number = 1
    start = (number - 1) * per_page
    rows = list(
        qs.order_by("position").values_list("position", "unit_id", "data")[start : start + per_page]
    )
    return UnitPage(
        lines=[_unit_summary(p, u, d) for p, u, d in rows],
        total=total,
        number=number,
        pages=pages,
        per_page=per_page,
    )


def summary_top_bottom(summary: Summary, *, size: int = 10) -> list[UnitSummary]:
    """The first and last `size` lines of the ranking (every line when there are few)."""
    qs = CycleUnitSummary.objects.filter(summary_id=summary.pk)
    n = summary.unit_count
    if n > 2 * size:
        qs = qs.filter(position__lt=size) | qs.filter(position__gte=n - size)
    return [
        _unit_summary(p, u, d)
        for p, u, d in qs.order_by("position").values_list("position", "unit_id", "data")
    ]


def summary_figure_slot_ids(summary: Summary, *, start: int, stop: int) -> list[int]:
    """Slot ids of 数据指标同比 from position `start` (included) to `stop` (excluded)."""
    return list(
        CycleFigureSlot.objects.filter(
            summary_id=summary.pk, position__gte=start, position__lt=stop
        )
        .order_by("position")
        .values_list("slot_id", flat=True)
    )
