"""通知: the user's own notices, the unread count in the header, marking them read."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scoring.models import NoticeKind, Notification
from scoring.notifications.services import notify

pytestmark = pytest.mark.django_db

LIST = reverse("scoring:notifications")
READ_ALL = reverse("scoring:notifications_read_all")


def _notice(user, title: str, url: str = "/tasks/") -> Notification:
    (notice,) = notify(users=[user], kind=NoticeKind.APPROVED, title=title, url=url)
    return notice


@pytest.fixture
def notices(rsj_reporter, zgh_reporter):
    """Three notices for 区人社局's reporter (oldest first, the oldest read), one for 区总工会."""
    old = _notice(rsj_reporter, "审核通过：44. 技能表彰奖项", "/tasks/1/")
    Notification.objects.filter(pk=old.pk).update(read_at=old.created_at)
    middle = _notice(rsj_reporter, "审核通过：63. 收入分配机制", "/tasks/2/")
    new = _notice(rsj_reporter, "区产改办退回：68. 健全向一线产业工人倾斜的分配制度", "/tasks/3/")
    other = _notice(zgh_reporter, "审核通过：32. 技能人才结构", "/tasks/4/")
    return {"old": old, "middle": middle, "new": new, "other": other}


def _badge(html: str) -> str | None:
    found = re.search(r'通知 <span class="badge" title="未读通知">(\d+)</span>', html)
    return found.group(1) if found else None


def test_the_list_shows_the_users_own_notices_newest_first_with_unread_marked(
    client, rsj_reporter, notices
):
    client.force_login(rsj_reporter)

    response = client.get(LIST)

    assert response.status_code == 200
    shown = list(response.context["page"].object_list)
    assert shown == [notices["new"], notices["middle"], notices["old"]]
    html = response.content.decode()
    assert "32. 技能人才结构" not in html
    rows = re.findall(r"<tr( class=\"mine\")?>\s*<td", html)
    assert rows == [' class="mine"', ' class="mine"', ""]
    assert '<a href="/tasks/3/">区产改办退回：68. 健全向一线产业工人倾斜的分配制度</a>' in html
    assert html.count("标为已读</button>") == 2 + 1  # two rows and 全部标为已读


def test_the_header_shows_the_unread_count_with_one_query(client, rsj_reporter, notices):
    client.force_login(rsj_reporter)
    client.get(reverse("home"))

    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("home")).content.decode()

    assert _badge(html) == "2"
    assert f'<a href="{LIST}" class="notices">通知' in html
    counting = [q["sql"] for q in queries if "scoring_notification" in q["sql"]]
    assert len(counting) == 1


def test_no_badge_without_unread_notices(client, zgh_reporter, notices):
    Notification.objects.filter(user=zgh_reporter).update(read_at=notices["other"].created_at)
    client.force_login(zgh_reporter)

    html = client.get(reverse("home")).content.decode()

    assert _badge(html) is None
    assert f'<a href="{LIST}" class="notices">通知</a>' in html


def test_marking_one_notice_read(client, rsj_reporter, notices):
    client.force_login(rsj_reporter)
    url = reverse("scoring:notification_read", args=[notices["new"].pk])

    refused_get = client.get(url)
    response = client.post(url)

    assert refused_get.status_code == 405
    assert response.status_code == 302
    assert response["Location"] == LIST
    assert Notification.objects.get(pk=notices["new"].pk).read_at is not None
    assert Notification.objects.get(pk=notices["middle"].pk).read_at is None
    assert _badge(client.get(LIST).content.decode()) == "1"


def test_marking_all_read_touches_only_the_users_own(client, rsj_reporter, notices):
    client.force_login(rsj_reporter)

    response = client.post(READ_ALL)

    assert response.status_code == 302
    assert not Notification.objects.filter(user=rsj_reporter, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=notices["other"].pk).read_at is None
    page = client.get(LIST).content.decode()
    assert _badge(page) is None
    assert "已将 2 条通知标为已读。" in page


def test_another_users_notice_is_a_404_and_stays_unread(client, rsj_reporter, notices):
    client.force_login(rsj_reporter)

    response = client.post(reverse("scoring:notification_read", args=[notices["other"].pk]))

    assert response.status_code == 404
    assert "32. 技能人才结构" not in response.content.decode()
    assert Notification.objects.get(pk=notices["other"].pk).read_at is None


def test_anonymous_users_are_sent_to_log_in(client, notices):
    for method, url in (
        ("get", LIST),
        ("post", READ_ALL),
        ("post", reverse("scoring:notification_read", args=[notices["new"].pk])),
    ):
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert Notification.objects.filter(read_at__isnull=True).count() == 3
