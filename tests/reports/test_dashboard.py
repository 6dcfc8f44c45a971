"""领导看板 on the demo data: every number agrees with scoring.results, for the right people only.

The demo (seed_demo --sample-data) has 2025年度 (archived, six approved and scored slots) and
2026年度 (open, due in 30 days) with slots in every state: 5 待区产改办审核, 3 草稿,
2 已通过 (63 区人社局 良好, 17 区总工会 优秀), 1 待单位审核, 1 已退回, 316 未填报.
"""

from collections import Counter
from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, get_resolver, reverse
from django.utils import timezone

from reports import charts, selectors
from reports.models import ExportLog
from scoring import calculations as calc
from scoring.models import Cycle, CycleStatus, Slot, SlotStatus, SubmissionVersion
from scoring.results.selectors import cycle_results, slot_item_status
from scoring.review.services import score_record, submission_approve
from scoring.submissions.figures import figure_rows
from units.models import Unit

pytestmark = pytest.mark.django_db
User = get_user_model()
LOGIN = reverse("login")
SVG_XMLNS = 'xmlns="http://www.w3.org/2000/svg"'


@pytest.fixture(scope="module")
def _seeded(django_db_setup, django_db_blocker):
    """The demo, seeded once for the module inside a transaction rolled back at its end.

    Each test runs in a savepoint within it (pytest-django's usual per-test rollback), so a
    test's changes never reach the next one.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", force=True, sample_data=True, verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(_seeded, db) -> Cycle:
    return Cycle.objects.get(name="2026年度")


@pytest.fixture
def last_year(demo) -> Cycle:
    return Cycle.objects.get(name="2025年度")


def user(name: str):
    return User.objects.get(username=name)


@pytest.fixture
def leader_client(client, demo):
    client.force_login(user("leader"))
    return client


class Tables(HTMLParser):
    """Cell texts of every <table id=…>, row by row (header rows included)."""

    def __init__(self, html: str):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table = self._row = self._cell = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("id"):
            self._table = self.tables.setdefault(dict(attrs)["id"], [])
        elif tag == "tr" and self._table is not None:
            self._row = []
            self._table.append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def body_rows(html: str, table_id: str, header_rows: int = 1) -> list[list[str]]:
    return Tables(html).tables[table_id][header_rows:]


def pct(rate: Decimal | None) -> str:
    return "未评分" if rate is None else f"{(rate * 100).quantize(Decimal('0.01'))}%"


# --- the numbers ---------------------------------------------------------------------------------


def test_totals_and_levels_equal_cycle_results(leader_client, demo):
    html = leader_client.get(reverse("reports:dashboard")).content.decode()
    results = cycle_results(demo)
    assert f'<strong id="total-earned">{results.rollup.total.earned}</strong>' in html
    assert f'<strong id="final-total">{results.final.total}</strong>' in html
    # Demo: 63 区人社局 良好 on 1.07 分 (一级五's 15 分 over 14 indicators) → 0.856 → 0.86;
    # 17 区总工会 优秀 on 1.12 分 (the last of 一级一's 17 indicators takes the remainder
    # 20 − 16 × 1.18), its other units unscored → 1.12; base 1.98, bonus 1 → 2.98.
    assert results.rollup.total.earned == Decimal("1.98")
    assert results.final.total == Decimal("2.98")
    rows = body_rows(html, "level1-table")
    assert [r[2] for r in rows] == [str(s.earned) for s in results.rollup.level1.values()]
    assert [r[6] for r in rows] == [pct(s.rate) for s in results.rollup.level1.values()]
    rows = body_rows(html, "level2-table")
    assert [r[2] for r in rows] == [str(s.earned) for s in results.rollup.level2.values()]
    assert len(rows) == 25


def test_unit_ranking_equals_unit_rates(leader_client, demo):
    html = leader_client.get(reverse("reports:dashboard")).content.decode()
    units = cycle_results(demo).units
    rows = body_rows(html, "unit-ranking")
    assert [(r[1], r[2], r[3]) for r in rows] == [
        (u.unit, str(u.points_earned), str(u.points_possible)) for u in units
    ]
    # Scoring is far from complete, so nobody has a place yet (figures.RANK), and every rate
    # says what it is over: 区总工会 1.12 of 1.12 scored, of 78.38 分 applicable to it;
    # 区人社局 0.86 of 1.07 = 0.8037; the ten units with nothing scored have no rate (never 0%).
    assert all(r[0] == "未完成评分" for r in rows)
    assert rows[0][:5] == [
        "未完成评分",
        "区总工会",
        "1.12",
        "1.12",
        "100.00%（已评 1.12 / 78.38 分）",
    ]
    assert rows[1][1:4] == ["区人社局", "0.86", "1.07"]
    assert rows[1][4].startswith("80.37%（已评 1.07 / ")
    assert all(r[4].startswith("未评分（已评 0 / ") for r in rows[2:])
    assert len(rows) == 12


def test_progress_counts_by_status(leader_client, demo):
    response = leader_client.get(reverse("reports:dashboard"))
    progress = response.context["dash"].progress
    counts = Counter(Slot.objects.filter(cycle=demo).values_list("status", flat=True))
    assert {s.value: s.count for s in progress.statuses} == {s: counts[s] for s in SlotStatus}
    assert progress.total == 328
    # 已报送 (reached the office): 5 待区产改办审核 + 2 已通过; 已提交 adds the 1 待单位审核;
    # 已退回 is back with the unit (figures.REPORTED, figures.SUBMITTED).
    assert (progress.completed, progress.submitted) == (7, 8)
    # Nine slots were ever submitted (已退回 included), all well before the deadline.
    assert (progress.due, progress.on_time, progress.on_time_pct) == (9, 9, Decimal("100"))
    assert progress.days_left in (29, 30)
    html = response.content.decode()
    for status, n in counts.items():
        assert f'data-status="{status}"><strong>{n}</strong>' in html


def test_on_time_rate_uses_each_slots_effective_deadline(leader_client, demo):
    """Deadline moved to yesterday: every first submission (made today) is late, except the one
    whose slot the office extended to next week. The rate divides by what was due, as the Excel
    summary's 按时提交率 does: the 9 submitted plus the 319 overdue → 1 / 328 = 0.30%."""
    now = timezone.now()
    Cycle.objects.filter(pk=demo.pk).update(deadline=now - timedelta(days=1))
    extended = Slot.objects.get(cycle=demo, indicator__number=47, unit__code="rsj")
    Slot.objects.filter(pk=extended.pk).update(deadline_extension=now + timedelta(days=7))

    dash = leader_client.get(reverse("reports:dashboard")).context["dash"]
    assert (dash.progress.submitted, dash.progress.on_time) == (8, 1)
    assert dash.progress.due == 9 + 319
    assert dash.progress.on_time_rate == Decimal("0.0030")
    assert dash.progress.days_left == -1
    # Overdue: 316 未填报 + 3 草稿; the slot 区产改办 returned may be resubmitted late.
    assert dash.overdue_total == 319
    assert len(dash.overdue) == selectors.OVERDUE_LIST_LIMIT
    assert dash.overdue_hidden == 319 - selectors.OVERDUE_LIST_LIMIT
    assert all(line.slot.status != SlotStatus.RETURNED for line in dash.overdue)


def test_grid_completion_and_rates(leader_client, demo):
    response = leader_client.get(reverse("reports:dashboard"))
    dash = response.context["dash"]
    results = cycle_results(demo)
    items = {r.item.indicator_id: r.item for r in results.rows}
    for row in dash.grid:
        for level, cell in zip(dash.level1, row.cells, strict=True):
            slots = Slot.objects.filter(
                cycle=demo,
                unit__name=row.unit,
                indicator__level2__level1__number=level.number,
            )
            assert cell.slots == slots.count()
            assert (
                cell.completed
                == slots.filter(status__in=[SlotStatus.SUBMITTED, SlotStatus.APPROVED]).count()
            )
            # 得分率 by hand: scored slots' scores over their points, unscored left out.
            scored = [s for s in slots if slot_item_status(s) is calc.ItemStatus.SCORED]
            points = sum((items[s.indicator_id].points for s in scored), Decimal(0))
            expected = None
            if points:
                expected = (sum(s.score for s in scored) / points).quantize(Decimal("0.0001"))
            assert cell.rate == expected, (row.unit, level.number)
        assert row.total.rate == next(u.rate for u in results.units if u.unit == row.unit)
    rsj = next(r for r in dash.grid if r.unit == "区人社局")
    assert rsj.cells[4].rate == Decimal("0.8037")  # 一级 5: 0.86 ÷ 1.07
    assert rsj.cells[4].rate_heat == "heat-3"
    html = response.content.decode()
    completion = {r[0]: r for r in body_rows(html, "completion-grid")}
    assert completion["区人社局"][-1].startswith(f"{rsj.total.completed}/{rsj.total.slots}")
    rates = {r[0]: r for r in body_rows(html, "rate-grid")}
    assert rates["区人社局"][5] == "80.37%"
    assert rates["区财政局"][-1] == "未评分"


def test_returned_list(leader_client, demo):
    html = leader_client.get(reverse("reports:dashboard")).content.decode()
    rows = body_rows(html, "returned-list")
    assert len(rows) == 1
    assert rows[0][:3] == ["48", "产业工人占比", "区人社局"]
    assert "请补充当地就业总人数的统计口径说明" in rows[0][3]


def test_figures_equal_figure_rows(leader_client, demo, last_year):
    dash = leader_client.get(reverse("reports:dashboard")).context["dash"]
    assert dash.figures
    for line in dash.figures:
        version = (
            SubmissionVersion.objects.get(slot=line.slot, number=line.version)
            if line.version
            else None
        )
        if version is None:
            continue  # figure_rows would read the draft, which leadership does not see
        expected = figure_rows(slot=Slot.objects.get(pk=line.slot.pk), version=version)
        assert [(r.field.pk, r.value, r.previous, r.growth) for r in line.rows] == [
            (r.field.pk, r.value, r.previous, r.growth) for r in expected
        ]
    # 47 区人社局: 196400 this year, 182000 last year: (196400 − 182000) ÷ 182000 = +7.91%.
    line = next(f for f in dash.figures if f.number == 47)
    assert [(r.value, r.previous, r.growth) for r in line.rows] == [
        (Decimal("196400"), Decimal("182000"), Decimal("7.91"))
    ]
    # 38 区人社局 is only a draft this year: last year's values, nothing for this year.
    line = next(f for f in dash.figures if f.number == 38)
    assert line.version is None
    assert {r.field.code: (r.value, r.previous) for r in line.rows}["trainees"] == (
        None,
        Decimal("41200"),
    )


def test_other_cycle_selectable(leader_client, demo, last_year):
    response = leader_client.get(reverse("reports:dashboard"), {"cycle": last_year.pk})
    dash = response.context["dash"]
    results = cycle_results(last_year)
    assert dash.cycle == last_year
    assert dash.results.rollup == results.rollup
    assert [u.rate for u in dash.units] == results.units
    assert "本周期结果尚未发布" not in response.content.decode()
    for bad in ("abc", "999999"):
        assert leader_client.get(reverse("reports:dashboard"), {"cycle": bad}).status_code == 404


def test_numbers_follow_new_scores(leader_client, demo):
    """Approve and score one more slot: the page moves exactly as cycle_results does."""
    office = user("office")
    slot = Slot.objects.get(cycle=demo, indicator__number=14, unit__code="cgb")
    submission_approve(slot=slot, actor=office)
    score_record(slot=slot, actor=office, direct=Decimal("0.5"), comment="简报期数偏少。")
    dash = leader_client.get(reverse("reports:dashboard")).context["dash"]
    results = cycle_results(demo)
    assert dash.results.rollup.total.earned == results.rollup.total.earned
    assert [u.rate for u in dash.units] == results.units
    assert next(u for u in results.units if u.unit == "区产改办").rank is not None


# --- bounded queries ---------------------------------------------------------------------------


def test_queries_are_bounded(leader_client, demo, django_assert_max_num_queries):
    # The first view after a change recomputes the stored roll-up (a fixed number of queries
    # more); the views after it read it.
    with django_assert_max_num_queries(40):
        assert leader_client.get(reverse("reports:dashboard")).status_code == 200
    with django_assert_max_num_queries(20):
        assert leader_client.get(reverse("reports:dashboard")).status_code == 200


def test_queries_do_not_grow_with_the_data(leader_client, demo):
    url = reverse("reports:dashboard")
    leader_client.get(url)  # warm the session and role caches
    with CaptureQueriesContext(connection) as before:
        leader_client.get(url)
    office = user("office")
    for number, code in [(47, "rsj"), (56, "zgh"), (14, "cgb"), (58, "gzw")]:
        slot = Slot.objects.get(cycle=demo, indicator__number=number, unit__code=code)
        submission_approve(slot=slot, actor=office)
        if number in (14, 47):  # 直接打分 in the demo scheme
            score_record(slot=slot, actor=office, direct=Decimal("0.5"), comment="材料不全。")
        else:
            score_record(slot=slot, actor=office, grade="优秀")
    with CaptureQueriesContext(connection) as recomputed:
        leader_client.get(url)  # the first view after the changes recomputes the roll-up
    with CaptureQueriesContext(connection) as after:
        leader_client.get(url)
    assert len(after) == len(before)
    assert len(recomputed) > len(after)


# --- charts --------------------------------------------------------------------------------------


def test_charts_are_inline_svg_without_external_resources(leader_client, demo):
    html = leader_client.get(reverse("reports:dashboard")).content.decode()
    assert html.count("<svg") == 4
    for svg in html.split("<svg")[1:]:
        svg = svg.split("</svg>")[0]
        assert "http" not in svg.replace(SVG_XMLNS, "")
        assert "<script" not in svg and "href" not in svg
    # Nothing on the page comes from elsewhere.
    page = html.replace(SVG_XMLNS, "")
    assert "http://" not in page and "https://" not in page
    assert 'src="//' not in page and 'href="//' not in page


def test_chart_text_is_escaped():
    svg = charts.stacked_bar_chart(
        [
            charts.StackedBar(
                '<script>alert("x")</script>',
                [charts.Segment(Decimal("2"), "得<b>分</b>", charts.EARNED)],
                note="1 & 2",
            )
        ],
        title="标题</title><script>",
    )
    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;alert(&quot;x&quot;)" in svg
    assert "1 &amp; 2" in svg
    assert svg.startswith(f"<svg {SVG_XMLNS}")
    assert "http" not in svg.replace(SVG_XMLNS, "")


def test_bar_chart_leaves_unscored_empty():
    svg = charts.bar_chart(
        [charts.Bar("区教委", Decimal("87.5"), "87.5%"), charts.Bar("区财政局", None, "未评分")],
        title="得分率",
        scale_max=100,
    )
    assert svg.count("<rect") == 1 + 1  # one legend swatch, one bar
    assert "未评分" in svg


def test_unit_names_are_escaped_on_the_page(leader_client, demo):
    Unit.objects.filter(code="zgh").update(name="<b>区总工会</b>")
    html = leader_client.get(reverse("reports:dashboard")).content.decode()
    assert "<b>区总工会</b>" not in html
    assert "&lt;b&gt;区总工会&lt;/b&gt;" in html


# --- who may see it ------------------------------------------------------------------------------

ROLES = {
    "anonymous": None,
    "reporter": "rsj",
    "unit_approver": "gzw_sh",
    "office": "office",
    "leader": "leader",
    "superuser": "admin",
}
LOGIN_REDIRECT = "login"
READERS = {"anonymous": LOGIN_REDIRECT, "reporter": 404, "unit_approver": 404} | {
    r: 200 for r in ("office", "leader", "superuser")
}
OFFICE_ONLY = READERS | {"leader": 404}
MATRIX = {
    "dashboard": (lambda c: reverse("reports:dashboard"), READERS),
    "compare": (lambda c: reverse("reports:compare"), READERS),
    "compare_download": (lambda c: reverse("reports:compare_download"), READERS),
    "evidence_zip": (lambda c: reverse("reports:evidence_zip", args=[c.pk]), OFFICE_ONLY),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", MATRIX)
def test_permission_matrix(client, demo, name, role):
    if ROLES[role]:
        client.force_login(user(ROLES[role]))
    url_for, expected = MATRIX[name]
    response = client.get(url_for(demo))
    if expected[role] == LOGIN_REDIRECT:
        assert response.status_code == 302
        assert response["Location"].startswith(f"{LOGIN}?next=")
    else:
        assert response.status_code == expected[role]
    if expected[role] != 200:
        assert not ExportLog.objects.exists()
        body = response.content.decode()
        assert "区总工会" not in body and "得分率" not in body
    elif response.streaming:
        b"".join(response.streaming_content)


def test_matrix_covers_every_url_of_these_views():
    """Every reports URL served by reports.views is in the matrix, with every role."""
    _prefix, resolver = get_resolver().namespace_dict["reports"]
    mine = {
        p.name
        for p in resolver.url_patterns
        if isinstance(p, URLPattern) and p.callback.__module__ == "reports.views"
    }
    assert mine == set(MATRIX)
    for _url_for, expected in MATRIX.values():
        assert set(expected) == set(ROLES)


def test_no_cycle_yet(leader_client):
    Cycle.objects.update(status=CycleStatus.PREPARING)  # nothing has opened yet
    client = leader_client
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    assert "尚无已开启的考核周期" in response.content.decode()
