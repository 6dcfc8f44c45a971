"""Writes of the reports app: the export audit."""

from audit.models import Action
from audit.services import audit_record
from reports.models import ExportKind, ExportLog


def export_record(
    *,
    kind: ExportKind,
    user=None,
    cycle_name: str = "",
    detail: dict | None = None,
    ip: str | None = None,
) -> ExportLog:
    """Record that `user` (None for the command line) exported `kind`: in the export log and,
    as one record, in the security audit log."""
    user = user if user is not None and user.is_authenticated else None
    log = ExportLog.objects.create(
        kind=kind, user=user, cycle_name=cycle_name, detail=detail or {}, ip_address=ip
    )
    audit_record(
        action=Action.EXPORTED,
        actor=user,
        actor_username="" if user is not None else "命令行",
        obj=log,
        object_repr=f"{ExportKind(kind).label}{f'（{cycle_name}）' if cycle_name else ''}",
        detail={"kind": str(kind), **(detail or {})},
        ip=ip,
    )
    return log


def export_record_on_signal(
    sender, *, kind: str, user=None, ip: str | None = None, **kwargs
) -> None:
    """Receiver of common.signals.export_made (exports made by the layers below reports)."""
    export_record(kind=ExportKind(kind), user=user, ip=ip)
