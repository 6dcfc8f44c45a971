"""Reads about cycles: the current cycle, labels, the cycle audit trail as text, what is
unfinished before publishing, and the latest publication."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Count

from common.formats import datetime_text, iso_datetime_text, num
from scoring.models import (
    AdjustmentKind,
    Cycle,
    CycleAction,
    CycleEvent,
    CycleStatus,
    Slot,
    SlotStatus,
    SubmissionEvent,
)
from scoring.scheme.selectors import method_label
from units.models import Unit


def cycle_event_summary(event) -> str:
    data = event.data or {}
    if event.from_status or event.to_status:
        parts = [s for s in (event.from_status, event.to_status) if s]
        moved = " → ".join(status_label(s) for s in parts)
        if event.action == CycleAction.CREATED and data.get("previous"):
            return f"{moved}（复制自{data['previous']}）"
        if event.action == CycleAction.PUBLISHED and data.get("publication"):
            moved += f"（第 {data['publication']} 次发布）"
            if data.get("override"):
                unfinished = unfinished_summary(data.get("unfinished") or {})
                moved += f"；尚有未完成事项仍然发布：{unfinished}"
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
        return f"指标 {data.get('indicator')}：指定 {_unit_name(data.get('unit'))}"
    if event.action == CycleAction.DESIGNATION_REMOVED:
        return f"指标 {data.get('indicator')}：取消指定 {_unit_name(data.get('unit'))}"
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
        return f"{_correction(data)}指标 {data.get('indicator')}：{old} → {new}"
    if event.action == CycleAction.ADJUSTMENT_ADDED:
        kind = data.get("kind")
        text = AdjustmentKind(kind).label if kind in AdjustmentKind.values else ""
        if kind == AdjustmentKind.BONUS:
            text += f" {num(data.get('points'))} 分"
        if data.get("unit"):
            text += f"（单位：{_unit_name(data['unit'])}）"
        return _correction(data) + text
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


def _unit_name(code: str | None) -> str:
    """Events store a unit's code; people read its name."""
    if not code:
        return "—"
    return Unit.objects.filter(code=code).values_list("name", flat=True).first() or code


def _correction(data: dict) -> str:
    """ "更正（第 1 次发布后）：" for a score change made after a publication."""
    if not data.get("correction"):
        return ""
    return f"更正（第 {data.get('after_publication')} 次发布后）："


def status_label(value: str) -> str:
    return CycleStatus(value).label if value in CycleStatus.values else value


def cycle_current() -> Cycle | None:
    """The cycle units work in now: the open one, else the latest that has opened."""
    cycle = Cycle.objects.filter(status=CycleStatus.OPEN).order_by("-year", "-id").first()
    if cycle is None:
        cycle = Cycle.objects.exclude(status=CycleStatus.PREPARING).order_by("-year", "-id").first()
    return cycle


# What keeps a slot from being finished (reviewed and scored, or 不适用), in the order the
# office works through it: key, label, and the slot status it comes from.
UNFINISHED_KINDS: tuple[tuple[str, str, str], ...] = (
    ("not_submitted", "未填报", SlotStatus.NOT_STARTED),
    ("draft", "草稿未提交", SlotStatus.DRAFT),
    ("pending_approval", "待单位审核", SlotStatus.PENDING_APPROVAL),
    ("waiting_review", "待区产改办审核", SlotStatus.SUBMITTED),
    ("returned", "已退回", SlotStatus.RETURNED),
    ("unscored", "已通过未评分", SlotStatus.APPROVED),
)
UNFINISHED_LABELS = {key: label for key, label, _status in UNFINISHED_KINDS}
_KIND_OF_STATUS = {status: key for key, _label, status in UNFINISHED_KINDS}
# Units that have not handed anything in yet (named before 进入评审).
NOT_SUBMITTED_KINDS = ("not_submitted", "draft")


def unfinished_summary(counts: dict[str, int]) -> str:
    """ "未填报 3 项、待区产改办审核 2 项": only what is there, always in the same order (the
    counts may come back from a JSON column in any order)."""
    return "、".join(
        f"{label} {counts[key]} 项" for key, label, _s in UNFINISHED_KINDS if counts.get(key)
    )


@dataclass(frozen=True)
class UnfinishedSlot:
    pk: int
    kind: str
    unit_name: str

    @property
    def label(self) -> str:
        return UNFINISHED_LABELS[self.kind]


@dataclass
class UnfinishedRow:
    """One unit or one indicator: how many of its slots are unfinished, and by what."""

    pk: int
    label: str
    counts: dict[str, int] = field(default_factory=dict)
    slots: list[UnfinishedSlot] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def cells(self) -> list[tuple[str, str, str, int]]:
        """(kind, label, the slot status to filter the review queue by, count)."""
        return [(key, label, st, self.counts.get(key, 0)) for key, label, st in UNFINISHED_KINDS]


@dataclass
class Unfinished:
    """What stands between a cycle and publishing its results."""

    counts: dict[str, int]
    by_unit: list[UnfinishedRow]
    by_indicator: list[UnfinishedRow]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def cells(self) -> list[tuple[str, str, str, int]]:
        """(kind, label, the slot status to filter the review queue by, count)."""
        return [(key, label, st, self.counts.get(key, 0)) for key, label, st in UNFINISHED_KINDS]

    @property
    def summary(self) -> str:
        return unfinished_summary(self.counts)

    def units_not_submitted(self) -> list[str]:
        return [
            row.label
            for row in self.by_unit
            if any(row.counts.get(kind) for kind in NOT_SUBMITTED_KINDS)
        ]


def slot_unfinished_kind(*, status: str, score, not_applicable: bool) -> str | None:
    """The one definition of a finished slot: reviewed and scored, or marked 不适用."""
    if not_applicable:
        return None
    if status == SlotStatus.APPROVED and score is not None:
        return None
    return _KIND_OF_STATUS.get(status)


def cycle_unfinished(*, cycle: Cycle) -> Unfinished:
    """Per unit and per indicator, every slot not yet reviewed and scored (nor 不适用)."""
    counts: dict[str, int] = {}
    units: dict[int, UnfinishedRow] = {}
    indicators: dict[int, UnfinishedRow] = {}
    rows = (
        Slot.objects.filter(cycle=cycle)
        .order_by("indicator__number", "unit__display_order", "unit_id")
        .values_list(
            "pk",
            "status",
            "score",
            "not_applicable",
            "unit_id",
            "unit__name",
            "unit__display_order",
            "indicator_id",
            "indicator__number",
            "indicator__name",
        )
    )
    unit_order: dict[int, tuple] = {}
    for pk, status, score, na, unit_id, unit_name, order, ind_id, number, name in rows:
        kind = slot_unfinished_kind(status=status, score=score, not_applicable=na)
        if kind is None:
            continue
        counts[kind] = counts.get(kind, 0) + 1
        unit_order[unit_id] = (order, unit_id)
        item = UnfinishedSlot(pk=pk, kind=kind, unit_name=unit_name)
        for bucket, key, label in (
            (units, unit_id, unit_name),
            (indicators, ind_id, f"{number}. {name}"),
        ):
            row = bucket.setdefault(key, UnfinishedRow(pk=key, label=label))
            row.counts[kind] = row.counts.get(kind, 0) + 1
            row.slots.append(item)
    return Unfinished(
        counts=counts,
        by_unit=sorted(units.values(), key=lambda r: unit_order[r.pk]),
        by_indicator=list(indicators.values()),
    )


@dataclass(frozen=True)
class Publication:
    """The cycle's latest publication: which one (第 N 次), when, and on what terms."""

    number: int
    at: datetime
    actor_name: str
    override_reason: str
    unfinished_summary: str
    withdrawn_at: datetime | None
    withdrawn_reason: str
    corrections: int

    @property
    def text(self) -> str:
        """One line for the workbook's 说明 and the dashboard."""
        line = f"本表反映第 {self.number} 次发布（{datetime_text(self.at)}）的结果"
        if self.corrections:
            line += f"，首次发布后共更正 {self.corrections} 次"
        if self.withdrawn_at:
            line += f"；该次发布已于 {datetime_text(self.withdrawn_at)} 撤回，当前结果正在更正"
        return line + "。"

    @property
    def override_text(self) -> str:
        if not self.override_reason:
            return ""
        return (
            f"第 {self.number} 次发布时尚有未完成事项（{self.unfinished_summary}），"
            f"区产改办书面理由：{self.override_reason}"
        )


def cycle_publication(*, cycle: Cycle) -> Publication | None:
    """The latest publication of the cycle's results, or None if it was never published."""
    events = list(
        cycle.events.filter(action__in=(CycleAction.PUBLISHED, CycleAction.UNPUBLISHED))
        .select_related("actor")
        .order_by("at", "id")
    )
    published = [e for e in events if e.action == CycleAction.PUBLISHED]
    if not published:
        return None
    latest = published[-1]
    withdrawn = next(
        (e for e in events if e.action == CycleAction.UNPUBLISHED and e.pk > latest.pk), None
    )
    data = latest.data or {}
    return Publication(
        number=len(published),
        at=latest.at,
        actor_name=latest.actor.get_full_name() or latest.actor.username if latest.actor else "",
        override_reason=latest.reason if data.get("override") else "",
        unfinished_summary=unfinished_summary(data.get("unfinished") or {}),
        withdrawn_at=withdrawn.at if withdrawn else None,
        withdrawn_reason=withdrawn.reason if withdrawn else "",
        corrections=cycle_corrections_count(cycle=cycle),
    )


def cycle_corrections_count(*, cycle: Cycle) -> int:
    """Score changes (slot scores, 不适用, indicator overrides, adjustments) after publication."""
    return (
        SubmissionEvent.objects.filter(slot__cycle=cycle, data__correction=True).count()
        + cycle.events.filter(data__correction=True).count()
    )
