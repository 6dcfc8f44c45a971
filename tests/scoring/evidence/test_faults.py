"""Faults during an upload: a full disk, a body cut off mid-file. Each leaves nothing behind."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from scoring.demo.files import pdf_bytes
from scoring.evidence.services import STORAGE_FULL, UPLOAD_INTERRUPTED
from scoring.models import EventAction, EvidenceFile
from tests.scoring.evidence.faulty_storage import DiskFullStorage
from tests.scoring.pages import BOUNDARY, errors_shown, messages_shown
from tests.scoring.support import evidence_root, slot_of, stored_files

pytestmark = pytest.mark.django_db

PDF = pdf_bytes("职业技能培训人次统计")


@pytest.fixture
def slot(open_cycle):
    return slot_of(open_cycle, 47, "rsj")


@pytest.fixture
def reporter(client, rsj_reporter):
    client.force_login(rsj_reporter)
    return rsj_reporter


def _assert_nothing_stored(slot, files_before):
    assert not EvidenceFile.objects.exists()
    assert stored_files() == files_before
    slot.refresh_from_db()
    assert slot.revision == 0
    assert not slot.events.filter(action=EventAction.FILE_ADDED).exists()


def test_a_full_disk_is_a_clear_message_and_leaves_no_row_and_no_partial_file(
    client, reporter, slot
):
    before = stored_files()
    DiskFullStorage.partial_files.clear()
    full_disk = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "tests.scoring.evidence.faulty_storage.DiskFullStorage",
            "OPTIONS": {"location": evidence_root(), "base_url": None},
        },
    }
    with override_settings(STORAGES=full_disk):
        response = client.post(
            reverse("scoring:evidence_upload", args=[slot.pk]),
            {"file": SimpleUploadedFile("培训人次统计.pdf", PDF), "title": ""},
            follow=True,
        )
    assert response.redirect_chain == [(reverse("scoring:slot_detail", args=[slot.pk]), 302)]
    assert errors_shown(response) == [STORAGE_FULL], messages_shown(response)
    assert STORAGE_FULL == "服务器存储空间不足，文件未保存，请稍后重试或联系管理员。"
    # The storage did write part of the file; the service removed it.
    assert len(DiskFullStorage.partial_files) == 1
    assert not Path(DiskFullStorage.partial_files[0]).exists()
    _assert_nothing_stored(slot, before)


def _part(name: str, content: bytes) -> bytes:
    return (
        f"--{BOUNDARY}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode() + content


def cut_off_body() -> bytes:
    """Two files; the body stops in the middle of the second, as when the client goes away."""
    first = _part("第一份.pdf", PDF) + b"\r\n"
    second = _part("第二份.pdf", PDF)
    return first + second[: len(second) - len(PDF) // 2]


def test_a_body_cut_off_mid_file_stores_none_of_its_files(client, reporter, slot, tmp_path):
    before = stored_files()
    with override_settings(FILE_UPLOAD_TEMP_DIR=str(tmp_path)):
        response = client.post(
            reverse("scoring:evidence_upload", args=[slot.pk]),
            data=cut_off_body(),
            content_type=f"multipart/form-data; boundary={BOUNDARY}",
            follow=True,
        )
    assert errors_shown(response) == [UPLOAD_INTERRUPTED], messages_shown(response)
    _assert_nothing_stored(slot, before)
    assert os.listdir(tmp_path) == []  # no temporary upload file left either


def test_the_same_two_files_complete_are_both_stored(client, reporter, slot):
    """The counterpart: the body above, finished, stores both (so the refusal is the cut)."""
    body = _part("第一份.pdf", PDF) + b"\r\n" + _part("第二份.pdf", PDF)
    body += f"\r\n--{BOUNDARY}--\r\n".encode()
    response = client.post(
        reverse("scoring:evidence_upload", args=[slot.pk]),
        data=body,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        follow=True,
    )
    assert errors_shown(response) == []
    assert sorted(EvidenceFile.objects.values_list("original_name", flat=True)) == [
        "第一份.pdf",
        "第二份.pdf",
    ]
