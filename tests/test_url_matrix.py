"""Every reports / indicators / site URL × every role → the expected status, on the demo data.

The scoring namespace has its own matrices (tests/scoring/test_permission_matrix.py and the
cycle matrix it reuses); the completeness test below checks that every named URL of every
namespace is in one of them. Pages a role may not see are a 404 (as for a missing cycle), never a
403, and a refused export writes no audit record.
"""

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from reports.models import ExportLog
from scoring.models import Cycle

from .scoring import test_permission_matrix as scoring_matrix

pytestmark = pytest.mark.django_db
User = get_user_model()

LOGIN = reverse("login")
LOGIN_REDIRECT = "login"  # 302 to the login page with ?next=
TO_LOGIN = "to_login"  # 302 straight to the login page (logging out)

ANON, REPORTER, APPROVER, OFFICE, LEADER, SUPERUSER = (
    "anonymous",
    "reporter",
    "approver",
    "office",
    "leader",
    "superuser",
)
ROLES = (ANON, REPORTER, APPROVER, OFFICE, LEADER, SUPERUSER)
# The demo's accounts (seed_demo): 区人社局's reporter and 区国资委's unit approver.
USERNAMES = {REPORTER: "rsj", APPROVER: "gzw_sh", OFFICE: "office", LEADER: "leader"}
USERNAMES[SUPERUSER] = "admin"


def _expect(**by_role) -> dict[str, object]:
    assert set(by_role) == set(ROLES), set(ROLES) ^ set(by_role)
    return by_role


EVERYONE_SIGNED_IN = _expect(
    anonymous=LOGIN_REDIRECT,
    reporter=200,
    approver=200,
    office=200,
    leader=200,
    superuser=200,
)
# 领导看板, the comparison and the summary: the office and leadership (and administrators).
READERS = _expect(
    anonymous=LOGIN_REDIRECT,
    reporter=404,
    approver=404,
    office=200,
    leader=200,
    superuser=200,
)
# The evidence package: the office (and administrators) alone.
OFFICE_ONLY = _expect(
    anonymous=LOGIN_REDIRECT,
    reporter=404,
    approver=404,
    office=200,
    leader=404,
    superuser=200,
)
PUBLIC = _expect(anonymous=200, reporter=200, approver=200, office=200, leader=200, superuser=200)
LOGOUT = _expect(
    anonymous=TO_LOGIN,
    reporter=TO_LOGIN,
    approver=TO_LOGIN,
    office=TO_LOGIN,
    leader=TO_LOGIN,
    superuser=TO_LOGIN,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class World:
    current: Cycle  # 2026年度, 填报中
    previous: Cycle  # 2025年度, 已归档


@dataclass(frozen=True)
class Case:
    name: str  # "namespace:name", or the bare name of a site URL
    url: Callable[[World], str]
    expected: dict[str, object]
    method: str = "get"
    kind: str = "html"  # html, xlsx, zip or json: what a 200 must be
    exported: bool = False  # a 200 writes one ExportLog row

    @property
    def id(self) -> str:
        return f"{self.method.upper()} {self.name}"


def _u(name: str, *args: Callable[[World], object]) -> Callable[[World], str]:
    return lambda w: reverse(name, args=[a(w) for a in args])


def _current(w: World) -> int:
    return w.current.pk


CASES = [
    # site
    Case("home", _u("home"), EVERYONE_SIGNED_IN),
    Case("login", _u("login"), PUBLIC),
    Case("logout", _u("logout"), LOGOUT, method="post"),
    Case("password_change", _u("password_change"), EVERYONE_SIGNED_IN),
    Case("password_change_done", _u("password_change_done"), EVERYONE_SIGNED_IN),
    Case(
        "session_keepalive", _u("session_keepalive"), EVERYONE_SIGNED_IN, method="post", kind="json"
    ),
    # indicators
    Case("indicators:catalogue", _u("indicators:catalogue"), EVERYONE_SIGNED_IN),
    Case(
        "indicators:catalogue_members",
        _u("indicators:catalogue_members", lambda w: 1),
        EVERYONE_SIGNED_IN,
    ),
    Case(
        "indicators:catalogue_export",
        _u("indicators:catalogue_export"),
        EVERYONE_SIGNED_IN,
        kind="xlsx",
        exported=True,
    ),
    # reports
    Case("reports:dashboard", _u("reports:dashboard"), READERS),
    Case("reports:compare", _u("reports:compare"), READERS),
    Case(
        "reports:compare_download",
        _u("reports:compare_download"),
        READERS,
        kind="xlsx",
        exported=True,
    ),
    Case(
        "reports:summary_download",
        _u("reports:summary_download", _current),
        READERS,
        kind="xlsx",
        exported=True,
    ),
    Case(
        "reports:evidence_zip",
        _u("reports:evidence_zip", _current),
        OFFICE_ONLY,
        kind="zip",
        exported=True,
    ),
    # the security audit log
    Case("audit:event_list", _u("audit:event_list"), OFFICE_ONLY),
    Case("audit:event_export", _u("audit:event_export"), OFFICE_ONLY, kind="xlsx", exported=True),
]


@pytest.fixture(scope="module")
def _seeded(django_db_setup, django_db_blocker):
    """The demo, seeded once for the module in a transaction rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", force=True, sample_data=True, verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def world(_seeded, db) -> World:
    return World(
        current=Cycle.objects.get(name="2026年度"), previous=Cycle.objects.get(name="2025年度")
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_matrix(client, world, case: Case, role: str):
    if role != ANON:
        client.force_login(User.objects.get(username=USERNAMES[role]))
    exports_before = ExportLog.objects.count()

    response = getattr(client, case.method)(case.url(world))

    expected = case.expected[role]
    if expected == LOGIN_REDIRECT:
        assert response.status_code == 302
        assert response["Location"].startswith(f"{LOGIN}?next=")
    elif expected == TO_LOGIN:
        assert response.status_code == 302
        assert response["Location"] == LOGIN
        assert "_auth_user_id" not in client.session
    else:
        assert response.status_code == expected
    if expected == 200:
        _assert_body(case, response, world)
    exported = ExportLog.objects.count() - exports_before
    assert exported == (1 if case.exported and expected == 200 else 0)
    if expected == 404:
        body = response.content.decode()
        assert world.current.name not in body and world.previous.name not in body


def _assert_body(case: Case, response, w: World) -> None:
    if case.kind == "zip":
        body = b"".join(response.streaming_content)
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            assert archive.testzip() is None
            assert archive.namelist()
        return
    if case.kind == "json":
        assert response["Content-Type"] == "application/json"
        return
    if case.kind == "xlsx":
        assert response["Content-Type"] == XLSX
        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert load_workbook(io.BytesIO(content)).sheetnames
        return
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    if case.name in {"reports:dashboard", "reports:compare"}:
        assert w.current.name in html
    if case.name == "reports:compare":
        assert w.previous.name in html


# --- completeness -----------------------------------------------------------------------------

# Django's admin has its own permission system (is_staff + model permissions), not a role matrix.
NOT_IN_A_MATRIX = {"admin"}


def _names_by_namespace() -> dict[str, set[str]]:
    """{namespace ("" for the site's own URLs): its URL names}, nested namespaces joined by ":"."""
    found: dict[str, set[str]] = {}

    def walk(patterns, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                inner = namespace
                if p.namespace:
                    inner = f"{namespace}:{p.namespace}" if namespace else p.namespace
                walk(p.url_patterns, inner)
            elif isinstance(p, URLPattern) and p.name:
                found.setdefault(namespace, set()).add(p.name)

    walk(get_resolver().url_patterns, "")
    return found


def _covered() -> dict[str, set[str]]:
    covered: dict[str, set[str]] = {"scoring": scoring_matrix.covered_scoring_names()}
    for case in CASES:
        namespace, _, name = case.name.rpartition(":")
        covered.setdefault(namespace, set()).add(name)
    return covered


def test_every_named_url_of_every_namespace_is_in_a_matrix():
    found = _names_by_namespace()
    assert {"", "scoring", "reports", "indicators"} <= set(found)
    covered = _covered()
    for namespace, names in sorted(found.items()):
        if namespace.split(":")[0] in NOT_IN_A_MATRIX:
            continue
        missing = names - covered.get(namespace, set())
        assert not missing, f"{namespace or '(site)'} URLs missing from a matrix: {sorted(missing)}"
    for namespace, names in covered.items():
        stale = names - found.get(namespace, set())
        assert not stale, f"matrix rows for URLs that no longer exist: {namespace} {sorted(stale)}"


def test_matrix_rows_cover_every_role():
    for case in CASES:
        assert set(case.expected) == set(ROLES), case.id
