"""What real EHR exports send and used to trip the import (tests/fhir/data, README.md).

Epic-, Cerner/Oracle Health- and French-hospital-shaped Bundles, I-131 activities in any
UCUM unit, times without a time zone, merged patient records and stimulated
thyroglobulin. Expected cases are written by hand from case-format.md, fhir-codes.md and
the R4 specification (sources in the data README), never copied from the importer.
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
UCUM = "http://unitsofmeasure.org"


def load(name: str) -> Json:
    data: Json = json.loads((DATA / name).read_text(encoding="utf-8"))
    return data


def imported(data: Json | str) -> ImportResult:
    result = bundle_to_case(load(data) if isinstance(data, str) else data)
    parse_case(result.case)  # every imported case is a valid case
    return result


def entry(index: int, kind: str, rid: str) -> str:
    return f"Bundle.entry[{index}].resource({kind}/{rid})"


def obs(index: int, rid: str) -> str:
    return entry(index, "Observation", rid)


def ma(index: int, rid: str) -> str:
    return entry(index, "MedicationAdministration", rid)


def codes(items: list[Any]) -> list[tuple[str, str]]:
    return [(u.path, u.code) for u in items]


def tg(day: str, value: float, unit: str = "ng/mL", **more: Any) -> Json:
    return {"date": day, "test": "thyroglobulin", "value": value, "unit": unit, **more}


def refused(data: Json | str) -> Any:
    with pytest.raises(FhirImportError) as caught:
        bundle_to_case(load(data) if isinstance(data, str) else data)
    (problem,) = caught.value.problems
    for lang in ("fr", "en"):  # said in both languages, every value filled in
        assert "{" not in problem_text(problem, lang)
    return problem


# --------------------------------------------------------------------------------------
# the labs and I-131 administrations each file gives


@pytest.mark.parametrize(
    ("name", "labs"),
    [
        # unit without system/code read from its display; corrected and amended results
        # are final results; "<0.9 IU/mL" below detection with its lab's limit 4.0
        (
            "epic-style-labs.json",
            [
                tg("2023-03-01", 1.8),
                {
                    "date": "2023-03-01",
                    "test": "tg_antibodies",
                    "value": 0.9,
                    "unit": "IU/mL",
                    "below_detection": True,
                    "upper_limit": 4,
                },
                {"date": "2023-03-01", "test": "tsh", "value": 0.02, "unit": "m[IU]/L"},
                tg("2023-06-01", 2.1),
                tg("2023-09-05", 2.4),
            ],
        ),
        # the date as written in UTC (23:30Z is still the 15th); the range high is the
        # lab's upper limit
        (
            "cerner-style-labs.json",
            [
                tg("2023-04-03", 0.6, upper_limit=33),
                tg("2023-07-10", 0.7),
                tg("2023-10-02", 0.9),
                {"date": "2023-04-03", "test": "tsh", "value": 0.04, "unit": "m[IU]/L"},
                tg("2024-01-15", 1.1),
            ],
        ),
        # French units (µg/L, mUI/L, UI/mL) as sent, POS "Positif", an effectivePeriod's
        # start, "0,8 µg/L" as text
        (
            "french-hospital.json",
            [
                tg("2023-01-12", 1.2, "ug/L"),
                {"date": "2023-01-12", "test": "tsh", "value": 0.05, "unit": "mUI/L"},
                {
                    "date": "2023-01-12",
                    "test": "tg_antibodies",
                    "value": 15,
                    "unit": "UI/mL",
                    "positive": True,
                },
                tg("2023-06-15", 0.8, "ug/L"),
                {
                    "date": "2023-01-12",
                    "test": "calcitonin",
                    "value": 2,
                    "unit": "pg/mL",
                    "below_detection": True,
                },
                {"date": "2023-01-12", "test": "cea", "value": 1.9, "unit": "ug/L"},
            ],
        ),
        # a time without a zone: its day as written (also hh:mm without seconds, a
        # period's start at 23:45, a contained result); "+0100" (an offset without its
        # colon): the day as written, as for a valid offset
        (
            "datetime-no-zone.json",
            [
                tg("2023-05-04", 1),
                {"date": "2023-05-04", "test": "tsh", "value": 0.05, "unit": "m[IU]/L"},
                tg("2023-08-01", 1.4),
                tg("2023-11-02", 1.6),
                tg("2024-01-10", 1.9),
            ],
        ),
        # the merged record's Tg and the kept record's Tg: one person's series
        ("merged-patient.json", [tg("2021-01-10", 1), tg("2022-01-10", 1.5)]),
        # the stimulated Tg are not in the series; the unstimulated ones and the TSH are
        (
            "stimulated-tg.json",
            [
                tg("2023-03-01", 0.4),
                {"date": "2023-05-04", "test": "tsh", "value": 95, "unit": "m[IU]/L"},
                tg("2023-09-01", 0.5),
            ],
        ),
        # final, amended, corrected, preliminary, unknown: results; the panel's TSH
        (
            "observation-statuses.json",
            [
                tg("2023-01-10", 1),
                tg("2023-02-10", 1.1),
                tg("2023-03-10", 1.2),
                tg("2023-04-10", 1.3),
                tg("2023-05-10", 1.4),
                {"date": "2023-07-10", "test": "tsh", "value": 0.1, "unit": "m[IU]/L"},
            ],
        ),
        # session 14: the old record's Tg (filed under it by an absolute reference) and
        # the kept record's, one series; 23:40-05:00 is the 20th as written
        (
            "epic-style-merged-prefetch.json",
            [tg("2021-02-15", 0.8), tg("2022-02-14", 1.1), tg("2023-02-20", 1.6)],
        ),
        # both records sent, compatible (a birth year, sex unknown on the old one)
        ("epic-style-merged-compatible.json", [tg("2019-09-09", 2), tg("2021-09-13", 2.6)]),
        # +0100, +0200, z, a space for the T: each on its written day; 24:00 not read;
        # 23:30-05:00 the 1st of March as written (04:30 UTC on the 2nd)
        (
            "dedalus-style-datetimes.json",
            [
                tg("2023-01-12", 1.2),
                tg("2023-06-15", 0.9),
                tg("2023-09-20", 1.1),
                tg("2023-12-04", 1.4),
                tg("2024-03-01", 1.9),
            ],
        ),
    ],
)
def test_labs_as_ehrs_send_them(name: str, labs: list[Json]) -> None:
    assert imported(name).case.get("labs", []) == labs


@pytest.mark.parametrize(
    ("name", "rai"),
    [
        # 5,550,000 kBq = 5,550 MBq; 0.15 Ci = 150 mCi; mCi read from the display of a
        # local unit code; the locally coded medicine, [mCi] and MBQ are not read
        (
            "epic-style-i131.json",
            [
                {"date": "2020-01-15", "activity": 5550, "unit": "MBq"},
                {"date": "2021-02-10", "activity": 150, "unit": "mCi"},
                {"date": "2021-09-01", "activity": 100, "unit": "mCi"},
            ],
        ),
        # ATC by its OID, display units, an effectivePeriod's start
        (
            "french-hospital.json",
            [
                {"date": "2015-04-10", "activity": 3.7, "unit": "GBq"},
                {"date": "2016-01-12", "activity": 1110, "unit": "MBq"},
            ],
        ),
        # a time without a zone
        ("datetime-no-zone.json", [{"date": "2015-05-01", "activity": 100, "unit": "mCi"}]),
        # filed under the merged record
        ("merged-patient.json", [{"date": "2016-03-01", "activity": 100, "unit": "mCi"}]),
        (
            "epic-style-merged-prefetch.json",
            [{"date": "2015-05-04", "activity": 100, "unit": "mCi"}],
        ),
        # an effectivePeriod whose start is written +0100
        (
            "dedalus-style-datetimes.json",
            [{"date": "2016-03-01", "activity": 3.7, "unit": "GBq"}],
        ),
        # the Medication coded by SNOMED CT and ATC V10XA01 (a therapy) only: the 3 mCi
        # before a scan and the 5.5 GBq coded by SNOMED CT alone are not read as therapies
        (
            "cerner-style-i131-substance.json",
            [{"date": "2017-01-16", "activity": 150, "unit": "mCi"}],
        ),
    ],
)
def test_iodine_as_ehrs_send_it(name: str, rai: list[Json]) -> None:
    assert imported(name).case["rai"] == rai


# --------------------------------------------------------------------------------------
# what is not used, and what is used under an assumption (path, code)

NO_ZONE = "datetime_no_zone"
DR = entry(6, "DiagnosticReport", "dr-1")


@pytest.mark.parametrize(
    ("name", "unused", "notes"),
    [
        (
            "epic-style-labs.json",
            [(obs(7, "tg-4"), "lab_text")],  # "Test not performed..." as text
            [],
        ),
        (
            "epic-style-i131.json",
            [
                # I-131 by a local code only: named, not read
                (ma(3, "rai-local"), "not_iodine"),
                # [mCi] is no UCUM code: the element is named
                (f"{ma(7, 'rai-bracket')}.dosage.dose.code", "rai_unit"),
                # MBQ: millibecquerel in UCUM's capitals
                (f"{ma(8, 'rai-caps')}.dosage.dose.unit", "rai_unit"),
            ],
            [
                (f"{ma(4, 'rai-kbq')}.dosage.dose.code", "rai_unit_converted"),
                (f"{ma(5, 'rai-ci')}.dosage.dose.code", "rai_unit_converted"),
                (f"{ma(6, 'rai-local-unit')}.dosage.dose.unit", "rai_unit_display"),
            ],
        ),
        (
            "cerner-style-labs.json",
            [
                # N on thyroglobulin: a range flag, read for Tg antibodies only
                (f"{obs(2, 'tg-1')}.interpretation[0]", "interpretation_test"),
                (obs(6, "ct-1"), "data_absent"),  # not performed
                (obs(7, "tg-4"), "status"),  # entered in error
            ],
            [(obs(4, "tg-3"), "observation_not_final")],
        ),
        (
            "french-hospital.json",
            [
                (obs(8, "tg-3"), "lab_issued_only"),  # released on a date, taken on another
                (obs(9, "tg-4"), "data_absent"),  # hemolysed
            ],
            [(obs(7, "tg-2"), "lab_value_text")],
        ),
        (
            "datetime-no-zone.json",
            [
                # a real structure problem beside a time without a zone: said
                (obs(7, "tg-3"), "invalid_resource"),
                # "done" is no Observation status
                (obs(9, "tg-5"), "status"),
            ],
            [
                (f"{entry(1, 'Condition', 'c1')}.onsetDateTime", NO_ZONE),
                (f"{ma(2, 'rai-1')}.effectiveDateTime", NO_ZONE),
                (f"{obs(3, 'tg-1')}.effectiveDateTime", NO_ZONE),
                (f"{obs(4, 'tsh-1')}.effectiveDateTime", NO_ZONE),
                (f"{obs(5, 'tg-2')}.effectivePeriod.start", NO_ZONE),
                (f"{obs(5, 'tg-2')}.issued", NO_ZONE),
                (f"{DR}.contained[0].effectiveDateTime", NO_ZONE),
                (f"{DR}.effectiveDateTime", NO_ZONE),
                # "+0100": an offset R4 writes "+01:00"; read, the day as written, said
                (f"{obs(8, 'tg-4')}.effectiveDateTime", "datetime_spelling"),
            ],
        ),
        (
            "merged-patient.json",
            # the merged record itself: its demographics are not used
            [(entry(1, "Patient", "p-old"), "patient_merged")],
            [
                (f"{obs(3, 'tg-old')}.subject", "merged_record"),
                (f"{ma(5, 'rai-old')}.subject", "merged_record"),
            ],
        ),
        (
            "stimulated-tg.json",
            [
                (obs(4, "tg-stim-method"), "lab_stimulated"),
                (obs(5, "tg-stim-note"), "lab_stimulated"),
                (obs(6, "tg-stim-local"), "lab_stimulated"),
                (obs(8, "tg-withdrawal"), "lab_stimulated"),
            ],
            [],
        ),
        (
            "observation-statuses.json",
            [
                (obs(7, "tg-registered"), "status"),
                (obs(8, "tg-cancelled"), "status"),
                (obs(9, "tg-absent"), "data_absent"),
                (obs(10, "tg-absent-text"), "data_absent"),
                (f"{obs(11, 'panel')}.component[1]", "data_absent"),
            ],
            [
                (obs(5, "tg-preliminary"), "observation_not_final"),
                (obs(6, "tg-unknown"), "observation_not_final"),
            ],
        ),
        (
            "epic-style-merged-prefetch.json",
            [],  # the kept record's Patient only: nothing left
            [
                (f"{obs(2, 'tg-2021')}.subject", "merged_record"),
                (f"{obs(3, 'tg-2022')}.subject", "merged_record"),
                (f"{ma(5, 'rai-old')}.subject", "merged_record"),
            ],
        ),
        (
            "epic-style-merged-compatible.json",
            [(entry(0, "Patient", "p-prior"), "patient_merged")],
            [(f"{obs(3, 'tg-prior')}.subject", "merged_record")],
        ),
        (
            "dedalus-style-datetimes.json",
            [(obs(7, "tg-5"), "datetime_end_of_day")],  # 24:00
            [
                (f"{ma(2, 'irath-1')}.effectivePeriod.start", "datetime_spelling"),
                (f"{ma(2, 'irath-1')}.effectivePeriod.end", "datetime_spelling"),
                (f"{obs(3, 'tg-1')}.effectiveDateTime", "datetime_spelling"),
                (f"{obs(4, 'tg-2')}.effectiveDateTime", "datetime_spelling"),
                (f"{obs(5, 'tg-3')}.effectiveDateTime", "datetime_spelling"),
                (f"{obs(6, 'tg-4')}.effectiveDateTime", "datetime_spelling"),
                # issued with seven decimals of a second (.NET): valid R4, no note
            ],
        ),
        (
            "cerner-style-i131-substance.json",
            [
                (ma(4, "rai-dx"), "iodine_use_unknown"),  # 3 mCi: a diagnostic dose
                (ma(6, "rai-sct"), "iodine_use_unknown"),
            ],
            [],
        ),
    ],
)
def test_what_is_left_or_assumed_is_listed(
    name: str, unused: list[tuple[str, str]], notes: list[tuple[str, str]]
) -> None:
    result = imported(name)
    assert sorted(codes(result.unmapped)) == sorted(unused)
    assert sorted(codes(result.notes)) == sorted(notes)


@pytest.mark.parametrize(
    ("name", "path", "fr", "en"),
    [
        # the medicine is named, so the reader can tell an I-131 coded locally
        (
            "epic-style-i131.json",
            ma(3, "rai-local"),
            "«\u00a0sodium iodide I-131 capsule\u00a0», non codée comme iode 131",
            "'sodium iodide I-131 capsule', not coded as I-131",
        ),
        (
            "epic-style-i131.json",
            f"{ma(7, 'rai-bracket')}.dosage.dose.code",
            "«\u00a0[mCi]\u00a0»",
            "'[mCi]'",
        ),
        (
            "epic-style-i131.json",
            f"{ma(8, 'rai-caps')}.dosage.dose.unit",
            "«\u00a0MBQ\u00a0»",
            "'MBQ'",
        ),
        # the lab's reason, as its code or as its text
        ("cerner-style-labs.json", obs(6, "ct-1"), "not-performed", "not-performed"),
        (
            "observation-statuses.json",
            obs(10, "tg-absent-text"),
            "Prélèvement non conforme",
            "Prélèvement non conforme",
        ),
        # the release date is given and said not to be the sampling date
        (
            "french-hospital.json",
            obs(8, "tg-3"),
            "publié le 2023-09-20T17:45:00+02:00 (issued)",
            "released on 2023-09-20T17:45:00+02:00 (issued)",
        ),
        # the stimulated value, its date and the words that said it
        (
            "stimulated-tg.json",
            obs(4, "tg-stim-method"),
            "du 2023-05-04 (3.5 ng/mL) mesurée sous stimulation par la TSH "
            "(«\u00a0Après stimulation par TSH recombinante (Thyrogen)\u00a0»)",
            "of 2023-05-04 (3.5 ng/mL) measured under TSH stimulation "
            "('Après stimulation par TSH recombinante (Thyrogen)')",
        ),
    ],
)
def test_reasons_quote_what_was_sent(name: str, path: str, fr: str, en: str) -> None:
    item = next(u for u in imported(name).unmapped if u.path == path)
    assert fr in unmapped_text(item, "fr")
    assert en in unmapped_text(item, "en")


def test_notes_say_the_conversion_and_the_day_read() -> None:
    i131 = {u.path: u for u in imported("epic-style-i131.json").notes}
    said = unmapped_text(i131[f"{ma(4, 'rai-kbq')}.dosage.dose.code"], "en")
    assert "5550000 kBq converted to 5550 MBq" in said
    times = {u.path: u for u in imported("datetime-no-zone.json").notes}
    item = times[f"{obs(5, 'tg-2')}.effectivePeriod.start"]
    assert "'2023-08-01T23:45:00' without a time zone" in unmapped_text(item, "en")
    assert "2023-08-01" in unmapped_text(item, "fr")


# --------------------------------------------------------------------------------------
# I-131 activity units


def _bundle(*resources: Json) -> Json:
    base = load("observation-statuses.json")["entry"][:2]  # its Patient and primary cancer
    extra = [{"resource": r} for r in resources]
    return {"resourceType": "Bundle", "type": "collection", "entry": [*base, *extra]}


def _rai(dose: Json) -> Json:
    return {
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


@pytest.mark.parametrize(
    ("dose", "activity", "unit"),
    [
        # UCUM kilo: 10^3 Bq; 3,700,000 kBq = 3,700 MBq = 100 mCi
        ({"value": 3700000, "system": UCUM, "code": "kBq"}, 3700, "MBq"),
        # the becquerel itself: 3.7e9 Bq = 3,700 MBq
        ({"value": 3700000000, "system": UCUM, "code": "Bq"}, 3700, "MBq"),
        # tera: 0.0037 TBq = 3.7 GBq
        ({"value": 0.0037, "system": UCUM, "code": "TBq"}, 3.7, "GBq"),
        # the curie: 0.1 Ci = 100 mCi; micro: 100,000 uCi = 100 mCi
        ({"value": 0.1, "system": UCUM, "code": "Ci"}, 100, "mCi"),
        ({"value": 100000, "system": UCUM, "code": "uCi"}, 100, "mCi"),
        # a display unit with the micro sign, no code
        ({"value": 150000, "unit": "\u00b5Ci"}, 150, "mCi"),
        # the UCUM system by its OID
        ({"value": 5.55, "system": "urn:oid:2.16.840.1.113883.6.8", "code": "GBq"}, 5.55, "GBq"),
        # a local unit system's code: the display says mCi
        ({"value": 100, "unit": "mCi", "system": "urn:oid:1.2.3.99999", "code": "9"}, 100, "mCi"),
    ],
)
def test_activities_in_other_units_are_converted_exactly(
    dose: Json, activity: float, unit: str
) -> None:
    result = imported(_bundle(_rai(dose)))
    assert result.case["rai"] == [{"date": "2016-03-01", "activity": activity, "unit": unit}]


@pytest.mark.parametrize(
    ("dose", "element", "said"),
    [
        # no such UCUM unit (square brackets are for special units such as [IU])
        ({"value": 100, "unit": "mCi", "system": UCUM, "code": "[mCi]"}, "code", "[mCi]"),
        # UCUM's capitals: MBQ is millibecquerel, not megabecquerel
        ({"value": 3700, "unit": "MBQ"}, "unit", "MBQ"),
        # millibecquerel as such: 3,700 mBq is no therapeutic activity
        ({"value": 3700, "system": UCUM, "code": "mBq"}, "code", "mBq"),
        # a local code with no display: the code is named
        ({"value": 100, "system": "urn:oid:1.2.3.99999", "code": "9"}, "code", "9"),
    ],
)
def test_an_activity_unit_not_read_names_its_element(dose: Json, element: str, said: str) -> None:
    result = imported(_bundle(_rai(dose)))
    assert "rai" not in result.case
    path = f"Bundle.entry[2].resource(MedicationAdministration/rai).dosage.dose.{element}"
    (item,) = result.unmapped
    assert (item.path, item.code) == (path, "rai_unit")
    assert f"«\u00a0{said}\u00a0»" in unmapped_text(item, "fr")
    assert f"'{said}'" in unmapped_text(item, "en")


# --------------------------------------------------------------------------------------
# I-131 coded otherwise than by ATC

SCT = "http://snomed.info/sct"
ATC = "http://www.whocc.no/atc"
# SNOMED CT 111160004 "Sodium iodide I^131^" (DICOM PS3.16 CID 25, Radiopharmaceutical)
NAI131 = {"system": SCT, "code": "111160004", "display": "Sodium iodide I^131^"}


def _iodine(*coding: Json, **dose: Any) -> Json:
    res = _rai(dose or {"value": 100, "unit": "mCi", "system": UCUM, "code": "mCi"})
    res["medicationCodeableConcept"] = {"coding": list(coding), "text": "Sodium iodide I-131"}
    return res


@pytest.mark.parametrize(
    ("coding", "code"),
    [
        # the substance by SNOMED CT: I-131, but a therapy or a diagnostic dose (the same
        # substance at 0.2-5 mCi for a scan): said as such, not read as a therapy; it
        # was "not coded as I-131" (not_iodine), which it is
        ([NAI131], "iodine_use_unknown"),
        ([{**NAI131, "system": "urn:oid:2.16.840.1.113883.6.96"}], "iodine_use_unknown"),
        # RxNorm: no RxCUI for sodium iodide I-131 could be checked offline; a coding of
        # that system is a medicine named, as before
        ([{"system": "http://www.nlm.nih.gov/research/umls/rxnorm",
           "display": "sodium iodide I-131"}], "not_iodine"),
    ],
)  # fmt: skip
def test_iodine_coded_as_a_substance_is_named_not_read(coding: list[Json], code: str) -> None:
    result = imported(_bundle(_iodine(*coding)))
    assert "rai" not in result.case
    assert codes(result.unmapped) == [(ma(2, "rai"), code)]


def test_iodine_coded_as_a_substance_quotes_what_to_enter() -> None:
    (item,) = imported(_bundle(_iodine(NAI131))).unmapped
    assert unmapped_text(item, "en") == (
        "administration of 'Sodium iodide I-131', coded as sodium iodide I-131 by SNOMED CT "
        "111160004 (the substance), on 2016-03-01, activity 100 mCi: the code does not say "
        "whether it was a therapy or a diagnostic dose (ATC V10XA01 says a therapy): not "
        "used; if it is an I-131 therapy, enter its activity in the case"
    )
    assert "codée iodure de sodium (131I) par SNOMED CT 111160004" in unmapped_text(item, "fr")
    (bare,) = imported(_bundle(_iodine(NAI131, value=None))).unmapped  # no activity given
    assert "activity ?:" in unmapped_text(bare, "en")
    # no day to read (a period with only its end): "?" (session 14 mutation run)
    undated = _iodine(NAI131)
    del undated["effectiveDateTime"]
    undated["effectivePeriod"] = {"end": "2016-03-01"}
    (item,) = imported(_bundle(undated)).unmapped
    assert "(the substance), on ?, activity 100 mCi:" in unmapped_text(item, "en")
    # no dosage at all (dosage is optional in R4): no activity either
    no_dosage = _iodine(NAI131)
    del no_dosage["dosage"]
    (item,) = imported(_bundle(no_dosage)).unmapped
    assert "on 2016-03-01, activity ?:" in unmapped_text(item, "en")
    # a value without any unit: the value alone
    (item,) = imported(_bundle(_iodine(NAI131, value=100))).unmapped
    assert "on 2016-03-01, activity 100:" in unmapped_text(item, "en")


def test_iodine_with_atc_beside_a_substance_code_is_read() -> None:
    # V10XA01 says a therapy: the SNOMED CT coding beside it says the same substance
    result = imported(_bundle(_iodine(NAI131, {"system": ATC, "code": "V10XA01"})))
    assert result.case["rai"] == [{"date": "2016-03-01", "activity": 100, "unit": "mCi"}]
    assert result.unmapped == []


# --------------------------------------------------------------------------------------
# date-times near R4's spelling


TG_PATH = obs(2, "tg")


@pytest.mark.parametrize(
    ("when", "day", "r4"),
    [
        # an offset without its colon (ISO 8601 basic format; R4 writes +01:00)
        ("2024-01-10T10:00:00+0100", "2024-01-10", "2024-01-10T10:00:00+01:00"),
        # late in the evening west of Greenwich: the local day, as for a valid offset
        # (23:30-05:00 is 04:30 UTC on the 11th; the day written is the 10th)
        ("2024-01-10T23:30:00-0500", "2024-01-10", "2024-01-10T23:30:00-05:00"),
        # an offset of hours alone
        ("2024-01-10T00:15:00+01", "2024-01-10", "2024-01-10T00:15:00+01:00"),
        # a lower-case z (RFC 3339 allows it; R4's pattern does not)
        ("2024-01-10T10:00:00z", "2024-01-10", "2024-01-10T10:00:00Z"),
        ("2024-01-10T10:00:00.25z", "2024-01-10", "2024-01-10T10:00:00.25Z"),
        # a space for the T (RFC 3339 allows it)
        ("2024-01-10 10:00:00+01:00", "2024-01-10", "2024-01-10T10:00:00+01:00"),
        # hours and minutes with a zone but no seconds (R4 asks for seconds)
        ("2024-01-10T10:00+01:00", "2024-01-10", "2024-01-10T10:00:00+01:00"),
        # session 14 mutation run: an upper-case Z without seconds
        ("2024-01-10T10:00Z", "2024-01-10", "2024-01-10T10:00:00Z"),
        # R4's last offset, +14:00, written without its colon or as hours alone
        ("2024-01-10T10:00:00+1400", "2024-01-10", "2024-01-10T10:00:00+14:00"),
        ("2024-01-10T10:00:00+14", "2024-01-10", "2024-01-10T10:00:00+14:00"),
        # the last minute of an hour's offset, without its colon
        ("2024-01-10T10:00:00+0159", "2024-01-10", "2024-01-10T10:00:00+01:59"),
    ],
)  # fmt: skip
def test_a_time_near_r4_is_read_on_its_written_day(when: str, day: str, r4: str) -> None:
    result = imported(_bundle(_tg(effectiveDateTime=when)))
    assert result.case["labs"] == [tg(day, 3.5)]
    assert result.unmapped == []
    (note,) = result.notes
    assert (note.path, note.code) == (f"{TG_PATH}.effectiveDateTime", "datetime_spelling")
    assert f"'{when}' not written as FHIR R4 writes it ({r4})" in unmapped_text(note, "en")
    assert unmapped_text(note, "fr").endswith(f"avec le jour écrit, {day}")


@pytest.mark.parametrize(
    "when",
    [
        # R4's own pattern allows any number of decimals: .NET's seven, nanoseconds
        "2024-01-10T10:00:00.1234567+01:00",
        "2024-01-10T10:00:00.123456789Z",
        "2024-01-10T10:00:60Z",  # a leap second, allowed by R4
        "2024-01-10T23:59:59+14:00",  # the last offset R4 allows
    ],
)
def test_valid_r4_times_are_read_without_a_note(when: str) -> None:
    result = imported(_bundle(_tg(effectiveDateTime=when)))
    assert result.case["labs"] == [tg("2024-01-10", 3.5)]
    assert (result.unmapped, result.notes) == ([], [])


@pytest.mark.parametrize(
    ("where", "when", "code"),
    [
        # 24:00 ends the 10th and starts the 11th: the day cannot be told
        ("effectiveDateTime", "2024-01-10T24:00:00Z", "datetime_end_of_day"),
        ("effectiveDateTime", "2024-01-10T24:00+0100", "datetime_end_of_day"),
        ("issued", "2024-01-10T24:00:00.000Z", "datetime_end_of_day"),
        # not a time near R4's: the checker's words, naming the element
        ("effectiveDateTime", "2024-01-10T10:00:00+15:00", "invalid_resource"),  # no zone
        ("effectiveDateTime", "2024-01-10T10:00:00+01:60", "invalid_resource"),
        ("effectiveDateTime", "2024-01-10T10:00:00UTC", "invalid_resource"),
        ("effectiveDateTime", "2024-01-10T25:00:00+0100", "invalid_resource"),
        ("effectiveDateTime", "2024-02-30T10:00:00+0100", "invalid_resource"),  # no such day
        ("effectiveDateTime", "20240110T100000Z", "invalid_resource"),
    ],
)  # fmt: skip
def test_a_time_that_cannot_be_read_names_its_element(where: str, when: str, code: str) -> None:
    result = imported(_bundle(_tg(**{where: when})))
    assert "labs" not in result.case
    (item,) = result.unmapped
    assert (item.path, item.code) == (TG_PATH, code)
    assert f"Observation: {where}: " in unmapped_text(item, "en")
    if code == "datetime_end_of_day":
        said = unmapped_text(item, "fr")
        assert f"«\u00a0{when}\u00a0», 24:00, qui termine le 2024-01-10 et commence" in said
        assert "commence le 2024-01-11\u00a0: le jour du résultat ne peut être dit" in said


@pytest.mark.parametrize(
    ("when", "respelled"),
    [
        # near R4's spelling (an offset without its colon) on a day that does not exist:
        # refused, quoting the value as sent, never its R4 respelling (session 14 note)
        ("2024-02-30T10:00:00+0100", "2024-02-30T10:00:00+01:00"),
        # the same with a lower-case z and no seconds
        ("2023-02-29T10:00z", "2023-02-29T10:00:00Z"),
        # without a time zone (R4 requires one with a time), on 31 April
        ("2024-04-31T08:15:00", "2024-04-31T08:15:00Z"),
    ],
)
def test_a_near_r4_time_on_a_day_that_does_not_exist_is_quoted_as_sent(
    when: str, respelled: str
) -> None:
    result = imported(_bundle(_tg(effectiveDateTime=when)))
    assert "labs" not in result.case
    (item,) = result.unmapped
    assert (item.path, item.code) == (TG_PATH, "invalid_resource")
    params = dict(item.params)
    assert params["where"] == "effectiveDateTime"
    assert params["input"] == repr(when)
    assert not any(respelled in value for value in params.values())
    assert result.notes == []


@pytest.mark.parametrize(
    "when",
    [
        # minutes over 59, without the colon
        "2024-01-10T10:00:00+0160",
        # a minute past +14:00
        "2024-01-10T10:00:00+1401",
        # an hour past it
        "2024-01-10T10:00:00+1500",
        # west of -14:00
        "2024-01-10T10:00:00-1430",
    ],
)
def test_an_offset_past_r4s_is_refused_as_written(when: str) -> None:
    # session 14 mutation run: no time zone has such an offset, so the time is no near
    # miss: the checker's complaint, quoting the value as sent (not an R4 respelling)
    result = imported(_bundle(_tg(effectiveDateTime=when)))
    (item,) = result.unmapped
    assert (item.path, item.code) == (TG_PATH, "invalid_resource")
    assert when in dict(item.params)["input"]
    assert result.notes == []


@pytest.mark.parametrize(
    "when",
    [
        # a time without a zone (session 14 mutation run: the note's day)
        "2024-01-10T23:30:00",
        # the same with a space for the T and no seconds
        "2024-01-10 23:30",
    ],
)
def test_a_time_without_a_zone_is_read_on_its_written_day(when: str) -> None:
    result = imported(_bundle(_tg(effectiveDateTime=when)))
    assert result.case["labs"] == [tg("2024-01-10", 3.5)]
    (note,) = result.notes
    assert (note.path, note.code) == (f"{TG_PATH}.effectiveDateTime", "datetime_no_zone")
    assert "with the day as written, 2024-01-10;" in unmapped_text(note, "en")


def test_a_date_with_a_time_is_not_read_as_a_date_time() -> None:
    # session 14 mutation run: only a dateTime or an instant is respelled; a birth date
    # (a FHIR date) written with a time is the checker's complaint, quoted as sent
    data = _bundle(_tg(effectiveDateTime="2024-01-10"))
    data["entry"][0]["resource"]["birthDate"] = "1961-04-12T10:00+0100"
    (item,) = imported(data).unmapped
    assert (item.path, item.code) == (entry(0, "Patient", "p1"), "invalid_resource")
    assert "1961-04-12T10:00+0100" in dict(item.params)["input"]


def test_a_time_at_the_end_of_the_last_day_is_refused_by_the_checker() -> None:
    # no day after 9999-12-31: the checker's own words, never a traceback
    result = imported(_bundle(_tg(effectiveDateTime="9999-12-31T24:00:00Z")))
    assert codes(result.unmapped) == [(TG_PATH, "invalid_resource")]


# --------------------------------------------------------------------------------------
# merged and linked patient records


def test_a_merged_record_is_read_as_the_kept_one_whatever_the_order() -> None:
    data = load("merged-patient.json")
    data["entry"][0], data["entry"][1] = data["entry"][1], data["entry"][0]  # replaced first
    result = imported(data)
    assert result.case["id"] == "p-new"
    assert len(result.case["labs"]) == 2
    (item,) = [u for u in result.unmapped if u.code == "patient_merged"]
    assert item.path == entry(0, "Patient", "p-old")
    assert "fusionné dans Patient/p-new" in unmapped_text(item, "fr")


def test_a_merge_said_by_the_kept_record_alone_is_enough() -> None:
    # the replaced record's Patient is not sent; the kept one says it replaces it
    data = load("merged-patient.json")
    del data["entry"][1]
    result = imported(data)
    assert [x["value"] for x in result.case["labs"]] == [1, 1.5]
    notes = [u.path for u in result.notes if u.code == "merged_record"]
    assert notes == [f"{obs(2, 'tg-old')}.subject", f"{ma(4, 'rai-old')}.subject"]


@pytest.mark.parametrize(
    ("old", "code", "element", "en", "fr"),
    [
        # another birth date on the replaced record: the merge may have joined two
        # people (an overlay), whose results would be mixed into one Tg series
        ({"birthDate": "1963-09-30"}, "fhir_merged_birth_date", "birthDate",
         "1963-09-30 for Patient/p-old, 1961-04-12 for Patient/p-new",
         "date de naissance (Patient.birthDate)\u00a0: 1963-09-30 pour Patient/p-old"),
        # a year that is not the kept record's
        ({"birthDate": "1960"}, "fhir_merged_birth_date", "birthDate",
         "1960 for Patient/p-old", "vérifier la fusion dans le DPI"),
        # another sex (twins of different sexes share a birth date)
        ({"gender": "male"}, "fhir_merged_sex", "gender",
         "different sexes (Patient.gender): 'male' for Patient/p-old, 'female' for",
         "«\u00a0male\u00a0» pour Patient/p-old, «\u00a0female\u00a0» pour Patient/p-new"),
    ],
)  # fmt: skip
def test_a_merge_of_records_that_disagree_on_the_person_is_refused(
    old: Json, code: str, element: str, en: str, fr: str
) -> None:
    data = load("merged-patient.json")
    data["entry"][1]["resource"] |= old  # the replaced record, Patient/p-old
    problem = refused(data)
    assert (problem.path, problem.code) == (f"{entry(1, 'Patient', 'p-old')}.{element}", code)
    assert en in problem_text(problem, "en")
    assert fr in problem_text(problem, "fr")
    # the English message (logs, the API's "message") is the catalogue's English sentence
    # (session 14 mutation run)
    assert problem.message == problem_text(problem, "en")


def test_a_cerner_style_merge_of_two_people_is_refused() -> None:
    # the replaced record (inactive, replaced-by) was born in 1958, the kept one in 1961:
    # its Tg of 4.2 would have opened the kept record's series
    problem = refused("cerner-style-merged-conflict.json")
    path = f"{entry(1, 'Patient', '12724067')}.birthDate"
    assert (problem.path, problem.code) == (path, "fhir_merged_birth_date")
    assert "1958-11-30 for Patient/12724067, 1961-04-12 for Patient/12724066" in problem_text(
        problem, "en"
    )


@pytest.mark.parametrize(
    "old",
    [
        {"birthDate": "1961"},  # a partial date that is the kept one's beginning
        {"birthDate": "1961-04"},
        {"gender": "unknown"},  # says nothing of the sex
        {"gender": "other"},
        {"gender": None, "birthDate": None},  # not given on the replaced record
    ],
)
def test_a_merge_whose_records_do_not_disagree_is_read(old: Json) -> None:
    data = load("merged-patient.json")
    resource = data["entry"][1]["resource"]
    for name, value in old.items():
        if value is None:
            del resource[name]
        else:
            resource[name] = value
    result = imported(data)
    assert result.case["patient"] == {"sex": "female", "birth_year": 1961}
    assert len(result.case["labs"]) == 2


def test_a_record_linked_without_a_merge_is_never_mixed() -> None:
    problem = refused("linked-patient-seealso.json")
    assert (problem.path, problem.code) == (f"{obs(3, 'tg-9')}.subject", "fhir_linked_patient")
    assert "Patient.link seealso" in problem_text(problem, "en")
    assert "les fusionner dans le DPI" in problem_text(problem, "fr")


@pytest.mark.parametrize("kind", ["seealso", "refer"])
def test_a_linked_record_that_sent_nothing_is_said(kind: str) -> None:
    data = load("linked-patient-seealso.json")
    del data["entry"][3]  # the other record's Tg
    data["entry"][0]["resource"]["link"][0]["type"] = kind
    result = imported(data)
    (item,) = result.notes
    assert (item.path, item.code) == (f"{entry(0, 'Patient', 'p1')}.link[0]", "patient_link")
    assert "Patient/p9" in unmapped_text(item, "fr")


def test_two_patients_linked_without_a_merge_are_refused_at_the_link() -> None:
    data = load("linked-patient-seealso.json")
    other = {"resourceType": "Patient", "id": "p9", "gender": "female"}
    data["entry"].insert(1, {"resource": other})
    problem = refused(data)
    assert (problem.path, problem.code) == (
        f"{entry(0, 'Patient', 'p1')}.link[0]",
        "fhir_linked_patient",
    )


def test_a_replaced_record_alone_is_refused_naming_the_record_to_import() -> None:
    problem = refused("replaced-record.json")
    path = f"{entry(0, 'Patient', 'p-old')}.link[0]"
    assert (problem.path, problem.code) == (path, "fhir_replaced_patient")
    assert "import the record Patient/p-new" in problem_text(problem, "en")
    assert "importer le dossier Patient/p-new" in problem_text(problem, "fr")


def test_two_records_that_each_replace_the_other_are_refused() -> None:
    # both say they replace the other: no record to keep (was a StopIteration traceback)
    data = load("merged-patient.json")
    data["entry"][1]["resource"]["link"][0]["type"] = "replaces"
    del data["entry"][1]["resource"]["active"]
    assert refused(data).code == "fhir_many_patients"


# --------------------------------------------------------------------------------------
# stimulated thyroglobulin: the words that say it


def _tg(**where: Any) -> Json:
    return {
        "resourceType": "Observation",
        "id": "tg",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "3013-0"}]},
        "subject": {"reference": "Patient/p1"},
        "effectiveDateTime": "2023-05-04",
        "valueQuantity": {"value": 3.5, "system": UCUM, "code": "ng/mL", "unit": "ng/mL"},
        **where,
    }


@pytest.mark.parametrize(
    ("where", "stimulated"),
    [
        ({"method": {"text": "Tg stimulée (rhTSH)"}}, True),  # French, recombinant TSH
        ({"method": {"text": "post-Thyrogen"}}, True),  # the brand name
        ({"note": [{"text": "after thyrotropin alfa"}]}, True),  # the INN
        ({"note": [{"text": "Prélèvement après sevrage en hormones thyroïdiennes"}]}, True),
        ({"method": {"coding": [{"display": "TSH-stimulated"}]}}, True),  # a coding display
        ({"method": {"text": "Tg non stimulée"}}, False),  # said not stimulated
        ({"note": [{"text": "unstimulated, on levothyroxine"}]}, False),
        ({"note": [{"text": "Tg basale sous traitement freinateur"}]}, False),
        ({"note": [{"text": "hémolyse légère"}]}, False),  # says nothing of stimulation
        ({"method": {"text": "Tg non\u2011stimulée"}}, False),  # a non-breaking hyphen
        ({"method": {"text": "après rh\u2011TSH"}}, True),  # a non-breaking hyphen
        ({"note": [{"text": "Tg sans\u00a0stimulation"}]}, False),  # a no-break space
        ({"note": [{"text": "TG STIMULÉE"}]}, True),  # capitals, an accented capital
    ],
)
def test_stimulated_thyroglobulin_is_listed_not_read(where: Json, stimulated: bool) -> None:
    result = imported(_bundle(_tg(**where)))
    if stimulated:
        assert "labs" not in result.case
        assert codes(result.unmapped) == [(obs(2, "tg"), "lab_stimulated")]
    else:
        assert result.case["labs"] == [tg("2023-05-04", 3.5)]


def test_stimulation_words_on_a_tsh_change_nothing() -> None:
    tsh = _tg(method={"text": "après rhTSH"})
    tsh["code"]["coding"][0]["code"] = "3016-3"
    tsh["valueQuantity"] = {"value": 95, "system": UCUM, "code": "m[IU]/L", "unit": "mIU/L"}
    result = imported(_bundle(tsh))
    assert result.case["labs"] == [
        {"date": "2023-05-04", "test": "tsh", "value": 95, "unit": "m[IU]/L"}
    ]
