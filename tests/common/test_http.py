from urllib.parse import unquote

from common.http import content_disposition


def test_content_disposition_has_ascii_fallback_and_rfc5987_name():
    header = content_disposition("指标表.xlsx", fallback='a "b"/c.xlsx')
    plain, encoded = header.removeprefix("attachment; ").split("; ")
    assert plain == 'filename="a__b__c.xlsx"'
    assert encoded.startswith("filename*=UTF-8''")
    assert unquote(encoded.removeprefix("filename*=UTF-8''")) == "指标表.xlsx"
    assert header.isascii()


def test_content_disposition_keeps_an_ascii_name():
    assert content_disposition("report.xlsx").startswith('attachment; filename="report.xlsx";')
