"""The correction path: 撤回发布 (已发布 → 评审中) with a reason, units told; every score change
made after a first publication is a correction (更正); the cycle counts its publications and the
workbook's 说明 says which one it reflects.
"""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from common.errors import DomainError
from reports.exporters.summary import summary_workbook
from scoring.cycles.selectors import cycle_publication
from scoring.cycles.services import cycle_transition
from scoring.models import (
    CycleAction,
    CycleEvent,
    CycleIndicator,
    CycleStatus,
    EventAction,
    NoticeKind,
    ScoringMethod,
    SubmissionEvent,
)
from scoring.results.services import indicator_override
from scoring.review.services import score_record
from scoring.workflow import CYCLE_TRANSITIONS
from tests.scoring.review.conftest import approved, scheme_set

pytestmark = pytest.mark.django_db

ANYWAY = "测试：其余任务未评分，先行发布。"
WHY = "指标 44 的档次录入有误，撤回更正。"


@pytest.fixture
def published(cycle_2026, office_user, rsj_reporter):
    """2026年度 published once (with a written reason), 区人社局's 44 scored 良好 of 10 分."""
    scheme_set(cycle_2026, 44, points="10", method=ScoringMethod.GRADE)
    slot = approved(cycle_2026, 44, "rsj", rsj_reporter, office_user)
    score_record(slot=slot, actor=office_user, grade="良好", comment="材料不全。")
    cycle_transition(cycle=cycle_2026, action="start_review", actor=office_user)
    cycle_transition(cycle=cycle_2026, action="publish", actor=office_user, override_reason=ANYWAY)
    rsj_reporter.email = "rsj@fengtai.gov.cn"
    rsj_reporter.save(update_fields=["email"])
    return cycle_2026, slot


def test_unpublish_is_in_the_one_transition_table():
    assert CYCLE_TRANSITIONS["unpublish"] == (
        CycleStatus.PUBLISHED,
        CycleStatus.REVIEWING,
        CycleAction.UNPUBLISHED,
        "撤回发布",
    )


def test_withdrawing_needs_a_reason_and_changes_nothing_without_one(published, office_user):
    cycle, _slot = published
    events = CycleEvent.objects.filter(cycle=cycle).count()

    with pytest.raises(DomainError) as refused:
        cycle_transition(cycle=cycle, action="unpublish", actor=office_user, reason="  ")

    assert refused.value.message == "请填写撤回发布的原因。"
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.PUBLISHED
    assert CycleEvent.objects.filter(cycle=cycle).count() == events


def test_withdrawing_is_audited_and_tells_the_units_after_commit(
    published, office_user, rsj_reporter, django_capture_on_commit_callbacks
):
    cycle, _slot = published
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        cycle_transition(cycle=cycle, action="unpublish", actor=office_user, reason=WHY)
        assert mail.outbox == []  # not before the commit

    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.REVIEWING
    event = CycleEvent.objects.filter(cycle=cycle).latest("id")
    assert (event.action, event.actor, event.from_status, event.to_status, event.reason) == (
        CycleAction.UNPUBLISHED,
        office_user,
        CycleStatus.PUBLISHED,
        CycleStatus.REVIEWING,
        WHY,
    )
    notice = rsj_reporter.notifications.get(kind=NoticeKind.UNPUBLISHED)
    assert notice.title == "2026年度考核结果已撤回更正"
    assert notice.body.endswith(f"撤回原因：{WHY}")
    assert notice.cycle == cycle
    assert [m.subject for m in mail.outbox if m.to == ["rsj@fengtai.gov.cn"]] == [
        "2026年度考核结果已撤回更正"
    ]
    # The unit no longer sees the score while it is being corrected.
    assert not cycle.results_are_published


def test_score_changes_after_publication_are_corrections(
    client, published, office_user, rsj_reporter
):
    cycle, slot = published
    first = SubmissionEvent.objects.get(slot=slot, action=EventAction.SCORED)
    assert "correction" not in first.data  # scored before any publication

    cycle_transition(cycle=cycle, action="unpublish", actor=office_user, reason=WHY)
    slot.refresh_from_db()
    score_record(slot=slot, actor=office_user, grade="优秀")
    item = CycleIndicator.objects.get(cycle=cycle, indicator__number=44)
    indicator_override(item=item, score=Decimal("9"), reason="按复核意见调整", actor=office_user)

    rescored = SubmissionEvent.objects.filter(slot=slot, action=EventAction.SCORED).latest("id")
    assert rescored.data["correction"] is True
    assert rescored.data["after_publication"] == 1
    assert rescored.data["old"]["score"] == "8.00" and rescored.data["new"]["score"] == "10.00"
    override = CycleEvent.objects.get(cycle=cycle, action=CycleAction.INDICATOR_OVERRIDDEN)
    assert override.data["correction"] is True

    # The slot's timeline marks it; so does the cycle page's.
    client.force_login(office_user)
    review = client.get(reverse("scoring:review_detail", args=[slot.pk])).content.decode()
    assert review.count('<span class="tag correction">更正</span>') == 1
    cycle_page = client.get(reverse("scoring:cycle_detail", args=[cycle.pk])).content.decode()
    assert "更正（第 1 次发布后）：指标 44：未调整 → 9" in cycle_page


def test_the_cycle_counts_its_publications_and_the_workbook_says_which(
    published, office_user, rsj_reporter
):
    cycle, slot = published
    assert cycle_publication(cycle=cycle).number == 1
    cycle_transition(cycle=cycle, action="unpublish", actor=office_user, reason=WHY)
    withdrawn = cycle_publication(cycle=cycle)
    assert withdrawn.number == 1 and withdrawn.withdrawn_reason == WHY
    assert "该次发布已于" in withdrawn.text and "撤回，当前结果正在更正" in withdrawn.text

    slot.refresh_from_db()
    score_record(slot=slot, actor=office_user, grade="优秀")
    cycle_transition(cycle=cycle, action="publish", actor=office_user, override_reason=ANYWAY)

    again = cycle_publication(cycle=cycle)
    assert again.number == 2
    assert again.corrections == 1
    assert again.withdrawn_at is None
    assert again.text.startswith("本表反映第 2 次发布（")
    assert again.text.endswith("的结果，首次发布后共更正 1 次。")
    event = CycleEvent.objects.filter(cycle=cycle, action=CycleAction.PUBLISHED).latest("id")
    assert event.data["publication"] == 2
    titles = list(
        rsj_reporter.notifications.filter(kind=NoticeKind.PUBLISHED)
        .order_by("id")
        .values_list("title", flat=True)
    )
    assert titles == ["2026年度考核结果已发布", "2026年度考核结果已发布（第 2 次发布，含更正）"]

    cycle.refresh_from_db()  # Decimal fields as the database returns them
    book = load_workbook(BytesIO(summary_workbook(cycle=cycle).data))
    about = [str(c.value) for row in book["说明"].iter_rows() for c in row if c.value]
    assert any(t.startswith("本表反映第 2 次发布（") for t in about)


def test_the_published_cycle_page_offers_withdrawal_with_a_reason(client, published, office_user):
    cycle, _slot = published
    client.force_login(office_user)

    page = client.get(reverse("scoring:cycle_detail", args=[cycle.pk])).content.decode()

    assert 'name="action" value="unpublish"' in page
    assert 'name="reason" id="reason-unpublish"' in page
    assert "确定撤回发布吗？" in page
    assert "本表反映第 1 次发布（" in page
    assert f"区产改办书面理由：{ANYWAY}" in page
