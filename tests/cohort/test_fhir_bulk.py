"""FHIR Bulk Data exports: resources grouped by patient, and the run through the FHIR adapter."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest

from thyref.cohort import sources
from thyref.cohort.runner import run_cohort
from thyref.synth import synth_cases

from .support import expected_row, read_errors, read_rows

TODAY = date(2026, 6, 1)


@pytest.mark.parametrize(
    ("resource", "key"),
    [
        # a Patient is its own key
        ({"resourceType": "Patient", "id": "p1"}, "Patient/p1"),
        # most clinical resources point at the patient with `subject`
        ({"resourceType": "Condition", "subject": {"reference": "Patient/p1"}}, "Patient/p1"),
        # an absolute URL to the same patient
        (
            {"resourceType": "Observation", "subject": {"reference": "https://h/fhir/Patient/p2"}},
            "Patient/p2",
        ),
        # some resources use `patient` (AllergyIntolerance, Immunization...)
        (
            {"resourceType": "AllergyIntolerance", "patient": {"reference": "Patient/p3"}},
            "Patient/p3",
        ),
        # a reference to something else than a Patient names no patient (it was taken as
        # a patient of its own, assessed under the importer's fallback id "fhir-import");
        # Bulk Data references are relative `Patient/<id>` or absolute URLs ending so
        ({"resourceType": "Observation", "subject": {"reference": "Group/g1"}}, ""),
        ({"resourceType": "Condition", "subject": {"reference": "urn:uuid:0c3a"}}, ""),
        ({"resourceType": "Condition", "subject": {"reference": "Patient"}}, ""),
        # no reference at all: no key
        ({"resourceType": "Observation", "code": {}}, ""),
        # a Patient without an id: no key
        ({"resourceType": "Patient"}, ""),
    ],
)
def test_patient_key(resource: dict[str, Any], key: str) -> None:
    assert sources.patient_key(resource) == key


def _bulk(folder: Path, by_type: dict[str, list[Any]]) -> None:
    folder.mkdir()
    for kind, resources in by_type.items():
        body = b"".join((r if isinstance(r, bytes) else orjson.dumps(r)) + b"\n" for r in resources)
        (folder / f"{kind}.ndjson").write_bytes(body)


def test_partition_keeps_each_patient_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sources, "BUCKET_BYTES", 300)  # many small buckets
    patients = [f"p{k}" for k in range(12)]
    _bulk(
        tmp_path / "bulk",
        {
            "Patient": [{"resourceType": "Patient", "id": p} for p in patients],
            "Condition": [
                {"resourceType": "Condition", "id": f"c-{p}",
                 "subject": {"reference": f"Patient/{p}"}}
                for p in patients
            ],
            "Observation": [
                {"resourceType": "Observation", "id": f"o{k}-{p}",
                 "subject": {"reference": f"Patient/{p}"}}
                for p in patients for k in range(3)
            ] + [{"resourceType": "Observation", "id": "orphan"}, b"{not json"],
        },
    )  # fmt: skip
    plan = sources.plan(tmp_path / "bulk", 100, tmp_path / "work")
    assert plan.kind == "fhir-bulk"
    assert plan.records == 12
    assert len(plan.chunks) > 1
    groups: dict[str, list[bytes]] = {}
    for chunk in plan.chunks:
        for key, lines in sources.bucket_patients(chunk):
            assert key not in groups, f"{key} split over two buckets"
            groups[key] = lines
    for p in patients:
        ids = sorted(orjson.loads(line)["id"] for line in groups[f"Patient/{p}"])
        assert ids == sorted([p, f"c-{p}", f"o0-{p}", f"o1-{p}", f"o2-{p}"])
    # the orphan and the broken line are kept, keyed by where they came from
    assert {k for k in groups if k.startswith("!")} == {
        "!Observation.ndjson:37",
        "!Observation.ndjson:38",
    }


def test_resources_without_a_patient_are_errors_not_crashes(tmp_path: Path) -> None:
    _bulk(tmp_path / "bulk", {"Observation": [{"resourceType": "Observation", "id": "x"}, b"{"]})
    report = run_cohort(tmp_path / "bulk", tmp_path / "out", workers=1, today=TODAY, lang="en")
    assert (report.rows, report.errors) == (0, 2)
    errors = read_errors(tmp_path / "out")
    assert [e["source"] for e in errors] == ["Observation.ndjson:1", "Observation.ndjson:2"]
    assert "subject or patient reference" in errors[0]["problems"][0]["message"]
    assert errors[0]["problems"][0]["code"] == "no_patient"
    assert errors[1]["problems"][0]["message"].startswith("the text is not valid JSON")
    assert errors[1]["problems"][0]["code"] == "not_json"
    assert not (tmp_path / "out" / ".work").exists()


def _synth_bulk(folder: Path, n: int) -> list[bytes]:
    from thyref.synth import write

    write(n, 21, "fhir", folder)
    return [orjson.dumps(c) for c in synth_cases(n, 21)]


def test_bulk_export_gives_the_same_answers_as_the_cases(tmp_path: Path) -> None:
    lines = _synth_bulk(tmp_path / "bulk", 60)
    report = run_cohort(tmp_path / "bulk", tmp_path / "out", workers=2, today=TODAY)
    assert (report.rows, report.errors) == (60, 0), read_errors(tmp_path / "out")[:3]
    rows = read_rows(tmp_path / "out")
    for line in lines:
        want = expected_row(line, TODAY)
        got = rows[want["patient_id"]]
        for key, value in want.items():
            assert got[key] == value, f"{want['patient_id']}.{key}"


def test_missing_resource_type_does_not_stop_the_run(tmp_path: Path) -> None:
    _synth_bulk(tmp_path / "bulk", 40)
    observations = tmp_path / "bulk" / "Observation.ndjson"
    assert observations.exists()
    observations.unlink()  # an export without any Observation (no labs, no measurements)
    report = run_cohort(tmp_path / "bulk", tmp_path / "out", workers=1, today=TODAY)
    # every patient is accounted for: assessed with what is there, or listed with its problems
    assert report.rows + report.errors == 40
    for entry in read_errors(tmp_path / "out"):
        assert entry["problems"] and all(p["message"] for p in entry["problems"])


def test_ndjson_of_bundles_gives_the_same_answers_as_the_cases(tmp_path: Path) -> None:
    from thyref.synth import write

    write(30, 22, "fhir", tmp_path / "bundles.ndjson")
    report = run_cohort(tmp_path / "bundles.ndjson", tmp_path / "out", workers=1, today=TODAY)
    assert (report.rows, report.errors) == (30, 0), read_errors(tmp_path / "out")[:3]
    rows = read_rows(tmp_path / "out")
    for case in synth_cases(30, 22):
        want = expected_row(orjson.dumps(case), TODAY)
        got = rows[want["patient_id"]]
        for key, value in want.items():
            assert got[key] == value, f"{want['patient_id']}.{key}"


def test_synthetic_fhir_is_byte_identical_for_a_seed(tmp_path: Path) -> None:
    from thyref.synth import write

    write(20, 4, "fhir", tmp_path / "a.ndjson")
    write(20, 4, "fhir", tmp_path / "b.ndjson")
    # resource ids and fullUrls must come from the case, never from a random uuid
    assert (tmp_path / "a.ndjson").read_bytes() == (tmp_path / "b.ndjson").read_bytes()


def test_byte_order_marks_in_an_export_lose_nothing(tmp_path: Path) -> None:
    # A file of the export that starts with a UTF-8 byte order mark (RFC 8259 section 8.1:
    # a parser may ignore it; `thyref assess` does): its first resource must still be read.
    # The Patient of the first line was reported as not JSON, and its other resources were
    # assessed as a patient without a Patient, under the importer's fallback id.
    lines = _synth_bulk(tmp_path / "bulk", 5)
    for kind in ("Patient", "Condition"):
        file = tmp_path / "bulk" / f"{kind}.ndjson"
        file.write_bytes(b"\xef\xbb\xbf" + file.read_bytes())
    report = run_cohort(tmp_path / "bulk", tmp_path / "out", workers=1, today=TODAY)
    assert (report.rows, report.errors) == (5, 0), read_errors(tmp_path / "out")
    rows = read_rows(tmp_path / "out")
    for line in lines:
        want = expected_row(line, TODAY)
        got = rows[want["patient_id"]]
        for key, value in want.items():
            assert got[key] == value, f"{want['patient_id']}.{key}"


def test_an_export_without_patients_keeps_each_patient_apart(tmp_path: Path) -> None:
    # No Patient.ndjson (a missing resource type): each patient is still assessed with what
    # is there (docs/cohort.md), under the id its resources point at (Patient/<id>); they
    # all came out as "fhir-import", one id for every patient of the registry.
    _synth_bulk(tmp_path / "bulk", 6)
    file = tmp_path / "bulk" / "Patient.ndjson"
    patients = [orjson.loads(x) for x in file.read_bytes().splitlines()]
    file.unlink()
    report = run_cohort(tmp_path / "bulk", tmp_path / "out", workers=1, today=TODAY)
    assert (report.rows, report.errors) == (6, 0), read_errors(tmp_path / "out")
    rows = read_rows(tmp_path / "out")
    assert set(rows) == {p["id"] for p in patients}
    assert all(row["source"] == f"Patient/{pid}" for pid, row in rows.items())


def test_a_resource_pointing_at_no_patient_is_an_error(tmp_path: Path) -> None:
    # a Condition whose subject is not a Patient reference: listed with its file and line,
    # never assessed as a patient of its own
    condition = {"resourceType": "Condition", "id": "c1", "subject": {"reference": "urn:uuid:9"}}
    _bulk(tmp_path / "bulk", {"Condition": [condition]})
    report = run_cohort(tmp_path / "bulk", tmp_path / "out", workers=1, today=TODAY, lang="en")
    assert (report.rows, report.errors) == (0, 1)
    [error] = read_errors(tmp_path / "out")
    assert error["source"] == "Condition.ndjson:1"
    assert "patient reference" in error["problems"][0]["message"]


def test_a_merged_record_goes_with_the_record_kept(tmp_path: Path) -> None:
    # Patient p-old was merged into p-new (Patient.link replaced-by / replaces, FHIR R4
    # link-type); its Tg and I-131 are still filed under it. They were a patient of their
    # own (refused by the importer as a replaced record) and p-new's case lacked them.
    data = orjson.loads((Path(__file__).parents[1] / "fhir/data/merged-patient.json").read_bytes())
    by_type: dict[str, list[Any]] = {}
    for item in data["entry"]:
        by_type.setdefault(item["resource"]["resourceType"], []).append(item["resource"])
    _bulk(tmp_path / "bulk", by_type)
    plan = sources.plan(tmp_path / "bulk", 100, tmp_path / "work")
    assert plan.records == 1  # one person
    groups = dict(kv for chunk in plan.chunks for kv in sources.bucket_patients(chunk))
    assert list(groups) == ["Patient/p-new"]
    ids = sorted(orjson.loads(line)["id"] for line in groups["Patient/p-new"])
    assert ids == ["c1", "p-new", "p-old", "rai-old", "tg-new", "tg-old"]
    report = run_cohort(tmp_path / "bulk", tmp_path / "out", workers=1, today=TODAY)
    assert (report.rows, report.errors) == (1, 0), read_errors(tmp_path / "out")
    assert set(read_rows(tmp_path / "out")) == {"p-new"}


@pytest.mark.parametrize(
    ("links", "kept"),
    [
        # the replaced record says where it went
        ({"p1": [("replaced-by", "p2")]}, {"Patient/p1": "Patient/p2"}),
        # the record kept says what it replaces
        ({"p2": [("replaces", "p1")]}, {"Patient/p1": "Patient/p2"}),
        # a chain: p1 into p2, p2 into p3
        (
            {"p1": [("replaced-by", "p2")], "p2": [("replaced-by", "p3")]},
            {"Patient/p1": "Patient/p3", "Patient/p2": "Patient/p3"},
        ),
        # seealso and refer are no merge: each record stays apart
        ({"p1": [("seealso", "p2"), ("refer", "p3")]}, {}),
    ],
)
def test_merged_records(tmp_path: Path, links: dict[str, list[tuple[str, str]]], kept: Any) -> None:
    patients = [
        {
            "resourceType": "Patient",
            "id": pid,
            "link": [{"other": {"reference": f"Patient/{o}"}, "type": t} for t, o in said],
        }
        for pid, said in links.items()
    ]
    _bulk(tmp_path / "bulk", {"Patient": patients})
    assert sources.merged_records([tmp_path / "bulk" / "Patient.ndjson"]) == kept
