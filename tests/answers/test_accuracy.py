"""Accuracy on held-out questions (never used to build the knowledge base or the lexicon)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from prereq import SHARED, SHARED_HOW, require
from thyref.answers import AnswerEngine
from thyref.answers.baseline import PlainBM25
from thyref.answers.evaluation import (
    Labelled,
    cross_validate,
    engine_predictor,
    evaluate,
    read_labelled,
)

DATA = Path(__file__).parent / "data"
DEV = SHARED / "examples" / "faq-dev.jsonl"


@pytest.mark.parametrize(
    "path",
    [
        DATA / "heldout.jsonl",  # written before tuning
        DEV,  # the shared development set (../shared/examples)
    ],
)
def test_accuracy_targets(engine: AnswerEngine, path: Path) -> None:
    require(path.exists(), f"the answer set {path}", SHARED_HOW)
    report = evaluate(read_labelled(path), engine_predictor(engine))
    assert report.top1 >= 0.90, report.misses
    assert report.top3 >= 0.98, report.misses
    assert report.abstention >= 0.90, report.misses


def _challenge_half(parity: int) -> list[Labelled]:
    rows = read_labelled(DATA / "challenge.jsonl")
    return [row for i, row in enumerate(rows) if i % 2 == parity]


@pytest.mark.parametrize(
    "parity",
    [
        0,  # odd lines (1, 3, ...): used to tune the lexicon, the rules and the paraphrases
        1,  # even lines: held out, only measured
    ],
)
def test_challenge_halves(engine: AnswerEngine, parity: int) -> None:
    # real-world phrasings (SMS style, typos, brand names, both languages), written
    # before tuning; a quarter are off-topic questions the engine must decline
    report = evaluate(_challenge_half(parity), engine_predictor(engine))
    assert report.n_answerable >= 75
    assert report.top1 >= 0.90, report.misses
    assert report.top3 >= 0.98, report.misses
    assert report.abstention >= 0.90, report.misses


def test_engine_beats_plain_baseline(engine: AnswerEngine) -> None:
    rows = read_labelled(DATA / "heldout.jsonl")
    ours = evaluate(rows, engine_predictor(engine))
    baseline = PlainBM25(engine.kb, engine.settings.baseline_threshold)
    plain = evaluate(rows, lambda q: baseline.predict(q)[:2])
    assert ours.top1 > plain.top1 + 0.05


def test_tune_negatives_declined(engine: AnswerEngine) -> None:
    report = evaluate(read_labelled(DATA / "tune.jsonl"), engine_predictor(engine))
    assert report.abstention >= 0.9, report.misses


def test_cross_validated_paraphrases(engine: AnswerEngine) -> None:
    # the knowledge base's own paraphrases, each left out of the index while asked
    report = cross_validate(engine.kb, engine.settings)
    assert report.n_answerable > 500
    assert report.top1 >= 0.80
    assert report.top3 >= 0.93


@pytest.mark.parametrize(
    ("parity", "min_abstention"),
    [
        (0, 0.90),  # odd lines: used to tune the off-topic lexicon
        (1, 0.85),  # even lines: held out, only measured
    ],
)
def test_everyday_offtopic_halves(engine: AnswerEngine, parity: int, min_abstention: float) -> None:
    # questions patients ask that no topic answers (home after the iodine, the scar,
    # money, work, other side effects...), two thirds of the set, written before tuning
    rows = [row for i, row in enumerate(read_labelled(DATA / "offtopic2.jsonl")) if i % 2 == parity]
    report = evaluate(rows, engine_predictor(engine))
    assert report.n_answerable >= 15
    assert report.abstention >= min_abstention, report.misses
    assert report.top1 >= 0.85, report.misses
    assert report.top3 >= 0.90, report.misses


@pytest.mark.parametrize(
    ("parity", "min_top1", "min_top3"),
    [
        (0, 0.93, 0.97),  # odd lines: used to tune paraphrases, lexicon and stopwords
        (1, 0.85, 0.90),  # even lines: held out, only measured
    ],
)
def test_confusable_halves(
    engine: AnswerEngine, parity: int, min_top1: float, min_top3: float
) -> None:
    # on-topic questions aimed at pairs of neighbouring topics (definition vs Tg criteria,
    # redifferentiation vs eligibility, anaplastic vs life expectancy, mutation testing vs
    # anaplastic, who decides vs lung metastases...), written before tuning
    rows = [
        row for i, row in enumerate(read_labelled(DATA / "confusable.jsonl")) if i % 2 == parity
    ]
    report = evaluate(rows, engine_predictor(engine))
    assert report.n_answerable >= 30
    assert report.top1 >= min_top1, report.misses
    assert report.top3 >= min_top3, report.misses


@pytest.mark.parametrize(
    ("name", "split"),
    [
        ("forum.jsonl", "tune"),  # forum-style questions used while fixing issue 8
        ("forum.jsonl", "holdout"),  # the other half, only measured
        ("forum-tune2.jsonl", "tune"),  # more, written while fixing (all tuning)
    ],
)
def test_forum_sets(engine: AnswerEngine, name: str, split: str) -> None:
    # issue 8 targets: top-1 >= 0.95, top-3 >= 0.98, correct declines >= 0.93 (the holdout
    # half has only 9 questions to decline: one miss is 0.889, so its floor is lower)
    report = evaluate(read_labelled(DATA / name, split), engine_predictor(engine))
    assert report.n_answerable >= 40
    assert report.top1 >= 0.95, report.misses
    assert report.top3 >= 0.98, report.misses
    assert report.abstention >= (0.93 if split == "tune" else 0.88), report.misses


def test_side_effect_probes(engine: AnswerEngine) -> None:
    # sideeffects.jsonl (written before the change, then tuned on): side effects with no
    # topic go to the care team, hand-foot syndrome and the targeted-therapy topics stay
    # answered, and the emergencies get the emergency advice alone. Measured on the shown
    # answer (`ask`), as a patient reads it; before the change 43 of 63 were declined.
    rows = [json.loads(line) for line in (DATA / "sideeffects.jsonl").read_text().splitlines()]
    declined = answered = 0
    n_decline = n_answer = 0
    for row in rows:
        answer = engine.ask(row["q"])
        if row.get("emergency"):
            assert answer.emergency and answer.topic is None and not answer.related, row["q"]
            continue
        assert not answer.emergency, row["q"]
        if row["topic"] is None:
            n_decline += 1
            declined += answer.topic is None
        else:
            n_answer += 1
            answered += answer.topic == row["topic"]
    assert n_decline >= 60 and n_answer >= 15
    assert declined / n_decline >= 0.95
    assert answered / n_answer >= 0.85
