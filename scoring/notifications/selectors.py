"""Reads about a user's notices."""

from typing import Any

from django.contrib.auth.models import User
from django.db.models import Count, QuerySet

from common.prepared import PreparedRead
from scoring.models import Cycle, Notification


def _unread_query(user_pk: int) -> QuerySet[Any, Any]:
    # Grouped by the user so the statement is a plain queryset (compiled once, see
    # common.prepared); no row means none unread. The partial index notification_unread
    # holds only unread notices, so the count reads just those.
    return (
        Notification.objects.filter(user_id=user_pk, read_at__isnull=True)
        .order_by()
        .values("user_id")
        .annotate(unread=Count("pk"))
        .values_list("unread")
    )


_UNREAD = PreparedRead(_unread_query)


def unread_count(*, user: User) -> int:
    """The user's unread notices (the badge beside 通知 on every page): one indexed COUNT."""
    rows = _UNREAD.rows(user.pk)
    return int(rows[0][0]) if rows else 0


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
