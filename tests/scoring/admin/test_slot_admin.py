"""填报任务 in the admin: the office lists, filters, searches and reads submissions."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from scoring.cycles.services import cycle_create
from scoring.models import Slot, SlotStatus

from .conftest import DEDUCT_NUMBER, GRADE_NUMBER
from .support import SLOTS, slot_change_url

pytestmark = pytest.mark.django_db


def _rows(response) -> list[Slot]:
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def test_the_list_shows_indicator_unit_role_status_version_score_and_time(
    client, office_user, submitted
):
    slot = submitted(GRADE_NUMBER)
    client.force_login(office_user)

    response = client.get(SLOTS, {"unit__id__exact": slot.unit_id})

    html = response.content.decode()
    headers = [h["text"] for h in response.context["result_headers"]][1:]  # after the tick box
    assert headers == ["三级指标", "单位", "牵头/配合", "状态", "版本", "得分", "最后修改"]
    assert "44. 技能表彰奖项" in html
    assert "第 1 版" in html
    assert "待区产改办审核" in html
    assert slot in _rows(response)


def test_the_office_filters_by_cycle_status_unit_and_level1(client, office_user, cycle, submitted):
    slot = submitted(GRADE_NUMBER)
    now = timezone.now()
    later = cycle_create(
        name="2027年度", year=2027, opens_at=now, deadline=now + timedelta(days=30), previous=cycle
    )
    client.force_login(office_user)
    level1 = slot.indicator.level2.level1

    by_status = _rows(client.get(SLOTS, {"status__exact": SlotStatus.SUBMITTED}))
    by_unit = _rows(client.get(SLOTS, {"unit__id__exact": slot.unit_id}))
    by_level1 = _rows(
        client.get(SLOTS, {"indicator__level2__level1__id__exact": level1.pk, "p": "0"})
    )
    by_cycle = client.get(SLOTS, {"cycle__id__exact": cycle.pk}).context["cl"]
    by_other_cycle = client.get(SLOTS, {"cycle__id__exact": later.pk}).context["cl"]

    assert by_status == [slot]
    assert {s.unit.code for s in by_unit} == {"rsj"}
    assert {s.indicator.level2.level1_id for s in by_level1} == {level1.pk}
    assert by_cycle.result_count == Slot.objects.filter(cycle=cycle).count() > 0
    assert by_other_cycle.result_count == 0
    titles = re.findall(r'data-filter-title="([^"]+)"', client.get(SLOTS).content.decode())
    assert titles == ["考核周期", "状态", "单位", "一级指标"]


def test_the_office_searches_by_indicator_name_number_unit_and_text(client, office_user, submitted):
    slot = submitted(GRADE_NUMBER)
    client.force_login(office_user)

    by_name = _rows(client.get(SLOTS, {"q": "技能表彰"}))
    by_number = _rows(client.get(SLOTS, {"q": str(GRADE_NUMBER)}))
    by_unit = client.get(SLOTS, {"q": "区人社局"}).context["cl"]
    by_text = _rows(client.get(SLOTS, {"q": "本年度工作情况说明"}))

    assert [s.indicator.number for s in by_name] == [GRADE_NUMBER]
    assert [s.indicator.number for s in by_number] == [GRADE_NUMBER]
    assert by_unit.result_count == Slot.objects.filter(unit__code="rsj").count()
    assert by_text == [slot]


def test_the_list_runs_the_same_number_of_queries_for_3_rows_as_for_100(
    client, office_user, submitted
):
    submitted(GRADE_NUMBER)
    submitted(DEDUCT_NUMBER)
    client.force_login(office_user)
    client.get(SLOTS)  # session and permission caches warm

    with CaptureQueriesContext(connection) as few:
        small = client.get(SLOTS, {"status__exact": SlotStatus.SUBMITTED})
    with CaptureQueriesContext(connection) as many:
        full = client.get(SLOTS)

    assert len(_rows(small)) == 2
    assert len(_rows(full)) == 100
    assert len(many) == len(few)
    assert len(many) <= 15


def test_the_change_page_links_evidence_that_downloads_and_opens_inline(
    client, office_user, submitted
):
    slot = submitted(GRADE_NUMBER)
    evidence = slot.files.get()
    client.force_login(office_user)

    response = client.get(slot_change_url(slot))

    assert response.status_code == 200
    html = response.content.decode()
    assert evidence.original_name in html
    assert "第 1 版" in html
    assert "提交" in html  # the timeline
    download = f'href="/files/{evidence.pk}/"'
    inline = f'href="/files/{evidence.pk}/?inline=1"'
    assert download in html and inline in html
    got = client.get(f"/files/{evidence.pk}/")
    assert got.status_code == 200
    assert got["Content-Disposition"].startswith("attachment")
    assert hashlib.sha256(b"".join(got.streaming_content)).hexdigest() == evidence.sha256
    viewed = client.get(f"/files/{evidence.pk}/", {"inline": "1"})
    assert viewed["Content-Disposition"].startswith("inline")
    assert f'href="/tasks/{slot.pk}/versions/1/"' in html


def test_the_change_page_is_read_only(client, office_user, submitted):
    slot = submitted(GRADE_NUMBER)
    client.force_login(office_user)

    page = client.get(slot_change_url(slot)).content.decode()
    posted = client.post(slot_change_url(slot), {"status": SlotStatus.APPROVED, "text": "改"})

    assert not re.search(r'<input[^>]+name="_save"', page)
    assert 'name="text"' not in page
    assert posted.status_code == 403
    fresh = Slot.objects.get(pk=slot.pk)
    assert (fresh.status, fresh.text) == (SlotStatus.SUBMITTED, slot.text)


def test_the_change_page_offers_score_and_na_to_the_office(client, office_user, submitted):
    slot = submitted(GRADE_NUMBER)
    client.force_login(office_user)

    html = client.get(slot_change_url(slot)).content.decode()

    assert f'href="/admin/scoring/slot/{slot.pk}/score/">评分</a>' in html
    assert f'href="/admin/scoring/slot/{slot.pk}/not-applicable/">标记不适用</a>' in html
