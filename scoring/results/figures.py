"""One definition of every figure the product shows about a cycle: progress, scores, ranks.

The dashboard, the results page, the summary workbook, the review queue's 逾期 filter, the
deadline reminders and the year-over-year comparison all count with the functions below, and
the dashboard's explanations and the workbook's 说明 sheet print DEFINITIONS, so a figure that
appears in two places has one value and one wording.

The definitions (a slot is one 三级指标 × 责任单位 of the cycle):

- 任务数: the cycle's slots, those marked 不适用 left out (they are owed by nobody).
- 已提交: the unit has handed the slot in and it has not come back: 待单位审核, 待区产改办审核
  or 已通过. 已退回 is back with the unit and counts as not submitted.
- 已报送: the slot reached the office: 待区产改办审核 or 已通过 (待单位审核 is still inside the
  unit). 已报送 ≤ 已提交.
- 逾期: the slot's deadline (the cycle's, or the unit's extension if later) has passed and the
  unit still owes it: 未填报, 草稿, or 已退回 by the unit's own approver. A slot the office
  returned has no deadline (the office asked for more), and 不适用 is owed by nobody.
- 按时提交率: slots whose first version was submitted no later than their deadline ÷ slots that
  are due, i.e. were ever submitted or are 逾期 (不适用 left out).
- 完成率: 已报送 ÷ 任务数.
- 已评分值: 分值 of the scored indicators (不适用 and 未评分 left out); for a unit, 分值 of its
  scored slots.
- 应得分值: 分值 of the indicators (or the unit's slots) that apply, scored or not.
- 得分: the indicators' scores summed (基础得分, bonus excluded); for a unit its slots' scores.
- 得分率（按已评分值）: 得分 ÷ 已评分值; 未评分 is not a zero. While scoring is incomplete the rate
  is always shown with what it is computed over: "85.22%（已评 4.33 / 100 分）".
- 得分率（按总分值）: 得分 ÷ 应得分值; what is not scored counts as nothing earned yet.
- 排名: units ranked by 得分率（按已评分值）, equal rates sharing a place; only once every slot of
  the cycle is scored or 不适用. Until then every unit reads 未完成评分.

Everything here is pure (it reads attributes of the slots and results it is given) except
`cycle_first_submissions`, the one read of first-submission times, and `overdue_q`, the same
逾期 rule as a database filter for the review queue.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, F, Q, When

from scoring import calculations as calc
from scoring.models import Cycle, Slot, SlotStatus, SubmissionVersion

TASKS = "任务数"
SUBMITTED = "已提交"
REPORTED = "已报送"
OVERDUE = "逾期"
ON_TIME_RATE = "按时提交率"
COMPLETION = "完成率"
SCORED_POINTS = "已评分值"
POINTS = "应得分值"
EARNED = "得分"
RATE_SCORED = "得分率（按已评分值）"
RATE_TOTAL = "得分率（按总分值）"
RANK = "排名"

DEFINITIONS: dict[str, str] = {
    TASKS: "本周期的填报任务（三级指标 × 责任单位），标为不适用的任务不计。",
    SUBMITTED: "单位已提交且未被退回的任务：待单位审核、待区产改办审核或已通过。",
    REPORTED: "已报送区产改办的任务：待区产改办审核或已通过（待单位审核的尚在单位内部）。",
    OVERDUE: (
        "截止时间（含延期）已过、单位仍未提交的任务：未填报、草稿，或被单位审核人退回；"
        "区产改办退回的任务不受截止时间限制，不适用的任务不计。"
    ),
    ON_TIME_RATE: (
        "首次提交不晚于该任务截止时间（含延期）的任务 ÷（提交过的任务 + 逾期未交的任务），"
        "不适用的任务不计。"
    ),
    COMPLETION: "已报送 ÷ 任务数。",
    SCORED_POINTS: "已评分指标的分值之和，未评分与不适用的指标不计；单位为其已评分任务的分值之和。",
    POINTS: "适用指标的分值之和（不含不适用），无论是否已评分；单位为其适用任务的分值之和。",
    EARNED: "已评分指标的得分之和（基础得分，不含加分）；单位为其已评分任务的得分之和。",
    RATE_SCORED: (
        "得分 ÷ 已评分值；未评分的指标不按 0 分计。评分未完成时注明已评分值与应得分值，"
        "如“85.22%（已评 4.33 / 100 分）”。"
    ),
    RATE_TOTAL: "得分 ÷ 应得分值；尚未评分的分值按未得分计，反映总体完成程度。",
    RANK: (
        "按单位得分率（按已评分值）排名，得分率相同的名次相同；"
        "全部任务评分完成（或不适用）后才排名，此前显示“未完成评分”。"
    ),
}

RANK_PENDING = "未完成评分"
NOT_COMPARABLE = "评分未完成，不可比"
UNSCORED_RATE = "未评分"

# States in which the unit still has to act; a slot in one of them may be 逾期.
UNIT_OWES = frozenset({SlotStatus.NOT_STARTED, SlotStatus.DRAFT, SlotStatus.RETURNED})
SUBMITTED_STATUSES = frozenset(
    {SlotStatus.PENDING_APPROVAL, SlotStatus.SUBMITTED, SlotStatus.APPROVED}
)
REPORTED_STATUSES = frozenset({SlotStatus.SUBMITTED, SlotStatus.APPROVED})


def share(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """part ÷ whole rounded as 得分率 is (0.0001, half up); None when there is no whole."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(calc.RATE_STEP, rounding=ROUND_HALF_UP)


def percent(rate: Decimal | None) -> Decimal | None:
    """0.8037 → 80.37 (exact: rates carry four decimals)."""
    return None if rate is None else (rate * 100).quantize(calc.CENT)


def points_text(value: Decimal) -> str:
    """100.00 → "100", 4.30 → "4.3": points as they read in a sentence."""
    return format(Decimal(value).normalize(), "f")


# --- one slot --------------------------------------------------------------------------------


def slot_owed(slot: Slot) -> bool:
    """The unit still has to submit this slot and a deadline applies to it."""
    if slot.not_applicable or slot.status not in UNIT_OWES:
        return False
    return not (slot.status == SlotStatus.RETURNED and slot.returned_by_office)


def slot_is_overdue(slot: Slot, now: datetime, *, deadline: datetime | None = None) -> bool:
    """逾期 (see the module docstring). `deadline` when the caller holds it already."""
    return slot_owed(slot) and now > (deadline or slot.effective_deadline)


def days_overdue(slot: Slot, now: datetime) -> int:
    """Whole days started since the deadline: two hours late is one day."""
    return math.ceil((now - slot.effective_deadline) / timedelta(days=1))


def slot_is_submitted(slot: Slot) -> bool:
    return not slot.not_applicable and slot.status in SUBMITTED_STATUSES


def slot_is_reported(slot: Slot) -> bool:
    return not slot.not_applicable and slot.status in REPORTED_STATUSES


def effective_deadline_expression() -> Case:
    """Slot.effective_deadline as a database expression (for annotate)."""
    return Case(
        When(deadline_extension__gt=F("cycle__deadline"), then=F("deadline_extension")),
        default=F("cycle__deadline"),
    )


def overdue_q(now: datetime, *, deadline_field: str = "deadline_at") -> Q:
    """逾期 as a filter on slots annotated with `effective_deadline_expression()`."""
    owed = Q(status__in=[SlotStatus.NOT_STARTED, SlotStatus.DRAFT]) | Q(
        status=SlotStatus.RETURNED, returned_by_office=False
    )
    return owed & Q(not_applicable=False) & Q(**{f"{deadline_field}__lt": now})


def cycle_first_submissions(cycle: Cycle) -> dict[int, datetime]:
    """When each slot of the cycle was first submitted (version 1): the one read of it."""
    return dict(
        SubmissionVersion.objects.filter(slot__cycle=cycle, number=1).values_list(
            "slot_id", "submitted_at"
        )
    )


# --- counts over slots -----------------------------------------------------------------------


@dataclass(frozen=True)
class SlotCounts:
    tasks: int = 0
    not_applicable: int = 0
    submitted: int = 0
    reported: int = 0
    overdue: int = 0
    on_time: int = 0
    due: int = 0  # ever submitted, or overdue: the denominator of 按时提交率

    @property
    def on_time_rate(self) -> Decimal | None:
        return share(self.on_time, self.due)

    @property
    def completion(self) -> Decimal | None:
        return share(self.reported, self.tasks)

    def __add__(self, other: SlotCounts) -> SlotCounts:
        return SlotCounts(
            *(getattr(self, f) + getattr(other, f) for f in self.__dataclass_fields__)
        )


def slot_counts(
    slots: Iterable[Slot], *, first_submitted: dict[int, datetime], now: datetime
) -> SlotCounts:
    """任务数, 已提交, 已报送, 逾期 and 按时提交率's parts over `slots`.

    `first_submitted` is `cycle_first_submissions` of the slots' cycle.
    """
    tasks = na = submitted = reported = overdue = on_time = due = 0
    for slot in slots:
        if slot.not_applicable:
            na += 1
            continue
        tasks += 1
        submitted += slot_is_submitted(slot)
        reported += slot_is_reported(slot)
        deadline = slot.effective_deadline
        late = slot_is_overdue(slot, now, deadline=deadline)
        overdue += late
        first = first_submitted.get(slot.pk)
        on_time += first is not None and first <= deadline
        due += first is not None or late
    return SlotCounts(tasks, na, submitted, reported, overdue, on_time, due)


def slot_counts_by_unit(
    slots: Iterable[Slot], *, first_submitted: dict[int, datetime], now: datetime
) -> dict[str, SlotCounts]:
    by_unit: dict[str, list[Slot]] = {}
    for slot in slots:
        by_unit.setdefault(slot.unit.name, []).append(slot)
    return {
        unit: slot_counts(unit_slots, first_submitted=first_submitted, now=now)
        for unit, unit_slots in by_unit.items()
    }


# --- scores ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreFigures:
    """得分, 已评分值, 应得分值 and the two 得分率 of a total, a level or a unit."""

    earned: Decimal
    scored_points: Decimal
    points: Decimal
    complete: bool  # nothing left to score

    @classmethod
    def of_subtotal(cls, subtotal: calc.Subtotal, *, complete: bool | None = None) -> ScoreFigures:
        scored = subtotal.points - subtotal.unscored_points
        if complete is None:
            complete = not subtotal.unscored_points
        return cls(subtotal.earned, scored, subtotal.points, complete)

    @property
    def rate_scored(self) -> Decimal | None:
        return share(self.earned, self.scored_points)

    @property
    def rate_total(self) -> Decimal | None:
        return share(self.earned, self.points)

    @property
    def scored_note(self) -> str:
        """The note 已评 4.33 / 100 分 while incomplete, "" once everything is scored."""
        if self.complete:
            return ""
        return f"已评 {points_text(self.scored_points)} / {points_text(self.points)} 分"

    def _text(self, rate: Decimal | None) -> str:
        shown = UNSCORED_RATE if rate is None else f"{percent(rate)}%"
        note = self.scored_note
        return f"{shown}（{note}）" if note else shown

    @property
    def rate_scored_text(self) -> str:
        """85.22%（已评 4.33 / 100 分） while incomplete, 85.22% when complete."""
        return self._text(self.rate_scored)

    @property
    def rate_total_text(self) -> str:
        return self._text(self.rate_total)


def results_complete(results) -> bool:
    """Every slot of the cycle is scored or 不适用, and so every indicator: ranks may show."""
    return all(
        row.result.status
        in (calc.IndicatorStatus.SCORED, calc.IndicatorStatus.NA, calc.IndicatorStatus.OVERRIDDEN)
        and not row.result.unscored
        for row in results.rows
    )


def total_figures(results) -> ScoreFigures:
    """The cycle's 得分 and 得分率 from scoring.results.cycle_results."""
    return ScoreFigures.of_subtotal(results.rollup.total, complete=results_complete(results))


def unit_figures(results) -> dict[str, ScoreFigures]:
    """Each unit's 得分, 已评分值 and 应得分值 over its slots (calc.unit_rates' inputs)."""
    applicable: dict[str, Decimal] = {}
    for row in results.rows:
        for slot in row.slots:
            if not slot.not_applicable:
                name = slot.unit.name
                applicable[name] = applicable.get(name, Decimal(0)) + row.item.points
    return {
        u.unit: ScoreFigures(
            u.points_earned,
            u.points_possible,
            applicable.get(u.unit, Decimal(0)).quantize(calc.CENT),
            complete=not u.unscored,
        )
        for u in results.units
    }


def rank_text(rank: int | None, *, complete: bool) -> str:
    """A unit's 排名 as shown: a number once scoring is complete, 未完成评分 before."""
    if not complete:
        return RANK_PENDING
    return "—" if rank is None else str(rank)


def rank_value(rank: int | None, *, complete: bool) -> int | str | None:
    """排名 for a workbook cell: a number, or the text 未完成评分."""
    return rank if complete else RANK_PENDING
