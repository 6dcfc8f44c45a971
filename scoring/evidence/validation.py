"""Checks an uploaded evidence file (佐证材料) before anything stores it.

Pure: no models, no database. The file is judged by its bytes, never by what the browser said:
a renamed executable, a web page or a macro document is refused whatever its name. Files go up
to 50 MB, so nothing here reads one whole into memory: the head and tail are read directly,
everything else streams in 1 MB chunks, and archives are judged by their central directory.
"""

import codecs
import hashlib
import os
import re
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import BinaryIO

import olefile
from django.conf import settings

from scoring.evidence.filenames import clean_filename, extension_of

MB = 1024 * 1024
CHUNK_SIZE = MB
HEAD_SIZE = 8 * 1024

DEFAULT_ALLOWED_EXTENSIONS = (
    "pdf", "ofd", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "wps", "et", "dps",
    "txt", "jpg", "jpeg", "png", "zip",
)  # fmt: skip
DEFAULT_MAX_FILE_SIZE = 50 * MB
DEFAULT_ZIP_MAX_ENTRIES = 1000
DEFAULT_ZIP_MAX_UNCOMPRESSED = 1024 * MB
DEFAULT_ZIP_MAX_RATIO = 200

# WPS Office writes .wps/.et/.dps in the same compound-file layout as Word, Excel and PowerPoint,
# so they share those MIME types.
_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "ofd": "application/ofd",
    "doc": "application/msword",
    "wps": "application/msword",
    "xls": "application/vnd.ms-excel",
    "et": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
    "dps": "application/vnd.ms-powerpoint",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "zip": "application/zip",
    "txt": "text/plain",  # the charset is appended once the text is decoded
}
_KINDS = {
    "pdf": "PDF 文件",
    "ofd": "OFD 文件",
    "doc": "Word 文档",
    "docx": "Word 文档",
    "wps": "WPS 文字文档",
    "xls": "Excel 表格",
    "xlsx": "Excel 表格",
    "et": "WPS 表格",
    "ppt": "PowerPoint 演示文稿",
    "pptx": "PowerPoint 演示文稿",
    "dps": "WPS 演示文稿",
    "txt": "TXT 文本文件",
    "jpg": "JPEG 图片",
    "jpeg": "JPEG 图片",
    "png": "PNG 图片",
    "zip": "ZIP 压缩包",
}
_MESSAGES = {
    "empty": "文件“{name}”为空文件，请重新选择。",
    "too_large": "文件“{name}”超过大小上限 {limit}，请压缩或拆分后再上传。",
    "extension": "文件“{name}”的类型不允许上传。允许的类型：{allowed}。",
    "mismatch": "文件“{name}”内容与扩展名不符：不是有效的 {kind}。请上传原始文件，不要只修改扩展名。",
    "executable": "文件“{name}”是可执行文件，不能作为佐证材料上传。",
    "html": "文件“{name}”含有网页或脚本内容，不能上传。",
    "pdf_action": "文件“{name}”含有脚本或自动运行的动作，不能上传。请用“打印为 PDF”重新生成后再上传。",
    "macro": "文件“{name}”含有宏，不能上传。请另存为不含宏的格式后再上传。",
    "zip_path": "文件“{name}”中有不安全的路径“{entry}”，不能上传。",
    "zip_bomb": "文件“{name}”解压后体积异常（疑似压缩炸弹），不能上传。",
    "zip_entries": "文件“{name}”内含的文件超过 {limit} 个，请拆分后再上传。",
    "corrupt": "文件“{name}”已损坏或无法识别，请重新生成后再上传。",
}

_EXECUTABLE_MAGICS = (
    b"MZ",  # DOS/Windows PE
    b"\x7fELF",
    bytes.fromhex("feedface"),  # Mach-O 32-bit, big-endian
    bytes.fromhex("feedfacf"),
    bytes.fromhex("cefaedfe"),  # Mach-O little-endian
    bytes.fromhex("cffaedfe"),
    bytes.fromhex("cafebabe"),  # Mach-O universal binary (and Java classes)
    b"#!",
)
# What a browser sniffing the head would take for a page, an image with script, or a server page.
_HTML_OPENERS = (
    b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<iframe", b"<svg",
    b"<object", b"<embed", b"<?php", b"<%",
)  # fmt: skip
# Searched through whole non-archive files: catches markup hidden in PNG chunks or after them.
_MARKUP_MARKERS = (b"<script", b"<html", b"<iframe", b"javascript:")
_PDF_ACTION_MARKERS = (b"/javascript", b"/launch")
# PDF names may spell letters as #xx ("/J#61vaScript"); decode before searching.
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9a-f]{2})")
# Longer than any marker, even "/javascript" written entirely in #xx escapes (31 bytes).
_SCAN_OVERLAP = 64

_PDF_HEADER_WINDOW = 1024
_PDF_TAIL_SIZE = 2048
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_MAX_CHUNK = 2**31 - 1
_JPEG_SIGNATURE = b"\xff\xd8\xff"
_OLE_SIGNATURE = bytes.fromhex("d0cf11e0a1b11ae1")
_OLE_MAIN_STREAMS = {
    "doc": {"worddocument"},
    "wps": {"worddocument"},
    "xls": {"workbook", "book"},
    "et": {"workbook", "book"},
    "ppt": {"powerpoint document"},
    "dps": {"powerpoint document"},
}
_OLE_MACRO_NAMES = frozenset({"macros", "vba", "_vba_project_cur", "_vba_project"})

_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
_CONTENT_TYPES_PART = "[content_types].xml"
# Part names compare case-insensitively, as OPC does.
_ZIP_REQUIRED_PARTS = {
    "zip": (),
    "docx": (_CONTENT_TYPES_PART, "word/document.xml"),
    "xlsx": (_CONTENT_TYPES_PART, "xl/workbook.xml"),
    "pptx": (_CONTENT_TYPES_PART, "ppt/presentation.xml"),
    "ofd": ("ofd.xml",),
}
_MAX_CONTENT_TYPES_SIZE = MB
# Only large entries count towards the ratio rule: a few KB of XML compresses 200:1 honestly.
_BOMB_MIN_ENTRY_SIZE = MB
# zipfile builds an object per central-directory record, so the directory's size is bounded
# before zipfile sees it. 2 KB a record leaves room for long Chinese paths and extra fields.
_DIRECTORY_BYTES_PER_ENTRY = 2048
_EOCD = struct.Struct("<4s4H2LH")
_ZIP64_LOCATOR_SIZE = 20
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")
_UNSAFE_ENTRY = re.compile(r"^[/\\]|^[A-Za-z]:|(^|[/\\])\.\.([/\\]|$)|\x00")

SUPPORTED_EXTENSIONS = frozenset(_CONTENT_TYPES)


@dataclass(frozen=True)
class EvidencePolicy:
    """Limits for one upload. A deployment may narrow the types but not add unchecked ones."""

    allowed_extensions: tuple[str, ...] = DEFAULT_ALLOWED_EXTENSIONS
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    zip_max_entries: int = DEFAULT_ZIP_MAX_ENTRIES
    zip_max_uncompressed: int = DEFAULT_ZIP_MAX_UNCOMPRESSED
    zip_max_ratio: float = DEFAULT_ZIP_MAX_RATIO

    def __post_init__(self) -> None:
        normalized = tuple(dict.fromkeys(e.lower().lstrip(".") for e in self.allowed_extensions))
        unsupported = sorted(set(normalized) - SUPPORTED_EXTENSIONS)
        if unsupported:
            raise ValueError(f"No content check exists for: {', '.join(unsupported)}")
        object.__setattr__(self, "allowed_extensions", normalized)

    @classmethod
    def from_settings(cls) -> "EvidencePolicy":
        return cls(
            allowed_extensions=tuple(
                getattr(settings, "EVIDENCE_ALLOWED_EXTENSIONS", DEFAULT_ALLOWED_EXTENSIONS)
            ),
            max_file_size=getattr(settings, "EVIDENCE_MAX_FILE_SIZE", DEFAULT_MAX_FILE_SIZE),
            zip_max_entries=getattr(settings, "EVIDENCE_ZIP_MAX_ENTRIES", DEFAULT_ZIP_MAX_ENTRIES),
            zip_max_uncompressed=getattr(
                settings, "EVIDENCE_ZIP_MAX_UNCOMPRESSED", DEFAULT_ZIP_MAX_UNCOMPRESSED
            ),
            zip_max_ratio=getattr(settings, "EVIDENCE_ZIP_MAX_RATIO", DEFAULT_ZIP_MAX_RATIO),
        )


@dataclass(frozen=True)
class Inspection:
    extension: str
    content_type: str
    sha256: str


class EvidenceRejected(Exception):
    """A file refused for a reason the uploader can read (``message``) and code can test (``code``)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class _Refusal(Exception):
    """Raised by the format checks, which do not know the file's display name."""

    def __init__(self, code: str, **details: str) -> None:
        super().__init__(code)
        self.code = code
        self.details = details


def inspect_file(
    fileobj: BinaryIO, *, filename: str, size: int, policy: EvidencePolicy
) -> Inspection:
    """Return what the file really is, or raise EvidenceRejected. The position ends at 0.

    ``fileobj`` must be seekable binary (an UploadedFile or ``open(path, "rb")``); ``filename``
    is the name as uploaded and ``size`` the size the upload handler counted.
    """
    name = clean_filename(filename)
    extension = extension_of(name)
    try:
        return _inspect(fileobj, extension=extension, size=size, policy=policy)
    except _Refusal as refusal:
        fields = {
            "name": name,
            "kind": _KINDS.get(extension, ""),
            "limit": _format_size(policy.max_file_size),
            "allowed": "、".join(e.upper() for e in policy.allowed_extensions),
            **refusal.details,
        }
        raise EvidenceRejected(refusal.code, _MESSAGES[refusal.code].format(**fields)) from None
    finally:
        fileobj.seek(0)


def _inspect(fileobj: BinaryIO, *, extension: str, size: int, policy: EvidencePolicy) -> Inspection:
    if extension not in policy.allowed_extensions:
        raise _Refusal("extension")
    fileobj.seek(0, os.SEEK_END)
    # Trust neither number alone: the declared size is checked before any read, the real one after.
    for observed in (size, fileobj.tell()):
        if observed == 0:
            raise _Refusal("empty")
        if observed > policy.max_file_size:
            raise _Refusal("too_large")
    size = fileobj.tell()

    fileobj.seek(0)
    head = fileobj.read(HEAD_SIZE)
    if head.startswith(_EXECUTABLE_MAGICS):
        raise _Refusal("executable")
    if _looks_like_html(head):
        raise _Refusal("html")

    container = extension in _ZIP_REQUIRED_PARTS
    sha256, finding = _digest_and_scan(fileobj, markup=not container, pdf=extension == "pdf")
    if finding:
        raise _Refusal(finding)

    content_type = _CONTENT_TYPES[extension]
    if container:
        _check_zip(fileobj, head=head, size=size, extension=extension, policy=policy)
    elif extension in _OLE_MAIN_STREAMS:
        _check_ole(fileobj, head=head, extension=extension)
    elif extension == "pdf":
        _check_pdf(fileobj, head=head, size=size)
    elif extension == "png":
        _check_png(fileobj, size=size)
    elif extension in ("jpg", "jpeg"):
        if not head.startswith(_JPEG_SIGNATURE):
            raise _Refusal("mismatch")
    elif extension == "txt":
        content_type = f"{content_type}; charset={_text_charset(fileobj)}"
    return Inspection(extension=extension, content_type=content_type, sha256=sha256)


def _looks_like_html(head: bytes) -> bool:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        head = head.decode("utf-16", "ignore").encode("utf-8", "ignore")
    head = head.removeprefix(codecs.BOM_UTF8).lstrip(b" \t\n\r\f").lower()
    return head.startswith(b"<") and any(opener in head for opener in _HTML_OPENERS)


def _digest_and_scan(fileobj: BinaryIO, *, markup: bool, pdf: bool) -> tuple[str, str | None]:
    """One streaming pass: the SHA-256 of the whole file and the first refusal code found."""
    digest = hashlib.sha256()
    finding = None
    carry = b""
    fileobj.seek(0)
    while chunk := fileobj.read(CHUNK_SIZE):
        digest.update(chunk)
        if finding is None and (markup or pdf):
            # The carried tail finds a marker split across two chunks.
            window = carry + chunk.lower()
            finding = _scan_window(window, markup=markup, pdf=pdf)
            carry = window[-_SCAN_OVERLAP:]
    return digest.hexdigest(), finding


def _scan_window(window: bytes, *, markup: bool, pdf: bool) -> str | None:
    if markup and any(marker in window for marker in _MARKUP_MARKERS):
        return "html"
    if pdf:
        if b"#" in window:
            window = _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m[1], 16)]).lower(), window)
        if any(marker in window for marker in _PDF_ACTION_MARKERS):
            return "pdf_action"
    return None


def _check_pdf(fileobj: BinaryIO, *, head: bytes, size: int) -> None:
    if b"%PDF-" not in head[: _PDF_HEADER_WINDOW + 4]:
        raise _Refusal("mismatch")
    fileobj.seek(max(0, size - _PDF_TAIL_SIZE))
    if b"%%EOF" not in fileobj.read(_PDF_TAIL_SIZE):
        raise _Refusal("mismatch")


def _check_png(fileobj: BinaryIO, *, size: int) -> None:
    """Walk every chunk, verifying its CRC, up to IEND; nothing may follow IEND."""
    fileobj.seek(0)
    if fileobj.read(len(_PNG_SIGNATURE)) != _PNG_SIGNATURE:
        raise _Refusal("mismatch")
    first = True
    while True:
        header = fileobj.read(8)
        if len(header) < 8:
            raise _Refusal("mismatch")  # ended without IEND
        length, chunk_type = struct.unpack(">I4s", header)
        if length > _PNG_MAX_CHUNK or not chunk_type.isalpha() or first != (chunk_type == b"IHDR"):
            raise _Refusal("mismatch")
        first = False
        crc = zlib.crc32(chunk_type)
        remaining = length
        while remaining:
            data = fileobj.read(min(remaining, CHUNK_SIZE))
            if not data:
                raise _Refusal("mismatch")
            crc = zlib.crc32(data, crc)
            remaining -= len(data)
        stored = fileobj.read(4)
        if len(stored) < 4 or int.from_bytes(stored, "big") != crc:
            raise _Refusal("mismatch")
        if chunk_type == b"IEND":
            if fileobj.tell() != size:
                raise _Refusal("mismatch")
            return


def _text_charset(fileobj: BinaryIO) -> str:
    """UTF-8 (with or without BOM) first, then GB18030, as saved by Chinese Windows Notepad."""
    for codec, charset in (("utf-8-sig", "utf-8"), ("gb18030", "gb18030")):
        decoder = codecs.getincrementaldecoder(codec)()
        fileobj.seek(0)
        try:
            while chunk := fileobj.read(CHUNK_SIZE):
                if b"\x00" in chunk:  # binary, or UTF-16 text, which we do not accept
                    raise _Refusal("mismatch")
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return charset
    raise _Refusal("mismatch")


def _check_ole(fileobj: BinaryIO, *, head: bytes, extension: str) -> None:
    if not head.startswith(_OLE_SIGNATURE):
        raise _Refusal("mismatch")
    fileobj.seek(0)
    try:
        # Given a file object, olefile reads only the header, FAT and directory, and
        # leaves the file open.
        ole = olefile.OleFileIO(fileobj)
        try:
            paths = ole.listdir(streams=True, storages=True)
        finally:
            ole.close()
    except Exception as exc:  # any parser failure on untrusted bytes means "corrupt"
        raise _Refusal("corrupt") from exc
    paths = [[part.lower() for part in path] for path in paths]
    if any(part in _OLE_MACRO_NAMES for path in paths for part in path):
        raise _Refusal("macro")
    if not any(len(path) == 1 and path[0] in _OLE_MAIN_STREAMS[extension] for path in paths):
        raise _Refusal("mismatch")


def _check_zip(
    fileobj: BinaryIO, *, head: bytes, size: int, extension: str, policy: EvidencePolicy
) -> None:
    # Data before the first entry (a script, an executable stub) would still open with zipfile.
    if not head.startswith(_ZIP_SIGNATURES):
        raise _Refusal("mismatch")
    _check_zip_directory_size(fileobj, size=size, policy=policy)
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            infos = archive.infolist()
            _check_zip_entries(infos, policy=policy)
            parts = {info.filename.lower(): info for info in infos}
            if not all(part in parts for part in _ZIP_REQUIRED_PARTS[extension]):
                raise _Refusal("mismatch")
            # Applied to plain .zip too: a renamed .xlsm is still a macro workbook.
            if any(part.endswith("vbaproject.bin") for part in parts):
                raise _Refusal("macro")
            content_types = parts.get(_CONTENT_TYPES_PART)
            if content_types and _declares_macros(archive, content_types):
                raise _Refusal("macro")
    except _Refusal:
        raise
    except Exception as exc:  # BadZipFile, truncated data, bad encryption headers, ...
        raise _Refusal("corrupt") from exc


def _check_zip_directory_size(fileobj: BinaryIO, *, size: int, policy: EvidencePolicy) -> None:
    """Read the end-of-central-directory record ourselves and refuse an oversized directory."""
    tail_size = min(size, _EOCD.size + 0xFFFF)  # the record plus the longest comment
    tail_start = size - tail_size
    fileobj.seek(tail_start)
    tail = fileobj.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + _EOCD.size > len(tail):
        raise _Refusal("corrupt")
    entries, directory_size = _EOCD.unpack_from(tail, at)[4:6]
    if entries == 0xFFFF or directory_size == 0xFFFFFFFF:
        # Zip64: the real counts sit in a record just before the locator, as zipfile reads it.
        record_at = tail_start + at - _ZIP64_LOCATOR_SIZE - _ZIP64_EOCD.size
        if record_at >= 0:
            fileobj.seek(record_at)
            record = fileobj.read(_ZIP64_EOCD.size)
            if len(record) == _ZIP64_EOCD.size and record.startswith(b"PK\x06\x06"):
                entries, directory_size = _ZIP64_EOCD.unpack(record)[7:9]
    if (
        entries > policy.zip_max_entries
        or directory_size > policy.zip_max_entries * _DIRECTORY_BYTES_PER_ENTRY
    ):
        raise _Refusal("zip_entries", limit=str(policy.zip_max_entries))


def _check_zip_entries(infos: list[zipfile.ZipInfo], *, policy: EvidencePolicy) -> None:
    # Counted again: the end record's count may lie.
    if len(infos) > policy.zip_max_entries:
        raise _Refusal("zip_entries", limit=str(policy.zip_max_entries))
    total = 0
    for info in infos:
        # orig_filename: zipfile cuts .filename at the first NUL.
        if _UNSAFE_ENTRY.search(info.orig_filename) or stat.S_ISLNK(info.external_attr >> 16):
            raise _Refusal("zip_path", entry=_printable(info.orig_filename))
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _BOMB_MIN_ENTRY_SIZE and ratio > policy.zip_max_ratio:
            raise _Refusal("zip_bomb")
    if total > policy.zip_max_uncompressed:
        raise _Refusal("zip_bomb")


def _declares_macros(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    with archive.open(info) as part:
        data = part.read(_MAX_CONTENT_TYPES_SIZE + 1)
    if len(data) > _MAX_CONTENT_TYPES_SIZE:
        raise _Refusal("corrupt")
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    text = data.decode("utf-16" if utf16 else "utf-8", "replace").lower()
    return "macroenabled" in text or "vbaproject" in text


def _printable(entry: str, limit: int = 80) -> str:
    return "".join(ch if ch.isprintable() else "?" for ch in entry)[:limit]


def _format_size(size: int) -> str:
    if size >= MB:
        return f"{size / MB:g} MB"
    return f"{size / 1024:g} KB"
