"""Real words are never "corrected" into a word of the knowledge base (issue 8: the
corrector turned "fumeur" into "tumeur" and "light" into "right"); and a relative said
to have no cancer at all is not a thyroid-cancer question."""

from __future__ import annotations

import pytest

from thyref.answers.engine import AnswerEngine


@pytest.fixture(scope="module")
def engine() -> AnswerEngine:
    return AnswerEngine.default()


@pytest.mark.parametrize(
    "word",
    [
        "generic",  # en: was corrected to "genetic" (a generic levothyroxine is no gene)
        "fumeur",  # fr: was corrected to "tumeur"
        "light",  # en: was corrected to "right"
        "pharmacy",  # en: a place, not a word of the topics
    ],
)
def test_real_words_are_left_alone(engine: AnswerEngine, word: str) -> None:
    assert engine.speller.correct(word) is None


@pytest.mark.parametrize(
    ("typo", "meant"),
    [
        ("lenvatinb", "lenvatinib"),  # a letter dropped: still corrected
        ("cancre", "cancer"),  # a real French word, but two neighbours swapped: a slip
    ],
)
def test_typos_are_still_corrected(engine: AnswerEngine, typo: str, meant: str) -> None:
    assert (engine.speller.correct(typo) or typo) == meant


@pytest.mark.parametrize(
    "question",
    [
        # a healthy relative's blood test: no cancer at all, declined
        "mon fils a fait une prise de sang, TSH a 0.3, faut il s inquieter ? il n a aucun cancer",
        "my daughter had a TSH of 0.3 on a routine check, should we worry? she has no cancer",
        # a generic thyroid hormone: a pharmacy question, not one of the topics
        "the pharmacy switched my levothyroxine to a generic brand, is that ok?",
    ],
)
def test_off_topic_questions_are_declined(engine: AnswerEngine, question: str) -> None:
    assert engine.rank(question).topic is None


def test_a_patient_asking_about_cure_is_still_answered(engine: AnswerEngine) -> None:
    # first person "no cancer left" is a patient's question about cure, not a healthy person
    question = "apres l operation on m a dit que je n ai plus de cancer, suis je gueri ?"
    ranking = engine.rank(question)
    assert ranking.topic is not None
