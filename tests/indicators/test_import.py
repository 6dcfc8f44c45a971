"""Importing the table from Excel: Chinese errors by Excel line, nothing written unless all rows are good.

Line numbers are as Excel shows them: the header is line 1, so the first data row is line 2.
"""

from io import BytesIO

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from import_export.formats.base_formats import XLSX
from openpyxl import Workbook, load_workbook

from indicators.models import Indicator, MemberScope, Responsibility
from indicators.resources import IndicatorResource, ResponsibilityResource
from units.models import Unit
from units.resources import UnitResource

pytestmark = pytest.mark.django_db

RESPONSIBILITY_HEADERS = ["指标序号", "单位代码", "排序"]
UNIT_HEADERS = ["单位代码", "单位名称", "成员单位", "启用", "显示顺序"]
INDICATOR_HEADERS = ["序号", "二级指标序号", "三级指标", "指标具体内涵", "成员单位范围"]
XLSX_FORMAT = "0"  # index of xlsx in SheetImportExportAdmin.formats


def xlsx_bytes(headers: list[str], rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def dataset(headers: list[str], rows: list[list]) -> tablib.Dataset:
    """The dataset import-export reads from an .xlsx upload."""
    return XLSX().create_dataset(xlsx_bytes(headers, rows))


def row_messages(result) -> list[str]:
    return [
        message
        for row in result.invalid_rows
        for messages in row.error_dict.values()
        for message in messages
    ]


def position(indicator: int, unit: str) -> int:
    return Responsibility.objects.get(indicator__number=indicator, unit__code=unit).position


# Indicator 16 lists 区教委, 区人社局; 17 lists 区总工会 only.
GOOD_ROWS = [
    [16, "rsj", 3],  # update: 区人社局 moves from 2 to 3 on indicator 16
    [17, "rsj", 2],  # new: 区人社局 supports indicator 17
]
BAD_ROW = [17, "nosuch", 3]  # line 4


def test_one_bad_row_and_nothing_is_written():
    count = Responsibility.objects.count()

    result = ResponsibilityResource().import_data(
        dataset(RESPONSIBILITY_HEADERS, [*GOOD_ROWS, BAD_ROW]), dry_run=False
    )

    assert result.has_validation_errors()
    assert [row.number for row in result.invalid_rows] == [4]
    assert row_messages(result) == ["第 4 行：单位代码“nosuch”不存在"]
    assert Responsibility.objects.count() == count
    assert position(16, "rsj") == 2


def test_good_file_is_written():
    count = Responsibility.objects.count()

    result = ResponsibilityResource().import_data(
        dataset(RESPONSIBILITY_HEADERS, GOOD_ROWS), dry_run=False
    )

    assert not result.has_errors() and not result.has_validation_errors()
    assert Responsibility.objects.count() == count + 1
    assert position(16, "rsj") == 3
    assert position(17, "rsj") == 2


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ([999, "rsj", 2], "第 2 行：指标序号“999”不存在"),
        ([17, "", 2], "第 2 行：单位代码不能为空"),
        ([None, "rsj", 2], "第 2 行：指标序号不能为空"),
        ([17, "rsj", "二"], "第 2 行：排序“二”不是整数"),
        ([17, "rsj", 2.5], "第 2 行：排序“2.5”不是整数"),
        ([17, "rsj", None], "第 2 行：排序不能为空"),
        ([17, "rsj", 0], "第 2 行：排序“0”须为不小于 1 的整数"),
        # Model validation: indicator 16 already has 区人社局 at position 2.
        ([16, "czj", 2], "第 2 行：包含 三级指标 和 排序 的 责任分工 已经存在。"),
    ],
)
def test_responsibility_row_errors_are_chinese(row, message):
    count = Responsibility.objects.count()

    result = ResponsibilityResource().import_data(
        dataset(RESPONSIBILITY_HEADERS, [row]), dry_run=False
    )

    assert row_messages(result) == [message]
    assert Responsibility.objects.count() == count


def test_repeated_key_within_the_file_is_an_error():
    result = ResponsibilityResource().import_data(
        dataset(RESPONSIBILITY_HEADERS, [[17, "rsj", 2], [17, "rsj", 3]]), dry_run=False
    )

    assert row_messages(result) == ["第 3 行：指标序号“17”、单位代码“rsj”与第 2 行重复"]
    assert not Responsibility.objects.filter(indicator__number=17, unit__code="rsj").exists()


def test_missing_key_column_is_reported_in_chinese():
    result = ResponsibilityResource().import_data(
        dataset(["指标序号", "排序"], [[17, 2]]), dry_run=False
    )

    assert result.has_errors()
    assert "文件缺少“单位代码”列" in str(result.base_errors[0].error)
    assert result.base_errors[0].traceback == ""  # the admin would print it to the office


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["xyz", "新单位", "是", "是", 1], None),
        (["rsj", "新单位", "是", "是", 1], None),  # an update of 区人社局's name
        (["", "新单位", "是", "是", 1], "第 2 行：单位代码不能为空"),
        (["xyz", "新单位", "也许", "是", 1], "第 2 行：成员单位须填写“是”或“否”，不能为“也许”"),
        (["xyz", "新单位", "是", "是", "第一"], "第 2 行：显示顺序“第一”不是整数"),
        (
            ["XYZ-1", "新单位", "是", "是", 1],
            "第 2 行：单位代码：代码须为 2–30 位小写英文字母、数字或下划线，并以字母开头。",
        ),
        (["xyz", "区人社局", "是", "是", 1], "第 2 行：单位名称：具有 单位名称 的 单位 已存在。"),
    ],
)
def test_unit_rows(row, message):
    result = UnitResource().import_data(dataset(UNIT_HEADERS, [row]), dry_run=True)

    assert row_messages(result) == ([message] if message else [])


def test_repeated_unit_code_within_the_file():
    count = Unit.objects.count()
    rows = [["xyz", "甲单位", "是", "是", 1], ["xyz", "乙单位", "否", "是", 2]]

    result = UnitResource().import_data(dataset(UNIT_HEADERS, rows), dry_run=False)

    assert row_messages(result) == ["第 3 行：单位代码“xyz”与第 2 行重复"]
    assert Unit.objects.count() == count


def test_unit_names_that_look_like_formulas_round_trip_escaped():
    Unit.objects.filter(code="rsj").update(name="=HYPERLINK(1)")
    exported = UnitResource().export(force_native_type=True)
    assert "'=HYPERLINK(1)" in exported["单位名称"]

    result = UnitResource().import_data(
        XLSX().create_dataset(XLSX().export_data(exported)), dry_run=False
    )

    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == Unit.objects.count()
    assert Unit.objects.get(code="rsj").name == "=HYPERLINK(1)"


# --- indicators -----------------------------------------------------------------------------


def indicator_snapshot() -> list[tuple]:
    return list(
        Indicator.objects.order_by("number").values_list(
            "number", "level2__number", "name", "content", "member_scope"
        )
    )


def test_indicator_export_imports_back_without_changes():
    before = indicator_snapshot()
    resource = IndicatorResource()
    exported = resource.export(force_native_type=True)
    assert exported.headers == INDICATOR_HEADERS
    assert exported["成员单位范围"][0] == "各成员单位"  # indicator 1
    assert exported["成员单位范围"][51] == "相关成员单位"  # indicator 52

    result = resource.import_data(
        XLSX().create_dataset(XLSX().export_data(exported)), dry_run=False
    )

    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == 80
    assert result.totals["new"] == result.totals["update"] == 0
    assert indicator_snapshot() == before


def test_indicator_scope_is_read_from_its_label():
    indicator = Indicator.objects.get(number=52)
    row = [52, indicator.level2.number, indicator.name, indicator.content, "各成员单位"]

    result = IndicatorResource().import_data(dataset(INDICATOR_HEADERS, [row]), dry_run=False)

    assert result.totals["update"] == 1
    assert Indicator.objects.get(number=52).member_scope == MemberScope.ALL_MEMBERS


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            [52, 16, "配套政策", "内涵", "全部单位"],
            "第 2 行：成员单位范围“全部单位”无效，应为“各成员单位”“相关成员单位”或留空",
        ),
        ([52, 99, "配套政策", "内涵", ""], "第 2 行：二级指标序号“99”不存在"),
        ([52, 16, "", "内涵", ""], "第 2 行：三级指标不能为空"),
    ],
)
def test_indicator_row_errors(row, message):
    result = IndicatorResource().import_data(dataset(INDICATOR_HEADERS, [row]), dry_run=False)

    assert row_messages(result) == [message]


def test_office_may_update_but_not_create_indicators(office_user, admin_user):
    rows = [[81, 25, "新指标", "新内涵", ""]]

    by_office = IndicatorResource().import_data(
        dataset(INDICATOR_HEADERS, rows), dry_run=True, user=office_user
    )
    by_admin = IndicatorResource().import_data(
        dataset(INDICATOR_HEADERS, rows), dry_run=True, user=admin_user
    )

    assert row_messages(by_office) == [
        "第 2 行：序号“81”的三级指标不存在，当前账号无权新增三级指标"
    ]
    assert row_messages(by_admin) == [] and by_admin.totals["new"] == 1
    assert not Indicator.objects.filter(number=81).exists()


# --- through the admin ----------------------------------------------------------------------

IMPORT_URL = reverse("admin:indicators_responsibility_import")
PROCESS_URL = reverse("admin:indicators_responsibility_process_import")


def upload(client, content: bytes):
    return client.post(
        IMPORT_URL,
        {"format": XLSX_FORMAT, "import_file": SimpleUploadedFile("责任分工.xlsx", content)},
    )


def test_admin_import_shows_row_error_and_offers_no_confirm(client, office_user):
    client.force_login(office_user)
    count = Responsibility.objects.count()

    response = upload(client, xlsx_bytes(RESPONSIBILITY_HEADERS, [*GOOD_ROWS, BAD_ROW]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "第 4 行：单位代码“nosuch”不存在" in html
    assert "<code>指标序号, 单位代码, 排序</code>" in html  # the columns read, not export-only
    assert "confirm_form" not in response.context
    assert PROCESS_URL not in html
    assert Responsibility.objects.count() == count
    assert position(16, "rsj") == 2


def test_admin_import_previews_then_writes_on_confirm(client, office_user):
    client.force_login(office_user)
    count = Responsibility.objects.count()

    preview = upload(client, xlsx_bytes(RESPONSIBILITY_HEADERS, GOOD_ROWS))

    assert preview.status_code == 200
    assert "预览" in preview.content.decode()
    confirm_form = preview.context["confirm_form"]
    assert Responsibility.objects.count() == count
    assert position(16, "rsj") == 2

    confirmed = client.post(PROCESS_URL, confirm_form.initial)

    assert confirmed.status_code == 302
    assert confirmed["Location"] == reverse("admin:indicators_responsibility_changelist")
    assert Responsibility.objects.count() == count + 1
    assert position(16, "rsj") == 3


def test_admin_confirm_of_a_file_gone_bad_writes_nothing(client, office_user):
    """Between preview and confirm someone else took position 3 on indicator 16."""
    client.force_login(office_user)
    preview = upload(client, xlsx_bytes(RESPONSIBILITY_HEADERS, GOOD_ROWS))
    Responsibility.objects.create(
        indicator=Indicator.objects.get(number=16), unit=Unit.objects.get(code="czj"), position=3
    )
    count = Responsibility.objects.count()

    confirmed = client.post(PROCESS_URL, preview.context["confirm_form"].initial, follow=True)

    assert "导入未执行" in confirmed.content.decode()
    assert Responsibility.objects.count() == count
    assert position(16, "rsj") == 2


def test_admin_export_is_an_xlsx_of_the_whole_table(client, office_user):
    client.force_login(office_user)
    columns = ["number", "level2", "name", "content", "member_scope"]

    response = client.post(
        reverse("admin:indicators_indicator_export"),
        {"format": XLSX_FORMAT, **{f"indicatorresource_{c}": "on" for c in columns}},
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith(XLSX().get_content_type())
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert list(rows[0]) == INDICATOR_HEADERS
    assert len(rows) == 81
    assert rows[1][:2] == (1, 1) and rows[1][4] == "各成员单位"


def test_export_form_labels_are_the_column_headers(client, office_user):
    client.force_login(office_user)
    html = client.get(reverse("admin:indicators_responsibility_export")).content.decode()
    for header in ("指标序号", "单位代码", "排序", "单位名称", "牵头或配合"):
        assert header in html
    assert "Unit Name" not in html
