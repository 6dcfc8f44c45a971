from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from common.http import client_ip
from common.signals import export_made
from common.xlsx import xlsx_response
from indicators import exports, revision, selectors
from indicators.models import MemberScope
from units.models import Unit


def _unit_filter(request) -> tuple[str, Unit | None]:
    unit_code = request.GET.get("unit", "")[:50]
    unit = Unit.objects.filter(code=unit_code, is_active=True).first() if unit_code else None
    return unit_code, unit


def _catalogue_body(*, q: str, unit_code: str, unit: Unit | None) -> str:
    indicators = list(selectors.catalogue_search(q=q, unit=unit))
    members = selectors.member_units()
    for indicator in indicators:
        expanded = selectors.indicator_responsible_units(indicator=indicator, members=members)
        indicator.named_units = [r for r in expanded if not r.via_scope]
        # The 各成员单位 list itself is the same for every indicator, less the named units: it
        # is loaded when its <details> is opened (catalogue_members), not written 20 times.
        indicator.scoped_count = len(expanded) - len(indicator.named_units)
    context = {
        "tree": selectors.catalogue_tree(indicators),
        "q": q,
        "unit": unit,
        "unit_code": unit_code,
        "units": Unit.objects.filter(is_active=True),
        "total": len(indicators),
    }
    return render_to_string("indicators/_catalogue_body.html", context)


@login_required
@require_GET
def catalogue(request):
    q = request.GET.get("q", "")[:100]
    unit_code, unit = _unit_filter(request)
    # Without a search the body depends only on the catalogue and the unit filter: cached.
    cacheable = not q and (unit is not None or not unit_code)
    key = revision.body_key(unit_code=unit.code if unit else "") if cacheable else ""
    body = revision.body_get(key) if cacheable else None
    if body is None:
        body = _catalogue_body(q=q, unit_code=unit_code, unit=unit)
        if cacheable:
            revision.body_set(key, body)
    return render(request, "indicators/catalogue.html", {"body": mark_safe(body)})  # noqa: S308


@login_required
@require_GET
def catalogue_members(request, number: int):
    """The member units 各成员单位 stands for on indicator `number`: a fragment of the catalogue
    (every signed-in user may read the catalogue), the unit filter's unit highlighted."""
    indicator = selectors.indicator_with_units(number)
    if indicator is None or indicator.member_scope != MemberScope.ALL_MEMBERS:
        raise Http404("没有这个指标。")
    _, unit = _unit_filter(request)
    context = {
        "scoped_units": selectors.scoped_units(
            indicator=indicator, members=selectors.member_units()
        ),
        "unit": unit,
    }
    return render(request, "indicators/_members.html", context)


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
