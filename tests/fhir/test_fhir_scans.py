"""Whole-body iodine scans (case-format.md ``scans[]``) in FHIR, both ways.

The mapping is the one documented in docs/fhir-mapping.md ("Whole-body iodine scans"):
a scan is an Observation coded LOINC 42175-0 (radionuclide scan of whole body) with
thyref components, each lesion's finding an Observation coded thyref ``scan-finding``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from test_fhir_import import LOINC, SCT, UCUM, bundle, cc, iodine, patient, primary, tumour

from thyref.domain import parse_case
from thyref.fhir.exporter import case_to_bundle
from thyref.fhir.importer import bundle_to_case

Json = dict[str, Any]
THYREF = "https://thyref.org/fhir/CodeSystem/thyref"
EXT = "https://thyref.org/fhir/StructureDefinition/"
TODAY = date(2026, 11, 28)


def scan(rid: str, day: str, *components: Json, **extra: Any) -> Json:
    return {
        "resourceType": "Observation",
        "id": rid,
        "status": "final",
        "code": cc(LOINC, "42175-0"),
        "subject": {"reference": "Patient/p1"},
        "effectiveDateTime": day,
        "component": list(components),
        **extra,
    }


def part(code: str, value: str) -> Json:
    return {"code": cc(THYREF, code), "valueCodeableConcept": cc(THYREF, value)}


def finding(rid: str, lid: str, value: Json, **extra: Any) -> Json:
    return {
        "resourceType": "Observation",
        "id": rid,
        "status": "final",
        "code": cc(THYREF, "scan-finding"),
        "subject": {"reference": "Patient/p1"},
        "focus": [{"reference": f"BodyStructure/bs-{lid}"}],
        "effectiveDateTime": "2014-04-06",
        "valueCodeableConcept": value,
        **extra,
    }


def administration() -> Json:
    return {**iodine("2014-04-01", 3.7, "GBq"), "id": "rai1"}


def lesions() -> list[Json]:
    return [tumour("L1", "39607008"), tumour("L2", "39607008")]


def test_scan_with_its_administration_preparation_and_findings() -> None:
    tsh = {
        "code": cc(LOINC, "3016-3"),
        "valueQuantity": {"value": 70, "unit": "mIU/L", "system": UCUM, "code": "m[IU]/L"},
    }
    wbs = scan(
        "wbs1",
        "2014-04-06",
        part("scan-kind", "post-therapy"),
        part("scan-preparation", "withdrawal"),
        tsh,
        part("iodine-contamination", "none"),
        partOf=[{"reference": "MedicationAdministration/rai1"}],
        hasMember=[{"reference": "Observation/f1"}, {"reference": "Observation/f2"}],
    )
    result = bundle_to_case(
        bundle(
            patient(),
            primary(),
            administration(),
            *lesions(),
            # a finding sent before its scan: SNOMED 10828004 positive -> yes
            finding("f1", "L1", cc(SCT, "10828004")),
            wbs,
            finding("f2", "L2", cc(THYREF, "not-visualized")),
        )
    )
    assert result.unmapped == []
    assert result.case["scans"] == [
        {
            "date": "2014-04-06",
            "kind": "post_therapy",
            "preparation": "withdrawal",
            "tsh": 70,  # m[IU]/L is the case's mU/L
            "iodine_contamination": "none",
            "rai_date": "2014-04-01",  # the partOf administration's date
            "findings": {"L1": "yes", "L2": "not_visualized"},
        }
    ]
    # the lesion takes its uptake from the latest yes/no finding (case-format.md)
    case = parse_case(result.case, today=TODAY)
    assert [x.rai_uptake for x in case.raw.lesions] == ["yes", "unknown"]


def test_derived_link_is_not_read_back_as_a_given_rai_date() -> None:
    wbs = scan(
        "wbs1",
        "2014-04-06",
        part("scan-kind", "post-therapy"),
        partOf=[{"reference": "MedicationAdministration/rai1"}],
        extension=[{"url": EXT + "scan-rai-derived", "valueBoolean": True}],
    )
    result = bundle_to_case(bundle(patient(), primary(), administration(), wbs))
    assert result.case["scans"] == [{"date": "2014-04-06", "kind": "post_therapy", "findings": {}}]


def test_finding_linked_by_derived_from_only() -> None:
    wbs = scan("wbs1", "2014-04-06", part("scan-kind", "diagnostic-i123"))
    result = bundle_to_case(
        bundle(
            patient(),
            primary(),
            *lesions(),
            wbs,
            # negative SNOMED 260385009 -> no; thyref equivocal kept as such
            finding(
                "f1", "L1", cc(SCT, "260385009"), derivedFrom=[{"reference": "Observation/wbs1"}]
            ),
            finding(
                "f2", "L2", cc(THYREF, "equivocal"), derivedFrom=[{"reference": "Observation/wbs1"}]
            ),
        )
    )
    assert result.unmapped == []
    assert result.case["scans"][0]["findings"] == {"L1": "no", "L2": "equivocal"}


def test_unusable_scan_parts_are_listed_not_dropped() -> None:
    no_kind = scan("wbs1", "2014-04-06")
    orphan = finding("f9", "L1", cc(THYREF, "yes"))
    result = bundle_to_case(bundle(patient(), primary(), *lesions(), no_kind, orphan))
    reasons = {u.path: u.reason for u in result.unmapped}
    assert "scan-kind" in reasons["Bundle.entry[4].resource(Observation/wbs1)"]
    assert "whole-body scan" in reasons["Bundle.entry[5].resource(Observation/f9)"]
    assert "scans" not in result.case


def _case() -> Json:
    return {
        "format": "thyref-case/1",
        "id": "scan-1",
        "diagnosis": {"histology": "papillary", "date": "2014-02-01"},
        "rai": [{"date": "2014-04-01", "activity": 3.7, "unit": "GBq"}],
        # L1 gives no uptake: it is derived ("no") from the scan and must not be exported
        "lesions": [
            {"id": "L1", "site": "lung"},
            {"id": "L2", "site": "bone", "rai_uptake": "yes"},
        ],
        "scans": [
            {
                "date": "2014-04-06",
                "kind": "post_therapy",
                "tsh": 0.5,
                "findings": {"L1": "no", "L2": "yes"},
            }
        ],
    }


def test_export_writes_the_input_not_the_derived_uptake() -> None:
    case = _case()
    out = case_to_bundle(case)
    Bundle.model_validate(out)
    resources = [e["resource"] for e in out["entry"]]
    uptake = [
        r for r in resources if r.get("code", {}).get("coding", [{}])[0].get("code") == "rai-uptake"
    ]
    assert [r["valueBoolean"] for r in uptake] == [True]  # L2 only, as given
    (wbs,) = [
        r
        for r in resources
        if {"system": "http://loinc.org", "code": "42175-0"}
        in [{k: x[k] for k in ("system", "code")} for x in r.get("code", {}).get("coding", [])]
    ]
    # the administration 5 days before is linked, flagged as derived (rai_date not given)
    rai = next(
        e["fullUrl"]
        for e in out["entry"]
        if e["resource"]["resourceType"] == "MedicationAdministration"
    )
    assert wbs["partOf"] == [{"reference": rai}]
    assert wbs["extension"] == [{"url": EXT + "scan-rai-derived", "valueBoolean": True}]
    tsh = next(x for x in wbs["component"] if x["code"]["coding"][0]["code"] == "3016-3")
    assert tsh["valueQuantity"]["code"] == "m[IU]/L"
    assert len(wbs["hasMember"]) == 2
    again = bundle_to_case(out)
    assert again.unmapped == []
    assert again.case["lesions"] == case["lesions"]
    assert again.case["scans"] == case["scans"]
    assert parse_case(again.case, today=TODAY).raw == parse_case(case, today=TODAY).raw
