"""The unit side of a submission: draft, submit, and the unit approver's decision."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from common.errors import DomainError
from common.formats import datetime_text, num
from scoring.access import unit_has_approver
from scoring.models import (
    CycleStatus,
    EventAction,
    FigureField,
    FigureValue,
    Slot,
    SlotStatus,
    SubmissionVersion,
)
from scoring.notifications.services import notify_pending_approval, notify_slot_returned
from scoring.submissions.selectors import self_score_max
from scoring.workflow import RETURN_REASON_REQUIRED, ensure_allowed, event_record, slot_lock

TEXT_MAX_LENGTH = 5000


STALE = "该任务已被修改（可能是本单位其他人员在另一窗口操作），请刷新页面核对后再操作。"


@dataclass(frozen=True)
class DraftInput:
    """What the unit typed: 工作情况说明, 自评分 and figure values by FigureField id."""

    text: str
    self_score: Decimal | None = None
    figures: dict[int, Decimal | None] = field(default_factory=dict)


def self_score_problem(*, value: Decimal | None, maximum: Decimal) -> str | None:
    """Why this 自评分 is not acceptable on an indicator worth `maximum` points, or None."""
    if value is None:
        return None
    if value < 0:
        return "自评分不能小于 0 分。"
    if value > maximum:
        return f"自评分不能超过本指标分值 {num(maximum)} 分。"
    return None


def submission_window_problem(*, slot: Slot, now=None) -> str | None:
    """Why the unit cannot submit now, or None. Shown on the page and enforced on submit.

    Submitting is open while the cycle is 填报中, between its opening and the deadline (or the
    unit's extension). A submission the office returned may be resubmitted after the deadline
    and while the cycle is 评审中; so may one whose deadline the office extended.
    """
    now = now or timezone.now()
    cycle = slot.cycle
    returned_by_office = slot.status == SlotStatus.RETURNED and slot.returned_by_office
    extended = slot.deadline_extension is not None and now <= slot.deadline_extension
    if cycle.status not in (CycleStatus.OPEN, CycleStatus.REVIEWING) or (
        cycle.status == CycleStatus.REVIEWING and not (returned_by_office or extended)
    ):
        return f"考核周期“{cycle.name}”当前为“{cycle.get_status_display()}”，不在填报期内。"
    if now < cycle.opens_at:
        return f"填报将于 {datetime_text(cycle.opens_at)} 开始，目前还不能提交。"
    if now > slot.effective_deadline and not returned_by_office:
        return (
            f"已超过填报截止时间（{datetime_text(slot.effective_deadline)}），不能再提交。"
            "如需补报，请联系区产改办延长截止时间。"
        )
    return None


def _apply_draft(locked: Slot, draft: DraftInput, actor) -> None:
    if len(draft.text) > TEXT_MAX_LENGTH:
        raise DomainError(f"工作情况说明不能超过 {TEXT_MAX_LENGTH} 字。")
    problem = self_score_problem(value=draft.self_score, maximum=self_score_max(slot=locked))
    if problem:
        raise DomainError(problem)
    fields = {
        f.pk: f
        for f in FigureField.objects.filter(
            cycle_id=locked.cycle_id, indicator_id=locked.indicator_id
        )
    }
    if set(draft.figures) - set(fields):
        raise DomainError("数据指标与本任务不符，请刷新页面后重试。")
    for field_id, value in draft.figures.items():
        if fields[field_id].is_computed:
            continue
        if value is None:
            FigureValue.objects.filter(slot=locked, field_id=field_id).delete()
        else:
            FigureValue.objects.update_or_create(
                slot=locked, field_id=field_id, defaults={"value": value}
            )
    locked.text = draft.text
    locked.self_score = draft.self_score
    draft_bump_revision(locked, actor, extra_fields=("text", "self_score"))


def draft_bump_revision(slot: Slot, actor, extra_fields: tuple[str, ...] = ()) -> None:
    """The draft changed: a new revision, and 未填报 becomes 草稿."""
    slot.revision += 1
    slot.updated_by = actor
    if slot.status == SlotStatus.NOT_STARTED:
        slot.status = SlotStatus.DRAFT
    slot.save(update_fields=["revision", "updated_by", "status", "updated_at", *extra_fields])


@transaction.atomic
def submission_save_draft(
    *,
    slot: Slot,
    actor,
    draft: DraftInput,
    expected_revision: int | None = None,
    ip: str | None = None,
) -> Slot:
    """Save the unit's current draft.

    Precondition: the slot is editable (未填报, 草稿 or 已退回) and unchanged since the form
    was loaded (expected_revision). Effect: text, self-score and figure values replaced;
    revision + 1; 未填报 becomes 草稿 (已退回 stays 已退回 until resubmitted).
    Audit: 保存草稿.
    """
    locked = slot_lock(slot)
    ensure_allowed("save", locked.status)
    if expected_revision is not None and expected_revision != locked.revision:
        raise DomainError(STALE)
    from_status = locked.status
    _apply_draft(locked, draft, actor)
    event_record(
        slot=locked,
        action=EventAction.SAVED,
        actor=actor,
        from_status=from_status,
        to_status=locked.status,
        ip=ip,
    )
    return locked


def _figure_snapshot(slot: Slot) -> dict[str, str]:
    values = FigureValue.objects.filter(slot=slot).select_related("field")
    return {v.field.code: num(v.value) for v in values}


@transaction.atomic
def submission_submit(
    *,
    slot: Slot,
    actor,
    expected_revision: int,
    draft: DraftInput | None = None,
    token: str = "",
    ip: str | None = None,
    now=None,
) -> SubmissionVersion:
    """Save the draft (when given) and freeze it as the next numbered version, in one step.

    Precondition: editable; inside the window (or returned by the office, or extended);
    unchanged since the form was loaded; the draft has 工作情况说明 and every required
    figure. A repeated submit with the same token (a double click) returns the version it
    already made and changes nothing. On any failure nothing changes.
    Effect: a SubmissionVersion holding the text, self-score, figures and the draft's files;
    status → 待单位审核 when the unit has an approver, else 待区产改办审核.
    Audit: 提交 with the version number.
    """
    locked = slot_lock(slot)
    if token:
        done = SubmissionVersion.objects.filter(slot=locked, client_token=token).first()
        if done is not None:
            return done
    ensure_allowed("submit", locked.status)
    if expected_revision != locked.revision:
        raise DomainError(STALE)
    problem = submission_window_problem(slot=locked, now=now)
    if problem:
        raise DomainError(problem)
    from_status = locked.status
    if draft is not None:
        _apply_draft(locked, draft, actor)
    if not locked.text.strip():
        raise DomainError("请填写“工作情况说明”后再提交。")
    filled = set(FigureValue.objects.filter(slot=locked).values_list("field_id", flat=True))
    missing = [
        f.label
        for f in FigureField.objects.filter(
            cycle_id=locked.cycle_id, indicator_id=locked.indicator_id, required=True
        ).order_by("order")
        if not f.is_computed and f.pk not in filled
    ]
    if missing:
        raise DomainError("以下必填数据尚未填写：" + "、".join(missing) + "。")

    version = SubmissionVersion.objects.create(
        slot=locked,
        number=locked.current_version + 1,
        text=locked.text,
        self_score=locked.self_score,
        figures=_figure_snapshot(locked),
        submitted_by=actor,
        submitted_at=now or timezone.now(),
        client_token=token,
    )
    version.files.set(locked.files.filter(in_draft=True))
    locked.status = (
        SlotStatus.PENDING_APPROVAL if unit_has_approver(locked.unit) else SlotStatus.SUBMITTED
    )
    locked.current_version = version.number
    locked.updated_by = actor
    locked.save(update_fields=["status", "current_version", "updated_by", "updated_at"])
    event_record(
        slot=locked,
        action=EventAction.SUBMITTED,
        actor=actor,
        from_status=from_status,
        to_status=locked.status,
        version_number=version.number,
        ip=ip,
    )
    if locked.status == SlotStatus.PENDING_APPROVAL:
        notify_pending_approval(locked)
    return version


@transaction.atomic
def submission_forward(*, slot: Slot, actor, ip: str | None = None) -> Slot:
    """The unit approver signs the submitted version off: 待单位审核 → 待区产改办审核.

    Audit: 单位审核通过.
    """
    locked = slot_lock(slot)
    ensure_allowed("forward", locked.status)
    locked.status = SlotStatus.SUBMITTED
    locked.updated_by = actor
    locked.save(update_fields=["status", "updated_by", "updated_at"])
    event_record(
        slot=locked,
        action=EventAction.FORWARDED,
        actor=actor,
        from_status=SlotStatus.PENDING_APPROVAL,
        to_status=locked.status,
        version_number=locked.current_version,
        ip=ip,
    )
    return locked


@transaction.atomic
def submission_unit_return(*, slot: Slot, actor, reason: str, ip: str | None = None) -> Slot:
    """The unit approver sends the submission back to the reporter with a reason.

    Effect: 待单位审核 → 已退回. The deadline applies again unless the office had returned this
    submission earlier (returned_by_office is left as it was: an approver's return must not
    strand a late resubmission the office asked for).
    Audit: 单位审核退回 with the reason.
    """
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(RETURN_REASON_REQUIRED)
    locked = slot_lock(slot)
    ensure_allowed("unit_return", locked.status)
    locked.status = SlotStatus.RETURNED
    locked.return_reason = reason
    locked.updated_by = actor
    locked.save(update_fields=["status", "return_reason", "updated_by", "updated_at"])
    event_record(
        slot=locked,
        action=EventAction.UNIT_RETURNED,
        actor=actor,
        from_status=SlotStatus.PENDING_APPROVAL,
        to_status=locked.status,
        reason=reason,
        version_number=locked.current_version,
        ip=ip,
    )
    notify_slot_returned(locked, by_office=False)
    return locked
