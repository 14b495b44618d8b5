"""The short cuts of case validation (issue 13, speed) report what the full checks did.

Bounds from case-format.md (and the rules file's [input] table, which cites it): a
measurement above 1,000 mm is a typing error, no date before 1900-01-01 or after today.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from thyref.domain import parse_case
from thyref.errors import CaseValidationError

from .conftest import make_case

TODAY = dt.date(2026, 6, 1)


def _case_with(measurement: Any) -> dict[str, Any]:
    return make_case(
        lesions=[{"id": "L1", "site": "lung"}],
        imaging=[{"date": "2020-01-10", "measurements": {"L1": measurement}}],
    )


def _codes(case: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(CaseValidationError) as caught:
        parse_case(case, today=TODAY)
    return [(p.path, p.code) for p in caught.value.problems]


@pytest.mark.parametrize(
    "measurement",
    [
        1001,  # a whole number just above 1,000 mm
        10**30,  # far above, and beyond the exact range of a float
        1000.5,  # a decimal just above
    ],
)
def test_measurement_above_the_bound_is_reported(measurement: Any) -> None:
    assert _codes(_case_with(measurement)) == [
        ("imaging[0].measurements.L1", "measurement_too_high")
    ]


@pytest.mark.parametrize(
    "measurement",
    [
        1000,  # the bound itself is plausible
        999,  # a whole number just below it, inside the short cut's margin
        998,  # below the margin (0.999 x 1,000 mm)
        1000.0,  # the bound written as a decimal
        0,  # nothing left
    ],
)
def test_measurement_up_to_the_bound_is_accepted(measurement: Any) -> None:
    case = parse_case(_case_with(measurement), today=TODAY)
    assert case.latest_measurement("L1") is not None


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("rai", [{"date": "2026-06-02", "activity": 100, "unit": "mCi"}], "future_date"),
        ("rai", [{"date": "1899-12-31", "activity": 100, "unit": "mCi"}], "date_too_early"),
        (
            "labs",
            [{"date": "2027-01-01", "test": "tsh", "value": 1, "unit": "mU/L"}],
            "future_date",
        ),
        ("molecular", [{"gene": "BRAF", "date": "1850-01-01"}], "date_too_early"),
    ],
)
def test_dates_outside_the_range_are_reported(field: str, value: Any, code: str) -> None:
    assert (f"{field}[0].date", code) in _codes(make_case(**{field: value}))


def test_every_dated_list_is_checked() -> None:
    """One future date in each list, each reported at its path (problems come sorted)."""
    case = make_case(
        lesions=[{"id": "L1", "site": "lung"}],
        molecular=[{"gene": "BRAF", "date": "2030-01-01"}],
        labs=[{"date": "2030-01-01", "test": "tsh", "value": 1, "unit": "mU/L"}],
        imaging=[{"date": "2030-01-01", "measurements": {"L1": 10}}],
        rai=[{"date": "2030-01-01", "activity": 100, "unit": "mCi"}],
    )
    dated = [path for path, code in _codes(case) if code == "future_date"]
    assert dated == ["imaging[0].date", "labs[0].date", "molecular[0].date", "rai[0].date"]


# calcitonin in ng/mL is multiplied by 1,000 (rules file, [labs.calcitonin]); the largest
# float (IEEE 754 double) is about 1.7977e308
@pytest.mark.parametrize(
    ("lab", "fits"),
    [
        ({"value": 1e304}, True),  # 1e307 pg/mL
        ({"value": 1.7e305}, True),  # 1.7e308: above 1e308, still a float
        ({"value": 1.8e305}, False),  # 1.8e308: beyond the largest float
        ({"value": 1e306}, False),  # 1e309
        ({"value": 1.0, "upper_limit": 1e306}, False),  # the upper limit overflows
        ({"value": 1.0, "upper_limit": 1.7e305}, True),
    ],
)
def test_converted_lab_values_beyond_a_float_are_reported(lab: dict[str, Any], fits: bool) -> None:
    case = make_case(
        labs=[{"date": "2020-01-10", "test": "calcitonin", "unit": "ng/mL", **lab}],
    )
    if fits:
        parsed = parse_case(case, today=TODAY)
        assert parsed.labs_of("calcitonin")[0].unit == "pg/mL"
    else:
        assert _codes(case) == [("labs[0].value", "finite_number")]
