"""Role predicates: who a user is (office, leadership, unit approver) and which unit they report for.

Pages, the admin and exports reach these through scoring.access, the one access gateway; this
module holds only what the units layer can answer without knowing about scoring.

Every predicate answers from one snapshot of the user's roles and unit (`user_access`), read in
a single query the first time a request asks and kept on that user object only. Nothing is kept
across requests: each request loads its user afresh, so a change of groups, unit or account
takes effect on the very next request, and one user's snapshot can never reach another.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db import router

from common.prepared import PreparedRead
from units.models import Unit
from units.roles import ROLE_GROUPS, Role

# The project keeps Django's User model (no AUTH_USER_MODEL); a request's user may be anonymous.
AnyUser = User | AnonymousUser

# Where the snapshot lives on the user object (units.services drops it after a change).
ACCESS_ATTR = "_fengtai_access"


@dataclass(frozen=True)
class UserAccess:
    """What the role predicates need: the user's role groups and the unit they report for."""

    roles: frozenset[Role]
    unit: Unit | None


NO_ACCESS = UserAccess(roles=frozenset(), unit=None)


def _unit_fields() -> list:
    """The unit's columns, in the order the access read returns them after the group name."""
    return list(Unit._meta.concrete_fields)


def _access_query(user_pk: int):
    """One row per group of the user (one row with no group if none), each with the user's
    unit's columns (NULL when the user reports for no unit): LEFT JOINs, no subquery."""
    return User.objects.filter(pk=user_pk).values_list(
        "groups__name", *(f"unit_membership__unit__{f.attname}" for f in _unit_fields())
    )


_ACCESS_READ = PreparedRead(_access_query)
_ROLE_BY_GROUP = {group: role for role, group in ROLE_GROUPS.items()}


def _access_read(user: User) -> UserAccess:
    """One statement: the user's group names and the unit they report for."""
    rows = _ACCESS_READ.rows(user.pk)
    if not rows:  # the account was deleted under a live request
        return NO_ACCESS
    roles = frozenset(_ROLE_BY_GROUP[row[0]] for row in rows if row[0] in _ROLE_BY_GROUP)
    unit: Unit | None = None
    columns = rows[0][1:]
    if columns[0] is not None:
        names = [f.attname for f in _unit_fields()]
        unit = Unit.from_db(router.db_for_read(Unit), names, list(columns))
    return UserAccess(roles=roles, unit=unit)


def user_access(user: AnyUser) -> UserAccess:
    """The user's roles and unit, read once per user object (that is, once per request)."""
    if not user.is_authenticated:
        return NO_ACCESS
    cached = getattr(user, ACCESS_ATTR, None)
    if cached is None:
        cached = _access_read(user)
        setattr(user, ACCESS_ATTR, cached)
    return cached


def user_access_forget(user: AnyUser) -> None:
    """Drop the snapshot after a change of the user's groups or unit in this same request."""
    if hasattr(user, ACCESS_ATTR):
        delattr(user, ACCESS_ATTR)


def user_roles(user: AnyUser) -> frozenset[Role]:
    """The user's roles."""
    return user_access(user).roles


def user_is_office(user: AnyUser) -> bool:
    return user.is_authenticated and (user.is_superuser or Role.OFFICE in user_roles(user))


def user_is_leader(user: AnyUser) -> bool:
    return Role.LEADER in user_roles(user)


def user_reads_everything(user: AnyUser) -> bool:
    """The office, leadership and system administrators read every unit's data."""
    return user_is_office(user) or user_is_leader(user)


def user_unit(user: AnyUser) -> Unit | None:
    """The unit the user reports for, or None."""
    return user_access(user).unit


def user_is_unit_approver(user: AnyUser, unit: Unit) -> bool:
    access = user_access(user)
    return access.unit is not None and access.unit.pk == unit.pk and Role.APPROVER in access.roles


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
