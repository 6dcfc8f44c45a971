"""A clerk's pages fit a phone: at 390×844 the document never scrolls sideways.

Drives Debian's chromium through Playwright against the live server, as tests/scoring/
test_browser.py does. A reporter of 区人社局 with a returned item, a draft with large figures
and a notice opens 首页, 我的任务, the submission page and 通知 at phone width and at
1440×900; the office's pages are checked at phone width too (their wide tables scroll inside
their own box). Screenshots go to $PAGE_SCREENSHOT_DIR, or a temporary directory; the path is
printed.
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from scoring.demo.files import pdf_bytes
from scoring.review.services import submission_return
from tests.scoring.support import (
    figure_ids,
    open_cycle_create,
    points_set,
    save,
    slot_of,
    submit,
    upload,
)
from tests.scoring.test_browser import PASSWORD, chromium  # noqa: F401  (the fixture)
from units.roles import Role

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}

# The widest elements, for a readable failure message.
OVERFLOW = """() => {
  const width = window.innerWidth;
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > width + 0.5 && el.offsetParent !== null) {
      wide.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${el.className}`
        + ` right=${Math.round(r.right)}`);
    }
  }
  return {scroll: document.documentElement.scrollWidth, inner: width, wide: wide.slice(0, 8)};
}"""


@pytest.fixture(scope="module", autouse=True)
def _catalogue_after_flush(django_db_blocker):
    """live_server's transactional test flushes the catalogue too; put it back afterwards."""
    yield
    with django_db_blocker.unblock():
        call_command("loaddata", "catalogue", "figure_defaults", verbosity=0)


@pytest.fixture
def screenshots(tmp_path) -> Path:
    folder = Path(os.environ.get("PAGE_SCREENSHOT_DIR") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {folder}")
    return folder


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "/accounts/login/" not in page.url, f"{username} could not log in"


def _check(page, url: str, shot: Path, *, viewport: dict) -> None:
    response = page.goto(url)
    assert response.status == 200, url
    page.screenshot(path=str(shot), full_page=True)
    page.screenshot(path=str(shot.with_name(shot.stem + "-screen.png")))  # what a phone first shows
    measured = page.evaluate(OVERFLOW)
    assert measured["inner"] == viewport["width"]
    assert measured["scroll"] <= measured["inner"], (url, viewport, measured)


@pytest.fixture
def lived_in(live_server, make_user):
    call_command("loaddata", "catalogue", "figure_defaults", verbosity=0)
    rsj = make_user("rsj", unit="rsj", roles={Role.REPORTER})
    office = make_user("office", roles={Role.OFFICE}, is_staff=True)
    cycle = open_cycle_create()
    points_set(cycle, 38, "1.33")
    training = slot_of(cycle, 38, "rsj")
    save(
        training,
        rsj,
        "全年组织职业技能培训，重点面向农民工和新就业形态劳动者。",
        trainees=45800,
        upgraded=11200,
        migrant_trainees=16300,
    )
    # A long Chinese file name, in the draft and in version 1.
    upload(
        training, rsj, "区人社局2026年度职业技能培训人次统计表（含线上培训）.pdf", pdf_bytes("培训")
    )
    submit(training, rsj)
    submission_return(
        slot=training,
        actor=office,
        reason="请补充师徒结对数据，并说明培训人次的统计口径（是否含线上培训）。",
    )
    workers = slot_of(cycle, 47, "rsj")
    save(workers, rsj, "截至年底全区产业工人约 19.6 万人。", industrial_workers=196400)
    submit(workers, rsj)
    return {"base": live_server.url, "training": training, "cycle": cycle}


def test_a_reporters_pages_fit_a_phone_and_a_desktop(chromium, lived_in, screenshots):  # noqa: F811
    base, training = lived_in["base"], lived_in["training"]
    pages = {
        "home": reverse("home"),
        "tasks": reverse("scoring:tasks"),
        "slot": reverse("scoring:slot_detail", args=[training.pk]),
        "notices": reverse("scoring:notifications"),
        "version": reverse("scoring:version_detail", args=[training.pk, 1]),
        "catalogue": reverse("indicators:catalogue") + "?unit=rsj",
    }
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        context = chromium.new_context(locale="zh-CN", viewport=viewport)
        page = context.new_page()
        _login(page, base, "rsj")
        for label, path in pages.items():
            _check(page, base + path, screenshots / f"rsj-{label}-{name}.png", viewport=viewport)
        # The figure inputs show the whole number the clerk typed (45800, not "4580").
        page.goto(base + pages["slot"])
        field = page.locator(f"#id_fig_{figure_ids(training)['trainees']}")
        assert field.input_value() == "45800"
        assert field.evaluate("el => el.scrollWidth <= el.clientWidth"), name
        context.close()


def test_the_office_pages_do_not_break_at_phone_width(chromium, lived_in, screenshots):  # noqa: F811
    base, cycle = lived_in["base"], lived_in["cycle"]
    context = chromium.new_context(locale="zh-CN", viewport=PHONE)
    page = context.new_page()
    _login(page, base, "office")
    for label, path in {
        "home": reverse("home"),
        "review": reverse("scoring:review_queue"),
        "review-detail": reverse("scoring:review_detail", args=[lived_in["training"].pk]),
        "dashboard": reverse("reports:dashboard"),
        "cycles": reverse("scoring:cycle_list"),
        "results": reverse("scoring:cycle_results", args=[cycle.pk]),
    }.items():
        _check(page, base + path, screenshots / f"office-{label}-phone.png", viewport=PHONE)
    context.close()
