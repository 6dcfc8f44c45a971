"""Background jobs of the evidence package (django-tasks; the backend is chosen in TASKS)."""

from django_tasks import task

from scoring.evidence.previews import preview_build


@task()
def evidence_preview_build(preview_pk: int) -> str:
    """Convert one evidence file to its PDF preview; see previews.preview_build."""
    return preview_build(preview_pk=preview_pk)
