"""新建周期 from the cycle list: a copy of the previous cycle with the catalogue's current text."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from indicators.models import Indicator, Responsibility
from scoring.calculations import DEFAULT_GRADE_LEVELS
from scoring.cycles.services import designation_add
from scoring.models import (
    Cycle,
    CycleAction,
    CycleDesignation,
    CycleEvent,
    CycleIndicator,
    FigureField,
    FigureKind,
    FigureTemplate,
    GradeLevel,
    ScoringMethod,
)
from scoring.scheme.services import grade_levels_set
from tests.scoring.cycle_fixtures import flashed, new_cycle, shown
from units.models import Unit

pytestmark = pytest.mark.django_db

LOCAL = "%Y-%m-%dT%H:%M"


def _form(name="2027年度", year=2027, previous=None, **overrides):
    opens = timezone.localtime() + timedelta(days=300)
    data = {
        "name": name,
        "year": year,
        "opens_at": opens.strftime(LOCAL),
        "deadline": (opens + timedelta(days=30)).strftime(LOCAL),
        "previous": previous.pk if previous else "",
    }
    data.update(overrides)
    return data


def _scheme(cycle) -> dict[int, tuple[Decimal, str]]:
    return {ci.number: (ci.points, ci.method) for ci in CycleIndicator.objects.filter(cycle=cycle)}


def _figures(cycle) -> set[tuple]:
    return set(
        FigureField.objects.filter(cycle=cycle).values_list(
            "indicator__number", "code", "label", "kind", "measure", "required", "order"
        )
    )


@pytest.fixture
def prepared_2026(preparing, office_user):
    """2026年度 as the office left it: points, methods, levels, figures, a designation."""
    CycleIndicator.objects.filter(cycle=preparing).update(points=Decimal("1.25"))
    CycleIndicator.objects.filter(cycle=preparing, number=47).update(
        points=Decimal("3.5"), method=ScoringMethod.DEDUCT
    )
    CycleIndicator.objects.filter(cycle=preparing, number=63).update(method=ScoringMethod.DIRECT)
    grade_levels_set(
        cycle=preparing,
        levels=[("优秀", Decimal("1")), ("合格", Decimal("0.7")), ("不合格", Decimal("0"))],
        actor=office_user,
    )
    FigureField.objects.filter(cycle=preparing, indicator__number=38).delete()
    FigureField.objects.create(
        cycle=preparing,
        indicator=Indicator.objects.get(number=44),
        code="skill_awards",
        label="市级以上技能表彰人数",
        kind=FigureKind.INTEGER,
        measure="人",
        required=True,
        order=1,
    )
    designation_add(
        cycle=preparing,
        indicator=Indicator.objects.get(number=52),
        unit=Unit.objects.get(code="zgh"),
    )
    return preparing


def test_the_list_offers_the_latest_cycle_as_the_default_source(office, preparing):
    older = new_cycle("2025年度", 2025)
    page = office.get(reverse("scoring:cycle_list")).content.decode()
    assert f'<option value="{preparing.pk}" selected>2026年度</option>' in page
    assert f'<option value="{older.pk}">2025年度</option>' in page
    assert 'value="2027年度"' in page


def test_a_copy_carries_the_scheme_and_takes_text_from_the_catalogue(
    office, office_user, prepared_2026
):
    indicator = Indicator.objects.get(number=5)
    indicator.name = "列入区委区政府年度工作要点"
    indicator.save()
    Responsibility.objects.filter(indicator__number=44).update(unit=Unit.objects.get(code="zgh"))

    response = office.post(reverse("scoring:cycle_create"), _form(previous=prepared_2026))

    cycle = Cycle.objects.get(name="2027年度")
    assert response["Location"] == reverse("scoring:cycle_detail", args=[cycle.pk])
    assert flashed(response) == [
        ("success", "已创建考核周期“2027年度”，已复制2026年度的考核方案。")
    ]
    assert cycle.previous == prepared_2026
    assert cycle.status == "preparing"
    assert _scheme(cycle) == _scheme(prepared_2026)
    assert _scheme(cycle)[47] == (Decimal("3.50"), ScoringMethod.DEDUCT)
    assert list(cycle.grade_levels.values_list("name", "share", "order")) == [
        ("优秀", Decimal("1.000"), 1),
        ("合格", Decimal("0.700"), 2),
        ("不合格", Decimal("0.000"), 3),
    ]
    assert _figures(cycle) == _figures(prepared_2026)
    assert not FigureField.objects.filter(cycle=cycle, indicator__number=38).exists()
    assert list(
        CycleDesignation.objects.filter(cycle=cycle).values_list("indicator__number", "unit__code")
    ) == [(52, "zgh")]
    # Text comes from today's catalogue; the previous cycle keeps what it had.
    new, old = (CycleIndicator.objects.get(cycle=c, number=5) for c in (cycle, prepared_2026))
    assert new.name == "列入区委区政府年度工作要点"
    assert old.name == "列入年度工作要点"
    assert CycleIndicator.objects.get(cycle=cycle, number=44).responsibility == "区总工会"
    assert CycleIndicator.objects.get(cycle=prepared_2026, number=44).responsibility == "区人社局"
    event = CycleEvent.objects.get(cycle=cycle)
    assert (event.action, event.actor, event.to_status) == (
        CycleAction.CREATED,
        office_user,
        "preparing",
    )
    assert event.data == {"previous": "2026年度"}


def test_a_first_cycle_starts_from_the_defaults(office, db):
    office.post(reverse("scoring:cycle_create"), _form(name="2026年度", year=2026))
    cycle = Cycle.objects.get(name="2026年度")
    assert set(_scheme(cycle).values()) == {(Decimal("0"), ScoringMethod.GRADE)}
    assert len(_scheme(cycle)) == 80
    assert [(g.name, g.share) for g in GradeLevel.objects.filter(cycle=cycle)] == [
        (level.name, level.share) for level in DEFAULT_GRADE_LEVELS
    ]
    assert FigureField.objects.filter(cycle=cycle).count() == FigureTemplate.objects.count()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": "2026年度"}, "考核周期“2026年度”已存在。"),
        ({"name": "  "}, "这个字段是必填项。"),
    ],
)
def test_a_refused_cycle_is_explained_on_the_list(office, preparing, overrides, message):
    response = office.post(reverse("scoring:cycle_create"), _form(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Cycle.objects.count() == 1


def test_a_deadline_before_the_opening_is_refused(office, preparing):
    data = _form()
    data["deadline"] = data["opens_at"]
    response = office.post(reverse("scoring:cycle_create"), data)
    assert response.status_code == 200
    assert "截止时间必须晚于开始时间。" in response.content.decode()
    assert Cycle.objects.count() == 1
    assert shown(response) == []
