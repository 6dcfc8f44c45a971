"""Every irreversible button asks first, in a real browser (Playwright driving Debian's chromium).

For every role, the pages are found by rendering them (a crawl from the home page over the
links each role is shown), and every `data-confirm` button on them is tried: dismissing the
dialog sends nothing and changes nothing; accepting it with a double click sends exactly one
request and does the action. Buttons that only appear once the state moves on (仍然发布,
撤回发布, 归档) are found by crawling again after each round.
"""

import re
from collections import deque
from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone

from scoring.cycles.services import cycle_create, cycle_open, cycle_transition
from scoring.models import (
    Adjustment,
    Cycle,
    CycleEvent,
    EvidenceFile,
    FigureField,
    Notification,
    Slot,
    SubmissionEvent,
    SubmissionVersion,
)
from scoring.review.services import submission_approve
from scoring.submissions.services import DraftInput, submission_forward, submission_save_draft
from units.roles import Role

from .conftest import draft_file_add, open_cycle_2026, slot_of, slot_submit_with_pdf
from .test_browser import _catalogue_after_flush, _login, chromium  # noqa: F401

pytestmark = pytest.mark.browser

# Links not to follow: files, downloads, the admin, signing out.
SKIP = re.compile(r"/admin/|/accounts/|/files/|download|export|\.xlsx|zip|compare|[?&]page=")
PAGES_PER_VIEW = 8  # e.g. a few review pages, not all 327
MAX_PAGES = 120


class _Buttons(HTMLParser):
    """Links and the text/question of each data-confirm button, in document order."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.buttons: list[dict] = []
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "button" and "data-confirm" in a:
            self._open = {"question": a["data-confirm"], "text": ""}
            self.buttons.append(self._open)

    def handle_data(self, data):
        if self._open is not None:
            self._open["text"] += data

    def handle_endtag(self, tag):
        if tag == "button":
            self._open = None


def _crawl(user, seeds: list[str]) -> dict[tuple[str, str], list[str]]:
    """{(view name, button text): the pages showing it} for what `user` is shown.

    The crawl starts at the home page and the pages of the slots the test prepared (so that
    among 327 slots the ones with something to submit or review are visited).
    """
    client = Client()
    client.force_login(user)
    seen, per_view, found = set(), {}, {}
    todo = deque([*seeds, "/"])
    while todo and len(seen) < MAX_PAGES:
        path = todo.popleft()
        if path in seen:
            continue
        seen.add(path)
        try:
            name = resolve(urlsplit(path).path).view_name
        except Resolver404:
            continue
        if per_view.get(name, 0) >= PAGES_PER_VIEW:
            continue
        per_view[name] = per_view.get(name, 0) + 1
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        parser = _Buttons()
        parser.feed(response.content.decode())
        for button in parser.buttons:
            pages = found.setdefault((name, button["text"].strip()), [])
            if path not in pages:
                pages.append(path)
        for href in parser.links:
            target = urljoin(path, href.replace("&amp;", "&"))
            parts = urlsplit(target)
            if parts.netloc or SKIP.search(target) or not parts.path.startswith("/"):
                continue
            todo.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    assert len(seen) > 3, "the crawl found no pages"
    return found


def _state() -> tuple:
    """Everything an irreversible action could change."""
    return (
        SubmissionEvent.objects.count(),
        CycleEvent.objects.count(),
        tuple(Cycle.objects.order_by("pk").values_list("pk", "status", "deadline")),
        tuple(Slot.objects.order_by("pk").values_list("status", "not_applicable")),
        EvidenceFile.objects.filter(in_draft=True).count(),
        SubmissionVersion.objects.count(),
        Adjustment.objects.count(),
        Notification.objects.count(),
    )


FILL = """(button) => {
  const form = button.form;
  const now = Date.now(), day = 86400000;
  const local = (ms) => new Date(ms - new Date().getTimezoneOffset() * 60000)
    .toISOString().slice(0, 16);
  for (const el of form.elements) {
    if (el.type === "datetime-local") {
      // Keep the cycle open for the other buttons: the window still includes today.
      if (el.name === "deadline") { el.value = local(now + 25 * day); }
      else if (!el.value) { el.value = local(now + (el.name === "opens_at" ? -5 : 40) * day); }
    } else if (el.name === "points" && !el.value) {
      el.value = "1";  // 加分: optional for a veto, needed for a bonus
    } else if (!el.required || el.value) {
      continue;
    } else if (el.tagName === "SELECT") {
      const option = [...el.options].find((o) => o.value);
      if (option) { el.value = option.value; }
    } else if (el.type === "number") {
      el.value = "1";
    } else if (el.tagName === "TEXTAREA" || el.type === "text") {
      el.value = "浏览器测试：确认后执行";
    }
  }
}"""


def _try_button(page, base: str, path: str, text: str) -> str:
    """Dismiss, then accept with a double click: "done", "refused" (the service said no, in
    Chinese, and nothing changed) or "gone" (the button is no longer shown)."""
    page.goto(f"{base}{path}")
    button = page.locator("button[data-confirm]", has_text=text).first
    if not button.count():
        return "gone"
    question = button.get_attribute("data-confirm")
    posts, dialogs = [], []

    def on_request(request):
        if request.method == "POST":
            posts.append(request.url)

    page.on("request", on_request)

    def answer(accept):
        def handle(dialog):
            dialogs.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()

        return handle

    before = _state()
    button.evaluate(FILL)
    dismiss = answer(False)
    page.on("dialog", dismiss)
    button.click()
    page.evaluate("() => 1")  # let the submit handler finish
    assert dialogs == [question], (path, text)
    page.goto(f"{base}{path}")
    assert posts == [], f"{path} {text}: dismissing still sent {posts}"
    assert _state() == before, f"{path} {text}: dismissing changed something"
    page.remove_listener("dialog", dismiss)

    button = page.locator("button[data-confirm]", has_text=text).first
    button.evaluate(FILL)
    accept = answer(True)
    page.on("dialog", accept)
    with page.expect_navigation():
        button.dblclick()
    page.wait_for_load_state()
    assert len(posts) == 1, f"{path} {text}: a double click sent {len(posts)} requests"
    page.remove_listener("dialog", accept)
    page.remove_listener("request", on_request)
    if _state() == before:
        # E.g. submitting an empty slot: refused with a message, nothing changed.
        assert page.locator(".msg-error, .errorlist, .alert-error").count(), (path, text)
        return "refused"
    return "done"


def _world(make_user) -> dict:
    call_command("loaddata", "catalogue", "figure_defaults", verbosity=0)
    users = {
        "rsj": make_user("rsj", unit="rsj", roles={Role.REPORTER}),
        "rsj_sh": make_user("rsj_sh", unit="rsj", roles={Role.APPROVER}),
        "zgh": make_user("zgh", unit="zgh", roles={Role.REPORTER}),
        "office": make_user("office", roles={Role.OFFICE}, is_staff=True),
        "admin": make_user("admin", is_superuser=True),
        "leader": make_user("leader", roles={Role.LEADER}),
    }
    # 2025年度, published (with a written reason): its page offers 撤回发布 and 归档.
    now = timezone.now()
    last = cycle_create(
        name="2025年度",
        year=2025,
        opens_at=now - timedelta(days=400),
        deadline=now - timedelta(days=340),
    )
    cycle_open(cycle=last)
    cycle_transition(cycle=last, action="start_review")
    cycle_transition(cycle=last, action="publish", override_reason="浏览器测试：提前发布")
    cycle = open_cycle_2026()
    prepared = []
    for number in (44, 63):  # complete drafts with a file: 移除, 提交
        slot = slot_of(cycle, "rsj", number)
        prepared.append(slot.pk)
        draft_file_add(slot, users["rsj"])
        figures = {
            f.pk: Decimal(1)
            for f in FigureField.objects.filter(
                cycle=cycle, indicator=slot.indicator, required=True
            )
            if not f.is_computed
        }
        submission_save_draft(
            slot=slot_of(cycle, "rsj", number),
            actor=users["rsj"],
            draft=DraftInput(text="本年度工作情况说明。", figures=figures),
        )
    for number in (68, 73):  # waiting for 区人社局's approver: 报送, 退回
        slot_submit_with_pdf(slot_of(cycle, "rsj", number), users["rsj"])
        prepared.append(slot_of(cycle, "rsj", number).pk)
    for number in (17, 56, 57):  # waiting for the office: 通过, 退回修改, 标记不适用
        slot_submit_with_pdf(slot_of(cycle, "zgh", number), users["zgh"])
        prepared.append(slot_of(cycle, "zgh", number).pk)
    # One approved, to be scored, and one forwarded by the approver.
    forwarded = slot_of(cycle, "rsj", 38)
    slot_submit_with_pdf(forwarded, users["rsj"])
    submission_forward(slot=slot_of(cycle, "rsj", 38), actor=users["rsj_sh"])
    submission_approve(slot=slot_of(cycle, "rsj", 38), actor=users["office"])
    return users, prepared


EXPECTED = {
    "rsj": {"提交", "移除"},
    "rsj_sh": {"审核通过，报送区产改办", "退回填报人修改"},
    "office": {
        "通过",
        "退回修改",
        "标记不适用",
        "新建周期",
        "进入评审",
        "修改填报时间",
        "延期",
        "录入",
        "仍然发布",
        "撤回发布",
        "归档",
    },
    "admin": set(),  # the same pages as the office: tried already
    "leader": set(),  # reads only
}


def test_every_irreversible_button_asks_first_and_sends_once(chromium, live_server, make_user):  # noqa: F811
    users, prepared = _world(make_user)
    unit_pages = [f"/tasks/{pk}/" for pk in prepared]
    seeds = {
        "rsj": unit_pages,
        "rsj_sh": unit_pages,
        "office": [f"/review/{pk}/" for pk in reversed(prepared)],
        "admin": [],
        "leader": [],
    }
    base = live_server.url
    tried: set[tuple[str, str]] = set()
    for username in ("rsj", "rsj_sh", "office", "admin", "leader"):
        context = chromium.new_context(locale="zh-CN")
        page = context.new_page()
        _login(page, base, username)
        mine: set[str] = set()
        for _round in range(6):  # crawl again: a step done shows the next one
            found = {
                k: p for k, p in _crawl(users[username], seeds[username]).items() if k not in tried
            }
            # Cycle transitions last: they change what every other page offers; 归档 ends it.
            order = sorted(found, key=lambda k: (k[0] == "scoring:cycle_detail", k[1] == "归档", k))
            for key in order:
                for path in found[key][:6]:
                    if _try_button(page, base, path, key[1]) == "done":
                        tried.add(key)
                        mine.add(key[1])
                        break
            if not set(found) & tried:
                break
        context.close()
        assert EXPECTED[username] <= mine, (username, EXPECTED[username] - mine)
    # 归档 and 撤回发布 were each done on one of the two cycles.
    statuses = dict(Cycle.objects.values_list("name", "status"))
    assert sorted(statuses.values()).count("archived") == 1, statuses
