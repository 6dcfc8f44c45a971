"""Two app servers run `send_reminders` at the same minute (PostgreSQL, two real processes).

Each reminder goes out once: whichever process gets the advisory lock sends, the other one says
so, and a run after the first one has finished finds today's notices and sends none again.
"""

import re
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection

from common.locks import advisory_lock
from scoring.models import Notification
from tests.servers import ROOT
from units.roles import Role

from .test_reminders import DUE_IN_1, DUE_IN_7, OVERDUE, _open

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: the lock across servers is a PostgreSQL advisory lock",
)
SKIPPED = "另一台服务器正在发送提醒，本次未重复发送。"
UNITS = ("rsj", "jw", "czj", "kxj", "yjj", "zgh")


@pytest.fixture(scope="module", autouse=True)
def _catalogue_after_flush(django_db_blocker):
    """The transactional tests flush the database, catalogue included: put it back after."""
    yield
    with django_db_blocker.unblock():
        call_command("loaddata", "catalogue", "figure_defaults", verbosity=0)


def _server_process() -> subprocess.Popen:
    """`manage.py send_reminders` as an app server's timer runs it, on the test database."""
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        "PATH": "/usr/bin:/bin",
        # The real settings: mail goes to the console backend, i.e. this process's output.
        "DJANGO_SETTINGS_MODULE": "fengtai_assess.settings",
        "DJANGO_SECRET_KEY": "reminders-test-only-0123456789-0123456789-0123456789",
        "DATABASE_URL": url,
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "send_reminders"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _output(process: subprocess.Popen) -> str:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    return out


@pytest.fixture
def due(make_user):
    """Three open cycles (7 days, 1 day, overdue) and one reporter in each of six units."""
    call_command("loaddata", "catalogue", "figure_defaults", verbosity=0)
    users = [make_user(f"{code}_r", unit=code, roles={Role.REPORTER}) for code in UNITS]
    for user in users:
        user.email = f"{user.username}@fengtai.gov.cn"
        user.save(update_fields=["email"])
    _open("2026年度", 2026, timedelta(days=7))
    _open("2025年度", 2025, timedelta(days=1))
    _open("2024年度", 2024, timedelta(days=-1))
    return users


@pytest.mark.django_db(transaction=True)
def test_a_server_that_finds_the_lock_taken_sends_nothing(due):
    with advisory_lock("fengtai:send_reminders") as held:
        assert held
        output = _output(_server_process())
    assert SKIPPED in output
    assert not Notification.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_servers_at_the_same_minute_send_each_reminder_once(due):
    first, second = _server_process(), _server_process()
    outputs = [_output(first), _output(second)]
    later = _output(_server_process())  # a third server whose timer fired a little late

    expected = {(u.username, title) for u in due for title in (DUE_IN_7, DUE_IN_1, OVERDUE)}
    notices = list(Notification.objects.values_list("user__username", "title"))
    assert sorted(notices) == sorted(expected)  # each once, none missing
    reported = [
        (m["user"], m["title"])
        for out in outputs
        for m in re.finditer(r"^已发送 (?P<user>\S+)：(?P<title>.+)$", out, re.M)
    ]
    assert sorted(reported) == sorted(expected)  # reported once, by one of the two
    # Mail (the console backend) went out once per notice, from whichever process sent it.
    subjects = [s for out in outputs for s in re.findall(r"^Subject: (.+)$", out, re.M)]
    assert len(subjects) == len(expected)
    assert "共 0 条提醒。" in later
