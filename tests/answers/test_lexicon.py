"""The domain lexicon: brand names, abbreviations, synonyms and misspellings."""

from __future__ import annotations

import pytest

from thyref.answers import AnswerEngine
from thyref.answers.lexicon import Lexicon, LexiconError, match_keys
from thyref.answers.text import words


def concepts(engine: AnswerEngine, text: str, lang: str) -> set[str]:
    lg = "fr" if lang == "fr" else "en"
    toks = words(text)
    return set(engine.lexicon.match(match_keys(engine.analyzers[lg], toks), lg, toks))


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
        ("Retsevmo", "en", "ret-inhibitor"),  # EU brand name of selpercatinib
        ("ma 5e IRA", "fr", "rai"),  # French abbreviation of irathérapie
        ("recherche de mutation", "fr", "mutation-search"),  # the test, not research
        ("tested for mutations", "en", "mutation-search"),  # English phrasing
        ("c quoi", "fr", "definition"),  # SMS-style "what is"
        ("what does it mean", "en", "definition"),  # asking for a definition
        ("tout le monde", "fr", "eligibility"),  # who can have it
        ("diarrhée sous sorafenib", "fr", "other-side-effect"),  # side effect no topic covers
        ("blood pressure on Lenvima", "en", "other-side-effect"),  # side effect no topic covers
        ("un verre de vin", "fr", "alcohol-tobacco"),  # alcohol
        ("sushi avant l'iode", "fr", "diet"),  # food
        ("pamplemousse", "fr", "drug-interaction"),  # interaction with a TKI
        ("mon assurance", "fr", "admin"),  # exact-word term
        ("go running", "en", "lifestyle"),  # sport
        # one's children: their own concept (a topic covers them beside a mutation)
        ("near my kids after iodine", "en", "children"),
        ("hug my grandchildren after iodine", "en", "radiation-contact"),  # at home
        ("radioactive pour mes enfants", "fr", "home-contact"),  # radiation to others
        ("voir mes enfants grandir", "fr", "life-expectancy"),  # time left
        ("mes enfants risquent-ils d'hériter", "fr", "heredity"),  # heredity
        ("voix enrouée", "fr", "after-surgery"),  # after thyroid surgery
        ("nodule thyroïdien bénin", "fr", "other-disease"),  # general thyroid question
        ("fièvre jaune", "fr", "other-disease"),  # another vaccine
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
        ("thyroid cancer", "en", "other-disease"),  # "thyroid" is not "thyroiditis"
        ("au sein de l'équipe", "fr", "other-cancer"),  # "au sein de" means "within"
        ("peut-on guérir", "fr", "rai-activity"),  # "cure" is not "curie"
        ("qui assure le suivi ?", "fr", "admin"),  # verb "assurer", not "assurance"
        ("metastases that grow fast", "en", "diet"),  # "fast" is not "fasting"
        ("what allows it", "en", "admin"),  # "allows" is not "allowance"
        ("je n'ai pas de cancer de la thyroïde", "fr", "thyroid-cancer"),  # masked: negated
        ("I don't have thyroid cancer", "en", "thyroid-cancer"),  # masked: negated
        ("what if they start to grow", "en", "start"),  # growth, not starting a drug
        ("the lesions lit up on the scan", "en", "home-contact"),  # "lit" is a bed in French
        ("dans ce genre de cas", "fr", "genetics"),  # "genre" is not "gene"
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


def test_lexicon_rejects_unknown_not_beside(engine: AnswerEngine) -> None:
    # a concept that `not_beside` names must exist, like one it implies
    with pytest.raises(LexiconError, match="not_beside"):
        Lexicon({"a": {"tier": "offtopic", "not_beside": ["nope"]}}, engine.analyzers)


def test_a_drug_named_when_stopping_it_is_not_what_a_topic_answers(
    engine: AnswerEngine,
) -> None:
    # stop-drug names `targeted-therapy` as not beside: the hand-foot answer takes a
    # stop question for the hands or the feet, the Covid answer for the vaccine (blind5:
    # "my dad wants to quit his TKI, should he?" got the hand-foot answer)
    assert not engine.lexicon.counts_beside("lenvatinib", "stop-drug")
    assert not engine.lexicon.counts_beside("targeted-therapy", "stop-drug")
    assert engine.lexicon.counts_beside("hands-feet", "stop-drug")
    assert engine.lexicon.counts_beside("vaccine", "stop-drug")


def test_lexicon_rejects_unknown_rescuer(engine: AnswerEngine) -> None:
    # the concepts that alone rescue an off-topic one must exist
    with pytest.raises(LexiconError, match="rescued_only_by"):
        Lexicon({"a": {"tier": "offtopic", "rescued_only_by": ["nope"]}}, engine.analyzers)


def test_lexicon_rejects_colliding_concepts(engine: AnswerEngine) -> None:
    # "curies" and "cures" share the French stem "cur": the two would always co-occur
    raw = {"a": {"tier": "none", "fr": ["curies"]}, "b": {"tier": "none", "fr": ["cures"]}}
    with pytest.raises(LexiconError, match="share"):
        Lexicon(raw, engine.analyzers)


def test_lexicon_allows_shared_key_between_implied_concepts(engine: AnswerEngine) -> None:
    # a concept may repeat a term of a concept it implies
    raw = {"a": {"tier": "none", "any": ["iode"], "implies": ["b"]}, "b": {"any": ["iode"]}}
    assert set(Lexicon(raw, engine.analyzers).match(["iode"], "fr")) == {"a", "b"}


def test_exact_terms_need_the_tokens(engine: AnswerEngine) -> None:
    lex = Lexicon({"a": {"tier": "offtopic", "exact": ["assurance"]}}, engine.analyzers)
    assert lex.match(["assur"], "fr", ["assurance"]) == ["a"]  # the word itself
    assert lex.match(["assur"], "fr", ["assure"]) == []  # same stem, other word
    assert "assurance" in lex.offtopic_words and "assurance" not in lex.surface_words


@pytest.mark.parametrize(
    ("concept", "subject"),
    [
        ("hand-foot", True),  # names the hand-foot syndrome topic
        ("mediastinum", True),  # names the mediastinal nodes topic
        ("meraiode", True),  # names the MERAIODE topic
        ("lenvatinib", False),  # a drug appears in many topics
        ("fna", False),  # needle aspiration is common for benign thyroid nodules too
    ],
)
def test_subject_concepts(engine: AnswerEngine, concept: str, subject: bool) -> None:
    assert engine.lexicon.concepts[concept].subject is subject
