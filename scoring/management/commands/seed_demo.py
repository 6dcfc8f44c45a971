"""Demo accounts for a fresh installation (idempotent).

    python manage.py seed_demo                 # accounts
    python manage.py seed_demo --print-logins  # and print the login table
    python manage.py seed_demo --sample-data   # and the 2025/2026 cycles with submissions

Every demo password is Demo@2026. The command refuses to run with DEBUG off unless --force:
known passwords have no place on the district's server.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.services import password_mark_current
from scoring.models import FigureTemplate
from units.models import Unit
from units.roles import Role
from units.services import user_assign_unit, user_set_roles

DEMO_PASSWORD = "Demo@2026"  # noqa: S105  (documented demo credential)


class Command(BaseCommand):
    help = "创建演示账号（可重复执行），密码均为 Demo@2026"

    def add_arguments(self, parser):
        parser.add_argument("--print-logins", action="store_true", help="打印演示账号列表")
        parser.add_argument(
            "--force", action="store_true", help="DEBUG 关闭时仍然创建（仅用于测试环境）"
        )
        parser.add_argument(
            "--sample-data",
            action="store_true",
            help="同时创建示例考核周期（2025年度、2026年度）及各状态的填报数据",
        )

    _hash: str | None = None

    def handle(self, *args, print_logins=False, force=False, sample_data=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG 已关闭：生产环境不创建演示账号。确需创建请加 --force。")
        if not Unit.objects.exists():
            raise CommandError("尚未导入指标目录：请先执行 python manage.py loaddata catalogue")
        if sample_data and not FigureTemplate.objects.exists():
            # The sample submissions fill in figure fields, which come from these templates.
            raise CommandError(
                "尚未导入数据指标模板，无法创建示例数据：请先执行 "
                "python manage.py loaddata figure_defaults"
            )
        with transaction.atomic():
            accounts = self._accounts()
        self.stdout.write(self.style.SUCCESS(f"演示账号已就绪：{len(accounts)} 个。"))
        if sample_data:
            from scoring.demo.sample import seed_sample_data

            self.stdout.write(self.style.SUCCESS(seed_sample_data()))
        if print_logins:
            self._print(accounts)

    def _accounts(self) -> list[tuple[str, str]]:
        rows = [
            self._user("admin", "系统管理员", roles=set(), superuser=True),
            self._user("office", "区产改办评审员", roles={Role.OFFICE}, staff=True),
            self._user("leader", "区领导", roles={Role.LEADER}),
        ]
        approver_unit = Unit.objects.filter(code="gzw").first()
        if approver_unit is not None:
            # One unit with a unit approver (单位审核人), so the sign-off step can be seen.
            rows.append(
                self._user("gzw_sh", "区国资委审核人", roles={Role.APPROVER}, unit=approver_unit)
            )
        for unit in Unit.objects.filter(is_active=True).order_by("display_order", "id"):
            rows.append(
                self._user(unit.code, f"{unit.name}填报人", roles={Role.REPORTER}, unit=unit)
            )
        return rows

    def _user(self, username, full_name, *, roles, unit=None, staff=False, superuser=False):
        user, created = get_user_model().objects.get_or_create(username=username)
        user.first_name = full_name
        user.is_active = True
        user.is_staff = staff or superuser
        user.is_superuser = superuser
        if created or not user.has_usable_password():
            # Only new accounts get the demo password: re-running never undoes a change.
            # One hash serves every demo account (hashing is deliberately slow).
            if self._hash is None:
                self._hash = make_password(DEMO_PASSWORD)
            user.password = self._hash
        user.save()
        # The demo password is known and shared: no forced change, age counted from now.
        password_mark_current(user=user)
        user_set_roles(user=user, roles=roles)
        user_assign_unit(user=user, unit=unit)
        label = "系统管理员" if superuser else "、".join(r.label for r in roles)
        return username, f"{full_name}（{label}）"

    def _print(self, accounts) -> None:
        self.stdout.write("")
        self.stdout.write("演示账号（密码均为 Demo@2026）：")
        for username, label in accounts:
            self.stdout.write(f"  {username:<8} {label}")
        self.stdout.write("打开 http://127.0.0.1:8000/ 登录。")
