"""`send_reminders`: 7 days and 1 day before the deadline, and daily once overdue; once a day."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from scoring.cycles.services import cycle_create, cycle_open
from scoring.models import NoticeKind, Notification

pytestmark = pytest.mark.django_db

DUE_IN_7 = "2026年度填报距截止还有 7 天"
DUE_IN_1 = "2025年度填报明天截止"
OVERDUE = "2024年度填报已逾期"


def _open(name: str, year: int, deadline_in: timedelta):
    now = timezone.now()
    cycle = cycle_create(
        name=name, year=year, opens_at=now - timedelta(days=30), deadline=now + deadline_in
    )
    cycle_open(cycle=cycle)
    return cycle


@pytest.fixture
def cycles(db):
    """Four open cycles due in 7 days, 1 day, 3 days and a day ago."""
    return [
        _open("2026年度", 2026, timedelta(days=7)),
        _open("2025年度", 2025, timedelta(days=1)),
        _open("2027年度", 2027, timedelta(days=3)),
        _open("2024年度", 2024, timedelta(days=-1)),
    ]


@pytest.fixture
def reporter(rsj_reporter):
    rsj_reporter.email = "rsj@fengtai.gov.cn"
    rsj_reporter.save(update_fields=["email"])
    return rsj_reporter


def _run(*args) -> str:
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_reminders_go_out_by_the_deadline_and_mail_after_commit(
    django_capture_on_commit_callbacks, cycles, reporter, office_user
):
    with django_capture_on_commit_callbacks(execute=True):
        output = _run()
        assert mail.outbox == []

    notices = {n.title: n for n in reporter.notifications.all()}
    assert set(notices) == {DUE_IN_7, DUE_IN_1, OVERDUE}
    assert notices[DUE_IN_7].kind == NoticeKind.DEADLINE_7
    assert notices[DUE_IN_1].kind == NoticeKind.DEADLINE_1
    assert notices[OVERDUE].kind == NoticeKind.OVERDUE
    assert notices[DUE_IN_7].body.startswith("区人社局尚有 ")
    assert notices[DUE_IN_7].url == "/tasks/"
    assert not office_user.notifications.exists()  # no unit, no tasks
    assert sorted(m.subject for m in mail.outbox) == sorted([DUE_IN_7, DUE_IN_1, OVERDUE])
    assert {a for m in mail.outbox for a in m.to} == {"rsj@fengtai.gov.cn"}
    for title in (DUE_IN_7, DUE_IN_1, OVERDUE):
        assert f"已发送 rsj：{title}" in output
    assert "共 3 条提醒。" in output


def test_a_dry_run_lists_the_reminders_and_sends_nothing(
    django_capture_on_commit_callbacks, cycles, reporter
):
    with django_capture_on_commit_callbacks(execute=True):
        output = _run("--dry-run")

    for title in (DUE_IN_7, DUE_IN_1, OVERDUE):
        assert f"将发送 rsj：{title}" in output
    assert "共 3 条提醒（演练，未发送）。" in output
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_running_twice_on_one_day_sends_each_reminder_once(
    django_capture_on_commit_callbacks, cycles, reporter
):
    with django_capture_on_commit_callbacks(execute=True):
        _run()
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        again = _run()
        rehearsal = _run("--dry-run")

    assert Notification.objects.filter(user=reporter).count() == 3
    assert len(mail.outbox) == sent == 3
    assert "共 0 条提醒。" in again
    assert "共 0 条提醒（演练，未发送）。" in rehearsal
