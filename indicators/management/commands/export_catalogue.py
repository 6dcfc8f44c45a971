"""Write the responsibility table to an Excel file.

python manage.py export_catalogue 指标责任分工.xlsx
"""

from django.core.management.base import BaseCommand, CommandError

from indicators.exports import FIRST_DATA_ROW, catalogue_workbook


class Command(BaseCommand):
    help = "将指标责任分工表导出为 Excel 文件"

    def add_arguments(self, parser):
        parser.add_argument("path", help="要写入的 .xlsx 文件路径")

    def handle(self, *args, path, **options):
        wb = catalogue_workbook()
        try:
            wb.save(path)
        except OSError as exc:
            raise CommandError(f"无法写入 {path}：{exc.strerror or exc}") from exc
        rows = wb.active.max_row - FIRST_DATA_ROW + 1
        self.stdout.write(self.style.SUCCESS(f"已导出 {rows} 个三级指标到 {path}"))
