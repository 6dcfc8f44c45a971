"""The seed parser reads the flattened Word table the way a person reads the printed one."""

import pytest

from indicators.seed import SeedFormatError, parse_seed, split_responsibility

MINI = (
    "附件1\n标题\n\t一级指标\n\t二级指标\n\t三级指标\n\t指标具体内涵\n\t责任单位\n\n"
    "\t一、组织领导\n\t（一）\n顶层设计\n\t1\n\t名称一\n\t[bookmark: _GoBack]内涵一\n\t区发改委、各成员单位\n\n"
    "\t\n\t\n\t2\n\t名称二\n\t内涵二\n\t区产改办\n\n"
    "\t一级指标\n\t二级指标\n\t三级指标\n\t指标具体内涵\n\t责任单位\n\n"
    "\t\n\t（二）贯彻《意见》\n\t3\n\t名称三\n\t内涵三\n\t区人社局、相关成员单位\n \n"
)


def test_parses_rows_merged_cells_and_repeated_headers():
    table = parse_seed(MINI)
    assert table.title == "标题"
    assert [i.number for i in table.indicators] == [1, 2, 3]
    first, second, third = table.indicators
    assert (first.level1_number, first.level1_name) == (1, "组织领导")
    assert (first.level2_number, first.level2_name) == (1, "顶层设计")
    assert first.content == "内涵一"
    assert first.units == ("区发改委",) and first.scope == "各成员单位"
    assert (second.level2_number, second.level1_number) == (1, 1)
    assert (third.level2_number, third.level2_name) == (2, "贯彻《意见》")
    assert third.scope == "相关成员单位"


def test_split_responsibility():
    assert split_responsibility("各成员单位") == ((), "各成员单位")
    assert split_responsibility("区人社局、区教委") == (("区人社局", "区教委"), "")
    with pytest.raises(SeedFormatError):
        split_responsibility("各成员单位、区人社局")


def test_rejects_a_row_with_missing_cells():
    bad = "附件1\n标题\n\t一、组织领导\n\t（一）顶层设计\n\t1\n\t名称\n\n"
    with pytest.raises(SeedFormatError):
        parse_seed(bad)


def test_the_real_seed(seed_table):
    assert len(seed_table.indicators) == 80
    assert len({i.level2_number for i in seed_table.indicators}) == 25
    assert len({i.level1_number for i in seed_table.indicators}) == 7
    assert (
        seed_table.title == "丰台区《新时期产业工人队伍建设改革方案》落实情况评价考核指标责任分工"
    )
