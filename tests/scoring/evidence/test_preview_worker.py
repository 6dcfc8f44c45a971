"""Previews in production: the job waits in the database until `manage.py db_worker` runs it.

Transactional tests: the upload really commits (so the job is really enqueued after it), and
the worker, which closes connections between tasks, sees what the upload wrote.
"""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from scoring.demo.files import docx_bytes
from scoring.evidence.previews import RETRY_DELAYS
from scoring.models import EvidenceFile, EvidencePreview, PreviewStatus
from tests.scoring.evidence import samples
from tests.scoring.support import needs_libreoffice, open_cycle_create, slot_of, upload

pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture(scope="module", autouse=True)
def _catalogue_after_flush(django_db_blocker):
    """A transactional test flushes the database, catalogue included: put it back for the
    tests that run later in the session."""
    yield
    with django_db_blocker.unblock():
        call_command("loaddata", "catalogue", "figure_defaults", verbosity=0)


@pytest.fixture
def slot(db):
    call_command("loaddata", "catalogue", "figure_defaults", verbosity=0)
    return slot_of(open_cycle_create(), 47, "rsj")


def _worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


@override_settings(TASKS=DATABASE_TASKS)
def test_the_worker_builds_the_preview_the_upload_queued(client, slot, rsj_reporter):
    needs_libreoffice()
    evidence = upload(slot, rsj_reporter, "培训记录.docx", docx_bytes(["培训记录"]))
    preview = EvidencePreview.objects.get(evidence=evidence)
    assert preview.status == PreviewStatus.PENDING
    assert DBTaskResult.objects.get().status == "READY"
    client.force_login(rsj_reporter)
    page = client.get(reverse("scoring:slot_detail", args=[slot.pk])).content.decode()
    assert "预览生成中" in page

    _worker()

    preview.refresh_from_db()
    assert (preview.status, preview.attempts) == (PreviewStatus.READY, 1)
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    response = client.get(reverse("scoring:evidence_preview", args=[evidence.pk]))
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


@override_settings(TASKS=DATABASE_TASKS, EVIDENCE_PREVIEW_MAX_ATTEMPTS=2)
def test_a_failed_attempt_waits_in_the_queue_for_its_retry(slot, rsj_reporter):
    needs_libreoffice()
    evidence = upload(slot, rsj_reporter, "损坏的说明.docx", samples.broken_docx())
    enqueued_at = timezone.now()

    _worker()

    preview = EvidencePreview.objects.get(evidence=evidence)
    assert (preview.status, preview.attempts) == (PreviewStatus.PENDING, 1)
    assert "无法打开" in preview.error
    retry = DBTaskResult.objects.exclude(status="SUCCESSFUL").get()
    assert retry.status == "READY"
    assert retry.run_after >= enqueued_at + timedelta(seconds=RETRY_DELAYS[0])
    assert EvidenceFile.objects.filter(pk=evidence.pk, in_draft=True).exists()
