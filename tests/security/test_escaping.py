"""Script and HTML typed into a text field are shown as text on every page that shows the field.

Each case puts the same hostile string into one field the way a user would (through the
services), then opens each page that displays that field as the role that sees it there, the
admin included. The page must carry the escaped text (so the field really is on it) and no
live tag. The workbook's own escaping (formulas) is in tests/reports/test_summary_workbook.py.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from scoring.demo.files import pdf_bytes
from scoring.models import EvidenceFile, Slot
from scoring.review.services import submission_return
from tests.scoring.support import open_cycle_create, save, slot_of, submit, upload
from units.models import Unit
from units.roles import Role

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
LIVE = ("<script>alert", "<img src=x", "onerror=alert(1)>")


@dataclass
class World:
    slot: Slot
    users: dict[str, object]


@pytest.fixture
def world(make_user) -> World:
    users = {
        "reporter": make_user("rsj", unit="rsj", roles={Role.REPORTER}),
        "office": make_user("office", roles={Role.OFFICE}, is_staff=True),
        "leader": make_user("leader", roles={Role.LEADER}),
        "admin": make_user("admin", is_superuser=True),
    }
    return World(slot=slot_of(open_cycle_create(), 63, "rsj"), users=users)


def _text(w: World):
    save(w.slot, w.users["reporter"], text=HOSTILE)
    submit(w.slot, w.users["reporter"])


def _title(w: World):
    upload(w.slot, w.users["reporter"], "培训签到表.pdf", pdf_bytes("签到"), title=HOSTILE)
    save(w.slot, w.users["reporter"])
    submit(w.slot, w.users["reporter"])


def _reason(w: World):
    _plain_submit(w)
    w.slot.refresh_from_db()
    submission_return(slot=w.slot, actor=w.users["office"], reason=HOSTILE)


def _unit_name(w: World):
    Unit.objects.filter(code="rsj").update(name=HOSTILE)
    _plain_submit(w)


def _full_name(w: World):
    reporter = w.users["reporter"]
    reporter.first_name = HOSTILE
    reporter.save(update_fields=["first_name"])
    upload(w.slot, reporter, "培训签到表.pdf", pdf_bytes("签到"))
    _plain_submit(w)


def _plain_submit(w: World):
    save(w.slot, w.users["reporter"])
    submit(w.slot, w.users["reporter"])


def slot_page(w):
    return reverse("scoring:slot_detail", args=[w.slot.pk])


def version_page(w):
    return reverse("scoring:version_detail", args=[w.slot.pk, 1])


def review_page(w):
    return reverse("scoring:review_detail", args=[w.slot.pk])


def review_queue(w):
    return reverse("scoring:review_queue")


def tasks_page(w):
    return reverse("scoring:tasks")


def admin_slot(w):
    return reverse("admin:scoring_slot_change", args=[w.slot.pk])


def admin_slots(w):
    return reverse("admin:scoring_slot_changelist")


def admin_units(w):
    return reverse("admin:units_unit_changelist")


def admin_evidence(w):
    return reverse("admin:scoring_slot_change", args=[w.slot.pk])


def admin_event(w):
    event = w.slot.events.order_by("-pk").first()
    return reverse("admin:scoring_submissionevent_change", args=[event.pk])


def dashboard(w):
    return reverse("reports:dashboard")


def admin_users(w):
    return reverse("admin:auth_user_changelist")


FIELDS: dict[str, tuple[Callable, list[tuple[str, Callable]]]] = {
    "工作情况说明": (
        _text,
        [("reporter", slot_page), ("reporter", version_page), ("office", review_page),
         ("admin", admin_slot)],
    ),
    "材料名称": (
        _title,
        [("reporter", slot_page), ("reporter", version_page), ("office", review_page),
         ("admin", admin_evidence)],
    ),
    "退回原因": (
        _reason,
        [("reporter", slot_page), ("office", review_page), ("admin", admin_slot),
         ("admin", admin_event)],
    ),
    "单位名称": (
        _unit_name,
        [("reporter", slot_page), ("reporter", tasks_page), ("office", review_queue),
         ("office", review_page), ("leader", dashboard), ("admin", admin_units),
         ("admin", admin_slots)],
    ),
    "用户姓名": (
        _full_name,
        [("reporter", slot_page), ("office", review_page), ("admin", admin_users)],
    ),
}  # fmt: skip

CASES = [
    pytest.param(field, role, page, id=f"{field}-{role}-{page.__name__}")
    for field, (_, pages) in FIELDS.items()
    for role, page in pages
]


@pytest.mark.parametrize(("field", "role", "page"), CASES)
def test_hostile_text_is_shown_as_text(world, field, role, page):
    FIELDS[field][0](world)
    browser = Client()
    browser.force_login(world.users[role])

    response = browser.get(page(world))

    assert response.status_code == 200
    html = response.content.decode()
    assert ESCAPED in html, f"{field} is not shown on {page.__name__}"
    for tag in LIVE:
        assert tag not in html


def test_the_hostile_text_was_stored_as_typed(world):
    """Escaping happens on output only: the stored text is exactly what was typed."""
    _title(world)
    assert EvidenceFile.objects.get(slot=world.slot).title == HOSTILE
