"""Delete evidence files that no database row names (left behind by a crash mid-upload).

    python manage.py evidence_sweep --dry-run
    python manage.py evidence_sweep --older-than-minutes 60

Run it from cron; files younger than the threshold are never touched, so an upload in
progress is safe.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand

from scoring.evidence.services import evidence_sweep


class Command(BaseCommand):
    help = "清理没有对应记录的佐证材料文件（上传中断遗留）"

    def add_arguments(self, parser):
        parser.add_argument("--older-than-minutes", type=int, default=60)
        parser.add_argument("--dry-run", action="store_true", help="只列出，不删除")

    def handle(self, *args, older_than_minutes, dry_run, **options):
        orphans = evidence_sweep(older_than=timedelta(minutes=older_than_minutes), dry_run=dry_run)
        for name in orphans:
            self.stdout.write(("将删除 " if dry_run else "已删除 ") + name)
        verb = "发现" if dry_run else "清理"
        self.stdout.write(self.style.SUCCESS(f"{verb}孤立文件 {len(orphans)} 个。"))
