from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from common.http import client_ip
from common.signals import export_made
from common.xlsx import xlsx_response
from indicators import exports, selectors
from units.models import Unit


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
    # The export log lives in reports, a higher layer: it records what this signal announces.
    export_made.send(
        sender=catalogue_export, kind="catalogue", user=request.user, ip=client_ip(request)
    )
    return xlsx_response(
        exports.catalogue_workbook(),
        filename=exports.CATALOGUE_FILENAME,
        fallback=exports.CATALOGUE_FALLBACK_FILENAME,
    )
