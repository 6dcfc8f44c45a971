"""领导看板, the evidence package and the year-over-year comparison.

Who may see what is decided by units.permissions: the dashboard and the comparison are for
the office and leadership (user_reads_everything), the evidence package for the office alone.
Anyone else gets a 404, as for any object they cannot reach.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET

from common.http import client_ip, content_disposition
from common.xlsx import xlsx_response
from reports import comparison, comparison_sheets, selectors
from reports import evidence_zip as package_zip
from reports.dashboard_charts import dashboard_charts
from reports.models import ExportKind
from reports.services import export_record
from scoring.access import require_office, require_reader, user_is_office
from scoring.cycles.selectors import cycle_current, cycle_publication
from scoring.models import Cycle

NOT_FOUND = "未找到该页面，或您无权访问。"


def _pick(cycles: list[Cycle], value: str | None, default: Cycle | None) -> Cycle | None:
    """The cycle named by a query-string value; a value that names none is a 404."""
    if value is None or value == "":
        return default
    cycle = selectors.cycle_for_reports(cycles, value)
    if cycle is None:
        raise Http404("未找到该考核周期。")
    return cycle


@login_required
@require_GET
def dashboard(request):
    """领导看板: progress, completion and scores of one cycle (?cycle=<pk>, default current);
    the unit grids are paged (?page=) and searched by unit name (?q=), 数据指标同比 paged
    (?fpage=)."""
    require_reader(request, message=NOT_FOUND)
    cycles = selectors.cycles_for_reports()
    current = cycle_current()
    # The same object as in `cycles`, whose previous cycle is already loaded.
    current = next((c for c in cycles if current and c.pk == current.pk), current)
    cycle = _pick(cycles, request.GET.get("cycle"), current)
    context = {"cycles": cycles, "cycle": cycle, "can_download": user_is_office(request.user)}
    if cycle is not None:
        dash = selectors.dashboard_for_cycle(
            cycle=cycle,
            page=request.GET.get("page", 1),
            q=request.GET.get("q", "")[:50],
            figures_page=request.GET.get("fpage", 1),
        )
        # Built only if a fragment that shows a chart is rendered (not taken from the cache).
        context.update(dash=dash, charts=SimpleLazyObject(lambda: dashboard_charts(dash)))
        context["publication"] = cycle_publication(cycle=cycle)
    return render(request, "reports/dashboard.html", context)


@login_required
@require_GET
def evidence_zip(request, pk: int):
    """The cycle's approved evidence as one ZIP, streamed (office only; audited)."""
    require_office(request, message=NOT_FOUND)
    cycle = _pick(selectors.cycles_for_reports(), str(pk), None)
    package = package_zip.package_for_cycle(cycle)
    export_record(
        kind=ExportKind.EVIDENCE_ZIP,
        user=request.user,
        cycle_name=cycle.name,
        detail={"cycle": cycle.pk, "files": len(package.entries), "bytes": package.total_size},
        ip=client_ip(request),
    )
    response = StreamingHttpResponse(
        package_zip.zip_stream(package), content_type=package_zip.ZIP_CONTENT_TYPE
    )
    response["Content-Disposition"] = content_disposition(package.filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _compared_cycles(request) -> tuple[list[Cycle], Cycle | None, Cycle | None]:
    """A and B from ?a=&b=; by default the current cycle (B) against the one before it (A)."""
    cycles = selectors.cycles_for_reports()
    b = _pick(cycles, request.GET.get("b"), cycle_current())
    a = _pick(cycles, request.GET.get("a"), selectors.cycle_compared_default(cycles, b))
    return cycles, a, b


@login_required
@require_GET
def compare(request):
    """Two cycles side by side: indicators, units and figures, with differences (B − A)."""
    require_reader(request, message=NOT_FOUND)
    cycles, a, b = _compared_cycles(request)
    context = {"cycles": cycles, "a": a, "b": b}
    if a is not None and b is not None:
        context["cmp"] = comparison.cycles_compare(a=a, b=b)
    return render(request, "reports/compare.html", context)


@login_required
@require_GET
def compare_download(request):
    """The comparison as an Excel workbook (audited)."""
    require_reader(request, message=NOT_FOUND)
    _cycles, a, b = _compared_cycles(request)
    if a is None or b is None:
        raise Http404("请选择两个考核周期。")
    cmp = comparison.cycles_compare(a=a, b=b)
    exporters = comparison_sheets.comparison_exporters(cmp)
    if not all(e.allowed(request.user) for e in exporters):
        raise Http404(NOT_FOUND)
    export_record(
        kind=ExportKind.COMPARISON,
        user=request.user,
        cycle_name=f"{a.name} / {b.name}"[:50],
        detail={"a": a.pk, "b": b.pk, "a_name": a.name, "b_name": b.name},
        ip=client_ip(request),
    )
    # XlsxFile saves like a Workbook, which is all xlsx_response asks of it.
    return xlsx_response(
        comparison_sheets.comparison_xlsx(exporters, cmp),
        filename=comparison_sheets.comparison_filename(cmp),
        fallback=comparison_sheets.FALLBACK_FILENAME,
    )
