"""The office administrator's read-only viewer and the auditors' workbook."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import Action, Outcome, SecurityEvent
from audit.services import audit_record
from reports.models import ExportKind, ExportLog
from units.models import Unit

pytestmark = pytest.mark.django_db
LIST = reverse("audit:event_list")
EXPORT = reverse("audit:event_export")


@pytest.fixture
def records(rsj_reporter, zgh_reporter):
    audit_record(action=Action.LOGIN, actor=rsj_reporter, obj=rsj_reporter, ip="10.0.0.5")
    audit_record(action=Action.LOGIN, actor=zgh_reporter, obj=zgh_reporter, ip="10.0.0.6")
    audit_record(
        action=Action.LOGIN_FAILED,
        actor_username='=HYPERLINK("http://x")',
        outcome=Outcome.FAILURE,
    )
    SecurityEvent.objects.create(
        action=Action.LOGOUT, actor_username="rsj", at=timezone.now() - timedelta(days=30)
    )


def _rows(client, **params):
    page = client.get(LIST, params)
    assert page.status_code == 200
    return [(e.actor_username, e.action) for e in page.context["page"].object_list]


def test_office_filters_by_who_what_when_and_unit(client, office_user, records):
    client.force_login(office_user)
    rsj_unit = Unit.objects.get(code="rsj")
    today = timezone.localdate()

    assert ("rsj", Action.LOGIN) in _rows(client)
    assert {who for who, _ in _rows(client, who="zgh")} == {"zgh"}
    assert _rows(client, action=Action.LOGIN_FAILED, outcome=Outcome.FAILURE) == [
        ('=HYPERLINK("http://x")', Action.LOGIN_FAILED)
    ]
    by_unit = _rows(client, unit=rsj_unit.pk, action=Action.LOGIN)
    assert by_unit == [("rsj", Action.LOGIN)]
    old_day = today - timedelta(days=30)
    assert _rows(client, since=old_day, until=old_day) == [("rsj", Action.LOGOUT)]
    assert ("rsj", Action.LOGOUT) not in _rows(client, since=today)


def test_a_bad_date_range_is_a_chinese_message_and_no_rows(client, office_user, records):
    client.force_login(office_user)
    page = client.get(LIST, {"since": "2026-05-02", "until": "2026-05-01"})
    assert "起始日期不能晚于截止日期。" in page.content.decode()
    assert list(page.context["page"].object_list) == []


def test_the_page_offers_no_way_to_change_a_record(client, office_user, records):
    client.force_login(office_user)
    html = client.get(LIST).content.decode()
    assert (
        'method="post"' not in html.replace('action="/accounts/logout/"', "").split("<main", 1)[1]
    )
    assert client.post(LIST).status_code == 405


@pytest.mark.parametrize("who", ["rsj_reporter", "leader_user"])
def test_others_get_a_404(client, request, who, records):
    client.force_login(request.getfixturevalue(who))
    assert client.get(LIST).status_code == 404
    assert client.get(EXPORT).status_code == 404
    assert not ExportLog.objects.exists()


def test_export_escapes_formulas_and_is_itself_recorded(client, office_user, records):
    client.force_login(office_user)
    response = client.get(EXPORT, {"action": Action.LOGIN_FAILED})
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:5] == ("时间", "操作人", "单位", "操作", "结果")
    assert len(rows) == 2
    assert rows[1][1] == '\'=HYPERLINK("http://x")'
    assert rows[1][3:5] == ("登录失败", "失败")
    assert rows[1][0].endswith("+08:00")

    [log] = ExportLog.objects.all()
    assert (log.kind, log.user) == (ExportKind.AUDIT, office_user)
    [exported] = SecurityEvent.objects.filter(action=Action.EXPORTED)
    assert (exported.actor, exported.object_repr) == (office_user, "安全审计记录")
