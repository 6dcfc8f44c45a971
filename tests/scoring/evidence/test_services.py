"""Evidence files in the service layer: add, remove, and the sweep of orphaned bytes.

The tests marked with the `evidence_backend` fixture run on the local folder and on a real
S3 bucket (tests/s3server.py).
"""

import hashlib
import os
import socket
import time
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

import scoring.evidence.services as evidence_service
from common.errors import DomainError
from fengtai_assess.storage_config import evidence_storage_settings
from scoring.demo.files import pdf_bytes
from scoring.evidence.services import evidence_remove
from scoring.models import EventAction, EvidenceFile, SlotStatus
from scoring.models.evidence import evidence_storage
from tests.s3server import evidence_storage_using
from tests.scoring.support import (
    evidence_root,
    save,
    slot_of,
    stored_bytes,
    stored_names,
    submit,
    upload,
)

pytestmark = pytest.mark.django_db

PDF = pdf_bytes("佐证材料")


@pytest.fixture
def slot(open_cycle):
    return slot_of(open_cycle, 47, "rsj")


@pytest.mark.usefixtures("evidence_backend")
def test_adding_stores_the_bytes_and_records_them(slot, rsj_reporter):
    before = stored_names()
    evidence = upload(slot, rsj_reporter, "统计说明.pdf", PDF, title="  全区产业工人统计说明  ")
    (new,) = stored_names() - before
    assert stored_bytes(new) == PDF
    assert new == evidence.file.name
    assert evidence.title == "全区产业工人统计说明"
    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest()
    slot.refresh_from_db()
    assert (slot.status, slot.revision) == (SlotStatus.DRAFT, 1)
    event = slot.events.get()
    assert event.action == EventAction.FILE_ADDED
    assert event.data == {"file": "统计说明.pdf", "sha256": evidence.sha256, "size": len(PDF)}


def test_a_long_title_is_cut_to_200_characters(slot, rsj_reporter):
    evidence = upload(slot, rsj_reporter, "统计说明.pdf", PDF, title="题" * 250)
    assert evidence.title == "题" * 200


def test_removing_a_file_a_version_holds_keeps_it(slot, rsj_reporter, office_user):
    from scoring.review.services import submission_return

    evidence = upload(slot, rsj_reporter, "统计说明.pdf", PDF)
    save(slot, rsj_reporter, "说明。", industrial_workers=196400)
    submit(slot, rsj_reporter)
    with pytest.raises(DomainError, match="不能保存"):
        evidence_remove(slot=slot, evidence=evidence, actor=rsj_reporter)
    submission_return(slot=slot, actor=office_user, reason="换一份材料。")

    evidence_remove(slot=slot, evidence=evidence, actor=rsj_reporter)
    evidence.refresh_from_db()
    assert evidence.in_draft is False
    assert (evidence_root() / evidence.file.name).read_bytes() == PDF
    with pytest.raises(DomainError, match="该材料不在当前草稿中"):
        evidence_remove(slot=slot, evidence=evidence, actor=rsj_reporter)


def test_a_file_of_another_slot_cannot_be_removed_through_this_one(open_cycle, slot, rsj_reporter):
    evidence = upload(slot, rsj_reporter, "统计说明.pdf", PDF)
    other = slot_of(open_cycle, 48, "rsj")
    with pytest.raises(DomainError, match="该材料不在当前草稿中"):
        evidence_remove(slot=other, evidence=evidence, actor=rsj_reporter)
    assert EvidenceFile.objects.filter(pk=evidence.pk, in_draft=True).exists()


@pytest.mark.usefixtures("evidence_backend")
def test_a_failure_inside_the_transaction_removes_the_written_bytes(
    slot, rsj_reporter, monkeypatch
):
    written = []

    def broken(**kwargs):
        written.extend(stored_names())  # the bytes are in the store at this point
        raise RuntimeError("audit trail unavailable")

    monkeypatch.setattr(evidence_service, "event_record", broken)
    before = stored_names()
    with pytest.raises(RuntimeError):
        upload(slot, rsj_reporter, "统计说明.pdf", PDF)
    assert len(set(written) - before) == 1
    assert stored_names() == before
    assert not EvidenceFile.objects.exists()
    slot.refresh_from_db()
    assert (slot.status, slot.revision) == (SlotStatus.NOT_STARTED, 0)


# --- the sweep ------------------------------------------------------------------------------


def _orphan(minutes_old: int) -> str:
    name = f"2020/01/{uuid.uuid4().hex}"
    path = evidence_root() / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"left behind by a crash")
    then = time.time() - minutes_old * 60
    os.utime(path, (then, then))
    return name


def _sweep(*args) -> str:
    out = StringIO()
    call_command("evidence_sweep", *args, stdout=out)
    return out.getvalue()


def test_the_sweep_deletes_only_old_files_no_row_names(slot, rsj_reporter):
    old = _orphan(minutes_old=120)
    fresh = _orphan(minutes_old=5)
    kept = upload(slot, rsj_reporter, "统计说明.pdf", PDF)
    kept_path = evidence_root() / kept.file.name
    ancient = time.time() - 3 * 3600
    os.utime(kept_path, (ancient, ancient))  # old, but a row names it

    listed = _sweep("--dry-run")
    assert f"将删除 {old}" in listed
    assert fresh not in listed and kept.file.name not in listed
    assert "发现孤立文件 1 个" in listed
    assert (evidence_root() / old).exists()

    done = _sweep()  # default: older than 60 minutes
    assert f"已删除 {old}" in done
    assert "清理孤立文件 1 个" in done
    assert not (evidence_root() / old).exists()
    assert (evidence_root() / fresh).exists()
    assert kept_path.read_bytes() == PDF

    assert f"已删除 {fresh}" in _sweep("--older-than-minutes", "3")
    assert not (evidence_root() / fresh).exists()
    assert kept_path.exists()


@pytest.mark.usefixtures("evidence_backend")
def test_the_sweep_walks_the_store_through_the_storage_api(slot, rsj_reporter):
    """On a bucket too: a file no row names goes once it is old enough, a named one stays."""
    kept = upload(slot, rsj_reporter, "统计说明.pdf", PDF)
    orphan = evidence_storage().save(f"2020/01/{uuid.uuid4().hex}", ContentFile(b"left behind"))

    assert _sweep() == "清理孤立文件 0 个。\n"  # just written: younger than an hour
    assert stored_names() == {kept.file.name, orphan}

    assert f"已删除 {orphan}" in _sweep("--older-than-minutes", "0")
    assert stored_names() == {kept.file.name}
    assert stored_bytes(kept.file.name) == PDF


def test_a_store_that_cannot_be_reached_refuses_the_upload_in_chinese(slot, rsj_reporter):
    """The bucket's address answers nothing (a closed loopback port): the reporter is told, in
    Chinese, that the file was not uploaded, and no row, revision or audit event remains."""
    closed_port = _closed_loopback_port()
    config = evidence_storage_settings(
        {
            "FENGTAI_EVIDENCE_STORAGE": "s3",
            "FENGTAI_S3_ENDPOINT_URL": f"http://127.0.0.1:{closed_port}",
            "FENGTAI_S3_BUCKET": "fengtai-evidence",
            "FENGTAI_S3_ACCESS_KEY": "AK",
            "FENGTAI_S3_SECRET_KEY": "SK",
        },
        local_root=Path("/nonexistent"),
    )
    with evidence_storage_using(config), pytest.raises(DomainError) as refused:
        upload(slot, rsj_reporter, "统计说明.pdf", PDF)
    assert refused.value.message == evidence_service.STORE_UNAVAILABLE
    assert "未上传" in refused.value.message
    assert not EvidenceFile.objects.exists()
    slot.refresh_from_db()
    assert (slot.status, slot.revision) == (SlotStatus.NOT_STARTED, 0)
    assert not slot.events.exists()


def _closed_loopback_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
