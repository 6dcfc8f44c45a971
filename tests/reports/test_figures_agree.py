"""Every figure has one value wherever it is shown: 领导看板, 考核结果, the summary workbook, the
review queue's 逾期 filter and the deadline reminders (scoring.results.figures).

The cycle is the demo's 2026年度 (seed_demo --sample-data: 316 未填报, 3 草稿, 1 待单位审核
(20 区国资委), 5 待区产改办审核 (14 区产改办, 32 and 47 区人社局, 56 区总工会, 58 区国资委),
1 已退回 by the office (48 区人社局), 2 已通过 and scored: 63 区人社局 良好 0.86 of 1.07 分,
17 区总工会 优秀 1.12 of 1.12 分), taken further so every slot state is present:

- 14 区产改办 approved but not scored (已通过, 未评分);
- 20 区国资委 returned by the unit approver (已退回, the deadline applies);
- 21 区国资委 submitted (待单位审核 again);
- 1 区司法局 marked 不适用;
- the deadline moved to yesterday, after every submission was made (so every first
  submission is late), except: 47 区人社局 extended to next week (on time), 3 区司法局
  (未填报) extended to next week (not overdue), 4 区司法局 (未填报) extended to 12 hours ago
  (overdue with its extension).

By hand (不适用 left out of every count):
- 任务数 = 328 − 1 = 327.
- 已提交 = 待单位审核 1 + 待区产改办审核 4 + 已通过 3 = 8; 已报送 = 4 + 3 = 7.
- 逾期 = 未填报 (316 − 1 不适用 − 1 submitted − 1 extended to next week = 313) + 草稿 3
  + 20 returned by the approver 1 = 317 (48, returned by the office, has no deadline).
- 按时提交率: submitted at least once: the 9 of the demo + 21 = 10; due = 10 + 317 − 1 (20 is
  both) = 326; on time: 47 only → 1 ÷ 326 = 0.0031 → 0.31%.
- 完成率 = 7 ÷ 327 = 0.0214 → 2.14%.
- 得分 = 0.86 + 1.12 = 1.98; 已评分值 = 1.07 + 1.12 = 2.19; 应得分值 = 100 (1 区司法局 is one of
  indicator 1's units, so indicator 1 still applies).
- 得分率（按已评分值）= 1.98 ÷ 2.19 = 0.9041 → "90.41%（已评 2.19 / 100 分）";
  得分率（按总分值）= 1.98 ÷ 100 → "1.98%（已评 2.19 / 100 分）".
- 排名: scoring is incomplete, so every unit reads 未完成评分.
- Reminders: every unit is told what it still owes; summed over the units that is 逾期 plus
  the one slot not yet due (3 区司法局): 318.
"""

import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from reports.exporters import summary_workbook
from scoring.models import Cycle, NoticeKind, Notification, Slot, SlotStatus
from scoring.notifications.services import reminders_send
from scoring.results.figures import DEFINITIONS
from scoring.review.services import slot_mark_not_applicable, submission_approve
from scoring.submissions.services import (
    DraftInput,
    submission_save_draft,
    submission_submit,
    submission_unit_return,
)

pytestmark = pytest.mark.django_db
User = get_user_model()
FIRST = 4  # first data row of a summary sheet

TASKS, SUBMITTED, REPORTED, OVERDUE = 327, 8, 7, 317
ON_TIME, DUE, ON_TIME_PCT, COMPLETION_PCT = 1, 326, "0.31%", "2.14%"
EARNED, SCORED_POINTS, POINTS = "1.98", "2.19", "100"
RATE_SCORED = "90.41%（已评 2.19 / 100 分）"
RATE_TOTAL = "1.98%（已评 2.19 / 100 分）"
PENDING = "未完成评分"


def user(name: str):
    return User.objects.get(username=name)


def slot(cycle: Cycle, number: int, code: str) -> Slot:
    return Slot.objects.select_related("cycle", "unit").get(
        cycle=cycle, indicator__number=number, unit__code=code
    )


@pytest.fixture(scope="module")
def _built(django_db_setup, django_db_blocker):
    """The demo taken to every state, once for the module (rolled back at its end)."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", force=True, sample_data=True, verbosity=0)
        cycle = Cycle.objects.get(name="2026年度")
        office, gzw, approver = user("office"), user("gzw"), user("gzw_sh")
        submission_approve(slot=slot(cycle, 14, "cgb"), actor=office)
        submission_unit_return(
            slot=slot(cycle, 20, "gzw"), actor=approver, reason="请补充考核覆盖企业名单。"
        )
        new = slot(cycle, 21, "gzw")
        submission_save_draft(
            slot=new, actor=gzw, draft=DraftInput(text="基层党组织全覆盖。"), expected_revision=0
        )
        new.refresh_from_db()
        submission_submit(slot=new, actor=gzw, expected_revision=new.revision)
        slot_mark_not_applicable(slot=slot(cycle, 1, "sfj"), actor=office, reason="不涉及")
        now = timezone.now()
        Cycle.objects.filter(pk=cycle.pk).update(deadline=now - timedelta(days=1))
        for number, code, extension in (
            (47, "rsj", now + timedelta(days=7)),
            (3, "sfj", now + timedelta(days=7)),
            (4, "sfj", now - timedelta(hours=12)),
        ):
            Slot.objects.filter(pk=slot(cycle, number, code).pk).update(
                deadline_extension=extension
            )
        yield
        transaction.set_rollback(True)


@pytest.fixture
def cycle(_built, db) -> Cycle:
    return Cycle.objects.get(name="2026年度")


def test_the_cycle_holds_every_state(cycle):
    slots = Slot.objects.filter(cycle=cycle)
    assert {s.value for s in SlotStatus} == set(slots.values_list("status", flat=True))
    assert slots.filter(not_applicable=True).count() == 1
    assert slots.filter(status=SlotStatus.APPROVED, score__isnull=True).exists()
    assert slots.filter(status=SlotStatus.RETURNED, returned_by_office=False).exists()
    assert slots.filter(status=SlotStatus.RETURNED, returned_by_office=True).exists()
    assert slots.filter(deadline_extension__isnull=False).count() == 3


def _figure(html: str, name: str) -> str:
    """The text shown for figure `name` (data-figure="…"), whitespace collapsed."""
    name = re.escape(name)
    found = re.search(rf'<span data-figure="{name}">([^<]*)</span>', html) or re.search(
        rf'data-figure="{name}"[^>]*>(?:<span>[^<]*</span>)?<strong[^>]*>([^<]*)</strong>', html
    )
    assert found, name
    return " ".join(found.group(1).split())


def _ranks(html: str, table_id: str) -> list[str]:
    table = html[html.index(f'id="{table_id}"') :]
    table = table[: table.index("</table>")]
    return re.findall(r'<td class="num rank[^"]*">([^<]*)</td>', table)


def test_dashboard(client, cycle):
    client.force_login(user("leader"))
    html = client.get(reverse("reports:dashboard"), {"cycle": cycle.pk}).content.decode()
    assert _figure(html, "任务数") == str(TASKS)
    assert _figure(html, "已提交") == str(SUBMITTED)
    assert _figure(html, "已报送") == str(REPORTED)
    assert _figure(html, "逾期") == str(OVERDUE)
    assert f"<h2>逾期未报送（{OVERDUE}）</h2>" in html
    assert _figure(html, "按时提交率") == ON_TIME_PCT
    assert f"按时提交率（{ON_TIME}/{DUE}）" in html
    assert _figure(html, "完成率") == COMPLETION_PCT
    assert _figure(html, "得分") == EARNED
    assert _figure(html, "已评分值") == SCORED_POINTS
    assert _figure(html, "应得分值") == "100.00"
    assert _figure(html, "得分率（按已评分值）") == RATE_SCORED
    assert _figure(html, "得分率（按总分值）") == RATE_TOTAL
    ranks = _ranks(html, "unit-ranking")
    assert len(ranks) == 12 and set(ranks) == {PENDING}
    # The explanations are the definitions, word for word.
    for name in ("逾期", "按时提交率", "得分率（按已评分值）", "排名"):
        assert f'<dd data-definition="{name}">{DEFINITIONS[name]}</dd>' in html


def test_results_page(client, cycle):
    client.force_login(user("office"))
    html = client.get(reverse("scoring:cycle_results", args=[cycle.pk])).content.decode()
    assert _figure(html, "得分") == EARNED
    assert _figure(html, "已评分值") == SCORED_POINTS
    assert _figure(html, "应得分值") == "100.00"
    assert _figure(html, "得分率（按已评分值）") == RATE_SCORED
    assert _figure(html, "得分率（按总分值）") == RATE_TOTAL
    ranks = re.findall(r'<td class="num rank[^"]*">([^<]*)</td>', html)
    assert len(ranks) == 12 and set(ranks) == {PENDING}


def test_workbook(cycle):
    data = summary_workbook(cycle=cycle).data
    wb, values = load_workbook(BytesIO(data)), load_workbook(BytesIO(data), data_only=True)
    about = {
        row[0]: row[1]
        for row in wb["说明"].iter_rows(min_row=FIRST, max_col=2, values_only=True)
        if row[0] in DEFINITIONS
    }
    assert len(about) == len(DEFINITIONS)
    shown = {name: text.split("\n")[0].removeprefix("本周期：") for name, text in about.items()}
    assert shown == {
        "任务数": f"{TASKS} 项（另有不适用 1 项）",
        "已提交": f"{SUBMITTED} 项",
        "已报送": f"{REPORTED} 项",
        "逾期": f"{OVERDUE} 项",
        "按时提交率": f"{ON_TIME_PCT}（{ON_TIME}/{DUE}）",
        "完成率": COMPLETION_PCT,
        "已评分值": f"{SCORED_POINTS} 分",
        "应得分值": f"{POINTS} 分",
        "得分": f"{EARNED} 分",
        "得分率（按已评分值）": RATE_SCORED,
        "得分率（按总分值）": RATE_TOTAL,
        "排名": PENDING,
    }
    for name, text in about.items():
        assert text.split("\n")[1] == f"口径：{DEFINITIONS[name]}"
    # 单位汇总: the units' counts add up to the cycle's; nobody is ranked yet.
    units = list(values["单位汇总"].iter_rows(min_row=FIRST, values_only=True))
    total = units[-1]
    assert total[1] == "合计"
    assert total[2:8] == (TASKS, SUBMITTED, REPORTED, 3, 2, OVERDUE)
    assert f"{total[8]:.4f}" == "0.0031"
    assert {row[0] for row in units} == {PENDING}
    # 总表's 总计 row says how much is scored.
    table = list(wb["总表"].iter_rows(min_row=FIRST, values_only=True))
    grand = next(row for row in table if row[0] == "总计")
    assert grand[9] == "已评 2.19 / 100 分"


def test_review_queue_overdue_filter(client, cycle):
    client.force_login(user("office"))
    response = client.get(reverse("scoring:review_queue"), {"cycle": cycle.pk, "overdue": "1"})
    assert response.context["total"] == OVERDUE
    counts = {value: n for value, _label, n, _query in response.context["counts"]}
    assert counts == {
        SlotStatus.NOT_STARTED: 313,
        SlotStatus.DRAFT: 3,
        SlotStatus.PENDING_APPROVAL: 0,
        SlotStatus.SUBMITTED: 0,
        SlotStatus.RETURNED: 1,
        SlotStatus.APPROVED: 0,
    }
    assert response.context["rows"]
    assert all(row.is_overdue for row in response.context["rows"])


def test_reminders(cycle, mailoutbox):
    reminders_send(today=timezone.localdate())
    owed: dict[str, int] = {}
    for notice in Notification.objects.filter(kind=NoticeKind.OVERDUE):
        unit, count = re.match(r"(.+?)尚有 (\d+) 项任务未提交", notice.body).groups()
        owed[unit] = int(count)
    assert len(owed) == 12
    assert sum(owed.values()) == OVERDUE + 1
    # 区司法局's part of indicator 1 is 不适用: owed by nobody, so never counted.
    sfj = Slot.objects.filter(cycle=cycle, unit__code="sfj", not_applicable=False)
    assert owed["区司法局"] == sfj.filter(status__in=["not_started", "draft"]).count()
