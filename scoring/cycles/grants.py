"""Object-permission grants on slots (django-guardian), made when slots are created."""

from guardian.shortcuts import assign_perm

from scoring.access import SLOT_CHANGE, SLOT_VIEW
from scoring.models import Slot
from units.models import Unit
from units.services import unit_group


def slots_grant_to_unit(*, slots: list[Slot]) -> None:
    """Let each slot's unit view and change it (bulk; one unit at a time)."""
    by_unit: dict[int, list[Slot]] = {}
    for slot in slots:
        by_unit.setdefault(slot.unit_id, []).append(slot)
    for unit in Unit.objects.filter(pk__in=by_unit):
        group = unit_group(unit)
        for perm in (SLOT_VIEW, SLOT_CHANGE):
            assign_perm(perm, group, by_unit[unit.pk])
