"""The responsibility table (附件1) as an Excel workbook, laid out like the district's original."""

from openpyxl import Workbook

from common import xlsx
from indicators import selectors

TITLE = "丰台区《新时期产业工人队伍建设改革方案》落实情况评价考核指标责任分工"
SHEET_TITLE = "责任分工"
HEADERS = ("一级指标", "二级指标", "序号", "三级指标", "指标具体内涵", "责任单位")
COLUMN_WIDTHS = {"A": 14, "B": 18, "C": 6, "D": 24, "E": 60, "F": 28}
HEADER_ROW = 2
FIRST_DATA_ROW = 3
CATALOGUE_FILENAME = "丰台区产改考核指标责任分工.xlsx"
CATALOGUE_FALLBACK_FILENAME = "fengtai-indicator-responsibilities.xlsx"
CREATOR = "产改考核"

# Columns A (一级), B (二级) and C (序号) are short labels, centred; the prose reads from the top.
_CENTERED_COLUMNS = {1, 2, 3}


def catalogue_workbook() -> Workbook:
    """One sheet 责任分工: title, header, then one row per 三级指标 in table order.

    一级 and 二级 labels are written once per block and merged down it, as in the Word table.
    Runs a constant number of queries (see selectors.indicators_with_units).
    """
    wb = Workbook()
    wb.properties.title = TITLE
    wb.properties.creator = CREATOR
    ws = wb.active
    ws.title = SHEET_TITLE

    ws.append([xlsx.cell_value(TITLE)])
    ws.merge_cells(start_row=1, end_row=1, start_column=1, end_column=len(HEADERS))
    ws["A1"].font = xlsx.TITLE_FONT
    ws["A1"].alignment = xlsx.WRAP_CENTER
    ws.row_dimensions[1].height = 36

    ws.append([xlsx.cell_value(h) for h in HEADERS])
    for cell in ws[HEADER_ROW]:
        xlsx.style_cell(cell, font=xlsx.HEADER_FONT, alignment=xlsx.WRAP_CENTER)
        cell.fill = xlsx.HEADER_FILL

    level1_keys: list[int] = []
    level2_keys: list[int] = []
    for indicator in selectors.indicators_with_units():
        level2 = indicator.level2
        level1 = level2.level1
        new_level1 = not level1_keys or level1_keys[-1] != level1.pk
        new_level2 = not level2_keys or level2_keys[-1] != level2.pk
        level1_keys.append(level1.pk)
        level2_keys.append(level2.pk)
        ws.append(
            [
                xlsx.cell_value(level1.label) if new_level1 else None,
                xlsx.cell_value(level2.label) if new_level2 else None,
                indicator.number,
                xlsx.cell_value(indicator.name),
                xlsx.cell_value(indicator.content),
                xlsx.cell_value(selectors.responsibility_text(indicator)),
            ]
        )
        for cell in ws[ws.max_row]:
            centered = cell.column in _CENTERED_COLUMNS
            xlsx.style_cell(cell, alignment=xlsx.WRAP_CENTER if centered else xlsx.WRAP_TOP)

    xlsx.merge_runs(ws, column=1, first_row=FIRST_DATA_ROW, keys=level1_keys)
    xlsx.merge_runs(ws, column=2, first_row=FIRST_DATA_ROW, keys=level2_keys)

    xlsx.set_column_widths(ws, COLUMN_WIDTHS)
    xlsx.freeze_above(ws, row=FIRST_DATA_ROW)
    xlsx.set_a4_landscape(ws)
    xlsx.repeat_title_rows(ws, first=HEADER_ROW)
    xlsx.page_number_footer(ws)
    return wb
