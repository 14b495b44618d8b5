"""Each definition's missing items read back from a stored assessment
(``stored_missing_words``), for the board sheet and the case page's "definitions
compared": the lesions of an unknown uptake named as the reports name them, not "at least
one lesion" (session 14 named them in the reports only).

The output names those lesions for the primary definition alone
(``refractory.missing_data_labels``); the others' are read again from the case the
assessment was made of. The JSON output is not changed (case-format.md lists the keys of
``definitions``; golden outputs unchanged).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from samples import other_definition_unknown_uptake
from thyref.domain import assess, parse_case
from thyref.domain.assessment import stored_missing_words
from thyref.domain.definitions import definition_of
from thyref.domain.messages import Lang
from thyref.domain.refractoriness import unknown_uptake
from thyref.domain.rules import load_rules

# (samples.other_definition_unknown_uptake: ATA 2015 does not know L1 and L3)
CASE = other_definition_unknown_uptake("stored-other-definition")


def _stored(lang: Lang, definition: str | None = None) -> dict[str, Any]:
    return copy.deepcopy(assess(parse_case(CASE), lang, definition=definition).to_json())


def _uptake_words(words: list[tuple[str, str]]) -> str:
    (said,) = [w for code, w in words if code == "lesions.rai_uptake"]
    return said


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        # ATA 2015, not the primary: its own two lesions, from the stored case
        ("en", "I-131 uptake status of lesions L1, L3"),
        ("fr", "Statut de fixation de l'iode 131 des lésions L1, L3"),
    ],
)
def test_another_definition_names_its_lesions(lang: Lang, said: str) -> None:
    stored = _stored(lang)
    assert [d["rule_set"] for d in stored["definitions"]] == ["tuthyref-2021", "ata-2015"]
    primary, ata = stored_missing_words(CASE, stored, lang)
    assert primary == []  # refractory: nothing missing
    assert _uptake_words(ata) == said


def test_the_primary_says_the_stored_words() -> None:
    # ATA 2015 primary: its words are the output's own (missing_data_labels), as stored
    stored = _stored("en", "ata-2015")
    labels = stored["refractory"]["missing_data_labels"]
    labels[0] = "I-131 uptake status of lesions L1, L3 (as written then)"
    words = stored_missing_words(CASE, stored, "en")[0]
    assert _uptake_words(words) == "I-131 uptake status of lesions L1, L3 (as written then)"
    # asked in the other language: read again from the case, in that language
    words = stored_missing_words(CASE, stored, "fr")[0]
    assert _uptake_words(words) == "Statut de fixation de l'iode 131 des lésions L1, L3"


@pytest.mark.parametrize(
    ("change", "said"),
    [
        # the case does not read (a format this version does not know): no lesion to
        # name, the item's general words
        (
            lambda case, stored: case.update(format="thyref-case/9"),
            "I-131 uptake status of at least one lesion",
        ),
        # a rule set this version does not know: the item's code
        (
            lambda case, stored: stored["definitions"][1].update(rule_set="ata-2099"),
            "lesions.rai_uptake",
        ),
    ],
)
def test_what_cannot_be_read_again_is_said_as_before(change: Any, said: str) -> None:
    stored = _stored("en")
    case = copy.deepcopy(CASE)
    change(case, stored)
    assert _uptake_words(stored_missing_words(case, stored, "en")[1]) == said


@pytest.mark.parametrize(
    ("rule_set", "lesions"),
    [
        # TuThyRef reads each lesion's own status (case-format.md: an absent status takes
        # the scan's latest finding): L1 declared "no", L2 "yes" from the scan, L3 unknown;
        # the case's scans are not read again for it
        ("tuthyref-2021", ("L3",)),
        # ATA 2015 reads the scans only, where L2 alone is seen
        ("ata-2015", ("L1", "L3")),
    ],
)
def test_the_lesions_whose_uptake_a_definition_does_not_know(
    rule_set: str, lesions: tuple[str, ...]
) -> None:
    rules = load_rules()
    definition = definition_of(rule_set, rules)
    assert unknown_uptake(parse_case(CASE), definition) == lesions


def test_a_rule_set_not_known_leaves_the_next_definitions_said() -> None:
    # the first definition's rule set unknown (asked in the other language, so its words
    # are read again, not taken from the output): it is said by its codes (none missing
    # here), and ATA 2015 after it still names its lesions
    stored = _stored("en")
    stored["definitions"][0]["rule_set"] = "tuthyref-2099"
    first, ata = stored_missing_words(CASE, stored, "fr")
    assert first == []
    assert _uptake_words(ata) == "Statut de fixation de l'iode 131 des lésions L1, L3"
