"""manage.py purge_audit --older-than DAYS: the retention purge of the security audit log."""

from django.core.management.base import BaseCommand, CommandError

from audit.services import MIN_RETENTION_DAYS, RetentionError, audit_purge


class Command(BaseCommand):
    help = f"删除早于指定天数的安全审计记录（至少保留 {MIN_RETENTION_DAYS} 天），并记录本次清理。"

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, required=True, metavar="DAYS")

    def handle(self, *args, older_than: int, **options):
        try:
            count = audit_purge(older_than_days=older_than)
        except RetentionError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"已删除 {count} 条早于 {older_than} 天的安全审计记录。")
