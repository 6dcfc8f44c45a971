"""The office's admin for cycles and slots. Every write goes through scoring.services."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse

from common.http import client_ip

from .errors import DomainError
from .models import (
    Cycle,
    CycleDesignation,
    EvidenceFile,
    FigureField,
    FigureTemplate,
    Slot,
    SubmissionEvent,
)
from .services.cycles import cycle_create, cycle_open, designation_add, slots_extend_deadline


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
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
            super().save_model(request, obj, form, change)
            return
        try:
            created = cycle_create(
                name=obj.name,
                year=obj.year,
                opens_at=obj.opens_at,
                deadline=obj.deadline,
                previous=obj.previous,
            )
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from exc
        obj.pk = created.pk
        obj.status = created.status

    @admin.action(description="开启填报（生成各单位填报任务）")
    def open_cycles(self, request, queryset):
        for cycle in queryset:
            try:
                result = cycle_open(cycle=cycle, actor=request.user)
            except DomainError as exc:
                self.message_user(request, f"{cycle}：{exc.message}", messages.ERROR)
            else:
                self.message_user(
                    request, f"{cycle} 已开启填报，生成 {result.created} 个填报任务。"
                )


@admin.register(CycleDesignation)
class CycleDesignationAdmin(admin.ModelAdmin):
    list_display = ["cycle", "indicator", "unit"]
    list_filter = ["cycle", "unit"]
    autocomplete_fields = ["unit"]

    def has_change_permission(self, request, obj=None):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "indicator":
            kwargs["queryset"] = db_field.related_model.objects.filter(member_scope="designated")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        try:
            saved = designation_add(
                cycle=obj.cycle, indicator=obj.indicator, unit=obj.unit, actor=request.user
            )
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        obj.pk = saved.pk


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


class ExtendForm(forms.Form):
    until = forms.DateTimeField(
        label="延期至", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    reason = forms.CharField(label="延期原因", widget=forms.Textarea(attrs={"rows": 3}))


class EvidenceInline(admin.TabularInline):
    model = EvidenceFile
    fields = ["title", "original_name", "size", "content_type", "sha256", "in_draft", "uploaded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = SubmissionEvent
    fields = ["at", "action", "actor", "from_status", "to_status", "reason", "ip_address"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Slot)
class SlotAdmin(ReadOnlyAdmin):
    list_display = [
        "indicator",
        "unit",
        "is_lead",
        "status",
        "current_version",
        "deadline_extension",
        "updated_at",
    ]
    list_filter = ["cycle", "status", "unit", "indicator__level2__level1"]
    search_fields = ["indicator__name", "unit__name", "text"]
    list_select_related = ["indicator", "unit", "cycle"]
    actions = ["extend_deadline"]
    inlines = [EvidenceInline, EventInline]
    readonly_fields = [
        "cycle",
        "indicator",
        "unit",
        "is_lead",
        "status",
        "text",
        "self_score",
        "deadline_extension",
        "return_reason",
        "current_version",
        "updated_at",
        "updated_by",
    ]
    fields = readonly_fields

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("scoring.view_slot")

    @admin.action(description="延长截止时间")
    def extend_deadline(self, request, queryset):
        if "apply" in request.POST:
            form = ExtendForm(request.POST)
            if form.is_valid():
                try:
                    n = slots_extend_deadline(
                        slots=list(queryset),
                        until=form.cleaned_data["until"],
                        actor=request.user,
                        reason=form.cleaned_data["reason"],
                        ip=client_ip(request),
                    )
                except DomainError as exc:
                    self.message_user(request, exc.message, messages.ERROR)
                else:
                    self.message_user(request, f"已为 {n} 个填报任务延长截止时间。")
                return None
        else:
            form = ExtendForm()
        return TemplateResponse(
            request,
            "admin/scoring/extend_deadline.html",
            {
                **self.admin_site.each_context(request),
                "title": "延长截止时间",
                "form": form,
                "slots": queryset,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
            },
        )


@admin.register(SubmissionEvent)
class SubmissionEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "slot", "action", "actor", "from_status", "to_status", "ip_address"]
    list_filter = ["action"]
    search_fields = ["slot__indicator__name", "slot__unit__name", "reason"]
    list_select_related = ["slot__indicator", "slot__unit", "slot__cycle", "actor"]
