from django.urls import path  # noqa: F401

from reports import views

app_name = "reports"

urlpatterns: list = []

# 领导看板, the evidence package and the year-over-year comparison.
urlpatterns += [
    path("", views.dashboard, name="dashboard"),
    path("cycles/<int:pk>/evidence.zip", views.evidence_zip, name="evidence_zip"),
    path("compare/", views.compare, name="compare"),
    path("compare/download/", views.compare_download, name="compare_download"),
]
from reports import views_summary  # noqa: E402  (the summary workbook download)

urlpatterns.append(
    path("summary/<int:cycle_pk>.xlsx", views_summary.summary_download, name="summary_download")
)
