"""The office administrator's read-only viewer of the security audit log, and its export."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from audit.exports import events_workbook
from audit.forms import AuditFilterForm
from audit.selectors import security_events
from common.http import client_ip
from common.signals import export_made
from common.xlsx import xlsx_response
from units.permissions import user_is_office

NOT_FOUND = "未找到该页面，或您无权访问。"
PAGE_SIZE = 50


def _require_office(user) -> None:
    # The log names every unit's people: the office (and administrators) alone, others a 404.
    if not user_is_office(user):
        raise Http404(NOT_FOUND)


def _filtered(request):
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        events = security_events(
            who=data["who"],
            action=data["action"],
            outcome=data["outcome"],
            unit=data["unit"],
            since=data["since"],
            until=data["until"],
        )
    elif form.is_bound:
        events = security_events().none()
    else:
        events = security_events()
    return form, events


@login_required
@require_GET
def event_list(request):
    _require_office(request.user)
    form, events = _filtered(request)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/event_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@login_required
@require_GET
def event_export(request):
    _require_office(request.user)
    form, events = _filtered(request)
    response = xlsx_response(
        events_workbook(events.iterator()),
        filename=f"安全审计记录_{timezone.localdate():%Y%m%d}.xlsx",
        fallback="security-audit.xlsx",
    )
    export_made.send(sender=None, kind="audit", user=request.user, ip=client_ip(request))
    return response
