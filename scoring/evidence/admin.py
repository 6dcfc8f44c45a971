"""The admin's read-only list of evidence previews, where the office sees failed conversions."""

from django.contrib import admin, messages

from common.admin import ReadOnlyAdmin
from scoring.evidence.previews import preview_retry
from scoring.models import EvidencePreview, PreviewStatus


@admin.register(EvidencePreview)
class EvidencePreviewAdmin(ReadOnlyAdmin):
    list_display = ["evidence", "slot", "status", "attempts", "error", "updated_at"]
    list_filter = ["status"]
    search_fields = ["evidence__original_name", "evidence__slot__unit__name"]
    list_select_related = ["evidence__slot__unit", "evidence__slot__indicator"]
    actions = ["retry"]

    @admin.display(description="填报任务")
    def slot(self, preview: EvidencePreview) -> str:
        slot = preview.evidence.slot
        return f"{slot.indicator.number}. {slot.indicator.name}（{slot.unit.name}）"

    @admin.action(description="重新生成所选材料的预览", permissions=["view"])
    def retry(self, request, queryset):
        previews = list(queryset.exclude(status=PreviewStatus.READY))
        for preview in previews:
            preview_retry(preview=preview)
        self.message_user(request, f"已重新安排 {len(previews)} 个预览。", messages.SUCCESS)
