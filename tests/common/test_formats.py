"""common.formats: one way to write a number and a time, on pages, in messages and in sheets."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone

from common.formats import (
    datetime_text,
    iso_datetime_text,
    num,
    pct,
    plain_decimal,
    timestamp_text,
)

# 2026-02-28 17:05 UTC is 2026-03-01 01:05 in Beijing: the date changes with the zone.
MOMENT = datetime(2026, 2, 28, 17, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("5.00"), "5"),
        (Decimal("2.50"), "2.5"),
        (Decimal("100"), "100"),  # normalize() alone would give 1E+2
        (Decimal("196400.0000"), "196400"),
        (Decimal("0.00"), "0"),
        ("7.10", "7.1"),
        (None, "—"),
    ],
)
def test_num(value, expected):
    assert num(value) == expected


def test_plain_decimal_keeps_the_value_and_drops_the_zeros():
    assert plain_decimal(Decimal("12.5000")) == Decimal("12.5")
    assert str(plain_decimal(Decimal("10.00"))) == "10"


def test_pct():
    assert pct(Decimal("0.8522")) == "85.22%"
    assert pct(None) == "—"


def test_times_are_beijing_time_whatever_the_active_zone():
    with timezone.override("UTC"):
        assert datetime_text(MOMENT) == "2026年3月1日 01:05"
        assert timestamp_text(MOMENT) == "2026-03-01 01:05"
        assert iso_datetime_text(MOMENT.isoformat()) == "2026年3月1日 01:05"


def test_iso_datetime_text_without_a_value():
    assert iso_datetime_text(None) == "—"
    assert iso_datetime_text("") == "—"


def test_template_filters_are_the_same_functions():
    rendered = Template(
        "{% load formats %}{{ p|num }} {{ r|pct }} {{ t|datetime_text }} {{ t|timestamp_text }}"
    ).render(Context({"p": Decimal("7.50"), "r": Decimal("0.5"), "t": MOMENT}))
    assert rendered == "7.5 50.00% 2026年3月1日 01:05 2026-03-01 01:05"
