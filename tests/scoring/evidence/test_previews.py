"""PDF previews of Office evidence, made by the real LibreOffice from real uploaded files.

Each test that converts starts soffice (a second or two each), so there is one conversion per
format and the failure cases are made to fail fast. They skip, saying so, where LibreOffice or
the part of it a format needs is not installed (scripts/ensure-system-deps installs them).
"""

import hashlib
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from scoring.demo.files import docx_bytes, pptx_bytes, xlsx_bytes
from scoring.evidence.conversion import ConversionFailed, Converter
from scoring.models import EvidenceFile, EvidencePreview, FigureField, PreviewStatus
from scoring.submissions.services import DraftInput, submission_save_draft, submission_submit
from tests.scoring.evidence import samples
from tests.scoring.pages import errors_shown, messages_shown
from tests.scoring.support import evidence_root, needs_libreoffice, slot_of

pytestmark = pytest.mark.django_db

SAMPLES = {
    "docx": (
        "libswlo.so",
        lambda: docx_bytes(["丰台区产改工作情况说明", "开展技能培训 1200 人次。"]),
    ),
    "xlsx": ("libsclo.so", lambda: xlsx_bytes([["单位", "培训人次"], ["区人社局", 1200]])),
    "pptx": ("libsdlo.so", lambda: pptx_bytes(["丰台区产改工作汇报", "技能培训 1200 人次"])),
}


@pytest.fixture
def slot(open_cycle):
    return slot_of(open_cycle, 47, "rsj")


def _upload(client, user, slot, name: str, content: bytes, on_commit):
    """Upload through the page as the unit does; the job runs once the upload has committed."""
    client.force_login(user)
    with on_commit(execute=True):
        response = client.post(
            reverse("scoring:evidence_upload", args=[slot.pk]),
            {"file": SimpleUploadedFile(name, content), "title": ""},
            follow=True,
        )
    assert errors_shown(response) == []
    assert ("success", f"已上传“{name}”。") in messages_shown(response)
    return EvidenceFile.objects.get(slot=slot, original_name=name)


def _submit(slot, user) -> None:
    """Submit the draft with its files, every required figure set to 1."""
    figures = {
        f.pk: Decimal(1)
        for f in FigureField.objects.filter(
            cycle_id=slot.cycle_id, indicator_id=slot.indicator_id, required=True
        )
        if not f.is_computed
    }
    slot.refresh_from_db()
    saved = submission_save_draft(
        slot=slot, actor=user, draft=DraftInput(text="工作情况说明。", figures=figures)
    )
    submission_submit(slot=saved, actor=user, expected_revision=saved.revision)


def _assert_inline_pdf(response, preview: EvidencePreview) -> bytes:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF-")
    assert hashlib.sha256(body).hexdigest() == preview.pdf_sha256
    return body


@pytest.mark.parametrize("extension", list(SAMPLES))
def test_office_file_is_previewed_as_pdf_on_the_review_page(
    client,
    slot,
    rsj_reporter,
    zgh_reporter,
    office_user,
    extension,
    django_capture_on_commit_callbacks,
):
    part, build = SAMPLES[extension]
    needs_libreoffice(part)
    content = build()
    name = f"产改佐证材料.{extension}"
    evidence = _upload(
        client, rsj_reporter, slot, name, content, django_capture_on_commit_callbacks
    )

    preview = EvidencePreview.objects.get(evidence=evidence)
    assert (preview.status, preview.attempts, preview.error) == (PreviewStatus.READY, 1, "")
    assert preview.sha256 == evidence.sha256 == hashlib.sha256(content).hexdigest()
    # Stored beside the original, in the same private storage; the original is untouched.
    assert preview.pdf.name == f"{evidence.file.name}.preview.pdf"
    assert (evidence_root() / preview.pdf.name).is_file()
    assert (evidence_root() / evidence.file.name).read_bytes() == content

    preview_url = reverse("scoring:evidence_preview", args=[evidence.pk])
    unit_page = client.get(reverse("scoring:slot_detail", args=[slot.pk])).content.decode()
    assert f'href="{preview_url}"' in unit_page
    _assert_inline_pdf(client.get(preview_url), preview)

    _submit(slot, rsj_reporter)
    client.force_login(office_user)
    review = client.get(reverse("scoring:review_detail", args=[slot.pk])).content.decode()
    assert f'<iframe src="{preview_url}"' in review
    _assert_inline_pdf(client.get(preview_url), preview)

    # Another unit learns nothing, not even that the file or its preview exists.
    client.force_login(zgh_reporter)
    assert client.get(preview_url).status_code == 404


@override_settings(EVIDENCE_PREVIEW_MAX_ATTEMPTS=2)
def test_a_file_libreoffice_cannot_open_keeps_its_upload_and_says_no_preview(
    client, slot, rsj_reporter, office_user, django_capture_on_commit_callbacks
):
    needs_libreoffice()
    content = samples.broken_docx()
    evidence = _upload(
        client, rsj_reporter, slot, "损坏的说明.docx", content, django_capture_on_commit_callbacks
    )

    preview = EvidencePreview.objects.get(evidence=evidence)
    # Tried again once, then given up: attempts are bounded by the setting.
    assert (preview.status, preview.attempts) == (PreviewStatus.FAILED, 2)
    assert "无法打开" in preview.error
    assert not preview.pdf
    assert (evidence_root() / evidence.file.name).read_bytes() == content
    assert not (evidence_root() / f"{evidence.file.name}.preview.pdf").exists()

    unit_page = client.get(reverse("scoring:slot_detail", args=[slot.pk])).content.decode()
    assert "无法预览，请下载查看" in unit_page
    assert preview.error not in unit_page  # the reason is for the office
    assert client.get(reverse("scoring:evidence_preview", args=[evidence.pk])).status_code == 404
    download = client.get(reverse("scoring:evidence_download", args=[evidence.pk]))
    assert b"".join(download.streaming_content) == content

    _submit(slot, rsj_reporter)
    client.force_login(office_user)
    review = client.get(reverse("scoring:review_detail", args=[slot.pk])).content.decode()
    assert "无法预览，请下载查看" in review
    assert "已尝试 2 次" in review
    assert "LibreOffice 无法打开该文件" in review


@override_settings(EVIDENCE_PREVIEW_TIMEOUT=0.3, EVIDENCE_PREVIEW_MAX_ATTEMPTS=2)
def test_a_conversion_over_the_time_limit_is_stopped_and_marked_failed(
    client, slot, rsj_reporter, django_capture_on_commit_callbacks
):
    needs_libreoffice()
    evidence = _upload(
        client,
        rsj_reporter,
        slot,
        "工作总结.docx",
        docx_bytes(["工作总结"]),
        django_capture_on_commit_callbacks,
    )
    preview = EvidencePreview.objects.get(evidence=evidence)
    assert (preview.status, preview.attempts) == (PreviewStatus.FAILED, 2)
    assert "超时" in preview.error
    assert EvidenceFile.objects.filter(pk=evidence.pk, in_draft=True).exists()


def test_the_time_limit_kills_libreoffice_and_everything_it_started(tmp_path):
    needs_libreoffice()
    source = tmp_path / "source.docx"
    source.write_bytes(docx_bytes(["工作总结"]))
    workdir = tmp_path / "job"
    workdir.mkdir()
    with pytest.raises(ConversionFailed) as failed:
        Converter(timeout=0.3).convert(source, extension="docx", workdir=workdir)
    assert failed.value.timed_out
    assert "超时" in failed.value.message
    # No process is left holding this run's profile (soffice.bin included).
    survivors = [
        p
        for p in Path("/proc").iterdir()
        if p.name.isdigit() and str(workdir) in _cmdline(p) and "soffice" in _cmdline(p)
    ]
    assert survivors == []
    assert not (workdir / "out" / "source.pdf").exists()


def _cmdline(proc: Path) -> str:
    try:
        return (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""
