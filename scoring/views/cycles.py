"""The office's cycle pages: cycles, transitions, the scheme and its Excel round trip, the
comparison with the previous cycle, and results with overrides, bonuses and vetoes.

Only the office (区产改办) reaches these pages; leadership may read the results and the
comparison. Everyone else gets a 404, and so does leadership on every POST.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import tablib
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.http import client_ip
from common.resources import SheetFileError
from common.xlsx import xlsx_response
from units.permissions import user_is_office, user_reads_everything

from .. import calculations as calc
from .. import results as scoring_results
from ..errors import DomainError
from ..forms_cycles import (
    AdjustmentForm,
    CycleCreateForm,
    CycleSettingsForm,
    ExtendForm,
    GradeLevelsForm,
    OverrideForm,
    SchemeForm,
    SchemeUploadForm,
    TransitionForm,
)
from ..models import (
    AdjustmentKind,
    Cycle,
    CycleAction,
    CycleIndicator,
    CycleStatus,
    FigureField,
    ScoringMethod,
    Slot,
    SlotStatus,
)
from ..resources import dataset_from_xlsx, scheme_import, scheme_workbook
from ..results import scheme_totals
from ..services import cycles as cycle_services
from ..services.cycle_settings import cycle_settings_update, scheme_items_update
from ..services.cycles import CYCLE_TRANSITIONS, grade_levels_set, slots_extend_deadline
from ..services.review import SCORING_OPEN, adjustment_add, indicator_override

NOT_FOUND = "未找到该考核周期，或您无权访问。"
IMPORT_SALT = "scoring.cycle_scheme_import"
IMPORT_MAX_AGE = 60 * 60  # seconds a previewed file may wait for confirmation
UPLOAD_MAX_BYTES = 2 * 1024 * 1024

TRANSITION_CONFIRM = {
    "open": "开启填报后，考核方案（分值、评分方法、指标文字）将冻结，并为各责任单位生成填报任务。"
    "确定开启填报吗？",
    "start_review": "进入评审后，各单位不能再提交（被退回或已延期的除外）。确定进入评审吗？",
    "publish": "发布后，各单位可以看到本单位得分，且不能再评分或调整。确定发布结果吗？",
    "archive": "归档后本周期只读。确定归档吗？",
}
INDICATOR_STATUS_LABELS = {
    calc.IndicatorStatus.SCORED: "已评分",
    calc.IndicatorStatus.PARTIAL: "部分评分",
    calc.IndicatorStatus.UNSCORED: "未评分",
    calc.IndicatorStatus.NA: "不适用",
    calc.IndicatorStatus.OVERRIDDEN: "已调整",
}


# --- access -----------------------------------------------------------------------------------


def _require_office(request) -> None:
    if not user_is_office(request.user):
        raise Http404(NOT_FOUND)


def _office_cycle(request, pk: int) -> Cycle:
    """A cycle for the office's pages and every change: the office only, else 404."""
    _require_office(request)
    return get_object_or_404(Cycle.objects.select_related("previous"), pk=pk)


def _reader_cycle(request, pk: int) -> Cycle:
    """A cycle whose results and comparison may be read: the office and leadership."""
    if not user_reads_everything(request.user):
        raise Http404(NOT_FOUND)
    return get_object_or_404(Cycle.objects.select_related("previous"), pk=pk)


def _form_errors(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


# --- formatting -------------------------------------------------------------------------------


def _num(value) -> str:
    """Decimal("5.00") → "5", "2.50" → "2.5"; None → "—"."""
    if value is None:
        return "—"
    return format(Decimal(value).normalize(), "f")


def _pct(rate: Decimal | None) -> str:
    return "—" if rate is None else f"{rate * 100:.2f}%"


def _status_label(value: str) -> str:
    return CycleStatus(value).label if value in CycleStatus.values else value


def _method_label(value: str) -> str:
    return ScoringMethod(value).label if value in ScoringMethod.values else value


def _event_summary(event) -> str:
    data = event.data or {}
    if event.from_status or event.to_status:
        parts = [s for s in (event.from_status, event.to_status) if s]
        moved = " → ".join(_status_label(s) for s in parts)
        if event.action == CycleAction.CREATED and data.get("previous"):
            return f"{moved}（复制自{data['previous']}）"
        return moved
    if event.action == CycleAction.SCHEME_CHANGED:
        if "indicator" in data:
            old, new = data.get("old", {}), data.get("new", {})
            parts = []
            if _num(old.get("points")) != _num(new.get("points")):
                parts.append(f"分值 {_num(old.get('points'))} → {_num(new.get('points'))}")
            if old.get("method") != new.get("method"):
                parts.append(
                    f"评分方法 {_method_label(old.get('method'))} → "
                    f"{_method_label(new.get('method'))}"
                )
            return f"指标 {data['indicator']}：{'，'.join(parts)}"
        if "grade_levels" in data:
            levels = data["grade_levels"]

            def shown(rows):
                return "、".join(f"{n} {_num(Decimal(s) * 100)}%" for n, s in rows) or "无"

            return f"评分档次：{shown(levels.get('old', []))} → {shown(levels.get('new', []))}"
        if "settings" in data:
            labels = {
                "total_points": "总分",
                "bonus_cap": "加分上限",
                "lead_weight": "牵头单位权重",
            }
            old, new = data["settings"].get("old", {}), data["settings"].get("new", {})
            return "；".join(
                f"{labels.get(k, k)} {_num(old.get(k)) if old.get(k) else '未设置'} → "
                f"{_num(new.get(k)) if new.get(k) else '未设置'}"
                for k in new
            )
    if event.action == CycleAction.INDICATOR_OVERRIDDEN:
        old = _num(data["old"]) if data.get("old") else "未调整"
        new = _num(data["new"]) if data.get("new") else "取消调整"
        return f"指标 {data.get('indicator')}：{old} → {new}"
    if event.action == CycleAction.ADJUSTMENT_ADDED:
        kind = data.get("kind")
        text = AdjustmentKind(kind).label if kind in AdjustmentKind.values else ""
        if kind == AdjustmentKind.BONUS:
            text += f" {_num(data.get('points'))} 分"
        if data.get("unit"):
            text += f"（单位：{data['unit']}）"
        return text
    return ""


# --- grouping by 一级 / 二级 ------------------------------------------------------------------


@dataclass
class Branch:
    number: int
    label: str
    total: object
    rows: list = field(default_factory=list)


@dataclass
class Trunk:
    number: int
    label: str
    total: object
    branches: list[Branch] = field(default_factory=list)


def _tree(rows, item_of, level1_totals, level2_totals) -> list[Trunk]:
    """Rows (in table order) under their 一级 and 二级, each with its total."""
    tree: list[Trunk] = []
    for row in rows:
        item = item_of(row)
        if not tree or tree[-1].number != item.level1_number:
            tree.append(
                Trunk(item.level1_number, item.level1_label, level1_totals[item.level1_number])
            )
        branches = tree[-1].branches
        if not branches or branches[-1].number != item.level2_number:
            branches.append(
                Branch(item.level2_number, item.level2_label, level2_totals[item.level2_number])
            )
        branches[-1].rows.append(row)
    return tree


# --- cycles -----------------------------------------------------------------------------------


def _list_context(create_form: CycleCreateForm) -> dict:
    cycles = list(Cycle.objects.select_related("previous"))
    counts: dict[int, Counter] = defaultdict(Counter)
    for row in Slot.objects.values("cycle_id", "status").annotate(n=Count("id")):
        counts[row["cycle_id"]][row["status"]] = row["n"]
    for cycle in cycles:
        tally = counts[cycle.pk]
        cycle.slot_total = sum(tally.values())
        cycle.slot_counts = [(s.value, s.label, tally.get(s.value, 0)) for s in SlotStatus]
    return {"cycles": cycles, "form": create_form, "slot_statuses": SlotStatus.choices}


def _create_initial() -> dict:
    latest = Cycle.objects.order_by("-year", "-id").first()
    if latest is None:
        return {}
    year = latest.year + 1
    return {"name": f"{year}年度", "year": year, "previous": latest.pk}


@login_required
@require_GET
def cycle_list(request):
    """考核周期: every cycle with its status, window and slots, and the form for a new one."""
    _require_office(request)
    form = CycleCreateForm(initial=_create_initial())
    return render(request, "scoring/cycles/list.html", _list_context(form))


@login_required
@require_POST
def cycle_create(request):
    _require_office(request)
    form = CycleCreateForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            cycle = cycle_services.cycle_create(
                name=data["name"],
                year=data["year"],
                opens_at=data["opens_at"],
                deadline=data["deadline"],
                previous=data["previous"],
                actor=request.user,
                ip=client_ip(request),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            copied = f"，已复制{data['previous'].name}的考核方案" if data["previous"] else ""
            messages.success(request, f"已创建考核周期“{cycle.name}”{copied}。")
            return redirect("scoring:cycle_detail", pk=cycle.pk)
    return render(request, "scoring/cycles/list.html", _list_context(form))


@login_required
@require_GET
def cycle_detail(request, pk: int):
    """A cycle's status and next step, its audit trail, and deadline extensions per unit."""
    cycle = _office_cycle(request, pk)
    slots = Slot.objects.filter(cycle=cycle)
    tally = Counter(slots.values_list("status", flat=True))
    extensions = (
        slots.filter(deadline_extension__isnull=False)
        .values("unit__name", "deadline_extension")
        .annotate(n=Count("id"))
        .order_by("unit__display_order", "unit__name", "deadline_extension")
    )
    transitions = [
        {"action": action, "label": label, "confirm": TRANSITION_CONFIRM[action]}
        for action, (source, _target, _audit, label) in CYCLE_TRANSITIONS.items()
        if source == cycle.status
    ]
    events = list(cycle.events.select_related("actor").order_by("-at", "-id"))
    for event in events:
        event.summary = _event_summary(event)
        event.from_label = _status_label(event.from_status) if event.from_status else ""
        event.to_label = _status_label(event.to_status) if event.to_status else ""
    context = {
        "cycle": cycle,
        "transitions": transitions,
        "slot_total": sum(tally.values()),
        "slot_counts": [(s.value, s.label, tally.get(s.value, 0)) for s in SlotStatus],
        "extensions": list(extensions),
        "extend_form": ExtendForm(cycle=cycle),
        "events": events,
        "totals": scheme_totals(cycle),
    }
    return render(request, "scoring/cycles/detail.html", context)


@login_required
@require_POST
def cycle_transition(request, pk: int):
    cycle = _office_cycle(request, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "操作无效，请刷新页面后重试。")
        return redirect("scoring:cycle_detail", pk=cycle.pk)
    action = form.cleaned_data["action"]
    label = CYCLE_TRANSITIONS[action][3]
    try:
        cycle_services.cycle_transition(
            cycle=cycle,
            action=action,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            ip=client_ip(request),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if action == "open":
            created = Slot.objects.filter(cycle=cycle).count()
            messages.success(request, f"已{label}，共 {created} 个填报任务。")
        else:
            messages.success(request, f"已{label}。")
    return redirect("scoring:cycle_detail", pk=cycle.pk)


@login_required
@require_POST
def cycle_extend(request, pk: int):
    """Extend the deadline of every slot of one unit in the cycle."""
    cycle = _office_cycle(request, pk)
    form = ExtendForm(request.POST, cycle=cycle)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(reverse("scoring:cycle_detail", args=[cycle.pk]) + "#extend")
    unit, until = form.cleaned_data["unit"], form.cleaned_data["until"]
    try:
        count = slots_extend_deadline(
            slots=list(Slot.objects.filter(cycle=cycle, unit=unit)),
            until=until,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            ip=client_ip(request),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        local = timezone.localtime(until)
        when = f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
        messages.success(request, f"已将{unit.name}的 {count} 个填报任务延期至 {when}。")
    return redirect(reverse("scoring:cycle_detail", args=[cycle.pk]) + "#extend")


# --- the scheme -------------------------------------------------------------------------------


def _scheme_items(cycle: Cycle) -> list[CycleIndicator]:
    return list(CycleIndicator.objects.filter(cycle=cycle).order_by("number"))


@login_required
@require_http_methods(["GET", "POST"])
def cycle_scheme(request, pk: int):
    """考核方案: 分值 and 评分方法 per indicator (editable while 准备中), totals, grade levels."""
    cycle = _office_cycle(request, pk)
    items = _scheme_items(cycle)
    form = SchemeForm(request.POST or None, items=items)
    if request.method == "POST":
        if form.is_valid():
            try:
                changed = scheme_items_update(
                    cycle=cycle, changes=form.changes(), actor=request.user, ip=client_ip(request)
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                if changed:
                    messages.success(request, f"已保存，修改了 {changed} 项指标。")
                else:
                    messages.info(request, "没有修改。")
            return redirect("scoring:cycle_scheme", pk=cycle.pk)
        messages.error(request, "填写有误，请按提示修改后再保存。未保存任何修改。")
    totals = scheme_totals(cycle, items)
    levels = list(cycle.grade_levels.all())
    context = {
        "cycle": cycle,
        "form": form,
        "frozen": cycle.scheme_is_frozen,
        "tree": _tree(form.rows(), lambda row: row[0], totals.level1, totals.level2),
        "totals": totals,
        "difference": totals.total - totals.expected,
        "levels": levels,
        "grade_form": GradeLevelsForm(levels=levels),
        "settings_form": CycleSettingsForm(
            initial={
                "total_points": cycle.total_points,
                "bonus_cap": cycle.bonus_cap,
                "lead_weight": cycle.lead_weight,
            }
        ),
    }
    return render(request, "scoring/cycles/scheme.html", context)


@login_required
@require_POST
def cycle_settings(request, pk: int):
    cycle = _office_cycle(request, pk)
    form = CycleSettingsForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            cycle_settings_update(
                cycle=cycle, actor=request.user, ip=client_ip(request), **form.cleaned_data
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已保存周期设置。")
    return redirect(reverse("scoring:cycle_scheme", args=[cycle.pk]) + "#settings")


@login_required
@require_POST
def cycle_grade_levels(request, pk: int):
    cycle = _office_cycle(request, pk)
    form = GradeLevelsForm(request.POST, levels=list(cycle.grade_levels.all()))
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            grade_levels_set(
                cycle=cycle, levels=form.levels(), actor=request.user, ip=client_ip(request)
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已保存评分档次。")
    return redirect(reverse("scoring:cycle_scheme", args=[cycle.pk]) + "#grades")


@login_required
@require_GET
def cycle_scheme_export(request, pk: int):
    cycle = _office_cycle(request, pk)
    return xlsx_response(
        scheme_workbook(cycle),
        filename=f"{cycle.name}考核方案.xlsx",
        fallback=f"scheme-{cycle.year}.xlsx",
    )


def _cell(value):
    """A cell as JSON can carry it between the preview and the confirmation."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _payload(cycle: Cycle, user, dataset) -> str:
    return signing.dumps(
        {
            "cycle": cycle.pk,
            "user": user.pk,
            "headers": [_cell(h) for h in dataset.headers],
            "rows": [[_cell(v) for v in row] for row in dataset],
        },
        salt=IMPORT_SALT,
        compress=True,
    )


def _dataset_from_payload(cycle: Cycle, user, payload: str) -> tablib.Dataset:
    try:
        data = signing.loads(payload, salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE)
    except signing.SignatureExpired:
        raise SheetFileError("预览已过期，请重新上传文件。") from None
    except signing.BadSignature:
        raise SheetFileError("导入数据无效，请重新上传文件。") from None
    if data.get("cycle") != cycle.pk or data.get("user") != user.pk:
        raise SheetFileError("导入数据无效，请重新上传文件。")
    return tablib.Dataset(*[tuple(r) for r in data["rows"]], headers=data["headers"])


@login_required
@require_http_methods(["GET", "POST"])
def cycle_scheme_import(request, pk: int):
    """Upload the scheme sheet: a dry run shows what would change, or every row error."""
    cycle = _office_cycle(request, pk)
    form = SchemeUploadForm(request.POST or None, request.FILES or None)
    context = {"cycle": cycle, "form": form, "frozen": cycle.scheme_is_frozen}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > UPLOAD_MAX_BYTES:
                raise SheetFileError("文件过大：考核方案文件不超过 2 MB。")
            dataset = dataset_from_xlsx(upload.read())
        except SheetFileError as exc:
            form.add_error("file", str(exc))
        else:
            preview = scheme_import(
                cycle=cycle,
                dataset=dataset,
                actor=request.user,
                ip=client_ip(request),
                dry_run=True,
            )
            context.update(
                preview=preview,
                filename=upload.name,
                payload=_payload(cycle, request.user, dataset) if preview.ok else "",
            )
    return render(request, "scoring/cycles/scheme_import.html", context)


@login_required
@require_POST
def cycle_scheme_import_confirm(request, pk: int):
    """Import the previewed sheet for real; any error writes nothing."""
    cycle = _office_cycle(request, pk)
    try:
        dataset = _dataset_from_payload(cycle, request.user, request.POST.get("payload", ""))
    except SheetFileError as exc:
        messages.error(request, str(exc))
        return redirect("scoring:cycle_scheme_import", pk=cycle.pk)
    outcome = scheme_import(
        cycle=cycle, dataset=dataset, actor=request.user, ip=client_ip(request), dry_run=False
    )
    if not outcome.ok:
        context = {
            "cycle": cycle,
            "form": SchemeUploadForm(),
            "frozen": cycle.scheme_is_frozen,
            "preview": outcome,
            "confirm_failed": True,
        }
        return render(request, "scoring/cycles/scheme_import.html", context)
    messages.success(request, f"已导入考核方案，修改了 {len(outcome.changes)} 项指标。")
    return redirect("scoring:cycle_scheme", pk=cycle.pk)


# --- comparison with the previous cycle --------------------------------------------------------


@dataclass
class Comparison:
    scheme: list = field(default_factory=list)  # (old item, new item) with points/method changed
    texts: list = field(default_factory=list)  # (item, [(label, old, new)])
    added: list = field(default_factory=list)  # items only in this cycle
    removed: list = field(default_factory=list)  # items only in the previous cycle
    level1: list = field(default_factory=list)  # (number, label, old, new, difference)
    total: tuple = ()
    settings: list = field(default_factory=list)  # (label, old, new)
    figures_added: list = field(default_factory=list)
    figures_removed: list = field(default_factory=list)
    figures_changed: list = field(default_factory=list)  # (field, [(label, old, new)])
    designations_added: list = field(default_factory=list)  # (number, unit name)
    designations_removed: list = field(default_factory=list)


TEXT_FIELDS = [("name", "三级指标"), ("content", "指标具体内涵"), ("responsibility", "责任单位")]
FIGURE_FIELDS = [
    ("label", "名称"),
    ("kind", "类型"),
    ("measure", "计量单位"),
    ("required", "必填"),
    ("numerator_code", "分子代码"),
    ("denominator_code", "分母代码"),
]


def _figure_value(spec: FigureField, name: str) -> str:
    if name == "kind":
        return spec.get_kind_display()
    if name == "required":
        return "是" if spec.required else "否"
    return getattr(spec, name) or "—"


def _compare(cycle: Cycle, previous: Cycle) -> Comparison:
    result = Comparison()
    new_items = {i.indicator_id: i for i in _scheme_items(cycle)}
    old_items = {i.indicator_id: i for i in _scheme_items(previous)}
    for key, new in new_items.items():
        old = old_items.get(key)
        if old is None:
            result.added.append(new)
            continue
        if old.points != new.points or old.method != new.method:
            result.scheme.append((old, new))
        texts = [
            (label, getattr(old, name), getattr(new, name))
            for name, label in TEXT_FIELDS
            if getattr(old, name) != getattr(new, name)
        ]
        if texts:
            result.texts.append((new, texts))
    result.removed = [i for key, i in old_items.items() if key not in new_items]

    new_totals = scheme_totals(cycle, list(new_items.values()))
    old_totals = scheme_totals(previous, list(old_items.values()))
    labels = {i.level1_number: i.level1_label for i in old_items.values()}
    labels.update({i.level1_number: i.level1_label for i in new_items.values()})
    for number in sorted(labels):
        old = old_totals.level1.get(number, Decimal(0))
        new = new_totals.level1.get(number, Decimal(0))
        result.level1.append((number, labels[number], old, new, new - old))
    result.total = (old_totals.total, new_totals.total, new_totals.total - old_totals.total)

    for label, old, new in (
        ("总分", previous.total_points, cycle.total_points),
        ("加分上限", previous.bonus_cap, cycle.bonus_cap),
        ("牵头单位权重", previous.lead_weight, cycle.lead_weight),
        (
            "评分档次",
            "、".join(str(g) for g in previous.grade_levels.all()),
            "、".join(str(g) for g in cycle.grade_levels.all()),
        ),
    ):
        if old != new:
            shown = [
                v if isinstance(v, str) else ("未设置" if v is None else _num(v))
                for v in (old, new)
            ]
            result.settings.append((label, *shown))

    def figures(c: Cycle) -> dict:
        return {
            (f.indicator_id, f.code): f
            for f in FigureField.objects.filter(cycle=c).select_related("indicator")
        }

    new_figures, old_figures = figures(cycle), figures(previous)
    result.figures_added = [f for k, f in new_figures.items() if k not in old_figures]
    result.figures_removed = [f for k, f in old_figures.items() if k not in new_figures]
    for key, new in new_figures.items():
        old = old_figures.get(key)
        if old is None:
            continue
        changes = [
            (label, _figure_value(old, name), _figure_value(new, name))
            for name, label in FIGURE_FIELDS
            if getattr(old, name) != getattr(new, name)
        ]
        if changes:
            result.figures_changed.append((new, changes))
    for lst in (result.figures_added, result.figures_removed):
        lst.sort(key=lambda f: (f.indicator.number, f.order, f.code))
    result.figures_changed.sort(key=lambda pair: (pair[0].indicator.number, pair[0].order))

    def designations(c: Cycle) -> dict:
        return {
            (d.indicator_id, d.unit_id): (d.indicator.number, d.unit.name)
            for d in c.designations.select_related("indicator", "unit")
        }

    new_designations, old_designations = designations(cycle), designations(previous)
    result.designations_added = sorted(
        v for k, v in new_designations.items() if k not in old_designations
    )
    result.designations_removed = sorted(
        v for k, v in old_designations.items() if k not in new_designations
    )
    return result


@login_required
@require_GET
def cycle_compare(request, pk: int):
    """What changed against the previous cycle: scheme, texts, totals, figures, designations."""
    cycle = _reader_cycle(request, pk)
    context = {
        "cycle": cycle,
        "previous": cycle.previous,
        "comparison": _compare(cycle, cycle.previous) if cycle.previous else None,
        "is_office": user_is_office(request.user),
    }
    return render(request, "scoring/cycles/compare.html", context)


# --- results ----------------------------------------------------------------------------------


@login_required
@require_GET
def cycle_results(request, pk: int):
    """Scores per indicator, 二级, 一级 and in total; bonus and vetoes; units by 得分率."""
    cycle = _reader_cycle(request, pk)
    results = scoring_results.cycle_results(cycle)
    for row in results.rows:
        row.status_label = INDICATOR_STATUS_LABELS[row.result.status]
    units = [
        {"rate": u, "pct": _pct(u.rate), "vetoes": results.unit_vetoes.get(u.unit, [])}
        for u in results.units
    ]
    district = [a for a in results.adjustments if a.unit_id is None]
    bonus_claimed = sum((a.points for a in district if a.kind == AdjustmentKind.BONUS), Decimal(0))
    is_office = user_is_office(request.user)
    can_adjust = is_office and cycle.status in SCORING_OPEN
    context = {
        "cycle": cycle,
        "results": results,
        "tree": _tree(
            results.rows,
            lambda row: row.item,
            results.rollup.level1,
            results.rollup.level2,
        ),
        "total": results.rollup.total,
        "total_pct": _pct(results.rollup.total.rate),
        "final": results.final,
        "bonus_claimed": bonus_claimed,
        "bonus_capped": bonus_claimed > results.final.bonus,
        "units": units,
        "is_office": is_office,
        "can_adjust": can_adjust,
        "override_form": OverrideForm(cycle=cycle) if can_adjust else None,
        "adjustment_form": AdjustmentForm(cycle=cycle) if can_adjust else None,
    }
    return render(request, "scoring/cycles/results.html", context)


@login_required
@require_POST
def cycle_override(request, pk: int):
    cycle = _office_cycle(request, pk)
    form = OverrideForm(request.POST, cycle=cycle)
    url = reverse("scoring:cycle_results", args=[cycle.pk])
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(url + "#override")
    item, score = form.cleaned_data["item"], form.cleaned_data["score"]
    try:
        indicator_override(
            item=item,
            score=score,
            reason=form.cleaned_data["reason"],
            actor=request.user,
            ip=client_ip(request),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(url + "#override")
    if score is None:
        messages.success(request, f"已取消指标 {item.number} 的得分调整。")
    else:
        messages.success(request, f"已将指标 {item.number} 的得分调整为 {_num(score)} 分。")
    return redirect(f"{url}#indicator-{item.number}")


@login_required
@require_POST
def cycle_adjustment(request, pk: int):
    cycle = _office_cycle(request, pk)
    form = AdjustmentForm(request.POST, cycle=cycle)
    url = reverse("scoring:cycle_results", args=[cycle.pk]) + "#adjustments"
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(url)
    data = form.cleaned_data
    try:
        adjustment = adjustment_add(
            cycle=cycle,
            kind=data["kind"],
            reason=data["reason"],
            points=data["points"],
            unit=data["unit"],
            actor=request.user,
            ip=client_ip(request),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已录入{adjustment.get_kind_display()}。")
    return redirect(url)
