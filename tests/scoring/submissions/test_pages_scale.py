"""我的任务 and the submission page cost the same number of queries at 12 units as at many more."""

import pytest
from django.urls import reverse

from scoring.review.services import submission_return
from tests.scoring.conftest import draft_file_add, slot_submit_with_pdf
from tests.scoring.scale import earlier_cycle_add, members_add, queries_of, reporters_submit
from tests.scoring.support import points_set, save, slot_of

pytestmark = pytest.mark.django_db


def _grow(cycle, make_user, office):
    """20 more member units with work submitted, an earlier cycle, more of 区人社局's work."""
    units = members_add(20)
    reporters_submit(cycle, units[:10], make_user, number=3)
    earlier_cycle_add()
    return units


def test_tasks_queries_do_not_grow(client, open_cycle, rsj_reporter, office_user, make_user):
    save(slot_of(open_cycle, 38, "rsj"), rsj_reporter, "草稿。")
    client.force_login(rsj_reporter)
    url = reverse("scoring:tasks")
    small = queries_of(client, url)

    _grow(open_cycle, make_user, office_user)
    for number in (63, 64):
        slot_submit_with_pdf(slot_of(open_cycle, number, "rsj"), rsj_reporter)

    assert queries_of(client, url) == small
    assert queries_of(client, url, status="submitted") == small


def test_submission_page_queries_do_not_grow(
    client, open_cycle, rsj_reporter, office_user, make_user
):
    """One submitted version with one file, then three versions with files, a draft with two
    files, a longer timeline and many more units and slots: the same queries."""
    points_set(open_cycle, 47, "10")
    slot = slot_of(open_cycle, 47, "rsj")
    slot_submit_with_pdf(slot, rsj_reporter)
    client.force_login(rsj_reporter)
    url = reverse("scoring:slot_detail", args=[slot.pk])
    small = queries_of(client, url)

    _grow(open_cycle, make_user, office_user)
    for round_ in range(2):
        slot.refresh_from_db()
        submission_return(slot=slot, actor=office_user, reason=f"第 {round_ + 1} 次退回。")
        slot.refresh_from_db()
        slot_submit_with_pdf(slot, rsj_reporter, filename=f"补充{round_}.pdf")
    slot.refresh_from_db()
    submission_return(slot=slot, actor=office_user, reason="再补充。")
    slot.refresh_from_db()
    draft_file_add(slot, rsj_reporter, "草稿一.pdf")
    draft_file_add(slot, rsj_reporter, "草稿二.pdf")
    slot.refresh_from_db()
    save(slot, rsj_reporter, "修改后的说明。")

    large = queries_of(client, url)
    html = client.get(url).content.decode()
    assert html.count("第 3 版</a>") == 1 and "草稿二.pdf" in html
    assert large == small


def test_version_page_queries_do_not_grow(client, open_cycle, rsj_reporter, office_user, make_user):
    slot = slot_of(open_cycle, 47, "rsj")
    slot_submit_with_pdf(slot, rsj_reporter)
    client.force_login(rsj_reporter)
    url = reverse("scoring:version_detail", args=[slot.pk, 1])
    small = queries_of(client, url)

    _grow(open_cycle, make_user, office_user)
    slot.refresh_from_db()
    submission_return(slot=slot, actor=office_user, reason="退回。")
    slot.refresh_from_db()
    slot_submit_with_pdf(slot, rsj_reporter, filename="补充.pdf")

    assert queries_of(client, url) == small
    assert queries_of(client, reverse("scoring:version_detail", args=[slot.pk, 2])) == small
