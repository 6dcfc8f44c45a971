"""Reads of the security audit log."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from audit.models import SecurityEvent


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def security_events(
    *,
    who: str = "",
    action: str = "",
    outcome: str = "",
    unit=None,
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[SecurityEvent]:
    """Records, newest first, narrowed by the filters given (dates in the site's time zone,
    `until` inclusive)."""
    events = SecurityEvent.objects.all()
    if who:
        events = events.filter(actor_username__icontains=who.strip())
    if action:
        events = events.filter(action=action)
    if outcome:
        events = events.filter(outcome=outcome)
    if unit is not None:
        events = events.filter(unit_id=unit.pk)
    if since:
        events = events.filter(at__gte=_day_start(since))
    if until:
        events = events.filter(at__lt=_day_start(until + timedelta(days=1)))
    return events.order_by("-at", "-id")
