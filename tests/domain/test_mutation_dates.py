"""Calendar arithmetic (`thyref.domain.dates`).

``years_between`` is called by nothing in ``src/`` (dead code, docs/quality.md section 3);
it is tested here, from its docstring (days / 365.25), so that its mutants are decided
while it stays.
"""

from __future__ import annotations

from datetime import date

import pytest


@pytest.mark.parametrize(
    ("start", "end", "years"),
    [
        # four calendar years with one 29 February: 1,461 days = 4 x 365.25 exactly
        (date(2019, 1, 1), date(2023, 1, 1), 4.0),
        # the same span backwards: negative
        (date(2023, 1, 1), date(2019, 1, 1), -4.0),
        # the same day: 0
        (date(2020, 6, 1), date(2020, 6, 1), 0.0),
        # 2020 (leap, 366 days) and 2021 but its last day (364 days): 730 days
        (date(2020, 1, 1), date(2021, 12, 31), 730 / 365.25),
    ],
)
def test_years_between_counts_days_over_365_25(start: date, end: date, years: float) -> None:
    from thyref.domain.dates import years_between

    assert years_between(start, end) == pytest.approx(years, rel=1e-12, abs=1e-12)
