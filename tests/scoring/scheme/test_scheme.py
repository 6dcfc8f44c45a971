"""考核方案: points and methods edited in one POST while 准备中, totals, and the freeze."""

from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import Indicator
from scoring.cycles.services import cycle_open
from scoring.models import (
    CycleAction,
    CycleEvent,
    CycleIndicator,
    CycleStatus,
    GradeLevel,
    ScoringMethod,
)
from tests.scoring.cycle_fixtures import flashed, shown

pytestmark = pytest.mark.django_db


def _url(cycle) -> str:
    return reverse("scoring:cycle_scheme", args=[cycle.pk])


def _items(cycle) -> list[CycleIndicator]:
    return list(CycleIndicator.objects.filter(cycle=cycle).order_by("number"))


def _post_data(cycle, **by_number) -> dict:
    """The whole form as the page posts it, with {number: (points, method)} changed."""
    changed = {int(number): values for number, values in by_number.items()}
    data = {}
    for item in _items(cycle):
        points, method = changed.get(item.number, (str(item.points), item.method))
        data[f"p_{item.pk}"] = points
        data[f"m_{item.pk}"] = method
    return data


def _scheme_events(cycle):
    return CycleEvent.objects.filter(cycle=cycle, action=CycleAction.SCHEME_CHANGED)


def _state(cycle):
    return [(i.points, i.method) for i in _items(cycle)], _scheme_events(cycle).count()


def test_the_page_groups_the_80_indicators_under_their_levels(office, preparing):
    page = office.get(_url(preparing)).content.decode()
    assert page.count('<tr id="indicator-') == 80
    assert page.count('class="level1"') == 7
    assert page.count("data-level2=") == 25
    assert "一、组织领导" in page and "（一）顶层设计" in page
    assert "纳入当地国民经济和社会发展规划" in page


def test_one_post_saves_every_changed_row_through_the_service(office, office_user, preparing):
    data = _post_data(
        preparing,
        **{"1": ("2", ScoringMethod.GRADE), "2": ("3.5", ScoringMethod.DEDUCT)},
    )
    # "0.00" for a stored 0 is the same number: not a change.
    data[f"p_{_items(preparing)[2].pk}"] = "0.00"

    response = office.post(_url(preparing), data)

    assert response["Location"] == _url(preparing)
    assert flashed(response) == [("success", "已保存，修改了 2 项指标。")]
    items = {i.number: i for i in _items(preparing)}
    assert (items[1].points, items[1].method) == (Decimal("2"), ScoringMethod.GRADE)
    assert (items[2].points, items[2].method) == (Decimal("3.5"), ScoringMethod.DEDUCT)
    events = list(_scheme_events(preparing).order_by("id"))
    assert [(e.actor, e.data["indicator"]) for e in events] == [(office_user, 1), (office_user, 2)]
    assert events[1].data["old"] == {"points": "0.00", "method": "grade"}
    assert events[1].data["new"] == {"points": "3.5", "method": "deduct"}


def test_saving_an_unchanged_form_writes_nothing(office, preparing):
    response = office.post(_url(preparing), _post_data(preparing))
    assert flashed(response) == [("info", "没有修改。")]
    assert not _scheme_events(preparing).exists()


@pytest.mark.parametrize(
    ("points", "method", "message"),
    [
        ("-1", ScoringMethod.GRADE, "分值不能为负数。"),
        ("1.234", ScoringMethod.GRADE, "最多保留两位小数。"),
        ("十", ScoringMethod.GRADE, "请填写数字。"),
        ("", ScoringMethod.GRADE, "请填写。"),
        ("10000", ScoringMethod.GRADE, "不能超过 9999.99。"),
        ("2", "bonus", "评分方法无效。"),
    ],
)
def test_a_bad_cell_saves_nothing_and_says_which(office, preparing, points, method, message):
    before = _state(preparing)
    data = _post_data(preparing, **{"1": ("5", ScoringMethod.GRADE), "7": (points, method)})

    response = office.post(_url(preparing), data)

    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "填写有误，请按提示修改后再保存。未保存任何修改。" in page
    assert _state(preparing) == before


def test_the_totals_warning_stays_until_the_total_equals_100(office, preparing):
    page = office.get(_url(preparing))
    assert (
        "各三级指标分值合计为 <strong>0</strong> 分，与本周期总分 <strong>100</strong> 分不一致（少 100 分）"
        in page.content.decode()
    )

    # 80 × 1.25 = 100.
    office.post(
        _url(preparing), _post_data(preparing, **{str(n): ("1.25", "grade") for n in range(1, 81)})
    )
    page = office.get(_url(preparing)).content.decode()
    assert 'id="balance-warning"' not in page
    assert '<strong id="scheme-total">100</strong>' in page
    # 一、组织领导 has indicators 1–17: 17 × 1.25 = 21.25; （一）顶层设计 has 1–3: 3.75.
    assert 'data-level1="1">21.25 分' in page
    assert 'data-level2="1">3.75 分' in page

    office.post(_url(preparing), _post_data(preparing, **{"80": ("2", "grade")}))
    page = office.get(_url(preparing)).content.decode()
    assert "合计为 <strong>100.75</strong> 分" in page and "（多 0.75 分）" in page


def test_once_open_the_scheme_is_frozen(office, preparing):
    cycle_open(cycle=preparing)
    before = _state(preparing)

    response = office.post(_url(preparing), _post_data(preparing, **{"1": ("5", "deduct")}))

    assert flashed(response) == [
        ("error", "考核周期“2026年度”当前为“填报中”，考核方案已冻结，不能修改。")
    ]
    assert _state(preparing) == before
    page = office.get(_url(preparing)).content.decode()
    assert 'id="frozen-notice"' in page
    assert f'name="p_{_items(preparing)[0].pk}"' not in page
    assert "保存分值与评分方法" not in page


def test_frozen_settings_and_grade_levels_are_refused_too(office, preparing):
    cycle_open(cycle=preparing)
    frozen = "考核周期“2026年度”当前为“填报中”，考核方案已冻结，不能修改。"
    levels = list(GradeLevel.objects.filter(cycle=preparing).values_list("name", "share"))

    settings = office.post(
        reverse("scoring:cycle_settings", args=[preparing.pk]),
        {"total_points": "90", "bonus_cap": "5", "lead_weight": ""},
    )
    grades = office.post(
        reverse("scoring:cycle_grade_levels", args=[preparing.pk]),
        {"name_0": "优秀", "share_0": "100", "name_1": "一般", "share_1": "50"},
    )

    assert flashed(settings) == [("error", frozen)]
    assert flashed(grades)[-1] == ("error", frozen)
    preparing.refresh_from_db()
    assert preparing.total_points == 100
    assert list(GradeLevel.objects.filter(cycle=preparing).values_list("name", "share")) == levels


def test_catalogue_edits_after_opening_leave_the_cycle_alone(office, preparing):
    indicator = Indicator.objects.get(number=5)
    indicator.name = "开启前改过的名称"
    indicator.save()
    cycle_open(cycle=preparing)  # opening copies the catalogue once more, then freezes it
    assert CycleIndicator.objects.get(cycle=preparing, number=5).name == "开启前改过的名称"

    indicator.name = "开启后改过的名称"
    indicator.content = "开启后改过的内涵"
    indicator.save()
    indicator.responsibilities.filter(position=1).delete()

    item = CycleIndicator.objects.get(cycle=preparing, number=5)
    assert (item.name, item.responsibility) == ("开启前改过的名称", "区产改办、各成员单位")
    assert item.content != "开启后改过的内涵"
    page = office.get(_url(preparing)).content.decode()
    assert "开启前改过的名称" in page and "开启后改过的名称" not in page


def test_settings_are_saved_with_an_audit_event(office, office_user, preparing):
    response = office.post(
        reverse("scoring:cycle_settings", args=[preparing.pk]),
        {"total_points": "90", "bonus_cap": "3", "lead_weight": "0.6"},
    )
    assert flashed(response) == [("success", "已保存周期设置。")]
    preparing.refresh_from_db()
    assert (preparing.total_points, preparing.bonus_cap, preparing.lead_weight) == (
        Decimal("90"),
        Decimal("3"),
        Decimal("0.6"),
    )
    event = _scheme_events(preparing).get()
    assert event.actor == office_user
    assert event.data["settings"]["old"] == {
        "total_points": "100.00",
        "bonus_cap": "5.00",
        "lead_weight": None,
    }
    assert event.data["settings"]["new"] == {
        "total_points": "90",
        "bonus_cap": "3",
        "lead_weight": "0.6",
    }
    page = office.get(_url(preparing)).content.decode()
    assert "与本周期总分 <strong>90</strong> 分不一致" in page


def test_a_lead_weight_above_one_is_refused(office, preparing):
    response = office.post(
        reverse("scoring:cycle_settings", args=[preparing.pk]),
        {"total_points": "100", "bonus_cap": "5", "lead_weight": "1.5"},
    )
    assert flashed(response) == [("error", "牵头单位权重应在 0 至 1 之间，或留空。")]
    preparing.refresh_from_db()
    assert preparing.lead_weight is None
    assert not _scheme_events(preparing).exists()


def test_grade_levels_are_replaced_in_percent(office, office_user, preparing):
    url = reverse("scoring:cycle_grade_levels", args=[preparing.pk])
    response = office.post(
        url,
        {
            "name_0": "好",
            "share_0": "100",
            "name_1": "较好",
            "share_1": "66.7",
            "name_2": "",
            "share_2": "",
            "name_3": "差",
            "share_3": "0",
        },
    )
    assert flashed(response) == [("success", "已保存评分档次。")]
    assert list(GradeLevel.objects.filter(cycle=preparing).values_list("name", "share")) == [
        ("好", Decimal("1")),
        ("较好", Decimal("0.667")),
        ("差", Decimal("0")),
    ]
    assert _scheme_events(preparing).get().actor == office_user

    duplicate = office.post(
        url, {"name_0": "好", "share_0": "100", "name_1": "好", "share_1": "50"}
    )
    # Messages not yet shown accumulate: the last one is this request's.
    assert flashed(duplicate)[-1] == ("error", "档次名称不能为空或重复。")
    missing = office.post(url, {"name_0": "好", "share_0": ""})
    assert flashed(missing)[-1] == ("error", "请填写“好”的得分比例。")
    assert GradeLevel.objects.filter(cycle=preparing).count() == 3


def test_the_detail_page_says_when_the_total_is_off(office, preparing):
    page = office.get(reverse("scoring:cycle_detail", args=[preparing.pk]))
    assert "开启填报前请核对考核方案" in page.content.decode()
    CycleIndicator.objects.filter(cycle=preparing).update(points=Decimal("1.25"))
    page = office.get(reverse("scoring:cycle_detail", args=[preparing.pk]))
    assert "开启填报前请核对考核方案" not in page.content.decode()
    assert shown(page) == []
    assert preparing.status == CycleStatus.PREPARING
