"""Reads for the submission pages."""

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from units.models import Unit

from .models import (
    Cycle,
    CycleStatus,
    EventAction,
    EvidenceFile,
    FigureField,
    FigureKind,
    FigureValue,
    Slot,
    SlotStatus,
    SubmissionEvent,
    SubmissionVersion,
)


def cycle_current() -> Cycle | None:
    """The cycle units work in now: the open one, else the latest that has opened."""
    cycle = Cycle.objects.filter(status=CycleStatus.OPEN).order_by("-year", "-id").first()
    if cycle is None:
        cycle = Cycle.objects.exclude(status=CycleStatus.PREPARING).order_by("-year", "-id").first()
    return cycle


def slots_for_unit(*, unit: Unit, cycle: Cycle, status: str = "") -> QuerySet[Slot]:
    qs = Slot.objects.filter(unit=unit, cycle=cycle).select_related(
        "cycle", "indicator__level2__level1", "updated_by"
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("indicator__number")


def status_counts(slots: QuerySet[Slot]) -> list[tuple[str, str, int]]:
    """(status value, label, count) for every status, in workflow order."""
    counts = Counter(slots.values_list("status", flat=True))
    return [(s.value, s.label, counts.get(s.value, 0)) for s in SlotStatus]


def days_left(deadline, now=None) -> int:
    now = now or timezone.now()
    return (timezone.localtime(deadline).date() - timezone.localtime(now).date()).days


@dataclass(frozen=True)
class FigureRow:
    field: FigureField
    value: Decimal | None
    previous: Decimal | None

    @property
    def growth(self) -> Decimal | None:
        """Year-on-year growth in percent, where last cycle's value exists and is not 0."""
        if self.value is None or self.previous in (None, Decimal(0)):
            return None
        return ((self.value - self.previous) / self.previous * 100).quantize(Decimal("0.01"))


def _ratio(values: dict[str, Decimal], field: FigureField) -> Decimal | None:
    num = values.get(field.numerator_code)
    den = values.get(field.denominator_code)
    if num is None or den in (None, Decimal(0)):
        return None
    return (num / den * 100).quantize(Decimal("0.01"))


def _plain(value: Decimal) -> Decimal:
    """196400.0000 → 196400, 12.5000 → 12.5 (and never 1.964E+5)."""
    return Decimal(format(value.normalize(), "f"))


def _previous_values(slot: Slot) -> dict[str, Decimal]:
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
    return {code: _plain(Decimal(v)) for code, v in last.figures.items()}


def figure_rows(*, slot: Slot, version: SubmissionVersion | None = None) -> list[FigureRow]:
    """The slot's figures (the draft's, or a version's) with last cycle's values and ratios."""
    fields = list(
        FigureField.objects.filter(cycle_id=slot.cycle_id, indicator_id=slot.indicator_id)
    )
    if not fields:
        return []
    if version is not None:
        values = {code: _plain(Decimal(v)) for code, v in version.figures.items()}
    else:
        values = {
            v.field.code: _plain(v.value)
            for v in FigureValue.objects.filter(slot=slot).select_related("field")
        }
    previous = _previous_values(slot)
    for f in fields:
        if f.kind == FigureKind.RATIO:
            values[f.code] = _ratio(values, f)
            previous[f.code] = _ratio(previous, f) if previous else None
    return [
        FigureRow(field=f, value=values.get(f.code), previous=previous.get(f.code)) for f in fields
    ]


def slot_versions(slot: Slot) -> list[SubmissionVersion]:
    return list(
        slot.versions.select_related("submitted_by")
        .prefetch_related(Prefetch("files", queryset=EvidenceFile.objects.order_by("id")))
        .order_by("-number")
    )


def slot_draft_files(slot: Slot) -> list[EvidenceFile]:
    return list(slot.files.filter(in_draft=True).select_related("uploaded_by").order_by("id"))


SCORING_ACTIONS = (EventAction.SCORED, EventAction.MARKED_NA)


def slot_timeline(slot: Slot, *, include_scoring: bool = True) -> list[SubmissionEvent]:
    """The slot's events; without scoring events for a unit before results are published."""
    events = slot.events.select_related("actor").order_by("at", "id")
    if not include_scoring:
        events = events.exclude(action__in=SCORING_ACTIONS)
    return list(events)


def slots_awaiting_unit_approval(*, unit: Unit) -> QuerySet[Slot]:
    return (
        Slot.objects.filter(unit=unit, status=SlotStatus.PENDING_APPROVAL)
        .select_related("cycle", "indicator", "updated_by")
        .order_by("updated_at")
    )
