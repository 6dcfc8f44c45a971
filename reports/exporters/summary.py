"""The Excel summary workbook (考核汇总表) of one cycle, for the office and leadership.

Sheets, in order: 说明, 总表, 一级指标汇总, 单位汇总, 明细, 待办与逾期, 填报数据. Every number is
read from scoring.results (which does its arithmetic in scoring.calculations), so the workbook,
the dashboard and the review pages agree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

from openpyxl.chart import BarChart, Reference

from common.formats import num, timestamp_text
from reports.exporters.base import (
    FIRST_DATA_ROW,
    HEADER_ROW,
    Column,
    Formula,
    Row,
    XlsxFile,
    render_workbook,
)
from reports.exporters.context import (
    SUMMARY_TITLE,
    SummarySheet,
    rate_formula,
    summary_context,
)
from reports.exporters.styles import CENTER, PERCENT, POINTS
from reports.exporters.summary_slots import DetailSheet, FigureSheet
from reports.exporters.summary_table import TableSheet
from reports.exporters.summary_units import TodoSheet, UnitSheet
from scoring.access import AnyUser
from scoring.cycles.selectors import cycle_publication
from scoring.models import AdjustmentKind, Cycle, GradeLevel, ScoringMethod
from scoring.results import figures


class AboutSheet(SummarySheet):
    name = "summary_about"
    sheet_title = "说明"
    columns = (Column("项目", 18, CENTER), Column("内容", 80), Column("分值", 12, POINTS))

    def rows(self) -> Iterator[list]:
        context, cycle = self.context, self.context.cycle
        results, final = context.results, context.results.final
        yield ["考核周期", cycle.name, None]
        yield ["周期状态", cycle.get_status_display(), None]
        state = (
            "已发布" if context.published else f"{self.draft_mark}：考核结果尚未发布，数据仍会变化"
        )
        yield ["结果状态", state, None]
        if publication := cycle_publication(cycle=cycle):
            yield [
                "发布与更正",
                "\n".join(filter(None, (publication.text, publication.override_text))),
                None,
            ]
        yield [
            "填报时间",
            f"{timestamp_text(cycle.opens_at)} 至 {timestamp_text(cycle.deadline)}",
            None,
        ]
        yield ["生成时间", f"{timestamp_text(context.generated_at)}（北京时间）", None]
        yield ["导出人", context.generated_by, None]
        balance = "" if results.scheme.balanced else "，与总分不一致，请核对方案"
        yield [
            "总分",
            f"各三级指标分值之和应为总分；当前方案合计 {num(results.scheme.total)} 分{balance}",
            cycle.total_points,
        ]
        levels = GradeLevel.objects.filter(cycle=cycle).order_by("order", "id")
        yield ["评分档次", "、".join(f"{g.name} {g.share:.0%}" for g in levels) or "未设置", None]
        used = Counter(row.item.method for row in results.rows)
        yield [
            "评分方法",
            "、".join(f"{m.label} {used[m]} 项" for m in ScoringMethod if used[m]),
            None,
        ]
        yield ["牵头单位权重", self._lead_weight(cycle), None]
        yield ["加分上限", "全区加分项合计不超过此数", cycle.bonus_cap]
        yield from self._figures()
        yield from self._adjustments()
        yield ["基础得分", "各三级指标得分之和", final.base]
        yield ["加分", f"加分项合计，上限 {num(cycle.bonus_cap)} 分", final.bonus]
        yield ["最终得分", "基础得分 + 加分", final.total]
        yield ["结论", f"{final.verdict}（一票否决）" if final.vetoed else "无一票否决事项", None]

    def _figures(self) -> Iterator[list]:
        """Each figure with this cycle's value and its one definition (figures.DEFINITIONS),
        worded as on the dashboard."""
        context = self.context
        counts, score = context.counts, figures.total_figures(context.results)
        rate = figures.percent(counts.on_time_rate)
        completion = figures.percent(counts.completion)
        na = f"（另有不适用 {counts.not_applicable} 项）" if counts.not_applicable else ""
        values = {
            figures.TASKS: f"{counts.tasks} 项{na}",
            figures.SUBMITTED: f"{counts.submitted} 项",
            figures.REPORTED: f"{counts.reported} 项",
            figures.OVERDUE: f"{counts.overdue} 项",
            figures.ON_TIME_RATE: (
                f"{rate}%（{counts.on_time}/{counts.due}）" if rate is not None else "—"
            ),
            figures.COMPLETION: f"{completion}%" if completion is not None else "—",
            figures.SCORED_POINTS: f"{figures.points_text(score.scored_points)} 分",
            figures.POINTS: f"{figures.points_text(score.points)} 分",
            figures.EARNED: f"{figures.points_text(score.earned)} 分",
            figures.RATE_SCORED: score.rate_scored_text,
            figures.RATE_TOTAL: score.rate_total_text,
            figures.RANK: "见单位汇总" if context.complete else figures.RANK_PENDING,
        }
        for name, value in values.items():
            yield [name, f"本周期：{value}\n口径：{figures.DEFINITIONS[name]}", None]

    @staticmethod
    def _lead_weight(cycle: Cycle) -> str:
        weight = cycle.lead_weight
        if weight is None:
            return "未设置：指标得分取各责任单位得分的平均值"
        return (
            f"牵头单位占 {weight:.0%}，配合单位平均占 {1 - weight:.0%}；"
            "一项指标有多个牵头单位时取平均值"
        )

    def _adjustments(self) -> Iterator[list]:
        adjustments = self.context.results.adjustments
        for kind in (AdjustmentKind.BONUS, AdjustmentKind.VETO):
            items = [a for a in adjustments if a.kind == kind]
            for a in items:
                scope = a.unit.name if a.unit_id else "全区"
                points = a.points if kind == AdjustmentKind.BONUS else None
                yield [kind.label, f"{a.reason}（{scope}）", points]
            if not items:
                yield [kind.label, "无", None]


class Level1Sheet(SummarySheet):
    name = "summary_level1"
    sheet_title = "一级指标汇总"
    columns = (
        Column("一级指标", 20, CENTER),
        Column("分值", 10, POINTS),
        Column("得分", 10, POINTS),
        Column("得分率", 10, PERCENT),
        Column("已评分分值", 12, POINTS),
        Column("未评分分值", 12, POINTS),
        Column("不适用分值", 12, POINTS),
    )

    def rows(self) -> Iterator[Row]:
        results = self.context.results
        labels = {row.item.level1_number: row.item.level1_label for row in results.rows}
        r = self.first_row
        for number, sub in results.rollup.level1.items():
            scored = sub.points - sub.unscored_points
            yield Row(
                [
                    labels[number],
                    results.scheme.level1[number],
                    sub.earned,
                    rate_formula(f"C{r}", f"E{r}", sub.earned, scored),
                    scored,
                    sub.unscored_points,
                    sub.na_points,
                ]
            )
            r += 1
        total = results.rollup.total
        scored = total.points - total.unscored_points

        def column_sum(letter: str, value: Decimal) -> Formula:
            return Formula(f"=SUM({letter}{self.first_row}:{letter}{r - 1})", value)

        yield Row(
            [
                "合计",
                column_sum("B", results.scheme.total),
                column_sum("C", total.earned),
                rate_formula(f"C{r}", f"E{r}", total.earned, scored),
                column_sum("E", scored),
                column_sum("F", total.unscored_points),
                column_sum("G", total.na_points),
            ],
            emphasis=True,
        )

    def finish(self, ws, *, last_row: int) -> None:
        """A bar chart of 分值 and 得分 per 一级指标, below the table."""
        if last_row <= FIRST_DATA_ROW:
            return
        chart = BarChart()
        chart.type = "col"
        chart.grouping = "clustered"
        chart.title = "各一级指标分值与得分"
        chart.y_axis.title = "分"
        chart.x_axis.delete = False  # openpyxl 3.1 hides axes unless told otherwise
        chart.y_axis.delete = False
        chart.add_data(
            Reference(ws, min_col=2, max_col=3, min_row=HEADER_ROW, max_row=last_row - 1),
            titles_from_data=True,
        )
        chart.set_categories(Reference(ws, min_col=1, min_row=FIRST_DATA_ROW, max_row=last_row - 1))
        chart.width, chart.height = 24, 10
        ws.add_chart(chart, f"A{last_row + 2}")


SUMMARY_SHEETS = (
    AboutSheet,
    TableSheet,
    Level1Sheet,
    UnitSheet,
    DetailSheet,
    TodoSheet,
    FigureSheet,
)


def summary_allowed(user: AnyUser) -> bool:
    """May `user` have the workbook? Only if every sheet's own permission lets them."""
    return all(sheet.allowed(user) for sheet in SUMMARY_SHEETS)


def summary_workbook(*, cycle: Cycle, user=None, now: datetime | None = None) -> XlsxFile:
    """The cycle's summary as .xlsx bytes; `user` None means the command line."""
    context = summary_context(cycle=cycle, user=user, now=now)
    return render_workbook(
        [sheet(context) for sheet in SUMMARY_SHEETS], title=f"{SUMMARY_TITLE}（{cycle.name}）"
    )


def summary_filename(cycle: Cycle) -> tuple[str, str]:
    """(download name, ASCII fallback), marked as a draft until results are published."""
    if cycle.results_are_published:
        return f"{cycle.name}产改考核汇总表.xlsx", f"fengtai-summary-{cycle.year}.xlsx"
    return f"{cycle.name}产改考核汇总表（草稿）.xlsx", f"fengtai-summary-{cycle.year}-draft.xlsx"
