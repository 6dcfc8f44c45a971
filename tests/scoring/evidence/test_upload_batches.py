"""Several files in one upload, and the JSON answer the page's background upload reads.

Without JavaScript the page posts the upload form itself: one or several files, one message per
file, the refused ones stored nowhere while the good ones land. With JavaScript the same endpoint
answers JSON; it names only the caller's own slot and files, and another unit's slot is a 404.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from scoring.access import NOT_FOUND
from scoring.demo.files import pdf_bytes
from scoring.evidence.services import evidence_add_several
from scoring.models import EventAction, EvidenceFile, SlotStatus
from scoring.submissions.services import STALE
from tests.scoring.evidence import samples
from tests.scoring.pages import errors_shown, messages_shown
from tests.scoring.support import evidence_root, figure_ids, slot_of, stored_files, upload

pytestmark = pytest.mark.django_db

PDF = pdf_bytes("产业工人数量统计说明")
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def slot(open_cycle):
    return slot_of(open_cycle, 47, "rsj")


@pytest.fixture
def reporter(client, rsj_reporter):
    client.force_login(rsj_reporter)
    return rsj_reporter


def _url(slot):
    return reverse("scoring:evidence_upload", args=[slot.pk])


def _files(*named):
    return [SimpleUploadedFile(name, content) for name, content in named]


def test_several_files_in_one_plain_post_each_get_their_message(client, reporter, slot):
    before = stored_files()
    response = client.post(
        _url(slot),
        {
            "file": _files(
                ("统计表.pdf", PDF),
                ("关于开展技能培训的通知.pdf", samples.WINDOWS_EXECUTABLE),
                ("培训现场.png", samples.png()),
            ),
            "title": "只用于单个文件的名称",
        },
        follow=True,
    )
    assert response.redirect_chain == [(reverse("scoring:slot_detail", args=[slot.pk]), 302)]
    shown = messages_shown(response)
    assert shown[:2] == [("success", "已上传“统计表.pdf”。"), ("success", "已上传“培训现场.png”。")]
    (refusal,) = errors_shown(response)
    assert "关于开展技能培训的通知.pdf" in refusal and "是可执行文件" in refusal
    # Several files are each named after themselves; the title names a single file only.
    assert sorted(EvidenceFile.objects.values_list("original_name", "title")) == [
        ("培训现场.png", "培训现场"),
        ("统计表.pdf", "统计表"),
    ]
    new = stored_files() - before
    assert {p.relative_to(evidence_root()).as_posix() for p in new} == set(
        EvidenceFile.objects.values_list("file", flat=True)
    )
    slot.refresh_from_db()
    assert (slot.status, slot.revision) == (SlotStatus.DRAFT, 2)
    assert slot.events.filter(action=EventAction.FILE_ADDED).count() == 2


def test_a_plain_post_with_the_pages_revision_checks_it(client, reporter, slot, rsj_reporter):
    upload(
        slot, rsj_reporter, "别人先传的.pdf", PDF
    )  # another window changed the draft: revision 1
    before = stored_files()
    response = client.post(
        _url(slot), {"file": _files(("统计表.pdf", PDF)), "revision": "0"}, follow=True
    )
    assert errors_shown(response) == [STALE]
    assert list(EvidenceFile.objects.values_list("original_name", flat=True)) == ["别人先传的.pdf"]
    assert stored_files() == before


def test_the_json_answer_lists_the_new_file_and_the_drafts_revision(client, reporter, slot):
    response = client.post(
        _url(slot), {"file": _files(("统计表.pdf", PDF)), "revision": "0"}, **JSON
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    evidence = EvidenceFile.objects.get()
    assert body["errors"] == []
    assert body["revision"] == 1
    (listed,) = body["files"]
    assert listed == {
        "id": evidence.pk,
        "title": "统计表",
        "name": "统计表.pdf",
        "size": len(PDF),
        "size_display": listed["size_display"],
        "uploaded": listed["uploaded"],
        "download_url": reverse("scoring:evidence_download", args=[evidence.pk]),
        "inline_url": reverse("scoring:evidence_download", args=[evidence.pk]) + "?inline=1",
        "remove_url": reverse("scoring:evidence_delete", args=[slot.pk, evidence.pk]),
    }
    assert "KB" in listed["size_display"] or "字节" in listed["size_display"]
    assert listed["uploaded"].endswith(reporter.get_full_name() or reporter.username)
    # The page keeps what was typed and saves it with the revision the upload answered.
    ids = figure_ids(slot)
    saved = client.post(
        reverse("scoring:slot_detail", args=[slot.pk]),
        {
            "text": "上传之后保存的说明。",
            f"fig_{ids['industrial_workers']}": "196400",
            "revision": str(body["revision"]),
            "action": "save",
        },
        follow=True,
    )
    assert messages_shown(saved) == [("success", "草稿已保存。")]
    slot.refresh_from_db()
    assert (slot.text, slot.revision) == ("上传之后保存的说明。", 2)


def test_a_refused_file_is_a_json_error_that_stores_nothing(client, reporter, slot):
    before = stored_files()
    response = client.post(
        _url(slot),
        {
            "file": _files(("关于开展技能培训的通知.pdf", samples.WINDOWS_EXECUTABLE)),
            "revision": "0",
        },
        **JSON,
    )
    assert response.status_code == 400
    body = response.json()
    assert body["files"] == [] and body["revision"] == 0
    (error,) = body["errors"]
    assert error["name"] == "关于开展技能培训的通知.pdf"
    assert "是可执行文件" in error["message"]
    assert not EvidenceFile.objects.exists()
    assert stored_files() == before
    slot.refresh_from_db()
    assert (slot.status, slot.revision) == (SlotStatus.NOT_STARTED, 0)


def test_a_stale_page_gets_a_json_error(client, reporter, slot, rsj_reporter):
    upload(slot, rsj_reporter, "别人先传的.pdf", PDF)
    response = client.post(
        _url(slot), {"file": _files(("统计表.pdf", PDF)), "revision": "0"}, **JSON
    )
    assert response.status_code == 400
    assert [e["message"] for e in response.json()["errors"]] == [STALE]
    assert EvidenceFile.objects.count() == 1


@override_settings(EVIDENCE_MAX_FILE_SIZE=4096)
def test_an_oversized_file_among_good_ones_is_reported_and_the_good_ones_land(reporter, slot):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reporter)
    client.get(reverse("scoring:tasks"))
    big = b"%PDF-1.4\n" + b"0" * 8192 + b"\n%%EOF\n"
    response = client.post(
        _url(slot),
        {
            "file": _files(("大文件.pdf", big), ("统计表.pdf", PDF)),
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
        **JSON,
    )
    assert response.status_code == 400
    body = response.json()
    assert [f["name"] for f in body["files"]] == ["统计表.pdf"]
    assert body["errors"] == [
        {"name": "大文件.pdf", "message": "文件“大文件.pdf”超过单个文件 0 MB 的上限，未上传。"}
    ]
    assert list(EvidenceFile.objects.values_list("original_name", flat=True)) == ["统计表.pdf"]


@pytest.mark.parametrize("accept", ["application/json", "text/html"])
def test_another_units_slot_is_a_404_that_names_nothing_of_it(client, reporter, open_cycle, accept):
    theirs = slot_of(open_cycle, 17, "zgh")  # 工会经费投入: 区总工会 alone
    before = stored_files()
    response = client.post(
        _url(theirs),
        {"file": _files(("材料.pdf", PDF)), "revision": "0"},
        HTTP_ACCEPT=accept,
    )
    assert response.status_code == 404
    text = response.content.decode()
    for secret in (theirs.indicator.name, theirs.unit.name, theirs.indicator.content[:20]):
        assert secret not in text
    if accept == "application/json":
        assert json.loads(text) == {"files": [], "errors": [{"name": "", "message": NOT_FOUND}]}
    assert not EvidenceFile.objects.exists()
    assert stored_files() == before
    theirs.refresh_from_db()
    assert (theirs.status, theirs.revision) == (SlotStatus.NOT_STARTED, 0)


def test_the_office_gets_the_same_404_for_a_units_slot(client, office_user, slot):
    client.force_login(office_user)
    response = client.post(_url(slot), {"file": _files(("材料.pdf", PDF))}, **JSON)
    assert response.status_code == 404
    assert response.json()["errors"] == [{"name": "", "message": NOT_FOUND}]
    assert not EvidenceFile.objects.exists()


def test_adding_several_files_checks_the_pages_revision_once_and_goes_on_after_a_refusal(
    rsj_reporter, slot
):
    added, refused = evidence_add_several(
        slot=slot,
        actor=rsj_reporter,
        uploads=_files(
            ("统计表.pdf", PDF),
            ("程序.exe", samples.WINDOWS_EXECUTABLE),
            ("签到表.pdf", PDF),
        ),
        title="被忽略的名称",
        expected_revision=0,
    )
    assert [(e.original_name, e.title) for e in added] == [
        ("统计表.pdf", "统计表"),
        ("签到表.pdf", "签到表"),
    ]
    assert [(name, "类型不允许上传" in message) for name, message in refused] == [
        ("程序.exe", True)
    ]
    slot.refresh_from_db()
    assert slot.revision == 2
    # A page still at revision 0 is stale now: nothing more is added.
    added, refused = evidence_add_several(
        slot=slot, actor=rsj_reporter, uploads=_files(("补充.pdf", PDF)), expected_revision=0
    )
    assert (added, refused) == ([], [("补充.pdf", STALE)])
    assert EvidenceFile.objects.filter(slot=slot).count() == 2
