"""The responsibility table exported to Excel, read back and compared with the seed text."""

from io import BytesIO, StringIO
from itertools import groupby
from urllib.parse import unquote

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from common.numerals import chinese_numeral
from common.xlsx import XLSX_CONTENT_TYPE
from indicators.exports import catalogue_workbook
from indicators.models import Indicator

TITLE = "丰台区《新时期产业工人队伍建设改革方案》落实情况评价考核指标责任分工"
HEADER = ["一级指标", "二级指标", "序号", "三级指标", "指标具体内涵", "责任单位"]
FIRST = 3  # first data row


def _runs(keys: list[int], column: str) -> set[str]:
    """Expected merged ranges: every run of equal consecutive keys longer than one row."""
    ranges = set()
    row = FIRST
    for _, run in groupby(keys):
        size = len(list(run))
        if size > 1:
            ranges.add(f"{column}{row}:{column}{row + size - 1}")
        row += size
    return ranges


@pytest.fixture
def sheet(db, tmp_path):
    path = tmp_path / "t.xlsx"
    call_command("export_catalogue", str(path), stdout=StringIO())
    return load_workbook(path).active


def test_title_header_and_layout(sheet):
    assert sheet.title == "责任分工"
    assert sheet["A1"].value == TITLE
    assert [c.value for c in sheet[2]] == HEADER
    assert sheet.max_row == 82
    assert sheet.max_column == 6
    assert sheet.freeze_panes == "A3"
    assert sheet.print_title_rows == "$2:$2"
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4) == 9
    assert int(sheet.page_setup.fitToWidth) == 1
    assert int(sheet.page_setup.fitToHeight) == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage


def test_title_matches_the_seed(sheet, seed_table):
    assert seed_table.title == TITLE


def test_every_row_matches_the_seed(sheet, seed_table):
    rows = list(sheet.iter_rows(min_row=FIRST, values_only=True))
    assert len(rows) == len(seed_table.indicators) == 80
    previous = None
    for row, ind in zip(rows, seed_table.indicators, strict=True):
        a, b, number, name, content, responsibility = row
        assert (number, name, content, responsibility) == (
            ind.number,
            ind.name,
            ind.content,
            ind.responsibility,
        )
        new_level1 = previous is None or previous.level1_number != ind.level1_number
        new_level2 = previous is None or previous.level2_number != ind.level2_number
        level1 = f"{chinese_numeral(ind.level1_number)}、{ind.level1_name}"
        level2 = f"（{chinese_numeral(ind.level2_number)}）{ind.level2_name}"
        assert a == (level1 if new_level1 else None), ind.number
        assert b == (level2 if new_level2 else None), ind.number
        previous = ind


def test_merged_ranges_follow_the_seed_blocks(sheet, seed_table):
    level1 = [i.level1_number for i in seed_table.indicators]
    level2 = [i.level2_number for i in seed_table.indicators]
    expected = _runs(level1, "A") | _runs(level2, "B") | {"A1:F1"}
    assert {str(r) for r in sheet.merged_cells.ranges} == expected


def test_workbook_properties(db):
    wb = catalogue_workbook()
    assert wb.properties.title == TITLE
    assert wb.properties.creator == "产改考核"


def test_user_text_is_escaped(db):
    Indicator.objects.filter(number=1).update(name='=HYPERLINK("http://evil","x")')
    cell = catalogue_workbook().active["D3"]
    assert cell.value == '\'=HYPERLINK("http://evil","x")'
    assert cell.data_type == "s"


def test_export_runs_a_constant_number_of_queries(db, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        catalogue_workbook()


def test_command_reports_an_unwritable_path(db, tmp_path):
    with pytest.raises(CommandError, match="无法写入"):
        call_command("export_catalogue", str(tmp_path / "missing" / "t.xlsx"))


def test_command_says_what_it_wrote(db, tmp_path):
    out = StringIO()
    call_command("export_catalogue", str(tmp_path / "t.xlsx"), stdout=out)
    assert "已导出 80 个三级指标" in out.getvalue()


def test_download_requires_login(client):
    response = client.get(reverse("indicators:catalogue_export"))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_download_for_a_reporter(client, rsj_reporter):
    client.force_login(rsj_reporter)
    response = client.get(reverse("indicators:catalogue_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    _, encoded = disposition.split("filename*=UTF-8''")
    assert unquote(encoded) == "丰台区产改考核指标责任分工.xlsx"
    ws = load_workbook(BytesIO(response.content)).active
    assert ws.max_row == 82
    assert ws["A1"].value == TITLE


def test_download_rejects_post(client, rsj_reporter):
    client.force_login(rsj_reporter)
    assert client.post(reverse("indicators:catalogue_export")).status_code == 405
