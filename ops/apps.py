from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations above every domain app: backup and restore of the whole installation."""

    name = "ops"
    verbose_name = "运维"
