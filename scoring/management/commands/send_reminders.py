"""Deadline reminders, for cron (idempotent per day):

python manage.py send_reminders --dry-run
python manage.py send_reminders
"""

from django.core.management.base import BaseCommand

from scoring.notifications.services import reminders_send


class Command(BaseCommand):
    help = "发送填报截止提醒（距截止 7 天、1 天及逾期），同一天重复执行不会重复发送"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只列出将发送的提醒")

    def handle(self, *args, dry_run=False, **options):
        sent = reminders_send(dry_run=dry_run)
        for username, title in sent:
            self.stdout.write(f"{'将发送' if dry_run else '已发送'} {username}：{title}")
        self.stdout.write(
            self.style.SUCCESS(f"共 {len(sent)} 条提醒{'（演练，未发送）' if dry_run else ''}。")
        )
