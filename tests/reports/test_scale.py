"""领导看板 and 考核结果 cost the same whatever the number of units (issue 11).

A cycle with the catalogue's 12 units is counted, then 40 more member units join it (every
各成员单位 indicator gains a slot for each) and it is counted again: the queries of each page
are the same in number, whether the stored roll-up is recomputed, read with the rendered
fragments cold, or read with them cached; and the page shows one page of units, not all.
"""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from scoring.cycles.services import cycle_open, slots_sync
from scoring.models import Cycle, FigureField, Slot, SlotStatus, SubmissionVersion
from scoring.workflow import figures_changed
from tests.scoring.cycle_fixtures import new_cycle
from units.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(db, office_user) -> Cycle:
    """An open cycle past its deadline, with slots in several states and one figure version."""
    cycle = new_cycle()
    cycle_open(cycle=cycle)
    Cycle.objects.filter(pk=cycle.pk).update(deadline=timezone.now() - timedelta(hours=1))
    slots = Slot.objects.filter(cycle=cycle).order_by("pk")
    Slot.objects.filter(pk__in=[s.pk for s in slots[:3]]).update(
        status=SlotStatus.RETURNED, returned_by_office=True, return_reason="请补充。"
    )
    with_fields = FigureField.objects.filter(cycle=cycle).values("indicator_id")
    slot = slots.filter(indicator_id__in=with_fields).last()
    SubmissionVersion.objects.create(
        slot=slot,
        number=1,
        text="已完成。",
        figures={},
        submitted_by=office_user,
        submitted_at=timezone.now(),
    )
    Slot.objects.filter(pk=slot.pk).update(status=SlotStatus.SUBMITTED, current_version=1)
    figures_changed(cycle)
    return Cycle.objects.get(pk=cycle.pk)


def add_member_units(cycle: Cycle, n: int) -> None:
    for i in range(n):
        Unit.objects.create(
            name=f"测试成员单位{i:03d}", code=f"t{i:03d}", is_member=True, display_order=100 + i
        )
    slots_sync(cycle=cycle)  # bumps the cycle's revision (a slot-audit change)


def counts(client, cycle: Cycle, url: str) -> tuple[int, int, int]:
    """Queries of the view that recomputes the roll-up, of a view with the rendered fragments
    cold, and of a view with them cached."""
    figures_changed(cycle)
    cache.clear()
    with CaptureQueriesContext(connection) as stale:
        assert client.get(url).status_code == 200
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        client.get(url)
    with CaptureQueriesContext(connection) as warm:
        response = client.get(url)
    assert response.status_code == 200
    return len(stale), len(cold), len(warm)


@pytest.mark.parametrize("page", ["dashboard", "results"])
def test_queries_do_not_grow_with_the_number_of_units(client, leader_user, cycle, page):
    client.force_login(leader_user)
    url = {
        "dashboard": reverse("reports:dashboard"),
        "results": reverse("scoring:cycle_results", args=[cycle.pk]),
    }[page]
    client.get(url)  # the session and role caches
    slots_before = Slot.objects.filter(cycle=cycle).count()
    before = counts(client, cycle, url)
    add_member_units(cycle, 40)
    assert Slot.objects.filter(cycle=cycle).count() >= slots_before + 40 * 20
    after = counts(client, cycle, url)
    assert after == before, (before, after)
    assert before[0] > before[1] >= before[2]  # recomputing costs more than reading


def test_the_first_screen_shows_one_page_of_units(client, leader_user, cycle):
    add_member_units(cycle, 40)
    client.force_login(leader_user)
    response = client.get(reverse("reports:dashboard"))
    dash = response.context["dash"]
    assert dash.unit_count == 52
    assert len(dash.grid) == 20 and dash.grid_page.pages == 3
    assert len(dash.units) == 20 and dash.ranking_gap == 32
    body = response.content.decode()
    assert body.count('<tr data-unit="') == 20 + 20 + 20  # two grids and the ranking
    assert "中间另有 32 个单位" in body
    results = client.get(reverse("scoring:cycle_results", args=[cycle.pk]))
    assert results.content.decode().count('<tr data-unit="') == 20
    assert len(results.context["units"]) == 20


def test_the_cached_page_follows_a_score_change(client, leader_user, office_user, cycle):
    """The rendered fragments are keyed by the roll-up they came from: a change shows at once."""
    from decimal import Decimal

    from scoring.models import CycleIndicator
    from scoring.review.services import score_record, submission_approve

    client.force_login(leader_user)
    url = reverse("reports:dashboard")
    cache.clear()
    assert '<strong id="total-earned">0.00</strong>' in client.get(url).content.decode()
    slot = Slot.objects.get(cycle=cycle, status=SlotStatus.SUBMITTED)
    CycleIndicator.objects.filter(cycle=cycle, indicator_id=slot.indicator_id).update(
        points=Decimal("4"), method="direct"
    )
    submission_approve(slot=slot, actor=office_user)
    score_record(slot=slot, actor=office_user, direct=Decimal("3"), comment="较好。")
    body = client.get(url).content.decode()
    assert '<strong id="total-earned">3.00</strong>' in body
