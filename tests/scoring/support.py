"""Helpers shared by the service and view tests (plain functions, no fixtures)."""

import hashlib
import shutil
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from common.storage import storage_files
from scoring.cycles.services import cycle_create, cycle_open
from scoring.evidence.services import evidence_add
from scoring.models import (
    Cycle,
    CycleIndicator,
    EvidenceFile,
    EvidencePreview,
    FigureField,
    PreviewStatus,
    Slot,
)
from scoring.models.evidence import evidence_storage
from scoring.submissions.services import DraftInput, submission_save_draft, submission_submit


def open_cycle_create(
    *,
    name: str = "2026年度",
    year: int = 2026,
    opens_in_days: int = -10,
    deadline_in_days: int = 20,
    previous: Cycle | None = None,
) -> Cycle:
    """A cycle made and opened the way the office does it (cycle_create + cycle_open)."""
    now = timezone.now()
    cycle = cycle_create(
        name=name,
        year=year,
        opens_at=now + timedelta(days=opens_in_days),
        deadline=now + timedelta(days=deadline_in_days),
        previous=previous,
    )
    cycle_open(cycle=cycle)
    cycle.refresh_from_db()
    return cycle


def slot_of(cycle: Cycle, number: int, code: str) -> Slot:
    return Slot.objects.select_related("cycle", "indicator", "unit").get(
        cycle=cycle, indicator__number=number, unit__code=code
    )


def points_set(cycle: Cycle, number: int, points: str) -> None:
    """Give an indicator its 分值 in the cycle directly (the scheme editor is not under test)."""
    updated = CycleIndicator.objects.filter(cycle=cycle, indicator__number=number).update(
        points=Decimal(points)
    )
    assert updated == 1


def figure_ids(slot: Slot) -> dict[str, int]:
    return {
        f.code: f.pk
        for f in FigureField.objects.filter(cycle_id=slot.cycle_id, indicator_id=slot.indicator_id)
    }


def draft_for(slot: Slot, text: str = "", self_score=None, **figures) -> DraftInput:
    """DraftInput with figures given by code: draft_for(slot, "说明", industrial_workers=196400)."""
    ids = figure_ids(slot)
    return DraftInput(
        text=text,
        self_score=None if self_score is None else Decimal(str(self_score)),
        figures={ids[code]: None if v is None else Decimal(str(v)) for code, v in figures.items()},
    )


def save(slot: Slot, user, text: str = "工作情况说明。", **figures) -> Slot:
    """Save a draft as the form would, then refresh `slot` so it carries the new revision."""
    slot.refresh_from_db()
    saved = submission_save_draft(
        slot=slot,
        actor=user,
        draft=draft_for(slot, text, **figures),
        expected_revision=slot.revision,
    )
    slot.refresh_from_db()
    return saved


def submit(slot: Slot, user, *, now=None, token: str = ""):
    slot.refresh_from_db()
    version = submission_submit(
        slot=slot, actor=user, expected_revision=slot.revision, now=now, token=token
    )
    slot.refresh_from_db()
    return version


def upload(slot: Slot, user, name: str, content: bytes, title: str = ""):
    return evidence_add(
        slot=slot, actor=user, upload=SimpleUploadedFile(name, content), title=title
    )


def evidence_root() -> Path:
    return Path(settings.STORAGES["evidence"]["OPTIONS"]["location"])


def stored_files() -> set[Path]:
    """Every file under the evidence storage now."""
    root = evidence_root()
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def preview_ready(evidence: EvidenceFile, pdf: bytes) -> EvidencePreview:
    """A ready preview of ``evidence`` without running LibreOffice: ``pdf`` stored where a
    conversion stores its output, recorded as the job records it."""
    name = evidence_storage().save(f"{evidence.file.name}.preview.pdf", ContentFile(pdf))
    return EvidencePreview.objects.create(
        evidence=evidence,
        sha256=evidence.sha256,
        status=PreviewStatus.READY,
        pdf=name,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        pdf_size=len(pdf),
        attempts=1,
    )


def needs_libreoffice(part: str = "libswlo.so") -> None:
    """Skip, saying why, unless soffice and its module for the format (Writer by default) exist."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: run scripts/ensure-system-deps")
    if not (Path(soffice).resolve().parent / part).exists():
        pytest.skip(f"LibreOffice lacks {part}: install libreoffice-*-nogui (ensure-system-deps)")


# --- the evidence store, through the storage API (a folder or a bucket alike) ----------------


def stored_names() -> set[str]:
    """Every file name in the evidence storage now."""
    return set(storage_files(evidence_storage()))


def stored_bytes(name: str) -> bytes:
    with evidence_storage().open(name, "rb") as fh:
        return fh.read()


def stored_replace(name: str, content: bytes) -> None:
    """Change a stored file's bytes behind the application's back (tampering, a failing disk)."""
    storage = evidence_storage()
    storage.delete(name)
    assert storage.save(name, ContentFile(content)) == name
