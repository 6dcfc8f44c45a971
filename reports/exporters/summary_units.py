"""单位汇总 and 待办与逾期: how each unit stands, and what is still missing or late."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from reports.exporters import reads
from reports.exporters.base import Column, Formula, Row
from reports.exporters.context import SummarySheet, days_overdue, rate_formula, slot_is_overdue
from reports.exporters.styles import CENTER, DATETIME, INTEGER, PERCENT, POINTS
from scoring.models import Slot, SlotStatus
from scoring.results import figures


class UnitSheet(SummarySheet):
    """Each unit's slot counts and scores, as scoring.results.figures defines them."""

    name = "summary_units"
    sheet_title = "单位汇总"
    columns = (
        Column(figures.RANK, 11, CENTER),
        Column("单位", 14),
        Column(figures.TASKS, 7, INTEGER),
        Column(figures.SUBMITTED, 7, INTEGER),
        Column(figures.REPORTED, 7, INTEGER),
        Column("已通过", 7, INTEGER),
        Column("已退回", 7, INTEGER),
        Column(figures.OVERDUE, 7, INTEGER),
        Column(figures.ON_TIME_RATE, 9, PERCENT),
        Column(figures.POINTS, 9, POINTS),
        Column(figures.SCORED_POINTS, 9, POINTS),
        Column(figures.EARNED, 9, POINTS),
        Column(figures.RATE_SCORED, 11, PERCENT),
        Column(figures.RATE_TOTAL, 11, PERCENT),
        Column("一票否决", 20),
    )

    def progress(self) -> dict[str, figures.SlotCounts]:
        """Slot counts per unit name, from the slots the results already hold."""
        slots = [slot for row in self.context.results.rows for slot in row.slots]
        return figures.slot_counts_by_unit(
            slots,
            first_submitted=self.context.first_submitted,
            now=self.context.generated_at,
        )

    def rows(self) -> Iterator[Row]:
        results = self.context.results
        progress = self.progress()
        scores = figures.unit_figures(results)
        complete = self.context.complete
        statuses: dict[str, list[str]] = {}
        for row in results.rows:
            for slot in row.slots:
                if not slot.not_applicable:
                    statuses.setdefault(slot.unit.name, []).append(slot.status)
        total = figures.SlotCounts()
        r = self.first_row
        for unit in results.units:
            p = progress.get(unit.unit, figures.SlotCounts())
            score = scores[unit.unit]
            total += p
            own = statuses.get(unit.unit, [])
            yield Row(
                [
                    figures.rank_value(unit.rank, complete=complete),
                    unit.unit,
                    p.tasks,
                    p.submitted,
                    p.reported,
                    own.count(SlotStatus.APPROVED),
                    own.count(SlotStatus.RETURNED),
                    p.overdue,
                    p.on_time_rate,
                    score.points,
                    score.scored_points,
                    score.earned,
                    rate_formula(f"L{r}", f"K{r}", score.earned, score.scored_points),
                    rate_formula(f"L{r}", f"J{r}", score.earned, score.points),
                    "\n".join(results.unit_vetoes.get(unit.unit, ())),
                ]
            )
            r += 1
        last = r - 1
        sums = [
            Formula(f"=SUM({c}{self.first_row}:{c}{last})", v)
            for c, v in zip(
                "CDEFGH",
                (
                    total.tasks,
                    total.submitted,
                    total.reported,
                    sum(v.count(SlotStatus.APPROVED) for v in statuses.values()),
                    sum(v.count(SlotStatus.RETURNED) for v in statuses.values()),
                    total.overdue,
                ),
                strict=True,
            )
        ]
        possible = sum((scores[u.unit].points for u in results.units), Decimal(0))
        scored = sum((scores[u.unit].scored_points for u in results.units), Decimal(0))
        earned = sum((scores[u.unit].earned for u in results.units), Decimal(0))
        yield Row(
            [
                None if complete else figures.RANK_PENDING,
                "合计",
                *sums,
                total.on_time_rate,
                Formula(f"=SUM(J{self.first_row}:J{last})", possible),
                Formula(f"=SUM(K{self.first_row}:K{last})", scored),
                Formula(f"=SUM(L{self.first_row}:L{last})", earned),
                rate_formula(f"L{r}", f"K{r}", earned, scored),
                rate_formula(f"L{r}", f"J{r}", earned, possible),
                figures.ScoreFigures(earned, scored, possible, complete).scored_note,
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
        for slot in reads.slots_in_order(open_slots, self.context.slots):
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
