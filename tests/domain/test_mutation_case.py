"""The case model's checks and helpers, each message in full (issue 15, mutants).

Expected messages, codes and parameters are read off case-format.md ("Invalid input":
a dotted path, an English message, a code and the values a translation may quote) and
the bounds of the rules file's [input] table (dates from 1900-01-01, at most 50,000 MBq
of I-131 in one administration, measurements up to 1,000 mm; 37 MBq per mCi).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import pytest

from thyref.domain import case as case_module
from thyref.domain.case import (
    MAX_BYTES,
    Category,
    Extent,
    Histology,
    Molecular,
    category_of,
    exact,
    is_lesion_id,
    load_case,
    normalise_alteration,
    parse_case,
)
from thyref.domain.rules import load_rules
from thyref.errors import CaseFormatError, CaseValidationError, Problem

TODAY = dt.date(2020, 1, 1)


def _case(**fields: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "format": "thyref-case/1",
        "id": "T-1",
        "diagnosis": {"histology": "papillary", "date": "2018-01-01"},
    }
    out.update(copy.deepcopy(fields))
    return out


def _problems(data: Any, today: dt.date = TODAY) -> list[Problem]:
    with pytest.raises(CaseValidationError) as info:
        parse_case(data, today=today)
    return list(info.value.problems)


def _valid(data: Any, today: dt.date = TODAY) -> None:
    parse_case(data, today=today)


L1 = {"id": "L1", "site": "lung"}
N1 = {"id": "N1", "site": "lymph_node_cervical_lateral"}


# ---------------------------------------------------------------------------------------
# cross-field checks: message, code and parameters in full


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        # another format
        (
            _case(format="thyref-case/2"),
            Problem(
                "format",
                "unsupported format 'thyref-case/2'; expected 'thyref-case/1'",
                "format_unsupported",
                (("input", "'thyref-case/2'"), ("expected", "thyref-case/1")),
            ),
        ),
        # a birth year before 1900
        (
            _case(patient={"birth_year": 1899}),
            Problem(
                "patient.birth_year",
                "must be between 1900 and 2020",
                "birth_year_range",
                (("max", "2020"),),
            ),
        ),
        # a birth year after this year
        (
            _case(patient={"birth_year": 2021}),
            Problem(
                "patient.birth_year",
                "must be between 1900 and 2020",
                "birth_year_range",
                (("max", "2020"),),
            ),
        ),
        # a date after today
        (
            _case(diagnosis={"histology": "papillary", "date": "2020-01-02"}),
            Problem(
                "diagnosis.date",
                "date 2020-01-02 is in the future",
                "future_date",
                (("date", "2020-01-02"),),
            ),
        ),
        # a date before 1900
        (
            _case(diagnosis={"histology": "papillary", "date": "1899-12-31"}),
            Problem(
                "diagnosis.date",
                "date 1899-12-31 is before 1900-01-01",
                "date_too_early",
                (("date", "1899-12-31"), ("min", "1900-01-01")),
            ),
        ),
        # the primary sample date is checked too
        (
            _case(
                diagnosis={
                    "histology": "papillary",
                    "date": "2018-01-01",
                    "primary_sample_date": "2021-01-01",
                }
            ),
            Problem(
                "diagnosis.primary_sample_date",
                "date 2021-01-01 is in the future",
                "future_date",
                (("date", "2021-01-01"),),
            ),
        ),
        # the dates of every list
        (
            _case(
                rai=[
                    {"date": "2018-01-01", "activity": 100, "unit": "mCi"},
                    {"date": "2030-01-01", "activity": 100, "unit": "mCi"},
                ]
            ),
            Problem(
                "rai[1].date",
                "date 2030-01-01 is in the future",
                "future_date",
                (("date", "2030-01-01"),),
            ),
        ),
        (
            _case(labs=[{"date": "1800-05-05", "test": "tsh", "value": 1, "unit": "mU/L"}]),
            Problem(
                "labs[0].date",
                "date 1800-05-05 is before 1900-01-01",
                "date_too_early",
                (("date", "1800-05-05"), ("min", "1900-01-01")),
            ),
        ),
        (
            _case(molecular=[{"gene": "BRAF", "date": "2020-02-01"}]),
            Problem(
                "molecular[0].date",
                "date 2020-02-01 is in the future",
                "future_date",
                (("date", "2020-02-01"),),
            ),
        ),
        (
            _case(lesions=[L1], imaging=[{"date": "2020-01-02"}]),
            Problem(
                "imaging[0].date",
                "date 2020-01-02 is in the future",
                "future_date",
                (("date", "2020-01-02"),),
            ),
        ),
        # one administration above 50 GBq: 1,352 mCi is 50,024 MBq
        (
            _case(rai=[{"date": "2018-01-01", "activity": 1352, "unit": "mCi"}]),
            Problem(
                "rai[0].activity",
                "1352 mCi is above the plausible bound of 50 GBq (1351 mCi) for one administration",
                "activity_too_high",
                (("input", "1352 mCi"), ("gbq", "50"), ("mci", "1351")),
            ),
        ),
        # in GBq and MBq too
        (
            _case(rai=[{"date": "2018-01-01", "activity": 50.5, "unit": "GBq"}]),
            Problem(
                "rai[0].activity",
                "50.5 GBq is above the plausible bound of 50 GBq (1351 mCi) for one administration",
                "activity_too_high",
                (("input", "50.5 GBq"), ("gbq", "50"), ("mci", "1351")),
            ),
        ),
        (
            _case(rai=[{"date": "2018-01-01", "activity": 50001, "unit": "MBq"}]),
            Problem(
                "rai[0].activity",
                "50001 MBq is above the plausible bound of 50 GBq (1351 mCi)"
                " for one administration",
                "activity_too_high",
                (("input", "50001 MBq"), ("gbq", "50"), ("mci", "1351")),
            ),
        ),
        # a number too long to quote in full: 20 characters and an ellipsis
        (
            _case(
                rai=[{"date": "2018-01-01", "activity": 123456789012345678901234567, "unit": "MBq"}]
            ),
            Problem(
                "rai[0].activity",
                "12345678901234567890... MBq is above the plausible bound of 50 GBq (1351 mCi)"
                " for one administration",
                "activity_too_high",
                (("input", "12345678901234567890... MBq"), ("gbq", "50"), ("mci", "1351")),
            ),
        ),
        # a lesion id given twice
        (
            _case(lesions=[L1, N1, {"id": "L1", "site": "bone"}]),
            Problem(
                "lesions[2].id",
                "duplicate lesion id 'L1' (also lesions[0])",
                "duplicate_lesion",
                (("id", "L1"), ("other", "0")),
            ),
        ),
        # an innumerable group as a target
        (
            _case(lesions=[{**L1, "innumerable": True, "recist_role": "target"}]),
            Problem(
                "lesions[0].recist_role",
                "an innumerable group cannot be a target",
                "innumerable_target",
            ),
        ),
        # imaging without any lesion
        (
            _case(imaging=[{"date": "2019-01-01"}]),
            Problem("lesions", "imaging is given but no lesion is declared", "no_lesions"),
        ),
        # two imaging timepoints on one day
        (
            _case(
                lesions=[L1],
                imaging=[{"date": "2019-01-01"}, {"date": "2019-02-01"}, {"date": "2019-01-01"}],
            ),
            Problem(
                "imaging[2].date",
                "two imaging timepoints on 2019-01-01 (also imaging[0])",
                "duplicate_imaging_date",
                (("date", "2019-01-01"), ("other", "0")),
            ),
        ),
        # a measurement beyond 1,000 mm
        (
            _case(lesions=[L1], imaging=[{"date": "2019-01-01", "measurements": {"L1": 1000.5}}]),
            Problem(
                "imaging[0].measurements.L1",
                "1000.5 mm is above the plausible bound of 1000 mm",
                "measurement_too_high",
                (("input", "1000.5"), ("max", "1000")),
            ),
        ),
        (
            _case(lesions=[L1], imaging=[{"date": "2019-01-01", "measurements": {"L1": 1001}}]),
            Problem(
                "imaging[0].measurements.L1",
                "1001 mm is above the plausible bound of 1000 mm",
                "measurement_too_high",
                (("input", "1001"), ("max", "1000")),
            ),
        ),
        # the second size of a timepoint beyond the bound, after one well below it: every
        # size of a timepoint is checked, not only up to the first small one
        (
            _case(
                lesions=[L1, {"id": "L2", "site": "liver"}],
                imaging=[{"date": "2019-01-01", "measurements": {"L1": 10, "L2": 1001}}],
            ),
            Problem(
                "imaging[0].measurements.L2",
                "1001 mm is above the plausible bound of 1000 mm",
                "measurement_too_high",
                (("input", "1001"), ("max", "1000")),
            ),
        ),
        # a measurement or a non-target status of a lesion not declared
        (
            _case(lesions=[L1], imaging=[{"date": "2019-01-01", "measurements": {"X9": 3}}]),
            Problem(
                "imaging[0].measurements.X9",
                "lesion 'X9' is not declared in lesions",
                "undeclared_lesion",
                (("id", "X9"),),
            ),
        ),
        (
            _case(lesions=[L1], imaging=[{"date": "2019-01-01", "non_target": {"X9": "present"}}]),
            Problem(
                "imaging[0].non_target.X9",
                "lesion 'X9' is not declared in lesions",
                "undeclared_lesion",
                (("id", "X9"),),
            ),
        ),
        # a unit of another test
        (
            _case(labs=[{"date": "2019-01-01", "test": "tsh", "value": 1, "unit": "ng/mL"}]),
            Problem(
                "labs[0].unit",
                "unit 'ng/mL' does not fit the test 'tsh'; use one of mU/L, mUI/L, m[IU]/L",
                "unit_mismatch",
                (("unit", "ng/mL"), ("test", "tsh"), ("allowed", "mU/L, mUI/L, m[IU]/L")),
            ),
        ),
    ],
)
def test_cross_field_problem(data: dict[str, Any], problem: Problem) -> None:
    found = [p for p in _problems(data) if p.path == problem.path]
    assert found == [problem]


@pytest.mark.parametrize(
    "data",
    [
        _case(patient={"birth_year": 1900}),  # the first year allowed
        _case(patient={"birth_year": 2020}),  # this year
        _case(diagnosis={"histology": "papillary", "date": "2020-01-01"}),  # today
        _case(diagnosis={"histology": "papillary", "date": "1900-01-01"}),  # the first day
        _case(rai=[{"date": "2018-01-01", "activity": 50, "unit": "GBq"}]),  # exactly 50 GBq
        _case(rai=[{"date": "2018-01-01", "activity": 50000, "unit": "MBq"}]),  # 50,000 MBq
        _case(rai=[{"date": "2018-01-01", "activity": 1351, "unit": "mCi"}]),  # 49,987 MBq
        # 1,000 mm exactly, and just below it (between the quick test and the bound)
        _case(lesions=[L1], imaging=[{"date": "2019-01-01", "measurements": {"L1": 1000}}]),
        _case(lesions=[L1], imaging=[{"date": "2019-01-01", "measurements": {"L1": 999.5}}]),
        _case(lesions=[L1], imaging=[{"date": "2019-01-01", "measurements": {"L1": 1000.0}}]),
        # the units of each test
        _case(labs=[{"date": "2019-01-01", "test": "calcitonin", "value": 1, "unit": "ng/L"}]),
        _case(labs=[{"date": "2019-01-01", "test": "tg_antibodies", "value": 1, "unit": "UI/mL"}]),
    ],
)
def test_values_at_the_bounds(data: dict[str, Any]) -> None:
    _valid(data)


def test_a_malformed_date_is_left_to_the_structure_check() -> None:
    # "2020-1-5" sorts after today's "2020-01-01" but is no ISO date: only the format
    # problem is reported, not a date in the future
    problems = _problems(_case(diagnosis={"histology": "papillary", "date": "2020-1-5"}))
    assert [p.code for p in problems if p.path == "diagnosis.date"] == ["date_format"]
    problems = _problems(_case(diagnosis={"histology": "papillary", "date": "2020-01-05T1"}))
    assert [p.code for p in problems if p.path == "diagnosis.date"] == ["date_format"]


def test_scan_dates_are_checked() -> None:
    scans = [{"date": "2021-01-01", "kind": "post_therapy", "rai_date": "2022-01-01"}]
    problems = _problems(_case(scans=scans))
    codes = {(p.path, p.code) for p in problems}
    assert ("scans[0].date", "future_date") in codes
    assert ("scans[0].rai_date", "future_date") in codes


def test_a_flag_for_a_birth_year_is_a_type_problem_only() -> None:
    problems = _problems(_case(patient={"birth_year": True}))
    assert [(p.path, p.code) for p in problems] == [("patient.birth_year", "int_type")]


def test_every_problem_once_by_path() -> None:
    # cross-field and structure problems together, sorted by their path
    data = _case(format="x", id="a b", lesions=[L1, L1])
    problems = _problems(data)
    assert [(p.path, p.code) for p in problems] == [
        ("format", "format_unsupported"),
        ("id", "string_pattern_mismatch"),
        ("lesions[1].id", "duplicate_lesion"),
    ]


# ---------------------------------------------------------------------------------------
# structure problems: the validator's errors in our words


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        # a required field missing
        (
            {"format": "thyref-case/1", "id": "T-1"},
            Problem("diagnosis", "required field is missing", "missing", ()),
        ),
        # a value outside an enumeration
        (
            _case(diagnosis={"histology": "x", "date": "2018-01-01"}),
            Problem(
                "diagnosis.histology",
                "unknown value 'x'; expected one of 'papillary', 'follicular', 'oncocytic', "
                "'poorly_differentiated', 'anaplastic' or 'medullary'",
                "enum",
                (
                    (  # the values alone: the catalogue's sentence joins them in its language
                        "expected",
                        "'papillary', 'follicular', 'oncocytic', 'poorly_differentiated', "
                        "'anaplastic', 'medullary'",
                    ),
                    ("input", "'x'"),
                ),
            ),
        ),
        # a value outside a list of words
        (
            _case(patient={"sex": "f"}),
            Problem(
                "patient.sex",
                "unknown value 'f'; expected one of 'female', 'male', 'other' or 'unknown'",
                "literal_error",
                (("expected", "'female', 'male', 'other', 'unknown'"), ("input", "'f'")),
            ),
        ),
        # an id outside its pattern
        (
            _case(id="a b"),
            Problem(
                "id",
                "'a b' does not match the pattern ^[A-Za-z0-9._-]{1,64}$",
                "string_pattern_mismatch",
                (("input", "'a b'"), ("pattern", "^[A-Za-z0-9._-]{1,64}$")),
            ),
        ),
        # any other problem: the validator's own message, its limit and the input
        (
            _case(rai=[{"date": "2018-01-01", "activity": -1.5, "unit": "mCi"}]),
            Problem(
                "rai[0].activity",
                "Input should be greater than 0",
                "greater_than",
                (("gt", "0.0"), ("input", "-1.5")),  # the bound as pydantic says it
            ),
        ),
        # a flag quoted as given
        (
            _case(clinical={"symptomatic": "yes"}),
            Problem(
                "clinical.symptomatic",
                "Input should be a valid boolean",
                "bool_type",
                (("input", "'yes'"),),
            ),
        ),
        # a list is quoted as JSON
        (
            _case(patient={"sex": ["f"]}),
            Problem(
                "patient.sex",
                """unknown value ["f"]; expected one of 'female', 'male', 'other' or 'unknown'""",
                "literal_error",
                (("expected", "'female', 'male', 'other', 'unknown'"), ("input", '["f"]')),
            ),
        ),
        # an I-131 unit given as a list: reported as a unit outside the list, and the
        # cross-field check (activity x unit above the plausible bound) does not trip on
        # a value that cannot be looked up
        (
            _case(rai=[{"date": "2018-01-01", "activity": 100, "unit": ["mCi"]}]),
            Problem(
                "rai[0].unit",
                """unknown value ["mCi"]; expected one of 'mCi', 'GBq' or 'MBq'""",
                "literal_error",
                (("expected", "'mCi', 'GBq', 'MBq'"), ("input", '["mCi"]')),
            ),
        ),
    ],
)
def test_structure_problem(data: dict[str, Any], problem: Problem) -> None:
    found = [p for p in _problems(data) if p.path == problem.path]
    assert found == [problem]


@pytest.mark.parametrize(
    ("loc", "path"),
    [
        (("rai", 0, "activity"), "rai[0].activity"),  # an index then a field
        (("imaging", 1, "measurements", "L9"), "imaging[1].measurements.L9"),  # a key
        (("id",), "id"),  # one field
        ((0, "a"), "[0].a"),  # an index first
        ((), ""),  # the whole case
    ],
)
def test_path(loc: tuple[Any, ...], path: str) -> None:
    assert case_module._path(loc) == path


@pytest.mark.parametrize(
    ("err", "message"),
    [
        ({"type": "missing"}, "required field is missing"),  # missing
        (
            {"type": "enum", "input": 3, "ctx": {"expected": "'a' or 'b'"}},
            "unknown value 3; expected one of 'a' or 'b'",
        ),
        ({"type": "literal_error", "input": "c"}, "unknown value 'c'; expected one of "),  # no ctx
        ({"type": "string_pattern_mismatch", "input": "x"}, "'x' does not match the pattern "),
        ({"type": "other", "msg": "said by pydantic"}, "said by pydantic"),  # its own words
        ({"type": "other"}, "invalid value"),  # no words at all
        ({}, "invalid value"),  # no type either
        ({"type": "missing", "ctx": None}, "required field is missing"),  # a null ctx
    ],
)
def test_message(err: dict[str, Any], message: str) -> None:
    assert case_module._message(err) == message


@pytest.mark.parametrize(
    ("err", "params"),
    [
        ({"input": "x", "ctx": {"b": 2, "a": "1"}}, (("a", "1"), ("b", "2"), ("input", "'x'"))),
        ({"input": 1.5}, (("input", "1.5"),)),  # a float
        ({"input": 2}, (("input", "2"),)),  # a whole number
        ({"input": False}, (("input", "False"),)),  # a flag
        ({"input": None}, (("input", "null"),)),  # null quoted as JSON (was left out)
        ({"input": {"a": 1}, "ctx": None}, (("input", '{"a": 1}'),)),  # an object as JSON
        ({"input": [1, 2]}, (("input", "[1, 2]"),)),  # a list as JSON
        ({"input": "x" * 50}, (("input", "'" + "x" * 36 + "..."),)),  # cut at 40 characters
        ({"type": "missing", "input": {"id": 1}}, ()),  # a missing field's input: its parent
        (  # a vocabulary's values without the validator's English "or"
            {"type": "enum", "input": "c", "ctx": {"expected": "'a', 'b' or 'c d'"}},
            (("expected", "'a', 'b', 'c d'"), ("input", "'c'")),
        ),
        (  # one value alone
            {"type": "literal_error", "input": "c", "ctx": {"expected": "'a'"}},
            (("expected", "'a'"), ("input", "'c'")),
        ),
        (  # another error's expected is left as it is
            {"type": "other", "ctx": {"expected": "x or y"}},
            (("expected", "x or y"),),
        ),
    ],
)
def test_params(err: dict[str, Any], params: tuple[tuple[str, str], ...]) -> None:
    assert case_module._params(err) == params


# ---------------------------------------------------------------------------------------
# numbers


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (3, Decimal(3)),  # a whole number
        (0.1, Decimal("0.1")),  # a float as written, not its binary value
        (-2.5, Decimal("-2.5")),  # a negative float
        (True, None),  # a flag is no number
        (math.nan, None),  # NaN
        (math.inf, None),  # infinity
        ("1", None),  # text
        (None, None),  # null
    ],
)
def test_number(value: Any, expected: Decimal | None) -> None:
    assert case_module._number(value) == expected


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (1.5, "1.5"),  # short: as typed
        (10**23, "1" + "0" * 23),  # 24 characters: still in full
        (10**24, "1" + "0" * 19 + "..."),  # 25: cut to 20 and an ellipsis
    ],
)
def test_shown(value: Any, shown: str) -> None:
    assert case_module._shown(value) == shown


def test_exact_numbers_are_remembered_within_a_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(case_module, "_EXACT", {})
    monkeypatch.setattr(case_module, "_EXACT_MAX", 3)
    assert exact(11) == Decimal(11) and str(exact(11)) == "11"  # an int as written
    assert str(exact(11.0)) == "11.0"  # a float as written
    assert str(exact(0.0)) == "0.0" and str(exact(-0.0)) == "-0.0"  # zeros kept apart
    assert {11.0: Decimal("11.0")} == case_module._EXACT  # zeros and ints not remembered
    exact(math.inf)
    assert math.inf not in case_module._EXACT  # nor infinity
    exact(1.5)
    exact(2.5)
    assert len(case_module._EXACT) == 3  # full
    exact(3.5)
    assert {3.5: Decimal("3.5")} == case_module._EXACT  # emptied, then the new one kept
    case_module._EXACT[3.5] = Decimal("9")  # planted: the remembered value is given back
    assert exact(3.5) == Decimal("9")


@pytest.mark.parametrize(
    ("value", "fits"),
    [
        (Decimal("1e307"), True),  # below 10**308: always a finite float
        (Decimal("9.99e307"), True),  # just below
        (Decimal("1e308"), True),  # 10**308 is still below the largest float (1.8e308)
        (Decimal("1.79e308"), True),  # just below the largest float
        (Decimal("1.8e308"), False),  # beyond it
        (Decimal("1e400"), False),  # far beyond
    ],
)
def test_fits_float(value: Decimal, fits: bool) -> None:
    assert case_module._fits_float(value) is fits


def test_lab_values_beyond_a_float_are_refused() -> None:
    # 1e306 ng/mL of calcitonin is 1e309 pg/mL: no float holds it
    labs = [
        {"date": "2019-01-01", "test": "calcitonin", "value": 1e306, "unit": "ng/mL"},
        {
            "date": "2019-01-01",
            "test": "calcitonin",
            "value": 1,
            "unit": "ng/mL",
            "upper_limit": 1e306,
        },
        {"date": "2019-01-01", "test": "calcitonin", "value": 1e305, "unit": "ng/mL"},
    ]
    problems = _problems(_case(labs=labs))
    assert problems == [
        Problem("labs[0].value", "a finite number is expected", "finite_number"),
        Problem("labs[1].value", "a finite number is expected", "finite_number"),
    ]


def test_lab_values_in_canonical_units() -> None:
    labs = [
        {
            "date": "2019-01-01",
            "test": "calcitonin",
            "value": 2.5,
            "unit": "ng/mL",
            "upper_limit": 0.01,
        },
        {
            "date": "2019-01-02",
            "test": "thyroglobulin",
            "value": 300,
            "unit": "pg/mL",
            "below_detection": True,
        },
        {"date": "2019-01-03", "test": "tsh", "value": 0.1, "unit": "mU/L", "positive": False},
    ]
    case = parse_case(_case(labs=labs), today=TODAY)
    calcitonin, tg, tsh = case.labs
    # 1 ng/mL = 1,000 pg/mL (canonical unit of calcitonin)
    assert (calcitonin.index, calcitonin.value, calcitonin.unit) == (0, Decimal("2500.0"), "pg/mL")
    assert calcitonin.upper_limit == Decimal("10.00")
    assert calcitonin.date == dt.date(2019, 1, 1) and calcitonin.test == "calcitonin"
    # 1 pg/mL = 0.001 ng/mL (canonical unit of thyroglobulin)
    assert (tg.index, tg.value, tg.unit, tg.below_detection) == (1, Decimal("0.300"), "ng/mL", True)
    assert tg.upper_limit is None and tg.positive is None
    assert (tsh.value, tsh.unit, tsh.positive, tsh.below_detection) == (
        Decimal("0.1"),
        "mU/L",
        False,
        False,
    )
    assert case.labs_of("tsh") == [tsh] and case.labs_of("cea") == []


# ---------------------------------------------------------------------------------------
# the case and its derived views


def test_case_views() -> None:
    data = _case(
        rai=[
            {"date": "2018-06-01", "activity": 100, "unit": "mCi"},
            {"date": "2018-03-01", "activity": 3.7, "unit": "GBq"},
        ],
        lesions=[L1, N1],
        imaging=[
            {"date": "2019-06-01", "measurements": {"L1": 12, "N1": 15.5}},
            {"date": "2019-01-01", "measurements": {"L1": 10.5}},
        ],
    )
    case = parse_case(data, today=TODAY)
    assert case.id == "T-1"
    assert [r.date for r in case.rai_sorted()] == [dt.date(2018, 3, 1), dt.date(2018, 6, 1)]
    assert [s.date for s in case.imaging_sorted()] == [dt.date(2019, 1, 1), dt.date(2019, 6, 1)]
    assert case.measurement_series("L1") == [
        (dt.date(2019, 1, 1), Decimal("10.5")),
        (dt.date(2019, 6, 1), Decimal(12)),
    ]
    assert case.measurement_series("N1") == [(dt.date(2019, 6, 1), Decimal("15.5"))]
    assert case.measurement_series("X") == []
    assert case.latest_measurement("L1") == Decimal(12)
    assert case.latest_measurement("X") is None
    assert case.shot_mm == ({"L1": Decimal("10.5")}, {"L1": Decimal(12), "N1": Decimal("15.5")})
    assert case.nodes == frozenset({"N1"})
    assert case.lesion("N1").is_node and not case.lesion("L1").is_node
    assert case.category is Category.differentiated and case.histology is Histology.papillary
    assert not case.has_scans
    # the JSON as received, a copy each time
    out = case.to_json()
    assert out == data
    out["id"] = "changed"
    assert case.to_json()["id"] == "T-1"


@pytest.mark.parametrize(
    ("lesions", "extent", "expected"),
    [
        ([], None, None),  # no lesion: no extent
        ([N1], None, Extent.locoregional),  # a neck node only
        ([{"id": "T", "site": "thyroid_bed"}, N1], None, Extent.locoregional),  # neck only
        ([N1, L1], None, Extent.metastatic),  # one distant lesion
        ([{"id": "M", "site": "lymph_node_mediastinal_lower"}], None, Extent.metastatic),
        ([L1], "locally_advanced", Extent.locally_advanced),  # the override wins
        ([], "metastatic", Extent.metastatic),  # even without lesions
    ],
)
def test_extent(lesions: list[Any], extent: str | None, expected: Extent | None) -> None:
    diagnosis: dict[str, Any] = {"histology": "papillary", "date": "2018-01-01"}
    if extent is not None:
        diagnosis["extent"] = extent
    case = parse_case(_case(diagnosis=diagnosis, lesions=lesions), today=TODAY)
    assert case.extent(load_rules()) == expected
    assert case.extent_is_derived() is (extent is None)


@pytest.mark.parametrize(
    ("histology", "category"),
    [
        (Histology.papillary, Category.differentiated),
        (Histology.follicular, Category.differentiated),
        (Histology.oncocytic, Category.differentiated),
        (Histology.poorly_differentiated, Category.differentiated),
        (Histology.anaplastic, Category.anaplastic),
        (Histology.medullary, Category.medullary),
    ],
)
def test_category_of(histology: Histology, category: Category) -> None:
    assert category_of(histology) is category


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("L1", True),  # letters and digits
        ("a.b_c-9", True),  # the allowed punctuation
        ("x" * 64, True),  # 64 characters
        ("x" * 65, False),  # 65
        ("", False),  # empty
        ("a b", False),  # a space
        ("L1\n", False),  # a final line break
    ],
)
def test_is_lesion_id(value: str, valid: bool) -> None:
    assert is_lesion_id(value) is valid


# ---------------------------------------------------------------------------------------
# molecular findings


@pytest.mark.parametrize(
    ("alteration", "normal"),
    [
        ("p.Val600Glu", "V600E"),  # three-letter protein change
        ("P.VAL600GLU", "V600E"),  # whatever the case
        ("p.(Val600Glu)", "V600E"),  # predicted change in brackets
        (" v600e ", "V600E"),  # spaces and lower case
        ("p.Gln61Arg", "Q61R"),  # another one (NRAS Q61R)
        ("Trp1Ter", "W1*"),  # a stop codon
        ("Xyz600Glu", "XYZ600GLU"),  # not amino acids: upper-cased only
        ("Val600Xyz", "VAL600XYZ"),  # the second one not an amino acid
        ("c.1799T>A", "C.1799T>A"),  # a DNA change upper-cased
        ("V 600 E", "V600E"),  # inner spaces dropped
    ],
)
def test_normalise_alteration(alteration: str, normal: str) -> None:
    assert normalise_alteration(alteration) == normal


@pytest.mark.parametrize(
    ("finding", "fusion", "mutation"),
    [
        ({"gene": "BRAF", "alteration": "V600E"}, False, True),  # no kind: a mutation
        ({"gene": "BRAF", "kind": "mutation"}, False, True),  # said a mutation
        ({"gene": "RET", "kind": "fusion"}, True, False),  # said a fusion
        ({"gene": "RET", "alteration": "CCDC6-RET Fusion"}, True, False),  # the word fusion
        ({"gene": "NTRK3", "alteration": "ETV6::NTRK3"}, True, False),  # the :: notation
        ({"gene": "ERBB2", "kind": "amplification"}, False, False),  # neither
        ({"gene": "RET", "kind": "mutation", "alteration": "x::y"}, True, True),  # both said
    ],
)
def test_fusion_or_mutation(finding: dict[str, Any], fusion: bool, mutation: bool) -> None:
    molecular = Molecular.model_validate(finding)
    assert molecular.is_fusion is fusion
    assert molecular.is_mutation is mutation


@pytest.mark.parametrize(
    ("finding", "gene", "alteration", "matches"),
    [
        ({"gene": "braf", "alteration": "p.Val600Glu"}, "BRAF", "V600E", True),  # any case
        ({"gene": "BRAF", "alteration": "V600E"}, "braf", None, True),  # any alteration
        ({"gene": "BRAF", "alteration": "V600E"}, "BRAF", "*", True),  # any alteration
        ({"gene": "BRAF", "alteration": "K601E"}, "BRAF", "V600E", False),  # another one
        ({"gene": "BRAF"}, "BRAF", "V600E", False),  # no alteration given
        ({"gene": "NRAS", "alteration": "V600E"}, "BRAF", "V600E", False),  # another gene
        # a fusion names its partners
        ({"gene": "NTRK3", "alteration": "ETV6::NTRK3"}, "etv6", None, True),
        ({"gene": "NTRK3", "alteration": "ETV6::NTRK3"}, "NTRK3", "*", True),
        ({"gene": "RET", "alteration": "ccdc6-ret fusion", "kind": "fusion"}, "CCDC6", None, True),
        ({"gene": "RET", "alteration": "ccdc6-ret fusion", "kind": "fusion"}, "CCDC", None, False),
        # a fusion without its text names no partner, whatever the gene asked
        ({"gene": "RET", "kind": "fusion"}, "XXXX", None, False),
        ({"gene": "RET", "kind": "fusion"}, "RET", None, True),
        # a mutation does not name partners
        ({"gene": "BRAF", "alteration": "ETV6", "kind": "mutation"}, "ETV6", None, False),
    ],
)
def test_matches(finding: dict[str, Any], gene: str, alteration: str | None, matches: bool) -> None:
    assert Molecular.model_validate(finding).matches(gene, alteration) is matches


def test_partners_and_protein_change() -> None:
    assert case_module._partners("etv6::ntrk3") == ("ETV6", "NTRK3")
    assert case_module._partners("CCDC6-RET fusion") == ("CCDC6", "RET", "FUSION")
    finding = Molecular.model_validate({"gene": "BRAF", "alteration": "p.Val600Glu"})
    assert finding.protein_change == "V600E" and finding.gene_upper == "BRAF"
    assert Molecular.model_validate({"gene": "BRAF"}).protein_change == ""


# ---------------------------------------------------------------------------------------
# parse_case and load_case


def test_parse_case_refuses_what_is_no_object() -> None:
    for value in ([], "case", None, 3):
        with pytest.raises(CaseFormatError) as info:
            parse_case(value)
        assert str(info.value) == "a case must be a JSON object"


def test_parse_case_reads_any_mapping() -> None:
    data = MappingProxyType(_case(id="M-1"))
    case = parse_case(data, today=TODAY)
    assert case.id == "M-1" and type(case.source) is dict


def test_parse_case_defaults() -> None:
    # the shipped rules and today's date: a date in the future is refused
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    with pytest.raises(CaseValidationError) as info:
        parse_case(_case(diagnosis={"histology": "papillary", "date": tomorrow}))
    assert [p.code for p in info.value.problems] == ["future_date"]
    assert parse_case(_case()).id == "T-1"


@pytest.mark.parametrize("one_shot", [False, True])
def test_one_shot_gives_the_same_case(one_shot: bool) -> None:
    data = _case(lesions=[L1], imaging=[{"date": "2019-01-01", "measurements": {"L1": 5}}])
    case = parse_case(data, today=TODAY, one_shot=one_shot)
    assert case.latest_measurement("L1") == Decimal(5)
    with pytest.raises(CaseValidationError) as info:
        parse_case(_case(id="a b"), today=TODAY, one_shot=one_shot)
    assert [p.code for p in info.value.problems] == ["string_pattern_mismatch"]


def test_load_case_limits_and_errors() -> None:
    with pytest.raises(CaseFormatError) as info:
        load_case("{" + " " * MAX_BYTES + "}")
    assert str(info.value) == f"input is {MAX_BYTES + 2} bytes; the limit is 5242880 bytes (5 MB)"
    # a text is measured in UTF-8 bytes: 2 bytes for each "é"
    with pytest.raises(CaseFormatError, match=r"^input is 5242881 bytes;"):
        load_case("é" * (MAX_BYTES // 2) + "x")
    with pytest.raises(CaseFormatError, match=r"^input is 5242881 bytes;"):
        load_case(b" " * (MAX_BYTES + 1))
    with pytest.raises(CaseFormatError, match=r"^input is not valid JSON: "):
        load_case("{")
    with pytest.raises(CaseFormatError, match=r"^input is not UTF-8 text: "):
        load_case(b"\xff\xfe{")
    with pytest.raises(CaseFormatError, match=r"^a case must be a JSON object$"):
        load_case("[]")
    data = _case(id="B-1")
    assert load_case(json.dumps(data).encode(), today=TODAY).id == "B-1"
    assert load_case(json.dumps(data), today=TODAY, one_shot=True).id == "B-1"


def test_load_case_takes_exactly_5_mb() -> None:
    data = json.dumps(_case(id="F-1"))
    text = data + " " * (MAX_BYTES - len(data))  # 5,242,880 bytes: at the limit, allowed
    assert load_case(text, today=TODAY).id == "F-1"
    assert load_case(text.encode(), today=TODAY).id == "F-1"


def test_load_case_passes_today_and_the_rules_on() -> None:
    data = _case(lesions=[L1], imaging=[{"date": "2020-06-01", "measurements": {"L1": 11}}])
    # the imaging is after the given "today": a date in the future
    with pytest.raises(CaseValidationError) as info:
        load_case(json.dumps(data), today=TODAY)
    assert [p.code for p in info.value.problems] == ["future_date"]
    # a rule set whose plausible size bound is 10 mm: 11 mm is beyond it
    shipped = load_rules()
    small = shipped.model_copy(
        update={"input": shipped.input.model_copy(update={"max_measurement_mm": Decimal(10)})}
    )
    with pytest.raises(CaseValidationError) as info:
        load_case(json.dumps(data), today=dt.date(2021, 1, 1), rules=small)
    assert [p.code for p in info.value.problems] == ["measurement_too_high"]
    assert load_case(json.dumps(data), today=dt.date(2021, 1, 1)).id == "T-1"


@pytest.fixture
def construct_calls(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The data each call of ``case.construct`` was given (the real one still runs)."""
    calls: list[Any] = []
    real = case_module.construct

    def spy(model: Any, data: Any) -> Any:
        calls.append(data)
        return real(model, data)

    monkeypatch.setattr(case_module, "construct", spy)
    return calls


@pytest.mark.parametrize("one_shot", [False, True])
def test_load_case_builds_with_construct_only_when_one_shot(
    construct_calls: list[Any], one_shot: bool
) -> None:
    # construct is for a process that checks one case and exits; by default (a server,
    # a batch) the validator is used
    calls = construct_calls
    text = json.dumps(_case())
    if one_shot:
        load_case(text, today=TODAY, one_shot=True)
    else:
        load_case(text, today=TODAY)
    assert len(calls) == (1 if one_shot else 0)


def test_known_units_are_computed_once_per_rule_set() -> None:
    shipped = load_rules()
    first = case_module._known_units(shipped)
    # every unit of the rules file's [labs.*] tables, for any test
    assert first == {
        "ng/mL", "ug/L", "pg/mL", "ng/L", "mU/L", "mUI/L", "m[IU]/L", "IU/mL", "UI/mL", "[IU]/mL"
    }  # fmt: skip
    assert case_module._known_units(shipped) is first  # remembered for this rule set


def test_a_plain_dict_is_read_as_it_is() -> None:
    # only a mapping of another kind goes through JSON text (dates as their text); a
    # plain dict holding a date object is not JSON: the date is refused, not read as text
    data = _case(diagnosis={"histology": "papillary", "date": dt.date(2018, 1, 1)})
    assert [p.code for p in _problems(data)] == ["date_format"]
    assert parse_case(MappingProxyType(data), today=TODAY).raw.diagnosis.date == dt.date(2018, 1, 1)


def test_parse_case_builds_with_construct_only_when_one_shot(
    construct_calls: list[Any],
) -> None:
    calls = construct_calls
    parse_case(_case(), today=TODAY)
    assert calls == []
    parse_case(_case(), today=TODAY, one_shot=True)
    assert len(calls) == 1


@pytest.mark.parametrize(
    "size",
    [
        "12",  # a number typed as text
        None,  # null
        [12],  # a list
    ],
)
def test_a_size_that_is_not_a_number_is_a_type_problem(size: Any) -> None:
    # the bound check (1,000 mm) runs on the raw JSON, before the structure check: a size
    # that is no number is left to the structure check, which reports it at its path
    data = _case(lesions=[L1], imaging=[{"date": "2019-01-01", "measurements": {"L1": size}}])
    paths = [p.path for p in _problems(data)]
    assert paths == ["imaging[0].measurements.L1"]
