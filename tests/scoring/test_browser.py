"""Two units side by side in a real browser (Playwright driving Debian's chromium).

区人社局 and 区总工会 each log in through the login page, see only their own tasks, fill in one
slot (text, a required figure, a real PDF with a Chinese name), submit it, cannot open each
other's slot, and download exactly the bytes they uploaded.
"""

import hashlib
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections

from scoring.demo.files import pdf_bytes
from scoring.models import FigureField, Slot, SlotStatus
from units.roles import Role

from .conftest import open_cycle_2026, slot_of

# Playwright's sync API runs an event loop in this thread; the ORM calls the test makes between
# browser steps are still plain synchronous code.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "Demo@2026"


@pytest.fixture(scope="module", autouse=True)
def _catalogue_after_flush(django_db_blocker):
    """live_server's transactional test flushes the database when it ends, catalogue included.

    Put the catalogue back afterwards (module scope, so this runs after the flush) for any
    test that runs later in the session.
    """
    yield
    with django_db_blocker.unblock():
        call_command("loaddata", "catalogue", "figure_defaults", verbosity=0)


@pytest.fixture
def chromium():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} not found: install Debian's chromium (make sysdeps)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            # ORM calls made while Playwright's event loop runs get their own connection, which
            # the transactional teardown does not close; on PostgreSQL it would then block
            # dropping the test database at the end of the session.
            connections.close_all()


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "/accounts/login/" not in page.url, f"{username} could not log in"


def _task_rows(page) -> set[str]:
    return set(page.locator("tr[id^=slot-]").evaluate_all("rows => rows.map(r => r.id)"))


def _fill_and_submit(page, base: str, slot: Slot, *, text: str, figures: dict, pdf: Path):
    """From 我的任务: open the slot, save a draft, upload the PDF, submit."""
    page.goto(f"{base}/tasks/")
    with page.expect_navigation():
        page.click(f"#slot-{slot.pk} td a")
    assert page.url == f"{base}/tasks/{slot.pk}/"
    page.fill("#id_text", text)
    for name, value in figures.items():
        page.fill(f"input[name={name}]", value)
    with page.expect_navigation():
        page.click("button[name=action][value=save]")
    assert page.locator(".msg-success").inner_text() == "草稿已保存。"

    # The file goes up in the background as soon as it is chosen (static/js/draft.js).
    page.set_input_files("#id_file", str(pdf))
    done = page.locator(".upload-item.done .upload-state")
    done.wait_for()
    assert done.inner_text() == f"已上传“{pdf.name}”。"
    assert pdf.name in page.locator("table.files").inner_text()
    assert page.input_value("#id_text") == text  # the saved draft survived the upload

    # The submit button asks for confirmation; the dialog handler accepts it.
    with page.expect_navigation():
        page.click("button[name=action][value=submit]")
    assert page.locator(".msg-success").inner_text() == "已提交第 1 版。"


def test_two_units_side_by_side(chromium, live_server, make_user, tmp_path):
    # An earlier transactional test may have flushed the database; loading is idempotent.
    call_command("loaddata", "catalogue", "figure_defaults", verbosity=0)
    make_user("rsj", unit="rsj", roles={Role.REPORTER})
    make_user("zgh", unit="zgh", roles={Role.REPORTER})
    cycle = open_cycle_2026()
    rsj_slot = slot_of(cycle, "rsj", 47)  # 产业工人数量、年度增长率: required figure
    zgh_slot = slot_of(cycle, "zgh", 17)  # 工会经费投入: 区总工会 alone
    workers = FigureField.objects.get(cycle=cycle, indicator__number=47, code="industrial_workers")
    assert workers.required and workers.label == "区产业工人数量"

    base = live_server.url
    units = {
        "rsj": {
            "name": "区人社局",
            "slot": rsj_slot,
            "sees": "职业技能培训",  # 38
            "not_sees": "工会经费投入",  # 17
            "text": "区人社局：全年组织产业工人职业技能培训，建立产业工人数量台账。",
            "figures": {f"fig_{workers.pk}": "196400"},
            "file": "区人社局产业工人数量统计表.pdf",
        },
        "zgh": {
            "name": "区总工会",
            "slot": zgh_slot,
            "sees": "工会经费投入",  # 17
            "not_sees": "收入分配机制",  # 63
            "text": "区总工会：工会经费向一线产业工人倾斜，全年投入专项经费。",
            "figures": {},
            "file": "区总工会经费投入说明.pdf",
        },
    }

    pages = {}
    for code, u in units.items():
        context = chromium.new_context(locale="zh-CN", accept_downloads=True)
        page = context.new_page()
        dialogs = []
        page.on(
            "dialog", lambda dialog, seen=dialogs: (seen.append(dialog.message), dialog.accept())
        )
        pages[code] = page
        pdf = tmp_path / u["file"]
        pdf.write_bytes(pdf_bytes(u["file"]))
        u["pdf"] = pdf

        _login(page, base, code)
        page.goto(f"{base}/tasks/")
        assert page.locator("h1").inner_text() == f"我的任务 · {u['name']}"
        own = set(Slot.objects.filter(cycle=cycle, unit__code=code).values_list("pk", flat=True))
        assert _task_rows(page) == {f"slot-{pk}" for pk in own}
        listing = page.locator("main").inner_text()
        assert u["sees"] in listing
        assert u["not_sees"] not in listing
        other = "区总工会" if code == "rsj" else "区人社局"
        assert other not in listing

        _fill_and_submit(page, base, u["slot"], text=u["text"], figures=u["figures"], pdf=u["pdf"])
        assert [m for m in dialogs if "确定提交吗" in m], "the submit button did not ask first"
        page.screenshot(path=str(tmp_path / f"{code}-slot.png"), full_page=True)

    for u in units.values():
        u["slot"].refresh_from_db()
        assert u["slot"].status == SlotStatus.SUBMITTED
        assert u["slot"].current_version == 1
    rsj_slot.refresh_from_db()
    assert rsj_slot.figure_values.get(field=workers).value == 196400

    # Neither unit can open the other's slot, version or file; the 404 names nothing of it.
    for code, other in (("rsj", "zgh"), ("zgh", "rsj")):
        page, theirs = pages[code], units[other]
        their_file = theirs["slot"].files.get()
        for path in (
            f"/tasks/{theirs['slot'].pk}/",
            f"/tasks/{theirs['slot'].pk}/versions/1/",
            f"/files/{their_file.pk}/",
        ):
            response = page.goto(f"{base}{path}")
            assert response.status == 404, (code, path)
            body = page.content()
            assert "页面不存在" in body
            assert theirs["slot"].indicator.name not in body
            assert theirs["file"] not in body

    # The submitted version lists the file, and its download link returns the very bytes.
    for code, u in units.items():
        page = pages[code]
        response = page.goto(f"{base}/tasks/{u['slot'].pk}/versions/1/")
        assert response.status == 200
        files = page.locator("table.files")
        assert u["file"] in files.inner_text()
        href = files.get_by_role("link", name="下载").get_attribute("href")
        download = page.request.get(f"{base}{href}")
        assert download.status == 200
        assert download.headers["content-type"] == "application/pdf"
        assert "filename*=UTF-8''" in download.headers["content-disposition"]
        uploaded = hashlib.sha256(u["pdf"].read_bytes()).hexdigest()
        assert hashlib.sha256(download.body()).hexdigest() == uploaded

    for page in pages.values():
        page.context.close()
