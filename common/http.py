"""HTTP helpers with no business in them: the client's address, Content-Disposition."""

import ipaddress
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def proxy_networks(values: Iterable[str]) -> tuple[IPNetwork, ...]:
    """Addresses or CIDR blocks ("10.0.0.10", "10.0.1.0/24", "::1") as networks.

    Raises ValueError on anything else, so a typo in FENGTAI_TRUSTED_PROXIES stops the start
    instead of silently trusting no one (or everyone).
    """
    return tuple(ipaddress.ip_network(v.strip(), strict=False) for v in values if v.strip())


@lru_cache(maxsize=8)
def _networks(values: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return proxy_networks(values)


def _address(text: str) -> IPAddress | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    # An IPv4 client seen on a dual-stack socket ("::ffff:10.0.0.10") is the IPv4 address.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, as recorded in the audit trail and keyed by the login lockout.

    REMOTE_ADDR, unless it is one of FENGTAI_TRUSTED_PROXIES (nginx in front of the app
    servers): then the right-most X-Forwarded-For address that is not a trusted proxy. Each
    trusted proxy appends the address it was connected from, so everything to the right of
    that address was written by proxies we trust, and everything to its left came from the
    client, who can write anything there. From an untrusted REMOTE_ADDR the header is ignored.
    If every address in the header is a trusted proxy, the left-most of them is the client;
    an entry that is not an address ends the walk at the last trusted proxy before it.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    trusted = _networks(tuple(getattr(settings, "FENGTAI_TRUSTED_PROXIES", ())))
    if remote is None or not trusted:
        return remote
    remote_address = _address(remote)
    if remote_address is None or not _is_trusted(remote_address, trusted):
        return remote
    client = remote_address
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for entry in reversed(forwarded.split(",") if forwarded.strip() else []):
        address = _address(entry)
        if address is None:
            break
        client = address
        if not _is_trusted(address, trusted):
            break
    return str(client)


def _is_trusted(address: IPAddress, networks: tuple[IPNetwork, ...]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


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
