"""The admin of a cycle's scheme: points, grade levels, figure templates and fields."""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse

from common.admin import ReadOnlyAdmin, ServiceErrorsAsMessages
from common.errors import DomainError
from common.http import client_ip
from scoring.models import (
    Cycle,
    CycleIndicator,
    CycleStatus,
    FigureField,
    FigureTemplate,
    GradeLevel,
)
from scoring.scheme.services import figure_field_delete, figure_field_save


@admin.register(CycleIndicator)
class CycleIndicatorAdmin(ReadOnlyAdmin):
    """The frozen scheme, for reading; 分值 and 评分方法 are edited on the scheme page."""

    list_display = [
        "number",
        "name",
        "level1_label",
        "level2_label",
        "responsibility",
        "points",
        "method",
        "override_score",
    ]
    list_display_links = ["number", "name"]
    list_filter = ["cycle", "method", "level1_label"]
    search_fields = ["name", "number__exact", "responsibility"]
    list_select_related = ["cycle"]
    list_per_page = 100


@admin.register(GradeLevel)
class GradeLevelAdmin(ReadOnlyAdmin):
    list_display = ["cycle", "name", "share", "order"]
    list_filter = ["cycle"]
    list_select_related = ["cycle"]


@admin.register(FigureTemplate)
class FigureTemplateAdmin(ReadOnlyAdmin):
    """The default figure fields (fixture figure_defaults), for reading.

    A new cycle copies its previous cycle's figure fields and only the first cycle copies
    these, so the office edits a 准备中 cycle's 数据指标, where every change is audited; a
    template belongs to no cycle and would change with no audit row.
    """

    list_display = ["indicator", "code", "label", "kind", "measure", "required", "order"]
    list_filter = ["kind", "required"]
    search_fields = ["label", "code", "indicator__name"]
    list_select_related = ["indicator"]


@admin.register(FigureField)
class FigureFieldAdmin(ServiceErrorsAsMessages, admin.ModelAdmin):
    """A cycle's 数据指标: added, changed and removed through the scheme services, which refuse a
    frozen (opened) cycle and write 修改数据指标."""

    list_display = ["cycle", "indicator", "code", "label", "kind", "measure", "required", "order"]
    list_filter = ["cycle", "kind", "required"]
    search_fields = ["label", "code", "indicator__name"]
    list_select_related = ["cycle", "indicator"]

    def get_readonly_fields(self, request, obj=None):
        # A field stays in its cycle: moving it would dodge the old cycle's freeze.
        return ["cycle"] if obj is not None else []

    def get_actions(self, request):
        # One removal at a time, through the delete page and figure_field_delete.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "cycle":
            kwargs["queryset"] = Cycle.objects.filter(status=CycleStatus.PREPARING)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        figure_field_save(field=obj, actor=request.user, ip=client_ip(request))

    def delete_model(self, request, obj):
        figure_field_delete(field=obj, actor=request.user, ip=client_ip(request))

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(
                reverse("admin:scoring_figurefield_change", args=[object_id])
            )
