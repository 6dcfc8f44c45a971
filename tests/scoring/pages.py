"""Reading what a page shows: the flash messages and raw multipart requests."""

import html
import re

_MESSAGE = re.compile(r'<li class="msg msg-(\w+)">(.*?)</li>', re.S)
BOUNDARY = "----fengtaiTestBoundary7MA4YWxkTrZu0gW"


def messages_shown(response) -> list[tuple[str, str]]:
    """[(level, text)] of the messages rendered on the page, unescaped."""
    return [
        (level, html.unescape(text)) for level, text in _MESSAGE.findall(response.content.decode())
    ]


def errors_shown(response) -> list[str]:
    return [text for level, text in messages_shown(response) if level == "error"]


def multipart_body(*, disposition: bytes, content: bytes, title: str = "") -> tuple[bytes, str]:
    """A multipart body whose file part carries exactly `disposition` after `name="file"; `.

    The test client's own encoder takes os.path.basename() of the name first, so a path or
    an RFC 2231 `filename*` never reaches the server through it; browsers and scripts can send
    anything.
    """
    b = BOUNDARY.encode()
    lines = [
        b"--" + b,
        b'Content-Disposition: form-data; name="title"',
        b"",
        title.encode(),
        b"--" + b,
        b'Content-Disposition: form-data; name="file"; ' + disposition,
        b"Content-Type: application/octet-stream",
        b"",
        content,
        b"--" + b + b"--",
        b"",
    ]
    return b"\r\n".join(lines), f"multipart/form-data; boundary={BOUNDARY}"
