"""The workflow's rules in one place: the allowed slot and cycle transitions, the row lock, and the
audit events written by every transition.

The two transition tables sit side by side, each with one checker: ALLOWED with check_allowed /
ensure_allowed for a unit's submission (Slot), CYCLE_TRANSITIONS with cycle_check_allowed /
cycle_actions_from for the cycle."""

from django.db import transaction
from django.db.models import F

from common.errors import DomainError
from scoring.models import (
    Cycle,
    CycleAction,
    CycleEvent,
    CycleStatus,
    EventAction,
    Slot,
    SlotStatus,
    SubmissionEvent,
)
from scoring.models.slot import EDITABLE_STATUSES

# Every return for revision, by the unit approver or the office, says why.
RETURN_REASON_REQUIRED = "请填写退回原因。"

# The one table of cycle transitions: action -> (from, to, audit action, name for messages).
CYCLE_TRANSITIONS: dict[str, tuple[CycleStatus, CycleStatus, CycleAction, str]] = {
    "open": (CycleStatus.PREPARING, CycleStatus.OPEN, CycleAction.OPENED, "开启填报"),
    "start_review": (
        CycleStatus.OPEN,
        CycleStatus.REVIEWING,
        CycleAction.REVIEW_STARTED,
        "进入评审",
    ),
    "publish": (CycleStatus.REVIEWING, CycleStatus.PUBLISHED, CycleAction.PUBLISHED, "发布结果"),
    "archive": (CycleStatus.PUBLISHED, CycleStatus.ARCHIVED, CycleAction.ARCHIVED, "归档"),
    # The correction path: results go back to 评审中, are corrected (更正) and published again.
    "unpublish": (
        CycleStatus.PUBLISHED,
        CycleStatus.REVIEWING,
        CycleAction.UNPUBLISHED,
        "撤回发布",
    ),
}

# Cycle states in which the office reviews and scores (and adjusts the results).
SCORING_OPEN = (CycleStatus.OPEN, CycleStatus.REVIEWING)


def cycle_check_allowed(action: str, status: str) -> str | None:
    """None when the cycle `action` may start from `status`, else a message a user can read."""
    source, _target, _audit, label = CYCLE_TRANSITIONS[action]
    if status == source:
        return None
    return f"考核周期当前为“{CycleStatus(status).label}”，不能{label}。"


def cycle_actions_from(status: str) -> list[str]:
    """The cycle actions that may start from `status`, in the table's order."""
    return [action for action in CYCLE_TRANSITIONS if cycle_check_allowed(action, status) is None]


# Transitions that need a written reason (the reason is audited and sent to the units).
CYCLE_TRANSITIONS_NEEDING_REASON = frozenset({"unpublish"})

# Score changes; made after a cycle's first publication they are corrections (更正).
SLOT_SCORE_ACTIONS = frozenset({EventAction.SCORED, EventAction.MARKED_NA})
CYCLE_SCORE_ACTIONS = frozenset({CycleAction.INDICATOR_OVERRIDDEN, CycleAction.ADJUSTMENT_ADDED})


def cycle_publications(cycle: Cycle | int) -> int:
    """How many times the cycle's results have been published (withdrawn ones included)."""
    return CycleEvent.objects.filter(cycle=cycle, action=CycleAction.PUBLISHED).count()


def _correction_mark(cycle: Cycle | int, data: dict) -> dict:
    """A score change after a first publication is a correction: say so in the audit data."""
    published = cycle_publications(cycle)
    if not published:
        return data
    return {**data, "correction": True, "after_publication": published}


def figures_changed(cycle: Cycle | int) -> None:
    """Mark the cycle's stored roll-up (CycleSummary) out of date, in the caller's transaction.

    Every audit writer below calls it, so each change that is audited (every state, score,
    scheme, deadline, adjustment and publication change) also invalidates the figures; a
    change that is not audited through them must call it itself.
    """
    cycle_id = cycle if isinstance(cycle, int) else cycle.pk
    Cycle.objects.filter(pk=cycle_id).update(figures_revision=F("figures_revision") + 1)


def cycle_event(
    *,
    cycle: Cycle,
    action: CycleAction,
    actor=None,
    reason: str = "",
    ip: str | None = None,
    data: dict | None = None,
    from_status: str = "",
    to_status: str = "",
) -> CycleEvent:
    data = data or {}
    if action in CYCLE_SCORE_ACTIONS:
        data = _correction_mark(cycle, data)
    figures_changed(cycle)
    return CycleEvent.objects.create(
        cycle=cycle,
        action=action,
        actor=actor,
        reason=reason,
        ip_address=ip,
        data=data,
        from_status=from_status,
        to_status=to_status,
    )


def slot_lock(slot: Slot) -> Slot:
    """Re-read the slot under a row lock (inside transaction.atomic)."""
    assert transaction.get_connection().in_atomic_block, "slot_lock needs a transaction"
    return (
        Slot.objects.select_for_update(of=("self",))
        .select_related("cycle", "indicator", "unit")
        .get(pk=slot.pk)
    )


def event_record(
    *,
    slot: Slot,
    action: EventAction,
    actor=None,
    from_status: str = "",
    to_status: str = "",
    reason: str = "",
    version_number: int | None = None,
    ip: str | None = None,
    data: dict | None = None,
) -> SubmissionEvent:
    data = data or {}
    if action in SLOT_SCORE_ACTIONS:
        data = _correction_mark(slot.cycle_id, data)
    # A draft saved again changes nothing the figures read (they count states, scores,
    # deadlines and submitted versions, never a draft's content); reporters save often.
    if not (action == EventAction.SAVED and from_status == to_status):
        figures_changed(slot.cycle_id)
    return SubmissionEvent.objects.create(
        slot=slot,
        action=action,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        version_number=version_number,
        ip_address=ip,
        data=data,
    )


S = SlotStatus


# action -> (statuses it may start from, human name used in error messages)
ALLOWED: dict[str, tuple[frozenset[str], str]] = {
    "save": (EDITABLE_STATUSES, "保存"),
    "submit": (EDITABLE_STATUSES, "提交"),
    "forward": (frozenset({S.PENDING_APPROVAL}), "单位审核通过"),
    "unit_return": (frozenset({S.PENDING_APPROVAL}), "单位审核退回"),
    "return": (frozenset({S.SUBMITTED}), "退回修改"),
    "approve": (frozenset({S.SUBMITTED}), "审核通过"),
}


def check_allowed(action: str, status: str) -> str | None:
    """None when `action` may start from `status`, else a message a user can read."""
    sources, name = ALLOWED[action]
    if status in sources:
        return None
    return f"当前状态为“{SlotStatus(status).label}”，不能{name}。"


def ensure_allowed(action: str, status: str) -> None:
    """Raise DomainError with a readable message unless `action` may start from `status`."""
    message = check_allowed(action, status)
    if message:
        raise DomainError(message)
