"""The knowledge base: every topic in both languages, sourced, dated, linked."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from thyref.answers import AnswerEngine
from thyref.answers.kb import KnowledgeBaseError, load_knowledge_base, parse_topic

# The fixed ids of ../shared/spec/faq-topics.md (the acceptance suites use them).
SPEC_TOPIC_IDS = {
    "refractory-definition",
    "refractory-criteria-tg",
    "epidemiology",
    "stereotactic-radiotherapy",
    "hand-foot-syndrome",
    "targeted-therapy-access",
    "targeted-therapy-when",
    "lung-metastases-treatment",
    "lung-nodules-surveillance",
    "rai-how-many",
    "redifferentiation",
    "meraiode-results",
    "redifferentiation-eligibility",
    "neck-lymph-nodes",
    "mediastinal-lymph-nodes",
    "clinical-trials",
    "covid-vaccine",
    "life-expectancy",
    "anaplastic-treatment",
    "who-decides",
    "mutation-testing",
    "specialist-service",
    "iodine-124-scan",
    "node-vascularisation",
    "scan-resolution",
    "cure-after-removal",
    "tuthyref-network",
}
KB = load_knowledge_base()


def test_topic_ids_are_the_spec_ones() -> None:
    assert set(KB.topics) == SPEC_TOPIC_IDS


@pytest.mark.parametrize("topic_id", sorted(SPEC_TOPIC_IDS))
def test_topic_complete_in_both_languages(topic_id: str) -> None:
    by_lang = KB.topics[topic_id]
    assert set(by_lang) == {"fr", "en"}
    for text in by_lang.values():
        assert text.title and text.body
        assert text.sources and all(s in KB.sources for s in text.sources)
        assert "SEED" in text.sources  # facts come from the seed document
        assert date.fromisoformat(text.review_date) <= date.today()
        assert len(text.questions) >= 8  # paraphrases to match patients' wording


@pytest.mark.parametrize(
    ("topic_id", "lang", "facts"),
    [
        ("refractory-definition", "fr", ["22 GBq", "600 mCi", "12 mois", "anaplasiques"]),
        ("refractory-definition", "en", ["22 GBq", "600 mCi", "12 months", "anaplastic"]),
        ("epidemiology", "fr", ["350", "400", "250", "50", "100"]),
        ("epidemiology", "en", ["350", "400", "250", "50", "100"]),
        ("rai-how-many", "fr", ["600 mCi", "9 ou 10", "leucémie"]),
        ("rai-how-many", "en", ["600 mCi", "9 or 10", "leukaemia"]),
        ("lung-nodules-surveillance", "fr", ["0,5", "0,1", "6 mois"]),
        ("lung-nodules-surveillance", "en", ["0.5", "0.1", "6 months"]),
        ("anaplastic-treatment", "fr", ["10 à 40", "dabrafenib", "trametinib", "ALK", "RET"]),
        ("anaplastic-treatment", "en", ["10 to 40", "dabrafenib", "trametinib", "ALK", "RET"]),
        ("targeted-therapy-access", "fr", ["sorafenib", "lenvatinib", "vandetanib", "AMM"]),
        ("targeted-therapy-access", "en", ["sorafenib", "lenvatinib", "cabozantinib"]),
        ("who-decides", "fr", ["RCP", "deux fois par mois", "TuThyRef"]),
        ("who-decides", "en", ["RCP", "twice a month", "TuThyRef"]),
        ("scan-resolution", "fr", ["60 %"]),
        ("scan-resolution", "en", ["60%"]),
        ("mutation-testing", "fr", ["10 ans", "biopsie"]),
        ("mutation-testing", "en", ["10 years", "biopsy"]),
    ],
)
def test_answers_carry_the_spec_facts(topic_id: str, lang: str, facts: list[str]) -> None:
    body = KB.topics[topic_id]["fr" if lang == "fr" else "en"].body
    for fact in facts:
        assert fact in body, fact


@pytest.mark.parametrize(
    ("topic_id", "lang", "glossary_id"),
    [
        ("who-decides", "fr", "rcp"),  # RCP explained
        ("refractory-criteria-tg", "en", "recist"),  # RECIST explained
        ("refractory-criteria-tg", "fr", "tg"),  # thyroglobulin explained
        ("rai-how-many", "fr", "activity-units"),  # mCi / GBq explained
        ("targeted-therapy-access", "fr", "amm"),  # AMM explained
        ("hand-foot-syndrome", "en", "tki"),  # TKI explained
        ("scan-resolution", "fr", "scintigraphy"),  # scintigraphie explained
        ("lung-nodules-surveillance", "en", "tsh"),  # TSH explained
    ],
)
def test_answers_link_glossary(topic_id: str, lang: str, glossary_id: str) -> None:
    linked = KB.linked_glossary(topic_id, "fr" if lang == "fr" else "en")
    assert glossary_id in {g.id for g in linked}


def test_glossary_covers_patient_terms(engine: AnswerEngine) -> None:
    for lang in ("fr", "en"):
        terms = " ".join(g.term for g in engine.glossary(lang))
        for needle in ("RCP", "RECIST", "Tg", "TSH", "mCi", "GBq"):
            assert needle in terms, (lang, needle)
    assert "ITK" in " ".join(g.term for g in engine.glossary("fr"))
    assert "TKI" in " ".join(g.term for g in engine.glossary("en"))


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("x.fr.md", "no front matter", "front matter"),  # missing +++
        ("x.de.md", "+++\nid='x'\n+++\nbody", "expected"),  # unsupported language
        (
            "x.fr.md",
            '+++\nid = "y"\ntitle = "t"\nsources = ["SEED"]\n'
            'review_date = "2026-01-01"\nquestions = []\n+++\nbody',
            "does not match",
        ),  # id
        (
            "x.fr.md",
            '+++\nid = "x"\ntitle = "t"\nsources = ["SEED"]\n'
            'review_date = "soon"\nquestions = []\n+++\nbody',
            "YYYY-MM-DD",
        ),  # bad date
        ("x.fr.md", '+++\nid = "x"\ntitle = "t"\n+++\nbody', "lacks"),  # missing keys
    ],
)
def test_parse_topic_errors(name: str, content: str, error: str) -> None:
    with pytest.raises(KnowledgeBaseError, match=error):
        parse_topic(name, content)


def test_parse_topic_ok() -> None:
    text = parse_topic(
        "abc.en.md",
        '+++\nid = "abc"\ntitle = "T"\nsources = ["SEED"]\nreview_date = 2026-01-02\n'
        'questions = ["q?"]\n+++\n\nBody **here**.\n',
    )
    assert (text.id, text.lang, text.review_date, text.body) == (
        "abc",
        "en",
        "2026-01-02",
        "Body **here**.",
    )


def test_unknown_therapy_placeholder_names_the_topic() -> None:
    from thyref.answers.kb import KnowledgeBaseError, load_knowledge_base

    # with no therapy data, the first topic that names a drug cannot be rendered
    with pytest.raises(KnowledgeBaseError, match=r"topic [a-z-]+\.(fr|en): unknown therapy"):
        load_knowledge_base(therapies={})


def test_every_topic_is_in_exactly_one_theme_in_display_order() -> None:
    placed = [t for g in KB.groups for t in g.topics]
    assert sorted(placed) == sorted(KB.topics)  # each once, none left out
    assert placed[0] == "refractory-definition"  # the page starts with the definition
    for group in KB.groups:
        assert (
            group.titles["fr"] and group.titles["en"] and group.titles["fr"] != group.titles["en"]
        )


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        # a topic left out of every theme
        (lambda t: t.replace(', "covid-vaccine"', ""), "topics in no group ['covid-vaccine']"),
        # a topic in two themes
        (
            lambda t: t.replace('"who-decides"', '"who-decides", "epidemiology"'),
            "topics in two groups ['epidemiology']",
        ),
        # a theme naming a topic that does not exist
        (lambda t: t.replace('"who-decides"', '"who-decides", "nope"'), "unknown topics ['nope']"),
    ],
)
def test_themes_that_miss_or_repeat_a_topic_are_refused(
    tmp_path: Path, change: Callable[[str], str], complaint: str
) -> None:
    from thyref.answers.kb import kb_root

    root = tmp_path / "kb"
    shutil.copytree(str(kb_root()), root)
    groups = root / "groups.toml"
    groups.write_text(change(groups.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match=re.escape(complaint)):
        load_knowledge_base(root)


def test_every_source_is_linked_over_https() -> None:
    # a patient follows these links from the answers: never over plain http
    # (session 15: unicancer.fr was linked as http://)
    for sid, source in KB.sources.items():
        url = source.get("url", "")
        assert url.startswith("https://"), f"{sid}: {url}"


@pytest.mark.parametrize(
    ("sid", "url", "numbers"),
    [
        # 15 (SAMU) and 112 (European emergency number): the French administration's page
        # on alerting the emergency services (fiche F33954)
        (
            "EMERGENCY_NUMBERS_FR",
            "https://www.service-public.fr/particuliers/vosdroits/F33954",
            ("15 ", "112 "),
        ),
        # 3114, the national suicide prevention line: its own site
        ("PREVENTION_SUICIDE_3114", "https://3114.fr/", ("3114",)),
    ],
)
def test_the_emergency_numbers_have_a_dated_source(
    sid: str, url: str, numbers: tuple[str, ...]
) -> None:
    source = KB.sources[sid]
    assert source["url"] == url
    assert all(n in source["title"] for n in numbers)
    assert date.fromisoformat(source["checked"]) <= date.today()
    assert source["checked_how"].strip()  # against what the numbers were checked


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        # the emergency message citing a source sources.toml does not have
        (
            lambda t: t.replace('"PREVENTION_SUICIDE_3114"]', '"NOPE"]'),
            "emergency.toml: message.sources: unknown sources ['NOPE']",
        ),
        # the emergency message citing nothing
        (
            lambda t: re.sub(r"(?m)^sources = \[.*\]\n", "", t),
            "emergency.toml: message.sources: unknown sources []",
        ),
    ],
)
def test_the_emergency_message_must_cite_known_sources(
    tmp_path: Path, change: Callable[[str], str], complaint: str
) -> None:
    from thyref.answers.kb import kb_root

    root = tmp_path / "kb"
    shutil.copytree(str(kb_root()), root)
    emergency = root / "emergency.toml"
    text = emergency.read_text(encoding="utf-8")
    changed = change(text)
    assert changed != text
    emergency.write_text(changed, encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match=re.escape(complaint)):
        load_knowledge_base(root)
