"""The dashboard's SVG charts, built from selectors.Dashboard (the numbers are the selectors')."""

from decimal import Decimal

from common.formats import num
from reports import charts, selectors


def _fmt(value: Decimal) -> str:
    return num(value) if value == value.to_integral() else f"{value:.2f}"


def _level_chart(levels: list[selectors.LevelScore], *, title: str) -> str:
    return charts.stacked_bar_chart(
        [
            charts.StackedBar(
                level.label,
                [
                    charts.Segment(level.subtotal.earned, "得分", charts.EARNED),
                    charts.Segment(level.lost, "失分", charts.LOST),
                    charts.Segment(level.subtotal.unscored_points, "未评分", charts.OPEN),
                    charts.Segment(level.subtotal.na_points, "不适用", charts.NOT_APPLICABLE),
                ],
                note=f"{_fmt(level.subtotal.earned)} / {_fmt(level.scheme_points)} 分",
            )
            for level in levels
        ],
        title=title,
        axis_suffix=" 分",
    )


def dashboard_charts(dash: selectors.Dashboard) -> dict[str, str]:
    progress = dash.progress
    return {
        "status": charts.stacked_bar_chart(
            [
                charts.StackedBar(
                    "全部填报任务",
                    [
                        charts.Segment(s.count, s.label, charts.STATUS_COLOURS[s.value])
                        for s in progress.statuses
                    ],
                    note=f"共 {progress.total} 项",
                )
            ],
            title="填报任务状态分布",
            axis_suffix=" 项",
        ),
        "level1": _level_chart(dash.level1, title="各一级指标得分与分值"),
        "level2": _level_chart(dash.level2, title="各二级指标得分与分值"),
        "units": charts.bar_chart(
            [
                charts.Bar(
                    line.rate.unit,
                    line.rate_pct,
                    note=f"{line.rate_pct}%" if line.rate_pct is not None else "未评分",
                )
                for line in dash.units
            ],
            title=(
                f"责任单位得分率（前 {selectors.RANKING_EDGE} 名与后 {selectors.RANKING_EDGE} 名）"
                if dash.ranking_gap
                else "责任单位得分率"
            ),
            legend="得分率",
            scale_max=100,
            axis_suffix="%",
        ),
    }
