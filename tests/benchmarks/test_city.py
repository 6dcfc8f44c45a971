"""The bench's data builder (benchmarks/city.py) at the small size: a consistent data set, so the
builder cannot rot unnoticed while the models change. Times nothing."""

import hashlib
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.http import Http404

from scoring.access import slot_get_for_user, slots_visible_to
from scoring.models import (
    Cycle,
    CycleAction,
    CycleEvent,
    CycleStatus,
    EventAction,
    EvidenceFile,
    Slot,
    SlotGroupObjectPermission,
    SlotStatus,
    SubmissionEvent,
    SubmissionVersion,
)
from scoring.models.evidence import evidence_storage

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import city  # noqa: E402

pytestmark = pytest.mark.django_db


@pytest.fixture
def built():
    return city.build(city.SIZES["small"], log=lambda _message: None)


def test_small_set_is_an_open_cycle_in_every_state_each_unit_seeing_its_own(built):
    cycle = Cycle.objects.get()
    assert cycle.status == CycleStatus.OPEN
    assert (built.cycles, built.units) == (1, 12)
    # Opening went through the service: one 开启填报 event, and slots_sync finds nothing to add.
    assert CycleEvent.objects.filter(cycle=cycle, action=CycleAction.OPENED).count() == 1
    from scoring.cycles.services import slots_sync

    assert slots_sync(cycle=cycle).created == 0
    assert Slot.objects.filter(cycle=cycle).count() == built.slots

    # Every slot state is present.
    states = set(Slot.objects.values_list("status", flat=True))
    assert states == set(SlotStatus.values)
    assert Slot.objects.filter(not_applicable=True).exists()
    scored = Slot.objects.filter(status=SlotStatus.APPROVED)
    assert scored.exists() and not scored.filter(score__isnull=True).exists()

    # Each unit is granted its own slots (through grants.py) and sees no other.
    slots = Slot.objects.count()
    assert SlotGroupObjectPermission.objects.count() == 2 * slots  # view + change
    reporter = get_user_model().objects.get(username="rsj")
    own = slots_visible_to(reporter)
    assert own.exists() and not own.exclude(unit__code="rsj").exists()
    other = Slot.objects.exclude(unit__code="rsj").first()
    with pytest.raises(Http404):
        slot_get_for_user(user=reporter, pk=other.pk)


def test_versions_files_events_and_evidence_agree_with_the_slots(built):
    submitted = Slot.objects.filter(current_version__gt=0)
    assert submitted.count() > 0
    counts = dict(
        SubmissionVersion.objects.values("slot").annotate(n=Count("id")).values_list("slot", "n")
    )
    for slot in submitted:
        assert counts[slot.pk] == slot.current_version
    assert not Slot.objects.filter(current_version=0, versions__isnull=False).exists()
    assert built.versions == SubmissionVersion.objects.count()
    assert built.files == EvidenceFile.objects.count() == 5 * submitted.count()
    for version in SubmissionVersion.objects.all()[:20]:
        assert version.files.count() == 5
    # Every state change has its audit row: no slot left its first state silently.
    changed = Slot.objects.exclude(status=SlotStatus.NOT_STARTED, not_applicable=False)
    assert not changed.filter(events__isnull=True).exists()
    assert SubmissionEvent.objects.filter(action=EventAction.SCORED).count() == (
        Slot.objects.filter(score__isnull=False).count()
    )

    # Evidence rows point at real files with their digest.
    storage = evidence_storage()
    for name, sha256 in EvidenceFile.objects.values_list("file", "sha256").distinct():
        with storage.open(name, "rb") as fh:
            assert hashlib.sha256(fh.read()).hexdigest() == sha256
