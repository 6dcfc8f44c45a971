"""Reads for the summary's per-submission sheets, in chunks, so memory stays flat.

A cycle with 200 member units has thousands of slots; the sheets that list every slot read them
a few hundred at a time, with a fixed number of queries per chunk.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from scoring.models import (
    Cycle,
    EventAction,
    FigureField,
    FigureValue,
    Slot,
    SubmissionEvent,
    SubmissionVersion,
)
from scoring.results.figures import cycle_first_submissions

CHUNK = 500


def slot_chunks(
    cycle: Cycle, queryset: QuerySet[Slot], *, size: int = CHUNK
) -> Iterator[list[Slot]]:
    """The slots of `queryset` in its order, `size` at a time, with unit and scorer loaded."""
    ids = list(queryset.values_list("pk", flat=True))
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        by_pk = Slot.objects.select_related("unit", "scored_by").in_bulk(chunk)
        slots = [by_pk[pk] for pk in chunk]
        for slot in slots:
            slot.cycle = cycle  # effective_deadline and figure_rows read it; no query per slot
        yield slots


def cycle_slots_in_table_order(cycle: Cycle) -> QuerySet[Slot]:
    return Slot.objects.filter(cycle=cycle).order_by(
        "indicator__number", "-is_lead", "unit__display_order", "unit_id"
    )


def cycle_slots_by_unit(cycle: Cycle) -> QuerySet[Slot]:
    return Slot.objects.filter(cycle=cycle).order_by(
        "unit__display_order", "unit_id", "indicator__number"
    )


def cycle_slots_with_figures(cycle: Cycle) -> QuerySet[Slot]:
    """Slots of indicators with figure fields that hold a submitted version or draft values."""
    indicators = FigureField.objects.filter(cycle=cycle).values("indicator_id")
    drafted = Exists(FigureValue.objects.filter(slot=OuterRef("pk")))
    return (
        cycle_slots_in_table_order(cycle)
        .filter(indicator_id__in=indicators)
        .filter(Q(current_version__gt=0) | drafted)
    )


# When each slot was first submitted: the one read of it, in scoring.results.figures.
first_submissions = cycle_first_submissions


def current_versions(slot_ids: list[int]) -> dict[int, SubmissionVersion]:
    return {
        v.slot_id: v
        for v in SubmissionVersion.objects.filter(
            slot_id__in=slot_ids, number=F("slot__current_version")
        )
    }


def approvers(slot_ids: list[int]) -> dict[int, object]:
    """Who last approved each slot (区产改办审核通过)."""
    found: dict[int, object] = {}
    for event in (
        SubmissionEvent.objects.filter(slot_id__in=slot_ids, action=EventAction.APPROVED)
        .select_related("actor")
        .order_by("at", "id")
    ):
        found[event.slot_id] = event.actor
    return found


def current_files(slot_ids: list[int]) -> dict[int, list[str]]:
    """The original names of the evidence files in each slot's current version."""
    through = SubmissionVersion.files.through
    names: dict[int, list[str]] = {}
    for slot_id, name in (
        through.objects.filter(
            submissionversion__slot_id__in=slot_ids,
            submissionversion__number=F("submissionversion__slot__current_version"),
        )
        .order_by("evidencefile_id")
        .values_list("submissionversion__slot_id", "evidencefile__original_name")
    ):
        names.setdefault(slot_id, []).append(name)
    return names
