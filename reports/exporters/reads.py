"""Reads for the summary's per-submission sheets: a fixed number of queries per workbook.

A cycle with 200 member units has thousands of slots. The slots themselves are the ones
cycle_results already read (SummaryContext.slots); each sheet asks the database only for the
order of its rows and reads what it adds to them (versions, approvers, files, figures) once for
the whole cycle, as a few columns rather than as model objects.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import F, Q, QuerySet

from scoring.models import (
    Cycle,
    EventAction,
    Slot,
    SubmissionEvent,
    SubmissionVersion,
)
from scoring.results.figures import cycle_first_submissions


def slots_in_order(queryset: QuerySet[Slot], slots: Mapping[int, Slot]) -> Iterator[Slot]:
    """The slots of `queryset`, in its order, as the already-read objects in `slots`.

    A slot created after the results were read is not in them, and not in any figure of the
    workbook either; it is left out here too, so every sheet shows the same cycle."""
    for pk in queryset.values_list("pk", flat=True):
        slot = slots.get(pk)
        if slot is not None:
            yield slot


def cycle_slots_in_table_order(cycle: Cycle) -> QuerySet[Slot]:
    return Slot.objects.filter(cycle=cycle).order_by(
        "indicator__number", "-is_lead", "unit__display_order", "unit_id"
    )


def cycle_slots_by_unit(cycle: Cycle) -> QuerySet[Slot]:
    return Slot.objects.filter(cycle=cycle).order_by(
        "unit__display_order", "unit_id", "indicator__number"
    )


# When each slot was first submitted: the one read of it, in scoring.results.figures.
first_submissions = cycle_first_submissions


def _current_versions(cycle: Cycle) -> QuerySet[SubmissionVersion]:
    return SubmissionVersion.objects.filter(slot__cycle=cycle, number=F("slot__current_version"))


def submitted_at(cycle: Cycle) -> dict[int, datetime]:
    """Slot id → when its current version was submitted."""
    return dict(_current_versions(cycle).values_list("slot_id", "submitted_at"))


def current_figures(cycle: Cycle, indicator_ids) -> dict[int, tuple[int, dict]]:
    """Slot id → (number, stored figures) of its current version, for the given indicators."""
    return {
        slot_id: (number, stored)
        for slot_id, number, stored in _current_versions(cycle)
        .filter(slot__indicator_id__in=list(indicator_ids))
        .values_list("slot_id", "number", "figures")
    }


def approvers(cycle: Cycle) -> dict[int, int]:
    """Slot id → the user id of who last approved it (区产改办审核通过)."""
    return dict(
        SubmissionEvent.objects.filter(slot__cycle=cycle, action=EventAction.APPROVED)
        .order_by("at", "id")
        .values_list("slot_id", "actor_id")
    )


def reviewers(cycle: Cycle) -> dict[int, object]:
    """User id → user, for everyone who approved or scored a slot of the cycle."""
    approved = SubmissionEvent.objects.filter(
        slot__cycle=cycle, action=EventAction.APPROVED
    ).values("actor_id")
    scored = Slot.objects.filter(cycle=cycle, scored_by__isnull=False).values("scored_by_id")
    return get_user_model().objects.filter(Q(pk__in=approved) | Q(pk__in=scored)).in_bulk()


def current_files(cycle: Cycle) -> dict[int, list[str]]:
    """Slot id → the original names of the evidence files in its current version."""
    through = SubmissionVersion.files.through
    names: dict[int, list[str]] = {}
    for slot_id, name in (
        through.objects.filter(
            submissionversion__slot__cycle=cycle,
            submissionversion__number=F("submissionversion__slot__current_version"),
        )
        .order_by("evidencefile_id")
        .values_list("submissionversion__slot_id", "evidencefile__original_name")
    ):
        names.setdefault(slot_id, []).append(name)
    return names
