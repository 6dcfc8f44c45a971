import pytest

from scoring.evidence.filenames import FALLBACK_NAME, clean_filename, extension_of


def test_long_chinese_name_is_kept_whole():
    name = "丰台区产改落实情况佐证材料" * 15 + "表.pdf"  # 200 characters
    assert len(name) == 200
    assert clean_filename(name) == name


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\a\\报告.pdf", "报告.pdf"),
        ("/var/tmp/..\\..\\会议纪要.docx", "会议纪要.docx"),
        ("合同\x00.pdf", "合同.pdf"),
        ("第一季度\n报告\r.pdf", "第一季度报告.pdf"),
        ("工作\t总结.docx", "工作总结.docx"),
        # U+202E would display "报告\u202efdp.exe" as "报告exe.pdf".
        ("报告\u202efdp.exe", "报告fdp.exe"),
        ("  年度   考核  汇总.xlsx  ", "年度 考核 汇总.xlsx"),
        ("..隐藏.pdf", "隐藏.pdf"),
        (". .pdf", "pdf"),
    ],
)
def test_clean_filename(raw, expected):
    assert clean_filename(raw) == expected


@pytest.mark.parametrize("raw", ["", "   ", "...", "dir/", "\x00\n", "a/b/"])
def test_nothing_left_becomes_unnamed(raw):
    assert clean_filename(raw) == FALLBACK_NAME == "未命名文件"


def test_over_long_name_is_shortened_keeping_its_extension():
    cleaned = clean_filename("报" * 300 + ".pdf")
    assert len(cleaned) == 255
    assert cleaned == "报" * 251 + ".pdf"


def test_over_long_name_without_usable_extension_is_cut():
    assert clean_filename("a" * 300) == "a" * 255
    assert clean_filename("b" * 100 + "." + "c" * 200, max_length=50) == "b" * 50


@pytest.mark.parametrize(
    ("name", "extension"),
    [
        ("报告.PDF", "pdf"),
        ("archive.tar.gz", "gz"),
        ("README", ""),
        ("bashrc.", ""),
        (".bashrc", ""),
        ("未命名文件", ""),
    ],
)
def test_extension_of(name, extension):
    assert extension_of(name) == extension
