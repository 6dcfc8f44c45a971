"""The review pages exist only for the office: everyone else gets a 404, anonymous the login.

A refused POST changes nothing.
"""

import pytest
from django.urls import reverse

from scoring.models import SlotStatus
from units.roles import Role

from .conftest import state, submitted

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
NOT_OFFICE = ["rsj_reporter", "zgh_reporter", "rsj_approver", "gzw_approver", "leader_user"]


@pytest.fixture
def gzw_approver(make_user):
    return make_user("gzw_sh", unit="gzw", roles={Role.APPROVER})


@pytest.fixture
def slot(cycle, rsj_reporter):
    return submitted(cycle, 63, "rsj", rsj_reporter, text="收入分配机制说明。")


def _requests(slot):
    """(method, url, data) for every review URL; each POST would succeed for the office."""
    expected = {"expected_status": SlotStatus.SUBMITTED, "expected_version": 1}
    return [
        ("get", reverse("scoring:review_queue"), {}),
        ("get", reverse("scoring:review_detail", args=[slot.pk]), {}),
        ("post", reverse("scoring:review_approve", args=[slot.pk]), expected),
        ("post", reverse("scoring:review_return", args=[slot.pk]), {**expected, "reason": "补"}),
        ("post", reverse("scoring:review_score", args=[slot.pk]), {**expected, "grade": "优秀"}),
        ("post", reverse("scoring:review_mark_na", args=[slot.pk]), {**expected, "reason": "无"}),
    ]


def test_anonymous_is_sent_to_the_login_page(client, slot):
    before = state(slot)
    for method, url, data in _requests(slot):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{LOGIN}?next=")
    assert state(slot) == before


@pytest.mark.parametrize("persona", NOT_OFFICE)
def test_everyone_but_the_office_gets_a_404(client, request, slot, persona):
    """The slot's own unit, another unit, unit approvers and leadership alike."""
    client.force_login(request.getfixturevalue(persona))
    before = state(slot)
    for method, url, data in _requests(slot):
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (persona, url)
        assert "收入分配机制说明" not in response.content.decode()
    assert state(slot) == before


@pytest.mark.parametrize("persona", ["office_user", "admin_user"])
def test_the_office_and_administrators_see_the_pages(client, request, slot, persona):
    client.force_login(request.getfixturevalue(persona))
    for method, url, _data in _requests(slot)[:2]:
        assert getattr(client, method)(url).status_code == 200


def test_get_on_an_action_is_refused(office_client, slot):
    response = office_client.get(reverse("scoring:review_approve", args=[slot.pk]))
    assert response.status_code == 405


def test_an_unknown_slot_is_a_404(office_client):
    assert office_client.get(reverse("scoring:review_detail", args=[999999])).status_code == 404
