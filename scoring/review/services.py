"""The office's side: return, approve, score, mark not applicable, override, bonus and veto.

Every function locks what it changes, checks the state against the transition table (or the
cycle's status), writes with update_fields, records one audit event, and notifies by e-mail
only after commit.
"""

from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from common.errors import DomainError
from scoring import calculations
from scoring.models import (
    Cycle,
    EventAction,
    Slot,
    SlotStatus,
)
from scoring.notifications.services import notify_slot_approved, notify_slot_returned
from scoring.scheme.selectors import scheme_row_for_slot
from scoring.workflow import (
    RETURN_REASON_REQUIRED,
    SCORING_OPEN,
    ensure_allowed,
    event_record,
    slot_lock,
)

NOT_IN_SCHEME = "本周期考核方案中没有该指标，不能评分。"
NA_REASON_REQUIRED = "请填写不适用的理由。"


class ConcurrentChange(DomainError):
    pass


def _check_expected(
    locked: Slot, expected_status: str | None, expected_version: int | None
) -> None:
    """Two reviewers on one submission: the second is told, in Chinese, that it changed."""
    if (expected_status is not None and locked.status != expected_status) or (
        expected_version is not None and locked.current_version != expected_version
    ):
        raise ConcurrentChange(
            f"该提交已被他人处理或已更新（当前状态：{locked.get_status_display()}，"
            f"第 {locked.current_version} 版），请查看最新情况后再操作。"
        )


@transaction.atomic
def submission_return(
    *,
    slot: Slot,
    actor,
    reason: str,
    expected_status: str | None = None,
    expected_version: int | None = None,
    ip: str | None = None,
) -> Slot:
    """区产改办 returns a submission for revision: 待区产改办审核 → 已退回.

    The unit sees the reason at once and may resubmit even after the deadline.
    Audit: 区产改办退回修改 with the reason. Notice: the unit's users.
    """
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(RETURN_REASON_REQUIRED)
    locked = slot_lock(slot)
    _check_expected(locked, expected_status, expected_version)
    ensure_allowed("return", locked.status)
    if locked.cycle.status not in SCORING_OPEN:
        raise DomainError(f"考核周期当前为“{locked.cycle.get_status_display()}”，不能再退回。")
    from_status = locked.status
    locked.status = SlotStatus.RETURNED
    locked.return_reason = reason
    locked.returned_by_office = True
    locked.updated_by = actor
    locked.save(
        update_fields=["status", "return_reason", "returned_by_office", "updated_by", "updated_at"]
    )
    event_record(
        slot=locked,
        action=EventAction.RETURNED,
        actor=actor,
        from_status=from_status,
        to_status=locked.status,
        reason=reason,
        version_number=locked.current_version,
        ip=ip,
    )
    notify_slot_returned(locked, by_office=True)
    return locked


@transaction.atomic
def submission_approve(
    *,
    slot: Slot,
    actor,
    expected_status: str | None = None,
    expected_version: int | None = None,
    ip: str | None = None,
) -> Slot:
    """区产改办 approves the current version: 待区产改办审核 → 已通过.

    Audit: 区产改办审核通过. Notice: the unit's users.
    """
    locked = slot_lock(slot)
    _check_expected(locked, expected_status, expected_version)
    ensure_allowed("approve", locked.status)
    locked.status = SlotStatus.APPROVED
    locked.updated_by = actor
    locked.save(update_fields=["status", "updated_by", "updated_at"])
    event_record(
        slot=locked,
        action=EventAction.APPROVED,
        actor=actor,
        from_status=SlotStatus.SUBMITTED,
        to_status=locked.status,
        version_number=locked.current_version,
        ip=ip,
    )
    notify_slot_approved(locked)
    return locked


def _grade_levels(cycle: Cycle) -> list[calculations.GradeLevel]:
    return [calculations.GradeLevel(g.name, g.share) for g in cycle.grade_levels.all()]


@transaction.atomic
def score_record(
    *,
    slot: Slot,
    actor,
    grade: str | None = None,
    deductions: Sequence[tuple[str, Decimal | None]] = (),
    direct: Decimal | None = None,
    comment: str = "",
    expected_version: int | None = None,
    ip: str | None = None,
) -> Slot:
    """Score a unit's approved submission by its indicator's method.

    Precondition: the submission is 已通过 and the cycle is 填报中 or 评审中; a comment is
    given when the score is below full points. The inputs' rules (a deduction needs a reason
    and an amount > 0, a direct score lies within the points, a known grade) are checked only
    by calculations.submission_score; its refusal reaches both the admin and the review page
    as the same DomainError. Effect: score, its inputs and the comment.
    Audit: 评分 with old → new score.
    """
    locked = slot_lock(slot)
    _check_expected(
        locked, SlotStatus.APPROVED if expected_version is not None else None, expected_version
    )
    if locked.cycle.status not in SCORING_OPEN:
        raise DomainError(f"考核周期当前为“{locked.cycle.get_status_display()}”，不能再评分。")
    if locked.status != SlotStatus.APPROVED:
        raise DomainError(f"当前状态为“{locked.get_status_display()}”，请先审核通过再评分。")
    item = scheme_row_for_slot(locked)
    if item is None:
        raise DomainError(NOT_IN_SCHEME)
    try:
        score = calculations.submission_score(
            points=item.points,
            method=calculations.Method(item.method),
            grade_levels=_grade_levels(locked.cycle),
            grade=grade,
            deductions=[
                calculations.Deduction((r or "").strip(), Decimal(a) if a is not None else None)
                for r, a in deductions
            ],
            direct=direct,
        )
    except calculations.ScoringError as exc:
        raise DomainError(str(exc)) from exc
    comment = (comment or "").strip()
    if score < item.points and not comment:
        raise DomainError("得分低于满分时，请填写评语说明扣分理由。")
    old = {
        "score": str(locked.score) if locked.score is not None else None,
        "not_applicable": locked.not_applicable,
    }
    inputs = {
        "method": item.method,
        "grade": grade,
        "deductions": [[r, str(a)] for r, a in deductions],
        "direct": str(direct) if direct is not None else None,
    }
    locked.score = score
    locked.score_input = inputs
    locked.score_comment = comment
    locked.not_applicable = False
    locked.scored_by = actor
    locked.scored_at = timezone.now()
    locked.save(
        update_fields=[
            "score",
            "score_input",
            "score_comment",
            "not_applicable",
            "scored_by",
            "scored_at",
        ]
    )
    event_record(
        slot=locked,
        action=EventAction.SCORED,
        actor=actor,
        from_status=locked.status,
        to_status=locked.status,
        reason=comment,
        version_number=locked.current_version,
        ip=ip,
        data={"old": old, "new": {"score": str(score)}, "inputs": inputs},
    )
    return locked


@transaction.atomic
def slot_mark_not_applicable(
    *,
    slot: Slot,
    actor,
    reason: str,
    expected_status: str | None = None,
    expected_version: int | None = None,
    ip: str | None = None,
) -> Slot:
    """Take a unit's part out of the points possible (不适用), with a reason.

    Audit: 标记不适用 with the reason and the old score.
    """
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(NA_REASON_REQUIRED)
    locked = slot_lock(slot)
    _check_expected(locked, expected_status, expected_version)
    if locked.cycle.status not in SCORING_OPEN:
        raise DomainError(f"考核周期当前为“{locked.cycle.get_status_display()}”，不能再修改。")
    old = str(locked.score) if locked.score is not None else None
    locked.not_applicable = True
    locked.score = None
    locked.score_comment = reason
    locked.scored_by = actor
    locked.scored_at = timezone.now()
    locked.save(
        update_fields=["not_applicable", "score", "score_comment", "scored_by", "scored_at"]
    )
    event_record(
        slot=locked,
        action=EventAction.MARKED_NA,
        actor=actor,
        from_status=locked.status,
        to_status=locked.status,
        reason=reason,
        ip=ip,
        data={"old": {"score": old}, "new": {"not_applicable": True}},
    )
    return locked
