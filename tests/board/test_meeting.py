"""The national board's calendar: per_month Thursdays a month (2 by default)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thyref.board.meeting import THURSDAY, meeting_days, national_dates


@pytest.mark.parametrize(
    ("start", "count", "per_month", "expected"),
    [
        # December 2026: Thursdays 3, 10, 17, 24, 31 -> the 1st and 3rd, then January's
        (date(2026, 11, 28), 3, 2, [date(2026, 12, 3), date(2026, 12, 17), date(2027, 1, 7)]),
        # starting on a board day keeps it
        (date(2026, 12, 17), 1, 2, [date(2026, 12, 17)]),
        # once a month: the first Thursday
        (date(2026, 12, 4), 2, 1, [date(2027, 1, 7), date(2027, 2, 4)]),
        # four times a month: every Thursday but a fifth one
        (date(2026, 12, 1), 5, 4,
         [date(2026, 12, 3), date(2026, 12, 10), date(2026, 12, 17), date(2026, 12, 24),
          date(2027, 1, 7)]),
    ],
)  # fmt: skip
def test_national_dates(start: date, count: int, per_month: int, expected: list[date]) -> None:
    assert national_dates(start, count, per_month) == expected


def test_per_month_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match="per_month"):
        meeting_days(2026, 12, 5)


@given(
    start=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)),
    count=st.integers(min_value=1, max_value=12),
    per_month=st.integers(min_value=1, max_value=4),
)
def test_calendar_properties(start: date, count: int, per_month: int) -> None:
    days = national_dates(start, count, per_month)
    assert len(days) == count
    assert days == sorted(set(days))
    assert all(d >= start and d.weekday() == THURSDAY for d in days)
    by_month: dict[tuple[int, int], int] = {}
    for d in days:
        by_month[(d.year, d.month)] = by_month.get((d.year, d.month), 0) + 1
    assert max(by_month.values()) <= per_month
    assert days[0] - start < timedelta(days=40)
