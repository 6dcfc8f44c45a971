from django.apps import AppConfig
from django.db.models.signals import post_migrate


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = "单位与账号"

    def ready(self) -> None:
        from units.bootstrap import ensure_role_groups

        post_migrate.connect(ensure_role_groups, dispatch_uid="units.ensure_role_groups")
