"""The review queue: what waits for the office, oldest first, filtered, counted and paged."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from indicators.models import Level1, Level2
from scoring.models import Cycle, Slot, SlotStatus
from scoring.review.services import submission_approve, submission_return
from scoring.submissions.services import submission_forward
from tests.scoring.support import open_cycle_create, save, slot_of, submit

from .conftest import at, queue_rows, status_counts, submitted

pytestmark = pytest.mark.django_db

QUEUE = reverse("scoring:review_queue")


def _get(client, **params):
    response = client.get(QUEUE, params)
    assert response.status_code == 200
    return response


def test_oldest_wait_first_by_the_latest_submit_or_sign_off(
    office_client, cycle, rsj_reporter, zgh_reporter, rsj_approver, office
):
    """Waiting since: 63 (区人社局) submitted 5 days ago but signed off by its approver only
    1 day ago; 17 (区总工会) submitted 4 days ago; 27 (区总工会) submitted 6 days ago, returned
    and resubmitted 2 days ago; 28 (区总工会) submitted 3 days ago.
    Oldest wait first: 17 (4 days), 28 (3), 27 (2), 63 (1).
    """
    now = timezone.now()
    with at(now - timedelta(days=5)):
        rsj63 = submitted(cycle, 63, "rsj", rsj_reporter)  # has an approver: 待单位审核
    assert rsj63.status == SlotStatus.PENDING_APPROVAL
    with at(now - timedelta(days=4)):
        zgh17 = submitted(cycle, 17, "zgh", zgh_reporter)
    with at(now - timedelta(days=6)):
        zgh27 = submitted(cycle, 27, "zgh", zgh_reporter)
        submission_return(slot=zgh27, actor=office, reason="请补充阵地照片。")
    with at(now - timedelta(days=3)):
        zgh28 = submitted(cycle, 28, "zgh", zgh_reporter)
    with at(now - timedelta(days=2)):
        save(zgh27, zgh_reporter, "补充了阵地照片。")
        submit(zgh27, zgh_reporter)
    with at(now - timedelta(days=1)):
        submission_forward(slot=rsj63, actor=rsj_approver)

    response = _get(office_client)

    assert queue_rows(response) == [zgh17.pk, zgh28.pk, zgh27.pk, rsj63.pk]
    html = response.content.decode()
    assert html.index("工会经费投入") < html.index("收入分配机制")


def test_default_is_what_waits_for_the_office_and_any_status_can_be_chosen(
    office_client, cycle, rsj_reporter, zgh_reporter, office
):
    waiting = submitted(cycle, 63, "rsj", rsj_reporter)
    done = submitted(cycle, 17, "zgh", zgh_reporter)
    submission_approve(slot=done, actor=office)
    draft = slot_of(cycle, 44, "rsj")
    save(draft, rsj_reporter, "草稿。")

    assert queue_rows(_get(office_client)) == [waiting.pk]
    assert queue_rows(_get(office_client, status=SlotStatus.APPROVED)) == [done.pk]
    assert queue_rows(_get(office_client, status=SlotStatus.DRAFT)) == [draft.pk]
    assert queue_rows(_get(office_client, status=SlotStatus.RETURNED)) == []
    every = queue_rows(_get(office_client, status="all"))
    assert every[:2] == [waiting.pk, done.pk]  # submitted ones first, the others after
    assert draft.pk in queue_rows(_get(office_client, status="all", unit=draft.unit_id))


def test_counts_per_status_follow_the_other_filters(
    office_client, cycle, rsj_reporter, zgh_reporter, office
):
    submitted(cycle, 63, "rsj", rsj_reporter)
    submitted(cycle, 44, "rsj", rsj_reporter)
    submission_approve(slot=submitted(cycle, 17, "zgh", zgh_reporter), actor=office)
    save(slot_of(cycle, 74, "rsj"), rsj_reporter, "草稿。")
    rsj_total = Slot.objects.filter(cycle=cycle, unit__code="rsj").count()

    counts = status_counts(_get(office_client))
    assert counts[SlotStatus.SUBMITTED] == 2
    assert counts[SlotStatus.APPROVED] == 1
    assert counts[SlotStatus.DRAFT] == 1
    assert sum(counts.values()) == Slot.objects.filter(cycle=cycle).count()

    rsj = slot_of(cycle, 63, "rsj").unit
    counts = status_counts(_get(office_client, unit=rsj.pk))
    assert counts[SlotStatus.SUBMITTED] == 2
    assert counts[SlotStatus.APPROVED] == 0
    assert counts[SlotStatus.NOT_STARTED] == rsj_total - 3


def test_filter_by_unit_and_by_level(office_client, cycle, rsj_reporter, zgh_reporter):
    """63 收入分配机制 is in 一级 五 / its own 二级; 17 工会经费投入 in 一级 一; 18 党员比例 is
    区委组织部's (not submitted here)."""
    rsj63 = submitted(cycle, 63, "rsj", rsj_reporter)
    rsj44 = submitted(cycle, 44, "rsj", rsj_reporter)
    zgh17 = submitted(cycle, 17, "zgh", zgh_reporter)

    assert queue_rows(_get(office_client, unit=zgh17.unit_id)) == [zgh17.pk]
    assert set(queue_rows(_get(office_client, unit=rsj63.unit_id))) == {rsj63.pk, rsj44.pk}

    level2 = Level2.objects.get(indicators__number=63)
    assert queue_rows(_get(office_client, level2=level2.pk)) == [rsj63.pk]
    level1 = Level1.objects.get(children__indicators__number=17)
    listed = queue_rows(_get(office_client, level1=level1.pk))
    assert zgh17.pk in listed and rsj63.pk not in listed
    # Filters combine.
    assert queue_rows(_get(office_client, level1=level1.pk, unit=rsj63.unit_id)) == [
        pk for pk in listed if Slot.objects.get(pk=pk).unit_id == rsj63.unit_id
    ]


def test_filter_by_cycle_defaults_to_the_current_one(office_client, cycle, rsj_reporter):
    older = open_cycle_create(name="2025年度", year=2025)
    in_2026 = submitted(cycle, 63, "rsj", rsj_reporter)
    in_2025 = submitted(older, 63, "rsj", rsj_reporter)

    response = _get(office_client)
    assert queue_rows(response) == [in_2026.pk]
    assert "2026年度（填报中）" in response.content.decode()
    assert queue_rows(_get(office_client, cycle=older.pk)) == [in_2025.pk]


def test_overdue_lists_what_has_not_reached_the_office_by_its_deadline(
    office_client, cycle, rsj_reporter, office
):
    """The deadline passed yesterday. 63 was submitted (not overdue), 44 approved (not
    overdue), 74 is a draft (overdue), 73 was given until next week (not overdue)."""
    on_time = submitted(cycle, 63, "rsj", rsj_reporter)
    submission_approve(slot=submitted(cycle, 44, "rsj", rsj_reporter), actor=office)
    late = slot_of(cycle, 74, "rsj")
    save(late, rsj_reporter, "还在写。")
    extended = slot_of(cycle, 73, "rsj")
    now = timezone.now()
    Cycle.objects.filter(pk=cycle.pk).update(deadline=now - timedelta(days=1))
    Slot.objects.filter(pk=extended.pk).update(deadline_extension=now + timedelta(days=7))

    rows = queue_rows(_get(office_client, overdue="1", unit=late.unit_id))

    assert late.pk in rows
    assert on_time.pk not in rows and extended.pk not in rows
    assert set(Slot.objects.filter(pk__in=rows).values_list("status", flat=True)) <= {
        SlotStatus.NOT_STARTED,
        SlotStatus.DRAFT,
    }
    assert len(rows) == Slot.objects.filter(cycle=cycle, unit=late.unit).count() - 3
    # With a status chosen, both filters apply.
    assert queue_rows(
        _get(office_client, overdue="1", unit=late.unit_id, status=SlotStatus.DRAFT)
    ) == [late.pk]
    assert "逾期" in _get(office_client, overdue="1").content.decode()


def test_invalid_filters_are_ignored(office_client, cycle, rsj_reporter):
    slot = submitted(cycle, 63, "rsj", rsj_reporter)
    response = _get(office_client, unit="999999", status="nonsense", level1="x", page="abc")
    assert queue_rows(response) == [slot.pk]


def test_fifty_per_page(office_client, cycle):
    total = Slot.objects.filter(cycle=cycle).count()
    assert total > 100
    first = queue_rows(_get(office_client, status="all"))
    second = queue_rows(_get(office_client, status="all", page=2))
    last_page = (total - 1) // 50 + 1
    last = queue_rows(_get(office_client, status="all", page=last_page))
    assert len(first) == len(second) == 50
    assert len(last) == total - 50 * (last_page - 1)
    assert not set(first) & set(second)
    html = _get(office_client, status="all", page=2).content.decode()
    assert f"第 2 / {last_page} 页，共 {total} 项" in html
    assert "page=3" in html and "page=1" in html


def test_links_carry_the_filters(office_client, cycle, rsj_reporter):
    slot = submitted(cycle, 63, "rsj", rsj_reporter)
    html = _get(office_client, unit=slot.unit_id).content.decode()
    url = reverse("scoring:review_detail", args=[slot.pk])
    assert f'href="{url}?cycle={cycle.pk}&amp;status=submitted&amp;unit={slot.unit_id}"' in html


def test_a_constant_number_of_queries(
    office_client, cycle, rsj_reporter, zgh_reporter, django_assert_max_num_queries
):
    """One submitted row and a full page of fifty cost the same number of queries."""
    submitted(cycle, 63, "rsj", rsj_reporter)
    _get(office_client)  # warm the session and the content types
    with CaptureQueriesContext(connection) as one:
        assert len(queue_rows(_get(office_client))) == 1
    for number in (17, 27, 28, 29):
        submitted(cycle, number, "zgh", zgh_reporter)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(queue_rows(_get(office_client))) == 5
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(queue_rows(_get(office_client, status="all"))) == 50
    assert len(one.captured_queries) <= 15
