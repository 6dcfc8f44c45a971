"""Reads about cycles: the current cycle, labels, and the cycle audit trail as text."""

from decimal import Decimal

from common.formats import iso_datetime_text, num
from scoring.models import AdjustmentKind, Cycle, CycleAction, CycleStatus
from scoring.scheme.selectors import method_label


def cycle_event_summary(event) -> str:
    data = event.data or {}
    if event.from_status or event.to_status:
        parts = [s for s in (event.from_status, event.to_status) if s]
        moved = " → ".join(status_label(s) for s in parts)
        if event.action == CycleAction.CREATED and data.get("previous"):
            return f"{moved}（复制自{data['previous']}）"
        return moved
    if event.action == CycleAction.SCHEME_CHANGED:
        if "indicator" in data:
            old, new = data.get("old", {}), data.get("new", {})
            parts = []
            if num(old.get("points")) != num(new.get("points")):
                parts.append(f"分值 {num(old.get('points'))} → {num(new.get('points'))}")
            if old.get("method") != new.get("method"):
                parts.append(
                    f"评分方法 {method_label(old.get('method'))} → "
                    f"{method_label(new.get('method'))}"
                )
            return f"指标 {data['indicator']}：{'，'.join(parts)}"
        if "grade_levels" in data:
            levels = data["grade_levels"]

            def shown(rows):
                return "、".join(f"{n} {num(Decimal(s) * 100)}%" for n, s in rows) or "无"

            return f"评分档次：{shown(levels.get('old', []))} → {shown(levels.get('new', []))}"
        if "settings" in data:
            labels = {
                "total_points": "总分",
                "bonus_cap": "加分上限",
                "lead_weight": "牵头单位权重",
            }
            old, new = data["settings"].get("old", {}), data["settings"].get("new", {})
            return "；".join(
                f"{labels.get(k, k)} {num(old.get(k)) if old.get(k) else '未设置'} → "
                f"{num(new.get(k)) if new.get(k) else '未设置'}"
                for k in new
            )
    if event.action == CycleAction.DEADLINE_CHANGED:
        labels = {"opens_at": "填报开始时间", "deadline": "填报截止时间"}
        return "；".join(
            f"{labels.get(k, k)} {iso_datetime_text(v.get('old'))} → {iso_datetime_text(v.get('new'))}"
            for k, v in data.items()
            if isinstance(v, dict)
        )
    if event.action == CycleAction.DESIGNATION_ADDED:
        return f"指标 {data.get('indicator')}：指定 {data.get('unit')}"
    if event.action == CycleAction.INDICATOR_OVERRIDDEN:
        old = num(data["old"]) if data.get("old") else "未调整"
        new = num(data["new"]) if data.get("new") else "取消调整"
        return f"指标 {data.get('indicator')}：{old} → {new}"
    if event.action == CycleAction.ADJUSTMENT_ADDED:
        kind = data.get("kind")
        text = AdjustmentKind(kind).label if kind in AdjustmentKind.values else ""
        if kind == AdjustmentKind.BONUS:
            text += f" {num(data.get('points'))} 分"
        if data.get("unit"):
            text += f"（单位：{data['unit']}）"
        return text
    return ""


def status_label(value: str) -> str:
    return CycleStatus(value).label if value in CycleStatus.values else value


def cycle_current() -> Cycle | None:
    """The cycle units work in now: the open one, else the latest that has opened."""
    cycle = Cycle.objects.filter(status=CycleStatus.OPEN).order_by("-year", "-id").first()
    if cycle is None:
        cycle = Cycle.objects.exclude(status=CycleStatus.PREPARING).order_by("-year", "-id").first()
    return cycle
