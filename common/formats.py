"""Number and percentage formats used on pages (one definition each)."""

from decimal import Decimal


def num(value) -> str:
    """Decimal("5.00") → "5", "2.50" → "2.5"; None → "—"."""
    if value is None:
        return "—"
    return format(Decimal(value).normalize(), "f")


def pct(rate: Decimal | None) -> str:
    return "—" if rate is None else f"{rate * 100:.2f}%"
