"""Reads for the home page that span packages: what waits for the office, and progress.

Every number here is the one the page it links to shows: the review queue's own query and
status, the dashboard's Progress, and the summary workbook's definition of 逾期. The project
package may import any layer; scoring and reports never import this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count
from django.utils import timezone

from reports.selectors import Progress, dashboard_for_cycle
from scoring.models import Cycle, Slot
from scoring.results.figures import effective_deadline_expression, overdue_q
from scoring.review.forms import DEFAULT_STATUS
from scoring.review.selectors import queue_slots


@dataclass(frozen=True)
class OverdueUnit:
    name: str
    slots: int  # that unit's overdue slots


@dataclass(frozen=True)
class OfficeOverview:
    cycle: Cycle
    queue: int  # what 审核评分 lists by default: 待区产改办审核 in this cycle
    overdue_units: list[OverdueUnit]  # in the units' display order

    @property
    def overdue_slots(self) -> int:
        return sum(u.slots for u in self.overdue_units)


def office_overview(*, user, cycle: Cycle, now: datetime | None = None) -> OfficeOverview:
    now = now or timezone.now()
    queue = queue_slots(user, cycle).filter(status=DEFAULT_STATUS).count()
    # 逾期 as the database filter of the same rule (figures.overdue_q): one grouped COUNT
    # instead of every slot of the cycle as a model.
    overdue = (
        Slot.objects.filter(cycle=cycle)
        .annotate(deadline_at=effective_deadline_expression())
        .filter(overdue_q(now))
        .values("unit_id", "unit__name", "unit__display_order")
        .annotate(n=Count("pk"))
        .order_by("unit__display_order", "unit_id")
    )
    return OfficeOverview(
        cycle=cycle,
        queue=queue,
        overdue_units=[OverdueUnit(row["unit__name"], row["n"]) for row in overdue],
    )


def cycle_progress(*, cycle: Cycle, now: datetime | None = None) -> Progress:
    """领导看板's progress for the cycle (the same object the dashboard shows)."""
    return dashboard_for_cycle(cycle=cycle, now=now).progress
