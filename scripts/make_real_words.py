#!/usr/bin/env python3
"""Write ``src/thyref/answers/kb/real_words.txt``: the real French and English words the
spelling corrector must leave alone.

The corrector changes an unknown word into the nearest word of the knowledge base; a real
word the knowledge base does not use ("generic", "fumeur", "light") would be "corrected"
into one it does ("genetic", "tumeur", "right") and change the question. The list holds
every word of Debian's word lists (``wamerican``, ``wfrench``: /usr/share/dict) that the
corrector, as built from the knowledge base, would change: only those matter, so the list
stays small. A real word that is a knowledge-base word with two neighbouring letters
swapped ("cancre" for "cancer") is left out: such a slip is likelier than the rare word.
Regenerate it after a change of the knowledge base's vocabulary:

    apt-get install wamerican wfrench && .venv/bin/python scripts/make_real_words.py
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

from thyref.answers.engine import AnswerEngine
from thyref.answers.kb import load_knowledge_base
from thyref.answers.text import words

DICTIONARIES = (Path("/usr/share/dict/american-english"), Path("/usr/share/dict/french"))
OUT = Path(__file__).resolve().parents[1] / "src/thyref/answers/kb/real_words.txt"
HEADER = """\
# Real words (Debian wamerican + wfrench word lists, accents folded) that the spelling
# corrector would otherwise change into a word of the knowledge base. Written by
# scripts/make_real_words.py; regenerate it after a change of the knowledge base.
"""


def _swapped_neighbours(word: str, other: str) -> bool:
    """True when ``other`` is ``word`` with two adjacent letters swapped ("cancre" and
    "cancer"): the commonest slip of typing, more likely than the rare real word."""
    if len(word) != len(other):
        return False
    diff = [i for i, (a, b) in enumerate(zip(word, other, strict=True)) if a != b]
    return (
        len(diff) == 2
        and diff[1] == diff[0] + 1
        and word[diff[0]] == other[diff[1]]
        and word[diff[1]] == other[diff[0]]
    )


def main() -> int:
    missing = [str(p) for p in DICTIONARIES if not p.exists()]
    if missing:
        print(f"missing word lists {missing}: apt-get install wamerican wfrench", file=sys.stderr)
        return 2
    kb = dataclasses.replace(load_knowledge_base(), real_words=frozenset())
    engine = AnswerEngine(kb)
    speller = engine.speller
    found: set[str] = set()
    for path in DICTIONARIES:
        for line in path.read_text(encoding="utf-8", errors="ignore").splitlines():
            tokens = words(line)
            if len(tokens) != 1:
                continue  # "New York", "aujourd'hui": not one token
            word = tokens[0]
            meant = speller.correct(word)
            if meant is not None and not _swapped_neighbours(word, meant):
                found.add(word)
    OUT.write_text(HEADER + "".join(f"{w}\n" for w in sorted(found)), encoding="utf-8")
    print(f"{len(found)} words written to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
