"""年度对比: the demo's 2025年度 and 2026年度 side by side, every number from cycle_results.

2025年度 (archived): 47, 48, 38 区人社局, 56, 57 区总工会 and 18 区委组织部 scored full marks.
2026年度 (open): 63 区人社局 良好 and 17 区总工会 优秀 so far, plus a 1-point bonus.
"""

import io
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from openpyxl import load_workbook

from reports import comparison
from reports.models import ExportKind, ExportLog
from scoring.models import Cycle, CycleIndicator
from scoring.results.selectors import cycle_results
from units.models import Unit

pytestmark = pytest.mark.django_db
User = get_user_model()
FIRST_DATA_ROW = 4  # banner, title, header


@pytest.fixture(scope="module")
def _seeded(django_db_setup, django_db_blocker):
    """The demo, seeded once for the module in a transaction rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", force=True, sample_data=True, verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def cycles(_seeded, db) -> tuple[Cycle, Cycle]:
    return Cycle.objects.get(name="2025年度"), Cycle.objects.get(name="2026年度")


@pytest.fixture
def leader_client(client, cycles):
    client.force_login(User.objects.get(username="leader"))
    return client


class Rows(HTMLParser):
    """{row key: [cell texts]} of the body rows of one <table id=…>, keyed by a data- attribute."""

    def __init__(self, html: str, table_id: str, key: str):
        super().__init__()
        self.table_id, self.key = table_id, f"data-{key}"
        self.rows: dict[str, list[str]] = {}
        self._inside = False
        self._row = self._cell = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self._inside = attrs.get("id") == self.table_id
        elif self._inside and tag == "tr" and self.key in attrs:
            self._row = self.rows.setdefault(attrs[self.key], [])
        elif self._row is not None and tag == "td":
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr":
            self._row = None
        elif tag == "table":
            self._inside = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def pct(rate: Decimal | None) -> str:
    return "未评分" if rate is None else f"{(rate * 100).quantize(Decimal('0.01'))}%"


def page(client, a, b) -> str:
    response = client.get(reverse("reports:compare"), {"a": a.pk, "b": b.pk})
    assert response.status_code == 200
    return response.content.decode()


def test_units_side_by_side_equal_cycle_results(leader_client, cycles):
    a, b = cycles
    rows = Rows(page(leader_client, a, b), "compare-units", "unit").rows
    ra, rb = cycle_results(a).units, cycle_results(b).units
    assert list(rows) == [u.unit for u in rb]  # in B's ranking
    for side, units in ((1, ra), (4, rb)):
        for u in units:
            cells = rows[u.unit]
            assert cells[side] == f"{u.points_earned} / {u.points_possible}"
            assert cells[side + 1] == pct(u.rate)
            # Neither cycle is fully scored, so neither ranks (figures.RANK).
            assert cells[side + 2] == "未完成评分"
    # 区人社局: 2025 5.61 of 5.61 (100%) → 2026 0.86 of 1.07 (80.37%). Both years score a
    # sliver of the unit's work, so "−19.63 points, down one place" would compare unlike
    # with unlike: no difference and no change of place is given.
    assert rows["区人社局"] == [
        "区人社局",
        "5.61 / 5.61",
        "100.00%",
        "未完成评分",
        "0.86 / 1.07",
        "80.37%",
        "未完成评分",
        "—",
        "—",
    ]
    assert rows["区总工会"][-2:] == ["—", "—"]
    assert rows["区委组织部"][4:] == ["0.00 / 0.00", "未评分", "未完成评分", "—", "—"]


def test_totals_of_unfinished_scoring_are_not_compared(leader_client, cycles):
    """2025年度 is archived with six slots scored, 2026年度 open with two: both 得分率 say
    what they are over and the difference says why there is none."""
    a, b = cycles
    html = page(leader_client, a, b)
    cmp = comparison.cycles_compare(a=a, b=b)
    assert not cmp.comparable and cmp.total_rate_diff_pct is None
    assert cmp.not_comparable == "2025年度、2026年度评分未完成，不可比"
    assert "2025年度、2026年度评分未完成，不可比" in html
    assert cmp.score_a.rate_scored_text.endswith(" / 100 分）")
    assert f"<td>{cmp.score_a.rate_scored_text}</td>" in html
    assert f"<td>{cmp.score_b.rate_scored_text}</td>" in html


def test_indicators_side_by_side_equal_cycle_results(leader_client, cycles):
    a, b = cycles
    rows = Rows(page(leader_client, a, b), "compare-indicators", "number").rows
    ra = {r.item.number: r for r in cycle_results(a).rows}
    rb = {r.item.number: r for r in cycle_results(b).rows}
    assert len(rows) == 80
    for number, cells in rows.items():
        n = int(number)
        for offset, results in ((2, ra), (5, rb)):
            row = results[n]
            assert cells[offset] == str(row.item.points)
            if row.result.score is not None:
                assert cells[offset + 1] == str(row.result.score)
            else:
                assert cells[offset + 1] == "未评分"
    # 63: not scored in 2025, 良好 in 2026: 1.07 × 0.8 = 0.856 → 0.86; 0.86 ÷ 1.07 = 80.37%.
    assert rows["63"][5:8] == ["1.07", "0.86", "80.37%"]
    assert rows["63"][8] == "—"  # no difference against an unscored year
    # 47: full marks in 2025 (15 分 of 一级四 over its 7 indicators: 2.14), unscored in 2026.
    assert rows["47"][2:8] == ["2.14", "2.14", "100.00%", "2.14", "未评分", "—"]


def test_totals_and_figures(leader_client, cycles):
    a, b = cycles
    response = leader_client.get(reverse("reports:compare"), {"a": a.pk, "b": b.pk})
    cmp = response.context["cmp"]
    fa, fb = cycle_results(a).final, cycle_results(b).final
    assert (cmp.results_a.final, cmp.results_b.final) == (fa, fb)
    assert cmp.total_diff == fb.total - fa.total == Decimal("2.98") - Decimal("8.82")
    figure = next(f for f in cmp.figures if f.number == 47)
    assert (figure.a, figure.b, figure.diff, figure.growth) == (
        Decimal("182000"),
        Decimal("196400"),
        Decimal("14400"),
        Decimal("7.91"),
    )
    # A ratio: 56 区总工会 建会入会率 3120/3680 = 84.78% → 3310/3720 = 88.98%.
    ratio = next(f for f in cmp.figures if f.number == 56 and f.label == "工会组建率")
    assert (ratio.a, ratio.b, ratio.growth) == (Decimal("84.78"), Decimal("88.98"), Decimal("4.95"))
    # 57 is only a draft this year: last year's values stand alone.
    assert {f.b for f in cmp.figures if f.number == 57} == {None}


def test_defaults_to_current_against_previous(leader_client, cycles):
    a, b = cycles
    response = leader_client.get(reverse("reports:compare"))
    assert (response.context["a"], response.context["b"]) == (a, b)


def test_bad_cycle_is_404(leader_client, cycles):
    for params in ({"a": "x"}, {"b": "999999"}):
        assert leader_client.get(reverse("reports:compare"), params).status_code == 404
        assert leader_client.get(reverse("reports:compare_download"), params).status_code == 404
    assert not ExportLog.objects.exists()


def test_queries_are_bounded(leader_client, cycles, django_assert_max_num_queries):
    a, b = cycles
    with django_assert_max_num_queries(25):
        page(leader_client, a, b)


# --- the workbook --------------------------------------------------------------------------------


def workbook(client, a, b):
    response = client.get(reverse("reports:compare_download"), {"a": a.pk, "b": b.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(response.content))


def test_download_equals_the_page_and_is_audited(leader_client, cycles):
    a, b = cycles
    wb = workbook(leader_client, a, b)
    assert wb.sheetnames == ["指标对比", "单位对比", "数据指标对比"]
    units = {r[0]: r for r in wb["单位对比"].iter_rows(min_row=FIRST_DATA_ROW, values_only=True)}
    for side, results in ((1, cycle_results(a)), (5, cycle_results(b))):
        for u in results.units:
            row = units[u.unit]
            assert Decimal(str(row[side])) == u.points_earned
            assert Decimal(str(row[side + 1])) == u.points_possible
            assert (row[side + 2] is None) == (u.rate is None)
            if u.rate is not None:
                assert Decimal(str(row[side + 2])) == u.rate
            assert row[side + 3] == "未完成评分"
    assert units["区人社局"][-2:] == (None, None)  # unlike is not compared with unlike
    indicators = list(wb["指标对比"].iter_rows(min_row=FIRST_DATA_ROW, values_only=True))
    assert len(indicators) == 80 + 2
    assert indicators[-1][1] == "总分"
    assert Decimal(str(indicators[-1][7])) == cycle_results(b).final.total
    banner = wb["指标对比"]["A1"].value
    assert "A：2025年度" in banner and "B：2026年度" in banner
    log = ExportLog.objects.get()
    assert log.kind == ExportKind.COMPARISON
    assert log.user.username == "leader"
    assert log.detail == {"a": a.pk, "b": b.pk, "a_name": "2025年度", "b_name": "2026年度"}


def test_user_strings_are_escaped_against_formula_injection(leader_client, cycles):
    a, b = cycles
    Unit.objects.filter(code="zgh").update(name="=HYPERLINK(1)区总工会")
    CycleIndicator.objects.filter(cycle=b, number=63).update(name="+SUM(A1)收入分配机制")
    wb = workbook(leader_client, a, b)
    units = [r[0] for r in wb["单位对比"].iter_rows(min_row=FIRST_DATA_ROW, values_only=True)]
    assert "'=HYPERLINK(1)区总工会" in units
    names = [r[2] for r in wb["指标对比"].iter_rows(min_row=FIRST_DATA_ROW, values_only=True)]
    assert "'+SUM(A1)收入分配机制" in names
    for ws in wb:
        for row in ws.iter_rows(min_row=FIRST_DATA_ROW):
            for cell in row:
                assert cell.data_type != "f", cell.coordinate


def test_reporters_cannot_download(client, cycles):
    a, b = cycles
    for name in ("rsj", "gzw_sh"):
        client.force_login(User.objects.get(username=name))
        for url in ("reports:compare", "reports:compare_download"):
            assert client.get(reverse(url), {"a": a.pk, "b": b.pk}).status_code == 404
    assert not ExportLog.objects.exists()


def test_selector_matches_cycle_results(cycles):
    a, b = cycles
    cmp = comparison.cycles_compare(a=a, b=b)
    assert [u.b for u in cmp.units if u.b] == cycle_results(b).units
    assert sorted((u.a for u in cmp.units if u.a), key=lambda r: r.unit) == sorted(
        cycle_results(a).units, key=lambda r: r.unit
    )
