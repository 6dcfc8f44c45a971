"""Read the district's evaluation table (附件1) from the text the Word document was saved as.

The text is a flattened Word table: each cell starts with a tab, a line without a tab continues
the cell above it, an empty line ends a row, and the header row repeats on every page. Empty
一级/二级 cells mean "same as the row above" (merged cells in the original).
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from common.numerals import parse_chinese_numeral

WORD_ARTIFACTS = ("[bookmark: _GoBack]",)
HEADER = ("一级指标", "二级指标", "三级指标", "指标具体内涵", "责任单位")
SCOPE_WORDS = ("各成员单位", "相关成员单位")

_LEVEL1 = re.compile(r"^([一二三四五六七八九十]+)、(.+)$", re.S)
_LEVEL2 = re.compile(r"^（([一二三四五六七八九十]+)）\s*(.+)$", re.S)


@dataclass(frozen=True)
class SeedIndicator:
    number: int
    level1_number: int
    level1_name: str
    level2_number: int
    level2_name: str
    name: str
    content: str
    responsibility: str  # as written, e.g. "区发改委、各成员单位"
    units: tuple[str, ...] = field(default=())  # named units in order
    scope: str = ""  # "各成员单位", "相关成员单位" or ""


@dataclass(frozen=True)
class SeedTable:
    title: str
    indicators: tuple[SeedIndicator, ...]


class SeedFormatError(ValueError):
    pass


def _rows(text: str) -> list[list[str]]:
    rows: list[list[str]] = []
    cells: list[str] = []
    for line in text.splitlines():
        if line.startswith("\t"):
            cells.append(line[1:])
        elif line.strip() == "":
            if cells:
                rows.append(cells)
                cells = []
        elif cells:
            cells[-1] += "\n" + line
        else:
            raise SeedFormatError(f"text outside any cell: {line!r}")
    if cells:
        rows.append(cells)
    return rows


def _clean(cell: str) -> str:
    for artifact in WORD_ARTIFACTS:
        cell = cell.replace(artifact, "")
    return cell.strip()


def split_responsibility(text: str) -> tuple[tuple[str, ...], str]:
    """Split "区人社局、区教委、各成员单位" into named units and the collective scope word."""
    units: list[str] = []
    scope = ""
    for part in text.split("、"):
        if part in SCOPE_WORDS:
            if scope:
                raise SeedFormatError(f"two scope words in {text!r}")
            scope = part
        elif scope:
            raise SeedFormatError(f"a unit after the scope word in {text!r}")
        else:
            units.append(part)
    return tuple(units), scope


def parse_seed(text: str) -> SeedTable:
    lines = text.splitlines()
    if len(lines) < 3 or not lines[0].startswith("附件"):
        raise SeedFormatError("the seed should start with 附件 and the table title")
    title = lines[1].strip()
    indicators: list[SeedIndicator] = []
    level1: tuple[int, str] | None = None
    level2: tuple[int, str] | None = None
    for cells in _rows("\n".join(lines[2:])):
        cells = [_clean(c) for c in cells]
        if tuple(cells) == HEADER:
            continue
        if len(cells) != 6:
            raise SeedFormatError(f"expected 6 cells, got {len(cells)}: {cells!r}")
        l1, l2, number, name, content, responsibility = cells
        if l1:
            m = _LEVEL1.match(l1)
            if not m:
                raise SeedFormatError(f"bad 一级指标 cell {l1!r}")
            level1 = (parse_chinese_numeral(m[1]), m[2].strip())
        if l2:
            m = _LEVEL2.match(l2)
            if not m:
                raise SeedFormatError(f"bad 二级指标 cell {l2!r}")
            level2 = (parse_chinese_numeral(m[1]), re.sub(r"\s+", "", m[2]))
        if level1 is None or level2 is None:
            raise SeedFormatError(f"indicator {number} has no parent")
        units, scope = split_responsibility(responsibility)
        indicators.append(
            SeedIndicator(
                number=int(number),
                level1_number=level1[0],
                level1_name=level1[1],
                level2_number=level2[0],
                level2_name=level2[1],
                name=name,
                content=content,
                responsibility=responsibility,
                units=units,
                scope=scope,
            )
        )
    numbers = [i.number for i in indicators]
    if numbers != list(range(1, len(numbers) + 1)):
        raise SeedFormatError("indicator numbers are not 1…n in order")
    return SeedTable(title=title, indicators=tuple(indicators))


def read_seed(path: str | Path) -> SeedTable:
    return parse_seed(Path(path).read_text(encoding="utf-8"))
