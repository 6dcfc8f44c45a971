"""总表: the cycle's frozen table laid out like the district's 附件1, with points and scores.

Columns A–F are the catalogue export's (indicators.exports), 一级 and 二级 merged down their
blocks the same way. Each 二级 ends with a 小计 row, each 一级 with a 合计 row, and the table
with 总计, 加分 and 最终得分. Subtotals are formulas over the cells above, so a reader can check
them, with the numbers of scoring.results stored as their results.

得分 holds a number, or the text 未评分 / 不适用; SUM skips text, so an unscored indicator is not
a zero. 得分率 divides by the points of scored indicators only: SUMIF(得分, ">=0", 分值) counts
the rows whose 得分 is a number, and SUMIFS(…, 序号, ">0") keeps subtotal rows out.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from itertools import groupby, product

from openpyxl.worksheet.pagebreak import Break

from common.formats import num
from indicators.exports import HEADERS as CATALOGUE_HEADERS
from reports.exporters.base import Column, Formula, Row, header_height
from reports.exporters.context import (
    NOT_APPLICABLE,
    UNSCORED,
    SummarySheet,
    rate_formula,
)
from reports.exporters.styles import (
    CENTER,
    MARGINS,
    PERCENT,
    POINTS,
    PRINTABLE_HEIGHT,
    TEXT,
    fit_width_scale,
    row_height,
    text_lines,
)
from scoring import calculations as calc
from scoring.models import AdjustmentKind
from scoring.results import figures
from scoring.results.selectors import IndicatorRow

# The catalogue export's columns (一级, 二级 and 序号 short labels, centred), narrowed so the
# whole table prints on A4 landscape at a readable size: the long texts wrap instead.
PRINT_WIDTHS = {"A": 8, "B": 11, "C": 6, "D": 20, "E": 50, "F": 15}
_CATALOGUE_COLUMNS = tuple(
    Column(header, PRINT_WIDTHS[letter], CENTER if letter in "ABC" else TEXT)
    for header, letter in zip(CATALOGUE_HEADERS, "ABCDEF", strict=True)
)
# The widths tried for the long columns (see TableSheet._print_columns).
LONG_WIDTHS = {
    "D": (16, 18, 22),
    "E": (52, 60, 66, 72, 80),
    "F": (18, 22, 26),
    "K": (10, 14),
}
# Room the banner and title take above the table on the first page (points).
FIRST_PAGE_EXTRA = 50.0


def _scored_points(subtotal: calc.Subtotal):
    """The denominator of Subtotal.rate: points of what is scored (NA already left out)."""
    return subtotal.points - subtotal.unscored_points


class TableSheet(SummarySheet):
    name = "summary_table"
    sheet_title = "总表"
    columns = (
        *_CATALOGUE_COLUMNS,
        Column("分值", 7, POINTS),
        Column("得分", 7, POINTS),
        Column("得分率", 8, PERCENT),
        Column("状态", 8, CENTER),
        Column("评语", 14),
    )
    merge_columns = (1, 2)
    fit_to_width = False  # a scale of its own, so the page breaks between 一级 hold

    def __init__(self, context):
        super().__init__(context)
        self._group_ends: list[int] = []  # the 合计 row of each 一级
        self._group_heights: list[float] = []  # printed height of each 一级's rows
        # The rows before sizing: their values do not depend on the widths tried below.
        self._blocks, self._tail = self._layout()
        self._texts = {  # by id of the row: what sizes it, at whatever widths
            id(row): self.wrapped_texts(row.values)
            for runs, total in self._blocks
            for row in [total, *(r for run, _ in runs for r in run)]
        }
        self.columns = self._print_columns()

    def _print_columns(self) -> tuple[Column, ...]:
        """The widths of 三级指标, 指标具体内涵, 责任单位 and 评语 that print the table largest.

        Wider columns mean fewer wrapped lines but a smaller scale to fit the page width;
        every 一级 block must also fit one page's height. A few widths are tried on this
        cycle's own texts (a few milliseconds) and the one with the largest scale is kept."""
        base = type(self).columns
        best: tuple[int, tuple[Column, ...]] | None = None
        for d, e, f, k in product(*LONG_WIDTHS.values()):
            widths = {3: d, 4: e, 5: f, 10: k}
            self.columns = tuple(
                replace(c, width=widths.get(i, c.width)) for i, c in enumerate(base)
            )
            self._measure()
            scale = self.print_scale()
            if best is None or scale > best[0]:
                best = (scale, self.columns)
        return best[1]

    default_height = 20.0  # points: a one-line row as LibreOffice and Excel draw it

    def _heights(self, rows: list[Row], label: str, column: Column) -> list[float]:
        """The heights of `rows`, the last one taller if the merged `label` beside them needs
        more room than they have."""
        heights = [self.text_height(self._texts[id(r)]) or self.default_height for r in rows]
        needed = row_height(text_lines(label, column.width))
        heights[-1] += max(0.0, needed - sum(heights))
        return heights

    def _measure(self) -> list[tuple[list[list[float]], float]]:
        """Each 一级 block's row heights at the current widths: per 二级 run, and its 合计."""
        measured = []
        self._group_heights = []
        for runs, total in self._blocks:
            heights = [self._heights(run, label, self.columns[1]) for run, label in runs]
            total_height = self.text_height(self._texts[id(total)]) or self.default_height
            measured.append((heights, total_height))
            self._group_heights.append(sum(map(sum, heights)) + total_height)
        return measured

    def _layout(self) -> tuple[list[tuple[list[tuple[list[Row], str]], Row]], list[Row]]:
        """Per 一级: its 二级 runs (indicator rows and 小计, with the 二级 label) and its 合计
        row; then 总计, 加分 and 最终得分."""
        results = self.context.results
        r = self.first_row
        level1_totals: list[int] = []
        self._group_ends = []
        blocks = []
        for level1, level1_rows in groupby(results.rows, key=lambda x: x.item.level1_number):
            block_first = r
            runs: list[tuple[list[Row], str]] = []
            level2_totals: list[int] = []
            level1_label = ""
            for level2, level2_rows in groupby(level1_rows, key=lambda x: x.item.level2_number):
                first = r
                run: list[Row] = []
                for row in level2_rows:
                    level1_label, level2_label = row.item.level1_label, row.item.level2_label
                    run.append(self._indicator(row, r))
                    r += 1
                run.append(self._level2_total(level1, level1_label, level2, level2_label, first, r))
                runs.append((run, level2_label))
                level2_totals.append(r)
                r += 1
            total = self._level1_total(level1, level1_label, block_first, level2_totals, r)
            blocks.append((runs, total))
            level1_totals.append(r)
            self._group_ends.append(r)
            r += 1
        tail = [
            self._total(level1_totals, r),
            self._bonus(),
            self._final(total_row=r, bonus_row=r + 1),
        ]
        return blocks, tail

    def rows(self) -> Iterator[Row]:
        measured = self._measure()
        for (runs, total), (heights, total_height) in zip(self._blocks, measured, strict=True):
            for (run, _), run_heights in zip(runs, heights, strict=True):
                for row, height in zip(run, run_heights, strict=True):
                    yield replace(row, height=height)
            yield replace(total, height=total_height)
        yield from self._tail

    def print_scale(self) -> int:
        """The largest scale at which the columns fit the page width and every 一级 block,
        under the repeated header (and, on the first page, the title), fits one page."""
        scale = fit_width_scale(c.width for c in self.columns)
        header = header_height(self.columns)
        for i, height in enumerate(self._group_heights):
            needed = header + height + (FIRST_PAGE_EXTRA if i == 0 else 0)
            # 3 % to spare for the difference between this estimate and the printing app.
            scale = min(scale, int(PRINTABLE_HEIGHT / needed * 97))
        return max(scale, 10)

    def finish(self, ws, *, last_row: int) -> None:
        """Each 一级 starts a page, so no merged 一级 or 二级 cell is split by a page end.

        A manual break needs a fixed scale: Excel ignores breaks when fitting to pages."""
        for end in self._group_ends[:-1]:
            ws.row_breaks.append(Break(id=end))
        ws.page_setup.scale = self.print_scale()
        for side, inches in MARGINS.items():
            setattr(ws.page_margins, side, inches)

    def _indicator(self, row: IndicatorRow, r: int) -> Row:
        item, result = row.item, row.result
        if result.status is calc.IndicatorStatus.NA:
            score = NOT_APPLICABLE
        else:
            score = UNSCORED if result.score is None else result.score
        rate = None
        if result.score is not None:
            rate = rate_formula(f"H{r}", f"G{r}", result.score, item.points)
        return Row(
            [
                item.level1_label,
                item.level2_label,
                item.number,
                item.name,
                item.content,
                item.responsibility,
                item.points,
                score,
                rate,
                row.status_label,
                self._comment(row),
            ],
            merge_keys=(("level1", item.level1_number), ("level2", item.level2_number)),
        )

    @staticmethod
    def _comment(row: IndicatorRow) -> str:
        if row.result.status is calc.IndicatorStatus.OVERRIDDEN:
            return f"调整理由：{row.item.override_reason}"
        said = [
            (s.unit.name, s.score_comment.strip()) for s in row.slots if s.score_comment.strip()
        ]
        if len(row.slots) == 1:
            return said[0][1] if said else ""
        return "\n".join(f"{unit}：{comment}" for unit, comment in said)

    def _level2_total(self, level1, level1_label, level2, level2_label, first, r) -> Row:
        results = self.context.results
        subtotal = results.rollup.level2[level2]
        last = r - 1
        return Row(
            [
                level1_label,
                level2_label,
                None,
                "小计",
                None,
                None,
                Formula(f"=SUM(G{first}:G{last})", results.scheme.level2[level2]),
                Formula(f"=SUM(H{first}:H{last})", subtotal.earned),
                rate_formula(
                    f"H{r}",
                    f'SUMIF(H{first}:H{last},">=0",G{first}:G{last})',
                    subtotal.earned,
                    _scored_points(subtotal),
                ),
                None,
                None,
            ],
            emphasis=True,
            merge_keys=(("level1", level1), ("level2", level2)),
        )

    @staticmethod
    def _scored_in(first: int, last: int) -> str:
        return f'SUMIFS(G{first}:G{last},H{first}:H{last},">=0",C{first}:C{last},">0")'

    def _level1_total(self, level1, level1_label, first, level2_totals, r) -> Row:
        results = self.context.results
        subtotal = results.rollup.level1[level1]
        return Row(
            [
                level1_label,
                "合计",
                None,
                None,
                None,
                None,
                Formula(_sum("G", level2_totals), results.scheme.level1[level1]),
                Formula(_sum("H", level2_totals), subtotal.earned),
                rate_formula(
                    f"H{r}",
                    self._scored_in(first, r - 1),
                    subtotal.earned,
                    _scored_points(subtotal),
                ),
                None,
                None,
            ],
            emphasis=True,
            merge_keys=(("level1", level1), ("level1-total", level1)),
        )

    def _total(self, level1_totals, r) -> Row:
        results = self.context.results
        total = results.rollup.total
        return Row(
            [
                "总计",
                None,
                None,
                None,
                None,
                None,
                Formula(_sum("G", level1_totals), results.scheme.total),
                Formula(_sum("H", level1_totals), total.earned),
                rate_formula(
                    f"H{r}",
                    self._scored_in(self.first_row, r - 1),
                    total.earned,
                    _scored_points(total),
                ),
                figures.total_figures(results).scored_note or None,
                None,
            ],
            emphasis=True,
            merge_keys=(("total",), ("total",)),
        )

    def _bonus(self) -> Row:
        results = self.context.results
        cap = results.cycle.bonus_cap
        bonuses = [
            a for a in results.adjustments if a.unit_id is None and a.kind == AdjustmentKind.BONUS
        ]
        reasons = "\n".join(f"{a.reason}（{num(a.points)} 分）" for a in bonuses)
        claimed = sum((a.points for a in bonuses), Decimal(0))
        if claimed > cap:
            reasons += f"\n合计 {num(claimed)} 分，按上限 {num(cap)} 分计。"
        return Row(
            [f"加分（上限 {num(cap)} 分）", *[None] * 6, results.final.bonus]
            + [None, None, reasons],
            emphasis=True,
            merge_keys=(("bonus",), ("bonus",)),
        )

    def _final(self, *, total_row: int, bonus_row: int) -> Row:
        final = self.context.results.final
        veto = "\n".join(f"一票否决：{reason}" for reason in final.veto_reasons)
        return Row(
            [
                "最终得分",
                *[None] * 6,
                Formula(f"=H{total_row}+H{bonus_row}", final.total),
                None,
                final.verdict or None,
                veto,
            ],
            emphasis=True,
            merge_keys=(("final",), ("final",)),
        )


def _sum(column: str, rows: list[int]) -> str:
    return "=SUM(" + ",".join(f"{column}{r}" for r in rows) + ")"
