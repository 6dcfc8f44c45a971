import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models

from scoring.models.slot import Slot


def evidence_storage():
    return storages["evidence"]


def evidence_path(instance: "EvidenceFile", filename: str) -> str:
    # Random name, no user input: the original name is only ever data.
    return f"{instance.uploaded_at:%Y/%m}/{uuid.uuid4().hex}"


class EvidenceFile(models.Model):
    """An uploaded evidence file (佐证材料). Its bytes never change after upload.

    A file belongs to one slot. It is in the slot's current draft while `in_draft` is set, and
    in every version that was submitted with it.
    """

    slot = models.ForeignKey(
        Slot, on_delete=models.PROTECT, related_name="files", verbose_name="填报任务"
    )
    title = models.CharField("材料名称", max_length=200)
    original_name = models.CharField("原文件名", max_length=255)
    file = models.FileField(
        "文件", storage=evidence_storage, upload_to=evidence_path, max_length=200
    )
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    content_type = models.CharField("类型", max_length=120)
    in_draft = models.BooleanField("在当前草稿中", default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="上传人"
    )
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["slot", "uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(size__gt=0), name="evidence_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.original_name}）"

    @property
    def can_view_inline(self) -> bool:
        return self.content_type in {"application/pdf", "image/png", "image/jpeg"}
