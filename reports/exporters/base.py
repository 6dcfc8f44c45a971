"""Exporters: one small class per worksheet, one renderer for all of them (pretix style).

An exporter declares what it is (`name`, `sheet_title`), who may run it (`required_permission`,
a check from units.permissions, the only access gateway) and what it holds (`columns`, `rows()`).
`render_workbook` writes any list of exporters with openpyxl and applies the house rules once:
every string goes through common.xlsx.cell_value, so user text never becomes a formula; Chinese
fonts, borders and wrapped text; readable widths; a frozen, repeated header row; A4 landscape;
page numbers; and the draft mark in the first row and in the printed header and footer.

The workbook is written in openpyxl's write-only mode: rows stream to a temporary file as they
are produced, so a sheet of many thousand submissions never lives in memory as cell objects.
Data rows are handed to it already serialized (sheetxml.py), with their formulas' results:
building openpyxl's cell objects one value at a time was most of a large export's time.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import Any, ClassVar

from openpyxl import LXML, Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.worksheet import Worksheet

from common import xlsx
from common.formats import local
from reports.exporters.cached import Formula, fill_cached_values
from reports.exporters.sheetxml import RowSerializer
from reports.exporters.styles import (
    DRAFT_FONT,
    HEADER_STYLE,
    NOTE_FONT,
    TEXT,
    named_styles,
    row_height,
    style_name,
    text_lines,
)
from scoring.access import AnyUser

CREATOR = "产改考核"

BANNER_ROW, TITLE_ROW, HEADER_ROW, FIRST_DATA_ROW = 1, 2, 3, 4
MAX_ROW_HEIGHT = 409.0  # points: Excel's limit
# Data rows go to the sheet as XML text (sheetxml.py) when openpyxl writes through et_xmlfile,
# its pure-Python writer; with lxml installed it gets them as cells, as before.
SERIALIZE_ROWS = not LXML


@dataclass(frozen=True)
class Column:
    header: str
    width: float  # in characters; a CJK character is about 2
    kind: str = TEXT


@dataclass(frozen=True)
class Row:
    values: Sequence[Any]
    emphasis: bool = False  # subtotal and total rows: bold on grey
    merge_keys: tuple[Hashable, ...] = ()  # one per Exporter.merge_columns
    height: float | None = None  # printed height in points; None: Exporter.row_height


class Exporter:
    """One worksheet. Subclasses declare the class attributes and implement `rows()`."""

    name: ClassVar[str]
    sheet_title: ClassVar[str]
    required_permission: ClassVar[Callable[[AnyUser], bool]]
    columns: ClassVar[Sequence[Column]]
    # 1-based columns in which each run of equal Row.merge_keys becomes one merged cell, the
    # value written once at the top, as in the district's Word tables.
    merge_columns: ClassVar[tuple[int, ...]] = ()
    # Print fitted to the page width; False: the exporter sets page_setup.scale in finish()
    # (Excel ignores manual page breaks on a sheet fitted to pages).
    fit_to_width: ClassVar[bool] = True
    auto_filter: ClassVar[bool] = False

    first_row = FIRST_DATA_ROW  # the row rows() starts at, for the exporter's own formulas

    @classmethod
    def allowed(cls, user: AnyUser) -> bool:
        return cls.required_permission(user)

    # The renderer asks for these three; a family of sheets (e.g. the summary) sets them once.
    @property
    def heading(self) -> str:
        return self.sheet_title

    @property
    def banner(self) -> str:
        return ""

    @property
    def draft(self) -> bool:
        return False

    draft_mark: ClassVar[str] = "草稿（未发布）"

    def rows(self) -> Iterable[Row | Sequence[Any]]:
        raise NotImplementedError

    def finish(self, ws: WriteOnlyWorksheet, *, last_row: int) -> None:
        """Called after the last row: charts and the like."""

    def row_height(self, values: Sequence[Any]) -> float | None:
        """The printed height of a data row in points, or None to leave it to the reader's app.

        The base sizes rows to their wrapped text (styles.text_lines), up to Excel's largest
        row; merged columns span several rows and do not count."""
        return self.text_height(self.wrapped_texts(values))

    def wrapped_texts(self, values: Sequence[Any]) -> list[tuple[int, str]]:
        """(column index from 0, text) of the row's cells whose text sizes the row."""
        merged = self.merge_columns
        return [
            (i, value)
            for i, value in enumerate(values)
            if isinstance(value, str) and value and i + 1 not in merged
        ]

    def text_height(self, texts: Sequence[tuple[int, str]]) -> float | None:
        """row_height of a row holding `texts` (wrapped_texts), at the current column widths."""
        lines = 1
        columns = self.columns
        for i, text in texts:
            lines = max(lines, text_lines(text, columns[i].width))
        return min(MAX_ROW_HEIGHT, row_height(lines)) if lines > 1 else None


class XlsxFile:
    """The rendered .xlsx bytes. `save()` takes a path or a binary file, as Workbook.save does,
    so common.xlsx.xlsx_response and the command handle it like a workbook."""

    def __init__(self, data: bytes, *, rows: dict[str, int]):
        self.data = data
        self.rows = rows  # data rows per sheet title

    def save(self, target) -> None:
        if hasattr(target, "write"):
            target.write(self.data)
            return
        with open(target, "wb") as fh:
            fh.write(self.data)


class _StreamingSheet(WriteOnlyWorksheet):
    """A write-only sheet the common.xlsx layout helpers work on unchanged.

    They read the paper constants from the sheet and merge with ``merge_cells``; streaming
    sheets lack both. Merged ranges are only recorded here and written after the rows.
    """

    ORIENTATION_LANDSCAPE = Worksheet.ORIENTATION_LANDSCAPE
    PAPERSIZE_A4 = Worksheet.PAPERSIZE_A4

    def merge_cells(self, *, start_row: int, end_row: int, start_column: int, end_column: int):
        self.merged_cells.add(
            CellRange(min_col=start_column, min_row=start_row, max_col=end_column, max_row=end_row)
        )

    def append_xml(self, row: str) -> None:
        """Append a row already serialized as its ``<row>`` element (sheetxml.RowSerializer)."""
        self._get_writer()
        if self._rows is None:
            self._rows = self._write_rows()
            next(self._rows)
        self._rows.send(_RowXml(row))

    def _write_rows(self):
        """openpyxl's own loop (WriteOnlyWorksheet._write_rows), taking serialized rows too."""
        try:
            xf = self._writer.xf.send(True)
        except StopIteration:
            self._already_saved()
        with xf.element("sheetData"):
            row_idx = 1
            try:
                while True:
                    row = yield
                    if isinstance(row, _RowXml):
                        xf._file(row)  # et_xmlfile's raw write: the text is already XML
                    else:
                        self._writer.write_row(xf, self._values_to_row(row, row_idx), row_idx)
                    row_idx += 1
            except GeneratorExit:
                pass
        self._writer.xf.send(None)


class _RowXml(str):
    """A row's XML text, told apart from a list of values."""


def render_workbook(exporters: Sequence[Exporter], *, title: str) -> XlsxFile:
    """Write the exporters' sheets, in order, into one workbook with formula results filled in."""
    wb = Workbook(write_only=True)
    wb.properties.title = title
    wb.properties.creator = CREATOR
    for style in named_styles():
        wb.add_named_style(style)
    cached: dict[str, dict[str, Any]] = {}
    rows: dict[str, int] = {}
    sheets: list[_StreamingSheet] = []
    try:
        for exporter in exporters:
            ws = _StreamingSheet(parent=wb, title=exporter.sheet_title)
            wb._add_sheet(ws)  # what create_sheet does, with the sheet class above
            sheets.append(ws)
            cached[ws.title], rows[ws.title] = _write_sheet(ws, exporter)
    except BaseException:
        for ws in sheets:  # finish the half-written sheets' temporary files
            if not ws.closed:
                ws.close()
        raise
    out = BytesIO()
    if not any(cached.values()):  # serialized rows carry their formulas' results
        wb.save(out)
        return XlsxFile(out.getvalue(), rows=rows)
    with tempfile.TemporaryFile() as raw:
        wb.save(raw)
        raw.seek(0)
        # Sheet paths are assigned while saving.
        fill_cached_values(raw, out, {ws.path.lstrip("/"): cached[ws.title] for ws in sheets})
    return XlsxFile(out.getvalue(), rows=rows)


def _escape_header_footer(text: str) -> str:
    return text.replace("&", "&&")  # "&" starts a code in Excel header and footer text


def _page_setup(ws: _StreamingSheet, exporter: Exporter) -> None:
    # Write-only sheets take widths, panes and print settings before the first row.
    xlsx.set_column_widths(
        ws, {get_column_letter(i): c.width for i, c in enumerate(exporter.columns, 1)}
    )
    xlsx.freeze_above(ws, row=FIRST_DATA_ROW)
    xlsx.set_a4_landscape(ws)
    if not exporter.fit_to_width:  # the sheet properties are written before the first row
        ws.sheet_properties.pageSetUpPr.fitToPage = False
    xlsx.repeat_title_rows(ws, first=HEADER_ROW)
    xlsx.page_number_footer(ws)
    ws.oddHeader.left.text = _escape_header_footer(exporter.heading)
    if exporter.draft:
        for part in (ws.oddHeader.right, ws.oddFooter.right):
            part.text = exporter.draft_mark
            part.color = "C00000"
    ws.row_dimensions[TITLE_ROW].height = 30
    # Headers wrap inside their column, never into the first data row.
    ws.row_dimensions[HEADER_ROW].height = header_height(exporter.columns)


def header_height(columns: Sequence[Column]) -> float:
    """The header row's height: its longest header wrapped in its column."""
    lines = max((text_lines(c.header, c.width) for c in columns), default=1)
    return max(20.0, row_height(lines))


def _write_sheet(ws: _StreamingSheet, exporter: Exporter) -> tuple[dict[str, Any], int]:
    _page_setup(ws, exporter)
    width = len(exporter.columns)
    banner = WriteOnlyCell(ws, value=xlsx.cell_value(exporter.banner))
    banner.font = DRAFT_FONT if exporter.draft else NOTE_FONT
    ws.append([banner])
    title = WriteOnlyCell(ws, value=xlsx.cell_value(exporter.heading))
    title.font = xlsx.TITLE_FONT
    title.alignment = xlsx.WRAP_CENTER
    ws.append([title])
    for row in (BANNER_ROW, TITLE_ROW):
        ws.merge_cells(start_row=row, end_row=row, start_column=1, end_column=width)
    header = []
    for column in exporter.columns:
        cell = WriteOnlyCell(ws, value=xlsx.cell_value(column.header))
        cell.style = HEADER_STYLE
        header.append(cell)
    ws.append(header)

    exporter.first_row = FIRST_DATA_ROW
    cached: dict[str, Any] = {}
    keys: dict[int, list[Hashable]] = {column: [] for column in exporter.merge_columns}
    row_number = FIRST_DATA_ROW
    serializer = RowSerializer(ws, _letters(width)) if SERIALIZE_ROWS else None
    row_styles = {
        emphasis: [style_name(column.kind, emphasis) for column in exporter.columns]
        for emphasis in (False, True)
    }
    for row in exporter.rows():
        row = row if isinstance(row, Row) else Row(row)
        values = list(row.values)
        if len(values) != width:
            raise ValueError(f"{exporter.name}: row of {len(values)} values for {width} columns")
        for column, key in zip(exporter.merge_columns, row.merge_keys, strict=True):
            run = keys[column]
            if run and run[-1] == key:
                values[column - 1] = None  # shown once, at the top of the merged run
            run.append(key)
        height = row.height if row.height is not None else exporter.row_height(values)
        if serializer is not None:
            styles = row_styles[row.emphasis]
            ws.append_xml(serializer.row(row_number, [_value(v) for v in values], styles, height))
        else:
            if height is not None:  # write-only sheets take a row's height before the row
                ws.row_dimensions[row_number].height = height
            ws.append(
                [
                    _cell(ws, value, column, row.emphasis, cached, f"{letter}{row_number}")
                    for value, column, letter in zip(
                        values, exporter.columns, _letters(width), strict=True
                    )
                ]
            )
        row_number += 1
    last_row = row_number - 1
    for column, run in keys.items():
        xlsx.merge_runs(ws, column=column, first_row=FIRST_DATA_ROW, keys=run)
    if exporter.auto_filter and last_row >= FIRST_DATA_ROW:
        ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(width)}{last_row}"
    exporter.finish(ws, last_row=last_row)
    return cached, last_row - FIRST_DATA_ROW + 1


def _letters(width: int) -> list[str]:
    return [get_column_letter(i) for i in range(1, width + 1)]


def _value(value):
    """What a cell holds for `value`: a Formula as it is, a datetime in the district's local
    time (Excel has no time zones), anything else through common.xlsx.cell_value."""
    if isinstance(value, Formula):
        return value
    if isinstance(value, datetime):
        return local(value).replace(tzinfo=None, microsecond=0)
    return xlsx.cell_value(value)


def _cell(ws, value, column: Column, emphasis: bool, cached: dict, coordinate: str):
    value = _value(value)
    if isinstance(value, Formula):
        cached[coordinate] = value.cached
        value = value.text
    cell = WriteOnlyCell(ws, value=value)
    cell.style = style_name(column.kind, emphasis)
    return cell
