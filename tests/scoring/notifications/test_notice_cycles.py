"""Notices name the cycle and the indicator, and the notice list filters by cycle."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from scoring.cycles.services import cycle_create, cycle_open
from scoring.models import NoticeKind, Notification
from scoring.notifications.services import notify_slot_approved, notify_slot_returned
from tests.scoring.conftest import slot_of

pytestmark = pytest.mark.django_db

LIST = reverse("scoring:notifications")


@pytest.fixture
def two_years(cycle_2026, office_user):
    """2025年度 (opened too) beside 2026年度: the same indicator in both."""
    now = timezone.now()
    last = cycle_create(
        name="2025年度",
        year=2025,
        opens_at=now - timedelta(days=400),
        deadline=now - timedelta(days=340),
    )
    cycle_open(cycle=last)
    return last, cycle_2026


def test_a_notice_names_the_cycle_then_the_indicator(two_years, rsj_reporter):
    last, this = two_years
    old, new = slot_of(last, "rsj", 48), slot_of(this, "rsj", 48)
    old.return_reason = new.return_reason = "请补充统计口径。"

    notify_slot_approved(old)
    notify_slot_returned(new, by_office=True)

    titles = dict(rsj_reporter.notifications.values_list("kind", "title"))
    assert titles == {
        NoticeKind.APPROVED: "审核通过：2025年度 · 48. 产业工人占比",
        NoticeKind.RETURNED: "区产改办退回：2026年度 · 48. 产业工人占比",
    }
    assert {n.kind: n.cycle for n in rsj_reporter.notifications.all()} == {
        NoticeKind.APPROVED: last,
        NoticeKind.RETURNED: this,
    }


def test_the_list_filters_by_cycle_and_offers_only_the_users_cycles(
    client, two_years, rsj_reporter, zgh_reporter, make_user
):
    last, this = two_years
    notify_slot_approved(slot_of(last, "rsj", 48))
    notify_slot_approved(slot_of(this, "rsj", 47))
    client.force_login(rsj_reporter)

    everything = client.get(LIST)
    only_last = client.get(LIST, {"cycle": last.pk})
    unknown = client.get(LIST, {"cycle": "999999"})

    assert [n.title for n in everything.context["page"]] == [
        "审核通过：2026年度 · 47. 产业工人数量、年度增长率",
        "审核通过：2025年度 · 48. 产业工人占比",
    ]
    assert [n.title for n in only_last.context["page"]] == ["审核通过：2025年度 · 48. 产业工人占比"]
    html = only_last.content.decode()
    assert f'<option value="{last.pk}" selected>2025年度</option>' in html
    assert f'<option value="{this.pk}">2026年度</option>' in html
    # An unknown cycle filters nothing out and names nothing.
    assert len(unknown.context["page"]) == 2

    # A user with no notices is offered no cycles at all.
    client.force_login(zgh_reporter)
    html = client.get(LIST).content.decode()
    assert "按考核周期筛选" not in html
    assert Notification.objects.filter(user=zgh_reporter).count() == 0


def test_existing_notices_learn_their_cycle_from_their_link_or_key(two_years, rsj_reporter):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("scoring.migrations.0007_publish_guards")
    last, this = two_years
    slot = slot_of(last, "rsj", 48)
    linked = Notification.objects.create(
        user=rsj_reporter, kind=NoticeKind.APPROVED, title="审核通过：48.", url=f"/tasks/{slot.pk}/"
    )
    keyed = Notification.objects.create(
        user=rsj_reporter,
        kind=NoticeKind.PUBLISHED,
        title="2026年度考核结果已发布",
        url="/tasks/",
        dedupe_key=f"published:{this.pk}:{slot.unit_id}",
    )
    loose = Notification.objects.create(user=rsj_reporter, kind=NoticeKind.APPROVED, title="其他")

    migration.notices_name_their_cycle(apps, None)

    got = dict(Notification.objects.values_list("pk", "cycle_id"))
    assert got == {linked.pk: last.pk, keyed.pk: this.pk, loose.pk: None}
