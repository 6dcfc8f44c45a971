"""The admin of a cycle's scheme: points, grade levels, figure templates and fields."""

from django.contrib import admin

from common.admin import ReadOnlyAdmin
from scoring.models import CycleIndicator, FigureField, FigureTemplate, GradeLevel


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
class FigureTemplateAdmin(admin.ModelAdmin):
    list_display = ["indicator", "code", "label", "kind", "measure", "required", "order"]
    list_filter = ["kind", "required"]
    search_fields = ["label", "code", "indicator__name"]
    list_select_related = ["indicator"]


@admin.register(FigureField)
class FigureFieldAdmin(admin.ModelAdmin):
    list_display = ["cycle", "indicator", "code", "label", "kind", "measure", "required", "order"]
    list_filter = ["cycle", "kind", "required"]
    search_fields = ["label", "code", "indicator__name"]
    list_select_related = ["cycle", "indicator"]
