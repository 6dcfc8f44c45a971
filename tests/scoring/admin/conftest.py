"""The office in the admin: a cycle with a small scheme, and slots brought to each state."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from scoring.cycles.services import cycle_create, cycle_open
from scoring.models import Cycle, CycleIndicator, Slot, SlotStatus
from scoring.review.services import submission_approve
from scoring.scheme.services import scheme_update

from ..conftest import slot_of, slot_submit_with_pdf

# 区人社局 alone answers each of these, and none asks for figures.
GRADE_NUMBER = 44  # 技能表彰奖项: 档次, 5 分
DEDUCT_NUMBER = 63  # 收入分配机制: 扣分, 4 分
DIRECT_NUMBER = 68  # 健全向一线产业工人倾斜的分配制度: 直接打分, 3 分
OTHER_NUMBER = 73  # 把高技能人才纳入党管人才总盘子统筹考虑: 档次, 2 分
SCHEME = {
    GRADE_NUMBER: ("grade", Decimal(5)),
    DEDUCT_NUMBER: ("deduct", Decimal(4)),
    DIRECT_NUMBER: ("direct", Decimal(3)),
    OTHER_NUMBER: ("grade", Decimal(2)),
}


@pytest.fixture
def cycle(db) -> Cycle:
    """2026年度, opened ten days ago, due in twenty, with 分值 and 评分方法 on four indicators."""
    now = timezone.now()
    cycle = cycle_create(
        name="2026年度",
        year=2026,
        opens_at=now - timedelta(days=10),
        deadline=now + timedelta(days=20),
    )
    for item in CycleIndicator.objects.filter(cycle=cycle, number__in=SCHEME):
        method, points = SCHEME[item.number]
        scheme_update(item=item, points=points, method=method, actor=None)
    cycle_open(cycle=cycle)
    cycle.refresh_from_db()
    return cycle


@pytest.fixture
def rsj_slot(cycle):
    """rsj_slot(44) -> 区人社局's slot for indicator 44, fresh from the database."""

    def _get(number: int) -> Slot:
        return slot_of(cycle, "rsj", number)

    return _get


@pytest.fixture
def submitted(rsj_slot, rsj_reporter):
    """submitted(44) -> the slot, submitted by 区人社局 (待区产改办审核) with one PDF."""

    def _submit(number: int) -> Slot:
        slot = rsj_slot(number)
        slot_submit_with_pdf(slot, rsj_reporter, filename=f"指标{number}佐证材料.pdf")
        slot = rsj_slot(number)
        assert slot.status == SlotStatus.SUBMITTED
        return slot

    return _submit


@pytest.fixture
def approved(submitted, rsj_slot, office_user):
    """approved(44) -> the slot, submitted and approved by the office (已通过)."""

    def _approve(number: int) -> Slot:
        submission_approve(slot=submitted(number), actor=office_user)
        return rsj_slot(number)

    return _approve
