"""Bundles shaped as hospital EHRs send them (tests/fhir/data, see its README.md).

Each file reproduces one real-world convention (the README names it and its source). The
expected cases are written by hand from case-format.md, fhir-codes.md and
docs/fhir-mapping.md: what is unambiguous is imported, nothing is guessed, what is left is
listed with its reason, and a Bundle mixing two patients is refused.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from thyref.domain import parse_case
from thyref.domain.messages import problem_text
from thyref.fhir.importer import FhirImportError, ImportResult, bundle_to_case
from thyref.fhir.unused import unmapped_text

Json = dict[str, Any]
DATA = Path(__file__).parent / "data"


def load(name: str) -> Json:
    data: Json = json.loads((DATA / name).read_text(encoding="utf-8"))
    return data


def imported(name: str) -> ImportResult:
    result = bundle_to_case(load(name))
    parse_case(result.case)  # every imported case is a valid case
    return result


def entry(index: int, kind: str, rid: str | None = None) -> str:
    """The path the importer gives an entry's resource."""
    return (
        f"Bundle.entry[{index}].resource({kind}/{rid})"
        if rid
        else (f"Bundle.entry[{index}].resource({kind})")
    )


def obs(index: int, rid: str) -> str:
    return entry(index, "Observation", rid)


def codes(items: list[Any]) -> list[tuple[str, str]]:
    return [(u.path, u.code) for u in items]


# --------------------------------------------------------------------------------------
# every file is an R4 Bundle (the fixtures themselves are checked)


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.json")))
def test_every_fixture_is_a_valid_r4_bundle_and_described(name: str) -> None:
    from fhir.resources.R4B.bundle import Bundle

    Bundle.model_validate(load(name))
    assert f"`{name}`" in (DATA / "README.md").read_text(encoding="utf-8")


# --------------------------------------------------------------------------------------
# lab values: the case each file gives (date, test, value, unit, flags)


@pytest.mark.parametrize(
    ("name", "labs"),
    [
        # censored values: "<0.2 ng/mL" is 0.2 with below_detection (case-format.md's way of
        # entering it), never a measured 0.2; "> 500" is no value; "<0.1 ng/mL" written as
        # text is read like the Quantity (number, unit and comparator all given); the
        # interpretation POS of Tg antibodies gives positive; H on thyroglobulin does not
        (
            "censored-values.json",
            [
                {
                    "date": "2023-05-04",
                    "test": "thyroglobulin",
                    "value": 0.2,
                    "unit": "ng/mL",
                    "below_detection": True,
                },
                {
                    "date": "2023-05-04",
                    "test": "calcitonin",
                    "value": 2,
                    "unit": "pg/mL",
                    "below_detection": True,
                },
                {
                    "date": "2023-08-01",
                    "test": "thyroglobulin",
                    "value": 0.1,
                    "unit": "ng/mL",
                    "below_detection": True,
                },
                {
                    "date": "2023-05-04",
                    "test": "tg_antibodies",
                    "value": 25,
                    "unit": "IU/mL",
                    "positive": True,
                },
                {"date": "2023-10-01", "test": "thyroglobulin", "value": 2.5, "unit": "ng/mL"},
            ],
        ),
        # display units without a UCUM code: the micro sign (U+00B5) and the Greek mu
        # (U+03BC) are UCUM's "u"; UCUM's litre is "l" as well as "L"; "uIU/mL" is
        # u[IU]/mL = m[IU]/L (x 1); TSH LOINC 11580-8 (detection limit <= 0.005 mIU/L) is TSH
        (
            "lab-units.json",
            [
                {"date": "2023-05-04", "test": "thyroglobulin", "value": 1.5, "unit": "ug/L"},
                {"date": "2023-05-04", "test": "cea", "value": 3, "unit": "ug/L"},
                {"date": "2023-06-01", "test": "thyroglobulin", "value": 1.2, "unit": "ng/mL"},
                {"date": "2023-05-04", "test": "calcitonin", "value": 8, "unit": "ng/L"},
                {"date": "2023-05-04", "test": "tsh", "value": 0.05, "unit": "m[IU]/L"},
                {"date": "2023-06-01", "test": "tsh", "value": 0.08, "unit": "m[IU]/L"},
                {"date": "2023-07-01", "test": "tsh", "value": 0.1, "unit": "m[IU]/L"},
                {"date": "2023-05-04", "test": "tg_antibodies", "value": 30, "unit": "[IU]/mL"},
            ],
        ),
        # the date as the sender wrote it (local time, not moved to UTC); a period's start;
        # a month alone or `issued` alone is no collection date
        (
            "effective-dates.json",
            [
                {"date": "2023-05-04", "test": "thyroglobulin", "value": 1, "unit": "ng/mL"},
                {"date": "2023-03-01", "test": "thyroglobulin", "value": 1.1, "unit": "ng/mL"},
            ],
        ),
        # urn:uuid references of a transaction (subject, medicationReference)
        (
            "transaction-urn-uuid.json",
            [{"date": "2023-05-04", "test": "thyroglobulin", "value": 0.9, "unit": "ng/mL"}],
        ),
        # absolute and relative references to the included Patient
        (
            "searchset-paged.json",
            [
                {"date": "2023-05-04", "test": "thyroglobulin", "value": 1.4, "unit": "ng/mL"},
                {"date": "2023-02-01", "test": "thyroglobulin", "value": 1, "unit": "ng/mL"},
            ],
        ),
        # the same Observation twice: versionId 2 is kept
        (
            "duplicates.json",
            [{"date": "2023-05-04", "test": "thyroglobulin", "value": 1.6, "unit": "ng/mL"}],
        ),
    ],
)
def test_labs_as_hospitals_send_them(name: str, labs: list[Json]) -> None:
    assert imported(name).case.get("labs", []) == labs


@pytest.mark.parametrize(
    ("name", "rai"),
    [
        # dosage.dose in mCi, MBq, GBq kept in the sender's unit (the case converts)
        (
            "i131-doses.json",
            [
                {"date": "2015-05-01", "activity": 100, "unit": "mCi"},
                {"date": "2016-05-01", "activity": 3700, "unit": "MBq"},
                {"date": "2017-05-01", "activity": 5.55, "unit": "GBq"},
            ],
        ),
        # medicationReference to a contained Medication
        ("contained.json", [{"date": "2016-03-01", "activity": 3.7, "unit": "GBq"}]),
        # medicationReference to a urn:uuid Medication entry
        ("transaction-urn-uuid.json", [{"date": "2016-03-01", "activity": 100, "unit": "mCi"}]),
    ],
)
def test_iodine_administrations_as_hospitals_send_them(name: str, rai: list[Json]) -> None:
    assert imported(name).case["rai"] == rai


# --------------------------------------------------------------------------------------
# what is not used, and why (path, code)


@pytest.mark.parametrize(
    ("name", "unused", "notes"),
    [
        (
            "censored-values.json",
            [
                (obs(3, "tg-above"), "comparator_above"),  # "> 500": no value
                (obs(5, "tg-text"), "lab_text"),  # "<0.1" as text, no unit
                (obs(7, "tg-absent"), "data_absent"),  # dataAbsentReason error
                # H on thyroglobulin: thyref reads interpretations of Tg antibodies only
                (f"{obs(9, 'tg-high')}.interpretation[0]", "interpretation_test"),
            ],
            [(obs(6, "tg-text-unit"), "lab_value_text")],  # read from "<0.1 ng/mL"
        ),
        # every unit and code of the file is read
        ("lab-units.json", [], []),
        (
            "effective-dates.json",
            [(obs(3, "tg-month"), "lab_no_date"), (obs(5, "tg-issued"), "lab_no_date")],
            [],
        ),
        ("transaction-urn-uuid.json", [], []),
        (
            "searchset-paged.json",
            [
                # the server's warning that some results were withheld
                (entry(4, "OperationOutcome"), "server_message"),
                # one page of 57 results: the next pages were not read
                ("Bundle.link[1]", "next_page"),
            ],
            [],
        ),
        # a DiagnosticReport (and the Observation it contains) is not read
        ("contained.json", [(entry(3, "DiagnosticReport", "dr-1"), "resource_type")], []),
        (
            "i131-doses.json",
            [
                # kBq: not an activity unit of the case format
                (entry(5, "MedicationAdministration", "rai-kbq"), "rai_unit"),
                # a Procedure with the activity in a local extension: not read
                (entry(6, "Procedure", "pr-1"), "resource_type"),
            ],
            [],
        ),
        ("duplicates.json", [(obs(3, "tg-dup"), "duplicate")], []),
    ],
)
def test_what_is_left_is_listed(
    name: str, unused: list[tuple[str, str]], notes: list[tuple[str, str]]
) -> None:
    result = imported(name)
    assert sorted(codes(result.unmapped)) == sorted(unused)
    assert codes(result.notes) == notes


@pytest.mark.parametrize(
    ("name", "path", "fr", "en"),
    [
        # the text is quoted, so the reader sees what the lab wrote
        (
            "censored-values.json",
            obs(5, "tg-text"),
            "Thyroglobuline : résultat écrit en texte « <0.1 »",
            "Thyroglobulin: result given as text '<0.1'",
        ),
        # the server's own words are quoted
        (
            "searchset-paged.json",
            entry(4, "OperationOutcome"),
            "Some results were not returned because they are restricted",
            "Some results were not returned because they are restricted",
        ),
        # the next page's address is given
        (
            "searchset-paged.json",
            "Bundle.link[1]",
            "_page=2",
            "_page=2",
        ),
        # the unit that is not an activity is named
        (
            "i131-doses.json",
            entry(5, "MedicationAdministration", "rai-kbq"),
            "« kBq »",
            "'kBq'",
        ),
    ],
)
def test_reasons_quote_what_was_sent(name: str, path: str, fr: str, en: str) -> None:
    result = imported(name)
    item = next(u for u in result.unmapped if u.path == path)
    assert fr in unmapped_text(item, "fr")
    assert en in unmapped_text(item, "en")


# --------------------------------------------------------------------------------------
# another patient's resources: refused, naming the field


@pytest.mark.parametrize(
    ("name", "path", "named"),
    [
        # a Tg of Patient/p2 beside Patient/p1's record
        ("other-patient.json", f"{obs(3, 'tg-other')}.subject", "Patient/p2"),
        # a transaction whose Observation names a urn:uuid that is not the Patient's entry
        (
            "other-patient-transaction.json",
            f"{entry(2, 'Observation')}.subject",
            "urn:uuid:0f3e1c55-0000-4000-8000-000000000099",
        ),
    ],
)
def test_resources_of_another_patient_are_refused(name: str, path: str, named: str) -> None:
    with pytest.raises(FhirImportError) as caught:
        bundle_to_case(load(name))
    (problem,) = caught.value.problems
    assert (problem.path, problem.code) == (path, "fhir_other_patient")
    for lang in ("fr", "en"):
        said = problem_text(problem, lang)
        assert named in said and "{" not in said
    assert "un patient à la fois" in problem_text(problem, "fr")
    assert "one patient at a time" in problem_text(problem, "en")


# --------------------------------------------------------------------------------------
# values written as text: read only when the whole text is a comparator, a number and a
# unit


def _tg_text(text: str) -> Json:
    return {
        "resourceType": "Observation",
        "id": "tg",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "3013-0"}]},
        "subject": {"reference": "Patient/p1"},
        "effectiveDateTime": "2023-05-04",
        "valueString": text,
    }


def _with(*resources: Json) -> ImportResult:
    base = load("censored-values.json")["entry"][:2]  # its Patient and primary cancer
    return bundle_to_case(
        {"resourceType": "Bundle", "type": "collection", "entry": [*base, *map(_entry, resources)]}
    )


def _entry(res: Json) -> Json:
    return {"resource": res}


@pytest.mark.parametrize(
    ("text", "lab", "code"),
    [
        # comparator, number and unit: below the detection limit
        ("<0.1 ng/mL", {"value": 0.1, "unit": "ng/mL", "below_detection": True}, None),
        # no space between the number and the unit
        ("<0.1ng/mL", {"value": 0.1, "unit": "ng/mL", "below_detection": True}, None),
        # a plain measured value with a display unit (micro sign)
        ("1.4 \u00b5g/L", {"value": 1.4, "unit": "ug/L"}, None),
        # no unit: the 1 of "0.1" is not a unit
        ("<0.1", None, "lab_text"),
        # a decimal comma: not read (no guessing between 0.1 and a thousands separator)
        ("<0,1 ng/mL", None, "lab_text"),
        # words
        ("voir commentaire", None, "lab_text"),
        # more than a value: not read
        ("0.4 ng/mL (anticorps présents)", None, "lab_text"),
        # "> 300": above the range, no value (as for a Quantity)
        ("> 300 ng/mL", None, "comparator_above"),
        # a unit thyroglobulin has not
        ("0.4 mmol/L", None, "lab_unit_unknown"),
    ],
)
def test_values_written_as_text(text: str, lab: Json | None, code: str | None) -> None:
    result = _with(_tg_text(text))
    if lab is None:
        assert "labs" not in result.case
        assert codes(result.unmapped) == [(obs(2, "tg"), code)]
    else:
        expected = {"date": "2023-05-04", "test": "thyroglobulin", **lab}
        assert result.case["labs"] == [expected]
        assert codes(result.notes) == [(obs(2, "tg"), "lab_value_text")]


def test_sent_text_is_quoted_on_one_line_and_clipped() -> None:
    outcome = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": "processing", "diagnostics": "a\nb\x1b[31m"}],
    }
    long = _tg_text("<" + "9" * 200)
    result = _with(outcome, long)
    said = {u.path: unmapped_text(u, "en") for u in result.unmapped}
    # a newline and a terminal escape become spaces
    assert said[entry(2, "OperationOutcome")].endswith("(error): a b [31m")
    # 80 characters at most are quoted
    assert "<" + "9" * 78 + "…" in said[obs(3, "tg")]


@pytest.mark.parametrize(
    ("dose", "code"),
    [
        # a value without any unit: incomplete, no unit to name
        ({"value": 100}, "rai_incomplete"),
        # a unit without a value
        ({"unit": "mCi", "code": "mCi"}, "rai_incomplete"),
        # the UCUM code is read before the display: "mci" is no UCUM unit
        ({"value": 100, "unit": "mCi", "code": "mci"}, "rai_unit"),
    ],
)
def test_iodine_doses_that_are_not_read(dose: Json, code: str) -> None:
    administration = {
        "resourceType": "MedicationAdministration",
        "id": "rai",
        "status": "completed",
        "medicationCodeableConcept": {
            "coding": [{"system": "http://www.whocc.no/atc", "code": "V10XA01"}]
        },
        "subject": {"reference": "Patient/p1"},
        "effectiveDateTime": "2016-03-01",
        "dosage": {"dose": dose},
    }
    result = _with(administration)
    assert codes(result.unmapped) == [(entry(2, "MedicationAdministration", "rai"), code)]
