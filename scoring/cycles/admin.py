"""The admin of cycles, their designations and their audit trail."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from common.admin import ReadOnlyAdmin, ServiceErrorsAsMessages
from common.errors import DomainError
from common.http import client_ip
from scoring.audit import EMPTY, cycle_status_label, event_lines
from scoring.cycles.services import (
    cycle_create,
    cycle_dates_update,
    cycle_open,
    designation_add,
    designation_remove,
)
from scoring.models import Cycle, CycleDesignation, CycleEvent
from scoring.models.cycle import DEADLINE_AFTER_OPENING


class CycleForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        # Said here in Chinese, before the model's CheckConstraint would name itself instead.
        opens_at, deadline = data.get("opens_at"), data.get("deadline")
        if opens_at and deadline and deadline <= opens_at:
            self.add_error("deadline", DEADLINE_AFTER_OPENING)
        return data


@admin.register(Cycle)
class CycleAdmin(ServiceErrorsAsMessages, admin.ModelAdmin):
    form = CycleForm
    list_display = ["name", "year", "status", "opens_at", "deadline", "previous"]
    list_filter = ["status"]
    actions = ["open_cycles"]
    fields = ["name", "year", "opens_at", "deadline", "previous", "status"]

    def get_readonly_fields(self, request, obj=None):
        # Status changes only through the state transitions; a cycle's identity never changes.
        return ["status"] if obj is None else ["name", "year", "previous", "status"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            self._save_dates(request, obj, form)
            return
        created = cycle_create(
            name=obj.name,
            year=obj.year,
            opens_at=obj.opens_at,
            deadline=obj.deadline,
            previous=obj.previous,
            actor=request.user,
            ip=client_ip(request),
        )
        obj.pk = created.pk
        obj.status = created.status

    def _save_dates(self, request, obj, form) -> None:
        if not {"opens_at", "deadline"} & set(form.changed_data):
            return  # the form's inputs drop microseconds; unchanged fields are not a change
        cycle_dates_update(
            cycle=obj,
            opens_at=obj.opens_at,
            deadline=obj.deadline,
            actor=request.user,
            ip=client_ip(request),
        )

    @admin.action(description="开启填报（生成各单位填报任务）", permissions=["change"])
    def open_cycles(self, request, queryset):
        # Opening freezes the scheme and cannot be undone: list the cycles and ask first.
        if "apply" not in request.POST:
            return TemplateResponse(
                request,
                "admin/scoring/open_cycles.html",
                {
                    **self.admin_site.each_context(request),
                    "title": "开启填报",
                    "cycles": list(queryset),
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                    "opts": self.opts,
                },
            )
        for cycle in queryset:
            try:
                result = cycle_open(cycle=cycle, actor=request.user, ip=client_ip(request))
            except DomainError as exc:
                self.message_user(request, f"{cycle}：{exc.message}", messages.ERROR)
            else:
                self.message_user(
                    request, f"{cycle} 已开启填报，生成 {result.created} 个填报任务。"
                )
        return None


@admin.register(CycleDesignation)
class CycleDesignationAdmin(ServiceErrorsAsMessages, admin.ModelAdmin):
    list_display = ["cycle", "indicator", "unit"]
    list_filter = ["cycle", "unit"]
    list_select_related = ["cycle", "indicator", "unit"]
    autocomplete_fields = ["unit"]

    def has_change_permission(self, request, obj=None):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "indicator":
            kwargs["queryset"] = db_field.related_model.objects.filter(member_scope="designated")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        saved = designation_add(
            cycle=obj.cycle,
            indicator=obj.indicator,
            unit=obj.unit,
            actor=request.user,
            ip=client_ip(request),
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        designation_remove(designation=obj, actor=request.user, ip=client_ip(request))

    def delete_queryset(self, request, queryset):
        for designation in queryset:
            designation_remove(designation=designation, actor=request.user, ip=client_ip(request))


class AuditReadingMixin:
    """Status labels, not codes; details as `字段：旧值 → 新值` lines; "—" for nothing."""

    empty_value_display = EMPTY

    @admin.display(description="原状态")
    def from_label(self, event):
        return self.status_label(event.from_status)

    @admin.display(description="新状态")
    def to_label(self, event):
        return self.status_label(event.to_status)

    @admin.display(description="详情")
    def details(self, event):
        lines = event_lines(event)
        if not lines:
            return EMPTY
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines))

    @admin.display(description="原因/说明")
    def reason_text(self, event):
        return event.reason or EMPTY


@admin.register(CycleEvent)
class CycleEventAdmin(AuditReadingMixin, ReadOnlyAdmin):
    list_display = ["at", "cycle", "action", "actor", "from_label", "to_label", "details", "reason"]
    list_filter = ["cycle", "action"]
    search_fields = ["reason"]
    list_select_related = ["cycle", "actor"]
    fields = [
        "cycle",
        "action",
        "at",
        "actor",
        "from_label",
        "to_label",
        "reason_text",
        "details",
        "ip_address",
    ]
    readonly_fields = fields

    @staticmethod
    def status_label(value: str) -> str:
        return cycle_status_label(value)
