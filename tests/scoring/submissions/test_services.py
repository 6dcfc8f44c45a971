"""The unit side of a submission: draft, submit, the window, the unit approver, the audit trail."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from common.errors import DomainError
from scoring.cycles.services import slots_extend_deadline
from scoring.models import (
    EventAction,
    FigureValue,
    SlotStatus,
    SubmissionEvent,
    SubmissionVersion,
)
from scoring.review.services import submission_approve, submission_return
from scoring.submissions.services import (
    STALE,
    submission_forward,
    submission_save_draft,
    submission_submit,
    submission_unit_return,
)
from tests.scoring.support import (
    draft_for,
    open_cycle_create,
    points_set,
    save,
    slot_of,
    submit,
    upload,
)
from units.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def slot47(open_cycle):
    """47 区产业工人数量: 区人社局 leads; one required figure (区产业工人数量); 分值 10."""
    points_set(open_cycle, 47, "10")
    return slot_of(open_cycle, 47, "rsj")


@pytest.fixture
def rsj_approver(make_user):
    return make_user("rsj_leader", unit="rsj", roles={Role.APPROVER})


def _events(slot):
    return list(SubmissionEvent.objects.filter(slot=slot).order_by("id"))


def _snapshot(slot):
    """Everything a failed call must leave untouched."""
    slot.refresh_from_db()
    return (
        slot.status,
        slot.revision,
        slot.text,
        slot.self_score,
        slot.current_version,
        sorted(FigureValue.objects.filter(slot=slot).values_list("field__code", "value")),
        SubmissionVersion.objects.filter(slot=slot).count(),
        SubmissionEvent.objects.filter(slot=slot).count(),
    )


# --- draft ----------------------------------------------------------------------------------


def test_saving_a_draft(slot47, rsj_reporter):
    assert (slot47.status, slot47.revision) == (SlotStatus.NOT_STARTED, 0)
    saved = submission_save_draft(
        slot=slot47,
        actor=rsj_reporter,
        draft=draft_for(
            slot47, "全区产业工人约 19.6 万人。", self_score="9.5", industrial_workers=196400
        ),
        expected_revision=0,
        ip="10.0.0.8",
    )
    slot47.refresh_from_db()
    assert saved.pk == slot47.pk
    assert slot47.status == SlotStatus.DRAFT
    assert slot47.revision == 1
    assert slot47.text == "全区产业工人约 19.6 万人。"
    assert slot47.self_score == Decimal("9.5")
    assert slot47.updated_by == rsj_reporter
    assert list(FigureValue.objects.filter(slot=slot47).values_list("value", flat=True)) == [
        Decimal("196400")
    ]
    (event,) = _events(slot47)
    assert event.action == EventAction.SAVED
    assert event.get_action_display() == "保存草稿"
    assert (event.actor, event.from_status, event.to_status) == (
        rsj_reporter,
        SlotStatus.NOT_STARTED,
        SlotStatus.DRAFT,
    )
    assert event.ip_address == "10.0.0.8"

    # A second save keeps 草稿, bumps the revision again, and clearing a figure removes it.
    save(slot47, rsj_reporter, "改过的说明。", industrial_workers=None)
    slot47.refresh_from_db()
    assert (slot47.status, slot47.revision) == (SlotStatus.DRAFT, 2)
    assert not FigureValue.objects.filter(slot=slot47).exists()
    assert [(e.from_status, e.to_status) for e in _events(slot47)][-1] == (
        SlotStatus.DRAFT,
        SlotStatus.DRAFT,
    )


def test_a_stale_revision_changes_nothing(slot47, rsj_reporter):
    save(slot47, rsj_reporter, "第一稿。", industrial_workers=1)
    before = _snapshot(slot47)
    with pytest.raises(DomainError) as exc:
        submission_save_draft(
            slot=slot47,
            actor=rsj_reporter,
            draft=draft_for(slot47, "另一个窗口的稿子。", industrial_workers=2),
            expected_revision=0,
        )
    assert exc.value.message == STALE
    assert "请刷新页面" in exc.value.message
    assert _snapshot(slot47) == before

    with pytest.raises(DomainError, match="该任务已被修改"):
        submission_submit(slot=slot47, actor=rsj_reporter, expected_revision=0)
    assert _snapshot(slot47) == before


def test_text_longer_than_the_limit_is_refused(slot47, rsj_reporter):
    with pytest.raises(DomainError, match="不能超过 5000 字"):
        submission_save_draft(
            slot=slot47,
            actor=rsj_reporter,
            draft=draft_for(slot47, "字" * 5001),
            expected_revision=0,
        )
    slot47.refresh_from_db()
    assert (slot47.status, slot47.revision, slot47.text) == (SlotStatus.NOT_STARTED, 0, "")


def test_a_figure_of_another_indicator_is_refused(open_cycle, slot47, rsj_reporter):
    other = slot_of(open_cycle, 48, "rsj")
    with pytest.raises(DomainError, match="数据指标与本任务不符"):
        submission_save_draft(
            slot=slot47,
            actor=rsj_reporter,
            draft=draft_for(other, "说明", workers=1),
            expected_revision=0,
        )
    assert not FigureValue.objects.exists()


# --- submit ---------------------------------------------------------------------------------


def test_submit_freezes_version_1(slot47, rsj_reporter):
    save(slot47, rsj_reporter, "截至年底全区产业工人约 19.6 万人。", industrial_workers=196400)
    pdf = upload(slot47, rsj_reporter, "统计说明.pdf", _pdf())
    slot47.refresh_from_db()
    version = submission_submit(
        slot=slot47,
        actor=rsj_reporter,
        expected_revision=slot47.revision,
        draft=draft_for(
            slot47, "截至年底全区产业工人约 19.6 万人。", self_score=9, industrial_workers=196400
        ),
        token="tok-1",
    )
    slot47.refresh_from_db()
    assert version.number == 1
    assert version.text == "截至年底全区产业工人约 19.6 万人。"
    assert version.self_score == Decimal("9")
    assert version.figures == {"industrial_workers": "196400"}
    assert version.submitted_by == rsj_reporter
    assert list(version.files.all()) == [pdf]
    assert slot47.status == SlotStatus.SUBMITTED  # 区人社局 has no unit approver
    assert slot47.current_version == 1
    event = _events(slot47)[-1]
    assert (
        event.action,
        event.actor,
        event.from_status,
        event.to_status,
        event.version_number,
    ) == (
        EventAction.SUBMITTED,
        rsj_reporter,
        SlotStatus.DRAFT,
        SlotStatus.SUBMITTED,
        1,
    )

    # Later changes to the draft's figure rows do not reach the frozen version.
    FigureValue.objects.filter(slot=slot47).update(value=1)
    version.refresh_from_db()
    assert version.figures == {"industrial_workers": "196400"}


def test_a_version_cannot_be_saved_twice(slot47, rsj_reporter):
    save(slot47, rsj_reporter, "说明。", industrial_workers=196400)
    version = submit(slot47, rsj_reporter)
    version.text = "篡改"
    with pytest.raises(RuntimeError):
        version.save()
    version.refresh_from_db()
    assert version.text == "说明。"


@pytest.mark.parametrize("text", ["", "  \n\t "])
def test_submit_without_text_changes_nothing(slot47, rsj_reporter, text):
    save(slot47, rsj_reporter, "", industrial_workers=196400)
    before = _snapshot(slot47)
    with pytest.raises(DomainError) as exc:
        submission_submit(
            slot=slot47,
            actor=rsj_reporter,
            expected_revision=slot47.revision,
            draft=draft_for(slot47, text, self_score=8, industrial_workers=200000),
        )
    assert exc.value.message == "请填写“工作情况说明”后再提交。"
    # The draft passed along was not saved either: same revision, same figures, no event.
    assert _snapshot(slot47) == before


def test_submit_without_a_required_figure_names_it(slot47, rsj_reporter):
    save(slot47, rsj_reporter, "有说明，没有数据。")
    before = _snapshot(slot47)
    with pytest.raises(DomainError) as exc:
        submit(slot47, rsj_reporter)
    assert exc.value.message == "以下必填数据尚未填写：区产业工人数量。"
    assert _snapshot(slot47) == before


def test_a_double_submit_with_the_same_token_makes_one_version(slot47, rsj_reporter):
    save(slot47, rsj_reporter, "说明。", industrial_workers=196400)
    revision = slot47.revision
    first = submission_submit(
        slot=slot47, actor=rsj_reporter, expected_revision=revision, token="abc"
    )
    events = SubmissionEvent.objects.count()
    second = submission_submit(
        slot=slot47, actor=rsj_reporter, expected_revision=revision, token="abc"
    )
    assert second.pk == first.pk
    assert SubmissionVersion.objects.filter(slot=slot47).count() == 1
    assert SubmissionEvent.objects.count() == events

    # A different token is a new submit, which the frozen status no longer allows.
    with pytest.raises(DomainError, match="不能提交"):
        submission_submit(slot=slot47, actor=rsj_reporter, expected_revision=revision, token="x")


# --- the window -----------------------------------------------------------------------------


def test_submit_after_the_deadline_is_refused(slot47, rsj_reporter):
    save(slot47, rsj_reporter, "说明。", industrial_workers=196400)
    before = _snapshot(slot47)
    with pytest.raises(DomainError) as exc:
        submit(slot47, rsj_reporter, now=slot47.cycle.deadline + timedelta(minutes=1))
    assert "已超过填报截止时间" in exc.value.message
    assert "截止" in exc.value.message
    assert _snapshot(slot47) == before


def test_submit_in_a_cycle_whose_deadline_has_passed_is_refused(rsj_reporter):
    cycle = open_cycle_create(opens_in_days=-30, deadline_in_days=-1)
    slot = slot_of(cycle, 47, "rsj")
    save(slot, rsj_reporter, "说明。", industrial_workers=196400)
    with pytest.raises(DomainError, match="已超过填报截止时间"):
        submit(slot, rsj_reporter)
    slot.refresh_from_db()
    assert slot.status == SlotStatus.DRAFT


def test_submit_before_the_opening_is_refused(rsj_reporter):
    cycle = open_cycle_create(opens_in_days=3, deadline_in_days=30)
    slot = slot_of(cycle, 47, "rsj")
    save(slot, rsj_reporter, "说明。", industrial_workers=196400)
    with pytest.raises(DomainError) as exc:
        submit(slot, rsj_reporter)
    assert exc.value.message.startswith("填报将于 ")
    assert "开始，目前还不能提交" in exc.value.message
    assert not SubmissionVersion.objects.exists()


def test_a_submission_returned_by_the_office_may_be_resubmitted_after_the_deadline(
    slot47, rsj_reporter, office_user
):
    save(slot47, rsj_reporter, "说明。", industrial_workers=196400)
    submit(slot47, rsj_reporter)
    submission_return(slot=slot47, actor=office_user, reason="请补充统计口径。")
    save(slot47, rsj_reporter, "说明（已补充口径）。", industrial_workers=196400)

    late = slot47.cycle.deadline + timedelta(days=3)
    version = submit(slot47, rsj_reporter, now=late)
    slot47.refresh_from_db()
    assert version.number == 2
    assert version.text == "说明（已补充口径）。"
    assert (slot47.status, slot47.current_version) == (SlotStatus.SUBMITTED, 2)
    assert list(slot47.versions.values_list("number", flat=True)) == [1, 2]


def test_an_extended_deadline_allows_a_late_submit(slot47, rsj_reporter, office_user):
    save(slot47, rsj_reporter, "说明。", industrial_workers=196400)
    cycle_deadline = slot47.cycle.deadline
    slots_extend_deadline(
        slots=[slot47],
        until=cycle_deadline + timedelta(days=7),
        actor=office_user,
        reason="数据晚到",
    )
    extended = _events(slot47)[-1]
    assert (extended.action, extended.actor, extended.reason) == (
        EventAction.DEADLINE_EXTENDED,
        office_user,
        "数据晚到",
    )
    version = submit(slot47, rsj_reporter, now=cycle_deadline + timedelta(days=2))
    assert version.number == 1

    # The extension is per slot: the same unit's other slot is still closed.
    other = slot_of(slot47.cycle, 48, "rsj")
    save(other, rsj_reporter, "说明。", industrial_workers=1)
    with pytest.raises(DomainError, match="截止"):
        submit(other, rsj_reporter, now=cycle_deadline + timedelta(days=2))


def test_an_expired_extension_does_not_help(slot47, rsj_reporter, office_user):
    save(slot47, rsj_reporter, "说明。", industrial_workers=196400)
    deadline = slot47.cycle.deadline
    slots_extend_deadline(
        slots=[slot47], until=deadline + timedelta(days=1), actor=office_user, reason="宽限一天"
    )
    with pytest.raises(DomainError, match="截止"):
        submit(slot47, rsj_reporter, now=deadline + timedelta(days=2))


# --- the unit approver ----------------------------------------------------------------------


def test_with_an_approver_a_submit_waits_for_the_unit(slot47, rsj_reporter, rsj_approver):
    save(slot47, rsj_reporter, "说明。", industrial_workers=196400)
    submit(slot47, rsj_reporter)
    slot47.refresh_from_db()
    assert slot47.status == SlotStatus.PENDING_APPROVAL
    assert slot47.get_status_display() == "待单位审核"

    submission_forward(slot=slot47, actor=rsj_approver)
    slot47.refresh_from_db()
    assert slot47.status == SlotStatus.SUBMITTED
    event = _events(slot47)[-1]
    assert (
        event.action,
        event.actor,
        event.from_status,
        event.to_status,
        event.version_number,
    ) == (
        EventAction.FORWARDED,
        rsj_approver,
        SlotStatus.PENDING_APPROVAL,
        SlotStatus.SUBMITTED,
        1,
    )


def test_the_approver_returns_with_a_reason(slot47, rsj_reporter, rsj_approver):
    save(slot47, rsj_reporter, "说明。", industrial_workers=196400)
    submit(slot47, rsj_reporter)
    before = _snapshot(slot47)
    for blank in ("", "   "):
        with pytest.raises(DomainError) as exc:
            submission_unit_return(slot=slot47, actor=rsj_approver, reason=blank)
        assert exc.value.message == "请填写退回原因。"
    assert _snapshot(slot47) == before

    submission_unit_return(slot=slot47, actor=rsj_approver, reason="  数据需与台账核对。 ")
    slot47.refresh_from_db()
    assert slot47.status == SlotStatus.RETURNED
    assert slot47.return_reason == "数据需与台账核对。"
    assert slot47.returned_by_office is False
    event = _events(slot47)[-1]
    assert (event.action, event.reason, event.from_status, event.to_status) == (
        EventAction.UNIT_RETURNED,
        "数据需与台账核对。",
        SlotStatus.PENDING_APPROVAL,
        SlotStatus.RETURNED,
    )


def test_a_return_by_the_unit_does_not_lift_the_deadline(slot47, rsj_reporter, rsj_approver):
    save(slot47, rsj_reporter, "说明。", industrial_workers=196400)
    submit(slot47, rsj_reporter)
    submission_unit_return(slot=slot47, actor=rsj_approver, reason="请补充。")
    with pytest.raises(DomainError, match="截止"):
        submit(slot47, rsj_reporter, now=slot47.cycle.deadline + timedelta(hours=1))
    # Before the deadline the reporter resubmits as version 2, again to the approver.
    version = submit(slot47, rsj_reporter)
    slot47.refresh_from_db()
    assert (version.number, slot47.status) == (2, SlotStatus.PENDING_APPROVAL)


# --- illegal transitions and the audit trail -----------------------------------------------


def test_illegal_transitions_are_refused_in_chinese(
    slot47, rsj_reporter, office_user, rsj_approver
):
    save(slot47, rsj_reporter, "说明。", industrial_workers=196400)
    before = _snapshot(slot47)
    with pytest.raises(DomainError) as exc:
        submission_approve(slot=slot47, actor=office_user)
    assert exc.value.message == "当前状态为“草稿”，不能审核通过。"
    with pytest.raises(DomainError, match="当前状态为“草稿”，不能退回修改。"):
        submission_return(slot=slot47, actor=office_user, reason="原因")
    assert _snapshot(slot47) == before

    submit(slot47, rsj_reporter)
    submission_forward(slot=slot47, actor=rsj_approver)  # now 待区产改办审核
    before = _snapshot(slot47)
    with pytest.raises(DomainError) as exc:
        submission_forward(slot=slot47, actor=rsj_approver)
    assert exc.value.message == "当前状态为“待区产改办审核”，不能单位审核通过。"
    with pytest.raises(DomainError) as exc:
        submission_save_draft(slot=slot47, actor=rsj_reporter, draft=draft_for(slot47, "改"))
    assert exc.value.message == "当前状态为“待区产改办审核”，不能保存。"
    with pytest.raises(DomainError, match="不能提交"):
        submit(slot47, rsj_reporter)
    with pytest.raises(DomainError, match="不能单位审核退回"):
        submission_unit_return(slot=slot47, actor=rsj_approver, reason="原因")
    assert _snapshot(slot47) == before

    submission_approve(slot=slot47, actor=office_user)
    with pytest.raises(DomainError, match="当前状态为“已通过”，不能退回修改。"):
        submission_return(slot=slot47, actor=office_user, reason="再看看")


def test_every_transition_writes_exactly_one_event(slot47, rsj_reporter, rsj_approver, office_user):
    steps = [
        (lambda: save(slot47, rsj_reporter, "说明。", industrial_workers=196400), rsj_reporter,
         EventAction.SAVED, SlotStatus.NOT_STARTED, SlotStatus.DRAFT),
        (lambda: submit(slot47, rsj_reporter), rsj_reporter,
         EventAction.SUBMITTED, SlotStatus.DRAFT, SlotStatus.PENDING_APPROVAL),
        (lambda: submission_unit_return(slot=slot47, actor=rsj_approver, reason="补充"), rsj_approver,
         EventAction.UNIT_RETURNED, SlotStatus.PENDING_APPROVAL, SlotStatus.RETURNED),
        (lambda: save(slot47, rsj_reporter, "说明（补充）。", industrial_workers=196400), rsj_reporter,
         EventAction.SAVED, SlotStatus.RETURNED, SlotStatus.RETURNED),
        (lambda: submit(slot47, rsj_reporter), rsj_reporter,
         EventAction.SUBMITTED, SlotStatus.RETURNED, SlotStatus.PENDING_APPROVAL),
        (lambda: submission_forward(slot=slot47, actor=rsj_approver), rsj_approver,
         EventAction.FORWARDED, SlotStatus.PENDING_APPROVAL, SlotStatus.SUBMITTED),
        (lambda: submission_return(slot=slot47, actor=office_user, reason="口径"), office_user,
         EventAction.RETURNED, SlotStatus.SUBMITTED, SlotStatus.RETURNED),
        (lambda: submit(slot47, rsj_reporter), rsj_reporter,
         EventAction.SUBMITTED, SlotStatus.RETURNED, SlotStatus.PENDING_APPROVAL),
        (lambda: submission_forward(slot=slot47, actor=rsj_approver), rsj_approver,
         EventAction.FORWARDED, SlotStatus.PENDING_APPROVAL, SlotStatus.SUBMITTED),
        (lambda: submission_approve(slot=slot47, actor=office_user), office_user,
         EventAction.APPROVED, SlotStatus.SUBMITTED, SlotStatus.APPROVED),
    ]  # fmt: skip
    for step, actor, action, from_status, to_status in steps:
        before = SubmissionEvent.objects.count()
        step()
        new = list(SubmissionEvent.objects.order_by("id")[before:])
        assert len(new) == 1, action
        event = new[0]
        assert (event.slot_id, event.action, event.actor, event.from_status, event.to_status) == (
            slot47.pk,
            action,
            actor,
            from_status,
            to_status,
        )
        slot47.refresh_from_db()
        assert slot47.status == to_status
    assert slot47.current_version == 3
    assert [e.reason for e in _events(slot47) if e.reason] == ["补充", "口径"]


def test_events_cannot_be_changed_or_deleted(slot47, rsj_reporter):
    save(slot47, rsj_reporter, "说明。")
    (event,) = _events(slot47)
    event.reason = "改写历史"
    with pytest.raises(RuntimeError, match="append-only"):
        event.save()
    with pytest.raises(RuntimeError, match="append-only"):
        event.delete()
    event.refresh_from_db()
    assert event.reason == ""
    assert SubmissionEvent.objects.filter(pk=event.pk).exists()


def test_the_submitted_at_time_is_the_time_given(slot47, rsj_reporter):
    save(slot47, rsj_reporter, "说明。", industrial_workers=196400)
    at = timezone.now() - timedelta(hours=2)
    version = submit(slot47, rsj_reporter, now=at)
    assert version.submitted_at == at


def _pdf() -> bytes:
    from scoring.demo.files import pdf_bytes

    return pdf_bytes("产业工人数量统计说明")
