"""PDF previews of Office and WPS evidence: schedule on upload, build in a background job.

A preview is derived data. Making one never changes the evidence file, its slot or its
versions, and a preview that cannot be made only means the file is read by downloading it,
as before. A job that fails is tried again, up to EVIDENCE_PREVIEW_MAX_ATTEMPTS times in all;
after that the preview stays 无法预览 with the reason, for the office to see.
"""

import hashlib
import logging
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from scoring.evidence.conversion import SOURCE_SUFFIXES, ConversionFailed, Converter
from scoring.evidence.filenames import extension_of
from scoring.models import EvidenceFile, EvidencePreview, PreviewStatus
from scoring.models.evidence import evidence_storage

logger = logging.getLogger(__name__)

PREVIEWABLE_EXTENSIONS = frozenset(SOURCE_SUFFIXES)
CHUNK = 1024 * 1024

DEFAULT_TIMEOUT = 120
DEFAULT_MAX_ATTEMPTS = 3
# Seconds before the next attempt, by attempts made so far; a worker waits, immediate does not.
RETRY_DELAYS = (30, 120, 600)


class PreviewUnavailable(Exception):
    """No ready preview matches the evidence file's current bytes."""


def preview_max_attempts() -> int:
    return max(1, int(getattr(settings, "EVIDENCE_PREVIEW_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS)))


def preview_converter() -> Converter:
    return Converter(
        soffice=getattr(settings, "EVIDENCE_PREVIEW_SOFFICE", "soffice"),
        timeout=float(getattr(settings, "EVIDENCE_PREVIEW_TIMEOUT", DEFAULT_TIMEOUT)),
        isolate_network=getattr(settings, "EVIDENCE_PREVIEW_ISOLATE_NETWORK", True),
    )


def is_previewable(evidence: EvidenceFile) -> bool:
    return extension_of(evidence.original_name) in PREVIEWABLE_EXTENSIONS


def preview_schedule(*, evidence: EvidenceFile) -> EvidencePreview | None:
    """Record that ``evidence`` wants a PDF preview and start the job once the upload commits.

    Called inside the upload's transaction. Only the job's enqueueing waits for the commit,
    and it is "robust": a queue that refuses the job is logged and never undoes the upload.
    Returns None for a file that is previewed as it is (PDF, images) or not at all.
    """
    if not is_previewable(evidence):
        return None
    preview, _ = EvidencePreview.objects.update_or_create(
        evidence=evidence,
        defaults={
            "sha256": evidence.sha256,
            "status": PreviewStatus.PENDING,
            "attempts": 0,
            "error": "",
        },
    )
    transaction.on_commit(lambda: preview_enqueue(preview_pk=preview.pk), robust=True)
    return preview


def preview_enqueue(*, preview_pk: int, delay: int = 0) -> None:
    """Hand the build to the task backend (django-tasks) configured in TASKS."""
    from scoring.evidence.tasks import evidence_preview_build

    task = evidence_preview_build
    if delay and task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + timedelta(seconds=delay))
    task.enqueue(preview_pk)


def preview_retry(*, preview: EvidencePreview) -> None:
    """Start a failed or stuck preview afresh, with a full set of attempts (admin action)."""
    with transaction.atomic():
        locked = EvidencePreview.objects.select_for_update().get(pk=preview.pk)
        if locked.status == PreviewStatus.READY:
            return
        locked.status = PreviewStatus.PENDING
        locked.attempts = 0
        locked.error = ""
        locked.save(update_fields=["status", "attempts", "error", "updated_at"])
        transaction.on_commit(lambda: preview_enqueue(preview_pk=locked.pk), robust=True)


def preview_build(*, preview_pk: int) -> str:
    """Run one attempt at converting the preview's original to PDF; return the new status.

    Precondition: the preview is pending (anything else is left alone, so a job delivered
    twice does no harm). Effect: on success the PDF is stored beside the original and the
    preview is ready; on failure the reason is kept and the job is enqueued again until
    EVIDENCE_PREVIEW_MAX_ATTEMPTS attempts were made, then the preview is failed.
    """
    with transaction.atomic():
        preview = (
            EvidencePreview.objects.select_for_update()
            .select_related("evidence")
            .filter(pk=preview_pk)
            .first()
        )
        if preview is None or preview.status != PreviewStatus.PENDING:
            return preview.status if preview else ""
        preview.status = PreviewStatus.RUNNING
        preview.attempts += 1
        preview.save(update_fields=["status", "attempts", "updated_at"])
    evidence = preview.evidence

    try:
        pdf_name, pdf_sha256, pdf_size = _convert_and_store(evidence)
    except ConversionFailed as exc:
        return _record_failure(preview_pk, exc.message)
    except Exception as exc:  # a bug or a full disk must not leave the preview "running"
        logger.exception("evidence preview %s failed", preview_pk)
        return _record_failure(preview_pk, f"生成预览时出错：{type(exc).__name__}")

    with transaction.atomic():
        locked = EvidencePreview.objects.select_for_update().filter(pk=preview_pk).first()
        if locked is None:  # the file was removed from its draft meanwhile
            transaction.on_commit(lambda: evidence_storage().delete(pdf_name))
            return ""
        locked.pdf.name = pdf_name
        locked.pdf_sha256 = pdf_sha256
        locked.pdf_size = pdf_size
        locked.status = PreviewStatus.READY
        locked.error = ""
        locked.save(
            update_fields=["pdf", "pdf_sha256", "pdf_size", "status", "error", "updated_at"]
        )
    return PreviewStatus.READY


def _record_failure(preview_pk: int, message: str) -> str:
    with transaction.atomic():
        locked = EvidencePreview.objects.select_for_update().filter(pk=preview_pk).first()
        if locked is None:
            return ""
        retry = locked.attempts < preview_max_attempts()
        locked.status = PreviewStatus.PENDING if retry else PreviewStatus.FAILED
        locked.error = message
        locked.save(update_fields=["status", "error", "updated_at"])
    logger.warning(
        "evidence preview %s: attempt %s failed: %s", preview_pk, locked.attempts, message
    )
    if retry:
        delay = RETRY_DELAYS[min(locked.attempts, len(RETRY_DELAYS)) - 1]
        preview_enqueue(preview_pk=preview_pk, delay=delay)
    return locked.status


def _convert_and_store(evidence: EvidenceFile) -> tuple[str, str, int]:
    storage = evidence_storage()
    with tempfile.TemporaryDirectory(prefix="fengtai-preview-") as tmp:
        workdir = Path(tmp)
        source = workdir / "original"
        digest = hashlib.sha256()
        with storage.open(evidence.file.name, "rb") as src, source.open("wb") as dst:
            for chunk in iter(lambda: src.read(CHUNK), b""):
                digest.update(chunk)
                dst.write(chunk)
        if digest.hexdigest() != evidence.sha256:
            raise ConversionFailed("原文件与上传时的 SHA-256 不一致，未生成预览。")
        job = workdir / "job"
        job.mkdir()
        pdf = preview_converter().convert(
            source, extension=extension_of(evidence.original_name), workdir=job
        )
        pdf_digest = hashlib.sha256()
        with pdf.open("rb") as fh:
            for chunk in iter(lambda: fh.read(CHUNK), b""):
                pdf_digest.update(chunk)
        target = f"{evidence.file.name}.preview.pdf"
        if storage.exists(target):  # a previous attempt stored it and then failed to record it
            storage.delete(target)
        with pdf.open("rb") as fh:
            name = storage.save(target, File(fh))
        return name, pdf_digest.hexdigest(), pdf.stat().st_size


def preview_verified_chunks(*, evidence: EvidenceFile) -> tuple[EvidencePreview, Iterator[bytes]]:
    """The ready preview of ``evidence`` and its bytes, checked against the recorded SHA-256.

    Raises PreviewUnavailable when there is no ready preview of the file's current bytes, or
    when the stored PDF is missing or altered.
    """
    preview = EvidencePreview.objects.filter(evidence=evidence).first()
    if preview is None or not preview.is_ready:
        raise PreviewUnavailable(f"evidence {evidence.pk}: no preview")
    storage = evidence_storage()
    digest = hashlib.sha256()
    try:
        with storage.open(preview.pdf.name, "rb") as fh:
            for chunk in iter(lambda: fh.read(CHUNK), b""):
                digest.update(chunk)
    except FileNotFoundError as exc:
        raise PreviewUnavailable(f"evidence {evidence.pk}: preview file missing") from exc
    if digest.hexdigest() != preview.pdf_sha256:
        logger.error("evidence %s: preview SHA-256 mismatch", evidence.pk)
        raise PreviewUnavailable(f"evidence {evidence.pk}: preview SHA-256 mismatch")
    return preview, _read_chunks(storage, preview.pdf.name)


def _read_chunks(storage, name: str) -> Iterator[bytes]:
    with storage.open(name, "rb") as fh:
        yield from iter(lambda: fh.read(CHUNK), b"")


def previews_missing(*, include_failed: bool = False) -> list[EvidenceFile]:
    """Office and WPS files with no preview of their current bytes (e.g. uploaded before
    previews existed); with ``include_failed``, also those whose preview gave up."""
    wanted = []
    for evidence in EvidenceFile.objects.select_related("preview").order_by("id").iterator():
        if not is_previewable(evidence):
            continue
        preview = getattr(evidence, "preview", None)
        if (
            preview is None
            or preview.sha256 != evidence.sha256
            or (include_failed and preview.is_failed)
        ):
            wanted.append(evidence)
    return wanted


def previews_schedule_missing(*, include_failed: bool = False) -> list[EvidenceFile]:
    """Schedule a preview for every file previews_missing() names; each job starts as its
    own transaction commits. Returns the files scheduled."""
    scheduled = previews_missing(include_failed=include_failed)
    for evidence in scheduled:
        with transaction.atomic():
            preview_schedule(evidence=evidence)
    return scheduled
