"""The load script's check finds a loss when there is one (the run itself is in .ci/run)."""

import hashlib
import importlib.util

import pytest
from django.conf import settings

from scoring.demo.files import pdf_bytes
from scoring.models import EvidenceFile
from tests.scoring.support import open_cycle_create, save, slot_of, submit, upload

pytestmark = pytest.mark.django_db

spec = importlib.util.spec_from_file_location(
    "load_reporters", settings.BASE_DIR / "scripts" / "load_reporters.py"
)
load_reporters = importlib.util.module_from_spec(spec)
spec.loader.exec_module(load_reporters)


@pytest.fixture
def finished(rsj_reporter):
    """区人社局's slot as a load-test reporter leaves it: three files, submitted."""
    slot = slot_of(open_cycle_create(), 63, "rsj")
    reporter = load_reporters.Reporter(username="rsj", unit_name="区人社局", slot_pk=slot.pk)
    for n in range(1, 4):
        content = pdf_bytes(f"佐证材料{n}")
        upload(slot, rsj_reporter, f"佐证材料{n}.pdf", content)
        reporter.sent[f"佐证材料{n}.pdf"] = hashlib.sha256(content).hexdigest()
    save(slot, rsj_reporter)
    submit(slot, rsj_reporter)
    reporter.statuses = [200, 302, 200]
    return reporter


def test_a_complete_submission_has_no_losses(finished):
    assert load_reporters.reporter_losses(finished) == []
    # (Earlier tests in this process may have left files behind; rows here all have theirs.)
    assert not [o for o in load_reporters.orphans() if o.startswith("row without file")]


def test_a_file_missing_on_disk_is_a_loss_and_an_orphan_row(finished):
    evidence = EvidenceFile.objects.get(slot_id=finished.slot_pk, original_name="佐证材料2.pdf")
    evidence.file.storage.delete(evidence.file.name)
    assert load_reporters.reporter_losses(finished) == ["佐证材料2.pdf: file missing on disk"]
    assert f"row without file: {evidence.file.name}" in load_reporters.orphans()


def test_different_bytes_a_server_error_and_a_missing_upload_are_losses(finished):
    finished.sent["佐证材料1.pdf"] = "0" * 64
    finished.sent["佐证材料4.pdf"] = "1" * 64
    finished.statuses.append(502)
    losses = load_reporters.reporter_losses(finished)
    assert "1 server error(s): [502]" in losses
    assert "佐证材料1.pdf: SHA-256 in database differs from the bytes sent" in losses
    assert any(p.startswith("files in database") for p in losses)
