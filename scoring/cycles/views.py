"""考核周期: the list, a new cycle, a cycle's status, transitions, timeline and extensions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from common.errors import DomainError
from common.formats import datetime_text
from common.forms import form_errors
from common.http import client_ip
from scoring.access import office_cycle, require_office
from scoring.cycles import services as cycle_services
from scoring.cycles.forms import CycleCreateForm, CycleDatesForm, ExtendForm, TransitionForm
from scoring.cycles.selectors import (
    cycle_events,
    cycle_extensions,
    cycle_next_initial,
    cycle_publication,
    cycle_unfinished,
    cycles_with_slot_counts,
    slot_status_counts,
)
from scoring.cycles.services import slots_extend_deadline
from scoring.models import Cycle, CycleStatus, Slot
from scoring.scheme.selectors import scheme_totals
from scoring.workflow import CYCLE_TRANSITIONS, CYCLE_TRANSITIONS_NEEDING_REASON

TRANSITION_CONFIRM = {
    "open": "开启填报后，考核方案（分值、评分方法、指标文字）将冻结，并为各责任单位生成填报任务。"
    "确定开启填报吗？",
    "start_review": "进入评审后，各单位不能再提交（被退回或已延期的除外）。确定进入评审吗？",
    "publish": "发布后，各单位可以看到本单位得分，且不能再评分或调整。确定发布结果吗？",
    "archive": "归档后本周期只读，不能再撤回发布或更正。确定归档吗？",
    "unpublish": "撤回后各单位暂时看不到得分，并会收到撤回通知；更正后须重新发布。确定撤回发布吗？",
}
PUBLISH_ANYWAY_CONFIRM = (
    "尚有 {n} 项未完成（{summary}）。仍然发布后，各单位立即收到通知并可看到得分，"
    "书面理由记入操作记录并显示在领导看板。确定仍然发布吗？"
)
START_REVIEW_EARLY_CONFIRM = (
    "填报截止时间（{deadline}）尚未到。以下单位还有未提交的任务：{units}。"
    "进入评审后这些单位不能再提交（被退回或已延期的除外）。确定提前进入评审吗？"
)


def _transitions(cycle: Cycle, unfinished) -> list[dict]:
    """The actions the cycle's status allows, each with the question it asks first."""
    rows = []
    for action, (source, _target, _audit, label) in CYCLE_TRANSITIONS.items():
        if source != cycle.status:
            continue
        row = {
            "action": action,
            "label": label,
            "confirm": TRANSITION_CONFIRM[action],
            "needs_reason": action in CYCLE_TRANSITIONS_NEEDING_REASON,
            "needs_override": False,
        }
        if action == "publish" and unfinished is not None and unfinished.total:
            row.update(
                label="仍然发布",
                needs_override=True,
                confirm=PUBLISH_ANYWAY_CONFIRM.format(
                    n=unfinished.total, summary=unfinished.summary
                ),
            )
        if action == "start_review" and timezone.now() < cycle.deadline and unfinished:
            names = unfinished.units_not_submitted()
            if names:
                row["confirm"] = START_REVIEW_EARLY_CONFIRM.format(
                    deadline=datetime_text(cycle.deadline), units="、".join(names)
                )
        rows.append(row)
    return rows


def _list_context(create_form: CycleCreateForm) -> dict:
    return {"cycles": cycles_with_slot_counts(), "form": create_form}


@login_required
@require_GET
def cycle_list(request):
    """考核周期: every cycle with its status, window and slots, and the form for a new one."""
    require_office(request)
    form = CycleCreateForm(initial=cycle_next_initial())
    return render(request, "scoring/cycles/list.html", _list_context(form))


@login_required
@require_POST
def cycle_create(request):
    require_office(request)
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
    cycle = office_cycle(request, pk)
    slot_total, slot_counts = slot_status_counts(cycle)
    unfinished = (
        cycle_unfinished(cycle=cycle)
        if cycle.status in (CycleStatus.OPEN, CycleStatus.REVIEWING)
        else None
    )
    transitions = _transitions(cycle, unfinished)
    context = {
        "cycle": cycle,
        "statuses": CycleStatus.choices,
        "transitions": transitions,
        "slot_total": slot_total,
        "slot_counts": slot_counts,
        "extensions": cycle_extensions(cycle),
        "extend_form": ExtendForm(cycle=cycle),
        "dates_form": CycleDatesForm(
            initial={
                "opens_at": timezone.localtime(cycle.opens_at),
                "deadline": timezone.localtime(cycle.deadline),
            }
        ),
        "events": cycle_events(cycle),
        "totals": scheme_totals(cycle),
        "unfinished": unfinished,
        "publication": cycle_publication(cycle=cycle),
    }
    return render(request, "scoring/cycles/detail.html", context)


@login_required
@require_POST
def cycle_transition(request, pk: int):
    cycle = office_cycle(request, pk)
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
            override_reason=form.cleaned_data["override_reason"],
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
    cycle = office_cycle(request, pk)
    form = ExtendForm(request.POST, cycle=cycle)
    if not form.is_valid():
        form_errors(request, form)
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
        messages.success(
            request, f"已将{unit.name}的 {count} 个填报任务延期至 {datetime_text(until)}。"
        )
    return redirect(reverse("scoring:cycle_detail", args=[cycle.pk]) + "#extend")


@login_required
@require_POST
def cycle_dates(request, pk: int):
    """Change the cycle's window (填报开始/截止时间) for everyone."""
    cycle = office_cycle(request, pk)
    form = CycleDatesForm(request.POST)
    url = reverse("scoring:cycle_detail", args=[cycle.pk]) + "#extend"
    if not form.is_valid():
        form_errors(request, form)
        return redirect(url)
    try:
        cycle_services.cycle_dates_update(
            cycle=cycle,
            opens_at=form.cleaned_data["opens_at"],
            deadline=form.cleaned_data["deadline"],
            actor=request.user,
            ip=client_ip(request),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"已修改填报时间，截止时间为 {datetime_text(form.cleaned_data['deadline'])}。",
        )
    return redirect(url)
