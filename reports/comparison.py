"""Reads for 年度对比: two cycles side by side, every number from cycle_results of each.

Differences are B − A. Indicators are matched by their catalogue identity and units by name.
A fixed number of queries, whatever the size of the cycles.

Like is compared with like (scoring.results.figures): a 得分率 difference is given only when
both sides are fully scored (the cycle for the total, the unit for a unit, the indicator for an
indicator) and a change of place only when both cycles are, since a rank over unfinished
scoring is not a rank. Otherwise the difference reads 评分未完成，不可比.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from reports.selectors import cycle_fields, latest_figures, percent, versions_with_figures
from scoring import calculations as calc
from scoring.models import Cycle, FigureField, FigureKind
from scoring.results import figures
from scoring.results.selectors import CycleResults, IndicatorRow, cycle_results

# figure_rows' own arithmetic, reused so the numbers cannot drift (see reports.selectors).
from scoring.submissions.figures import FigureRow, figure_ratio


def _diff(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return None if a is None or b is None else b - a


@dataclass(frozen=True)
class IndicatorSide:
    points: Decimal
    score: Decimal | None
    rate: Decimal | None
    status: calc.IndicatorStatus

    @property
    def rate_pct(self) -> Decimal | None:
        return percent(self.rate)


@dataclass(frozen=True)
class IndicatorComparison:
    number: int
    name: str
    level1: str
    a: IndicatorSide | None
    b: IndicatorSide | None

    @property
    def score_diff(self) -> Decimal | None:
        return _diff(self.a and self.a.score, self.b and self.b.score)

    @property
    def comparable(self) -> bool:
        """Both sides fully scored (an override counts as a score)."""
        done = (calc.IndicatorStatus.SCORED, calc.IndicatorStatus.OVERRIDDEN)
        return bool(self.a and self.b and self.a.status in done and self.b.status in done)

    @property
    def rate_diff_pct(self) -> Decimal | None:
        if not self.comparable:
            return None
        return _diff(self.a and self.a.rate_pct, self.b and self.b.rate_pct)


@dataclass(frozen=True)
class UnitComparison:
    unit: str
    a: calc.UnitRate | None
    b: calc.UnitRate | None
    ranked_a: bool = False  # cycle A fully scored: its ranks stand
    ranked_b: bool = False

    @property
    def comparable(self) -> bool:
        """The unit is fully scored in both cycles."""
        return bool(self.a and self.b and not self.a.unscored and not self.b.unscored)

    @property
    def rank_a_text(self) -> str:
        return figures.rank_text(self.a and self.a.rank, complete=self.ranked_a)

    @property
    def rank_b_text(self) -> str:
        return figures.rank_text(self.b and self.b.rank, complete=self.ranked_b)

    @property
    def a_pct(self) -> Decimal | None:
        return percent(self.a and self.a.rate)

    @property
    def b_pct(self) -> Decimal | None:
        return percent(self.b and self.b.rate)

    @property
    def rate_diff_pct(self) -> Decimal | None:
        return _diff(self.a_pct, self.b_pct) if self.comparable else None

    @property
    def rank_change(self) -> int | None:
        """Places moved up from A to B (positive: better in B), once both cycles rank."""
        if not (self.ranked_a and self.ranked_b):
            return None
        if not (self.a and self.b) or self.a.rank is None or self.b.rank is None:
            return None
        return self.a.rank - self.b.rank


@dataclass(frozen=True)
class FigureComparison:
    number: int
    indicator: str
    unit: str
    label: str
    measure: str
    a: Decimal | None
    b: Decimal | None
    growth: Decimal | None  # % change from A to B, as FigureRow.growth computes it

    @property
    def diff(self) -> Decimal | None:
        return _diff(self.a, self.b)


@dataclass
class Comparison:
    a: Cycle
    b: Cycle
    results_a: CycleResults
    results_b: CycleResults
    indicators: list[IndicatorComparison]
    units: list[UnitComparison]
    figures: list[FigureComparison]

    @property
    def total_a(self) -> calc.Subtotal:
        return self.results_a.rollup.total

    @property
    def total_b(self) -> calc.Subtotal:
        return self.results_b.rollup.total

    @property
    def total_rate_a_pct(self) -> Decimal | None:
        return percent(self.total_a.rate)

    @property
    def total_rate_b_pct(self) -> Decimal | None:
        return percent(self.total_b.rate)

    @property
    def score_a(self) -> figures.ScoreFigures:
        return figures.total_figures(self.results_a)

    @property
    def score_b(self) -> figures.ScoreFigures:
        return figures.total_figures(self.results_b)

    @property
    def comparable(self) -> bool:
        """Both cycles fully scored: only then are their 得分率 and ranks compared."""
        return self.score_a.complete and self.score_b.complete

    @property
    def not_comparable(self) -> str:
        """Why the totals are not compared ("2025年度评分未完成，不可比"), or ""."""
        open_ = [
            c.name for c, s in ((self.a, self.score_a), (self.b, self.score_b)) if not s.complete
        ]
        return f"{'、'.join(open_)}{figures.NOT_COMPARABLE}" if open_ else ""

    @property
    def total_rate_diff_pct(self) -> Decimal | None:
        if not self.comparable:
            return None
        return _diff(self.total_rate_a_pct, self.total_rate_b_pct)

    @property
    def base_diff(self) -> Decimal:
        return self.total_b.earned - self.total_a.earned

    @property
    def total_diff(self) -> Decimal:
        return self.results_b.final.total - self.results_a.final.total


def _indicator_side(row: IndicatorRow) -> IndicatorSide:
    # A one-line rollup gives the indicator's 得分率 with rollup's own rule and rounding.
    sub = calc.rollup(
        [
            calc.IndicatorLine(
                number=row.item.number,
                level1=row.item.level1_number,
                level2=row.item.level2_number,
                points=row.item.points,
                result=row.result,
            )
        ]
    ).total
    return IndicatorSide(row.item.points, row.result.score, sub.rate, row.result.status)


def _figure_values_by_unit(
    cycle: Cycle, fields: dict[int, list[FigureField]]
) -> dict[tuple[int, int], dict[str, Decimal]]:
    """(indicator, unit) → latest submitted values with ratios computed, for one cycle."""
    latest = latest_figures(
        versions_with_figures(cycle.pk, list(fields)),
        key=lambda r: (r["slot__indicator_id"], r["slot__unit_id"]),
    )
    out = {}
    for (indicator_id, unit_id), (_, values) in latest.items():
        values = dict(values)
        for f in fields.get(indicator_id, []):
            if f.kind == FigureKind.RATIO:
                values[f.code] = figure_ratio(values, f)
        out[(indicator_id, unit_id)] = values
    return out


def _figure_comparisons(
    a: Cycle, b: Cycle, rows_a: list[IndicatorRow], rows_b: list[IndicatorRow]
) -> list[FigureComparison]:
    fields_a, fields_b = cycle_fields(a), cycle_fields(b)
    values_a = _figure_values_by_unit(a, fields_a) if fields_a else {}
    values_b = _figure_values_by_unit(b, fields_b) if fields_b else {}
    # Slots in table order (B's, then any only A had), so each unit appears under its indicator.
    items = {}
    seen: dict[tuple[int, int], str] = {}
    for rows in (rows_b, rows_a):
        for row in rows:
            items.setdefault(row.item.indicator_id, row.item)
            for slot in row.slots:
                seen.setdefault((row.item.indicator_id, slot.unit_id), slot.unit.name)
    order = sorted(seen, key=lambda k: items[k[0]].number)  # stable: unit order kept
    out = []
    for indicator_id, unit_id in order:
        unit_name = seen[(indicator_id, unit_id)]
        va = values_a.get((indicator_id, unit_id))
        vb = values_b.get((indicator_id, unit_id))
        if va is None and vb is None:
            continue
        by_code: dict[str, FigureField] = {}
        for f in fields_a.get(indicator_id, []) + fields_b.get(indicator_id, []):
            by_code[f.code] = f  # B's definition wins: it is the newer wording
        for code, f in by_code.items():
            value_a = (va or {}).get(code)
            value_b = (vb or {}).get(code)
            if value_a is None and value_b is None:
                continue
            out.append(
                FigureComparison(
                    number=items[indicator_id].number,
                    indicator=items[indicator_id].name,
                    unit=unit_name,
                    label=f.label,
                    measure=f.measure,
                    a=value_a,
                    b=value_b,
                    growth=FigureRow(field=f, value=value_b, previous=value_a).growth,
                )
            )
    return out


def cycles_compare(*, a: Cycle, b: Cycle) -> Comparison:
    """Cycle A against cycle B, indicator by indicator and unit by unit (differences are B − A).

    Indicators are matched by their catalogue identity and units by name, so an indicator or
    unit that only one cycle has shows on its side alone. A fixed number of queries.
    """
    results_a, results_b = cycle_results(a), cycle_results(b)
    rows_a = {r.item.indicator_id: r for r in results_a.rows}
    rows_b = {r.item.indicator_id: r for r in results_b.rows}
    indicators = []
    for indicator_id in sorted(
        rows_a.keys() | rows_b.keys(), key=lambda i: (rows_b.get(i) or rows_a[i]).item.number
    ):
        ra, rb = rows_a.get(indicator_id), rows_b.get(indicator_id)
        item = (rb or ra).item
        indicators.append(
            IndicatorComparison(
                number=item.number,
                name=item.name,
                level1=item.level1_label,
                a=_indicator_side(ra) if ra else None,
                b=_indicator_side(rb) if rb else None,
            )
        )
    units_a = {u.unit: u for u in results_a.units}
    units_b = {u.unit: u for u in results_b.units}
    # B's ranking first, then units only A had.
    names = [u.unit for u in results_b.units] + [
        u.unit for u in results_a.units if u.unit not in units_b
    ]
    ranked_a = figures.results_complete(results_a)
    ranked_b = figures.results_complete(results_b)
    units = [UnitComparison(n, units_a.get(n), units_b.get(n), ranked_a, ranked_b) for n in names]
    return Comparison(
        a=a,
        b=b,
        results_a=results_a,
        results_b=results_b,
        indicators=indicators,
        units=units,
        figures=_figure_comparisons(a, b, results_a.rows, results_b.rows),
    )
