"""Write a cycle's summary workbook (考核汇总表) to an Excel file.

python manage.py export_summary --cycle 2026年度 考核汇总表.xlsx
"""

from django.core.management.base import BaseCommand, CommandError

from reports.exporters import summary_workbook
from reports.models import ExportKind
from reports.services import export_record
from scoring.models import Cycle


class Command(BaseCommand):
    help = "将考核周期的汇总表（总表、单位汇总、明细等）导出为 Excel 文件"

    def add_arguments(self, parser):
        parser.add_argument("--cycle", required=True, help="考核周期名称，如 2026年度")
        parser.add_argument("path", help="要写入的 .xlsx 文件路径")

    def handle(self, *args, cycle, path, **options):
        found = Cycle.objects.filter(name=cycle.strip()).first()
        if found is None:
            names = "、".join(Cycle.objects.order_by("-year", "-id").values_list("name", flat=True))
            raise CommandError(f"未找到考核周期“{cycle}”。现有考核周期：{names or '无'}")
        workbook = summary_workbook(cycle=found)
        try:
            workbook.save(path)
        except OSError as exc:
            raise CommandError(f"无法写入 {path}：{exc.strerror or exc}") from exc
        export_record(
            kind=ExportKind.SUMMARY,
            cycle_name=found.name,
            detail={"via": "command", "published": found.results_are_published},
        )
        draft = "" if found.results_are_published else "（草稿，结果未发布）"
        self.stdout.write(
            self.style.SUCCESS(
                f"已导出 {found.name} 考核汇总表{draft}：{len(workbook.rows)} 个工作表，"
                f"明细 {workbook.rows['明细']} 行，写入 {path}"
            )
        )
