"""Answer engine speed: index build time and questions answered per second.

`run()` builds the engine from the packaged knowledge base (timed, after one warm-up
build so imports are not counted), then ranks every distinct question it can find (the
knowledge base's own paraphrases, the held-out and tuning sets), with cold caches.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from thyref.answers.engine import AnswerEngine
from thyref.answers.kb import load_knowledge_base

DATA = Path(__file__).resolve().parent.parent / "tests" / "answers" / "data"


def _questions() -> list[str]:
    kb = load_knowledge_base()
    qs = [q for by_lang in kb.topics.values() for t in by_lang.values() for q in t.questions]
    for name in ("heldout.jsonl", "tune.jsonl"):
        path = DATA / name
        if path.exists():
            qs += [json.loads(x)["q"] for x in path.read_text().splitlines() if x.strip()]
    # typo'd and lower-cased variants, so the spelling corrector has work to do
    qs += [q.lower().replace("e", "", 1) for q in qs]
    return list(dict.fromkeys(qs))


def run() -> dict[str, float]:
    kb = load_knowledge_base()
    AnswerEngine(kb)  # warm-up: imports, first allocations
    t0 = time.perf_counter()
    kb = load_knowledge_base()
    t1 = time.perf_counter()
    engine = AnswerEngine(kb)
    t2 = time.perf_counter()
    questions = _questions()
    t3 = time.perf_counter()
    for q in questions:
        engine.rank(q)
    t4 = time.perf_counter()
    for q in questions:
        engine.ask(q)
    t5 = time.perf_counter()
    return {
        "kb_load_s": t1 - t0,
        "index_build_s": t2 - t1,
        "questions": float(len(questions)),
        "questions_per_s": len(questions) / (t4 - t3),
        "answers_per_s_full": len(questions) / (t5 - t4),
    }


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key:24s} {value:12.3f}")
