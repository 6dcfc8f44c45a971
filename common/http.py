from urllib.parse import quote

from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The address recorded in the audit trail (REMOTE_ADDR; a proxy must set it)."""
    return request.META.get("REMOTE_ADDR") or None


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """`attachment; filename="ascii"; filename*=UTF-8''…` (RFC 6266 / RFC 5987)."""
    kind = "inline" if inline else "attachment"
    ascii_name = (
        "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\;' else "_" for ch in filename).strip()
        or "download"
    )
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
