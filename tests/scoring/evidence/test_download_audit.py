"""Every view and download of an evidence file is in the security audit log."""

import pytest
from django.urls import reverse

from audit.models import Action, Outcome, SecurityEvent
from scoring.demo.files import pdf_bytes
from tests.scoring.support import evidence_root, slot_of, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def evidence(open_cycle, rsj_reporter):
    return upload(slot_of(open_cycle, 47, "rsj"), rsj_reporter, "统计说明.pdf", pdf_bytes("说明"))


def _get(client, evidence, **params):
    return client.get(reverse("scoring:evidence_download", args=[evidence.pk]), params)


def test_download_and_inline_view_are_recorded(client, evidence, office_user):
    client.force_login(office_user)
    _get(client, evidence)
    _get(client, evidence, inline="1")

    records = SecurityEvent.objects.filter(object_type="scoring.evidencefile").order_by("id")
    assert [(r.action, r.outcome, r.actor) for r in records] == [
        (Action.EVIDENCE_DOWNLOADED, Outcome.SUCCESS, office_user),
        (Action.EVIDENCE_VIEWED, Outcome.SUCCESS, office_user),
    ]
    assert records[0].object_id == str(evidence.pk)
    assert records[0].detail["sha256"] == evidence.sha256


def test_a_file_failing_its_check_is_a_failed_download(client, evidence, rsj_reporter):
    path = evidence_root() / evidence.file.name
    path.write_bytes(b"tampered")
    client.force_login(rsj_reporter)
    assert _get(client, evidence).status_code == 500
    [record] = SecurityEvent.objects.filter(action=Action.EVIDENCE_DOWNLOADED)
    assert record.outcome == Outcome.FAILURE


def test_another_units_file_is_a_404_and_not_recorded(client, evidence, zgh_reporter):
    client.force_login(zgh_reporter)
    assert _get(client, evidence).status_code == 404
    assert not SecurityEvent.objects.filter(object_type="scoring.evidencefile").exists()
