"""The unit's pages: my tasks, the submission page, versions, files, and the unit approver."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.errors import DomainError
from common.http import client_ip
from scoring.access import (
    NOT_FOUND,
    slot_get_for_user,
    slot_is_writable_by,
    user_is_unit_approver,
    user_reads_everything,
    user_unit,
    version_get_for_user,
)
from scoring.cycles.selectors import cycle_current
from scoring.evidence.forms import EvidenceUploadForm
from scoring.evidence.services import evidence_oversized_message, max_submission_size
from scoring.evidence.validation import EvidencePolicy
from scoring.models import EventAction, SlotStatus
from scoring.submissions.figures import figure_fields_for_slot, figure_rows
from scoring.submissions.forms import ReasonForm, SubmissionForm
from scoring.submissions.selectors import (
    days_left,
    self_score_max,
    slot_draft_files,
    slot_timeline,
    slot_version_list,
    slots_awaiting_unit_approval,
    task_list,
)
from scoring.submissions.services import (
    submission_forward,
    submission_save_draft,
    submission_submit,
    submission_unit_return,
    submission_window_problem,
)
from scoring.workflow import RETURN_REASON_REQUIRED


@login_required
@require_GET
def tasks(request):
    """我的任务: the unit's slots in the current cycle, grouped by 一级/二级 indicator."""
    unit = user_unit(request.user)
    if unit is None:
        raise Http404("您的账号未关联责任单位。")
    cycle = cycle_current()
    status = request.GET.get("status", "")
    if status not in SlotStatus.values:
        status = ""
    context = {"unit": unit, "cycle": cycle, "status": status, "groups": [], "counts": []}
    if cycle is not None:
        tasks = task_list(unit=unit, cycle=cycle, status=status)
        context.update(
            counts=tasks.counts,
            total=tasks.total,
            groups=tasks.groups,
            deadline_days=days_left(cycle.deadline),
        )
    return render(request, "scoring/tasks.html", context)


def _submission_form(request, slot, fields, figures):
    maximum = self_score_max(slot=slot)
    if request.method == "POST":
        return SubmissionForm(request.POST, figure_fields=fields, self_score_max=maximum)
    initial = {
        "text": slot.text,
        "self_score": slot.self_score,
        "revision": slot.revision,
        "token": uuid.uuid4().hex,
    }
    for row in figures:
        if not row.field.is_computed and row.value is not None:
            initial[f"fig_{row.field.pk}"] = row.value
    return SubmissionForm(initial=initial, figure_fields=fields, self_score_max=maximum)


@login_required
@require_http_methods(["GET", "POST"])
def slot_detail(request, pk: int):
    """The submission page. POST saves the draft (action=save) or submits it (action=submit)."""
    slot = slot_get_for_user(user=request.user, pk=pk, write=request.method == "POST")
    writable = slot_is_writable_by(user=request.user, slot=slot)
    # Read the figures once: a GET shows them and fills the form with them (one row per field,
    # in order); a POST needs only the fields, and a refused one shows the unchanged figures.
    if request.method == "POST":
        fields = figure_fields_for_slot(slot)
        figures = None
    else:
        figures = figure_rows(slot=slot)
        fields = [row.field for row in figures]
    form = _submission_form(request, slot, fields, figures or [])
    upload_form = EvidenceUploadForm()
    if request.method == "POST":
        if not slot.is_editable and request.POST.get("action") != "submit":
            messages.error(request, "当前状态不能修改。")
            return redirect("scoring:slot_detail", pk=slot.pk)
        if form.is_valid():
            try:
                if request.POST.get("action") == "submit":
                    version = submission_submit(
                        slot=slot,
                        actor=request.user,
                        expected_revision=form.cleaned_data["revision"],
                        draft=form.draft(),
                        token=form.cleaned_data["token"],
                        ip=client_ip(request),
                    )
                    messages.success(request, f"已提交第 {version.number} 版。")
                else:
                    submission_save_draft(
                        slot=slot,
                        actor=request.user,
                        draft=form.draft(),
                        expected_revision=form.cleaned_data["revision"],
                        ip=client_ip(request),
                    )
                    messages.success(request, "草稿已保存。")
                return redirect("scoring:slot_detail", pk=slot.pk)
            except DomainError as exc:
                slot.refresh_from_db(fields=["status"])
                if not slot.is_editable:
                    # No form is shown for a slot that is no longer a draft: say it above.
                    messages.error(request, exc.message)
                    return redirect("scoring:slot_detail", pk=slot.pk)
                form.add_error(None, exc.message)
        else:
            form.add_error(None, "填写内容有误，请按提示修改后再保存。")
    if figures is None:
        figures = figure_rows(slot=slot)
    # A unit learns its scores and the office's comments only once results are published.
    timeline = slot_timeline(
        slot,
        include_scoring=user_reads_everything(request.user) or slot.cycle.results_are_published,
    )
    returns = [e for e in timeline if e.action in (EventAction.RETURNED, EventAction.UNIT_RETURNED)]
    max_file = EvidencePolicy.from_settings().max_file_size
    context = {
        "returned_by_office_last": bool(returns) and returns[-1].action == EventAction.RETURNED,
        "slot": slot,
        "form": form,
        "figure_inputs": [
            (row, None if row.field.is_computed else form[f"fig_{row.field.pk}"]) for row in figures
        ],
        "upload_form": upload_form,
        "writable": writable and slot.is_editable,
        "is_approver": user_is_unit_approver(request.user, slot.unit),
        "reason_form": ReasonForm(),
        "window_problem": submission_window_problem(slot=slot),
        "figures": figures,
        "draft_files": slot_draft_files(slot),
        "versions": slot_version_list(slot),
        "timeline": timeline,
        "max_submission_mb": max_submission_size() // (1024 * 1024),
        # The page's script refuses an oversized file before sending it, with the server's words.
        "max_file_bytes": max_file,
        "max_file_mb": max_file // (1024 * 1024),
        "too_big_message": evidence_oversized_message("{name}"),
        "days_left": days_left(slot.effective_deadline),
    }
    return render(request, "scoring/slot_detail.html", context, status=200)


@login_required
@require_GET
def version_detail(request, pk: int, number: int):
    version = version_get_for_user(user=request.user, slot_pk=pk, number=number)
    context = {
        "slot": version.slot,
        "version": version,
        "figures": figure_rows(slot=version.slot, version=version),
        "files": list(version.files.order_by("id")),
    }
    return render(request, "scoring/version_detail.html", context)


def _approver_slot(request, pk: int):
    slot = slot_get_for_user(user=request.user, pk=pk, write=True)
    if not user_is_unit_approver(request.user, slot.unit):
        raise Http404(NOT_FOUND)
    return slot


@login_required
@require_POST
def slot_forward(request, pk: int):
    slot = _approver_slot(request, pk)
    try:
        submission_forward(slot=slot, actor=request.user, ip=client_ip(request))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已审核通过并报送区产改办。")
    return redirect("scoring:approvals")


@login_required
@require_POST
def slot_unit_return(request, pk: int):
    slot = _approver_slot(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, RETURN_REASON_REQUIRED)
        return redirect("scoring:slot_detail", pk=slot.pk)
    try:
        submission_unit_return(
            slot=slot, actor=request.user, reason=form.cleaned_data["reason"], ip=client_ip(request)
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已退回填报人修改。")
    return redirect("scoring:approvals")


@login_required
@require_GET
def approvals(request):
    """The unit approver's queue: submissions waiting for sign-off."""
    unit = user_unit(request.user)
    if unit is None or not user_is_unit_approver(request.user, unit):
        raise Http404("您不是单位审核人。")
    slots = list(slots_awaiting_unit_approval(unit=unit))
    return render(request, "scoring/approvals.html", {"unit": unit, "slots": slots})
