from django.conf import settings
from django.db import models


class NoticeKind(models.TextChoices):
    RETURNED = "returned", "退回修改"
    APPROVED = "approved", "审核通过"
    PUBLISHED = "published", "结果发布"
    DEADLINE_7 = "deadline_7", "距截止 7 天"
    DEADLINE_1 = "deadline_1", "距截止 1 天"
    OVERDUE = "overdue", "已逾期"
    PENDING_APPROVAL = "pending_approval", "待单位审核"
    UNPUBLISHED = "unpublished", "撤回发布"


class Notification(models.Model):
    """An in-app notice; the same text goes out by e-mail when the user has an address."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name="接收人",
    )
    kind = models.CharField("类型", max_length=20, choices=NoticeKind.choices)
    cycle = models.ForeignKey(
        "scoring.Cycle",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="考核周期",
    )
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    dedupe_key = models.CharField(
        "去重键",
        max_length=120,
        blank=True,
        default="",
        help_text="同一键只通知一次（如每日提醒）。",
    )

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notification_unique_dedupe",
            ),
        ]
        indexes = [
            # The unread count on every page reads only the unread notices of one user.
            models.Index(
                fields=["user"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]

    def __str__(self) -> str:
        return self.title
