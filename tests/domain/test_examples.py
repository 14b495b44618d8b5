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
from .expectations import check_expect

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
    check_expect(out, e)


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
