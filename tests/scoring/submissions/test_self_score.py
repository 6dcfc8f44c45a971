"""自评分 is proposed on the indicator's own scale: 0 to its 分值 in this cycle."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from common.errors import DomainError
from scoring.models import FigureValue, SlotStatus, SubmissionEvent, SubmissionVersion
from scoring.submissions.services import submission_save_draft, submission_submit
from tests.scoring.support import draft_for, figure_ids, points_set, save, slot_of

pytestmark = pytest.mark.django_db

TOO_HIGH = "自评分不能超过本指标分值 2.14 分。"


@pytest.fixture
def slot47(open_cycle):
    """47 区产业工人数量, worth 2.14 分 this cycle (the issue's example)."""
    points_set(open_cycle, 47, "2.14")
    return slot_of(open_cycle, 47, "rsj")


def _state(slot):
    slot.refresh_from_db()
    return (
        slot.status,
        slot.revision,
        slot.text,
        slot.self_score,
        sorted(FigureValue.objects.filter(slot=slot).values_list("value", flat=True)),
        SubmissionEvent.objects.filter(slot=slot).count(),
        SubmissionVersion.objects.filter(slot=slot).count(),
    )


@pytest.mark.parametrize("score", ["0", "1.5", "2.14"])
def test_a_self_score_up_to_the_points_is_kept(slot47, rsj_reporter, score):
    submission_save_draft(
        slot=slot47,
        actor=rsj_reporter,
        draft=draft_for(slot47, "说明。", self_score=score, industrial_workers=196400),
        expected_revision=0,
    )
    slot47.refresh_from_db()
    assert slot47.self_score == Decimal(score)


@pytest.mark.parametrize(
    ("score", "message"),
    [("9", TOO_HIGH), ("2.15", TOO_HIGH), ("-0.01", "自评分不能小于 0 分。")],
)
def test_saving_a_self_score_off_the_scale_is_refused_and_changes_nothing(
    slot47, rsj_reporter, score, message
):
    save(slot47, rsj_reporter, "原来的说明。", industrial_workers=182000)
    before = _state(slot47)
    with pytest.raises(DomainError) as exc:
        submission_save_draft(
            slot=slot47,
            actor=rsj_reporter,
            draft=draft_for(slot47, "新的说明。", self_score=score, industrial_workers=1),
            expected_revision=slot47.revision,
        )
    assert exc.value.message == message
    assert _state(slot47) == before


def test_submitting_a_self_score_above_the_points_is_refused(slot47, rsj_reporter):
    save(slot47, rsj_reporter, "说明。", industrial_workers=196400)
    before = _state(slot47)
    with pytest.raises(DomainError) as exc:
        submission_submit(
            slot=slot47,
            actor=rsj_reporter,
            expected_revision=slot47.revision,
            draft=draft_for(slot47, "说明。", self_score="9", industrial_workers=196400),
        )
    assert exc.value.message == TOO_HIGH
    assert _state(slot47) == before
    assert before[0] == SlotStatus.DRAFT


def test_the_points_of_the_slots_own_cycle_are_the_limit(open_cycle, rsj_reporter):
    """Another indicator's 分值 does not leak in: 38 is worth 1.33, 47 is worth 2.14."""
    points_set(open_cycle, 47, "2.14")
    points_set(open_cycle, 38, "1.33")
    slot38 = slot_of(open_cycle, 38, "rsj")
    with pytest.raises(DomainError) as exc:
        submission_save_draft(
            slot=slot38, actor=rsj_reporter, draft=draft_for(slot38, "说明。", self_score="2")
        )
    assert exc.value.message == "自评分不能超过本指标分值 1.33 分。"


def test_the_field_says_the_scale_and_its_input_stops_there(client, slot47, rsj_reporter):
    client.force_login(rsj_reporter)
    html = client.get(reverse("scoring:slot_detail", args=[slot47.pk])).content.decode()
    field = re.search(r'<input[^>]*name="self_score"[^>]*>', html).group(0)
    assert 'max="2.14"' in field
    assert 'min="0"' in field
    assert "选填，0–2.14 分（本指标分值 2.14 分）" in html
    assert "0–100" not in html


def test_the_form_shows_the_message_beside_the_field(client, slot47, rsj_reporter):
    save(slot47, rsj_reporter, "原来的说明。", industrial_workers=182000)
    before = _state(slot47)
    client.force_login(rsj_reporter)
    data = {
        "text": "新的说明。",
        "self_score": "9.00",
        "revision": str(slot47.revision),
        "token": "t1",
        "action": "save",
        f"fig_{figure_ids(slot47)['industrial_workers']}": "196400",
    }
    response = client.post(reverse("scoring:slot_detail", args=[slot47.pk]), data)
    assert response.status_code == 200
    errors = re.findall(r'<div class="error">(.*?)</div>', response.content.decode())
    assert TOO_HIGH in errors
    assert _state(slot47) == before
