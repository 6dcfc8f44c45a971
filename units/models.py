from django.conf import settings
from django.contrib.auth.models import Group
from django.core.validators import RegexValidator
from django.db import models

code_validator = RegexValidator(
    r"^[a-z][a-z0-9_]{1,29}$",
    "代码须为 2–30 位小写英文字母、数字或下划线，并以字母开头。",
)


class UnitQuerySet(models.QuerySet):
    def members(self) -> "UnitQuerySet":
        return self.filter(is_member=True, is_active=True)


class UnitManager(models.Manager.from_queryset(UnitQuerySet)):
    def get_by_natural_key(self, code: str) -> "Unit":
        return self.get(code=code)


class Unit(models.Model):
    """A responsible unit (责任单位), e.g. 区人社局."""

    name = models.CharField("单位名称", max_length=100, unique=True)
    code = models.CharField(
        "单位代码",
        max_length=30,
        unique=True,
        validators=[code_validator],
        help_text="稳定的英文代码，用于账号与导出，如 rsj（区人社局）。",
    )
    is_member = models.BooleanField(
        "成员单位",
        default=True,
        help_text="是否为区产改领导小组成员单位；“各成员单位”展开为全部成员单位。",
    )
    is_active = models.BooleanField("启用", default=True)
    display_order = models.PositiveIntegerField("显示顺序", default=0)
    group = models.OneToOneField(
        Group,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="unit",
        verbose_name="权限组",
        help_text="系统自动维护：本单位成员所在的组，单位数据的对象权限授予此组。",
    )

    objects = UnitManager()

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["display_order", "id"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class UnitMembership(models.Model):
    """Which unit a user reports for. A user belongs to at most one unit."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="unit_membership",
        verbose_name="用户",
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="memberships", verbose_name="单位"
    )
    created_at = models.DateTimeField("加入时间", auto_now_add=True)

    class Meta:
        verbose_name = "单位成员"
        verbose_name_plural = "单位成员"

    def __str__(self) -> str:
        return f"{self.user} @ {self.unit}"
