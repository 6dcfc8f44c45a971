"""Writes of the security audit log: record one act, purge past the retention period."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from audit.context import current_request
from audit.models import Action, Outcome, SecurityEvent
from common.http import client_ip
from units.permissions import user_unit

# 等保 2.0 level 2 asks that audit records be kept for at least six months.
MIN_RETENTION_DAYS = 184
# The PostgreSQL session setting the append-only trigger lets a DELETE through with.
PURGE_SETTING = "fengtai.audit_purge"


class RetentionError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _object_fields(obj: Any) -> dict[str, str]:
    if obj is None:
        return {}
    if isinstance(obj, models.Model):
        return {
            "object_type": obj._meta.label_lower,
            "object_id": "" if obj.pk is None else str(obj.pk),
            "object_repr": str(obj)[:200],
        }
    return {"object_repr": str(obj)[:200]}


def audit_record(
    *,
    action: Action,
    actor=None,
    actor_username: str = "",
    obj: Any = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    outcome: Outcome = Outcome.SUCCESS,
    before: Any = None,
    after: Any = None,
    detail: dict | None = None,
    request: HttpRequest | None = None,
    ip: str | None = None,
) -> SecurityEvent:
    """Append one security audit record.

    The actor defaults to the signed-in user of the current request, the address and browser
    to the request's; the unit is the actor's unit at this moment (kept as a snapshot).
    `obj` (a model instance) fills the object type, id and repr unless they are given.
    """
    request = request or current_request()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    unit = user_unit(actor) if actor is not None else None
    fields = _object_fields(obj)
    return SecurityEvent.objects.create(
        action=action,
        outcome=outcome,
        actor=actor,
        actor_username=(actor.get_username() if actor is not None else actor_username)[:150],
        unit=unit,
        unit_name=unit.name if unit is not None else "",
        object_type=object_type or fields.get("object_type", ""),
        object_id=str(object_id or fields.get("object_id", ""))[:64],
        object_repr=(object_repr or fields.get("object_repr", ""))[:200],
        before=before,
        after=after,
        detail=detail or {},
        ip_address=ip or (client_ip(request) if request is not None else None),
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:300],
    )


@transaction.atomic
def audit_purge(*, older_than_days: int, actor=None) -> int:
    """Delete the records older than `older_than_days` days (at least MIN_RETENTION_DAYS).

    The one sanctioned delete of the log. On PostgreSQL it sets, for this transaction only,
    the setting the append-only trigger checks. Records its own run (cutoff and count) as a
    new record, which the purge itself can never reach.
    """
    if older_than_days < MIN_RETENTION_DAYS:
        raise RetentionError(
            f"审计记录至少保留 {MIN_RETENTION_DAYS} 天（六个月），"
            f"不能清理 {older_than_days} 天以内的记录。"
        )
    cutoff = timezone.now() - timedelta(days=older_than_days)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', true)", [PURGE_SETTING])
    count = SecurityEvent.objects.filter(at__lt=cutoff)._purge()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, '', true)", [PURGE_SETTING])
    audit_record(
        action=Action.AUDIT_PURGED,
        actor=actor,
        actor_username="" if actor is not None else "命令行",
        object_type="audit.securityevent",
        object_repr=f"{count} 条早于 {timezone.localtime(cutoff):%Y-%m-%d %H:%M} 的记录",
        detail={"older_than_days": older_than_days, "cutoff": cutoff.isoformat(), "deleted": count},
    )
    return count
