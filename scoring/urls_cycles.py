"""The office's cycle pages (included in the scoring namespace)."""

from django.urls import path

from .views import cycles

urlpatterns = [
    path("cycles/", cycles.cycle_list, name="cycle_list"),
    path("cycles/new/", cycles.cycle_create, name="cycle_create"),
    path("cycles/<int:pk>/", cycles.cycle_detail, name="cycle_detail"),
    path("cycles/<int:pk>/transition/", cycles.cycle_transition, name="cycle_transition"),
    path("cycles/<int:pk>/dates/", cycles.cycle_dates, name="cycle_dates"),
    path("cycles/<int:pk>/extend/", cycles.cycle_extend, name="cycle_extend"),
    path("cycles/<int:pk>/scheme/", cycles.cycle_scheme, name="cycle_scheme"),
    path("cycles/<int:pk>/scheme/settings/", cycles.cycle_settings, name="cycle_settings"),
    path("cycles/<int:pk>/scheme/grades/", cycles.cycle_grade_levels, name="cycle_grade_levels"),
    path("cycles/<int:pk>/scheme/export/", cycles.cycle_scheme_export, name="cycle_scheme_export"),
    path("cycles/<int:pk>/scheme/import/", cycles.cycle_scheme_import, name="cycle_scheme_import"),
    path(
        "cycles/<int:pk>/scheme/import/confirm/",
        cycles.cycle_scheme_import_confirm,
        name="cycle_scheme_import_confirm",
    ),
    path("cycles/<int:pk>/compare/", cycles.cycle_compare, name="cycle_compare"),
    path("cycles/<int:pk>/results/", cycles.cycle_results, name="cycle_results"),
    path("cycles/<int:pk>/results/override/", cycles.cycle_override, name="cycle_override"),
    path("cycles/<int:pk>/results/adjustments/", cycles.cycle_adjustment, name="cycle_adjustment"),
]
