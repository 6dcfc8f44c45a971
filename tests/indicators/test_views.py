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
    assert "区人社局" in row and "区应急管理局" in row
    assert "区产改办" not in row  # not a member unit


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
