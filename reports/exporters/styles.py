"""Column kinds and the house styles (common.xlsx) as named cell styles.

A cell takes its whole style by name. Setting font, border and alignment one by one makes
openpyxl hash each of them for every cell, which was most of the time a large export took.
"""

import math
from functools import lru_cache

from openpyxl.styles import Font, NamedStyle, PatternFill

from common import xlsx

# Column kinds: how a column's values are aligned and formatted.
TEXT, CENTER, POINTS, PERCENT, INTEGER, NUMBER, DATETIME = (
    "text",
    "center",
    "points",
    "percent",
    "integer",
    "number",
    "datetime",
)
NUMBER_FORMATS = {
    POINTS: "0.00",
    PERCENT: "0.00%",
    INTEGER: "0",
    DATETIME: "yyyy-mm-dd hh:mm",
}
LABELS = {
    TEXT: "正文",
    CENTER: "居中",
    POINTS: "分值",
    PERCENT: "百分比",
    INTEGER: "整数",
    NUMBER: "数值",
    DATETIME: "时间",
}
HEADER_STYLE = "导出·表头"

DRAFT_FONT = Font(name=xlsx.FONT_NAME, size=12, bold=True, color="FFC00000")
NOTE_FONT = Font(name=xlsx.FONT_NAME, size=11, color="FF595959")
TOTAL_FILL = PatternFill(fill_type="solid", start_color="FFF2F2F2", end_color="FFF2F2F2")


def style_name(kind: str, emphasis: bool) -> str:
    """The named style of a column kind; `emphasis` for subtotal and total rows."""
    return f"导出·{LABELS[kind]}{'·合计' if emphasis else ''}"


def named_styles() -> list[NamedStyle]:
    """Fresh named styles for one workbook (binding a style to a workbook changes it)."""
    styles = [
        NamedStyle(
            name=HEADER_STYLE,
            font=xlsx.HEADER_FONT,
            border=xlsx.THIN_BORDER,
            alignment=xlsx.WRAP_CENTER,
            fill=xlsx.HEADER_FILL,
        )
    ]
    for kind in LABELS:
        for emphasis in (False, True):
            styles.append(
                NamedStyle(
                    name=style_name(kind, emphasis),
                    font=xlsx.HEADER_FONT if emphasis else xlsx.BODY_FONT,
                    border=xlsx.THIN_BORDER,
                    alignment=xlsx.WRAP_TOP if kind == TEXT else xlsx.WRAP_CENTER,
                    number_format=NUMBER_FORMATS.get(kind, "General"),
                    fill=TOTAL_FILL if emphasis else PatternFill(),
                )
            )
    return styles


# --- print layout ------------------------------------------------------------------------------
# Estimates good enough to size rows so wrapped text is never cut off: a column's width is in
# units of the default font's digit (about 7 px); a CJK character of the 11 pt body font is a
# little over two of them. A line of 11 pt 宋体 (or the Noto CJK that replaces it on Linux) is
# about 16 pt high. Estimates err on the generous side: a taller row only costs paper.
CJK_WIDTH = 2.1
LINE_HEIGHT = 16.0  # points per wrapped line of 11 pt text
ROW_PADDING = 4.0  # points above and below the text

# A4 landscape with narrow margins (inches), and its printable area in points.
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.5, "bottom": 0.5, "header": 0.25, "footer": 0.25}
PRINTABLE_WIDTH = (11.69 - MARGINS["left"] - MARGINS["right"]) * 72
PRINTABLE_HEIGHT = (8.27 - MARGINS["top"] - MARGINS["bottom"]) * 72


@lru_cache(maxsize=4096)  # 总表 measures the same texts at several widths
def text_width(text: str) -> float:
    """Width of one line of text in digit units."""
    return sum(CJK_WIDTH if ord(ch) > 0x2E7F else 1.0 for ch in text)


def text_lines(text: object, width: float) -> int:
    """Wrapped lines `text` takes in a column `width` digits wide (one or more)."""
    if text is None or text == "":
        return 1
    return _lines(str(text), width)


@lru_cache(maxsize=8192)  # 总表 tries each of its texts at several widths
def _lines(text: str, width: float) -> int:
    usable = max(width - 1.5, 1.0)  # cell padding
    return sum(max(1, math.ceil(text_width(line) / usable)) for line in text.split("\n"))


def row_height(lines: int) -> float:
    return lines * LINE_HEIGHT + ROW_PADDING


def column_points(width: float) -> float:
    """A column `width` digits wide in points, in the wider of the two apps that print it:
    Excel (7 px a digit plus 5 px padding) or LibreOffice (about 7 pt a digit, measured)."""
    return max((width * 7 + 5) * 0.75, width * 7.0)


def fit_width_scale(widths) -> int:
    """The print scale (percent) at which columns of these widths fill A4 landscape's width."""
    total = sum(column_points(w) for w in widths)
    return max(10, min(100, math.floor(PRINTABLE_WIDTH / total * 100)))
