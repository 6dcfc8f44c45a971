from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from units.models import Unit

from . import selectors


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
    rows = [
        (indicator, selectors.indicator_responsible_units(indicator=indicator, members=members))
        for indicator in indicators
    ]
    context = {
        "tree": selectors.catalogue_tree(indicators),
        "units_by_indicator": {ind.pk: units for ind, units in rows},
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
    raise NotImplementedError  # replaced by the exporter
    return HttpResponse()
