"""The log is append-only (model, queryset and, on PostgreSQL, a trigger); the retention purge
is the one delete, refuses anything under six months, and records itself."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from audit.models import Action, SecurityEvent
from audit.services import audit_record

pytestmark = pytest.mark.django_db
ON_POSTGRES = connection.vendor == "postgresql"


def test_model_and_queryset_refuse_update_and_delete():
    event = audit_record(action=Action.LOGIN_FAILED, actor_username="rsj")
    event.actor_username = "someone_else"
    with pytest.raises(RuntimeError, match="append-only"):
        event.save()
    with pytest.raises(RuntimeError, match="append-only"):
        event.delete()
    with pytest.raises(RuntimeError, match="append-only"):
        SecurityEvent.objects.filter(pk=event.pk).update(actor_username="x")
    with pytest.raises(RuntimeError, match="append-only"):
        SecurityEvent.objects.filter(pk=event.pk).delete()
    event.refresh_from_db()
    assert event.actor_username == "rsj"


@pytest.mark.skipif(not ON_POSTGRES, reason="the trigger exists on PostgreSQL only")
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_securityevent SET actor_username = 'x' WHERE id = %s",
        "DELETE FROM audit_securityevent WHERE id = %s",
    ],
)
def test_postgres_trigger_refuses_raw_update_and_delete(sql):
    event = audit_record(action=Action.LOGIN_FAILED, actor_username="rsj")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [event.pk])
    assert SecurityEvent.objects.get(pk=event.pk).actor_username == "rsj"


def test_purge_refuses_less_than_six_months():
    old = SecurityEvent.objects.create(
        action=Action.LOGIN_FAILED, actor_username="old", at=timezone.now() - timedelta(days=400)
    )
    with pytest.raises(CommandError, match="至少保留 184 天"):
        call_command("purge_audit", "--older-than", "183")
    assert SecurityEvent.objects.filter(pk=old.pk).exists()
    assert not SecurityEvent.objects.filter(action=Action.AUDIT_PURGED).exists()


def test_purge_deletes_only_older_records_and_records_itself(capsys):
    now = timezone.now()
    old = SecurityEvent.objects.create(
        action=Action.LOGIN_FAILED, actor_username="old", at=now - timedelta(days=200)
    )
    kept = SecurityEvent.objects.create(
        action=Action.LOGIN_FAILED, actor_username="kept", at=now - timedelta(days=180)
    )

    call_command("purge_audit", "--older-than", "184")

    assert not SecurityEvent.objects.filter(pk=old.pk).exists()
    assert SecurityEvent.objects.filter(pk=kept.pk).exists()
    [purge] = SecurityEvent.objects.filter(action=Action.AUDIT_PURGED)
    assert purge.detail["deleted"] == 1 and purge.detail["older_than_days"] == 184
    assert purge.actor_username == "命令行"
    assert "已删除 1 条" in capsys.readouterr().out
    if ON_POSTGRES:
        # The purge's permission ends with it: a raw delete is refused again.
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("DELETE FROM audit_securityevent WHERE id = %s", [kept.pk])
