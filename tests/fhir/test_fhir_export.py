"""The exported Bundle: inputs with standard codes, the assessment as mCODE resources."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from thyref.domain import assess, parse_case
from thyref.fhir.exporter import case_to_bundle, hgvs_protein
from thyref.fhir.importer import bundle_to_case

Json = dict[str, Any]
TODAY = date(2026, 11, 28)


def _case(sizes: list[float]) -> Json:
    dates = ["2015-01-10", "2015-07-10", "2016-01-10"]
    return {
        "format": "thyref-case/1",
        "id": "exp-1",
        "diagnosis": {"histology": "papillary", "date": "2010-03-01"},
        "rai": [{"date": "2010-06-01", "activity": 100, "unit": "mCi"}],
        "lesions": [{"id": "L1", "site": "lung", "rai_uptake": "no"}],
        "imaging": [
            {"date": d, "measurements": {"L1": s}} for d, s in zip(dates, sizes, strict=False)
        ],
        "labs": [{"date": "2015-01-10", "test": "tsh", "value": 0.2, "unit": "mU/L"}],
        "molecular": [{"gene": "BRAF", "alteration": "V600E", "kind": "mutation"}],
    }


def _resources(bundle: Json, kind: str) -> list[Json]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _exported(case: Json) -> Json:
    a = assess(parse_case(case, today=TODAY), "en", today=TODAY).to_json()
    bundle = case_to_bundle(case, a)
    Bundle.model_validate(bundle)
    return bundle


@pytest.mark.parametrize(
    ("sizes", "snomed"),
    [
        # 20 -> 30 mm: +50 % and +10 mm: PD -> worsened
        ([20, 30], "271299001"),
        # 20 -> 21 mm: SD -> stable
        ([20, 21], "359746009"),
        # 20 -> 10 mm: -50 %: PR -> improved
        ([20, 10], "268910001"),
        # 20 -> 0 mm: CR -> improved
        ([20, 0], "268910001"),
    ],
)
def test_disease_status_per_recist_timepoint(sizes: list[float], snomed: str) -> None:
    bundle = _exported(_case(sizes))
    statuses = [
        r
        for r in _resources(bundle, "Observation")
        if r["code"]["coding"][0] == {"system": "http://loinc.org", "code": "97509-4",
                                      "display": "Tumor disease status"}
    ]  # fmt: skip
    assert len(statuses) == 1  # one follow-up timepoint after the baseline
    assert statuses[0]["valueCodeableConcept"]["coding"][0]["code"] == snomed
    assert statuses[0]["effectiveDateTime"] == "2015-07-10"


def test_options_are_a_draft_proposal_care_plan() -> None:
    case = _case([20, 30])
    a = assess(parse_case(case, today=TODAY), "en", today=TODAY).to_json()
    (plan,) = _resources(case_to_bundle(case, a), "CarePlan")
    assert (plan["status"], plan["intent"]) == ("draft", "proposal")
    codes = [x["detail"]["code"]["coding"][0]["code"] for x in plan["activity"]]
    # one activity per option, in the engine's order (most urgent first)
    assert codes == [r["id"] for r in a["recommendations"]]
    assert {x["detail"]["status"] for x in plan["activity"]} == {"not-started"}


def test_refractory_status_with_evidence() -> None:
    bundle = _exported(_case([20, 30]))
    (status,) = [
        r
        for r in _resources(bundle, "Observation")
        if r["code"]["coding"][0]["code"] == "refractory-status"
    ]
    assert status["valueCodeableConcept"]["coding"][0]["code"] == "refractory"
    criteria = [c["valueCodeableConcept"]["coding"][0]["code"] for c in status["component"]]
    # L1 shows no uptake: DTC-NO-UPTAKE (clinical-rules.md)
    assert "DTC-NO-UPTAKE" in criteria
    assert status["meta"]["tag"][0]["code"] == "assessment-output"


def test_standard_codes_of_the_inputs() -> None:
    bundle = _exported(_case([20, 30]))
    (condition,) = [r for r in _resources(bundle, "Condition") if "extension" in r]
    histology = condition["extension"][0]["valueCodeableConcept"]["coding"][0]
    assert (histology["system"], histology["code"]) == (
        "http://terminology.hl7.org/CodeSystem/icd-o-3",
        "8260/3",
    )
    (tsh,) = [
        r for r in _resources(bundle, "Observation") if r["code"]["coding"][0]["code"] == "3016-3"
    ]
    # mU/L is written with its UCUM code m[IU]/L (machine.md: mU/L is not the same unit)
    assert tsh["valueQuantity"]["code"] == "m[IU]/L"
    (dose,) = [r["dosage"]["dose"] for r in _resources(bundle, "MedicationAdministration")]
    assert (dose["value"], dose["code"]) == (100, "mCi")


@pytest.mark.parametrize(
    ("alteration", "hgvs"),
    [
        ("V600E", "p.Val600Glu"),  # fhir-codes.md
        ("p.Val600Glu", "p.Val600Glu"),
        ("M918T", "p.Met918Thr"),
        ("Q61R", "p.Gln61Arg"),
        ("fusion", None),  # not a protein change
    ],
)
def test_protein_change_in_hgvs(alteration: str, hgvs: str | None) -> None:
    assert hgvs_protein(alteration) == hgvs


def _variant_presence(item: Json) -> str:
    case = {
        "format": "thyref-case/1",
        "id": "exp-neg",
        "diagnosis": {"histology": "papillary", "date": "2010-03-01"},
        "molecular": [item],
    }
    (variant,) = [
        r
        for r in _resources(case_to_bundle(case), "Observation")
        if r["code"]["coding"][0]["code"] == "69548-6"
    ]
    return str(variant["valueCodeableConcept"]["coding"][0]["code"])


@pytest.mark.parametrize(
    ("item", "presence"),
    [
        # a negative result (its words in the rules' negative_results) is LOINC LA9634-2
        # "Absent" (answer list LL1971-2 of 69548-6): never a variant "Present"
        ({"gene": "BRAF", "alteration": "wild-type"}, "LA9634-2"),
        ({"gene": "NRAS", "alteration": "Not detected", "date": "2014-01-01"}, "LA9634-2"),
        ({"gene": "RET", "alteration": "negative", "kind": "fusion"}, "LA9634-2"),
        ({"gene": "BRAF", "alteration": "type sauvage"}, "LA9634-2"),  # French
        # a result naming an alteration is LA9633-4 "Present"
        ({"gene": "BRAF", "alteration": "V600E"}, "LA9633-4"),
        ({"gene": "RET", "alteration": "CCDC6::RET", "kind": "fusion"}, "LA9633-4"),
        ({"gene": "TERT"}, "LA9633-4"),  # a gene alone: something was found on it
    ],
)  # fmt: skip
def test_negative_molecular_result_is_exported_absent(item: Json, presence: str) -> None:
    assert _variant_presence(item) == presence


@pytest.mark.parametrize(
    "alteration",
    ["wild-type", "négatif", "no mutation"],  # words of negative_results (tuthyref-2021.toml)
)
def test_negative_molecular_result_round_trips(alteration: str) -> None:
    case = {
        "format": "thyref-case/1",
        "id": "exp-neg",
        "diagnosis": {"histology": "papillary", "date": "2010-03-01"},
        "rai": [{"date": "2010-06-01", "activity": 100, "unit": "mCi"}],
        "lesions": [{"id": "L1", "site": "lung", "rai_uptake": "no"}],
        "molecular": [{"gene": "NRAS", "alteration": alteration, "sample": "primary"}],
    }
    before = assess(parse_case(case, today=TODAY), "en", today=TODAY).to_json()
    result = bundle_to_case(_exported(case))
    assert result.unmapped == []
    again = parse_case(result.case, today=TODAY)
    assert again.raw == parse_case(case, today=TODAY).raw
    assert assess(again, "en", today=TODAY).to_json() == before


@pytest.mark.parametrize(
    ("written", "exported"),
    [
        # a drug under way is a MedicationStatement, as written
        ("lenvatinib 14 mg/j", "lenvatinib 14 mg/j"),
        # words meaning no drug are none (session 16: "aucun" was exported as an active
        # MedicationStatement of a medicine called "aucun")
        ("aucun", None),
        ("none", None),
        ("-", None),
    ],
)
def test_a_drug_under_way_is_exported_only_when_one_is_named(
    written: str, exported: str | None
) -> None:
    case = {**_case([20, 21]), "clinical": {"on_systemic_therapy": written}}
    statements = _resources(_exported(case), "MedicationStatement")
    assert [s["medicationCodeableConcept"]["text"] for s in statements] == (
        [exported] if exported else []
    )
