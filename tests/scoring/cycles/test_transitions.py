"""Moving a cycle along 准备中 → 填报中 → 评审中 → 已发布 → 已归档 through the detail page.

Every (status × action) pair is posted: the one legal action per status moves the cycle and
writes one CycleEvent (actor, from, to); every other pair is refused with the service's Chinese
message and changes nothing.
"""

import pytest
from django.urls import reverse

from scoring.models import Cycle, CycleAction, CycleEvent, CycleStatus, Slot
from scoring.workflow import CYCLE_TRANSITIONS
from tests.scoring.cycle_fixtures import flashed, shown

pytestmark = pytest.mark.django_db


def _transition(client, cycle, action, **extra):
    return client.post(
        reverse("scoring:cycle_transition", args=[cycle.pk]), {"action": action, **extra}
    )


@pytest.mark.parametrize("action", list(CYCLE_TRANSITIONS))
@pytest.mark.parametrize("status", CycleStatus.values)
def test_every_transition_from_every_status(office, office_user, preparing, status, action):
    Cycle.objects.filter(pk=preparing.pk).update(status=status)
    events_before = list(CycleEvent.objects.filter(cycle=preparing).values_list("pk", flat=True))
    source, target, audit, label = CYCLE_TRANSITIONS[action]

    response = _transition(office, preparing, action, reason="按计划推进")

    assert response.status_code == 302
    assert response["Location"] == reverse("scoring:cycle_detail", args=[preparing.pk])
    preparing.refresh_from_db()
    new_events = CycleEvent.objects.filter(cycle=preparing).exclude(pk__in=events_before)
    if status == source:
        assert preparing.status == target
        event = new_events.get()
        assert (event.action, event.actor, event.from_status, event.to_status) == (
            audit,
            office_user,
            source,
            target,
        )
        assert event.reason == "按计划推进"
        assert event.ip_address == "127.0.0.1"
        [(level, text)] = flashed(response)
        assert level == "success" and text.startswith(f"已{label}")
    else:
        assert preparing.status == status
        assert not new_events.exists()
        current = CycleStatus(status).label
        assert flashed(response) == [("error", f"考核周期当前为“{current}”，不能{label}。")]


def test_opening_through_the_page_creates_the_slots(office, preparing):
    response = _transition(office, preparing, "open")
    count = Slot.objects.filter(cycle=preparing).count()
    assert count == 327
    assert flashed(response) == [("success", f"已开启填报，共 {count} 个填报任务。")]


def test_an_unknown_action_changes_nothing(office, preparing):
    response = _transition(office, preparing, "reopen")
    preparing.refresh_from_db()
    assert preparing.status == CycleStatus.PREPARING
    assert flashed(response) == [("error", "操作无效，请刷新页面后重试。")]
    assert CycleEvent.objects.filter(cycle=preparing).count() == 1  # 创建周期 only


def test_the_page_offers_only_the_legal_next_step_and_asks_first(office, preparing):
    page = office.get(reverse("scoring:cycle_detail", args=[preparing.pk])).content.decode()
    assert 'name="action" value="open"' in page
    assert "开启填报后，考核方案（分值、评分方法、指标文字）将冻结" in page
    for action in ("start_review", "publish", "archive"):
        assert f'name="action" value="{action}"' not in page

    Cycle.objects.filter(pk=preparing.pk).update(status=CycleStatus.PUBLISHED)
    page = office.get(reverse("scoring:cycle_detail", args=[preparing.pk])).content.decode()
    assert 'name="action" value="archive"' in page
    assert 'name="action" value="open"' not in page


def test_the_whole_year_and_its_timeline(office, office_user, preparing):
    for action in ("open", "start_review", "publish", "archive"):
        # Nothing has been submitted: publishing needs a written reason (see test_publish_gate).
        extra = {"override_reason": "演练：不等评分先发布"} if action == "publish" else {}
        _transition(office, preparing, action, **extra)
    preparing.refresh_from_db()
    assert preparing.status == CycleStatus.ARCHIVED
    events = list(
        CycleEvent.objects.filter(cycle=preparing).values_list("action", "from_status", "to_status")
    )
    assert events == [
        (CycleAction.CREATED, "", "preparing"),
        (CycleAction.OPENED, "preparing", "open"),
        (CycleAction.REVIEW_STARTED, "open", "reviewing"),
        (CycleAction.PUBLISHED, "reviewing", "published"),
        (CycleAction.ARCHIVED, "published", "archived"),
    ]
    response = office.get(reverse("scoring:cycle_detail", args=[preparing.pk]))
    page = response.content.decode()
    for text in ("开启填报", "准备中 → 填报中", "评审中 → 已发布", "已发布 → 已归档"):
        assert text in page
    assert "本周期已归档，没有后续操作。" in page
    # The four successes were queued while redirecting and show on the next page.
    assert [level for level, _ in shown(response)] == ["success"] * 4
