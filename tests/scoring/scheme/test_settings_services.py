"""scoring.services.cycle_settings: the cycle's settings and batch scheme edits while 准备中."""

from decimal import Decimal

import pytest

from common.errors import DomainError
from scoring.models import CycleAction, CycleEvent, CycleIndicator, CycleStatus
from scoring.scheme.services import cycle_settings_update, scheme_items_update
from tests.scoring.cycle_fixtures import new_cycle

pytestmark = pytest.mark.django_db


def _settings(cycle):
    cycle.refresh_from_db()
    return cycle.total_points, cycle.bonus_cap, cycle.lead_weight


def _events(cycle):
    return CycleEvent.objects.filter(cycle=cycle, action=CycleAction.SCHEME_CHANGED)


def test_only_changed_settings_are_saved_and_logged(preparing, office_user):
    cycle_settings_update(
        cycle=preparing,
        total_points=Decimal("100.00"),
        bonus_cap=Decimal("4"),
        lead_weight=None,
        actor=office_user,
        ip="10.0.0.8",
    )
    event = _events(preparing).get()
    assert event.data == {"settings": {"old": {"bonus_cap": "5.00"}, "new": {"bonus_cap": "4"}}}
    assert (event.actor, event.ip_address) == (office_user, "10.0.0.8")
    assert _settings(preparing) == (Decimal("100"), Decimal("4"), None)

    # The same values again: nothing to record.
    cycle_settings_update(
        cycle=preparing,
        total_points=Decimal("100"),
        bonus_cap=Decimal("4.00"),
        lead_weight=None,
        actor=office_user,
    )
    assert _events(preparing).count() == 1


@pytest.mark.parametrize(
    ("total", "cap", "weight", "message"),
    [
        (Decimal("0"), Decimal("5"), None, "总分应大于 0。"),
        (Decimal("-1"), Decimal("5"), None, "总分不能为负数。"),
        (Decimal("100.005"), Decimal("5"), None, "总分最多保留两位小数。"),
        (Decimal("100"), Decimal("-0.5"), None, "加分上限不能为负数。"),
        (Decimal("100"), Decimal("1000"), None, "加分上限不能超过 999.99。"),
        (Decimal("100"), Decimal("5"), Decimal("1.2"), "牵头单位权重应在 0 至 1 之间，或留空。"),
        (Decimal("100"), Decimal("5"), Decimal("0.555"), "牵头单位权重最多保留两位小数。"),
    ],
)
def test_bad_settings_are_refused(preparing, office_user, total, cap, weight, message):
    with pytest.raises(DomainError) as exc:
        cycle_settings_update(
            cycle=preparing,
            total_points=total,
            bonus_cap=cap,
            lead_weight=weight,
            actor=office_user,
        )
    assert exc.value.message == message
    assert _settings(preparing) == (Decimal("100"), Decimal("5"), None)
    assert not _events(preparing).exists()


@pytest.mark.parametrize("status", [s for s in CycleStatus.values if s != "preparing"])
def test_settings_are_frozen_after_preparation(preparing, office_user, status):
    type(preparing).objects.filter(pk=preparing.pk).update(status=status)
    with pytest.raises(DomainError) as exc:
        cycle_settings_update(
            cycle=preparing,
            total_points=Decimal("90"),
            bonus_cap=Decimal("5"),
            lead_weight=None,
            actor=office_user,
        )
    assert exc.value.message.endswith("考核方案已冻结，不能修改。")
    assert _settings(preparing) == (Decimal("100"), Decimal("5"), None)


def test_a_batch_is_all_or_nothing(preparing, office_user):
    items = list(CycleIndicator.objects.filter(cycle=preparing).order_by("number")[:3])
    with pytest.raises(DomainError) as exc:
        scheme_items_update(
            cycle=preparing,
            changes=[
                (items[0], Decimal("5"), "grade"),
                (items[1], Decimal("-2"), "grade"),
                (items[2], Decimal("5"), "grade"),
            ],
            actor=office_user,
        )
    assert exc.value.message == "分值不能为负数。"
    assert set(CycleIndicator.objects.filter(cycle=preparing).values_list("points", flat=True)) == {
        Decimal("0")
    }
    assert not _events(preparing).exists()


def test_a_batch_refuses_an_indicator_of_another_cycle(preparing, office_user):
    other = CycleIndicator.objects.filter(cycle=new_cycle("2027年度", 2027)).first()
    with pytest.raises(DomainError) as exc:
        scheme_items_update(
            cycle=preparing, changes=[(other, Decimal("1"), "grade")], actor=office_user
        )
    assert exc.value.message == "指标不属于本考核周期。"
    assert not CycleIndicator.objects.filter(points__gt=0).exists()


@pytest.mark.parametrize(
    ("points", "message"),
    [
        (Decimal("1.234"), "指标 1 的分值最多保留两位小数。"),
        (Decimal("10000"), "指标 1 的分值不能超过 9999.99。"),
    ],
)
def test_a_batch_checks_what_the_column_can_hold(preparing, office_user, points, message):
    item = CycleIndicator.objects.get(cycle=preparing, number=1)
    with pytest.raises(DomainError) as exc:
        scheme_items_update(cycle=preparing, changes=[(item, points, "grade")], actor=office_user)
    assert exc.value.message == message
