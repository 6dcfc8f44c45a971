"""Building blocks for the Excel reports: safe cell values, house styles, print setup, download.

Every report renders with openpyxl and prints on A4 paper in offices that open it with Excel,
WPS or LibreOffice, so the rules live here once: user text never becomes a formula, Chinese
text uses a Chinese font, and the download is named correctly in every browser.
"""

from collections.abc import Hashable, Sequence
from io import BytesIO
from typing import TypeVar, overload

from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from common.http import content_disposition

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# "宋体" is SimSun's name in Chinese Windows and WPS; Excel maps it on other systems too.
FONT_NAME = "宋体"
BODY_FONT = Font(name=FONT_NAME, size=11)
HEADER_FONT = Font(name=FONT_NAME, size=11, bold=True)
TITLE_FONT = Font(name=FONT_NAME, size=16, bold=True)
HEADER_FILL = PatternFill(fill_type="solid", start_color="FFD9D9D9", end_color="FFD9D9D9")

THIN = Side(style="thin", color="FF000000")
THIN_BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)

WRAP_TOP = Alignment(wrap_text=True, vertical="top")
WRAP_CENTER = Alignment(wrap_text=True, horizontal="center", vertical="center")

# OWASP "CSV injection": a cell starting with one of these may be evaluated as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@")
FORMULA_CONTROL_STARTS = ("\t", "\r")

T = TypeVar("T")


@overload
def escape_formula(value: str) -> str: ...
@overload
def escape_formula(value: T) -> T: ...
def escape_formula(value):
    """Prefix a string Excel could read as a formula with ``'``; anything else passes through.

    A string counts as a formula when it starts with a tab or CR, or when its first
    non-whitespace character is ``=``, ``+``, ``-`` or ``@`` (spreadsheet apps skip the blanks).
    """
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_CONTROL_STARTS) or value.lstrip().startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


@overload
def cell_value(value: str) -> str: ...
@overload
def cell_value(value: T) -> T: ...
def cell_value(value):
    """A user-written value made safe for a cell: control characters dropped, formulas escaped.

    openpyxl refuses the control characters XML 1.0 forbids, so one stray character pasted into
    a form would otherwise break the whole export.
    """
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return escape_formula(value)


def set_column_widths(ws: Worksheet, widths: dict[str, float]) -> None:
    """Set widths by column letter, e.g. ``{"A": 14, "E": 60}`` (a CJK character is about 2)."""
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width


def style_cell(cell, *, font: Font = BODY_FONT, alignment: Alignment = WRAP_TOP) -> None:
    """Give a table cell the house font, thin border and the given alignment."""
    cell.font = font
    cell.border = THIN_BORDER
    cell.alignment = alignment


def merge_runs(ws: Worksheet, *, column: int, first_row: int, keys: Sequence[Hashable]) -> None:
    """Merge each run of equal consecutive ``keys`` into one cell of ``column``.

    ``keys[i]`` belongs to row ``first_row + i``. Runs of one row stay unmerged. Call it after
    styling the cells: openpyxl carries the top cell's border to the edges of the merged range.
    """
    start = 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            if i - start > 1:
                ws.merge_cells(
                    start_row=first_row + start,
                    end_row=first_row + i - 1,
                    start_column=column,
                    end_column=column,
                )
            start = i


def set_a4_landscape(ws: Worksheet) -> None:
    """Print on A4 landscape, all columns on one page width, as many pages long as needed."""
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True


def repeat_title_rows(ws: Worksheet, *, first: int, last: int | None = None) -> None:
    """Print rows ``first``..``last`` at the top of every page."""
    ws.print_title_rows = f"{first}:{last or first}"


def freeze_above(ws: Worksheet, *, row: int) -> None:
    """Keep the rows above ``row`` in view while scrolling."""
    ws.freeze_panes = f"A{row}"


def page_number_footer(ws: Worksheet) -> None:
    """Footer 第 n 页，共 m 页 on every printed page."""
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def xlsx_response(workbook: Workbook, *, filename: str, fallback: str) -> HttpResponse:
    """The workbook as a download named ``filename`` (``fallback`` for clients without RFC 5987).

    Reports are for signed-in users only, so the response must not sit in shared caches.
    """
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename, fallback=fallback)
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, no_store=True)
    return response
