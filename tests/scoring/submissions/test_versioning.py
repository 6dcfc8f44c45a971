"""Versions are frozen: a resubmit after a return never changes what version 1 showed."""

import hashlib

import pytest
from django.urls import reverse

from scoring.demo.files import docx_bytes, pdf_bytes
from scoring.evidence.services import evidence_remove
from scoring.models import EvidenceFile, SlotStatus
from scoring.review.services import submission_return
from tests.scoring.support import evidence_root, save, slot_of, submit, upload

pytestmark = pytest.mark.django_db

A_BYTES = pdf_bytes("产业工人数量统计说明")
B_BYTES = docx_bytes(["产业工人数量统计说明（修订）", "数据来源：区统计局。"])


def _on_disk(evidence: EvidenceFile):
    return evidence_root() / evidence.file.name


@pytest.fixture
def resubmitted(open_cycle, rsj_reporter, office_user):
    """47/区人社局: v1 with A, returned, A removed, B uploaded, v2 with B."""
    slot = slot_of(open_cycle, 47, "rsj")
    save(slot, rsj_reporter, "第一版说明。", industrial_workers=182000)
    a = upload(slot, rsj_reporter, "统计说明.pdf", A_BYTES)
    v1 = submit(slot, rsj_reporter)
    submission_return(slot=slot, actor=office_user, reason="请换成修订后的统计说明。")
    slot.refresh_from_db()
    evidence_remove(slot=slot, evidence=a, actor=rsj_reporter)
    b = upload(slot, rsj_reporter, "统计说明（修订）.docx", B_BYTES)
    save(slot, rsj_reporter, "第二版说明。", industrial_workers=196400)
    v2 = submit(slot, rsj_reporter)
    return slot, a, b, v1, v2


def test_each_version_keeps_its_own_files(resubmitted):
    slot, a, b, v1, v2 = resubmitted
    a.refresh_from_db()
    assert (v1.number, v2.number) == (1, 2)
    assert list(v1.files.all()) == [a]
    assert list(v2.files.all()) == [b]
    # A left the draft but stays, bytes untouched, because version 1 holds it.
    assert a.in_draft is False
    assert _on_disk(a).read_bytes() == A_BYTES
    assert hashlib.sha256(_on_disk(a).read_bytes()).hexdigest() == a.sha256
    assert hashlib.sha256(A_BYTES).hexdigest() == a.sha256
    assert list(slot.files.filter(in_draft=True)) == [b]
    assert (v1.text, v1.figures) == ("第一版说明。", {"industrial_workers": "182000"})
    assert (v2.text, v2.figures) == ("第二版说明。", {"industrial_workers": "196400"})
    assert slot.status == SlotStatus.SUBMITTED


def test_both_versions_are_readable_and_their_files_downloadable(client, resubmitted, rsj_reporter):
    slot, a, b, v1, v2 = resubmitted
    client.force_login(rsj_reporter)

    page1 = client.get(reverse("scoring:version_detail", args=[slot.pk, 1])).content.decode()
    assert "第 1 版" in page1 and "第一版说明。" in page1
    assert "统计说明.pdf" in page1 and "统计说明（修订）.docx" not in page1
    page2 = client.get(reverse("scoring:version_detail", args=[slot.pk, 2])).content.decode()
    assert "第二版说明。" in page2
    assert "统计说明（修订）.docx" in page2 and "统计说明.pdf" not in page2
    assert client.get(reverse("scoring:version_detail", args=[slot.pk, 3])).status_code == 404

    for evidence, data in ((a, A_BYTES), (b, B_BYTES)):
        response = client.get(reverse("scoring:evidence_download", args=[evidence.pk]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == data


def test_the_slot_page_lists_both_versions(client, resubmitted, rsj_reporter):
    slot, *_ = resubmitted
    client.force_login(rsj_reporter)
    html = client.get(reverse("scoring:slot_detail", args=[slot.pk])).content.decode()
    assert reverse("scoring:version_detail", args=[slot.pk, 1]) in html
    assert reverse("scoring:version_detail", args=[slot.pk, 2]) in html


def test_removing_a_file_no_version_holds_deletes_row_and_bytes_after_commit(
    open_cycle, rsj_reporter, django_capture_on_commit_callbacks
):
    slot = slot_of(open_cycle, 47, "rsj")
    evidence = upload(slot, rsj_reporter, "草稿附件.pdf", A_BYTES)
    path = _on_disk(evidence)
    assert path.read_bytes() == A_BYTES
    slot.refresh_from_db()
    revision = slot.revision

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        evidence_remove(slot=slot, evidence=evidence, actor=rsj_reporter)
    # The row is gone at once; the bytes wait for the commit.
    assert not EvidenceFile.objects.filter(pk=evidence.pk).exists()
    assert path.exists()
    assert len(callbacks) == 1
    callbacks[0]()
    assert not path.exists()

    slot.refresh_from_db()
    assert slot.revision == revision + 1
    event = slot.events.order_by("-id").first()
    assert (event.get_action_display(), event.data) == ("移除材料", {"file": "草稿附件.pdf"})


def test_removal_runs_its_callback_on_commit(
    open_cycle, rsj_reporter, django_capture_on_commit_callbacks
):
    slot = slot_of(open_cycle, 47, "rsj")
    evidence = upload(slot, rsj_reporter, "草稿附件.pdf", A_BYTES)
    path = _on_disk(evidence)
    slot.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        evidence_remove(slot=slot, evidence=evidence, actor=rsj_reporter)
    assert not EvidenceFile.objects.filter(pk=evidence.pk).exists()
    assert not path.exists()
