"""Numbers and dates as the reader writes them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thyref.board.text import human_date, num


@pytest.mark.parametrize(
    ("value", "lang", "places", "expected"),
    [
        (7.4, "fr", 2, "7,4"),  # decimal comma in French
        (27.75, "en", 2, "27.75"),
        (200.0, "fr", 1, "200"),  # no useless zero
        (564.49, "en", 0, "564"),
        (0.005, "en", 2, "0.01"),  # half up, as on paper
        (1000, "en", 2, "1000"),  # never 1E+3
        (0, "fr", 2, "0"),
    ],
)
def test_num(value: float, lang: str, places: int, expected: str) -> None:
    assert num(value, lang, places) == expected  # type: ignore[arg-type]


@given(st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False))
def test_num_french_is_english_with_a_comma(value: Decimal) -> None:
    english = num(str(value), "en")
    assert num(str(value), "fr") == english.replace(".", ",")
    assert Decimal(english) == value.quantize(Decimal("0.01"))


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("fr", "03/12/2026"), ("en", "3 December 2026")],
)
def test_human_date(lang: str, expected: str) -> None:
    assert human_date(date(2026, 12, 3), lang) == expected  # type: ignore[arg-type]
    assert human_date("2026-12-03", lang) == expected  # type: ignore[arg-type]
