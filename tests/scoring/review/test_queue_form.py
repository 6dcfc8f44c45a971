"""The queue's filter selects, written in Python (PlainSelect), read exactly as Django's own
Select template would write them: same options, same selection, same escaping."""

import pytest
from django import forms
from django.http import QueryDict

from scoring.review.forms import PlainSelect, queue_filter_form
from units.models import Unit

pytestmark = pytest.mark.django_db


def _django_rendering(bound_field) -> str:
    field = bound_field.field
    widget = forms.Select(attrs=field.widget.attrs, choices=field.widget.choices)
    return widget.render(bound_field.html_name, bound_field.value(), {"id": bound_field.auto_id})


@pytest.mark.parametrize(
    "query", ["", "status=all", "status=returned&overdue=1", "unit={unit}&level1=1&level2=2"]
)
def test_same_html_as_the_django_template(cycle, query):
    unit = Unit.objects.get(code="rsj")
    Unit.objects.create(name='<b>"单位"</b> & 其他', code="odd", is_member=True)
    form = queue_filter_form(QueryDict(query.format(unit=unit.pk)), default_cycle=cycle)
    form.is_valid()
    for name in ("cycle", "status", "unit", "level1", "level2"):
        bound = form[name]
        assert isinstance(bound.field.widget, PlainSelect)
        assert str(bound) == _django_rendering(bound), name
    html = str(form["unit"])
    assert "&lt;b&gt;&quot;单位&quot;&lt;/b&gt; &amp; 其他" in html
    if "unit=" in query:
        assert f'<option value="{unit.pk}" selected>区人社局</option>' in html


def test_optgroups_render_as_django_does():
    choices = [("", "全部"), ("组一", [("a", "甲"), ("b", "乙")]), ("c", "丙")]
    ours = PlainSelect(choices=choices).render("x", "b", {"id": "id_x"})
    theirs = forms.Select(choices=choices).render("x", "b", {"id": "id_x"})
    assert ours == theirs
