"""单位汇总, 明细, 待办与逾期 and 填报数据 read back and checked against the database."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from scoring.models import Slot, SlotStatus, SubmissionVersion
from scoring.results.selectors import cycle_results
from scoring.submissions.figures import figure_rows

from .test_summary_workbook import FIRST, num, rate, render, score_more_of_the_demo, seed_demo


@pytest.fixture
def scored(db):
    return score_more_of_the_demo(seed_demo())


def _rows(ws):
    return list(ws.iter_rows(min_row=FIRST, values_only=True))


def _local(dt):
    return timezone.localtime(dt).replace(tzinfo=None, microsecond=0)


def test_unit_sheet_equals_the_unit_rates_and_the_slot_counts(scored):
    """Columns as scoring.results.figures defines them: 任务数 and the counts leave 不适用
    out; 已提交 is 待单位审核 / 待区产改办审核 / 已通过, 已报送 the last two; ranks wait
    for complete scoring."""
    wb, values = render(scored)
    rows, stored = _rows(wb["单位汇总"]), _rows(values["单位汇总"])
    results = cycle_results(scored)
    assert len(rows) == len(results.units) + 1
    for row, value_row, unit in zip(rows, stored, results.units, strict=False):
        slots = Slot.objects.filter(cycle=scored, unit__name=unit.unit).exclude(not_applicable=True)
        assert row[:2] == ("未完成评分", unit.unit)
        assert row[2:8] == (
            slots.count(),
            slots.filter(
                status__in=[SlotStatus.PENDING_APPROVAL, SlotStatus.SUBMITTED, SlotStatus.APPROVED]
            ).count(),
            slots.filter(status__in=[SlotStatus.SUBMITTED, SlotStatus.APPROVED]).count(),
            slots.filter(status=SlotStatus.APPROVED).count(),
            slots.filter(status=SlotStatus.RETURNED).count(),
            0,  # nothing is overdue a month before the deadline
        )
        submitted = slots.filter(current_version__gt=0).count()
        assert row[8] == (1 if submitted else None)  # all submitted on time
        assert (num(row[10]), num(row[11])) == (unit.points_possible, unit.points_earned)
        assert rate(value_row[12]) == unit.rate
        assert row[14] == ("发生重大安全生产责任事故" if unit.unit == "区总工会" else None)
    total, total_values = rows[-1], stored[-1]
    last = FIRST + len(results.units) - 1
    assert total[:2] == ("未完成评分", "合计")
    assert total[2] == f"=SUM(C{FIRST}:C{last})"
    assert total_values[2] == Slot.objects.filter(cycle=scored, not_applicable=False).count()
    assert num(total_values[11]) == sum(u.points_earned for u in results.units)


def test_overdue_and_on_time_after_the_deadline(scored):
    now = scored.deadline + timedelta(days=2, hours=3)
    wb, _ = render(scored, now=now)
    units = {row[1]: row for row in _rows(wb["单位汇总"])}
    rsj = Slot.objects.filter(cycle=scored, unit__code="rsj")
    # 区人社局's slot 48 was returned by the office: no deadline applies to it.
    # A part marked 不适用 is owed by nobody, so it is not overdue either.
    not_submitted = (
        rsj.filter(status__in=[SlotStatus.NOT_STARTED, SlotStatus.DRAFT])
        .exclude(not_applicable=True)
        .count()
    )
    submitted = rsj.filter(current_version__gt=0).exclude(not_applicable=True).count()
    assert units["区人社局"][7] == not_submitted
    assert num(units["区人社局"][8]) == (
        Decimal(submitted) / Decimal(submitted + not_submitted)
    ).quantize(Decimal("0.0001"))
    todo = _rows(wb["待办与逾期"])
    overdue = [r for r in todo if r[7] is not None]
    assert overdue and all(r[7] == 3 for r in overdue)  # two days and three hours: day three
    returned = next(r for r in todo if r[1] == 48 and r[4] == "已退回")
    assert returned[5] == "退回修改，待重新提交（区产改办退回，不受截止时间限制）"
    assert returned[6] is None and returned[7] is None
    assert returned[8] == "请补充当地就业总人数的统计口径说明，并附统计部门出具的数据证明。"


def test_todo_lists_every_unfinished_slot_by_unit(scored):
    ws = render(scored)[0]["待办与逾期"]
    rows = _rows(ws)
    unfinished = (
        Slot.objects.filter(cycle=scored)
        .exclude(not_applicable=True)
        .exclude(status=SlotStatus.APPROVED, score__isnull=False)
        .order_by("unit__display_order", "unit_id", "indicator__number")
    )
    assert [(r[1], r[4]) for r in rows] == [
        (s.indicator.number, s.get_status_display()) for s in unfinished
    ]
    todo = {r[1]: r[5] for r in rows if r[1] in (14, 20, 57)}
    assert todo == {20: "待单位审核人审核", 57: "草稿尚未提交"}  # 14 is scored: done
    merged = {str(m) for m in ws.merged_cells.ranges} - {"A1:I1", "A2:I2"}
    assert merged and all(m.startswith("A") for m in merged)
    units = [ws.cell(r, 1).value for r in range(FIRST, ws.max_row + 1)]
    named = [u for u in units if u]
    assert len(named) == len(set(named)) == unfinished.values("unit").distinct().count()
    assert ws.cell(FIRST, 7).value == _local(scored.deadline)


def test_detail_has_every_slot_with_version_reviewer_score_and_files(scored):
    ws = render(scored)[0]["明细"]
    rows = _rows(ws)
    slots = list(
        Slot.objects.filter(cycle=scored).order_by(
            "indicator__number", "-is_lead", "unit__display_order", "unit_id"
        )
    )
    assert [(r[0], r[2]) for r in rows] == [(s.indicator.number, s.unit.name) for s in slots]
    row = next(r for r in rows if r[0] == 47 and r[2] == "区人社局")
    version = SubmissionVersion.objects.get(
        slot__cycle=scored, slot__indicator__number=47, number=1
    )
    assert row[3:8] == ("牵头", "已通过", 1, _local(version.submitted_at), "区产改办评审员")
    assert num(row[8]) == Decimal("1.5")
    assert row[9] == "'" + '=HYPERLINK("http://x")'
    assert row[10] == "产业工人数量统计说明.pdf\n产业工人分行业统计表.xlsx"
    supporter = next(r for r in rows if r[0] == 47 and r[2] == "区总工会")
    assert supporter[3:9] == ("配合", "未填报", None, None, None, "未评分")
    na = next(r for r in rows if r[0] == 73)
    assert na[8] == "不适用" and na[9] == "本年度无此项工作"
    resubmitted = next(r for r in rows if r[0] == 32 and r[2] == "区人社局")
    assert resubmitted[5] == 2
    assert resubmitted[10] == "技能人才花名册（汇总）.pdf"
    assert ws.auto_filter.ref == f"A3:K{ws.max_row}"


def test_figures_with_last_year_and_growth(scored):
    ws = render(scored)[0]["填报数据"]
    rows = _rows(ws)
    slot = Slot.objects.get(cycle=scored, indicator__number=47, unit__code="rsj")
    (expected,) = figure_rows(slot=slot, version=slot.versions.get(number=1))
    row = next(r for r in rows if r[0] == 47)
    assert row[2:5] == ("区人社局", expected.field.label, "人")
    assert (num(row[5]), num(row[6])) == (expected.value, expected.previous) == (196400, 182000)
    assert num(row[7]).quantize(Decimal("0.0001")) == expected.growth / 100 == Decimal("0.0791")
    assert row[8] == "第 1 版"
    draft = [r for r in rows if r[0] == 38]
    assert draft and {r[8] for r in draft} == {"草稿"}
    previous = {r[3]: r[6] for r in draft}
    assert num(previous["参加职业技能培训人次"]) == 41200
    # One row per field of every slot that has a value, in table order.
    expected_rows = 0
    for s in Slot.objects.filter(cycle=scored):
        version = s.versions.filter(number=s.current_version).first()
        figures = figure_rows(slot=s, version=version)
        if any(f.value is not None for f in figures):
            expected_rows += len(figures)
    assert len(rows) == expected_rows
    assert [r[0] for r in rows] == sorted(r[0] for r in rows)
    assert ws["H4"].number_format == "0.00%"
