"""The admin's review of slots: the slot page, score entry, not applicable, bulk actions."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from common.admin import ReadOnlyAdmin
from common.errors import DomainError
from common.http import client_ip
from scoring.access import user_is_office
from scoring.audit import EMPTY, slot_status_label
from scoring.cycles.admin import AuditReadingMixin
from scoring.cycles.forms import ExtendForm
from scoring.cycles.services import slots_extend_deadline
from scoring.models import (
    EvidenceFile,
    ScoringMethod,
    Slot,
    SlotStatus,
    SubmissionEvent,
    SubmissionVersion,
)
from scoring.review.forms import (
    ExpectedStateForm,
    NotApplicableForm,
    ReturnForm,
    score_form_for,
)
from scoring.review.services import (
    NOT_IN_SCHEME,
    score_record,
    slot_mark_not_applicable,
    submission_approve,
    submission_return,
)
from scoring.scheme.selectors import scheme_row_for_slot


def _slot_label(slot: Slot) -> str:
    return f"{slot.indicator.number}. {slot.indicator.name}（{slot.unit.name}）"


class ReadOnlyInline(admin.TabularInline):
    """A read-only list of a slot's rows, visible to whoever may view the slot."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_view_permission(self, request, obj=None):
        return user_is_office(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class VersionInline(ReadOnlyInline):
    model = SubmissionVersion
    verbose_name_plural = "提交版本（已冻结）"
    fields = ["number", "submitted_by", "submitted_at", "self_score", "file_count", "link"]
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("submitted_by")
            .annotate(n_files=Count("files"))
            .order_by("number")
        )

    @admin.display(description="材料数")
    def file_count(self, version):
        return version.n_files

    @admin.display(description="内容")
    def link(self, version):
        url = reverse("scoring:version_detail", args=[version.slot_id, version.number])
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">查看第 {} 版</a>', url, version.number
        )


class EvidenceInline(ReadOnlyInline):
    model = EvidenceFile
    fields = [
        "title",
        "original_name",
        "size_display",
        "content_type",
        "in_draft",
        "in_versions",
        "uploaded_by",
        "uploaded_at",
        "links",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("uploaded_by").prefetch_related("versions")
        )

    @admin.display(description="大小")
    def size_display(self, evidence):
        return filesizeformat(evidence.size)

    @admin.display(description="所在版本")
    def in_versions(self, evidence):
        numbers = sorted(v.number for v in evidence.versions.all())
        return "、".join(f"第 {n} 版" for n in numbers) or "—"

    @admin.display(description="文件")
    def links(self, evidence):
        url = reverse("scoring:evidence_download", args=[evidence.pk])
        download = format_html('<a href="{}">下载</a>', url)
        if not evidence.can_view_inline:
            return download
        return format_html(
            '<a href="{}?inline=1" target="_blank" rel="noopener">在线查看</a> · {}', url, download
        )


class SlotAuditReading(AuditReadingMixin):
    @staticmethod
    def status_label(value: str) -> str:
        return slot_status_label(value)


class EventInline(SlotAuditReading, ReadOnlyInline):
    model = SubmissionEvent
    verbose_name_plural = "操作记录"
    fields = [
        "at",
        "action",
        "actor",
        "from_label",
        "to_label",
        "version_number",
        "reason_text",
        "details",
        "ip_address",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(Slot)
class SlotAdmin(ReadOnlyAdmin):
    """填报任务: read-only; approving, returning, scoring and deadlines go through services."""

    change_form_template = "admin/scoring/slot_change_form.html"
    list_display = [
        "indicator_label",
        "unit",
        "role",
        "status",
        "version",
        "score_display",
        "updated_at",
    ]
    list_filter = ["cycle", "status", "unit", "indicator__level2__level1"]
    search_fields = ["indicator__name", "indicator__number__exact", "unit__name", "text"]
    list_select_related = ["indicator", "unit", "cycle"]
    actions = ["approve_selected", "return_selected", "extend_deadline"]
    inlines = [VersionInline, EvidenceInline, EventInline]
    fieldsets = [
        (
            "填报",
            {
                "fields": [
                    "cycle",
                    "indicator",
                    "unit",
                    "is_lead",
                    "status",
                    "current_version",
                    "text",
                    "self_score",
                    "deadline_extension",
                    "return_reason",
                    "updated_at",
                    "updated_by",
                ]
            },
        ),
        (
            "评分",
            {
                "fields": [
                    "score",
                    "not_applicable",
                    "score_basis",
                    "score_comment",
                    "scored_by",
                    "scored_at",
                ]
            },
        ),
    ]
    readonly_fields = [f for _, spec in fieldsets for f in spec["fields"]]

    def has_view_permission(self, request, obj=None):
        return user_is_office(request.user)

    def has_review_permission(self, request, obj=None):
        """Approving, returning, scoring and extending: the office, by the same predicate
        (scoring.access.user_is_office) as the review pages, so both UIs agree on who reviews."""
        return user_is_office(request.user)

    # --- list columns

    @admin.display(description="三级指标", ordering="indicator__number")
    def indicator_label(self, slot):
        return f"{slot.indicator.number}. {slot.indicator.name}"

    @admin.display(description="牵头/配合", ordering="-is_lead")
    def role(self, slot):
        return slot.role_label

    @admin.display(description="版本", ordering="current_version")
    def version(self, slot):
        return f"第 {slot.current_version} 版" if slot.current_version else EMPTY

    @admin.display(description="得分", ordering="score")
    def score_display(self, slot):
        return "不适用" if slot.not_applicable else slot.score

    @admin.display(description="评分依据")
    def score_basis(self, slot):
        data = slot.score_input or {}
        if data.get("grade"):
            return f"档次：{data['grade']}"
        if data.get("direct") is not None:
            return f"直接打分：{data['direct']}"
        if data.get("method") == ScoringMethod.DEDUCT:
            rows = data.get("deductions") or []
            if not rows:
                return "扣分：无"
            return format_html_join("；", "{}（−{}）", ((r, a) for r, a in rows))
        return EMPTY

    # --- per-slot pages

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<int:object_id>/score/",
                self.admin_site.admin_view(self.score_view),
                name="{}_{}_score".format(*info),
            ),
            path(
                "<int:object_id>/not-applicable/",
                self.admin_site.admin_view(self.not_applicable_view),
                name="{}_{}_not_applicable".format(*info),
            ),
        ] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "can_review": self.has_review_permission(request)}
        return super().change_view(request, object_id, form_url, extra_context)

    def _review_slot(self, request, object_id) -> Slot:
        if not self.has_review_permission(request):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(request), pk=object_id)

    def _page(self, request, template: str, slot: Slot, title: str, **context):
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": title,
                "slot": slot,
                "change_url": reverse("admin:scoring_slot_change", args=[slot.pk]),
                **context,
            },
        )

    def score_view(self, request, object_id):
        slot = self._review_slot(request, object_id)
        item = scheme_row_for_slot(slot)
        if item is None:
            raise Http404(NOT_IN_SCHEME)
        form = score_form_for(slot, item, data=request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                scored = score_record(
                    slot=slot,
                    actor=request.user,
                    comment=form.cleaned_data["comment"],
                    expected_version=form.cleaned_data["expected_version"],
                    ip=client_ip(request),
                    **form.score_inputs(),
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                self.message_user(request, f"{_slot_label(scored)} 已评分：{scored.score} 分。")
                return HttpResponseRedirect(reverse("admin:scoring_slot_change", args=[slot.pk]))
        return self._page(
            request,
            "admin/scoring/slot_score.html",
            slot,
            f"评分：{_slot_label(slot)}",
            form=form,
            item=item,
            approved=slot.status == SlotStatus.APPROVED,
        )

    def not_applicable_view(self, request, object_id):
        slot = self._review_slot(request, object_id)
        if request.method == "POST":
            form = NotApplicableForm(request.POST)
        else:
            form = NotApplicableForm(initial=ExpectedStateForm.initial_for(slot))
        if request.method == "POST" and form.is_valid():
            try:
                slot_mark_not_applicable(
                    slot=slot,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    ip=client_ip(request),
                    **form.expected_state(),
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                self.message_user(request, f"{_slot_label(slot)} 已标记为不适用。")
                return HttpResponseRedirect(reverse("admin:scoring_slot_change", args=[slot.pk]))
        return self._page(
            request,
            "admin/scoring/slot_not_applicable.html",
            slot,
            f"标记不适用：{_slot_label(slot)}",
            form=form,
        )

    # --- actions

    def _selected(self, queryset) -> list[Slot]:
        return list(queryset.select_related("cycle", "indicator", "unit"))

    @admin.action(description="批量通过", permissions=["review"])
    def approve_selected(self, request, queryset):
        # First a page listing what will be approved (approval cannot be undone); then one
        # transaction per slot: a slot that cannot be approved is reported and left as it
        # was; the others are approved.
        slots = self._selected(queryset)
        if "apply" not in request.POST:
            return self._action_form(
                request,
                "admin/scoring/approve_slots.html",
                "批量通过",
                None,
                slots,
                "approve_selected",
            )
        approved = 0
        for slot in slots:
            try:
                submission_approve(slot=slot, actor=request.user, ip=client_ip(request))
            except DomainError as exc:
                self.message_user(request, f"{_slot_label(slot)}：{exc.message}", messages.ERROR)
            else:
                approved += 1
        if approved:
            self.message_user(request, f"已通过 {approved} 个填报任务。", messages.SUCCESS)
        return None

    @admin.action(description="批量退回", permissions=["review"])
    def return_selected(self, request, queryset):
        slots = self._selected(queryset)
        form = ReturnForm(request.POST if "apply" in request.POST else None, stale_check=False)
        if not form.is_valid():
            return self._action_form(
                request,
                "admin/scoring/return_slots.html",
                "批量退回",
                form,
                slots,
                "return_selected",
            )
        returned = 0
        for slot in slots:
            try:
                submission_return(
                    slot=slot,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    ip=client_ip(request),
                )
            except DomainError as exc:
                self.message_user(request, f"{_slot_label(slot)}：{exc.message}", messages.ERROR)
            else:
                returned += 1
        if returned:
            self.message_user(request, f"已退回 {returned} 个填报任务。", messages.SUCCESS)
        return None

    @admin.action(description="延长截止时间", permissions=["review"])
    def extend_deadline(self, request, queryset):
        slots = self._selected(queryset)
        form = ExtendForm(request.POST if "apply" in request.POST else None, cycle=None)
        if not form.is_valid():
            return self._action_form(
                request,
                "admin/scoring/extend_deadline.html",
                "延长截止时间",
                form,
                slots,
                "extend_deadline",
            )
        try:
            n = slots_extend_deadline(
                slots=slots,
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

    def _action_form(self, request, template, title, form, slots, action):
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "title": title,
                "form": form,
                "slots": slots,
                "action": action,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "opts": self.opts,
            },
        )


@admin.register(SubmissionEvent)
class SubmissionEventAdmin(SlotAuditReading, ReadOnlyAdmin):
    list_display = [
        "at",
        "slot",
        "action",
        "actor",
        "from_label",
        "to_label",
        "details",
        "ip_address",
    ]
    list_filter = ["action"]
    search_fields = ["slot__indicator__name", "slot__unit__name", "reason"]
    list_select_related = ["slot__indicator", "slot__unit", "slot__cycle", "actor"]
    fields = [
        "slot",
        "action",
        "at",
        "actor",
        "from_label",
        "to_label",
        "version_number",
        "reason_text",
        "details",
        "ip_address",
    ]
    readonly_fields = fields
