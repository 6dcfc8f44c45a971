"""Scoring arithmetic as pure functions: no database, no models, Decimal throughout.

Callers pass points, methods and raw scores; every public function validates its input, computes
with full Decimal precision and quantizes its results once, at the end (scores to 0.01, 得分率 to
0.0001, both ROUND_HALF_UP as Chinese evaluation tables round). A broken rule raises
`ScoringError` with a message the user can read.

Amounts the office types in (分值, 加分, 加分上限) have at most two decimals, as the model fields do;
that keeps a rounded score from ever exceeding its 分值 and `total == base + bonus` exact.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from common.formats import num

CENT = Decimal("0.01")
RATE_STEP = Decimal("0.0001")
ZERO = Decimal("0")
ONE = Decimal("1")


class Method(StrEnum):
    GRADE = "grade"  # 档次
    DEDUCT = "deduct"  # 扣分
    DIRECT = "direct"  # 直接打分


class ItemStatus(StrEnum):
    SCORED = "scored"
    UNSCORED = "unscored"
    NA = "na"  # 不适用


class IndicatorStatus(StrEnum):
    SCORED = "scored"
    PARTIAL = "partial"
    UNSCORED = "unscored"
    NA = "na"
    OVERRIDDEN = "overridden"


class ScoringError(ValueError):
    """A scoring rule was broken; `message` is shown to the user as is (Chinese)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class GradeLevel:
    name: str
    share: Decimal  # share of 分值, 0..1


DEFAULT_GRADE_LEVELS: tuple[GradeLevel, ...] = (
    GradeLevel("优秀", Decimal("1.00")),
    GradeLevel("良好", Decimal("0.80")),
    GradeLevel("一般", Decimal("0.60")),
    GradeLevel("较差", Decimal("0.00")),
)


@dataclass(frozen=True)
class Deduction:
    reason: str
    # None: the office named a deduction but gave no amount (refused with a message).
    amount: Decimal | None


@dataclass(frozen=True)
class SlotResult:
    unit: str
    is_lead: bool
    status: ItemStatus
    score: Decimal | None = None


@dataclass(frozen=True)
class IndicatorResult:
    status: IndicatorStatus
    score: Decimal | None
    scored: int
    unscored: int
    na: int


@dataclass(frozen=True)
class IndicatorLine:
    number: int
    level1: int
    level2: int
    points: Decimal
    result: IndicatorResult


@dataclass(frozen=True)
class Subtotal:
    points: Decimal  # 分值 of indicators that apply (not NA)
    earned: Decimal  # scores of SCORED / PARTIAL / OVERRIDDEN indicators
    unscored_points: Decimal  # 分值 still open (UNSCORED indicators)
    na_points: Decimal  # 分值 that dropped out (NA indicators)

    @property
    def rate(self) -> Decimal | None:
        """得分率 over the points already scored; None when nothing is scored yet.

        >>> Subtotal(Decimal("30.00"), Decimal("14.00"), Decimal("10.00"), Decimal("5.00")).rate
        Decimal('0.7000')

        14 ÷ (30 − 10) = 0.7.
        """
        return _rate(self.earned, self.points - self.unscored_points)


@dataclass(frozen=True)
class Rollup:
    level2: dict[int, Subtotal]
    level1: dict[int, Subtotal]
    total: Subtotal


@dataclass(frozen=True)
class FinalResult:
    base: Decimal
    bonus: Decimal
    total: Decimal
    vetoed: bool
    veto_reasons: tuple[str, ...]
    verdict: str


@dataclass(frozen=True)
class UnitSlot:
    unit: str
    points: Decimal
    status: ItemStatus
    score: Decimal | None = None


@dataclass(frozen=True)
class UnitRate:
    unit: str
    points_possible: Decimal
    points_earned: Decimal
    rate: Decimal | None
    scored: int
    unscored: int
    na: int
    rank: int | None


# --- helpers ---------------------------------------------------------------------------------


def _q(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _rate(earned: Decimal, possible: Decimal) -> Decimal | None:
    if possible == 0:
        return None
    return (earned / possible).quantize(RATE_STEP, rounding=ROUND_HALF_UP)


def _dec(value: object, what: str) -> Decimal:
    # A float here is a programming error (binary rounding would leak into scores), not user input.
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{what} must be a Decimal, got {type(value).__name__}")
    value = Decimal(value)
    if not value.is_finite():
        raise ScoringError(f"{what}不是有效的数字")
    return value


def _amount(value: object, what: str) -> Decimal:
    """An amount the office enters: ≥ 0 and at most two decimals."""
    value = _dec(value, what)
    if value < 0:
        raise ScoringError(f"{what}不能为负数")
    if value != value.quantize(CENT):
        raise ScoringError(f"{what}最多保留两位小数")
    return value


def _in_range(value: object, points: Decimal, what: str) -> Decimal:
    value = _dec(value, what)
    if not 0 <= value <= points:
        raise ScoringError(f"{what}应在 0 至 {num(points)} 分之间")
    return value


# --- one submission --------------------------------------------------------------------------


def submission_score(
    *,
    points: Decimal,
    method: Method,
    grade_levels: Sequence[GradeLevel] = DEFAULT_GRADE_LEVELS,
    grade: str | None = None,
    deductions: Sequence[Deduction] = (),
    direct: Decimal | None = None,
) -> Decimal:
    """The office's score for one slot under the indicator's method, 0 ≤ score ≤ points.

    Only the input of the chosen method is read; the others are ignored, so a caller can pass
    everything stored on a slot whose method changed.

    档次: 8 分, 良好 (0.8) → 8 × 0.8 = 6.40
    >>> submission_score(points=Decimal("8"), method=Method.GRADE, grade="良好")
    Decimal('6.40')

    扣分: 10 − 2 − 3.5 = 4.50; never below 0 (5 − 3 − 4 → 0.00)
    >>> submission_score(points=Decimal("10"), method=Method.DEDUCT, deductions=[
    ...     Deduction("台账不全", Decimal("2")), Deduction("未按时报送", Decimal("3.5"))])
    Decimal('4.50')

    直接打分: 0 ≤ 7.25 ≤ 10 → 7.25
    >>> submission_score(points=Decimal("10"), method=Method.DIRECT, direct=Decimal("7.25"))
    Decimal('7.25')
    """
    points = _amount(points, "分值")
    try:
        method = Method(method)
    except ValueError:
        raise ScoringError(f"未知的评分方式：{method}") from None

    if method is Method.GRADE:
        names = []
        share = None
        for level in grade_levels:
            level_share = _dec(level.share, "档次比例")
            if not 0 <= level_share <= 1:
                raise ScoringError(f"档次“{level.name}”的得分比例应在 0 至 1 之间")
            if level.name in names:
                raise ScoringError(f"档次“{level.name}”重复")
            names.append(level.name)
            if level.name == grade:
                share = level_share
        if share is None:
            raise ScoringError(f"请选择档次（{'、'.join(names)}）")
        return _q(points * share)

    if method is Method.DEDUCT:
        total = ZERO
        for deduction in deductions:
            if not deduction.reason or not deduction.reason.strip():
                raise ScoringError("每项扣分须注明理由")
            if deduction.amount is None:
                raise ScoringError(f"请填写扣分分值（{deduction.reason.strip()}）")
            amount = _dec(deduction.amount, "扣分")
            if amount <= 0:
                raise ScoringError(f"扣分应大于 0 分（{deduction.reason.strip()}）")
            total += amount
        return _q(max(points - total, ZERO))

    if direct is None:
        raise ScoringError(f"请填写得分（0 至 {num(points)} 分）")
    return _q(_in_range(direct, points, "得分"))


# --- one indicator ---------------------------------------------------------------------------


def _average(scores: Sequence[Decimal]) -> Decimal:
    return sum(scores, ZERO) / len(scores)


def indicator_score(
    *,
    points: Decimal,
    slots: Sequence[SlotResult],
    lead_weight: Decimal | None = None,
    override: Decimal | None = None,
) -> IndicatorResult:
    """Combine the unit slots of one 三级指标 into its score.

    An override by the office wins. Otherwise NA slots drop out; an indicator with nothing scored
    has no score (None, never 0) so it is not mistaken for a zero; a partly scored one is scored
    from what is scored. With `lead_weight` w the lead unit counts w and the supporting units
    share 1 − w; without a scored lead or a scored supporter it falls back to the plain average.

    Lead 8, supporters 6 and 7, w = 0.6 → 0.6 × 8 + 0.4 × (6 + 7) ÷ 2 = 4.8 + 2.6 = 7.40
    >>> r = indicator_score(points=Decimal("10"), lead_weight=Decimal("0.6"), slots=[
    ...     SlotResult("区人社局", True, ItemStatus.SCORED, Decimal("8")),
    ...     SlotResult("区总工会", False, ItemStatus.SCORED, Decimal("6")),
    ...     SlotResult("区教委", False, ItemStatus.SCORED, Decimal("7")),
    ...     SlotResult("区财政局", False, ItemStatus.NA)])
    >>> r.status, r.score, r.scored, r.unscored, r.na
    (<IndicatorStatus.SCORED: 'scored'>, Decimal('7.40'), 3, 0, 1)
    """
    points = _amount(points, "分值")
    if lead_weight is not None:
        lead_weight = _dec(lead_weight, "牵头单位权重")
        if not 0 <= lead_weight <= 1:
            raise ScoringError("牵头单位权重应在 0 至 1 之间")
    if sum(1 for slot in slots if slot.is_lead) > 1:
        # 各成员单位 with nobody named: every member unit leads its own part, so no one
        # outweighs the others and the plain average applies.
        lead_weight = None

    lead_score: Decimal | None = None
    supporting: list[Decimal] = []
    scored: list[Decimal] = []
    unscored = na = 0
    for slot in slots:
        status = ItemStatus(slot.status)
        if status is ItemStatus.NA:
            na += 1
        elif status is ItemStatus.UNSCORED:
            unscored += 1
        else:
            if slot.score is None:
                raise ScoringError(f"{slot.unit}已评分但没有得分")
            score = _in_range(slot.score, points, f"{slot.unit}的得分")
            scored.append(score)
            if slot.is_lead:
                lead_score = score
            else:
                supporting.append(score)

    def result(status: IndicatorStatus, score: Decimal | None) -> IndicatorResult:
        return IndicatorResult(
            status=status,
            score=None if score is None else _q(score),
            scored=len(scored),
            unscored=unscored,
            na=na,
        )

    if override is not None:
        return result(IndicatorStatus.OVERRIDDEN, _in_range(override, points, "改定得分"))
    if not scored and not unscored:
        return result(IndicatorStatus.NA, None)
    if not scored:
        return result(IndicatorStatus.UNSCORED, None)

    if lead_weight is not None and lead_score is not None and supporting:
        score = lead_weight * lead_score + (ONE - lead_weight) * _average(supporting)
    else:
        score = _average(scored)
    return result(IndicatorStatus.PARTIAL if unscored else IndicatorStatus.SCORED, score)


# --- the table -------------------------------------------------------------------------------


class _Sum:
    def __init__(self) -> None:
        self.points = self.earned = self.unscored_points = self.na_points = ZERO

    def add(self, points: Decimal, score: Decimal | None, *, na: bool) -> None:
        if na:
            self.na_points += points
        elif score is None:
            self.points += points
            self.unscored_points += points
        else:
            self.points += points
            self.earned += score

    def freeze(self) -> Subtotal:
        return Subtotal(
            points=_q(self.points),
            earned=_q(self.earned),
            unscored_points=_q(self.unscored_points),
            na_points=_q(self.na_points),
        )


def rollup(lines: Sequence[IndicatorLine]) -> Rollup:
    """Sum 三级 results into 二级, 一级 and the total; NA drops out, UNSCORED stays visible.

    Indicator 1 (一级 1, 二级 1, 10 分) scored 8; indicator 2 (一级 1, 二级 2, 5 分) not
    applicable; indicator 3 (一级 2, 二级 3, 10 分) not yet scored:
    二级 1: 10 分, earned 8, rate 8 ÷ 10 = 0.8;
    total: points 10 + 10 = 20, earned 8, open 10, NA 5, rate 8 ÷ (20 − 10) = 0.8.
    >>> S, N, U = IndicatorStatus.SCORED, IndicatorStatus.NA, IndicatorStatus.UNSCORED
    >>> r = rollup([
    ...     IndicatorLine(1, 1, 1, Decimal("10"), IndicatorResult(S, Decimal("8"), 1, 0, 0)),
    ...     IndicatorLine(2, 1, 2, Decimal("5"), IndicatorResult(N, None, 0, 0, 1)),
    ...     IndicatorLine(3, 2, 3, Decimal("10"), IndicatorResult(U, None, 0, 1, 0))])
    >>> r.level2[1]
    Subtotal(points=Decimal('10.00'), earned=Decimal('8.00'), unscored_points=Decimal('0.00'), na_points=Decimal('0.00'))
    >>> r.total.points, r.total.earned, r.total.unscored_points, r.total.na_points, r.total.rate
    (Decimal('20.00'), Decimal('8.00'), Decimal('10.00'), Decimal('5.00'), Decimal('0.8000'))
    """
    total = _Sum()
    level1: dict[int, _Sum] = {}
    level2: dict[int, _Sum] = {}
    parent_of: dict[int, int] = {}
    seen: set[int] = set()
    for line in lines:
        if line.number in seen:
            raise ScoringError(f"指标 {line.number} 重复出现")
        seen.add(line.number)
        # 二级 numbers run across the whole table, so each belongs to exactly one 一级.
        parent = parent_of.setdefault(line.level2, line.level1)
        if parent != line.level1:
            raise ScoringError(f"二级指标 {line.level2} 同时属于一级指标 {parent} 和 {line.level1}")
        points = _amount(line.points, f"指标 {line.number} 的分值")
        status = IndicatorStatus(line.result.status)
        score = None
        if status not in (IndicatorStatus.NA, IndicatorStatus.UNSCORED):
            if line.result.score is None:
                raise ScoringError(f"指标 {line.number} 已评分但没有得分")
            score = _in_range(line.result.score, points, f"指标 {line.number} 的得分")
        for bucket in (
            total,
            level1.setdefault(line.level1, _Sum()),
            level2.setdefault(line.level2, _Sum()),
        ):
            bucket.add(points, score, na=status is IndicatorStatus.NA)
    return Rollup(
        level2={key: level2[key].freeze() for key in sorted(level2)},
        level1={key: level1[key].freeze() for key in sorted(level1)},
        total=total.freeze(),
    )


def final_result(
    *,
    base: Decimal,
    bonuses: Sequence[Decimal],
    bonus_cap: Decimal,
    vetoes: Sequence[str] = (),
) -> FinalResult:
    """Add 加分 up to the cycle's cap; any 一票否决 fails the evaluation whatever the score.

    Base 86.5, bonuses 2 + 3 = 5 capped at 4 → 86.5 + 4 = 90.50; no veto, so no verdict yet.
    >>> final_result(base=Decimal("86.5"), bonuses=[Decimal("2"), Decimal("3")],
    ...              bonus_cap=Decimal("4"))
    FinalResult(base=Decimal('86.50'), bonus=Decimal('4.00'), total=Decimal('90.50'), vetoed=False, veto_reasons=(), verdict='')

    >>> final_result(base=Decimal("95"), bonuses=[], bonus_cap=Decimal("4"),
    ...              vetoes=["发生重大安全生产责任事故"]).verdict
    '不合格'
    """
    base = _amount(base, "基础得分")
    bonus_cap = _amount(bonus_cap, "加分上限")
    bonus_sum = sum((_amount(bonus, "加分") for bonus in bonuses), ZERO)
    bonus = min(bonus_sum, bonus_cap)
    reasons = []
    for reason in vetoes:
        if not reason or not reason.strip():
            raise ScoringError("一票否决须注明理由")
        reasons.append(reason.strip())
    return FinalResult(
        base=_q(base),
        bonus=_q(bonus),
        total=_q(base + bonus),
        vetoed=bool(reasons),
        veto_reasons=tuple(reasons),
        verdict="不合格" if reasons else "",
    )


# --- units -----------------------------------------------------------------------------------


@dataclass
class _Tally:
    possible: Decimal = ZERO
    earned: Decimal = ZERO
    scored: int = 0
    unscored: int = 0
    na: int = 0


def unit_rates(slots: Sequence[UnitSlot]) -> list[UnitRate]:
    """Each unit's 得分率 over its scored slots, ranked 1, 2, 2, 4 by rate.

    Units are ranked on the rate as shown (0.0001), so two units that read the same share a
    rank. Units with nothing scored have no rate and no rank and come last; ties and the
    unranked are ordered by unit name (code point order: 总 U+603B before 教 U+6559).

    区教委: 8 of 10 and 6 of 6 → 14 ÷ 16 = 0.875; 区总工会: 7 of 8 = 0.875 (unscored 5 分 not
    counted); 区财政局: 3 of 5 = 0.6; 区科信局: only unscored → no rate.
    >>> S, U = ItemStatus.SCORED, ItemStatus.UNSCORED
    >>> rates = unit_rates([
    ...     UnitSlot("区教委", Decimal("10"), S, Decimal("8")),
    ...     UnitSlot("区教委", Decimal("6"), S, Decimal("6")),
    ...     UnitSlot("区总工会", Decimal("8"), S, Decimal("7")),
    ...     UnitSlot("区总工会", Decimal("5"), U),
    ...     UnitSlot("区财政局", Decimal("5"), S, Decimal("3")),
    ...     UnitSlot("区科信局", Decimal("4"), U)])
    >>> [(r.unit, r.rate, r.rank) for r in rates]
    [('区总工会', Decimal('0.8750'), 1), ('区教委', Decimal('0.8750'), 1), ('区财政局', Decimal('0.6000'), 3), ('区科信局', None, None)]
    """
    tallies: dict[str, _Tally] = {}
    for slot in slots:
        points = _amount(slot.points, f"{slot.unit}的分值")
        tally = tallies.setdefault(slot.unit, _Tally())
        status = ItemStatus(slot.status)
        if status is ItemStatus.NA:
            tally.na += 1
        elif status is ItemStatus.UNSCORED:
            tally.unscored += 1
        else:
            if slot.score is None:
                raise ScoringError(f"{slot.unit}已评分但没有得分")
            tally.earned += _in_range(slot.score, points, f"{slot.unit}的得分")
            tally.possible += points
            tally.scored += 1

    rates = {unit: _rate(tally.earned, tally.possible) for unit, tally in tallies.items()}
    ranked = [rate for rate in rates.values() if rate is not None]
    result = [
        UnitRate(
            unit=unit,
            points_possible=_q(tally.possible),
            points_earned=_q(tally.earned),
            rate=rates[unit],
            scored=tally.scored,
            unscored=tally.unscored,
            na=tally.na,
            rank=None if rate is None else 1 + sum(other > rate for other in ranked),
        )
        for unit, tally in tallies.items()
        for rate in [rates[unit]]
    ]
    result.sort(key=lambda r: (r.rank is None, r.rank or 0, r.unit))
    return result
