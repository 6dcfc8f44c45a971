"""Server-side SVG charts: pure functions from numbers and labels to an inline <svg> string.

No JavaScript, no external fonts or stylesheets (the intranet has no CDN): the SVG carries its
own colours and inherits the page's font. Every piece of text goes through
django.utils.html.escape, so a unit or indicator name cannot inject markup; the result is
therefore safe to embed as is and is returned marked safe.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

SVG_NS = "http://www.w3.org/2000/svg"

# Colours of the house palette (static/css/app.css).
EARNED = "#1d4f91"
LOST = "#e5a23c"
OPEN = "#d9dee4"
NOT_APPLICABLE = "#f4f5f7"
RATE = "#b71c1c"
STATUS_COLOURS = {
    "not_started": "#c5ccd4",
    "draft": "#8fb3e0",
    "pending_approval": "#9b6fc0",
    "submitted": "#e5a23c",
    "returned": "#b71c1c",
    "approved": "#1b7f3b",
}

ROW = 26
BAR = 16
FONT = 13
LEGEND = 24
AXIS = 20
LABEL_WIDTH = 200
NOTE_WIDTH = 130
MAX_LABEL = 15  # characters shown before "…"; the full label is in the tooltip


@dataclass(frozen=True)
class Segment:
    value: Decimal | int | float
    name: str
    colour: str


@dataclass(frozen=True)
class StackedBar:
    label: str
    segments: Sequence[Segment]
    note: str = ""  # printed right of the bar, e.g. "12.5 / 20 分"


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | int | float | None  # None: no bar (e.g. nothing scored yet)
    note: str = ""


def _num(value) -> str:
    """A coordinate: two decimals at most, no exponent."""
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def _tick(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _svg(width: int, height: int, title: str, body: list[str]) -> SafeString:
    t = escape(title)
    return mark_safe(  # noqa: S308 - every text above is escaped, every number formatted here
        f'<svg xmlns="{SVG_NS}" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{t}" '
        f'font-size="{FONT}" preserveAspectRatio="xMinYMin meet">'
        f"<title>{t}</title>" + "".join(body) + "</svg>"
    )


def _legend(items: Sequence[tuple[str, str]], x0: int) -> list[str]:
    out, x = [], x0
    for name, colour in items:
        out.append(
            f'<rect x="{x}" y="6" width="12" height="12" fill="{colour}" stroke="#9aa5b1" '
            f'stroke-width="0.5"/><text x="{x + 16}" y="16">{escape(name)}</text>'
        )
        x += 16 + FONT * (len(name) + 2)
    return out


def _axis(x0: float, span: float, y0: int, y1: int, scale_max: float, suffix: str) -> list[str]:
    out = []
    for i in range(5):
        x = x0 + span * i / 4
        out.append(
            f'<line x1="{_num(x)}" y1="{y0}" x2="{_num(x)}" y2="{y1}" stroke="#e4e7eb"/>'
            f'<text x="{_num(x)}" y="{y1 + 14}" text-anchor="middle" fill="#616e7c">'
            f"{escape(_tick(scale_max * i / 4) + suffix)}</text>"
        )
    return out


def stacked_bar_chart(
    bars: Sequence[StackedBar],
    *,
    title: str,
    scale_max: Decimal | int | float | None = None,
    width: int = 820,
    axis_suffix: str = "",
) -> SafeString:
    """Horizontal bars, each made of coloured segments laid end to end, on one shared scale.

    The scale runs from 0 to `scale_max` (default: the longest bar), so bars of different
    totals compare at a glance. A legend names the segments of the first bar.
    """
    totals = [sum(float(s.value) for s in bar.segments) for bar in bars]
    top = float(scale_max) if scale_max is not None else max(totals, default=0.0)
    top = top if top > 0 else 1.0
    x0 = LABEL_WIDTH
    span = width - LABEL_WIDTH - NOTE_WIDTH
    y_first = LEGEND + 6
    height = y_first + ROW * len(bars) + AXIS + 4
    legend: dict[str, str] = {}
    for bar in bars:
        for s in bar.segments:
            legend.setdefault(s.name, s.colour)
    body = _legend(list(legend.items()), x0)
    body += _axis(x0, span, y_first, y_first + ROW * len(bars), top, axis_suffix)
    for i, bar in enumerate(bars):
        y = y_first + ROW * i
        body.append(
            f'<g><title>{escape(bar.label)}</title><text x="{x0 - 8}" y="{y + BAR - 2}" '
            f'text-anchor="end">{escape(_short(bar.label))}</text>'
        )
        x = float(x0)
        for s in bar.segments:
            w = span * float(s.value) / top
            if w <= 0:
                continue
            body.append(
                f'<rect x="{_num(x)}" y="{y + 2}" width="{_num(w)}" height="{BAR}" '
                f'fill="{s.colour}"><title>{escape(s.name)}：{escape(_tick(float(s.value)))}'
                f"</title></rect>"
            )
            x += w
        body.append(f'<text x="{_num(x0 + span + 8)}" y="{y + BAR - 2}">{escape(bar.note)}</text>')
        body.append("</g>")
    return _svg(width, height, title, body)


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    scale_max: Decimal | int | float | None = None,
    colour: str = RATE,
    legend: str = "",
    width: int = 820,
    axis_suffix: str = "",
) -> SafeString:
    """Horizontal bars of one value each; a bar without a value is left empty (not 0)."""
    return stacked_bar_chart(
        [
            StackedBar(
                bar.label,
                [] if bar.value is None else [Segment(bar.value, legend or title, colour)],
                bar.note,
            )
            for bar in bars
        ],
        title=title,
        scale_max=scale_max,
        width=width,
        axis_suffix=axis_suffix,
    )
