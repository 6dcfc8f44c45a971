"""总表 and 单位汇总 printed: the workbook converted to PDF by LibreOffice (A4 landscape), read
back with pdftotext (Debian poppler-utils).

Every 三级指标's full name and every unit's name is in the printed text (nothing cut off), and
every 一级指标 block starts and ends on one page (no merged cell is split by a page end).
"""

import html
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass

import pytest
from openpyxl import load_workbook

from reports.exporters import summary_workbook
from reports.exporters.styles import CJK_WIDTH, text_lines
from scoring.models import Cycle, CycleIndicator, Slot

from .test_summary_libreoffice import convert, soffice  # noqa: F401  (fixture)
from .test_summary_workbook import FIRST, score_more_of_the_demo, seed_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def pdftotext() -> str:
    found = shutil.which("pdftotext")
    if found is None:
        pytest.skip("pdftotext is not on PATH: install poppler-utils (scripts/ensure-system-deps)")
    return found


@pytest.fixture
def scored(db) -> Cycle:
    return score_more_of_the_demo(seed_demo())


@dataclass(frozen=True)
class Word:
    x: float
    y: float
    x_end: float
    text: str


WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>'
)


@pytest.fixture
def printed(soffice, pdftotext, scored, tmp_path) -> list[list[Word]]:  # noqa: F811
    """The words of each PDF page with their positions (pdftotext -bbox)."""
    source = tmp_path / "summary.xlsx"
    summary_workbook(cycle=scored).save(source)
    pdf = convert(soffice, source, "pdf", tmp_path)
    out = subprocess.run(
        [pdftotext, "-bbox", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    return [
        [
            Word(float(x), float(y), float(x_end), html.unescape(text))
            for x, y, x_end, text in WORD.findall(page)
        ]
        for page in out.split("</page>")[:-1]
    ]


def _sheet_pages(pages: list[list[Word]], title: str) -> list[tuple[int, list[Word]]]:
    """(page index, words) of one sheet's pages: the printed page header names the sheet."""
    found = []
    for i, words in enumerate(pages):
        top = min((w.y for w in words), default=0)
        if "".join(w.text for w in words if w.y < top + 3).endswith(f"·{title}草稿（未发布）"):
            found.append((i, words))
    return found


def _text_start(body: list[Word], heading: Word, after: float) -> float:
    """Where the text of the column under `heading` starts: wrapped lines of a cell all
    start at the same place, so it is the most common start between the heading before
    (`after`, where it ends) and this (centred) heading."""
    starts = Counter(round(w.x, 1) for w in body if after < w.x <= heading.x + 1)
    return starts.most_common(1)[0][0] if starts else heading.x


def _column(words: list[Word], previous: str, heading: str, following: str) -> str:
    """The text printed in the column under `heading`, top to bottom, whitespace removed.

    Adjacent cells share printed lines, so a plain text dump would interleave them; the
    column runs from where its text starts to where the `following` column's starts."""
    prev, head, nxt = (
        next(w for w in words if w.text == t) for t in (previous, heading, following)
    )
    body = [w for w in words if w.y > head.y + 1]
    left = _text_start(body, head, prev.x_end) - 0.5
    right = _text_start(body, nxt, head.x_end) - 0.5
    inside = sorted((w for w in body if left <= w.x < right), key=lambda w: (w.y, w.x))
    return "".join("".join(w.text.split()) for w in inside)


def test_every_indicator_name_is_printed_whole_and_each_level1_on_one_page(printed, scored):
    table = _sheet_pages(printed, "总表")
    assert table, "no page of 总表 in the PDF"
    items = list(CycleIndicator.objects.filter(cycle=scored).order_by("number"))
    assert len(items) == 80
    names = [(i, _column(words, "序号", "三级指标", "指标具体内涵")) for i, words in table]
    page_of: dict[int, list[int]] = {}
    for item in items:
        name = "".join(item.name.split())
        found = [i for i, text in names if name in text]
        assert found, f"三级指标 {item.number}「{item.name}」is cut off or missing"
        page_of.setdefault(item.level1_number, []).append(found[0])
    assert len(page_of) == 7
    for level1, pages in page_of.items():
        assert len(set(pages)) == 1, f"一级指标 {level1} runs over pages {sorted(set(pages))}"
    # One 一级 per page: the breaks between them are where the merged cells end.
    assert len({pages[0] for pages in page_of.values()}) == 7


def test_every_responsible_unit_is_printed_in_the_table_and_the_unit_summary(printed, scored):
    units = set(Slot.objects.filter(cycle=scored).values_list("unit__name", flat=True))
    assert len(units) == 12
    summary = _sheet_pages(printed, "单位汇总")
    assert summary, "no page of 单位汇总 in the PDF"
    names = "".join(_column(words, "排名", "单位", "任务数") for _, words in summary)
    for unit in units:
        assert unit in names, unit
    # 责任单位 as the seed writes it (full lists, 各成员单位 included) is printed whole, and so
    # is 指标具体内涵.
    table = _sheet_pages(printed, "总表")
    responsible = "".join(_column(words, "指标具体内涵", "责任单位", "分值") for _, words in table)
    content = "".join(_column(words, "三级指标", "指标具体内涵", "责任单位") for _, words in table)
    for item in CycleIndicator.objects.filter(cycle=scored):
        assert "".join(item.responsibility.split()) in responsible, item.number
        assert "".join(item.content.split()) in content, item.number


def test_headings_fit_their_row(scored, tmp_path):
    """A heading wraps inside its own row: the header row is as tall as its longest heading."""
    source = tmp_path / "summary.xlsx"
    summary_workbook(cycle=scored).save(source)
    wb = load_workbook(source)
    for title in ("总表", "单位汇总"):
        ws = wb[title]
        header = FIRST - 1
        height = ws.row_dimensions[header].height
        for cell in ws[header]:
            width = ws.column_dimensions[cell.column_letter].width
            assert height >= 16 * text_lines(cell.value, width), (title, cell.value)
    units = wb["单位汇总"]
    heading = next(c for c in units[FIRST - 1] if c.value == "得分率（按已评分值）")
    width = units.column_dimensions[heading.column_letter].width
    assert len(heading.value) * CJK_WIDTH > width  # it does wrap …
    assert units.row_dimensions[FIRST - 1].height >= 2 * 16  # … into a second line


def test_long_columns_wrap_at_a_readable_scale(scored, tmp_path):
    source = tmp_path / "summary.xlsx"
    summary_workbook(cycle=scored).save(source)
    ws = load_workbook(source)["总表"]
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    # A fixed scale (Excel ignores manual breaks when fitting to pages), no smaller than 60 %
    # of the 11 pt body font; a page break after each 一级 but the last.
    assert not ws.sheet_properties.pageSetUpPr.fitToPage
    assert 60 <= ws.page_setup.scale <= 100
    assert len(ws.row_breaks.brk) == 6
    for letter in "DEF":
        r = FIRST
        assert ws.cell(r, ord(letter) - 64).alignment.wrap_text
    # Row heights hold the wrapped 指标具体内涵.
    for row in ws.iter_rows(min_row=FIRST, max_col=5):
        content = row[4].value
        if isinstance(content, str) and row[2].value:
            lines = text_lines(content, ws.column_dimensions["E"].width)
            assert (ws.row_dimensions[row[0].row].height or 15) >= 16 * lines, row[2].value
