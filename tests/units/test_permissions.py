"""The role predicates: every one answers from one read of the user's roles and unit, kept on
that user object only, so a change shows at the next request and never crosses users."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from units.models import Unit
from units.permissions import (
    user_is_leader,
    user_is_office,
    user_is_unit_approver,
    user_reads_everything,
    user_role_label,
    user_roles,
    user_unit,
)
from units.roles import Role
from units.services import user_assign_unit, user_set_roles

pytestmark = pytest.mark.django_db
User = get_user_model()


def fresh(user):
    """The user as the next request loads it (AuthenticationMiddleware reads it by pk)."""
    return User.objects.get(pk=user.pk)


def every_answer(user) -> dict:
    unit = user_unit(user)
    return {
        "roles": user_roles(user),
        "unit": unit.code if unit else None,
        "unit_name": unit.name if unit else None,
        "approver": unit is not None and user_is_unit_approver(user, unit),
        "office": user_is_office(user),
        "leader": user_is_leader(user),
        "reads_everything": user_reads_everything(user),
        "label": user_role_label(user),
    }


@pytest.fixture
def rsj_approver(make_user):
    return make_user("rsj_sh", unit="rsj", roles={Role.APPROVER})


def test_role_unit_and_approver_status_are_one_query(rsj_approver):
    user = fresh(rsj_approver)
    with CaptureQueriesContext(connection) as queries:
        first = every_answer(user)
        again = every_answer(user)
    assert len(queries) == 1
    assert (
        first
        == again
        == {
            "roles": {Role.APPROVER},
            "unit": "rsj",
            "unit_name": "区人社局",
            "approver": True,
            "office": False,
            "leader": False,
            "reads_everything": False,
            "label": "单位审核人",
        }
    )


def test_the_unit_read_with_the_roles_is_a_real_unit(rsj_reporter):
    unit = user_unit(fresh(rsj_reporter))
    assert unit == Unit.objects.get(code="rsj")
    assert unit.is_member is True and unit.is_active is True
    assert not unit._state.adding  # saving it would update, not insert


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("office_user", {"office": True, "leader": False, "unit": None, "label": "区产改办评审"}),
        ("leader_user", {"office": False, "leader": True, "unit": None, "label": "领导"}),
        ("admin_user", {"office": True, "leader": False, "unit": None, "label": "系统管理员"}),
        ("rsj_reporter", {"office": False, "leader": False, "unit": "rsj", "label": "单位填报人"}),
    ],
)
def test_each_persona_in_one_query(request, persona, expected):
    user = fresh(request.getfixturevalue(persona))
    with CaptureQueriesContext(connection) as queries:
        answers = every_answer(user)
    assert len(queries) == 1
    assert {key: answers[key] for key in expected} == expected


def test_a_user_without_roles_or_unit(make_user):
    user = fresh(make_user("newcomer"))
    assert every_answer(user)["label"] == "未分配角色"
    assert user_unit(user) is None and user_roles(user) == frozenset()


def test_an_approver_of_another_unit_is_no_approver_here(make_user):
    gzw = fresh(make_user("gzw_sh", unit="gzw", roles={Role.APPROVER}))
    assert user_is_unit_approver(gzw, Unit.objects.get(code="gzw"))
    assert not user_is_unit_approver(gzw, Unit.objects.get(code="rsj"))


def test_anonymous_users_need_no_query():
    from django.contrib.auth.models import AnonymousUser

    with CaptureQueriesContext(connection) as queries:
        answers = every_answer(AnonymousUser())
    assert len(queries) == 0
    assert answers["roles"] == frozenset() and answers["unit"] is None and answers["label"] == ""


def test_two_users_never_share_an_answer(rsj_reporter, zgh_reporter, office_user):
    """Interleaved reads of several users each get their own roles and unit."""
    rsj, zgh, office = fresh(rsj_reporter), fresh(zgh_reporter), fresh(office_user)
    assert user_unit(rsj).code == "rsj"
    assert user_unit(zgh).code == "zgh"
    assert user_is_office(office) and user_unit(office) is None
    assert not user_is_office(rsj) and not user_is_office(zgh)
    assert user_unit(rsj).code == "rsj" and user_unit(zgh).code == "zgh"


def test_a_change_shows_on_the_next_load(rsj_reporter):
    before = fresh(rsj_reporter)
    assert not user_is_office(before)
    user_set_roles(user=rsj_reporter, roles={Role.OFFICE})
    user_assign_unit(user=rsj_reporter, unit=Unit.objects.get(code="zgh"))
    after = fresh(rsj_reporter)
    assert user_is_office(after) and user_unit(after).code == "zgh"


def test_a_change_through_the_services_shows_on_the_same_object(rsj_reporter):
    """A service that changes the user's groups or unit drops the snapshot it may have read."""
    user = fresh(rsj_reporter)
    assert user_unit(user).code == "rsj" and not user_is_office(user)
    user_set_roles(user=user, roles={Role.OFFICE, Role.REPORTER})
    assert user_is_office(user)
    user_assign_unit(user=user, unit=Unit.objects.get(code="zgh"))
    assert user_unit(user).code == "zgh"
    user_assign_unit(user=user, unit=None)
    assert user_unit(user) is None
