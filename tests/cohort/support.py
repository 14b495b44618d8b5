"""Shared helpers for the cohort tests: generated inputs and the single-case reference.

The reference row of a patient is read from ``thyref.domain.assess`` (what ``thyref
assess --format json`` prints) and from the case itself, field by field as the issue
lists them; it never goes through ``thyref.cohort.record``.
"""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import orjson

from thyref.domain import assess, load_case
from thyref.synth import synth_cases


def write_ndjson(path: Path, n: int, seed: int, extra: list[bytes] | None = None) -> list[bytes]:
    """``n`` generated cases (and any ``extra`` raw lines at the end); returns the lines."""
    lines = [orjson.dumps(case) for case in synth_cases(n, seed)]
    lines += extra or []
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    return lines


def expected_row(line: bytes, today: date) -> dict[str, Any]:
    """The row a cohort must hold for this case: the single-case assessment's figures."""
    case = orjson.loads(line)
    out = assess(load_case(line, today=today), today=today).to_json()
    recist = out["recist"]
    timepoints = recist["timepoints"] if recist else []
    kinetics = out["kinetics"]
    return {
        "patient_id": case["id"],
        "histology": case["diagnosis"]["histology"],
        "category": out["refractory"]["category"],
        "diagnosis_date": date.fromisoformat(case["diagnosis"]["date"]),
        "diagnosis_year": int(case["diagnosis"]["date"][:4]),
        "extent": out["refractory"]["extent"],
        "status": out["refractory"]["status"],
        "criteria": out["refractory"]["criteria_met"],
        "missing_data": out["refractory"]["missing_data"],
        "cumulative_gbq": out["rai"]["cumulative_gbq"],
        "rai_administrations": out["rai"]["administrations"],
        "recist_latest": timepoints[-1]["overall_response"] if timepoints else None,
        "recist_latest_date": (date.fromisoformat(timepoints[-1]["date"]) if timepoints else None),
        "recist_best": recist["best_overall_response"] if recist else None,
        "tg_doubling_days": kinetics["thyroglobulin"]["doubling_time_days"],
        "tg_status": kinetics["thyroglobulin"]["status"],
        "calcitonin_doubling_days": kinetics["calcitonin"]["doubling_time_days"],
        "calcitonin_status": kinetics["calcitonin"]["status"],
        "cea_doubling_days": kinetics["cea"]["doubling_time_days"],
        "cea_status": kinetics["cea"]["status"],
        "options": [r["id"] for r in out["recommendations"]],
        "engine_version": out["engine"]["version"],
        "rules_version": out["engine"]["rules"],
    }


def read_rows(folder: Path) -> dict[str, dict[str, Any]]:
    """Every output row of a run folder, by patient id."""
    import pyarrow.parquet as pq

    rows: dict[str, dict[str, Any]] = {}
    for part in sorted((folder / "patients").glob("*.parquet")):
        for row in pq.read_table(part).to_pylist():
            assert row["patient_id"] not in rows, f"{row['patient_id']} written twice"
            rows[row["patient_id"]] = row
    return rows


def read_errors(folder: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in (folder / "errors.ndjson").read_bytes().splitlines()]


def assert_same_as_single_case(folder: Path, lines: list[bytes], today: date) -> None:
    rows = read_rows(folder)
    assert len(rows) == len(lines)
    for line in lines:
        want = expected_row(line, today)
        got = rows[want["patient_id"]]
        for key, value in want.items():
            assert got[key] == value, f"{want['patient_id']}.{key}: {got[key]!r} != {value!r}"


def cohort_command(source: Path, out: Path, workers: int) -> list[str]:
    """``thyref cohort run`` of ``source`` in chunks of 20, without a progress bar."""
    thyref = Path(sys.executable).parent / "thyref"
    return [str(thyref), "cohort", "run", str(source), "--out", str(out), "--workers",
            str(workers), "--chunk-size", "20", "--no-progress"]  # fmt: skip


def start_and_wait(
    cmd: list[str], out: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """Start ``cmd`` (a ``cohort_command``) and return once two chunks are finished
    (listed in the manifest) while the run is still going: ready to be interrupted."""
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    manifest = out / "manifest.ndjson"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if manifest.exists() and manifest.read_bytes().count(b"\n") >= 2:
            break
        time.sleep(0.005)
    assert proc.poll() is None, "the run finished before it could be interrupted"
    return proc
