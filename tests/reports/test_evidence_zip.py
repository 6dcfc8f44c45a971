"""佐证材料包: the streamed ZIP holds exactly the latest approved versions' files, byte for byte.

Beside the demo's two approved slots (63 区人社局, 17 区总工会) the package world approves
47 区人社局 (two files), 1 区发改委 (clashing and unsafe names) and 44 区人社局 (returned once:
only version 2's file belongs in the package). Submitted but unapproved files stay out.

The tests marked with the `evidence_backend` fixture run on the local folder and on a real
S3 bucket (tests/s3server.py): the package streams from either.
"""

import hashlib
import io
import logging
import zipfile
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from reports import evidence_zip as ez
from reports.models import ExportKind, ExportLog
from scoring.demo.files import pdf_bytes
from scoring.evidence.services import CHUNK, evidence_add, evidence_remove
from scoring.models import Cycle, CycleIndicator, EvidenceFile, Slot, SlotStatus
from scoring.models.evidence import evidence_storage
from scoring.review.services import submission_approve, submission_return
from scoring.submissions.services import DraftInput, submission_save_draft, submission_submit
from tests.scoring.support import stored_replace

pytestmark = pytest.mark.django_db
User = get_user_model()
INDEX_HEADER_ROW = 3
INDEX_FIRST_ROW = 4


@pytest.fixture(scope="module")
def _seeded(django_db_setup, django_db_blocker):
    """The demo, seeded once for the module in a transaction rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", force=True, sample_data=True, verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(_seeded, db) -> Cycle:
    return Cycle.objects.get(name="2026年度")


def user(name: str):
    return User.objects.get(username=name)


def slot_of(cycle, number, code) -> Slot:
    return Slot.objects.select_related("unit").get(
        cycle=cycle, indicator__number=number, unit__code=code
    )


def upload(slot, actor, name) -> EvidenceFile:
    return evidence_add(
        slot=slot, actor=actor, upload=SimpleUploadedFile(name, pdf_bytes(name), "application/pdf")
    )


def submit(slot, actor, text="本年度工作情况说明。"):
    slot.refresh_from_db()
    saved = submission_save_draft(
        slot=slot, actor=actor, draft=DraftInput(text=text), expected_revision=slot.revision
    )
    return submission_submit(slot=saved, actor=actor, expected_revision=saved.revision)


def name_of(cycle, number) -> str:
    return CycleIndicator.objects.get(cycle=cycle, number=number).name


@pytest.fixture
def world(demo):
    office, rsj, fgw = user("office"), user("rsj"), user("fgw")
    submission_approve(slot=slot_of(demo, 47, "rsj"), actor=office)

    slot = slot_of(demo, 1, "fgw")
    for name in ("工作方案.pdf", "工作方案.pdf", "会议纪要:终稿?.pdf", "=1+2.pdf"):
        upload(slot, fgw, name)
    submit(slot, fgw)
    submission_approve(slot=slot, actor=office)

    slot = slot_of(demo, 44, "rsj")
    old = upload(slot, rsj, "旧版名单.pdf")
    submit(slot, rsj)
    submission_return(slot=slot, actor=office, reason="名单有误，请更正。")
    evidence_remove(slot=slot_of(demo, 44, "rsj"), evidence=old, actor=rsj)
    upload(slot, rsj, "技能表彰名单.pdf")
    submit(slot, rsj)
    submission_approve(slot=slot, actor=office)
    return demo


def download(client, cycle):
    client.force_login(user("office"))
    response = client.get(reverse("reports:evidence_zip", args=[cycle.pk]))
    assert response.status_code == 200
    assert response.streaming
    return response, b"".join(response.streaming_content)


def index_rows(archive: zipfile.ZipFile) -> list[tuple]:
    ws = load_workbook(io.BytesIO(archive.read(ez.INDEX_NAME))).active
    header = next(
        ws.iter_rows(min_row=INDEX_HEADER_ROW, max_row=INDEX_HEADER_ROW, values_only=True)
    )
    assert list(header) == ez.INDEX_HEADERS
    return list(ws.iter_rows(min_row=INDEX_FIRST_ROW, values_only=True))


# --- contents ------------------------------------------------------------------------------------


@pytest.mark.usefixtures("evidence_backend")
def test_listing_is_the_latest_approved_versions_files(client, world):
    response, data = download(client, world)
    archive = zipfile.ZipFile(io.BytesIO(data))
    n1, n44, n47 = name_of(world, 1), name_of(world, 44), name_of(world, 47)
    assert n1 == "纳入当地国民经济和社会发展规划"
    assert archive.namelist() == [
        f"01 {n1}/区发改委/工作方案.pdf",
        f"01 {n1}/区发改委/工作方案 (2).pdf",
        f"01 {n1}/区发改委/会议纪要_终稿_.pdf",
        f"01 {n1}/区发改委/=1+2.pdf",
        "17 工会经费投入/区总工会/工会产改专项经费使用情况.docx",
        "17 工会经费投入/区总工会/专项经费执行进度图.png",
        f"44 {n44}/区人社局/技能表彰名单.pdf",
        f"47 {n47}/区人社局/产业工人数量统计说明.pdf",
        f"47 {n47}/区人社局/产业工人分行业统计表.xlsx",
        "63 收入分配机制/区人社局/收入分配工作方案.docx",
        ez.INDEX_NAME,
    ]
    # The same set, from the database: every file of every approved slot's approved version.
    expected = set()
    for slot in Slot.objects.filter(cycle=world, status=SlotStatus.APPROVED):
        version = slot.versions.get(number=slot.current_version)
        expected |= set(version.files.values_list("sha256", flat=True))
    hashes = {
        hashlib.sha256(archive.read(name)).hexdigest()
        for name in archive.namelist()
        if name != ez.INDEX_NAME
    }
    assert hashes == expected
    assert archive.testzip() is None


def test_every_entry_hashes_to_its_recorded_sha256_and_the_index_lists_it(client, world):
    _, data = download(client, world)
    archive = zipfile.ZipFile(io.BytesIO(data))
    rows = index_rows(archive)
    files = [n for n in archive.namelist() if n != ez.INDEX_NAME]
    assert [r[7] for r in rows] == files
    for row in rows:
        number, indicator, unit, version, title, original, path, size, sha, status = row[1:]
        evidence = EvidenceFile.objects.filter(
            sha256=sha, original_name=original.lstrip("'")
        ).first()
        assert hashlib.sha256(archive.read(path)).hexdigest() == sha == evidence.sha256
        assert archive.getinfo(path).file_size == size == evidence.size
        assert status == ez.INCLUDED
        assert path.startswith(f"{number:02d} ")
        assert unit == evidence.slot.unit.name
    by_path = {r[7]: r for r in rows}
    assert by_path[f"44 {name_of(world, 44)}/区人社局/技能表彰名单.pdf"][4] == 2  # version 2
    # User text in the workbook is escaped against formula injection.
    assert by_path[f"01 {name_of(world, 1)}/区发改委/=1+2.pdf"][6] == "'=1+2.pdf"


def test_names_are_utf8_flagged_and_dated(client, world):
    _, data = download(client, world)
    for info in zipfile.ZipFile(io.BytesIO(data)).infolist():
        assert info.flag_bits & 0x800  # every name here has Chinese characters
        assert info.date_time[0] >= 2020


def test_headers_and_audit(client, world):
    response, _ = download(client, world)
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].endswith(
        "filename*=UTF-8''2026%E5%B9%B4%E5%BA%A6%E4%BD%90%E8%AF%81%E6%9D%90%E6%96%99.zip"
    )
    assert "no-store" in response["Cache-Control"]
    log = ExportLog.objects.get()
    assert log.kind == ExportKind.EVIDENCE_ZIP
    assert log.user == user("office")
    assert log.cycle_name == "2026年度"
    assert log.detail["files"] == 10
    assert log.ip_address == "127.0.0.1"


def test_leader_and_reporters_get_404(client, world):
    url = reverse("reports:evidence_zip", args=[world.pk])
    for name in ("leader", "rsj", "gzw_sh"):
        client.force_login(user(name))
        assert client.get(url).status_code == 404
    assert not ExportLog.objects.exists()


def test_unknown_or_unopened_cycle_is_404(client, demo):
    client.force_login(user("office"))
    assert client.get(reverse("reports:evidence_zip", args=[999999])).status_code == 404


def test_cycle_without_approved_files_has_only_the_index(client, demo):
    last = Cycle.objects.get(name="2025年度")  # approved slots, but no files were uploaded
    _, data = download(client, last)
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.namelist() == [ez.INDEX_NAME]
    assert index_rows(archive) == []


# --- integrity -----------------------------------------------------------------------------------


@pytest.fixture
def tampered(world):
    """A file of an approved version whose stored bytes no longer match its SHA-256."""
    office = user("office")
    slot = slot_of(world, 2, "cgb")
    evidence = upload(slot, user("cgb"), "顶层设计方案.pdf")
    submit(slot, user("cgb"))
    submission_approve(slot=slot, actor=office)
    stored_replace(evidence.file.name, b"%PDF-1.4 altered on disk")
    return evidence


@pytest.mark.usefixtures("evidence_backend")
def test_tampered_file_is_left_out_and_noted_in_the_index(client, world, tampered, caplog):
    with caplog.at_level(logging.ERROR, logger="reports.evidence_zip"):
        _, data = download(client, world)
    archive = zipfile.ZipFile(io.BytesIO(data))
    path = f"02 {name_of(world, 2)}/区产改办/顶层设计方案.pdf"
    assert path not in archive.namelist()
    assert len(archive.namelist()) == 11  # the ten good files and the index
    assert archive.testzip() is None
    row = next(r for r in index_rows(archive) if r[9] == tampered.sha256)
    assert row[7] is None
    assert row[10] == ez.MISSING_OR_CHANGED
    assert any(str(tampered.pk) in r.getMessage() for r in caplog.records)
    for name in archive.namelist()[:-1]:
        sha = hashlib.sha256(archive.read(name)).hexdigest()
        assert EvidenceFile.objects.filter(sha256=sha).exists()


@pytest.mark.usefixtures("evidence_backend")
def test_missing_file_is_left_out_too(client, world, tampered):
    evidence_storage().delete(tampered.file.name)
    _, data = download(client, world)
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert len(archive.namelist()) == 11
    assert next(r for r in index_rows(archive) if r[9] == tampered.sha256)[10] == (
        ez.MISSING_OR_CHANGED
    )


def test_file_changing_while_sent_aborts_the_stream(client, world, monkeypatch, caplog):
    """The check before the entry passed, then different bytes came off the disk: the bytes
    already sent cannot be recalled, so the download is cut off and never forms a valid ZIP."""
    victim = EvidenceFile.objects.get(original_name="产业工人分行业统计表.xlsx")
    real = ez.evidence_verified_chunks

    def swapped(evidence):
        chunks = real(evidence)
        if evidence.pk == victim.pk:
            chunks.close()
            return (c for c in [b"x" * evidence.size])
        return chunks

    monkeypatch.setattr(ez, "evidence_verified_chunks", swapped)
    client.force_login(user("office"))
    response = client.get(reverse("reports:evidence_zip", args=[world.pk]))
    received = []
    with caplog.at_level(logging.ERROR), pytest.raises(ez.EvidencePackageAborted):
        for chunk in response.streaming_content:
            received.append(chunk)
    assert any("changed while being sent" in r.getMessage() for r in caplog.records)
    # What the client holds does not open as a ZIP, not even as one of the stored .docx/.xlsx
    # (themselves ZIPs) sent before the cut.
    partial = b"".join(received)
    assert b"PK\x05\x06" in partial  # the inner end records are there …
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(io.BytesIO(partial))  # … but out of any reader's reach


# --- streaming -----------------------------------------------------------------------------------


def _stored_entry(cycle, size: int, name: str, path: str) -> ez.PackageEntry:
    """An evidence file written straight into storage (no upload checks), not saved."""
    content = (name.encode() * (size // len(name.encode()) + 1))[:size]
    stored = evidence_storage().save(f"test/{name}", io.BytesIO(content))
    evidence = EvidenceFile(
        title=name,
        original_name=name,
        file=stored,
        size=size,
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_at=timezone.now() - timedelta(days=1),
    )
    return ez.PackageEntry(evidence, 1, "指标", "单位", 1, path)


@pytest.mark.usefixtures("evidence_backend")
def test_chunks_stay_small_whatever_the_file_size(demo):
    entries = [
        _stored_entry(demo, 3 * CHUNK + 123, "大文件.bin", "01 指标/单位/大文件.bin"),
        _stored_entry(demo, 10, "小文件.txt", "01 指标/单位/小文件.txt"),
    ]
    chunks = list(ez.zip_stream(ez.Package("测试", entries)))
    assert len(chunks) >= 4
    assert max(len(c) for c in chunks) <= CHUNK + 64 * 1024
    archive = zipfile.ZipFile(io.BytesIO(b"".join(chunks)))
    assert archive.testzip() is None
    for entry in entries:
        data = archive.read(entry.path)
        assert hashlib.sha256(data).hexdigest() == entry.evidence.sha256
        evidence_storage().delete(entry.evidence.file.name)


def test_zip64_structures_read_back(demo, monkeypatch):
    """Past the ZIP64 limits (lowered here, as 4 GiB will not fit a test) the stream switches to
    ZIP64 headers and data descriptors and still reads back."""
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 4096)
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 2)
    entries = [
        _stored_entry(demo, 10_000, f"文件{i}.bin", f"01 指标/单位/文件{i}.bin") for i in range(3)
    ]
    data = b"".join(ez.zip_stream(ez.Package("测试", entries)))
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert len(archive.namelist()) == 4
    for entry in entries:
        assert hashlib.sha256(archive.read(entry.path)).hexdigest() == entry.evidence.sha256
        evidence_storage().delete(entry.evidence.file.name)
    assert b"PK\x06\x06" in data  # the ZIP64 end of central directory record


# --- names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("收入分配工作方案.docx", "收入分配工作方案.docx"),
        ("会议纪要:终稿?.pdf", "会议纪要_终稿_.pdf"),
        ('a<b>c"d|e*.pdf', "a_b_c_d_e_.pdf"),
        ("..\\..\\etc/passwd", "_.._etc_passwd"),
        (" .隐藏文件. ", "隐藏文件"),
        ("CON.pdf", "_CON.pdf"),
        ("nul", "_nul"),
        ("报告\u202efdp.exe", "报告fdp.exe"),
        ("", "未命名"),
        ("...", "未命名"),
        ("长" * 120 + ".pdf", "长" * 96 + ".pdf"),
    ],
)
def test_safe_component(raw, expected):
    assert ez.safe_component(raw, max_length=ez.FILE_NAME_MAX) == expected


def test_dedupe_before_the_extension_case_insensitively():
    taken: set[str] = set()
    names = ["报告.pdf", "报告.pdf", "Report.pdf", "report.PDF", "报告.pdf", "说明"]
    assert [ez.dedupe(n, taken) for n in names] == [
        "报告.pdf",
        "报告 (2).pdf",
        "Report.pdf",
        "report (2).PDF",
        "报告 (3).pdf",
        "说明",
    ]
