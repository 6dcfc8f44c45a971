from urllib.parse import quote

from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The address recorded in the audit trail (REMOTE_ADDR; a proxy must set it)."""
    return request.META.get("REMOTE_ADDR") or None


def content_disposition(filename: str, *, inline: bool = False, fallback: str | None = None) -> str:
    """`attachment; filename="ascii"; filename*=UTF-8''…` (RFC 6266 / RFC 5987).

    The plain `filename` is for old clients: `fallback` when `filename` is not ASCII (if given),
    reduced to letters, digits and `._-` so it needs no quoting and cannot add a parameter.
    """
    kind = "inline" if inline else "attachment"
    plain = fallback if fallback is not None and not filename.isascii() else filename
    plain = "".join(ch if ch.isascii() and ch.isalnum() or ch in "._-" else "_" for ch in plain)
    return (
        f"{kind}; filename=\"{plain or 'download'}\"; filename*=UTF-8''{quote(filename, safe='')}"
    )
