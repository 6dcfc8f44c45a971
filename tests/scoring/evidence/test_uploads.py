"""Uploading evidence through the page: every refusal is shown in Chinese and stores nothing."""

import hashlib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from scoring.demo.files import docx_bytes, pdf_bytes, png_bytes, xlsx_bytes
from scoring.models import EventAction, EvidenceFile, SlotStatus
from scoring.models.evidence import evidence_storage
from tests.scoring.evidence import samples
from tests.scoring.pages import errors_shown, messages_shown, multipart_body
from tests.scoring.support import (
    evidence_root,
    save,
    slot_of,
    stored_bytes,
    stored_files,
    stored_names,
    submit,
)

pytestmark = pytest.mark.django_db

PDF = pdf_bytes("产业工人数量统计说明")
STORAGE_KEY = re.compile(r"^\d{4}/\d{2}/[0-9a-f]{32}$")


@pytest.fixture
def slot(open_cycle):
    return slot_of(open_cycle, 47, "rsj")


@pytest.fixture
def reporter(client, rsj_reporter):
    client.force_login(rsj_reporter)
    return rsj_reporter


def _url(slot):
    return reverse("scoring:evidence_upload", args=[slot.pk])


def _post(client, slot, name, content, title=""):
    return client.post(
        _url(slot), {"file": SimpleUploadedFile(name, content), "title": title}, follow=True
    )


def _post_raw(client, slot, disposition: bytes, content: bytes):
    body, content_type = multipart_body(disposition=disposition, content=content)
    return client.post(_url(slot), data=body, content_type=content_type, follow=True)


def _assert_refused(response, phrase, *, slot, files_before):
    assert response.redirect_chain == [(reverse("scoring:slot_detail", args=[slot.pk]), 302)]
    errors = errors_shown(response)
    assert len(errors) == 1, messages_shown(response)
    assert phrase in errors[0]
    assert not EvidenceFile.objects.exists()
    assert stored_files() == files_before
    slot.refresh_from_db()
    assert slot.revision == 0
    assert not slot.events.filter(action=EventAction.FILE_ADDED).exists()
    return errors[0]


# --- accepted ------------------------------------------------------------------------------


@pytest.mark.usefixtures("evidence_backend")
@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("产业工人数量统计说明.pdf", PDF, "application/pdf"),
        ("收入分配工作方案.docx", docx_bytes(["一、总体要求"]),
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("分行业统计表.xlsx", xlsx_bytes([["行业", "人数"], ["制造业", 82000]]),
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("培训现场.png", png_bytes(), "image/png"),
    ],
)  # fmt: skip
def test_a_real_file_is_stored_privately_with_its_digest(
    client, reporter, slot, name, content, content_type
):
    before = stored_names()
    response = _post(client, slot, name, content, title="")
    assert messages_shown(response) == [("success", f"已上传“{name}”。")]
    evidence = EvidenceFile.objects.get()
    assert evidence.original_name == name
    assert evidence.title == name.rsplit(".", 1)[0]
    assert (evidence.size, evidence.content_type) == (len(content), content_type)
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert evidence.in_draft and evidence.uploaded_by == reporter
    assert STORAGE_KEY.match(evidence.file.name), evidence.file.name
    (new,) = stored_names() - before
    assert new == evidence.file.name
    assert stored_bytes(new) == content
    slot.refresh_from_db()
    assert (slot.status, slot.revision) == (SlotStatus.DRAFT, 1)
    event = slot.events.get()
    assert (event.action, event.actor, event.data["file"]) == (
        EventAction.FILE_ADDED,
        reporter,
        name,
    )
    assert name in response.content.decode()


def test_a_200_character_chinese_name_is_kept_exactly(client, reporter, slot):
    name = ("丰台区产业工人队伍建设改革落实情况佐证材料" * 10)[:196] + ".pdf"
    assert len(name) == 200
    response = _post(client, slot, name, PDF, title="")
    assert messages_shown(response) == [("success", f"已上传“{name}”。")]
    evidence = EvidenceFile.objects.get()
    assert evidence.original_name == name
    assert evidence.title == name[:-4]
    assert STORAGE_KEY.match(evidence.file.name)
    evidence.refresh_from_db()  # as the database stored it (PostgreSQL checks the length)
    assert evidence.original_name == name


@pytest.mark.parametrize(
    ("disposition", "expected"),
    [
        ('filename="../../../etc/报告.pdf"'.encode(), "报告.pdf"),
        ('filename="..\\..\\windows\\报告.pdf"'.encode(), "报告.pdf"),
        (b"filename*=UTF-8''..%2F..%2F%E6%8A%A5%E5%91%8A.pdf", "报告.pdf"),
        (b"filename*=UTF-8''%E6%8A%A5%E5%91%8A%00.pdf", "报告.pdf"),
        (b"filename*=UTF-8''%E6%8A%A5%E5%91%8A%0A%E7%AC%AC%E4%BA%8C%E8%A1%8C.pdf", "报告第二行.pdf"),
        ('filename="报告&#13;&#10;Content-Type: text.pdf"'.encode(), "报告Content-Type: text.pdf"),
        ('filename="报告\x00.pdf"'.encode(), "报告.pdf"),
        (b"filename*=UTF-8''%E6%8A%A5%E5%91%8A%E2%80%AEfdp.pdf", "报告fdp.pdf"),
    ],
)  # fmt: skip
def test_paths_and_control_characters_never_reach_the_stored_name(
    client, reporter, slot, disposition, expected
):
    before = stored_files()
    response = _post_raw(client, slot, disposition, PDF)
    assert [level for level, _ in messages_shown(response)] == ["success"]
    evidence = EvidenceFile.objects.get()
    for bad in ("/", "\\", "\x00", "\n", "\r", "\u202e", ".."):
        assert bad not in evidence.original_name
        assert bad not in evidence.title
    assert evidence.original_name == expected
    # The name on disk is ours, never the uploader's.
    assert STORAGE_KEY.match(evidence.file.name)
    (new,) = stored_files() - before
    assert new.parent.parent.parent == evidence_root()
    assert new.read_bytes() == PDF


# --- refused by content --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "phrase"),
    [
        ("关于开展技能培训的通知.pdf", samples.WINDOWS_EXECUTABLE, "是可执行文件"),
        ("培训统计.xlsx", samples.xlsm_renamed(), "含有宏"),
        ("培训现场.png", samples.png(text=b"<script>alert(document.cookie)</script>"), "含有网页或脚本内容"),
        ("现场照片.png", png_bytes() + b"<html><script>alert(1)</script></html>", "含有网页或脚本内容"),
        ("工作报告.pdf", samples.HTML_PAGE, "含有网页或脚本内容"),
        ("自动运行.pdf", samples.pdf_with_javascript(), "含有脚本或自动运行的动作"),
        ("材料汇总.zip", samples.zip_bomb(4 * samples.MB), "疑似压缩炸弹"),
        ("材料汇总.zip", samples.zip_with_raw_entry_name("../../etc/cron.d/evil"), "不安全的路径"),
        ("材料汇总.zip", samples.zip_with_raw_entry_name("..\\..\\Windows\\evil.bat"), "不安全的路径"),
        ("空白.pdf", b"", "为空文件"),
        ("程序.exe", samples.WINDOWS_EXECUTABLE, "类型不允许上传"),
        ("说明.pdf", png_bytes(), "内容与扩展名不符"),
    ],
)  # fmt: skip
def test_a_dangerous_or_broken_file_is_refused(client, reporter, slot, name, content, phrase):
    before = stored_files()
    message = _assert_refused(
        _post(client, slot, name, content), phrase, slot=slot, files_before=before
    )
    assert name in message


@override_settings(EVIDENCE_ZIP_MAX_UNCOMPRESSED=10_000)
def test_a_zip_over_the_uncompressed_total_is_refused(client, reporter, slot):
    """Two honest 6 000-byte entries: neither is a bomb alone, together they pass 10 000."""
    archive = samples.zip_archive({"a.txt": b"a" * 6000, "b.txt": b"b" * 6000})
    before = stored_files()
    _assert_refused(
        _post(client, slot, "两份名单.zip", archive), "疑似压缩炸弹", slot=slot, files_before=before
    )


def _csrf_client(user):
    """A client that sends a CSRF token, as browsers do: the middleware then reads the body."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(reverse("scoring:tasks"))
    return client


def _oversized():
    return SimpleUploadedFile("大文件.pdf", b"%PDF-1.4\n" + b"0" * 2048 + b"\n%%EOF\n")


@override_settings(EVIDENCE_MAX_FILE_SIZE=1024)
def test_an_oversized_file_is_cut_off_while_it_streams(reporter, slot):
    client = _csrf_client(reporter)
    before = stored_files()
    response = client.post(
        _url(slot),
        {"file": _oversized(), "csrfmiddlewaretoken": client.cookies["csrftoken"].value},
        follow=True,
    )
    message = _assert_refused(response, "超过", slot=slot, files_before=before)
    assert message.startswith("文件“大文件.pdf”超过单个文件")
    assert message.endswith("的上限，未上传。")


@override_settings(EVIDENCE_MAX_FILE_SIZE=1024)
def test_an_oversized_file_is_reported_even_when_nothing_read_the_body_first(
    client, reporter, slot
):
    """The test client skips the CSRF check, so no middleware has parsed the body first."""
    before = stored_files()
    response = client.post(_url(slot), {"file": _oversized()}, follow=True)
    _assert_refused(response, "超过单个文件", slot=slot, files_before=before)


def test_the_drafts_total_is_limited(client, reporter, slot):
    with override_settings(EVIDENCE_MAX_SUBMISSION_SIZE=len(PDF) * 2 - 1):
        before = stored_files()
        first = _post(client, slot, "第一份.pdf", PDF)
        assert [level for level, _ in messages_shown(first)] == ["success"]
        after_first = stored_files()
        response = _post(client, slot, "第二份.pdf", PDF)
    errors = errors_shown(response)
    assert len(errors) == 1 and "材料合计不能超过" in errors[0]
    assert list(EvidenceFile.objects.values_list("original_name", flat=True)) == ["第一份.pdf"]
    assert len(after_first - before) == 1
    assert stored_files() == after_first


def test_no_file_chosen(client, reporter, slot):
    before = stored_files()
    response = client.post(_url(slot), {"title": "没有文件"}, follow=True)
    _assert_refused(response, "请选择要上传的文件", slot=slot, files_before=before)


# --- refused by state or access ------------------------------------------------------------


def test_a_submitted_slot_takes_no_upload(client, reporter, slot):
    save(slot, reporter, "说明。", industrial_workers=196400)
    submit(slot, reporter)
    revision = slot.revision
    before = stored_files()
    response = _post(client, slot, "补充材料.pdf", PDF)
    assert errors_shown(response) == ["当前状态为“待区产改办审核”，不能保存。"]
    assert not EvidenceFile.objects.exists()
    assert stored_files() == before
    slot.refresh_from_db()
    assert (slot.status, slot.revision) == (SlotStatus.SUBMITTED, revision)


def test_another_units_slot_is_not_found(client, reporter, open_cycle):
    theirs = slot_of(open_cycle, 47, "zgh")
    before = stored_files()
    response = client.post(_url(theirs), {"file": SimpleUploadedFile("材料.pdf", PDF)})
    assert response.status_code == 404
    assert not EvidenceFile.objects.exists()
    assert stored_files() == before
    theirs.refresh_from_db()
    assert (theirs.status, theirs.revision) == (SlotStatus.NOT_STARTED, 0)


def test_the_office_cannot_upload_into_a_units_slot(client, office_user, slot):
    client.force_login(office_user)
    before = stored_files()
    response = client.post(_url(slot), {"file": SimpleUploadedFile("材料.pdf", PDF)})
    assert response.status_code == 404
    assert not EvidenceFile.objects.exists()
    assert stored_files() == before


@pytest.mark.usefixtures("evidence_backend")
def test_a_failure_after_the_bytes_were_written_leaves_nothing(client, reporter, slot, monkeypatch):
    import scoring.evidence.services as evidence_service

    written = []
    real_save = evidence_service.EvidenceFile.save
    storage = evidence_storage()

    def save_and_note(self, *args, **kwargs):
        written.append(self.file.name)
        return real_save(self, *args, **kwargs)

    def broken_event_record(**kwargs):
        assert written and storage.exists(written[-1])  # the bytes are stored at this point
        raise RuntimeError("audit trail unavailable")

    monkeypatch.setattr(evidence_service.EvidenceFile, "save", save_and_note)
    monkeypatch.setattr(evidence_service, "event_record", broken_event_record)
    client.raise_request_exception = False
    before = stored_names()
    response = client.post(_url(slot), {"file": SimpleUploadedFile("材料.pdf", PDF)})
    assert response.status_code == 500
    assert len(written) == 1
    assert not storage.exists(written[0])
    assert stored_names() == before
    assert not EvidenceFile.objects.exists()
    slot.refresh_from_db()
    assert (slot.status, slot.revision) == (SlotStatus.NOT_STARTED, 0)
    assert not slot.events.exists()
