"""A readable text diff between two submitted versions (sentences, then characters)."""

import re
from difflib import SequenceMatcher

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Chinese has no spaces between words: align sentence by sentence, then character by character
# inside the sentences that changed.
_SENTENCE = re.compile(r"[^。！？；!?;\n]*[。！？；!?;\n]|[^。！？；!?;\n]+")


# Above this size a changed passage is shown as removed and added whole (quadratic matching).
_CHAR_DIFF_LIMIT = 3000


# Below this similarity a character diff is noise (common characters matched at random).
_CHAR_DIFF_MIN_RATIO = 0.4


def text_diff(old: str, new: str) -> list[tuple[str, str]]:
    """[(op, text)] with op "equal", "delete" or "insert", adjacent runs merged."""
    a, b = _SENTENCE.findall(old), _SENTENCE.findall(new)
    out: list[tuple[str, str]] = []

    def add(op: str, text: str) -> None:
        if not text:
            return
        if out and out[-1][0] == op:
            out[-1] = (op, out[-1][1] + text)
        else:
            out.append((op, text))

    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        before, after = "".join(a[i1:i2]), "".join(b[j1:j2])
        if tag == "equal":
            add("equal", before)
            continue
        matcher = None
        if tag == "replace" and len(before) + len(after) <= _CHAR_DIFF_LIMIT:
            matcher = SequenceMatcher(None, before, after, autojunk=False)
            if matcher.ratio() < _CHAR_DIFF_MIN_RATIO:
                matcher = None
        if matcher is None:
            add("delete", before)
            add("insert", after)
            continue
        for op, k1, k2, l1, l2 in matcher.get_opcodes():
            if op == "equal":
                add("equal", before[k1:k2])
            else:
                add("delete", before[k1:k2])
                add("insert", after[l1:l2])
    return out


def text_diff_html(old: str, new: str) -> SafeString:
    """The difference as HTML: removed text in <del>, added text in <ins>, all of it escaped."""
    tags = {"delete": "del", "insert": "ins"}
    parts = []
    for op, text in text_diff(old, new):
        escaped = escape(text)
        parts.append(f"<{tags[op]}>{escaped}</{tags[op]}>" if op in tags else escaped)
    return mark_safe("".join(parts))  # noqa: S308 - every piece of user text is escaped above
