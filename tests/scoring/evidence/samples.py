"""Sample evidence files built in code, so the repository carries no binary fixtures."""

import io
import struct
import zipfile
import zlib

from openpyxl import Workbook

MB = 1024 * 1024


def pdf(*, extra_objects: tuple[bytes, ...] = (), catalog_extra: bytes = b"") -> bytes:
    """A one-page PDF with a correct xref table; extra objects are appended as given."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        *extra_objects,
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref_at = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref_at)
    return out.getvalue()


def pdf_with_javascript(action_name: bytes = b"/JavaScript") -> bytes:
    """A PDF that runs script on open; ``action_name`` may be an #xx-escaped spelling."""
    return pdf(
        catalog_extra=b"/OpenAction 4 0 R ",
        extra_objects=(b"<< /Type /Action /S " + action_name + b" /JS (app.alert(1)) >>",),
    )


def pdf_with_launch() -> bytes:
    return pdf(
        catalog_extra=b"/OpenAction 4 0 R ",
        extra_objects=(b"<< /Type /Action /S /Launch /F (cmd.exe) >>",),
    )


def _png_chunk(chunk_type: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(chunk_type + data)
    return struct.pack(">I", len(data)) + chunk_type + data + struct.pack(">I", crc)


def png(*, text: bytes | None = None, width: int = 2, height: int = 2) -> bytes:
    """A small grey RGB image; ``text`` adds a tEXt chunk before the pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))
    chunks = [_png_chunk(b"IHDR", header)]
    if text is not None:
        chunks.append(_png_chunk(b"tEXt", b"Comment\x00" + text))
    chunks += [_png_chunk(b"IDAT", zlib.compress(rows)), _png_chunk(b"IEND", b"")]
    return b"\x89PNG\r\n\x1a\n" + b"".join(chunks)


def png_with_bad_crc() -> bytes:
    data = bytearray(png())
    data[29] ^= 0xFF  # last byte of the IHDR CRC (8 signature + 8 header + 13 data)
    return bytes(data)


def jpeg() -> bytes:
    """SOI, a JFIF APP0 segment and EOI: enough for a signature check."""
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return b"\xff\xd8\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0 + b"\xff\xd9"


HTML_PAGE = b"<!DOCTYPE html>\n<html><body><script>alert(document.cookie)</script></body></html>\n"
WINDOWS_EXECUTABLE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48 + b"PE\x00\x00"
)
ELF_EXECUTABLE = b"\x7fELF\x02\x01\x01" + b"\x00" * 57


def zip_archive(entries: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return out.getvalue()


def zip_with_raw_entry_name(name: str) -> bytes:
    """An entry named exactly ``name``, even with a NUL that ZipInfo() would cut off."""
    info = zipfile.ZipInfo("placeholder.txt")
    info.filename = name
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(info, b"x")
    return out.getvalue()


def zip_with_symlink() -> bytes:
    info = zipfile.ZipInfo("link")
    info.create_system = 3  # Unix
    info.external_attr = 0o120777 << 16
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(info, b"/etc/passwd")
    return out.getvalue()


def zip_bomb(uncompressed: int = 60 * MB) -> bytes:
    """Zeros deflate about 1000:1, so 60 MB of them make a ~60 KB file."""
    return zip_archive({"zeros.bin": bytes(uncompressed)})


def zip_understating_entries(entries: int, *, claimed: int) -> bytes:
    """A zip whose end record claims ``claimed`` entries while the directory holds more."""
    data = bytearray(zip_archive({f"file{i}.txt": b"x" for i in range(entries)}))
    at = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, at + 8, claimed, claimed)
    return bytes(data)


def zip64(entries: int) -> bytes:
    """A small zip ending the way zip64 writers end one: the real counts in a zip64 record."""
    data = zip_archive({f"file{i}.txt": b"x" for i in range(entries)})
    at = data.rfind(b"PK\x05\x06")
    directory_size, directory_offset = struct.unpack_from("<LL", data, at + 12)
    record = struct.pack(
        "<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0,
        entries, entries, directory_size, directory_offset,
    )  # fmt: skip
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, at, 1)
    end = bytearray(data[at:])
    struct.pack_into("<HH", end, 8, 0xFFFF, 0xFFFF)
    return data[:at] + record + locator + bytes(end)


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/{part}" ContentType="{main_type}"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="{part}" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument"/></Relationships>'
)


def _ooxml(part: str, main_type: str, body: str) -> bytes:
    return zip_archive(
        {
            "[Content_Types].xml": _CONTENT_TYPES.format(part=part, main_type=main_type).encode(),
            "_rels/.rels": _RELS.format(part=part).encode(),
            part: body.encode(),
        }
    )


def docx(text: str = "丰台区产改落实情况") -> bytes:
    body = (
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"
    )
    main_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    return _ooxml("word/document.xml", main_type, body)


def pptx() -> bytes:
    body = '<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"/>'
    main_type = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
    return _ooxml("ppt/presentation.xml", main_type, body)


def xlsx() -> bytes:
    """A real workbook as openpyxl (the project's own Excel writer) saves it."""
    workbook = Workbook()
    workbook.active.append(["单位", "得分"])
    workbook.active.append(["区人社局", 95])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsm_renamed(*, add_vba_part: bool = True, macro_content_type: bool = True) -> bytes:
    """xlsx() turned into a macro workbook the way Excel saves .xlsm."""
    source = zipfile.ZipFile(io.BytesIO(xlsx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml" and macro_content_type:
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                )
                assert b"macroEnabled" in data
            archive.writestr(info, data)
        if add_vba_part:
            archive.writestr("xl/vbaProject.bin", cfb({"PROJECT": b"ID=1", "VBA/dir": b"x"}))
    return out.getvalue()


def ofd() -> bytes:
    return zip_archive(
        {
            "OFD.xml": b'<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0"/>',
            "Doc_0/Document.xml": b"<ofd:Document/>",
        }
    )


# Compound File Binary (OLE2), version 3: 512-byte sectors. olefile only reads and rewrites
# streams in place, so this minimal writer builds the Word/Excel/PowerPoint samples.
_FREE, _END_OF_CHAIN, _FAT_SECTOR, _NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
_SECTOR = 512
_MINI_CUTOFF = 4096


def cfb(streams: dict[str, bytes]) -> bytes:
    """A compound file holding ``streams`` ("Macros/VBA/dir" makes the storages on the way).

    Every stream is padded to the 4096-byte cutoff so it lives in ordinary sectors and the
    writer needs no mini stream.
    """
    entries: list[dict] = [{"name": "Root Entry", "type": 5, "parent": None, "data": b""}]
    index: dict[tuple[str, ...], int] = {(): 0}
    for path, data in streams.items():
        parts = tuple(path.split("/"))
        for depth in range(1, len(parts) + 1):
            key = parts[:depth]
            if key in index:
                continue
            is_stream = depth == len(parts)
            index[key] = len(entries)
            entries.append(
                {
                    "name": parts[depth - 1],
                    "type": 2 if is_stream else 1,
                    "parent": index[key[:-1]],
                    "data": data.ljust(_MINI_CUTOFF, b"\x00") if is_stream else b"",
                }
            )

    directory_sectors = -(-len(entries) // 4)
    next_sector = 1 + directory_sectors  # sector 0 holds the FAT
    fat = [_FAT_SECTOR] + [i + 2 for i in range(directory_sectors - 1)] + [_END_OF_CHAIN]
    payload = b""
    for entry in entries:
        if entry["type"] != 2:
            entry["start"] = _END_OF_CHAIN if entry["type"] == 5 else 0
            continue
        count = len(entry["data"]) // _SECTOR
        entry["start"] = next_sector
        fat += [next_sector + i + 1 for i in range(count - 1)] + [_END_OF_CHAIN]
        next_sector += count
        payload += entry["data"]
    assert len(fat) <= _SECTOR // 4, "sample too large for a single FAT sector"

    # Children of a storage hang off its child pointer as a chain of right siblings.
    children: dict[int, list[int]] = {}
    for sid, entry in enumerate(entries):
        if entry["parent"] is not None:
            children.setdefault(entry["parent"], []).append(sid)
    directory = b""
    for sid, entry in enumerate(entries):
        siblings = children.get(entry["parent"], []) if entry["parent"] is not None else [sid]
        position = siblings.index(sid)
        right = siblings[position + 1] if position + 1 < len(siblings) else _NO_STREAM
        kids = children.get(sid, [])
        name = entry["name"].encode("utf-16-le") + b"\x00\x00"
        directory += struct.pack(
            "<64sHBBIII16sIQQIQ",
            name,
            len(name),
            entry["type"],
            1,  # black
            _NO_STREAM,
            right,
            kids[0] if kids else _NO_STREAM,
            bytes(16),
            0,
            0,
            0,
            entry["start"],
            len(entry["data"]),
        )
    empty_entry = struct.pack(
        "<64sHBBIII16sIQQIQ", b"", 0, 0, 0, *(_NO_STREAM,) * 3, bytes(16), 0, 0, 0, 0, 0
    )
    directory += empty_entry * (directory_sectors * 4 - len(entries))

    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        bytes.fromhex("d0cf11e0a1b11ae1"),
        bytes(16),
        0x003E,
        3,
        0xFFFE,
        9,
        6,
        bytes(6),
        0,
        1,  # FAT sectors
        1,  # first directory sector
        0,
        _MINI_CUTOFF,
        _END_OF_CHAIN,
        0,
        _END_OF_CHAIN,
        0,
    ) + struct.pack("<109I", 0, *(_FREE,) * 108)
    fat_sector = struct.pack(f"<{_SECTOR // 4}I", *fat, *(_FREE,) * (_SECTOR // 4 - len(fat)))
    return header + fat_sector + directory + payload


def word_97(*, macros: bool = False) -> bytes:
    streams = {"WordDocument": b"\xec\xa5\xc1\x00", "1Table": b"\x00"}
    if macros:
        streams["Macros/VBA/dir"] = b"\x01"
        streams["Macros/PROJECT"] = b"ID=1"
    return cfb(streams)


def excel_97(*, stream: str = "Workbook", macros: bool = False) -> bytes:
    streams = {stream: b"\x09\x08\x10\x00"}
    if macros:
        streams["_VBA_PROJECT_CUR/VBA/dir"] = b"\x01"
    return cfb(streams)


def powerpoint_97() -> bytes:
    return cfb({"PowerPoint Document": b"\x00", "Current User": b"\x00"})


def broken_docx() -> bytes:
    """Passes the upload checks (a ZIP with the parts a DOCX has) but is no document."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "这不是文档内容")
    return out.getvalue()
