"""Fixtures shared by the cycle, scheme and results pages."""

from tests.scoring.cycle_fixtures import *  # noqa: F403
