"""The summary workbook reads a fixed number of queries, however many units and slots.

The demo (two cycles with figures, drafts, versions, files and scores) is exported and its
queries counted; then member units are added, each with filled-in slots in this cycle and
figures in last cycle, and the count must stay the same.
"""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reports.exporters import summary_workbook
from scoring.cycles.services import slots_sync
from scoring.models import (
    Cycle,
    CycleIndicator,
    EventAction,
    EvidenceFile,
    FigureField,
    FigureKind,
    FigureValue,
    Slot,
    SlotStatus,
    SubmissionEvent,
    SubmissionVersion,
)
from units.models import Unit

from ..test_summary_workbook import score_more_of_the_demo, seed_demo, user

# What each new slot becomes, by its position: every state the sheets treat differently.
PLAN = ("approved", "submitted", "returned", "draft", "na", "not_started")


def export_queries(cycle: Cycle) -> int:
    with CaptureQueriesContext(connection) as queries:
        summary_workbook(cycle=cycle)
    return len(queries)


def figure_values(cycle: Cycle, slot: Slot, base: int) -> dict[str, str]:
    fields = FigureField.objects.filter(cycle=cycle, indicator_id=slot.indicator_id)
    return {f.code: str(base + f.pk % 7) for f in fields if f.kind != FigureKind.RATIO}


def add_member_units(cycle: Cycle, *, count: int, start: int) -> list[Slot]:
    """`count` member units with a slot of every plan in `cycle`, and last cycle's figures."""
    office = user("office")
    now = timezone.now()
    units = Unit.objects.bulk_create(
        Unit(name=f"测试单位{i}", code=f"q{i}", is_member=True, display_order=500 + i)
        for i in range(start, start + count)
    )
    slots_sync(cycle=cycle)
    new = list(Slot.objects.filter(cycle=cycle, unit__in=units).order_by("pk"))
    assert new, "各成员单位 gives the new units slots"
    points = dict(CycleIndicator.objects.filter(cycle=cycle).values_list("indicator_id", "points"))
    previous = cycle.previous
    for i, slot in enumerate(new):
        plan = PLAN[i % len(PLAN)]
        values = figure_values(cycle, slot, 100 + i)
        if values and previous is not None:  # last year's submission of the same unit
            old = Slot.objects.create(
                cycle=previous,
                indicator_id=slot.indicator_id,
                unit=slot.unit,
                status=SlotStatus.APPROVED,
                current_version=1,
            )
            SubmissionVersion.objects.create(
                slot=old,
                number=1,
                text="上年",
                figures=figure_values(previous, slot, 90 + i),
                submitted_by=office,
                submitted_at=now,
            )
        if plan in ("approved", "submitted", "returned"):
            slot.current_version = 1
            version = SubmissionVersion.objects.create(
                slot=slot,
                number=1,
                text="工作情况说明",
                figures=values,
                submitted_by=office,
                submitted_at=now,
            )
            evidence = EvidenceFile.objects.create(
                slot=slot,
                title="佐证材料",
                original_name=f"佐证{slot.pk}.pdf",
                file=f"query-test/{slot.pk}.pdf",
                size=1,
                sha256="0" * 64,
                content_type="application/pdf",
                in_draft=False,
                uploaded_by=office,
                uploaded_at=now,
            )
            version.files.add(evidence)
        if plan == "approved":
            slot.status = SlotStatus.APPROVED
            slot.score = points[slot.indicator_id] / 2
            slot.score_comment = "基本完成"
            slot.scored_by = office
            SubmissionEvent.objects.create(
                slot=slot, action=EventAction.APPROVED, actor=office, to_status="approved"
            )
        elif plan == "submitted":
            slot.status = SlotStatus.SUBMITTED
        elif plan == "returned":
            slot.status = SlotStatus.RETURNED
            slot.return_reason = "请补充"
        elif plan == "draft":
            slot.status = SlotStatus.DRAFT
            FigureValue.objects.bulk_create(
                FigureValue(slot=slot, field_id=f.pk, value=Decimal(values[f.code]))
                for f in FigureField.objects.filter(cycle=cycle, indicator_id=slot.indicator_id)
                if f.code in values
            )
        elif plan == "na":
            slot.not_applicable = True
        slot.save()
    return new


def test_export_queries_do_not_grow_with_units_and_slots(db):
    cycle = score_more_of_the_demo(seed_demo())
    assert cycle.previous is not None
    assert FigureValue.objects.filter(slot__cycle=cycle).exists()
    before = export_queries(cycle)
    grown = add_member_units(cycle, count=3, start=0)
    # The new slots reach the 数据指标 sheet, with drafts and last year's values.
    assert any(s.status == SlotStatus.DRAFT and s.figure_values.exists() for s in grown)
    assert export_queries(cycle) == before
    add_member_units(cycle, count=5, start=3)
    assert export_queries(cycle) == before
