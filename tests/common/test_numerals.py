import doctest

import pytest

from common import numerals
from common.numerals import chinese_numeral, parse_chinese_numeral


def test_doctests():
    assert doctest.testmod(numerals).failed == 0


@pytest.mark.parametrize("n", range(1, 100))
def test_round_trip(n):
    assert parse_chinese_numeral(chinese_numeral(n)) == n


@pytest.mark.parametrize("bad", ["", "百", "1", "十十一"])
def test_rejects_non_numerals(bad):
    with pytest.raises(ValueError):
        parse_chinese_numeral(bad)
