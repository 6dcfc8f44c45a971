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

from scoring.demo.files import pdf_bytes
from scoring.models import (
    EvidenceFile,
    EvidencePreview,
    NoticeKind,
    Notification,
    Slot,
    SlotStatus,
    SubmissionEvent,
)
from scoring.notifications.services import notify
from scoring.review.services import submission_approve
from scoring.submissions.services import DraftInput, submission_forward, submission_save_draft
from units.roles import Role

from .conftest import draft_file_add, pdf_upload, slot_submit_with_pdf
from .cycles import test_permissions as cycle_permissions
from .support import preview_ready

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
SUBMITTED_NUMBER = 40  # 区人社局 alone
APPROVED_NUMBER = 41  # 区人社局 alone
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
    submitted_slot: Slot  # 待区产改办审核 (signed off by the unit approver)
    approved_slot: Slot  # 已通过 by the office, not yet scored
    approver_notice: Notification  # rsj_sh's 待单位审核 notice for version_slot, unread
    preview: EvidencePreview  # a ready PDF preview of version_file


def _personal_title(username: str) -> str:
    return f"个人通知（{username}）"


@pytest.fixture
def world(request, unit_slot, rsj_reporter, rsj_approver, office_user) -> World:
    # The approver exists before the submit, so the submit waits for the unit's sign-off.
    draft_slot = unit_slot("rsj", DRAFT_NUMBER)
    draft_file = draft_file_add(draft_slot, rsj_reporter, DRAFT_FILE)
    submission_save_draft(slot=draft_slot, actor=rsj_reporter, draft=DraftInput(text=DRAFT_TEXT))
    version_slot = unit_slot("rsj", VERSION_NUMBER)
    _, version_file = slot_submit_with_pdf(
        version_slot, rsj_reporter, filename=VERSION_FILE, text=VERSION_TEXT
    )
    submitted_slot = unit_slot("rsj", SUBMITTED_NUMBER)
    slot_submit_with_pdf(submitted_slot, rsj_reporter)
    submission_forward(slot=submitted_slot, actor=rsj_approver)
    approved_slot = unit_slot("rsj", APPROVED_NUMBER)
    slot_submit_with_pdf(approved_slot, rsj_reporter)
    submission_forward(slot=approved_slot, actor=rsj_approver)
    submission_approve(slot=approved_slot, actor=office_user)
    for slot in (version_slot, draft_slot, submitted_slot, approved_slot):
        slot.refresh_from_db()
    assert version_slot.status == SlotStatus.PENDING_APPROVAL
    assert submitted_slot.status == SlotStatus.SUBMITTED
    assert approved_slot.status == SlotStatus.APPROVED
    # Every persona has one unread notice of its own, so 通知 shows whose list it is.
    for fixture in PERSONA_FIXTURES.values():
        user = request.getfixturevalue(fixture)
        notify(users=[user], kind=NoticeKind.PUBLISHED, title=_personal_title(user.username))
    approver_notice = Notification.objects.get(
        user=rsj_approver,
        kind=NoticeKind.PENDING_APPROVAL,
        url=reverse("scoring:slot_detail", args=[version_slot.pk]),
    )
    return World(
        draft_slot,
        version_slot,
        draft_file,
        version_file,
        submitted_slot,
        approved_slot,
        approver_notice,
        preview_ready(version_file, pdf_bytes("预览")),
    )


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


# The office's review pages: the office and system administrators only.
REVIEW = _expect(
    anonymous=LOGIN_REDIRECT,
    own_reporter=404,
    other_reporter=404,
    own_approver=404,
    other_approver=404,
    office=200,
    leader=404,
    superuser=200,
)
REVIEW_WRITE = {**REVIEW, OFFICE: DONE, SUPERUSER: DONE}
# 通知: everyone signed in has their own list.
NOTICES = _expect(
    anonymous=LOGIN_REDIRECT,
    own_reporter=200,
    other_reporter=200,
    own_approver=200,
    other_approver=200,
    office=200,
    leader=200,
    superuser=200,
)
# Marking one notice read: its recipient (区人社局's approver) only; anyone else's is a 404.
OWN_NOTICE = _expect(
    anonymous=LOGIN_REDIRECT,
    own_reporter=404,
    other_reporter=404,
    own_approver=DONE,
    other_approver=404,
    office=404,
    leader=404,
    superuser=404,
)
NOTICES_READ_ALL = _expect(anonymous=LOGIN_REDIRECT, **{r: DONE for r in ROLES if r != ANON})


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


def _review_url(w: World, name: str, slot: str = "submitted_slot") -> str:
    return reverse(f"scoring:{name}", args=[getattr(w, slot).pk])


def _expected_state(slot: Slot) -> dict:
    """The hidden inputs of the review page's forms, as the browser sends them."""
    return {"expected_status": slot.status, "expected_version": slot.current_version}


def _fresh(slot: Slot) -> Slot:
    return Slot.objects.get(pk=slot.pk)


def _notices_url(w: World) -> str:
    return reverse("scoring:notifications")


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
    Case(
        "evidence_preview",
        "get",
        lambda w: (reverse("scoring:evidence_preview", args=[w.version_file.pk]), {}),
        READ,
    ),
    Case("review_queue", "get", lambda w: (reverse("scoring:review_queue"), {}), REVIEW),
    Case("review_detail", "get", lambda w: (_review_url(w, "review_detail"), {}), REVIEW),
    Case(
        "review_approve",
        "post",
        lambda w: (_review_url(w, "review_approve"), _expected_state(w.submitted_slot)),
        REVIEW_WRITE,
        done_location=lambda w: _review_url(w, "review_detail"),
        done_check=lambda w: _fresh(w.submitted_slot).status == SlotStatus.APPROVED,
    ),
    Case(
        "review_return",
        "post",
        lambda w: (
            _review_url(w, "review_return"),
            {**_expected_state(w.submitted_slot), "reason": "请补充佐证材料。"},
        ),
        REVIEW_WRITE,
        done_location=lambda w: _review_url(w, "review_detail"),
        done_check=lambda w: _fresh(w.submitted_slot).status == SlotStatus.RETURNED,
    ),
    Case(
        "review_score",
        "post",
        lambda w: (
            _review_url(w, "review_score", "approved_slot"),
            # 评分方法 档次 at 0 分 (the new cycle's scheme): any grade is full points.
            {**_expected_state(w.approved_slot), "grade": "优秀", "comment": ""},
        ),
        REVIEW_WRITE,
        done_location=lambda w: _review_url(w, "review_detail", "approved_slot"),
        done_check=lambda w: _fresh(w.approved_slot).score is not None,
    ),
    Case(
        "review_mark_na",
        "post",
        lambda w: (
            _review_url(w, "review_mark_na"),
            {**_expected_state(w.submitted_slot), "reason": "本单位无此项工作。"},
        ),
        REVIEW_WRITE,
        done_location=lambda w: _review_url(w, "review_detail"),
        done_check=lambda w: _fresh(w.submitted_slot).not_applicable,
    ),
    Case("notifications", "get", lambda w: (_notices_url(w), {}), NOTICES),
    Case(
        "notification_read",
        "post",
        lambda w: (reverse("scoring:notification_read", args=[w.approver_notice.pk]), {}),
        OWN_NOTICE,
        done_location=_notices_url,
        done_check=lambda w: Notification.objects.get(pk=w.approver_notice.pk).read_at is not None,
    ),
    Case(
        "notifications_read_all",
        "post",
        lambda w: (reverse("scoring:notifications_read_all"), {}),
        NOTICES_READ_ALL,
        done_location=_notices_url,
        # Every persona has a notice; test_matrix also checks that only the requester's changed.
        done_check=lambda w: Notification.objects.filter(read_at__isnull=False).exists(),
    ),
]


def _world_slots(w: World) -> list[Slot]:
    return [w.draft_slot, w.version_slot, w.submitted_slot, w.approved_slot]


def _state(w: World) -> tuple:
    """Everything a refused request must leave alone."""
    slots = Slot.objects.filter(pk__in=[s.pk for s in _world_slots(w)]).order_by("pk")
    return (
        list(
            slots.values_list(
                "status",
                "revision",
                "text",
                "current_version",
                "return_reason",
                "score",
                "not_applicable",
            )
        ),
        sorted(EvidenceFile.objects.filter(slot__in=slots).values_list("pk", "in_draft")),
        SubmissionEvent.objects.filter(slot__in=slots).count(),
        sorted(Notification.objects.values_list("pk", "read_at")),
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
    user = None
    if role != ANON:
        user = request.getfixturevalue(PERSONA_FIXTURES[role])
        client.force_login(user)
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
        if case.name == "notifications_read_all":
            others = Notification.objects.exclude(user=user)
            assert not user.notifications.filter(read_at__isnull=True).exists()
            assert others.filter(read_at__isnull=False).count() == 0
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
    if case.name == "evidence_preview":
        body = b"".join(response.streaming_content)
        assert hashlib.sha256(body).hexdigest() == w.preview.pdf_sha256
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("inline")
        return
    html = response.content.decode()
    if case.name == "review_queue" or case.name == "review_detail":
        assert w.submitted_slot.indicator.name in html
    elif case.name == "notifications":
        # The user's own notices, nobody else's.
        own = _personal_title(response.wsgi_request.user.username)
        assert own in html
        titles = Notification.objects.filter(kind=NoticeKind.PUBLISHED).values_list(
            "title", flat=True
        )
        assert len(titles) == len(PERSONA_FIXTURES)
        for title in titles:
            assert (title in html) is (title == own)
    elif case.name == "tasks":
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


# The cycle pages have their own matrix (every cycle URL × every role, no unit ownership).
CYCLE_CASE_NAMES = {case.name for case in cycle_permissions.CASES}


def covered_scoring_names() -> set[str]:
    """Scoring URL names with a matrix row here or in the cycle matrix."""
    return {case.name for case in CASES} | CYCLE_CASE_NAMES


def test_matrix_covers_every_scoring_url():
    names = _scoring_url_names()
    assert names, "no URL patterns found under the scoring namespace"
    missing = names - covered_scoring_names()
    assert not missing, f"URLs missing from the permission matrix: {sorted(missing)}"
    stale = covered_scoring_names() - names
    assert not stale, f"matrix rows for URLs that no longer exist: {sorted(stale)}"
    assert not {case.name for case in CASES} & CYCLE_CASE_NAMES, "a URL in both matrices"


def test_cycle_matrix_rows_cover_every_role():
    """The cycle matrix counts as coverage only while each of its rows covers all its roles."""
    for case in cycle_permissions.CASES:
        assert set(case.expected) == set(cycle_permissions.ROLES), case.id


def test_matrix_rows_cover_every_role():
    for case in CASES:
        assert set(case.expected) == set(ROLES), case.id
        if DONE in case.expected.values():
            assert case.done_location and case.done_check, case.id
