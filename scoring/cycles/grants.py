"""Object-permission grants on slots (django-guardian), made when slots are created."""

from guardian.shortcuts import assign_perm

from audit.models import Action
from audit.services import audit_record
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
            # assign_perm on a list bulk-creates (no post_save): one record per unit and right.
            audit_record(
                action=Action.PERM_GRANTED,
                object_type=Slot._meta.label_lower,
                object_id=str(by_unit[unit.pk][0].pk) if len(by_unit[unit.pk]) == 1 else "",
                object_repr=f"{unit.name} 的 {len(by_unit[unit.pk])} 个填报任务",
                detail={
                    "permission": perm,
                    "holder": f"group:{group.name}",
                    "slots": [slot.pk for slot in by_unit[unit.pk]],
                },
            )
