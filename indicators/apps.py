from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = "考核指标"

    def ready(self) -> None:
        from indicators import revision

        revision.connect()
