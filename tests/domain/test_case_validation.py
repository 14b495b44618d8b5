"""Case validation and unit conversion (case-format.md, "Input: a case" and "Invalid input").

Every invalid case is rejected as a whole with `CaseValidationError`; every problem names
its field as a dotted path with bracketed indices. Not-JSON, over 5 MB or not-an-object
input raises `CaseFormatError` (one line, no path).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest

from thyref.errors import CaseFormatError, CaseValidationError

from .conftest import lab, lesion, make_case, rai, rec, run, scan

TODAY = dt.date.today()
FUTURE = (TODAY + dt.timedelta(days=30)).isoformat()


def _valid() -> dict[str, Any]:
    """A valid metastatic case touching every list, mutated by the invalid rows below."""
    return make_case(
        patient={"sex": "female", "birth_year": 1960},
        rai=[rai("2015-03-01", 100)],
        lesions=[lesion("L1", "lung", "no"), lesion("B1", "bone", recist_role="non_target")],
        imaging=[
            scan("2015-02-01", {"L1": 12}, {"B1": "present"}),
            scan("2015-09-01", {"L1": 13}, {"B1": "present"}),
        ],
        labs=[
            lab("2015-04-01", "thyroglobulin", 3.0, "ng/mL"),
            lab("2015-04-01", "tsh", 0.05, "mU/L"),
        ],
        molecular=[
            {
                "gene": "BRAF",
                "alteration": "V600E",
                "kind": "mutation",
                "origin": "somatic",
                "sample": "primary",
                "date": "2015-05-01",
            }
        ],
        clinical={"symptomatic": False, "locally_treatable": False},
    )


def _paths(case: Any) -> list[str]:
    from thyref.domain import parse_case

    with pytest.raises(CaseValidationError) as info:
        parse_case(case)
    problems = info.value.problems
    assert problems, "CaseValidationError must carry at least one problem"
    for p in problems:
        assert isinstance(p.path, str)
        assert p.message, f"problem at {p.path!r} has no message"
    return [p.path for p in problems]


def test_the_base_case_is_valid() -> None:
    from decimal import Decimal

    from thyref.domain import parse_case

    case = parse_case(_valid())
    # what was parsed, field by field, as _valid() wrote it
    assert case.id == "test-case"
    assert case.raw.diagnosis.histology.value == "papillary"
    assert case.raw.diagnosis.date == dt.date(2005, 1, 15)
    assert case.raw.patient.sex == "female"
    assert case.raw.patient.birth_year == 1960
    assert [(r.date, r.activity, r.unit) for r in case.raw.rai] == [
        (dt.date(2015, 3, 1), 100, "mCi")
    ]
    assert [(x.id, x.site.value, x.rai_uptake) for x in case.raw.lesions] == [
        ("L1", "lung", "no"),
        ("B1", "bone", "unknown"),  # case-format.md: rai_uptake defaults to unknown
    ]
    assert case.measurement_series("L1") == [
        (dt.date(2015, 2, 1), Decimal(12)),
        (dt.date(2015, 9, 1), Decimal(13)),
    ]
    assert [(v.test, v.value, v.unit) for v in case.labs] == [
        ("thyroglobulin", Decimal("3.0"), "ng/mL"),
        ("tsh", Decimal("0.05"), "mU/L"),
    ]
    assert [(m.gene, m.alteration) for m in case.raw.molecular] == [("BRAF", "V600E")]
    assert case.raw.clinical.symptomatic is False
    assert case.raw.clinical.locally_treatable is False


def _set(path: str, value: Any) -> dict[str, Any]:
    """_valid() with one dotted path ('rai.0.activity') set; value DELETE removes it."""
    case = _valid()
    *parents, last = path.split(".")
    node: Any = case
    for key in parents:
        node = node[int(key)] if key.isdigit() else node[key]
    if value is DELETE:
        del node[int(last) if last.isdigit() else last]
    elif last.isdigit():
        node[int(last)] = value
    else:
        node[last] = value
    return case


DELETE = object()

# (mutation path, new value, the problem path the spec's path convention gives)
INVALID_ROWS = [
    # `format` must be exactly "thyref-case/1": any other value is rejected.
    ("format", "thyref-case/2", "format"),
    # `format` is required.
    ("format", DELETE, "format"),
    # `id`: 1-64 chars of [A-Za-z0-9._-]; a space is outside the class.
    ("id", "jean dupont", "id"),
    # `id`: empty string is below 1 char.
    ("id", "", "id"),
    # `id`: 65 chars is above 64.
    ("id", "a" * 65, "id"),
    # `id`: a non-ASCII letter is outside [A-Za-z0-9._-].
    ("id", "cas-é", "id"),
    # `id`: a slash is outside the class.
    ("id", "a/b", "id"),
    # `id`: a trailing newline is outside the class (a `$` regex would let it through).
    ("id", "abc\n", "id"),
    # `id` is required.
    ("id", DELETE, "id"),
    # `diagnosis.histology`: unknown enum value (typo of papillary).
    ("diagnosis.histology", "papilary", "diagnosis.histology"),
    # `diagnosis.histology` is required.
    ("diagnosis.histology", DELETE, "diagnosis.histology"),
    # `diagnosis.date` is required.
    ("diagnosis.date", DELETE, "diagnosis.date"),
    # `diagnosis.date`: not an ISO date.
    ("diagnosis.date", "15/01/2010", "diagnosis.date"),
    # `diagnosis.date`: an impossible calendar date.
    ("diagnosis.date", "2010-02-30", "diagnosis.date"),
    # `diagnosis.date`: a date in the future is invalid.
    ("diagnosis.date", FUTURE, "diagnosis.date"),
    # `diagnosis.extent`: only locoregional / locally_advanced / metastatic.
    ("diagnosis.extent", "distant", "diagnosis.extent"),
    # `diagnosis.primary_sample_date` in the future.
    ("diagnosis.primary_sample_date", FUTURE, "diagnosis.primary_sample_date"),
    # `patient.sex`: only female / male / other / unknown.
    ("patient.sex", "f", "patient.sex"),
    # `patient.birth_year`: 1900..current year; 1899 is below.
    ("patient.birth_year", 1899, "patient.birth_year"),
    # `patient.birth_year`: next year is above the current year.
    ("patient.birth_year", TODAY.year + 1, "patient.birth_year"),
    # `rai[].activity`: number > 0, so -5 is rejected (shared example inv-negative-activity).
    ("rai.0.activity", -5, "rai[0].activity"),
    # `rai[].activity`: number > 0, so 0 is rejected too.
    ("rai.0.activity", 0, "rai[0].activity"),
    # `rai[].unit`: only mCi / GBq / MBq.
    ("rai.0.unit", "Ci", "rai[0].unit"),
    # `rai[].unit` is required.
    ("rai.0.unit", DELETE, "rai[0].unit"),
    # `rai[].date` in the future.
    ("rai.0.date", FUTURE, "rai[0].date"),
    # `rai[].date` is required.
    ("rai.0.date", DELETE, "rai[0].date"),
    # `rai[].response`: only regressing / stable / progressing / unknown.
    ("rai.0.response", "better", "rai[0].response"),
    # `lesions[].site`: unknown site vocabulary.
    ("lesions.0.site", "lungs", "lesions[0].site"),
    # `lesions[].site` is required.
    ("lesions.0.site", DELETE, "lesions[0].site"),
    # `lesions[].rai_uptake`: only yes / no / unknown.
    ("lesions.0.rai_uptake", "maybe", "lesions[0].rai_uptake"),
    # `lesions[].recist_role`: only target / non_target.
    ("lesions.1.recist_role", "main", "lesions[1].recist_role"),
    # `imaging[].date` in the future.
    ("imaging.1.date", FUTURE, "imaging[1].date"),
    # `imaging[].measurements`: mm is a number >= 0.
    ("imaging.1.measurements.L1", -1, "imaging[1].measurements.L1"),
    # `imaging[].non_target`: only present / absent / unequivocal_progression.
    ("imaging.1.non_target.B1", "gone", "imaging[1].non_target.B1"),
    # `imaging[].assessed_response`: only CR / PR / SD / PD / NE.
    ("imaging.1.assessed_response", "MR", "imaging[1].assessed_response"),
    # `labs[].test`: only thyroglobulin / tg_antibodies / tsh / calcitonin / cea.
    ("labs.0.test", "ft4", "labs[0].test"),
    # `labs[].date` is required.
    ("labs.0.date", DELETE, "labs[0].date"),
    # `labs[].date` in the future.
    ("labs.1.date", FUTURE, "labs[1].date"),
    # `labs[].value`: number >= 0.
    ("labs.0.value", -0.1, "labs[0].value"),
    # `labs[].unit`: not in the unit list at all.
    ("labs.0.unit", "mmol/L", "labs[0].unit"),
    # `molecular[].gene` is required.
    ("molecular.0.gene", DELETE, "molecular[0].gene"),
    # `molecular[].kind`: only mutation / fusion / amplification.
    ("molecular.0.kind", "deletion", "molecular[0].kind"),
    # `molecular[].origin`: only somatic / germline.
    ("molecular.0.origin", "tumour", "molecular[0].origin"),
    # `molecular[].sample`: only primary / metastasis / blood.
    ("molecular.0.sample", "urine", "molecular[0].sample"),
]


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    INVALID_ROWS,
    # plain ids (letters, digits, . = - _): mutmut cannot select a test by an id holding
    # a space, a slash or an escape, and `make mutation` then stops at its clean run
    ids=[
        re.sub(r"[^A-Za-z0-9._=-]", "_", f"{r[0]}={r[1] if r[1] is not DELETE else 'deleted'}")[:60]
        for r in INVALID_ROWS
    ],
)
def test_invalid_field_is_reported_at_its_path(path: str, value: Any, expected: str) -> None:
    assert expected in _paths(_set(path, value))


# A unit that does not fit the test is an error (canonical: Tg and CEA ng/mL, calcitonin
# pg/mL, TSH mU/L, antibodies IU/mL). Each row crosses dimensions (mass vs. units).
@pytest.mark.parametrize(
    ("test", "unit"),
    [
        ("calcitonin", "mU/L"),  # calcitonin is a mass concentration, mU/L is not
        ("tsh", "ng/mL"),  # TSH is in mU/L, not a mass concentration
        ("thyroglobulin", "IU/mL"),  # Tg is ng/mL; IU/mL is the antibody unit
        ("tg_antibodies", "ng/mL"),  # antibodies are IU/mL
        ("cea", "mUI/L"),  # CEA is ng/mL
        ("tsh", "IU/mL"),  # IU/mL is the antibody unit, not TSH's mU/L
    ],
)
def test_unit_not_fitting_the_test_is_rejected(test: str, unit: str) -> None:
    case = make_case(labs=[lab("2015-01-01", test, 1.0, unit)])
    assert "labs[0].unit" in _paths(case)


def test_duplicate_lesion_ids_point_at_the_duplicate() -> None:
    # lesions[].id is unique within the case: the second "L1" (index 1) is the problem.
    case = make_case(lesions=[lesion("L1", "lung"), lesion("L1", "liver")])
    assert "lesions[1].id" in _paths(case)


def test_duplicate_lesion_id_at_index_two() -> None:
    # Same rule; the path carries the index of the repeated entry (brief: lesions[2].id).
    case = make_case(lesions=[lesion("A", "lung"), lesion("B", "bone"), lesion("A", "liver")])
    assert "lesions[2].id" in _paths(case)


def test_measurement_for_undeclared_lesion() -> None:
    # Shared example inv-undeclared-lesion: L9 is not in lesions[] -> imaging[0].measurements.L9.
    case = make_case(
        lesions=[lesion("P1", "lung", "no")],
        imaging=[scan("2015-06-01", {"P1": 12, "L9": 10})],
    )
    assert "imaging[0].measurements.L9" in _paths(case)


def test_non_target_for_undeclared_lesion() -> None:
    # X9 is not declared -> imaging[1].non_target.X9.
    case = make_case(
        lesions=[lesion("P1", "lung")],
        imaging=[scan("2015-06-01", {"P1": 12}), scan("2015-12-01", {"P1": 12}, {"X9": "present"})],
    )
    assert "imaging[1].non_target.X9" in _paths(case)


@pytest.mark.parametrize("lesions", [None, []], ids=["lesions-absent", "lesions-empty"])
def test_imaging_with_no_lesions_declared(lesions: list[Any] | None) -> None:
    # "imaging with no lesions declared" is listed as invalid input; the problem is about
    # imaging (or lesions), whatever the exact path.
    case = make_case(lesions=lesions, imaging=[scan("2015-06-01", new_lesions=True)])
    paths = _paths(case)
    assert any(p.startswith(("imaging", "lesions")) for p in paths), paths


@pytest.mark.parametrize("year", [1900, TODAY.year], ids=["1900", "current-year"])
def test_birth_year_bounds_are_inclusive(year: int) -> None:
    # patient.birth_year: 1900..current year, both ends valid.
    from thyref.domain import parse_case

    assert parse_case(make_case(patient={"birth_year": year})).raw.patient.birth_year == year


@pytest.mark.parametrize(
    "case_id", ["a", "a" * 64, "Demo-003", "x.y_z-9"], ids=["1", "64", "mixed", "punct"]
)
def test_valid_ids(case_id: str) -> None:
    # 1-64 chars of [A-Za-z0-9._-] are accepted.
    from thyref.domain import parse_case

    assert parse_case(make_case(id=case_id)).id == case_id


def test_today_is_not_the_future() -> None:
    # Only dates after today are "in the future".
    from thyref.domain import parse_case

    case = parse_case(make_case(rai=[rai(TODAY.isoformat(), 100)]))
    assert [r.date for r in case.raw.rai] == [TODAY]


def test_several_problems_are_all_reported() -> None:
    # Rejected as a whole, with every problem listed.
    case = _valid()
    case["diagnosis"]["histology"] = "papilary"
    case["rai"][0]["activity"] = -5
    case["imaging"][1]["measurements"]["L9"] = 10
    case["lesions"].append(lesion("L1", "liver"))  # duplicate id at index 2
    case["labs"][1]["unit"] = "ng/mL"  # TSH in a mass unit
    case["patient"]["birth_year"] = 1850
    paths = _paths(case)
    for expected in (
        "diagnosis.histology",
        "rai[0].activity",
        "imaging[1].measurements.L9",
        "lesions[2].id",
        "labs[1].unit",
        "patient.birth_year",
    ):
        assert expected in paths, (expected, paths)


def test_load_case_reports_validation_problems_too() -> None:
    from thyref.domain import load_case

    case = _valid()
    case["rai"][0]["activity"] = -5
    with pytest.raises(CaseValidationError) as info:
        load_case(json.dumps(case))
    assert "rai[0].activity" in [p.path for p in info.value.problems]


def test_load_case_accepts_text_and_bytes() -> None:
    # str and bytes of the same JSON give the same case, hence the same assessment.
    from thyref.domain import assess, load_case

    text = json.dumps(_valid())
    a = assess(load_case(text)).to_json()
    b = assess(load_case(text.encode("utf-8"))).to_json()
    assert a == b
    assert a["case_id"] == "test-case"


@pytest.mark.parametrize(
    "payload",
    [
        "not json at all",  # not JSON
        "{",  # truncated JSON
        b"\xff\xfe\x00garbage",  # not even text
        "[1, 2, 3]",  # JSON, but not an object
        "42",  # JSON scalar
        '"thyref-case/1"',  # JSON string
        "null",  # JSON null
        "",  # empty input
    ],
    ids=["text", "truncated", "binary", "array", "number", "string", "null", "empty"],
)
def test_format_errors_are_one_line(payload: str | bytes) -> None:
    from thyref.domain import load_case

    with pytest.raises(CaseFormatError) as info:
        load_case(payload)
    message = str(info.value)
    assert message.strip()
    assert "\n" not in message.strip()


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ('"activity": 100', '"activity": Infinity', "rai[0].activity"),
        ('"activity": 100', '"activity": NaN', "rai[0].activity"),
        ('"L1": 12', '"L1": NaN', "imaging[0].measurements.L1"),
        ('"value": 3.0', '"value": -Infinity', "labs[0].value"),
    ],
    ids=["inf-activity", "nan-activity", "nan-measurement", "minus-inf-lab"],
)
def test_non_finite_numbers_are_rejected(old: str, new: str, path: str) -> None:
    # Python's json module accepts NaN / Infinity (not JSON per RFC 8259); they are not
    # "number > 0" / "number >= 0" and must never reach the engine.
    from thyref.domain import load_case

    text = json.dumps(_valid())
    assert old in text
    with pytest.raises((CaseValidationError, CaseFormatError)) as info:
        load_case(text.replace(old, new, 1))
    if isinstance(info.value, CaseValidationError):
        assert path in [p.path for p in info.value.problems]


def test_over_5_mb_is_a_format_error() -> None:
    # "a file over 5 MB gets a one-line error": a syntactically valid 6 MB object.
    from thyref.domain import load_case

    case = _valid()
    case["padding"] = "x" * (6 * 1024 * 1024)
    with pytest.raises(CaseFormatError) as info:
        load_case(json.dumps(case))
    assert "\n" not in str(info.value).strip()


def test_validation_error_is_not_a_format_error() -> None:
    # The two are distinct branches of the error tree (CaseError).
    assert not issubclass(CaseValidationError, CaseFormatError)
    assert not issubclass(CaseFormatError, CaseValidationError)


# ---------------------------------------------------------------------------------------
# Unit conversion
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("administrations", "gbq", "mci"),
    [
        # 1 mCi = 37 MBq exactly: 100 mCi = 3700 MBq = 3.7 GBq.
        ([(100, "mCi")], 3.7, 100.0),
        # 3700 MBq = 3.7 GBq = 3700/37 = 100 mCi.
        ([(3700, "MBq")], 3.7, 100.0),
        # 3.7 GBq = 3700 MBq = 100 mCi.
        ([(3.7, "GBq")], 3.7, 100.0),
        # 1 mCi = 0.037 GBq.
        ([(1, "mCi")], 0.037, 1.0),
        # 37 MBq = 1 mCi.
        ([(37, "MBq")], 0.037, 1.0),
        # 1 GBq = 1000 MBq = 1000/37 = 27.027... mCi.
        ([(1, "GBq")], 1.0, 1000 / 37),
        # mixing all three: 100 mCi + 3700 MBq + 3.7 GBq = 11.1 GBq = 300 mCi.
        ([(100, "mCi"), (3700, "MBq"), (3.7, "GBq")], 11.1, 300.0),
    ],
)
def test_activity_units(administrations: list[tuple[float, str]], gbq: float, mci: float) -> None:
    rai_list = [rai(f"201{i}-06-01", a, u) for i, (a, u) in enumerate(administrations)]
    out = run(make_case(rai=rai_list))
    assert out["rai"]["cumulative_gbq"] == pytest.approx(gbq, abs=0.006)
    assert out["rai"]["cumulative_mci"] == pytest.approx(mci, abs=0.06)


# Mass units: ug/L = ng/mL and ng/L = pg/mL (factor 1). A perfect doubling series
# 1, 2, 4, 8 at 100-day steps gives a doubling time of exactly 100 days and r2 = 1 only
# if every unit was converted with factor 1 (ln-linear regression is scale-free for a
# common factor, but not for a factor applied to some points only).
@pytest.mark.parametrize(
    ("test", "units"),
    [
        ("thyroglobulin", ["ng/mL", "ug/L", "ng/mL", "ug/L"]),
        ("thyroglobulin", ["ug/L", "ug/L", "ug/L", "ug/L"]),
        ("calcitonin", ["pg/mL", "ng/L", "pg/mL", "ng/L"]),
        ("cea", ["ng/mL", "ug/L", "ug/L", "ng/mL"]),
    ],
)
def test_mass_units_with_factor_one(test: str, units: list[str]) -> None:
    dates = ["2015-01-01", "2015-04-11", "2015-07-20", "2015-10-28"]  # 100 days apart
    labs = [lab(d, test, v, u) for d, v, u in zip(dates, [1.0, 2.0, 4.0, 8.0], units, strict=True)]
    k = run(make_case(labs=labs))["kinetics"][test]
    assert k["points"] == 4
    assert k["status"] == "rising"
    assert k["doubling_time_days"] == pytest.approx(100.0, abs=0.051)
    assert k["r2"] == pytest.approx(1.0, abs=1e-3)


# Mass units with a factor other than 1: 1000 pg/mL = 1000 ng/L = 1 ng/mL = 1 ug/L for Tg
# and CEA; 1 ng/mL = 1 ug/L = 1000 pg/mL for calcitonin. The same perfect doubling, each
# point in another unit: 100 days, r2 = 1 and the canonical values 1, 2, 4, 8 only if every
# factor is right (a 1000-fold error on one point breaks the line).
@pytest.mark.parametrize(
    ("test", "points", "canonical"),
    [
        ("thyroglobulin", [(1, "ng/mL"), (2000, "pg/mL"), (4000, "ng/L"), (8, "ug/L")], "ng/mL"),
        ("cea", [(1000, "pg/mL"), (2, "ug/L"), (4000, "ng/L"), (8, "ng/mL")], "ng/mL"),
        ("calcitonin", [(0.001, "ng/mL"), (2, "ng/L"), (0.004, "ug/L"), (8, "pg/mL")], "pg/mL"),
    ],
)
def test_mass_units_with_other_factors(
    test: str, points: list[tuple[float, str]], canonical: str
) -> None:
    dates = ["2015-01-01", "2015-04-11", "2015-07-20", "2015-10-28"]  # 100 days apart
    labs = [lab(d, test, v, u) for d, (v, u) in zip(dates, points, strict=True)]
    k = run(make_case(labs=labs))["kinetics"][test]
    assert k["unit"] == canonical
    assert [v for _, v in k["series"]] == pytest.approx([1.0, 2.0, 4.0, 8.0])
    assert k["doubling_time_days"] == pytest.approx(100.0, abs=0.051)
    assert k["r2"] == pytest.approx(1.0, abs=1e-3)


# TSH: mU/L = mUI/L = m[IU]/L. TSH-SUPPRESSION is `high` when the latest TSH >= 0.5 mU/L,
# else `routine` (clinical-rules.md section 4), so 0.6 in any spelling -> high and 0.3 ->
# routine; a wrong factor (e.g. 1000) would flip 0.3 to high.
@pytest.mark.parametrize("unit", ["mU/L", "mUI/L", "m[IU]/L"])
@pytest.mark.parametrize(("value", "priority"), [(0.6, "high"), (0.3, "routine")])
def test_tsh_units(unit: str, value: float, priority: str) -> None:
    case = make_case(
        lesions=[lesion("L1", "lung", "yes")],
        labs=[lab("2016-01-01", "tsh", value, unit)],
    )
    r = rec(run(case), "TSH-SUPPRESSION")
    assert r is not None
    assert r["priority"] == priority


# Antibodies: IU/mL = UI/mL = [IU]/mL. Positive antibodies (judged against upper_limit when
# `positive` is absent) in the Tg window make the Tg kinetics `unreliable`. 30 > 4 is
# positive; 1 < 4 is negative -> the perfect Tg series stays `rising`.
@pytest.mark.parametrize("unit", ["IU/mL", "UI/mL", "[IU]/mL"])
@pytest.mark.parametrize(("value", "status"), [(30.0, "unreliable"), (1.0, "rising")])
def test_antibody_units(unit: str, value: float, status: str) -> None:
    dates = ["2015-01-01", "2015-04-11", "2015-07-20", "2015-10-28"]
    labs = [lab(d, "thyroglobulin", v, "ng/mL") for d, v in zip(dates, [1, 2, 4, 8], strict=True)]
    labs.append(lab("2015-07-20", "tg_antibodies", value, unit, upper_limit=4.0))
    k = run(make_case(labs=labs))["kinetics"]["thyroglobulin"]
    assert k["status"] == status
    # the figure is still reported when unreliable
    assert k["doubling_time_days"] == pytest.approx(100.0, abs=0.051)


def test_thousand_mbq_sum_is_exact() -> None:
    # 22 x 1000 MBq = 22 GBq = 22000/37 mCi = 594.594... mCi.
    rai_list = [rai(f"{2010 + i // 12}-{1 + i % 12:02d}-01", 1000, "MBq") for i in range(22)]
    out = run(make_case(rai=rai_list))
    assert out["rai"]["cumulative_gbq"] == pytest.approx(22.0, abs=0.006)
    assert out["rai"]["cumulative_mci"] == pytest.approx(22000 / 37, abs=0.06)
    assert out["rai"]["administrations"] == 22


# ---------------------------------------------------------------------------------------
# Issue 7, strict input (case-format.md "Invalid input": "a date not written as an ISO
# calendar date `YYYY-MM-DD` (a timestamp, a number, a date-time), a date before
# 1900-01-01, a number that is not finite or beyond a plausible bound (an I-131
# administration above 50 GBq = 1,351 mCi, a measurement above 1,000 mm)")

STRICT_ROWS = [
    # a Unix timestamp as a number (2015-03-01 00:00 UTC)
    ("rai.0.date", 1425168000, "rai[0].date"),
    # the same timestamp as a numeric string
    ("rai.0.date", "1425168000", "rai[0].date"),
    # a date-time, even at midnight
    ("rai.0.date", "2015-03-01T00:00:00", "rai[0].date"),
    # a date-time with a zone
    ("imaging.1.date", "2015-09-01T10:00:00Z", "imaging[1].date"),
    # a non-calendar day
    ("diagnosis.date", "2015-02-29", "diagnosis.date"),
    # another writing of a date
    ("labs.0.date", "01/04/2015", "labs[0].date"),
    # a float
    ("molecular.0.date", 20150501.0, "molecular[0].date"),
    # before 1900-01-01 (the bound is inclusive: 1900-01-01 itself is accepted, below)
    ("diagnosis.date", "1899-12-31", "diagnosis.date"),
    ("diagnosis.primary_sample_date", "1899-12-31", "diagnosis.primary_sample_date"),
    # 50 GBq = 50,000 MBq is the largest administration: 1,352 mCi = 50,024 MBq is above
    ("rai.0.activity", 1352, "rai[0].activity"),
    # in GBq, just above 50
    ("rai.0", {"date": "2015-03-01", "activity": 50.001, "unit": "GBq"}, "rai[0].activity"),
    # in MBq, just above 50,000
    ("rai.0", {"date": "2015-03-01", "activity": 50000.5, "unit": "MBq"}, "rai[0].activity"),
    # a measurement above 1,000 mm
    ("imaging.1.measurements.L1", 1000.5, "imaging[1].measurements.L1"),
    # a huge integer (beyond a float) is a problem at its path, never a traceback
    ("imaging.1.measurements.L1", 10**400, "imaging[1].measurements.L1"),
    # a lab value that overflows once converted (calcitonin ng/mL x 1000 -> pg/mL)
    ("labs.0", {"date": "2015-04-01", "test": "calcitonin", "value": 1e307, "unit": "ng/mL"},
     "labs[0].value"),
]  # fmt: skip


@pytest.mark.parametrize(("path", "value", "expected"), STRICT_ROWS)
def test_strict_input_is_rejected_at_its_path(path: str, value: Any, expected: str) -> None:
    assert expected in _paths(_set(path, value))


ACCEPTED_EDGES = [
    # the bounds are inclusive: exactly 1900-01-01
    ("diagnosis.date", "1900-01-01"),
    # exactly 1,351 mCi = 49,987 MBq (below 50 GBq)
    ("rai.0.activity", 1351),
    # exactly 50 GBq
    ("rai.0", {"date": "2015-03-01", "activity": 50, "unit": "GBq"}),
    # exactly 50,000 MBq
    ("rai.0", {"date": "2015-03-01", "activity": 50000, "unit": "MBq"}),
    # exactly 1,000 mm
    ("imaging.1.measurements.L1", 1000),
]


@pytest.mark.parametrize(("path", "value"), ACCEPTED_EDGES)
def test_values_at_the_bounds_are_accepted(path: str, value: Any) -> None:
    run(_set(path, value))


@pytest.mark.parametrize(
    ("code_path", "value", "french", "english"),
    [
        ("rai.0.date", "1425168000", "date invalide", "invalid date"),
        ("diagnosis.date", "1899-12-31", "la date 1899-12-31 est antérieure", "date 1899-12-31"),
        ("rai.0.activity", 2000, "2000 mCi dépasse la limite plausible de 50 GBq", "2000 mCi is"),
        ("imaging.1.measurements.L1", 1500, "1500 mm dépasse", "1500 mm is above"),
    ],
)
def test_strict_input_problems_are_said_in_both_languages(
    code_path: str, value: Any, french: str, english: str
) -> None:
    from thyref.domain import parse_case
    from thyref.domain.messages import problem_text

    with pytest.raises(CaseValidationError) as info:
        parse_case(_set(code_path, value))
    problem = info.value.problems[0]
    assert problem_text(problem, "fr").startswith(french)
    assert problem_text(problem, "en").startswith(english)


def test_a_timestamp_does_not_slip_past_the_future_check() -> None:
    # a timestamp in the future (2100-01-01) is rejected as a malformed date
    assert "rai[0].date" in _paths(_set("rai.0.date", 4102444800))


# Digits of other scripts look like a date to `\d` but are no ISO date: one problem, the
# malformed date, and no "date in the future" beside it (the text sorted after today).
@pytest.mark.parametrize(
    ("path", "value", "where"),
    [
        # Arabic-Indic digits in the diagnosis date
        ("diagnosis.date", "\u0662\u0660\u0661\u0660-\u0660\u0665-\u0660\u0663", "diagnosis.date"),
        # fullwidth digits in an imaging date
        ("imaging.0.date", "\uff12\uff10\uff11\uff15-\uff10\uff12-\uff10\uff11", "imaging[0].date"),
        # Devanagari digits in a lab date
        ("labs.0.date", "\u0968\u0966\u0967\u096b-\u0966\u096a-\u0966\u0967", "labs[0].date"),
        # Arabic-Indic digits in an I-131 administration date
        ("rai.0.date", "\u0662\u0660\u0661\u0665-\u0660\u0663-\u0660\u0661", "rai[0].date"),
    ],
    ids=["arabic-diagnosis", "fullwidth-imaging", "devanagari-lab", "arabic-rai"],
)
def test_non_ascii_digits_are_a_malformed_date_not_a_future_one(
    path: str, value: str, where: str
) -> None:
    from thyref.domain import parse_case

    with pytest.raises(CaseValidationError) as info:
        parse_case(_set(path, value))
    assert [(p.path, p.code) for p in info.value.problems] == [(where, "date_format")]


# A vocabulary field given something else than a word: the sentence quotes the value in a
# short readable form (was "unknown value {input}", the placeholder left unfilled), and
# French joins the allowed values with "ou" (was the validator's English "or").
@pytest.mark.parametrize(
    ("path", "value", "shown", "where"),
    [
        # null in an enum field
        ("lesions.0.rai_uptake", None, "null", "lesions[0].rai_uptake"),
        # a list in a Literal field
        ("patient.sex", ["female"], '["female"]', "patient.sex"),
        # an object in an enum field
        ("diagnosis.histology", {"a": 1}, '{"a": 1}', "diagnosis.histology"),
        # a long list, cut short
        ("rai.0.unit", ["mCi"] * 20, '["mCi", "mCi", "mCi", "mCi", "mCi", "...', "rai[0].unit"),
        # a word outside the list, quoted as before
        ("labs.0.test", "ft4", "'ft4'", "labs[0].test"),
    ],
    ids=["null", "list", "object", "long-list", "word"],
)
def test_a_value_outside_a_vocabulary_is_quoted_in_each_language(
    path: str, value: Any, shown: str, where: str
) -> None:
    from thyref.domain import parse_case
    from thyref.domain.messages import problem_text

    with pytest.raises(CaseValidationError) as info:
        parse_case(_set(path, value))
    (problem,) = [p for p in info.value.problems if p.path == where]
    fr, en = problem_text(problem, "fr"), problem_text(problem, "en")
    assert f"valeur inconnue {shown}\u00a0;" in fr and "{input}" not in fr
    assert f"unknown value {shown};" in en and "{input}" not in en
    assert " ou '" in fr and " or " not in fr
    assert " or '" in en


# A lone surrogate (half of a UTF-16 pair, written "\\ud800" in JSON) cannot be printed or
# stored: refused in any key or text, at its path, before any other check.
@pytest.mark.parametrize(
    ("path", "value", "where"),
    [
        # a free text field (was accepted, then a traceback when printed)
        ("clinical.on_systemic_therapy", "lenva\ud800", "clinical.on_systemic_therapy"),
        # a lesion id: the id alone is named, not the measurements' keys
        ("lesions.1.id", "B\udfff", "lesions[1].id"),
        # a molecular alteration (was accepted, not even shown)
        ("molecular.0.alteration", "V600\udc00", "molecular[0].alteration"),
        # a field the format does not know (extra fields are kept in the stored case)
        ("note", ["ok", "x\ud800"], "note[1]"),
        # a key: named escaped, so that the path can be printed
        ("imaging.0.measurements.L\ud800", 3, "imaging[0].measurements.'L\\ud800'"),
    ],
    ids=["therapy", "lesion-id", "alteration", "extra-list", "key"],
)
def test_a_lone_surrogate_is_refused_at_its_path(path: str, value: Any, where: str) -> None:
    from thyref.domain import parse_case
    from thyref.domain.messages import problem_text

    with pytest.raises(CaseValidationError) as info:
        parse_case(_set(path, value))
    assert [(p.path, p.code) for p in info.value.problems] == [(where, "lone_surrogate")]
    problem = info.value.problems[0]
    assert "contient U+D" in problem_text(problem, "fr")
    assert "contains U+D" in problem_text(problem, "en")
    for said in (problem.path, problem_text(problem, "fr"), str(info.value)):
        said.encode("utf-8")  # printable


def test_a_surrogate_pair_is_one_character_and_accepted() -> None:
    from thyref.domain import load_case

    text = json.dumps(_valid()).replace('"V600E"', '"V600E \\ud83d\\ude00"')
    assert load_case(text).raw.molecular[0].alteration == "V600E \U0001f600"


@pytest.mark.parametrize(
    ("lists", "refused"),
    [
        # the case object and 253 nested lists in an extra field: 254 levels, accepted
        (253, False),
        # one more: 255 levels, refused as too deep (the bound orjson checks for free)
        (254, True),
    ],
)
def test_the_depth_bound_is_exact(lists: int, refused: bool) -> None:
    from thyref.domain import parse_case

    nested: Any = "x"
    for _ in range(lists):
        nested = [nested]
    case = {**make_case(), "extra": nested}
    if refused:
        with pytest.raises(CaseFormatError) as info:
            parse_case(case)
        assert info.value.code == "too_deep"
    else:
        assert parse_case(case).raw.id == "test-case"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        # a list as JSON, accented text kept as it is (not \u00e9)
        (["é"], '["é"]'),
        # a value JSON cannot write (a date) written as text, not an error
        ([dt.date(2020, 1, 2)], '["2020-01-02"]'),
        # exactly 40 characters: shown whole
        ("x" * 38, "'" + "x" * 38 + "'"),
        # 41: cut, with "..."
        ("x" * 39, "'" + "x" * 36 + "..."),
        # a lone surrogate inside a list: written as its escape, printable
        (["\ud800"], '["\\ud800"]'),
    ],
)
def test_a_value_is_shown_short_and_printable(value: Any, shown: str) -> None:
    from thyref.domain.case import shown_input

    assert shown_input(value) == shown
    shown.encode("utf-8")  # printable


def test_what_orjson_refuses_for_another_reason_is_not_called_a_surrogate() -> None:
    from thyref.domain import parse_case

    # an integer beyond 64 bits in an extra field and an accented text: orjson cannot
    # write the case, so it is walked; neither is a lone surrogate, nor too deep
    case = {**make_case(), "extra": {"n": 2**70, "note": "é"}}
    assert parse_case(case).raw.id == "test-case"


def test_a_lone_surrogate_at_254_levels_is_said_as_a_surrogate() -> None:
    from thyref.domain import parse_case

    # 254 levels (the bound, accepted) holding a lone surrogate: orjson refuses it, the
    # walk finds the surrogate, not a depth problem
    nested: Any = "\ud800"
    for _ in range(253):
        nested = [nested]
    with pytest.raises(CaseValidationError) as info:
        parse_case({**make_case(), "extra": nested})
    assert [p.code for p in info.value.problems] == ["lone_surrogate"]


def test_every_surrogate_key_of_one_object_is_named_at_its_path() -> None:
    from thyref.domain import parse_case

    # two keys of the top object: each named, without a leading dot
    case = {**make_case(), "a\ud800": 1, "b\udc00": 2}
    with pytest.raises(CaseValidationError) as info:
        parse_case(case)
    paths = sorted(p.path for p in info.value.problems)
    assert paths == ["'a\\ud800'", "'b\\udc00'"]
    assert all("surrogate" in p.message for p in info.value.problems)


def test_the_digit_bound_of_decoding_is_exact() -> None:
    import sys

    from thyref.domain.case import decode_json
    from thyref.domain.messages import error_text

    bound = sys.get_int_max_str_digits()
    assert decode_json('{"x": ' + "9" * bound + "}")["x"] > 0  # at the bound: read
    with pytest.raises(CaseFormatError) as info:
        decode_json('{"x": ' + "9" * (bound + 1) + "}")
    assert f"{bound}" in error_text(info.value, "en").replace(",", "")


@pytest.mark.parametrize("surrogate", [True, False])
def test_the_depth_bound_holds_for_objects_too(surrogate: bool) -> None:
    from thyref.domain import parse_case
    from thyref.domain.messages import error_text

    # objects nested in objects: 254 levels holding a lone surrogate is a surrogate
    # problem (the bound is accepted); 255 levels is too deep, the bound said
    nested: Any = "\ud800" if surrogate else "x"
    for _ in range(253 if surrogate else 254):
        nested = {"a": nested}
    case = {**make_case(), "extra": nested}
    if surrogate:
        with pytest.raises(CaseValidationError) as problems:
            parse_case(case)
        assert [p.code for p in problems.value.problems] == ["lone_surrogate"]
    else:
        with pytest.raises(CaseFormatError) as info:
            parse_case(case)
        assert info.value.code == "too_deep"
        assert "254" in error_text(info.value, "en")
