"""The admin and the review page share one form per action, so the same input gets the same
answer from both: the same Chinese refusal, and nothing changed."""

import html
import re

import pytest
from django.urls import reverse

from scoring.models import EventAction, Slot, SubmissionEvent
from tests.scoring.pages import errors_shown

from .conftest import DEDUCT_NUMBER, DIRECT_NUMBER
from .support import na_url, score_url, seen

pytestmark = pytest.mark.django_db

_ERRORNOTE = re.compile(r'<(?:p|div) class="errornote">(.*?)</(?:p|div)>', re.S)
_ERRORLIST = re.compile(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', re.S)
_ROW_PREFIX = re.compile(r"^扣分第 \d+ 行：")


def admin_errors(response) -> list[str]:
    """Every error line the admin's score or not-applicable page shows."""
    page = response.content.decode()
    lines = []
    for block in _ERRORNOTE.findall(page) + _ERRORLIST.findall(page):
        for part in re.split(r"<br>|</li>", block):
            text = html.unescape(re.sub(r"<[^>]+>", "", part)).strip()
            if text:
                lines.append(text)
    return lines


def page_errors(response) -> list[str]:
    # The page lists row errors as messages, so it names the row; the admin shows them on it.
    return [_ROW_PREFIX.sub("", line) for line in errors_shown(response)]


def _deductions(*rows) -> dict:
    data = {
        "deductions-TOTAL_FORMS": "5",
        "deductions-INITIAL_FORMS": "0",
        "deductions-MIN_NUM_FORMS": "0",
        "deductions-MAX_NUM_FORMS": "30",
    }
    for i, (reason, amount) in enumerate(rows):
        data[f"deductions-{i}-reason"] = reason
        data[f"deductions-{i}-amount"] = amount
    return data


def _unchanged(slot) -> tuple:
    fresh = Slot.objects.get(pk=slot.pk)
    return (
        fresh.score,
        fresh.score_input,
        fresh.not_applicable,
        SubmissionEvent.objects.filter(slot=slot).count(),
    )


def _both(client, slot, admin_url: str, page_name: str, data: dict):
    """Post `data` to the admin's page and to the review page; their answers and the slot."""
    before = _unchanged(slot)
    in_admin = client.post(admin_url, data)
    after_admin = _unchanged(slot)
    on_page = client.post(reverse(f"scoring:{page_name}", args=[slot.pk]), data, follow=True)
    assert in_admin.status_code == on_page.status_code == 200
    assert before == after_admin == _unchanged(slot)
    return admin_errors(in_admin), page_errors(on_page)


BAD_DEDUCTIONS = [
    pytest.param(("", "1"), "每项扣分须注明理由", id="amount-without-reason"),
    pytest.param(("台账不全", ""), "请填写扣分分值（台账不全）", id="reason-without-amount"),
    pytest.param(("台账不全", "0"), "扣分应大于 0 分（台账不全）", id="zero"),
    pytest.param(("台账不全", "-1"), "扣分应大于 0 分（台账不全）", id="negative"),
    pytest.param(("台账不全", "两分"), "扣分须为数字。", id="not-a-number"),
    pytest.param(("台账不全", "0.125"), "扣分最多保留两位小数。", id="three-decimals"),
    pytest.param(("台账不全", "12345"), "扣分不能超过 9999.99 分。", id="too-large"),
]


@pytest.mark.parametrize(("row", "message"), BAD_DEDUCTIONS)
def test_the_same_bad_deduction_gets_the_same_refusal_in_the_admin_and_on_the_page(
    client, office_user, approved, row, message
):
    slot = approved(DEDUCT_NUMBER)  # 扣分, 4 分
    client.force_login(office_user)

    in_admin, on_page = _both(
        client,
        slot,
        score_url(slot),
        "review_score",
        seen(slot) | {"comment": "扣分说明。"} | _deductions(("未按时报送", "1"), row),
    )

    assert in_admin == on_page == [message]
    assert not SubmissionEvent.objects.filter(slot=slot, action=EventAction.SCORED).exists()


def test_a_direct_score_above_the_points_is_refused_alike(client, office_user, approved):
    slot = approved(DIRECT_NUMBER)  # 直接打分, 3 分
    client.force_login(office_user)

    in_admin, on_page = _both(
        client, slot, score_url(slot), "review_score", seen(slot) | {"direct": "3.5"}
    )

    assert in_admin == on_page == ["得分应在 0 至 3 分之间"]


def test_a_stale_page_is_refused_alike(client, office_user, approved):
    """Both carry the page's expected state; the slot changed since (another version)."""
    slot = approved(DEDUCT_NUMBER)
    client.force_login(office_user)
    stale = seen(slot) | {"expected_version": "2"}

    score = _both(client, slot, score_url(slot), "review_score", stale | _deductions())
    marking = _both(client, slot, na_url(slot), "review_mark_na", stale | {"reason": "不涉及。"})

    message = "该提交已被他人处理或已更新（当前状态：已通过，第 1 版），请查看最新情况后再操作。"
    assert score == marking == ([message], [message])


def test_a_tampered_hidden_state_is_a_stale_page_in_both(client, office_user, approved):
    slot = approved(DEDUCT_NUMBER)
    client.force_login(office_user)

    in_admin, on_page = _both(
        client, slot, na_url(slot), "review_mark_na", {"expected_status": "x", "reason": "不涉及。"}
    )

    assert in_admin == on_page == ["页面已过期，请刷新后重试。"]
