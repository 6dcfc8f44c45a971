"""Hostile spreadsheets at every import: the scheme page and the admin's catalogue/unit imports.

Formulas, wrong columns, repeated rows and a 10,000-row file each get a Chinese message on the
page, and no table changes. (Row-by-row rules are in tests/indicators/test_import.py and
tests/scoring/scheme/test_scheme_import.py; this file holds the kinds of attack, every importer.)
"""

import html
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from indicators.resources import IndicatorResource
from scoring.models import Cycle
from tests.scoring.cycle_fixtures import new_cycle

pytestmark = pytest.mark.django_db


def xlsx(headers: list[str], rows: list[list]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _admin_post(model: str) -> Callable:
    def post(client, content: bytes):
        return client.post(
            reverse(f"admin:{model}_import"),
            {"format": "0", "import_file": SimpleUploadedFile("导入.xlsx", content)},
        )

    return post


def _scheme_post(client, content: bytes):
    cycle = Cycle.objects.get(name="2026年度")
    return client.post(
        reverse("scoring:cycle_scheme_import", args=[cycle.pk]),
        {"file": SimpleUploadedFile("考核方案.xlsx", content)},
    )


def _indicator_one() -> tuple[list[str], list]:
    exported = IndicatorResource().export()
    return list(exported.headers), list(exported[0])


@dataclass(frozen=True)
class Importer:
    name: str
    post: Callable
    # headers and one good row (a callable, as some need the database)
    sheet: Callable[[], tuple[list[str], list]]
    number_column: int  # a numeric column, where a formula is put
    max_rows: int


IMPORTERS = [
    Importer(
        "units",
        _admin_post("units_unit"),
        lambda: (["单位代码", "单位名称", "成员单位", "启用", "显示顺序"], ["xyz", "新单位", "是", "是", 1]),
        4,
        2000,
    ),
    Importer(
        "responsibilities",
        _admin_post("indicators_responsibility"),
        lambda: (["指标序号", "单位代码", "排序"], [17, "rsj", 2]),
        2,
        2000,
    ),
    Importer("indicators", _admin_post("indicators_indicator"), _indicator_one, 1, 2000),
    Importer(
        "scheme",
        _scheme_post,
        lambda: (["序号", "三级指标", "分值", "评分方法"], [1, "", 5, "扣分"]),
        2,
        1000,
    ),
]  # fmt: skip


@pytest.fixture
def importer_client(client, make_user):
    """区产改办 with the administrator's rights (so every importer is open to it)."""
    client.force_login(make_user("office_admin", is_superuser=True))
    new_cycle()  # 2026年度 in 准备中, whose scheme the scheme importer reads
    return client


def _page(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


ATTACKS = [pytest.param(i, id=i.name) for i in IMPORTERS]


@pytest.mark.parametrize("importer", ATTACKS)
def test_a_formula_in_a_number_column_is_refused_never_evaluated(
    importer, importer_client, unchanged
):
    headers, row = importer.sheet()
    row = list(row)
    row[importer.number_column] = "=1+4"
    check = unchanged()
    page = _page(importer.post(importer_client, xlsx(headers, [row])))
    assert "文件中有公式，导入只接受数值：第 2 行“" in page
    assert "（=1+4）" in page
    check()


@pytest.mark.parametrize("importer", ATTACKS)
def test_a_file_with_other_columns_is_refused(importer, importer_client, unchanged):
    check = unchanged()
    page = _page(
        importer.post(importer_client, xlsx(["姓名", "电话", "备注"], [["张三", "1", "x"]]))
    )
    assert "文件缺少“" in page and "”列" in page
    check()


@pytest.mark.parametrize("importer", ATTACKS)
def test_a_repeated_row_is_refused(importer, importer_client, unchanged):
    headers, row = importer.sheet()
    check = unchanged()
    page = _page(importer.post(importer_client, xlsx(headers, [row, row])))
    assert "与第 2 行重复" in page
    check()


@pytest.mark.parametrize("importer", ATTACKS)
def test_a_ten_thousand_row_file_is_refused_before_any_row_is_read(
    importer, importer_client, unchanged
):
    headers, row = importer.sheet()
    check = unchanged()
    page = _page(importer.post(importer_client, xlsx(headers, [row] * 10_000)))
    assert "文件行数过多（10000 行）" in page
    assert f"不超过 {importer.max_rows} 行" in page
    check()
