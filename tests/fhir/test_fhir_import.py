"""Hand-written FHIR bundles with only the standard codes of fhir-codes.md map as documented.

Every expected value is read from ../shared/spec/fhir-codes.md and case-format.md.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from thyref.domain import assess, parse_case
from thyref.domain.messages import problem_text
from thyref.domain.rules import load_rules
from thyref.errors import CaseFormatError, CaseValidationError
from thyref.fhir.importer import FhirImportError, bundle_to_case, ndjson_to_case

Json = dict[str, Any]
LOINC = "http://loinc.org"
SCT = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
HISTOLOGY = "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-histology-morphology-behavior"
ICDO3 = "http://terminology.hl7.org/CodeSystem/icd-o-3"
INTERP = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"


def cc(system: str, code: str) -> Json:
    return {"coding": [{"system": system, "code": code}]}


def primary(morphology: str = "8260/3", **extra: Any) -> Json:
    return {
        "resourceType": "Condition",
        "id": "primary",
        "extension": [{"url": HISTOLOGY, "valueCodeableConcept": cc(ICDO3, morphology)}],
        "code": cc(SCT, "363478007"),
        "subject": {"reference": "Patient/p1"},
        "onsetDateTime": "2012-05-03",
        **extra,
    }


def patient() -> Json:
    return {"resourceType": "Patient", "id": "p1", "gender": "female", "birthDate": "1957-06-01"}


def tumour(lid: str, site: str | None, *qualifiers: str) -> Json:
    res: Json = {
        "resourceType": "BodyStructure",
        "id": f"bs-{lid}",
        "identifier": [{"value": lid}],
        "patient": {"reference": "Patient/p1"},
    }
    if site:
        res["location"] = cc(SCT, site)
    if qualifiers:
        res["locationQualifier"] = [cc(SCT, q) for q in qualifiers]
    return res


def size(lid: str, day: str, value: float, unit: str) -> Json:
    return {
        "resourceType": "Observation",
        "status": "final",
        "code": cc(LOINC, "21889-1"),
        "subject": {"reference": "Patient/p1"},
        "focus": [{"reference": f"BodyStructure/bs-{lid}"}],
        "effectiveDateTime": day,
        "component": [
            {
                "code": cc(LOINC, "33728-7"),
                "valueQuantity": {"value": value, "unit": unit, "system": UCUM, "code": unit},
            }
        ],
    }


def lab(loinc: str, day: str, value: float, unit: str, **extra: Any) -> Json:
    return {
        "resourceType": "Observation",
        "status": "final",
        "code": cc(LOINC, loinc),
        "subject": {"reference": "Patient/p1"},
        "effectiveDateTime": day,
        "valueQuantity": {"value": value, "unit": unit, "system": UCUM, "code": unit},
        **extra,
    }


def iodine(day: str, value: float, unit: str) -> Json:
    return {
        "resourceType": "MedicationAdministration",
        "status": "completed",
        "medicationCodeableConcept": cc("http://www.whocc.no/atc", "V10XA01"),
        "subject": {"reference": "Patient/p1"},
        "effectiveDateTime": day,
        "dosage": {"dose": {"value": value, "unit": unit, "system": UCUM, "code": unit}},
    }


def variant(*components: tuple[str, Json]) -> Json:
    return {
        "resourceType": "Observation",
        "status": "final",
        "code": cc(LOINC, "69548-6"),
        "subject": {"reference": "Patient/p1"},
        "effectiveDateTime": "2013-04-01",
        "component": [
            {"code": cc(LOINC, code), "valueCodeableConcept": v} for code, v in components
        ],
    }


def gene(hgnc: str) -> Json:
    return cc("http://www.genenames.org/geneId", hgnc)


def bundle(*resources: Json, kind: str = "collection") -> Json:
    return {
        "resourceType": "Bundle",
        "type": kind,
        "entry": [{"resource": r} for r in resources],
    }


def imported(*resources: Json) -> Json:
    return bundle_to_case(bundle(patient(), primary(), *resources)).case


# --------------------------------------------------------------------------------------
# histology


@pytest.mark.parametrize(
    ("morphology", "histology"),
    [
        ("8260/3", "papillary"),  # papillary carcinoma
        ("8050/3", "papillary"),  # papillary carcinoma NOS
        ("8340/3", "papillary"),  # follicular variant of papillary
        ("8344/3", "papillary"),  # columnar cell variant
        ("8350/3", "papillary"),  # sclerosing papillary
        ("8330/3", "follicular"),
        ("8335/3", "follicular"),  # minimally invasive follicular
        ("8290/3", "oncocytic"),
        ("8337/3", "poorly_differentiated"),  # insular
        ("8020/3", "anaplastic"),
        ("8032/3", "anaplastic"),  # spindle cell
        ("8345/3", "medullary"),
        ("8510/3", "medullary"),
        ("M-8260/3", "papillary"),  # written with the M- prefix of ICD-O
        ("8330", "follicular"),  # behaviour omitted: malignant assumed
    ],
)
def test_icdo3_histology(morphology: str, histology: str) -> None:
    case = bundle_to_case(bundle(primary(morphology))).case
    assert case["diagnosis"] == {"histology": histology, "date": "2012-05-03"}


def test_benign_morphology_is_not_a_thyroid_cancer() -> None:
    with pytest.raises(FhirImportError):
        bundle_to_case(bundle(primary("8330/0")))  # follicular adenoma: behaviour /0


def test_diagnosis_date_falls_back_on_recorded_date() -> None:
    condition = primary()
    del condition["onsetDateTime"]
    condition["recordedDate"] = "2012-06-10T09:30:00+02:00"
    assert bundle_to_case(bundle(condition)).case["diagnosis"]["date"] == "2012-06-10"


@pytest.mark.parametrize(
    ("dates", "diagnosis", "notes"),
    [
        # a full onset wins over recordedDate, silently
        ({"onsetDateTime": "2009-03-17"}, "2009-03-17", []),
        # a month or a year: its first day, said (was recordedDate, silently)
        ({"onsetDateTime": "2009-03"}, "2009-03-01", [("2009-03", "2009-03-01")]),
        ({"onsetDateTime": "2009"}, "2009-01-01", [("2009", "2009-01-01")]),
        ({"onsetPeriod": {"start": "2009-03"}}, "2009-03-01", [("2009-03", "2009-03-01")]),
        # no onset at all: recordedDate, as before
        ({}, "2021-11-05", []),
    ],
)
def test_partial_onset_is_its_first_day_and_said(
    dates: Json, diagnosis: str, notes: list[tuple[str, str]]
) -> None:
    condition = primary(recordedDate="2021-11-05", **dates)
    if "onsetDateTime" not in dates:
        del condition["onsetDateTime"]
    result = bundle_to_case(bundle(condition))
    assert result.case["diagnosis"]["date"] == diagnosis
    assert [(n.path, n.code, dict(n.params)) for n in result.notes] == [
        ("Bundle.entry[0].resource(Condition/primary)", "onset_partial", {"onset": o, "date": d})
        for o, d in notes
    ]


def test_no_primary_cancer_is_a_clear_error() -> None:
    with pytest.raises(FhirImportError) as caught:
        bundle_to_case(bundle(patient(), lab("3013-0", "2013-01-10", 12, "ng/mL")))
    assert isinstance(caught.value, CaseValidationError)
    assert caught.value.problems[0].path == "Bundle"
    assert "primary cancer" in caught.value.problems[0].message


def test_primary_without_histology_names_the_extension() -> None:
    condition = primary()
    condition["extension"] = []
    condition["meta"] = {
        "profile": [
            "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-primary-cancer-condition"
        ]
    }
    with pytest.raises(FhirImportError) as caught:
        bundle_to_case(bundle(condition))
    assert caught.value.problems[0].path == (
        "Bundle.entry[0].resource(Condition/primary).extension[mcode-histology-morphology-behavior]"
    )


def _no_date() -> Json:
    condition = primary()
    del condition["onsetDateTime"]
    return condition


def _two_patients() -> list[Json]:
    other = dict(primary(), id="primary-2", subject={"reference": "Patient/p2"})
    return [patient(), primary(), dict(patient(), id="p2"), other]


@pytest.mark.parametrize(
    ("resources", "code", "fr", "en"),
    [
        # only a lab value: no primary cancer to assess
        (
            [patient(), lab("3013-0", "2013-01-10", 12, "ng/mL")],
            "fhir_no_primary",
            "aucun cancer primitif exploitable",
            "no usable primary cancer",
        ),
        # a primary cancer without a diagnosis date
        (
            [_no_date()],
            "fhir_no_diagnosis_date",
            "pas de date de diagnostic",
            "has no diagnosis date",
        ),
        # two patients in one Bundle: the count is said
        (
            _two_patients(),
            "fhir_many_patients",
            "les ressources décrivent 2 patients",
            "the resources describe 2 patients",
        ),
    ],
)
def test_import_refusals_are_said_in_each_language(
    resources: list[Json], code: str, fr: str, en: str
) -> None:
    with pytest.raises(FhirImportError) as caught:
        bundle_to_case(bundle(*resources))
    problem = caught.value.problems[0]
    assert problem.code == code
    assert fr in problem_text(problem, "fr") and "{" not in problem_text(problem, "fr")
    assert en in problem_text(problem, "en")


def test_an_entry_without_a_resource_is_said_in_french() -> None:
    with pytest.raises(FhirImportError) as caught:
        bundle_to_case({"resourceType": "Bundle", "type": "collection", "entry": [{}]})
    assert problem_text(caught.value.problems[0], "fr") == "entrée sans objet resource"


def test_not_fhir_at_all_is_a_format_error() -> None:
    with pytest.raises(CaseFormatError):
        bundle_to_case({"format": "thyref-case/1"})


# --------------------------------------------------------------------------------------
# lesions, sites and sizes


@pytest.mark.parametrize(
    ("site", "qualifiers", "expected"),
    [
        ("39607008", (), "lung"),
        ("3120008", (), "pleura"),
        ("10200004", (), "liver"),
        ("272673000", (), "bone"),
        ("12738006", (), "brain"),
        ("39937001", (), "skin"),
        ("69748006", (), "thyroid_bed"),
        ("81105003", (), "lymph_node_cervical_lateral"),  # generic cervical node: lateral
        ("81105003", ("26216008",), "lymph_node_cervical_central"),  # qualifier central
        ("62683002", (), "lymph_node_mediastinal_upper"),  # generic mediastinal node: upper
        ("62683002", ("261122009",), "lymph_node_mediastinal_lower"),  # qualifier lower
        ("59441001", ("26216008",), "lymph_node_cervical_central"),  # any node + central
        ("59441001", ("261183002",), "lymph_node_mediastinal_upper"),  # any node + upper
        (None, (), "other"),  # no location
        ("123456789", (), "other"),  # unknown code
    ],
)
def test_body_sites(site: str | None, qualifiers: tuple[str, ...], expected: str) -> None:
    case = imported(tumour("L1", site, *qualifiers))
    assert case["lesions"] == [{"id": "L1", "site": expected}]


@pytest.mark.parametrize(
    ("value", "unit", "mm"),
    [
        (14, "mm", 14),  # millimetres kept
        (1.4, "cm", 14),  # centimetres x 10
        (2.35, "cm", 23.5),
        (0, "mm", 0),  # disappeared
    ],
)
def test_tumour_size_in_mm_or_cm(value: float, unit: str, mm: float) -> None:
    case = imported(tumour("L1", "39607008"), size("L1", "2013-02-20", value, unit))
    assert case["imaging"] == [{"date": "2013-02-20", "measurements": {"L1": mm}}]


def test_sizes_are_grouped_by_imaging_date() -> None:
    case = imported(
        tumour("L1", "39607008"),
        tumour("N1", "62683002"),
        size("L1", "2013-02-20", 14, "mm"),
        size("N1", "2013-02-20T10:00:00Z", 1.7, "cm"),
        size("L1", "2013-09-02", 18, "mm"),
    )
    assert case["imaging"] == [
        {"date": "2013-02-20", "measurements": {"L1": 14, "N1": 17}},
        {"date": "2013-09-02", "measurements": {"L1": 18}},
    ]


def test_size_in_inches_is_reported_not_guessed() -> None:
    result = bundle_to_case(
        bundle(primary(), tumour("L1", "39607008"), size("L1", "2013-02-20", 1, "[in_i]"))
    )
    assert "imaging" not in result.case
    assert [u.path for u in result.unmapped] == ["Bundle.entry[2].resource(Observation)"]
    assert "33728-7" in result.unmapped[0].reason


def test_secondary_condition_without_tumour_becomes_a_lesion() -> None:
    secondary = {
        "resourceType": "Condition",
        "id": "met-bone",
        "meta": {
            "profile": [
                "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-secondary-cancer-condition"
            ]
        },
        "code": cc(SCT, "128462008"),
        "bodySite": [cc(SCT, "272673000")],
        "subject": {"reference": "Patient/p1"},
    }
    result = bundle_to_case(bundle(primary(), secondary))
    assert result.case["lesions"] == [{"id": "M-met-bone", "site": "bone"}]
    # derived extent: a distant lesion makes the disease metastatic
    assert parse_case(result.case).extent(load_rules()) == "metastatic"


def metastasis(clinical: str | None) -> Json:
    res: Json = {
        "resourceType": "Condition",
        "id": "met-lung",
        "code": cc(SCT, "128462008"),
        "bodySite": [cc(SCT, "39607008")],
        "subject": {"reference": "Patient/p1"},
    }
    if clinical is not None:
        system = "http://terminology.hl7.org/CodeSystem/condition-clinical"
        res["clinicalStatus"] = cc(system, clinical)
    return res


@pytest.mark.parametrize(
    ("clinical", "lesions"),
    [
        (None, [{"id": "M-met-lung", "site": "lung"}]),  # no status: a current metastasis
        ("active", [{"id": "M-met-lung", "site": "lung"}]),
        ("recurrence", [{"id": "M-met-lung", "site": "lung"}]),  # back again: current
        ("resolved", None),  # gone: not a lesion
        ("inactive", None),
        ("remission", None),
    ],
)
def test_a_metastasis_no_longer_present_is_not_a_lesion(
    clinical: str | None, lesions: list[Json] | None
) -> None:
    result = bundle_to_case(bundle(primary(), metastasis(clinical)))
    assert result.case.get("lesions") == lesions
    if lesions is None:
        assert [(u.path, u.code, u.params) for u in result.unmapped] == [
            ("Bundle.entry[1].resource(Condition/met-lung)", "clinical_status",
             (("status", clinical),))
        ]  # fmt: skip


@pytest.mark.parametrize(
    ("active", "lesions"),
    [
        (None, [{"id": "L1", "site": "lung"}]),  # active not said: a current lesion
        (True, [{"id": "L1", "site": "lung"}]),
        (False, None),  # no longer active (resected, an error...): not a lesion
    ],
)
def test_an_inactive_tumour_is_not_a_lesion(
    active: bool | None, lesions: list[Json] | None
) -> None:
    res = tumour("L1", "39607008")
    if active is not None:
        res["active"] = active
    result = bundle_to_case(bundle(primary(), res, size("L1", "2013-02-20", 14, "mm")))
    assert result.case.get("lesions") == lesions
    if lesions is None:
        # the tumour is listed, and its size cannot find it: listed too
        assert [(u.path, u.code) for u in result.unmapped] == [
            ("Bundle.entry[1].resource(BodyStructure/bs-L1)", "lesion_inactive"),
            ("Bundle.entry[2].resource(Observation)", "size_no_lesion"),
        ]


# --------------------------------------------------------------------------------------
# I-131


@pytest.mark.parametrize(
    ("value", "unit"),
    [(100, "mCi"), (3.7, "GBq"), (5550, "MBq")],
)
def test_iodine_131_activity_units(value: float, unit: str) -> None:
    case = imported(iodine("2012-07-02", value, unit))
    assert case["rai"] == [{"date": "2012-07-02", "activity": value, "unit": unit}]


def test_cumulative_activity_from_fhir() -> None:
    # 100 mCi = 3.7 GBq; 3.7 GBq; total 7.4 GBq (case-format.md: 1 mCi = 37 MBq)
    case = imported(iodine("2012-07-02", 100, "mCi"), iodine("2013-03-11", 3.7, "GBq"))
    assert assess(parse_case(case)).rai["cumulative_gbq"] == pytest.approx(7.4)


ATC = "http://www.whocc.no/atc"


def _by_reference(ref: str, contained: str | None) -> Json:
    res = iodine("2012-07-02", 3.7, "GBq")
    del res["medicationCodeableConcept"]
    res["medicationReference"] = {"reference": ref}
    if contained is not None:
        res["contained"] = [{"resourceType": "Medication", "id": "m1", "code": cc(ATC, contained)}]
    return res


@pytest.mark.parametrize(
    ("administration", "rai", "unused"),
    [
        # a contained Medication, I-131: used (was 'a medicine other than I-131')
        (_by_reference("#m1", "V10XA01"), [{"date": "2012-07-02", "activity": 3.7, "unit": "GBq"}],
         []),
        # a contained Medication of another medicine (lenvatinib): listed
        (_by_reference("#m1", "L01EX08"), None, ["not_iodine"]),
        # '#m2' names no contained resource, 'Medication/m9' no resource sent: listed as such
        (_by_reference("#m2", "V10XA01"), None, ["medication_unresolved"]),
        (_by_reference("Medication/m9", None), None, ["medication_unresolved"]),
    ],
)  # fmt: skip
def test_contained_medication(
    administration: Json, rai: list[Json] | None, unused: list[str]
) -> None:
    result = bundle_to_case(bundle(primary(), administration))
    assert result.case.get("rai") == rai
    assert [u.code for u in result.unmapped] == unused


def test_other_medicine_is_reported() -> None:
    drug = iodine("2012-07-02", 10, "mg")
    drug["medicationCodeableConcept"] = cc("http://www.whocc.no/atc", "L01EX08")  # lenvatinib
    result = bundle_to_case(bundle(primary(), drug))
    assert "rai" not in result.case
    assert "V10XA01" in result.unmapped[0].reason


# --------------------------------------------------------------------------------------
# labs


@pytest.mark.parametrize(
    ("loinc", "value", "unit", "expected"),
    [
        ("3013-0", 12.0, "ng/mL", {"test": "thyroglobulin", "value": 12.0, "unit": "ng/mL"}),
        ("3016-3", 0.35, "m[IU]/L", {"test": "tsh", "value": 0.35, "unit": "m[IU]/L"}),
        # 1 uIU/mL = 1 mIU/L
        ("3016-3", 0.35, "u[IU]/mL", {"test": "tsh", "value": 0.35, "unit": "m[IU]/L"}),
        ("8098-6", 40, "[IU]/mL", {"test": "tg_antibodies", "value": 40, "unit": "[IU]/mL"}),
        ("1992-7", 210, "pg/mL", {"test": "calcitonin", "value": 210, "unit": "pg/mL"}),
        ("1992-7", 210, "ng/L", {"test": "calcitonin", "value": 210, "unit": "ng/L"}),
        ("2039-6", 8, "ng/mL", {"test": "cea", "value": 8, "unit": "ng/mL"}),
        ("2039-6", 8, "ug/L", {"test": "cea", "value": 8, "unit": "ug/L"}),
    ],
)
def test_labs_by_loinc_and_ucum(loinc: str, value: float, unit: str, expected: Json) -> None:
    case = imported(lab(loinc, "2013-01-10", value, unit))
    assert case["labs"] == [{"date": "2013-01-10", **expected}]
    parse_case(case)  # a valid case


@pytest.mark.parametrize(
    ("extra", "positive", "upper"),
    [
        # interpretation POS: positive
        ({"interpretation": [cc(INTERP, "POS")]}, True, None),
        # interpretation H (high): positive
        ({"interpretation": [cc(INTERP, "H")]}, True, None),
        # interpretation N: negative
        ({"interpretation": [cc(INTERP, "N")]}, False, None),
        # reference range only: the engine judges against upper_limit
        ({"referenceRange": [{"high": {"value": 4, "code": "[IU]/mL"}}]}, None, 4),
    ],
)  # fmt: skip
def test_antibody_positivity(extra: Json, positive: bool | None, upper: float | None) -> None:
    case = imported(lab("8098-6", "2013-01-10", 40, "[IU]/mL", **extra))
    item = case["labs"][0]
    assert item.get("positive") == positive
    assert item.get("upper_limit") == upper


V2 = "http://terminology.hl7.org/CodeSystem/v2-0078"


def _high(value: float, unit: str | None) -> Json:
    high: Json = {"value": value}
    if unit is not None:
        high |= {"unit": unit, "system": UCUM, "code": unit}
    return {"referenceRange": [{"high": high}]}


@pytest.mark.parametrize(
    ("value", "extra", "positive", "upper", "unused", "notes"),
    [
        # a high in m[IU]/mL: 4000 mIU/mL = 4 IU/mL (was read as 4000 IU/mL: negative)
        (40, _high(4000, "m[IU]/mL"), None, 4, [], []),
        (40, _high(4000, "mIU/mL"), None, 4, [], []),
        # a high in kIU/L (x 1) beside a value in IU/mL
        (40, _high(4, "k[IU]/L"), None, 4, [], []),
        # a high in a unit that cannot be converted: no limit, and said
        (40, _high(4, "U/mL"), None, None, ["reference_high_unit"], []),
        # a high with no unit: read in the value's unit, and said
        (40, _high(4, None), None, 4, [], ["reference_high_no_unit"]),
        # v2-0078 interpretation codes: H and POS positive, N and NEG negative
        (40, {"interpretation": [cc(V2, "H")]}, True, None, [], []),
        (40, {"interpretation": [cc(V2, "POS")]}, True, None, [], []),
        (2, {"interpretation": [cc(V2, "N")]}, False, None, [], []),
        (2, {"interpretation": [cc(V2, "NEG")]}, False, None, [], []),
        # an interpretation thyref cannot read: said, positivity left to the engine
        (40, {"interpretation": [cc("http://example.org", "pos")]}, None, None,
         ["interpretation"], []),
        (40, {"interpretation": [cc(INTERP, "IND")]}, None, None, ["interpretation"], []),
    ],
)  # fmt: skip
def test_antibody_limits_and_interpretations(
    value: float,
    extra: Json,
    positive: bool | None,
    upper: float | None,
    unused: list[str],
    notes: list[str],
) -> None:
    result = bundle_to_case(
        bundle(primary(), lab("8098-6", "2013-01-10", value, "[IU]/mL", **extra))
    )
    item = result.case["labs"][0]
    assert (item.get("positive"), item.get("upper_limit")) == (positive, upper)
    assert [u.code for u in result.unmapped] == unused
    assert [n.code for n in result.notes] == notes
    for said in result.unmapped + result.notes:
        assert said.path.startswith("Bundle.entry[1].resource(Observation).")


def test_a_high_in_milli_units_makes_thyroglobulin_unreliable() -> None:
    case = imported(
        lab("3013-0", "2013-01-10", 10, "ng/mL"),
        lab("3013-0", "2013-07-10", 20, "ng/mL"),
        lab("3013-0", "2014-01-10", 40, "ng/mL"),
        lab("3013-0", "2014-07-10", 80, "ng/mL"),
        lab("8098-6", "2013-07-10", 40, "[IU]/mL", **_high(4000, "m[IU]/mL")),  # 40 > 4 IU/mL
    )
    assert assess(parse_case(case)).kinetics["thyroglobulin"]["status"] == "unreliable"


def test_antibodies_above_reference_make_thyroglobulin_unreliable() -> None:
    # Tg kinetics are unreliable when anti-Tg antibodies are positive (40 > 4 IU/mL)
    high = {"referenceRange": [{"high": {"value": 4, "unit": "[IU]/mL", "code": "[IU]/mL"}}]}
    case = imported(
        lab("3013-0", "2013-01-10", 10, "ng/mL"),
        lab("3013-0", "2013-07-10", 20, "ng/mL"),
        lab("3013-0", "2014-01-10", 40, "ng/mL"),
        lab("3013-0", "2014-07-10", 80, "ng/mL"),  # four points: enough for a doubling time
        lab("8098-6", "2013-07-10", 40, "[IU]/mL", **high),
    )
    assert assess(parse_case(case)).kinetics["thyroglobulin"]["status"] == "unreliable"


@pytest.mark.parametrize(
    ("comparator", "labs", "unused", "notes"),
    [
        # below the detection limit: the limit, flagged
        ("<", [{"value": 0.1, "below_detection": True}], [], []),
        ("<=", [{"value": 0.1, "below_detection": True}], [], []),
        # above the measurable range: not a value, listed (was a note, value taken as is)
        (">", [], ["comparator_above"], []),
        (">=", [], ["comparator_above"], []),
        # 'ad' (sufficient to achieve): taken as measured, said
        ("ad", [{"value": 0.1}], [], ["comparator"]),
    ],
)
def test_lab_comparators(
    comparator: str, labs: list[Json], unused: list[str], notes: list[str]
) -> None:
    obs = lab("3013-0", "2013-01-10", 0.1, "ng/mL")
    obs["valueQuantity"]["comparator"] = comparator
    result = bundle_to_case(bundle(primary(), obs))
    base = {"date": "2013-01-10", "test": "thyroglobulin", "unit": "ng/mL"}
    assert result.case.get("labs", []) == [base | x for x in labs]
    assert [u.code for u in result.unmapped] == unused
    assert [n.code for n in result.notes] == notes


@pytest.mark.parametrize(
    ("status", "used", "unused", "notes"),
    [
        ("final", True, [], []),  # a final result: used, nothing to say
        ("amended", True, [], []),
        ("corrected", True, [], []),
        ("preliminary", True, [], ["observation_not_final"]),  # used, and said
        ("unknown", True, [], ["observation_not_final"]),  # status not known: used, said
        ("registered", False, ["status"], []),  # no result yet: not used
        ("entered-in-error", False, ["status"], []),
        ("cancelled", False, ["status"], []),
    ],
)
def test_observation_status(status: str, used: bool, unused: list[str], notes: list[str]) -> None:
    result = bundle_to_case(
        bundle(primary(), lab("3013-0", "2013-01-10", 12, "ng/mL", status=status))
    )
    assert ("labs" in result.case) is used
    assert [u.code for u in result.unmapped] == unused
    assert [n.code for n in result.notes] == notes


def test_a_preliminary_observation_not_used_gets_no_note() -> None:
    # not used for another reason (an unknown unit): listed once, no 'used' note beside it
    obs = lab("3016-3", "2013-01-10", 1, "mg/dL", status="preliminary")
    result = bundle_to_case(bundle(primary(), obs))
    assert [u.code for u in result.unmapped] == ["lab_unit_unknown"]
    assert result.notes == []


def test_unknown_unit_is_reported() -> None:
    result = bundle_to_case(bundle(primary(), lab("3016-3", "2013-01-10", 1, "mg/dL")))
    assert "labs" not in result.case
    assert result.unmapped[0].path == "Bundle.entry[1].resource(Observation)"


# --------------------------------------------------------------------------------------
# genomics


def test_braf_v600e() -> None:
    hgvs = cc("http://varnomen.hgvs.org", "p.Val600Glu")
    case = imported(variant(("48018-6", gene("HGNC:1097")), ("48005-3", hgvs)))
    assert case["molecular"] == [{"gene": "BRAF", "alteration": "V600E", "date": "2013-04-01"}]
    assert parse_case(case).raw.molecular[0].matches("BRAF", "V600E")


HGVS = "http://varnomen.hgvs.org"


@pytest.mark.parametrize(
    ("change", "alteration"),
    [
        (cc(HGVS, "p.Val600Glu"), "V600E"),  # plain HGVS
        (cc(HGVS, "NP_004324.2:p.Val600Glu"), "V600E"),  # with its RefSeq protein
        (cc(HGVS, "NP_004324:p.(Val600Glu)"), "V600E"),  # no version, predicted change
        ({"text": "NP_004324.2:p.V600E"}, "V600E"),  # text only, one-letter codes
        # the sender's text is kept when it says the same change
        ({**cc(HGVS, "NP_004324.2:p.Val600Glu"), "text": "V600E"}, "V600E"),
        ({**cc(HGVS, "p.Val600Glu"), "text": "BRAF V600E"}, "V600E"),  # another text: the code
    ],
)
def test_protein_change_without_its_reference_sequence(change: Json, alteration: str) -> None:
    result = bundle_to_case(
        bundle(primary(), variant(("48018-6", gene("HGNC:1097")), ("48005-3", change)))
    )
    assert result.case["molecular"] == [
        {"gene": "BRAF", "alteration": alteration, "date": "2013-04-01"}
    ]
    assert result.unmapped == []


def test_components_not_read_are_listed() -> None:
    result = bundle_to_case(
        bundle(
            primary(),
            variant(
                ("48018-6", gene("HGNC:1097")),
                ("48004-6", cc(HGVS, "NM_004333.6:c.1799T>A")),  # DNA change only
                ("48002-0", cc(LOINC, "LA18198-4")),  # genomic source not known to thyref
                ("81258-6", cc(LOINC, "LA-x")),  # allelic frequency: another component
            ),
        )
    )
    # BRAF without a protein change: no alteration is guessed from the DNA change
    assert result.case["molecular"] == [{"gene": "BRAF", "date": "2013-04-01"}]
    said = [(u.path.split(".")[-1], u.code, dict(u.params)) for u in result.unmapped]
    assert said == [
        ("component[1]", "variant_dna_change", {"change": "NM_004333.6:c.1799T>A"}),
        ("component[2]", "variant_component",
         {"code": f"{LOINC}|48002-0", "value": f"{LOINC}|LA18198-4"}),
        ("component[3]", "variant_component",
         {"code": f"{LOINC}|81258-6", "value": f"{LOINC}|LA-x"}),
    ]  # fmt: skip


def test_fusion_as_two_genes() -> None:
    case = imported(variant(("48018-6", gene("HGNC:18782")), ("48018-6", gene("HGNC:9967"))))
    item = case["molecular"][0]
    assert (item["gene"], item["alteration"], item["kind"]) == ("RET", "CCDC6::RET", "fusion")
    assert parse_case(case).raw.molecular[0].involves("CCDC6")


def test_negative_variant_result_is_reported() -> None:
    absent = variant(("48018-6", gene("HGNC:1097")))
    absent["valueCodeableConcept"] = cc(LOINC, "LA9634-2")
    result = bundle_to_case(bundle(primary(), absent))
    assert "molecular" not in result.case
    assert "absent" in result.unmapped[0].reason


@pytest.mark.parametrize(
    ("said", "kept"),
    [
        # thyref's own export of a negative result: absent, with the case's words in the
        # thyref alteration extension (docs/fhir-mapping.md): read back as those words
        ("wild-type", True),
        ("non muté", True),
        # an absent variant whose extension names an alteration: never read as present
        ("V600E", False),
        ("fusion", False),
    ],
)  # fmt: skip
def test_absent_variant_is_read_only_as_a_negative_result(said: str, kept: bool) -> None:
    absent = variant(("48018-6", gene("HGNC:1097")))
    absent["valueCodeableConcept"] = cc(LOINC, "LA9634-2")
    absent["extension"] = [
        {"url": "https://thyref.org/fhir/StructureDefinition/alteration", "valueString": said}
    ]
    result = bundle_to_case(bundle(primary(), absent))
    if kept:
        # the date is the variant helper's effectiveDateTime
        assert result.case["molecular"] == [
            {"gene": "BRAF", "alteration": said, "date": "2013-04-01"}
        ]
        assert result.unmapped == []
    else:
        assert "molecular" not in result.case
        assert [u.code for u in result.unmapped] == ["variant_absent"]


# --------------------------------------------------------------------------------------
# bundles, lists, NDJSON, nothing silently dropped


def test_unused_resources_are_listed_with_their_path() -> None:
    allergy = {
        "resourceType": "AllergyIntolerance",
        "id": "a1",
        "patient": {"reference": "Patient/p1"},
    }
    bmi = lab("39156-5", "2013-01-10", 22, "kg/m2")
    bmi["id"] = "obs-7"
    result = bundle_to_case(bundle(patient(), primary(), allergy, bmi))
    assert [u.path for u in result.unmapped] == [
        "Bundle.entry[2].resource(AllergyIntolerance/a1)",
        "Bundle.entry[3].resource(Observation/obs-7)",
    ]


def test_invalid_resource_is_listed_not_fatal() -> None:
    broken = {"resourceType": "Observation", "status": "final"}  # no code: invalid in R4
    result = bundle_to_case(bundle(primary(), broken))
    assert "not a valid FHIR R4 Observation" in result.unmapped[0].reason


@pytest.mark.parametrize("kind", ["collection", "searchset", "transaction"])
def test_bundle_types(kind: str) -> None:
    data = bundle(patient(), primary(), kind=kind)
    if kind == "transaction":
        for entry in data["entry"]:
            entry["request"] = {"method": "POST", "url": entry["resource"]["resourceType"]}
    case = bundle_to_case(data).case
    assert case["patient"] == {"sex": "female", "birth_year": 1957}
    assert case["id"] == "p1"


def test_a_delete_entry_of_a_transaction_is_listed_not_fatal() -> None:
    data = bundle(patient(), primary(), iodine("2012-07-02", 3.7, "GBq"), kind="transaction")
    for entry in data["entry"]:
        entry["request"] = {"method": "POST", "url": entry["resource"]["resourceType"]}
    data["entry"].append({"request": {"method": "DELETE", "url": "MedicationAdministration/r0"}})
    result = bundle_to_case(data)
    assert result.case["rai"] == [{"date": "2012-07-02", "activity": 3.7, "unit": "GBq"}]
    assert [(u.path, u.code, dict(u.params)) for u in result.unmapped] == [
        ("Bundle.entry[3]", "deleted_entry", {"url": "MedicationAdministration/r0"})
    ]


def test_list_of_resources_and_ndjson_give_the_same_case() -> None:
    resources = [patient(), primary(), iodine("2012-07-02", 100, "mCi")]
    from_list = bundle_to_case(resources).case
    from_ndjson = ndjson_to_case([json.dumps(r) + "\n" for r in resources] + ["\n"]).case
    assert from_list == from_ndjson
    assert from_list["rai"] == [{"date": "2012-07-02", "activity": 100, "unit": "mCi"}]


def test_ndjson_line_that_is_not_json() -> None:
    with pytest.raises(CaseFormatError, match="line 2"):
        ndjson_to_case([json.dumps(primary()), "{oops"])


def test_two_patients_are_refused() -> None:
    other = {**patient(), "id": "p2"}
    with pytest.raises(FhirImportError, match="2 patients"):
        bundle_to_case(bundle(patient(), other, primary()))


def test_case_id_argument_wins() -> None:
    assert bundle_to_case(bundle(primary()), case_id="rcp-12").case["id"] == "rcp-12"


def test_whole_standard_bundle_is_assessed() -> None:
    """A demo-003-like history written only with standard codes: refractory (DTC-NO-UPTAKE
    cannot be read without the uptake code, so only cumulative activity and RECIST count)."""
    case = imported(
        tumour("L1", "39607008"),
        tumour("N1", "62683002"),
        iodine("2012-07-02", 100, "mCi"),
        iodine("2013-03-11", 3.7, "GBq"),
        size("L1", "2013-02-20", 14, "mm"),
        size("N1", "2013-02-20", 17, "mm"),
        size("L1", "2013-09-02", 1.8, "cm"),
        size("N1", "2013-09-02", 19, "mm"),
    )
    result = assess(parse_case(case))
    # sums: 14 + 17 = 31 at baseline, 18 + 19 = 37 (+19.4 %): SD (RECIST 1.1, < 20 %)
    assert result.recist is not None
    assert result.recist["timepoints"][0]["sum_mm"] == 37.0
    assert result.recist["timepoints"][0]["overall_response"] == "SD"
    assert result.rai["cumulative_gbq"] == pytest.approx(7.4)


def test_assumptions_are_listed_as_notes() -> None:
    result = bundle_to_case(bundle(primary(), tumour("N1", "59441001"), tumour("X1", None)))
    assert [lesion["site"] for lesion in result.case["lesions"]] == [
        "lymph_node_cervical_lateral",  # a node with no region: lateral cervical, said
        "other",  # no location: other, said
    ]
    assert [n.path for n in result.notes] == [
        "Bundle.entry[1].resource(BodyStructure/bs-N1)",
        "Bundle.entry[2].resource(BodyStructure/bs-X1)",
    ]
    assert result.unmapped == []


# --------------------------------------------------------------------------------------
# imaging studies


def study(status: str) -> Json:
    return {
        "resourceType": "ImagingStudy",
        "id": f"is-{status}",
        "status": status,
        "subject": {"reference": "Patient/p1"},
        "started": "2014-02-03T10:00:00Z",
    }


@pytest.mark.parametrize(
    ("status", "imaging"),
    [
        ("available", [{"date": "2014-02-03"}]),  # images available: an imaging date
        ("registered", [{"date": "2014-02-03"}]),  # registered, images to come: kept
        ("entered-in-error", None),  # recorded by mistake: never an imaging date
        ("cancelled", None),  # the study did not take place
    ],
)
def test_imaging_study_status(status: str, imaging: list[Json] | None) -> None:
    result = bundle_to_case(bundle(primary(), study(status)))
    assert result.case.get("imaging") == imaging
    if imaging is None:
        assert [(u.path, u.code) for u in result.unmapped] == [
            (f"Bundle.entry[1].resource(ImagingStudy/is-{status})", "status")
        ]


# --------------------------------------------------------------------------------------
# the same resource sent twice


EARLY, LATE = "2012-07-03T01:00:00+04:00", "2012-07-02T22:00:00Z"  # 21:00Z, then 22:00Z


def _with(res: Json, rid: str, **meta: str) -> Json:
    return {**res, "id": rid, **({"meta": meta} if meta else {})}


@pytest.mark.parametrize(
    ("copies", "kept", "activity"),
    [
        # a searchset with the same administration as match and include: one administration
        ([_with(iodine("2012-07-02", 3.7, "GBq"), "r1")] * 2, 1, 3.7),
        # history: version 2 (corrected to 5.5 GBq) wins whatever the order
        (
            [
                _with(iodine("2012-07-02", 5.5, "GBq"), "r1", versionId="2"),
                _with(iodine("2012-07-02", 3.7, "GBq"), "r1", versionId="1"),
            ],
            1,
            5.5,
        ),
        # versions compared as numbers: 10 is after 9
        (
            [
                _with(iodine("2012-07-02", 3.7, "GBq"), "r1", versionId="9"),
                _with(iodine("2012-07-02", 5.5, "GBq"), "r1", versionId="10"),
            ],
            2,
            5.5,
        ),
        # no version: the latest lastUpdated wins (21:00Z before 22:00Z: time zones compared)
        (
            [
                _with(iodine("2012-07-02", 5.5, "GBq"), "r1", lastUpdated=EARLY),
                _with(iodine("2012-07-02", 3.7, "GBq"), "r1", lastUpdated=LATE),
            ],
            2,
            3.7,
        ),
        # no version, no date: the first copy is used
        (
            [
                _with(iodine("2012-07-02", 3.7, "GBq"), "r1"),
                _with(iodine("2012-07-02", 5.5, "GBq"), "r1"),
            ],
            1,
            3.7,
        ),
    ],
)  # fmt: skip
def test_a_resource_sent_twice_is_used_once(copies: list[Json], kept: int, activity: float) -> None:
    result = bundle_to_case(bundle(primary(), *copies))
    assert result.case["rai"] == [{"date": "2012-07-02", "activity": activity, "unit": "GBq"}]
    dropped = 2 if kept == 1 else 1
    assert [(u.path, u.code) for u in result.unmapped] == [
        (f"Bundle.entry[{dropped}].resource(MedicationAdministration/r1)", "duplicate")
    ]
    assert dict(result.unmapped[0].params) == {
        "kind": "MedicationAdministration",
        "id": "r1",
        "kept": f"Bundle.entry[{kept}].resource(MedicationAdministration/r1)",
    }


def test_a_lab_sent_twice_is_one_point() -> None:
    tg = _with(lab("3013-0", "2013-01-10", 12, "ng/mL"), "tg1")
    case = imported(tg, tg)
    assert case["labs"] == [
        {"date": "2013-01-10", "test": "thyroglobulin", "value": 12, "unit": "ng/mL"}
    ]


def test_a_tumour_sent_twice_keeps_its_sizes() -> None:
    # the second copy used to replace the first in the reference index: sizes lost
    case = imported(
        tumour("L1", "39607008"), tumour("L1", "39607008"), size("L1", "2013-02-20", 14, "mm")
    )
    assert case["lesions"] == [{"id": "L1", "site": "lung"}]
    assert case["imaging"] == [{"date": "2013-02-20", "measurements": {"L1": 14}}]
