"""Shared fixtures: the real catalogue (the same fixture the product loads) and named personas."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from indicators.seed import SeedTable, read_seed
from units.models import Unit
from units.roles import Role
from units.services import user_assign_unit, user_set_roles

SEED_PATH = Path(
    os.environ.get(
        "FENGTAI_SEED",
        Path(settings.BASE_DIR).parent / "shared" / "seeds" / "000_4e154a4d9cdc6803.txt",
    )
)
DEMO_PASSWORD = "Demo@2026"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the catalogue once; each test's transaction is rolled back over it."""
    with django_db_blocker.unblock():
        call_command("loaddata", "catalogue", "figure_defaults", verbosity=0)


@pytest.fixture(scope="session")
def seed_table() -> SeedTable:
    """The district's table parsed from ../shared/seeds, independent of the fixture."""
    if not SEED_PATH.exists():
        if os.environ.get("CI"):
            pytest.fail(f"seed file missing in CI: {SEED_PATH}")
        pytest.skip(f"seed file not present: {SEED_PATH}")
    return read_seed(SEED_PATH)


@pytest.fixture
def make_user(db):
    """make_user("rsj_clerk", unit="rsj", roles={Role.REPORTER}) -> a saved user."""

    def _make(username, *, unit=None, roles=(), is_staff=False, is_superuser=False):
        user = get_user_model().objects.create_user(
            username=username,
            password=DEMO_PASSWORD,
            is_staff=is_staff or is_superuser,
            is_superuser=is_superuser,
        )
        user_set_roles(user=user, roles=set(roles))
        if unit is not None:
            unit_obj = unit if isinstance(unit, Unit) else Unit.objects.get(code=unit)
            user_assign_unit(user=user, unit=unit_obj)
        return user

    return _make


@pytest.fixture
def office_user(make_user):
    return make_user("office", roles={Role.OFFICE}, is_staff=True)


@pytest.fixture
def leader_user(make_user):
    return make_user("leader", roles={Role.LEADER})


@pytest.fixture
def admin_user(make_user):
    return make_user("admin", is_superuser=True)


@pytest.fixture
def rsj_reporter(make_user):
    """区人社局's reporter."""
    return make_user("rsj", unit="rsj", roles={Role.REPORTER})


@pytest.fixture
def zgh_reporter(make_user):
    """区总工会's reporter."""
    return make_user("zgh", unit="zgh", roles={Role.REPORTER})


# SeaweedFS for the tests that run on both evidence storages (tests/s3server.py).
from tests.s3server import evidence_backend, s3_server  # noqa: E402,F401
