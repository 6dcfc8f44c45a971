"""A cycle's results page and its writes (overrides, bonus and veto)."""

from django.urls import path

from scoring.results import views

urlpatterns = [
    path("cycles/<int:pk>/results/", views.cycle_results, name="cycle_results"),
    path("cycles/<int:pk>/results/override/", views.cycle_override, name="cycle_override"),
    path("cycles/<int:pk>/results/adjustments/", views.cycle_adjustment, name="cycle_adjustment"),
]
