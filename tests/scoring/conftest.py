"""Shared scoring fixtures: an open 2026 cycle, a second unit's approver, and slot helpers."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from scoring.cycles.services import cycle_create, cycle_open
from scoring.demo.files import pdf_bytes
from scoring.evidence.services import evidence_add
from scoring.models import Cycle, EvidenceFile, FigureField, Slot, SubmissionVersion
from scoring.submissions.services import DraftInput, submission_save_draft, submission_submit
from units.roles import Role


def open_cycle_2026() -> Cycle:
    """The 2026年度 cycle, opened ten days ago and due in twenty (usable outside fixtures)."""
    now = timezone.now()
    cycle = cycle_create(
        name="2026年度",
        year=2026,
        opens_at=now - timedelta(days=10),
        deadline=now + timedelta(days=20),
    )
    cycle_open(cycle=cycle)
    return cycle


@pytest.fixture
def cycle_2026(db) -> Cycle:
    """An open cycle with every (indicator × responsible unit) slot and its unit's grants."""
    return open_cycle_2026()


@pytest.fixture
def gzw_approver(make_user):
    """区国资委's unit approver (单位审核人): a unit approver of a unit other than 区人社局."""
    return make_user("gzw_sh", unit="gzw", roles={Role.APPROVER})


def slot_of(cycle: Cycle, unit: str, number: int) -> Slot:
    """The slot of unit `unit` (its code) for indicator `number` in `cycle`."""
    return Slot.objects.select_related("cycle", "indicator", "unit").get(
        cycle=cycle, unit__code=unit, indicator__number=number
    )


@pytest.fixture
def unit_slot(cycle_2026):
    """unit_slot("rsj", 63) -> 区人社局's slot for indicator 63 in the 2026 cycle."""

    def _get(unit: str, number: int) -> Slot:
        return slot_of(cycle_2026, unit, number)

    return _get


def pdf_upload(filename: str, title: str = "佐证材料") -> SimpleUploadedFile:
    """A real one-page PDF, as the browser would upload it."""
    return SimpleUploadedFile(filename, pdf_bytes(title), content_type="application/pdf")


def draft_file_add(slot: Slot, actor, filename: str = "佐证材料.pdf") -> EvidenceFile:
    """Put one real PDF into the slot's current draft."""
    return evidence_add(slot=slot, actor=actor, upload=pdf_upload(filename))


def slot_submit_with_pdf(
    slot: Slot,
    actor,
    *,
    filename: str = "佐证材料.pdf",
    text: str = "本年度工作情况说明。",
) -> tuple[SubmissionVersion, EvidenceFile]:
    """Give the slot a submitted version holding one PDF (every required figure set to 1).

    The slot goes to 待单位审核 if its unit has an approver, else to 待区产改办审核.
    """
    evidence = draft_file_add(slot, actor, filename)
    figures = {
        f.pk: Decimal(1)
        for f in FigureField.objects.filter(
            cycle_id=slot.cycle_id, indicator_id=slot.indicator_id, required=True
        )
        if not f.is_computed
    }
    saved = submission_save_draft(
        slot=slot, actor=actor, draft=DraftInput(text=text, figures=figures)
    )
    version = submission_submit(slot=saved, actor=actor, expected_revision=saved.revision)
    return version, evidence


@pytest.fixture
def submitted_with_pdf():
    """submitted_with_pdf(slot, actor, filename=...) -> (version, evidence file)."""
    return slot_submit_with_pdf


@pytest.fixture
def open_cycle(db):
    """2026年度, opened 10 days ago, deadline in 20 days."""
    from tests.scoring.support import open_cycle_create

    return open_cycle_create()
