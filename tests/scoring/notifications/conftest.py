import pytest

from units.roles import Role


@pytest.fixture
def with_email():
    """with_email(user) -> the user, now with a work address."""

    def _set(user):
        user.email = f"{user.username}@fengtai.gov.cn"
        user.save(update_fields=["email"])
        return user

    return _set


@pytest.fixture
def rsj_approver(make_user):
    """区人社局's unit approver (单位审核人)."""
    return make_user("rsj_sh", unit="rsj", roles={Role.APPROVER})
