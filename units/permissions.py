"""The access gateway: the one place that decides who may see and do what.

Views ask here; they never inspect groups, units or guardian themselves. Object permissions on
a unit's data are granted by django-guardian to the unit's group (Unit.group); a user reaches
them by membership of that group, so moving a user between units moves their access with them,
effective on the next request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from guardian.shortcuts import assign_perm, get_objects_for_user

from .models import Unit, UnitMembership
from .roles import ROLE_GROUPS, Role

if TYPE_CHECKING:
    from scoring.models import EvidenceFile, Slot, SubmissionVersion

AnyUser = AbstractBaseUser | AnonymousUser

SLOT_VIEW = "scoring.view_slot"
SLOT_CHANGE = "scoring.change_slot"
NOT_FOUND = "未找到该填报任务，或您无权访问。"


# --- roles ------------------------------------------------------------------------------------


def user_roles(user: AnyUser) -> frozenset[Role]:
    """The user's roles, read once per request object and cached on it."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_fengtai_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(role for role, group in ROLE_GROUPS.items() if group in names)
        user._fengtai_roles = cached
    return cached


def user_has_role(user: AnyUser, role: Role) -> bool:
    return role in user_roles(user)


def user_is_office(user: AnyUser) -> bool:
    return user.is_authenticated and (user.is_superuser or Role.OFFICE in user_roles(user))


def user_is_leader(user: AnyUser) -> bool:
    return Role.LEADER in user_roles(user)


def user_reads_everything(user: AnyUser) -> bool:
    """The office, leadership and system administrators read every unit's data."""
    return user_is_office(user) or user_is_leader(user)


def user_unit(user: AnyUser) -> Unit | None:
    """The unit the user reports for, or None."""
    if not user.is_authenticated:
        return None
    try:
        return user.unit_membership.unit
    except UnitMembership.DoesNotExist:
        return None


def user_is_unit_approver(user: AnyUser, unit: Unit) -> bool:
    own = user_unit(user)
    return own is not None and own.pk == unit.pk and Role.APPROVER in user_roles(user)


def unit_has_approver(unit: Unit) -> bool:
    return unit.memberships.filter(
        user__is_active=True, user__groups__name=ROLE_GROUPS[Role.APPROVER]
    ).exists()


def user_role_label(user: AnyUser) -> str:
    if not user.is_authenticated:
        return ""
    if user.is_superuser:
        return "系统管理员"
    roles = user_roles(user)
    for role in (Role.OFFICE, Role.LEADER, Role.APPROVER, Role.REPORTER):
        if role in roles:
            return role.label
    return "未分配角色"


# --- granting (called by services only) -------------------------------------------------------


def unit_group(unit: Unit) -> Group:
    """The unit's permission group, created on first use."""
    if unit.group_id is None:
        group, _ = Group.objects.get_or_create(name=f"单位:{unit.code}")
        Unit.objects.filter(pk=unit.pk).update(group=group)
        unit.group = group
    return unit.group


@transaction.atomic
def membership_sync_groups(*, user, unit: Unit | None) -> None:
    """Put the user in exactly the group of `unit` (or none)."""
    current = list(user.groups.filter(unit__isnull=False))
    wanted = unit_group(unit) if unit is not None else None
    user.groups.remove(*[g for g in current if g != wanted])
    if wanted is not None:
        user.groups.add(wanted)
    for attr in ("_fengtai_roles", "_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        if hasattr(user, attr):
            delattr(user, attr)


def slots_grant_to_unit(*, slots: list[Slot]) -> None:
    """Let each slot's unit view and change it (bulk; one unit at a time)."""
    by_unit: dict[int, list[Slot]] = {}
    for slot in slots:
        by_unit.setdefault(slot.unit_id, []).append(slot)
    for unit in Unit.objects.filter(pk__in=by_unit):
        group = unit_group(unit)
        for perm in (SLOT_VIEW, SLOT_CHANGE):
            assign_perm(perm, group, by_unit[unit.pk])


# --- lookups: every view starts here ----------------------------------------------------------


def _slot_queryset():
    from scoring.models import Slot

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
    from scoring.models import EvidenceFile

    evidence = EvidenceFile.objects.filter(pk=pk).only("slot_id").first()
    if evidence is None:
        raise Http404("未找到该材料，或您无权访问。")
    slot = slot_get_for_user(user=user, pk=evidence.slot_id)
    evidence = EvidenceFile.objects.get(pk=pk)
    evidence.slot = slot
    return evidence


def notification_get_for_user(*, user: AnyUser, pk: int):
    """The user's own notice, or 404: a notice is its recipient's alone."""
    from scoring.models import Notification

    notice = (
        Notification.objects.filter(pk=pk, user_id=user.pk).first()
        if user.is_authenticated
        else None
    )
    if notice is None:
        raise Http404("未找到该通知。")
    return notice
