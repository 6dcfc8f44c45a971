"""Evidence files: add to a draft, remove from a draft, open for download, sweep orphans."""

import errno
import hashlib
import logging
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO, cast

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from common.errors import DomainError
from common.storage import storage_files
from scoring.evidence.filenames import clean_filename
from scoring.evidence.previews import preview_schedule
from scoring.evidence.validation import EvidencePolicy, EvidenceRejected, inspect_file
from scoring.models import EventAction, EvidenceFile, EvidencePreview, Slot
from scoring.models.evidence import evidence_storage
from scoring.submissions.services import STALE, draft_bump_revision
from scoring.workflow import ensure_allowed, event_record, slot_lock

logger = logging.getLogger(__name__)


DEFAULT_MAX_SUBMISSION_SIZE = 200 * 1024 * 1024


CHUNK = 1024 * 1024

STORE_UNAVAILABLE = (
    "佐证材料存储暂时无法写入，本次文件未上传。请稍后重试；如仍不成功，请联系系统管理员。"
)
STORAGE_FULL = "服务器存储空间不足，文件未保存，请稍后重试或联系管理员。"
STORAGE_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
UPLOAD_INTERRUPTED = "上传未完成（连接中断），本次的文件均未保存，请重新上传。"


def max_submission_size() -> int:
    return getattr(settings, "EVIDENCE_MAX_SUBMISSION_SIZE", DEFAULT_MAX_SUBMISSION_SIZE)


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


def evidence_oversized_message(name: str) -> str:
    """The refusal for a file cut off while it streamed (the page's script shows it too)."""
    limit = EvidencePolicy.from_settings().max_file_size // (1024 * 1024)
    return f"文件“{name}”超过单个文件 {limit} MB 的上限，未上传。"


def evidence_add(
    *,
    slot: Slot,
    actor,
    upload: UploadedFile,
    title: str = "",
    expected_revision: int | None = None,
    ip: str | None = None,
) -> EvidenceFile:
    """Check an uploaded file and add it to the slot's draft.

    Precondition: the draft is editable and, when expected_revision is given, unchanged since
    the page was loaded; the file passes every rule of EvidencePolicy; the draft's files stay
    within the per-submission limit. Effect: the bytes are copied under a
    random name in the private evidence storage and one EvidenceFile row records the original
    name, size, type and SHA-256. On any failure neither the row nor the stored file remains;
    a full disk is refused with STORAGE_FULL, a store that cannot take the bytes otherwise
    (bucket unreachable or refusing) with STORE_UNAVAILABLE.
    An Office or WPS file also gets a pending PDF preview, built by a job after the commit.
    Audit: 上传材料.
    """
    name = clean_filename(upload.name or "")
    size = upload.size or 0
    policy = EvidencePolicy.from_settings()
    try:
        # An UploadedFile reads, seeks and tells like the binary file inspect_file expects.
        inspection = inspect_file(cast(BinaryIO, upload), filename=name, size=size, policy=policy)
    except EvidenceRejected as exc:
        raise DomainError(exc.message) from exc
    title = (title or "").strip()[:200] or Path(name).stem[:200] or name

    stored_name: str | None = None
    storage = evidence_storage()
    try:
        with transaction.atomic():
            locked = slot_lock(slot)
            ensure_allowed("save", locked.status)
            if expected_revision is not None and expected_revision != locked.revision:
                raise DomainError(STALE)
            in_draft = (
                EvidenceFile.objects.filter(slot=locked, in_draft=True).aggregate(
                    total=Sum("size")
                )["total"]
                or 0
            )
            if in_draft + size > max_submission_size():
                raise DomainError(
                    f"本次填报的材料合计不能超过 {_mb(max_submission_size())}"
                    f"（已上传 {_mb(in_draft)}），请压缩或删减后再上传。"
                )
            evidence = EvidenceFile(
                slot=locked,
                title=title,
                original_name=name,
                size=size,
                sha256=inspection.sha256,
                content_type=inspection.content_type,
                uploaded_by=actor,
                uploaded_at=timezone.now(),
            )
            upload.seek(0)
            # The name is chosen before the bytes are written, so a write that fails halfway
            # (disk full) leaves a partial file that the cleanup below can find and delete.
            stored_name = evidence.file.field.generate_filename(evidence, "upload")
            try:
                evidence.file.name = storage.save(stored_name, upload, max_length=200)
            except OSError as exc:
                if exc.errno in STORAGE_FULL_ERRNOS:
                    logger.error("evidence storage full: %s", exc)
                    raise DomainError(STORAGE_FULL) from exc
                logger.exception("evidence upload to slot %s: the store refused the bytes", slot.pk)
                raise DomainError(STORE_UNAVAILABLE) from exc
            stored_name = evidence.file.name
            evidence.save()
            preview_schedule(evidence=evidence)
            draft_bump_revision(locked, actor)
            event_record(
                slot=locked,
                action=EventAction.FILE_ADDED,
                actor=actor,
                from_status=locked.status,
                to_status=locked.status,
                ip=ip,
                data={"file": name, "sha256": inspection.sha256, "size": size},
            )
    except BaseException:
        if stored_name:
            try:
                storage.delete(stored_name)
            except Exception:
                # The store that refused the bytes may refuse the clean-up too (unreachable);
                # the refusal the user sees stays the first error, and evidence_sweep removes
                # whatever part of the file remains once the store is back.
                logger.exception(
                    "evidence upload: could not remove %s after a failure", stored_name
                )
        raise
    return evidence


def evidence_add_several(
    *,
    slot: Slot,
    actor,
    uploads: list[UploadedFile],
    title: str = "",
    expected_revision: int | None = None,
    ip: str | None = None,
) -> tuple[list[EvidenceFile], list[tuple[str, str]]]:
    """Add files one after another; a refused file is reported and the others go on.

    Each file is added by evidence_add in its own transaction, so a refusal leaves no trace of
    that file and does not undo the files before it. A title names a single file only. The
    page's revision is checked against the first file; each later one expects the revision the
    file before it left. Returns the files added and (file name, message) for each refusal.
    Audit: one 上传材料 per file added.
    """
    title = title if len(uploads) == 1 else ""
    added: list[EvidenceFile] = []
    refused: list[tuple[str, str]] = []
    for upload in uploads:
        try:
            evidence = evidence_add(
                slot=slot,
                actor=actor,
                upload=upload,
                title=title,
                expected_revision=expected_revision,
                ip=ip,
            )
        except DomainError as exc:
            refused.append((clean_filename(upload.name or ""), exc.message))
        else:
            added.append(evidence)
            if expected_revision is not None:
                expected_revision = evidence.slot.revision
    return added, refused


@transaction.atomic
def evidence_remove(*, slot: Slot, evidence: EvidenceFile, actor, ip: str | None = None) -> None:
    """Take a file out of the current draft.

    A file that an earlier version holds stays (versions are immutable); one that no version
    holds is deleted, its bytes removed only once the transaction has committed.
    Audit: 移除材料.
    """
    locked = slot_lock(slot)
    ensure_allowed("save", locked.status)
    current = EvidenceFile.objects.select_for_update().filter(pk=evidence.pk, slot=locked).first()
    if current is None or not current.in_draft:
        raise DomainError("该材料不在当前草稿中，可能已被移除，请刷新页面。")
    name = current.original_name
    if current.versions.exists():
        current.in_draft = False
        current.save(update_fields=["in_draft"])
    else:
        stored = [current.file.name]
        preview = EvidencePreview.objects.filter(evidence=current).exclude(pdf="").first()
        if preview is not None:
            stored.append(preview.pdf.name)
        current.delete()
        transaction.on_commit(lambda: _delete_stored(stored))
    draft_bump_revision(locked, actor)
    event_record(
        slot=locked,
        action=EventAction.FILE_REMOVED,
        actor=actor,
        from_status=locked.status,
        to_status=locked.status,
        ip=ip,
        data={"file": name},
    )


def _delete_stored(names: list[str]) -> None:
    storage = evidence_storage()
    for name in names:
        storage.delete(name)


class EvidenceIntegrityError(Exception):
    """The stored bytes no longer match the SHA-256 recorded at upload."""


def evidence_verified_chunks(evidence: EvidenceFile) -> Iterator[bytes]:
    """Check the stored file against its SHA-256, then yield its bytes in chunks.

    Raises EvidenceIntegrityError (before any byte is yielded) on a mismatch or a missing file.
    """
    storage = evidence_storage()
    digest = hashlib.sha256()
    try:
        with storage.open(evidence.file.name, "rb") as fh:
            for chunk in iter(lambda: fh.read(CHUNK), b""):
                digest.update(chunk)
    except FileNotFoundError as exc:
        raise EvidenceIntegrityError(f"evidence {evidence.pk}: file missing") from exc
    if digest.hexdigest() != evidence.sha256:
        logger.error("evidence %s: SHA-256 mismatch", evidence.pk)
        raise EvidenceIntegrityError(f"evidence {evidence.pk}: SHA-256 mismatch")
    return _read_chunks(storage, evidence.file.name)


def _read_chunks(storage, name: str) -> Iterator[bytes]:
    with storage.open(name, "rb") as fh:
        yield from iter(lambda: fh.read(CHUNK), b"")


def evidence_sweep(
    *, older_than: timedelta = timedelta(hours=1), dry_run: bool = False
) -> list[str]:
    """Delete stored files that no EvidenceFile row names (left by a crash mid-upload).

    Only files older than `older_than` are touched, so an upload in progress is never swept.
    Walks the storage through its API, so a bucket is swept like the local folder.
    """
    storage = evidence_storage()
    known = set(EvidenceFile.objects.values_list("file", flat=True))
    known |= set(EvidencePreview.objects.exclude(pdf="").values_list("pdf", flat=True))
    cutoff = timezone.now() - older_than
    orphans: list[str] = []
    for name in storage_files(storage):
        if name in known:
            continue
        try:
            modified = storage.get_modified_time(name)
        except FileNotFoundError:  # removed since the listing
            continue
        if modified > cutoff:
            continue
        orphans.append(name)
        if not dry_run:
            storage.delete(name)
    return orphans
