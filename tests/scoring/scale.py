"""Growing a small data set to a larger one, for the tests that a page's cost does not grow.

A page is counted once on the small set (the 12 units of the catalogue, one open cycle), then
the set grows the way the district's does: more member units (each adding a slot to every
各成员单位 indicator of the open cycle), an earlier cycle with its own slots, and more
submitted work. The same page is counted again; the number of queries must be the same.
"""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from scoring.cycles.services import cycle_create, cycle_open, slots_sync_open_cycles
from scoring.models import Cycle, CycleStatus, Slot
from units.models import Unit
from units.roles import Role

MEMBER_PREFIX = "扩展成员单位"


def members_add(count: int, *, start: int = 0) -> list[Unit]:
    """`count` new active member units; every open cycle gains their slots."""
    units = [
        Unit.objects.create(
            name=f"{MEMBER_PREFIX}{i:03d}",
            code=f"ext{i:03d}",
            is_member=True,
            display_order=500 + i,
        )
        for i in range(start, start + count)
    ]
    slots_sync_open_cycles()
    return units


def earlier_cycle_add(*, year: int = 2025) -> Cycle:
    """An earlier cycle, opened and archived the way the office leaves last year's."""
    now = timezone.now()
    cycle = cycle_create(
        name=f"{year}年度",
        year=year,
        opens_at=now - timedelta(days=400),
        deadline=now - timedelta(days=300),
    )
    cycle_open(cycle=cycle)
    Cycle.objects.filter(pk=cycle.pk).update(status=CycleStatus.ARCHIVED)
    return cycle


def reporters_submit(cycle: Cycle, units: list[Unit], make_user, *, number: int) -> list[Slot]:
    """Each unit's reporter saves and submits its slot for indicator `number`."""
    from tests.scoring.support import save, slot_of, submit

    slots = []
    for unit in units:
        user = make_user(f"{unit.code}_tb", unit=unit, roles={Role.REPORTER})
        slot = slot_of(cycle, number, unit.code)
        save(slot, user, f"{unit.name}的工作情况说明。")
        submit(slot, user)
        slots.append(slot)
    return slots


def queries_of(client, url: str, **params) -> int:
    """How many queries one GET of `url` makes (after a warm-up GET of the same URL)."""
    assert client.get(url, params).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)
