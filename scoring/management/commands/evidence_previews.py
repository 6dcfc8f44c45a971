"""Make the PDF previews that Office and WPS evidence is missing.

    python manage.py evidence_previews --dry-run
    python manage.py evidence_previews --retry-failed

For files uploaded before previews existed, or after a LibreOffice upgrade to try the failed
ones again. With FENGTAI_TASKS_BACKEND=database the jobs go to the worker; with immediate they
run here, one after another.
"""

from django.core.management.base import BaseCommand

from scoring.evidence.previews import previews_missing, previews_schedule_missing


class Command(BaseCommand):
    help = "为缺少预览的 Word/WPS/Excel/PowerPoint 佐证材料生成 PDF 预览"

    def add_arguments(self, parser):
        parser.add_argument("--retry-failed", action="store_true", help="也重试此前转换失败的")
        parser.add_argument("--dry-run", action="store_true", help="只列出，不生成")

    def handle(self, *args, retry_failed, dry_run, **options):
        if dry_run:
            files = previews_missing(include_failed=retry_failed)
        else:
            files = previews_schedule_missing(include_failed=retry_failed)
        for evidence in files:
            self.stdout.write(("待生成 " if dry_run else "已安排 ") + evidence.original_name)
        verb = "发现" if dry_run else "已安排"
        self.stdout.write(self.style.SUCCESS(f"{verb}需要生成预览的材料 {len(files)} 个。"))
