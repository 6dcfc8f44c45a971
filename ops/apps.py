from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations above every domain app: backup and restore of the whole installation."""

    name = "ops"
    verbose_name = "运维"

    def ready(self) -> None:
        from django.core import serializers

        # Full-precision JSON for backups (see ops/serializer.py).
        serializers.register_serializer(BACKUP_FORMAT, "ops.serializer")


BACKUP_FORMAT = "fengtai-json"
