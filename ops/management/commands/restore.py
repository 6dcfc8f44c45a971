"""python manage.py restore DIR — restore an archive into an empty database and file root."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, archive_check, archive_verify, database_prepare, restore_archive


class Command(BaseCommand):
    help = "恢复：校验备份的全部 SHA-256 后，恢复到空数据库与空文件目录（结构版本须一致）"

    def add_arguments(self, parser):
        parser.add_argument("source", help="备份目录")
        parser.add_argument(
            "--verify-only", action="store_true", help="只校验备份是否完整，不做任何改动"
        )

    def handle(self, *args, source, verify_only=False, **options):
        try:
            manifest = archive_verify(source=Path(source))
            if verify_only:
                self.stdout.write(
                    self.style.SUCCESS(f"备份完整：{len(manifest['files'])} 个文件校验通过。")
                )
                return
            archive_check(source=Path(source))
            # Nothing is written before the archive is proven whole and of this schema version.
            database_prepare()
            result = restore_archive(source=Path(source))
        except BackupError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(f"恢复完成：{result.rows} 行数据，{result.files} 个文件。")
        )
