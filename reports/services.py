"""Writes of the reports app: the export audit."""

from reports.models import ExportKind, ExportLog


def export_record(
    *,
    kind: ExportKind,
    user=None,
    cycle_name: str = "",
    detail: dict | None = None,
    ip: str | None = None,
) -> ExportLog:
    """Record that `user` (None for the command line) exported `kind`."""
    return ExportLog.objects.create(
        kind=kind,
        user=user if user is not None and user.is_authenticated else None,
        cycle_name=cycle_name,
        detail=detail or {},
        ip_address=ip,
    )


def export_record_on_signal(
    sender, *, kind: str, user=None, ip: str | None = None, **kwargs
) -> None:
    """Receiver of common.signals.export_made (exports made by the layers below reports)."""
    export_record(kind=ExportKind(kind), user=user, ip=ip)
