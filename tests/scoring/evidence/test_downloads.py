"""Downloading evidence: private headers, the Chinese name kept, integrity checked first.

The tests marked with the `evidence_backend` fixture run on the local folder and on a real
S3 bucket (tests/s3server.py).
"""

import hashlib
from urllib.parse import unquote

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from scoring.demo.files import docx_bytes, pdf_bytes, png_bytes
from scoring.models.evidence import evidence_storage
from tests.scoring.support import slot_of, stored_replace, upload

pytestmark = pytest.mark.django_db

PDF = pdf_bytes("产业工人数量统计说明")
INTEGRITY_MESSAGE = (
    "该文件校验失败（与上传时的 SHA-256 不一致或文件缺失），已停止下载。请联系系统管理员。"
)


@pytest.fixture
def slot(open_cycle):
    return slot_of(open_cycle, 47, "rsj")


def _get(client, evidence, **params):
    return client.get(reverse("scoring:evidence_download", args=[evidence.pk]), params)


def _utf8_name(disposition: str) -> str:
    return unquote(disposition.split("filename*=UTF-8''", 1)[1], encoding="utf-8")


@pytest.mark.usefixtures("evidence_backend")
def test_a_download_is_an_attachment_with_the_chinese_name(client, slot, rsj_reporter):
    evidence = upload(slot, rsj_reporter, "产业工人数量统计说明.pdf", PDF)
    client.force_login(rsj_reporter)
    response = _get(client, evidence)
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="')
    assert "filename*=UTF-8''" in disposition
    assert _utf8_name(disposition) == "产业工人数量统计说明.pdf"
    assert disposition.isascii()
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(PDF))
    assert "no-store" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    assert body == PDF
    assert hashlib.sha256(body).hexdigest() == evidence.sha256


@pytest.mark.usefixtures("evidence_backend")
@pytest.mark.parametrize(
    ("name", "content", "inline"),
    [
        ("统计说明.pdf", PDF, True),
        ("培训现场.png", png_bytes(), True),
        ("收入分配工作方案.docx", docx_bytes(["一、总体要求"]), False),
    ],
)
def test_inline_only_for_types_a_browser_shows_safely(
    client, slot, rsj_reporter, name, content, inline
):
    evidence = upload(slot, rsj_reporter, name, content)
    client.force_login(rsj_reporter)
    response = _get(client, evidence, inline="1")
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline;" if inline else "attachment;")
    assert _utf8_name(disposition) == name
    assert response["X-Content-Type-Options"] == "nosniff"
    if inline:
        assert "default-src 'none'" in response["Content-Security-Policy"]
    else:
        # An attachment carries the site's policy (CSP on every response), not the preview's.
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert "script-src 'self'" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == content


def test_quotes_and_semicolons_in_a_name_cannot_add_header_parameters(client, slot, rsj_reporter):
    name = '说明"; filename="evil.exe.pdf'
    evidence = upload(slot, rsj_reporter, name, PDF)
    client.force_login(rsj_reporter)
    disposition = _get(client, evidence)["Content-Disposition"]
    assert disposition.count('"') == 2  # only the quotes around the ASCII fallback
    assert disposition.count(";") == 2
    assert _utf8_name(disposition) == name


@pytest.mark.usefixtures("evidence_backend")
def test_tampered_bytes_are_not_served(client, slot, rsj_reporter):
    evidence = upload(slot, rsj_reporter, "统计说明.pdf", PDF)
    tampered = PDF.replace(b"Fengtai", b"Hacked!")
    assert tampered != PDF and len(tampered) == len(PDF)
    stored_replace(evidence.file.name, tampered)

    client.force_login(rsj_reporter)
    response = _get(client, evidence)
    assert response.status_code == 500
    assert not isinstance(response, StreamingHttpResponse)
    assert response.content.decode() == INTEGRITY_MESSAGE
    assert b"Hacked!" not in response.content
    assert not response.has_header("Content-Disposition")
    # The inline view refuses the same way.
    assert _get(client, evidence, inline="1").status_code == 500


@pytest.mark.usefixtures("evidence_backend")
def test_a_missing_file_is_reported_not_crashed(client, slot, rsj_reporter):
    evidence = upload(slot, rsj_reporter, "统计说明.pdf", PDF)
    evidence_storage().delete(evidence.file.name)
    client.force_login(rsj_reporter)
    response = _get(client, evidence)
    assert response.status_code == 500
    assert response.content.decode() == INTEGRITY_MESSAGE


def test_another_unit_cannot_download(client, slot, rsj_reporter, zgh_reporter, office_user):
    evidence = upload(slot, rsj_reporter, "统计说明.pdf", PDF)
    client.force_login(zgh_reporter)
    assert _get(client, evidence).status_code == 404
    client.force_login(office_user)
    response = _get(client, evidence)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_an_unknown_file_is_not_found(client, rsj_reporter):
    client.force_login(rsj_reporter)
    assert client.get(reverse("scoring:evidence_download", args=[999999])).status_code == 404
