import hashlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

from scoring.evidence.validation import (
    CHUNK_SIZE,
    DEFAULT_ALLOWED_EXTENSIONS,
    MB,
    EvidencePolicy,
    EvidenceRejected,
    Inspection,
    inspect_file,
)

from . import samples

POLICY = EvidencePolicy()
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"

# The words each refusal must show the uploader, whatever the details.
PHRASES = {
    "empty": "为空文件",
    "too_large": "超过大小上限",
    "extension": "的类型不允许上传",
    "mismatch": "内容与扩展名不符",
    "executable": "可执行文件",
    "html": "含有网页或脚本内容",
    "pdf_action": "含有脚本或自动运行的动作",
    "macro": "含有宏",
    "zip_path": "不安全的路径",
    "zip_bomb": "疑似压缩炸弹",
    "zip_entries": "内含的文件超过",
    "corrupt": "已损坏或无法识别",
}


class ReadSpy(io.BytesIO):
    """Records the largest single read, to show no check loads a whole file."""

    largest_read = 0

    def read(self, size=-1):
        data = super().read(size)
        self.largest_read = max(self.largest_read, len(data))
        return data


def inspect(data: bytes, filename: str, policy: EvidencePolicy = POLICY) -> Inspection:
    fileobj = ReadSpy(data)
    result = inspect_file(fileobj, filename=filename, size=len(data), policy=policy)
    assert fileobj.tell() == 0
    assert fileobj.largest_read <= CHUNK_SIZE
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    return result


def reject(data: bytes, filename: str, code: str, policy: EvidencePolicy = POLICY) -> str:
    """Assert the refusal's code and its Chinese message; return the message."""
    fileobj = ReadSpy(data)
    with pytest.raises(EvidenceRejected) as caught:
        inspect_file(fileobj, filename=filename, size=len(data), policy=policy)
    assert fileobj.tell() == 0
    assert fileobj.largest_read <= CHUNK_SIZE
    refusal = caught.value
    assert (refusal.code, str(refusal)) == (code, refusal.message)
    assert f"“{filename}”" in refusal.message
    assert PHRASES[code] in refusal.message
    return refusal.message


GB18030_TEXT = "丰台区产改落实情况评价考核：区人社局已完成全部指标。\r\n".encode("gb18030")


@pytest.mark.parametrize(
    ("filename", "data", "content_type"),
    [
        ("合同.pdf", samples.pdf(), "application/pdf"),
        ("现场照片.png", samples.png(), "image/png"),
        ("现场照片.jpg", samples.jpeg(), "image/jpeg"),
        ("现场照片.JPEG", samples.jpeg(), "image/jpeg"),
        ("说明.txt", "说明：已完成。\n".encode(), "text/plain; charset=utf-8"),
        ("说明.txt", "\ufeff说明".encode(), "text/plain; charset=utf-8"),
        ("说明.txt", GB18030_TEXT, "text/plain; charset=gb18030"),
        ("会议纪要.docx", samples.docx(), DOCX),
        ("考核汇总.xlsx", samples.xlsx(), XLSX),
        ("汇报.pptx", samples.pptx(), PPTX),
        ("电子公文.ofd", samples.ofd(), "application/ofd"),
        (
            "材料汇编.zip",
            samples.zip_archive({"一/说明.txt": b"ok", "二/": b""}),
            "application/zip",
        ),
        ("会议纪要.doc", samples.word_97(), "application/msword"),
        ("会议纪要.wps", samples.word_97(), "application/msword"),
        ("考核汇总.xls", samples.excel_97(), "application/vnd.ms-excel"),
        ("考核汇总.et", samples.excel_97(stream="Book"), "application/vnd.ms-excel"),
        ("汇报.ppt", samples.powerpoint_97(), "application/vnd.ms-powerpoint"),
        ("汇报.dps", samples.powerpoint_97(), "application/vnd.ms-powerpoint"),
    ],
)
def test_accepts_genuine_files(filename, data, content_type):
    result = inspect(data, filename)
    assert result.extension == filename.rsplit(".", 1)[1].lower()
    assert result.content_type == content_type


def test_accepts_a_small_deflated_xml_part_with_a_high_ratio():
    """200 KB of repeated XML deflates far beyond 200:1 but is under the 1 MB floor."""
    data = samples.zip_archive({"data.xml": b"<row/>" * 35_000})
    assert inspect(data, "数据.zip").content_type == "application/zip"


def test_large_files_are_read_in_chunks():
    """2.5 MB of GB18030 text: multi-byte characters straddle every chunk boundary."""
    data = ("甲" + "中文" * 655_360).encode("gb18030")
    fileobj = ReadSpy(data)
    result = inspect_file(fileobj, filename="长文本.txt", size=len(data), policy=POLICY)
    assert result.content_type == "text/plain; charset=gb18030"
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert fileobj.largest_read <= CHUNK_SIZE


def test_accepts_django_uploaded_files(settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    data = samples.docx()
    in_memory = SimpleUploadedFile("会议纪要.docx", data)
    on_disk = TemporaryUploadedFile("会议纪要.docx", DOCX, len(data), None)
    on_disk.write(data)
    on_disk.seek(0)
    for upload in (in_memory, on_disk):
        result = inspect_file(upload, filename=upload.name, size=upload.size, policy=POLICY)
        assert result.sha256 == hashlib.sha256(data).hexdigest()
        assert upload.tell() == 0
    on_disk.close()


# --- size and name ---------------------------------------------------------------------


def test_rejects_empty_file():
    message = reject(b"", "合同.pdf", "empty")
    assert message == "文件“合同.pdf”为空文件，请重新选择。"


def test_rejects_file_over_the_limit_naming_the_limit():
    policy = EvidencePolicy(max_file_size=MB)
    assert inspect(b"x" * MB, "说明.txt", policy)  # exactly the limit is fine
    message = reject(b"x" * (MB + 1), "说明.txt", "too_large", policy)
    assert "1 MB" in message


def test_default_limit_is_shown_in_mb():
    data = b"x"
    fileobj = io.BytesIO(data)
    with pytest.raises(EvidenceRejected) as caught:
        # A declared size over the limit is refused before the file is read.
        inspect_file(fileobj, filename="说明.txt", size=51 * MB, policy=POLICY)
    assert caught.value.code == "too_large"
    assert "超过大小上限 50 MB" in caught.value.message


@pytest.mark.parametrize(
    "filename", ["setup.exe", "page.html", "脚本.js", "README", "报告.pdf.exe"]
)
def test_rejects_extensions_not_allowed(filename):
    message = reject(b"hello", filename, "extension")
    assert "允许的类型：PDF、OFD、DOC、DOCX" in message


def test_message_names_the_cleaned_file():
    fileobj = io.BytesIO(b"")
    with pytest.raises(EvidenceRejected) as caught:
        inspect_file(fileobj, filename="C:\\Users\\a\\合同\n.pdf", size=0, policy=POLICY)
    assert caught.value.message == "文件“合同.pdf”为空文件，请重新选择。"


# --- executables and web content ------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("合同.pdf", samples.WINDOWS_EXECUTABLE),
        ("说明.txt", samples.ELF_EXECUTABLE),
        ("说明.txt", b"#!/bin/sh\nrm -rf /\n"),
        ("照片.jpg", bytes.fromhex("cffaedfe07000001") + bytes(32)),
        ("材料.zip", samples.WINDOWS_EXECUTABLE + samples.zip_archive({"a.txt": b"a"})),
    ],
)
def test_rejects_executables_whatever_their_name(filename, data):
    reject(data, filename, "executable")


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("合同.pdf", samples.HTML_PAGE),
        ("说明.txt", samples.HTML_PAGE),
        ("说明.txt", b"\xef\xbb\xbf \r\n\t<HTML><BODY>hi</BODY></HTML>"),
        ("说明.txt", "<html><body>你好</body></html>".encode("utf-16")),
        ("照片.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("说明.txt", b"<?php system($_GET['c']); ?>"),
        ("会议纪要.docx", b"<iframe src=x>" + samples.docx()),
        # Polyglots: a valid PNG carrying a script in a text chunk, or a page after IEND.
        ("照片.png", samples.png(text=b"<script>alert(1)</script>")),
        ("照片.png", samples.png() + samples.HTML_PAGE),
        ("照片.jpg", samples.jpeg() + b'<a href="JavaScript:alert(1)">x</a>'),
        ("合同.pdf", samples.pdf() + b"<script>alert(1)</script>"),
        ("会议纪要.doc", samples.word_97() + b"<html><script></script></html>"),
    ],
)
def test_rejects_html_and_script_content(filename, data):
    reject(data, filename, "html")


def test_finds_a_script_tag_split_across_chunks():
    data = b"a" * (CHUNK_SIZE - 3) + b"<script>alert(1)</script>"
    reject(data, "说明.txt", "html")


@pytest.mark.parametrize(
    "data",
    [
        samples.pdf_with_javascript(),
        samples.pdf_with_javascript(b"/J#61vaScript"),
        samples.pdf_with_javascript(b"/#4a#61#76#61#53#63#72#69#70#74"),
        samples.pdf_with_launch(),
    ],
)
def test_rejects_pdf_with_script_or_launch_actions(data):
    reject(data, "合同.pdf", "pdf_action")


# --- content against extension ---------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("合同.pdf", samples.png()),
        ("合同.pdf", samples.pdf().replace(b"%%EOF", b"%%END")),
        ("合同.pdf", b"\n" * 1100 + samples.pdf()),
        ("照片.png", samples.jpeg()),
        ("照片.png", samples.png_with_bad_crc()),
        ("照片.png", samples.png() + b"\x00trailing"),
        ("照片.png", samples.png()[:-12]),  # no IEND
        ("照片.jpg", samples.png()),
        ("说明.txt", b"abc\x00def"),
        ("说明.txt", b"hello \xff world"),
        ("说明.txt", samples.png()),
        ("说明.txt", "说明".encode("utf-16")),
        ("会议纪要.docx", samples.xlsx()),
        ("会议纪要.docx", samples.zip_archive({"[Content_Types].xml": b"<Types/>"})),
        ("考核汇总.xlsx", samples.docx()),
        ("汇报.pptx", samples.docx()),
        ("电子公文.ofd", samples.zip_archive({"Doc_0/OFD.xml": b"<ofd/>"})),
        ("材料.zip", samples.pdf()),
        ("材料.zip", b"junk before the archive" + samples.zip_archive({"a.txt": b"a"})),
        ("会议纪要.doc", samples.docx()),
        ("会议纪要.doc", samples.excel_97()),
        ("考核汇总.xls", samples.word_97()),
        ("汇报.ppt", samples.word_97()),
        ("汇报.dps", samples.excel_97()),
    ],
)
def test_rejects_content_that_does_not_match_the_extension(filename, data):
    reject(data, filename, "mismatch")


def test_mismatch_message_names_the_expected_type():
    message = reject(samples.png(), "合同.pdf", "mismatch")
    assert message == (
        "文件“合同.pdf”内容与扩展名不符：不是有效的 PDF 文件。请上传原始文件，不要只修改扩展名。"
    )


# --- macros -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("考核汇总.xlsx", samples.xlsm_renamed()),
        ("考核汇总.xlsx", samples.xlsm_renamed(macro_content_type=False)),
        ("考核汇总.xlsx", samples.xlsm_renamed(add_vba_part=False)),
        ("考核汇总.zip", samples.xlsm_renamed()),
        ("会议纪要.doc", samples.word_97(macros=True)),
        ("会议纪要.wps", samples.word_97(macros=True)),
        ("考核汇总.xls", samples.excel_97(macros=True)),
        ("考核汇总.et", samples.excel_97(stream="Book", macros=True)),
    ],
)
def test_rejects_macros(filename, data):
    reject(data, filename, "macro")


# --- archives ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "entry",
    ["../evil.txt", "/etc/passwd", "\\Windows\\evil.dll", "C:\\evil.txt", "c:evil.txt",
     "docs/../../evil.txt", "docs\\..\\..\\evil.txt", "ok.txt\x00.exe"],
)  # fmt: skip
def test_rejects_unsafe_archive_paths(entry):
    message = reject(samples.zip_with_raw_entry_name(entry), "材料.zip", "zip_path")
    assert "“材料.zip”中有不安全的路径" in message


def test_shows_a_nul_in_an_entry_name_as_a_question_mark():
    message = reject(samples.zip_with_raw_entry_name("ok.txt\x00.exe"), "材料.zip", "zip_path")
    assert "“ok.txt?.exe”" in message


def test_rejects_symlinks_in_archives():
    reject(samples.zip_with_symlink(), "材料.zip", "zip_path")


def test_rejects_unsafe_paths_inside_office_files():
    with zipfile.ZipFile(io.BytesIO(samples.docx())) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    data = samples.zip_archive({**parts, "../../evil.txt": b"x"})
    reject(data, "会议纪要.docx", "zip_path")


def test_names_with_dots_are_not_unsafe():
    data = samples.zip_archive({"a..b/c...txt": b"x", "..hidden": b"y"})
    assert inspect(data, "材料.zip").content_type == "application/zip"


def test_rejects_zip_bomb_by_ratio():
    data = samples.zip_bomb()
    assert len(data) < MB  # 60 MB of zeros
    reject(data, "材料.zip", "zip_bomb")


def test_rejects_archive_over_the_uncompressed_total():
    policy = EvidencePolicy(zip_max_uncompressed=1000)
    data = samples.zip_archive({"a.txt": b"a" * 600, "b.txt": b"b" * 600})
    reject(data, "材料.zip", "zip_bomb", policy)


def test_rejects_archive_with_too_many_entries():
    policy = EvidencePolicy(zip_max_entries=5)
    assert inspect(samples.zip_archive({f"{i}.txt": b"x" for i in range(5)}), "材料.zip", policy)
    data = samples.zip_archive({f"{i}.txt": b"x" for i in range(6)})
    message = reject(data, "材料.zip", "zip_entries", policy)
    assert "超过 5 个" in message


def test_counts_entries_even_when_the_end_record_understates_them():
    data = samples.zip_understating_entries(6, claimed=1)
    reject(data, "材料.zip", "zip_entries", EvidencePolicy(zip_max_entries=5))


def test_reads_entry_counts_from_a_zip64_end_record():
    """The classic end record says 0xFFFF entries; the zip64 record holds the real count."""
    assert inspect(samples.zip64(3), "材料.zip").content_type == "application/zip"
    reject(samples.zip64(6), "材料.zip", "zip_entries", EvidencePolicy(zip_max_entries=5))


def test_rejects_an_oversized_central_directory_before_parsing_it():
    data = samples.zip_archive({"长" * 1000 + ".txt": b"x"}, compression=0)
    reject(data, "材料.zip", "zip_entries", EvidencePolicy(zip_max_entries=1))


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("材料.zip", b"PK\x03\x04" + b"\x00" * 100),
        ("材料.zip", samples.zip_archive({"a.txt": b"a" * 100})[:-30]),
        ("会议纪要.docx", samples.docx()[:200] + samples.docx()[-22:]),
        ("会议纪要.doc", bytes.fromhex("d0cf11e0a1b11ae1") + b"\xff" * 1000),
    ],
)
def test_rejects_corrupt_containers(filename, data):
    reject(data, filename, "corrupt")


# --- policy -------------------------------------------------------------------------------


def test_policy_defaults():
    assert POLICY.allowed_extensions == DEFAULT_ALLOWED_EXTENSIONS
    assert POLICY.max_file_size == 50 * MB
    assert (POLICY.zip_max_entries, POLICY.zip_max_uncompressed, POLICY.zip_max_ratio) == (
        1000,
        1024 * MB,
        200,
    )


def test_policy_from_settings(settings):
    settings.EVIDENCE_ALLOWED_EXTENSIONS = [".PDF", "ofd"]
    settings.EVIDENCE_MAX_FILE_SIZE = 10 * MB
    settings.EVIDENCE_ZIP_MAX_ENTRIES = 10
    settings.EVIDENCE_ZIP_MAX_UNCOMPRESSED = 100 * MB
    settings.EVIDENCE_ZIP_MAX_RATIO = 50
    assert EvidencePolicy.from_settings() == EvidencePolicy(
        allowed_extensions=("pdf", "ofd"),
        max_file_size=10 * MB,
        zip_max_entries=10,
        zip_max_uncompressed=100 * MB,
        zip_max_ratio=50,
    )


def test_policy_from_settings_defaults_to_the_built_in_limits(settings):
    for name in (
        "EVIDENCE_ALLOWED_EXTENSIONS",
        "EVIDENCE_MAX_FILE_SIZE",
        "EVIDENCE_ZIP_MAX_ENTRIES",
        "EVIDENCE_ZIP_MAX_UNCOMPRESSED",
        "EVIDENCE_ZIP_MAX_RATIO",
    ):
        if hasattr(settings, name):
            delattr(settings, name)
    assert EvidencePolicy.from_settings() == POLICY


def test_a_narrowed_policy_refuses_other_types():
    policy = EvidencePolicy(allowed_extensions=("pdf",))
    message = reject(samples.docx(), "会议纪要.docx", "extension", policy)
    assert message.endswith("允许的类型：PDF。")


def test_policy_refuses_types_that_cannot_be_checked():
    with pytest.raises(ValueError, match="mp4"):
        EvidencePolicy(allowed_extensions=("pdf", "mp4"))
