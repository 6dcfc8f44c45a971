import pytest

from .support import open_cycle_create


@pytest.fixture
def open_cycle(db):
    """2026年度, opened 10 days ago, deadline in 20 days."""
    return open_cycle_create()
