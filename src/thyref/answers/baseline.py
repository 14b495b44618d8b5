"""Plain BM25 baseline (no folding, no stemming, no lexicon, no typo fixing).

Indexes the same topic texts (title, questions and body, both languages in one document
per topic) so `thyref faq eval` shows what the engine's text processing adds.
"""

from __future__ import annotations

import re

import bm25s
import numpy as np

from thyref.answers.kb import KnowledgeBase

_TOKEN = re.compile(r"\w+")


def plain_tokens(text: str) -> list[str]:
    """Lower-cased word tokens, nothing else."""
    return _TOKEN.findall(text.lower())


class PlainBM25:
    """Top topic by raw BM25 score; declines below a fixed score threshold."""

    def __init__(self, kb: KnowledgeBase, threshold: float, max_related: int = 3) -> None:
        self.topic_ids = kb.topic_ids
        self.threshold = threshold
        self.max_related = max_related
        corpus = []
        for tid in self.topic_ids:
            text = " ".join(
                " ".join([t.title, *t.questions, t.search_body]) for t in kb.topics[tid].values()
            )
            corpus.append(plain_tokens(text))
        self.retriever = bm25s.BM25()
        self.retriever.index(corpus, show_progress=False)

    def predict(self, question: str) -> tuple[str | None, list[str], float]:
        """(topic or None, related topics, score) for one question."""
        ids = self.retriever.get_tokens_ids(plain_tokens(question))
        if not ids:
            return None, [], 0.0
        scores = np.asarray(self.retriever.get_scores_from_ids(ids))
        order = [int(i) for i in np.argsort(-scores, kind="stable") if scores[i] > 0]
        if not order or scores[order[0]] < self.threshold:
            return None, [], float(scores[order[0]]) if order else 0.0
        ranked = [self.topic_ids[i] for i in order]
        return ranked[0], ranked[1 : 1 + self.max_related], float(scores[order[0]])
