"""The adjustment form's unit select (one option per unit of the cycle) is written in Python
(common.forms.PlainSelect) and reads exactly as Django's own Select template would write it."""

import pytest
from django import forms

from common.forms import PlainSelect
from scoring.cycles.services import cycle_open
from scoring.models import Cycle
from scoring.results.forms import AdjustmentForm
from units.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(preparing) -> Cycle:
    cycle_open(cycle=preparing)
    return preparing


@pytest.mark.parametrize("picked", [False, True])
def test_unit_select_is_the_django_rendering(running, picked):
    unit = Unit.objects.filter(slots__cycle=running).first()
    form = AdjustmentForm({"unit": unit.pk} if picked else None, cycle=running)
    bound = form["unit"]
    assert isinstance(bound.field.widget, PlainSelect)
    django_select = forms.Select(attrs=bound.field.widget.attrs, choices=bound.field.widget.choices)
    theirs = django_select.render(bound.html_name, bound.value(), {"id": bound.auto_id})
    assert str(bound) == theirs
    assert "全区（不针对某一单位）" in theirs
    assert (f'<option value="{unit.pk}" selected>' in theirs) is picked
