from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from fengtai_assess.selectors import cycle_progress, office_overview
from indicators.models import Indicator, Level1, Level2
from scoring.access import user_is_office, user_is_unit_approver, user_reads_everything, user_unit
from scoring.cycles.selectors import cycle_current
from scoring.submissions.selectors import slots_awaiting_unit_approval, unit_overview

# How many items each "needs me now" list shows before linking to the full page.
HOME_LIST_LIMIT = 5


@login_required
def home(request):
    """What needs this user now, by role; unit roles see only their own unit's slots."""
    user = request.user
    unit = user_unit(user)
    cycle = cycle_current()
    context = {
        "unit": unit,
        "cycle": cycle,
        "counts": {
            "level1": Level1.objects.count(),
            "level2": Level2.objects.count(),
            "indicators": Indicator.objects.count(),
        },
    }
    if unit is not None:
        if cycle is not None:
            context["mine"] = unit_overview(unit=unit, cycle=cycle, limit=HOME_LIST_LIMIT)
        if user_is_unit_approver(user, unit):
            awaiting = list(slots_awaiting_unit_approval(unit=unit))
            context["is_approver"] = True
            context["awaiting"] = awaiting[:HOME_LIST_LIMIT]
            context["awaiting_total"] = len(awaiting)
    if cycle is not None and user_is_office(user):
        context["office"] = office_overview(user=user, cycle=cycle)
    if cycle is not None and user_reads_everything(user):
        context["progress"] = cycle_progress(cycle=cycle)
    return render(request, "home.html", context)
