from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "账号安全"

    def ready(self) -> None:
        from accounts import receivers

        receivers.connect()
