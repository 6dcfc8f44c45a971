from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from common.http import client_ip
from common.xlsx import xlsx_response
from reports.models import ExportKind
from reports.services import export_record
from units.models import Unit

from . import exports, selectors


@login_required
@require_GET
def catalogue(request):
    q = request.GET.get("q", "")[:100]
    unit = None
    unit_code = request.GET.get("unit", "")
    if unit_code:
        unit = Unit.objects.filter(code=unit_code, is_active=True).first()
    indicators = list(selectors.catalogue_search(q=q, unit=unit))
    members = selectors.member_units()
    for indicator in indicators:
        expanded = selectors.indicator_responsible_units(indicator=indicator, members=members)
        indicator.named_units = [r for r in expanded if not r.via_scope]
        indicator.scoped_units = [r for r in expanded if r.via_scope]
    context = {
        "tree": selectors.catalogue_tree(indicators),
        "q": q,
        "unit": unit,
        "unit_code": unit_code,
        "units": Unit.objects.filter(is_active=True),
        "members": members,
        "total": len(indicators),
    }
    return render(request, "indicators/catalogue.html", context)


@login_required
@require_GET
def catalogue_export(request):
    export_record(kind=ExportKind.CATALOGUE, user=request.user, ip=client_ip(request))
    return xlsx_response(
        exports.catalogue_workbook(),
        filename=exports.CATALOGUE_FILENAME,
        fallback=exports.CATALOGUE_FALLBACK_FILENAME,
    )
