"""What the case page asks to complete (`uptake_view.missing_actions`): the page's own
wording, with the numbers of the definition that reported the item."""

from __future__ import annotations

from typing import Any

import pytest

from thyref.web.i18n import Translator
from thyref.web.uptake_view import missing_actions


def _assessment(rule_set: str | None, items: list[str]) -> dict[str, Any]:
    a: dict[str, Any] = {"refractory": {"missing_data": items}, "engine": {"rules": rule_set}}
    if rule_set is not None:
        a["definitions"] = [{"rule_set": rule_set, "primary": True, "missing_data": items}]
    return a


@pytest.mark.parametrize(
    ("rule_set", "item", "lang", "said"),
    [
        # TuThyRef asks for imaging within its 12-month window (the page's wording)
        (
            "tuthyref-2021",
            "imaging_after_rai",
            "en",
            "Add imaging within 12 months after the latest I-131 administration.",
        ),
        (
            "tuthyref-2021",
            "imaging_after_rai",
            "fr",
            "Ajouter une imagerie dans les 12 mois suivant la dernière administration d'iode 131.",
        ),
        # ATA 2015 has no window: the page must not say "12 months"
        (
            "ata-2015",
            "imaging_after_rai",
            "en",
            "Add imaging after the latest I-131 administration.",
        ),
        # no page wording for this item: the engine's label, with the definition's TSH
        (
            "ata-2015",
            "scans.adequate",
            "en",
            "A scan done in adequate conditions (TSH at least 30 mU/L or not recorded, "
            "no iodine contamination)",
        ),
        # a rule set this version does not know (stored by another version): the code in a
        # sentence, never an error
        ("tuthyref-2019", "imaging_after_rai", "en", "Complete: imaging_after_rai"),
    ],
)
def test_missing_actions(rule_set: str, item: str, lang: str, said: str) -> None:
    assert missing_actions(_assessment(rule_set, [item]), Translator(lang)) == [said]


def test_without_definitions_the_engine_rules_name_the_definition() -> None:
    # an assessment stored before `definitions` existed: the primary is the engine's rules
    a = _assessment(None, ["imaging_after_rai"])
    a["engine"]["rules"] = "tuthyref-2021"
    assert missing_actions(a, Translator("en")) == [
        "Add imaging within 12 months after the latest I-131 administration."
    ]


def _case_with_uptake(uptakes: dict[str, str]) -> dict[str, Any]:
    # a papillary cancer with lung lesions of the given uptake, one I-131 administration
    # before them (lesion ids in the order given)
    return {
        "format": "thyref-case/1",
        "id": "ma-uptake",
        "diagnosis": {"date": "2015-01-10", "histology": "papillary"},
        "rai": [{"date": "2015-03-01", "activity": 3.7, "unit": "GBq"}],
        "lesions": [
            {"id": lid, "site": "lung", "rai_uptake": uptake} for lid, uptake in uptakes.items()
        ],
    }


@pytest.mark.parametrize(
    ("uptakes", "lang", "said"),
    [
        # one lesion of unknown uptake among two: named, singular
        (
            {"L1": "unknown", "L2": "yes"},
            "fr",
            "Préciser la fixation de l'iode 131 de la lésion L1 (scintigraphie "
            "post-thérapeutique).",
        ),
        (
            {"L1": "unknown", "L2": "yes"},
            "en",
            "Give the I-131 uptake of lesion L1 (post-therapy scan).",
        ),
        # two of them: named, plural, in the case's order
        (
            {"P2": "unknown", "L1": "yes", "N1": "unknown"},
            "fr",
            "Préciser la fixation de l'iode 131 des lésions P2, N1 (scintigraphie "
            "post-thérapeutique).",
        ),
        (
            {"P2": "unknown", "L1": "yes", "N1": "unknown"},
            "en",
            "Give the I-131 uptake of lesions P2, N1 (post-therapy scan).",
        ),
    ],
)
def test_the_lesions_of_unknown_uptake_are_named(
    uptakes: dict[str, str], lang: str, said: str
) -> None:
    """The page said "each lesion" while the definitions table beside it named them
    (session 15)."""
    a = _assessment("tuthyref-2021", ["lesions.rai_uptake"])
    assert missing_actions(a, Translator(lang), _case_with_uptake(uptakes)) == [said]


def test_without_the_case_or_a_case_that_no_longer_reads_the_lesions_are_not_named() -> None:
    a = _assessment("tuthyref-2021", ["lesions.rai_uptake"])
    general = ["Give the I-131 uptake of each lesion (post-therapy scan)."]
    assert missing_actions(a, Translator("en")) == general
    assert missing_actions(a, Translator("en"), {"format": "thyref-case/1"}) == general
