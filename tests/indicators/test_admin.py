"""The office's admin for the indicator table: Chinese, filterable by 责任单位, no N+1."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from indicators.models import Indicator, Level1, Level2
from units.models import Unit

pytestmark = pytest.mark.django_db

INDICATORS = reverse("admin:indicators_indicator_changelist")

# Indicators naming 区人社局 in the seed; the 20 各成员单位 indicators add 13 more.
RSJ_NAMED = {15, 16, 32, 33, 34, 37, 38, 39, 40, 41, 44, 47, 48, 49, 50, 51, 52, 53}
RSJ_NAMED |= {59, 63, 64, 65, 66, 67, 68, 73, 74}


def listed_numbers(response) -> set[int]:
    return {indicator.number for indicator in response.context["cl"].result_list}


def all_members_numbers() -> set[int]:
    return set(
        Indicator.objects.filter(member_scope="all_members").values_list("number", flat=True)
    )


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:index",
        "admin:units_unit_changelist",
        "admin:indicators_level1_changelist",
        "admin:indicators_level2_changelist",
        "admin:indicators_indicator_changelist",
        "admin:indicators_responsibility_changelist",
        "admin:indicators_indicator_import",
        "admin:indicators_indicator_export",
        "admin:indicators_responsibility_import",
        "admin:units_unit_import",
    ],
)
def test_office_opens_admin_pages(client, office_user, url_name):
    client.force_login(office_user)
    assert client.get(reverse(url_name)).status_code == 200


def test_office_opens_change_pages_with_inlines(client, office_user):
    client.force_login(office_user)
    indicator = Indicator.objects.get(number=16)
    level2 = Level2.objects.get(number=18)

    indicator_page = client.get(reverse("admin:indicators_indicator_change", args=[indicator.pk]))
    level2_page = client.get(reverse("admin:indicators_level2_change", args=[level2.pk]))

    assert indicator_page.status_code == 200
    assert "区教委" in indicator_page.content.decode()  # its 责任分工 inline
    assert level2_page.status_code == 200
    assert level2_page.content.decode().count("indicators/indicator/") >= 7  # links to its 7


def test_admin_index_is_chinese(client, office_user):
    client.force_login(office_user)
    html = client.get(reverse("admin:index")).content.decode()
    assert "<title>管理首页 | 产改考核管理后台</title>" in html
    assert "考核指标" in html and "三级指标" in html


def test_indicator_changelist_columns(client, office_user):
    client.force_login(office_user)
    response = client.get(INDICATORS)
    html = response.content.decode()
    assert [spec.title for spec in response.context["cl"].filter_specs] == [
        "一级指标",
        "二级指标",
        "责任单位",
    ]
    for header in ("序号", "三级指标", "二级指标", "一级指标", "责任单位", "成员单位范围"):
        assert header in html
    assert "区发改委、各成员单位" in html  # indicator 1's 责任单位
    assert "一、组织领导" in html and "（一）顶层设计" in html
    assert "导入" in html and "导出" in html


def test_filter_by_level1(client, office_user):
    client.force_login(office_user)
    level1 = Level1.objects.get(number=1)
    response = client.get(INDICATORS, {"level2__level1__id__exact": level1.pk})
    assert listed_numbers(response) == set(range(1, 18))


def test_filter_by_level2(client, office_user):
    client.force_login(office_user)
    level2 = Level2.objects.get(number=18)
    response = client.get(INDICATORS, {"level2__id__exact": level2.pk})
    assert len(listed_numbers(response)) == 7
    assert all(i.level2_id == level2.pk for i in response.context["cl"].result_list)


def test_filter_by_member_unit_includes_all_members_indicators(client, office_user):
    client.force_login(office_user)
    response = client.get(INDICATORS, {"unit": "rsj"})
    assert "责任单位" in response.content.decode()
    assert listed_numbers(response) == RSJ_NAMED | all_members_numbers()
    assert len(listed_numbers(response)) == 40


def test_filter_by_office_shows_only_its_named_indicators(client, office_user):
    """区产改办 is not a member unit, so 各成员单位 does not reach it."""
    client.force_login(office_user)
    response = client.get(INDICATORS, {"unit": "cgb"})
    numbers = listed_numbers(response)
    assert len(numbers) == 17
    assert numbers == set(
        Indicator.objects.filter(responsibilities__unit__code="cgb").values_list(
            "number", flat=True
        )
    )


def test_filters_combine(client, office_user):
    client.force_login(office_user)
    level1 = Level1.objects.get(number=1)
    response = client.get(INDICATORS, {"unit": "cgb", "level2__level1__id__exact": level1.pk})
    assert listed_numbers(response) == {2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("十四五", {1}),  # in 指标具体内涵
        ("配套政策", {52}),  # the 三级指标 name
    ],
)
def test_search_by_text(client, office_user, q, expected):
    client.force_login(office_user)
    assert listed_numbers(client.get(INDICATORS, {"q": q})) == expected


def test_search_by_number(client, office_user):
    client.force_login(office_user)
    assert 52 in listed_numbers(client.get(INDICATORS, {"q": "52"}))


def test_indicator_changelist_queries_are_bounded(
    client, office_user, django_assert_max_num_queries
):
    client.force_login(office_user)
    with django_assert_max_num_queries(16):
        response = client.get(INDICATORS)
    assert len(response.context["cl"].result_list) == 80
    with django_assert_max_num_queries(16):
        client.get(INDICATORS, {"unit": "rsj"})


def test_responsibility_changelist(client, office_user):
    client.force_login(office_user)
    url = reverse("admin:indicators_responsibility_changelist")
    level1 = Level1.objects.get(number=1)
    cgb = Unit.objects.get(code="cgb")
    response = client.get(url, {"unit__id__exact": cgb.pk})
    html = response.content.decode()
    assert "牵头/配合" in html
    assert {(r.unit_id, r.role_label) for r in response.context["cl"].result_list} == {
        (cgb.pk, "牵头")
    }
    filtered = client.get(url, {"indicator__level2__level1__id__exact": level1.pk})
    assert {r.indicator.level2.level1_id for r in filtered.context["cl"].result_list} == {level1.pk}
    searched = client.get(url, {"q": "区人社局"})
    assert {r.unit.code for r in searched.context["cl"].result_list} == {"rsj"}


def test_office_cannot_delete_or_add_indicators(client, office_user):
    client.force_login(office_user)
    indicator = Indicator.objects.get(number=1)
    assert client.get(reverse("admin:indicators_indicator_add")).status_code == 403
    delete = reverse("admin:indicators_indicator_delete", args=[indicator.pk])
    assert client.get(delete).status_code == 403


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:index",
        "admin:indicators_indicator_changelist",
        "admin:indicators_responsibility_import",
    ],
)
def test_reporter_is_sent_to_admin_login(client, rsj_reporter, url_name):
    client.force_login(rsj_reporter)
    url = reverse(url_name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_import_and_export_need_change_permission(client, make_user):
    viewer = make_user("viewer", is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(content_type__app_label="indicators", codename="view_indicator")
    )
    client.force_login(viewer)

    changelist = client.get(INDICATORS)

    assert changelist.status_code == 200
    html = changelist.content.decode()
    assert reverse("admin:indicators_indicator_import") not in html
    assert reverse("admin:indicators_indicator_export") not in html
    assert client.get(reverse("admin:indicators_indicator_import")).status_code == 403
    assert client.get(reverse("admin:indicators_indicator_export")).status_code == 403
