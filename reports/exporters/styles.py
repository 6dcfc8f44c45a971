"""Column kinds and the house styles (common.xlsx) as named cell styles.

A cell takes its whole style by name. Setting font, border and alignment one by one makes
openpyxl hash each of them for every cell, which was most of the time a large export took.
"""

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
