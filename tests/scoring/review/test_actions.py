"""通过, 退回修改, 评分 and 标记不适用 through the review page's forms.

Each posts what the page drew (the hidden expected status and version) plus what the reviewer
typed, changes the slot through the service, and writes exactly one audit event with the
actor, the states, the reason and the reviewer's address. A refused action changes nothing
and says why in Chinese.
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from scoring.cycles.services import cycle_transition
from scoring.models import EventAction, ScoringMethod, Slot, SlotStatus, SubmissionEvent
from scoring.review.services import submission_approve, submission_return
from tests.scoring.pages import errors_shown, messages_shown
from tests.scoring.support import save, submit

from .conftest import OFFICE_IP, approved, detail_url, hidden, scheme_set, state, submitted

pytestmark = pytest.mark.django_db

CHANGED = "该提交已被他人处理或已更新"


def _post(client, slot, name: str, **typed):
    """Post the form for action `name` as drawn on the review page, plus what was typed."""
    action = reverse(f"scoring:{name}", args=[slot.pk])
    page = client.get(detail_url(slot), {"unit": slot.unit_id}).content.decode()
    data = {**hidden(page, action), **typed}
    return client.post(action, data, REMOTE_ADDR=OFFICE_IP)


def _new_events(slot, before: int) -> list[SubmissionEvent]:
    return list(SubmissionEvent.objects.filter(slot=slot).order_by("id"))[before:]


def _events(slot) -> int:
    return SubmissionEvent.objects.filter(slot=slot).count()


def _back_to_the_page(response, slot):
    assert response.status_code == 302
    assert response["Location"].startswith(detail_url(slot) + "?")
    assert f"unit={slot.unit_id}" in response["Location"]  # the queue filters survive


@pytest.fixture
def slot(cycle, rsj_reporter):
    return submitted(cycle, 63, "rsj", rsj_reporter, text="收入分配机制说明。")


# --- 通过 / 退回修改 ---------------------------------------------------------------------------


def test_approve(office_client, office, slot):
    before = _events(slot)
    response = _post(office_client, slot, "review_approve")
    _back_to_the_page(response, slot)

    slot.refresh_from_db()
    assert slot.status == SlotStatus.APPROVED
    [event] = _new_events(slot, before)
    assert event.action == EventAction.APPROVED
    assert event.actor == office
    assert (event.from_status, event.to_status) == (SlotStatus.SUBMITTED, SlotStatus.APPROVED)
    assert event.version_number == 1
    assert event.ip_address == OFFICE_IP
    page = office_client.get(response["Location"])
    assert ("success", "已审核通过第 1 版。") in messages_shown(page)
    assert "已通过" in page.content.decode()


def test_return_with_a_reason(office_client, office, slot):
    before = _events(slot)
    response = _post(office_client, slot, "review_return", reason="请补充工资指导线文件。")
    _back_to_the_page(response, slot)

    slot.refresh_from_db()
    assert slot.status == SlotStatus.RETURNED
    assert slot.return_reason == "请补充工资指导线文件。"
    [event] = _new_events(slot, before)
    assert event.action == EventAction.RETURNED
    assert event.actor == office
    assert (event.from_status, event.to_status) == (SlotStatus.SUBMITTED, SlotStatus.RETURNED)
    assert event.reason == "请补充工资指导线文件。"
    assert event.ip_address == OFFICE_IP


def test_return_without_a_reason_changes_nothing(office_client, slot):
    before = state(slot)
    response = _post(office_client, slot, "review_return", reason="   ")
    assert response.status_code == 200
    assert errors_shown(response) == ["请填写退回原因。"]
    assert state(slot) == before
    # The page is drawn again with the forms still usable.
    assert 'id="decide"' in response.content.decode()


def test_approving_what_is_no_longer_waiting_says_so(office_client, office, slot):
    page = office_client.get(detail_url(slot)).content.decode()
    action = reverse("scoring:review_approve", args=[slot.pk])
    drawn = hidden(page, action)
    submission_approve(slot=slot, actor=office)  # a colleague was quicker
    before = state(slot)

    response = office_client.post(action, drawn, REMOTE_ADDR=OFFICE_IP)

    assert response.status_code == 302  # back to the page, showing the new state
    page = office_client.get(response["Location"])
    [error] = errors_shown(page)
    assert error.startswith(CHANGED)
    assert "当前状态：已通过，第 1 版" in error
    assert state(slot) == before


def test_a_stale_version_is_refused(office_client, office, slot, rsj_reporter):
    """The page showed version 1; meanwhile it was returned and version 2 submitted."""
    page = office_client.get(detail_url(slot)).content.decode()
    action = reverse("scoring:review_return", args=[slot.pk])
    drawn = hidden(page, action)
    assert drawn["expected_version"] == "1"
    submission_return(slot=slot, actor=office, reason="请补充。")
    save(slot, rsj_reporter, "第二版说明。")
    submit(slot, rsj_reporter)
    before = state(slot)
    assert before[:2] == (SlotStatus.SUBMITTED, 2)

    response = office_client.post(action, {**drawn, "reason": "第一版不行。"})

    page = office_client.get(response["Location"])
    [error] = errors_shown(page)
    assert error == (
        "该提交已被他人处理或已更新（当前状态：待区产改办审核，第 2 版），请查看最新情况后再操作。"
    )
    assert state(slot) == before


def test_a_tampered_form_is_refused(office_client, slot):
    before = state(slot)
    action = reverse("scoring:review_approve", args=[slot.pk])
    response = office_client.post(action, {"expected_status": "nonsense"})
    assert errors_shown(response) == ["页面已过期，请刷新后重试。"]
    assert state(slot) == before


# --- 评分 ---------------------------------------------------------------------------------------


def _scored_event(slot, before):
    [event] = _new_events(slot, before)
    assert event.action == EventAction.SCORED
    assert (event.from_status, event.to_status) == (SlotStatus.APPROVED, SlotStatus.APPROVED)
    assert event.ip_address == OFFICE_IP
    return event


def test_grade(office_client, office, cycle, rsj_reporter):
    """档次: 分值 8, 良好 (80%) → 8 × 0.8 = 6.40."""
    scheme_set(cycle, 63, points="8", method=ScoringMethod.GRADE)
    slot = approved(cycle, 63, "rsj", rsj_reporter, office)
    before = _events(slot)

    response = _post(office_client, slot, "review_score", grade="良好", comment="覆盖面不足。")

    _back_to_the_page(response, slot)
    slot.refresh_from_db()
    assert slot.score == Decimal("6.40")
    assert slot.score_comment == "覆盖面不足。"
    assert slot.score_input["grade"] == "良好"
    assert slot.scored_by == office
    event = _scored_event(slot, before)
    assert event.actor == office
    assert event.reason == "覆盖面不足。"
    assert event.data["new"] == {"score": "6.40"}
    page = office_client.get(response["Location"])
    assert ("success", "已评分：6.40 分（分值 8.00 分）。") in messages_shown(page)
    assert "<strong>6.40</strong> 分 / 8.00 分" in page.content.decode()


def test_full_points_need_no_comment(office_client, office, cycle, rsj_reporter):
    """档次: 分值 8, 优秀 (100%) → 8.00."""
    scheme_set(cycle, 63, points="8", method=ScoringMethod.GRADE)
    slot = approved(cycle, 63, "rsj", rsj_reporter, office)
    _post(office_client, slot, "review_score", grade="优秀")
    slot.refresh_from_db()
    assert slot.score == Decimal("8.00")
    assert slot.score_comment == ""


def test_deductions(office_client, office, cycle, rsj_reporter):
    """扣分: 分值 10, 台账不全 −2 and 未按时报送 −3.5 → 10 − 2 − 3.5 = 4.50.
    The three rows left blank are ignored."""
    scheme_set(cycle, 63, points="10", method=ScoringMethod.DEDUCT)
    slot = approved(cycle, 63, "rsj", rsj_reporter, office)
    before = _events(slot)
    page = office_client.get(detail_url(slot)).content.decode()
    assert 'name="deductions-TOTAL_FORMS" value="5"' in page

    response = _post(
        office_client,
        slot,
        "review_score",
        **{
            "deductions-0-reason": "台账不全",
            "deductions-0-amount": "2",
            "deductions-1-reason": "",
            "deductions-1-amount": "",
            "deductions-2-reason": "未按时报送",
            "deductions-2-amount": "3.5",
        },
        comment="材料不完整。",
    )

    _back_to_the_page(response, slot)
    slot.refresh_from_db()
    assert slot.score == Decimal("4.50")
    assert slot.score_input["deductions"] == [["台账不全", "2"], ["未按时报送", "3.5"]]
    _scored_event(slot, before)
    # The page offers the recorded deductions again, with five blank rows after them.
    page = office_client.get(detail_url(slot)).content.decode()
    assert 'name="deductions-TOTAL_FORMS" value="7"' in page
    assert "台账不全（−2）" in page


def test_deductions_never_go_below_zero(office_client, office, cycle, rsj_reporter):
    """扣分: 分值 5, −3 and −4 → max(5 − 7, 0) = 0.00."""
    scheme_set(cycle, 63, points="5", method=ScoringMethod.DEDUCT)
    slot = approved(cycle, 63, "rsj", rsj_reporter, office)
    _post(
        office_client,
        slot,
        "review_score",
        **{
            "deductions-0-reason": "未开展",
            "deductions-0-amount": "3",
            "deductions-1-reason": "无佐证",
            "deductions-1-amount": "4",
        },
        comment="未完成。",
    )
    slot.refresh_from_db()
    assert slot.score == Decimal("0.00")


def test_no_deduction_is_full_points(office_client, office, cycle, rsj_reporter):
    scheme_set(cycle, 63, points="5", method=ScoringMethod.DEDUCT)
    slot = approved(cycle, 63, "rsj", rsj_reporter, office)
    _post(office_client, slot, "review_score")
    slot.refresh_from_db()
    assert slot.score == Decimal("5.00")


def test_a_deduction_row_needs_reason_and_amount(office_client, office, cycle, rsj_reporter):
    scheme_set(cycle, 63, points="10", method=ScoringMethod.DEDUCT)
    slot = approved(cycle, 63, "rsj", rsj_reporter, office)
    before = state(slot)

    response = _post(office_client, slot, "review_score", **{"deductions-1-reason": "台账不全"})
    assert errors_shown(response) == ["请填写扣分分值（台账不全）"]
    assert 'value="台账不全"' in response.content.decode()  # what was typed is kept

    response = _post(office_client, slot, "review_score", **{"deductions-0-amount": "2"})
    assert errors_shown(response) == ["每项扣分须注明理由"]
    assert state(slot) == before


def test_direct(office_client, office, cycle, rsj_reporter):
    """直接打分: 分值 6, 5.25 → 5.25."""
    scheme_set(cycle, 63, points="6", method=ScoringMethod.DIRECT)
    slot = approved(cycle, 63, "rsj", rsj_reporter, office)
    before = _events(slot)
    _post(office_client, slot, "review_score", direct="5.25", comment="略有不足。")
    slot.refresh_from_db()
    assert slot.score == Decimal("5.25")
    assert slot.score_input["direct"] == "5.25"
    _scored_event(slot, before)


def test_direct_above_the_points_is_refused(office_client, office, cycle, rsj_reporter):
    scheme_set(cycle, 63, points="6", method=ScoringMethod.DIRECT)
    slot = approved(cycle, 63, "rsj", rsj_reporter, office)
    before = state(slot)
    response = _post(office_client, slot, "review_score", direct="7", comment="超了。")
    assert errors_shown(response) == ["得分应在 0 至 6 分之间"]
    assert state(slot) == before


def test_below_full_points_without_a_comment_changes_nothing(
    office_client, office, cycle, rsj_reporter
):
    scheme_set(cycle, 63, points="8", method=ScoringMethod.GRADE)
    slot = approved(cycle, 63, "rsj", rsj_reporter, office)
    before = state(slot)

    response = _post(office_client, slot, "review_score", grade="一般", comment="  ")

    assert response.status_code == 200
    assert errors_shown(response) == ["得分低于满分时，请填写评语说明扣分理由。"]
    assert state(slot) == before
    assert '<option value="一般" selected>' in response.content.decode()


def test_scoring_before_approval_is_refused(office_client, slot, cycle):
    scheme_set(cycle, 63, points="8", method=ScoringMethod.GRADE)
    before = state(slot)
    action = reverse("scoring:review_score", args=[slot.pk])
    response = office_client.post(
        action, {"expected_status": "submitted", "expected_version": "1", "grade": "优秀"}
    )
    [error] = errors_shown(office_client.get(response["Location"]))
    assert error.startswith(CHANGED)  # the form expected 待审核 content, the slot is not 已通过
    assert state(slot) == before


def test_a_stale_score_form_is_refused(office_client, office, cycle, rsj_reporter):
    """Version 1 was approved and the page drawn; then it was returned, resubmitted as
    version 2 and approved again. Scoring from the old page would score unseen text."""
    scheme_set(cycle, 63, points="8", method=ScoringMethod.GRADE)
    slot = approved(cycle, 63, "rsj", rsj_reporter, office)
    page = office_client.get(detail_url(slot)).content.decode()
    action = reverse("scoring:review_score", args=[slot.pk])
    drawn = hidden(page, action)
    Slot.objects.filter(pk=slot.pk).update(status=SlotStatus.SUBMITTED)
    submission_return(slot=slot, actor=office, reason="重报。")
    save(slot, rsj_reporter, "第二版。")
    submit(slot, rsj_reporter)
    submission_approve(slot=slot, actor=office)
    before = state(slot)

    response = office_client.post(action, {**drawn, "grade": "优秀"})

    [error] = errors_shown(office_client.get(response["Location"]))
    assert error == (
        "该提交已被他人处理或已更新（当前状态：已通过，第 2 版），请查看最新情况后再操作。"
    )
    assert state(slot) == before


# --- 标记不适用 ----------------------------------------------------------------------------------


def test_mark_not_applicable(office_client, office, cycle, rsj_reporter):
    scheme_set(cycle, 63, points="8", method=ScoringMethod.GRADE)
    slot = approved(cycle, 63, "rsj", rsj_reporter, office)
    _post(office_client, slot, "review_score", grade="优秀")
    before = _events(slot)

    response = _post(office_client, slot, "review_mark_na", reason="本年度无此项工作。")

    _back_to_the_page(response, slot)
    slot.refresh_from_db()
    assert slot.not_applicable and slot.score is None
    [event] = _new_events(slot, before)
    assert event.action == EventAction.MARKED_NA
    assert event.actor == office
    assert event.reason == "本年度无此项工作。"
    assert event.data["old"] == {"score": "8.00"}
    assert event.ip_address == OFFICE_IP
    page = office_client.get(response["Location"]).content.decode()
    assert 'id="mark-na"' not in page
    assert "<p><strong>不适用</strong></p>" in page


def test_not_applicable_needs_a_reason(office_client, slot):
    before = state(slot)
    response = _post(office_client, slot, "review_mark_na", reason="")
    assert errors_shown(response) == ["请填写不适用的理由。"]
    assert state(slot) == before


def test_nothing_changes_once_the_cycle_is_published(office_client, office, cycle, slot):
    cycle_transition(cycle=cycle, action="start_review", actor=office)
    cycle_transition(cycle=cycle, action="publish", actor=office, override_reason="测试：提前发布")
    before = state(slot)
    page = office_client.get(detail_url(slot)).content.decode()
    assert "考核周期已发布，不能再审核或评分。" in page
    assert 'id="mark-na"' not in page and 'id="score"' not in page
    response = office_client.post(
        reverse("scoring:review_return", args=[slot.pk]),
        {"expected_status": "submitted", "expected_version": "1", "reason": "晚了"},
    )
    [error] = errors_shown(response)
    assert error == "考核周期当前为“已发布”，不能再退回。"
    assert state(slot) == before


def test_without_queue_filters_the_redirect_is_the_bare_page(office_client, slot):
    response = office_client.post(
        reverse("scoring:review_approve", args=[slot.pk]),
        {"expected_status": "submitted", "expected_version": "1"},
    )
    assert response["Location"] == detail_url(slot)


def test_only_known_filters_are_carried(office_client, slot):
    response = _post(office_client, slot, "review_approve", queue="unit=x&next=//evil.example/")
    assert response["Location"] == f"{detail_url(slot)}?cycle={slot.cycle_id}&status=submitted"
