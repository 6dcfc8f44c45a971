"""Every export and download of a workbook or ZIP is one security audit record, whichever
layer made it (reports' own views, or the catalogue's through common.signals.export_made)."""

import pytest
from django.urls import reverse

from audit.models import Action, SecurityEvent
from reports.models import ExportKind, ExportLog
from reports.services import export_record

pytestmark = pytest.mark.django_db


def test_catalogue_export_is_recorded_with_its_export_log(client, rsj_reporter):
    client.force_login(rsj_reporter)
    response = client.get(reverse("indicators:catalogue_export"), REMOTE_ADDR="10.2.3.4")
    assert response.status_code == 200

    [log] = ExportLog.objects.all()
    [record] = SecurityEvent.objects.filter(action=Action.EXPORTED)
    assert (record.actor, record.unit_name, record.ip_address) == (
        rsj_reporter,
        "区人社局",
        "10.2.3.4",
    )
    assert (record.object_type, record.object_id) == ("reports.exportlog", str(log.pk))
    assert record.object_repr == "责任分工表"
    assert record.detail["kind"] == ExportKind.CATALOGUE


def test_a_command_line_export_names_the_command_line():
    export_record(kind=ExportKind.SUMMARY, cycle_name="2026年度", detail={"cycle": 1})
    [record] = SecurityEvent.objects.filter(action=Action.EXPORTED)
    assert (record.actor, record.actor_username) == (None, "命令行")
    assert record.object_repr == "考核汇总表（2026年度）"
    assert record.detail == {"kind": "summary", "cycle": 1}
