"""Display names for uploaded evidence files.

The cleaned name is what users see and what a download is called. It is never a path on disk:
storage keys are generated elsewhere, so this module only has to make the name honest (no
directory part, no invisible or reordering characters) and of a bounded length.
"""

import re
import unicodedata

FALLBACK_NAME = "未命名文件"

_SEPARATORS = re.compile(r"[/\\]")
# Cc: NUL, \t, \n, \r and other C0/C1 controls. Cf: format characters such as U+202E
# (right-to-left override), which can make "报告‮fdp.exe" display as "报告exe.pdf".
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf"})
# An "extension" longer than this is part of the name, not a type, and is not kept whole.
_MAX_EXTENSION_LENGTH = 16


def clean_filename(raw: str, *, max_length: int = 255) -> str:
    """Return the last path component of ``raw`` made safe to show; never an empty string.

    ``max_length`` counts characters, not bytes: a 200-character Chinese name stays whole.
    """
    name = _SEPARATORS.split(raw)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in _DROPPED_CATEGORIES)
    # Leading dots would hide the file on Unix and make ".pdf" look like a bare extension.
    name = " ".join(name.split()).lstrip(". ")
    if len(name) > max_length:
        name = _shorten(name, max_length)
    return name or FALLBACK_NAME


def extension_of(name: str) -> str:
    """Lower-case extension without the dot; "" when there is none (".bashrc" has none)."""
    stem, dot, extension = name.rpartition(".")
    return extension.lower() if dot and stem else ""


def _shorten(name: str, max_length: int) -> str:
    extension = extension_of(name)
    if extension and len(extension) <= _MAX_EXTENSION_LENGTH and len(extension) < max_length - 1:
        suffix = name[-len(extension) - 1 :]
        return name[: max_length - len(suffix)].rstrip() + suffix
    return name[:max_length].rstrip()
