"""X-Accel-Redirect (FENGTAI_X_ACCEL_REDIRECT): the view checks everything it checks when it
streams (permission, SHA-256, audit record), then hands a file of the local folder to nginx
with an empty body and the same headers; a bucket's files keep streaming through the view.
tests/deploy/test_x_accel_nginx.py runs the same against a real nginx."""

from urllib.parse import unquote

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from audit.models import Action, Outcome, SecurityEvent
from scoring.demo.files import docx_bytes, pdf_bytes
from scoring.evidence.views import x_accel_redirect
from scoring.models import EvidencePreview
from tests.scoring.support import preview_ready, slot_of, stored_replace, upload

pytestmark = pytest.mark.django_db

PDF = pdf_bytes("产业工人数量统计说明")
NAME = "产业工人数量统计说明.pdf"


@pytest.fixture
def slot(open_cycle):
    return slot_of(open_cycle, 47, "rsj")


@pytest.fixture
def accel(settings):
    settings.FENGTAI_X_ACCEL_REDIRECT = "/_protected/"
    settings.FENGTAI_X_ACCEL_MIN_BYTES = 0
    return settings


def _get(client, evidence, **params):
    return client.get(reverse("scoring:evidence_download", args=[evidence.pk]), params)


@pytest.mark.usefixtures("accel")
def test_a_local_file_is_handed_to_nginx_with_the_same_headers(
    client, slot, rsj_reporter, evidence_backend
):
    evidence = upload(slot, rsj_reporter, NAME, PDF)
    client.force_login(rsj_reporter)
    response = _get(client, evidence)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert unquote(disposition.split("filename*=UTF-8''", 1)[1]) == NAME
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    if evidence_backend == "local":
        assert not isinstance(response, StreamingHttpResponse)
        assert response.content == b""
        assert response["X-Accel-Redirect"] == f"/_protected/{evidence.file.name}"
        assert response.get("Content-Length") in (None, "0")
    else:  # nginx cannot read a bucket: the view streams as without the setting
        assert not response.has_header("X-Accel-Redirect")
        assert b"".join(response.streaming_content) == PDF
    event = SecurityEvent.objects.filter(action=Action.EVIDENCE_DOWNLOADED).latest("pk")
    assert event.outcome == Outcome.SUCCESS
    assert event.detail["sha256"] == evidence.sha256


@pytest.mark.usefixtures("accel")
def test_an_inline_view_handed_to_nginx_carries_the_strict_policy(client, slot, rsj_reporter):
    evidence = upload(slot, rsj_reporter, NAME, PDF)
    client.force_login(rsj_reporter)
    response = _get(client, evidence, inline="1")
    assert response["X-Accel-Redirect"] == f"/_protected/{evidence.file.name}"
    assert response["Content-Disposition"].startswith("inline; ")
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    event = SecurityEvent.objects.filter(action=Action.EVIDENCE_VIEWED).latest("pk")
    assert event.outcome == Outcome.SUCCESS


@pytest.mark.usefixtures("accel")
def test_a_tampered_file_is_refused_not_redirected(client, slot, rsj_reporter):
    evidence = upload(slot, rsj_reporter, NAME, PDF)
    stored_replace(evidence.file.name, PDF.replace(b"Fengtai", b"Hacked!"))
    client.force_login(rsj_reporter)
    for params in ({}, {"inline": "1"}):
        response = _get(client, evidence, **params)
        assert response.status_code == 500
        assert not response.has_header("X-Accel-Redirect")
        assert "校验失败" in response.content.decode()
    event = SecurityEvent.objects.filter(action=Action.EVIDENCE_DOWNLOADED).latest("pk")
    assert event.outcome == Outcome.FAILURE


@pytest.mark.usefixtures("accel")
def test_a_missing_file_is_refused_not_redirected(client, slot, rsj_reporter):
    from scoring.models.evidence import evidence_storage

    evidence = upload(slot, rsj_reporter, NAME, PDF)
    evidence_storage().delete(evidence.file.name)
    client.force_login(rsj_reporter)
    response = _get(client, evidence)
    assert response.status_code == 500
    assert not response.has_header("X-Accel-Redirect")


@pytest.mark.usefixtures("accel")
def test_another_units_file_is_a_404_without_a_redirect(client, slot, rsj_reporter, zgh_reporter):
    evidence = upload(slot, rsj_reporter, NAME, PDF)
    client.force_login(zgh_reporter)
    response = _get(client, evidence)
    assert response.status_code == 404
    assert not response.has_header("X-Accel-Redirect")
    assert evidence.file.name not in response.content.decode()
    assert not SecurityEvent.objects.filter(action=Action.EVIDENCE_DOWNLOADED).exists()


def test_files_below_the_threshold_and_an_empty_setting_stream(
    client, slot, rsj_reporter, settings
):
    evidence = upload(slot, rsj_reporter, NAME, PDF)
    client.force_login(rsj_reporter)
    settings.FENGTAI_X_ACCEL_REDIRECT = ""
    assert isinstance(_get(client, evidence), StreamingHttpResponse)
    settings.FENGTAI_X_ACCEL_REDIRECT = "/_protected/"
    settings.FENGTAI_X_ACCEL_MIN_BYTES = len(PDF) + 1
    small = _get(client, evidence)
    assert isinstance(small, StreamingHttpResponse)
    assert b"".join(small.streaming_content) == PDF
    settings.FENGTAI_X_ACCEL_MIN_BYTES = len(PDF)
    assert _get(client, evidence).has_header("X-Accel-Redirect")


@pytest.mark.usefixtures("accel")
def test_a_preview_is_handed_to_nginx_after_its_hash_is_checked(client, slot, rsj_reporter):
    docx = upload(slot, rsj_reporter, "收入分配工作方案.docx", docx_bytes(["一、总体要求"]))
    EvidencePreview.objects.filter(evidence=docx).delete()
    preview = preview_ready(docx, pdf_bytes("收入分配工作方案（预览）"))
    client.force_login(rsj_reporter)
    url = reverse("scoring:evidence_preview", args=[docx.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/_protected/{preview.pdf.name}"
    assert response["Content-Type"] == "application/pdf"
    assert (
        unquote(response["Content-Disposition"].split("''", 1)[1]) == "收入分配工作方案（预览）.pdf"
    )
    assert "default-src 'none'" in response["Content-Security-Policy"]
    stored_replace(preview.pdf.name, b"%PDF-1.4 altered")
    refused = client.get(url)
    assert refused.status_code == 404
    assert not refused.has_header("X-Accel-Redirect")


def test_the_redirect_uri_is_the_quoted_storage_name(settings):
    settings.FENGTAI_X_ACCEL_REDIRECT = "/_protected/"
    assert x_accel_redirect("2026/ab cd/说明.pdf", 10) == (
        "/_protected/2026/ab%20cd/%E8%AF%B4%E6%98%8E.pdf"
    )
    settings.FENGTAI_X_ACCEL_REDIRECT = ""
    assert x_accel_redirect("2026/a.pdf", 10) is None
