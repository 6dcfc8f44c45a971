"""Writes concerning units and their people."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from units.models import Unit, UnitMembership
from units.permissions import user_access_forget
from units.roles import ROLE_GROUPS, Role

User = get_user_model()


def unit_group(unit: Unit) -> Group:
    """The unit's permission group, created on first use."""
    if unit.group_id is not None and unit.group is not None:
        return unit.group
    group, _ = Group.objects.get_or_create(name=f"单位:{unit.code}")
    Unit.objects.filter(pk=unit.pk).update(group=group)
    unit.group = group
    return group


@transaction.atomic
def membership_sync_groups(*, user, unit: Unit | None) -> None:
    """Put the user in exactly the group of `unit` (or none)."""
    current = list(user.groups.filter(unit__isnull=False))
    wanted = unit_group(unit) if unit is not None else None
    user.groups.remove(*[g for g in current if g != wanted])
    if wanted is not None:
        user.groups.add(wanted)
    user_access_forget(user)
    for attr in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        if hasattr(user, attr):
            delattr(user, attr)


def role_group(role: Role) -> Group:
    group, _ = Group.objects.get_or_create(name=ROLE_GROUPS[role])
    return group


@transaction.atomic
def user_set_roles(*, user, roles: set[Role]) -> None:
    """Make the user's role groups exactly `roles` (other groups are left alone)."""
    wanted = {role_group(role) for role in roles}
    managed = Group.objects.filter(name__in=ROLE_GROUPS.values())
    user.groups.remove(*[g for g in managed if g not in wanted])
    user.groups.add(*wanted)
    user_access_forget(user)


@transaction.atomic
def user_assign_unit(*, user, unit: Unit | None) -> UnitMembership | None:
    """Attach the user to `unit` (or detach with None).

    The user's access to unit data moves with the membership (the unit's permission group), so
    it takes effect on the user's next request.
    """
    membership_sync_groups(user=user, unit=unit)
    # Drop the cached reverse relation and the role snapshot so user_unit() reads the new unit.
    user._state.fields_cache.pop("unit_membership", None)
    if unit is None:
        UnitMembership.objects.filter(user=user).delete()
        user_access_forget(user)
        return None
    membership, _ = UnitMembership.objects.update_or_create(user=user, defaults={"unit": unit})
    user_access_forget(user)
    return membership
