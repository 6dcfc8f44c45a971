"""The evidence package (佐证材料包): one ZIP per cycle, streamed with bounded memory.

Layout: ``NN 指标名称/单位名称/原文件名`` for every file of each slot's latest approved version,
plus ``索引.xlsx`` at the root listing every file with its SHA-256.

Memory stays bounded whatever the package's size: zipfile writes onto a small write-through
sink that the generator drains after every write, so at most one read chunk (1 MiB) and a ZIP
header are held at a time. Nothing is written to disk.

Integrity. Every stored file is hashed twice:
1. Before its entry starts (evidence_verified_chunks reads it once, hashing only). A file that
   no longer matches the SHA-256 recorded at upload, or is missing, is left out; the index says
   so on its row and the error is logged. The package stays complete and usable: one damaged
   file must not keep the office from handing over the other several hundred.
2. While its bytes are copied into the ZIP. A mismatch here means the file changed during the
   download (nothing in the application writes to stored evidence, so this is tampering or a
   failing disk). The bytes already sent cannot be taken back, so the stream is aborted: the
   connection is cut before the ZIP's central directory, so the browser reports a failed
   download, and the bytes it holds end in padding that keeps any ZIP tool from opening them
   (see ABORT_PADDING); never a finished package holding unverified bytes. The error is
   logged; a retry then finds the file in step 1.
Reading twice costs disk reads, not memory; the package is rare and the files are small.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import F, OuterRef, Prefetch, Subquery
from django.utils import timezone

from common.formats import local, timestamp_text
from reports.exporters.base import Column, Exporter, Row, render_workbook
from reports.exporters.styles import CENTER, INTEGER
from scoring.access import user_is_office
from scoring.evidence.services import EvidenceIntegrityError, evidence_verified_chunks
from scoring.models import (
    Cycle,
    CycleIndicator,
    EventAction,
    EvidenceFile,
    SubmissionEvent,
    SubmissionVersion,
)

logger = logging.getLogger(__name__)

INDEX_NAME = "索引.xlsx"
ZIP_CONTENT_TYPE = "application/zip"
# Evidence is PDF, Office files and images, already compressed: storing saves the CPU.
COMPRESSION = zipfile.ZIP_STORED
FILE_MODE = 0o644 << 16
ABORT_PADDING = b"\0" * (0xFFFF + 22)  # longest ZIP comment + end record

INCLUDED = "已收入"
MISSING_OR_CHANGED = "未收入：文件缺失或与上传时的 SHA-256 不一致，请联系系统管理员"

# Characters Windows refuses in a name, and names it reserves.
_UNSAFE = re.compile(r'[<>:"/\\|?*]')
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"COM{i}" for i in range(1, 10)}
    | {f"LPT{i}" for i in range(1, 10)}
)
INDICATOR_NAME_MAX = 60
UNIT_NAME_MAX = 40
FILE_NAME_MAX = 100


class EvidencePackageAborted(Exception):
    """A file's bytes stopped matching its SHA-256 while they were being sent."""


# --- names -------------------------------------------------------------------------------------


def _split_extension(name: str) -> tuple[str, str]:
    stem, dot, ext = name.rpartition(".")
    if dot and stem and 0 < len(ext) <= 16 and " " not in ext:
        return stem, "." + ext
    return name, ""


def safe_component(raw: str, *, max_length: int, fallback: str = "未命名") -> str:
    """One path component that extracts the same on Windows, macOS and Linux.

    Separators and the characters Windows refuses become "_", control and format characters
    go, runs of blanks become one space, leading/trailing dots and blanks go (Windows drops
    them), reserved device names get a "_" prefix, and the name is cut to `max_length`
    characters keeping its extension.
    """
    text = "".join(
        "_" if _UNSAFE.match(ch) else ch
        for ch in raw
        if unicodedata.category(ch) not in ("Cc", "Cf")
    )
    text = " ".join(text.split()).strip(" .")
    stem, ext = _split_extension(text)
    if len(text) > max_length:
        text = stem[: max(1, max_length - len(ext))].rstrip(" .") + ext
        stem, ext = _split_extension(text)
    if stem.upper() in _RESERVED:
        text = "_" + text
    return text or fallback


def dedupe(name: str, taken: set[str]) -> str:
    """`name`, or `name (2)`, `name (3)` … before the extension, unused in `taken`.

    Compared case-insensitively (Windows and macOS folders are); `taken` is updated.
    """
    stem, ext = _split_extension(name)
    candidate, n = name, 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{stem} ({n}){ext}"
    taken.add(candidate.casefold())
    return candidate


# --- what goes in ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PackageEntry:
    evidence: EvidenceFile
    indicator_number: int
    indicator_name: str
    unit_name: str
    version_number: int
    path: str  # inside the ZIP, "/"-separated


@dataclass
class Package:
    cycle_name: str
    entries: list[PackageEntry]
    created_at: datetime = field(default_factory=timezone.now)

    @property
    def filename(self) -> str:
        return f"{self.cycle_name}佐证材料.zip"

    @property
    def total_size(self) -> int:
        return sum(e.evidence.size for e in self.entries)


def latest_approved_versions(cycle: Cycle) -> list[SubmissionVersion]:
    """For each slot of `cycle` ever approved, the last version the office approved.

    Read from the audit trail (区产改办审核通过 records the version it approved), so it stays
    right even for a slot that has moved on since. Two queries (versions, their files).
    """
    approved = (
        SubmissionEvent.objects.filter(slot=OuterRef("slot_id"), action=EventAction.APPROVED)
        .exclude(version_number=None)
        .order_by("-version_number")
        .values("version_number")[:1]
    )
    return list(
        SubmissionVersion.objects.filter(slot__cycle=cycle)
        .annotate(approved_number=Subquery(approved))
        .filter(number=F("approved_number"))
        .select_related("slot__unit")
        .prefetch_related(Prefetch("files", queryset=EvidenceFile.objects.order_by("id")))
        .order_by("slot__indicator__number", "-slot__is_lead", "slot__unit__display_order")
    )


def package_for_cycle(cycle: Cycle) -> Package:
    """The package's contents and paths, in table order (three queries; no file is read)."""
    items = {
        item.indicator_id: item
        for item in CycleIndicator.objects.filter(cycle=cycle).only(
            "indicator_id", "number", "name"
        )
    }
    taken: dict[str, set[str]] = {}
    entries = []
    for version in latest_approved_versions(cycle):
        slot = version.slot
        item = items[slot.indicator_id]
        folder = (
            f"{item.number:02d} {safe_component(item.name, max_length=INDICATOR_NAME_MAX)}/"
            f"{safe_component(slot.unit.name, max_length=UNIT_NAME_MAX)}"
        )
        for evidence in version.files.all():
            name = dedupe(
                safe_component(evidence.original_name, max_length=FILE_NAME_MAX),
                taken.setdefault(folder.casefold(), set()),
            )
            entries.append(
                PackageEntry(
                    evidence=evidence,
                    indicator_number=item.number,
                    indicator_name=item.name,
                    unit_name=slot.unit.name,
                    version_number=version.number,
                    path=f"{folder}/{name}",
                )
            )
    return Package(cycle_name=cycle.name, entries=entries)


# --- streaming ---------------------------------------------------------------------------------


class _Sink:
    """A write-only, unseekable file for zipfile: it keeps what was written until taken.

    zipfile sees no seek(), so it writes sizes and CRC after each entry (data descriptor)
    instead of going back, which is what makes streaming possible.
    """

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._position = 0

    def write(self, data) -> int:
        data = bytes(data)
        if data:
            self._parts.append(data)
            self._position += len(data)
        return len(data)

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        parts, self._parts = self._parts, []
        # A lone part (most often a whole read chunk) goes out as is, without a copy.
        return parts[0] if len(parts) == 1 else b"".join(parts)


def _zip_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    at = local(moment)
    return max(at.year, 1980), at.month, at.day, at.hour, at.minute, at.second


@dataclass(frozen=True)
class Outcome:
    entry: PackageEntry
    included: bool


def zip_stream(package: Package) -> Iterator[bytes]:
    """Yield the ZIP's bytes; raises EvidencePackageAborted mid-stream (see module doc)."""
    sink = _Sink()
    outcomes: list[Outcome] = []
    with zipfile.ZipFile(sink, "w", compression=COMPRESSION, allowZip64=True) as zf:
        for entry in package.entries:
            evidence = entry.evidence
            try:
                chunks = evidence_verified_chunks(evidence)
            except EvidenceIntegrityError:
                logger.error(
                    "evidence package %s: evidence %s (%s) left out, missing or SHA-256 mismatch",
                    package.cycle_name,
                    evidence.pk,
                    entry.path,
                )
                outcomes.append(Outcome(entry, included=False))
                continue
            info = zipfile.ZipInfo(entry.path, date_time=_zip_time(evidence.uploaded_at))
            info.compress_type = COMPRESSION
            info.external_attr = FILE_MODE
            info.file_size = evidence.size  # lets zipfile choose ZIP64 headers up front
            digest = hashlib.sha256()
            with closing(chunks), zf.open(info, "w") as dest:
                for chunk in chunks:
                    digest.update(chunk)
                    dest.write(chunk)
                    yield sink.take()
            if digest.hexdigest() != evidence.sha256:
                logger.error(
                    "evidence package %s: evidence %s (%s) changed while being sent; aborted",
                    package.cycle_name,
                    evidence.pk,
                    entry.path,
                )
                # Stored Office files are ZIPs themselves: their end records are in the bytes
                # already sent, and a reader scanning the tail of a cut-off download could open
                # one of them as if it were the package. No end record is looked for further
                # back than the longest ZIP comment, so this much padding hides them all.
                yield ABORT_PADDING
                raise EvidencePackageAborted(f"evidence {evidence.pk} changed during download")
            outcomes.append(Outcome(entry, included=True))
        index = zipfile.ZipInfo(INDEX_NAME, date_time=_zip_time(package.created_at))
        index.compress_type = zipfile.ZIP_DEFLATED  # the one compressible member
        index.external_attr = FILE_MODE
        zf.writestr(index, index_xlsx(package, outcomes))
    yield sink.take()


class EvidenceIndexSheet(Exporter):
    """索引: one row per file of the package, included or not."""

    name = "evidence_index"
    sheet_title = "索引"
    required_permission = staticmethod(user_is_office)
    columns = (
        Column("序号", 6, CENTER),
        Column("指标序号", 8, CENTER),
        Column("三级指标", 24),
        Column("责任单位", 14),
        Column("版本", 6, CENTER),
        Column("材料名称", 20),
        Column("原文件名", 24),
        Column("包内路径", 40),
        Column("大小（字节）", 12, INTEGER),
        Column("SHA-256", 30),
        Column("状态", 16),
    )

    def __init__(self, package: Package, outcomes: list[Outcome]):
        self.package = package
        self.outcomes = outcomes

    @property
    def heading(self) -> str:
        return f"{self.package.cycle_name}佐证材料索引"

    @property
    def banner(self) -> str:
        left_out = sum(1 for o in self.outcomes if not o.included)
        when = timestamp_text(self.package.created_at)
        text = f"生成于 {when}，共 {len(self.outcomes)} 个文件"
        return text + (f"，其中 {left_out} 个未收入（见“状态”列）。" if left_out else "。")

    def rows(self) -> Iterable[Row]:
        for n, o in enumerate(self.outcomes, start=1):
            e = o.entry
            yield Row(
                [
                    n,
                    e.indicator_number,
                    e.indicator_name,
                    e.unit_name,
                    e.version_number,
                    e.evidence.title,
                    e.evidence.original_name,
                    e.path if o.included else None,
                    e.evidence.size,
                    e.evidence.sha256,
                    INCLUDED if o.included else MISSING_OR_CHANGED,
                ]
            )


def index_xlsx(package: Package, outcomes: list[Outcome]) -> bytes:
    return render_workbook(
        [EvidenceIndexSheet(package, outcomes)], title=f"{package.cycle_name}佐证材料索引"
    ).data


INDEX_HEADERS = [c.header for c in EvidenceIndexSheet.columns]
