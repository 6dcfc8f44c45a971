from django.conf import settings
from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from indicators.models import Indicator
from scoring.models.cycle import Cycle
from units.models import Unit


class SlotStatus(models.TextChoices):
    NOT_STARTED = "not_started", "未填报"
    DRAFT = "draft", "草稿"
    PENDING_APPROVAL = "pending_approval", "待单位审核"
    SUBMITTED = "submitted", "待区产改办审核"
    RETURNED = "returned", "已退回"
    APPROVED = "approved", "已通过"


# The unit may change the draft only in these states; after a submit the version is frozen.
EDITABLE_STATUSES = frozenset({SlotStatus.NOT_STARTED, SlotStatus.DRAFT, SlotStatus.RETURNED})


class Slot(models.Model):
    """One unit's submission for one indicator in one cycle (填报任务).

    The slot holds the unit's current draft; each submit freezes a SubmissionVersion.
    """

    cycle = models.ForeignKey(
        Cycle, on_delete=models.PROTECT, related_name="slots", verbose_name="考核周期"
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="slots", verbose_name="三级指标"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="slots", verbose_name="单位"
    )
    is_lead = models.BooleanField("牵头单位", default=False)
    status = models.CharField(
        "状态", max_length=20, choices=SlotStatus.choices, default=SlotStatus.NOT_STARTED
    )
    text = models.TextField("工作情况说明", blank=True, default="")
    self_score = models.DecimalField(
        "自评分", max_digits=6, decimal_places=2, null=True, blank=True
    )
    deadline_extension = models.DateTimeField(
        "延期至", null=True, blank=True, help_text="区产改办为本单位本指标单独延长的截止时间。"
    )
    return_reason = models.TextField("退回原因", blank=True, default="")
    returned_by_office = models.BooleanField("由区产改办退回", default=False)
    revision = models.PositiveIntegerField(
        "修订号", default=0, help_text="每次保存递增，用于识别并发修改。"
    )
    current_version = models.PositiveIntegerField("当前版本", default=0)
    # The office's score for this unit's part (visible to the unit once the cycle is published).
    score = models.DecimalField("得分", max_digits=6, decimal_places=2, null=True, blank=True)
    score_input = models.JSONField(
        "评分依据", default=dict, blank=True, help_text="档次、扣分明细或直接打分。"
    )
    score_comment = models.TextField("评语", blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="评分人",
    )
    scored_at = models.DateTimeField("评分时间", null=True, blank=True)
    not_applicable = models.BooleanField(
        "不适用", default=False, help_text="不计入应得分（须说明理由）。"
    )
    updated_at = models.DateTimeField("最后修改", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="最后修改人",
    )

    class Meta:
        verbose_name = "填报任务"
        verbose_name_plural = "填报任务"
        ordering = ["cycle", "indicator__number", "-is_lead", "unit__display_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "indicator", "unit"], name="slot_unique_cycle_indicator_unit"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=SlotStatus.values), name="slot_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.indicator.number}.{self.indicator.name} · {self.unit}"

    @property
    def role_label(self) -> str:
        return "牵头" if self.is_lead else "配合"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def effective_deadline(self):
        if self.deadline_extension and self.deadline_extension > self.cycle.deadline:
            return self.deadline_extension
        return self.cycle.deadline


class SlotUserObjectPermission(UserObjectPermissionBase):
    """Direct-FK guardian table: deleting a slot deletes its grants, nothing is orphaned."""

    content_object = models.ForeignKey(Slot, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = "填报任务用户权限"
        verbose_name_plural = "填报任务用户权限"


class SlotGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Slot, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = "填报任务单位权限"
        verbose_name_plural = "填报任务单位权限"


class SubmissionVersion(models.Model):
    """A frozen submit. Never edited after creation."""

    slot = models.ForeignKey(
        Slot, on_delete=models.PROTECT, related_name="versions", verbose_name="填报任务"
    )
    number = models.PositiveIntegerField("版本号")
    text = models.TextField("工作情况说明")
    self_score = models.DecimalField(
        "自评分", max_digits=6, decimal_places=2, null=True, blank=True
    )
    figures = models.JSONField("数据指标", default=dict, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="提交人"
    )
    submitted_at = models.DateTimeField("提交时间")
    client_token = models.CharField(
        "提交令牌",
        max_length=64,
        blank=True,
        help_text="提交表单携带的一次性令牌：同一令牌重复提交（如双击）只生成一个版本。",
    )
    files = models.ManyToManyField(
        "scoring.EvidenceFile", related_name="versions", blank=True, verbose_name="佐证材料"
    )

    class Meta:
        verbose_name = "提交版本"
        verbose_name_plural = "提交版本"
        ordering = ["slot", "number"]
        constraints = [
            models.UniqueConstraint(fields=["slot", "number"], name="version_unique_number"),
            models.UniqueConstraint(
                fields=["slot", "client_token"],
                condition=~models.Q(client_token=""),
                name="version_unique_client_token",
            ),
        ]

    def __str__(self) -> str:
        return f"第 {self.number} 版"

    def save(self, *args, **kwargs):
        # Versions are immutable: a second save is a programming error, not a user action.
        if self.pk is not None:
            raise RuntimeError("SubmissionVersion is immutable once created")
        super().save(*args, **kwargs)
