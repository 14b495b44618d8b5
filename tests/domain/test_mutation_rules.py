"""The rules loader's checks and look-ups one by one (issue 15, mutants).

Each broken rule set below is the shipped one with one value changed, and the error must
name what is wrong (rules.py's checks: sources defined, the definition's window,
threshold and sources repeating [refractoriness], drug groups defined, ids agreeing).
"""

from __future__ import annotations

import copy
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from thyref import data
from thyref.domain import filecache, rules
from thyref.domain.rules import (
    DEFAULT_RULES,
    definition_ids,
    load_definition,
    load_rules,
    parse_rules,
    rules_text,
)
from thyref.errors import RulesError

from .test_rules_loader import _toml

TEXT = rules_text(DEFAULT_RULES)
DATA: dict[str, Any] = tomllib.loads(TEXT)
ATA_TEXT = rules_text("ata-2015")
ATA: dict[str, Any] = tomllib.loads(ATA_TEXT)


def _changed(base: dict[str, Any], *edits: tuple[tuple[str | int, ...], Any]) -> str:
    """``base`` as TOML with each (path, value) edit applied."""
    changed = copy.deepcopy(base)
    for path, value in edits:
        node: Any = changed
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return _toml(changed)


def _criterion(base: dict[str, Any], criterion_id: str) -> int:
    """The position of a criterion in the [definition] of ``base``."""
    ids = [c["id"] for c in base["definition"]["criteria"]]
    return ids.index(criterion_id)


CUMULATIVE_ID = "DTC-CUMULATIVE-ACTIVITY"
PROGRESSION = _criterion(DATA, "DTC-PROGRESSION-12M")
CUMULATIVE = _criterion(DATA, "DTC-CUMULATIVE-ACTIVITY")
DIFFERENTIATED = [s["category"] for s in DATA["definition"]["scope"]].index("differentiated")
MISSING_WINDOW = [
    m.get("window_months") for m in DATA["definition"]["scope"][DIFFERENTIATED]["missing"]
].index(12)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # the definition cites a source the file does not define
        (
            _changed(
                DATA,
                (("definition", "criteria", CUMULATIVE, "sources"), ["SEED", "NOPE", "AAA"]),
                (
                    ("refractoriness", "criteria", "DTC-CUMULATIVE-ACTIVITY"),
                    ["SEED", "NOPE", "AAA"],
                ),
            ),
            "rules tuthyref-2021: undefined sources AAA, NOPE",
        ),
        # the definition's criterion cites other sources than [refractoriness]
        (
            _changed(DATA, (("definition", "criteria", CUMULATIVE, "sources"), ["SEED"])),
            "rules tuthyref-2021: DTC-CUMULATIVE-ACTIVITY sources differ from [refractoriness]",
        ),
        # the progression window of the definition is not that of [refractoriness]
        (
            _changed(DATA, (("definition", "criteria", PROGRESSION, "window_months"), 13)),
            "rules tuthyref-2021: DTC-PROGRESSION-12M window differs from [refractoriness]",
        ),
        # and the other way round
        (
            _changed(
                DATA,
                (("refractoriness", "progression_window_months"), 13),
                (
                    ("definition", "scope", DIFFERENTIATED, "missing", MISSING_WINDOW),
                    {
                        "item": "imaging_after_rai",
                        "window_months": 13,
                    },
                ),
            ),
            "rules tuthyref-2021: DTC-PROGRESSION-12M window differs from [refractoriness]",
        ),
        # the cumulative threshold of the definition is not that of [refractoriness]
        (
            _changed(DATA, (("definition", "criteria", CUMULATIVE, "threshold_mbq"), "22001")),
            "rules tuthyref-2021: DTC-CUMULATIVE-ACTIVITY threshold differs from [refractoriness]",
        ),
        # the imaging window of the missing data is not the progression window
        (
            _changed(
                DATA,
                (
                    ("definition", "scope", DIFFERENTIATED, "missing", MISSING_WINDOW),
                    {
                        "item": "imaging_after_rai",
                        "window_months": 11,
                    },
                ),
            ),
            "rules tuthyref-2021: imaging_after_rai window differs",
        ),
        # the definition is named after another rule set
        (
            _changed(DATA, (("definition", "id"), "other")),
            "rules tuthyref-2021: its definition is named other",
        ),
        # a scope lists a criterion the definition does not have
        (
            _changed(DATA, (("definition", "scope", 0, "criteria"), ["ATC-ALWAYS", "ZZ", "AA"])),
            "definition tuthyref-2021: unknown criteria ['AA', 'ZZ']",
        ),
        # two drug groups missing: both named, sorted
        (
            _changed(
                DATA,
                (("options", "redifferentiation_drugs", "BRAF"), "zeta"),
                (("targeted", 0, "drugs"), "alpha"),
            ),
            "rules tuthyref-2021: undefined drug groups alpha, zeta",
        ),
    ],
)
def test_inconsistent_rule_sets_are_refused(text: str, message: str) -> None:
    with pytest.raises(RulesError) as info:
        parse_rules(text)
    assert str(info.value) == message


def test_the_invalid_file_message_names_the_cause() -> None:
    with pytest.raises(RulesError) as info:
        parse_rules("id = ")
    assert str(info.value).startswith("invalid rules file: ")
    assert isinstance(info.value.__cause__, tomllib.TOMLDecodeError)
    with pytest.raises(RulesError) as info:
        parse_rules(_changed(DATA, (("recist", "max_targets"), "five")))
    assert str(info.value).startswith("invalid rules file: ") and "max_targets" in str(info.value)


def test_the_shipped_rule_set_passes_its_checks() -> None:
    parsed = parse_rules(TEXT)
    assert parsed.id == "tuthyref-2021"
    assert parsed.refractoriness.progression_window_months == 12  # clinical-rules.md: 12 months
    assert parsed.refractoriness.cumulative_activity_mbq == Decimal(22000)  # 600 mCi, 22 GBq


def test_rules_text_names_a_missing_rule_set() -> None:
    with pytest.raises(RulesError) as info:
        rules_text("nope")
    assert str(info.value) == "no rule set named 'nope'"
    assert isinstance(info.value.__cause__, FileNotFoundError)
    assert rules_text() == data.text("rules", "tuthyref-2021.toml")


# ---------------------------------------------------------------------------------------
# the definitions


def test_definition_ids_primary_first_then_by_name() -> None:
    assert definition_ids() == ["tuthyref-2021", "ata-2015"]
    assert definition_ids("ata-2015") == ["ata-2015", "tuthyref-2021"]
    with pytest.raises(RulesError) as info:
        definition_ids("nope")
    assert str(info.value) == "no rule set named 'nope'; known: ata-2015, tuthyref-2021"


def test_load_definition_of_each_file() -> None:
    load_definition.cache_clear()
    primary = load_definition("tuthyref-2021")
    # a full rules file: its [definition], from the very object every caller of
    # load_rules() holds (load_rules() and load_rules(id) are two entries of its cache:
    # taking the second read and held the default rules twice in a process)
    assert primary is load_rules().definition
    ata = load_definition("ata-2015")
    assert ata.id == "ata-2015" and ata.reads_scans is True
    assert ata.counting_scans.min_tsh_mu_l == Decimal(30)  # ATA 2015 R53B: TSH above 30


def test_definition_look_ups() -> None:
    definition = load_rules().definition
    assert definition.criterion("DTC-PROGRESSION-12M").window_months == 12
    assert sorted(definition.criteria_by_id()) == sorted(
        [
            "DTC-NO-UPTAKE",
            "DTC-PROGRESSION-12M",
            "DTC-CUMULATIVE-ACTIVITY",
            "ATC-ALWAYS",
            "MTC-ADVANCED",
        ]
    )
    medullary = definition.scope_of("medullary")
    assert medullary is not None and medullary.criteria == ["MTC-ADVANCED"]
    assert definition.scope_of("nope") is None
    with pytest.raises(KeyError):
        definition.criterion("NOPE")
    # a copy is indexed on its own (the index is by object, not by value)
    other = definition.model_copy(update={"criteria": definition.criteria[:1]})
    assert list(other.criteria_by_id()) == [definition.criteria[0].id]
    assert len(definition.criteria_by_id()) == 5


def _definition_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> str:
    """A rules folder holding the shipped files and ``broken.toml``; its definition id."""
    folder = tmp_path / "rules"
    folder.mkdir()
    original = data.text

    def text_of(*parts: str) -> str:
        if parts == ("rules", "broken.toml"):
            return text
        return original(*parts)

    monkeypatch.setattr(data, "text", text_of)
    monkeypatch.setenv(filecache.CACHE_ENV, "")
    load_definition.cache_clear()
    return "broken"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # not TOML
        ("id = ", "invalid rules file broken: "),
        # a definition file missing its [sources]
        (
            _toml({k: v for k, v in ATA.items() if k != "sources"}),
            "invalid rules file broken: ",
        ),
        # the definition named after another file
        (
            _changed(ATA, (("definition", "id"), "other")),
            "rules ata-2015: its definition is named other",
        ),
        # a source the file does not define
        (
            _changed(
                ATA, (("definition", "counting_scans", "sources"), ["ZZ", "ATA2015-R91", "AA"])
            ),
            "definition ata-2015: undefined sources AA, ZZ",
        ),
    ],
)
def test_broken_definition_files_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, message: str
) -> None:
    name = _definition_file(tmp_path, monkeypatch, text)
    try:
        with pytest.raises(RulesError) as info:
            load_definition(name)
        assert str(info.value).startswith(message)
        if message.startswith("invalid"):
            assert info.value.__cause__ is not None
    finally:
        load_definition.cache_clear()


def test_a_full_rules_file_read_as_a_definition(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a file with [refractoriness] is a whole rule set: its definition comes from it
    name = _definition_file(tmp_path, monkeypatch, TEXT)
    seen: list[str] = []
    real = rules.load_rules

    def spy(rules_id: str = DEFAULT_RULES) -> rules.Rules:
        seen.append(rules_id)
        return real(DEFAULT_RULES)

    monkeypatch.setattr(rules, "load_rules", spy)
    try:
        assert load_definition(name).id == "tuthyref-2021"
        assert seen == ["broken"]
    finally:
        load_definition.cache_clear()


def test_lab_units_are_computed_once() -> None:
    parsed = parse_rules(TEXT)
    first = parsed.lab_units()
    assert parsed.lab_units() is first
    assert first["tsh"][0] == parsed.labs["tsh"].canonical


def test_the_index_of_a_definition_is_built_once() -> None:
    # criteria_by_id() is shared (its docstring): the same dictionary at every call
    definition = parse_rules(TEXT).definition
    first = definition.criteria_by_id()
    assert definition.criteria_by_id() is first
    assert definition.criterion("ATC-ALWAYS") is first["ATC-ALWAYS"]
