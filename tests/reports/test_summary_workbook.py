"""The summary workbook read back: 总表 against the snapshot, the seed and scoring.results.

The demo (seed_demo --sample-data) is scored further here so every case appears: scored,
partly scored, unscored, 不适用, overridden, lead-weighted, a capped bonus and a unit veto.
"""

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO
from itertools import groupby

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from openpyxl import load_workbook

from common.numerals import chinese_numeral
from reports.exporters import summary_workbook
from scoring.cycles.services import cycle_transition
from scoring.models import Cycle, CycleIndicator, Slot
from scoring.results.selectors import cycle_results
from scoring.results.services import adjustment_add, indicator_override
from scoring.review.services import score_record, slot_mark_not_applicable, submission_approve
from scoring.submissions.services import DraftInput, submission_save_draft, submission_submit

FIRST = 4  # first data row: banner, title, header above
SHEETS = ["说明", "总表", "一级指标汇总", "单位汇总", "明细", "待办与逾期", "填报数据"]
DRAFT = "草稿（未发布）"
HYPERLINK = '=HYPERLINK("http://x")'


# --- the scored demo (imported by the other summary tests) -----------------------------------


def seed_demo() -> Cycle:
    call_command("seed_demo", force=True, sample_data=True, verbosity=0)
    return Cycle.objects.get(name="2026年度")


def user(username):
    return get_user_model().objects.get(username=username)


def slot_of(cycle, number, unit) -> Slot:
    return Slot.objects.select_related("cycle", "unit").get(
        cycle=cycle, indicator__number=number, unit__code=unit
    )


def submit(slot: Slot, username: str) -> None:
    reporter = user(username)
    slot.refresh_from_db()
    submission_save_draft(
        slot=slot,
        actor=reporter,
        draft=DraftInput(text="工作情况说明。"),
        expected_revision=slot.revision,
    )
    slot.refresh_from_db()
    submission_submit(slot=slot, actor=reporter, expected_revision=slot.revision)


def approve_and_score(slot: Slot, **score) -> None:
    office = user("office")
    slot.refresh_from_db()
    submission_approve(slot=slot, actor=office)
    score_record(slot=slot, actor=office, **score)


def score_more_of_the_demo(cycle: Cycle) -> Cycle:
    office = user("office")
    Cycle.objects.filter(pk=cycle.pk).update(lead_weight=Decimal("0.6"))
    cycle.refresh_from_db()
    # 47 (直接打分): the lead scored, the supporter not yet → 部分评分.
    approve_and_score(slot_of(cycle, 47, "rsj"), direct=Decimal("1.5"), comment=HYPERLINK)
    approve_and_score(slot_of(cycle, 14, "cgb"), direct=Decimal("1.18"))
    approve_and_score(slot_of(cycle, 56, "zgh"), grade="一般", comment="@SUM(1)")
    approve_and_score(slot_of(cycle, 58, "gzw"), grade="较差", comment="+1 资料不全")
    approve_and_score(slot_of(cycle, 32, "rsj"), grade="优秀")
    # 72: lead and supporter both scored → 0.6 × lead + 0.4 × supporter.
    for unit in ("yjj", "zgh"):
        submit(slot_of(cycle, 72, unit), unit)
    approve_and_score(slot_of(cycle, 72, "yjj"), grade="优秀")
    approve_and_score(slot_of(cycle, 72, "zgh"), grade="一般", comment="佐证不足")
    slot_mark_not_applicable(
        slot=slot_of(cycle, 73, "rsj"), actor=office, reason="本年度无此项工作"
    )
    indicator_override(
        item=CycleIndicator.objects.get(cycle=cycle, number=80),
        score=Decimal("0.90"),
        reason="-复核调整：以市级通报为准",
        actor=office,
    )
    adjustment_add(
        cycle=cycle, kind="bonus", points=Decimal("4.5"), reason="市级表彰", actor=office
    )
    adjustment_add(
        cycle=cycle,
        kind="veto",
        reason="发生重大安全生产责任事故",
        unit=slot_of(cycle, 17, "zgh").unit,
        actor=office,
    )
    return cycle


def render(cycle: Cycle, **kwargs):
    """(workbook with formulas, workbook with the stored results)."""
    data = summary_workbook(cycle=cycle, **kwargs).data
    return load_workbook(BytesIO(data)), load_workbook(BytesIO(data), data_only=True)


def num(value) -> Decimal:
    return Decimal(str(value))


def rate(value) -> Decimal | None:
    if value in (None, ""):
        return None
    return num(value).quantize(Decimal("0.0001"), ROUND_HALF_UP)


@pytest.fixture
def scored(db) -> Cycle:
    return score_more_of_the_demo(seed_demo())


# --- 总表 ------------------------------------------------------------------------------------


def test_sheets_in_order(scored):
    wb, _ = render(scored)
    assert wb.sheetnames == SHEETS


def test_table_numbers_and_subtotal_formulas_equal_the_results(scored):
    wb, values = render(scored)
    ws, vs = wb["总表"], values["总表"]
    results = cycle_results(scored)
    r = FIRST
    level1_totals = []
    for level1, level1_rows in groupby(results.rows, key=lambda x: x.item.level1_number):
        block_first, level2_totals = r, []
        for level2, level2_rows in groupby(level1_rows, key=lambda x: x.item.level2_number):
            first = r
            for row in level2_rows:
                item, result = row.item, row.result
                assert ws.cell(r, 3).value == item.number
                assert num(ws.cell(r, 7).value) == item.points
                if result.score is None:
                    assert ws.cell(r, 9).value is None
                else:
                    assert num(ws.cell(r, 8).value) == result.score
                    assert ws.cell(r, 9).value == f'=IF(G{r}=0,"",H{r}/G{r})'
                    assert num(vs.cell(r, 9).value) == pytest.approx(result.score / item.points)
                r += 1
            subtotal = results.rollup.level2[level2]
            assert ws.cell(r, 4).value == "小计"
            assert ws.cell(r, 7).value == f"=SUM(G{first}:G{r - 1})"
            assert ws.cell(r, 8).value == f"=SUM(H{first}:H{r - 1})"
            assert num(vs.cell(r, 7).value) == results.scheme.level2[level2]
            assert num(vs.cell(r, 8).value) == subtotal.earned
            assert rate(vs.cell(r, 9).value) == subtotal.rate
            level2_totals.append(r)
            r += 1
        subtotal = results.rollup.level1[level1]
        assert ws.cell(r, 2).value == "合计"
        assert ws.cell(r, 7).value == "=SUM(" + ",".join(f"G{x}" for x in level2_totals) + ")"
        assert (
            f'SUMIFS(G{block_first}:G{r - 1},H{block_first}:H{r - 1},">=0"' in ws.cell(r, 9).value
        )
        assert num(vs.cell(r, 7).value) == results.scheme.level1[level1]
        assert num(vs.cell(r, 8).value) == subtotal.earned
        assert rate(vs.cell(r, 9).value) == subtotal.rate
        level1_totals.append(r)
        r += 1
    total, final = results.rollup.total, results.final
    assert ws.cell(r, 1).value == "总计"
    assert ws.cell(r, 8).value == "=SUM(" + ",".join(f"H{x}" for x in level1_totals) + ")"
    assert num(vs.cell(r, 7).value) == results.scheme.total == Decimal(100)
    assert num(vs.cell(r, 8).value) == total.earned == final.base
    assert rate(vs.cell(r, 9).value) == total.rate
    assert ws.cell(r + 1, 1).value == "加分（上限 5 分）"
    assert num(ws.cell(r + 1, 8).value) == final.bonus == Decimal(5)  # 1 + 4.5 capped at 5
    assert ws.cell(r + 2, 1).value == "最终得分"
    assert ws.cell(r + 2, 8).value == f"=H{r}+H{r + 1}"
    assert num(vs.cell(r + 2, 8).value) == final.total == final.base + 5
    assert ws.max_row == r + 2


def _table_row(ws, number):
    return next(r for r in range(FIRST, ws.max_row + 1) if ws.cell(r, 3).value == number)


def test_unscored_is_text_and_not_a_zero_in_the_rate(scored):
    wb, values = render(scored)
    ws, vs = wb["总表"], values["总表"]
    results = cycle_results(scored)
    by_number = {row.item.number: row for row in results.rows}
    cases = {
        1: ("未评分", "未评分"),
        73: ("不适用", "不适用"),
        47: (Decimal("1.5"), "部分评分"),
        80: (Decimal("0.9"), "已调整"),
        72: (by_number[72].result.score, "已评分"),
    }
    for number, (score, status) in cases.items():
        r = _table_row(ws, number)
        shown = ws.cell(r, 8).value
        assert (num(shown) if isinstance(score, Decimal) else shown) == score, number
        assert ws.cell(r, 10).value == status, number
    # 72 is lead-weighted: 0.6 × 1.14 (优秀) + 0.4 × 0.684 (一般) = 0.9576 → 0.96.
    assert by_number[72].result.score == Decimal("0.96")
    # The total rate divides by the points of scored indicators only.
    total = results.rollup.total
    r = next(r for r in range(FIRST, ws.max_row + 1) if ws.cell(r, 1).value == "总计")
    assert rate(vs.cell(r, 9).value) == total.rate
    assert total.rate > (total.earned / total.points).quantize(Decimal("0.0001"))


def test_comments_are_the_override_reason_or_the_slot_comments(scored):
    ws = render(scored)[0]["总表"]
    assert ws.cell(_table_row(ws, 80), 11).value == "调整理由：-复核调整：以市级通报为准"
    assert ws.cell(_table_row(ws, 72), 11).value == "区总工会：佐证不足"
    assert ws.cell(_table_row(ws, 47), 11).value == "区人社局：" + HYPERLINK
    assert ws.cell(_table_row(ws, 56), 11).value == "'@SUM(1)"  # one unit: the comment alone
    assert ws.cell(_table_row(ws, 73), 11).value == "本年度无此项工作"


def test_table_rows_match_the_snapshot_and_the_seed(scored, seed_table):
    ws = render(scored)[0]["总表"]
    assert [c.value for c in ws[3]] == [
        *("一级指标", "二级指标", "序号", "三级指标", "指标具体内涵", "责任单位"),
        *("分值", "得分", "得分率", "状态", "评语"),
    ]
    rows = [r for r in range(FIRST, ws.max_row + 1) if isinstance(ws.cell(r, 3).value, int)]
    snapshot = list(CycleIndicator.objects.filter(cycle=scored).order_by("number"))
    assert len(rows) == len(snapshot) == len(seed_table.indicators) == 80
    previous = None
    for r, item, seed in zip(rows, snapshot, seed_table.indicators, strict=True):
        cells = [ws.cell(r, c).value for c in range(3, 7)]
        assert cells == [item.number, item.name, item.content, item.responsibility]
        assert cells == [seed.number, seed.name, seed.content, seed.responsibility]
        new_level1 = previous is None or previous.level1_number != seed.level1_number
        new_level2 = previous is None or previous.level2_number != seed.level2_number
        level1 = f"{chinese_numeral(seed.level1_number)}、{seed.level1_name}"
        level2 = f"（{chinese_numeral(seed.level2_number)}）{seed.level2_name}"
        assert (
            ws.cell(r, 1).value
            == (level1 if new_level1 else None)
            == (item.level1_label if new_level1 else None)
        )
        assert ws.cell(r, 2).value == (level2 if new_level2 else None)
        previous = seed


def test_level_cells_are_merged_like_the_catalogue(scored, seed_table):
    """As the catalogue export: one merged cell per 一级 and 二级 block, here with its subtotals.

    A 二级 block is its indicators and its 小计; a 一级 block adds each 二级's 小计 and its 合计.
    """
    ws = render(scored)[0]["总表"]
    expected = {"A1:K1", "A2:K2"}
    r = FIRST
    for _, level1 in groupby(seed_table.indicators, key=lambda i: i.level1_number):
        block_first = r
        for _, level2 in groupby(level1, key=lambda i: i.level2_number):
            size = len(list(level2)) + 1
            expected.add(f"B{r}:B{r + size - 1}")
            r += size
        expected.add(f"A{block_first}:A{r}")
        r += 1
    assert {str(m) for m in ws.merged_cells.ranges} == expected


# --- 一级指标汇总 and 说明 ---------------------------------------------------------------------


def test_level1_sheet_equals_the_rollup_and_has_a_bar_chart(scored):
    wb, values = render(scored)
    ws, vs = wb["一级指标汇总"], values["一级指标汇总"]
    results = cycle_results(scored)
    labels = {row.item.level1_number: row.item.level1_label for row in results.rows}
    for r, (number, sub) in enumerate(results.rollup.level1.items(), start=FIRST):
        assert ws.cell(r, 1).value == labels[number]
        assert num(ws.cell(r, 2).value) == results.scheme.level1[number]
        assert num(ws.cell(r, 3).value) == sub.earned
        assert rate(vs.cell(r, 4).value) == sub.rate
        assert num(ws.cell(r, 5).value) == sub.points - sub.unscored_points
        assert num(ws.cell(r, 6).value) == sub.unscored_points
        assert num(ws.cell(r, 7).value) == sub.na_points
    total = FIRST + 7
    assert ws.cell(total, 1).value == "合计"
    assert ws.cell(total, 2).value == f"=SUM(B{FIRST}:B{total - 1})"
    assert num(vs.cell(total, 3).value) == results.rollup.total.earned
    assert rate(vs.cell(total, 4).value) == results.rollup.total.rate
    assert num(vs.cell(total, 7).value) == results.rollup.total.na_points > 0
    (chart,) = ws._charts
    assert chart.tagname == "barChart"
    assert len(chart.series) == 2


def _about(ws) -> list[tuple]:
    return [tuple(c.value for c in row) for row in ws.iter_rows(min_row=FIRST)]


def test_about_sheet_states_the_rules_and_the_result(scored):
    now = datetime(2026, 12, 1, 2, 30, tzinfo=UTC)
    ws = render(scored, now=now)[0]["说明"]
    rows = _about(ws)
    about = {label: (text, value) for label, text, value in rows}
    final = cycle_results(scored).final
    assert about["考核周期"][0] == "2026年度"
    assert about["周期状态"][0] == "填报中"
    assert about["结果状态"][0].startswith(DRAFT)
    assert about["生成时间"][0] == "2026-12-01 10:30（北京时间）"
    assert about["导出人"][0] == "命令行"
    assert num(about["总分"][1]) == 100
    assert about["评分档次"][0] == "优秀 100%、良好 80%、一般 60%、较差 0%"
    assert about["评分方法"][0] == "档次 77 项、扣分 1 项、直接打分 2 项"
    assert about["牵头单位权重"][0].startswith("牵头单位占 60%，配合单位平均占 40%")
    assert num(about["加分上限"][1]) == 5
    bonuses = [(text, num(value)) for label, text, value in rows if label == "加分项"]
    assert bonuses == [
        ("产改经验做法被市协调小组办公室专刊推广（示例）（全区）", 1),
        ("市级表彰（全区）", Decimal("4.5")),
    ]
    assert [text for label, text, _ in rows if label == "一票否决"] == [
        "发生重大安全生产责任事故（区总工会）"
    ]
    assert num(about["基础得分"][1]) == final.base
    assert num(about["加分"][1]) == final.bonus
    assert num(about["最终得分"][1]) == final.total
    assert about["结论"][0] == "无一票否决事项"


def test_a_district_veto_fails_the_evaluation(scored):
    adjustment_add(cycle=scored, kind="veto", reason="弄虚作假", actor=user("office"))
    wb, _ = render(scored, user=user("leader"))
    about = {label: text for label, text, _ in _about(wb["说明"])}
    assert about["结论"] == "不合格（一票否决）"
    assert about["导出人"] == "区领导"
    ws = wb["总表"]
    assert ws.cell(ws.max_row, 10).value == "不合格"
    assert ws.cell(ws.max_row, 11).value == "一票否决：弄虚作假"


# --- draft marks, formatting, formula injection ------------------------------------------------


def _texts(ws):
    for row in ws.iter_rows(values_only=True):
        yield from (v for v in row if isinstance(v, str))


def test_draft_on_every_sheet_until_published(scored):
    wb, _ = render(scored)
    for ws in wb:
        assert ws["A1"].value.startswith(DRAFT), ws.title
        assert ws.oddHeader.right.text == DRAFT
        assert ws.oddFooter.right.text == DRAFT
    office = user("office")
    cycle_transition(cycle=scored, action="start_review", actor=office)
    assert all(ws["A1"].value.startswith(DRAFT) for ws in render(scored)[0])
    cycle_transition(cycle=scored, action="publish", actor=office, override_reason="测试：提前发布")
    wb, _ = render(scored)
    for ws in wb:
        assert ws["A1"].value.startswith("已发布"), ws.title
        assert not any(DRAFT in text for text in _texts(ws)), ws.title
        assert DRAFT not in f"{ws.oddHeader.right.text}{ws.oddFooter.right.text}"


def test_every_sheet_is_printable_and_readable(scored):
    wb, _ = render(scored)
    for ws in wb:
        assert ws.freeze_panes == "A4"
        assert ws.print_title_rows == "$3:$3"
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9
        # 总表 prints at a scale of its own so its page breaks between 一级 hold
        # (tests/reports/test_summary_print.py); the others fit the page width.
        assert ws.sheet_properties.pageSetUpPr.fitToPage == (ws.title != "总表")
        assert ws["A3"].font.name == "宋体" and ws["A3"].font.bold
        assert ws["A4"].font.name == "宋体"
        assert ws["A4"].alignment.wrap_text
        assert all(ws.column_dimensions[c.column_letter].width >= 6 for c in ws[3])
    table = wb["总表"]
    r = _table_row(table, 47)
    assert table.cell(r, 7).number_format == table.cell(r, 8).number_format == "0.00"
    assert table.cell(r, 9).number_format == "0.00%"
    assert table.column_dimensions["E"].width >= 40  # wide enough for 指标具体内涵
    assert wb["单位汇总"]["M4"].number_format == "0.00%"
    assert wb["明细"]["G4"].number_format == "yyyy-mm-dd hh:mm"


def test_user_text_never_becomes_a_formula(scored):
    Cycle.objects.filter(pk=scored.pk).update(name="=2026年度")
    scored.refresh_from_db()
    CycleIndicator.objects.filter(cycle=scored, number=1).update(
        name="-1", responsibility="@SUM(1)"
    )
    unit = slot_of(scored, 63, "rsj").unit
    type(unit).objects.filter(pk=unit.pk).update(name="+1区人社局")
    approve = slot_of(scored, 63, "rsj")
    score_record(slot=approve, actor=user("office"), grade="良好", comment=HYPERLINK)
    adjustment_add(
        cycle=scored, kind="bonus", points=Decimal("1"), reason="=cmd", actor=user("office")
    )
    wb, _ = render(scored)
    table = wb["总表"]
    assert table.cell(FIRST, 4).value == "'-1"
    assert table.cell(FIRST, 6).value == "'@SUM(1)"
    assert table.cell(_table_row(table, 63), 11).value == "'" + HYPERLINK
    about = {label: text for label, text, _ in _about(wb["说明"])}
    assert about["考核周期"] == "'=2026年度"
    assert "'=cmd（全区）" in [text for label, text, _ in _about(wb["说明"]) if label == "加分项"]
    detail = wb["明细"]
    comments = [r[9] for r in detail.iter_rows(min_row=FIRST, values_only=True) if r[0] == 63]
    assert comments == ["'" + HYPERLINK]
    for title, column in (("明细", 3), ("单位汇总", 2), ("待办与逾期", 1), ("填报数据", 3)):
        names = {wb[title].cell(r, column).value for r in range(FIRST, wb[title].max_row + 1)}
        assert "'+1区人社局" in names, title
        assert "+1区人社局" not in names, title
    # The only formulas are the exporters' own subtotals and rates.
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    assert ws.title in ("总表", "一级指标汇总", "单位汇总"), cell.coordinate
                    assert cell.value.startswith(("=SUM(", "=IF(", "=H")), cell.value


def test_export_runs_a_bounded_number_of_queries(scored, django_assert_max_num_queries):
    # Fixed per sheet and per 500-slot chunk; figure_rows adds two per slot with figures.
    with django_assert_max_num_queries(80):
        summary_workbook(cycle=scored)
