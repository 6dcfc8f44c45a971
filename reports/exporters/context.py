"""What every sheet of the summary workbook shares: the cycle, its results, who and when."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cached_property

from django.utils import timezone

from common.formats import timestamp_text
from reports.exporters import reads
from reports.exporters.base import Exporter, Formula
from scoring import calculations as calc
from scoring.access import user_reads_everything
from scoring.models import Cycle, CycleIndicator, Slot
from scoring.results import figures
from scoring.results.selectors import CycleResults, cycle_results, slot_item_status

# 逾期 and its days, as scoring.results.figures defines them for every page and sheet.
slot_is_overdue = figures.slot_is_overdue
days_overdue = figures.days_overdue

SUMMARY_TITLE = "丰台区产改落实情况评价考核汇总表"
COMMAND_LINE = "命令行"
UNSCORED = "未评分"
NOT_APPLICABLE = "不适用"


@dataclass
class SummaryContext:
    cycle: Cycle
    results: CycleResults
    generated_at: datetime
    generated_by: str
    items: dict[int, CycleIndicator] = field(default_factory=dict)  # by indicator id

    @property
    def published(self) -> bool:
        return self.cycle.results_are_published

    @property
    def complete(self) -> bool:
        """Every slot scored or 不适用: only then are ranks shown (figures.RANK)."""
        return figures.results_complete(self.results)

    @cached_property
    def first_submitted(self) -> dict[int, datetime]:
        return figures.cycle_first_submissions(self.cycle)

    @cached_property
    def slots(self) -> dict[int, Slot]:
        """Every slot of the cycle by id, as the results read them (with their units)."""
        return {slot.pk: slot for row in self.results.rows for slot in row.slots}

    @cached_property
    def table_order(self) -> list[Slot]:
        """The slots in the order of the district's table (indicator, lead first, unit)."""
        return list(reads.slots_in_order(reads.cycle_slots_in_table_order(self.cycle), self.slots))

    @cached_property
    def counts(self) -> figures.SlotCounts:
        """The cycle's 任务数, 已提交, 已报送, 逾期 and 按时提交率, as the dashboard counts."""
        slots = [slot for row in self.results.rows for slot in row.slots]
        return figures.slot_counts(
            slots, first_submitted=self.first_submitted, now=self.generated_at
        )


def summary_context(*, cycle: Cycle, user=None, now: datetime | None = None) -> SummaryContext:
    """Read the cycle's results once; every sheet works from them."""
    results = cycle_results(cycle)
    for row in results.rows:
        for slot in row.slots:
            slot.cycle = cycle  # effective_deadline reads it; no query per slot
    return SummaryContext(
        cycle=cycle,
        results=results,
        generated_at=now or timezone.now(),
        generated_by=user_display(user) if user is not None else COMMAND_LINE,
        items={row.item.indicator_id: row.item for row in results.rows},
    )


def user_display(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


class SummarySheet(Exporter):
    """A sheet of the summary: leadership and the office read every unit's data."""

    required_permission = staticmethod(user_reads_everything)

    def __init__(self, context: SummaryContext):
        self.context = context

    @property
    def heading(self) -> str:
        return f"{SUMMARY_TITLE}（{self.context.cycle.name}）· {self.sheet_title}"

    @property
    def draft(self) -> bool:
        return not self.context.published

    @property
    def banner(self) -> str:
        cycle = self.context.cycle
        when = f"考核周期 {cycle.name}（{cycle.get_status_display()}），导出于 {timestamp_text(self.context.generated_at)}。"
        if self.draft:
            return f"{self.draft_mark}：考核结果尚未发布，数据仍会变化，仅供内部核对。{when}"
        return f"已发布：{when}"


# --- facts about one slot, shared by the sheets ------------------------------------------------


def slot_score(slot: Slot) -> Decimal | str:
    """The office's score as the results count it: a number, 未评分 or 不适用."""
    status = slot_item_status(slot)
    if status is calc.ItemStatus.NA:
        return NOT_APPLICABLE
    if status is calc.ItemStatus.UNSCORED:
        return UNSCORED
    return slot.score


def rate_formula(earned_ref: str, possible_ref: str, earned, possible) -> Formula | None:
    """得分率 as a formula, empty when nothing counts; cached at full precision like Excel."""
    if possible is None:
        return None
    cached = "" if not possible else Decimal(earned) / Decimal(possible)
    return Formula(f'=IF({possible_ref}=0,"",{earned_ref}/{possible_ref})', cached)
