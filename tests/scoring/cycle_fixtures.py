"""Cycles as the office makes them, a logged-in office client, and page readers."""

import html
import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone
from openpyxl import Workbook

from scoring.cycles.services import cycle_create
from scoring.models import Cycle

_MESSAGE = re.compile(r'<li class="msg msg-(\w+)">(.*?)</li>', re.S)


def new_cycle(name: str = "2026年度", year: int = 2026, previous: Cycle | None = None) -> Cycle:
    """A cycle in 准备中, created as the office does (cycle_create), window around today."""
    now = timezone.now()
    return cycle_create(
        name=name,
        year=year,
        opens_at=now - timedelta(days=1),
        deadline=now + timedelta(days=30),
        previous=previous,
    )


@pytest.fixture
def preparing(db) -> Cycle:
    """2026年度 in 准备中: 80 indicators at 0 分 / 档次, default grade levels."""
    return new_cycle()


@pytest.fixture
def office(client, office_user):
    """The test client, logged in as 区产改办."""
    client.force_login(office_user)
    return client


def flashed(response) -> list[tuple[str, str]]:
    """[(level tag, text)] of the messages queued by a redirecting response."""
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def shown(response) -> list[tuple[str, str]]:
    """[(level tag, text)] of the messages rendered on a page."""
    return [(lvl, html.unescape(t)) for lvl, t in _MESSAGE.findall(response.content.decode())]


def text_of(response, element_id: str) -> str:
    """The text inside the element with this id (no nested tags)."""
    match = re.search(rf'id="{element_id}"[^>]*>([^<]*)<', response.content.decode())
    assert match, f"#{element_id} not on the page"
    return html.unescape(match.group(1)).strip()


def xlsx_upload(rows: list[list], headers=("序号", "三级指标", "分值", "评分方法")) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
