from django.db import models

from scoring.models.evidence import EvidenceFile, evidence_storage


class PreviewStatus(models.TextChoices):
    PENDING = "pending", "等待生成"
    RUNNING = "running", "生成中"
    READY = "ready", "已生成"
    FAILED = "failed", "无法预览"


def preview_path(instance: "EvidencePreview", filename: str) -> str:
    # Beside the original, named after it: "2026/12/<random>" gets "2026/12/<random>.preview.pdf".
    return f"{instance.evidence.file.name}.preview.pdf"


class EvidencePreview(models.Model):
    """A PDF rendering of an Office or WPS evidence file, for reading in the browser.

    Derived data: the original stays the record. The preview is tied to the SHA-256 of the
    original it was made from and is shown only while that still matches the original's.
    """

    evidence = models.OneToOneField(
        EvidenceFile, on_delete=models.CASCADE, related_name="preview", verbose_name="佐证材料"
    )
    sha256 = models.CharField("原文件 SHA-256", max_length=64)
    status = models.CharField(
        "状态", max_length=10, choices=PreviewStatus.choices, default=PreviewStatus.PENDING
    )
    pdf = models.FileField(
        "预览 PDF", storage=evidence_storage, upload_to=preview_path, max_length=220, blank=True
    )
    pdf_sha256 = models.CharField("预览 PDF SHA-256", max_length=64, blank=True)
    pdf_size = models.PositiveBigIntegerField("预览 PDF 大小（字节）", null=True, blank=True)
    error = models.TextField("失败原因", blank=True)
    attempts = models.PositiveSmallIntegerField("已尝试次数", default=0)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "材料预览"
        verbose_name_plural = "材料预览"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=PreviewStatus.values), name="preview_status_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status=PreviewStatus.READY) | ~models.Q(pdf=""),
                name="preview_ready_has_pdf",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evidence.original_name}（{self.get_status_display()}）"

    @property
    def is_ready(self) -> bool:
        return self.status == PreviewStatus.READY and self.sha256 == self.evidence.sha256

    @property
    def is_failed(self) -> bool:
        return self.status == PreviewStatus.FAILED
