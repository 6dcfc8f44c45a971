"""The admin of bonus points and vetoes (加分 / 一票否决)."""

from decimal import Decimal

from django import forms
from django.contrib import admin

from common.admin import ServiceErrorsAsMessages
from common.http import client_ip
from scoring.models import Adjustment, AdjustmentKind, Cycle, CycleStatus
from scoring.results.services import BONUS_POSITIVE, adjustment_add


class AdjustmentForm(forms.ModelForm):
    class Meta:
        model = Adjustment
        fields = ["cycle", "kind", "unit", "points", "reason"]
        help_texts = {"points": "仅加分项填写；一票否决不计分。", "unit": "留空表示针对全区。"}

    def clean(self):
        data = super().clean()
        # Input shape only; adjustment_add enforces the rules.
        if data.get("kind") == AdjustmentKind.BONUS and not (data.get("points") or 0) > 0:
            self.add_error("points", BONUS_POSITIVE)
        return data


@admin.register(Adjustment)
class AdjustmentAdmin(ServiceErrorsAsMessages, admin.ModelAdmin):
    """加分项 and 一票否决 are recorded once, with a reason, and never edited or removed."""

    form = AdjustmentForm
    list_display = ["cycle", "kind", "unit", "points", "reason", "created_by", "created_at"]
    list_filter = ["cycle", "kind"]
    list_select_related = ["cycle", "unit", "created_by"]
    search_fields = ["reason", "unit__name"]
    autocomplete_fields = ["unit"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "cycle":
            kwargs["queryset"] = Cycle.objects.filter(
                status__in=[CycleStatus.OPEN, CycleStatus.REVIEWING]
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        saved = adjustment_add(
            cycle=obj.cycle,
            kind=obj.kind,
            reason=obj.reason,
            points=obj.points or Decimal(0),
            unit=obj.unit,
            actor=request.user,
            ip=client_ip(request),
        )
        obj.pk = saved.pk
        obj.created_by = saved.created_by
        obj.created_at = saved.created_at
