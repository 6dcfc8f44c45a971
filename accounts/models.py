"""Per-user security state: password age and history, and sessions that know their user.

This app sits between common and units: it knows Django's user model and nothing of units,
indicators, scoring or reports.
"""

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models


class SecurityProfile(models.Model):
    """One row per user: must the password be changed, and since when is it in use."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="security_profile",
        verbose_name="用户",
    )
    must_change_password = models.BooleanField(
        "须修改密码",
        default=False,
        help_text="管理员创建账号或重置密码后置为是，用户首次登录须先修改密码。",
    )
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)

    class Meta:
        verbose_name = "账号安全状态"
        verbose_name_plural = "账号安全状态"

    def __str__(self) -> str:
        return str(self.user)


class PasswordHistory(models.Model):
    """A hash of a password the user has had; the newest few may not be chosen again."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="password_history",
        verbose_name="用户",
    )
    password_hash = models.CharField("密码哈希", max_length=256)
    created_at = models.DateTimeField("设置时间", auto_now_add=True)

    class Meta:
        verbose_name = "历史密码"
        verbose_name_plural = "历史密码"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.user} @ {self.created_at:%Y-%m-%d %H:%M}"


class UserSession(AbstractBaseSession):
    """Django's database session with the user's id beside it.

    Ending every session of a user (password changed, account deactivated) is then one
    indexed delete instead of decoding every session in the table.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        db_index=True,
        related_name="+",
        verbose_name="用户",
    )

    class Meta:
        verbose_name = "会话"
        verbose_name_plural = "会话"

    @classmethod
    def get_session_store_class(cls):
        from accounts.sessions import SessionStore

        return SessionStore
