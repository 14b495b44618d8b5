"""The shared worked examples (../shared/examples) through a cohort run.

Each `cases/*.json` is `{"case": ..., "expect": ...}`, with expectations written from the
spec; `invalid/*.json` name the problem paths (`error_paths`). One NDJSON of all of
them goes through `thyref cohort run`: each row must meet its example's expectations, each
invalid case must land in the errors with those paths, and the run must not stop.
"""

from __future__ import annotations

import os
import pathlib
from datetime import date
from typing import Any

import orjson
import pytest

from thyref.cohort.runner import run_cohort

from .support import read_errors, read_rows

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / ".." / "shared" / "examples"

if not EXAMPLES.is_dir() and os.environ.get("CI") != "true":
    pytest.skip(f"shared examples not found at {EXAMPLES}", allow_module_level=True)


def _load(folder: str) -> list[dict[str, Any]]:
    return [orjson.loads(p.read_bytes()) for p in sorted((EXAMPLES / folder).glob("*.json"))]


def test_worked_examples_in_one_cohort(tmp_path: pathlib.Path) -> None:
    cases, invalid = _load("cases"), _load("invalid")
    assert cases and invalid
    source = tmp_path / "examples.ndjson"
    source.write_bytes(b"".join(orjson.dumps(h["case"]) + b"\n" for h in cases + invalid))
    run_cohort(source, tmp_path / "out", workers=2, chunk_size=3, today=date.today())
    rows = read_rows(tmp_path / "out")
    assert set(rows) == {h["case"]["id"] for h in cases}
    for h in cases:
        e, row = h["expect"], rows[h["case"]["id"]]
        assert row["status"] == e["status"], h["case"]["id"]
        assert row["criteria"] == e.get("criteria", []), h["case"]["id"]
        if "missing" in e:
            assert sorted(set(row["missing_data"])) == sorted(e["missing"])
        if "cumulative_gbq" in e:
            assert row["cumulative_gbq"] == pytest.approx(e["cumulative_gbq"], abs=0.011)
        if "recist" in e:
            assert row["recist_latest"] == (e["recist"][-1] if e["recist"] else None)
        if "best" in e:
            assert row["recist_best"] == e["best"]
        for option in e.get("recs_include", []):
            assert option in row["options"], (h["case"]["id"], option)
        for option in e.get("recs_exclude", []):
            assert option not in row["options"], (h["case"]["id"], option)
    errors = {entry["patient_id"]: entry for entry in read_errors(tmp_path / "out")}
    for h in invalid:
        paths = {p["path"] for p in errors[h["case"]["id"]]["problems"]}
        assert set(h["expect"]["error_paths"]) <= paths, h["case"]["id"]
