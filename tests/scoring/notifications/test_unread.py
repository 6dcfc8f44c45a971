"""The unread count beside 通知 on every page: the user's own unread notices, current at once."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scoring.models import NoticeKind, Notification
from scoring.notifications.selectors import unread_count
from scoring.notifications.services import notification_mark_read, notify

pytestmark = pytest.mark.django_db


def _tell(user, count: int, title: str = "审核通过") -> list[Notification]:
    return notify(users=[user] * count, kind=NoticeKind.APPROVED, title=title)


def _badge(client) -> int | None:
    html = client.get(reverse("home")).content.decode()
    match = re.search(
        r'class="notices">通知(?: <span class="badge" title="未读通知">(\d+)</span>)?', html
    )
    assert match, "no notices link"
    return int(match.group(1)) if match.group(1) else None


def test_counts_only_the_users_own_unread_notices(rsj_reporter, zgh_reporter):
    mine = _tell(rsj_reporter, 4)
    _tell(zgh_reporter, 7)
    notification_mark_read(user=rsj_reporter, pk=mine[0].pk)

    with CaptureQueriesContext(connection) as queries:
        assert unread_count(user=rsj_reporter) == 3
    assert len(queries) == 1
    assert unread_count(user=zgh_reporter) == 7


def test_none_unread_is_zero(rsj_reporter):
    assert unread_count(user=rsj_reporter) == 0
    notices = _tell(rsj_reporter, 2)
    notification_mark_read(user=rsj_reporter)
    assert unread_count(user=rsj_reporter) == 0
    assert (
        Notification.objects.filter(pk__in=[n.pk for n in notices], read_at__isnull=False).count()
        == 2
    )


def test_the_badge_follows_new_and_read_notices_at_the_next_request(client, rsj_reporter):
    client.force_login(rsj_reporter)
    assert _badge(client) is None

    notices = _tell(rsj_reporter, 2)
    assert _badge(client) == 2

    client.post(reverse("scoring:notification_read", args=[notices[0].pk]))
    assert _badge(client) == 1

    client.post(reverse("scoring:notifications_read_all"))
    assert _badge(client) is None
