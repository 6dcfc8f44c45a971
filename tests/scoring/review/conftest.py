"""The office's review pages: personas, slots in given states, and reading the page back."""

import html
import re
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse

from scoring.models import (
    Cycle,
    CycleIndicator,
    FigureValue,
    ScoringMethod,
    Slot,
    SubmissionEvent,
    SubmissionVersion,
)
from scoring.review.services import submission_approve
from tests.scoring.support import save, slot_of, submit
from units.roles import Role

OFFICE_IP = "10.20.30.40"


@contextmanager
def at(moment: datetime):
    """Run service calls as if it were `moment` (audit timestamps are auto_now_add)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def submitted(cycle: Cycle, number: int, unit: str, user, text: str = "工作情况说明。", **figures):
    """The unit's slot for indicator `number`, saved and submitted once (待区产改办审核)."""
    slot = slot_of(cycle, number, unit)
    save(slot, user, text, **figures)
    submit(slot, user)
    slot.refresh_from_db()
    return slot


def approved(cycle: Cycle, number: int, unit: str, user, office, **kwargs) -> Slot:
    slot = submitted(cycle, number, unit, user, **kwargs)
    submission_approve(slot=slot, actor=office)
    slot.refresh_from_db()
    return slot


def scheme_set(cycle: Cycle, number: int, *, points: str, method: ScoringMethod) -> None:
    """Give an indicator its 分值 and 评分方法 directly (the scheme editor is not under test)."""
    updated = CycleIndicator.objects.filter(cycle=cycle, indicator__number=number).update(
        points=Decimal(points), method=method
    )
    assert updated == 1


def state(slot: Slot) -> tuple:
    """Everything a refused action must leave as it was."""
    slot = Slot.objects.get(pk=slot.pk)
    return (
        slot.status,
        slot.current_version,
        slot.return_reason,
        slot.score,
        slot.score_input,
        slot.score_comment,
        slot.not_applicable,
        SubmissionEvent.objects.filter(slot=slot).count(),
        SubmissionVersion.objects.filter(slot=slot).count(),
        FigureValue.objects.filter(slot=slot).count(),
    )


def detail_url(slot: Slot) -> str:
    return reverse("scoring:review_detail", args=[slot.pk])


def hidden(page: str, form_action: str) -> dict[str, str]:
    """The hidden inputs of the form posting to `form_action`, as the browser would send them."""
    match = re.search(
        rf'<form method="post" action="{re.escape(form_action)}"[^>]*>(.*?)</form>', page, re.S
    )
    assert match, f"no form posting to {form_action}"
    fields = re.findall(r'<input type="hidden" name="([\w-]+)" value="([^"]*)"', match.group(1))
    return {name: html.unescape(value) for name, value in fields if name != "csrfmiddlewaretoken"}


def queue_rows(response) -> list[int]:
    """The slot ids listed in the queue, top to bottom."""
    return [int(pk) for pk in re.findall(r'<tr id="slot-(\d+)">', response.content.decode())]


def status_counts(response) -> dict[str, int]:
    html = response.content.decode()
    return {
        status: int(n)
        for status, n in re.findall(r'data-status="(\w+)"><strong>(\d+)</strong>', html)
    }


@pytest.fixture
def cycle(cycle_2026) -> Cycle:
    return cycle_2026


@pytest.fixture
def office(office_user):
    return office_user


@pytest.fixture
def rsj_approver(make_user):
    return make_user("rsj_sh", unit="rsj", roles={Role.APPROVER})


@pytest.fixture
def office_client(client, office):
    client.force_login(office)
    return client
