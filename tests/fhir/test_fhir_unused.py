"""Why a FHIR part was not used: every code said in French and English from the catalogue."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from test_fhir_import import bundle, primary

from thyref.domain.messages import LANGS, Lang, catalogue, text
from thyref.fhir import importer
from thyref.fhir.importer import bundle_to_case
from thyref.fhir.unused import PREFIX, UNUSED, Unmapped, unmapped_text

# one example of the values each code quotes (as the importer passes them)
SAMPLES: dict[str, dict[str, str]] = {
    "not_json": {},  # a resource orjson cannot write
    "no_resource_type": {},  # {"id": "x"} with no resourceType
    "unknown_resource_type": {"kind": "Foo"},  # not an R4 type
    "invalid_resource": {  # the checker's English words kept when no translation exists
        "kind": "Patient",
        "where": "birthDate",
        "detail": "Date value string does not match spec regex.",
        "problem": "date_not_known",
    },
    "resource_type": {"kind": "Encounter"},  # a valid resource thyref does not read
    "assessment_output": {},  # thyref's own output, tagged
    "status": {"status": "entered-in-error"},  # Observation or MedicationAdministration
    # the same resource twice (searchset match + include, history): one copy is used
    "deleted_entry": {"url": "MedicationAdministration/r0"},  # a transaction's DELETE
    # an OperationOutcome (a searchset's outcome entry): the server's words
    "server_message": {"severity": "warning", "text": "some results were withheld"},
    "next_page": {"url": "Observation?patient=p1&_page=2"},  # one page of a search
    "duplicate": {"kind": "Observation", "id": "o1", "kept": "Bundle.entry[4]"},
    "verification_status": {"status": "refuted"},  # a Condition ruled out
    "not_thyroid_cancer": {},  # e.g. a diabetes Condition
    "second_primary": {},  # two primary thyroid cancers
    "onset_partial": {"onset": "2009-03", "date": "2009-03-01"},  # a month: its first day
    "secondary_without_site": {},  # metastasis Condition, no bodySite
    "clinical_status": {"status": "resolved"},  # a metastasis no longer present
    "lesion_inactive": {},  # BodyStructure.active false
    "body_site_unknown": {"code": "http://snomed.info/sct|12345"},  # unknown SNOMED site
    "body_site_missing": {},  # a site with no coding at all
    "lymph_node_region": {},  # node with no central/lateral/upper/lower qualifier
    "lesion_id_twice": {"lesion": "T1"},  # two BodyStructures with one identifier
    "metastasis_as_lesion": {"lesion": "M-c9", "site": "lung"},  # lesion made from a Condition
    "observation_not_final": {"status": "preliminary"},  # used, but said
    "data_absent": {"reason": "not-performed"},  # Observation with dataAbsentReason
    "disease_status": {},  # LOINC 97509-4, computed by thyref
    "observation_code": {"code": "http://loinc.org|29463-7"},  # body weight
    "observation_no_code": {},  # code with no coding (text only)
    "size_no_date": {},  # tumour size without effectiveDateTime
    "size_no_lesion": {},  # tumour size whose focus is unknown
    "size_no_value": {},  # tumour size in inches
    "size_twice": {"lesion": "T1", "date": "2014-04-06"},  # two sizes, one lesion, one day
    "scan_no_date": {},  # whole-body scan without date
    "scan_value_unknown": {"component": "scan-kind", "value": "pet"},  # unknown scan kind
    "scan_value_missing": {"component": "scan-preparation"},  # component with no value
    "scan_tsh": {},  # TSH in the scan in ng/mL
    "scan_no_kind": {"component": "scan-kind"},  # scan without its kind
    "finding_unlinked": {},  # finding with no scan
    "finding_no_value": {},  # finding with an unknown value
    "finding_twice": {"lesion": "L1"},  # two findings for L1 on one scan
    "lab_no_date": {"test": "thyroglobulin"},  # Tg without date
    "lab_no_value": {"test": "tsh"},  # TSH without a number
    "lab_text": {"test": "thyroglobulin", "text": "<0.1"},  # valueString without a unit
    "lab_value_text": {"test": "thyroglobulin", "text": "<0.1 ng/mL"},  # read from text
    "lab_unit_unknown": {"test": "calcitonin", "unit": "mmol/L"},  # calcitonin in mmol/L
    "lab_unit_missing": {"test": "cea"},  # CEA without unit
    "comparator": {"comparator": "ad"},  # "ad 300" (FHIR's 'sufficient to achieve')
    # "> 300 ng/mL": above the measurable range, not a value
    "comparator_above": {
        "test": "thyroglobulin",
        "comparator": ">",
        "value": "300",
        "unit": "ng/mL",
    },
    # an interpretation in neither v3 nor v2-0078 (or a code of neither list)
    "interpretation": {"test": "tg_antibodies", "code": "http://example.org|pos"},
    # a range flag (H) on a test other than Tg antibodies
    "interpretation_test": {
        "test": "thyroglobulin",
        "code": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation|H",
    },
    "reference_high_unit": {"test": "tg_antibodies", "unit": "U/mL"},  # not convertible
    "reference_high_no_unit": {"test": "tg_antibodies", "unit": "[IU]/mL"},  # value's unit
    "variant_absent": {},  # LA9634-2: absent
    "variant_no_gene": {},  # variant without 48018-6
    "variant_dna_change": {"change": "c.1799T>A"},  # 48004-6: the DNA change is not read
    # a component with nothing the reader knows (here an unknown genomic source)
    "variant_component": {"code": "http://loinc.org|48002-0", "value": "http://loinc.org|LA-x"},
    "uptake_no_value": {},  # uptake Observation with no yes/no
    "non_target_status": {"status": "gone"},  # not present/absent/unequivocal-progression
    "response": {"response": "MR"},  # not CR/PR/SD/PD/NE
    "own_code_incomplete": {"code": "lesion-resected"},  # thyref flag without a focus
    "not_iodine": {"name": "levothyroxine"},  # another medicine (or I-131 coded locally)
    # sodium iodide I-131 coded as a substance (SNOMED CT): a therapy or a diagnostic dose
    "iodine_use_unknown": {
        "name": "Sodium iodide I-131",
        "code": "111160004",
        "date": "2019-06-03",
        "activity": "100 mCi",
    },
    "medication_unresolved": {"reference": "#m2"},  # no such Medication (or no code)
    "rai_incomplete": {},  # I-131 without a dose value
    "rai_unit": {"unit": "[mCi]"},  # I-131 in a unit UCUM has not
    # I-131 in kBq: converted exactly to MBq, said
    "rai_unit_converted": {
        "value": "5550000",
        "unit": "kBq",
        "activity": "5550",
        "case_unit": "MBq",
    },
    # a dose unit coded in the sender's own system: its display is read
    "rai_unit_display": {"code": "5", "system": "urn:oid:1.2.3.4", "unit": "mCi"},
    # a time without a time zone: the day as written, said
    "datetime_no_zone": {"value": "2023-05-04T10:30:00", "date": "2023-05-04"},
    # an offset without its colon: read as R4 writes it, the day as written, said
    "datetime_spelling": {
        "value": "2023-05-04T10:30:00+0100",
        "r4": "2023-05-04T10:30:00+01:00",
        "date": "2023-05-04",
    },
    # 24:00, the end of a day and the start of the next: not used, both days named
    "datetime_end_of_day": {
        "kind": "Observation",
        "where": "effectiveDateTime",
        "value": "2023-05-04T24:00:00Z",
        "date": "2023-05-04",
        "next": "2023-05-05",
    },
    # a replaced record merged into the one kept
    "patient_merged": {"patient": "Patient/p-old", "kept": "Patient/p-new"},
    # a result of the replaced record, read as the same person's
    "merged_record": {
        "reference": "Patient/p-old",
        "patient": "Patient/p-new",
        "type": "replaced-by",
    },
    # another record of the person, linked, not merged, nothing of it sent
    "patient_link": {"type": "seealso", "other": "Patient/p9", "patient": "Patient/p1"},
    # a thyroglobulin under TSH stimulation: not in the kinetics, listed with its value
    "lab_stimulated": {
        "test": "thyroglobulin",
        "date": "2023-05-04",
        "value": "12 ng/mL",
        "words": "Tg sous rhTSH",
    },
    # a result with issued (release) only: no collection date
    "lab_issued_only": {"test": "thyroglobulin", "issued": "2023-06-15T10:00:00+02:00"},
    "statement_unusable": {},  # a stopped MedicationStatement
    "second_medicine": {},  # two current medicines
    "imaging_no_date": {},  # ImagingStudy without started
    "patient_deceased": {"value": "2024-02-11"},  # Patient.deceasedDateTime
    "report_result_missing": {"reference": "#tg2"},  # a report's result not sent
    "report_contained": {"kind": "Specimen"},  # contained in a report, not a result
    "report_conclusion": {"text": "Thyroglobulin stable"},  # the report's own words
    "report_document": {"kind": "application/pdf"},  # the report as a document
    "member_missing": {"reference": "Observation/tsh-2"},  # a panel's member not sent
    # a radioiodine Procedure with its activity in an EHR's own extension
    "procedure_activity": {
        "url": "https://ehr.example.org/fhir/StructureDefinition/administered-activity",
        "value": "100",
        "unit": "mCi",
        "date": "2019-06-03",
    },
}

# what a value is said as when it is a thyref word (site, lab test), per language
WORDS: dict[tuple[str, str], dict[Lang, str]] = {
    ("site", "lung"): {"fr": "poumon", "en": "lung"},
    ("test", "thyroglobulin"): {"fr": "Thyroglobuline", "en": "Thyroglobulin"},
    ("test", "tsh"): {"fr": "TSH", "en": "TSH"},
    ("test", "calcitonin"): {"fr": "Calcitonine", "en": "Calcitonin"},
    ("test", "cea"): {"fr": "ACE", "en": "CEA"},
    ("test", "tg_antibodies"): {"fr": "Anticorps anti-Tg", "en": "Tg antibodies"},
}


def test_the_table_covers_every_code() -> None:
    assert set(SAMPLES) == set(UNUSED)


@pytest.mark.parametrize("code", UNUSED)
def test_every_code_is_said_in_french_and_english_with_its_values(code: Any) -> None:
    params = SAMPLES[code]
    item = Unmapped.of("Bundle.entry[3].resource(Observation/o1)", code, **params)
    said = {lang: unmapped_text(item, lang) for lang in LANGS}
    for lang in LANGS:
        assert PREFIX + code in catalogue()[lang], lang
        assert "{" not in said[lang] and "}" not in said[lang], said[lang]
        for name, value in params.items():
            if name == "problem":  # the checker's error type: it picks a sentence, not quoted
                continue
            shown = WORDS.get((name, value), {}).get(lang, value)
            assert shown in said[lang], (lang, name, shown)
    assert said["fr"] != said["en"]  # written in French, not left in English
    assert item.reason == said["en"]  # logs and JSON keep the English sentence
    assert item.as_dict() == {"path": item.path, "reason": said["en"]}


def test_a_checker_complaint_is_said_in_french_when_the_catalogue_knows_it() -> None:
    missing = {"resourceType": "Observation", "id": "o1", "status": "final"}  # no code
    extra = {"resourceType": "Patient", "id": "p1", "foo": 1}  # no such element in R4
    result = bundle_to_case(bundle(primary(), missing, extra))
    first, second = result.unmapped
    assert unmapped_text(first, "fr") == (
        "ressource Observation non conforme à FHIR R4\u00a0: code\u00a0: champ obligatoire manquant"
    )
    assert unmapped_text(first, "en") == (
        "not a valid FHIR R4 Observation: code: required field is missing"
    )
    assert unmapped_text(second, "fr") == (
        "ressource Patient non conforme à FHIR R4\u00a0: foo\u00a0: élément non prévu par FHIR R4"
    )


def test_a_checker_sentence_missing_a_value_falls_back_to_the_checker_words() -> None:
    told = {"kind": "Patient", "where": "gender", "detail": "Input should be 'male'"}
    full = Unmapped.of("x", "invalid_resource", **told, problem="enum", input="'zz'",
                       expected="'male', 'female'")  # fmt: skip
    assert unmapped_text(full, "fr") == (
        "ressource Patient non conforme à FHIR R4\u00a0: gender\u00a0: "
        "valeur inconnue 'zz'\u00a0; valeurs possibles\u00a0: 'male' ou 'female'"
    )
    # problem.enum quotes {input} and {expected}: without them, no placeholder is shown
    short = Unmapped.of("x", "invalid_resource", **told, problem="enum")
    assert unmapped_text(short, "fr") == (
        "ressource Patient non conforme à FHIR R4\u00a0: gender\u00a0: Input should be 'male'"
    )


def test_the_french_of_some_reasons_reads_as_written() -> None:
    # worked out by hand from the catalogue sentences and the importer's values
    cases = [
        (
            Unmapped.of("x", "observation_code", code="http://loinc.org|29463-7"),
            "code d'observation http://loinc.org|29463-7 non reconnu",
        ),
        (
            Unmapped.of("x", "lab_unit_unknown", test="tg_antibodies", unit="mmol/L"),
            "Anticorps anti-Tg\u00a0: unité «\u00a0mmol/L\u00a0» non reconnue",
        ),
        (
            Unmapped.of("x", "metastasis_as_lesion", lesion="M-c9", site="bone"),
            "métastase sans lésion décrite\u00a0: lésion «\u00a0M-c9\u00a0» créée (os)",
        ),
    ]
    for item, french in cases:
        assert unmapped_text(item, "fr") == french


def test_an_item_without_a_code_is_said_by_its_reason() -> None:
    item = Unmapped("Bundle.entry[0]", "some English reason")
    assert unmapped_text(item, "fr") == "some English reason"
    assert unmapped_text(item, "en") == "some English reason"


def test_checker_detail_sentences_exist_in_both_languages() -> None:
    details = [k for k in catalogue()["fr"] if k.startswith(PREFIX + "detail.")]
    assert details  # extra_forbidden, value_error
    for key in details:
        assert key in catalogue()["en"]
        assert text(key, "fr", {"detail": "d"}) != text(key, "en", {"detail": "d"})


# ---------------------------------------------------------------- the importer's calls


def _sources() -> dict[str, str]:
    """Each module of the importer package, by file name."""
    folder = Path(importer.__file__).parent
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.py"))}


def _calls() -> list[tuple[str, str, ast.Call]]:
    out = []
    for file, source in _sources().items():
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in ("skip", "note", "of", "Unmapped"):
                    out.append((file, name, node))
    return out


def test_the_importer_says_why_by_a_catalogue_code_only() -> None:
    calls = _calls()
    assert len(calls) > 40
    used: set[str] = set()
    for file, name, call in calls:
        where = f"importer/{file} line {call.lineno}"
        assert name != "Unmapped", f"{where}: build items with Unmapped.of(path, code, ...)"
        why = call.args[1]
        if isinstance(why, ast.Constant):
            assert why.value in UNUSED, f"{where}: {why.value!r} is not an Unused code"
            used.add(why.value)
        else:  # skip/note pass their typed code on; the structure check returns its own
            assert name == "of" and ast.unparse(why) in ("why", "problem[0]"), where
        assert not any(isinstance(a, ast.JoinedStr) for a in call.args), where
    # _checked returns the structure codes as the first item of a tuple
    source = "\n".join(_sources().values())
    structure = {"not_json", "no_resource_type", "unknown_resource_type", "invalid_resource",
                 "datetime_end_of_day"}  # fmt: skip
    assert all(f'"{code}", ' in source for code in structure)
    assert used | structure == set(UNUSED)  # no code left unused
