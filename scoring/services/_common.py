from django.db import transaction

from scoring.models import EventAction, Slot, SubmissionEvent


def slot_lock(slot: Slot) -> Slot:
    """Re-read the slot under a row lock (inside transaction.atomic)."""
    assert transaction.get_connection().in_atomic_block, "slot_lock needs a transaction"
    return (
        Slot.objects.select_for_update(of=("self",))
        .select_related("cycle", "indicator", "unit")
        .get(pk=slot.pk)
    )


def event_record(
    *,
    slot: Slot,
    action: EventAction,
    actor=None,
    from_status: str = "",
    to_status: str = "",
    reason: str = "",
    version_number: int | None = None,
    ip: str | None = None,
    data: dict | None = None,
) -> SubmissionEvent:
    return SubmissionEvent.objects.create(
        slot=slot,
        action=action,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        version_number=version_number,
        ip_address=ip,
        data=data or {},
    )
