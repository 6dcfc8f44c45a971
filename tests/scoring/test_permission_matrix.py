"""Every scoring URL × every role → the expected status (pretix test_permissions style).

All objects belong to 区人社局 (rsj). Another unit's object is a 404 for the other unit, never
a 403, and the 404 page gives nothing of it away. A write that is refused changes nothing.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.constants import SUCCESS
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from scoring.models import EvidenceFile, Slot, SlotStatus, SubmissionEvent
from scoring.services.submissions import DraftInput, submission_save_draft
from units.roles import Role

from .conftest import draft_file_add, pdf_upload, slot_submit_with_pdf

LOGIN = reverse("login")

# Outcomes besides a plain status code.
LOGIN_REDIRECT = "login"  # 302 to the login page
DONE = "done"  # 302 back to the page, with a success message and the change made

ANON = "anonymous"
OWN_REPORTER = "own_reporter"  # 区人社局's reporter
OTHER_REPORTER = "other_reporter"  # 区总工会's reporter
OWN_APPROVER = "own_approver"  # 区人社局's unit approver
OTHER_APPROVER = "other_approver"  # 区国资委's unit approver
OFFICE = "office"
LEADER = "leader"
SUPERUSER = "superuser"
ROLES = (
    ANON,
    OWN_REPORTER,
    OTHER_REPORTER,
    OWN_APPROVER,
    OTHER_APPROVER,
    OFFICE,
    LEADER,
    SUPERUSER,
)
PERSONA_FIXTURES = {
    OWN_REPORTER: "rsj_reporter",
    OTHER_REPORTER: "zgh_reporter",
    OWN_APPROVER: "rsj_approver",
    OTHER_APPROVER: "gzw_approver",
    OFFICE: "office_user",
    LEADER: "leader_user",
    SUPERUSER: "admin_user",
}
OTHER_UNIT_ROLES = {OTHER_REPORTER, OTHER_APPROVER}

DRAFT_NUMBER = 63  # 收入分配机制: 区人社局 alone
VERSION_NUMBER = 44  # 技能表彰奖项: 区人社局 alone
DRAFT_TEXT = "草稿说明：已修订工资指导线并向一线倾斜。"
VERSION_TEXT = "提交说明：评选市级技能大师三名。"
DRAFT_FILE = "收入分配机制佐证材料.pdf"
VERSION_FILE = "技能表彰奖项名单.pdf"


@pytest.fixture
def rsj_approver(make_user):
    """区人社局's unit approver: a member of the unit who is not its reporter."""
    return make_user("rsj_sh", unit="rsj", roles={Role.APPROVER})


@dataclass
class World:
    draft_slot: Slot  # 草稿 with one file in the draft
    version_slot: Slot  # 待单位审核 with version 1 holding one file
    draft_file: EvidenceFile
    version_file: EvidenceFile


@pytest.fixture
def world(unit_slot, rsj_reporter, rsj_approver) -> World:
    # The approver exists before the submit, so the submit waits for the unit's sign-off.
    draft_slot = unit_slot("rsj", DRAFT_NUMBER)
    draft_file = draft_file_add(draft_slot, rsj_reporter, DRAFT_FILE)
    submission_save_draft(slot=draft_slot, actor=rsj_reporter, draft=DraftInput(text=DRAFT_TEXT))
    version_slot = unit_slot("rsj", VERSION_NUMBER)
    _, version_file = slot_submit_with_pdf(
        version_slot, rsj_reporter, filename=VERSION_FILE, text=VERSION_TEXT
    )
    version_slot.refresh_from_db()
    draft_slot.refresh_from_db()
    assert version_slot.status == SlotStatus.PENDING_APPROVAL
    return World(draft_slot, version_slot, draft_file, version_file)


# --- the matrix -------------------------------------------------------------------------------


def _expect(**overrides) -> dict[str, object]:
    assert set(overrides) <= set(ROLES)
    return overrides


# Reads of a unit's objects: the unit, the office, leadership and administrators.
READ = _expect(
    anonymous=LOGIN_REDIRECT,
    own_reporter=200,
    other_reporter=404,
    own_approver=200,
    other_approver=404,
    office=200,
    leader=200,
    superuser=200,
)
# Changes to a unit's draft: the unit's own members only.
WRITE = _expect(
    anonymous=LOGIN_REDIRECT,
    own_reporter=DONE,
    other_reporter=404,
    own_approver=DONE,
    other_approver=404,
    office=404,
    leader=404,
    superuser=404,
)
# The unit approver's sign-off: the own unit's approver only.
APPROVE = _expect(
    anonymous=LOGIN_REDIRECT,
    own_reporter=404,
    other_reporter=404,
    own_approver=DONE,
    other_approver=404,
    office=404,
    leader=404,
    superuser=404,
)
# 我的任务 is the user's own unit's list; users without a unit have none.
TASKS = _expect(
    anonymous=LOGIN_REDIRECT,
    own_reporter=200,
    other_reporter=200,
    own_approver=200,
    other_approver=200,
    office=404,
    leader=404,
    superuser=404,
)
APPROVALS = _expect(
    anonymous=LOGIN_REDIRECT,
    own_reporter=404,
    other_reporter=404,
    own_approver=200,
    other_approver=200,
    office=404,
    leader=404,
    superuser=404,
)


@dataclass(frozen=True)
class Case:
    """One URL: how to build the request from the world, who gets what, what success does."""

    name: str  # URL pattern name in the scoring namespace
    method: str
    request: Callable[[World], tuple[str, dict]]
    expected: dict[str, object]
    # For DONE: where the redirect goes, and a check that the change happened.
    done_location: Callable[[World], str] | None = None
    done_check: Callable[[World], bool] | None = None
    label: str = ""

    @property
    def id(self) -> str:
        return self.label or f"{self.method.upper()} {self.name}"


def _slot_url(w: World) -> str:
    return reverse("scoring:slot_detail", args=[w.draft_slot.pk])


def _upload_data() -> dict:
    return {"title": "", "file": pdf_upload("新增佐证材料.pdf")}


CASES = [
    Case("tasks", "get", lambda w: (reverse("scoring:tasks"), {}), TASKS),
    Case("slot_detail", "get", lambda w: (_slot_url(w), {}), READ),
    Case(
        "slot_detail",
        "post",
        lambda w: (
            _slot_url(w),
            {"action": "save", "text": "改写后的说明", "revision": w.draft_slot.revision},
        ),
        WRITE,
        done_location=_slot_url,
        done_check=lambda w: Slot.objects.get(pk=w.draft_slot.pk).text == "改写后的说明",
    ),
    Case(
        "version_detail",
        "get",
        lambda w: (reverse("scoring:version_detail", args=[w.version_slot.pk, 1]), {}),
        READ,
    ),
    Case(
        "evidence_upload",
        "post",
        lambda w: (reverse("scoring:evidence_upload", args=[w.draft_slot.pk]), _upload_data()),
        WRITE,
        done_location=_slot_url,
        done_check=lambda w: w.draft_slot.files.filter(original_name="新增佐证材料.pdf").exists(),
    ),
    Case(
        "evidence_delete",
        "post",
        lambda w: (
            reverse("scoring:evidence_delete", args=[w.draft_slot.pk, w.draft_file.pk]),
            {},
        ),
        WRITE,
        done_location=_slot_url,
        done_check=lambda w: not EvidenceFile.objects.filter(pk=w.draft_file.pk).exists(),
    ),
    Case(
        "slot_forward",
        "post",
        lambda w: (reverse("scoring:slot_forward", args=[w.version_slot.pk]), {}),
        APPROVE,
        done_location=lambda w: reverse("scoring:approvals"),
        done_check=lambda w: Slot.objects.get(pk=w.version_slot.pk).status == SlotStatus.SUBMITTED,
    ),
    Case(
        "slot_unit_return",
        "post",
        lambda w: (
            reverse("scoring:slot_unit_return", args=[w.version_slot.pk]),
            {"reason": "请补充获奖文件扫描件。"},
        ),
        APPROVE,
        done_location=lambda w: reverse("scoring:approvals"),
        done_check=lambda w: Slot.objects.get(pk=w.version_slot.pk).status == SlotStatus.RETURNED,
    ),
    Case("approvals", "get", lambda w: (reverse("scoring:approvals"), {}), APPROVALS),
    Case(
        "evidence_download",
        "get",
        lambda w: (reverse("scoring:evidence_download", args=[w.version_file.pk]), {}),
        READ,
        label="GET evidence_download (version file)",
    ),
    Case(
        "evidence_download",
        "get",
        lambda w: (
            reverse("scoring:evidence_download", args=[w.draft_file.pk]),
            {"inline": "1"},
        ),
        READ,
        label="GET evidence_download?inline=1 (draft file)",
    ),
]


def _state(w: World) -> tuple:
    """Everything a refused request must leave alone."""
    slots = Slot.objects.filter(pk__in=[w.draft_slot.pk, w.version_slot.pk]).order_by("pk")
    return (
        list(slots.values_list("status", "revision", "text", "current_version")),
        sorted(EvidenceFile.objects.filter(slot__in=slots).values_list("pk", "in_draft")),
        SubmissionEvent.objects.filter(slot__in=slots).count(),
    )


def _secrets(w: World) -> list[str]:
    """What a 404 must never show: the unit's indicators, texts and file names."""
    return [
        w.draft_slot.indicator.name,
        w.draft_slot.indicator.content[:40],
        w.version_slot.indicator.name,
        DRAFT_TEXT,
        VERSION_TEXT,
        DRAFT_FILE,
        VERSION_FILE,
    ]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_matrix(client, request, world, case: Case, role: str):
    if role != ANON:
        client.force_login(request.getfixturevalue(PERSONA_FIXTURES[role]))
    url, data = case.request(world)
    before = _state(world)

    response = getattr(client, case.method)(url, data)

    expected = case.expected[role]
    if expected == LOGIN_REDIRECT:
        assert response.status_code == 302
        assert response["Location"].startswith(f"{LOGIN}?next=")
    elif expected == DONE:
        assert response.status_code == 302, response.content.decode()[:500]
        assert response["Location"] == case.done_location(world)
        levels = [m.level for m in get_messages(response.wsgi_request)]
        assert levels == [SUCCESS]
        assert case.done_check(world)
    else:
        assert response.status_code == expected
    if expected != DONE:
        assert _state(world) == before, "a refused request changed the unit's data"
    if expected == 404:
        body = response.content.decode()
        for secret in _secrets(world):
            assert secret not in body
        if role in OTHER_UNIT_ROLES:
            assert "区人社局" not in body
    if expected == 200:
        _assert_page(case, role, response, world)


def _assert_page(case: Case, role: str, response, w: World) -> None:
    """A 200 shows the right thing, not just any page."""
    if case.name == "evidence_download":
        evidence = w.draft_file if response.wsgi_request.GET.get("inline") else w.version_file
        body = b"".join(response.streaming_content)
        assert hashlib.sha256(body).hexdigest() == evidence.sha256
        disposition = "inline" if response.wsgi_request.GET.get("inline") else "attachment"
        assert response["Content-Disposition"].startswith(disposition)
        return
    html = response.content.decode()
    if case.name == "tasks":
        # Each unit sees its own list only.
        own = role in {OWN_REPORTER, OWN_APPROVER}
        assert ("我的任务 · 区人社局" in html) is own
        assert (w.draft_slot.indicator.name in html) is own
    elif case.name == "slot_detail":
        assert w.draft_slot.indicator.name in html
        assert DRAFT_FILE in html
    elif case.name == "version_detail":
        assert VERSION_TEXT in html
        assert VERSION_FILE in html


# --- completeness -----------------------------------------------------------------------------


def _scoring_url_names() -> set[str]:
    _prefix, resolver = get_resolver().namespace_dict["scoring"]

    def walk(patterns):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns)
            elif isinstance(p, URLPattern) and p.name:
                yield p.name

    return set(walk(resolver.url_patterns))


def test_matrix_covers_every_scoring_url():
    names = _scoring_url_names()
    assert names, "no URL patterns found under the scoring namespace"
    missing = names - {case.name for case in CASES}
    assert not missing, f"URLs missing from the permission matrix: {sorted(missing)}"
    stale = {case.name for case in CASES} - names
    assert not stale, f"matrix rows for URLs that no longer exist: {sorted(stale)}"


def test_matrix_rows_cover_every_role():
    for case in CASES:
        assert set(case.expected) == set(ROLES), case.id
        if DONE in case.expected.values():
            assert case.done_location and case.done_check, case.id
