"""The exporter base: one renderer for any exporter, user text escaped, formulas with results."""

from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from reports.exporters import Column, Exporter, Formula, Row, render_workbook
from reports.exporters.cached import CachedValueError, fill_sheet
from reports.exporters.styles import CENTER, PERCENT, POINTS


class Toy(Exporter):
    name = "toy"
    sheet_title = "示例"
    required_permission = staticmethod(lambda user: getattr(user, "is_toy", False))
    columns = (Column("组", 10, CENTER), Column("说明", 30), Column("分值", 8, POINTS))
    merge_columns = (1,)

    def __init__(self, rows, *, draft=False):
        self._rows = rows
        self._draft = draft

    @property
    def draft(self):
        return self._draft

    @property
    def banner(self):
        return "草稿（未发布）：示例" if self._draft else "已发布"

    def rows(self):
        yield from self._rows


def _read(exporter, **kwargs):
    data = render_workbook([exporter], title="示例工作簿").data
    return (
        load_workbook(BytesIO(data), **kwargs)["示例"],
        load_workbook(BytesIO(data), data_only=True)["示例"],
    )


def test_layout_banner_title_header_then_rows():
    ws, _ = _read(Toy([Row(["甲", "第一行", Decimal("1.5")], merge_keys=("甲",))]))
    assert ws["A1"].value == "已发布"
    assert ws["A2"].value == "示例"
    assert [c.value for c in ws[3]] == ["组", "说明", "分值"]
    assert [c.value for c in ws[4]] == ["甲", "第一行", 1.5]
    assert ws.freeze_panes == "A4"
    assert ws.print_title_rows == "$3:$3"
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9
    assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"
    assert ws["C4"].number_format == "0.00"
    assert ws["A4"].font.name == "宋体"
    assert ws["B4"].alignment.wrap_text
    assert ws.column_dimensions["B"].width == 30
    assert {str(r) for r in ws.merged_cells.ranges} == {"A1:C1", "A2:C2"}


def test_every_string_is_escaped_and_numbers_are_not():
    rows = [Row(["=1+1", '=HYPERLINK("http://x")', Decimal("-2")], merge_keys=(1,))]
    ws, _ = _read(Toy(rows))
    assert ws["A4"].value == "'=1+1"
    assert ws["B4"].value == '\'=HYPERLINK("http://x")'
    assert ws["B4"].data_type == "s"
    assert ws["C4"].value == -2


def test_formulas_carry_their_result():
    rows = [
        Row(["甲", "一", Decimal("1.25")], merge_keys=(1,)),
        Row(["甲", "二", Decimal("2.50")], merge_keys=(1,)),
        Row(["合计", '"&<>', Formula("=SUM(C4:C5)", Decimal("3.75"))], merge_keys=(2,)),
        Row(["空", "", Formula('=IF(1=1,"","x")', "")], merge_keys=(3,)),
    ]
    ws, values = _read(Toy(rows))
    assert ws["C6"].value == "=SUM(C4:C5)"
    assert values["C6"].value == 3.75
    assert ws["B6"].value == '"&<>'
    assert ws["C7"].value == '=IF(1=1,"","x")'
    assert values["C7"].value in ("", None)


def test_equal_runs_are_merged_and_written_once():
    rows = [Row([g, str(i), i], merge_keys=(g,)) for i, g in enumerate("甲甲乙丙丙丙")]
    ws, _ = _read(Toy(rows))
    assert [ws.cell(r, 1).value for r in range(4, 10)] == ["甲", None, "乙", "丙", None, None]
    assert {str(r) for r in ws.merged_cells.ranges} == {"A1:C1", "A2:C2", "A4:A5", "A7:A9"}


def test_draft_is_marked_in_the_first_row_header_and_footer():
    ws, _ = _read(Toy([], draft=True))
    assert ws["A1"].value.startswith("草稿（未发布）")
    assert ws.oddHeader.right.text == "草稿（未发布）"
    assert ws.oddFooter.right.text == "草稿（未发布）"


def test_header_text_escapes_the_ampersand():
    class Amp(Toy):
        sheet_title = "A&B"

    data = render_workbook([Amp([])], title="t").data
    assert load_workbook(BytesIO(data))["A&B"].oddHeader.left.text == "A&&B"


def test_a_row_of_the_wrong_width_is_a_programming_error():
    with pytest.raises(ValueError, match="2 values for 3 columns"):
        render_workbook([Toy([["甲", "乙"]])], title="t")


def test_permission_is_the_declared_check():
    class User:
        is_toy = True

    assert Toy.allowed(User())
    assert not Toy.allowed(object())


def test_percent_columns_get_the_percent_format():
    class Rates(Toy):
        columns = (Column("组", 10), Column("得分率", 8, PERCENT), Column("分值", 8, POINTS))
        merge_columns = ()

    data = render_workbook([Rates([["甲", Decimal("0.875"), 1]])], title="t").data
    assert load_workbook(BytesIO(data))["示例"]["B4"].number_format == "0.00%"


def test_filling_a_missing_formula_cell_fails_loudly():
    xml = b'<sheetData><row r="1"><c r="A1" s="1"><f>SUM(B1:B2)</f><v /></c></row></sheetData>'
    assert b"<v>3</v>" in fill_sheet(xml, {"A1": 3})
    assert b't="str"><f>SUM(B1:B2)</f><v>x&amp;y</v>' in fill_sheet(xml, {"A1": "x&y"})
    with pytest.raises(CachedValueError):
        fill_sheet(xml, {"A2": 3})


def test_saves_to_a_path_or_a_file(tmp_path):
    rendered = render_workbook([Toy([])], title="t")
    rendered.save(tmp_path / "a.xlsx")
    buffer = BytesIO()
    rendered.save(buffer)
    assert (tmp_path / "a.xlsx").read_bytes() == buffer.getvalue() == rendered.data
    assert rendered.rows == {"示例": 0}
