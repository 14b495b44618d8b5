"""What a hostile or careless client could do to the web side (security13 findings).

Each group of tests names the finding it covers (the numbers of the security13 audit).
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Iterator
from typing import Any

import pytest

from thyref.answers import text as answers_text
from thyref.web.patient import answer_engine

from .support import TestClient

# ---------------------------------------------------------------- finding 1
# The spelling corrector of patient questions searched the deletion neighbourhood of
# every word (some n**2/2 strings of n letters): one 500-character question made of one
# long word held a CPU for seconds (a word of 1,500 letters, 30 s), on public pages.


def _unique_tail() -> str:
    """Letters that make a question new: a word already corrected is answered from the
    corrector's cache, which would hide the search this test counts."""
    return "".join(secrets.choice(string.ascii_lowercase) for _ in range(12))


@pytest.fixture
def neighbourhoods(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The sizes of the deletion neighbourhoods the corrector builds during the test."""
    answer_engine()  # built before counting: building it searches its own vocabulary
    sizes: list[int] = []
    real = answers_text._variants

    def counted(word: str, depth: int) -> set[str]:
        found = real(word, depth)
        sizes.append(len(found))
        return found

    monkeypatch.setattr(answers_text, "_variants", counted)
    yield sizes


@pytest.mark.parametrize("path", ["/patient", "/api/v1/faq"])
@pytest.mark.parametrize(
    "head",
    [
        # one character that folds to three letters ("ffi"): one word of about 1,500
        # letters in the 500 characters a question may have
        "\ufb03" * 480,
        # 488 letters with no repeat nearby: every deletion is a new string
        (string.ascii_lowercase * 19)[:488],
    ],
    ids=["ligatures", "letters"],
)
def test_a_long_word_in_a_patient_question_is_not_searched(
    anon: TestClient, neighbourhoods: list[int], path: str, head: str
) -> None:
    response = anon.get(path, params={"q": head + _unique_tail()})
    assert response.status_code == 200
    # no vocabulary word is within two edits of a word that long: nothing to search
    assert sum(neighbourhoods) < 1_000, sum(neighbourhoods)


def test_a_word_as_long_as_a_known_one_is_still_corrected(anon: TestClient) -> None:
    """The bound leaves real typos alone: the longest word of the knowledge base with two
    letters typed twice (two edits, two letters longer) is still found."""
    engine = answer_engine()
    longest = max(engine.speller.vocab, key=len)
    typo = longest[:3] + longest[2] + longest[3:6] + longest[5] + longest[6:]
    assert engine.speller.correct(typo) == longest


# ---------------------------------------------------------------- finding 2
# Every word ever asked stayed in the stemmers' and the corrector's caches: questions
# from anyone made the process grow without end.


def test_the_word_caches_stay_bounded(anon: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(answers_text, "CACHE_MAX", 50, raising=False)
    engine = answer_engine()
    for _ in range(12):
        words = " ".join("t" + _unique_tail()[:7] for _ in range(10))
        assert anon.get("/api/v1/faq", params={"q": words}).status_code == 200
    caches: list[dict[str, Any]] = [engine.speller._cache]
    caches += [a._cache for a in engine.speller.analyzers]
    assert all(len(cache) <= 50 for cache in caches), [len(c) for c in caches]
