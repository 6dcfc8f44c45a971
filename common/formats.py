"""How numbers, percentages, dates and times read on pages, in messages and in sheets.

One definition each: a number or a time written in two places must read the same in both.
Times are always shown in Beijing time (Asia/Shanghai), whatever the server's zone.
"""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")


def num(value) -> str:
    """Decimal("5.00") → "5", "2.50" → "2.5", "100" → "100" (never 1E+2); None → "—"."""
    if value is None:
        return "—"
    return format(Decimal(value).normalize(), "f")


def plain_decimal(value) -> Decimal:
    """196400.0000 → 196400, 12.5000 → 12.5: the same number without trailing zeros or exponent."""
    return Decimal(num(value))


def pct(rate: Decimal | None) -> str:
    return "—" if rate is None else f"{rate * 100:.2f}%"


def local(moment: datetime) -> datetime:
    """The moment in Beijing time."""
    return timezone.localtime(moment, SHANGHAI)


def datetime_text(moment: datetime) -> str:
    """How a time reads in a Chinese sentence: 2026年3月1日 09:00."""
    at = local(moment)
    return f"{at.year}年{at.month}月{at.day}日 {at:%H:%M}"


def iso_datetime_text(iso: str | None) -> str:
    """datetime_text of an ISO string stored in an audit event; "—" when there is none."""
    if not iso:
        return "—"
    return datetime_text(datetime.fromisoformat(iso))


def timestamp_text(moment: datetime) -> str:
    """How a time reads in a table cell, a notice or a file: 2026-03-01 09:00."""
    return f"{local(moment):%Y-%m-%d %H:%M}"
