"""The review queue and the review page cost the same number of queries at 12 units as at many
more, and the queue shows one bounded page."""

import pytest
from django.urls import reverse

from scoring.models import Slot
from scoring.review.services import submission_return
from tests.scoring.conftest import slot_submit_with_pdf
from tests.scoring.scale import earlier_cycle_add, members_add, queries_of, reporters_submit
from tests.scoring.support import slot_of

from .conftest import queue_rows, submitted

pytestmark = pytest.mark.django_db

QUEUE = reverse("scoring:review_queue")


def test_queue_queries_do_not_grow(office_client, cycle, zgh_reporter, make_user):
    submitted(cycle, 17, "zgh", zgh_reporter)
    small = queries_of(office_client, QUEUE)
    small_all = queries_of(office_client, QUEUE, status="all")
    small_overdue = queries_of(office_client, QUEUE, overdue="1")

    units = members_add(60)
    reporters_submit(cycle, units, make_user, number=3)
    earlier_cycle_add()

    assert len(queue_rows(office_client.get(QUEUE))) == 50  # 61 waiting, one page of 50
    assert queries_of(office_client, QUEUE) == small
    assert queries_of(office_client, QUEUE, status="all") == small_all
    assert queries_of(office_client, QUEUE, status="all", page=3) == small_all
    assert queries_of(office_client, QUEUE, overdue="1") == small_overdue
    assert Slot.objects.filter(cycle=cycle).count() > 400


def test_review_page_queries_do_not_grow(office_client, cycle, rsj_reporter, office, make_user):
    slot = slot_of(cycle, 47, "rsj")
    slot_submit_with_pdf(slot, rsj_reporter)
    slot.refresh_from_db()
    url = reverse("scoring:review_detail", args=[slot.pk])
    small = queries_of(office_client, url)

    units = members_add(30)
    reporters_submit(cycle, units, make_user, number=3)
    earlier_cycle_add()
    for round_ in range(2):
        slot.refresh_from_db()
        submission_return(slot=slot, actor=office, reason=f"第 {round_ + 1} 次退回。")
        slot.refresh_from_db()
        slot_submit_with_pdf(slot, rsj_reporter, filename=f"补充{round_}.pdf", text=f"第{round_}稿")
    slot.refresh_from_db()
    assert slot.current_version == 3

    assert queries_of(office_client, url) == small


def test_the_pager_counts_what_the_status_counts_say(office_client, cycle, make_user):
    """The pager's 共 N 项 is the chosen status's count (or all of them) under the same filters."""
    units = members_add(55)
    reporters_submit(cycle, units, make_user, number=3)
    level1 = Slot.objects.filter(cycle=cycle, indicator__number=3).first().indicator.level2.level1
    for params in ({}, {"status": "all"}, {"status": "not_started", "level1": level1.pk}):
        html = office_client.get(QUEUE, params).content.decode()
        listed = Slot.objects.filter(cycle=cycle)
        if params.get("status", "submitted") != "all":
            listed = listed.filter(status=params.get("status", "submitted"))
        if "level1" in params:
            listed = listed.filter(indicator__level2__level1=level1)
        n = listed.count()
        assert n > 50, params
        assert f"共 {n} 项" in html, params
