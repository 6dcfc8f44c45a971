"""年度对比表: the comparison page's three tables as exporter sheets (differences are B − A)."""

from __future__ import annotations

from collections.abc import Iterable

from reports.comparison import Comparison
from reports.exporters.base import Column, Exporter, Row, XlsxFile, render_workbook
from reports.exporters.styles import CENTER, INTEGER, NUMBER, PERCENT, POINTS
from scoring.access import user_reads_everything
from scoring.results import figures

FALLBACK_FILENAME = "fengtai-comparison.xlsx"


def comparison_filename(cmp: Comparison) -> str:
    return f"{cmp.a.name}与{cmp.b.name}考核结果对比.xlsx"


class _ComparisonSheet(Exporter):
    required_permission = staticmethod(user_reads_everything)

    def __init__(self, cmp: Comparison):
        self.cmp = cmp

    @property
    def heading(self) -> str:
        return f"{self.cmp.a.name}与{self.cmp.b.name}考核结果对比 · {self.sheet_title}"

    @property
    def draft(self) -> bool:
        # Scores of an unpublished cycle may still change.
        return not (self.cmp.a.results_are_published and self.cmp.b.results_are_published)

    @property
    def banner(self) -> str:
        return f"A：{self.cmp.a.name}；B：{self.cmp.b.name}；增减 = B − A"


class IndicatorComparisonSheet(_ComparisonSheet):
    name = "comparison_indicators"
    sheet_title = "指标对比"
    columns = (
        Column("序号", 6, CENTER),
        Column("一级指标", 14),
        Column("三级指标", 30),
        Column("A 分值", 9, POINTS),
        Column("A 得分", 9, POINTS),
        Column("A 得分率", 10, PERCENT),
        Column("B 分值", 9, POINTS),
        Column("B 得分", 9, POINTS),
        Column("B 得分率", 10, PERCENT),
        Column("得分增减", 10, POINTS),
    )

    def rows(self) -> Iterable[Row]:
        cmp = self.cmp
        for line in cmp.indicators:
            a, b = line.a, line.b
            yield Row(
                [
                    line.number,
                    line.level1,
                    line.name,
                    a and a.points,
                    a and a.score,
                    a and a.rate,
                    b and b.points,
                    b and b.score,
                    b and b.rate,
                    line.score_diff,
                ]
            )
        ta, tb = cmp.total_a, cmp.total_b
        yield Row(
            [
                None,
                "合计",
                "基础得分",
                ta.points,
                ta.earned,
                ta.rate,
                tb.points,
                tb.earned,
                tb.rate,
                tb.earned - ta.earned,
            ],
            emphasis=True,
        )
        fa, fb = cmp.results_a.final, cmp.results_b.final
        yield Row(
            [None, "总分", "含加分", None, fa.total, None, None, fb.total, None, cmp.total_diff],
            emphasis=True,
        )


class UnitComparisonSheet(_ComparisonSheet):
    name = "comparison_units"
    sheet_title = "单位对比"
    columns = (
        Column("责任单位", 18),
        Column("A 得分", 9, POINTS),
        Column("A 应得分", 9, POINTS),
        Column("A 得分率", 10, PERCENT),
        Column("A 排名", 11, CENTER),
        Column("B 得分", 9, POINTS),
        Column("B 应得分", 9, POINTS),
        Column("B 得分率", 10, PERCENT),
        Column("B 排名", 11, CENTER),
        Column("得分率增减（百分点）", 12, POINTS),
        Column("名次变化", 8, INTEGER),
    )

    def rows(self) -> Iterable[Row]:
        for line in self.cmp.units:
            a, b = line.a, line.b
            yield Row(
                [
                    line.unit,
                    a and a.points_earned,
                    a and a.points_possible,
                    a and a.rate,
                    a and figures.rank_value(a.rank, complete=line.ranked_a),
                    b and b.points_earned,
                    b and b.points_possible,
                    b and b.rate,
                    b and figures.rank_value(b.rank, complete=line.ranked_b),
                    line.rate_diff_pct,
                    line.rank_change,
                ]
            )


class FigureComparisonSheet(_ComparisonSheet):
    name = "comparison_figures"
    sheet_title = "数据指标对比"
    columns = (
        Column("序号", 6, CENTER),
        Column("三级指标", 26),
        Column("责任单位", 14),
        Column("数据项", 22),
        Column("计量单位", 8, CENTER),
        Column("A", 12, NUMBER),
        Column("B", 12, NUMBER),
        Column("增减", 12, NUMBER),
        Column("增长率（%）", 10, POINTS),
    )

    def rows(self) -> Iterable[Row]:
        for line in self.cmp.figures:
            yield Row(
                [
                    line.number,
                    line.indicator,
                    line.unit,
                    line.label,
                    line.measure,
                    line.a,
                    line.b,
                    line.diff,
                    line.growth,
                ]
            )


COMPARISON_SHEETS = (IndicatorComparisonSheet, UnitComparisonSheet, FigureComparisonSheet)


def comparison_exporters(cmp: Comparison) -> list[_ComparisonSheet]:
    return [sheet(cmp) for sheet in COMPARISON_SHEETS]


def comparison_xlsx(exporters: list[_ComparisonSheet], cmp: Comparison) -> XlsxFile:
    return render_workbook(exporters, title=f"{cmp.a.name}与{cmp.b.name}考核结果对比")
