from django.http import HttpResponse, StreamingHttpResponse

from common.http import content_disposition

from ..services.evidence import EvidenceIntegrityError, evidence_verified_chunks

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
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    if inline:
        response["Content-Security-Policy"] = INLINE_CSP
        response["X-Frame-Options"] = "SAMEORIGIN"
    return response
