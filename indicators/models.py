"""The evaluation table: 一级 → 二级 → 三级 indicators and who is responsible for each.

The tree is data: every level has a stable number (its ordinal in the seed, 二级 numbered across
the whole table), which is also its natural key, so the catalogue fixture loads idempotently.
"""

from django.db import models

from common.numerals import chinese_numeral
from units.models import Unit


class NumberedManager(models.Manager):
    def get_by_natural_key(self, number: int):
        return self.get(number=number)


class Level1(models.Model):
    number = models.PositiveSmallIntegerField("序号", unique=True, help_text="一 = 1 … 七 = 7")
    name = models.CharField("名称", max_length=100)

    objects = NumberedManager()

    class Meta:
        verbose_name = "一级指标"
        verbose_name_plural = "一级指标"
        ordering = ["number"]

    def __str__(self) -> str:
        return self.label

    def natural_key(self) -> tuple[int]:
        return (self.number,)

    @property
    def ordinal(self) -> str:
        return chinese_numeral(self.number)

    @property
    def label(self) -> str:
        """As the table writes it: 一、组织领导."""
        return f"{self.ordinal}、{self.name}"


class Level2(models.Model):
    number = models.PositiveSmallIntegerField(
        "序号", unique=True, help_text="全表连续编号：（一）= 1 … （二十五）= 25"
    )
    level1 = models.ForeignKey(
        Level1, on_delete=models.PROTECT, related_name="children", verbose_name="一级指标"
    )
    name = models.CharField("名称", max_length=200)

    objects = NumberedManager()

    class Meta:
        verbose_name = "二级指标"
        verbose_name_plural = "二级指标"
        ordering = ["number"]

    def __str__(self) -> str:
        return self.label

    def natural_key(self) -> tuple[int]:
        return (self.number,)

    @property
    def ordinal(self) -> str:
        return f"（{chinese_numeral(self.number)}）"

    @property
    def label(self) -> str:
        """As the table writes it: （一）顶层设计."""
        return f"{self.ordinal}{self.name}"


class MemberScope(models.TextChoices):
    """A collective entry in a responsibility list. These are scopes, not units."""

    NONE = "", "无"
    ALL_MEMBERS = "all_members", "各成员单位"
    DESIGNATED = "designated", "相关成员单位"


class Indicator(models.Model):
    """A 三级指标: what is evaluated and by whom."""

    number = models.PositiveSmallIntegerField("序号", unique=True)
    level2 = models.ForeignKey(
        Level2, on_delete=models.PROTECT, related_name="indicators", verbose_name="二级指标"
    )
    name = models.CharField("三级指标", max_length=200)
    content = models.TextField("指标具体内涵")
    member_scope = models.CharField(
        "成员单位范围",
        max_length=20,
        choices=MemberScope.choices,
        default=MemberScope.NONE,
        blank=True,
        help_text="列在具名单位之后的集合项：“各成员单位”指全部成员单位（已列名者不重复），"
        "“相关成员单位”指区产改办为本指标指定的成员单位。",
    )
    units = models.ManyToManyField(
        Unit, through="Responsibility", related_name="indicators", verbose_name="责任单位"
    )

    objects = NumberedManager()

    class Meta:
        verbose_name = "三级指标"
        verbose_name_plural = "三级指标"
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(member_scope__in=MemberScope.values),
                name="indicator_member_scope_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    def natural_key(self) -> tuple[int]:
        return (self.number,)

    @property
    def level1(self) -> Level1:
        return self.level2.level1


class ResponsibilityManager(models.Manager):
    def get_by_natural_key(self, indicator_number: int, unit_code: str):
        return self.get(indicator__number=indicator_number, unit__code=unit_code)


class Responsibility(models.Model):
    """A named unit on an indicator's list. Position 1 leads (牵头); the others support (配合)."""

    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        related_name="responsibilities",
        verbose_name="三级指标",
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="responsibilities", verbose_name="单位"
    )
    position = models.PositiveSmallIntegerField(
        "排序", help_text="1 为牵头单位，其后为配合单位，顺序同指标表。"
    )

    objects = ResponsibilityManager()

    class Meta:
        verbose_name = "责任分工"
        verbose_name_plural = "责任分工"
        ordering = ["indicator__number", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit"], name="responsibility_unique_unit"
            ),
            models.UniqueConstraint(
                fields=["indicator", "position"], name="responsibility_unique_position"
            ),
            models.CheckConstraint(
                condition=models.Q(position__gte=1), name="responsibility_position_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.number} {self.unit.name}（{self.role_label}）"

    def natural_key(self) -> tuple[int, str]:
        return (self.indicator.number, self.unit.code)

    natural_key.dependencies = ["indicators.indicator", "units.unit"]

    @property
    def is_lead(self) -> bool:
        return self.position == 1

    @property
    def role_label(self) -> str:
        return "牵头" if self.is_lead else "配合"


class CatalogueRevision(models.Model):
    """One row whose token changes whenever the catalogue is written (units, indicators, their
    parents and responsibilities; indicators/revision.py), so that what is rendered from the
    catalogue alone can be cached under it and every app server sees a change at once.

    A random token, not a counter: a write rolled back never brings an old token back.
    """

    token = models.CharField("版本标识", max_length=32)
    changed_at = models.DateTimeField("变更时间", auto_now=True)

    class Meta:
        verbose_name = "指标目录版本"
        verbose_name_plural = "指标目录版本"

    def __str__(self) -> str:
        return self.token
