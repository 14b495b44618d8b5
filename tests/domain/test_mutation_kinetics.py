"""Tumour-marker kinetics (clinical-rules.md section 3): edges the mutation run of
`thyref.domain.kinetics` left unpinned (docs/quality.md section 3, session 4).

"Warn when some thyroglobulin values were measured with TSH >= 0.1 mU/L on the same day":
with several TSH values on one day, any one at or above 0.1 mU/L makes that day
unsuppressed, whatever their order.
"""

from __future__ import annotations

import pytest

from .conftest import lab, make_case, run

# thyroglobulin 10, 20, 40, 80 ng/mL every 100 days from 2010-01-01 (doubling 100 days)
TG = [
    lab("2010-01-01", "thyroglobulin", 10, "ng/mL"),
    lab("2010-04-11", "thyroglobulin", 20, "ng/mL"),
    lab("2010-07-20", "thyroglobulin", 40, "ng/mL"),
    lab("2010-10-28", "thyroglobulin", 80, "ng/mL"),
]


@pytest.mark.parametrize(
    ("tsh", "warnings"),
    [
        # 0.5 then 0.05 mU/L on the day of the 2nd Tg: the 0.5 reaches 0.1 -> warning
        ([0.5, 0.05], ["tsh_not_suppressed"]),
        # the same two values the other way round -> warning
        ([0.05, 0.5], ["tsh_not_suppressed"]),
        # 0.05 and 0.09: both below 0.1 -> suppressed, no warning
        ([0.05, 0.09], []),
    ],
)
def test_several_tsh_values_on_one_day(tsh: list[float], warnings: list[str]) -> None:
    labs = TG + [lab("2010-04-11", "tsh", value, "mU/L") for value in tsh]
    out = run(make_case(labs=labs))["kinetics"]["thyroglobulin"]
    assert out["warnings"] == warnings
    # a warning does not change the figure: rising, doubling every 100 days
    assert out["status"] == "rising"
    assert out["doubling_time_days"] == pytest.approx(100.0, abs=0.051)


def test_same_day_values_are_kept_in_value_order_in_the_series() -> None:
    # 25 then 20 ng/mL on 2010-04-11: both are kept (none averaged: that would hide a
    # typing error), between the days before and after, smaller first: the order given
    # within a day must not show (labs are read by date; the least-squares fit has no
    # order), so 20 then 25 in either input order
    same_day = [lab("2010-04-11", "thyroglobulin", 25, "ng/mL"), TG[1]]
    for labs in ([TG[0], *same_day, *TG[2:]], [TG[0], *reversed(same_day), *TG[2:]]):
        out = run(make_case(labs=labs))["kinetics"]["thyroglobulin"]
        assert out["series"] == [
            ["2010-01-01", 10.0],
            ["2010-04-11", 20.0],
            ["2010-04-11", 25.0],
            ["2010-07-20", 40.0],
            ["2010-10-28", 80.0],
        ]
