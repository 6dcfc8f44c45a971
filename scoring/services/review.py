"""The office's decisions on a submission (the review pages arrive with the review issue)."""

from django.db import transaction

from ..errors import DomainError
from ..models import EventAction, Slot, SlotStatus
from ..workflow import ensure_allowed
from ._common import event_record, slot_lock


@transaction.atomic
def submission_return(*, slot: Slot, actor, reason: str, ip: str | None = None) -> Slot:
    """区产改办 returns a submission for revision: 待区产改办审核 → 已退回.

    The unit sees the reason at once and may resubmit even after the deadline.
    Audit: 区产改办退回修改 with the reason.
    """
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写退回原因。")
    locked = slot_lock(slot)
    ensure_allowed("return", locked.status)
    locked.status = SlotStatus.RETURNED
    locked.return_reason = reason
    locked.returned_by_office = True
    locked.updated_by = actor
    locked.save(
        update_fields=["status", "return_reason", "returned_by_office", "updated_by", "updated_at"]
    )
    event_record(
        slot=locked,
        action=EventAction.RETURNED,
        actor=actor,
        from_status=SlotStatus.SUBMITTED,
        to_status=locked.status,
        reason=reason,
        version_number=locked.current_version,
        ip=ip,
    )
    return locked


@transaction.atomic
def submission_approve(*, slot: Slot, actor, ip: str | None = None) -> Slot:
    """区产改办 approves the current version: 待区产改办审核 → 已通过. Audit: 审核通过."""
    locked = slot_lock(slot)
    ensure_allowed("approve", locked.status)
    locked.status = SlotStatus.APPROVED
    locked.updated_by = actor
    locked.save(update_fields=["status", "updated_by", "updated_at"])
    event_record(
        slot=locked,
        action=EventAction.APPROVED,
        actor=actor,
        from_status=SlotStatus.SUBMITTED,
        to_status=locked.status,
        version_number=locked.current_version,
        ip=ip,
    )
    return locked
