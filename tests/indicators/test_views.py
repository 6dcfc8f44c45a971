"""The catalogue page: the whole tree, searchable, filterable by unit, leads marked."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = reverse("indicators:catalogue")


def test_requires_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_whole_tree(client, rsj_reporter, django_assert_max_num_queries):
    client.force_login(rsj_reporter)
    with django_assert_max_num_queries(12):
        response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "共 80 个三级指标" in html
    assert "一、组织领导" in html and "七、社会评价" in html
    assert "（一）顶层设计" in html and "（二十五）外部评价" in html
    assert html.count('id="indicator-') == 80
    assert "纳入当地国民经济和社会发展“十四五”规划" in html


def test_lead_is_marked_and_members_expanded(client, rsj_reporter):
    client.force_login(rsj_reporter)
    response = client.get(URL, {"q": "纳入当地国民经济"})
    html = response.content.decode()
    assert "共 1 个三级指标" in html
    row = html[html.index('id="indicator-1"') :]
    row = row[: row.index("</tr>")]
    assert '区发改委 <span class="tag lead">牵头</span>' in row
    assert "各成员单位（10 个单位）" in row
    members = reverse("indicators:catalogue_members", args=[1])
    assert f'<a href="{members}">显示成员单位名单</a>' in row
    chips = client.get(members).content.decode()
    assert "区人社局" in chips and "区应急管理局" in chips
    assert chips.count('class="chip') == 10
    assert "区产改办" not in chips  # not a member unit
    assert "区发改委" not in chips  # already named, not counted twice
    assert "（牵头）" not in chips  # the named lead leads; the members support


def test_members_of_an_indicator_nobody_is_named_on_each_lead(client, rsj_reporter):
    """Indicator 3 names nobody but 各成员单位: each of the 11 member units leads its part."""
    client.force_login(rsj_reporter)
    chips = client.get(reverse("indicators:catalogue_members", args=[3])).content.decode()
    assert chips.count('class="chip') == 11
    assert chips.count("（牵头）") == 11


def test_members_fragment_marks_the_filtered_unit(client, rsj_reporter):
    client.force_login(rsj_reporter)
    html = client.get(URL, {"unit": "rsj"}).content.decode()
    members = reverse("indicators:catalogue_members", args=[1])
    assert f'href="{members}?unit=rsj"' in html
    chips = client.get(members, {"unit": "rsj"}).content.decode()
    assert '<span class="chip mine">区人社局</span>' in chips
    assert chips.count("mine") == 1


def test_members_fragment_requires_login_and_a_members_indicator(client, rsj_reporter):
    members = reverse("indicators:catalogue_members", args=[1])
    response = client.get(members)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    client.force_login(rsj_reporter)
    for number in (14, 52, 999):  # no scope, 相关成员单位, no such indicator
        url = reverse("indicators:catalogue_members", args=[number])
        assert client.get(url).status_code == 404


def test_filter_by_unit(client, rsj_reporter):
    client.force_login(rsj_reporter)
    response = client.get(URL, {"unit": "cgb"})
    assert "共 17 个三级指标（区产改办负责）" in response.content.decode()


def test_search_without_match_says_so(client, rsj_reporter):
    client.force_login(rsj_reporter)
    response = client.get(URL, {"q": "不存在的词语"})
    assert "没有符合条件的指标" in response.content.decode()


def test_unknown_unit_code_is_ignored_not_an_error(client, rsj_reporter):
    client.force_login(rsj_reporter)
    response = client.get(URL, {"unit": "nope"})
    assert response.status_code == 200
    assert "共 80 个三级指标" in response.content.decode()
