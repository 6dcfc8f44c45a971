"""The user's notices."""

from django.urls import path

from scoring.notifications import views as notifications

urlpatterns = [
    path("notifications/", notifications.notice_list, name="notifications"),
    path("notifications/<int:pk>/read/", notifications.notice_read, name="notification_read"),
    path("notifications/read-all/", notifications.notice_read_all, name="notifications_read_all"),
]
