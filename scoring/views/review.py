"""The office's pages: the review queue, one submission's review page, and its actions.

Every view starts at the access gateway (units.permissions), hands a validated form to a
service in scoring.services.review, reports the outcome with django.contrib.messages and
redirects back to the review page, which then shows the new state.
"""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.http import Http404, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_POST

from common.http import client_ip
from units.permissions import slot_get_for_user, slots_visible_to, user_is_office

from .. import selectors
from ..calculations import CENT
from ..errors import DomainError
from ..forms_review import (
    ALL_STATUSES,
    ApproveForm,
    NotApplicableForm,
    QueueFilterForm,
    ReturnForm,
    ScoreForm,
    default_status,
    form_errors,
    queue_filter_form,
)
from ..models import (
    Cycle,
    CycleIndicator,
    EventAction,
    Slot,
    SlotStatus,
    SubmissionEvent,
    SubmissionVersion,
)
from ..services.review import (
    SCORING_OPEN,
    ConcurrentChange,
    score_record,
    slot_mark_not_applicable,
    submission_approve,
    submission_return,
)
from ..workflow import check_allowed

PAGE_SIZE = 50
# A slot waits for the office from its latest submit (no unit approver) or sign-off (approver).
WAITING_SINCE = (EventAction.SUBMITTED, EventAction.FORWARDED)
# A slot is overdue when its deadline passed before it reached the office.
REACHED_OFFICE = (SlotStatus.SUBMITTED, SlotStatus.APPROVED)
NOT_FOUND = "未找到该页面。"


def _office_only(request) -> None:
    """The review pages do not exist for anyone but the office (404, as for another unit)."""
    if not user_is_office(request.user):
        raise Http404(NOT_FOUND)


def _office_slot(request, pk: int) -> Slot:
    _office_only(request)
    return slot_get_for_user(user=request.user, pk=pk)


# --- the queue ---------------------------------------------------------------------------------


@dataclass
class Queue:
    """The filters as applied: the cycle, the status ("all" for any) and the rest as a Q."""

    form: QueueFilterForm
    cycle: Cycle | None
    status: str
    others: Q
    overdue: bool
    query: str  # the canonical query string, carried to the review page and back

    def status_q(self) -> Q:
        return Q() if self.status == ALL_STATUSES else Q(status=self.status)

    def query_with(self, **changes) -> str:
        params = QueryDict(self.query, mutable=True)
        for key, value in changes.items():
            params.pop(key, None)
            if value not in (None, ""):
                params[key] = value
        return params.urlencode()


def _queue(params: QueryDict, *, default_cycle: Cycle | None) -> Queue:
    form = queue_filter_form(params, default_cycle=default_cycle)
    form.is_valid()  # an invalid filter is dropped, the others still apply
    data = form.cleaned_data
    cycle = data.get("cycle") or default_cycle
    overdue = bool(data.get("overdue"))
    status = data.get("status") or default_status(overdue=overdue)
    others = Q()
    query = {"cycle": cycle.pk if cycle else "", "status": status}
    if data.get("unit"):
        others &= Q(unit=data["unit"])
        query["unit"] = data["unit"].pk
    if data.get("level1"):
        others &= Q(indicator__level2__level1=data["level1"])
        query["level1"] = data["level1"].pk
    if data.get("level2"):
        others &= Q(indicator__level2=data["level2"])
        query["level2"] = data["level2"].pk
    if overdue:
        others &= Q(deadline_at__lt=timezone.now()) & ~Q(status__in=REACHED_OFFICE)
        query["overdue"] = "1"
    return Queue(
        form=form,
        cycle=cycle,
        status=status,
        others=others,
        overdue=overdue,
        query=urlencode({k: v for k, v in query.items() if v != ""}),
    )


def _queue_slots(user, cycle: Cycle) -> QuerySet[Slot]:
    """The cycle's slots annotated for the queue, oldest wait first (never-submitted last)."""
    waiting_since = (
        SubmissionEvent.objects.filter(slot=OuterRef("pk"), action__in=WAITING_SINCE)
        .order_by("-at", "-id")
        .values("at")[:1]
    )
    points = CycleIndicator.objects.filter(
        cycle_id=OuterRef("cycle_id"), indicator_id=OuterRef("indicator_id")
    ).values("points")[:1]
    return (
        slots_visible_to(user)
        .filter(cycle=cycle)
        .annotate(
            waiting_since=Subquery(waiting_since),
            points=Subquery(points),
            deadline_at=Case(
                When(deadline_extension__gt=F("cycle__deadline"), then=F("deadline_extension")),
                default=F("cycle__deadline"),
            ),
        )
        .order_by(
            F("waiting_since").asc(nulls_last=True),
            "indicator__number",
            "unit__display_order",
            "pk",
        )
    )


@login_required
@require_GET
def review_queue(request):
    """待审核: everything waiting for the office, oldest first, with counts per status."""
    _office_only(request)
    queue = _queue(request.GET, default_cycle=selectors.cycle_current())
    context = {"queue": queue, "form": queue.form, "counts": [], "page": None, "total": 0}
    if queue.cycle is not None:
        slots = _queue_slots(request.user, queue.cycle).filter(queue.others)
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
            slot.is_overdue = slot.deadline_at < now and slot.status not in REACHED_OFFICE
            if slot.points is not None:
                # SQLite returns a subquery's decimal unquantized (1.18000000000000).
                slot.points = slot.points.quantize(CENT)
        context["page"] = page
    return render(request, "scoring/review_queue.html", context)


def _neighbours(user, slot: Slot, queue: Queue) -> tuple[int | None, int | None, int]:
    """(position of the slot in the queue or None, the next slot's pk, queue length).

    The slot keeps its place in the ordering even after it has left the filter (approved a
    moment ago), so 下一项 continues from where the reviewer is.
    """
    if queue.cycle is None:
        return None, None, 0
    listed = queue.status_q() & queue.others
    rows = list(
        _queue_slots(user, queue.cycle)
        .filter(listed | Q(pk=slot.pk))
        .annotate(listed=ExpressionWrapper(listed, output_field=BooleanField()))
        .values_list("pk", "listed")
    )
    pks = [pk for pk, _ in rows]
    size = sum(1 for _, is_listed in rows if is_listed)
    if slot.pk not in pks:
        return None, (pks[0] if pks else None), size
    index = pks.index(slot.pk)
    position = index + 1 if rows[index][1] else None
    return position, (pks[index + 1] if index + 1 < len(pks) else None), size


# --- text differences --------------------------------------------------------------------------

# Chinese has no spaces between words: align sentence by sentence, then character by character
# inside the sentences that changed.
_SENTENCE = re.compile(r"[^。！？；!?;\n]*[。！？；!?;\n]|[^。！？；!?;\n]+")
# Above this size a changed passage is shown as removed and added whole (quadratic matching).
_CHAR_DIFF_LIMIT = 3000
# Below this similarity a character diff is noise (common characters matched at random).
_CHAR_DIFF_MIN_RATIO = 0.4


def text_diff(old: str, new: str) -> list[tuple[str, str]]:
    """[(op, text)] with op "equal", "delete" or "insert", adjacent runs merged."""
    a, b = _SENTENCE.findall(old), _SENTENCE.findall(new)
    out: list[tuple[str, str]] = []

    def add(op: str, text: str) -> None:
        if not text:
            return
        if out and out[-1][0] == op:
            out[-1] = (op, out[-1][1] + text)
        else:
            out.append((op, text))

    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        before, after = "".join(a[i1:i2]), "".join(b[j1:j2])
        if tag == "equal":
            add("equal", before)
            continue
        matcher = None
        if tag == "replace" and len(before) + len(after) <= _CHAR_DIFF_LIMIT:
            matcher = SequenceMatcher(None, before, after, autojunk=False)
            if matcher.ratio() < _CHAR_DIFF_MIN_RATIO:
                matcher = None
        if matcher is None:
            add("delete", before)
            add("insert", after)
            continue
        for op, k1, k2, l1, l2 in matcher.get_opcodes():
            if op == "equal":
                add("equal", before[k1:k2])
            else:
                add("delete", before[k1:k2])
                add("insert", after[l1:l2])
    return out


def text_diff_html(old: str, new: str) -> SafeString:
    """The difference as HTML: removed text in <del>, added text in <ins>, all of it escaped."""
    tags = {"delete": "del", "insert": "ins"}
    parts = []
    for op, text in text_diff(old, new):
        escaped = escape(text)
        parts.append(f"<{tags[op]}>{escaped}</{tags[op]}>" if op in tags else escaped)
    return mark_safe("".join(parts))  # noqa: S308 - every piece of user text is escaped above


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


# --- the review page ---------------------------------------------------------------------------


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
    versions = selectors.slot_versions(slot)
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
    position, next_pk, queue_size = _neighbours(request.user, slot, queue)
    scoring_open = slot.cycle.status in SCORING_OPEN
    context = {
        "slot": slot,
        "item": item,
        "current": current,
        "files": list(current.files.all()) if current else [],
        "figures": selectors.figure_rows(slot=slot, version=current) if current else [],
        "versions": _version_views(versions),
        "timeline": selectors.slot_timeline(slot),
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
    slot = _office_slot(request, pk)
    queue = _queue(request.GET, default_cycle=slot.cycle)
    return _render_detail(request, slot, queue=queue)


# --- actions -----------------------------------------------------------------------------------


def _back(slot: Slot, queue: Queue) -> HttpResponseRedirect:
    url = reverse("scoring:review_detail", args=[slot.pk])
    return HttpResponseRedirect(f"{url}?{queue.query}" if queue.query else url)


def _posted_queue(request, slot: Slot) -> Queue:
    """The queue the reviewer came from, re-read through the filter form so that only known
    filters ever reach a redirect. A form posted without one goes back to the bare page."""
    raw = request.POST.get("queue", "")
    queue = _queue(QueryDict(raw), default_cycle=slot.cycle)
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
    slot = _office_slot(request, pk)
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
    slot = _office_slot(request, pk)
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
    slot = _office_slot(request, pk)
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
    slot = _office_slot(request, pk)
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
