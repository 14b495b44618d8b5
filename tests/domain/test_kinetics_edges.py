"""Kinetics at its edges (clinical-rules.md section 3), field by field.

Written to kill the mutants `make mutation` left alive: exact band edges, the whole
result of a series too short to fit, same-day points, the I-131 day itself, antibodies at
their upper limit, every warning by its code.
"""

from __future__ import annotations

import copy
import math
from datetime import date, timedelta
from decimal import Decimal

import pytest

from thyref.domain import parse_case
from thyref.domain.kinetics import Kinetics, evaluate, fit_log_linear
from thyref.domain.rules import load_rules

from .conftest import Json, lab, make_case, rai

START = date(2000, 1, 1)


def _kinetics(case: Json, last_rai: date | None = None) -> dict[str, Kinetics]:
    return evaluate(parse_case(copy.deepcopy(case)), load_rules(), last_rai)


def _day(n: int) -> str:
    return (START + timedelta(days=n)).isoformat()


@pytest.mark.parametrize(
    ("marker", "unit"),
    [
        ("thyroglobulin", "ng/mL"),
        ("calcitonin", "pg/mL"),
        ("cea", "ng/mL"),
    ],
)
def test_no_value_gives_an_empty_result(marker: str, unit: str) -> None:
    k = _kinetics(make_case())[marker]
    assert k == Kinetics(
        marker, "insufficient_data", 0, None, None, None, None, (), None, None, (), unit
    )


def test_too_few_points_keep_their_dates_and_unit() -> None:
    # 3 calcitonin points (fewer than 4), in ng/mL: 0.02 ng/mL = 20 pg/mL
    points = [(0, 0.02), (400, 0.04), (800, 0.08)]
    labs = [lab(_day(d), "calcitonin", v, "ng/mL") for d, v in points]
    k = _kinetics(make_case(histology="medullary", labs=labs))["calcitonin"]
    assert k == Kinetics(
        "calcitonin", "insufficient_data", 3, None, None, None, None, (),
        START, START + timedelta(days=800),
        ((START, 20.0), (START + timedelta(days=400), 40.0), (START + timedelta(days=800), 80.0)),
        "pg/mL",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("days", "status"),
    [
        ([0, 0, 0, 0], "insufficient_data"),  # one day only: no slope
        ([0, 0, 100, 100], "rising"),  # two distinct days are enough
        ([0, 0, 100, 200], "rising"),
    ],
)
def test_same_day_points(days: list[int], status: str) -> None:
    labs = [lab(_day(d), "thyroglobulin", 2 ** (d / 100), "ng/mL") for d in days]
    k = _kinetics(make_case(labs=labs))["thyroglobulin"]
    assert (k.status, k.points) == (status, 4)


def _exact(marker: str, unit: str, step: int, doublings: int) -> list[Json]:
    """5 points `step` days apart from 1975, each `doublings` doublings above the last."""
    first = date(1975, 1, 1)
    return [
        lab((first + timedelta(days=i * step)).isoformat(), marker, 2.0 ** (i * doublings), unit)
        for i in range(5)
    ]


@pytest.mark.parametrize(
    ("marker", "step", "doublings", "band"),
    [
        # doubling exactly 1 year (1461 days / 4): "1-3 years" includes 1
        ("thyroglobulin", 1461, 4, "1y_to_3y"),
        # exactly 3 years (4383 days / 4): ">= 3 years"
        ("thyroglobulin", 4383, 4, "ge_3y"),
        # exactly 6 months (1461 days / 8 = 182.625 days): "6-24 months" includes 6
        ("calcitonin", 1461, 8, "6m_to_24m"),
        # exactly 24 months (1461 days / 2 = 730.5 days): still "6-24 months", > 24 is beyond
        ("calcitonin", 1461, 2, "6m_to_24m"),
    ],
)
def test_band_edges_exactly(marker: str, step: int, doublings: int, band: str) -> None:
    unit = "ng/mL" if marker == "thyroglobulin" else "pg/mL"
    case = make_case(diagnosis_date="1974-06-01", labs=_exact(marker, unit, step, doublings))
    k = _kinetics(case)[marker]
    assert k.doubling_time_days == pytest.approx(step / doublings, abs=0.06)  # 365.25 -> 365.2
    assert k.band == band


def test_values_on_the_day_of_the_iodine_are_left_out() -> None:
    # thyroglobulin after the last I-131 only: a value on the I-131 day itself is before
    labs = [lab(_day(d), "thyroglobulin", 2 ** (d / 100), "ng/mL") for d in (0, 100, 200, 300)]
    labs.append(lab(_day(0), "tg_antibodies", 100, "IU/mL", positive=True))
    case = make_case(labs=labs, rai=[rai(_day(0), 100)])
    k = _kinetics(case, last_rai=START)["thyroglobulin"]
    assert k.points == 3  # day 0 left out
    assert k.status == "insufficient_data"
    assert k.warnings == ()  # the antibodies of the I-131 day are outside the window


def test_antibodies_at_their_upper_limit_are_not_positive() -> None:
    labs = [lab(_day(d), "thyroglobulin", 2 ** (d / 100), "ng/mL") for d in (0, 100, 200, 300)]
    at_limit = [*labs, lab(_day(50), "tg_antibodies", 40, "IU/mL", upper_limit=40)]
    above = [*labs, lab(_day(50), "tg_antibodies", 41, "IU/mL", upper_limit=40)]
    assert _kinetics(make_case(labs=at_limit))["thyroglobulin"].status == "rising"
    k = _kinetics(make_case(labs=above))["thyroglobulin"]
    assert (k.status, k.warnings) == ("unreliable", ("tg_antibodies_positive",))
    assert k.doubling_time_days == pytest.approx(100.0, abs=0.05)  # still reported


def test_antibodies_without_thyroglobulin_are_still_warned() -> None:
    case = make_case(labs=[lab(_day(0), "tg_antibodies", 100, "IU/mL", positive=True)])
    k = _kinetics(case)["thyroglobulin"]
    assert (k.status, k.points, k.warnings) == (
        "insufficient_data",
        0,
        ("tg_antibodies_positive",),
    )


def test_every_warning_by_its_code() -> None:
    # below detection + TSH 0.2 on a Tg day; calcitonin over one year: short span
    labs = [lab(_day(d), "thyroglobulin", 2 ** (d / 100), "ng/mL") for d in (0, 100, 200, 300)]
    labs.append(lab(_day(400), "thyroglobulin", 0.1, "ng/mL", below_detection=True))
    labs.append(lab(_day(100), "tsh", 0.2, "mU/L"))
    labs += [lab(_day(d), "calcitonin", 10 + d, "pg/mL") for d in (0, 100, 200, 300)]
    out = _kinetics(make_case(histology="medullary", labs=labs))
    assert out["thyroglobulin"].warnings == ("below_detection_excluded", "tsh_not_suppressed")
    assert out["thyroglobulin"].points == 4
    assert [k.marker for k in out.values()] == ["thyroglobulin", "calcitonin", "cea"]
    assert out["calcitonin"].warnings == ("short_span",)
    assert out["cea"].warnings == ()
    assert out["calcitonin"].series[0] == (START, 10.0)
    assert Decimal(str(out["calcitonin"].series[-1][1])) == Decimal(310)


def test_exactly_ten_years_is_not_stable() -> None:
    # doubling exactly 3652.5 days (2 doublings every 7305 days): "stable" needs more
    first = date(1958, 1, 1)
    labs = [
        lab((first + timedelta(days=i * 7305)).isoformat(), "thyroglobulin", 4.0**i, "ng/mL")
        for i in range(4)
    ]
    k = _kinetics(make_case(diagnosis_date="1957-06-01", labs=labs))["thyroglobulin"]
    assert k.doubling_time_days == 3652.5
    assert (k.status, k.band) == ("rising", "ge_3y")


def test_a_slope_of_one_per_day_is_rising() -> None:
    # ln(value) = day: slope exactly 1 per day, doubling ln 2 = 0.693 days -> 0.7
    labs = [lab(_day(d), "thyroglobulin", math.exp(d), "ng/mL") for d in range(4)]
    k = _kinetics(make_case(labs=labs))["thyroglobulin"]
    assert fit_log_linear(list(k.series))[0] == 1.0
    assert (k.status, k.doubling_time_days, k.band) == ("rising", 0.7, "lt_1y")


@pytest.mark.parametrize(
    ("value", "unit", "used"),
    [
        # 1e-321 pg/mL is 1e-324 ng/mL, below the smallest float (about 4.9e-324): it is 0
        # as a float, has no logarithm, and is left out like a 0 (found by hypothesis:
        # `math domain error` in the fit)
        (1e-321, "pg/mL", False),
        # 1e-300 ng/mL is a (tiny) float: it is used, its logarithm exists
        (1e-300, "ng/mL", True),
    ],
)
def test_a_value_that_underflows_a_float_is_left_out(value: float, unit: str, used: bool) -> None:
    # four thyroglobulin points a year apart, the first being the tiny one
    labs = [lab(_day(0), "thyroglobulin", value, unit)]
    labs += [lab(_day(365 * n), "thyroglobulin", 1.0 * n, "ng/mL") for n in (1, 2, 3)]
    k = _kinetics(make_case(labs=labs))["thyroglobulin"]
    assert k.points == (4 if used else 3)
    assert ("below_detection_excluded" in k.warnings) is not used


@pytest.mark.parametrize(
    ("first", "last", "short"),
    [
        # exactly two calendar years, no 29 February between (730 days): not short (it was
        # warned, 730 < 2 x 365.25)
        ("2021-01-01", "2023-01-01", False),
        # one day less: short
        ("2021-01-02", "2023-01-01", True),
        # exactly two calendar years over a 29 February (731 days): not short
        ("2019-03-01", "2021-03-01", False),
        # 730 days over a 29 February, one day short of two calendar years: short
        ("2019-03-02", "2021-03-01", True),
    ],
)
def test_the_medullary_span_is_counted_in_calendar_years(
    first: str, last: str, short: bool
) -> None:
    # four calcitonin values, the middle two between the first and the last
    days = [date.fromisoformat(first), date.fromisoformat(last)]
    middle = [days[0] + (days[1] - days[0]) * i // 3 for i in (1, 2)]
    dates = [days[0], *middle, days[1]]
    labs = [lab(d.isoformat(), "calcitonin", 10 * 2**i, "pg/mL") for i, d in enumerate(dates)]
    out = _kinetics(make_case(histology="medullary", labs=labs))
    assert ("short_span" in out["calcitonin"].warnings) is short
