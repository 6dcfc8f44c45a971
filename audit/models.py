"""The security audit log (安全审计): one append-only table beside the workflow events.

The workflow events (scoring SubmissionEvent / CycleEvent) say what happened to a submission;
this log says who signed in, changed an account or a permission, opened a file or exported a
workbook. Rows are never updated or deleted by the application: the model and its queryset
refuse it, and on PostgreSQL a trigger refuses it too (migration 0002). The one sanctioned
delete is the retention purge (audit.services.audit_purge), which is itself recorded.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Action(models.TextChoices):
    LOGIN = "login", "登录"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOCKED_OUT = "locked_out", "账号锁定"
    LOCKOUT_LIFTED = "lockout_lifted", "解除锁定"
    LOGOUT = "logout", "退出登录"
    SESSION_EXPIRED = "session_expired", "会话超时"
    SESSIONS_ENDED = "sessions_ended", "强制下线"
    PASSWORD_CHANGED = "password_changed", "修改密码"
    PASSWORD_RESET = "password_reset", "管理员重置密码"
    USER_CREATED = "user_created", "新建账号"
    USER_CHANGED = "user_changed", "修改账号"
    USER_DELETED = "user_deleted", "删除账号"
    GROUP_ADDED = "group_added", "加入角色/组"
    GROUP_REMOVED = "group_removed", "移出角色/组"
    UNIT_CHANGED = "unit_changed", "变更所属单位"
    PERM_GRANTED = "perm_granted", "授予对象权限"
    PERM_REVOKED = "perm_revoked", "收回对象权限"
    EVIDENCE_VIEWED = "evidence_viewed", "查看佐证材料"
    EVIDENCE_DOWNLOADED = "evidence_downloaded", "下载佐证材料"
    EXPORTED = "exported", "导出/下载"
    ADMIN_ADDED = "admin_added", "后台新增"
    ADMIN_CHANGED = "admin_changed", "后台修改"
    ADMIN_DELETED = "admin_deleted", "后台删除"
    AUDIT_PURGED = "audit_purged", "清理过期审计记录"


class Outcome(models.TextChoices):
    SUCCESS = "success", "成功"
    FAILURE = "failure", "失败"


class SecurityEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise RuntimeError("SecurityEvent is append-only")

    def delete(self):
        raise RuntimeError("SecurityEvent is append-only (use audit.services.audit_purge)")

    def _purge(self) -> int:
        """The retention purge's delete; only audit.services.audit_purge calls it."""
        count, _ = models.QuerySet.delete(self)
        return count


class SecurityEvent(models.Model):
    """One security-relevant act: who, when, what, on which object, with what outcome, from where.

    The actor and the unit are kept as a snapshot (username, unit name) beside unconstrained
    references, so a record outlives the account or unit it names and never blocks deleting one.
    """

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    action = models.CharField("操作", max_length=30, choices=Action.choices, db_index=True)
    outcome = models.CharField(
        "结果", max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="操作人",
    )
    actor_username = models.CharField("操作人账号", max_length=150, blank=True, db_index=True)
    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="操作人单位",
    )
    unit_name = models.CharField("单位名称", max_length=100, blank=True)
    object_type = models.CharField("对象类型", max_length=100, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    before = models.JSONField("原值", null=True, blank=True)
    after = models.JSONField("新值", null=True, blank=True)
    detail = models.JSONField("详情", default=dict, blank=True)
    ip_address = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    user_agent = models.CharField("浏览器标识", max_length=300, blank=True)

    objects = SecurityEventQuerySet.as_manager()

    class Meta:
        verbose_name = "安全审计记录"
        verbose_name_plural = "安全审计记录"
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=Action.values), name="securityevent_action_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(outcome__in=Outcome.values), name="securityevent_outcome_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M:%S} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("SecurityEvent is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("SecurityEvent is append-only")
