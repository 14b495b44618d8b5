"""The emergency guard: current signs fire; negated, past and general mentions do not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thyref.answers import AnswerEngine

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    "question",
    [
        "tension 22/12 et mal de tête terrible",  # very high BP (cmHg) with headache
        "BP 210/120 and worst headache of my life",  # very high BP (mmHg), thunderclap headache
        "ma tension est à 19/11 et je vois flou",  # very high BP with blurred vision
        "hypertension très forte avec maux de tête",  # high BP in words, headache
        "j'ai des selles noires depuis hier",  # black stools (digestive bleed)
        "there's blood in my stool today",  # blood in stools
        "my stool is black since I started lenvima",  # black stools, other word order
        "tight pressure in my chest",  # chest tightness
        "nose wont stop bleeding",  # uncontrolled bleed, no apostrophe
        "mon père saigne du nez sans arrêt",  # uncontrolled bleed
        "thinking about ending my life",  # suicidal ideation
        "j'ai envie de me foutre en l'air",  # suicidal ideation, colloquial French
        "je n'ai plus envie de vivre",  # suicidal ideation with a French negation form
        "no chest pain but I'm coughing up blood right now",  # negation elsewhere, sign reported
        "j'ai eu une hémorragie en 2010 et là je saigne beaucoup du nez",  # past, then current
        "is it normal to have chest pain on lenvatinib?",  # in doubt: fire
        "can lenvatinib cause bleeding? my nose has been bleeding for 2 hours",  # report after
        "I'm coughing up blood, is it my lung mets?",  # report, then a question
    ],
)
def test_fires_on_current_signs(engine: AnswerEngine, question: str) -> None:
    assert engine.guard.is_emergency(question)


@pytest.mark.parametrize(
    "question",
    [
        "no chest pain, no shortness of breath, just wondering how mets are treated",  # negated
        "I'm not suicidal, just tired of the treatment",  # negated
        "je ne suis pas suicidaire, juste fatiguée",  # negated (French)
        "j'ai eu une hémorragie digestive en 2010, puis-je prendre du lenvatinib ?",  # past (year)
        "du sang dans les selles il y a 5 ans, des hémorroïdes",  # past (years ago)
        "les thérapies ciblées peuvent donner des hémorragies ?",  # general question on a risk
        "is chest pain a known side effect of sorafenib?",  # general question on a risk
        "can targeted therapies cause high blood pressure?",  # a risk, no symptom
        "ma tension est bien contrôlée sous traitement",  # BP mentioned, nothing high
        "I've never had a seizure, can I have radiotherapy on a brain met?",  # negated
        "j'ai peur de mourir de ce cancer",  # fear, not an emergency
    ],
)
def test_does_not_fire_on_negated_past_or_general_mentions(
    engine: AnswerEngine, question: str
) -> None:
    assert not engine.guard.is_emergency(question)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_message_names_high_blood_pressure_and_numbers(engine: AnswerEngine, lang: str) -> None:
    message = engine.guard.message("fr" if lang == "fr" else "en")
    assert "15" in message and "112" in message
    assert ("tension artérielle très élevée" if lang == "fr" else "high blood pressure") in message


def test_english_message_gives_the_local_number_first(engine: AnswerEngine) -> None:
    # a reader outside France must not be given only French numbers
    assert "your local emergency number (15 or 112 in France)" in engine.guard.message("en")


def _probes(name: str, split: str) -> list[tuple[str, bool]]:
    rows = [json.loads(line) for line in (DATA / name).read_text().splitlines()]
    return [(r["q"], r["emergency"]) for r in rows if r["split"] == split]


@pytest.mark.parametrize(
    ("name", "split"),
    [
        # 40 emergencies and 40 near misses written before the guard was changed, in halves
        ("emergency.jsonl", "tune"),
        ("emergency.jsonl", "holdout"),
        # 75 + 53 more written while the guard was being changed (all tuning)
        ("emergency-tune2.jsonl", "tune"),
    ],
)
def test_probe_sets(engine: AnswerEngine, name: str, split: str) -> None:
    probes = _probes(name, split)
    assert len(probes) >= 40
    wrong = [(q, want) for q, want in probes if engine.guard.is_emergency(q) is not want]
    assert wrong == []


def test_no_ordinary_question_raises_an_emergency(engine: AnswerEngine) -> None:
    # every example question of the knowledge base and of the labelled sets is ordinary
    questions = [
        q for by_lang in engine.kb.topics.values() for t in by_lang.values() for q in t.questions
    ]
    for path in sorted(DATA.glob("*.jsonl")):
        if path.name.startswith("emergency"):
            continue
        rows = [json.loads(line) for line in path.read_text().splitlines() if line]
        # a topic-less question may still report an urgent sign (tingling after neck
        # surgery: low calcium); such rows say so with "emergency": true
        questions += [r["q"] for r in rows if not r.get("emergency")]
    assert len(questions) > 1000
    assert [q for q in questions if engine.guard.is_emergency(q)] == []


@pytest.mark.parametrize(
    ("question", "emergency"),
    [
        ("mon cancer ne répond plus à l'iode, que faire ?", False),  # the disease, not a person
        ("mon père ne répond plus", True),  # a person who does not respond
        ("I had a seizure as a child, can I have radioiodine?", False),  # childhood: past
        ("hémorragie cérébrale et thérapie ciblée, est-ce compatible ?", False),  # a risk
        ("BP is 220 over 130 and my head is pounding", True),  # reading said with "over"
        ("je crois que je fais un AVC, ma bouche est de travers", True),  # stroke signs
    ],
)
def test_subjects_and_readings(engine: AnswerEngine, question: str, emergency: bool) -> None:
    assert engine.guard.is_emergency(question) is emergency


def _kb_questions() -> list[str]:
    from thyref.answers import AnswerEngine

    kb = AnswerEngine.default().kb
    return sorted(
        {q for by_lang in kb.topics.values() for t in by_lang.values() for q in t.questions}
    )


_EMERGENCIES = [q for q, want in _probes("emergency.jsonl", "holdout") if want]
_NEGATED = [
    "no chest pain, no bleeding",  # negated signs
    "pas de douleur dans la poitrine, pas de saignement",  # negated signs (French)
    "I'm not suicidal",  # negated ideation
    "j'ai eu une hémorragie en 2010",  # past sign
]


@given(question=st.sampled_from(_kb_questions()), prefix=st.sampled_from(_NEGATED))
@settings(max_examples=60, deadline=None)
def test_negated_or_past_signs_never_make_a_question_urgent(question: str, prefix: str) -> None:
    from thyref.answers import AnswerEngine

    assert not AnswerEngine.default().guard.is_emergency(f"{prefix}. {question}")


@given(question=st.sampled_from(_kb_questions()), sign=st.sampled_from(_EMERGENCIES))
@settings(max_examples=60, deadline=None)
def test_a_reported_sign_fires_wherever_it_stands(question: str, sign: str) -> None:
    from thyref.answers import AnswerEngine

    guard = AnswerEngine.default().guard
    assert guard.is_emergency(f"{question} {sign}")
    assert guard.is_emergency(f"{sign}. {question}")
