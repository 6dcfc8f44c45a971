"""The review page: the indicator as the cycle evaluates it, the unit's submission, what
changed between versions (escaped), the evidence, the timeline, and the way to the next item."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from scoring.models import CycleIndicator, ScoringMethod, SlotStatus
from scoring.review.diff import text_diff, text_diff_html
from scoring.review.services import submission_approve, submission_return
from scoring.submissions.services import DraftInput, submission_save_draft
from tests.scoring.conftest import slot_submit_with_pdf
from tests.scoring.support import open_cycle_create, save, slot_of, submit

from .conftest import at, detail_url, scheme_set, submitted

pytestmark = pytest.mark.django_db


# --- the diff itself (no database) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("完成培训。", "完成培训。", [("equal", "完成培训。")]),
        (
            "培训1000人次。",
            "培训1200人次。",
            [("equal", "培训1"), ("delete", "0"), ("insert", "2"), ("equal", "00人次。")],
        ),
        (
            "第一句。第二句。",
            "第一句。新增一句。第二句。",
            [("equal", "第一句。"), ("insert", "新增一句。"), ("equal", "第二句。")],
        ),
        ("", "新写的说明。", [("insert", "新写的说明。")]),
        # Wholly different sentences are shown removed and added whole, not as character noise.
        (
            "召开专题会议研究部署。",
            "印发实施方案三份文件。",
            [("delete", "召开专题会议研究部署。"), ("insert", "印发实施方案三份文件。")],
        ),
    ],
)
def test_text_diff(old, new, expected):
    assert text_diff(old, new) == expected


def test_text_diff_html_escapes_every_piece():
    html = text_diff_html('a<b>&"x"', "a<i>&'x'")
    assert "<b>" not in html and "<i>" not in html
    assert html.startswith("a&lt;")
    assert "&amp;" in html and "&#x27;" in html and "&quot;" in html
    assert re.sub(r"</?(ins|del)>", "", html) == "a&lt;bi&gt;&amp;&quot;&#x27;x&quot;&#x27;"


def test_a_long_rewrite_stays_fast():
    old = "。".join(f"第{i}项工作按计划推进完成" for i in range(400))
    new = "。".join(f"第{i}项工作已经全部完成并验收" for i in range(400))
    ops = text_diff(old, new)
    assert "".join(t for op, t in ops if op != "insert") == old
    assert "".join(t for op, t in ops if op != "delete") == new


# --- the page ----------------------------------------------------------------------------------


def test_the_page_shows_the_scheme_item_and_the_units_part(office_client, cycle, rsj_reporter):
    """Name, 内涵, 分值 and method come from the cycle's snapshot, not the live catalogue."""
    scheme_set(cycle, 38, points="6.50", method=ScoringMethod.DEDUCT)
    CycleIndicator.objects.filter(cycle=cycle, indicator__number=38).update(
        name="职业技能培训（本周期）", content="本周期的内涵文字。"
    )
    lead = submitted(cycle, 38, "rsj", rsj_reporter, "培训情况。", trainees=5200)
    html = office_client.get(detail_url(lead)).content.decode()
    assert "38. 职业技能培训（本周期）" in html
    assert "本周期的内涵文字。" in html
    assert "分值 <strong>6.50</strong> 分" in html
    assert "评分方法：扣分" in html
    assert "区人社局" in html and '<span class="tag lead">牵头</span>' in html
    assert "培训情况。" in html
    assert "5200" in html  # the figure

    supporting = slot_of(cycle, 38, "zgh")
    html = office_client.get(detail_url(supporting)).content.decode()
    assert '<span class="tag">配合</span>' in html
    assert "该单位尚未提交" in html
    assert 'id="decide"' not in html  # nothing to approve


def test_figures_show_growth_and_ratios(office_client, rsj_reporter):
    """48 产业工人占比: 2025 had 240 industrial workers, 2026 has 300 → growth
    (300 − 240) ÷ 240 = 25.00%; 300 of 1200 workers → ratio 25.00%; 300 of 6000 employed →
    5.00%."""
    previous = open_cycle_create(name="2025年度", year=2025)
    submitted(previous, 48, "rsj", rsj_reporter, industrial_workers=240)
    cycle = open_cycle_create(previous=previous)
    slot = submitted(
        cycle, 48, "rsj", rsj_reporter, industrial_workers=300, workers=1200, employed=6000
    )
    html = office_client.get(detail_url(slot)).content.decode()

    def row(label):
        match = re.search(
            rf'<th scope="row">{label}[^<]*(?:<span[^>]*>[^<]*</span>)?</th>(.*?)</tr>', html, re.S
        )
        return re.findall(r"<td>(.*?)</td>", match.group(1))

    assert row("产业工人数量") == ["300", "240", "25.00%"]
    assert row("产业工人占当地工人的比例")[0] == "25.00%"
    assert row("产业工人占当地就业总人数的比例")[0] == "5.00%"


def test_evidence_is_viewable_inline_and_downloadable(office_client, cycle, rsj_reporter):
    slot = slot_of(cycle, 63, "rsj")
    _, evidence = slot_submit_with_pdf(slot, rsj_reporter, filename="工资指导线.pdf")
    html = office_client.get(detail_url(slot)).content.decode()
    download = reverse("scoring:evidence_download", args=[evidence.pk])
    assert f'<iframe src="{download}?inline=1"' in html
    assert f'href="{download}"' in html
    assert "工资指导线.pdf" in html
    response = office_client.get(download, {"inline": "1"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Frame-Options"] == "SAMEORIGIN"  # so the review page may frame it


def test_versions_are_compared_with_user_text_escaped(office_client, cycle, rsj_reporter, office):
    slot = slot_of(cycle, 63, "rsj")
    save(slot, rsj_reporter, "修订工资指导线。<script>alert(1)</script>覆盖1000人。")
    submit(slot, rsj_reporter)
    submission_return(slot=slot, actor=office, reason="请补充<b>覆盖人数</b>依据。")
    save(slot, rsj_reporter, "修订工资指导线。<script>alert(2)</script>覆盖1200人。\n另附名单。")
    submit(slot, rsj_reporter)

    html = office_client.get(detail_url(slot)).content.decode()

    assert "<script>alert" not in html
    assert "<b>覆盖人数</b>" not in html
    assert "请补充&lt;b&gt;覆盖人数&lt;/b&gt;依据。" in html  # the return reason in the timeline
    diff = re.search(r'<div class="diff">(.*?)</div>', html, re.S).group(1)
    assert diff.startswith("修订工资指导线。&lt;script&gt;alert(")
    assert "<del>1</del><ins>2</ins>" in diff
    assert "覆盖1<del>0</del><ins>2</ins>00人。" in diff
    assert "<ins>\n另附名单。</ins>" in diff
    assert "第 1 版 → 第 2 版" in html
    # The current version is shown in full, escaped too.
    current = re.search(r'<section class="card" id="current-version">(.*?)</section>', html, re.S)
    assert "&lt;script&gt;alert(2)&lt;/script&gt;覆盖1200人。<br>另附名单。" in current.group(1)


def test_the_self_score_and_the_timeline(office_client, cycle, rsj_reporter, office):
    scheme_set(cycle, 63, points="8", method=ScoringMethod.GRADE)  # 自评分 is at most 分值
    slot = slot_of(cycle, 63, "rsj")
    submission_save_draft(
        slot=slot, actor=rsj_reporter, draft=DraftInput(text="说明。", self_score=Decimal("4.5"))
    )
    submit(slot, rsj_reporter)
    submission_approve(slot=slot, actor=office)
    html = office_client.get(detail_url(slot)).content.decode()
    assert "单位自评分：<strong>4.50</strong> 分" in html
    timeline = re.search(r'<ol class="timeline">(.*?)</ol>', html, re.S).group(1)
    actions = re.findall(r"<strong>(.*?)</strong>", timeline)
    assert actions == ["保存草稿", "提交", "区产改办审核通过"]


def test_actions_follow_the_state(office_client, cycle, rsj_reporter, office):
    scheme_set(cycle, 63, points="8", method=ScoringMethod.GRADE)
    slot = submitted(cycle, 63, "rsj", rsj_reporter)
    html = office_client.get(detail_url(slot)).content.decode()
    assert 'id="decide"' in html and 'id="score"' not in html
    assert "审核通过后方可评分" in html
    assert '<input type="hidden" name="expected_status" value="submitted"' in html
    assert '<input type="hidden" name="expected_version" value="1"' in html

    submission_approve(slot=slot, actor=office)
    html = office_client.get(detail_url(slot)).content.decode()
    assert 'id="decide"' not in html and 'id="score"' in html
    assert '<option value="良好">良好（80%，6.40 分）</option>' in html
    assert '<input type="hidden" name="expected_status" value="approved"' in html


def test_next_item_follows_the_queue_order_and_filters(
    office_client, cycle, rsj_reporter, zgh_reporter, office
):
    """Waiting: 17 (zgh, 3 days), 63 (rsj, 2 days), 27 (zgh, 1 day).
    Whole queue: 17 → 63 → 27. Only 区总工会: 17 → 27."""
    now = timezone.now()
    with at(now - timedelta(days=3)):
        zgh17 = submitted(cycle, 17, "zgh", zgh_reporter)
    with at(now - timedelta(days=2)):
        rsj63 = submitted(cycle, 63, "rsj", rsj_reporter)
    with at(now - timedelta(days=1)):
        zgh27 = submitted(cycle, 27, "zgh", zgh_reporter)

    def next_link(slot, **params):
        html = office_client.get(detail_url(slot), params).content.decode()
        match = re.search(r'id="next-item" href="/review/(\d+)/\?([^"]*)"', html)
        return (int(match.group(1)), match.group(2).replace("&amp;", "&")) if match else None

    assert next_link(zgh17)[0] == rsj63.pk
    assert next_link(rsj63)[0] == zgh27.pk
    assert next_link(zgh27) is None
    only_zgh = {"unit": zgh17.unit_id, "status": SlotStatus.SUBMITTED}
    pk, query = next_link(zgh17, **only_zgh)
    assert pk == zgh27.pk
    assert query == f"cycle={cycle.pk}&status=submitted&unit={zgh17.unit_id}"

    # Once approved, 17 leaves the queue but 下一项 still continues from it.
    submission_approve(slot=zgh17, actor=office)
    assert next_link(zgh17)[0] == rsj63.pk
    html = office_client.get(detail_url(rsj63)).content.decode()
    assert "第 1 / 2 项" in html
