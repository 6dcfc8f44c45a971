from django.db import models

from indicators.models import Indicator
from units.models import Unit

DEADLINE_AFTER_OPENING = "截止时间必须晚于开始时间。"


class CycleStatus(models.TextChoices):
    PREPARING = "preparing", "准备中"
    OPEN = "open", "填报中"
    REVIEWING = "reviewing", "评审中"
    PUBLISHED = "published", "已发布"
    ARCHIVED = "archived", "已归档"


class Cycle(models.Model):
    """An evaluation cycle (考核周期), e.g. 2026年度."""

    name = models.CharField("名称", max_length=50, unique=True, help_text="如 2026年度")
    year = models.PositiveSmallIntegerField("年度")
    status = models.CharField(
        "状态", max_length=20, choices=CycleStatus.choices, default=CycleStatus.PREPARING
    )
    opens_at = models.DateTimeField("填报开始时间")
    deadline = models.DateTimeField("填报截止时间")
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="上一周期",
        help_text="用于计算同比增长。",
    )
    total_points = models.DecimalField(
        "总分",
        max_digits=6,
        decimal_places=2,
        default=100,
        help_text="各三级指标分值之和应等于此数。",
    )
    bonus_cap = models.DecimalField(
        "加分上限", max_digits=5, decimal_places=2, default=5, help_text="加分项合计不超过此数。"
    )
    lead_weight = models.DecimalField(
        "牵头单位权重",
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="留空：指标得分取各责任单位得分的平均值；填 0.6：牵头单位占 60%，配合单位平均占 40%。",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    # Bumped in the transaction of every change to an input of the cycle's figures (see
    # scoring.workflow.figures_changed); the stored roll-up (CycleSummary) is current while its
    # revision equals this one.
    figures_revision = models.PositiveIntegerField("统计版本", default=0, editable=False)

    class Meta:
        verbose_name = "考核周期"
        verbose_name_plural = "考核周期"
        ordering = ["-year", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=CycleStatus.values), name="cycle_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(deadline__gt=models.F("opens_at")),
                name="cycle_deadline_after_opening",
                violation_error_message=DEADLINE_AFTER_OPENING,
            ),
            models.CheckConstraint(
                condition=models.Q(lead_weight__isnull=True)
                | models.Q(lead_weight__gte=0, lead_weight__lte=1),
                name="cycle_lead_weight_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def scheme_is_frozen(self) -> bool:
        """Points, methods and the catalogue snapshot change only while 准备中."""
        return self.status != CycleStatus.PREPARING

    @property
    def results_are_published(self) -> bool:
        return self.status in (CycleStatus.PUBLISHED, CycleStatus.ARCHIVED)


class CycleDesignation(models.Model):
    """A member unit the office designates for a 相关成员单位 indicator in one cycle."""

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="designations", verbose_name="考核周期"
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="+", verbose_name="三级指标"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="单位")

    class Meta:
        verbose_name = "相关成员单位指定"
        verbose_name_plural = "相关成员单位指定"
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "indicator", "unit"], name="designation_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.indicator.number} · {self.unit}"
