"""The home page says what needs the user now, by role, and shows a unit only its own data."""

import re

import pytest
from django.urls import reverse

from scoring.models import CycleStatus, Slot, SlotStatus
from scoring.review.services import submission_return
from tests.scoring.support import open_cycle_create, save, slot_of, submit
from units.roles import Role

pytestmark = pytest.mark.django_db

RSJ_REASON = "请补充培训人次的统计口径。"
ZGH_REASON = "总工会的材料缺少盖章页。"


def _home(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def _section(html: str, element_id: str) -> str:
    match = re.search(
        rf'<section class="card home-block" id="{element_id}">(.*?)</section>', html, re.S
    )
    assert match, f"#{element_id} not on the page"
    return match.group(1)


def _slot_url(slot: Slot) -> str:
    return reverse("scoring:slot_detail", args=[slot.pk])


def _stat(html: str, label: str) -> int:
    match = re.search(rf"<strong[^>]*>(\d+)</strong><span>{label}</span>", html)
    assert match, f"no count for {label}"
    return int(match.group(1))


@pytest.fixture
def cycle(db):
    return open_cycle_create()


@pytest.fixture
def lived_in(cycle, rsj_reporter, zgh_reporter, office_user):
    """区人社局: 38 returned with a reason, 47 submitted, 63 a draft. 区总工会: 56 returned."""
    returned = slot_of(cycle, 38, "rsj")
    save(returned, rsj_reporter, "培训说明。", trainees=45800, upgraded=11200)
    submit(returned, rsj_reporter)
    submission_return(slot=returned, actor=office_user, reason=RSJ_REASON)
    submitted = slot_of(cycle, 47, "rsj")
    save(submitted, rsj_reporter, "产业工人数量说明。", industrial_workers=196400)
    submit(submitted, rsj_reporter)
    draft = slot_of(cycle, 63, "rsj")
    save(draft, rsj_reporter, "草稿。")
    theirs = slot_of(cycle, 56, "zgh")
    save(theirs, zgh_reporter, "建会情况。", unionised=3120, eligible=3680)
    submit(theirs, zgh_reporter)
    submission_return(slot=theirs, actor=office_user, reason=ZGH_REASON)
    return {"returned": returned, "submitted": submitted, "draft": draft, "theirs": theirs}


def test_a_reporter_sees_counts_returned_items_with_reasons_and_nearest_deadlines(
    client, cycle, lived_in, rsj_reporter
):
    html = _home(client, rsj_reporter)
    mine = _section(html, "home-unit")
    total = Slot.objects.filter(cycle=cycle, unit__code="rsj").count()
    assert f"共 {total} 项任务" in mine
    assert _stat(mine, "已退回") == 1
    assert _stat(mine, "待区产改办审核") == 1
    assert _stat(mine, "草稿") == 1
    assert _stat(mine, "未填报") == total - 3
    # The returned item links to its slot and gives the office's reason.
    returned = mine.split('id="home-returned"')[1].split("</ul>")[0]
    assert _slot_url(lived_in["returned"]) in returned
    assert f"退回原因：{RSJ_REASON}" in returned
    # Nearest deadlines: what is still to hand in (not the submitted or returned one), at most 5.
    due = mine.split('id="home-due"')[1].split("</ul>")[0]
    assert f"待报送 {total - 2} 项" in mine
    linked = re.findall(r'href="/tasks/(\d+)/"', due)
    assert len(linked) == 5
    assert str(lived_in["submitted"].pk) not in linked
    assert str(lived_in["returned"].pk) not in linked
    assert "剩 " in due
    # A reporter sees neither the office's to-do list nor the district's progress.
    assert 'id="home-office"' not in html and 'id="home-progress"' not in html
    assert 'id="home-approver"' not in html


def test_a_reporter_never_sees_another_units_data(client, cycle, lived_in, rsj_reporter):
    html = _home(client, rsj_reporter)
    assert ZGH_REASON not in html
    assert _slot_url(lived_in["theirs"]) not in html
    for slot in Slot.objects.filter(cycle=cycle).exclude(unit__code="rsj"):
        assert f'href="{_slot_url(slot)}"' not in html
    # 区总工会 in turn sees its own return and nothing of 区人社局's.
    zgh_html = _home(client, lived_in["theirs"].unit.memberships.first().user)
    assert f"退回原因：{ZGH_REASON}" in zgh_html
    assert RSJ_REASON not in zgh_html
    assert _slot_url(lived_in["returned"]) not in zgh_html


def test_nothing_to_do_is_said_plainly(client, cycle, make_user):
    clerk = make_user("kxj", unit="kxj", roles={Role.REPORTER})
    for slot in Slot.objects.filter(cycle=cycle, unit__code="kxj"):
        save(slot, clerk, "说明。")
        submit(slot, clerk)
    html = _home(client, clerk)
    assert "本单位没有待报送或被退回的任务。" in _section(html, "home-unit")


def test_without_an_open_cycle_a_reporter_is_told_so(client, rsj_reporter):
    html = _home(client, rsj_reporter)
    assert "当前没有开放的考核周期" in html
    assert 'id="home-unit"' not in html


def test_an_approver_sees_what_waits_for_sign_off_in_their_own_unit_only(client, cycle, make_user):
    gzw_clerk = make_user("gzw", unit="gzw", roles={Role.REPORTER})
    gzw_leader = make_user("gzw_sh", unit="gzw", roles={Role.APPROVER})
    zgh_clerk = make_user("zgh", unit="zgh", roles={Role.REPORTER})
    make_user("zgh_sh", unit="zgh", roles={Role.APPROVER})
    ours = Slot.objects.filter(cycle=cycle, unit__code="gzw").order_by("indicator__number")[0]
    save(ours, gzw_clerk, "国资委说明。")
    submit(ours, gzw_clerk)
    theirs = Slot.objects.filter(cycle=cycle, unit__code="zgh").order_by("indicator__number")[0]
    save(theirs, zgh_clerk, "总工会说明。")
    submit(theirs, zgh_clerk)
    assert {ours.status, theirs.status} == {SlotStatus.PENDING_APPROVAL}

    html = _home(client, gzw_leader)
    block = _section(html, "home-approver")
    assert "1 项" in block
    assert _slot_url(ours) in block
    assert _slot_url(theirs) not in html
    assert reverse("scoring:approvals") in block


def test_the_office_sees_the_review_queue_count_and_overdue_units(
    client, cycle, lived_in, office_user, make_user
):
    html = _home(client, office_user)
    block = _section(html, "home-office")
    # The same number 审核评分 lists by default: 47 from 区人社局 waits for the office.
    assert re.search(r'id="home-queue">1<', block)
    queue = client.get(reverse("scoring:review_queue")).content.decode()
    listed = re.findall(r'href="/review/(\d+)/\?', queue)
    assert listed == [str(lived_in["submitted"].pk)]
    assert "没有逾期未报的单位。" in block  # the deadline is twenty days away

    late = open_cycle_create(name="2027年度", year=2027, opens_in_days=-30, deadline_in_days=-1)
    Slot.objects.filter(cycle=cycle).update(status=SlotStatus.APPROVED)  # only 2027 is current
    cycle.status = CycleStatus.ARCHIVED
    cycle.save(update_fields=["status"])
    html = _home(client, office_user)
    block = _section(html, "home-office")
    units = re.findall(r"<li>(\S+) <span class=\"overdue small\">(\d+) 项</span></li>", block)
    expected = {}
    for slot in Slot.objects.filter(cycle=late).select_related("unit"):
        expected[slot.unit.name] = expected.get(slot.unit.name, 0) + 1
    assert dict(units) == {name: str(n) for name, n in expected.items()}
    assert re.search(rf'id="home-overdue">{sum(expected.values())}<', block)


def test_leadership_sees_progress_at_a_glance_as_the_dashboard_counts_it(
    client, cycle, lived_in, leader_user
):
    html = _home(client, leader_user)
    block = _section(html, "home-progress")
    total = Slot.objects.filter(cycle=cycle).count()
    # Handed in: 47 (待区产改办审核); the two returned ones are back with their units.
    match = re.search(r"<strong>(\d+)</strong> / (\d+) 项已报送（([\d.]+)%）", block)
    assert match and (int(match.group(1)), int(match.group(2))) == (1, total)
    assert reverse("reports:dashboard") in block
    dashboard = client.get(reverse("reports:dashboard")).content.decode()
    assert (
        f'<strong>1</strong><span>已报送（完成率 <span data-figure="完成率">{match.group(3)}%</span>）'
        in dashboard
    )
    # Leadership has no unit: no unit block, no office to-do list.
    assert 'id="home-unit"' not in html and 'id="home-office"' not in html
    assert RSJ_REASON not in html
