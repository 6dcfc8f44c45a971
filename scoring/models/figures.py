from django.core.validators import RegexValidator
from django.db import models

from indicators.models import Indicator
from scoring.models.cycle import Cycle
from scoring.models.slot import Slot

figure_code_validator = RegexValidator(
    r"^[a-z][a-z0-9_]{0,39}$", "代码须为小写英文字母、数字或下划线。"
)


class FigureKind(models.TextChoices):
    INTEGER = "integer", "整数"
    DECIMAL = "decimal", "小数"
    PERCENT = "percent", "百分比"
    AMOUNT = "amount", "金额"
    RATIO = "ratio", "占比（自动计算）"


class FigureSpec(models.Model):
    """What a figure field is; shared by the default templates and the per-cycle fields."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="+", verbose_name="三级指标"
    )
    code = models.CharField("代码", max_length=40, validators=[figure_code_validator])
    label = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=10, choices=FigureKind.choices)
    measure = models.CharField(
        "计量单位", max_length=20, blank=True, help_text="如 人、人次、万元、%"
    )
    required = models.BooleanField("必填", default=False)
    order = models.PositiveSmallIntegerField("顺序", default=0)
    numerator_code = models.CharField(
        "分子代码", max_length=40, blank=True, help_text="仅“占比”类型：分子字段的代码。"
    )
    denominator_code = models.CharField(
        "分母代码", max_length=40, blank=True, help_text="仅“占比”类型：分母字段的代码。"
    )

    class Meta:
        abstract = True
        ordering = ["indicator__number", "order", "id"]

    def __str__(self) -> str:
        return f"{self.indicator.number} {self.label}"

    @property
    def is_computed(self) -> bool:
        return self.kind == FigureKind.RATIO


class FigureTemplateManager(models.Manager):
    def get_by_natural_key(self, indicator_number: int, code: str):
        return self.get(indicator__number=indicator_number, code=code)


class FigureTemplate(FigureSpec):
    """The default figure fields, copied into each new cycle (fixture figure_defaults)."""

    objects = FigureTemplateManager()

    class Meta(FigureSpec.Meta):
        verbose_name = "数据指标模板"
        verbose_name_plural = "数据指标模板"
        constraints = [
            models.UniqueConstraint(fields=["indicator", "code"], name="figuretemplate_unique"),
        ]

    def natural_key(self) -> tuple[int, str]:
        return (self.indicator.number, self.code)


class FigureField(FigureSpec):
    """A typed figure the units fill in for one indicator in one cycle."""

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="figure_fields", verbose_name="考核周期"
    )

    class Meta(FigureSpec.Meta):
        verbose_name = "数据指标"
        verbose_name_plural = "数据指标"
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "indicator", "code"], name="figurefield_unique"
            ),
        ]


class FigureValue(models.Model):
    """A value in the slot's current draft. Submitted values are frozen in the version."""

    slot = models.ForeignKey(
        Slot, on_delete=models.CASCADE, related_name="figure_values", verbose_name="填报任务"
    )
    field = models.ForeignKey(
        FigureField, on_delete=models.PROTECT, related_name="values", verbose_name="数据指标"
    )
    value = models.DecimalField("数值", max_digits=18, decimal_places=4)

    class Meta:
        verbose_name = "数据指标值"
        verbose_name_plural = "数据指标值"
        constraints = [
            models.UniqueConstraint(fields=["slot", "field"], name="figurevalue_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.field.label}：{self.value}"
