"""The publish gate: before 进入评审 and 发布结果 the office sees what is unfinished, per unit and
per indicator; publishing is refused while anything is unfinished unless a written reason is
given, which is audited and shown on the dashboard and in the workbook's 说明.
"""

from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from common.errors import DomainError
from reports.exporters.summary import summary_workbook
from scoring.cycles.selectors import cycle_publication, cycle_unfinished
from scoring.cycles.services import cycle_transition
from scoring.models import (
    Cycle,
    CycleAction,
    CycleEvent,
    CycleStatus,
    Notification,
    Slot,
    SlotStatus,
)
from tests.scoring.conftest import slot_of
from tests.scoring.cycle_fixtures import flashed

pytestmark = pytest.mark.django_db

REASON = "市考核组要求 12 月 20 日前报送，未评分指标按不适用另行说明。"


def _set(cycle, unit, number, **fields) -> Slot:
    slot = slot_of(cycle, unit, number)
    Slot.objects.filter(pk=slot.pk).update(**fields)
    return slot


@pytest.fixture
def mixed(cycle_2026):
    """2026年度 with one slot in each unfinished state, one scored and one 不适用; the rest
    untouched (未填报)."""
    c = cycle_2026
    slots = {
        "draft": _set(c, "rsj", 44, status=SlotStatus.DRAFT),
        "pending": _set(c, "rsj", 63, status=SlotStatus.PENDING_APPROVAL),
        "waiting": _set(c, "zgh", 17, status=SlotStatus.SUBMITTED),
        "returned": _set(c, "rsj", 68, status=SlotStatus.RETURNED),
        "unscored": _set(c, "rsj", 73, status=SlotStatus.APPROVED),
        "scored": _set(c, "rsj", 38, status=SlotStatus.APPROVED, score=0),
        "na": _set(c, "zgh", 56, status=SlotStatus.DRAFT, not_applicable=True),
    }
    return c, slots


def _finish_everything(cycle) -> None:
    # A first cycle's scheme is 0 分 everywhere, so 0 is every slot's full score.
    Slot.objects.filter(cycle=cycle).update(status=SlotStatus.APPROVED, score=0)


def _reviewing(cycle) -> Cycle:
    Cycle.objects.filter(pk=cycle.pk).update(status=CycleStatus.REVIEWING)
    cycle.refresh_from_db()
    return cycle


def test_unfinished_is_counted_per_kind_unit_and_indicator(mixed):
    cycle, slots = mixed
    total = Slot.objects.filter(cycle=cycle).count()

    unfinished = cycle_unfinished(cycle=cycle)

    # Every slot but the scored one and the 不适用 one; the untouched ones are 未填报.
    assert unfinished.total == total - 2
    assert unfinished.counts == {
        "not_submitted": total - 7,
        "draft": 1,
        "pending_approval": 1,
        "waiting_review": 1,
        "returned": 1,
        "unscored": 1,
    }
    rsj = next(row for row in unfinished.by_unit if row.label == "区人社局")
    rsj_total = Slot.objects.filter(cycle=cycle, unit__code="rsj").count()
    assert rsj.counts["draft"] == rsj.counts["pending_approval"] == 1
    assert rsj.counts["returned"] == rsj.counts["unscored"] == 1
    assert "waiting_review" not in rsj.counts
    assert rsj.total == rsj_total - 1  # 38 is scored
    row_44 = next(r for r in unfinished.by_indicator if r.label.startswith("44. "))
    assert [(s.pk, s.unit_name, s.label) for s in row_44.slots] == [
        (slots["draft"].pk, "区人社局", "草稿未提交")
    ]
    assert not any(r.label.startswith("38. ") for r in unfinished.by_indicator if r.total == 0)
    assert slots["scored"].pk not in {s.pk for r in unfinished.by_indicator for s in r.slots}
    assert slots["na"].pk not in {s.pk for r in unfinished.by_indicator for s in r.slots}


def test_publishing_with_unfinished_work_is_refused_and_changes_nothing(mixed, office_user):
    cycle = _reviewing(mixed[0])
    events = CycleEvent.objects.filter(cycle=cycle).count()
    total = cycle_unfinished(cycle=cycle).total

    with pytest.raises(DomainError) as refused:
        cycle_transition(cycle=cycle, action="publish", actor=office_user, override_reason="  ")

    assert refused.value.message.startswith(f"尚有 {total} 项未完成（未填报 ")
    assert "待区产改办审核 1 项、已退回 1 项、已通过未评分 1 项" in refused.value.message
    assert refused.value.message.endswith("不能发布结果。如确需发布，请填写书面理由。")
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.REVIEWING
    assert CycleEvent.objects.filter(cycle=cycle).count() == events
    assert not Notification.objects.exists()
    assert cycle_publication(cycle=cycle) is None


def test_publishing_anyway_records_the_reason_and_what_was_unfinished(mixed, office_user):
    cycle = _reviewing(mixed[0])
    counts = cycle_unfinished(cycle=cycle).counts

    cycle_transition(cycle=cycle, action="publish", actor=office_user, override_reason=REASON)

    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.PUBLISHED
    event = CycleEvent.objects.get(cycle=cycle, action=CycleAction.PUBLISHED)
    assert (event.actor, event.reason) == (office_user, REASON)
    assert event.data == {"publication": 1, "override": True, "unfinished": counts}
    publication = cycle_publication(cycle=cycle)
    assert publication.number == 1
    assert publication.override_reason == REASON
    assert publication.override_text.startswith("第 1 次发布时尚有未完成事项（未填报 ")
    assert publication.override_text.endswith(f"区产改办书面理由：{REASON}")


def test_a_finished_cycle_publishes_without_a_reason(cycle_2026, office_user):
    cycle = _reviewing(cycle_2026)
    _finish_everything(cycle)
    assert cycle_unfinished(cycle=cycle).total == 0

    cycle_transition(cycle=cycle, action="publish", actor=office_user)

    event = CycleEvent.objects.get(cycle=cycle, action=CycleAction.PUBLISHED)
    assert event.data == {"publication": 1}
    assert event.reason == ""
    assert cycle_publication(cycle=cycle).override_text == ""


def test_the_cycle_page_lists_what_is_unfinished_with_links(office, mixed):
    cycle, slots = mixed
    cycle = _reviewing(cycle)

    page = office.get(reverse("scoring:cycle_detail", args=[cycle.pk])).content.decode()

    total = cycle_unfinished(cycle=cycle).total
    assert f'<strong id="unfinished-total">{total}</strong>' in page
    queue = reverse("scoring:review_queue")
    zgh = slots["waiting"].unit_id
    assert f'href="{queue}?cycle={cycle.pk}&amp;status=submitted&amp;unit={zgh}">1</a>' in page
    review = reverse("scoring:review_detail", args=[slots["unscored"].pk])
    assert f'<a href="{review}">区人社局（已通过未评分）</a>' in page
    # Publishing needs the written reason: the button says so and asks first.
    assert 'name="override_reason"' in page
    assert "仍然发布</button>" in page
    assert f"尚有 {total} 项未完成" in page


def test_publishing_through_the_page_without_a_reason_is_refused(office, mixed):
    cycle = _reviewing(mixed[0])
    url = reverse("scoring:cycle_transition", args=[cycle.pk])

    refused = office.post(url, {"action": "publish"})
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.REVIEWING
    [(level, text)] = flashed(refused)
    assert level == "error" and "不能发布结果。如确需发布，请填写书面理由。" in text
    office.get(reverse("scoring:cycle_detail", args=[cycle.pk]))  # shows (and uses up) it

    accepted = office.post(url, {"action": "publish", "override_reason": REASON})
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.PUBLISHED
    assert flashed(accepted) == [("success", "已发布结果。")]


def test_the_dashboard_and_the_workbook_say_it_was_published_anyway(
    client, leader_user, mixed, office_user
):
    cycle = _reviewing(mixed[0])
    cycle_transition(cycle=cycle, action="publish", actor=office_user, override_reason=REASON)
    client.force_login(leader_user)

    html = client.get(reverse("reports:dashboard"), {"cycle": cycle.pk}).content.decode()

    assert 'id="publication-notice"' in html
    assert "本表反映第 1 次发布（" in html
    assert f"区产改办书面理由：{REASON}" in html
    book = load_workbook(BytesIO(summary_workbook(cycle=cycle).data))
    texts = [str(c.value) for row in book["说明"].iter_rows() for c in row if c.value]
    line = next(t for t in texts if t.startswith("本表反映第 1 次发布（"))
    assert f"区产改办书面理由：{REASON}" in line


def test_starting_review_before_the_deadline_names_the_units_that_have_not_submitted(office, mixed):
    cycle, _slots = mixed
    page = office.get(reverse("scoring:cycle_detail", args=[cycle.pk])).content.decode()
    assert "填报截止时间（" in page and "尚未到。以下单位还有未提交的任务：" in page
    assert "区人社局" in page.split("以下单位还有未提交的任务：", 1)[1].split("。", 1)[0]

    Cycle.objects.filter(pk=cycle.pk).update(
        opens_at=timezone.now() - timedelta(days=40), deadline=timezone.now() - timedelta(days=1)
    )
    page = office.get(reverse("scoring:cycle_detail", args=[cycle.pk])).content.decode()
    assert "以下单位还有未提交的任务" not in page
    assert "进入评审后，各单位不能再提交" in page
