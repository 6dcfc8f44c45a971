"""考核方案: points and methods, settings, grade levels, and the Excel round trip."""

import tablib
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.errors import DomainError
from common.forms import form_errors
from common.http import client_ip
from common.resources import SheetFileError
from common.xlsx import xlsx_response
from scoring.access import office_cycle, reader_cycle, user_is_office
from scoring.models import Cycle
from scoring.scheme.forms import CycleSettingsForm, GradeLevelsForm, SchemeForm, SchemeUploadForm
from scoring.scheme.resources import dataset_from_xlsx, scheme_import, scheme_workbook
from scoring.scheme.selectors import scheme_compare, scheme_items, scheme_totals, tree
from scoring.scheme.services import cycle_settings_update, grade_levels_set, scheme_items_update

IMPORT_SALT = "scoring.cycle_scheme_import"


IMPORT_MAX_AGE = 60 * 60  # seconds a previewed file may wait for confirmation


UPLOAD_MAX_BYTES = 2 * 1024 * 1024


@login_required
@require_http_methods(["GET", "POST"])
def cycle_scheme(request, pk: int):
    """考核方案: 分值 and 评分方法 per indicator (editable while 准备中), totals, grade levels."""
    cycle = office_cycle(request, pk)
    items = scheme_items(cycle)
    form = SchemeForm(request.POST or None, items=items)
    if request.method == "POST":
        if form.is_valid():
            try:
                changed = scheme_items_update(
                    cycle=cycle, changes=form.changes(), actor=request.user, ip=client_ip(request)
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                if changed:
                    messages.success(request, f"已保存，修改了 {changed} 项指标。")
                else:
                    messages.info(request, "没有修改。")
            return redirect("scoring:cycle_scheme", pk=cycle.pk)
        messages.error(request, "填写有误，请按提示修改后再保存。未保存任何修改。")
    totals = scheme_totals(cycle, items)
    levels = list(cycle.grade_levels.all())
    context = {
        "cycle": cycle,
        "form": form,
        "frozen": cycle.scheme_is_frozen,
        "tree": tree(form.rows(), lambda row: row[0], totals.level1, totals.level2),
        "totals": totals,
        "difference": totals.total - totals.expected,
        "levels": levels,
        "grade_form": GradeLevelsForm(levels=levels),
        "settings_form": CycleSettingsForm(
            initial={
                "total_points": cycle.total_points,
                "bonus_cap": cycle.bonus_cap,
                "lead_weight": cycle.lead_weight,
            }
        ),
    }
    return render(request, "scoring/cycles/scheme.html", context)


@login_required
@require_POST
def cycle_settings(request, pk: int):
    cycle = office_cycle(request, pk)
    form = CycleSettingsForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
    else:
        try:
            cycle_settings_update(
                cycle=cycle, actor=request.user, ip=client_ip(request), **form.cleaned_data
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已保存周期设置。")
    return redirect(reverse("scoring:cycle_scheme", args=[cycle.pk]) + "#settings")


@login_required
@require_POST
def cycle_grade_levels(request, pk: int):
    cycle = office_cycle(request, pk)
    form = GradeLevelsForm(request.POST, levels=list(cycle.grade_levels.all()))
    if not form.is_valid():
        form_errors(request, form)
    else:
        try:
            grade_levels_set(
                cycle=cycle, levels=form.levels(), actor=request.user, ip=client_ip(request)
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已保存评分档次。")
    return redirect(reverse("scoring:cycle_scheme", args=[cycle.pk]) + "#grades")


@login_required
@require_GET
def cycle_scheme_export(request, pk: int):
    cycle = office_cycle(request, pk)
    return xlsx_response(
        scheme_workbook(cycle),
        filename=f"{cycle.name}考核方案.xlsx",
        fallback=f"scheme-{cycle.year}.xlsx",
    )


def _cell(value):
    """A cell as JSON can carry it between the preview and the confirmation."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def import_payload(cycle: Cycle, user, dataset) -> str:
    return signing.dumps(
        {
            "cycle": cycle.pk,
            "user": user.pk,
            "headers": [_cell(h) for h in dataset.headers],
            "rows": [[_cell(v) for v in row] for row in dataset],
        },
        salt=IMPORT_SALT,
        compress=True,
    )


def _dataset_from_payload(cycle: Cycle, user, payload: str) -> tablib.Dataset:
    try:
        data = signing.loads(payload, salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE)
    except signing.SignatureExpired:
        raise SheetFileError("预览已过期，请重新上传文件。") from None
    except signing.BadSignature:
        raise SheetFileError("导入数据无效，请重新上传文件。") from None
    if data.get("cycle") != cycle.pk or data.get("user") != user.pk:
        raise SheetFileError("导入数据无效，请重新上传文件。")
    return tablib.Dataset(*[tuple(r) for r in data["rows"]], headers=data["headers"])


@login_required
@require_http_methods(["GET", "POST"])
def cycle_scheme_import(request, pk: int):
    """Upload the scheme sheet: a dry run shows what would change, or every row error."""
    cycle = office_cycle(request, pk)
    form = SchemeUploadForm(request.POST or None, request.FILES or None)
    context = {"cycle": cycle, "form": form, "frozen": cycle.scheme_is_frozen}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > UPLOAD_MAX_BYTES:
                raise SheetFileError("文件过大：考核方案文件不超过 2 MB。")
            dataset = dataset_from_xlsx(upload.read())
        except SheetFileError as exc:
            form.add_error("file", str(exc))
        else:
            preview = scheme_import(
                cycle=cycle,
                dataset=dataset,
                actor=request.user,
                ip=client_ip(request),
                dry_run=True,
            )
            context.update(
                preview=preview,
                filename=upload.name,
                payload=import_payload(cycle, request.user, dataset) if preview.ok else "",
            )
    return render(request, "scoring/cycles/scheme_import.html", context)


@login_required
@require_POST
def cycle_scheme_import_confirm(request, pk: int):
    """Import the previewed sheet for real; any error writes nothing."""
    cycle = office_cycle(request, pk)
    try:
        dataset = _dataset_from_payload(cycle, request.user, request.POST.get("payload", ""))
    except SheetFileError as exc:
        messages.error(request, str(exc))
        return redirect("scoring:cycle_scheme_import", pk=cycle.pk)
    outcome = scheme_import(
        cycle=cycle, dataset=dataset, actor=request.user, ip=client_ip(request), dry_run=False
    )
    if not outcome.ok:
        context = {
            "cycle": cycle,
            "form": SchemeUploadForm(),
            "frozen": cycle.scheme_is_frozen,
            "preview": outcome,
            "confirm_failed": True,
        }
        return render(request, "scoring/cycles/scheme_import.html", context)
    messages.success(request, f"已导入考核方案，修改了 {len(outcome.changes)} 项指标。")
    return redirect("scoring:cycle_scheme", pk=cycle.pk)


@login_required
@require_GET
def cycle_compare(request, pk: int):
    """What changed against the previous cycle: scheme, texts, totals, figures, designations."""
    cycle = reader_cycle(request, pk)
    context = {
        "cycle": cycle,
        "previous": cycle.previous,
        "comparison": scheme_compare(cycle, cycle.previous) if cycle.previous else None,
        "is_office": user_is_office(request.user),
    }
    return render(request, "scoring/cycles/compare.html", context)
