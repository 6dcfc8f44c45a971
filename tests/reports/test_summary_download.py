"""The summary download (office and leadership only, audited) and the export_summary command."""

from io import BytesIO, StringIO
from urllib.parse import unquote

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from common.xlsx import XLSX_CONTENT_TYPE
from reports.models import ExportKind, ExportLog
from scoring.cycles.services import cycle_transition
from scoring.models import Cycle

SHEETS = ["说明", "总表", "一级指标汇总", "单位汇总", "明细", "待办与逾期", "填报数据"]


@pytest.fixture
def cycle(db) -> Cycle:
    call_command("seed_demo", force=True, sample_data=True, verbosity=0)
    return Cycle.objects.get(name="2026年度")


def _url(cycle) -> str:
    return reverse("reports:summary_download", args=[cycle.pk])


def _login(client, username):
    client.force_login(get_user_model().objects.get(username=username))


@pytest.mark.parametrize("username", ["office", "leader", "admin"])
def test_office_leadership_and_administrators_download(client, cycle, username):
    _login(client, username)
    response = client.get(_url(cycle))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="fengtai-summary-2026-draft.xlsx"' in disposition
    _, encoded = disposition.split("filename*=UTF-8''")
    assert unquote(encoded) == "2026年度产改考核汇总表（草稿）.xlsx"
    assert "no-store" in response["Cache-Control"]
    wb = load_workbook(BytesIO(response.content))
    assert wb.sheetnames == SHEETS
    about = {row[0]: row[1] for row in wb["说明"].iter_rows(min_row=4, values_only=True)}
    assert about["导出人"] == get_user_model().objects.get(username=username).get_full_name()


def test_the_download_is_audited(client, cycle):
    _login(client, "office")
    client.get(_url(cycle), REMOTE_ADDR="10.1.2.3")
    (log,) = ExportLog.objects.all()
    assert log.kind == ExportKind.SUMMARY
    assert log.user.username == "office"
    assert log.cycle_name == "2026年度"
    assert log.ip_address == "10.1.2.3"
    assert log.detail == {"via": "download", "published": False}


@pytest.mark.parametrize("username", ["rsj", "gzw_sh", "cgb"])
def test_units_get_a_404_and_nothing_is_logged(client, cycle, username):
    _login(client, username)
    assert client.get(_url(cycle)).status_code == 404
    assert not ExportLog.objects.exists()


def test_anonymous_is_sent_to_login(client, cycle):
    response = client.get(_url(cycle))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_unknown_cycle_and_post(client, cycle):
    _login(client, "office")
    assert client.get(reverse("reports:summary_download", args=[999999])).status_code == 404
    assert client.post(_url(cycle)).status_code == 405
    assert not ExportLog.objects.exists()


def test_published_cycle_is_not_named_a_draft(client, cycle):
    cycle_transition(cycle=cycle, action="start_review")
    cycle_transition(cycle=cycle, action="publish", override_reason="测试：提前发布")
    _login(client, "leader")
    response = client.get(_url(cycle))
    _, encoded = response["Content-Disposition"].split("filename*=UTF-8''")
    assert unquote(encoded) == "2026年度产改考核汇总表.xlsx"


def test_command_writes_the_workbook_and_logs_it(cycle, tmp_path):
    out = StringIO()
    path = tmp_path / "汇总.xlsx"
    call_command("export_summary", "--cycle", "2026年度", str(path), stdout=out)
    assert (
        "已导出 2026年度 考核汇总表（草稿，结果未发布）：7 个工作表，明细 328 行" in out.getvalue()
    )
    wb = load_workbook(path)
    assert wb.sheetnames == SHEETS
    about = {row[0]: row[1] for row in wb["说明"].iter_rows(min_row=4, values_only=True)}
    assert about["导出人"] == "命令行"
    (log,) = ExportLog.objects.all()
    assert (log.kind, log.user, log.cycle_name) == (ExportKind.SUMMARY, None, "2026年度")
    assert log.detail == {"via": "command", "published": False}


def test_command_names_the_cycles_when_one_is_unknown(cycle, tmp_path):
    with pytest.raises(
        CommandError, match="未找到考核周期“2030年度”。现有考核周期：2026年度、2025年度"
    ):
        call_command("export_summary", "--cycle", "2030年度", str(tmp_path / "x.xlsx"))
    assert not ExportLog.objects.exists()


def test_command_reports_an_unwritable_path(cycle, tmp_path):
    with pytest.raises(CommandError, match="无法写入"):
        call_command("export_summary", "--cycle", "2026年度", str(tmp_path / "no" / "x.xlsx"))
    assert not ExportLog.objects.exists()
