"""Reads for the submission pages."""

from collections import Counter

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from scoring.models import (
    Cycle,
    EventAction,
    EvidenceFile,
    Slot,
    SlotStatus,
    SubmissionEvent,
    SubmissionVersion,
)
from units.models import Unit


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


def slot_versions(slot: Slot) -> list[SubmissionVersion]:
    return list(
        slot.versions.select_related("submitted_by")
        .prefetch_related(Prefetch("files", queryset=EvidenceFile.objects.order_by("id")))
        .order_by("-number")
    )


def slot_draft_files(slot: Slot) -> list[EvidenceFile]:
    return list(
        slot.files.filter(in_draft=True).select_related("uploaded_by", "preview").order_by("id")
    )


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
