"""Chinese ordinals as the evaluation table writes them (一 … 二十五)."""

_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """Return the Chinese numeral for 1 ≤ n ≤ 99.

    >>> [chinese_numeral(n) for n in (1, 10, 11, 20, 25, 99)]
    ['一', '十', '十一', '二十', '二十五', '九十九']
    """
    if not 1 <= n <= 99:
        raise ValueError(f"chinese_numeral supports 1–99, got {n}")
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    head = "" if tens == 1 else _DIGITS[tens]
    return head + "十" + (_DIGITS[ones] if ones else "")


def parse_chinese_numeral(text: str) -> int:
    """Inverse of :func:`chinese_numeral`.

    >>> [parse_chinese_numeral(s) for s in ("一", "十", "十一", "二十", "二十五")]
    [1, 10, 11, 20, 25]
    """
    if not text or any(ch not in _DIGITS + "十" for ch in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    if "十" not in text:
        return _DIGITS.index(text)
    head, _, tail = text.partition("十")
    tens = _DIGITS.index(head) if head else 1
    ones = _DIGITS.index(tail) if tail else 0
    return tens * 10 + ones
