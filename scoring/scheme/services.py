"""The office's edits to a cycle while it is 准备中: its settings and many scheme rows at once."""

from decimal import Decimal

from django.db import transaction

from common.errors import DomainError
from scoring.models import (
    Cycle,
    CycleAction,
    CycleIndicator,
    FigureField,
    GradeLevel,
    ScoringMethod,
)
from scoring.workflow import cycle_event

POINTS_NEGATIVE = "分值不能为负数。"
METHOD_INVALID = "评分方法无效。"
LEAD_WEIGHT_RANGE = "牵头单位权重应在 0 至 1 之间，或留空。"


def scheme_frozen_message(cycle: Cycle, *, doing: str = "修改") -> str:
    """Why the scheme cannot change: it is frozen once the cycle leaves 准备中."""
    return (
        f"考核周期“{cycle.name}”当前为“{cycle.get_status_display()}”，考核方案已冻结，不能{doing}。"
    )


def _ensure_scheme_editable(cycle: Cycle) -> None:
    if cycle.scheme_is_frozen:
        raise DomainError(scheme_frozen_message(cycle))


@transaction.atomic
def scheme_update(
    *, item: CycleIndicator, points, method: str, actor, ip: str | None = None
) -> CycleIndicator:
    """Set an indicator's 分值 and 评分方法 for a cycle that is still 准备中.

    Audit: 修改考核方案 with old and new values.
    """
    locked = CycleIndicator.objects.select_for_update().select_related("cycle").get(pk=item.pk)
    _ensure_scheme_editable(locked.cycle)
    if points is None or points < 0:
        raise DomainError(POINTS_NEGATIVE)
    if method not in ScoringMethod.values:
        raise DomainError(METHOD_INVALID)
    old = {"points": str(locked.points), "method": locked.method}
    if old == {"points": str(points), "method": method}:
        return locked
    locked.points = points
    locked.method = method
    locked.save(update_fields=["points", "method"])
    cycle_event(
        cycle=locked.cycle,
        action=CycleAction.SCHEME_CHANGED,
        actor=actor,
        ip=ip,
        data={
            "indicator": locked.number,
            "old": old,
            "new": {"points": str(points), "method": method},
        },
    )
    return locked


@transaction.atomic
def grade_levels_set(
    *, cycle: Cycle, levels: list[tuple[str, Decimal]], actor, ip: str | None = None
) -> None:
    """Replace a 准备中 cycle's 档次 (name, share 0–1). Audit: 修改考核方案."""
    locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
    _ensure_scheme_editable(locked)
    names = [name.strip() for name, _ in levels]
    if not levels or any(not n for n in names) or len(set(names)) != len(names):
        raise DomainError("档次名称不能为空或重复。")
    if any(not (0 <= share <= 1) for _, share in levels):
        raise DomainError("档次得分比例应在 0 至 1 之间。")
    old = [(g.name, str(g.share)) for g in locked.grade_levels.all()]
    locked.grade_levels.all().delete()
    GradeLevel.objects.bulk_create(
        GradeLevel(cycle=locked, name=name, share=share, order=order)
        for order, (name, share) in enumerate(zip(names, [s for _, s in levels], strict=True), 1)
    )
    cycle_event(
        cycle=locked,
        action=CycleAction.SCHEME_CHANGED,
        actor=actor,
        ip=ip,
        data={
            "grade_levels": {
                "old": old,
                "new": [(n, str(s)) for n, (_, s) in zip(names, levels, strict=True)],
            }
        },
    )


CENT = Decimal("0.01")


# CycleIndicator.points is max_digits=6, decimal_places=2.
MAX_POINTS = Decimal("9999.99")


def _amount(value: Decimal | None, label: str, *, maximum: Decimal) -> Decimal:
    if value is None or not value.is_finite():
        raise DomainError(f"请填写{label}。")
    if value < 0:
        raise DomainError(f"{label}不能为负数。")
    if value != value.quantize(CENT):
        raise DomainError(f"{label}最多保留两位小数。")
    if value > maximum:
        raise DomainError(f"{label}不能超过 {maximum}。")
    return value


@transaction.atomic
def cycle_settings_update(
    *,
    cycle: Cycle,
    total_points: Decimal,
    bonus_cap: Decimal,
    lead_weight: Decimal | None,
    actor,
    ip: str | None = None,
) -> Cycle:
    """Set a cycle's 总分, 加分上限 and 牵头单位权重.

    Precondition: the cycle is 准备中 (they are part of the scheme, frozen once it opens);
    总分 > 0, 加分上限 ≥ 0, both with at most two decimals; 牵头单位权重 empty or 0–1.
    Effect: the changed fields, saved with update_fields; nothing when nothing changed.
    Audit: 修改考核方案 with the old and new values of the changed settings.
    """
    locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
    _ensure_scheme_editable(locked)
    total_points = _amount(total_points, "总分", maximum=Decimal("9999.99"))
    if total_points == 0:
        raise DomainError("总分应大于 0。")
    bonus_cap = _amount(bonus_cap, "加分上限", maximum=Decimal("999.99"))
    if lead_weight is not None:
        if not lead_weight.is_finite() or not 0 <= lead_weight <= 1:
            raise DomainError(LEAD_WEIGHT_RANGE)
        if lead_weight != lead_weight.quantize(CENT):
            raise DomainError("牵头单位权重最多保留两位小数。")
    wanted = {"total_points": total_points, "bonus_cap": bonus_cap, "lead_weight": lead_weight}
    # Compare as numbers: 100 and 100.00 are the same setting.
    changed = [name for name, value in wanted.items() if getattr(locked, name) != value]
    if not changed:
        return locked
    old = {name: _text(getattr(locked, name)) for name in changed}
    for name in changed:
        setattr(locked, name, wanted[name])
    locked.save(update_fields=changed)
    cycle_event(
        cycle=locked,
        action=CycleAction.SCHEME_CHANGED,
        actor=actor,
        ip=ip,
        data={"settings": {"old": old, "new": {name: _text(wanted[name]) for name in changed}}},
    )
    cycle.total_points, cycle.bonus_cap, cycle.lead_weight = (
        locked.total_points,
        locked.bonus_cap,
        locked.lead_weight,
    )
    return locked


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


@transaction.atomic
def scheme_items_update(
    *,
    cycle: Cycle,
    changes: list[tuple[CycleIndicator, Decimal, str]],
    actor,
    ip: str | None = None,
) -> int:
    """Apply several (item, 分值, 评分方法) edits of one 准备中 cycle, all or none.

    Rows whose values equal the stored ones (as numbers: 5 is 5.00) are left alone.
    Each changed row goes through scheme_update, which checks the state and the values.
    Audit: one 修改考核方案 per changed row. Returns the number of rows changed.
    """
    locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
    _ensure_scheme_editable(locked)
    stored = {ci.pk: ci for ci in CycleIndicator.objects.filter(cycle=locked)}
    changed = 0
    for item, points, method in changes:
        current = stored.get(item.pk)
        if current is None:
            raise DomainError("指标不属于本考核周期。")
        if points is not None and points.is_finite() and points != points.quantize(CENT):
            raise DomainError(f"指标 {current.number} 的分值最多保留两位小数。")
        if points is not None and points.is_finite() and points > MAX_POINTS:
            raise DomainError(f"指标 {current.number} 的分值不能超过 {MAX_POINTS}。")
        if current.points == points and current.method == method:
            continue
        scheme_update(item=current, points=points, method=method, actor=actor, ip=ip)
        changed += 1
    return changed


# --- figure fields (数据指标) of a cycle ------------------------------------------------------

FIGURE_SPEC_FIELDS = (
    "indicator_id",
    "code",
    "label",
    "kind",
    "measure",
    "required",
    "order",
    "numerator_code",
    "denominator_code",
)


def _figure_spec(field: FigureField) -> dict:
    spec = {name: getattr(field, name) for name in FIGURE_SPEC_FIELDS}
    spec["indicator"] = field.indicator.number
    del spec["indicator_id"]
    return spec


def _locked_cycle(cycle_id: int) -> Cycle:
    cycle = Cycle.objects.select_for_update().get(pk=cycle_id)
    _ensure_scheme_editable(cycle)
    return cycle


@transaction.atomic
def figure_field_save(*, field: FigureField, actor, ip: str | None = None) -> FigureField:
    """Add a figure field to a 准备中 cycle, or change one (the admin's form hands it over).

    Precondition: the cycle (and, for a change, the cycle the field was in) is 准备中: once a
    cycle opens its figure fields are frozen with the rest of the scheme. A field never moves
    to another cycle. Effect: the field saved. Audit: 修改数据指标 with the old and new spec
    (nothing when nothing changed).
    """
    old = None
    if field.pk is not None:
        stored = (
            FigureField.objects.select_for_update().select_related("indicator").get(pk=field.pk)
        )
        if stored.cycle_id != field.cycle_id:
            raise DomainError("数据指标不能移到另一个考核周期。")
        old = _figure_spec(stored)
    cycle = _locked_cycle(field.cycle_id)
    new = _figure_spec(field)
    if old == new:
        return field
    field.save()
    cycle_event(
        cycle=cycle,
        action=CycleAction.FIGURES_CHANGED,
        actor=actor,
        ip=ip,
        data={"figure": field.code, "old": old, "new": new},
    )
    return field


@transaction.atomic
def figure_field_delete(*, field: FigureField, actor, ip: str | None = None) -> None:
    """Remove a figure field from a 准备中 cycle (no unit has filled it in: no slots exist yet).

    Audit: 修改数据指标 with the removed spec.
    """
    stored = FigureField.objects.select_for_update().select_related("indicator").get(pk=field.pk)
    cycle = _locked_cycle(stored.cycle_id)
    old = _figure_spec(stored)
    stored.delete()
    cycle_event(
        cycle=cycle,
        action=CycleAction.FIGURES_CHANGED,
        actor=actor,
        ip=ip,
        data={"figure": old["code"], "old": old, "new": None},
    )
