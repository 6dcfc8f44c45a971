"""The office's pages: the review queue, one submission's review page, and its actions.

Every view starts at the access gateway (units.permissions), hands a validated form to a
service in scoring.services.review, reports the outcome with django.contrib.messages and
redirects back to the review page, which then shows the new state.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import (
    Count,
)
from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET, require_POST

from common.errors import DomainError
from common.http import client_ip
from scoring.access import PAGE_NOT_FOUND, office_slot, require_office
from scoring.calculations import CENT
from scoring.cycles.selectors import cycle_current
from scoring.models import CycleIndicator, Slot, SlotStatus, SubmissionVersion
from scoring.results.figures import slot_is_overdue
from scoring.review.diff import text_diff_html
from scoring.review.forms import (
    ALL_STATUSES,
    ApproveForm,
    NotApplicableForm,
    ReturnForm,
    ScoreForm,
    form_errors,
)
from scoring.review.selectors import (
    Queue,
    queue_from_params,
    queue_neighbours,
    queue_slots,
)
from scoring.review.services import (
    SCORING_OPEN,
    ConcurrentChange,
    score_record,
    slot_mark_not_applicable,
    submission_approve,
    submission_return,
)
from scoring.submissions.figures import figure_rows
from scoring.submissions.selectors import slot_timeline, slot_versions
from scoring.workflow import check_allowed

PAGE_SIZE = 50


@login_required
@require_GET
def review_queue(request):
    """待审核: everything waiting for the office, oldest first, with counts per status."""
    require_office(request, message=PAGE_NOT_FOUND)
    queue = queue_from_params(request.GET, default_cycle=cycle_current())
    context = {"queue": queue, "form": queue.form, "counts": [], "page": None, "total": 0}
    if queue.cycle is not None:
        slots = queue_slots(request.user, queue.cycle).filter(queue.others)
        by_status = {
            row["status"]: row["n"]
            for row in slots.order_by().values("status").annotate(n=Count("pk"))
        }
        context["counts"] = [
            (
                s.value,
                s.label,
                by_status.get(s.value, 0),
                queue.query_with(status=s.value, page=None),
            )
            for s in SlotStatus
        ]
        context["total"] = sum(by_status.values())
        context["all_query"] = queue.query_with(status=ALL_STATUSES)
        page = Paginator(slots.filter(queue.status_q()), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        now = timezone.now()
        for slot in page:
            slot.is_overdue = slot_is_overdue(slot, now, deadline=slot.deadline_at)
            if slot.points is not None:
                # SQLite returns a subquery's decimal unquantized (1.18000000000000).
                slot.points = slot.points.quantize(CENT)
        context["page"] = page
    return render(request, "scoring/review_queue.html", context)


@dataclass
class VersionView:
    version: SubmissionVersion
    previous: SubmissionVersion | None
    diff: SafeString | None
    changed: bool


def _version_views(versions: list[SubmissionVersion]) -> list[VersionView]:
    """Newest first, each with its text compared to the version before it."""
    by_number = {v.number: v for v in versions}
    views = []
    for version in versions:
        previous = by_number.get(version.number - 1)
        diff = text_diff_html(previous.text, version.text) if previous else None
        views.append(
            VersionView(
                version=version,
                previous=previous,
                diff=diff,
                changed=previous is not None and previous.text != version.text,
            )
        )
    return views


def _expected(slot: Slot, queue: Queue) -> dict:
    return {
        "expected_status": slot.status,
        "expected_version": slot.current_version,
        "queue": queue.query,
    }


def _score_form(slot: Slot, item: CycleIndicator, data=None) -> ScoreForm:
    previous = slot.score_input if slot.score_input.get("method") == item.method else {}
    initial = {}
    if slot.score is not None:
        initial["comment"] = slot.score_comment
    if previous.get("grade"):
        initial["grade"] = previous["grade"]
    if previous.get("direct") is not None:
        initial["direct"] = previous["direct"]
    return ScoreForm(
        data,
        initial=initial,
        item=item,
        grade_levels=list(slot.cycle.grade_levels.all()),
        deductions=previous.get("deductions") or [],
    )


def _render_detail(request, slot: Slot, *, queue: Queue, bound: dict | None = None, status=200):
    """The review page; `bound` holds a submitted form to show again with what was typed."""
    bound = bound or {}
    item = CycleIndicator.objects.filter(cycle_id=slot.cycle_id, indicator_id=slot.indicator_id)
    item = item.first()
    versions = slot_versions(slot)
    current = next((v for v in versions if v.number == slot.current_version), None)
    initial = _expected(slot, queue)
    forms = {
        "approve_form": bound.get("approve") or ApproveForm(initial=initial),
        "return_form": bound.get("return") or ReturnForm(initial=initial),
        "na_form": bound.get("na") or NotApplicableForm(initial=initial),
        "score_form": None,
    }
    if item is not None:
        score_form = bound.get("score") or _score_form(slot, item)
        if not score_form.is_bound:
            score_form.initial.update(initial)
        forms["score_form"] = score_form
    position, next_pk, queue_size = queue_neighbours(request.user, slot, queue)
    scoring_open = slot.cycle.status in SCORING_OPEN
    context = {
        "slot": slot,
        "item": item,
        "current": current,
        "files": list(current.files.all()) if current else [],
        "figures": figure_rows(slot=slot, version=current) if current else [],
        "versions": _version_views(versions),
        "timeline": slot_timeline(slot),
        "grade_levels": list(slot.cycle.grade_levels.all()),
        "can_decide": check_allowed("approve", slot.status) is None,
        "can_score": scoring_open and slot.status == SlotStatus.APPROVED and item is not None,
        "can_mark_na": scoring_open,
        "scoring_open": scoring_open,
        "queue": queue,
        "position": position,
        "queue_size": queue_size,
        "next_pk": next_pk,
        **forms,
    }
    return render(request, "scoring/review_detail.html", context, status=status)


@login_required
@require_GET
def review_detail(request, pk: int):
    """One submission as the office reviews it: text, figures, evidence, versions, actions."""
    slot = office_slot(request, pk)
    queue = queue_from_params(request.GET, default_cycle=slot.cycle)
    return _render_detail(request, slot, queue=queue)


def _back(slot: Slot, queue: Queue) -> HttpResponseRedirect:
    url = reverse("scoring:review_detail", args=[slot.pk])
    return HttpResponseRedirect(f"{url}?{queue.query}" if queue.query else url)


def _posted_queue(request, slot: Slot) -> Queue:
    """The queue the reviewer came from, re-read through the filter form so that only known
    filters ever reach a redirect. A form posted without one goes back to the bare page."""
    raw = request.POST.get("queue", "")
    queue = queue_from_params(QueryDict(raw), default_cycle=slot.cycle)
    if not raw:
        queue.query = ""
    return queue


def _refused(request, slot: Slot, queue: Queue, form, key: str, exc: DomainError | None = None):
    """A refused action: a changed submission is shown afresh; other problems keep the input."""
    if isinstance(exc, ConcurrentChange):
        messages.error(request, exc.message)
        return _back(slot, queue)
    for line in [exc.message] if exc else form_errors(form):
        messages.error(request, line)
    slot.refresh_from_db()
    return _render_detail(request, slot, queue=queue, bound={key: form})


@login_required
@require_POST
def review_approve(request, pk: int):
    slot = office_slot(request, pk)
    queue = _posted_queue(request, slot)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        return _refused(request, slot, queue, form, "approve")
    try:
        submission_approve(
            slot=slot,
            actor=request.user,
            expected_status=form.cleaned_data["expected_status"],
            expected_version=form.cleaned_data["expected_version"],
            ip=client_ip(request),
        )
    except DomainError as exc:
        return _refused(request, slot, queue, form, "approve", exc)
    messages.success(request, f"已审核通过第 {slot.current_version} 版。")
    return _back(slot, queue)


@login_required
@require_POST
def review_return(request, pk: int):
    slot = office_slot(request, pk)
    queue = _posted_queue(request, slot)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return _refused(request, slot, queue, form, "return")
    try:
        submission_return(
            slot=slot,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            expected_status=form.cleaned_data["expected_status"],
            expected_version=form.cleaned_data["expected_version"],
            ip=client_ip(request),
        )
    except DomainError as exc:
        return _refused(request, slot, queue, form, "return", exc)
    messages.success(request, "已退回修改，单位将看到退回原因。")
    return _back(slot, queue)


@login_required
@require_POST
def review_score(request, pk: int):
    slot = office_slot(request, pk)
    queue = _posted_queue(request, slot)
    item = CycleIndicator.objects.filter(cycle_id=slot.cycle_id, indicator_id=slot.indicator_id)
    item = item.first()
    if item is None:
        messages.error(request, "本周期考核方案中没有该指标，不能评分。")
        return _back(slot, queue)
    form = _score_form(slot, item, data=request.POST)
    if not form.is_valid():
        return _refused(request, slot, queue, form, "score")
    try:
        scored = score_record(
            slot=slot,
            actor=request.user,
            comment=form.cleaned_data["comment"],
            expected_version=form.cleaned_data["expected_version"],
            ip=client_ip(request),
            **form.score_inputs(),
        )
    except DomainError as exc:
        return _refused(request, slot, queue, form, "score", exc)
    messages.success(request, f"已评分：{scored.score} 分（分值 {item.points} 分）。")
    return _back(slot, queue)


@login_required
@require_POST
def review_mark_na(request, pk: int):
    slot = office_slot(request, pk)
    queue = _posted_queue(request, slot)
    form = NotApplicableForm(request.POST)
    if not form.is_valid():
        return _refused(request, slot, queue, form, "na")
    try:
        slot_mark_not_applicable(
            slot=slot,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            expected_status=form.cleaned_data["expected_status"],
            expected_version=form.cleaned_data["expected_version"],
            ip=client_ip(request),
        )
    except DomainError as exc:
        return _refused(request, slot, queue, form, "na", exc)
    messages.success(request, "已标记为不适用，本项不计入该单位应得分。")
    return _back(slot, queue)
