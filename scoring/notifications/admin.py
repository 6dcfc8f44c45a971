"""The admin's read-only list of notices."""

from django.contrib import admin

from common.admin import ReadOnlyAdmin
from scoring.models import Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "kind", "title", "read_at"]
    list_filter = ["kind"]
    search_fields = ["title", "user__username"]
    list_select_related = ["user"]
