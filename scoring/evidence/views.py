"""Evidence upload, removal, and permission-checked download and PDF preview."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from common.errors import DomainError
from common.http import client_ip, content_disposition
from scoring.access import evidence_get_for_user, slot_get_for_user
from scoring.evidence.forms import EvidenceUploadForm
from scoring.evidence.previews import PreviewUnavailable, preview_verified_chunks
from scoring.evidence.services import (
    EvidenceIntegrityError,
    evidence_add,
    evidence_remove,
    evidence_verified_chunks,
)


@login_required
@require_POST
def evidence_upload(request, pk: int):
    slot = slot_get_for_user(user=request.user, pk=pk, write=True)
    # Parse the body first: the upload handler records files it cut off while parsing.
    files = request.FILES
    oversized = getattr(request, "oversized_uploads", [])
    if oversized:
        from scoring.evidence.validation import EvidencePolicy

        limit = EvidencePolicy.from_settings().max_file_size // (1024 * 1024)
        messages.error(request, f"文件“{oversized[0]}”超过单个文件 {limit} MB 的上限，未上传。")
        return redirect("scoring:slot_detail", pk=slot.pk)
    form = EvidenceUploadForm(request.POST, files)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("scoring:slot_detail", pk=slot.pk)
    try:
        evidence = evidence_add(
            slot=slot,
            actor=request.user,
            upload=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
            ip=client_ip(request),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已上传“{evidence.original_name}”。")
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
    return serve_evidence(evidence, inline=request.GET.get("inline") == "1")


@login_required
@require_GET
def evidence_preview(request, pk: int):
    """The PDF preview of an Office or WPS file, shown inline under the same rules as a PDF."""
    evidence = evidence_get_for_user(user=request.user, pk=pk)
    try:
        preview, chunks = preview_verified_chunks(evidence=evidence)
    except PreviewUnavailable:
        raise Http404("该材料暂无预览，请下载查看。") from None
    response = StreamingHttpResponse(chunks, content_type="application/pdf")
    response["Content-Length"] = str(preview.pdf_size)
    stem = evidence.original_name.rpartition(".")[0] or evidence.original_name
    response["Content-Disposition"] = content_disposition(f"{stem}（预览）.pdf", inline=True)
    restrict_inline(response)
    return response


INLINE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; object-src 'self'"


def serve_evidence(evidence, *, inline: bool = False) -> HttpResponse:
    """Stream a stored evidence file after checking its SHA-256 against the upload record."""
    try:
        chunks = evidence_verified_chunks(evidence)
    except EvidenceIntegrityError:
        return HttpResponse(
            "该文件校验失败（与上传时的 SHA-256 不一致或文件缺失），已停止下载。请联系系统管理员。",
            status=500,
            content_type="text/plain; charset=utf-8",
        )
    inline = inline and evidence.can_view_inline
    response = StreamingHttpResponse(chunks, content_type=evidence.content_type)
    response["Content-Length"] = str(evidence.size)
    response["Content-Disposition"] = content_disposition(evidence.original_name, inline=inline)
    if inline:
        restrict_inline(response)
    else:
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
    return response


def restrict_inline(response: HttpResponse) -> None:
    """The headers of every evidence file a browser renders: no sniffing, no caching, no
    script, framed only by our own pages."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = INLINE_CSP
    response["X-Frame-Options"] = "SAMEORIGIN"
