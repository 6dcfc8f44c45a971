"""python manage.py backup DIR — a consistent archive of the database content and every file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, backup_write


class Command(BaseCommand):
    help = "备份：把数据库全部内容与全部佐证材料写入一个新目录（含清单与 SHA-256 校验值）"

    def add_arguments(self, parser):
        parser.add_argument("target", help="备份目录（新建或空目录）")

    def handle(self, *args, target, **options):
        try:
            result = backup_write(target=Path(target))
        except BackupError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"备份完成：{result.path}，{result.rows} 行数据，{result.files} 个文件"
                f"（{result.bytes / 1024 / 1024:.1f} MB）。"
            )
        )
