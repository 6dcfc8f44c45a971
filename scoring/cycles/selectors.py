"""Reads about cycles: the current cycle, labels, and the cycle audit trail as text."""

from collections import Counter, defaultdict
from decimal import Decimal

from django.db.models import Count

from common.formats import iso_datetime_text, num
from scoring.models import (
    AdjustmentKind,
    Cycle,
    CycleAction,
    CycleEvent,
    CycleStatus,
    Slot,
    SlotStatus,
)
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
    if event.action == CycleAction.DESIGNATION_REMOVED:
        return f"指标 {data.get('indicator')}：取消指定 {data.get('unit')}"
    if event.action == CycleAction.FIGURES_CHANGED:
        old, new = data.get("old"), data.get("new")
        spec = new or old or {}
        verb = "新增" if old is None else "删除" if new is None else "修改"
        return f"指标 {spec.get('indicator')}：{verb}数据指标“{spec.get('label')}”"
    if event.action in (CycleAction.SLOT_ADDED, CycleAction.SLOT_REMOVED):
        role = "牵头" if data.get("is_lead") else "配合"
        return f"指标 {data.get('indicator')}：{data.get('unit')}（{role}）"
    if event.action == CycleAction.SLOT_RELABELLED:
        old, new = (
            "牵头" if (data.get(k) or {}).get("is_lead") else "配合" for k in ("old", "new")
        )
        return f"指标 {data.get('indicator')}：{data.get('unit')} {old} → {new}"
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


def cycle_events(cycle: Cycle) -> list[CycleEvent]:
    """The cycle's audit trail, newest first, each event with its `summary` as text."""
    events = list(cycle.events.select_related("actor").order_by("-at", "-id"))
    for event in events:
        setattr(event, "summary", cycle_event_summary(event))  # noqa: B010 - for the template
    return events


StatusCount = tuple[str, str, int]  # (status, label, number of slots)


def _status_counts(tally: Counter) -> list[StatusCount]:
    return [(s.value, s.label, tally.get(s.value, 0)) for s in SlotStatus]


def slot_status_counts(cycle: Cycle) -> tuple[int, list[StatusCount]]:
    """How many slots the cycle has, and how many in each status (every status listed)."""
    tally = Counter(Slot.objects.filter(cycle=cycle).values_list("status", flat=True))
    return sum(tally.values()), _status_counts(tally)


def cycles_with_slot_counts() -> list[Cycle]:
    """Every cycle, each with `slot_total` and `slot_counts` as slot_status_counts gives them."""
    cycles = list(Cycle.objects.select_related("previous"))
    counts: dict[int, Counter] = defaultdict(Counter)
    for row in Slot.objects.values("cycle_id", "status").annotate(n=Count("id")):
        counts[row["cycle_id"]][row["status"]] = row["n"]
    for cycle in cycles:
        tally = counts[cycle.pk]
        # Attached to the cycle for the list template, which reads cycle.slot_total.
        setattr(cycle, "slot_total", sum(tally.values()))  # noqa: B010
        setattr(cycle, "slot_counts", _status_counts(tally))  # noqa: B010
    return cycles


def cycle_extensions(cycle: Cycle) -> list[dict]:
    """Deadline extensions per unit and date: unit__name, deadline_extension and n slots."""
    return list(
        Slot.objects.filter(cycle=cycle, deadline_extension__isnull=False)
        .values("unit__name", "deadline_extension")
        .annotate(n=Count("id"))
        .order_by("unit__display_order", "unit__name", "deadline_extension")
    )


def cycle_next_initial() -> dict:
    """What the new-cycle form proposes: the year after the latest cycle, copied from it."""
    latest = Cycle.objects.order_by("-year", "-id").first()
    if latest is None:
        return {}
    year = latest.year + 1
    return {"name": f"{year}年度", "year": year, "previous": latest.pk}


def status_label(value: str) -> str:
    return CycleStatus(value).label if value in CycleStatus.values else value


def cycle_current() -> Cycle | None:
    """The cycle units work in now: the open one, else the latest that has opened."""
    cycle = Cycle.objects.filter(status=CycleStatus.OPEN).order_by("-year", "-id").first()
    if cycle is None:
        cycle = Cycle.objects.exclude(status=CycleStatus.PREPARING).order_by("-year", "-id").first()
    return cycle
