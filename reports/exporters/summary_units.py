"""单位汇总 and 待办与逾期: how each unit stands, and what is still missing or late."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal

from reports.exporters import reads
from reports.exporters.base import Column, Formula, Row
from reports.exporters.context import SummarySheet, days_overdue, rate_formula, slot_is_overdue
from reports.exporters.styles import CENTER, DATETIME, INTEGER, PERCENT, POINTS
from scoring.models import Slot, SlotStatus

RATE_STEP = Decimal("0.0001")


@dataclass
class _Progress:
    slots: int = 0
    submitted: int = 0  # submitted at least once
    approved: int = 0
    returned: int = 0  # returned and not yet resubmitted
    overdue: int = 0  # not submitted and past the deadline
    on_time: int = 0  # first submitted by the deadline
    due: int = 0  # submitted, or past the deadline

    def on_time_rate(self) -> Decimal | None:
        if not self.due:
            return None
        return (Decimal(self.on_time) / Decimal(self.due)).quantize(RATE_STEP, ROUND_HALF_UP)

    def add(self, other: _Progress) -> None:
        for field in fields(self):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))


class UnitSheet(SummarySheet):
    name = "summary_units"
    sheet_title = "单位汇总"
    columns = (
        Column("排名", 6, CENTER),
        Column("单位", 16),
        Column("任务数", 8, INTEGER),
        Column("已提交", 8, INTEGER),
        Column("已通过", 8, INTEGER),
        Column("已退回", 8, INTEGER),
        Column("逾期未交", 8, INTEGER),
        Column("按时提交率", 10, PERCENT),
        Column("应得分值（已评分）", 12, POINTS),
        Column("实得分值", 10, POINTS),
        Column("得分率", 10, PERCENT),
        Column("一票否决", 24),
    )

    def progress(self) -> dict[str, _Progress]:
        """Slot counts per unit name, from the slots the results already hold."""
        now = self.context.generated_at
        first = reads.first_submissions(self.context.cycle)
        by_unit: dict[str, _Progress] = {}
        for row in self.context.results.rows:
            for slot in row.slots:
                p = by_unit.setdefault(slot.unit.name, _Progress())
                p.slots += 1
                p.submitted += slot.current_version > 0
                p.approved += slot.status == SlotStatus.APPROVED
                p.returned += slot.status == SlotStatus.RETURNED
                overdue = slot_is_overdue(slot, now)
                p.overdue += overdue
                submitted_at = first.get(slot.pk)
                p.on_time += submitted_at is not None and submitted_at <= slot.effective_deadline
                p.due += submitted_at is not None or overdue
        return by_unit

    def rows(self) -> Iterator[Row]:
        results = self.context.results
        progress = self.progress()
        total = _Progress()
        r = self.first_row
        for unit in results.units:
            p = progress[unit.unit]
            total.add(p)
            yield Row(
                [
                    unit.rank,
                    unit.unit,
                    p.slots,
                    p.submitted,
                    p.approved,
                    p.returned,
                    p.overdue,
                    p.on_time_rate(),
                    unit.points_possible,
                    unit.points_earned,
                    rate_formula(f"J{r}", f"I{r}", unit.points_earned, unit.points_possible),
                    "\n".join(results.unit_vetoes.get(unit.unit, ())),
                ]
            )
            r += 1
        last = r - 1
        possible = sum((u.points_possible for u in results.units), Decimal(0))
        earned = sum((u.points_earned for u in results.units), Decimal(0))
        sums = [
            Formula(f"=SUM({c}{self.first_row}:{c}{last})", v)
            for c, v in zip(
                "CDEFG",
                (total.slots, total.submitted, total.approved, total.returned, total.overdue),
                strict=True,
            )
        ]
        yield Row(
            [
                None,
                "合计",
                *sums,
                total.on_time_rate(),
                Formula(f"=SUM(I{self.first_row}:I{last})", possible),
                Formula(f"=SUM(J{self.first_row}:J{last})", earned),
                rate_formula(f"J{r}", f"I{r}", earned, possible),
                None,
            ],
            emphasis=True,
        )


TODO = {
    SlotStatus.NOT_STARTED: "尚未填报",
    SlotStatus.DRAFT: "草稿尚未提交",
    SlotStatus.RETURNED: "退回修改，待重新提交",
    SlotStatus.PENDING_APPROVAL: "待单位审核人审核",
    SlotStatus.SUBMITTED: "待区产改办审核",
    SlotStatus.APPROVED: "待区产改办评分",
}
# Statuses in which the unit has to act, so its deadline applies.
UNIT_SIDE = {SlotStatus.NOT_STARTED, SlotStatus.DRAFT, SlotStatus.RETURNED}


class TodoSheet(SummarySheet):
    name = "summary_todo"
    sheet_title = "待办与逾期"
    columns = (
        Column("单位", 14, CENTER),
        Column("序号", 6, CENTER),
        Column("三级指标", 24),
        Column("牵头/配合", 8, CENTER),
        Column("状态", 12, CENTER),
        Column("待办事项", 20),
        Column("截止时间", 17, DATETIME),
        Column("逾期天数", 8, INTEGER),
        Column("退回原因", 30),
    )
    merge_columns = (1,)

    def rows(self) -> Iterator[Row]:
        """Every slot not yet finished (scored or 不适用), grouped by unit."""
        cycle = self.context.cycle
        now = self.context.generated_at
        open_slots = (
            reads.cycle_slots_by_unit(cycle)
            .exclude(not_applicable=True)
            .exclude(status=SlotStatus.APPROVED, score__isnull=False)
        )
        for chunk in reads.slot_chunks(cycle, open_slots):
            for slot in chunk:
                yield self._row(slot, now)

    def _row(self, slot: Slot, now) -> Row:
        item = self.context.items[slot.indicator_id]
        unit_side = slot.status in UNIT_SIDE
        no_deadline = slot.status == SlotStatus.RETURNED and slot.returned_by_office
        todo = TODO[SlotStatus(slot.status)]
        if no_deadline:
            todo += "（区产改办退回，不受截止时间限制）"
        return Row(
            [
                slot.unit.name,
                item.number,
                item.name,
                slot.role_label,
                slot.get_status_display(),
                todo,
                slot.effective_deadline if unit_side and not no_deadline else None,
                days_overdue(slot, now) if slot_is_overdue(slot, now) else None,
                slot.return_reason if slot.status == SlotStatus.RETURNED else "",
            ],
            merge_keys=(slot.unit_id,),
        )
