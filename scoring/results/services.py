"""Writes on a cycle's results: indicator score overrides and bonus/veto adjustments."""

from decimal import Decimal

from django.db import transaction

from common.errors import DomainError
from scoring.models import (
    Adjustment,
    AdjustmentKind,
    Cycle,
    CycleAction,
    CycleIndicator,
)
from scoring.workflow import SCORING_OPEN, cycle_event

ADJUSTMENT_REASON_REQUIRED = "请填写调整理由。"
BONUS_POSITIVE = "加分应大于 0。"


@transaction.atomic
def indicator_override(
    *, item: CycleIndicator, score: Decimal | None, reason: str, actor, ip: str | None = None
) -> CycleIndicator:
    """The office sets (or, with None, clears) an indicator's score directly, with a reason.

    Audit: 调整指标得分 with old → new.
    """
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(ADJUSTMENT_REASON_REQUIRED)
    locked = CycleIndicator.objects.select_for_update().select_related("cycle").get(pk=item.pk)
    if locked.cycle.status not in SCORING_OPEN:
        raise DomainError(f"考核周期当前为“{locked.cycle.get_status_display()}”，不能再调整得分。")
    if score is not None and not (0 <= score <= locked.points):
        raise DomainError(f"调整后得分应在 0 至 {locked.points} 分之间。")
    old = str(locked.override_score) if locked.override_score is not None else None
    locked.override_score = score
    locked.override_reason = reason if score is not None else ""
    locked.save(update_fields=["override_score", "override_reason"])
    cycle_event(
        cycle=locked.cycle,
        action=CycleAction.INDICATOR_OVERRIDDEN,
        actor=actor,
        reason=reason,
        ip=ip,
        data={
            "indicator": locked.number,
            "old": old,
            "new": str(score) if score is not None else None,
        },
    )
    return locked


@transaction.atomic
def adjustment_add(
    *,
    cycle: Cycle,
    kind: str,
    reason: str,
    actor,
    points: Decimal = Decimal(0),
    unit=None,
    ip: str | None = None,
) -> Adjustment:
    """Record a 加分项 (points > 0) or 一票否决 for the cycle (or one unit). Audit: 录入加分/否决."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写事由。")
    if kind not in AdjustmentKind.values:
        raise DomainError("类型无效。")
    if kind == AdjustmentKind.BONUS and not points > 0:
        raise DomainError(BONUS_POSITIVE)
    locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if locked.status not in SCORING_OPEN:
        raise DomainError(f"考核周期当前为“{locked.get_status_display()}”，不能再录入。")
    adjustment = Adjustment.objects.create(
        cycle=locked,
        kind=kind,
        reason=reason,
        unit=unit,
        points=points if kind == AdjustmentKind.BONUS else 0,
        created_by=actor,
    )
    cycle_event(
        cycle=locked,
        action=CycleAction.ADJUSTMENT_ADDED,
        actor=actor,
        reason=reason,
        ip=ip,
        data={"kind": kind, "points": str(adjustment.points), "unit": unit.code if unit else None},
    )
    return adjustment
