"""The rules loader refuses a broken rule set with an error naming what is wrong.

(tests/test_rules_data.py checks the same outside the domain suite; these run with the
domain tests, so `make mutation` sees them.)
"""

from __future__ import annotations

import copy
import json
import tomllib
from decimal import Decimal
from typing import Any

import pytest

from thyref.domain.rules import load_rules, parse_rules, rules_text
from thyref.errors import RulesError

TEXT = rules_text("tuthyref-2021")
DATA: dict[str, Any] = tomllib.loads(TEXT)


def _toml(data: dict[str, Any]) -> str:
    """TOML text for `data` (one inline value per top-level key; JSON strings are TOML)."""

    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int | float):
            return repr(v)
        if isinstance(v, str):
            return json.dumps(v)
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return "{" + ", ".join(f"{json.dumps(k)} = {value(x)}" for k, x in v.items()) + "}"

    return "".join(f"{json.dumps(k)} = {value(v)}\n" for k, v in data.items())


def _with(*path: str | int, value: Any) -> str:
    """The shipped rule set with one value changed (whatever the file's layout)."""
    data = copy.deepcopy(DATA)
    node: Any = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return _toml(data)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # a criterion citing a source [sources] does not define
        (
            _with("refractoriness", "criteria", "ATC-ALWAYS", value=["SEED", "NOPE", "ZZZ"]),
            "rules tuthyref-2021: undefined sources NOPE, ZZZ",
        ),
        # the RECIST, Miyauchi and ATA-MTC sources are checked too
        (_with("recist", "source", value="NOPE"), "undefined sources NOPE"),
        (
            _with("kinetics", "bands", "thyroglobulin", "source", value="NOPE"),
            "undefined sources NOPE",
        ),
        (_with("kinetics", "bands", "mtc", "source", value="NOPE"), "undefined sources NOPE"),
        (_with("kinetics", "sources", value=["NOPE"]), "undefined sources NOPE"),
        (
            _with("refractoriness", "sources_definition", value=["NOPE"]),
            "undefined sources NOPE",
        ),
        (
            _with("options", "sources", "RCP-NATIONAL", value=["NOPE"]),
            "undefined sources NOPE",
        ),
        # a targeted row or a redifferentiation gene naming a missing drug group
        (
            _with("targeted", 3, "drugs", value="nope"),
            "rules tuthyref-2021: undefined drug groups nope",
        ),
        (
            _with("options", "redifferentiation_drugs", "BRAF", value="nope"),
            "undefined drug groups nope",
        ),
        # not TOML, or a field of the wrong type
        ("id = ", "invalid rules file"),
        (_with("recist", "max_targets", value="five"), "invalid rules file"),
    ],
)
def test_broken_rule_sets_are_refused(text: str, message: str) -> None:
    with pytest.raises(RulesError) as info:
        parse_rules(text)
    assert message in str(info.value)


def test_unknown_rule_set() -> None:
    with pytest.raises(RulesError, match="no rule set named 'nope'"):
        rules_text("nope")


def test_the_shipped_rule_set_loads_as_written() -> None:
    rules = load_rules()
    assert rules is load_rules()  # read once
    # the default named or not is one rule set, one object (definitions and their cached
    # sentences are looked up by identity)
    assert rules is load_rules("tuthyref-2021")
    assert rules.id == DATA["id"] == "tuthyref-2021"
    assert rules.option_sources("LOCAL-TREATMENT") == ["SEED", "ATA2015"]
    assert rules.option_sources("NO-SUCH-OPTION") == []
    assert rules.criterion_sources("DTC-CUMULATIVE-ACTIVITY") == ["SEED", "TUTHYREF"]
    assert rules.criterion_sources("NO-SUCH-CRITERION") == []
    assert rules.drug_names("ntrk") == ["larotrectinib", "entrectinib"]
    canonical, factors = rules.lab_units()["thyroglobulin"]
    assert canonical == "ng/mL"
    # a factor of 1 is None (no conversion), others exact decimals
    assert factors == {
        "ng/mL": None,
        "ug/L": None,
        "pg/mL": Decimal("0.001"),
        "ng/L": Decimal("0.001"),
    }
