from django.urls import path

from . import urls_cycles, urls_notifications, urls_review
from .views import unit

app_name = "scoring"

urlpatterns = [
    path("tasks/", unit.tasks, name="tasks"),
    path("tasks/<int:pk>/", unit.slot_detail, name="slot_detail"),
    path("tasks/<int:pk>/versions/<int:number>/", unit.version_detail, name="version_detail"),
    path("tasks/<int:pk>/files/", unit.evidence_upload, name="evidence_upload"),
    path(
        "tasks/<int:pk>/files/<int:file_pk>/remove/", unit.evidence_delete, name="evidence_delete"
    ),
    path("tasks/<int:pk>/forward/", unit.slot_forward, name="slot_forward"),
    path("tasks/<int:pk>/unit-return/", unit.slot_unit_return, name="slot_unit_return"),
    path("approvals/", unit.approvals, name="approvals"),
    path("files/<int:pk>/", unit.evidence_download, name="evidence_download"),
]

# The office's pages and the notices live in their own modules, in the same namespace.
urlpatterns += urls_review.urlpatterns + urls_cycles.urlpatterns + urls_notifications.urlpatterns
