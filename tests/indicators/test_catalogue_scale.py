"""The catalogue's cost does not grow with the member units: the same queries, and each member
unit written into the page once, however many indicators say 各成员单位."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from units.models import Unit

pytestmark = pytest.mark.django_db

URL = reverse("indicators:catalogue")


def _members_add(count: int) -> list[Unit]:
    return [
        Unit.objects.create(
            name=f"扩展成员单位{i:03d}", code=f"ext{i:03d}", is_member=True, display_order=500 + i
        )
        for i in range(count)
    ]


def _queries(client, **params) -> int:
    assert client.get(URL, params).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, params).status_code == 200
    return len(captured)


def test_queries_do_not_grow_with_member_units(client, rsj_reporter):
    client.force_login(rsj_reporter)
    small = [_queries(client), _queries(client, unit="rsj"), _queries(client, q="成员")]
    _members_add(40)
    assert [_queries(client), _queries(client, unit="rsj"), _queries(client, q="成员")] == small


@pytest.mark.parametrize("params", [{}, {"unit": "ext001"}, {"q": "规划"}])
def test_each_member_unit_is_written_once(client, rsj_reporter, params):
    """Only the unit filter's option names a member unit: the 20 各成员单位 lists are not
    repeated in the page (they are loaded when opened)."""
    units = _members_add(30)
    client.force_login(rsj_reporter)
    html = client.get(URL, params).content.decode()
    for unit in units:
        # once in the unit filter, and once more in the heading when it is the filtered unit
        expected = 2 if params.get("unit") == unit.code else 1
        assert html.count(unit.name) == expected, unit.name
