"""The catalogue the product loads equals the district's table, character for character."""

import pytest
from django.core.management import call_command

from indicators.models import Indicator, Level1, Level2, MemberScope, Responsibility
from indicators.selectors import indicators_with_units, responsibility_text
from units.models import Unit

pytestmark = pytest.mark.django_db

UNIT_CODES = {
    "区发改委": "fgw",
    "区产改办": "cgb",
    "区委组织部": "zzb",
    "区国资委": "gzw",
    "区总工会": "zgh",
    "区委宣传部": "xcb",
    "区司法局": "sfj",
    "区人社局": "rsj",
    "区教委": "jw",
    "区财政局": "czj",
    "区科信局": "kxj",
    "区应急管理局": "yjj",
}


def test_counts_are_7_25_80():
    assert Level1.objects.count() == 7
    assert Level2.objects.count() == 25
    assert Indicator.objects.count() == 80


def test_every_indicator_equals_the_seed(seed_table):
    loaded = {i.number: i for i in indicators_with_units()}
    assert sorted(loaded) == [s.number for s in seed_table.indicators]
    for seed in seed_table.indicators:
        ind = loaded[seed.number]
        assert ind.name == seed.name, seed.number
        assert ind.content == seed.content, seed.number
        assert ind.level2.number == seed.level2_number
        assert ind.level2.name == seed.level2_name
        assert ind.level1.number == seed.level1_number
        assert ind.level1.name == seed.level1_name
        named = [r.unit.name for r in ind.responsibilities.all()]
        assert named == list(seed.units), seed.number
        assert MemberScope(ind.member_scope).label == (seed.scope or "无")
        assert responsibility_text(ind) == seed.responsibility, seed.number


def test_levels_read_as_the_table_writes_them():
    assert Level1.objects.get(number=1).label == "一、组织领导"
    assert Level1.objects.get(number=7).label == "七、社会评价"
    assert Level2.objects.get(number=1).label == "（一）顶层设计"
    assert Level2.objects.get(number=25).label == "（二十五）外部评价"
    assert (
        Level2.objects.get(number=7).name
        == "贯彻《关于加强和改进新时代产业工人队伍思想政治工作的意见》"
    )


def test_word_artifact_is_dropped_and_nothing_else():
    ind = Indicator.objects.get(number=4)
    assert "bookmark" not in ind.content
    assert ind.content.startswith("区委主要负责同志高度重视，就产改工作主持召开专题会议")
    assert not Indicator.objects.filter(content__contains="[").exists()


def test_full_width_punctuation_kept():
    assert Indicator.objects.get(number=1).content == "纳入当地国民经济和社会发展“十四五”规划"
    assert Indicator.objects.get(number=27).name == "“三种精神”阵地建设"
    assert Indicator.objects.get(number=35).name == "劳模和工匠人才创新工作室，工匠学院"


def test_scopes_and_named_units():
    assert Indicator.objects.filter(member_scope=MemberScope.ALL_MEMBERS).count() == 20
    assert list(
        Indicator.objects.filter(member_scope=MemberScope.DESIGNATED).values_list(
            "number", flat=True
        )
    ) == [52]
    # 区产改办 is named on 17 indicators, 区总工会 on 42.
    assert Responsibility.objects.filter(unit__code="cgb").count() == 17
    assert Responsibility.objects.filter(unit__code="zgh").count() == 42


def test_units_and_codes():
    assert dict(Unit.objects.values_list("name", "code")) == UNIT_CODES
    assert list(Unit.objects.filter(is_member=False).values_list("code", flat=True)) == ["cgb"]
    assert list(Unit.objects.values_list("code", flat=True)) == list(UNIT_CODES.values())


def test_units_named_in_the_seed_all_exist(seed_table):
    named = {u for s in seed_table.indicators for u in s.units}
    assert named == set(UNIT_CODES)


def test_loading_twice_changes_nothing():
    before = {
        model: list(model.objects.order_by("pk").values())
        for model in (Unit, Level1, Level2, Indicator, Responsibility)
    }
    call_command("loaddata", "catalogue", verbosity=0)
    call_command("loaddata", "catalogue", verbosity=0)
    after = {
        model: list(model.objects.order_by("pk").values())
        for model in (Unit, Level1, Level2, Indicator, Responsibility)
    }
    assert after == before


def test_fixture_builder_reproduces_the_committed_fixture(tmp_path, seed_table):
    """The committed fixture is exactly what the seed produces (nobody hand-edited it)."""
    from pathlib import Path

    from django.conf import settings

    from tests.conftest import SEED_PATH

    out = tmp_path / "catalogue.json"
    call_command("build_catalogue_fixture", str(SEED_PATH), output=str(out), verbosity=0)
    committed = Path(settings.BASE_DIR) / "fixtures" / "catalogue.json"
    assert out.read_text(encoding="utf-8") == committed.read_text(encoding="utf-8")
