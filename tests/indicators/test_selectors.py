"""各成员单位 / 相关成员单位 expand to concrete units, in order, without duplicates."""

import pytest

from indicators.selectors import (
    catalogue_search,
    indicator_responsible_units,
    indicators_with_units,
    member_units,
)
from units.models import Unit

pytestmark = pytest.mark.django_db

MEMBER_ORDER = ["fgw", "zzb", "gzw", "zgh", "xcb", "sfj", "rsj", "jw", "czj", "kxj", "yjj"]


def expand(number, **kwargs):
    indicator = indicators_with_units().get(number=number)
    return [
        (r.unit.code, r.is_lead, r.via_scope)
        for r in indicator_responsible_units(indicator=indicator, **kwargs)
    ]


def test_named_lead_then_every_other_member_unit():
    # 1: 区发改委、各成员单位 — 区发改委 leads; the other 10 member units support; 区产改办 is
    # not a member unit and is not added.
    assert expand(1) == [("fgw", True, False)] + [
        (code, False, True) for code in MEMBER_ORDER if code != "fgw"
    ]


def test_office_named_then_all_members():
    # 2: 区产改办、各成员单位
    result = expand(2)
    assert result[0] == ("cgb", True, False)
    assert [code for code, *_ in result[1:]] == MEMBER_ORDER
    assert len(result) == 12


def test_named_units_are_not_counted_twice():
    # 15: 区人社局、区教委、区财政局、各成员单位
    codes = [code for code, *_ in expand(15)]
    assert codes[:3] == ["rsj", "jw", "czj"]
    assert len(codes) == len(set(codes)) == 11
    assert set(codes) == set(MEMBER_ORDER)


def test_members_only_each_unit_leads_its_own_part():
    # 3: 各成员单位 — nobody is named, so every member unit leads its own slot.
    assert expand(3) == [(code, True, True) for code in MEMBER_ORDER]


def test_plain_list_keeps_seed_order():
    # 37: 区教委、区人社局、区发改委、区总工会
    assert expand(37) == [
        ("jw", True, False),
        ("rsj", False, False),
        ("fgw", False, False),
        ("zgh", False, False),
    ]


def test_designated_units_expand_only_when_designated():
    # 52: 区人社局、相关成员单位
    assert expand(52) == [("rsj", True, False)]
    designated = list(Unit.objects.filter(code__in=["zgh", "rsj", "jw"]).order_by("code"))
    assert expand(52, designated=designated) == [
        ("rsj", True, False),
        ("jw", False, True),
        ("zgh", False, True),
    ]


def test_a_new_member_unit_joins_every_all_members_indicator():
    Unit.objects.create(name="区卫健委", code="wjw", display_order=200)
    assert ("wjw", False, True) in expand(1)
    assert "wjw" not in [code for code, *_ in expand(37)]


def test_inactive_or_non_member_units_are_not_expanded():
    Unit.objects.filter(code="yjj").update(is_active=False)
    Unit.objects.filter(code="kxj").update(is_member=False)
    codes = [code for code, *_ in expand(3)]
    assert "yjj" not in codes and "kxj" not in codes


def test_expansion_needs_no_query_per_indicator(django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        members = member_units()
        total = sum(
            len(indicator_responsible_units(indicator=ind, members=members))
            for ind in indicators_with_units()
        )
    # 121 named responsibilities, plus what 各成员单位 adds (11 member units less those named):
    # 1 +10, 2 +11, 3 +11, 4–12 (区产改办, not a member) 9×11, 13 +11, 15 +8, 40 +10, 41 +10,
    # 53 +10, 65 +8, 66 +10, 67 +8 = 206.
    assert total == 121 + 206


def test_search_by_text_and_unit():
    assert [i.number for i in catalogue_search(q="工匠")] == [27, 29, 35, 36, 75]
    cgb = Unit.objects.get(code="cgb")
    assert catalogue_search(unit=cgb).count() == 17
    rsj = Unit.objects.get(code="rsj")
    # 27 named + the 各成员单位 indicators that do not name 区人社局 already.
    rsj_numbers = {i.number for i in catalogue_search(unit=rsj)}
    assert {38, 47, 63, 1, 3, 13} <= rsj_numbers
    assert 17 not in rsj_numbers
