"""操作记录 as people read it: status labels not codes, Beijing time in titles, details as
`字段：旧值 → 新值` lines, and never "None"."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from scoring.cycles.services import cycle_transition, slots_extend_deadline
from scoring.models import CycleEvent, EventAction, SlotStatus, SubmissionEvent
from scoring.review.services import score_record

from .conftest import GRADE_NUMBER

pytestmark = pytest.mark.django_db

CODES = [s.value for s in SlotStatus] + ["preparing", "open", "reviewing", "published"]


def _cells(html: str, column: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "|", c).strip("|")
        for c in re.findall(rf'<td class="field-{column}">(.*?)</td>', html, re.S)
    ]


def _no_codes(cells: list[str]) -> None:
    for cell in cells:
        assert cell not in CODES, cell


def test_the_slot_event_list_and_page_read_as_labels_and_lines(
    client, office_user, approved, cycle
):
    slot = approved(GRADE_NUMBER)
    score_record(slot=slot, actor=office_user, grade="良好", comment="材料不全。")
    until = cycle.deadline + timezone.timedelta(days=3)
    slots_extend_deadline(slots=[slot], until=until, actor=office_user, reason="系统故障")
    client.force_login(office_user)

    listing = client.get(reverse("admin:scoring_submissionevent_changelist")).content.decode()

    assert "None" not in listing
    from_cells, to_cells = _cells(listing, "from_label"), _cells(listing, "to_label")
    _no_codes(from_cells + to_cells)
    assert "待区产改办审核" in from_cells and "已通过" in to_cells
    details = _cells(listing, "details")
    assert any(d.startswith("得分：— → ") and "|评分依据：档次 良好" in d for d in details)
    local = timezone.localtime(until)
    assert f"延期至：未延期 → {local.year}年{local.month}月{local.day}日 {local:%H:%M}" in details

    scored = SubmissionEvent.objects.get(slot=slot, action=EventAction.SCORED)
    page = client.get(
        reverse("admin:scoring_submissionevent_change", args=[scored.pk])
    ).content.decode()
    assert "None" not in page
    assert '"old"' not in page and "{" not in re.sub(r"<script.*?</script>", "", page, flags=re.S)
    # The title says Beijing time, as the rest of the page does.
    title = f"{timezone.localtime(scored.at):%Y-%m-%d %H:%M} 评分"
    assert title in page
    assert str(scored) == title


def test_the_slot_page_inline_and_score_basis_never_say_none(client, office_user, submitted):
    slot = submitted(GRADE_NUMBER)
    client.force_login(office_user)

    page = client.get(reverse("admin:scoring_slot_change", args=[slot.pk])).content.decode()

    assert "None" not in page
    assert re.search(r"评分依据.*?<div class=\"readonly\">—</div>", page, re.S)
    assert "待区产改办审核" in page
    assert ">submitted<" not in page and ">not_started<" not in page


def test_the_cycle_event_list_reads_as_labels_and_lines(client, office_user, cycle):
    cycle_transition(cycle=cycle, action="start_review", actor=office_user)
    client.force_login(office_user)

    listing = client.get(reverse("admin:scoring_cycleevent_changelist")).content.decode()

    assert "None" not in listing
    _no_codes(_cells(listing, "from_label") + _cells(listing, "to_label"))
    assert "填报中" in _cells(listing, "from_label")
    assert "状态：填报中 → 评审中" in _cells(listing, "details")
    event = CycleEvent.objects.filter(cycle=cycle).latest("id")
    page = client.get(reverse("admin:scoring_cycleevent_change", args=[event.pk])).content.decode()
    assert "None" not in page
    assert f"{timezone.localtime(event.at):%Y-%m-%d %H:%M} 进入评审" in page
