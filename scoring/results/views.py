"""考核结果: scores, subtotals, bonus, vetoes and unit ranking; overrides and adjustments."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET, require_POST

from common.errors import DomainError
from common.formats import num, pct
from common.forms import form_errors
from common.http import client_ip
from scoring.access import office_cycle, reader_cycle, user_is_office
from scoring.models import Adjustment, AdjustmentKind
from scoring.results import figures
from scoring.results.forms import AdjustmentForm, OverrideForm
from scoring.results.services import adjustment_add, indicator_override
from scoring.results.summary import cycle_summary, summary_units
from scoring.scheme.selectors import tree
from scoring.workflow import SCORING_OPEN

UNITS_PER_PAGE = 20


@login_required
@require_GET
def cycle_results(request, pk: int):
    """Scores per indicator, 二级, 一级 and in total; bonus and vetoes; units by 得分率.

    Every number comes from the cycle's stored roll-up (scoring.results.summary); the 80
    indicator rows are shown whole, the units a page at a time (?page=), searched by name
    (?q=), so the page costs the same whatever the number of units.
    """
    cycle = reader_cycle(request, pk)
    summary = cycle_summary(cycle)
    q = request.GET.get("q", "")[:50].strip()
    unit_page = summary_units(
        summary, page=request.GET.get("page", 1), per_page=UNITS_PER_PAGE, q=q
    )
    units = [
        {
            "rate": u.rate,
            "pct": u.score.rate_scored_text,
            "rank": figures.rank_text(u.rate.rank, complete=summary.complete),
            "vetoes": u.vetoes,
        }
        for u in unit_page.lines
    ]
    adjustments = list(Adjustment.objects.filter(cycle=cycle).select_related("unit", "created_by"))
    district = [a for a in adjustments if a.unit_id is None]
    bonus_claimed = sum((a.points for a in district if a.kind == AdjustmentKind.BONUS), Decimal(0))
    is_office = user_is_office(request.user)
    can_adjust = is_office and cycle.status in SCORING_OPEN
    context = {
        "cycle": cycle,
        "results": summary,
        "adjustments": adjustments,
        # Built only when the indicator table is rendered, not taken from its fragment cache.
        "tree": SimpleLazyObject(
            lambda: tree(
                summary.rows,
                lambda row: row.item,
                summary.rollup.level1,
                summary.rollup.level2,
            )
        ),
        "total": summary.rollup.total,
        "total_pct": pct(summary.rollup.total.rate),
        "score": summary.score,
        "final": summary.final,
        "bonus_claimed": bonus_claimed,
        "bonus_capped": bonus_claimed > summary.final.bonus,
        "units": units,
        "unit_page": unit_page,
        "unit_count": summary.unit_count,
        "q": q,
        "is_office": is_office,
        "can_adjust": can_adjust,
        "override_form": OverrideForm(cycle=cycle) if can_adjust else None,
        "adjustment_form": AdjustmentForm(cycle=cycle) if can_adjust else None,
    }
    return render(request, "scoring/cycles/results.html", context)


@login_required
@require_POST
def cycle_override(request, pk: int):
    cycle = office_cycle(request, pk)
    form = OverrideForm(request.POST, cycle=cycle)
    url = reverse("scoring:cycle_results", args=[cycle.pk])
    if not form.is_valid():
        form_errors(request, form)
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
        messages.success(request, f"已将指标 {item.number} 的得分调整为 {num(score)} 分。")
    return redirect(f"{url}#indicator-{item.number}")


@login_required
@require_POST
def cycle_adjustment(request, pk: int):
    cycle = office_cycle(request, pk)
    form = AdjustmentForm(request.POST, cycle=cycle)
    url = reverse("scoring:cycle_results", args=[cycle.pk]) + "#adjustments"
    if not form.is_valid():
        form_errors(request, form)
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
