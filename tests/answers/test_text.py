"""Folding, tokenising, stemming, typo correction and language detection."""

from __future__ import annotations

import pytest

from thyref.answers import AnswerEngine
from thyref.answers.text import Analyzer, fold, osa_distance, words


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Irathérapie", "iratherapie"),  # acute accent
        ("THYROÏDE", "thyroide"),  # diaeresis and upper case
        ("cœur", "coeur"),  # ligature
        ("Métastases pulmonaires", "metastases pulmonaires"),  # several accents
        ("ça", "ca"),  # cedilla
        ("déjà vu", "deja vu"),  # grave accent
    ],
)
def test_fold(raw: str, folded: str) -> None:
    assert fold(raw) == folded


@pytest.mark.parametrize(
    ("raw", "tokens"),
    [
        ("l'iode", ["l", "iode"]),  # elision splits
        ("main-pied", ["main", "pied"]),  # hyphen splits
        ("I-131 : 600 mCi", ["i", "131", "600", "mci"]),  # numbers kept, units folded
        ("Qu’est-ce que c’est ?", ["qu", "est", "ce", "que", "c", "est"]),  # curly apostrophe
        ("", []),  # empty
    ],
)
def test_words(raw: str, tokens: list[str]) -> None:
    assert words(raw) == tokens


@pytest.mark.parametrize(
    ("lang", "variants"),
    [
        ("fr", ["crevasse", "crevasses"]),  # plural
        ("fr", ["metastase", "metastases"]),  # plural
        ("fr", ["traitement", "traitements"]),  # plural
        ("fr", ["pulmonaire", "pulmonaires"]),  # adjective plural
        ("en", ["treatment", "treatments"]),  # plural
        ("en", ["metastasis", "metastasis"]),  # identity
        ("en", ["nodule", "nodules"]),  # plural
        ("en", ["monitoring", "monitored", "monitor"]),  # verb forms
    ],
)
def test_stemming_conflates_variants(engine: AnswerEngine, lang: str, variants: list[str]) -> None:
    analyzer: Analyzer = engine.analyzers["fr" if lang == "fr" else "en"]
    assert len({analyzer.stem(v) for v in variants}) == 1


def test_stemming_keeps_distinct_words_apart(engine: AnswerEngine) -> None:
    fr = engine.analyzers["fr"]
    # "poumon" and "ganglion" must not collapse
    assert fr.stem("poumon") != fr.stem("ganglion")


def test_stopwords_dropped(engine: AnswerEngine) -> None:
    fr = engine.analyzers["fr"]
    # only "cure" and "iode" carry meaning
    assert fr.content_stems(["combien", "de", "cures", "d", "iode"]) == [
        fr.stem("cures"),
        fr.stem("iode"),
    ]


@pytest.mark.parametrize(
    ("a", "b", "dist"),
    [
        ("metastase", "metastase", 0),  # same
        ("metastase", "metastaze", 1),  # substitution
        ("lenvima", "lenvimat", 1),  # insertion
        ("thyroide", "thryoide", 1),  # transposition
        ("sorafenib", "sorafinib", 1),  # substitution
        ("iode", "coeur", 3),  # beyond the limit (limit 2 -> 3)
    ],
)
def test_osa_distance(a: str, b: str, dist: int) -> None:
    assert osa_distance(a, b, 2) == dist


@pytest.mark.parametrize(
    ("typo", "meant"),
    [
        ("chirugie", "chirurgie"),  # missing letter
        ("scintigrapie", "scintigraphie"),  # missing letter in a long word
        ("mediastim", "mediastin"),  # wrong letter
        ("stereotaxqiue", "stereotaxique"),  # swapped letters
        ("thyroglobulne", "thyroglobuline"),  # dropped letter
    ],
)
def test_spelling_correction(engine: AnswerEngine, typo: str, meant: str) -> None:
    assert engine.speller.correct(typo) == meant


@pytest.mark.parametrize(
    "word",
    [
        "iode",  # already known
        "xyz",  # too short to correct
        "bonjour",  # known stop word
        "qwertyuiop",  # nothing close
    ],
)
def test_spelling_leaves_alone(engine: AnswerEngine, word: str) -> None:
    assert engine.speller.correct(word) is None


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("Combien de cures d'iode peut-on recevoir ?", "fr"),  # plain French
        ("How many radioactive iodine treatments can I have?", "en"),  # plain English
        ("c koi le syndrome main pied", "fr"),  # sms French, no accents
        ("j'ai mal aux pieds", "fr"),  # elision
        ("what's a TKI", "en"),  # contraction
        ("Nexavar ?", "fr"),  # no evidence at all: product default
        ("hand foot syndrome", "en"),  # English content words only
        ("Est-ce que le Lenvima est remboursé", "fr"),  # brand name inside French
        ("Is Lenvima available in France?", "en"),  # brand name inside English
    ],
)
def test_language_detection(engine: AnswerEngine, question: str, lang: str) -> None:
    assert engine.detector.detect(question) == lang


@pytest.mark.parametrize(
    "word",
    [
        "fumeur",  # French "smoker", not "tumeur" (issue 8)
        "light",  # English, not "right" (issue 8)
        "pains",  # English plural / French "breads", not "mains"
        "wound",  # English, not "found"
        "mince",  # French and English, not "since"
        "fumeurs",  # plural of a known word: its stem is known
    ],
)
def test_real_words_are_not_corrected(engine: AnswerEngine, word: str) -> None:
    assert engine.speller.correct(word) is None


@pytest.mark.parametrize(
    ("typo", "meant"),
    [
        ("lenvatnib", "lenvatinib"),  # a letter dropped
        ("metastses", "metastases"),  # a letter dropped in a long word
        ("refractaiire", "refractaire"),  # a letter doubled
    ],
)
def test_typos_are_still_corrected(engine: AnswerEngine, typo: str, meant: str) -> None:
    assert engine.speller.correct(typo) == meant


@pytest.mark.parametrize(
    ("question", "shows"),
    [
        ("lenvatinib", None),  # a drug's name is the same in both languages
        ("TSH", None),  # an acronym
        ("zzzz qwerty", None),  # nothing readable
        ("c'est quoi le lenvatinib", "fr"),  # an elision and French function words
        ("what is lenvatinib", "en"),  # English function words
    ],
)
def test_language_evidence_says_when_there_is_none(
    engine: AnswerEngine, question: str, shows: str | None
) -> None:
    """``detect`` answers French without evidence (the product's language); ``evidence``
    says there was none, so that the web page keeps its reader's language."""
    assert engine.detector.evidence(question) == shows
    assert engine.detector.detect(question) == (shows or "fr")
