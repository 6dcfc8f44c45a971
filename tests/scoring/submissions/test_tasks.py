"""我的任务: the unit's slots of the current cycle, grouped, counted and filterable."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import Indicator, Level2, Responsibility
from scoring.cycles.services import slots_sync
from scoring.models import Slot, SlotStatus
from tests.scoring.support import save, slot_of, submit
from units.models import Unit

pytestmark = pytest.mark.django_db

URL = reverse("scoring:tasks")
RSJ_SLOTS = 40  # 27 named + 13 more through 各成员单位


def _rows(html: str) -> dict[int, str]:
    """{slot pk: the row's HTML}."""
    return {int(pk): row for pk, row in re.findall(r'<tr id="slot-(\d+)">(.*?)</tr>', html, re.S)}


def _count(html: str, label: str) -> int:
    match = re.search(r"<strong>(\d+)</strong><span>" + re.escape(label) + "</span>", html)
    assert match, label
    return int(match.group(1))


def test_the_units_slots_grouped_and_counted(client, open_cycle, rsj_reporter):
    save(slot_of(open_cycle, 38, "rsj"), rsj_reporter, "草稿。")
    slot47 = slot_of(open_cycle, 47, "rsj")
    save(slot47, rsj_reporter, "说明。", industrial_workers=196400)
    submit(slot47, rsj_reporter)

    client.force_login(rsj_reporter)
    html = client.get(URL).content.decode()
    assert "我的任务 · 区人社局" in html
    rows = _rows(html)
    mine = Slot.objects.filter(cycle=open_cycle, unit__code="rsj")
    assert mine.count() == RSJ_SLOTS
    assert set(rows) == set(mine.values_list("pk", flat=True))

    assert _count(html, "全部") == RSJ_SLOTS
    assert _count(html, "未填报") == RSJ_SLOTS - 2
    assert _count(html, "草稿") == 1
    assert _count(html, "待区产改办审核") == 1
    assert _count(html, "已通过") == 0

    # 一级 headings once each, in table order; 二级 headings above their indicators.
    level1 = re.findall(r"<h2>(.*?)</h2>", html)
    assert level1[0] == "一、组织领导"
    assert len(level1) == len(set(level1))
    for slot in mine.select_related("indicator__level2__level1"):
        before_row = html[: html.index(f'<tr id="slot-{slot.pk}">')]
        assert re.findall(r"<h2>(.*?)</h2>", before_row)[-1] == slot.indicator.level2.level1.label
        assert re.findall(r"<h3>(.*?)</h3>", before_row)[-1] == slot.indicator.level2.label

    # 牵头/配合 as the table says.
    assert "牵头" in rows[slot47.pk]
    assert "配合" in rows[slot_of(open_cycle, 1, "rsj").pk]
    assert "牵头" in rows[slot_of(open_cycle, 3, "rsj").pk]
    assert "配合" in rows[slot_of(open_cycle, 16, "rsj").pk]  # 区教委、区人社局
    assert "待区产改办审核" in rows[slot47.pk] and "第 1 版" in rows[slot47.pk]
    # Nothing of another unit.
    assert not set(rows) & set(
        Slot.objects.filter(cycle=open_cycle).exclude(unit__code="rsj").values_list("pk", flat=True)
    )


def test_filter_by_status(client, open_cycle, rsj_reporter):
    drafts = [slot_of(open_cycle, n, "rsj") for n in (38, 63)]
    for slot in drafts:
        save(slot, rsj_reporter, "草稿。")
    client.force_login(rsj_reporter)
    html = client.get(URL, {"status": SlotStatus.DRAFT}).content.decode()
    assert set(_rows(html)) == {s.pk for s in drafts}
    assert _count(html, "全部") == RSJ_SLOTS  # counts stay whole
    assert 'class="stat st-draft active"' in html

    html = client.get(URL, {"status": SlotStatus.APPROVED}).content.decode()
    assert _rows(html) == {}
    assert "没有处于该状态的任务。" in html
    # An unknown status is ignored, not an error.
    response = client.get(URL, {"status": "bogus"})
    assert response.status_code == 200
    assert len(_rows(response.content.decode())) == RSJ_SLOTS


def test_without_an_open_cycle(client, db, rsj_reporter):
    client.force_login(rsj_reporter)
    response = client.get(URL)
    assert response.status_code == 200
    assert "当前没有开放的考核周期" in response.content.decode()


def test_a_user_without_a_unit_has_no_task_list(client, office_user, open_cycle):
    client.force_login(office_user)
    assert client.get(URL).status_code == 404


def _give_rsj_more_indicators(cycle, count: int) -> None:
    """Extra indicators led by 区人社局 (the office adds indicators over the years)."""
    level2s = list(Level2.objects.order_by("number"))
    rsj = Unit.objects.get(code="rsj")
    for i in range(count):
        indicator = Indicator.objects.create(
            number=100 + i,
            level2=level2s[i % len(level2s)],
            name=f"补充指标{i}",
            content="补充指标的具体内涵。",
        )
        Responsibility.objects.create(indicator=indicator, unit=rsj, position=1)
    slots_sync(cycle=cycle)


def test_the_page_needs_a_fixed_number_of_queries(
    client, open_cycle, rsj_reporter, django_assert_max_num_queries
):
    save(slot_of(open_cycle, 38, "rsj"), rsj_reporter, "草稿。")
    client.force_login(rsj_reporter)
    client.get(URL)  # warm the session and the content types
    with CaptureQueriesContext(connection) as small:
        client.get(URL)

    _give_rsj_more_indicators(open_cycle, 85)
    assert Slot.objects.filter(cycle=open_cycle, unit__code="rsj").count() == RSJ_SLOTS + 85
    with django_assert_max_num_queries(12):
        response = client.get(URL)
    with CaptureQueriesContext(connection) as large:
        client.get(URL)
    assert len(_rows(response.content.decode())) == RSJ_SLOTS + 85
    assert len(large) == len(small)
