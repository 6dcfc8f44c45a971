"""Overrides, 加分项 and 一票否决 from the results page, each with its CycleEvent."""

from decimal import Decimal

import pytest
from django.urls import reverse

from scoring.cycles.services import cycle_open
from scoring.models import (
    Adjustment,
    AdjustmentKind,
    Cycle,
    CycleAction,
    CycleEvent,
    CycleIndicator,
    CycleStatus,
)
from tests.scoring.cycle_fixtures import flashed, new_cycle, text_of
from units.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(preparing) -> Cycle:
    """2026年度 in 填报中 with 80 × 1.25 分."""
    CycleIndicator.objects.filter(cycle=preparing).update(points=Decimal("1.25"))
    cycle_open(cycle=preparing)
    return preparing


def _item(cycle, number) -> CycleIndicator:
    return CycleIndicator.objects.get(cycle=cycle, number=number)


def _events(cycle, action):
    return CycleEvent.objects.filter(cycle=cycle, action=action)


def test_an_override_is_set_and_cleared_with_its_events(office, office_user, running):
    url = reverse("scoring:cycle_override", args=[running.pk])
    item = _item(running, 12)

    response = office.post(url, {"item": item.pk, "score": "1", "reason": "实地核查后改定"})

    results = reverse("scoring:cycle_results", args=[running.pk])
    assert response["Location"] == f"{results}#indicator-12"
    assert flashed(response) == [("success", "已将指标 12 的得分调整为 1 分。")]
    item.refresh_from_db()
    assert (item.override_score, item.override_reason) == (Decimal("1"), "实地核查后改定")
    page = office.get(results)
    assert text_of(page, "total-earned") == "1.00"

    office.post(url, {"item": item.pk, "score": "", "reason": "撤销改定"})
    item.refresh_from_db()
    assert (item.override_score, item.override_reason) == (None, "")
    events = list(_events(running, CycleAction.INDICATOR_OVERRIDDEN).order_by("id"))
    assert [(e.actor, e.reason, e.data) for e in events] == [
        (office_user, "实地核查后改定", {"indicator": 12, "old": None, "new": "1"}),
        (office_user, "撤销改定", {"indicator": 12, "old": "1.00", "new": None}),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"score": "2", "reason": "超过分值"}, "调整后得分应在 0 至 1.25 分之间。"),
        ({"score": "1", "reason": ""}, "请填写调整理由。"),
        ({"score": "-1", "reason": "负分"}, "得分不能为负数。"),
    ],
)
def test_a_bad_override_changes_nothing(office, running, data, message):
    item = _item(running, 12)
    response = office.post(
        reverse("scoring:cycle_override", args=[running.pk]), {"item": item.pk, **data}
    )
    assert flashed(response) == [("error", message)]
    item.refresh_from_db()
    assert item.override_score is None
    assert not _events(running, CycleAction.INDICATOR_OVERRIDDEN).exists()


def test_bonus_and_vetoes_are_recorded_with_events(office, office_user, running):
    url = reverse("scoring:cycle_adjustment", args=[running.pk])
    zgh = Unit.objects.get(code="zgh")

    bonus = office.post(url, {"kind": "bonus", "points": "2.5", "reason": "获评全国示范"})
    office.post(url, {"kind": "veto", "points": "", "unit": zgh.pk, "reason": "数据造假"})
    veto = office.post(url, {"kind": "veto", "reason": "发生重大安全生产责任事故"})

    results = reverse("scoring:cycle_results", args=[running.pk])
    assert bonus["Location"] == f"{results}#adjustments"
    assert flashed(veto) == [
        ("success", "已录入加分项。"),
        ("success", "已录入一票否决。"),
        ("success", "已录入一票否决。"),
    ]
    assert list(
        Adjustment.objects.filter(cycle=running)
        .order_by("id")
        .values_list("kind", "points", "unit__code", "created_by")
    ) == [
        (AdjustmentKind.BONUS, Decimal("2.5"), None, office_user.pk),
        (AdjustmentKind.VETO, Decimal("0"), "zgh", office_user.pk),
        (AdjustmentKind.VETO, Decimal("0"), None, office_user.pk),
    ]
    events = list(_events(running, CycleAction.ADJUSTMENT_ADDED).order_by("id"))
    assert [(e.actor, e.reason, e.data) for e in events] == [
        (office_user, "获评全国示范", {"kind": "bonus", "points": "2.5", "unit": None}),
        (office_user, "数据造假", {"kind": "veto", "points": "0", "unit": "zgh"}),
        (office_user, "发生重大安全生产责任事故", {"kind": "veto", "points": "0", "unit": None}),
    ]
    page = office.get(results)
    assert text_of(page, "final-bonus") == "2.50"
    assert "一票否决：不合格" in page.content.decode()
    timeline = office.get(reverse("scoring:cycle_detail", args=[running.pk])).content.decode()
    assert "加分项 2.5 分" in timeline and "一票否决（单位：区总工会）" in timeline


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "bonus", "points": "", "reason": "无分值"}, "加分应大于 0。"),
        ({"kind": "bonus", "points": "1", "reason": ""}, "请填写事由。"),
        ({"kind": "penalty", "points": "1", "reason": "未知类型"}, "类型无效。"),
    ],
)
def test_a_bad_adjustment_changes_nothing(office, running, data, message):
    response = office.post(reverse("scoring:cycle_adjustment", args=[running.pk]), data)
    assert flashed(response) == [("error", message)]
    assert not Adjustment.objects.exists()
    assert not _events(running, CycleAction.ADJUSTMENT_ADDED).exists()


@pytest.mark.parametrize("status", [CycleStatus.PREPARING, CycleStatus.PUBLISHED])
def test_outside_scoring_the_forms_are_gone_and_posts_refused(office, preparing, status):
    Cycle.objects.filter(pk=preparing.pk).update(status=status)
    page = office.get(reverse("scoring:cycle_results", args=[preparing.pk])).content.decode()
    assert 'id="adjust-closed"' in page
    assert reverse("scoring:cycle_override", args=[preparing.pk]) not in page

    label = CycleStatus(status).label
    response = office.post(
        reverse("scoring:cycle_adjustment", args=[preparing.pk]),
        {"kind": "veto", "reason": "补录"},
    )
    assert flashed(response) == [("error", f"考核周期当前为“{label}”，不能再录入。")]
    item = _item(preparing, 1)
    response = office.post(
        reverse("scoring:cycle_override", args=[preparing.pk]),
        {"item": item.pk, "score": "0", "reason": "补录"},
    )
    assert flashed(response)[-1] == ("error", f"考核周期当前为“{label}”，不能再调整得分。")
    assert not Adjustment.objects.exists()
    assert CycleEvent.objects.filter(cycle=preparing).count() == 1


def test_an_indicator_of_another_cycle_cannot_be_overridden(office, running):
    other = _item(new_cycle("2027年度", 2027), 1)
    response = office.post(
        reverse("scoring:cycle_override", args=[running.pk]),
        {"item": other.pk, "score": "0", "reason": "串周期"},
    )
    assert flashed(response) == [("error", "请选择本周期的三级指标。")]
    other.refresh_from_db()
    assert other.override_score is None
