"""The shared worked examples (../shared/examples), through the domain facade.

`cases/*.json` are `{"case": ..., "expect": ...}` with the status, criteria, cumulative
activity, RECIST responses, sums, targets, kinetics and options that must (or must not)
appear; `invalid/*.json` list the problem paths (`error_paths`). Hand checks of the
expectations against the spec are in the comments of the other test files (e.g. the
calcitonin doubling time of ex-mtc-calcitonin, 564.5 days, is the least-squares fit of
ln(210, 260, 330, 400, 520) on days 0, 181, 365, 547, 731).
"""

from __future__ import annotations

import json
import pathlib
from typing import Any

import pytest

from prereq import require_shared
from thyref.errors import CaseValidationError

from .conftest import rec_ids, run

EXAMPLES = require_shared("examples", module=True)

# cases/, the clarified rules of issue 7 (pending/) and definitions side by side
CASES = sorted(
    p for folder in ("cases", "pending", "definitions") for p in (EXAMPLES / folder).glob("*.json")
)
INVALID = sorted((EXAMPLES / "invalid").glob("*.json"))


def _load(path: pathlib.Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case_example(path: pathlib.Path) -> None:
    h = _load(path)
    e = h["expect"]
    out = run(h["case"])
    assert out["case_id"] == h["case"]["id"]
    r = out["refractory"]
    assert r["status"] == e["status"]
    assert r["criteria_met"] == e.get("criteria", [])
    if "missing" in e:
        assert sorted(set(r["missing_data"])) == sorted(e["missing"])
    if "cumulative_gbq" in e:
        assert out["rai"]["cumulative_gbq"] == pytest.approx(e["cumulative_gbq"], abs=0.011)
    recist = out["recist"] or {}
    tps = recist.get("timepoints") or []
    if "recist" in e:
        assert [t["overall_response"] for t in tps] == e["recist"]
    if "sums" in e:
        assert [t["sum_mm"] for t in tps] == pytest.approx(e["sums"], abs=0.05)
    if "targets" in e:
        assert sorted(recist["targets"]) == sorted(e["targets"])
    if "best" in e:
        assert recist["best_overall_response"] == e["best"]
    for marker, k in e.get("kinetics", {}).items():
        got = out["kinetics"][marker]
        assert got["status"] == k["status"], marker
        for field in ("doubling_time_days", "halving_time_days"):
            if k.get(field) is not None:
                assert got[field] == pytest.approx(k[field], rel=0.01), (marker, field)
    for rule_set, d in e.get("definitions", {}).items():
        got = next(x for x in out["definitions"] if x["rule_set"] == rule_set)
        assert got["status"] == d["status"], rule_set
        if "criteria" in d:
            assert got["criteria_met"] == d["criteria"], rule_set
        if "missing" in d:
            assert sorted(set(got["missing_data"])) == sorted(d["missing"]), rule_set
    ids = rec_ids(out)
    for x in e.get("recs_include", []):
        assert x in ids, f"missing {x}: {ids}"
    for x in e.get("recs_exclude", []):
        assert x not in ids, f"unexpected {x}: {ids}"


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case_example_in_english(path: pathlib.Path) -> None:
    # The language changes texts only, never a decision.
    case = _load(path)["case"]
    fr, en = run(case, "fr"), run(case, "en")
    assert fr["refractory"]["status"] == en["refractory"]["status"]
    assert fr["refractory"]["criteria_met"] == en["refractory"]["criteria_met"]
    assert rec_ids(fr) == rec_ids(en)
    assert _decisions(fr["recist"]) == _decisions(en["recist"])
    assert fr["rai"] == en["rai"]


def _decisions(recist: dict | None) -> dict | None:
    """RECIST without its sentences (reasons, warnings), which follow the language."""
    if recist is None:
        return None
    points = [{k: v for k, v in tp.items() if k != "reasons"} for tp in recist["timepoints"]]
    return {**{k: v for k, v in recist.items() if k != "warnings"}, "timepoints": points}


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_example(path: pathlib.Path) -> None:
    from thyref.domain import parse_case

    h = _load(path)
    with pytest.raises(CaseValidationError) as info:
        parse_case(h["case"])
    paths = [p.path for p in info.value.problems]
    for expected in h["expect"]["error_paths"]:
        assert expected in paths, (expected, paths)
