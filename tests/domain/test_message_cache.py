"""Rendered sentences are remembered (issue 13, speed): the cache must never give one
sentence for another. Each case below uses a small catalogue of its own, so every
expected text is read off the templates written here."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from thyref.domain import messages
from thyref.domain.messages import Num, Term, text

CATALOGUE: dict[str, dict[str, str]] = {
    "fr": {
        "t.count": "n={n}",
        "t.count.n": " (oui)",
        "t.word": "mot: {w}",
        "site.lung": "poumon",
        "t.value": "v={v}",
    },
    "en": {
        "t.count": "n={n}",
        "t.count.n": " (yes)",
        "t.word": "word: {w}",
        "site.lung": "lung",
        "t.value": "v={v}",
    },
}


@pytest.fixture()
def small_catalogue(monkeypatch: pytest.MonkeyPatch) -> dict[str, dict[str, str]]:
    # a fresh copy each time: a new catalogue object must not reuse remembered texts
    fresh = {lang: dict(table) for lang, table in CATALOGUE.items()}
    monkeypatch.setattr(messages, "catalogue", lambda: fresh)
    return fresh


@pytest.mark.usefixtures("small_catalogue")
@pytest.mark.parametrize(
    ("first", "second", "first_text", "second_text"),
    [
        # True adds the conditional sentence 't.count.n'; 1 is a plain number
        ({"n": True}, {"n": 1}, "n=True (yes)", "n=1"),
        ({"n": 1}, {"n": True}, "n=1", "n=True (yes)"),
        # False and 0 are equal as keys of a dict, not as sentences
        ({"n": False}, {"n": 0}, "n=False", "n=0"),
    ],
)
def test_equal_keys_of_other_types_give_their_own_sentence(
    first: dict[str, Any], second: dict[str, Any], first_text: str, second_text: str
) -> None:
    assert text("t.count", "en", first) == first_text
    assert text("t.count", "en", second) == second_text
    assert text("t.count", "en", first) == first_text  # and again, from the cache


@pytest.mark.usefixtures("small_catalogue")
def test_a_term_and_a_phrase_of_its_key_differ() -> None:
    # Term("site.lung") == ("site.lung",) as tuples; the Term is said as a word
    assert text("t.word", "en", {"w": Term("site.lung")}) == "word: lung"
    assert text("t.word", "en", {"w": ("site.lung",)}) == "word: site.lung"
    assert text("t.word", "en", {"w": Term("site.lung")}) == "word: lung"


@pytest.mark.usefixtures("small_catalogue")
def test_the_language_is_part_of_the_key() -> None:
    phrase = ("L1 (", Term("site.lung"), ")")
    assert text("t.word", "fr", {"w": phrase}) == "mot: L1 (poumon)"
    assert text("t.word", "en", {"w": phrase}) == "word: L1 (lung)"
    assert text("t.word", "fr", {"w": phrase}) == "mot: L1 (poumon)"


@pytest.mark.usefixtures("small_catalogue")
@pytest.mark.parametrize(
    ("value", "said"),
    [
        (Decimal("0"), "v=0"),
        (Decimal("-0"), "v=-0"),  # equal to 0, written with its sign
        (Decimal("2.50"), "v=2,5"),  # French decimal comma, no useless zero
        (Num(Decimal("-0")), "v=-0"),
        (Num(Decimal("0")), "v=0"),
    ],
)
def test_numbers_are_written_each_time(value: Any, said: str) -> None:
    assert text("t.value", "fr", {"v": Decimal("0")}) == "v=0"
    assert text("t.value", "fr", {"v": value}) == said


def test_a_new_catalogue_is_read_again(monkeypatch: pytest.MonkeyPatch) -> None:
    first = {lang: dict(table) for lang, table in CATALOGUE.items()}
    monkeypatch.setattr(messages, "catalogue", lambda: first)
    assert text("t.word", "en", {"w": "x"}) == "word: x"
    second = {lang: dict(table) for lang, table in CATALOGUE.items()}
    second["en"]["t.word"] = "other: {w}"
    monkeypatch.setattr(messages, "catalogue", lambda: second)
    assert text("t.word", "en", {"w": "x"}) == "other: x"
