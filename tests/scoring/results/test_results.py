"""考核结果 on a small hand-worked example: the page shows what scoring.calculations computes.

Six indicators carry points (every other one 0), with lead weight 0.6 and bonus cap 5:

  63 收入分配机制 (五/（十九）) 10 分: 区人社局 8                            → 已评分 8.00
  64 (五/（十九）) 5 分: 区人社局 (lead) 4, 区国资委 not scored yet            → 部分评分 4.00
  44 技能表彰奖项 (三/（十四）) 5 分: 区人社局 not scored yet                  → 未评分
  37 职业教育 (三/（十三）) 10 分: 区教委 (lead) 9, 区发改委 7, 区人社局 6,
     区总工会 不适用: 0.6 × 9 + 0.4 × (7 + 6) ÷ 2 = 5.4 + 2.6                  → 已评分 8.00
  47 (四/（十五）) 5 分: 区人社局 3, 区总工会 5, office override 4.5             → 已调整 4.50
  52 配套政策 (四/（十六）) 5 分: 区人社局 不适用                               → 不适用

Total: points 10 + 5 + 5 + 10 + 5 = 35 (52's 5 drop out), earned 8 + 4 + 8 + 4.5 = 24.50,
open 5 (44), 得分率 24.5 ÷ (35 − 5) = 0.8167. Bonuses 3 + 4 = 7 capped at 5 → 29.50;
one district veto → 不合格.
Units (scored slots only): 区总工会 5 ÷ 5 = 100%; 区教委 9 ÷ 10 = 90%;
区人社局 (8 + 4 + 6 + 3) ÷ (10 + 5 + 10 + 5) = 21 ÷ 30 = 70%; 区发改委 7 ÷ 10 = 70%;
区国资委 nothing scored → no rate, no rank.
"""

import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from scoring import calculations as calc
from scoring.cycles.services import cycle_open
from scoring.models import (
    Adjustment,
    AdjustmentKind,
    Cycle,
    CycleIndicator,
    Slot,
    SlotStatus,
)
from tests.scoring.cycle_fixtures import text_of
from units.models import Unit

pytestmark = pytest.mark.django_db

POINTS = {63: "10", 64: "5", 44: "5", 37: "10", 47: "5", 52: "5"}
VETO = "发生重大安全生产责任事故"
D = Decimal
S, U, NA = calc.ItemStatus.SCORED, calc.ItemStatus.UNSCORED, calc.ItemStatus.NA


@pytest.fixture
def scored(preparing, office_user) -> Cycle:
    Cycle.objects.filter(pk=preparing.pk).update(lead_weight=D("0.6"))
    for number, points in POINTS.items():
        CycleIndicator.objects.filter(cycle=preparing, number=number).update(points=D(points))
    cycle_open(cycle=preparing)

    def slots(number, unit):
        return Slot.objects.filter(cycle=preparing, indicator__number=number, unit__code=unit)

    for number, unit, score in [
        (63, "rsj", "8"),
        (64, "rsj", "4"),
        (37, "jw", "9"),
        (37, "fgw", "7"),
        (37, "rsj", "6"),
        (47, "rsj", "3"),
        (47, "zgh", "5"),
    ]:
        assert slots(number, unit).update(status=SlotStatus.APPROVED, score=D(score)) == 1
    slots(37, "zgh").update(not_applicable=True)
    slots(52, "rsj").update(not_applicable=True)
    CycleIndicator.objects.filter(cycle=preparing, number=47).update(
        override_score=D("4.5"), override_reason="市级抽查结果更可信"
    )
    for kind, points, unit, reason in [
        (AdjustmentKind.BONUS, "3", None, "获评全国产改示范区"),
        (AdjustmentKind.BONUS, "4", None, "经验被全市推广"),
        (AdjustmentKind.VETO, "0", None, VETO),
        (AdjustmentKind.VETO, "0", "fgw", "数据造假"),
    ]:
        Adjustment.objects.create(
            cycle=preparing,
            kind=kind,
            points=D(points),
            unit=Unit.objects.get(code=unit) if unit else None,
            reason=reason,
            created_by=office_user,
        )
    return preparing


def _expected():
    """The same example straight through scoring.calculations."""
    w = D("0.6")
    r = {
        63: calc.indicator_score(points=D(10), slots=[calc.SlotResult("区人社局", True, S, D(8))]),
        64: calc.indicator_score(
            points=D(5),
            lead_weight=w,
            slots=[
                calc.SlotResult("区人社局", True, S, D(4)),
                calc.SlotResult("区国资委", False, U),
            ],
        ),
        44: calc.indicator_score(points=D(5), slots=[calc.SlotResult("区人社局", True, U)]),
        37: calc.indicator_score(
            points=D(10),
            lead_weight=w,
            slots=[
                calc.SlotResult("区教委", True, S, D(9)),
                calc.SlotResult("区发改委", False, S, D(7)),
                calc.SlotResult("区总工会", False, NA),
                calc.SlotResult("区人社局", False, S, D(6)),
            ],
        ),
        47: calc.indicator_score(
            points=D(5),
            lead_weight=w,
            override=D("4.5"),
            slots=[
                calc.SlotResult("区人社局", True, S, D(3)),
                calc.SlotResult("区总工会", False, S, D(5)),
            ],
        ),
        52: calc.indicator_score(points=D(5), slots=[calc.SlotResult("区人社局", True, NA)]),
    }
    levels = {63: (5, 19), 64: (5, 19), 44: (3, 14), 37: (3, 13), 47: (4, 15), 52: (4, 16)}
    rollup = calc.rollup([calc.IndicatorLine(n, *levels[n], D(POINTS[n]), r[n]) for n in sorted(r)])
    final = calc.final_result(
        base=rollup.total.earned, bonuses=[D(3), D(4)], bonus_cap=D(5), vetoes=[VETO]
    )
    rates = calc.unit_rates(
        [
            calc.UnitSlot("区人社局", D(10), S, D(8)),
            calc.UnitSlot("区人社局", D(5), S, D(4)),
            calc.UnitSlot("区人社局", D(5), U),
            calc.UnitSlot("区人社局", D(10), S, D(6)),
            calc.UnitSlot("区人社局", D(5), S, D(3)),
            calc.UnitSlot("区人社局", D(5), NA),
            calc.UnitSlot("区国资委", D(5), U),
            calc.UnitSlot("区教委", D(10), S, D(9)),
            calc.UnitSlot("区发改委", D(10), S, D(7)),
            calc.UnitSlot("区总工会", D(10), NA),
            calc.UnitSlot("区总工会", D(5), S, D(5)),
        ]
    )
    return r, rollup, final, {u.unit: u for u in rates}


def _cells(page: str, opening: str) -> list[str]:
    row = re.search(re.escape(opening) + r"(.*?)</tr>", page, re.S)
    assert row, opening
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    return [html.unescape(re.sub(r"<[^>]+>|\s+", "", c)) for c in cells]


def test_the_hand_worked_example_in_calculations():
    r, rollup, final, units = _expected()
    assert [(n, r[n].status, r[n].score) for n in (63, 64, 44, 37, 47, 52)] == [
        (63, calc.IndicatorStatus.SCORED, D("8.00")),
        (64, calc.IndicatorStatus.PARTIAL, D("4.00")),
        (44, calc.IndicatorStatus.UNSCORED, None),
        (37, calc.IndicatorStatus.SCORED, D("8.00")),
        (47, calc.IndicatorStatus.OVERRIDDEN, D("4.50")),
        (52, calc.IndicatorStatus.NA, None),
    ]
    total = rollup.total
    assert (total.points, total.earned, total.unscored_points, total.na_points, total.rate) == (
        D("35"),
        D("24.5"),
        D("5"),
        D("5"),
        D("0.8167"),
    )
    assert (final.bonus, final.total, final.verdict) == (D("5"), D("29.5"), "不合格")
    assert [(u, units[u].rate, units[u].rank) for u in units] == [
        ("区总工会", D("1"), 1),
        ("区教委", D("0.9"), 2),
        ("区人社局", D("0.7"), 3),
        ("区发改委", D("0.7"), 3),
        ("区国资委", None, None),
    ]


@pytest.mark.parametrize("viewer", ["office_user", "leader_user"])
def test_the_page_shows_the_calculated_numbers(client, request, scored, viewer):
    client.force_login(request.getfixturevalue(viewer))
    r, rollup, final, units = _expected()

    response = client.get(reverse("scoring:cycle_results", args=[scored.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert text_of(response, "total-earned") == f"{rollup.total.earned:.2f}" == "24.50"
    assert text_of(response, "total-points") == f"{rollup.total.points:.2f}" == "35.00"
    assert text_of(response, "total-unscored") == "5.00"
    # Scoring is incomplete (44 and part of 64 are open): the rate says what it is over.
    assert text_of(response, "total-rate") == "81.67%（已评 30 / 35 分）"
    assert text_of(response, "total-rate-total") == "70.00%（已评 30 / 35 分）"  # 24.5 ÷ 35
    assert text_of(response, "final-bonus") == f"{final.bonus:.2f}" == "5.00"
    assert text_of(response, "final-total") == f"{final.total:.2f}" == "29.50"
    assert "加分项合计 7 分，超过本周期加分上限，按 5 分计。" in page
    # The veto stands out above everything else.
    assert page.index('id="veto"') < page.index('id="summary"')
    assert "一票否决：不合格" in page and VETO in page

    labels = {63: "已评分", 64: "部分评分", 44: "未评分", 37: "已评分", 47: "已调整", 52: "不适用"}
    for number, result in r.items():
        cells = _cells(page, f'<tr id="indicator-{number}" class="ist-{result.status}">')
        shown_score = "—" if result.score is None else f"{result.score:.2f}"
        assert cells[2:6] == [
            _plain(POINTS[number]),
            "档次",
            labels[number],
            shown_score,
        ], number
    assert "调整理由：市级抽查结果更可信" in page

    for level, number, expected in [
        ("level2", 19, "12.00 / 15.00"),
        ("level1", 5, "12.00 / 15.00"),
        ("level2", 13, "8.00 / 10.00"),
        ("level2", 14, "0.00 / 5.00（未评分 5）"),
        ("level1", 3, "8.00 / 15.00（未评分 5）"),
        ("level2", 15, "4.50 / 5.00"),
        ("level2", 16, "0.00 / 0.00"),
        ("level1", 4, "4.50 / 5.00"),
    ]:
        subtotal = (rollup.level2 if level == "level2" else rollup.level1)[number]
        text = re.search(rf'data-{level}="{number}">([^<]*)<', page).group(1)
        assert text == expected
        assert text.startswith(f"{subtotal.earned:.2f} / {subtotal.points:.2f}")

    rsj_slots = Slot.objects.filter(cycle=scored, unit__code="rsj").count()
    # While anything is unscored no unit has a place (figures.RANK): 1, 2, 3, 3 are held back.
    pending = "未完成评分"
    rows = {
        "区总工会": [pending, "区总工会"],
        "区教委": [pending, "区教委"],
        "区人社局": [pending, "区人社局"],
        "区发改委": [pending, "区发改委"],
        "区国资委": [pending, "区国资委"],
    }
    rests = {
        "区总工会": ["5.00/5.00"],
        "区教委": ["9.00/10.00"],
        "区人社局": ["21.00/30.00", "4", str(rsj_slots - 5), "1"],
        "区发改委": ["7.00/10.00"],
        "区国资委": ["—", "0"],
    }
    order = [m for m in re.findall(r'<tr data-unit="([^"]+)"', page)]
    assert order[:4] == ["区总工会", "区教委", "区人社局", "区发改委"]
    for unit, expected in rows.items():
        cells = _cells(page, f'<tr data-unit="{unit}"')
        assert cells[:2] == expected, unit
        assert cells[3 : 3 + len(rests[unit])] == rests[unit], unit
        rate = units[unit].rate
        assert cells[2].startswith(("未评分" if rate is None else f"{rate * 100:.2f}%") + "（已评")
    assert _cells(page, '<tr data-unit="区发改委"')[-1] == "不合格：数据造假"
    # Units still waiting for scores are counted as waiting, never as 0 分.
    assert int(_cells(page, '<tr data-unit="区国资委"')[5]) >= 1


def _plain(points: str) -> str:
    return format(D(points).normalize(), "f")


def test_nothing_scored_yet_reads_as_open_not_zero(office, preparing):
    CycleIndicator.objects.filter(cycle=preparing).update(points=D("1.25"))
    cycle_open(cycle=preparing)
    response = office.get(reverse("scoring:cycle_results", args=[preparing.pk]))
    assert text_of(response, "total-earned") == "0.00"
    assert text_of(response, "total-unscored") == "100.00"
    assert text_of(response, "total-rate") == "未评分（已评 0 / 100 分）"
    assert 'id="veto"' not in response.content.decode()
