"""The rules loader refuses a broken rule set with an error naming what is wrong.

(tests/test_rules_data.py checks the same outside the domain suite; these run with the
domain tests, so `make mutation` sees them.)
"""

from __future__ import annotations

import tomllib
from decimal import Decimal

import pytest

from thyref.domain.rules import load_rules, parse_rules, rules_text
from thyref.errors import RulesError

TEXT = rules_text("tuthyref-2021")


def _with(old: str, new: str) -> str:
    assert old in TEXT
    return TEXT.replace(old, new, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # a criterion citing a source [sources] does not define
        (
            _with('ATC-ALWAYS = ["SEED", "TUTHYREF"]', 'ATC-ALWAYS = ["SEED", "NOPE", "ZZZ"]'),
            "rules tuthyref-2021: undefined sources NOPE, ZZZ",
        ),
        # the RECIST, Miyauchi and ATA-MTC sources are checked too
        (_with('source = "RECIST11"', 'source = "NOPE"'), "undefined sources NOPE"),
        (_with('source = "MIYAUCHI2011"', 'source = "NOPE"'), "undefined sources NOPE"),
        (_with('source = "ATA-MTC2015"', 'source = "NOPE"'), "undefined sources NOPE"),
        (_with('sources = ["MIYAUCHI2011"]', 'sources = ["NOPE"]'), "undefined sources NOPE"),
        (
            _with('sources_definition = ["SEED", "TUTHYREF"]', 'sources_definition = ["NOPE"]'),
            "undefined sources NOPE",
        ),
        (_with('RCP-NATIONAL = ["SEED"]', 'RCP-NATIONAL = ["NOPE"]'), "undefined sources NOPE"),
        # a targeted row or a redifferentiation gene naming a missing drug group
        (
            _with('drugs = "ntrk"', 'drugs = "nope"'),
            "rules tuthyref-2021: undefined drug groups nope",
        ),
        (
            _with('BRAF = "redifferentiation_braf"', 'BRAF = "nope"'),
            "undefined drug groups nope",
        ),
        # not TOML, or a field of the wrong type
        ("id = ", "invalid rules file"),
        (_with("max_targets = 5", 'max_targets = "five"'), "invalid rules file"),
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
    raw = tomllib.loads(TEXT)
    assert rules.id == raw["id"] == "tuthyref-2021"
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
