"""Reads about a user's notices."""

from django.contrib.auth.models import User
from django.db.models import QuerySet

from scoring.models import Cycle, Notification


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notices_for_user(*, user, cycle: Cycle | None = None) -> QuerySet[Notification]:
    """The user's own notices, newest first; only those about `cycle` when given."""
    notices = Notification.objects.filter(user=user).select_related("cycle")
    if cycle is not None:
        notices = notices.filter(cycle=cycle)
    return notices.order_by("-created_at", "-id")


def notice_cycles(*, user) -> list[Cycle]:
    """The cycles the user has notices about (the choices of the notice list's filter)."""
    return list(
        Cycle.objects.filter(
            pk__in=Notification.objects.filter(user=user, cycle__isnull=False).values("cycle_id")
        ).order_by("-year", "-id")
    )
