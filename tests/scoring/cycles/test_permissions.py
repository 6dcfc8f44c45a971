"""Every cycle URL × every role (pretix test_permissions style).

The office (and system administrators, who count as the office) reach everything; leadership
reads the results and the comparison and gets a 404 on every other page and on every POST;
units get a 404 everywhere; a refused request changes nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, reverse

from scoring.cycles import urls as cycle_urls
from scoring.cycles.services import cycle_open
from scoring.models import (
    Adjustment,
    Cycle,
    CycleEvent,
    CycleIndicator,
    CycleStatus,
    GradeLevel,
    Slot,
    SubmissionEvent,
)
from scoring.results import urls as result_urls
from scoring.scheme import urls as scheme_urls
from scoring.scheme.resources import dataset_from_xlsx
from scoring.scheme.views import import_payload
from tests.scoring.cycle_fixtures import new_cycle, xlsx_upload

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
LOGIN_REDIRECT, DONE = "login", "done"
ANON, REPORTER, APPROVER, LEADER, OFFICE, SUPERUSER = (
    "anonymous",
    "reporter",
    "approver",
    "leader",
    "office",
    "superuser",
)
ROLES = (ANON, REPORTER, APPROVER, LEADER, OFFICE, SUPERUSER)
PERSONAS = {
    REPORTER: "rsj_reporter",
    APPROVER: "gzw_approver",
    LEADER: "leader_user",
    OFFICE: "office_user",
    SUPERUSER: "admin_user",
}
NOBODY_ELSE = {ANON: LOGIN_REDIRECT, REPORTER: 404, APPROVER: 404}
OFFICE_PAGE = {**NOBODY_ELSE, LEADER: 404, OFFICE: 200, SUPERUSER: 200}
READ_PAGE = {**NOBODY_ELSE, LEADER: 200, OFFICE: 200, SUPERUSER: 200}
OFFICE_WRITE = {**NOBODY_ELSE, LEADER: 404, OFFICE: DONE, SUPERUSER: DONE}
# The upload answers with its dry-run preview page and writes nothing, even for the office.
OFFICE_PREVIEW = OFFICE_PAGE


@dataclass
class World:
    opened: Cycle  # 2025年度 (80 × 1.25 分), opened with its slots by cases that need it
    preparing: Cycle  # 2026年度, 准备中, copied from 2025年度


@pytest.fixture
def world(db) -> World:
    opened = new_cycle("2025年度", 2025)
    CycleIndicator.objects.filter(cycle=opened).update(points=Decimal("1.25"))
    return World(opened=opened, preparing=new_cycle("2026年度", 2026, previous=opened))


def _scheme_post(w: World, user) -> dict:
    data = {}
    for item in CycleIndicator.objects.filter(cycle=w.preparing):
        data[f"p_{item.pk}"] = "2" if item.number == 1 else str(item.points)
        data[f"m_{item.pk}"] = item.method
    return data


def _confirm_post(w: World, user) -> dict:
    dataset = dataset_from_xlsx(xlsx_upload([[1, "", 3, "扣分"]]))
    return {"payload": import_payload(w.preparing, user, dataset) if user else ""}


def _points(w: World, number: int) -> Decimal:
    return CycleIndicator.objects.get(cycle=w.preparing, number=number).points


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    url: Callable[[World], str]
    expected: dict
    data: Callable[[World, object], dict] = lambda w, user: {}
    done: Callable[[World], bool] | None = None
    open_first: bool = False  # the case works on 2025年度 in 填报中

    @property
    def id(self) -> str:
        return f"{self.method.upper()} {self.name}"


def _u(name: str, cycle: str | None = "preparing") -> Callable[[World], str]:
    if cycle is None:
        return lambda w: reverse(f"scoring:{name}")
    return lambda w: reverse(f"scoring:{name}", args=[getattr(w, cycle).pk])


CASES = [
    Case("cycle_list", "get", _u("cycle_list", None), OFFICE_PAGE),
    Case("cycle_detail", "get", _u("cycle_detail"), OFFICE_PAGE),
    Case("cycle_scheme", "get", _u("cycle_scheme"), OFFICE_PAGE),
    Case("cycle_scheme_export", "get", _u("cycle_scheme_export"), OFFICE_PAGE),
    Case("cycle_scheme_import", "get", _u("cycle_scheme_import"), OFFICE_PAGE),
    Case("cycle_compare", "get", _u("cycle_compare"), READ_PAGE),
    Case("cycle_results", "get", _u("cycle_results", "opened"), READ_PAGE, open_first=True),
    Case(
        "cycle_create",
        "post",
        _u("cycle_create", None),
        OFFICE_WRITE,
        data=lambda w, user: {
            "name": "2027年度",
            "year": 2027,
            "opens_at": "2027-01-05T09:00",
            "deadline": "2027-03-31T17:00",
            "previous": w.preparing.pk,
        },
        done=lambda w: Cycle.objects.filter(name="2027年度", previous=w.preparing).exists(),
    ),
    Case(
        "cycle_transition",
        "post",
        _u("cycle_transition"),
        OFFICE_WRITE,
        data=lambda w, user: {"action": "open"},
        done=lambda w: Cycle.objects.get(pk=w.preparing.pk).status == CycleStatus.OPEN,
    ),
    Case(
        "cycle_dates",
        "post",
        _u("cycle_dates"),
        OFFICE_WRITE,
        data=lambda w, user: {"opens_at": "2026-01-05T09:00", "deadline": "2026-04-30T17:00"},
        done=lambda w: Cycle.objects.get(pk=w.preparing.pk).deadline.month == 4,
    ),
    Case(
        "cycle_extend",
        "post",
        _u("cycle_extend", "opened"),
        OFFICE_WRITE,
        open_first=True,
        data=lambda w, user: {
            "unit": Slot.objects.filter(cycle=w.opened, unit__code="rsj").first().unit_id,
            "until": (w.opened.deadline + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
            "reason": "系统故障补报",
        },
        done=lambda w: (
            not Slot.objects.filter(
                cycle=w.opened, unit__code="rsj", deadline_extension__isnull=True
            ).exists()
        ),
    ),
    Case(
        "cycle_scheme",
        "post",
        _u("cycle_scheme"),
        OFFICE_WRITE,
        data=_scheme_post,
        done=lambda w: _points(w, 1) == 2,
    ),
    Case(
        "cycle_settings",
        "post",
        _u("cycle_settings"),
        OFFICE_WRITE,
        data=lambda w, user: {"total_points": "90", "bonus_cap": "5", "lead_weight": ""},
        done=lambda w: Cycle.objects.get(pk=w.preparing.pk).total_points == 90,
    ),
    Case(
        "cycle_grade_levels",
        "post",
        _u("cycle_grade_levels"),
        OFFICE_WRITE,
        data=lambda w, user: {
            "name_0": "合格",
            "share_0": "100",
            "name_1": "不合格",
            "share_1": "0",
        },
        done=lambda w: (
            list(GradeLevel.objects.filter(cycle=w.preparing).values_list("name", flat=True))
            == ["合格", "不合格"]
        ),
    ),
    Case(
        "cycle_scheme_import",
        "post",
        _u("cycle_scheme_import"),
        OFFICE_PREVIEW,
        data=lambda w, user: {
            "file": SimpleUploadedFile("方案.xlsx", xlsx_upload([[1, "", 3, "扣分"]]))
        },
    ),
    Case(
        "cycle_scheme_import_confirm",
        "post",
        _u("cycle_scheme_import_confirm"),
        OFFICE_WRITE,
        data=_confirm_post,
        done=lambda w: _points(w, 1) == 3,
    ),
    Case(
        "cycle_override",
        "post",
        _u("cycle_override", "opened"),
        OFFICE_WRITE,
        open_first=True,
        data=lambda w, user: {
            "item": CycleIndicator.objects.get(cycle=w.opened, number=1).pk,
            "score": "1",
            "reason": "实地核查",
        },
        done=lambda w: CycleIndicator.objects.get(cycle=w.opened, number=1).override_score == 1,
    ),
    Case(
        "cycle_adjustment",
        "post",
        _u("cycle_adjustment", "opened"),
        OFFICE_WRITE,
        open_first=True,
        data=lambda w, user: {"kind": "bonus", "points": "1", "reason": "获评示范"},
        done=lambda w: Adjustment.objects.filter(cycle=w.opened).exists(),
    ),
]


def _state(w: World) -> tuple:
    return (
        list(
            Cycle.objects.order_by("pk").values_list(
                "name", "status", "total_points", "opens_at", "deadline"
            )
        ),
        list(
            CycleIndicator.objects.order_by("pk").values_list("points", "method", "override_score")
        ),
        list(GradeLevel.objects.order_by("pk").values_list("cycle_id", "name", "share")),
        Adjustment.objects.count(),
        CycleEvent.objects.count(),
        SubmissionEvent.objects.count(),
        Slot.objects.filter(deadline_extension__isnull=False).count(),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_matrix(client, request, world, case: Case, role: str):
    if case.open_first:
        cycle_open(cycle=world.opened)
    user = None
    if role != ANON:
        user = request.getfixturevalue(PERSONAS[role])
        client.force_login(user)
    before = _state(world)

    response = getattr(client, case.method)(case.url(world), case.data(world, user))

    expected = case.expected[role]
    if expected == LOGIN_REDIRECT:
        assert response.status_code == 302
        assert response["Location"].startswith(f"{LOGIN}?next=")
    elif expected == DONE:
        assert response.status_code == 302, response.content.decode()[:300]
        assert case.done(world), "the office's request did not take effect"
    else:
        assert response.status_code == expected
    if expected != DONE:
        assert _state(world) == before, "a refused or read-only request changed something"
    if expected == 404:
        body = response.content.decode()
        assert "2025年度" not in body and "2026年度" not in body


def test_every_cycle_url_is_in_the_matrix():
    names = {
        p.name
        for module in (cycle_urls, scheme_urls, result_urls)
        for p in module.urlpatterns
        if isinstance(p, URLPattern)
    }
    assert names == {case.name for case in CASES}
    for case in CASES:
        assert set(case.expected) == set(ROLES), case.id
        if DONE in case.expected.values():
            assert case.done is not None, case.id


def test_leadership_reads_results_without_the_office_forms(client, leader_user, world):
    cycle_open(cycle=world.opened)
    client.force_login(leader_user)
    page = client.get(reverse("scoring:cycle_results", args=[world.opened.pk])).content.decode()
    assert reverse("scoring:cycle_override", args=[world.opened.pk]) not in page
    assert reverse("scoring:cycle_adjustment", args=[world.opened.pk]) not in page
    assert f'href="{reverse("scoring:cycle_detail", args=[world.opened.pk])}"' not in page
    assert f'href="{reverse("scoring:cycle_list")}"' not in page
