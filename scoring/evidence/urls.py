"""Evidence upload, removal and download."""

from django.urls import path

from scoring.evidence import views

urlpatterns = [
    path("tasks/<int:pk>/files/", views.evidence_upload, name="evidence_upload"),
    path(
        "tasks/<int:pk>/files/<int:file_pk>/remove/", views.evidence_delete, name="evidence_delete"
    ),
    path("files/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("files/<int:pk>/preview/", views.evidence_preview, name="evidence_preview"),
]
