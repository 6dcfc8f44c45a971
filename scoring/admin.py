"""The scoring admin: each domain package registers its own model admins."""

from scoring.cycles import admin as cycles_admin  # noqa: F401
from scoring.evidence import admin as evidence_admin  # noqa: F401
from scoring.notifications import admin as notifications_admin  # noqa: F401
from scoring.results import admin as results_admin  # noqa: F401
from scoring.review import admin as review_admin  # noqa: F401
from scoring.scheme import admin as scheme_admin  # noqa: F401
