"""Deadline reminders, for cron or the systemd timer on every app server (idempotent per day):

python manage.py send_reminders --dry-run
python manage.py send_reminders

Servers whose timers fire in the same minute take turns through a PostgreSQL advisory lock: the
one that gets it sends, the others say so and stop. One that starts after the first finished finds
today's notices already there (one per user, kind and day: a unique row) and sends nothing again.
"""

from django.core.management.base import BaseCommand

from common.locks import advisory_lock
from scoring.notifications.services import reminders_send


class Command(BaseCommand):
    help = "发送填报截止提醒（距截止 7 天、1 天及逾期），同一天重复执行不会重复发送"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只列出将发送的提醒")

    def handle(self, *args, dry_run=False, **options):
        with advisory_lock("fengtai:send_reminders") as held:
            if not held:
                self.stdout.write("另一台服务器正在发送提醒，本次未重复发送。")
                return
            sent = reminders_send(dry_run=dry_run)
        for username, title in sent:
            self.stdout.write(f"{'将发送' if dry_run else '已发送'} {username}：{title}")
        self.stdout.write(
            self.style.SUCCESS(f"共 {len(sent)} 条提醒{'（演练，未发送）' if dry_run else ''}。")
        )
