"""与上一周期比较: scheme, texts, totals per 一级, settings, figure fields and designations."""

from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import Indicator
from scoring.models import (
    CycleDesignation,
    CycleIndicator,
    FigureField,
    FigureKind,
    ScoringMethod,
)
from tests.scoring.cycle_fixtures import new_cycle
from units.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(preparing):
    """2026年度 (80 × 1.25) and 2027年度 copied from it, then changed."""
    CycleIndicator.objects.filter(cycle=preparing).update(points=Decimal("1.25"))
    CycleDesignation.objects.create(
        cycle=preparing,
        indicator=Indicator.objects.get(number=52),
        unit=Unit.objects.get(code="zgh"),
    )
    indicator = Indicator.objects.get(number=18)
    indicator.content = "产业工人党员数量、年度增长率（新口径）"
    indicator.save()
    current = new_cycle("2027年度", 2027, previous=preparing)

    CycleIndicator.objects.filter(cycle=current, number=1).update(points=Decimal("3.25"))
    CycleIndicator.objects.filter(cycle=current, number=75).update(
        points=Decimal("0.25"), method=ScoringMethod.DIRECT
    )
    removed = FigureField.objects.filter(cycle=current).order_by("id").first()
    removed_key = (removed.indicator.number, removed.label)
    removed.delete()
    FigureField.objects.create(
        cycle=current,
        indicator=Indicator.objects.get(number=44),
        code="skill_awards",
        label="市级以上技能表彰人数",
        kind=FigureKind.INTEGER,
        measure="人",
        order=9,
    )
    CycleDesignation.objects.filter(cycle=current).delete()
    CycleDesignation.objects.create(
        cycle=current, indicator=Indicator.objects.get(number=52), unit=Unit.objects.get(code="jw")
    )
    return preparing, current, removed_key


def test_the_differences_are_listed(office, pair):
    previous, current, (removed_number, removed_label) = pair

    response = office.get(reverse("scoring:cycle_compare", args=[current.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "2027年度与2026年度比较" in page
    assert "分值与评分方法变化（2 项）" in page
    assert '<tr id="scheme-1">' in page and "<del>1.25</del> → <ins>3.25</ins>" in page
    assert "<del>1.25</del> → <ins>0.25</ins>" in page
    assert "<del>档次</del> → <ins>直接打分</ins>" in page
    # Text: only 18's 内涵 changed in the catalogue between the two cycles.
    assert "指标文字变化（1 项）" in page and 'id="text-18"' in page
    assert "产业工人党员数量、年度增长率（新口径）" in page
    # 一、组织领导 (1–17) gains 2; 七、社会评价 (75–80) loses 1; the total goes 100 → 101.
    assert "<td>一、组织领导</td><td>21.25</td><td>23.25</td><td>+2</td>" in page
    assert "<td>七、社会评价</td><td>7.50</td><td>6.50</td><td>-1</td>" in page
    assert "<th>合计</th><th>100</th><th>101</th><th>+1</th>" in page
    assert "市级以上技能表彰人数（skill_awards）</td><td><ins>新增</ins>" in page
    assert f'<td class="num">{removed_number}</td><td>{removed_label}' in page
    assert "<del>删除</del>" in page
    assert "指标 52：新增 <ins>区教委</ins>" in page
    assert "指标 52：取消 <del>区总工会</del>" in page


def test_a_copy_without_changes_says_so(office, preparing):
    current = new_cycle("2027年度", 2027, previous=preparing)
    page = office.get(reverse("scoring:cycle_compare", args=[current.pk])).content.decode()
    for text in (
        "各指标分值与评分方法均未变化。",
        "指标名称、内涵和责任单位均未变化。",
        "数据指标未变化。",
        "相关成员单位指定未变化。",
    ):
        assert text in page


def test_a_first_cycle_has_nothing_to_compare(client, leader_user, preparing):
    client.force_login(leader_user)
    response = client.get(reverse("scoring:cycle_compare", args=[preparing.pk]))
    assert response.status_code == 200
    assert "本周期没有指定上一周期，无可比较。" in response.content.decode()
    # Leadership sees no links to the office's pages.
    assert reverse("scoring:cycle_scheme", args=[preparing.pk]) not in response.content.decode()
