"""A cycle's scheme pages: points and methods, settings, grade levels, Excel, comparison."""

from django.urls import path

from scoring.scheme import views

urlpatterns = [
    path("cycles/<int:pk>/scheme/", views.cycle_scheme, name="cycle_scheme"),
    path("cycles/<int:pk>/scheme/settings/", views.cycle_settings, name="cycle_settings"),
    path("cycles/<int:pk>/scheme/grades/", views.cycle_grade_levels, name="cycle_grade_levels"),
    path("cycles/<int:pk>/scheme/export/", views.cycle_scheme_export, name="cycle_scheme_export"),
    path("cycles/<int:pk>/scheme/import/", views.cycle_scheme_import, name="cycle_scheme_import"),
    path(
        "cycles/<int:pk>/scheme/import/confirm/",
        views.cycle_scheme_import_confirm,
        name="cycle_scheme_import_confirm",
    ),
    path("cycles/<int:pk>/compare/", views.cycle_compare, name="cycle_compare"),
]
