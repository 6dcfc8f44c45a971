"""Evidence upload, removal, and permission-checked download and PDF preview."""

from collections.abc import Iterator
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import FileSystemStorage
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.views.decorators.http import require_GET, require_POST

from audit.models import Action, Outcome
from audit.services import audit_record
from common.errors import DomainError
from common.http import client_ip, content_disposition
from scoring.access import NOT_FOUND, evidence_get_for_user, slot_get_for_user
from scoring.evidence.forms import EvidenceUploadForm
from scoring.evidence.previews import PreviewUnavailable, preview_verified_chunks
from scoring.evidence.services import (
    UPLOAD_INTERRUPTED,
    EvidenceIntegrityError,
    evidence_add_several,
    evidence_oversized_message,
    evidence_remove,
    evidence_verified_chunks,
)
from scoring.models.evidence import evidence_storage


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _file_json(evidence) -> dict:
    """What the page's script needs to list an uploaded file like the server-rendered rows."""
    by = evidence.uploaded_by
    return {
        "id": evidence.pk,
        "title": evidence.title,
        "name": evidence.original_name,
        "size": evidence.size,
        "size_display": filesizeformat(evidence.size),
        "uploaded": f"{date_format(localtime(evidence.uploaded_at), 'n月j日 H:i')} "
        f"{by.get_full_name() or by.username}",
        "download_url": reverse("scoring:evidence_download", args=[evidence.pk]),
        "inline_url": (
            reverse("scoring:evidence_download", args=[evidence.pk]) + "?inline=1"
            if evidence.can_view_inline
            else ""
        ),
        "remove_url": reverse("scoring:evidence_delete", args=[evidence.slot_id, evidence.pk]),
    }


@login_required
@require_POST
def evidence_upload(request, pk: int):
    """Add one or several files to the draft; each refused file is reported, the others go on.

    A plain form post redirects back to the page with one message per file. A request that
    accepts JSON (the page's background upload) gets the added files, the refusals and the
    draft's new revision instead, so the page keeps what was typed (status 400 when any file
    was refused, 404 in JSON too for a slot the user may not write).
    """
    wants_json = _wants_json(request)
    try:
        slot = slot_get_for_user(user=request.user, pk=pk, write=True)
    except Http404:
        if wants_json:
            return JsonResponse(
                {"files": [], "errors": [{"name": "", "message": NOT_FOUND}]}, status=404
            )
        raise
    # Parse the body first: the upload handler records files it cut off while parsing.
    files = request.FILES
    errors = [
        {"name": name, "message": evidence_oversized_message(name)}
        for name in getattr(request, "oversized_uploads", [])
    ]
    added = []
    form = EvidenceUploadForm(request.POST, files)
    if getattr(request, "upload_interrupted", False):
        errors.append({"name": "", "message": UPLOAD_INTERRUPTED})
    elif form.is_valid():
        added, refused = evidence_add_several(
            slot=slot,
            actor=request.user,
            uploads=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
            expected_revision=form.cleaned_data["revision"],
            ip=client_ip(request),
        )
        errors += [{"name": name, "message": message} for name, message in refused]
    elif not (errors and not files):  # a file cut off while streaming is already reported
        errors += [{"name": "", "message": e} for field in form.errors.values() for e in field]
    if wants_json:
        slot.refresh_from_db(fields=["revision"])
        body = {
            "files": [_file_json(e) for e in added],
            "errors": errors,
            "revision": slot.revision,
        }
        return JsonResponse(body, status=400 if errors else 200)
    for evidence in added:
        messages.success(request, f"已上传“{evidence.original_name}”。")
    for error in errors:
        messages.error(request, error["message"])
    return redirect("scoring:slot_detail", pk=slot.pk)


@login_required
@require_POST
def evidence_delete(request, pk: int, file_pk: int):
    slot = slot_get_for_user(user=request.user, pk=pk, write=True)
    evidence = slot.files.filter(pk=file_pk).first()
    if evidence is None:
        raise Http404("未找到该材料。")
    try:
        evidence_remove(slot=slot, evidence=evidence, actor=request.user, ip=client_ip(request))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已移除“{evidence.original_name}”。")
    return redirect("scoring:slot_detail", pk=slot.pk)


@login_required
@require_GET
def evidence_download(request, pk: int):
    evidence = evidence_get_for_user(user=request.user, pk=pk)
    inline = request.GET.get("inline") == "1" and evidence.can_view_inline
    response = serve_evidence(evidence, inline=inline)
    audit_record(
        action=Action.EVIDENCE_VIEWED if inline else Action.EVIDENCE_DOWNLOADED,
        obj=evidence,
        outcome=Outcome.SUCCESS if response.status_code == 200 else Outcome.FAILURE,
        detail={"slot": evidence.slot_id, "sha256": evidence.sha256, "size": evidence.size},
        request=request,
    )
    return response


@login_required
@require_GET
def evidence_preview(request, pk: int):
    """The PDF preview of an Office or WPS file, shown inline under the same rules as a PDF."""
    evidence = evidence_get_for_user(user=request.user, pk=pk)
    try:
        preview, chunks = preview_verified_chunks(evidence=evidence)
    except PreviewUnavailable:
        raise Http404("该材料暂无预览，请下载查看。") from None
    response = _file_response(
        chunks, name=preview.pdf.name, size=preview.pdf_size or 0, content_type="application/pdf"
    )
    stem = evidence.original_name.rpartition(".")[0] or evidence.original_name
    response["Content-Disposition"] = content_disposition(f"{stem}（预览）.pdf", inline=True)
    restrict_inline(response)
    return response


INLINE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; object-src 'self'"


def serve_evidence(evidence, *, inline: bool = False) -> HttpResponseBase:
    """Send a stored evidence file after checking its SHA-256 against the upload record."""
    try:
        chunks = evidence_verified_chunks(evidence)
    except EvidenceIntegrityError:
        return HttpResponse(
            "该文件校验失败（与上传时的 SHA-256 不一致或文件缺失），已停止下载。请联系系统管理员。",
            status=500,
            content_type="text/plain; charset=utf-8",
        )
    inline = inline and evidence.can_view_inline
    response = _file_response(
        chunks, name=evidence.file.name, size=evidence.size, content_type=evidence.content_type
    )
    response["Content-Disposition"] = content_disposition(evidence.original_name, inline=inline)
    if inline:
        restrict_inline(response)
    else:
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
    return response


def x_accel_redirect(name: str, size: int) -> str | None:
    """The internal nginx URI that sends the stored file `name`, or None to stream it here.

    Only with FENGTAI_X_ACCEL_REDIRECT set, for a file of at least FENGTAI_X_ACCEL_MIN_BYTES,
    and only from the local folder: nginx's internal location is an alias of that folder and
    cannot read a bucket. `name` is the storage's own (generated) relative name.
    """
    prefix = getattr(settings, "FENGTAI_X_ACCEL_REDIRECT", "")
    if not prefix or size < getattr(settings, "FENGTAI_X_ACCEL_MIN_BYTES", 0):
        return None
    if not isinstance(evidence_storage(), FileSystemStorage):
        return None
    return prefix + quote(name, safe="/")


def _file_response(
    chunks: Iterator[bytes], *, name: str, size: int, content_type: str
) -> HttpResponseBase:
    """The bytes of a file already checked against its SHA-256: handed to nginx with an empty
    body (X-Accel-Redirect), or streamed in chunks. The caller adds the same headers either
    way; nginx passes Content-Type, Content-Disposition and Cache-Control on by itself and the
    others through its internal location (deploy/nginx/fengtai.conf.template)."""
    accel = x_accel_redirect(name, size)
    if accel is not None:
        handed = HttpResponse(content_type=content_type)
        handed["X-Accel-Redirect"] = accel
        return handed
    streamed = StreamingHttpResponse(chunks, content_type=content_type)
    streamed["Content-Length"] = str(size)
    return streamed


def restrict_inline(response: HttpResponseBase) -> None:
    """The headers of every evidence file a browser renders: no sniffing, no caching, no
    script, framed only by our own pages."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = INLINE_CSP
    response["X-Frame-Options"] = "SAMEORIGIN"
