import pytest
from openpyxl import Workbook, load_workbook

from common.xlsx import (
    XLSX_CONTENT_TYPE,
    cell_value,
    escape_formula,
    merge_runs,
    xlsx_response,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2", "'-2"),
        ("@x", "'@x"),
        ("\t=1", "'\t=1"),
        ("\rx", "'\rx"),
        (" =cmd", "' =cmd"),
        ("　=cmd", "'　=cmd"),  # full-width space is whitespace too
        ("区发改委、各成员单位", "区发改委、各成员单位"),
        ("纳入“十四五”规划-2025", "纳入“十四五”规划-2025"),
        ("", ""),
        (42, 42),
        (-2, -2),
        (1.5, 1.5),
        (None, None),
    ],
)
def test_escape_formula(value, expected):
    assert escape_formula(value) == expected


def test_cell_value_drops_characters_openpyxl_refuses():
    assert cell_value("说明\x00\x07内容\n第二行\t") == "说明内容\n第二行\t"
    assert cell_value("\x01=1+1") == "'=1+1"


def test_escaped_formula_is_stored_as_text(tmp_path):
    wb = Workbook()
    wb.active["A1"] = escape_formula('=HYPERLINK("http://example.com")')
    wb.save(tmp_path / "f.xlsx")
    cell = load_workbook(tmp_path / "f.xlsx").active["A1"]
    assert cell.data_type == "s"
    assert cell.value == '\'=HYPERLINK("http://example.com")'


def test_merge_runs_merges_only_runs_longer_than_one():
    wb = Workbook()
    ws = wb.active
    merge_runs(ws, column=2, first_row=3, keys=[1, 1, 1, 2, 3, 3])
    assert {str(r) for r in ws.merged_cells.ranges} == {"B3:B5", "B7:B8"}


def test_xlsx_response(tmp_path):
    wb = Workbook()
    wb.active["A1"] = "测试"
    response = xlsx_response(wb, filename="测试.xlsx", fallback="test.xlsx")
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    (tmp_path / "r.xlsx").write_bytes(response.content)
    assert load_workbook(tmp_path / "r.xlsx").active["A1"].value == "测试"
