"""Data rows serialized straight to worksheet XML, as openpyxl would write the same cells.

openpyxl's write-only mode still makes a Cell object per value, infers its type, hashes its
style and builds an ElementTree element per cell before serializing it; for a sheet of a few
thousand submissions that was most of the export's time. Every data cell of an exporter takes
a value and one of a few named styles, so a row is written here as text instead: the style's
id is looked up once per style, and each value becomes the ``<c>`` element openpyxl writes for
it (inline strings, numbers, dates as serial numbers, formulas with their stored result).
tests/reports/exporters/test_sheetxml.py checks the two agree, cell by cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, TIME_TYPES
from openpyxl.compat import safe_string
from openpyxl.compat.numbers import NUMERIC_TYPES
from openpyxl.utils.datetime import to_excel, to_ISO8601
from openpyxl.utils.exceptions import IllegalCharacterError

from reports.exporters.cached import Formula, stored_result

MAX_TEXT = 32767  # characters Excel holds in a cell; openpyxl cuts longer text there


def escape_text(text: str) -> str:
    """XML character data, escaped as ElementTree does (& < >)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _checked(value: str) -> str:
    """openpyxl's check of a string cell: cut at Excel's limit, control characters refused."""
    value = str(value)[:MAX_TEXT]  # str(): a TextChoices member is written as its value
    if ILLEGAL_CHARACTERS_RE.search(value):
        raise IllegalCharacterError(f"{value} cannot be used in worksheets.")
    return value


class RowSerializer:
    """Writes one sheet's data rows; style ids are resolved once per named style."""

    def __init__(self, ws, letters: Sequence[str]):
        self.ws = ws
        self.letters = letters
        self.epoch = ws.parent.epoch
        self.iso_dates = ws.parent.iso_dates
        self._style_ids: dict[str, str] = {}

    def style_id(self, name: str) -> str:
        """The workbook's id of the cell style `name`, as a cell given that style gets it."""
        sid = self._style_ids.get(name)
        if sid is None:
            cell = WriteOnlyCell(self.ws)
            cell.style = name
            sid = self._style_ids[name] = str(cell.style_id)
        return sid

    def row(
        self, number: int, values: Sequence[Any], styles: Sequence[str], height: float | None
    ) -> str:
        """The ``<row>`` of `values` (a value may be a Formula), each in its named style."""
        r = str(number)
        ht = f' ht="{safe_string(float(height))}" customHeight="1"' if height else ""
        parts = [f'<row r="{r}"{ht}>']
        for letter, value, style in zip(self.letters, values, styles, strict=True):
            parts.append(self.cell(f"{letter}{r}", self.style_id(style), value))
        parts.append("</row>")
        return "".join(parts)

    def cell(self, ref: str, sid: str, value: Any) -> str:
        head = f'<c r="{ref}" s="{sid}"'
        if value is None:
            return f'{head} t="n"/>'
        if isinstance(value, str):
            return self._text(head, value)
        if isinstance(value, bool):
            return f'{head} t="b"><v>{safe_string(value)}</v></c>'
        if isinstance(value, NUMERIC_TYPES):
            return f'{head} t="n"><v>{safe_string(value)}</v></c>'
        if isinstance(value, TIME_TYPES):
            if getattr(value, "tzinfo", None) is not None:
                raise TypeError(
                    "Excel does not support timezones in datetimes. "
                    "The tzinfo in the datetime/time object must be set to None."
                )
            if self.iso_dates and not isinstance(value, timedelta):
                return f'{head} t="d"><v>{to_ISO8601(value)}</v></c>'
            return f'{head} t="n"><v>{safe_string(to_excel(value, self.epoch))}</v></c>'
        if isinstance(value, Formula):  # written with its result, as cached.py fills it in
            text = _checked(value.text)
            extra, result = stored_result(value.cached)
            return f"{head}{extra}><f>{escape_text(text[1:])}</f><v>{result}</v></c>"
        raise ValueError(f"Cannot convert {value!r} to Excel")

    @staticmethod
    def _text(head: str, value: str) -> str:
        value = _checked(value)
        if value == "":
            return f'{head} t="inlineStr"/>'
        if len(value) > 1 and value[0] == "=":  # openpyxl's rule: a formula, no result
            return f"{head}><f>{escape_text(value[1:])}</f><v></v></c>"
        if value in ERROR_CODES:
            return f'{head} t="e"><v>{value}</v></c>'
        stripped = value.strip()
        space = ' xml:space="preserve"' if stripped and stripped != value else ""
        return f'{head} t="inlineStr"><is><t{space}>{escape_text(value)}</t></is></c>'
