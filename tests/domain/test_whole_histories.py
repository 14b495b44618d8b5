"""Whole patient histories written blind from the spec (session 10's audit).

`data/whole_histories.jsonl`: 89 cases that cross the spec's sections the way a board sees
a patient (several I-131 courses in mixed units, uptake lost on a later scan, lymph nodes,
non-target progression, markers with antibodies, medullary and anaplastic cancers, both
definitions). Each row's `expect.why` gives the spec sentences and the arithmetic behind
every expected value; the values were written before the engine was run on them.
`data/whole_histories_invalid.jsonl`: 20 inputs the format refuses, with the fields an error
must name. The checks are those of ../shared/tools/check_examples.py, plus each option's
priority, the order of the options (most urgent first) and the kinetics warnings.
"""

from __future__ import annotations

import copy
import json
import pathlib
from datetime import date
from typing import Any

import pytest

from thyref.domain import assess, parse_case
from thyref.errors import CaseValidationError

from .expectations import check_expect

DATA = pathlib.Path(__file__).parent / "data"
# the day the histories were written: "today" for the checks on dates
WRITTEN = date(2026, 11, 29)
URGENCY = {"urgent": 0, "high": 1, "routine": 2}


def _rows(name: str) -> list[dict[str, Any]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines[1:]]  # line 1 says where they come from


CASES = _rows("whole_histories.jsonl")
INVALID = _rows("whole_histories_invalid.jsonl")


def _assess(row: dict[str, Any]) -> dict[str, Any]:
    case = parse_case(copy.deepcopy(row["case"]), today=WRITTEN)
    return assess(case, definition=row.get("definition"), today=WRITTEN).to_json()


@pytest.mark.parametrize("row", CASES, ids=[r["name"] for r in CASES])
def test_whole_history(row: dict[str, Any]) -> None:
    e, out = row["expect"], _assess(row)
    check_expect(out, e)
    for marker, warned in e.get("kin_warn", {}).items():
        assert bool(out["kinetics"][marker]["warnings"]) == warned, marker
    options = {x["id"]: x["priority"] for x in out["recommendations"]}
    for option, priority in e.get("priorities", {}).items():
        assert options[option] == priority, option
    # case-format.md: "Order: most urgent first"
    ranks = [URGENCY[x["priority"]] for x in out["recommendations"]]
    assert ranks == sorted(ranks)


@pytest.mark.parametrize("row", INVALID, ids=[r["name"] for r in INVALID])
def test_refused_input_names_its_fields(row: dict[str, Any]) -> None:
    with pytest.raises(CaseValidationError) as info:
        parse_case(copy.deepcopy(row["case"]), today=WRITTEN)
    # as ../shared/tools/check_examples.py reads it: each field is named in the error text
    said = "\n".join(str(p) for p in info.value.problems)
    assert not [x for x in row["expect"]["error_paths"] if x not in said], said
