"""The office's pages: the review queue, one submission's review page, and its actions.

Every view starts at the access gateway (units.permissions), hands a validated form to a
service in scoring.services.review, reports the outcome with django.contrib.messages and
redirects back to the review page, which then shows the new state.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from common.errors import DomainError
from common.http import client_ip
from scoring.access import PAGE_NOT_FOUND, office_slot, require_office
from scoring.cycles.selectors import cycle_current
from scoring.models import Slot, SlotStatus
from scoring.review.forms import (
    ALL_STATUSES,
    ApproveForm,
    ExpectedStateForm,
    NotApplicableForm,
    ReturnForm,
    review_form_error_lines,
    score_form_for,
)
from scoring.review.selectors import (
    Queue,
    queue_from_params,
    queue_neighbours,
    queue_rows,
    queue_slots,
    queue_status_counts,
    review_versions,
    version_views,
)
from scoring.review.services import (
    NOT_IN_SCHEME,
    ConcurrentChange,
    score_record,
    slot_mark_not_applicable,
    submission_approve,
    submission_return,
)
from scoring.scheme.selectors import scheme_row_for_slot
from scoring.submissions.figures import figure_rows
from scoring.submissions.selectors import slot_timeline
from scoring.workflow import SCORING_OPEN, check_allowed

PAGE_SIZE = 50


@login_required
@require_GET
def review_queue(request):
    """待审核: everything waiting for the office, oldest first, with counts per status."""
    require_office(request, message=PAGE_NOT_FOUND)
    queue = queue_from_params(request.GET, default_cycle=cycle_current())
    context = {
        "queue": queue,
        "form": queue.form,
        "counts": [],
        "page": None,
        "rows": [],
        "total": 0,
    }
    if queue.cycle is not None:
        slots = queue_slots(request.user, queue.cycle).filter(queue.others)
        by_status = queue_status_counts(slots)
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
        paginator = Paginator(slots.filter(queue.status_q()), PAGE_SIZE)
        # The per-status counts above are over the same filters: the pager's 共 N 项 is one of
        # them (or their sum), not a second COUNT of the same rows.
        paginator.count = (
            context["total"] if queue.status == ALL_STATUSES else by_status.get(queue.status, 0)
        )
        page = paginator.get_page(request.GET.get("page"))
        context["page"] = page
        context["rows"] = queue_rows(page.object_list, now=timezone.now())
    return render(request, "scoring/review_queue.html", context)


def _expected(slot: Slot, queue: Queue) -> dict:
    return ExpectedStateForm.initial_for(slot, queue=queue.query)


def _render_detail(request, slot: Slot, *, queue: Queue, bound: dict | None = None, status=200):
    """The review page; `bound` holds a submitted form to show again with what was typed."""
    bound = bound or {}
    item = scheme_row_for_slot(slot)
    versions = review_versions(slot)
    current = next((v for v in versions if v.number == slot.current_version), None)
    initial = _expected(slot, queue)
    forms = {
        "approve_form": bound.get("approve") or ApproveForm(initial=initial),
        "return_form": bound.get("return") or ReturnForm(initial=initial),
        "na_form": bound.get("na") or NotApplicableForm(initial=initial),
        "score_form": None,
    }
    if item is not None:
        forms["score_form"] = bound.get("score") or score_form_for(slot, item, queue=queue.query)
    position, next_pk, queue_size = queue_neighbours(request.user, slot, queue)
    scoring_open = slot.cycle.status in SCORING_OPEN
    context = {
        "slot": slot,
        "item": item,
        "current": current,
        "files": list(current.files.select_related("preview").order_by("id")) if current else [],
        "figures": figure_rows(slot=slot, version=current) if current else [],
        "versions": version_views(versions),
        "timeline": slot_timeline(slot),
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
    for line in [exc.message] if exc else review_form_error_lines(form):
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
            **form.expected_state(),
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
            **form.expected_state(),
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
    item = scheme_row_for_slot(slot)
    if item is None:
        messages.error(request, NOT_IN_SCHEME)
        return _back(slot, queue)
    form = score_form_for(slot, item, data=request.POST)
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
            **form.expected_state(),
            ip=client_ip(request),
        )
    except DomainError as exc:
        return _refused(request, slot, queue, form, "na", exc)
    messages.success(request, "已标记为不适用，本项不计入该单位应得分。")
    return _back(slot, queue)
