"""The stored roll-up of a cycle's figures (scoring.results.summary computes and reads it)."""

from django.db import models

from scoring.models.cycle import Cycle
from units.models import Unit


class CycleSummary(models.Model):
    """The cycle's figures as scoring.results.figures defines them, computed at `revision`.

    Current while `revision` equals Cycle.figures_revision and, when set, the time is before
    `valid_until` (the next deadline still ahead: 逾期 and 按时提交率 change when it passes).
    """

    cycle = models.OneToOneField(
        Cycle, on_delete=models.CASCADE, related_name="summary", verbose_name="考核周期"
    )
    revision = models.PositiveIntegerField("统计版本")
    computed_at = models.DateTimeField("计算时间")
    valid_until = models.DateTimeField("有效期至", null=True, blank=True)
    data = models.JSONField("统计数据", default=dict)

    class Meta:
        verbose_name = "考核周期统计"
        verbose_name_plural = "考核周期统计"

    def __str__(self) -> str:
        return f"{self.cycle_id}@{self.revision}"


class CycleUnitSummary(models.Model):
    """One unit's line of the stored roll-up, in the order of the ranking (`position`)."""

    summary = models.ForeignKey(
        CycleSummary, on_delete=models.CASCADE, related_name="units", verbose_name="统计"
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", verbose_name="单位")
    position = models.PositiveIntegerField("顺序")
    data = models.JSONField("统计数据", default=dict)

    class Meta:
        verbose_name = "单位统计"
        verbose_name_plural = "单位统计"
        ordering = ["summary", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["summary", "position"], name="unit_summary_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.summary_id}:{self.position}"


class CycleFigureSlot(models.Model):
    """A slot shown in 数据指标同比 (it has figures this cycle or last), in table order."""

    summary = models.ForeignKey(
        CycleSummary, on_delete=models.CASCADE, related_name="figure_slots", verbose_name="统计"
    )
    slot = models.ForeignKey(
        "scoring.Slot", on_delete=models.CASCADE, related_name="+", verbose_name="填报任务"
    )
    position = models.PositiveIntegerField("顺序")

    class Meta:
        verbose_name = "数据指标任务"
        verbose_name_plural = "数据指标任务"
        ordering = ["summary", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["summary", "position"], name="figure_slot_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.summary_id}:{self.position}"
