"""The domain lexicon: brand names, abbreviations, synonyms and misspellings."""

from __future__ import annotations

import pytest

from thyref.answers import AnswerEngine
from thyref.answers.lexicon import Lexicon, LexiconError, match_keys
from thyref.answers.text import words


def concepts(engine: AnswerEngine, text: str, lang: str) -> set[str]:
    lg = "fr" if lang == "fr" else "en"
    return set(engine.lexicon.match(match_keys(engine.analyzers[lg], words(text)), lg))


@pytest.mark.parametrize(
    ("text", "lang", "concept"),
    [
        ("Nexavar", "fr", "sorafenib"),  # brand name
        ("Lenvima", "en", "lenvatinib"),  # brand name
        ("Caprelsa", "fr", "vandetanib"),  # brand name
        ("Cometriq", "en", "cabozantinib"),  # brand name
        ("Tafinlar", "fr", "dabrafenib"),  # brand name
        ("Mekinist", "en", "trametinib"),  # brand name
        ("irathérapie", "fr", "rai"),  # French colloquial for I-131 treatment
        ("I-131", "en", "rai"),  # notation with hyphen
        ("iode radioactif", "fr", "rai"),  # plain words
        ("radioiodine", "en", "rai"),  # one word
        ("ITK", "fr", "targeted-therapy"),  # French abbreviation
        ("TKI", "en", "targeted-therapy"),  # English abbreviation
        ("inhibiteur de tyrosine kinase", "fr", "targeted-therapy"),  # spelled out
        ("thérapies ciblées", "fr", "targeted-therapy"),  # plural, accents
        ("RCP", "fr", "rcp"),  # abbreviation
        ("tumour board", "en", "rcp"),  # English equivalent
        ("AMM", "fr", "marketing-authorisation"),  # abbreviation
        ("thyroglobuline", "fr", "tg"),  # full word for Tg
        ("Tg", "en", "tg"),  # abbreviation
        ("600 mCi", "fr", "rai-activity"),  # unit
        ("22 GBq", "en", "rai-activity"),  # unit
        ("scinti", "fr", "scintigraphy"),  # colloquial short form
        ("CyberKnife", "en", "stereotactic"),  # device name
        ("crevasses", "fr", "skin-lesion"),  # plural matched through stems
        ("syndrome main-pied", "fr", "hand-foot"),  # hyphenated
        ("hand-foot syndrome", "en", "hand-foot"),  # English
        ("dafrafenib", "fr", "dabrafenib"),  # misspelling found in the seed
        ("médiastin", "fr", "mediastinum"),  # accent
        ("cancer du sein", "fr", "other-cancer"),  # another disease
    ],
)
def test_term_maps_to_concept(engine: AnswerEngine, text: str, lang: str, concept: str) -> None:
    assert concept in concepts(engine, text, lang)


@pytest.mark.parametrize(
    ("text", "lang", "implied"),
    [
        ("Nexavar", "fr", "targeted-therapy"),  # a TKI brand is a targeted therapy
        ("iode 131", "fr", "iodine"),  # I-131 is iodine
        ("MERAIODE", "en", "redifferentiation"),  # the trial is about redifferentiation
        ("micrométastases", "fr", "metastasis"),  # micro-metastases are metastases
    ],
)
def test_implied_concepts(engine: AnswerEngine, text: str, lang: str, implied: str) -> None:
    assert implied in concepts(engine, text, lang)


@pytest.mark.parametrize(
    ("text", "lang", "absent"),
    [
        ("effets secondaires", "fr", "metastasis"),  # "secondaires" alone is not metastasis
        ("my main doctor", "en", "hands-feet"),  # English "main" is not French "main"
        ("ça me gêne", "fr", "mutation"),  # "gêne" (discomfort) is not "gène"
        ("je mets de la crème", "fr", "metastasis"),  # French verb "mets"
    ],
)
def test_false_friends_not_matched(engine: AnswerEngine, text: str, lang: str, absent: str) -> None:
    assert absent not in concepts(engine, text, lang)


def test_lexicon_rejects_unknown_tier(engine: AnswerEngine) -> None:
    with pytest.raises(LexiconError):
        Lexicon({"x": {"tier": "bogus", "any": ["x"]}}, engine.analyzers)


def test_lexicon_rejects_unknown_implied(engine: AnswerEngine) -> None:
    with pytest.raises(LexiconError):
        Lexicon({"x": {"tier": "none", "any": ["x"], "implies": ["nope"]}}, engine.analyzers)
