from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from indicators.models import Indicator, Level1, Level2
from scoring.access import user_unit


@login_required
def home(request):
    unit = user_unit(request.user)
    context = {
        "unit": unit,
        "counts": {
            "level1": Level1.objects.count(),
            "level2": Level2.objects.count(),
            "indicators": Indicator.objects.count(),
        },
    }
    return render(request, "home.html", context)
