"""What happens to a preview around its conversion: storage, removal, sweeping, tampering, admin.

No LibreOffice here: a ready preview is a real PDF stored where the job stores one
(support.preview_ready); the conversions themselves are in test_previews.py.
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from scoring.demo.files import docx_bytes, pdf_bytes, xlsx_bytes
from scoring.evidence.previews import preview_build
from scoring.evidence.services import evidence_remove, evidence_sweep
from scoring.models import EvidencePreview, PreviewStatus
from tests.scoring.support import evidence_root, preview_ready, slot_of, upload

pytestmark = pytest.mark.django_db

PREVIEW_PDF = pdf_bytes("工作情况说明（预览）")


@pytest.fixture
def slot(open_cycle):
    return slot_of(open_cycle, 47, "rsj")


def test_an_office_upload_waits_for_its_preview_and_a_pdf_gets_none(slot, rsj_reporter):
    # In a test transaction nothing commits, so the job never starts: the row is all there is.
    docx = upload(slot, rsj_reporter, "说明.docx", docx_bytes(["说明"]))
    pdf = upload(slot, rsj_reporter, "说明.pdf", pdf_bytes("说明"))
    preview = EvidencePreview.objects.get(evidence=docx)
    assert (preview.status, preview.attempts, preview.sha256) == (
        PreviewStatus.PENDING,
        0,
        docx.sha256,
    )
    assert not EvidencePreview.objects.filter(evidence=pdf).exists()


def test_a_job_delivered_twice_does_not_convert_twice(slot, rsj_reporter):
    docx = upload(slot, rsj_reporter, "说明.docx", docx_bytes(["说明"]))
    preview = EvidencePreview.objects.get(evidence=docx)
    preview.status = PreviewStatus.READY
    preview.pdf.name = f"{docx.file.name}.preview.pdf"
    preview.save()
    assert preview_build(preview_pk=preview.pk) == PreviewStatus.READY
    preview.refresh_from_db()
    assert preview.attempts == 0


def test_removing_a_file_from_the_draft_removes_its_preview(
    slot, rsj_reporter, django_capture_on_commit_callbacks
):
    docx = upload(slot, rsj_reporter, "说明.docx", docx_bytes(["说明"]))
    EvidencePreview.objects.filter(evidence=docx).delete()
    preview = preview_ready(docx, PREVIEW_PDF)
    stored = evidence_root() / preview.pdf.name
    assert stored.is_file()
    with django_capture_on_commit_callbacks(execute=True):
        evidence_remove(slot=slot, evidence=docx, actor=rsj_reporter)
    assert not EvidencePreview.objects.filter(pk=preview.pk).exists()
    assert not stored.exists()
    assert not (evidence_root() / docx.file.name).exists()


def test_the_orphan_sweep_keeps_previews(slot, rsj_reporter):
    docx = upload(slot, rsj_reporter, "说明.docx", docx_bytes(["说明"]))
    EvidencePreview.objects.filter(evidence=docx).delete()
    preview = preview_ready(docx, PREVIEW_PDF)
    swept = evidence_sweep(older_than=timedelta(seconds=-60), dry_run=True)
    assert preview.pdf.name not in swept
    assert docx.file.name not in swept


def test_an_altered_preview_is_not_served(client, slot, rsj_reporter):
    docx = upload(slot, rsj_reporter, "说明.docx", docx_bytes(["说明"]))
    EvidencePreview.objects.filter(evidence=docx).delete()
    preview = preview_ready(docx, PREVIEW_PDF)
    url = reverse("scoring:evidence_preview", args=[docx.pk])
    client.force_login(rsj_reporter)
    assert client.get(url).status_code == 200
    (evidence_root() / preview.pdf.name).write_bytes(pdf_bytes("被替换的内容"))
    assert client.get(url).status_code == 404


def test_a_preview_of_other_bytes_is_not_served(client, slot, rsj_reporter):
    docx = upload(slot, rsj_reporter, "说明.docx", docx_bytes(["说明"]))
    EvidencePreview.objects.filter(evidence=docx).delete()
    preview = preview_ready(docx, PREVIEW_PDF)
    EvidencePreview.objects.filter(pk=preview.pk).update(sha256="0" * 64)
    client.force_login(rsj_reporter)
    assert client.get(reverse("scoring:evidence_preview", args=[docx.pk])).status_code == 404


def test_the_office_sees_failed_previews_in_the_admin_and_can_start_them_again(
    client, slot, rsj_reporter, office_user
):
    docx = upload(slot, rsj_reporter, "损坏的说明.docx", docx_bytes(["说明"]))
    EvidencePreview.objects.filter(evidence=docx).update(
        status=PreviewStatus.FAILED, attempts=3, error="LibreOffice 无法打开该文件。"
    )
    preview = EvidencePreview.objects.get(evidence=docx)
    client.force_login(office_user)
    changelist = reverse("admin:scoring_evidencepreview_changelist")
    page = client.get(changelist, {"status__exact": PreviewStatus.FAILED})
    assert page.status_code == 200
    html = page.content.decode()
    assert "损坏的说明.docx" in html
    assert "LibreOffice 无法打开该文件。" in html

    response = client.post(
        changelist, {"action": "retry", "_selected_action": [preview.pk]}, follow=True
    )
    assert response.status_code == 200
    preview.refresh_from_db()
    assert (preview.status, preview.attempts, preview.error) == (PreviewStatus.PENDING, 0, "")


def test_a_unit_reporter_cannot_open_the_preview_admin(client, rsj_reporter):
    client.force_login(rsj_reporter)
    response = client.get(reverse("admin:scoring_evidencepreview_changelist"))
    assert response.status_code == 302


def test_the_command_schedules_previews_that_are_missing_or_failed(slot, rsj_reporter):
    missing = upload(slot, rsj_reporter, "旧材料.docx", docx_bytes(["旧材料"]))
    EvidencePreview.objects.filter(evidence=missing).delete()  # uploaded before previews
    failed = upload(slot, rsj_reporter, "失败的材料.xlsx", xlsx_bytes([["单位"], ["区人社局"]]))
    EvidencePreview.objects.filter(evidence=failed).update(status=PreviewStatus.FAILED, attempts=3)
    done = upload(slot, rsj_reporter, "已有预览.docx", docx_bytes(["已有"]))
    EvidencePreview.objects.filter(evidence=done).delete()
    preview_ready(done, PREVIEW_PDF)
    upload(slot, rsj_reporter, "扫描件.pdf", pdf_bytes("扫描件"))

    out = StringIO()
    call_command("evidence_previews", "--dry-run", stdout=out)
    assert "待生成 旧材料.docx" in out.getvalue()
    assert "失败的材料.xlsx" not in out.getvalue()
    assert not EvidencePreview.objects.filter(evidence=missing).exists()

    call_command("evidence_previews", "--retry-failed", stdout=StringIO())
    pending = set(
        EvidencePreview.objects.filter(status=PreviewStatus.PENDING).values_list(
            "evidence__original_name", flat=True
        )
    )
    assert pending == {"旧材料.docx", "失败的材料.xlsx"}
    assert EvidencePreview.objects.get(evidence=done).status == PreviewStatus.READY
