"""Regression guards on the blind set (tests/answers/data/blind/, written by someone who
never saw the engine). Only the tune half was read while fixing; the holdout half was
measured once at the end (docs/answers.md). The floors sit a little below the figures
reached then, so that a change which loses ground on either half fails here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

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


# Blind set 6 (tests/answers/data/blind6/, README there): written before the engine was
# run, then every row was used for tuning. The safety rows are checked one by one; the
# topic rows as a whole, a little below the figures reached.
BLIND6 = [
    json.loads(line)
    for line in (Path(__file__).parent / "data" / "blind6" / "questions.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
    if line.strip()
]


def _allowed(row: dict[str, Any]) -> list[str | None]:
    return [row["topic"], *row["accept"]]


@pytest.mark.parametrize("row", [r for r in BLIND6 if r["emergency"]], ids=lambda r: r["q"][:40])
def test_blind6_emergencies_get_the_advice_alone(engine: AnswerEngine, row: dict[str, Any]) -> None:
    answer = engine.ask(row["q"])
    assert answer.emergency
    assert answer.topic is None


@pytest.mark.parametrize(
    "row", [r for r in BLIND6 if r["kind"] in ("medicine", "near-miss")], ids=lambda r: r["q"][:40]
)
def test_blind6_medicine_and_near_misses(engine: AnswerEngine, row: dict[str, Any]) -> None:
    # never an answer to stopping, starting, swapping, halving or buying a drug, and a
    # sign imagined, past or asked in general is no emergency
    answer = engine.ask(row["q"])
    assert not answer.emergency
    assert answer.topic in _allowed(row)


def test_blind6_ordinary_rows_raise_no_emergency(engine: AnswerEngine) -> None:
    rows = [r["q"] for r in BLIND6 if not r["emergency"]]
    assert [q for q in rows if engine.guard.is_emergency(q)] == []


def test_blind6_topics_and_declines(engine: AnswerEngine) -> None:
    # before the blind6 changes: top-1 118 / 130, top-3 126 / 130, declines 37 / 47
    # (and one false alarm); reached 129 / 131, 131 / 131, 46 / 47
    rows = [r for r in BLIND6 if not r["emergency"]]
    answers = {r["q"]: engine.ask(r["q"]) for r in rows}
    on_topic = [r for r in rows if r["topic"] is not None]
    top1 = [r for r in on_topic if answers[r["q"]].topic in _allowed(r)]
    top3 = [
        r
        for r in on_topic
        if {answers[r["q"]].topic, *answers[r["q"]].related[:2]} & set(_allowed(r))
    ]
    declines = [r for r in rows if r["topic"] is None]
    declined = [r for r in declines if answers[r["q"]].topic in _allowed(r)]
    assert len(on_topic) >= 130 and len(declines) >= 45
    assert len(top1) / len(on_topic) >= 0.97, [r["q"] for r in on_topic if r not in top1]
    assert len(top3) / len(on_topic) >= 0.99
    assert len(declined) / len(declines) >= 0.97, [r["q"] for r in declines if r not in declined]


# Blind set 7 (tests/answers/data/blind7/, README there): requests to act on a medicine
# and information questions that look like them. The tune rows were used while writing the
# medicine-request detector (kb/medicine.toml); the holdout rows were measured twice only,
# before and after it.
def _rows(name: str) -> list[dict[str, Any]]:
    path = Path(__file__).parent / "data" / "blind7" / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


BLIND7_TUNE = _rows("tune.jsonl")
BLIND7_HOLDOUT = _rows("holdout.jsonl")


@pytest.mark.parametrize(
    "row", [r for r in BLIND7_TUNE if r["kind"] == "drug-action"], ids=lambda r: r["q"][:40]
)
def test_blind7_tune_medicine_requests_are_declined(
    engine: AnswerEngine, row: dict[str, Any]
) -> None:
    # stopping, skipping, halving, swapping, borrowing, buying, combining a medicine, or
    # taking it at another time: no topic, the care team answers (12 of the 60 got a
    # topic before the detector)
    answer = engine.ask(row["q"])
    assert not answer.emergency
    assert answer.topic in _allowed(row)


@pytest.mark.parametrize(
    "row", [r for r in BLIND7_TUNE if r["emergency"]], ids=lambda r: r["q"][:40]
)
def test_blind7_tune_emergencies_beside_a_medicine(
    engine: AnswerEngine, row: dict[str, Any]
) -> None:
    answer = engine.ask(row["q"])
    assert answer.emergency
    assert answer.topic is None


def test_blind7_tune_look_alike_questions() -> None:
    # information questions naming a drug, stopping or taking one: 24 / 32 right before
    # and after the detector (the misses are rankings and earlier fixed wordings, see the
    # README); the detector must not lose any
    engine = AnswerEngine.default()
    rows = [r for r in BLIND7_TUNE if r["kind"] == "trap"]
    right = [r for r in rows if engine.ask(r["q"]).topic in _allowed(r)]
    assert len(rows) >= 30
    assert len(right) >= 24, [r["q"] for r in rows if r not in right]


def test_blind7_rows_raise_no_false_alarm(engine: AnswerEngine) -> None:
    rows = [r["q"] for r in BLIND7_TUNE + BLIND7_HOLDOUT if not r["emergency"]]
    assert [q for q in rows if engine.guard.is_emergency(q)] == []


def test_blind7_holdout_measured_once(engine: AnswerEngine) -> None:
    # measured before the detector (main 8ffab43): 57 / 70 requests declined, 25 / 30
    # look-alike questions right, 7 / 8 emergencies; after it: 66 / 70, 25 / 30, 7 / 8
    # (the same five look-alike misses). Not tuned on: these are floors, not targets.
    answers = {r["q"]: engine.ask(r["q"]) for r in BLIND7_HOLDOUT}

    def right(r: dict[str, Any]) -> bool:
        a = answers[r["q"]]
        if r["emergency"]:
            return a.emergency and a.topic is None
        return not a.emergency and a.topic in _allowed(r)

    by_kind = {
        kind: [right(r) for r in BLIND7_HOLDOUT if r["kind"] == kind]
        for kind in ("drug-action", "trap", "drug-emergency")
    }
    assert sum(by_kind["drug-action"]) >= 66 and len(by_kind["drug-action"]) == 70
    assert sum(by_kind["trap"]) >= 25 and len(by_kind["trap"]) == 30
    assert sum(by_kind["drug-emergency"]) >= 7 and len(by_kind["drug-emergency"]) == 8


# Blind set 8 (tests/answers/data/blind8/, README there): patient wordings (SMS, typos,
# franglais, long stories, relatives). The tuning rows were used while fixing; the
# holdout rows were measured before and after only.
def _rows8(name: str) -> list[dict[str, Any]]:
    path = Path(__file__).parent / "data" / "blind8" / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


BLIND8_TUNING = _rows8("tuning.jsonl")


@pytest.mark.parametrize(
    "row",
    [r for r in BLIND8_TUNING if r["kind"] in ("drug-action", "near-miss")],
    ids=lambda r: r["q"][:40],
)
def test_blind8_tuning_medicine_requests_and_near_misses(
    engine: AnswerEngine, row: dict[str, Any]
) -> None:
    # a request to act on a medicine is declined (26 / 30 before the tuning), a sign
    # asked about in general raises no alarm
    answer = engine.ask(row["q"])
    assert not answer.emergency
    assert answer.topic in _allowed(row)


@pytest.mark.parametrize(
    "row", [r for r in BLIND8_TUNING if r["emergency"]], ids=lambda r: r["q"][:40]
)
def test_blind8_tuning_emergencies(engine: AnswerEngine, row: dict[str, Any]) -> None:
    # 24 / 25 before the tuning (twitching fingers after a thyroidectomy was missed)
    answer = engine.ask(row["q"])
    assert answer.emergency
    assert answer.topic is None


def test_blind8_tuning_topics_and_look_alikes(engine: AnswerEngine) -> None:
    # before the tuning: topics 30 / 31, look-alikes 13 / 22 (three false alarms); after:
    # 31 / 31 and 16 / 22 (the six left are rankings, and a past stop of a drug that
    # stays declined: see the README)
    rows = [r for r in BLIND8_TUNING if r["topic"] is not None]
    answers = {r["q"]: engine.ask(r["q"]) for r in rows}
    right = [
        r for r in rows if not answers[r["q"]].emergency and answers[r["q"]].topic in _allowed(r)
    ]
    assert [r["q"] for r in rows if answers[r["q"]].emergency] == []
    assert len(rows) == 53
    assert len(right) >= 47, [r["q"] for r in rows if r not in right]


BLIND8_HOLDOUT = _rows8("holdout.jsonl")


def test_blind8_holdout_measured_once(engine: AnswerEngine) -> None:
    # measured on main 79aa811: topics 67 / 67, requests declined 21 / 24, emergencies
    # 25 / 26, look-alikes 17 / 22, near-misses 2 / 2; after the tuning (7183a99), once:
    # 67, 22, 25, 18, 2; then 26 / 26 emergencies after the SMS breathing fix made from
    # the missed one (no longer blind for it). Not tuned on: floors, not targets.
    answers = {r["q"]: engine.ask(r["q"]) for r in BLIND8_HOLDOUT}

    def right(r: dict[str, Any]) -> bool:
        a = answers[r["q"]]
        if r["emergency"]:
            return a.emergency and a.topic is None
        return not a.emergency and a.topic in _allowed(r)

    topics = [r for r in BLIND8_HOLDOUT if r["topic"] is not None and r["kind"] != "lookalike"]
    by_kind = {
        kind: [right(r) for r in BLIND8_HOLDOUT if r["kind"] == kind]
        for kind in ("drug-action", "emergency", "lookalike", "near-miss")
    }
    assert sum(right(r) for r in topics) >= 67 and len(topics) == 67
    assert sum(by_kind["drug-action"]) >= 22 and len(by_kind["drug-action"]) == 24
    assert sum(by_kind["emergency"]) == 26 and len(by_kind["emergency"]) == 26
    assert sum(by_kind["lookalike"]) >= 18 and len(by_kind["lookalike"]) == 22
    assert sum(by_kind["near-miss"]) == 2


# Blind set 9 (tests/answers/data/blind9/, README there): new angles (conditional changes
# of a medicine, side-effect scenes for each kinase inhibitor, trials, family, travel,
# diet, money, grief, very short questions, voice dictation). The tuning rows were used
# while fixing; the holdout rows were measured before and after only.
def _rows9(name: str) -> list[dict[str, Any]]:
    path = Path(__file__).parent / "data" / "blind9" / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


BLIND9_TUNING = _rows9("tuning.jsonl")


@pytest.mark.parametrize(
    "row",
    [r for r in BLIND9_TUNING if r["topic"] is None and not r["emergency"]],
    ids=lambda r: r["q"][:40],
)
def test_blind9_tuning_declines(engine: AnswerEngine, row: dict[str, Any]) -> None:
    # a change of medicine asked as a supposition, a side effect no topic answers, a
    # subject no topic covers (pregnancy, travel, diet, money, grief): no topic, no alarm
    # (45 / 65 before the tuning)
    answer = engine.ask(row["q"])
    assert not answer.emergency
    assert answer.topic in _allowed(row)


@pytest.mark.parametrize(
    "row", [r for r in BLIND9_TUNING if r["emergency"]], ids=lambda r: r["q"][:40]
)
def test_blind9_tuning_emergencies(engine: AnswerEngine, row: dict[str, Any]) -> None:
    # 9 / 9 before the tuning
    answer = engine.ask(row["q"])
    assert answer.emergency
    assert answer.topic is None


def test_blind9_tuning_topics(engine: AnswerEngine) -> None:
    # before the tuning 23 / 28 (the medullary heredity row relabelled mutation-testing,
    # see the README); after 26 / 28 (left: a fear told before a short question declines
    # it, "two thy ref" dictated)
    rows = [r for r in BLIND9_TUNING if r["topic"] is not None]
    answers = {r["q"]: engine.ask(r["q"]) for r in rows}
    right = [
        r for r in rows if not answers[r["q"]].emergency and answers[r["q"]].topic in _allowed(r)
    ]
    assert len(rows) == 28
    assert len(right) >= 26, [r["q"] for r in rows if r not in right]


BLIND9_HOLDOUT = _rows9("holdout.jsonl")


def test_blind9_holdout_measured_once(engine: AnswerEngine) -> None:
    # measured on main (1796c23): topics 37 / 41, declines 84 / 96 (83 with the
    # medullary heredity row as first labelled), emergencies 11 / 11, no false alarm;
    # after the tuning (d23ef45), once: 38, 93 (92), 11, none. Not tuned on: floors, not
    # targets.
    answers = {r["q"]: engine.ask(r["q"]) for r in BLIND9_HOLDOUT}

    def right(r: dict[str, Any]) -> bool:
        a = answers[r["q"]]
        if r["emergency"]:
            return a.emergency and a.topic is None
        return not a.emergency and a.topic in _allowed(r)

    topics = [r for r in BLIND9_HOLDOUT if r["topic"] is not None and not r["emergency"]]
    declines = [r for r in BLIND9_HOLDOUT if r["topic"] is None and not r["emergency"]]
    urgent = [r for r in BLIND9_HOLDOUT if r["emergency"]]
    assert (len(topics), len(declines), len(urgent)) == (41, 96, 11)
    assert sum(map(right, topics)) >= 38
    assert sum(map(right, declines)) >= 93
    assert sum(map(right, urgent)) == 11
    # the conditional changes of a medicine: every one declined
    assert all(right(r) for r in BLIND9_HOLDOUT if r["kind"] == "conditional")
    assert not any(answers[r["q"]].emergency for r in topics + declines)


# Blind set 10 (tests/answers/data/blind10/, README there): caregivers, long stories,
# franglais, SMS, emergencies told without the word, soft requests to change a dose,
# supplements, work and sport, family, rumours, fear and grief, travel. The tuning rows
# were used while fixing; the holdout rows were measured before and after only.
def _rows10(name: str) -> list[dict[str, Any]]:
    path = Path(__file__).parent / "data" / "blind10" / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


BLIND10_TUNING = _rows10("tuning.jsonl")


@pytest.mark.parametrize(
    "row",
    [r for r in BLIND10_TUNING if r["topic"] is None and not r["emergency"]],
    ids=lambda r: r["q"][:40],
)
def test_blind10_tuning_declines(engine: AnswerEngine, row: dict[str, Any]) -> None:
    # a soft request to change a medicine, a supplement, a journey with a drug, a
    # relative's death, pregnancy, sport: no topic, no alarm (39 / 51 before the tuning)
    answer = engine.ask(row["q"])
    assert not answer.emergency
    assert answer.topic in _allowed(row)


@pytest.mark.parametrize(
    "row", [r for r in BLIND10_TUNING if r["emergency"]], ids=lambda r: r["q"][:40]
)
def test_blind10_tuning_emergencies(engine: AnswerEngine, row: dict[str, Any]) -> None:
    # 16 / 16 before the tuning
    answer = engine.ask(row["q"])
    assert answer.emergency
    assert answer.topic is None


def test_blind10_tuning_topics(engine: AnswerEngine) -> None:
    # before the tuning 40 / 49; after 47 / 49 (left: "avc" written for "avec" raised the
    # stroke alarm, a cough of blood told last year declines a lung question; see the
    # README); 48 since "avc" before an article is read "avec" (session 16, blind11)
    rows = [r for r in BLIND10_TUNING if r["topic"] is not None]
    answers = {r["q"]: engine.ask(r["q"]) for r in rows}
    right = [
        r for r in rows if not answers[r["q"]].emergency and answers[r["q"]].topic in _allowed(r)
    ]
    assert len(rows) == 49
    assert len(right) >= 48, [r["q"] for r in rows if r not in right]


BLIND10_HOLDOUT = _rows10("holdout.jsonl")


def test_blind10_holdout_measured_once(engine: AnswerEngine) -> None:
    # measured on main (0d230df): topics 62 / 71, declines 37 / 45, emergencies 23 / 23,
    # one false alarm; after the tuning (91df49d), once: 65, 37, 23, one; then 40
    # declines after the fix of its three answered requests (no longer blind for them).
    # Not tuned on otherwise: floors, not targets
    answers = {r["q"]: engine.ask(r["q"]) for r in BLIND10_HOLDOUT}

    def right(r: dict[str, Any]) -> bool:
        a = answers[r["q"]]
        if r["emergency"]:
            return a.emergency and a.topic is None
        return not a.emergency and a.topic in _allowed(r)

    topics = [r for r in BLIND10_HOLDOUT if r["topic"] is not None and not r["emergency"]]
    declines = [r for r in BLIND10_HOLDOUT if r["topic"] is None and not r["emergency"]]
    urgent = [r for r in BLIND10_HOLDOUT if r["emergency"]]
    assert (len(topics), len(declines), len(urgent)) == (71, 45, 23)
    assert sum(map(right, topics)) >= 65
    assert sum(map(right, declines)) >= 40
    # every emergency told without the word is caught
    assert all(map(right, urgent))
    assert sum(answers[r["q"]].emergency for r in topics + declines) <= 1


# Blind set 11 (tests/answers/data/blind11/, README there): 140 questions written from
# faq-topics.md alone, before the knowledge base, the lexicon or earlier holdouts'
# questions were read, and frozen before the engine was run. Measured once on main, then
# every row's misses were read and fixed where they were real: the figures after the
# fixes are no longer blind. Floors, not targets.
BLIND11 = [
    json.loads(line)
    for line in (Path(__file__).parent / "data" / "blind11" / "holdout.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
    if line.strip()
]


def test_blind11_holdout(engine: AnswerEngine) -> None:
    # measured on main (3dbba63): topics 81 / 90 (top-3 84), declines 29 / 30,
    # emergencies 20 / 20, three false alarms ("avc" for "avec" twice, "je suis
    # complètement perdue"); after the fixes (not blind): 88 (top-3 89), 29, 20, none.
    # Left: a child's lung metastases declined (children are for the care team), a
    # two-question message answered with redifferentiation, and "can I stop my sorafenib
    # because of the hand-foot pain?" answered with the hand-foot answer, which says not
    # to stop or change the dose alone (see the README)
    answers = {r["q"]: engine.ask(r["q"]) for r in BLIND11}

    def right(r: dict[str, Any]) -> bool:
        a = answers[r["q"]]
        if r["emergency"]:
            return a.emergency and a.topic is None
        return not a.emergency and a.topic in _allowed(r)

    def in_top3(r: dict[str, Any]) -> bool:
        a = answers[r["q"]]
        return not a.emergency and bool({a.topic, *a.related[:2]} & set(_allowed(r)))

    topics = [r for r in BLIND11 if r["topic"] is not None and not r["emergency"]]
    declines = [r for r in BLIND11 if r["topic"] is None and not r["emergency"]]
    urgent = [r for r in BLIND11 if r["emergency"]]
    assert (len(topics), len(declines), len(urgent)) == (90, 30, 20)
    assert sum(map(right, topics)) >= 88, [r["q"] for r in topics if not right(r)]
    assert sum(map(in_top3, topics)) >= 89
    assert sum(map(right, declines)) >= 29, [r["q"] for r in declines if not right(r)]
    # safety first: every emergency gets the advice alone, no ordinary question raises it
    assert [r["q"] for r in urgent if not right(r)] == []
    assert [r["q"] for r in topics + declines if answers[r["q"]].emergency] == []
    # pregnancy, breastfeeding, children near a treated patient, out-of-scope: declined
    assert all(right(r) for r in BLIND11 if r["kind"] in ("pregnancy-children", "offtopic"))
