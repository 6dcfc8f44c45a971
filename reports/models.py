from django.conf import settings
from django.db import models


class ExportKind(models.TextChoices):
    CATALOGUE = "catalogue", "责任分工表"
    SUMMARY = "summary", "考核汇总表"
    EVIDENCE_ZIP = "evidence_zip", "佐证材料包"
    COMPARISON = "comparison", "年度对比表"
    AUDIT = "audit", "安全审计记录"


class ExportLog(models.Model):
    """Who downloaded what, when (append-only)."""

    kind = models.CharField("类型", max_length=20, choices=ExportKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="下载人",
        help_text="命令行导出时为空。",
    )
    cycle_name = models.CharField("考核周期", max_length=50, blank=True)
    detail = models.JSONField("参数", default=dict, blank=True)
    ip_address = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "导出记录"
        verbose_name_plural = "导出记录"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("ExportLog is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("ExportLog is append-only")
