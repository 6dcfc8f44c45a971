"""Reads that turn a cycle's stored scores into every number the office and leadership see.

All arithmetic is in scoring.calculations; this module only gathers the inputs, in a fixed
number of queries, so the dashboard, the review pages and the Excel report agree.
"""

from dataclasses import dataclass, field

from scoring import calculations as calc
from scoring.models import Adjustment, AdjustmentKind, Cycle, CycleIndicator, Slot, SlotStatus
from scoring.scheme.selectors import SchemeTotals, scheme_totals

# How an indicator's scoring state reads on the results page and in the summary workbook.
INDICATOR_STATUS_LABELS = {
    calc.IndicatorStatus.SCORED: "已评分",
    calc.IndicatorStatus.PARTIAL: "部分评分",
    calc.IndicatorStatus.UNSCORED: "未评分",
    calc.IndicatorStatus.NA: "不适用",
    calc.IndicatorStatus.OVERRIDDEN: "已调整",
}


def slot_item_status(slot: Slot) -> calc.ItemStatus:
    if slot.not_applicable:
        return calc.ItemStatus.NA
    if slot.score is not None and slot.status == SlotStatus.APPROVED:
        return calc.ItemStatus.SCORED
    return calc.ItemStatus.UNSCORED


@dataclass
class IndicatorRow:
    item: CycleIndicator
    result: calc.IndicatorResult
    slots: list[Slot] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return INDICATOR_STATUS_LABELS[self.result.status]


@dataclass
class CycleResults:
    cycle: Cycle
    rows: list[IndicatorRow]
    rollup: calc.Rollup
    final: calc.FinalResult
    units: list[calc.UnitRate]
    unit_vetoes: dict[str, list[str]]
    adjustments: list[Adjustment]
    scheme: SchemeTotals


def cycle_results(cycle: Cycle) -> CycleResults:
    """Every score of a cycle: per indicator, per 二级/一级, total, bonus/veto, per unit."""
    items = list(CycleIndicator.objects.filter(cycle=cycle).order_by("number"))
    slots_by_indicator: dict[int, list[Slot]] = {}
    for slot in (
        Slot.objects.filter(cycle=cycle)
        .select_related("unit")
        .order_by("indicator_id", "-is_lead", "unit__display_order")
    ):
        slots_by_indicator.setdefault(slot.indicator_id, []).append(slot)
    rows: list[IndicatorRow] = []
    unit_slots: list[calc.UnitSlot] = []
    for item in items:
        slots = slots_by_indicator.get(item.indicator_id, [])
        result = calc.indicator_score(
            points=item.points,
            slots=[
                calc.SlotResult(
                    unit=s.unit.name, is_lead=s.is_lead, status=slot_item_status(s), score=s.score
                )
                for s in slots
            ],
            lead_weight=cycle.lead_weight,
            override=item.override_score,
        )
        rows.append(IndicatorRow(item=item, result=result, slots=slots))
        unit_slots.extend(
            calc.UnitSlot(
                unit=s.unit.name, points=item.points, status=slot_item_status(s), score=s.score
            )
            for s in slots
        )
    rollup = calc.rollup(
        [
            calc.IndicatorLine(
                number=r.item.number,
                level1=r.item.level1_number,
                level2=r.item.level2_number,
                points=r.item.points,
                result=r.result,
            )
            for r in rows
        ]
    )
    adjustments = list(Adjustment.objects.filter(cycle=cycle).select_related("unit"))
    district = [a for a in adjustments if a.unit_id is None]
    final = calc.final_result(
        base=rollup.total.earned,
        bonuses=[a.points for a in district if a.kind == AdjustmentKind.BONUS],
        bonus_cap=cycle.bonus_cap,
        vetoes=[a.reason for a in district if a.kind == AdjustmentKind.VETO],
    )
    unit_vetoes: dict[str, list[str]] = {}
    for a in adjustments:
        if a.unit is not None and a.kind == AdjustmentKind.VETO:
            unit_vetoes.setdefault(a.unit.name, []).append(a.reason)
    return CycleResults(
        cycle=cycle,
        rows=rows,
        rollup=rollup,
        final=final,
        units=calc.unit_rates(unit_slots),
        unit_vetoes=unit_vetoes,
        adjustments=adjustments,
        scheme=scheme_totals(cycle, items),
    )
