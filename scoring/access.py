"""The access gateway: the one place that decides who may see and do what.

Pages, the admin and exports ask here; they never inspect groups, units or guardian themselves.
Object permissions on a unit's data are granted by django-guardian to the unit's group
(Unit.group, see scoring.cycles.grants); a user reaches them by membership of that group, so
moving a user between units moves their access with them, effective on the next request.
Another unit's object is a 404, never a 403 that admits it exists.

The role predicates are answered by units.permissions (they need nothing of scoring) and are
re-exported here, so that every caller needs this one module.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from guardian.shortcuts import get_objects_for_user

from scoring.models import Cycle, EvidenceFile, Notification, Slot, SubmissionVersion
from units.permissions import (
    AnyUser,
    unit_has_approver,
    user_is_leader,
    user_is_office,
    user_is_unit_approver,
    user_reads_everything,
    user_role_label,
    user_roles,
    user_unit,
)

__all__ = [
    "AnyUser",
    "unit_has_approver",
    "user_is_leader",
    "user_is_office",
    "user_is_unit_approver",
    "user_reads_everything",
    "user_role_label",
    "user_roles",
    "user_unit",
]

SLOT_VIEW = "scoring.view_slot"
SLOT_CHANGE = "scoring.change_slot"

NOT_FOUND = "未找到该填报任务，或您无权访问。"
PAGE_NOT_FOUND = "未找到该页面。"
CYCLE_NOT_FOUND = "未找到该考核周期，或您无权访问。"
EVIDENCE_NOT_FOUND = "未找到该材料，或您无权访问。"
NOTICE_NOT_FOUND = "未找到该通知。"


# --- pages that exist only for some roles -----------------------------------------------------


def require_office(request: HttpRequest, *, message: str = CYCLE_NOT_FOUND) -> None:
    """The office's pages do not exist for anyone else (404, as for another unit's object)."""
    if not user_is_office(request.user):
        raise Http404(message)


def require_reader(request: HttpRequest, *, message: str = CYCLE_NOT_FOUND) -> None:
    """Pages for the office and leadership (dashboard, comparison): 404 for anyone else."""
    if not user_reads_everything(request.user):
        raise Http404(message)


def office_cycle(request: HttpRequest, pk: int) -> Cycle:
    """A cycle for the office's pages and every change: the office only, else 404."""
    require_office(request)
    return get_object_or_404(Cycle.objects.select_related("previous"), pk=pk)


def reader_cycle(request: HttpRequest, pk: int) -> Cycle:
    """A cycle whose results and comparison may be read: the office and leadership."""
    require_reader(request)
    return get_object_or_404(Cycle.objects.select_related("previous"), pk=pk)


def office_slot(request: HttpRequest, pk: int) -> Slot:
    """A slot on the office's review pages: the office only, else 404."""
    require_office(request, message=PAGE_NOT_FOUND)
    return slot_get_for_user(user=request.user, pk=pk)


# --- lookups: every view starts here ----------------------------------------------------------


def _slot_queryset() -> QuerySet[Slot]:
    return Slot.objects.select_related("cycle", "indicator__level2__level1", "unit")


def slots_visible_to(user: AnyUser) -> QuerySet[Slot]:
    """Every slot the user may read."""
    qs = _slot_queryset()
    if user_reads_everything(user):
        return qs
    if not user.is_authenticated:
        return qs.none()
    # Superusers and global permissions grant nothing here: a unit's data is reached only
    # through the unit's own group.
    return get_objects_for_user(
        user, SLOT_VIEW, klass=qs, with_superuser=False, accept_global_perms=False
    )


def slots_writable_by(user: AnyUser) -> QuerySet[Slot]:
    """Slots whose draft the user may change: only the owning unit's members."""
    if not user.is_authenticated:
        return _slot_queryset().none()
    return get_objects_for_user(
        user, SLOT_CHANGE, klass=_slot_queryset(), with_superuser=False, accept_global_perms=False
    )


def slot_get_for_user(*, user: AnyUser, pk: int, write: bool = False) -> Slot:
    """The slot, or 404 (never 403: another unit's slot does not exist for this user)."""
    qs = slots_writable_by(user) if write else slots_visible_to(user)
    slot = qs.filter(pk=pk).first()
    if slot is None:
        raise Http404(NOT_FOUND)
    return slot


def slot_is_writable_by(*, user: AnyUser, slot: Slot) -> bool:
    return slots_writable_by(user).filter(pk=slot.pk).exists()


def version_get_for_user(*, user: AnyUser, slot_pk: int, number: int) -> SubmissionVersion:
    slot = slot_get_for_user(user=user, pk=slot_pk)
    version = slot.versions.filter(number=number).first()
    if version is None:
        raise Http404(NOT_FOUND)
    version.slot = slot
    return version


def evidence_get_for_user(*, user: AnyUser, pk: int) -> EvidenceFile:
    evidence = EvidenceFile.objects.filter(pk=pk).only("slot_id").first()
    if evidence is None:
        raise Http404(EVIDENCE_NOT_FOUND)
    slot = slot_get_for_user(user=user, pk=evidence.slot_id)
    evidence = EvidenceFile.objects.get(pk=pk)
    evidence.slot = slot
    return evidence


def notification_get_for_user(*, user: AnyUser, pk: int) -> Notification:
    """The user's own notice, or 404: a notice is its recipient's alone."""
    notice = (
        Notification.objects.filter(pk=pk, user_id=user.pk).first()
        if user.is_authenticated
        else None
    )
    if notice is None:
        raise Http404(NOTICE_NOT_FOUND)
    return notice
