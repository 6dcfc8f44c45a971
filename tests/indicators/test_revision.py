"""The catalogue page's body is cached per catalogue revision: a change shows on the next
request, nothing of one user reaches another, and a failing cache does not fail the page."""

from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse

from indicators import revision
from indicators.models import Indicator, Responsibility
from units.models import Unit

pytestmark = pytest.mark.django_db

URL = reverse("indicators:catalogue")


def _html(client, **params) -> str:
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def test_a_renamed_unit_shows_on_the_next_request(client, rsj_reporter):
    client.force_login(rsj_reporter)
    assert "区人社局" in _html(client)
    assert "区人社局" in _html(client, unit="rsj")
    unit = Unit.objects.get(code="rsj")
    unit.name = "区人力资源和社会保障局"
    unit.save()
    for params in ({}, {"unit": "rsj"}):
        html = _html(client, **params)
        assert "区人力资源和社会保障局" in html
        assert "区人社局" not in html


def test_an_edited_indicator_and_responsibility_show_on_the_next_request(client, rsj_reporter):
    client.force_login(rsj_reporter)
    _html(client)
    indicator = Indicator.objects.get(number=14)
    indicator.name = "改过的指标名称"
    indicator.save()
    assert "改过的指标名称" in _html(client)
    assert 'id="indicator-14"' not in _html(client, unit="rsj")  # not 区人社局's yet
    Responsibility.objects.create(
        indicator=indicator, unit=Unit.objects.get(code="rsj"), position=9
    )
    row = _html(client, unit="rsj").split('id="indicator-14"')[1].split("</tr>")[0]
    assert '<li class="mine">区人社局 <span class="tag">配合</span></li>' in row


def test_a_unit_leaving_the_members_changes_the_counts(client, rsj_reporter):
    client.force_login(rsj_reporter)
    assert "各成员单位（10 个单位）" in _html(client)
    unit = Unit.objects.get(code="rsj")
    unit.is_member = False
    unit.save()
    assert "各成员单位（9 个单位）" in _html(client)


def test_catalogue_changed_and_loaddata_give_a_new_revision(office_user):
    from common.signals import catalogue_changed

    first = revision.catalogue_revision()
    catalogue_changed.send(sender=None, actor=office_user)
    second = revision.catalogue_revision()
    call_command("loaddata", "catalogue", verbosity=0)
    assert len({first, second, revision.catalogue_revision()}) == 3


def test_nothing_of_one_user_is_cached_for_another(client, rsj_reporter, zgh_reporter):
    client.force_login(rsj_reporter)
    assert '<span class="who">rsj</span>' in _html(client)
    client.force_login(zgh_reporter)
    html = _html(client)
    assert '<span class="who">zgh</span>' in html and '<span class="who">rsj' not in html
    assert 'class="mine"' not in html  # no unit filter: nobody's units are highlighted


def test_a_failing_cache_still_renders_the_page(client, rsj_reporter):
    client.force_login(rsj_reporter)
    with (
        mock.patch("indicators.revision.cache.get", side_effect=ConnectionError("down")),
        mock.patch("indicators.revision.cache.set", side_effect=ConnectionError("down")),
    ):
        assert "共 80 个三级指标" in _html(client)


def test_a_search_is_not_cached_and_reads_the_catalogue(client, rsj_reporter):
    client.force_login(rsj_reporter)
    with mock.patch("indicators.revision.cache.set") as cache_set:
        assert "共 1 个三级指标" in _html(client, q="纳入当地国民经济")
        _html(client, unit="nope")
    cache_set.assert_not_called()
