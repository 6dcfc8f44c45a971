"""The scoring namespace: each domain package brings its own URLs."""

from scoring.cycles import urls as cycles
from scoring.evidence import urls as evidence
from scoring.notifications import urls as notifications
from scoring.results import urls as results
from scoring.review import urls as review
from scoring.scheme import urls as scheme
from scoring.submissions import urls as submissions

app_name = "scoring"

urlpatterns = [
    *submissions.urlpatterns,
    *evidence.urlpatterns,
    *review.urlpatterns,
    *cycles.urlpatterns,
    *scheme.urlpatterns,
    *results.urlpatterns,
    *notifications.urlpatterns,
]
