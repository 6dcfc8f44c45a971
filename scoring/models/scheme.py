"""A cycle's scoring scheme: the frozen catalogue with points and methods, grade levels,
bonus and veto items, and the cycle's own audit trail."""

from django.conf import settings
from django.db import models

from indicators.models import Indicator
from scoring.models.cycle import Cycle
from scoring.models.events import AuditEvent
from units.models import Unit


class ScoringMethod(models.TextChoices):
    GRADE = "grade", "档次"
    DEDUCT = "deduct", "扣分"
    DIRECT = "direct", "直接打分"


class CycleIndicator(models.Model):
    """One 三级指标 as this cycle evaluates it: a snapshot of the catalogue plus 分值 and 评分方法.

    The text is copied from the catalogue when the cycle is created and again when it opens;
    from then on nothing here changes, so later catalogue edits never alter a past cycle.
    """

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="scheme", verbose_name="考核周期"
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="+", verbose_name="三级指标"
    )
    number = models.PositiveSmallIntegerField("序号")
    level1_number = models.PositiveSmallIntegerField("一级序号")
    level1_label = models.CharField("一级指标", max_length=100)
    level2_number = models.PositiveSmallIntegerField("二级序号")
    level2_label = models.CharField("二级指标", max_length=200)
    name = models.CharField("三级指标", max_length=200)
    content = models.TextField("指标具体内涵")
    responsibility = models.CharField("责任单位", max_length=300)
    points = models.DecimalField("分值", max_digits=6, decimal_places=2, default=0)
    method = models.CharField(
        "评分方法", max_length=10, choices=ScoringMethod.choices, default=ScoringMethod.GRADE
    )
    override_score = models.DecimalField(
        "调整后得分", max_digits=6, decimal_places=2, null=True, blank=True
    )
    override_reason = models.TextField("调整理由", blank=True)

    class Meta:
        verbose_name = "考核方案指标"
        verbose_name_plural = "考核方案指标"
        ordering = ["cycle", "number"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "indicator"], name="cycleindicator_unique"),
            models.CheckConstraint(
                condition=models.Q(points__gte=0), name="cycleindicator_points_nonnegative"
            ),
            models.CheckConstraint(
                condition=models.Q(method__in=ScoringMethod.values),
                name="cycleindicator_method_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.number}. {self.name}"


class GradeLevel(models.Model):
    """A 档次 and its share of 分值, per cycle (default 优秀 100%, 良好 80%, 一般 60%, 较差 0%)."""

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="grade_levels", verbose_name="考核周期"
    )
    name = models.CharField("档次", max_length=20)
    share = models.DecimalField(
        "得分比例", max_digits=4, decimal_places=3, help_text="如 0.8 即 80%"
    )
    order = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "评分档次"
        verbose_name_plural = "评分档次"
        ordering = ["cycle", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "name"], name="gradelevel_unique"),
            models.CheckConstraint(
                condition=models.Q(share__gte=0, share__lte=1), name="gradelevel_share_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.share:.0%}）"


class AdjustmentKind(models.TextChoices):
    BONUS = "bonus", "加分项"
    VETO = "veto", "一票否决"


class Adjustment(models.Model):
    """A 加分项 or 一票否决 beside the table, for the cycle (or one unit)."""

    cycle = models.ForeignKey(
        Cycle, on_delete=models.PROTECT, related_name="adjustments", verbose_name="考核周期"
    )
    kind = models.CharField("类型", max_length=10, choices=AdjustmentKind.choices)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="单位"
    )
    reason = models.TextField("事由")
    points = models.DecimalField("加分", max_digits=5, decimal_places=2, default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="录入人"
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "加分与否决"
        verbose_name_plural = "加分与否决"
        ordering = ["cycle", "kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=AdjustmentKind.values), name="adjustment_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(points__gte=0), name="adjustment_points_nonnegative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.reason[:30]}"


class CycleAction(models.TextChoices):
    CREATED = "created", "创建周期"
    OPENED = "opened", "开启填报"
    REVIEW_STARTED = "review_started", "进入评审"
    PUBLISHED = "published", "发布结果"
    ARCHIVED = "archived", "归档"
    SCHEME_CHANGED = "scheme_changed", "修改考核方案"
    INDICATOR_OVERRIDDEN = "indicator_overridden", "调整指标得分"
    ADJUSTMENT_ADDED = "adjustment_added", "录入加分/否决"
    DESIGNATION_ADDED = "designation_added", "指定相关成员单位"
    DEADLINE_CHANGED = "deadline_changed", "修改截止时间"
    FIGURES_CHANGED = "figures_changed", "修改数据指标"
    DESIGNATION_REMOVED = "designation_removed", "取消指定相关成员单位"
    SLOT_ADDED = "slot_added", "新增填报任务"
    SLOT_RELABELLED = "slot_relabelled", "调整牵头/配合"
    SLOT_REMOVED = "slot_removed", "删除空白填报任务"
    UNPUBLISHED = "unpublished", "撤回发布"


class CycleEvent(AuditEvent):
    """Append-only audit trail of a cycle: transitions, scheme edits, overrides, adjustments."""

    cycle = models.ForeignKey(
        Cycle, on_delete=models.PROTECT, related_name="events", verbose_name="考核周期"
    )
    action = models.CharField("操作", max_length=30, choices=CycleAction.choices)

    class Meta:
        verbose_name = "周期操作记录"
        verbose_name_plural = "周期操作记录"
        ordering = ["cycle", "at", "id"]
