"""Download of a cycle's summary workbook: the office and leadership only."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from common.http import client_ip
from common.xlsx import xlsx_response
from reports.exporters import summary_allowed, summary_filename, summary_workbook
from reports.models import ExportKind
from reports.services import export_record
from scoring.access import CYCLE_NOT_FOUND
from scoring.models import Cycle


@login_required
@require_GET
def summary_download(request, cycle_pk: int):
    # Everyone else gets the same 404 as for a cycle that does not exist.
    if not summary_allowed(request.user):
        raise Http404(CYCLE_NOT_FOUND)
    cycle = get_object_or_404(Cycle, pk=cycle_pk)
    workbook = summary_workbook(cycle=cycle, user=request.user)
    export_record(
        kind=ExportKind.SUMMARY,
        user=request.user,
        cycle_name=cycle.name,
        detail={"via": "download", "published": cycle.results_are_published},
        ip=client_ip(request),
    )
    filename, fallback = summary_filename(cycle)
    return xlsx_response(workbook, filename=filename, fallback=fallback)
