"""批量通过 and 批量退回: one service call per slot, a Chinese message for each one refused."""

import pytest

from scoring.models import EventAction, Slot, SlotStatus, SubmissionEvent

from .conftest import DEDUCT_NUMBER, DIRECT_NUMBER, GRADE_NUMBER, OTHER_NUMBER
from .support import SLOTS, action_apply, action_choose, messages_of

pytestmark = pytest.mark.django_db


def _statuses(*slots) -> list[str]:
    return [Slot.objects.get(pk=s.pk).status for s in slots]


def test_approving_in_bulk_approves_submitted_slots_and_names_the_others_in_chinese(
    client, office_user, submitted, approved, rsj_slot
):
    first, second = submitted(GRADE_NUMBER), submitted(DEDUCT_NUMBER)
    draft = rsj_slot(DIRECT_NUMBER)
    done = approved(OTHER_NUMBER)
    client.force_login(office_user)

    response = action_apply(client, "approve_selected", [first, draft, second, done])

    assert response.status_code == 302
    assert response["Location"] == SLOTS
    assert _statuses(first, second, draft, done) == [
        SlotStatus.APPROVED,
        SlotStatus.APPROVED,
        SlotStatus.NOT_STARTED,
        SlotStatus.APPROVED,
    ]
    shown = messages_of(response)
    assert (
        "error",
        "68. 健全向一线产业工人倾斜的分配制度（区人社局）：当前状态为“未填报”，不能审核通过。",
    ) in shown
    assert (
        "error",
        "73. 把高技能人才纳入党管人才总盘子统筹考虑（区人社局）：当前状态为“已通过”，不能审核通过。",
    ) in shown
    assert ("success", "已通过 2 个填报任务。") in shown
    assert len(shown) == 3
    # The refused slots have no new event; the approved ones exactly one each.
    approvals = SubmissionEvent.objects.filter(action=EventAction.APPROVED, actor=office_user)
    assert sorted(approvals.values_list("slot_id", flat=True)) == sorted(
        [first.pk, second.pk, done.pk]
    )
    assert not SubmissionEvent.objects.filter(slot=draft).exists()


def test_approving_notifies_the_unit(client, office_user, submitted, rsj_reporter):
    slot = submitted(GRADE_NUMBER)
    client.force_login(office_user)

    action_apply(client, "approve_selected", [slot])

    notice = rsj_reporter.notifications.get()
    assert notice.title == "审核通过：2026年度 · 44. 技能表彰奖项"


def test_approving_in_bulk_lists_the_slots_and_asks_first(client, office_user, submitted):
    slot = submitted(GRADE_NUMBER)
    client.force_login(office_user)

    response = action_choose(client, "approve_selected", [slot])

    assert response.status_code == 200
    html = response.content.decode()
    assert "通过后不能撤销" in html
    assert "44. 技能表彰奖项（区人社局）" in html
    assert 'name="action" value="approve_selected"' in html
    assert 'name="apply"' in html
    assert _statuses(slot) == [SlotStatus.SUBMITTED]
    assert not SubmissionEvent.objects.filter(slot=slot, action=EventAction.APPROVED).exists()


def test_returning_in_bulk_asks_for_a_reason_first(client, office_user, submitted):
    slot = submitted(GRADE_NUMBER)
    client.force_login(office_user)

    response = action_choose(client, "return_selected", [slot])

    assert response.status_code == 200
    html = response.content.decode()
    assert "退回原因" in html
    assert "44. 技能表彰奖项（区人社局）" in html
    assert 'name="action" value="return_selected"' in html
    assert _statuses(slot) == [SlotStatus.SUBMITTED]


def test_returning_without_a_reason_shows_the_form_again(client, office_user, submitted):
    slot = submitted(GRADE_NUMBER)
    client.force_login(office_user)

    response = action_apply(client, "return_selected", [slot], reason="   ")

    assert response.status_code == 200
    assert "请填写退回原因。" in response.content.decode()
    assert _statuses(slot) == [SlotStatus.SUBMITTED]
    assert not SubmissionEvent.objects.filter(slot=slot, action=EventAction.RETURNED).exists()


def test_returning_with_a_reason_returns_the_submitted_and_names_the_others(
    client, office_user, submitted, rsj_slot, rsj_reporter
):
    first, second = submitted(GRADE_NUMBER), submitted(DEDUCT_NUMBER)
    draft = rsj_slot(DIRECT_NUMBER)
    client.force_login(office_user)

    response = action_apply(
        client, "return_selected", [first, second, draft], reason="请补充获奖文件扫描件。"
    )

    assert response.status_code == 302
    assert _statuses(first, second, draft) == [
        SlotStatus.RETURNED,
        SlotStatus.RETURNED,
        SlotStatus.NOT_STARTED,
    ]
    assert Slot.objects.get(pk=first.pk).return_reason == "请补充获奖文件扫描件。"
    shown = messages_of(response)
    assert ("success", "已退回 2 个填报任务。") in shown
    assert (
        "error",
        "68. 健全向一线产业工人倾斜的分配制度（区人社局）：当前状态为“未填报”，不能退回修改。",
    ) in shown
    titles = sorted(rsj_reporter.notifications.values_list("title", flat=True))
    assert titles == [
        "区产改办退回：2026年度 · 44. 技能表彰奖项",
        "区产改办退回：2026年度 · 63. 收入分配机制",
    ]
