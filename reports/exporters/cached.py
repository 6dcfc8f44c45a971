"""Stored results for formula cells, written into the saved package.

openpyxl writes a formula cell as ``<c r="G9"><f>SUM(G4:G8)</f><v/></c>``: no result. Excel
recalculates on opening, but previews, phones, and LibreOffice opening a file that says it comes
from Excel show the stored value, i.e. nothing. This fills in ``<v>`` for the cells the exporter
knows the results of. Only sheets that hold formulas are read into memory; every other part of
the package is copied through as a stream.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any
from xml.sax.saxutils import escape

# Exactly what openpyxl 3.1 writes for a formula cell with no result (etree and lxml writers).
_FORMULA_CELL = re.compile(rb'<c r="([A-Z]+[0-9]+)"([^>]*)><f>([^<]*)</f>(?:<v\s*/>|<v></v>)')


@dataclass(frozen=True)
class Formula:
    """A formula the exporter builds from cell references (never from user text), and its value.

    openpyxl stores formulas without a result. `cached` is written in as the cell's stored value,
    so previews, phones and LibreOffice (which trusts the stored values of a file that says it
    comes from Excel) show the number without recalculating. It must be what the formula gives.
    """

    text: str  # starts with "="
    cached: Decimal | int | float | str


class CachedValueError(RuntimeError):
    """A formula cell to fill was not found: openpyxl's output format changed."""


def _number(value: Decimal | int | float) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    return repr(value)


def stored_result(value: Any) -> tuple[str, str]:
    """(extra attributes of the ``<c>``, text of its ``<v>``) storing `value` as a result."""
    if isinstance(value, str):
        return ' t="str"', escape(value)
    if isinstance(value, bool):
        return ' t="b"', "1" if value else "0"
    return "", _number(value)


def fill_sheet(xml: bytes, values: dict[str, Any]) -> bytes:
    """The sheet XML with ``<v>`` set for each coordinate in `values` (str → ``t="str"``)."""
    filled: set[str] = set()

    def replace(match: re.Match[bytes]) -> bytes:
        coordinate = match.group(1).decode()
        if coordinate not in values:
            return match.group(0)
        extra, text = stored_result(values[coordinate])
        attributes = match.group(2) + extra.encode()
        filled.add(coordinate)
        return b'<c r="%s"%s><f>%s</f><v>%s</v>' % (
            match.group(1),
            attributes,
            match.group(3),
            text.encode(),
        )

    result = _FORMULA_CELL.sub(replace, xml)
    missing = set(values) - filled
    if missing:
        raise CachedValueError(f"formula cells not found: {sorted(missing)[:5]}")
    return result


def fill_cached_values(source: IO[bytes], target: IO[bytes], sheets: dict[str, dict]) -> None:
    """Copy the .xlsx package `source` to `target`, filling in results per sheet part path."""
    with (
        zipfile.ZipFile(source) as zin,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout,
    ):
        for info in zin.infolist():
            values = sheets.get(info.filename)
            if values:
                zout.writestr(info, fill_sheet(zin.read(info), values))
                continue
            with zin.open(info) as src, zout.open(info, "w") as dst:
                shutil.copyfileobj(src, dst, 1 << 16)
