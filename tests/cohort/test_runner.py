"""`thyref cohort run` on the local engine: same answers as `thyref assess`, faults, resume."""

from __future__ import annotations

import os
import signal
import subprocess
from datetime import date
from pathlib import Path

import orjson
import pytest

from thyref.cohort.runner import run_cohort
from thyref.cohort.sources import CohortInputError
from thyref.synth import synth_cases

from .support import (
    assert_same_as_single_case,
    cohort_command,
    read_errors,
    read_rows,
    start_and_wait,
    write_ndjson,
)

TODAY = date(2026, 6, 1)


def test_rows_equal_single_case_assessment_with_a_process_pool(tmp_path: Path) -> None:
    source = tmp_path / "cases.ndjson"
    lines = write_ndjson(source, 400, seed=11)
    report = run_cohort(source, tmp_path / "out", workers=2, chunk_size=60, today=TODAY)
    # 400 lines in chunks of 60: 7 chunks, the last one with 40
    assert (report.chunks, report.rows, report.errors) == (7, 400, 0)
    assert_same_as_single_case(tmp_path / "out", lines, TODAY)
    assert sorted(p.name for p in (tmp_path / "out" / "patients").iterdir()) == [
        f"part-{k:05d}.parquet" for k in range(7)
    ]


def test_folder_of_case_files(tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    lines = []
    for i, case in enumerate(synth_cases(30, seed=5)):
        line = orjson.dumps(case)
        # the ending in any case: "*.JSON" files were ignored
        (folder / f"{case['id']}{'.JSON' if i % 2 else '.json'}").write_bytes(line)
        lines.append(line)
    (folder / "broken.json").write_bytes(b'{"format": "thyref-case/1", "id": ')
    report = run_cohort(folder, tmp_path / "out", workers=1, chunk_size=8, today=TODAY)
    # 31 files in chunks of 8: 4 chunks; the broken file is the only error
    assert (report.chunks, report.rows, report.errors) == (4, 30, 1)
    assert_same_as_single_case(tmp_path / "out", lines, TODAY)
    assert read_errors(tmp_path / "out")[0]["source"] == "broken.json"


BAD_LINES = [
    # not JSON at all
    b"this is not json",
    # a line cut in the middle (a truncated export)
    b'{"format": "thyref-case/1", "id": "cut-1", "diagnosis": {"histol',
    # JSON, but not an object
    b"[1, 2, 3]",
    # an unknown histology and a negative activity: both problems, with their paths
    b'{"format": "thyref-case/1", "id": "bad-2", "diagnosis": {"histology": "papilary",'
    b' "date": "2020-01-01"}, "rai": [{"date": "2020-03-01", "activity": -1, "unit": "GBq"}]}',
    # a measurement of an undeclared lesion
    b'{"format": "thyref-case/1", "id": "bad-3", "diagnosis": {"histology": "follicular",'
    b' "date": "2020-01-01"}, "lesions": [{"id": "L1", "site": "lung"}],'
    b' "imaging": [{"date": "2020-02-01", "measurements": {"L9": 12}}]}',
]


def test_malformed_lines_are_reported_and_never_stop_the_run(tmp_path: Path) -> None:
    source = tmp_path / "cases.ndjson"
    good = write_ndjson(source, 50, seed=2)
    # bad lines in the middle of the file, plus a blank line (skipped, not an error)
    raw = source.read_bytes().splitlines()
    mixed = raw[:20] + BAD_LINES[:3] + [b""] + raw[20:] + BAD_LINES[3:]
    source.write_bytes(b"\n".join(mixed) + b"\n")
    report = run_cohort(source, tmp_path / "out", workers=2, chunk_size=16, today=TODAY, lang="en")
    assert (report.rows, report.errors) == (50, 5)
    assert_same_as_single_case(tmp_path / "out", good, TODAY)
    errors = {e["source"]: e for e in read_errors(tmp_path / "out")}
    # 1-based line numbers: 20 good lines, bad 21-23, blank 24, good 25-54, bad 55-56
    said = errors["cases.ndjson:21"]["problems"][0]
    assert said["message"].startswith("the text is not valid JSON") and said["code"] == "not_json"
    assert errors["cases.ndjson:22"]["patient_id"] is None
    said = errors["cases.ndjson:23"]["problems"][0]
    assert said["message"].startswith("a case must be a JSON object")
    assert said["code"] == "not_object"
    bad2 = errors["cases.ndjson:55"]
    assert bad2["patient_id"] == "bad-2"
    assert {p["path"] for p in bad2["problems"]} == {"diagnosis.histology", "rai[0].activity"}
    bad3 = errors["cases.ndjson:56"]
    assert [p["path"] for p in bad3["problems"]] == ["imaging[0].measurements.L9"]


def _parts(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in (folder / "patients").glob("*.parquet")}


def test_resume_from_a_partial_output_redoes_only_missing_chunks(tmp_path: Path) -> None:
    source = tmp_path / "cases.ndjson"
    lines = write_ndjson(source, 120, seed=4)
    out = tmp_path / "out"
    run_cohort(source, out, workers=1, chunk_size=20, today=TODAY)  # 6 chunks
    # simulate an interruption: the last two chunks never reached the manifest, one of
    # them left a temporary part, and the manifest ends with a half-written line
    manifest = (out / "manifest.ndjson").read_bytes().splitlines()
    kept = [line for line in manifest if orjson.loads(line)["chunk"] < 4]
    (out / "manifest.ndjson").write_bytes(b"\n".join(kept) + b'\n{"chunk": 4, "ro')
    (out / "patients" / "part-00005.parquet").unlink()
    (out / "patients" / "part-00005.parquet.tmp").write_bytes(b"partial")
    (out / "errors.ndjson").unlink()
    before = _parts(out)
    report = run_cohort(source, out, workers=1, chunk_size=20, today=date(2030, 1, 1))
    assert (report.chunks, report.skipped, report.rows) == (6, 4, 120)
    after = _parts(out)
    # the four finished parts were not rewritten; 4 (present, unlisted) and 5 were redone
    assert all(after[f"part-{k:05d}.parquet"] == before[f"part-{k:05d}.parquet"] for k in range(4))
    assert not list((out / "patients").glob("*.tmp"))
    # the resumed chunks use the first run's as-of date, not the new one
    assert_same_as_single_case(out, lines, TODAY)
    assert (out / "errors.ndjson").exists()


def test_interrupted_process_resumes_without_redoing_finished_chunks(tmp_path: Path) -> None:
    source = tmp_path / "cases.ndjson"
    # 150 chunks: far more work than the time it takes to see two of them finish
    lines = write_ndjson(source, 3000, seed=8)
    out = tmp_path / "out"
    manifest = out / "manifest.ndjson"
    cmd = cohort_command(source, out, workers=1)
    proc = start_and_wait(cmd, out)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    finished = manifest.read_bytes().count(b"\n")
    assert 2 <= finished < 150
    done = subprocess.run(cmd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    entries = [orjson.loads(line) for line in manifest.read_bytes().splitlines()]
    # every chunk listed exactly once: nothing finished before the kill was redone
    assert sorted(e["chunk"] for e in entries) == list(range(150))
    run_day = date.fromisoformat(orjson.loads((out / "run.json").read_bytes())["as_of"])
    assert_same_as_single_case(out, lines, run_day)


def test_another_input_in_the_same_folder_needs_restart(tmp_path: Path) -> None:
    first, second = tmp_path / "a.ndjson", tmp_path / "b.ndjson"
    write_ndjson(first, 5, seed=1)
    write_ndjson(second, 7, seed=2)
    run_cohort(first, tmp_path / "out", workers=1, today=TODAY)
    with pytest.raises(CohortInputError, match="--restart"):
        run_cohort(second, tmp_path / "out", workers=1, today=TODAY)
    report = run_cohort(second, tmp_path / "out", workers=1, restart=True, today=TODAY)
    assert report.rows == 7
    assert len(read_rows(tmp_path / "out")) == 7


def test_changed_input_is_not_mixed_with_earlier_parts(tmp_path: Path) -> None:
    source = tmp_path / "cases.ndjson"
    write_ndjson(source, 10, seed=1)
    run_cohort(source, tmp_path / "out", workers=1, today=TODAY)
    write_ndjson(source, 12, seed=1)
    with pytest.raises(CohortInputError, match="changed"):
        run_cohort(source, tmp_path / "out", workers=1, today=TODAY)


def test_missing_input_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CohortInputError, match="no such file"):
        run_cohort(tmp_path / "nope.ndjson", tmp_path / "out", workers=1)


BOM = b"\xef\xbb\xbf"


def test_a_byte_order_mark_does_not_reject_a_patient(tmp_path: Path) -> None:
    # Editors and spreadsheet exports on Windows start files with a UTF-8 byte order mark.
    # `thyref assess` reads such a file (Python's json decodes bytes as utf-8-sig), and
    # RFC 8259 section 8.1 lets parsers ignore the mark: the run must not reject the first
    # patient of the file for it (it did: "BOM is not supported"), nor a case file.
    source = tmp_path / "cases.ndjson"
    lines = write_ndjson(source, 3, seed=6)
    source.write_bytes(BOM + source.read_bytes())
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "a.json").write_bytes(BOM + lines[0])
    for kind, given in (("ndjson", source), ("folder", folder)):
        report = run_cohort(given, tmp_path / kind, workers=1, today=TODAY)
        assert report.errors == 0, read_errors(tmp_path / kind)
        assert_same_as_single_case(tmp_path / kind, lines if kind == "ndjson" else lines[:1], TODAY)


def test_an_empty_case_file_is_an_error_not_a_lost_patient(tmp_path: Path) -> None:
    # Every file of the folder is a patient (the plan counts it): an empty (or blank) file
    # must be listed in the errors. It vanished: neither a row nor an error, so the
    # progress total and the output disagreed and the registry lost track of a record.
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "empty.json").write_bytes(b"")
    (folder / "blank.json").write_bytes(b" \n")
    report = run_cohort(folder, tmp_path / "out", workers=1, today=TODAY, lang="en")
    assert (report.rows, report.errors) == (0, 2)
    said = {e["source"]: e["problems"][0]["message"] for e in read_errors(tmp_path / "out")}
    assert said == {"blank.json": "empty file", "empty.json": "empty file"}


def test_a_case_file_that_cannot_be_read_is_an_error_not_the_end_of_the_run(
    tmp_path: Path,
) -> None:
    # a file listed by the plan and gone (or unreadable) when its chunk runs: an OSError
    # stopped the whole run ("a bad record never stops the run"); now a rejected record
    from thyref.cohort.runner import process_chunk
    from thyref.cohort.sources import Chunk

    folder = tmp_path / "cases"
    folder.mkdir()
    good = next(iter(synth_cases(1, seed=5)))
    (folder / "ok.json").write_bytes(orjson.dumps(good))
    chunk = Chunk(0, "files", str(folder), files=("gone.json", "ok.json"))
    out = tmp_path / "out"
    (out / "patients").mkdir(parents=True)
    (out / "errors").mkdir()
    done = process_chunk(chunk, str(out), TODAY.isoformat())
    assert (done.rows, done.errors) == (1, 1)
    import pyarrow.parquet as pq

    errors = pq.read_table(out / "errors" / "part-00000.parquet").to_pylist()
    said = {e["source"]: e["problems"][0]["message"] for e in errors}
    assert said == {"gone.json": "cannot read the file: No such file or directory"}


def test_records_sharing_a_patient_id_are_set_aside_not_counted_twice(tmp_path: Path) -> None:
    # The output is one row per patient (issue 13), and the summary counts rows as
    # patients: two records with one id were two rows, the patient counted twice. Which
    # record is right cannot be told (never a guess), so every record of that id goes to
    # the errors, each naming the others; here in two chunks, so no worker sees both.
    source = tmp_path / "cases.ndjson"
    lines = write_ndjson(source, 6, seed=9)
    source.write_bytes(source.read_bytes() + lines[1] + b"\n")  # line 7 repeats line 2
    out = tmp_path / "out"
    report = run_cohort(source, out, workers=2, chunk_size=4, today=TODAY)
    assert (report.rows, report.errors) == (5, 2)
    rows = read_rows(out)  # fails on an id written twice
    twice = orjson.loads(lines[1])["id"]
    assert twice not in rows and len(rows) == 5
    errors = {e["source"]: e for e in read_errors(out)}
    assert set(errors) == {"cases.ndjson:2", "cases.ndjson:7"}
    for here, there in (("cases.ndjson:2", "cases.ndjson:7"), ("cases.ndjson:7", "cases.ndjson:2")):
        assert errors[here]["patient_id"] == twice
        [problem] = errors[here]["problems"]
        assert problem["path"] == "id" and there in problem["message"]
    # a rerun of the finished run changes nothing and says the same
    again = run_cohort(source, out, workers=1, chunk_size=4, today=TODAY)
    assert (again.rows, again.errors) == (5, 2)
    assert len(read_rows(out)) == 5 and len(read_errors(out)) == 2


# a case saved as Latin-1 (a Windows export): "é" is the byte 0xE9, on its first line
LATIN1 = '{"format": "thyref-case/1", "id": "h\xe9l\xe8ne"}'.encode("latin-1")


def _latin1_input(kind: str, folder: Path) -> tuple[Path, str]:
    """An input of ``kind`` holding one Latin-1 record, and that record's source."""
    if kind == "ndjson":
        source = folder / "cases.ndjson"
        write_ndjson(source, 2, seed=3, extra=[LATIN1])
        return source, "cases.ndjson:3"
    source = folder / "in"
    source.mkdir()
    if kind == "folder":
        (source / "helene.json").write_bytes(LATIN1)
        return source, "helene.json"
    (source / "Patient.ndjson").write_bytes(b'{"resourceType": "Patient", "id": "h\xe9"}\n')
    return source, "Patient.ndjson:1"


@pytest.mark.parametrize(
    ("kind", "lang", "said"),
    [
        # a line of an NDJSON file (was "the text is not valid JSON (line 1, column 1)")
        ("ndjson", "en", "the file is not UTF-8 text (byte 0xE9, line 1); save it as UTF-8"),
        # a case file of a folder, in French
        ("folder", "fr", "le fichier n'est pas du texte UTF-8 (octet 0xE9, ligne 1)"),
        # a resource line of a FHIR Bulk Data export
        ("bulk", "en", "the file is not UTF-8 text (byte 0xE9, line 1)"),
    ],
)
def test_a_record_that_is_not_utf8_is_said_so(
    tmp_path: Path, kind: str, lang: str, said: str
) -> None:
    source, where = _latin1_input(kind, tmp_path)
    out = tmp_path / "out"
    report = run_cohort(source, out, workers=1, today=TODAY, lang=lang)  # type: ignore[arg-type]
    assert report.errors == 1
    (entry,) = read_errors(out)
    assert entry["source"] == where
    (found,) = entry["problems"]
    assert found["code"] == "not_utf8"
    assert found["message"].startswith(said), found["message"]
