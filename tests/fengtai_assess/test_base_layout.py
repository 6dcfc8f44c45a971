"""The base layout's fixed cost: the navigation's role, unit and unread-notice reads on every page.

Each page is rendered twice as the user and the second render's statements are read: the role,
unit and approver status come from one statement (shared with the view's own permission
checks), the unread count from one more, and what they show is still exactly right, for the
right user, at the very next request after a change.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scoring.models import NoticeKind, Notification
from scoring.notifications.services import notification_mark_read, notify
from tests.scoring.support import open_cycle_create, save, slot_of, submit
from units.models import Unit
from units.roles import Role
from units.services import user_assign_unit, user_set_roles

pytestmark = pytest.mark.django_db
User = get_user_model()

ROLE_READS_AT_MOST = 1
UNREAD_READS_AT_MOST = 1


def _is_role_or_unit_read(sql: str) -> bool:
    # Guardian's object-permission lookups join the user's groups too; they are the view's
    # access check, not the layout's.
    return ("auth_user_groups" in sql or "units_unitmembership" in sql) and (
        "objectpermission" not in sql
    )


def _second_render(client: Client, url: str) -> tuple[str, list[str]]:
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in queries.captured_queries]


def _badge(html: str) -> str:
    match = re.search(r'<span class="badge">([^<]*)</span>', html)
    assert match, "no role badge"
    return match.group(1)


def _unread(html: str) -> int | None:
    match = re.search(
        r'class="notices">通知(?: <span class="badge" title="未读通知">(\d+)</span>)?', html
    )
    assert match, "no notices link"
    return int(match.group(1)) if match.group(1) else None


def _nav(html: str) -> list[str]:
    match = re.search(r'<nav class="nav" aria-label="主导航">(.*?)</nav>', html, re.S)
    assert match, "no navigation"
    return re.findall(r">([^<>]+)</a>", match.group(1))


@pytest.fixture
def cycle(db):
    return open_cycle_create()


@pytest.fixture
def submitted(cycle, rsj_reporter):
    slot = slot_of(cycle, 47, "rsj")
    save(slot, rsj_reporter, "产业工人数量说明。", industrial_workers=196400)
    submit(slot, rsj_reporter)
    return slot


def _notices(user, count: int) -> None:
    notify(users=[user] * count, kind=NoticeKind.APPROVED, title="审核通过")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("page", ["home", "tasks", "slot"])
def test_a_unit_page_reads_role_unit_and_unread_once_each(page, submitted, rsj_reporter):
    _notices(rsj_reporter, 3)
    read = Notification.objects.filter(user=rsj_reporter).order_by("pk").first()
    notification_mark_read(user=rsj_reporter, pk=read.pk)
    url = {
        "home": reverse("home"),
        "tasks": reverse("scoring:tasks"),
        "slot": reverse("scoring:slot_detail", args=[submitted.pk]),
    }[page]

    html, statements = _second_render(_client(rsj_reporter), url)

    assert len([s for s in statements if _is_role_or_unit_read(s)]) <= ROLE_READS_AT_MOST
    assert len([s for s in statements if "scoring_notification" in s]) <= UNREAD_READS_AT_MOST
    assert _badge(html) == "区人社局 · 单位填报人"
    assert _unread(html) == 2
    assert _nav(html) == ["首页", "我的任务", "指标目录"]


@pytest.mark.parametrize("page", ["queue", "review"])
def test_an_office_page_reads_role_unit_and_unread_once_each(page, submitted, office_user):
    url = {
        "queue": reverse("scoring:review_queue"),
        "review": reverse("scoring:review_detail", args=[submitted.pk]),
    }[page]

    html, statements = _second_render(_client(office_user), url)

    assert len([s for s in statements if _is_role_or_unit_read(s)]) <= ROLE_READS_AT_MOST
    assert len([s for s in statements if "scoring_notification" in s]) <= UNREAD_READS_AT_MOST
    assert _badge(html) == "区产改办评审"
    assert _unread(html) is None
    assert _nav(html) == [
        "首页",
        "审核评分",
        "考核周期",
        "领导看板",
        "指标目录",
        "安全审计",
        "管理后台",
    ]


def test_an_approver_sees_the_unit_approval_page_in_the_navigation(make_user):
    approver = make_user("rsj_sh", unit="rsj", roles={Role.APPROVER})
    html, _ = _second_render(_client(approver), reverse("home"))
    assert _badge(html) == "区人社局 · 单位审核人"
    assert _nav(html) == ["首页", "我的任务", "单位审核", "指标目录"]


def test_the_title_names_the_page_and_the_system(rsj_reporter):
    html, _ = _second_render(_client(rsj_reporter), reverse("scoring:tasks"))
    assert "<title>我的任务 · 丰台区产改考核</title>" in html


# --- a change takes effect on the very next request ----------------------------------------


def test_made_office_the_next_request_shows_the_office(rsj_reporter):
    client = _client(rsj_reporter)
    assert "审核评分" not in _nav(_second_render(client, reverse("home"))[0])

    user_set_roles(user=User.objects.get(pk=rsj_reporter.pk), roles={Role.OFFICE})

    html = client.get(reverse("home")).content.decode()
    assert "审核评分" in _nav(html) and _badge(html).endswith("区产改办评审")
    assert client.get(reverse("scoring:review_queue")).status_code == 200


def test_moved_to_another_unit_the_next_request_is_the_other_units(submitted, rsj_reporter):
    client = _client(rsj_reporter)
    slot_url = reverse("scoring:slot_detail", args=[submitted.pk])
    assert client.get(slot_url).status_code == 200

    user_assign_unit(user=User.objects.get(pk=rsj_reporter.pk), unit=Unit.objects.get(code="zgh"))

    assert _badge(client.get(reverse("home")).content.decode()) == "区总工会 · 单位填报人"
    assert client.get(slot_url).status_code == 404


def test_an_office_role_taken_away_closes_the_office_pages_at_once(office_user):
    client = _client(office_user)
    assert client.get(reverse("scoring:review_queue")).status_code == 200

    user_set_roles(user=User.objects.get(pk=office_user.pk), roles=set())

    assert client.get(reverse("scoring:review_queue")).status_code == 404
    assert "审核评分" not in _nav(client.get(reverse("home")).content.decode())


def test_deactivated_the_next_request_is_the_login_page(rsj_reporter):
    client = _client(rsj_reporter)
    assert client.get(reverse("scoring:tasks")).status_code == 200

    rsj_reporter.is_active = False
    rsj_reporter.save(update_fields=["is_active"])

    response = client.get(reverse("scoring:tasks"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_interleaved_users_each_see_their_own_role_unit_and_notices(
    rsj_reporter, zgh_reporter, office_user
):
    _notices(rsj_reporter, 2)
    _notices(zgh_reporter, 5)
    clients = {
        "rsj": _client(rsj_reporter),
        "zgh": _client(zgh_reporter),
        "office": _client(office_user),
    }
    expected = {
        "rsj": ("区人社局 · 单位填报人", 2),
        "zgh": ("区总工会 · 单位填报人", 5),
        "office": ("区产改办评审", None),
    }
    for _ in range(2):
        for name in ("rsj", "office", "zgh", "rsj", "zgh", "office"):
            html = clients[name].get(reverse("home")).content.decode()
            assert (_badge(html), _unread(html)) == expected[name], name
