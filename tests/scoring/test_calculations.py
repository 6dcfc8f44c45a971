"""scoring.calculations: pure arithmetic, no database. Each docstring shows the sum done by hand."""

import doctest
from decimal import Decimal as D

import pytest

from scoring import calculations
from scoring.calculations import (
    DEFAULT_GRADE_LEVELS,
    Deduction,
    FinalResult,
    GradeLevel,
    IndicatorLine,
    IndicatorResult,
    IndicatorStatus,
    ItemStatus,
    Method,
    ScoringError,
    SlotResult,
    Subtotal,
    UnitSlot,
    final_result,
    indicator_score,
    rollup,
    submission_score,
    unit_rates,
)

SCORED, UNSCORED, NA = ItemStatus.SCORED, ItemStatus.UNSCORED, ItemStatus.NA


def test_doctests_pass():
    """Every public function's hand-worked example runs as written."""
    failed, attempted = doctest.testmod(calculations)
    assert attempted > 0
    assert failed == 0


# --- 扣分 --------------------------------------------------------------------------------------


def test_deductions_are_subtracted_from_points():
    """10 − 2 − 3.5 = 4.5."""
    score = submission_score(
        points=D("10"),
        method=Method.DEDUCT,
        deductions=[Deduction("台账不全", D("2")), Deduction("未按时报送", D("3.5"))],
    )
    assert score == D("4.50")
    assert str(score) == "4.50"


def test_deductions_never_go_below_zero():
    """5 − 3 − 4 = −2 → floored at 0."""
    score = submission_score(
        points=D("5"),
        method=Method.DEDUCT,
        deductions=[Deduction("缺少佐证材料", D("3")), Deduction("数据不实", D("4"))],
    )
    assert str(score) == "0.00"


def test_no_deductions_means_full_points():
    """8 − (nothing) = 8."""
    assert str(submission_score(points=D("8"), method=Method.DEDUCT)) == "8.00"


def test_deductions_are_not_rounded_one_by_one():
    """10 − 0.005 − 0.005 = 9.99; rounding each deduction first would give 10 − 0.01 − 0.01 = 9.98."""
    score = submission_score(
        points=D("10"),
        method=Method.DEDUCT,
        deductions=[Deduction("甲", D("0.005")), Deduction("乙", D("0.005"))],
    )
    assert score == D("9.99")


@pytest.mark.parametrize("amount", [D("0"), D("-1")])
def test_deduction_amount_must_be_positive(amount):
    with pytest.raises(ScoringError, match="扣分应大于 0 分"):
        submission_score(
            points=D("10"), method=Method.DEDUCT, deductions=[Deduction("台账不全", amount)]
        )


@pytest.mark.parametrize("reason", ["", "   "])
def test_deduction_needs_a_reason(reason):
    with pytest.raises(ScoringError, match="每项扣分须注明理由"):
        submission_score(
            points=D("10"), method=Method.DEDUCT, deductions=[Deduction(reason, D("1"))]
        )


# --- 档次 --------------------------------------------------------------------------------------


def test_grade_is_a_share_of_points():
    """8 × 0.8 (良好) = 6.4."""
    assert submission_score(points=D("8"), method=Method.GRADE, grade="良好") == D("6.40")


@pytest.mark.parametrize(
    ("grade", "expected"),
    [("优秀", "10.00"), ("良好", "8.00"), ("一般", "6.00"), ("较差", "0.00")],
)
def test_default_grade_levels(grade, expected):
    """10 × 1.00 / 0.80 / 0.60 / 0.00."""
    assert str(submission_score(points=D("10"), method=Method.GRADE, grade=grade)) == expected


def test_custom_grade_levels():
    """A, B, C, D = 1, 0.9, 0.75, 0.5 of 6 分: B → 6 × 0.9 = 5.4; C → 6 × 0.75 = 4.5."""
    levels = (
        GradeLevel("A", D("1")),
        GradeLevel("B", D("0.9")),
        GradeLevel("C", D("0.75")),
        GradeLevel("D", D("0.5")),
    )
    assert submission_score(
        points=D("6"), method=Method.GRADE, grade_levels=levels, grade="B"
    ) == D("5.40")
    assert submission_score(
        points=D("6"), method=Method.GRADE, grade_levels=levels, grade="C"
    ) == D("4.50")
    with pytest.raises(ScoringError, match="请选择档次"):
        submission_score(points=D("6"), method=Method.GRADE, grade_levels=levels, grade="良好")


@pytest.mark.parametrize("grade", [None, "", "卓越"])
def test_grade_must_be_one_of_the_levels(grade):
    with pytest.raises(ScoringError, match="^请选择档次（优秀、良好、一般、较差）$"):
        submission_score(points=D("8"), method=Method.GRADE, grade=grade)


@pytest.mark.parametrize("share", [D("-0.1"), D("1.01")])
def test_grade_share_must_be_between_0_and_1(share):
    levels = (GradeLevel("优秀", D("1")), GradeLevel("超额", share))
    with pytest.raises(ScoringError, match="得分比例应在 0 至 1 之间"):
        submission_score(points=D("8"), method=Method.GRADE, grade_levels=levels, grade="优秀")


def test_grade_names_must_be_unique():
    levels = (GradeLevel("优秀", D("1")), GradeLevel("优秀", D("0.9")))
    with pytest.raises(ScoringError, match="重复"):
        submission_score(points=D("8"), method=Method.GRADE, grade_levels=levels, grade="优秀")


# --- 直接打分 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("direct", "expected"), [("0", "0.00"), ("10", "10.00"), ("7.5", "7.50")])
def test_direct_score_accepts_the_whole_range(direct, expected):
    """0 ≤ direct ≤ 10, both edges included."""
    assert str(submission_score(points=D("10"), method=Method.DIRECT, direct=D(direct))) == expected


@pytest.mark.parametrize("direct", [D("-0.01"), D("10.01")])
def test_direct_score_out_of_range(direct):
    with pytest.raises(ScoringError, match="^得分应在 0 至 10 分之间$"):
        submission_score(points=D("10.00"), method=Method.DIRECT, direct=direct)


def test_direct_score_missing():
    with pytest.raises(ScoringError, match="请填写得分"):
        submission_score(points=D("10"), method=Method.DIRECT)


def test_only_the_chosen_methods_input_is_read():
    """A stale grade on a slot now scored by deduction is ignored: 10 − 1 = 9."""
    score = submission_score(
        points=D("10"),
        method=Method.DEDUCT,
        grade="较差",
        direct=D("2"),
        deductions=[Deduction("台账不全", D("1"))],
    )
    assert score == D("9.00")


def test_method_may_be_the_stored_string():
    assert submission_score(points=D("10"), method="direct", direct=D("3")) == D("3.00")
    with pytest.raises(ScoringError, match="未知的评分方式"):
        submission_score(points=D("10"), method="vote")


def test_points_must_not_be_negative():
    with pytest.raises(ScoringError, match="分值不能为负数"):
        submission_score(points=D("-1"), method=Method.DIRECT, direct=D("0"))


def test_points_have_at_most_two_decimals():
    with pytest.raises(ScoringError, match="最多保留两位小数"):
        submission_score(points=D("1.005"), method=Method.DIRECT, direct=D("1"))


def test_floats_are_refused():
    """0.1 as a float is 0.1000000000000000055…; it must never reach a score."""
    with pytest.raises(TypeError):
        submission_score(points=10.0, method=Method.DIRECT, direct=D("1"))
    with pytest.raises(TypeError):
        submission_score(points=D("10"), method=Method.DIRECT, direct=0.1)


def test_not_a_number_is_refused():
    with pytest.raises(ScoringError, match="不是有效的数字"):
        submission_score(points=D("10"), method=Method.DIRECT, direct=D("NaN"))


# --- property-style: 0 ≤ score ≤ points --------------------------------------------------------

POINTS = [D("0"), D("0.01"), D("0.25"), D("1"), D("3.33"), D("7.5"), D("10"), D("33.34")]


def _assert_in_range(score, points):
    assert D("0") <= score <= points
    assert score.as_tuple().exponent == -2


def test_grade_scores_stay_within_points():
    shares = [D("0"), D("0.001"), D("0.333"), D("0.5"), D("0.6"), D("0.995"), D("1")]
    levels = tuple(GradeLevel(f"档{i}", share) for i, share in enumerate(shares))
    for points in POINTS:
        for level in levels + DEFAULT_GRADE_LEVELS:
            grade_levels = levels if level in levels else DEFAULT_GRADE_LEVELS
            score = submission_score(
                points=points, method=Method.GRADE, grade_levels=grade_levels, grade=level.name
            )
            _assert_in_range(score, points)


def test_deduct_scores_stay_within_points():
    amounts = [D("0.001"), D("0.01"), D("0.5"), D("1"), D("2.345"), D("40")]
    for points in POINTS:
        for count in range(4):
            for amount in amounts:
                deductions = [Deduction(f"第{i}项", amount) for i in range(count)]
                score = submission_score(points=points, method=Method.DEDUCT, deductions=deductions)
                _assert_in_range(score, points)


def test_direct_scores_stay_within_points():
    for points in POINTS:
        for step in range(11):
            direct = points * step / 10
            score = submission_score(points=points, method=Method.DIRECT, direct=direct)
            _assert_in_range(score, points)


# --- one indicator -----------------------------------------------------------------------------


def test_indicator_plain_average():
    """(8 + 6 + 7) ÷ 3 = 7; the NA slot drops out."""
    result = indicator_score(
        points=D("10"),
        slots=[
            SlotResult("区人社局", True, SCORED, D("8")),
            SlotResult("区总工会", False, SCORED, D("6")),
            SlotResult("区教委", False, SCORED, D("7")),
            SlotResult("区财政局", False, NA),
        ],
    )
    assert result == IndicatorResult(IndicatorStatus.SCORED, D("7.00"), 3, 0, 1)


def test_indicator_lead_weight():
    """w = 0.6: 0.6 × 8 + 0.4 × (6 + 7) ÷ 2 = 4.8 + 0.4 × 6.5 = 4.8 + 2.6 = 7.4."""
    result = indicator_score(
        points=D("10"),
        lead_weight=D("0.6"),
        slots=[
            SlotResult("区人社局", True, SCORED, D("8")),
            SlotResult("区总工会", False, SCORED, D("6")),
            SlotResult("区教委", False, SCORED, D("7")),
        ],
    )
    assert result.status is IndicatorStatus.SCORED
    assert result.score == D("7.40")


def test_indicator_lead_weight_falls_back_when_lead_unscored():
    """Lead not scored yet → plain average of the scored supporters: (6 + 7) ÷ 2 = 6.5, PARTIAL."""
    result = indicator_score(
        points=D("10"),
        lead_weight=D("0.6"),
        slots=[
            SlotResult("区人社局", True, UNSCORED),
            SlotResult("区总工会", False, SCORED, D("6")),
            SlotResult("区教委", False, SCORED, D("7")),
        ],
    )
    assert result == IndicatorResult(IndicatorStatus.PARTIAL, D("6.50"), 2, 1, 0)


def test_indicator_lead_weight_falls_back_without_supporters():
    """Only the lead scored (supporter NA) → the lead's own 8, not 0.6 × 8 = 4.8."""
    result = indicator_score(
        points=D("10"),
        lead_weight=D("0.6"),
        slots=[SlotResult("区人社局", True, SCORED, D("8")), SlotResult("区教委", False, NA)],
    )
    assert result.score == D("8.00")


def test_indicator_partial_uses_scored_slots_only():
    """9 scored, one unscored: score 9 ÷ 1 = 9, status PARTIAL (the open slot is not a 0)."""
    result = indicator_score(
        points=D("10"),
        slots=[
            SlotResult("区总工会", True, SCORED, D("9")),
            SlotResult("区教委", False, UNSCORED),
        ],
    )
    assert result == IndicatorResult(IndicatorStatus.PARTIAL, D("9.00"), 1, 1, 0)


def test_indicator_all_na():
    result = indicator_score(
        points=D("10"), slots=[SlotResult("区总工会", True, NA), SlotResult("区教委", False, NA)]
    )
    assert result == IndicatorResult(IndicatorStatus.NA, None, 0, 0, 2)


def test_indicator_without_slots_is_na():
    assert indicator_score(points=D("10"), slots=[]).status is IndicatorStatus.NA


def test_indicator_all_unscored_has_no_score_not_zero():
    result = indicator_score(
        points=D("10"),
        slots=[SlotResult("区总工会", True, UNSCORED), SlotResult("区教委", False, NA)],
    )
    assert result.status is IndicatorStatus.UNSCORED
    assert result.score is None
    assert (result.scored, result.unscored, result.na) == (0, 1, 1)


def test_indicator_override_wins():
    """Slots average (8 + 6) ÷ 2 = 7, but the office set 9.5: 9.5 stands."""
    result = indicator_score(
        points=D("10"),
        override=D("9.5"),
        slots=[
            SlotResult("区人社局", True, SCORED, D("8")),
            SlotResult("区总工会", False, SCORED, D("6")),
            SlotResult("区教委", False, UNSCORED),
        ],
    )
    assert result == IndicatorResult(IndicatorStatus.OVERRIDDEN, D("9.50"), 2, 1, 0)


@pytest.mark.parametrize("override", [D("-0.5"), D("10.5")])
def test_indicator_override_out_of_range(override):
    with pytest.raises(ScoringError, match="^改定得分应在 0 至 10 分之间$"):
        indicator_score(points=D("10"), slots=[], override=override)


@pytest.mark.parametrize("weight", [D("-0.1"), D("1.1")])
def test_indicator_lead_weight_out_of_range(weight):
    with pytest.raises(ScoringError, match="牵头单位权重应在 0 至 1 之间"):
        indicator_score(points=D("10"), slots=[], lead_weight=weight)


def test_indicator_slot_errors():
    with pytest.raises(ScoringError, match="区教委已评分但没有得分"):
        indicator_score(points=D("10"), slots=[SlotResult("区教委", True, SCORED)])
    with pytest.raises(ScoringError, match="区教委的得分应在 0 至 10 分之间"):
        indicator_score(points=D("10"), slots=[SlotResult("区教委", True, SCORED, D("11"))])


def test_several_leads_share_equally():
    """各成员单位 with nobody named: each member unit leads its own part.

    With lead weight 0.6 and two leads scoring 4 and 8 no one outweighs the other:
    (4 + 8) / 2 = 6.00.
    """
    result = indicator_score(
        points=D("10"),
        slots=[
            SlotResult("区教委", True, SCORED, D("4")),
            SlotResult("区总工会", True, SCORED, D("8")),
        ],
        lead_weight=D("0.6"),
    )
    assert result.score == D("6.00")


def test_indicator_lead_weight_is_not_rounded_midway():
    """w = 0.5, lead 0.01, supporters 0.01 and 0.02: 0.5 × 0.01 + 0.5 × 0.015 = 0.0125 → 0.01.

    Rounding the supporters' average 0.015 to 0.02 first would give 0.005 + 0.01 = 0.015 → 0.02.
    """
    result = indicator_score(
        points=D("1"),
        lead_weight=D("0.5"),
        slots=[
            SlotResult("甲", True, SCORED, D("0.01")),
            SlotResult("乙", False, SCORED, D("0.01")),
            SlotResult("丙", False, SCORED, D("0.02")),
        ],
    )
    assert result.score == D("0.01")


# --- rounding ----------------------------------------------------------------------------------


def test_rounding_is_half_up():
    """0.125 → 0.13 (banker's rounding would give 0.12).

    Grade: 0.25 × 0.5 = 0.125 → 0.13.  Average: (0.12 + 0.13) ÷ 2 = 0.125 → 0.13.
    Direct: 0.125 → 0.13.
    """
    half = (GradeLevel("半", D("0.5")),)
    assert submission_score(
        points=D("0.25"), method=Method.GRADE, grade_levels=half, grade="半"
    ) == D("0.13")
    result = indicator_score(
        points=D("1"),
        slots=[
            SlotResult("甲", True, SCORED, D("0.12")),
            SlotResult("乙", False, SCORED, D("0.13")),
        ],
    )
    assert result.score == D("0.13")
    assert submission_score(points=D("1"), method=Method.DIRECT, direct=D("0.125")) == D("0.13")


def test_rate_rounding_is_half_up_to_four_places():
    """1 ÷ 32 = 0.03125 → 0.0313 (half-even would give 0.0312)."""
    (rate,) = unit_rates([UnitSlot("甲", D("32"), SCORED, D("1"))])
    assert rate.rate == D("0.0313")


# --- roll-up -----------------------------------------------------------------------------------


def _result(status, score=None):
    return IndicatorResult(status, None if score is None else D(score), 1, 0, 0)


def test_rollup_small_tree():
    """Two 一级, three 二级, five 三级 (分值 in brackets):

    一级 1
      二级 1: #1 [10] scored 8;        #2 [5] NA
      二级 2: #3 [10] partial 6.5
    一级 2
      二级 3: #4 [15] unscored;        #5 [10] overridden 9

    二级 1: points 10 (NA 5 out), earned 8, open 0, NA 5, rate 8 ÷ 10 = 0.8
    二级 2: points 10, earned 6.5, open 0, NA 0, rate 6.5 ÷ 10 = 0.65
    二级 3: points 15 + 10 = 25, earned 9, open 15, NA 0, rate 9 ÷ (25 − 15) = 0.9
    一级 1: points 10 + 10 = 20, earned 8 + 6.5 = 14.5, open 0, NA 5, rate 14.5 ÷ 20 = 0.725
    一级 2: same as 二级 3
    total:  points 20 + 25 = 45, earned 14.5 + 9 = 23.5, open 15, NA 5,
            rate 23.5 ÷ (45 − 15) = 23.5 ÷ 30 = 0.78333… → 0.7833
    """
    lines = [
        IndicatorLine(1, 1, 1, D("10"), _result(IndicatorStatus.SCORED, "8")),
        IndicatorLine(2, 1, 1, D("5"), _result(IndicatorStatus.NA)),
        IndicatorLine(3, 1, 2, D("10"), _result(IndicatorStatus.PARTIAL, "6.5")),
        IndicatorLine(4, 2, 3, D("15"), _result(IndicatorStatus.UNSCORED)),
        IndicatorLine(5, 2, 3, D("10"), _result(IndicatorStatus.OVERRIDDEN, "9")),
    ]
    r = rollup(lines)

    assert r.level2 == {
        1: Subtotal(D("10"), D("8"), D("0"), D("5")),
        2: Subtotal(D("10"), D("6.5"), D("0"), D("0")),
        3: Subtotal(D("25"), D("9"), D("15"), D("0")),
    }
    assert r.level1 == {
        1: Subtotal(D("20"), D("14.5"), D("0"), D("5")),
        2: Subtotal(D("25"), D("9"), D("15"), D("0")),
    }
    assert r.total == Subtotal(D("45"), D("23.5"), D("15"), D("5"))
    assert [r.level2[k].rate for k in (1, 2, 3)] == [D("0.8000"), D("0.6500"), D("0.9000")]
    assert [r.level1[k].rate for k in (1, 2)] == [D("0.7250"), D("0.9000")]
    assert r.total.rate == D("0.7833")
    assert str(r.total.earned) == "23.50"
    assert list(r.level2) == [1, 2, 3]


def test_rollup_rate_is_none_until_something_is_scored():
    """Only an unscored 10 and an NA 5: points 10, open 10 → 10 − 10 = 0 → no rate."""
    r = rollup(
        [
            IndicatorLine(1, 1, 1, D("10"), _result(IndicatorStatus.UNSCORED)),
            IndicatorLine(2, 1, 1, D("5"), _result(IndicatorStatus.NA)),
        ]
    )
    assert r.total == Subtotal(D("10"), D("0"), D("10"), D("5"))
    assert r.total.rate is None


def test_rollup_of_nothing():
    r = rollup([])
    assert r.total == Subtotal(D("0"), D("0"), D("0"), D("0"))
    assert r.total.rate is None
    assert r.level1 == {}
    assert r.level2 == {}


def test_rollup_rejects_inconsistent_lines():
    scored = _result(IndicatorStatus.SCORED, "1")
    with pytest.raises(ScoringError, match="指标 1 重复出现"):
        rollup([IndicatorLine(1, 1, 1, D("5"), scored), IndicatorLine(1, 1, 1, D("5"), scored)])
    with pytest.raises(ScoringError, match="二级指标 1 同时属于一级指标 1 和 2"):
        rollup([IndicatorLine(1, 1, 1, D("5"), scored), IndicatorLine(2, 2, 1, D("5"), scored)])
    with pytest.raises(ScoringError, match="指标 3 已评分但没有得分"):
        rollup([IndicatorLine(3, 1, 1, D("5"), _result(IndicatorStatus.PARTIAL))])
    with pytest.raises(ScoringError, match="指标 3 的得分应在 0 至 5 分之间"):
        rollup([IndicatorLine(3, 1, 1, D("5"), _result(IndicatorStatus.SCORED, "6"))])


def test_rollup_takes_indicator_score_results():
    """End to end: #1 [10] slots 8 and 6 → 7; #2 [10] all unscored. Total 7 of 20, 10 open."""
    first = indicator_score(
        points=D("10"),
        slots=[SlotResult("甲", True, SCORED, D("8")), SlotResult("乙", False, SCORED, D("6"))],
    )
    second = indicator_score(points=D("10"), slots=[SlotResult("甲", True, UNSCORED)])
    r = rollup([IndicatorLine(1, 1, 1, D("10"), first), IndicatorLine(2, 1, 1, D("10"), second)])
    assert r.total == Subtotal(D("20"), D("7"), D("10"), D("0"))
    assert r.total.rate == D("0.7000")


# --- 加分 and 一票否决 ---------------------------------------------------------------------------


def test_bonus_is_capped():
    """Bonuses 2 + 3 = 5, cap 4 → 4; 85 + 4 = 89."""
    result = final_result(base=D("85"), bonuses=[D("2"), D("3")], bonus_cap=D("4"))
    assert result == FinalResult(D("85.00"), D("4.00"), D("89.00"), False, (), "")


def test_bonus_under_the_cap_counts_in_full():
    """1.5 + 2 = 3.5 ≤ 4 → 3.5; 80.25 + 3.5 = 83.75."""
    result = final_result(base=D("80.25"), bonuses=[D("1.5"), D("2")], bonus_cap=D("4"))
    assert (result.bonus, result.total) == (D("3.50"), D("83.75"))


def test_veto_fails_the_evaluation():
    """A 一票否决 leaves the arithmetic (95 + 1 = 96) visible but the verdict is 不合格."""
    result = final_result(
        base=D("95"),
        bonuses=[D("1")],
        bonus_cap=D("4"),
        vetoes=["发生重大安全生产责任事故", " 瞒报数据 "],
    )
    assert result.vetoed is True
    assert result.total == D("96.00")
    assert result.veto_reasons == ("发生重大安全生产责任事故", "瞒报数据")
    assert result.verdict == "不合格"


def test_final_result_errors():
    with pytest.raises(ScoringError, match="加分不能为负数"):
        final_result(base=D("90"), bonuses=[D("-1")], bonus_cap=D("4"))
    with pytest.raises(ScoringError, match="加分上限不能为负数"):
        final_result(base=D("90"), bonuses=[], bonus_cap=D("-4"))
    with pytest.raises(ScoringError, match="一票否决须注明理由"):
        final_result(base=D("90"), bonuses=[], bonus_cap=D("4"), vetoes=[" "])


# --- 单位得分率 ----------------------------------------------------------------------------------


def test_unit_rates_rank_with_ties_and_unscored_units():
    """区教委 8 + 6 of 10 + 6 = 14 ÷ 16 = 0.875
    区总工会 7 of 8 = 0.875 (its unscored 5 and NA 3 are counted, not added)
    区财政局 3 of 5 = 0.6
    区人社局 9 of 10 = 0.9
    区科信局 only unscored → possible 0, no rate, no rank, last.
    Ranks: 0.9 → 1; 0.875, 0.875 → 2, 2; 0.6 → 4.
    """
    rates = unit_rates(
        [
            UnitSlot("区教委", D("10"), SCORED, D("8")),
            UnitSlot("区教委", D("6"), SCORED, D("6")),
            UnitSlot("区总工会", D("8"), SCORED, D("7")),
            UnitSlot("区总工会", D("5"), UNSCORED),
            UnitSlot("区总工会", D("3"), NA),
            UnitSlot("区财政局", D("5"), SCORED, D("3")),
            UnitSlot("区科信局", D("4"), UNSCORED),
            UnitSlot("区科信局", D("2"), UNSCORED),
            UnitSlot("区人社局", D("10"), SCORED, D("9")),
        ]
    )
    assert [(r.unit, r.rate, r.rank) for r in rates] == [
        ("区人社局", D("0.9000"), 1),
        ("区总工会", D("0.8750"), 2),  # 总 (U+603B) sorts before 教 (U+6559)
        ("区教委", D("0.8750"), 2),
        ("区财政局", D("0.6000"), 4),
        ("区科信局", None, None),
    ]
    by_unit = {r.unit: r for r in rates}
    union = by_unit["区总工会"]
    assert (union.points_possible, union.points_earned) == (D("8.00"), D("7.00"))
    assert (union.scored, union.unscored, union.na) == (1, 1, 1)
    idle = by_unit["区科信局"]
    assert (idle.points_possible, idle.points_earned) == (D("0.00"), D("0.00"))
    assert (idle.scored, idle.unscored, idle.na) == (0, 2, 0)


def test_unit_rates_rank_on_the_rate_as_shown():
    """2 ÷ 3 = 0.666666… and 6.67 ÷ 10 = 0.667: shown 0.6667 and 0.6670 — different ranks.
    2 ÷ 3 and 4 ÷ 6 are both 0.6667: same rank."""
    rates = unit_rates(
        [
            UnitSlot("甲", D("3"), SCORED, D("2")),
            UnitSlot("乙", D("6"), SCORED, D("4")),
            UnitSlot("丙", D("10"), SCORED, D("6.67")),
        ]
    )
    assert [(r.unit, r.rate, r.rank) for r in rates] == [
        ("丙", D("0.6670"), 1),
        ("乙", D("0.6667"), 2),
        ("甲", D("0.6667"), 2),
    ]


def test_unit_rates_of_nothing():
    assert unit_rates([]) == []


def test_unit_rates_slot_errors():
    with pytest.raises(ScoringError, match="甲已评分但没有得分"):
        unit_rates([UnitSlot("甲", D("3"), SCORED)])
    with pytest.raises(ScoringError, match="甲的得分应在 0 至 3 分之间"):
        unit_rates([UnitSlot("甲", D("3"), SCORED, D("3.5"))])
