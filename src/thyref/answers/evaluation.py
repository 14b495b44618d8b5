"""Accuracy of a matcher on labelled questions (top-1, top-3, abstention)."""

from __future__ import annotations

import dataclasses
import json
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from thyref.answers.engine import AnswerEngine, EngineSettings
from thyref.answers.kb import KnowledgeBase

Predict = Callable[[str], tuple[str | None, list[str]]]


@dataclass(frozen=True)
class Labelled:
    q: str
    topic: str | None


@dataclass(frozen=True)
class EvalReport:
    """`top1`/`top3` over answerable questions, `abstention` over the ones to decline.

    Top-3 counts the best topic followed by the related ones, like the acceptance check.
    """

    n_answerable: int
    n_decline: int
    top1: float
    top3: float
    abstention: float
    misses: tuple[tuple[str, str | None, str | None], ...]


class LabelError(ValueError):
    """A labelled-questions file line is not valid.

    ``str()`` is the English message; ``code`` names its sentence in the catalogue
    (``cli.label.<code>``) and ``params`` the values it quotes (path and line), so that
    the command says it in the reader's language."""

    def __init__(self, message: str, code: str, path: Path, line: int) -> None:
        super().__init__(message)
        self.code = code
        self.params = {"path": str(path), "line": line}


def _objects(path: Path, split: str | None) -> list[tuple[int, dict[str, object]]]:
    out: list[tuple[int, dict[str, object]]] = []
    # utf-8-sig: a byte-order mark (Windows editors) is not part of the first line
    for n, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise LabelError(f"{path}:{n}: not JSON ({exc.msg})", "not_json", path, n) from exc
        if not isinstance(obj, dict):
            raise LabelError(f"{path}:{n}: expected a JSON object", "not_object", path, n)
        if split is not None and obj.get("split") != split:
            continue
        out.append((n, obj))
    return out


def is_probe_file(path: Path) -> bool:
    """Whether the file holds emergency probes (`"emergency": true|false` lines)."""
    rows = _objects(path, None)
    return bool(rows) and "emergency" in rows[0][1] and "topic" not in rows[0][1]


def read_labelled(path: Path, split: str | None = None) -> list[Labelled]:
    """Lines `{"q": ..., "topic": id or null}` (only those of `split` when given, from
    their `"split"` key); raises LabelError naming the line."""
    rows: list[Labelled] = []
    for n, obj in _objects(path, split):
        if not isinstance(obj.get("q"), str) or "topic" not in obj:
            message = f'{path}:{n}: expected {{"q": "...", "topic": id or null}}'
            raise LabelError(message, "not_labelled", path, n)
        topic = obj["topic"]
        if topic is not None and not isinstance(topic, str):
            raise LabelError(f"{path}:{n}: topic must be a string or null", "bad_topic", path, n)
        rows.append(Labelled(str(obj["q"]), topic))
    return rows


@dataclass(frozen=True)
class Probe:
    q: str
    emergency: bool


@dataclass(frozen=True)
class GuardReport:
    """How the emergency guard did: `caught` over the emergencies, `false_alarms` over the
    ordinary questions, and the questions it got wrong."""

    n_emergency: int
    n_ordinary: int
    caught: float
    false_alarms: float
    misses: tuple[tuple[str, bool], ...]


def read_probes(path: Path, split: str | None = None) -> list[Probe]:
    """Lines `{"q": ..., "emergency": true|false}`; raises LabelError naming the line."""
    rows: list[Probe] = []
    for n, obj in _objects(path, split):
        if not isinstance(obj.get("q"), str) or not isinstance(obj.get("emergency"), bool):
            message = f'{path}:{n}: expected {{"q": "...", "emergency": true|false}}'
            raise LabelError(message, "not_probe", path, n)
        rows.append(Probe(str(obj["q"]), bool(obj["emergency"])))
    return rows


def evaluate_guard(rows: Iterable[Probe], is_emergency: Callable[[str], bool]) -> GuardReport:
    n_em = n_ok = caught = false = 0
    misses: list[tuple[str, bool]] = []
    for row in rows:
        got = is_emergency(row.q)
        if row.emergency:
            n_em += 1
            caught += got
        else:
            n_ok += 1
            false += got
        if got is not row.emergency:
            misses.append((row.q, row.emergency))
    return GuardReport(
        n_emergency=n_em,
        n_ordinary=n_ok,
        caught=caught / n_em if n_em else 1.0,
        false_alarms=false / n_ok if n_ok else 0.0,
        misses=tuple(misses),
    )


def engine_predictor(engine: AnswerEngine) -> Predict:
    """The engine as a `Predict` function: (best topic or None, related topics)."""

    def predict(q: str) -> tuple[str | None, list[str]]:
        r = engine.rank(q)
        return r.topic, r.related

    return predict


def evaluate(rows: Iterable[Labelled], predict: Predict) -> EvalReport:
    hit1 = hit3 = n_on = n_off = declined_ok = 0
    misses: list[tuple[str, str | None, str | None]] = []
    for row in rows:
        best, related = predict(row.q)
        if row.topic is None:
            n_off += 1
            declined_ok += best is None
        else:
            n_on += 1
            hit1 += best == row.topic
            hit3 += row.topic in ([best, *related])[:3]
        if best != row.topic:
            misses.append((row.q, row.topic, best))
    return EvalReport(
        n_answerable=n_on,
        n_decline=n_off,
        top1=hit1 / n_on if n_on else 1.0,
        top3=hit3 / n_on if n_on else 1.0,
        abstention=declined_ok / n_off if n_off else 1.0,
        misses=tuple(misses),
    )


def cross_validate(kb: KnowledgeBase, settings: EngineSettings, folds: int = 5) -> EvalReport:
    """Top-1/top-3 on the knowledge base's own paraphrase questions, each fold's questions
    left out of the index while they are asked (how `kb/engine.toml` was chosen)."""
    items = [
        (tid, lang, i, q)
        for tid, by_lang in sorted(kb.topics.items())
        for lang, text in sorted(by_lang.items())
        for i, q in enumerate(text.questions)
    ]
    random.Random(0).shuffle(items)
    reports: list[EvalReport] = []
    for k in range(folds):
        fold = items[k::folds]
        left_out = {(tid, lang, i) for tid, lang, i, _ in fold}
        topics = {
            tid: {
                lang: dataclasses.replace(
                    text,
                    questions=tuple(
                        q for i, q in enumerate(text.questions) if (tid, lang, i) not in left_out
                    ),
                )
                for lang, text in by_lang.items()
            }
            for tid, by_lang in kb.topics.items()
        }
        engine = AnswerEngine(dataclasses.replace(kb, topics=topics), settings)
        rows = [Labelled(q, tid) for tid, _, _, q in fold]
        reports.append(evaluate(rows, engine_predictor(engine)))
    n = sum(r.n_answerable for r in reports)
    return EvalReport(
        n_answerable=n,
        n_decline=0,
        top1=sum(r.top1 * r.n_answerable for r in reports) / n,
        top3=sum(r.top3 * r.n_answerable for r in reports) / n,
        abstention=1.0,
        misses=tuple(m for r in reports for m in r.misses),
    )
