"""The core's output, byte for byte, against references written before the speed work.

``data/golden_outputs.jsonl.gz`` (made by ``tests/domain/golden.py`` from the code before
issue 13's speed changes) holds, per input: the CLI's JSON text in French and English for
every definition of refractory disease, or every problem (path, message, code, French and
English sentences). The inputs: the shared worked examples, the demo cases, 300 synthetic
cases and 60 deliberately broken variants. Any difference in a character fails here.
"""

from __future__ import annotations

import gzip
import json
from typing import Any

import pytest

from .golden import GOLDEN, outputs


def _rows() -> list[dict[str, Any]]:
    with gzip.open(GOLDEN, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


ROWS = _rows()


def test_reference_covers_every_kind_of_input() -> None:
    kinds = {row["name"].split("/")[0] for row in ROWS}
    # worked examples, demo cases, synthetic cases, broken variants and non-JSON text
    assert {"cases", "invalid", "demo", "synth", "synth-bad", "format"} <= kinds
    assert sum(1 for row in ROWS if row["name"].startswith("synth/")) == 300


@pytest.mark.parametrize(
    "row", [r for r in ROWS if "input" in r], ids=[r["name"] for r in ROWS if "input" in r]
)
def test_output_is_byte_identical(row: dict[str, Any]) -> None:
    got = outputs(row["input"], row["full"])
    assert got.keys() == row["out"].keys()
    for key, expected in row["out"].items():
        assert got[key] == expected, f"{row['name']} {key}"


@pytest.mark.parametrize(
    "row", [r for r in ROWS if "text" in r], ids=[r["name"] for r in ROWS if "text" in r]
)
def testformat_errors_are_unchanged(row: dict[str, Any]) -> None:
    from .golden import format_error

    assert format_error(row["text"]) == row["out"]
