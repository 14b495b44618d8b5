"""Each exported resource against the mCODE STU4 profile it claims in ``meta.profile``.

The rules are those of mCODE 4.0.0 (HL7/fhir-mCODE-ig, input/fsh; FHIR R4, depending on
US Core 6.1.0 and Genomics Reporting 2.0.0), written out here by hand because no profile
validator runs offline: cardinalities, fixed codes and slices that a structure-only
check (``fhir.resources``) does not see. Terminology (value-set membership of SNOMED CT
and ICD-O-3 codes) is not checked: see docs/fhir-mapping.md, "mCODE profiles".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from thyref.domain import assess, parse_case
from thyref.fhir.exporter import case_to_bundle
from thyref.fhir.importer import bundle_to_case

Json = dict[str, Any]
TODAY = date(2026, 11, 28)
MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"
DAR = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"


def _case(**patient: Any) -> Json:
    """A case with a lesion of every kind the export writes (a coded site, a node with a
    qualifier, a site without code), two measured timepoints and a variant."""
    case: Json = {
        "format": "thyref-case/1",
        "id": "mcode-1",
        "diagnosis": {"histology": "papillary", "date": "2010-03-01"},
        "rai": [{"date": "2010-06-01", "activity": 100, "unit": "mCi"}],
        "lesions": [
            {"id": "L1", "site": "lung", "rai_uptake": "no"},
            {"id": "N1", "site": "lymph_node_cervical_central", "rai_uptake": "no"},
            {"id": "X1", "site": "other", "rai_uptake": "no"},
        ],
        "imaging": [
            {"date": "2015-01-10", "measurements": {"L1": 20, "N1": 15}},
            {"date": "2015-07-10", "measurements": {"L1": 30, "N1": 15}},
        ],
        "molecular": [
            {"gene": "BRAF", "alteration": "V600E", "kind": "mutation"},
            {"gene": "RET", "alteration": "wild-type"},  # a negative result: Absent
        ],
    }
    if patient:
        case["patient"] = patient
    return case


def _export(case: Json) -> Json:
    a = assess(parse_case(case, today=TODAY), "en", today=TODAY).to_json()
    bundle = case_to_bundle(case, a)
    Bundle.model_validate(bundle)
    return bundle


def _codes(concept: Any) -> set[tuple[str, str]]:
    return {(c.get("system"), c.get("code")) for c in (concept or {}).get("coding", [])}


def _patient(res: Json) -> None:
    # CancerPatient (SD_Patient.fsh) = US Core Patient 6.1.0: identifier 1..* (system and
    # value 1..1), name 1..* with us-core-6 (a family or given name, xor a
    # data-absent-reason extension), gender 1..1 (a value or, absent, an extension)
    assert res["identifier"] and all(i.get("system") and i.get("value") for i in res["identifier"])
    assert res.get("name"), "US Core Patient.name 1..*"
    for name in res["name"]:
        named = bool(name.get("family") or name.get("given"))
        absent = any(e.get("url") == DAR for e in name.get("extension", []))
        assert named != absent, "us-core-6"
    assert "gender" in res or any(e["url"] == DAR for e in res["_gender"]["extension"])


def _condition(res: Json) -> None:
    # Primary/SecondaryCancerCondition (SD_Condition.fsh), parent US Core Condition
    # Problems and Health Concerns 6.1.0: category 1..* with one of problem-list-item or
    # health-concern (condition-category), code 1..1, subject 1..1; the bodySite
    # qualifier extension is mCODE's BodyLocationQualifier (mcode-body-location-qualifier)
    categories = {code for cat in res.get("category", []) for code in _codes(cat)}
    cat = "http://terminology.hl7.org/CodeSystem/condition-category"
    assert categories & {(cat, "problem-list-item"), (cat, "health-concern")}
    assert res["code"]["coding"] and res["subject"]["reference"]
    for site in res.get("bodySite", []):
        for ext in site.get("extension", []):
            assert ext["url"] in (
                MCODE + "mcode-body-location-qualifier",
                MCODE + "mcode-laterality-qualifier",
            )


def _tumor(res: Json) -> None:
    # Tumor (SD_TumorSize.fsh): identifier slice bodyStructureIdentifier 1..* (discriminated
    # by type = resource-types#BodyStructure; BodyStructureIdentifier: use = usual, value
    # 1..1), location 1..1, patient 1..1
    slice_ = [
        i
        for i in res["identifier"]
        if _codes(i.get("type")) == {("http://hl7.org/fhir/resource-types", "BodyStructure")}
    ]
    assert slice_ and all(i.get("use") == "usual" and i.get("value") for i in slice_)
    assert res["location"]["coding"]
    assert res["patient"]["reference"]


def _tumor_size(res: Json) -> None:
    # TumorSize: code = LOINC 21889-1, subject 1..1, focus xor specimen, no value[x],
    # component tumorLongestDimension (33728-7) 1..1 with a Quantity in UCUM cm or mm
    assert _codes(res["code"]) >= {("http://loinc.org", "21889-1")}
    assert res["subject"]["reference"] and len(res["focus"]) == 1 and "specimen" not in res
    assert not any(k.startswith("value") for k in res)
    longest = [
        c for c in res["component"] if _codes(c["code"]) >= {("http://loinc.org", "33728-7")}
    ]
    assert len(longest) == 1
    q = longest[0]["valueQuantity"]
    assert (q["system"], q["code"]) in {
        ("http://unitsofmeasure.org", "mm"),
        ("http://unitsofmeasure.org", "cm"),
    }


def _disease_status(res: Json) -> None:
    # CancerDiseaseStatus (SD_DiseaseStatus.fsh): NotUsed(specimen, device, referenceRange,
    # hasMember, component); subject 1..1; code = LOINC 97509-4; effective only dateTime;
    # value only CodeableConcept
    for unused in ("specimen", "device", "referenceRange", "hasMember", "component"):
        assert unused not in res, f"CancerDiseaseStatus.{unused} is NotUsed (0..0)"
    assert res["subject"]["reference"]
    assert _codes(res["code"]) >= {("http://loinc.org", "97509-4")}
    assert "effectiveDateTime" in res and "effectivePeriod" not in res
    assert res["valueCodeableConcept"]["coding"]


def _genomic_variant(res: Json) -> None:
    # GenomicVariant (SD_Genomics.fsh) on Genomics Reporting Variant: category[labCategory]
    # = observation-category#laboratory, code = LOINC 69548-6, subject 1..1, NotUsed
    # (referenceRange, hasMember); gene-studied components hold a CodeableConcept; the
    # value is bound (required) to LOINC LL1971-2 (Variant, Genomics Reporting 2.0.0
    # CGFindings.fsh), of which the export writes LA9633-4 Present and LA9634-2 Absent
    cat = "http://terminology.hl7.org/CodeSystem/observation-category"
    assert _codes(res["valueCodeableConcept"]) <= {
        ("http://loinc.org", "LA9633-4"),
        ("http://loinc.org", "LA9634-2"),
    }
    assert any(_codes(c) == {(cat, "laboratory")} for c in res["category"])
    assert _codes(res["code"]) >= {("http://loinc.org", "69548-6")}
    assert res["subject"]["reference"]
    assert "referenceRange" not in res and "hasMember" not in res
    for comp in res["component"]:
        if _codes(comp["code"]) >= {("http://loinc.org", "48018-6")}:
            assert comp["valueCodeableConcept"]["coding"]


RULES: dict[str, Callable[[Json], None]] = {
    "mcode-cancer-patient": _patient,
    "mcode-primary-cancer-condition": _condition,
    "mcode-secondary-cancer-condition": _condition,
    "mcode-tumor": _tumor,
    "mcode-tumor-size": _tumor_size,
    "mcode-cancer-disease-status": _disease_status,
    "mcode-genomic-variant": _genomic_variant,
}


@pytest.mark.parametrize(
    "patient",
    [
        {"sex": "female", "birth_year": 1957},
        {},  # no sex known: gender absent, with its reason (US Core gender 1..1)
    ],
)  # fmt: skip
def test_every_claimed_mcode_profile_holds(patient: Json) -> None:
    bundle = _export(_case(**patient))
    claimed: set[str] = set()
    for entry in bundle["entry"]:
        res = entry["resource"]
        for profile in res.get("meta", {}).get("profile", []):
            name = profile.removeprefix(MCODE)
            assert name in RULES, f"a profile this test does not know: {profile}"
            RULES[name](res)
            claimed.add(name)
    # every profile the exporter uses was met at least once by this case
    assert claimed == set(RULES)


def test_a_lesion_without_a_coded_site_claims_no_tumor_profile() -> None:
    # Tumor.location is 1..1 ("Tumor is meaningless without a location"): a lesion of
    # site "other" has no code to write and is a plain BodyStructure
    bundle = _export(_case())
    bodies = {
        r["identifier"][0]["value"]: r
        for r in (e["resource"] for e in bundle["entry"])
        if r["resourceType"] == "BodyStructure"
    }
    assert "location" not in bodies["X1"] and "meta" not in bodies["X1"]
    assert bodies["L1"]["meta"]["profile"] == [MCODE + "mcode-tumor"]


def test_the_recist_response_is_kept_and_the_case_round_trips() -> None:
    # the response moved from a component (NotUsed in CancerDiseaseStatus) to a thyref
    # extension; the assessment outputs are skipped on import, the inputs come back
    case = _case(sex="female", birth_year=1957)
    bundle = _export(case)
    statuses = [
        e["resource"]
        for e in bundle["entry"]
        if _codes(e["resource"].get("code")) >= {("http://loinc.org", "97509-4")}
    ]
    (status,) = statuses
    recist = [x for x in status["extension"] if x["url"].endswith("/recist-overall-response")]
    # L1 20 -> 30 mm (+50 %, +10 mm), N1 15 -> 15: sum 35 -> 45, +28.6 % and +10 mm:
    # progressive disease by RECIST 1.1 (>= 20 % and >= 5 mm)
    assert recist[0]["valueCodeableConcept"]["coding"][0]["code"] == "PD"
    back = bundle_to_case(bundle, case_id="mcode-1").case
    assert parse_case(back, today=TODAY).to_json() == parse_case(case, today=TODAY).to_json()


def test_the_old_location_qualifier_url_is_still_read() -> None:
    # exports before session 10 wrote mcode-location-qualifier (no mCODE release has it)
    bundle = _export(_case())
    for entry in bundle["entry"]:
        for site in entry["resource"].get("bodySite", []):
            for ext in site.get("extension", []):
                ext["url"] = MCODE + "mcode-location-qualifier"
    # N1 is a central cervical node: with its BodyStructure gone, the Condition's
    # qualifier alone must say "central"
    bundle["entry"] = [
        e for e in bundle["entry"] if e["resource"]["resourceType"] != "BodyStructure"
    ]
    sites = {lesion["site"] for lesion in bundle_to_case(bundle, case_id="m").case["lesions"]}
    assert "lymph_node_cervical_central" in sites
