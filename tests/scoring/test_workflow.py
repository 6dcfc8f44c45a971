"""scoring.workflow: the slot and the cycle transition tables, each read through one checker."""

import pytest

from common.errors import DomainError
from scoring.models import CycleStatus, SlotStatus
from scoring.models.slot import EDITABLE_STATUSES
from scoring.workflow import (
    ALLOWED,
    CYCLE_TRANSITIONS,
    SCORING_OPEN,
    check_allowed,
    cycle_actions_from,
    cycle_check_allowed,
    ensure_allowed,
)


def test_the_cycle_moves_along_one_line():
    """准备中 → 填报中 → 评审中 → 已发布 → 已归档: one action out of each state but the last,
    and from 已发布 the correction path back to 评审中 (撤回发布)."""
    assert [cycle_actions_from(s) for s in CycleStatus.values] == [
        ["open"],
        ["start_review"],
        ["publish"],
        ["archive", "unpublish"],
        [],
    ]


@pytest.mark.parametrize("action", list(CYCLE_TRANSITIONS))
def test_a_cycle_action_from_another_state_is_refused_in_chinese(action):
    source = CYCLE_TRANSITIONS[action][0]
    assert cycle_check_allowed(action, source) is None
    for status in CycleStatus:
        if status != source:
            assert cycle_check_allowed(action, status) == (
                f"考核周期当前为“{status.label}”，不能{CYCLE_TRANSITIONS[action][3]}。"
            )


def test_a_unit_edits_exactly_the_statuses_a_slot_is_editable_in():
    assert ALLOWED["save"][0] == ALLOWED["submit"][0] == EDITABLE_STATUSES
    for status in SlotStatus:
        assert (check_allowed("save", status) is None) == (status in EDITABLE_STATUSES)


def test_ensure_allowed_raises_the_checkers_message():
    with pytest.raises(DomainError) as exc:
        ensure_allowed("approve", SlotStatus.DRAFT)
    assert exc.value.message == "当前状态为“草稿”，不能审核通过。"


def test_scoring_is_open_while_units_fill_in_and_during_review():
    assert set(SCORING_OPEN) == {CycleStatus.OPEN, CycleStatus.REVIEWING}
