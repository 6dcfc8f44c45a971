"""Role predicates: who a user is (office, leadership, unit approver) and which unit they report for.

Pages, the admin and exports reach these through scoring.access, the one access gateway; this
module holds only what the units layer can answer without knowing about scoring.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User

from units.models import Unit, UnitMembership
from units.roles import ROLE_GROUPS, Role

# The project keeps Django's User model (no AUTH_USER_MODEL); a request's user may be anonymous.
AnyUser = User | AnonymousUser


def user_roles(user: AnyUser) -> frozenset[Role]:
    """The user's roles, read once per request object and cached on it."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_fengtai_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(role for role, group in ROLE_GROUPS.items() if group in names)
        setattr(user, "_fengtai_roles", cached)  # noqa: B010 - a per-request cache on the object
    return cached


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
            return str(role.label)
    return "未分配角色"
