"""A unit's tasks, its submission pages and the unit approver's sign-off."""

from django.urls import path

from scoring.submissions import views

urlpatterns = [
    path("tasks/", views.tasks, name="tasks"),
    path("tasks/<int:pk>/", views.slot_detail, name="slot_detail"),
    path("tasks/<int:pk>/versions/<int:number>/", views.version_detail, name="version_detail"),
    path("tasks/<int:pk>/forward/", views.slot_forward, name="slot_forward"),
    path("tasks/<int:pk>/unit-return/", views.slot_unit_return, name="slot_unit_return"),
    path("approvals/", views.approvals, name="approvals"),
]
