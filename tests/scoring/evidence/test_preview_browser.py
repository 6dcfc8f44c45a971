"""A Word file uploaded in Chromium is read by the office in Chromium, inside the review page.

The unit uploads a DOCX through the upload form; the conversion runs after the upload commits
(the immediate backend, as under `make run`); the unit's file table links the preview, and the
office's review page frames it: the browser gets a PDF and does not refuse the frame.
"""

from decimal import Decimal

import pytest
from django.core.management import call_command

from scoring.demo.files import docx_bytes
from scoring.models import EvidencePreview, FigureField, PreviewStatus
from scoring.submissions.services import DraftInput, submission_save_draft, submission_submit
from tests.scoring.conftest import open_cycle_2026, slot_of
from tests.scoring.support import needs_libreoffice
from tests.scoring.test_browser import (  # noqa: F401 - fixtures used by name
    _catalogue_after_flush,
    _login,
    chromium,
)
from units.roles import Role

pytestmark = pytest.mark.browser


def test_the_office_reads_a_word_file_inside_the_review_page(
    chromium,  # noqa: F811
    live_server,
    make_user,
    tmp_path,
):
    needs_libreoffice()
    call_command("loaddata", "catalogue", "figure_defaults", verbosity=0)
    reporter = make_user("rsj", unit="rsj", roles={Role.REPORTER})
    make_user("office", roles={Role.OFFICE}, is_staff=True)
    slot = slot_of(open_cycle_2026(), "rsj", 63)
    base = live_server.url
    docx = tmp_path / "收入分配工作方案.docx"
    docx.write_bytes(docx_bytes(["丰台区技能人才收入分配工作方案", "一、总体要求"]))

    context = chromium.new_context(locale="zh-CN")
    page = context.new_page()
    _login(page, base, "rsj")
    page.goto(f"{base}/tasks/{slot.pk}/")
    # With JavaScript the file goes up in the background as soon as it is chosen.
    page.set_input_files("#id_file", str(docx))
    done = page.locator(".upload-item.done .upload-state")
    done.wait_for(timeout=90_000)  # the conversion runs in the upload request (immediate jobs)
    assert done.inner_text() == f"已上传“{docx.name}”。"
    page.reload()
    preview = EvidencePreview.objects.get(evidence__slot=slot)
    assert preview.status == PreviewStatus.READY, preview.error
    link = page.locator("table.files a[data-preview=ready]")
    assert link.inner_text() == "预览"
    preview_path = f"/files/{preview.evidence_id}/preview/"
    assert link.get_attribute("href") == preview_path
    context.close()

    figures = {
        f.pk: Decimal(1)
        for f in FigureField.objects.filter(
            cycle_id=slot.cycle_id, indicator_id=slot.indicator_id, required=True
        )
        if not f.is_computed
    }
    slot.refresh_from_db()
    saved = submission_save_draft(
        slot=slot, actor=reporter, draft=DraftInput(text="工作情况说明。", figures=figures)
    )
    submission_submit(slot=saved, actor=reporter, expected_revision=saved.revision)

    context = chromium.new_context(locale="zh-CN")
    page = context.new_page()
    _login(page, base, "office")
    page.goto(f"{base}/review/{slot.pk}/")
    details = page.locator("details[data-preview=ready]")
    with page.expect_response(lambda r: r.url.endswith(preview_path)) as framed:
        details.locator("summary").click()
    response = framed.value
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    frame = details.locator("iframe").element_handle().content_frame()
    frame.wait_for_load_state()  # a frame the browser refuses ends on chrome-error://
    assert frame.url == f"{base}{preview_path}"
    page.screenshot(path=str(tmp_path / "review-preview.png"), full_page=True)
    context.close()
