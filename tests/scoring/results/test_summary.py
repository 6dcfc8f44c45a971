"""The stored roll-up (CycleSummary) on the demo: after every kind of change made through the
services, the figures read from it equal a fresh computation and the definitions themselves
(cycle_results, figures.slot_counts); each change bumps the cycle's revision; a deadline
passing without any write expires it; when current it costs one query."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from scoring.cycles.services import cycle_transition, slots_extend_deadline
from scoring.models import (
    AdjustmentKind,
    Cycle,
    CycleIndicator,
    CycleSummary,
    Slot,
    SlotStatus,
)
from scoring.results import figures
from scoring.results.selectors import cycle_results
from scoring.results.services import adjustment_add, indicator_override
from scoring.results.summary import (
    cycle_summary,
    summary_compute,
    summary_top_bottom,
    summary_units,
)
from scoring.review.services import (
    score_record,
    slot_mark_not_applicable,
    submission_approve,
    submission_return,
)
from scoring.submissions.services import submission_submit

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture(scope="module")
def _seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", force=True, sample_data=True, verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(_seeded, db) -> Cycle:
    return Cycle.objects.get(name="2026年度")


def office():
    return User.objects.get(username="office")


def revision(cycle: Cycle) -> int:
    return Cycle.objects.get(pk=cycle.pk).figures_revision


def assert_stored_equals_fresh(cycle: Cycle, now=None) -> None:
    """What the pages read equals a fresh computation and the definitions it stores."""
    now = now or timezone.now()
    summary = cycle_summary(cycle, now=now)
    stored = CycleSummary.objects.get(cycle=cycle)
    assert stored.revision == revision(cycle)
    fresh = summary_compute(Cycle.objects.get(pk=cycle.pk), now=now)
    assert stored.data == fresh.data
    assert [u.data for u in stored.units.order_by("position")] == [u["data"] for u in fresh.units]
    # …and equals the one definition of each figure, read straight from the models.
    results = cycle_results(cycle)
    slots = [s for r in results.rows for s in r.slots]
    assert summary.counts == figures.slot_counts(
        slots, first_submitted=figures.cycle_first_submissions(cycle), now=now
    )
    assert summary.rollup == results.rollup
    assert summary.final == results.final
    assert summary.complete == figures.results_complete(results)
    assert summary.score == figures.total_figures(results)
    assert [r.result for r in summary.rows] == [r.result for r in results.rows]
    page = summary_units(summary, per_page=1000)
    assert [u.rate for u in page.lines] == results.units
    by_unit = figures.unit_figures(results)
    assert [u.score for u in page.lines] == [by_unit[u.unit] for u in results.units]


def slot_of(cycle, number, unit):
    return Slot.objects.get(cycle=cycle, indicator__number=number, unit__code=unit)


def test_every_service_bumps_the_revision_and_the_stored_figures_follow(demo):
    assert_stored_equals_fresh(demo)
    draft = Slot.objects.filter(cycle=demo, status=SlotStatus.DRAFT).select_related("unit")[0]
    reporter = User.objects.get(username=draft.unit.code)
    submitted = Slot.objects.filter(cycle=demo, status=SlotStatus.SUBMITTED)
    first, second = submitted[0], submitted[1]
    unstarted = Slot.objects.filter(cycle=demo, status=SlotStatus.NOT_STARTED)
    item = CycleIndicator.objects.get(cycle=demo, number=17)
    steps = [
        lambda: submission_submit(
            slot=draft, actor=reporter, expected_revision=Slot.objects.get(pk=draft.pk).revision
        ),
        lambda: submission_approve(slot=first, actor=office()),
        lambda: (
            score_record(slot=first, actor=office(), direct=Decimal("0"), comment="缺材料。")
            if first.indicator.number in (14, 47)
            else score_record(slot=first, actor=office(), grade="一般")
        ),
        lambda: submission_return(slot=second, actor=office(), reason="请补充佐证材料。"),
        lambda: slot_mark_not_applicable(
            slot=unstarted[0], actor=office(), reason="本年度无此项。"
        ),
        lambda: slots_extend_deadline(
            slots=[unstarted[1]],
            until=demo.deadline + timedelta(days=10),
            actor=office(),
            reason="系统故障延期。",
        ),
        lambda: adjustment_add(
            cycle=demo,
            kind=AdjustmentKind.BONUS,
            reason="获评全国产改示范区。",
            points=Decimal("2"),
            actor=office(),
        ),
        lambda: adjustment_add(
            cycle=demo,
            kind=AdjustmentKind.VETO,
            reason="发生重大安全生产责任事故。",
            actor=office(),
        ),
        lambda: indicator_override(
            item=item, score=Decimal("1"), reason="领导小组认定。", actor=office()
        ),
        lambda: cycle_transition(cycle=demo, action="start_review", actor=office()),
        lambda: cycle_transition(
            cycle=demo,
            action="publish",
            actor=office(),
            override_reason="按时发布，未完成事项另行说明。",
        ),
        lambda: cycle_transition(
            cycle=demo, action="unpublish", actor=office(), reason="更正指标 17 的得分。"
        ),
    ]
    for step in steps:
        before = revision(demo)
        step()
        assert revision(demo) > before
        assert_stored_equals_fresh(Cycle.objects.get(pk=demo.pk))


def test_a_stale_summary_is_not_served(demo):
    """Without the bump the stored figures would be read; with it they follow the change."""
    before = cycle_summary(demo)
    slot = slot_of(demo, 14, "cgb")
    submission_approve(slot=slot, actor=office())
    score_record(slot=slot, actor=office(), direct=Decimal("0.5"), comment="简报期数偏少。")
    after = cycle_summary(demo)
    assert after.rollup.total.earned == before.rollup.total.earned + Decimal("0.5")
    assert after.revision > before.revision


def test_saving_a_draft_again_keeps_the_summary(demo):
    """草稿 → 草稿 changes no figure: no recompute; 未填报 → 草稿 does change the counts."""
    from scoring.submissions.services import DraftInput, submission_save_draft

    draft = Slot.objects.filter(cycle=demo, status=SlotStatus.DRAFT).select_related("unit")[0]
    reporter = User.objects.get(username=draft.unit.code)
    assert_stored_equals_fresh(demo)
    before = revision(demo)
    submission_save_draft(slot=draft, actor=reporter, draft=DraftInput(text="补充了说明。"))
    assert revision(demo) == before
    assert_stored_equals_fresh(demo)
    unstarted = Slot.objects.filter(cycle=demo, status=SlotStatus.NOT_STARTED, unit=draft.unit)[0]
    submission_save_draft(slot=unstarted, actor=reporter, draft=DraftInput(text="开始填写。"))
    assert revision(demo) > before
    assert_stored_equals_fresh(demo)


def test_a_passed_deadline_expires_the_summary(demo):
    """逾期 changes when the deadline passes, with no write at all."""
    now = timezone.now()
    early = cycle_summary(demo, now=now)
    assert CycleSummary.objects.get(cycle=demo).valid_until == demo.deadline
    late_now = demo.deadline + timedelta(seconds=1)
    late = cycle_summary(demo, now=late_now)
    assert late.revision == early.revision
    assert late.counts.overdue > early.counts.overdue
    assert CycleSummary.objects.get(cycle=demo).computed_at == late_now
    assert_stored_equals_fresh(demo, now=late_now)


def test_a_current_summary_costs_one_query(demo):
    cycle_summary(demo)
    with CaptureQueriesContext(connection) as queries:
        summary = cycle_summary(demo)
    assert len(queries) == 1
    with CaptureQueriesContext(connection) as queries:
        summary_units(summary, page=1)
        summary_top_bottom(summary)
    assert len(queries) == 2


def test_units_are_paged_and_searched(demo):
    summary = cycle_summary(demo)
    everyone = summary_units(summary, per_page=1000).lines
    page = summary_units(summary, per_page=5, page=2)
    assert [u.rate for u in page.lines] == [u.rate for u in everyone[5:10]]
    assert (page.number, page.pages, page.total) == (2, -(-len(everyone) // 5), len(everyone))
    assert summary_units(summary, per_page=5, page="x").number == 1
    assert summary_units(summary, per_page=5, page=999).number == page.pages
    found = summary_units(summary, q="人社")
    assert [u.rate.unit for u in found.lines] == ["区人社局"]
    assert summary_units(summary, q="不存在的单位").lines == []
