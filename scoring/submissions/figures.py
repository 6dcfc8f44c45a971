"""Figure fields of a submission: values, ratios and growth against the previous cycle."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from common.formats import plain_decimal
from scoring.models import (
    Cycle,
    FigureField,
    FigureKind,
    FigureValue,
    Slot,
    SubmissionVersion,
)


@dataclass(frozen=True)
class FigureRow:
    field: FigureField
    value: Decimal | None
    previous: Decimal | None

    @property
    def growth(self) -> Decimal | None:
        """Year-on-year growth in percent, where last cycle's value exists and is not 0."""
        if self.value is None or self.previous is None or self.previous == 0:
            return None
        return ((self.value - self.previous) / self.previous * 100).quantize(Decimal("0.01"))


def figure_ratio(values: Mapping[str, Decimal | None], field: FigureField) -> Decimal | None:
    num = values.get(field.numerator_code)
    den = values.get(field.denominator_code)
    if num is None or den is None or den == 0:
        return None
    return (num / den * 100).quantize(Decimal("0.01"))


def stored_values(figures: Mapping[str, Any]) -> dict[str, Decimal]:
    """A version's stored figures (JSON) as numbers, the way every reader takes them."""
    return {code: plain_decimal(Decimal(v)) for code, v in figures.items()}


def previous_values(slot: Slot) -> dict[str, Decimal]:
    """The same unit's figures on the same indicator in the previous cycle: its highest version."""
    previous = slot.cycle.previous
    if previous is None:
        return {}
    last = (
        SubmissionVersion.objects.filter(
            slot__cycle=previous, slot__indicator_id=slot.indicator_id, slot__unit_id=slot.unit_id
        )
        .order_by("-number")
        .first()
    )
    if last is None:
        return {}
    return stored_values(last.figures)


def figure_fields_for_slot(slot: Slot) -> list[FigureField]:
    """The figure fields the slot's cycle asks for on its indicator, in their order."""
    return list(FigureField.objects.filter(cycle_id=slot.cycle_id, indicator_id=slot.indicator_id))


def figure_rows(*, slot: Slot, version: SubmissionVersion | None = None) -> list[FigureRow]:
    """The slot's figures (the draft's, or a version's) with last cycle's values and ratios."""
    fields = figure_fields_for_slot(slot)
    if not fields:
        return []
    if version is not None:
        values = stored_values(version.figures)
    else:
        values = {
            v.field.code: plain_decimal(v.value)
            for v in FigureValue.objects.filter(slot=slot).select_related("field")
        }
    return figure_rows_from(fields, values, previous_values(slot))


def figure_rows_from(
    fields: list[FigureField], values: Mapping[str, Decimal], previous: Mapping[str, Decimal]
) -> list[FigureRow]:
    """The rows for values already read: ratios computed from this and last cycle's values."""
    now: dict[str, Decimal | None] = dict(values)
    before: dict[str, Decimal | None] = dict(previous)
    for f in fields:
        if f.kind == FigureKind.RATIO:
            now[f.code] = figure_ratio(now, f)
            before[f.code] = figure_ratio(before, f) if previous else None
    return [FigureRow(field=f, value=now.get(f.code), previous=before.get(f.code)) for f in fields]


# --- the same reads for a whole cycle, a fixed number of queries (the summary workbook) ------


def cycle_figure_fields(cycle_id: int) -> dict[int, list[FigureField]]:
    """Indicator id → the figure fields the cycle asks for on it, in figure_fields_for_slot's
    order."""
    fields: dict[int, list[FigureField]] = {}
    for f in FigureField.objects.filter(cycle_id=cycle_id):
        fields.setdefault(f.indicator_id, []).append(f)
    return fields


def cycle_previous_values(
    cycle: Cycle, indicator_ids: Iterable[int]
) -> dict[tuple[int, int], dict[str, Decimal]]:
    """(indicator id, unit id) → previous_values of such a slot, for the given indicators."""
    if cycle.previous_id is None:
        return {}
    latest: dict[tuple[int, int], tuple[int, dict]] = {}
    for indicator_id, unit_id, number, figures in SubmissionVersion.objects.filter(
        slot__cycle_id=cycle.previous_id, slot__indicator_id__in=list(indicator_ids)
    ).values_list("slot__indicator_id", "slot__unit_id", "number", "figures"):
        key = (indicator_id, unit_id)
        if key not in latest or number > latest[key][0]:
            latest[key] = (number, figures)
    return {key: stored_values(figures) for key, (_, figures) in latest.items()}


def cycle_draft_values(cycle_id: int) -> dict[int, dict[str, Decimal]]:
    """Slot id → the draft's figure values (FigureValue), as figure_rows reads them."""
    values: dict[int, dict[str, Decimal]] = {}
    for slot_id, code, value in FigureValue.objects.filter(slot__cycle_id=cycle_id).values_list(
        "slot_id", "field__code", "value"
    ):
        values.setdefault(slot_id, {})[code] = plain_decimal(value)
    return values
