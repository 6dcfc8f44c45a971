"""The submission page as one draft, in a real browser (Playwright driving Debian's chromium).

The reporter types the 工作情况说明 and the figures, then chooses several files: they go up in
the background with a progress bar each, a refused one says why in Chinese while the others land,
and what was typed is still on the page to be saved. Figures are recomputed as they are typed
and agree with what the server computes once saved. Leaving the page asks first only while
something is unsaved.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from scoring.demo.files import pdf_bytes
from scoring.models import EventAction, EvidenceFile, FigureField
from scoring.submissions.figures import FigureRow, figure_ratio
from tests.scoring import test_browser
from tests.scoring.evidence import samples
from tests.scoring.support import (
    open_cycle_create,
    points_set,
    save,
    slot_of,
    stored_files,
    submit,
)
from units.roles import Role

pytestmark = pytest.mark.browser

# The browser and the catalogue reload after live_server's flush, shared with the two-unit test.
chromium = test_browser.chromium
_catalogue_after_flush = test_browser._catalogue_after_flush
_login = test_browser._login

FINISHED = (
    "() => document.querySelectorAll('.upload-item.waiting, .upload-item.sending').length === 0"
)

# Records every upload item the page shows while it is being sent, with its progress bar.
WATCH_UPLOADS = """() => {
  window.seenSending = [];
  new MutationObserver(() => {
    document.querySelectorAll('.upload-item.sending').forEach((li) => {
      const name = li.querySelector('.upload-name').textContent;
      const bar = li.querySelector('progress');
      if (bar && !window.seenSending.includes(name)) { window.seenSending.push(name); }
    });
  }).observe(document.querySelector('[data-upload-queue]'),
             {subtree: true, childList: true, attributes: true});
}"""


# Types the given figures the way a keyboard would (an input event each) and reads the growth of
# 产业工人数量 and the share of 当地工人 the page then shows.
TYPE_AND_READ = """(values) => {
  for (const [code, value] of Object.entries(values)) {
    const input = document.querySelector(`input[data-figure=${code}]`);
    input.value = String(value);
    input.dispatchEvent(new Event("input", {bubbles: true}));
  }
  return [document.querySelector("[data-growth-for=industrial_workers]").textContent,
          document.querySelector("[data-numerator][data-denominator=workers]").textContent];
}"""


@pytest.fixture
def reporter_page(chromium, live_server, make_user):
    from django.core.management import call_command

    call_command("loaddata", "catalogue", "figure_defaults", verbosity=0)
    user = make_user("rsj", unit="rsj", roles={Role.REPORTER})
    context = chromium.new_context(locale="zh-CN")
    page = context.new_page()
    page.dialogs = []

    def on_dialog(dialog):
        page.dialogs.append((dialog.type, dialog.message))
        # Stay on the page when it warns about unsaved work; accept confirmations.
        dialog.dismiss() if dialog.type == "beforeunload" else dialog.accept()

    page.on("dialog", on_dialog)
    page.script_errors = []
    page.on("pageerror", lambda error: page.script_errors.append(str(error)))
    _login(page, live_server.url, "rsj")
    page.user = user
    yield page
    context.close()
    assert not page.script_errors


def _items(page) -> dict[str, str]:
    """{file name: the state shown beside it} for every file in the upload list."""
    return dict(
        page.locator(".upload-item").evaluate_all(
            "items => items.map(li => [li.querySelector('.upload-name').textContent,"
            " li.querySelector('.upload-state').textContent])"
        )
    )


def test_files_go_up_in_the_background_and_the_typed_draft_stays(
    reporter_page, live_server, tmp_path
):
    page, base = reporter_page, live_server.url
    cycle = open_cycle_create()
    points_set(cycle, 47, "5")  # the self-score typed below must fit the indicator's 分值
    slot = slot_of(cycle, 47, "rsj")
    page.goto(f"{base}/tasks/{slot.pk}/")
    # The script took the upload over: no separate upload button, several files at once.
    assert page.locator("[data-upload-button]").is_hidden()
    assert page.locator("#id_file").get_attribute("multiple") is not None

    text = "区人社局：全年组织产业工人职业技能培训，建立产业工人数量台账。"
    page.fill("#id_text", text)
    page.fill("input[data-figure=industrial_workers]", "196400")
    page.fill("#id_self_score", "4.5")

    good = [tmp_path / "产业工人数量统计表.pdf", tmp_path / "技能培训签到表.pdf"]
    for path in good:
        path.write_bytes(pdf_bytes(path.stem))
    renamed = tmp_path / "关于开展技能培训的通知.pdf"
    renamed.write_bytes(samples.WINDOWS_EXECUTABLE)
    before = stored_files()
    page.evaluate(WATCH_UPLOADS)
    page.set_input_files("#id_file", [str(good[0]), str(renamed), str(good[1])])
    page.wait_for_function(FINISHED)

    states = _items(page)
    assert states[good[0].name] == f"已上传“{good[0].name}”。"
    assert states[good[1].name] == f"已上传“{good[1].name}”。"
    assert "关于开展技能培训的通知.pdf" in states[renamed.name]
    assert "是可执行文件" in states[renamed.name]
    # Each file had its progress bar while it was sent, and shows its size.
    assert sorted(page.evaluate("window.seenSending")) == sorted(p.name for p in [*good, renamed])
    assert page.locator(".upload-item.done progress").count() == 2
    sizes = page.locator(".upload-item .upload-size").all_inner_texts()
    assert len(sizes) == 3 and all(s.endswith(("KB", "字节")) for s in sizes)

    # The good files are listed on the page and stored; the refused one is nowhere.
    listed = page.locator("table.files").inner_text()
    assert good[0].name in listed and good[1].name in listed and renamed.name not in listed
    assert sorted(
        EvidenceFile.objects.filter(slot=slot).values_list("original_name", flat=True)
    ) == sorted(p.name for p in good)
    assert len(stored_files() - before) == 2

    # Nothing typed was lost, and it is still unsaved: leaving asks first (and we stay).
    assert page.input_value("#id_text") == text
    assert page.input_value("input[data-figure=industrial_workers]") == "196400"
    slot.refresh_from_db()
    assert slot.text == ""
    page.click("nav a:has-text('我的任务')")
    page.wait_for_timeout(300)  # a dismissed warning leaves no event to wait for
    assert [t for t, _ in page.dialogs] == ["beforeunload"]
    assert page.url == f"{base}/tasks/{slot.pk}/"

    # Saved with the revision the uploads answered: no stale-page refusal.
    with page.expect_navigation():
        page.click("button[name=action][value=save]")
    assert page.locator(".msg-success").inner_text() == "草稿已保存。"
    slot.refresh_from_db()
    assert slot.text == text and str(slot.self_score) == "4.50"
    assert slot.events.filter(action=EventAction.FILE_ADDED).count() == 2
    assert page.locator("table.files").inner_text().count("下载") == 2

    # Saved: leaving the page no longer asks.
    with page.expect_navigation():
        page.click("nav a:has-text('我的任务')")
    assert page.url == f"{base}/tasks/"
    assert [t for t, _ in page.dialogs] == ["beforeunload"]


def test_figures_are_computed_as_typed_and_agree_with_the_server(reporter_page, live_server):
    page, base = reporter_page, live_server.url
    last_year = open_cycle_create(
        name="2025年度", year=2025, opens_in_days=-400, deadline_in_days=-340
    )
    old = slot_of(last_year, 48, "rsj")
    save(
        old, page.user, "2025年度情况。", industrial_workers=182000, workers=402000, employed=690000
    )
    submit(old, page.user, now=last_year.opens_at + timedelta(days=5))
    slot = slot_of(open_cycle_create(previous=last_year), 48, "rsj")
    assert timezone.now() < slot.effective_deadline

    page.goto(f"{base}/tasks/{slot.pk}/")
    growth = page.locator("[data-growth-for=industrial_workers]")
    share = page.locator("[data-numerator][data-denominator=workers]")
    share_employed = page.locator("[data-numerator][data-denominator=employed]")
    assert (growth.inner_text(), share.inner_text()) == ("—", "—")

    # (196400 − 182000) / 182000 × 100 = 7.912… → 7.91 %; 196400 / 409000 → 48.02 %.
    page.locator("input[data-figure=industrial_workers]").press_sequentially("196400")
    assert growth.inner_text() == "7.91%"
    assert share.inner_text() == "—"  # no denominator yet
    page.fill("input[data-figure=workers]", "409000")
    assert share.inner_text() == "48.02%"
    # (163800 − 182000) / 182000 × 100 = −10.00 %: a decline as typed.
    page.fill("input[data-figure=industrial_workers]", "163800")
    assert growth.inner_text() == "-10.00%"
    assert share.inner_text() == "40.05%"  # 163800 / 409000 = 40.048…
    page.fill("input[data-figure=employed]", "abc")
    assert share_employed.inner_text() == "—"
    page.fill("input[data-figure=employed]", "702000")
    shown = (growth.inner_text(), share.inner_text(), share_employed.inner_text())
    assert shown == ("-10.00%", "40.05%", "23.33%")  # 163800 / 702000 = 23.333…

    # The script mirrors figures.py on awkward numbers too: half-to-even ties (1/32 → 3.125 →
    # 3.12, 3/32 → 9.375 → 9.38), thirds, declines and zero.
    fields = {
        f.code: f for f in FigureField.objects.filter(cycle=slot.cycle, indicator=slot.indicator)
    }
    for workers, industrial in [(32, 1), (32, 3), (160, 1), (3, 1), (3, 2), (7, 0), (1, 182001),
                                (409000, 181999), (999999999, 123456789)]:  # fmt: skip
        typed = page.evaluate(TYPE_AND_READ, {"industrial_workers": industrial, "workers": workers})
        values = {"industrial_workers": Decimal(industrial), "workers": Decimal(workers)}
        ratio = figure_ratio(values, fields["share_of_workers"])
        change = FigureRow(fields["industrial_workers"], Decimal(industrial), Decimal(182000))
        assert typed == [f"{change.growth}%", f"{ratio}%"], (industrial, workers)

    page.fill("input[data-figure=industrial_workers]", "163800")
    page.fill("input[data-figure=workers]", "409000")
    page.fill("#id_text", "说明。")
    with page.expect_navigation():
        page.click("button[name=action][value=save]")
    assert page.locator(".msg-success").inner_text() == "草稿已保存。"
    # The server's own rendering after the save says the same.
    assert (growth.inner_text(), share.inner_text(), share_employed.inner_text()) == shown


def test_a_slow_upload_shows_its_progress_holds_the_page_and_can_be_cancelled(
    reporter_page, live_server, tmp_path
):
    page, base = reporter_page, live_server.url
    slot = slot_of(open_cycle_create(), 47, "rsj")
    page.goto(f"{base}/tasks/{slot.pk}/")
    # A slow government network: 128 KB/s up, so 1.5 MB takes about twelve seconds.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 20, "downloadThroughput": -1, "uploadThroughput": 128 * 1024},
    )
    scan = tmp_path / "培训记录扫描件.txt"
    scan.write_bytes("丰台区产业工人技能培训记录。\n".encode() * 36_000)  # 1 548 000 bytes
    before = stored_files()
    page.set_input_files("#id_file", str(scan))
    item = page.locator(".upload-item")
    page.wait_for_function(
        "() => { const b = document.querySelector('.upload-item progress');"
        " return b && b.value > 0 && b.value < 100; }"
    )
    assert item.locator(".upload-size").inner_text() == "1.5 MB"
    assert item.locator(".upload-state").inner_text().startswith("正在上传 ")

    # Nothing typed, but an upload is running: leaving asks first, saving waits.
    page.click("nav a:has-text('我的任务')")
    page.wait_for_timeout(300)
    assert [t for t, _ in page.dialogs] == ["beforeunload"]
    page.click("button[name=action][value=save]")
    notice = page.locator("[data-upload-notice]")
    assert notice.inner_text() == "材料正在上传，请等上传完成后再保存、提交或离开本页。"
    assert page.url == f"{base}/tasks/{slot.pk}/"

    item.get_by_role("button", name="取消").click()
    assert item.locator(".upload-state").inner_text() == "已取消，未上传。"
    assert item.locator("progress").count() == 0
    page.wait_for_timeout(500)  # let the server notice the broken request
    assert not EvidenceFile.objects.filter(slot=slot).exists()
    assert stored_files() == before
    # Nothing is unsaved any more: the page lets go without asking.
    with page.expect_navigation():
        page.click("nav a:has-text('我的任务')")
    assert [t for t, _ in page.dialogs] == ["beforeunload"]


def test_without_javascript_the_plain_form_uploads_several_files(
    chromium, live_server, make_user, tmp_path
):
    from django.core.management import call_command

    call_command("loaddata", "catalogue", "figure_defaults", verbosity=0)
    make_user("rsj", unit="rsj", roles={Role.REPORTER})
    slot = slot_of(open_cycle_create(), 47, "rsj")
    context = chromium.new_context(locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    base = live_server.url
    _login(page, base, "rsj")
    page.goto(f"{base}/tasks/{slot.pk}/")
    files = [tmp_path / "统计表.pdf", tmp_path / "签到表.pdf"]
    for path in files:
        path.write_bytes(pdf_bytes(path.stem))
    page.set_input_files("#id_file", [str(p) for p in files])
    with page.expect_navigation():
        page.click("form.upload button[type=submit]")
    assert page.locator(".msg-success").all_inner_texts() == [
        "已上传“统计表.pdf”。",
        "已上传“签到表.pdf”。",
    ]
    listed = page.locator("table.files").inner_text()
    assert "统计表.pdf" in listed and "签到表.pdf" in listed
    assert EvidenceFile.objects.filter(slot=slot).count() == 2
    context.close()


def test_files_dropped_on_the_page_go_up(reporter_page, live_server):
    page, base = reporter_page, live_server.url
    slot = slot_of(open_cycle_create(), 47, "rsj")
    page.goto(f"{base}/tasks/{slot.pk}/")
    page.fill("#id_text", "拖放之前输入的说明。")
    content = list(pdf_bytes("现场照片说明"))
    page.evaluate(
        """(bytes) => {
          const data = new DataTransfer();
          data.items.add(new File([new Uint8Array(bytes)], "现场照片说明.pdf", {type: "application/pdf"}));
          const target = document.querySelector("#id_text");
          for (const type of ["dragover", "drop"]) {
            target.dispatchEvent(new DragEvent(type, {dataTransfer: data, bubbles: true, cancelable: true}));
          }
        }""",
        content,
    )
    page.wait_for_function(FINISHED)
    assert _items(page) == {"现场照片说明.pdf": "已上传“现场照片说明.pdf”。"}
    # Dropped on the text box, the file went up and did not replace what was typed.
    assert page.input_value("#id_text") == "拖放之前输入的说明。"
    assert EvidenceFile.objects.get(slot=slot).original_name == "现场照片说明.pdf"

    # A refused save shows the page again with what was typed: still unsaved, so leaving asks.
    page.fill("#id_self_score", "200")
    with page.expect_navigation():
        page.click("button[name=action][value=save]")
    assert "填写内容有误" in page.locator("#submission-form .error").first.inner_text()
    assert page.input_value("#id_text") == "拖放之前输入的说明。"
    page.click("nav a:has-text('我的任务')")
    page.wait_for_timeout(300)
    assert [t for t, _ in page.dialogs] == ["beforeunload"]
    assert page.url == f"{base}/tasks/{slot.pk}/"
