"""Scoring in the admin, by each 评分方法, and 标记不适用: each writes through the service."""

from decimal import Decimal

import pytest

from scoring.models import EventAction, Slot, SlotStatus, SubmissionEvent

from .conftest import DEDUCT_NUMBER, DIRECT_NUMBER, GRADE_NUMBER
from .support import na_url, score_url, seen, slot_change_url

pytestmark = pytest.mark.django_db


def _scored(slot) -> list[SubmissionEvent]:
    return list(SubmissionEvent.objects.filter(slot=slot, action=EventAction.SCORED))


def _deductions(*rows, extra: int = 3) -> dict:
    data = {
        "deductions-TOTAL_FORMS": str(len(rows) + extra),
        "deductions-INITIAL_FORMS": "0",
        "deductions-MIN_NUM_FORMS": "0",
        "deductions-MAX_NUM_FORMS": "30",
    }
    for i, (reason, amount) in enumerate(rows):
        data[f"deductions-{i}-reason"] = reason
        data[f"deductions-{i}-amount"] = amount
    return data


def test_grade_scoring_offers_the_cycle_levels_and_records_the_score(client, office_user, approved):
    slot = approved(GRADE_NUMBER)  # 5 分
    client.force_login(office_user)

    page = client.get(score_url(slot))
    response = client.post(
        score_url(slot), seen(slot) | {"grade": "良好", "comment": "获奖材料不够完整。"}
    )

    assert page.status_code == 200
    assert "良好（80%，4.00 分）" in page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == slot_change_url(slot)
    slot.refresh_from_db()
    assert (slot.score, slot.score_comment, slot.scored_by) == (
        Decimal("4.00"),
        "获奖材料不够完整。",
        office_user,
    )
    (event,) = _scored(slot)
    assert event.actor == office_user
    assert event.data["old"] == {"score": None, "not_applicable": False}
    assert event.data["new"] == {"score": "4.00"}
    assert event.data["inputs"]["grade"] == "良好"
    assert event.ip_address == "127.0.0.1"


def test_a_score_below_full_points_needs_a_comment(client, office_user, approved):
    slot = approved(GRADE_NUMBER)
    client.force_login(office_user)

    response = client.post(score_url(slot), seen(slot) | {"grade": "一般", "comment": ""})

    assert response.status_code == 200
    assert "得分低于满分时，请填写评语说明扣分理由。" in response.content.decode()
    assert Slot.objects.get(pk=slot.pk).score is None
    assert _scored(slot) == []


def test_deduction_scoring_takes_itemised_rows_and_rescoring_records_old_and_new(
    client, office_user, approved
):
    slot = approved(DEDUCT_NUMBER)  # 4 分
    client.force_login(office_user)

    first = client.post(
        score_url(slot),
        seen(slot)
        | {"comment": "两项不足。"}
        | _deductions(("未按时报送", "1.5"), ("缺少工资指导线文件", "1")),
    )
    second = client.post(
        score_url(slot),
        seen(slot) | {"comment": "补充后仍迟报。"} | _deductions(("未按时报送", "0.5")),
    )

    assert first.status_code == second.status_code == 302
    slot.refresh_from_db()
    assert slot.score == Decimal("3.50")
    events = _scored(slot)
    assert [(e.data["old"]["score"], e.data["new"]["score"]) for e in events] == [
        (None, "1.50"),
        ("1.50", "3.50"),
    ]
    assert events[0].data["inputs"]["deductions"] == [
        ["未按时报送", "1.5"],
        ["缺少工资指导线文件", "1"],
    ]
    # The page shows the last deductions for the next correction.
    assert 'value="未按时报送"' in client.get(score_url(slot)).content.decode()


def test_deduction_rows_need_a_reason(client, office_user, approved):
    slot = approved(DEDUCT_NUMBER)
    client.force_login(office_user)

    response = client.post(score_url(slot), seen(slot) | {"comment": "x"} | _deductions(("", "1")))

    assert response.status_code == 200
    assert "每项扣分须注明理由" in response.content.decode()
    assert _scored(slot) == []


def test_no_deductions_is_full_points(client, office_user, approved):
    slot = approved(DEDUCT_NUMBER)
    client.force_login(office_user)

    client.post(score_url(slot), seen(slot) | {"comment": ""} | _deductions())

    assert Slot.objects.get(pk=slot.pk).score == Decimal("4.00")
    assert len(_scored(slot)) == 1


def test_direct_scoring_takes_a_number_within_the_points(client, office_user, approved):
    slot = approved(DIRECT_NUMBER)  # 3 分
    client.force_login(office_user)

    too_high = client.post(score_url(slot), seen(slot) | {"direct": "3.5", "comment": ""})
    response = client.post(
        score_url(slot), seen(slot) | {"direct": "2.5", "comment": "倾斜力度一般。"}
    )

    assert too_high.status_code == 200
    assert "得分应在 0 至 3 分之间" in too_high.content.decode()
    assert response.status_code == 302
    assert Slot.objects.get(pk=slot.pk).score == Decimal("2.50")
    (event,) = _scored(slot)
    assert (event.data["old"]["score"], event.data["new"]["score"]) == (None, "2.50")
    assert event.data["inputs"]["direct"] == "2.5"


def test_a_slot_not_yet_approved_cannot_be_scored(client, office_user, submitted):
    slot = submitted(GRADE_NUMBER)
    client.force_login(office_user)

    page = client.get(score_url(slot))
    forced = client.post(score_url(slot), seen(slot) | {"grade": "优秀", "comment": ""})

    assert "当前状态为“待区产改办审核”，请先审核通过再评分。" in page.content.decode()
    assert 'name="grade"' not in page.content.decode()
    assert forced.status_code == 200
    assert Slot.objects.get(pk=slot.pk).score is None
    assert _scored(slot) == []


def test_marking_not_applicable_needs_a_reason_and_clears_the_score(client, office_user, approved):
    slot = approved(GRADE_NUMBER)
    client.force_login(office_user)
    client.post(score_url(slot), seen(slot) | {"grade": "优秀", "comment": ""})

    refused = client.post(na_url(slot), seen(slot) | {"reason": ""})
    response = client.post(na_url(slot), seen(slot) | {"reason": "本年度未开展技能表彰评选。"})

    assert refused.status_code == 200
    assert "请填写不适用的理由。" in refused.content.decode()
    assert response.status_code == 302
    slot.refresh_from_db()
    assert (slot.not_applicable, slot.score, slot.status) == (True, None, SlotStatus.APPROVED)
    (event,) = SubmissionEvent.objects.filter(slot=slot, action=EventAction.MARKED_NA)
    assert event.reason == "本年度未开展技能表彰评选。"
    assert event.data == {"old": {"score": "5.00"}, "new": {"not_applicable": True}}
    assert "不适用" in client.get(slot_change_url(slot)).content.decode()
