"""The office's cycle pages (included in the scoring namespace)."""

from django.urls import path

from scoring.cycles import views

urlpatterns = [
    path("cycles/", views.cycle_list, name="cycle_list"),
    path("cycles/new/", views.cycle_create, name="cycle_create"),
    path("cycles/<int:pk>/", views.cycle_detail, name="cycle_detail"),
    path("cycles/<int:pk>/transition/", views.cycle_transition, name="cycle_transition"),
    path("cycles/<int:pk>/dates/", views.cycle_dates, name="cycle_dates"),
    path("cycles/<int:pk>/extend/", views.cycle_extend, name="cycle_extend"),
]
