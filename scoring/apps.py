from django.apps import AppConfig
from django.core import checks


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = "填报与评分"

    def ready(self) -> None:
        from common.signals import catalogue_changed
        from scoring.cycles.services import slots_sync_on_catalogue_change

        checks.register(check_evidence_policy)
        catalogue_changed.connect(slots_sync_on_catalogue_change, dispatch_uid="scoring.slots_sync")


def check_evidence_policy(app_configs=None, **kwargs):
    """A typo in EVIDENCE_* settings must stop the server at start, not fail every upload."""
    from scoring.evidence.validation import EvidencePolicy

    try:
        EvidencePolicy.from_settings()
    except (ValueError, TypeError) as exc:
        return [
            checks.Error(
                f"EVIDENCE_* settings are invalid: {exc}",
                hint="Check EVIDENCE_ALLOWED_EXTENSIONS / EVIDENCE_MAX_FILE_MB in the environment.",
                id="scoring.E001",
            )
        ]
    return []
