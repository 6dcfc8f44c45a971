"""The submission page: what the unit sees, and saving/submitting through the form."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from scoring.models import FigureValue, SlotStatus, SubmissionEvent, SubmissionVersion
from scoring.review.services import submission_return
from scoring.submissions.services import STALE
from tests.scoring.pages import errors_shown, messages_shown
from tests.scoring.support import figure_ids, open_cycle_create, points_set, save, slot_of, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def slot(open_cycle):
    points_set(open_cycle, 47, "10")
    return slot_of(open_cycle, 47, "rsj")


def _url(slot):
    return reverse("scoring:slot_detail", args=[slot.pk])


def _submit_button(html: str) -> str:
    match = re.search(r'<button type="submit" name="action" value="submit"[^>]*>', html)
    assert match, "no submit button"
    return match.group(0)


def _form(slot, **overrides):
    slot.refresh_from_db()
    ids = figure_ids(slot)
    data = {"text": "", "self_score": "", "revision": str(slot.revision), "token": "t1"}
    for code, value in overrides.pop("figures", {}).items():
        data[f"fig_{ids[code]}"] = value
    data.update(overrides)
    return data


def _state(slot):
    slot.refresh_from_db()
    return (
        slot.status,
        slot.revision,
        slot.text,
        slot.self_score,
        list(FigureValue.objects.filter(slot=slot).values_list("value", flat=True)),
        SubmissionEvent.objects.filter(slot=slot).count(),
        SubmissionVersion.objects.filter(slot=slot).count(),
    )


def test_the_page_shows_the_indicator_and_the_units_part(client, slot, rsj_reporter):
    client.force_login(rsj_reporter)
    response = client.get(_url(slot))
    assert response.status_code == 200
    html = response.content.decode()
    assert "47. 产业工人数量、年度增长率" in html
    assert "指标具体内涵" in html
    assert slot.indicator.content in html
    assert '<span class="tag lead">牵头</span>' in html
    assert "区产业工人数量" in html  # the figure field
    assert "已超过填报截止时间" not in html
    assert "disabled" not in _submit_button(html)


def test_a_return_reason_is_shown_with_its_line_breaks(client, slot, rsj_reporter, office_user):
    save(slot, rsj_reporter, "说明。", industrial_workers=196400)
    submit(slot, rsj_reporter)
    client.force_login(rsj_reporter)
    assert "区产改办退回修改" not in client.get(_url(slot)).content.decode()

    submission_return(slot=slot, actor=office_user, reason="请补充统计口径。\n并附数据证明。")
    html = client.get(_url(slot)).content.decode()
    assert "区产改办退回修改：</strong>请补充统计口径。<br>并附数据证明。" in html
    assert "退回后不受截止时间限制" in html
    assert "disabled" not in _submit_button(html)  # the form is open again


def test_after_the_deadline_the_page_says_so_and_submit_is_disabled(client, rsj_reporter):
    cycle = open_cycle_create(opens_in_days=-30, deadline_in_days=-1)
    slot = slot_of(cycle, 47, "rsj")
    client.force_login(rsj_reporter)
    html = client.get(_url(slot)).content.decode()
    assert "已超过填报截止时间" in html
    assert "如需补报，请联系区产改办延长截止时间。" in html
    assert "已截止" in html
    assert " disabled" in _submit_button(html)


def test_text_keeps_its_line_breaks(client, slot, rsj_reporter):
    save(
        slot,
        rsj_reporter,
        "第一行：全区产业工人约 19.6 万人。\n第二行：<b>不是标签</b>",
        industrial_workers=1,
    )
    version = submit(slot, rsj_reporter)
    client.force_login(rsj_reporter)
    expected = "第一行：全区产业工人约 19.6 万人。<br>第二行：&lt;b&gt;不是标签&lt;/b&gt;"
    assert expected in client.get(_url(slot)).content.decode()
    page = client.get(reverse("scoring:version_detail", args=[slot.pk, version.number]))
    assert expected in page.content.decode()


def test_save_through_the_form(client, slot, rsj_reporter):
    client.force_login(rsj_reporter)
    data = _form(
        slot,
        text="第一行\r\n第二行",
        self_score="9.5",
        action="save",
        figures={"industrial_workers": "196400"},
    )
    response = client.post(_url(slot), data, follow=True)
    assert messages_shown(response) == [("success", "草稿已保存。")]
    slot.refresh_from_db()
    assert (slot.status, slot.revision, slot.text, slot.self_score) == (
        SlotStatus.DRAFT,
        1,
        "第一行\n第二行",
        Decimal("9.5"),
    )
    assert list(FigureValue.objects.filter(slot=slot).values_list("value", flat=True)) == [
        Decimal("196400")
    ]


def test_submit_through_the_form(client, slot, rsj_reporter):
    client.force_login(rsj_reporter)
    data = _form(slot, text="说明。", action="submit", figures={"industrial_workers": "196400"})
    response = client.post(_url(slot), data, follow=True)
    assert messages_shown(response) == [("success", "已提交第 1 版。")]
    slot.refresh_from_db()
    assert (slot.status, slot.current_version) == (SlotStatus.SUBMITTED, 1)
    # A double click posts the same token again: same version, a friendly message, no new row.
    again = client.post(_url(slot), data, follow=True)
    assert messages_shown(again) == [("success", "已提交第 1 版。")]
    assert SubmissionVersion.objects.filter(slot=slot).count() == 1


@pytest.mark.parametrize(
    ("field", "value", "phrase"),
    [
        ("industrial_workers", "十九万", "整数"),
        ("industrial_workers", "abc", "整数"),
        ("industrial_workers", "-5", "大于或等于"),
        ("self_score", "一百", "数字"),
        ("self_score", "101", "自评分不能超过本指标分值 10 分。"),
        ("self_score", "10.01", "自评分不能超过本指标分值 10 分。"),
        ("self_score", "-1", "自评分不能小于 0 分。"),
    ],
)
def test_invalid_input_shows_a_chinese_error_and_changes_nothing(
    client, slot, rsj_reporter, field, value, phrase
):
    save(slot, rsj_reporter, "原来的说明。", industrial_workers=182000)
    before = _state(slot)
    client.force_login(rsj_reporter)
    figures = {"industrial_workers": value} if field == "industrial_workers" else {}
    extra = {"self_score": value} if field == "self_score" else {}
    response = client.post(
        _url(slot), _form(slot, text="新的说明。", action="save", figures=figures, **extra)
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "填写内容有误，请按提示修改后再保存。" in html
    errors = re.findall(r'<div class="error">(.*?)</div>', html)
    assert any(phrase in e for e in errors), errors
    assert _state(slot) == before


def test_a_stale_form_is_refused(client, slot, rsj_reporter):
    client.force_login(rsj_reporter)
    stale = _form(slot, text="窗口一。", action="save")
    save(slot, rsj_reporter, "窗口二先保存了。")
    before = _state(slot)
    response = client.post(_url(slot), stale)
    assert response.status_code == 200
    assert STALE in response.content.decode()
    assert _state(slot) == before


def test_a_submitted_slot_cannot_be_saved_through_the_form(client, slot, rsj_reporter):
    save(slot, rsj_reporter, "说明。", industrial_workers=196400)
    submit(slot, rsj_reporter)
    before = _state(slot)
    client.force_login(rsj_reporter)
    response = client.post(_url(slot), _form(slot, text="偷偷改。", action="save"), follow=True)
    assert errors_shown(response) == ["当前状态不能修改。"]
    assert _state(slot) == before
    html = response.content.decode()
    assert 'id="submission-form"' not in html  # read-only view of the submitted text


def test_another_units_slot_is_not_found(client, open_cycle, rsj_reporter):
    theirs = slot_of(open_cycle, 47, "zgh")
    client.force_login(rsj_reporter)
    assert client.get(_url(theirs)).status_code == 404
    before = _state(theirs)
    assert client.post(_url(theirs), _form(theirs, text="x", action="save")).status_code == 404
    assert _state(theirs) == before


def test_a_refused_submit_from_a_second_tab_says_why(client, slot, rsj_reporter):
    client.force_login(rsj_reporter)
    tab_a = _form(slot, text="说明。", action="submit", figures={"industrial_workers": "1"})
    tab_b = {**tab_a, "token": "another-tab"}
    client.post(_url(slot), tab_a)
    response = client.post(_url(slot), tab_b, follow=True)
    assert SubmissionVersion.objects.filter(slot=slot).count() == 1
    assert "当前状态为“待区产改办审核”，不能提交。" in response.content.decode()


def test_line_breaks_count_once_against_the_length_limit(client, slot, rsj_reporter):
    text = ("一" * 49 + "\n") * 100
    assert len(text) == 5000
    client.force_login(rsj_reporter)
    data = _form(slot, text=text.replace("\n", "\r\n"), action="save")
    response = client.post(_url(slot), data, follow=True)
    assert messages_shown(response) == [("success", "草稿已保存。")]
    slot.refresh_from_db()
    assert slot.text == text
