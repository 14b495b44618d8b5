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


DR_THYROID = entry(2, "DiagnosticReport", "dr-thyroid")
DR_TSH = entry(3, "DiagnosticReport", "dr-tsh")


def codes(items: list[Any]) -> list[tuple[str, str]]:
    return [(u.path, u.code) for u in items]


# --------------------------------------------------------------------------------------
# every file is an R4 Bundle (the fixtures themselves are checked)


# files that break R4 on purpose, as some EHRs do (the README says so)
NOT_R4 = {"datetime-no-zone.json", "dedalus-style-datetimes.json"}


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.json")))
def test_every_fixture_is_a_valid_r4_bundle_and_described(name: str) -> None:
    from fhir.resources.R4B.bundle import Bundle
    from pydantic import ValidationError

    if name in NOT_R4:
        with pytest.raises(ValidationError):
            Bundle.model_validate(load(name))
    else:
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
        # a Tg Observation contained in its DiagnosticReport (result "#tg")
        (
            "contained.json",
            [{"date": "2023-05-04", "test": "thyroglobulin", "value": 0.7, "unit": "ng/mL"}],
        ),
        # contained results (no subject of their own: the report's patient), in the report's
        # order, then a result the report names by reference; the report entered in error
        # gives nothing (its Tg of 9.9 is not read)
        (
            "report-contained.json",
            [
                {"date": "2023-05-04", "test": "thyroglobulin", "value": 0.7, "unit": "ng/mL"},
                {"date": "2023-05-04", "test": "tg_antibodies", "value": 18, "unit": "IU/mL"},
                {"date": "2023-06-01", "test": "tsh", "value": 0.05, "unit": "m[IU]/L"},
            ],
        ),
        # a report whose result is a contained panel: its members (hasMember "#tg",
        # "#tsh") are read; a panel entry's member sent as an entry is read
        (
            "report-panel.json",
            [
                {"date": "2023-10-02", "test": "thyroglobulin", "value": 0.6, "unit": "ng/mL"},
                {"date": "2023-10-02", "test": "tsh", "value": 0.09, "unit": "m[IU]/L"},
                {"date": "2023-11-06", "test": "thyroglobulin", "value": 0.5, "unit": "ng/mL"},
            ],
        ),
        # mcg is the clinical spelling of µg (UCUM ug); NG/ML and MIU/L are UCUM's
        # case-insensitive forms (capitals, as HL7 v2 labs send units); mcIU/mL and the
        # French µUI/mL are u[IU]/mL = m[IU]/L; kUI/L is k[IU]/L = [IU]/mL. U/mL and kU/L
        # (an assay's own units, not international units) and mIU/mL for a TSH (a
        # thousand times the usual mIU/L: a slip or not) are not read
        (
            "lab-units-spellings.json",
            [
                {"date": "2023-01-10", "test": "thyroglobulin", "value": 1.5, "unit": "ug/L"},
                {"date": "2023-02-10", "test": "thyroglobulin", "value": 1.1, "unit": "ng/mL"},
                {"date": "2023-01-10", "test": "cea", "value": 2.5, "unit": "ug/L"},
                {"date": "2023-01-10", "test": "tsh", "value": 0.04, "unit": "m[IU]/L"},
                {"date": "2023-02-10", "test": "tsh", "value": 0.06, "unit": "m[IU]/L"},
                {"date": "2023-03-10", "test": "tsh", "value": 0.08, "unit": "m[IU]/L"},
                {"date": "2023-01-10", "test": "tg_antibodies", "value": 25, "unit": "[IU]/mL"},
            ],
        ),
        # LOINC given by its HL7 OID urn:oid:2.16.840.1.113883.6.1; a local OID with the
        # same code is not LOINC
        (
            "code-system-oids.json",
            [
                {"date": "2023-05-04", "test": "thyroglobulin", "value": 1.3, "unit": "ng/mL"},
                {"date": "2023-05-04", "test": "tsh", "value": 0.1, "unit": "m[IU]/L"},
            ],
        ),
        # one page of a search: its results are read (and the next page is listed)
        (
            "prefetch-page.json",
            [{"date": "2023-05-04", "test": "thyroglobulin", "value": 1.4, "unit": "ng/mL"}],
        ),
        # a decimal comma that cannot be a thousands separator ("1,5", "<0,1"); a
        # preliminary result (used, said); a panel whose components are the tests
        (
            "ehr-conventions.json",
            [
                {"date": "2023-01-10", "test": "thyroglobulin", "value": 1.5, "unit": "ng/mL"},
                {
                    "date": "2023-02-10",
                    "test": "thyroglobulin",
                    "value": 0.1,
                    "unit": "ng/mL",
                    "below_detection": True,
                },
                {"date": "2023-04-10", "test": "thyroglobulin", "value": 0.9, "unit": "ng/mL"},
                {"date": "2023-09-01", "test": "thyroglobulin", "value": 1.2, "unit": "ng/mL"},
                {"date": "2023-09-01", "test": "tsh", "value": 0.1, "unit": "m[IU]/L"},
            ],
        ),
    ],
)
def test_labs_as_hospitals_send_them(name: str, labs: list[Json]) -> None:
    assert imported(name).case.get("labs", []) == labs


@pytest.mark.parametrize(
    ("name", "rai"),
    [
        # dosage.dose in mCi, MBq, GBq kept in the sender's unit (the case converts);
        # 3,700,000 kBq is 3,700 MBq exactly (UCUM k = 10^3, M = 10^6)
        (
            "i131-doses.json",
            [
                {"date": "2015-05-01", "activity": 100, "unit": "mCi"},
                {"date": "2016-05-01", "activity": 3700, "unit": "MBq"},
                {"date": "2017-05-01", "activity": 5.55, "unit": "GBq"},
                {"date": "2018-05-01", "activity": 3700, "unit": "MBq"},
            ],
        ),
        # medicationReference to a contained Medication
        ("contained.json", [{"date": "2016-03-01", "activity": 3.7, "unit": "GBq"}]),
        # medicationReference to a urn:uuid Medication entry
        ("transaction-urn-uuid.json", [{"date": "2016-03-01", "activity": 100, "unit": "mCi"}]),
        # ATC given by its HL7 OID urn:oid:2.16.840.1.113883.6.73
        ("code-system-oids.json", [{"date": "2016-03-01", "activity": 100, "unit": "mCi"}]),
        # the administration that is part of the radioiodine Procedure; the activities in
        # the Procedures' local extension are not read
        ("procedure-activity.json", [{"date": "2019-06-03", "activity": 3.7, "unit": "GBq"}]),
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
            # a month alone; issued (the release) alone, said with its date
            [(obs(3, "tg-month"), "lab_no_date"), (obs(5, "tg-issued"), "lab_issued_only")],
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
        # the report's contained Observation is read; the report says nothing more
        ("contained.json", [], []),
        (
            "report-contained.json",
            [
                # "#tsh": no such contained resource
                (f"{DR_THYROID}.result[2]", "report_result_missing"),
                # the contained Specimen is no result
                (f"{DR_THYROID}.contained[2]", "report_contained"),
                # the report's own words
                (f"{DR_THYROID}.conclusion", "report_conclusion"),
                # Observation/cea-9 was not sent
                (f"{DR_TSH}.result[1]", "report_result_missing"),
                # the report as a PDF
                (f"{DR_TSH}.presentedForm[0]", "report_document"),
                # a report entered in error: neither it nor its contained Tg is read
                (entry(5, "DiagnosticReport", "dr-error"), "status"),
            ],
            [],
        ),
        (
            "report-panel.json",
            [
                # "#ct": a member the report does not contain
                (
                    f"{entry(2, 'DiagnosticReport', 'dr-panel')}"
                    ".contained[0](Observation/panel).hasMember[2]",
                    "member_missing",
                ),
                # Observation/cea-gone was not sent
                (f"{obs(3, 'panel-2')}.hasMember[1]", "member_missing"),
            ],
            [],
        ),
        (
            "i131-doses.json",
            [
                # a Procedure with the activity in a local extension: listed with it
                (entry(6, "Procedure", "pr-1"), "procedure_activity"),
            ],
            # kBq: converted to MBq, said at the unit's element
            [
                (
                    f"{entry(5, 'MedicationAdministration', 'rai-kbq')}.dosage.dose.code",
                    "rai_unit_converted",
                )
            ],
        ),
        (
            "procedure-activity.json",
            [
                # its activity is read from the MedicationAdministration partOf it
                (entry(2, "Procedure", "rit-1"), "resource_type"),
                # 100 mCi in a local extension only: listed, quoted
                (entry(4, "Procedure", "rit-2"), "procedure_activity"),
                # not done: no activity to enter
                (entry(5, "Procedure", "rit-3"), "status"),
                # a thyroidectomy: not in the case format
                (entry(6, "Procedure", "surgery"), "resource_type"),
            ],
            [],
        ),
        (
            "lab-units-spellings.json",
            [
                (obs(9, "tgab-u"), "lab_unit_unknown"),  # U/mL: an assay's own unit
                (obs(10, "tgab-ku"), "lab_unit_unknown"),  # kU/L: UCUM U is no IU
                (obs(11, "tsh-miu-ml"), "lab_unit_unknown"),  # mIU/mL for a TSH
            ],
            [],
        ),
        # a code of a local OID system is not LOINC, whatever the code
        ("code-system-oids.json", [(obs(5, "tg-local"), "observation_code")], []),
        ("prefetch-page.json", [("Bundle.link[1]", "next_page")], []),
        (
            "ehr-conventions.json",
            [
                # the case has no field for a death: said
                (f"{entry(0, 'Patient', 'p1')}.deceasedDateTime", "patient_deceased"),
                # "1,500": 1.5 or 1500
                (obs(4, "tg-thousands"), "lab_text"),
                (obs(6, "tg-cancelled"), "status"),
                (obs(7, "tg-error"), "status"),
                # a period with an end only: no collection date
                (obs(8, "tg-period-end"), "lab_no_date"),
                # the panel's comment component
                (f"{obs(9, 'panel')}.component[2]", "observation_code"),
            ],
            [
                (obs(2, "tg-comma"), "lab_value_text"),
                (obs(3, "tg-comma-below"), "lab_value_text"),
                (obs(5, "tg-prelim"), "observation_not_final"),
            ],
        ),
        ("histology-codings.json", [], []),
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
            "Thyroglobuline\u00a0: résultat écrit en texte «\u00a0<0.1\u00a0»",
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
        # the activity of the local extension is quoted, with the extension and the date
        (
            "procedure-activity.json",
            entry(4, "Procedure", "rit-2"),
            "du 2020-01-15 avec une activité de 100 mCi dans l'extension locale "
            "https://ehr.example.org/fhir/StructureDefinition/administered-activity",
            "of 2020-01-15 with an activity of 100 mCi in the local extension "
            "https://ehr.example.org/fhir/StructureDefinition/administered-activity",
        ),
        # the unit not read is quoted as the lab wrote it
        ("lab-units-spellings.json", obs(9, "tgab-u"), "«\u00a0U/mL\u00a0»", "'U/mL'"),
        # the report's conclusion is quoted
        (
            "report-contained.json",
            f"{DR_THYROID}.conclusion",
            "«\u00a0Thyroglobuline stable, anticorps négatifs\u00a0»",
            "'Thyroglobuline stable, anticorps négatifs'",
        ),
        # the result not sent is named
        ("report-contained.json", f"{DR_TSH}.result[1]", "Observation/cea-9", "Observation/cea-9"),
        # the date of death is given
        (
            "ehr-conventions.json",
            f"{entry(0, 'Patient', 'p1')}.deceasedDateTime",
            "décédé (2024-02-11)",
            "deceased (2024-02-11)",
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
        # spaces, a tab, a newline or a no-break space around the value are no part of it
        (" \t<0.1 ng/mL\n", {"value": 0.1, "unit": "ng/mL", "below_detection": True}, None),
        ("\u00a01.4 ng/mL\u00a0", {"value": 1.4, "unit": "ng/mL"}, None),
        # spaces inside: between the comparator, the number and the unit
        ("<  0.1\u00a0 ng/mL", {"value": 0.1, "unit": "ng/mL", "below_detection": True}, None),
        # only spaces: no number
        ("   ", None, "lab_text"),
        # a plain measured value with a display unit (micro sign)
        ("1.4 \u00b5g/L", {"value": 1.4, "unit": "ug/L"}, None),
        # no unit: the 1 of "0.1" is not a unit
        ("<0.1", None, "lab_text"),
        # a decimal comma that cannot be a thousands separator (French labs)
        ("<0,1 ng/mL", {"value": 0.1, "unit": "ng/mL", "below_detection": True}, None),
        ("1,25 ng/mL", {"value": 1.25, "unit": "ng/mL"}, None),
        ("0,125 ng/mL", {"value": 0.125, "unit": "ng/mL"}, None),  # "0," starts no thousand
        # three digits after the comma: 1.5 or 1500, not read
        ("1,500 ng/mL", None, "lab_text"),
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


def test_a_time_near_r4_is_quoted_clipped_in_its_note() -> None:
    # security16: the value sent was clipped, its R4 spelling not: a fraction of a second
    # of 10,000 digits made a note of 10 KB (R4 takes any number of digits)
    long = "2023-05-04T10:00:00." + "9" * 200 + "+0100"
    result = _with({**_tg_text("<0.1 ng/mL"), "effectiveDateTime": long})
    (note,) = [n for n in result.notes if n.code == "datetime_spelling"]
    params = dict(note.params)
    assert params["value"].startswith("2023-05-04T10:00:00.999") and len(params["value"]) <= 80
    assert params["r4"].startswith("2023-05-04T10:00:00.999") and len(params["r4"]) <= 80
    assert len(unmapped_text(note, "en")) < 400


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
    where = entry(2, "MedicationAdministration", "rai")
    if code == "rai_unit":  # the element the unit was read from is named
        where += ".dosage.dose.code"
    assert codes(result.unmapped) == [(where, code)]


# --------------------------------------------------------------------------------------
# contained results, code systems by OID, histologies


def test_a_contained_result_of_another_patient_is_refused() -> None:
    data = load("report-contained.json")
    tg = data["entry"][2]["resource"]["contained"][0]
    tg["subject"] = {"reference": "Patient/p2"}  # its own subject: another patient's Tg
    with pytest.raises(FhirImportError) as caught:
        bundle_to_case(data)
    (problem,) = caught.value.problems
    path = f"{DR_THYROID}.contained[0](Observation/tg).subject"
    assert (problem.path, problem.code) == (path, "fhir_other_patient")


def test_code_systems_given_by_their_oid() -> None:
    case = imported("code-system-oids.json").case
    # ICD-O-3 by urn:oid:2.16.840.1.113883.6.43.1, SNOMED CT by urn:oid:2.16.840.1.113883.6.96
    assert case["diagnosis"] == {"histology": "papillary", "date": "2015-02-03"}
    assert case["lesions"] == [{"id": "T1", "site": "lung"}]


@pytest.mark.parametrize(
    ("name", "histology", "codes"),
    [
        # 8260/3 and 8340/3 (follicular variant) are both papillary; a local coding beside
        ("histology-codings.json", "papillary", None),
        # 8260/3 papillary and 8345/3 medullary in one concept: refused, naming both
        ("histology-conflict.json", None, "8260/3, 8345/3"),
    ],
)
def test_a_histology_given_by_several_codings(
    name: str, histology: str | None, codes: str | None
) -> None:
    if histology is not None:
        assert imported(name).case["diagnosis"]["histology"] == histology
        return
    with pytest.raises(FhirImportError) as caught:
        bundle_to_case(load(name))
    (problem,) = caught.value.problems
    path = f"{entry(1, 'Condition', 'c1')}.extension[mcode-histology-morphology-behavior]"
    assert (problem.path, problem.code) == (path, "fhir_histology_conflict")
    for lang in ("fr", "en"):
        said = problem_text(problem, lang)
        assert str(codes) in said and "{" not in said


@pytest.mark.parametrize(
    ("deceased", "listed"),
    [
        # a date of death: listed with it (the case has no field for a death)
        ({"deceasedDateTime": "2024-02-11"}, ("deceasedDateTime", "2024-02-11")),
        # death without a date
        ({"deceasedBoolean": True}, ("deceasedBoolean", "deceasedBoolean true")),
        # alive, said: nothing to list
        ({"deceasedBoolean": False}, None),
    ],
)
def test_a_deceased_patient_is_said(deceased: Json, listed: tuple[str, str] | None) -> None:
    data = load("ehr-conventions.json")
    patient = data["entry"][0]["resource"]
    del patient["deceasedDateTime"]
    patient.update(deceased)
    result = bundle_to_case(data)
    found = [u for u in result.unmapped if u.code == "patient_deceased"]
    if listed is None:
        assert found == []
        return
    (item,) = found
    assert item.path == f"{entry(0, 'Patient', 'p1')}.{listed[0]}"
    assert f"({listed[1]})" in unmapped_text(item, "fr")
    assert f"({listed[1]})" in unmapped_text(item, "en")
