from django.contrib import admin

from common.admin import CatalogueChangeAdminMixin, SheetImportExportAdmin
from units.models import Unit, UnitMembership
from units.resources import UnitResource
from units.services import user_assign_unit


@admin.register(Unit)
class UnitAdmin(CatalogueChangeAdminMixin, SheetImportExportAdmin):
    resource_classes = [UnitResource]
    list_display = ["display_order", "name", "code", "is_member", "is_active"]
    list_display_links = ["name"]
    list_editable = ["display_order"]
    list_filter = ["is_member", "is_active"]
    search_fields = ["name", "code"]
    ordering = ["display_order", "id"]


@admin.register(UnitMembership)
class UnitMembershipAdmin(admin.ModelAdmin):
    """Writes go through user_assign_unit, which keeps the user's access in step."""

    list_display = ["user", "unit", "created_at"]
    list_filter = ["unit"]
    list_select_related = ["user", "unit"]
    search_fields = ["user__username"]
    autocomplete_fields = ["user"]

    def get_readonly_fields(self, request, obj=None):
        # Moving a membership to another user would strand the first user's access.
        return ["user"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        membership = user_assign_unit(user=obj.user, unit=obj.unit)
        obj.pk = membership.pk
        obj.created_at = membership.created_at

    def delete_model(self, request, obj):
        user_assign_unit(user=obj.user, unit=None)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("user"):
            user_assign_unit(user=membership.user, unit=None)
