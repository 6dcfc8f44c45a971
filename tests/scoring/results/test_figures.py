"""scoring.results.figures without a database: each definition on hand-made slots.

Six slots, deadline 1 December, now 3 December (the deadline has passed):

  a 未填报                       → owed, 逾期
  b 草稿, extended to 10 December → owed, not 逾期 (its own deadline is later)
  c 已退回 by the unit approver    → owed, 逾期; first submitted 30 November (on time)
  d 已退回 by the office           → not owed (no deadline); first submitted 2 December (late)
  e 待单位审核, first submitted 1 December 00:00 (on time: not later than the deadline)
  f 未填报 but 不适用               → no task at all

任务数 5; 已提交 1 (e); 已报送 0; 逾期 2 (a, c); due = ever submitted {c, d, e} ∪ 逾期 {a, c}
= 4; on time {c, e} = 2 → 按时提交率 2 ÷ 4 = 0.5; 完成率 0 ÷ 5 = 0.
"""

from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace

from scoring.models import SlotStatus
from scoring.results import figures

DEADLINE = datetime(2026, 12, 1, tzinfo=UTC)
NOW = datetime(2026, 12, 3, tzinfo=UTC)


def _slot(pk, status, *, na=False, by_office=False, extension=None):
    return SimpleNamespace(
        pk=pk,
        status=status,
        not_applicable=na,
        returned_by_office=by_office,
        effective_deadline=extension or DEADLINE,
        unit=SimpleNamespace(name="区人社局"),
    )


SLOTS = [
    _slot(1, SlotStatus.NOT_STARTED),
    _slot(2, SlotStatus.DRAFT, extension=datetime(2026, 12, 10, tzinfo=UTC)),
    _slot(3, SlotStatus.RETURNED),
    _slot(4, SlotStatus.RETURNED, by_office=True),
    _slot(5, SlotStatus.PENDING_APPROVAL),
    _slot(6, SlotStatus.NOT_STARTED, na=True),
]
FIRST = {
    3: datetime(2026, 11, 30, tzinfo=UTC),
    4: datetime(2026, 12, 2, tzinfo=UTC),
    5: DEADLINE,
}


def test_overdue_is_owed_and_past_its_own_deadline():
    assert [figures.slot_is_overdue(s, NOW) for s in SLOTS] == [
        True,
        False,
        True,
        False,
        False,
        False,
    ]


def test_counts():
    counts = figures.slot_counts(SLOTS, first_submitted=FIRST, now=NOW)
    assert counts == figures.SlotCounts(
        tasks=5, not_applicable=1, submitted=1, reported=0, overdue=2, on_time=2, due=4
    )
    assert counts.on_time_rate == Decimal("0.5000")
    assert counts.completion == Decimal("0.0000")
    assert figures.slot_counts_by_unit(SLOTS, first_submitted=FIRST, now=NOW) == {
        "区人社局": counts
    }


def test_rates_say_what_they_are_over_until_scoring_is_complete():
    """4.33 earned of 4.33 scored, 100 applicable → 100% over what is scored, 4.33% of all."""
    open_ = figures.ScoreFigures(Decimal("4.33"), Decimal("4.33"), Decimal("100.00"), False)
    assert open_.rate_scored_text == "100.00%（已评 4.33 / 100 分）"
    assert open_.rate_total_text == "4.33%（已评 4.33 / 100 分）"
    done = figures.ScoreFigures(Decimal("85.22"), Decimal("100"), Decimal("100"), True)
    assert (done.rate_scored_text, done.rate_total_text, done.scored_note) == (
        "85.22%",
        "85.22%",
        "",
    )
    nothing = figures.ScoreFigures(Decimal(0), Decimal(0), Decimal("100"), False)
    assert nothing.rate_scored_text == "未评分（已评 0 / 100 分）"


def test_ranks_wait_for_complete_scoring():
    assert figures.rank_text(1, complete=False) == "未完成评分"
    assert figures.rank_text(1, complete=True) == "1"
    assert figures.rank_text(None, complete=True) == "—"
    assert figures.rank_value(2, complete=True) == 2
    assert figures.rank_value(2, complete=False) == "未完成评分"


def test_every_figure_has_one_definition():
    names = [
        figures.TASKS,
        figures.SUBMITTED,
        figures.REPORTED,
        figures.OVERDUE,
        figures.ON_TIME_RATE,
        figures.COMPLETION,
        figures.SCORED_POINTS,
        figures.POINTS,
        figures.EARNED,
        figures.RATE_SCORED,
        figures.RATE_TOTAL,
        figures.RANK,
    ]
    assert list(figures.DEFINITIONS) == names
    assert all(figures.DEFINITIONS[n].endswith("。") for n in names)
