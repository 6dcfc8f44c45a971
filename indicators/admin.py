from django.contrib import admin

from common.admin import CatalogueChangeAdminMixin, SheetImportExportAdmin
from indicators import selectors
from indicators.models import Indicator, Level1, Level2, Responsibility
from indicators.resources import IndicatorResource, ResponsibilityResource
from units.models import Unit


class ResponsibleUnitFilter(admin.SimpleListFilter):
    """责任单位 as the catalogue means it: named on the indicator, or covered by 各成员单位."""

    title = "责任单位"
    parameter_name = "unit"

    def lookups(self, request, model_admin):
        return [(unit.code, unit.name) for unit in Unit.objects.order_by("display_order", "id")]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        unit = Unit.objects.filter(code=self.value()).first()
        if unit is None:
            return queryset.none()
        responsible = selectors.catalogue_search(unit=unit)
        return queryset.filter(pk__in=responsible.values("pk"))


@admin.register(Level1)
class Level1Admin(admin.ModelAdmin):
    list_display = ["number", "name"]
    list_display_links = ["name"]
    search_fields = ["name"]


class IndicatorInline(admin.TabularInline):
    """The 二级指标's indicators, read-only here: they are edited on their own page."""

    model = Indicator
    fields = ["number", "name", "member_scope"]
    readonly_fields = fields
    ordering = ["number"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Level2)
class Level2Admin(admin.ModelAdmin):
    list_display = ["number", "name", "level1"]
    list_display_links = ["name"]
    list_filter = ["level1"]
    list_select_related = ["level1"]
    search_fields = ["name"]
    inlines = [IndicatorInline]


class ResponsibilityInline(admin.TabularInline):
    model = Responsibility
    fields = ["unit", "position", "role"]
    readonly_fields = ["role"]
    ordering = ["position"]
    autocomplete_fields = ["unit"]
    extra = 0

    @admin.display(description="牵头/配合")
    def role(self, obj: Responsibility) -> str:
        return obj.role_label if obj.position else ""


@admin.register(Indicator)
class IndicatorAdmin(CatalogueChangeAdminMixin, SheetImportExportAdmin):
    resource_classes = [IndicatorResource]
    list_display = ["number", "name", "level2", "level1_label", "responsibility", "member_scope"]
    list_display_links = ["name"]
    list_filter = ["level2__level1", "level2", ResponsibleUnitFilter]
    list_select_related = ["level2__level1"]
    search_fields = ["name", "content", "number__exact"]
    inlines = [ResponsibilityInline]

    def get_queryset(self, request):
        # Parents and named units in three queries, however many rows the page shows.
        queryset = selectors.indicators_with_units()
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    @admin.display(description="一级指标", ordering="level2__level1__number")
    def level1_label(self, obj: Indicator) -> str:
        return obj.level2.level1.label

    @admin.display(description="责任单位")
    def responsibility(self, obj: Indicator) -> str:
        return selectors.responsibility_text(obj)


@admin.register(Responsibility)
class ResponsibilityAdmin(CatalogueChangeAdminMixin, SheetImportExportAdmin):
    resource_classes = [ResponsibilityResource]
    list_display = ["indicator", "unit", "position", "role"]
    list_filter = ["unit", "indicator__level2__level1"]
    list_select_related = ["indicator", "unit"]
    search_fields = ["indicator__name", "indicator__number__exact", "unit__name", "unit__code"]
    autocomplete_fields = ["indicator", "unit"]

    @admin.display(description="牵头/配合", ordering="position")
    def role(self, obj: Responsibility) -> str:
        return obj.role_label
