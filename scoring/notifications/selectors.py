"""Reads about a user's notices."""

from django.contrib.auth.models import User
from django.db.models import QuerySet

from scoring.models import Notification


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notices_for_user(*, user: User) -> QuerySet[Notification]:
    """The user's own notices, newest first."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")
