"""Rows serialized as XML (sheetxml.py) read back exactly as the cells openpyxl writes.

The renderer writes data rows as text when openpyxl uses its pure-Python XML writer; the same
exporter rendered through openpyxl's own cells (base.SERIALIZE_ROWS off, as with lxml) must
give the same workbook: values, types, stored formula results, styles, heights and merges.
"""

from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from reports.exporters import Column, Exporter, Formula, Row, base, render_workbook
from reports.exporters.sheetxml import escape_text
from reports.exporters.styles import CENTER, DATETIME, INTEGER, NUMBER, PERCENT, POINTS, TEXT
from scoring.models import SlotStatus


class Every(Exporter):
    """Each kind of value a sheet holds, in each kind of column."""

    name = "every"
    sheet_title = "各类值"
    required_permission = staticmethod(lambda user: True)
    columns = (
        Column("组", 8, CENTER),
        Column("文字", 12, TEXT),
        Column("分值", 8, POINTS),
        Column("比例", 8, PERCENT),
        Column("整数", 6, INTEGER),
        Column("数值", 8, NUMBER),
        Column("时间", 17, DATETIME),
    )
    merge_columns = (1,)

    def __init__(self, rows):
        self._rows = rows

    def rows(self):
        yield from self._rows


TEXTS = [
    "区人社局",
    "  前后有空格 ",
    "a & b < c > d \"引号\" '单引号'",
    "第一行\n第二行\n第三行很长很长很长很长很长很长很长很长很长很长很长",
    "",
    "=SUM(A1)",  # user text: escaped by common.xlsx.cell_value
    "#N/A",
    "\x07控制字符",
    SlotStatus.APPROVED,  # a TextChoices member
    "长" * 40000,
]
NUMBERS = [Decimal("12.50"), Decimal("0.0791"), 0, 7, 3.25, Decimal("196400.0000"), None, True]
TIMES = [
    datetime(2026, 3, 31, 15, 59, 30, 123456, tzinfo=UTC),
    datetime(2026, 1, 1, tzinfo=UTC),
    date(2026, 6, 30),
    None,
]


def every_row(i: int) -> Row:
    number = NUMBERS[i % len(NUMBERS)]
    return Row(
        [
            f"组{i // 3}",
            TEXTS[i % len(TEXTS)],
            number,
            Formula(f'=IF(C{i + 4}=0,"",C{i + 4}/100)', "" if not number else Decimal("0.5")),
            i,
            Formula(f"=SUM(C4:C{i + 4})", f"合计{i}&<>") if i % 4 == 0 else number,
            TIMES[i % len(TIMES)],
        ],
        emphasis=i % 5 == 4,
        merge_keys=(i // 3,),
        height=30.0 if i % 7 == 6 else None,
    )


def render(rows, *, serialize: bool, monkeypatch) -> bytes:
    monkeypatch.setattr(base, "SERIALIZE_ROWS", serialize)
    return render_workbook([Every(rows)], title="各类值").data


def cells(data: bytes, **kwargs):
    ws = load_workbook(BytesIO(data), **kwargs)["各类值"]
    for row in ws.iter_rows():
        for c in row:
            yield (
                c.coordinate,
                c.value,
                type(c.value),
                c.data_type,
                c.number_format,
                c.font.b,
                c.font.name,
                c.border.left.style,
                c.alignment.wrap_text,
                c.alignment.horizontal,
                c.fill.fgColor.rgb,
            )


def layout(data: bytes):
    ws = load_workbook(BytesIO(data))["各类值"]
    return (
        {k: d.height for k, d in ws.row_dimensions.items() if d.height},
        sorted(str(r) for r in ws.merged_cells.ranges),
        ws.freeze_panes,
        ws.max_row,
    )


def test_serialized_rows_read_back_as_openpyxl_cells(monkeypatch):
    rows = [every_row(i) for i in range(40)]
    fast = render(rows, serialize=True, monkeypatch=monkeypatch)
    cells_path = render(rows, serialize=False, monkeypatch=monkeypatch)
    assert list(cells(fast)) == list(cells(cells_path))
    assert list(cells(fast, data_only=True)) == list(cells(cells_path, data_only=True))
    assert layout(fast) == layout(cells_path)
    # The cases are really there: a stored string result, text cut at Excel's limit,
    # an aware time shown in Beijing time, an error code kept as one.
    ws = load_workbook(BytesIO(fast), data_only=True)["各类值"]
    assert ws["F4"].value == "合计0&<>"
    assert len(ws["B13"].value) == 32767
    assert ws["G4"].value == datetime(2026, 3, 31, 23, 59, 30)
    assert ws["B10"].value == "#N/A" and ws["B10"].data_type == "e"
    assert ws["B5"].value == "  前后有空格 "


def test_a_value_openpyxl_refuses_is_refused_the_same_way(monkeypatch):
    for serialize in (True, False):
        with pytest.raises(ValueError):
            render(
                [Row([None, object(), *[None] * 5], merge_keys=(0,))],
                serialize=serialize,
                monkeypatch=monkeypatch,
            )
        with pytest.raises(IllegalCharacterError):
            render(
                [Row([None, None, None, Formula("=\x07", 1), *[None] * 3], merge_keys=(0,))],
                serialize=serialize,
                monkeypatch=monkeypatch,
            )


def test_escape_text_is_xml_character_data():
    assert escape_text("a&b<c>d\"e'") == "a&amp;b&lt;c&gt;d\"e'"
