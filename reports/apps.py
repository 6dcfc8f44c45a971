from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "报表与导出"

    def ready(self) -> None:
        from common.signals import export_made
        from reports.services import export_record_on_signal

        export_made.connect(export_record_on_signal, dispatch_uid="reports.export_log")
