from django.conf import settings
from django.db import models
from django.utils import timezone

from scoring.models.slot import Slot


class EventAction(models.TextChoices):
    SAVED = "saved", "保存草稿"
    FILE_ADDED = "file_added", "上传材料"
    FILE_REMOVED = "file_removed", "移除材料"
    SUBMITTED = "submitted", "提交"
    FORWARDED = "forwarded", "单位审核通过"
    UNIT_RETURNED = "unit_returned", "单位审核退回"
    RETURNED = "returned", "区产改办退回修改"
    APPROVED = "approved", "区产改办审核通过"
    DEADLINE_EXTENDED = "deadline_extended", "延长截止时间"
    SCORED = "scored", "评分"
    MARKED_NA = "marked_na", "标记不适用"


class AuditEvent(models.Model):
    """What every audit row records: who, when, from → to, why, from where, and details.

    Rows are append-only: the model refuses updates and deletes (and on PostgreSQL a trigger
    refuses them too, see migration 0003).
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="操作人",
    )
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    from_status = models.CharField("原状态", max_length=20, blank=True)
    to_status = models.CharField("新状态", max_length=20, blank=True)
    reason = models.TextField("原因/说明", blank=True)
    ip_address = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    data = models.JSONField("详情", default=dict, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        # Titles in the admin say Beijing time, as the lists and pages do (TIME_ZONE).
        at = timezone.localtime(self.at) if self.at else None
        return (
            f"{at:%Y-%m-%d %H:%M} {self.get_action_display()}" if at else self.get_action_display()
        )

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError(f"{type(self).__name__} is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError(f"{type(self).__name__} is append-only")


class SubmissionEvent(AuditEvent):
    """Append-only audit trail of everything that happens to a slot."""

    slot = models.ForeignKey(
        Slot, on_delete=models.PROTECT, related_name="events", verbose_name="填报任务"
    )
    action = models.CharField("操作", max_length=30, choices=EventAction.choices)
    version_number = models.PositiveIntegerField("版本号", null=True, blank=True)

    class Meta:
        verbose_name = "操作记录"
        verbose_name_plural = "操作记录"
        ordering = ["slot", "at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=EventAction.values), name="event_action_valid"
            ),
        ]
