"""advisory_lock: on SQLite always granted; on PostgreSQL one holder at a time."""

import pytest
from django.db import connection

from common.locks import _key, advisory_lock


def test_the_key_is_stable_and_fits_a_bigint():
    assert _key("fengtai:send_reminders") == _key("fengtai:send_reminders")
    assert _key("a") != _key("b")
    assert -(2**63) <= _key("fengtai:send_reminders") < 2**63


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite behaviour")
def test_sqlite_has_no_one_to_share_with():
    with advisory_lock("x") as held, advisory_lock("x") as again:
        assert held and again
