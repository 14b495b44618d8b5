"""Reference outputs that pin the core's JSON byte for byte (the speed work of issue 13).

The inputs are the shared worked examples, the demo cases, a few hundred synthetic cases
(``thyref.synth``) and invalid variants of some of them. The reference file
``data/golden_outputs.jsonl.gz`` was written by ``python -m tests.domain.golden`` from the
code BEFORE the speed work, so ``test_golden.py`` fails on any change of output (a JSON
text, a problem path or a problem sentence). It stores each input beside its outputs, so it
does not depend on the synthetic generator staying the same. Regenerate it only for a
deliberate change of output, and say so in the commit.
"""

from __future__ import annotations

import copy
import gzip
import json
import pathlib
import random
from collections.abc import Iterator
from datetime import date
from typing import Any

from thyref.demo import demo_cases
from thyref.domain import assess, load_case, parse_case
from thyref.domain.messages import problem_text
from thyref.domain.rules import definition_ids
from thyref.errors import CaseFormatError, CaseValidationError
from thyref.synth import synth_case

GOLDEN = pathlib.Path(__file__).parent / "data" / "golden_outputs.jsonl.gz"
EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / ".." / "shared" / "examples"
# the day the references were written: validation (future dates) and the output's as_of
# depend on "today", so the comparison runs as on that day
AS_OF = date(2026, 11, 28)
SYNTH_SEED = 2026
SYNTH_COUNT = 300
MUTATED_COUNT = 60


def _mutate(case: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """One deliberate breach of the format (bad value, missing field, unknown reference)."""
    c = copy.deepcopy(case)
    kind = rng.randrange(12)
    if kind == 0:
        del c["diagnosis"]
    elif kind == 1 and c.get("rai"):
        c["rai"][0]["activity"] = -1
    elif kind == 2 and c.get("imaging"):
        c["imaging"][0]["date"] = "2019-02-30"
    elif kind == 3 and c.get("imaging"):
        c["imaging"][-1].setdefault("measurements", {})["ZZ9"] = 12.0
    elif kind == 4 and c.get("labs"):
        c["labs"][0]["value"] = "high"
    elif kind == 5:
        c["unexpected"] = 1
    elif kind == 6 and c.get("labs"):
        c["labs"][0]["unit"] = "furlongs"
    elif kind == 7:
        c["diagnosis"]["histology"] = "squamous"
    elif kind == 8 and c.get("lesions"):
        c["lesions"].append(dict(c["lesions"][0]))
    elif kind == 9:
        c["format"] = "thyref-case/9"
    elif kind == 10 and c.get("rai"):
        c["rai"][0]["unit"] = "Ci"
        c["rai"].append({"date": "1900-01-01", "activity": True, "unit": "GBq"})
    else:
        c["patient"] = {"sex": "x", "birth_year": "1960"}
        c["id"] = ""
    return c


def inputs() -> Iterator[tuple[str, Any]]:
    """(name, raw case) for every reference input, in a fixed order."""
    for folder in ("cases", "pending", "definitions", "invalid"):
        for path in sorted((EXAMPLES / folder).glob("*.json")):
            h = json.loads(path.read_text(encoding="utf-8"))
            yield f"{folder}/{path.stem}", h["case"]
    for case in demo_cases():
        yield f"demo/{case.get('id')}", case
    rng = random.Random(SYNTH_SEED)
    for index in range(SYNTH_COUNT):
        case = synth_case(SYNTH_SEED, index)
        yield f"synth/{index}", case
        if index < MUTATED_COUNT:
            yield f"synth-bad/{index}", _mutate(case, rng)


def outputs(raw: Any, full: bool) -> dict[str, Any]:
    """What the core says about ``raw``: the CLI's JSON text per language and definition,
    or the problems (path, English message, French and English sentences)."""
    try:
        case = parse_case(raw, today=AS_OF)
    except CaseValidationError as exc:
        return {
            "problems": [
                [p.path, p.message, p.code, problem_text(p, "fr"), problem_text(p, "en")]
                for p in exc.problems
            ]
        }
    # load_case from text must agree with parse_case from the object
    again = load_case(json.dumps(raw), today=AS_OF)
    assert again.id == case.id
    out: dict[str, Any] = {}
    langs = ("fr", "en") if full else ("fr",)
    definitions = definition_ids() if full else [None]
    for lang in langs:
        for definition in definitions:
            result = assess(case, lang, definition=definition, today=AS_OF)
            key = f"{lang}/{definition or 'default'}"
            out[key] = json.dumps(result.to_json(), ensure_ascii=False, indent=2)
    return out


def format_error(raw: Any) -> str:
    try:
        load_case(raw, today=AS_OF)
    except (CaseFormatError, CaseValidationError) as exc:
        return str(exc)
    return "accepted"


FORMAT_INPUTS = ["", "[]", "{", "null", '{"format": 1}', "x" * 10]


def generate() -> None:
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(GOLDEN, "wt", encoding="utf-8") as f:
        for name, raw in inputs():
            full = not name.startswith("synth/") or int(name.split("/")[1]) < 40
            row = {"name": name, "input": raw, "full": full, "out": outputs(raw, full)}
            f.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
        for text in FORMAT_INPUTS:
            row = {"name": f"format/{text[:8]}", "text": text, "out": format_error(text)}
            f.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")


if __name__ == "__main__":
    generate()
