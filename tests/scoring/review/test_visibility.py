"""What the unit sees of the office's decisions on its own submission page.

A return reason at once; the score and its comment (or 不适用 and its reason) only once the
cycle is 已发布.
"""

import re

import pytest
from django.urls import reverse

from scoring.cycles.services import cycle_transition
from scoring.models import ScoringMethod
from scoring.review.services import score_record, slot_mark_not_applicable

from .conftest import approved, scheme_set, submitted

pytestmark = pytest.mark.django_db

COMMENT = "工资指导线覆盖面不足。"


def _unit_page(client, user, slot) -> str:
    client.force_login(user)
    response = client.get(reverse("scoring:slot_detail", args=[slot.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _publish(cycle, office) -> None:
    cycle_transition(cycle=cycle, action="start_review", actor=office)
    cycle_transition(cycle=cycle, action="publish", actor=office, override_reason="测试：提前发布")


@pytest.fixture
def scored(cycle, rsj_reporter, office):
    """63 scored 良好 of 8 → 6.40, with a comment, while the cycle is 填报中."""
    scheme_set(cycle, 63, points="8", method=ScoringMethod.GRADE)
    slot = approved(cycle, 63, "rsj", rsj_reporter, office)
    return score_record(slot=slot, actor=office, grade="良好", comment=COMMENT)


def test_the_score_is_hidden_until_the_cycle_is_published(
    client, cycle, office, rsj_reporter, scored
):
    html = _unit_page(client, rsj_reporter, scored)
    assert 'id="office-score"' not in html
    assert "6.40" not in html

    cycle_transition(cycle=cycle, action="start_review", actor=office)
    html = _unit_page(client, rsj_reporter, scored)
    assert 'id="office-score"' not in html  # 评审中 is not 已发布
    assert "6.40" not in html

    cycle_transition(cycle=cycle, action="publish", actor=office, override_reason="测试：提前发布")
    html = _unit_page(client, rsj_reporter, scored)
    section = re.search(r'<section class="card" id="office-score">(.*?)</section>', html, re.S)
    assert section, "the published score is not shown"
    assert "得分：<strong>6.40</strong> 分" in section.group(1)
    assert f"评语：{COMMENT}" in section.group(1)


def test_the_comment_is_hidden_until_the_cycle_is_published(client, rsj_reporter, scored):
    assert COMMENT not in _unit_page(client, rsj_reporter, scored)


def test_not_applicable_is_shown_once_published(client, cycle, office, rsj_reporter):
    slot = submitted(cycle, 63, "rsj", rsj_reporter)
    slot_mark_not_applicable(slot=slot, actor=office, reason="本年度未部署此项工作。")
    assert 'id="office-score"' not in _unit_page(client, rsj_reporter, slot)
    _publish(cycle, office)
    html = _unit_page(client, rsj_reporter, slot)
    assert "<strong>不适用</strong>" in html
    assert "理由：本年度未部署此项工作。" in html


def test_nothing_is_shown_for_an_unscored_slot_after_publication(
    client, cycle, office, rsj_reporter
):
    slot = submitted(cycle, 63, "rsj", rsj_reporter)
    _publish(cycle, office)
    assert 'id="office-score"' not in _unit_page(client, rsj_reporter, slot)


def test_the_return_reason_is_shown_at_once(client, office, cycle, rsj_reporter):
    slot = submitted(cycle, 63, "rsj", rsj_reporter)
    client.force_login(office)
    client.post(
        reverse("scoring:review_return", args=[slot.pk]),
        {"expected_status": "submitted", "expected_version": "1", "reason": "请补充<附件>。"},
    )
    html = _unit_page(client, rsj_reporter, slot)
    assert "区产改办退回修改：</strong>请补充&lt;附件&gt;。" in html


def test_another_unit_never_sees_it(client, cycle, office, zgh_reporter, scored):
    _publish(cycle, office)
    client.force_login(zgh_reporter)
    response = client.get(reverse("scoring:slot_detail", args=[scored.pk]))
    assert response.status_code == 404
    assert COMMENT not in response.content.decode()
