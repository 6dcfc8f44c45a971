"""The scheme in Excel: download, upload with a dry-run preview, confirm; errors by line.

Lines are as Excel shows them: the header is line 1, the first indicator line 2.
"""

import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signing import TimestampSigner
from django.urls import reverse
from openpyxl import load_workbook

from scoring.cycles.services import cycle_open
from scoring.models import CycleAction, CycleEvent, CycleIndicator, ScoringMethod
from scoring.scheme.resources import CycleSchemeResource, dataset_from_xlsx, scheme_import
from tests.scoring.cycle_fixtures import flashed, new_cycle, xlsx_upload

pytestmark = pytest.mark.django_db


def _import_url(cycle) -> str:
    return reverse("scoring:cycle_scheme_import", args=[cycle.pk])


def _confirm_url(cycle) -> str:
    return reverse("scoring:cycle_scheme_import_confirm", args=[cycle.pk])


def _upload(client, cycle, content: bytes, name: str = "考核方案.xlsx"):
    return client.post(_import_url(cycle), {"file": SimpleUploadedFile(name, content)})


def _payload(response) -> str:
    match = re.search(r'name="payload" value="([^"]+)"', response.content.decode())
    assert match, "no confirm form on the page"
    return match.group(1)


def _errors(response) -> list[str]:
    block = re.search(r'<ul class="import-errors">(.*?)</ul>', response.content.decode(), re.S)
    assert block, "no error list on the page"
    return re.findall(r"<li>(.*?)</li>", block.group(1))


def _state(cycle):
    return (
        list(
            CycleIndicator.objects.filter(cycle=cycle)
            .order_by("number")
            .values_list("points", "method")
        ),
        CycleEvent.objects.filter(cycle=cycle, action=CycleAction.SCHEME_CHANGED).count(),
    )


def _exported(client, cycle) -> list[list]:
    response = client.get(reverse("scoring:cycle_scheme_export", args=[cycle.pk]))
    sheet = load_workbook(BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_download_is_the_template_for_the_upload(office, preparing):
    CycleIndicator.objects.filter(cycle=preparing, number=2).update(
        points=Decimal("2.50"), method=ScoringMethod.DEDUCT
    )
    response = office.get(reverse("scoring:cycle_scheme_export", args=[preparing.pk]))
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "filename*=UTF-8''2026%E5%B9%B4%E5%BA%A6" in response["Content-Disposition"]
    rows = _exported(office, preparing)
    assert rows[0] == ["序号", "三级指标", "分值", "评分方法"]
    assert len(rows) == 81
    assert rows[1] == [1, "纳入当地国民经济和社会发展规划", 0, "档次"]
    assert rows[2] == [2, "产改专项规划", 2.5, "扣分"]

    # The file as downloaded imports back with nothing to change.
    before = _state(preparing)
    preview = _upload(office, preparing, xlsx_upload(rows[1:], headers=rows[0]))
    assert 'id="no-changes"' in preview.content.decode()
    assert "文件与当前考核方案一致（80 项），无需导入。" in preview.content.decode()
    assert _state(preparing) == before


def test_a_good_file_is_previewed_then_imported_on_confirmation(office, office_user, preparing):
    rows = [
        [1, "（不读取）", 5, "扣分"],
        [2, "", 3.5, "档次"],
        [3, "", "0", "档次"],  # unchanged
        [80, "", 1.25, "直接打分"],
    ]
    before = _state(preparing)

    preview = _upload(office, preparing, xlsx_upload(rows))

    assert preview.status_code == 200
    page = preview.content.decode()
    assert 'id="import-preview"' in page
    assert '<strong id="change-count">3</strong>' in page
    assert "<del>0</del> → <ins>3.50</ins>" in page
    assert "<del>档次</del> → <ins>直接打分</ins>" in page
    assert _state(preparing) == before  # the dry run wrote nothing

    response = office.post(_confirm_url(preparing), {"payload": _payload(preview)})

    assert response["Location"] == reverse("scoring:cycle_scheme", args=[preparing.pk])
    assert flashed(response) == [("success", "已导入考核方案，修改了 3 项指标。")]
    items = {i.number: (i.points, i.method) for i in CycleIndicator.objects.filter(cycle=preparing)}
    assert items[1] == (Decimal("5"), ScoringMethod.DEDUCT)
    assert items[2] == (Decimal("3.5"), ScoringMethod.GRADE)
    assert items[3] == (Decimal("0"), ScoringMethod.GRADE)
    assert items[80] == (Decimal("1.25"), ScoringMethod.DIRECT)
    events = CycleEvent.objects.filter(cycle=preparing, action=CycleAction.SCHEME_CHANGED)
    assert sorted(e.data["indicator"] for e in events) == [1, 2, 80]
    assert {e.actor for e in events} == {office_user}
    assert {e.ip_address for e in events} == {"127.0.0.1"}


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ([999, "", 5, "档次"], "第 3 行：序号“999”不在本周期的考核方案中"),
        (["第一", "", 5, "档次"], "第 3 行：序号“第一”不是整数"),
        ([None, "", 5, "档次"], "第 3 行：序号不能为空"),
        ([4, "", -1, "档次"], "第 3 行：分值“-1”不能为负数"),
        ([4, "", "五分", "档次"], "第 3 行：分值“五分”不是数字"),
        ([4, "", 1.234, "档次"], "第 3 行：分值“1.234”最多保留两位小数"),
        ([4, "", None, "档次"], "第 3 行：分值不能为空"),
        ([4, "", 5, "加分"], "第 3 行：评分方法“加分”无效，应为“档次”“扣分”“直接打分”之一"),
        ([4, "", 5, None], "第 3 行：评分方法不能为空"),
        ([1, "", 6, "档次"], "第 3 行：序号“1”与第 2 行重复"),
    ],
)
def test_a_bad_row_is_named_in_chinese_and_nothing_is_written(office, preparing, row, message):
    before = _state(preparing)
    good = [1, "", 5, "扣分"]

    preview = _upload(office, preparing, xlsx_upload([good, row]))

    assert _errors(preview) == [message]
    assert 'name="payload"' not in preview.content.decode()
    assert _state(preparing) == before


def test_every_bad_row_is_listed_at_once(office, preparing):
    rows = [[999, "", 5, "档次"], [4, "", -1, "档次"], [5, "", 1, "加分"], [6, "", 2, "档次"]]
    preview = _upload(office, preparing, xlsx_upload(rows))
    assert _errors(preview) == [
        "第 2 行：序号“999”不在本周期的考核方案中",
        "第 3 行：分值“-1”不能为负数",
        "第 4 行：评分方法“加分”无效，应为“档次”“扣分”“直接打分”之一",
    ]


def test_a_file_without_the_columns_is_refused(office, preparing):
    preview = _upload(office, preparing, xlsx_upload([[1, 5]], headers=("序号", "分值")))
    assert _errors(preview) == ["文件缺少“评分方法”列。请先下载考核方案，以下载的表格为模板填写。"]


def test_a_file_that_is_not_excel_is_refused(office, preparing):
    preview = _upload(office, preparing, "序号,分值\n1,5\n".encode(), name="方案.csv")
    assert "无法读取该文件，请上传 Excel（.xlsx）格式的考核方案。" in preview.content.decode()


def test_a_frozen_scheme_refuses_the_upload_and_a_pending_confirmation(office, preparing):
    preview = _upload(office, preparing, xlsx_upload([[1, "", 5, "扣分"]]))
    payload = _payload(preview)
    cycle_open(cycle=preparing)
    before = _state(preparing)

    response = office.post(_confirm_url(preparing), {"payload": payload})

    assert response.status_code == 200
    assert "导入未执行" in response.content.decode()
    assert _errors(response) == ["考核周期“2026年度”当前为“填报中”，考核方案已冻结，不能导入。"]
    assert _state(preparing) == before

    page = office.get(_import_url(preparing)).content.decode()
    assert 'id="frozen-notice"' in page and 'type="file"' not in page
    again = _upload(office, preparing, xlsx_upload([[1, "", 5, "扣分"]]))
    assert _errors(again) == ["考核周期“2026年度”当前为“填报中”，考核方案已冻结，不能导入。"]
    assert _state(preparing) == before


def test_a_forged_or_foreign_payload_is_refused(office, preparing):
    other = new_cycle("2027年度", 2027)
    preview = _upload(office, other, xlsx_upload([[1, "", 5, "扣分"]]))
    before = _state(preparing), _state(other)

    forged = TimestampSigner(salt="x").sign("{}")
    for payload in (forged, _payload(preview)):
        response = office.post(_confirm_url(preparing), {"payload": payload})
        assert response["Location"] == _import_url(preparing)
        assert flashed(response)[-1] == ("error", "导入数据无效，请重新上传文件。")
    assert (_state(preparing), _state(other)) == before


def test_the_resource_itself_is_all_or_nothing(preparing, office_user):
    """Straight through the resource, as an admin action would call it."""
    dataset = dataset_from_xlsx(xlsx_upload([[1, "", 5, "扣分"], [2, "", -3, "档次"]]))
    result = CycleSchemeResource(cycle=preparing).import_data(
        dataset, dry_run=False, user=office_user
    )
    assert result.has_validation_errors()
    assert not CycleIndicator.objects.filter(cycle=preparing, points__gt=0).exists()

    outcome = scheme_import(
        cycle=preparing,
        dataset=dataset_from_xlsx(xlsx_upload([[1, "", 5, "扣分"]])),
        actor=office_user,
        dry_run=False,
    )
    assert outcome.ok and [c.number for c in outcome.changes] == [1]
    assert CycleIndicator.objects.get(cycle=preparing, number=1).points == 5
