from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "账号安全"

    def ready(self) -> None:
        from django.apps import apps

        from accounts import receivers

        # django-axes names its admin section "Axes" and ships no Chinese catalogue; the
        # model and field names are translated in accounts/locale.
        apps.get_app_config("axes").verbose_name = "登录锁定"

        receivers.connect()
