"""Rule texts and validation problems said in the reader's language, with the rule set's
numbers (the CLI and the web show them; clinical-rules.md sections 1 and 4)."""

from __future__ import annotations

import pytest

from thyref.domain.assessment import rule_text
from thyref.domain.messages import has, plural, plural_form, problem_text, whole
from thyref.errors import Problem


@pytest.mark.parametrize(
    ("rule_id", "lang", "words"),
    [
        # section 4: 1 to 5 lesions of at least 10 mm
        ("LOCAL-TREATMENT", "en", "holding 1 to 5 lesions of at least 10 mm"),
        ("LOCAL-TREATMENT", "fr", "portant 1 à 5 lésions d'au moins 10 mm"),
        # section 1: 12 months after I-131
        ("DTC-PROGRESSION-12M", "en", "within 12 months after an I-131 administration"),
    ],
)
def test_rule_texts_quote_the_rule_set(rule_id: str, lang: str, words: str) -> None:
    assert words in rule_text(rule_id, lang)  # type: ignore[arg-type]


def test_problems_in_each_language() -> None:
    problem = Problem(
        "diagnosis.histology",
        "unknown value 'papilary'",
        "enum",
        (("input", "'papilary'"), ("expected", "papillary, follicular")),
    )
    assert problem_text(problem, "en") == (
        "unknown value 'papilary'; expected one of papillary, follicular"
    )
    assert problem_text(problem, "fr") == (
        "valeur inconnue 'papilary'\u00a0; valeurs possibles\u00a0: papillary, follicular"
    )
    # no code, or a code with no sentence: the English message as it is
    assert problem_text(Problem("x", "as written"), "fr") == "as written"
    assert problem_text(Problem("x", "as written", "no-such-code"), "fr") == "as written"
    # a missing parameter is left visible rather than failing
    assert "{expected}" in problem_text(Problem("x", "m", "enum", (("input", "1"),)), "en")


def test_catalogue_keys() -> None:
    assert has("problem.enum", "fr") and has("problem.enum", "en")
    assert not has("problem.no-such-code", "en")


@pytest.mark.parametrize(
    ("value", "lang", "said"),
    [
        # English groups thousands with a comma
        (1085.4, "en", "1,085"),
        # French with a narrow no-break space: "1,085" would read 1.085 there
        (1085.4, "fr", "1\u202f085"),
        (7763.5, "fr", "7\u202f764"),  # rounded to the unit
        (1_234_567, "fr", "1\u202f234\u202f567"),
        # below a thousand: nothing to group
        (999, "fr", "999"),
        (0.0, "en", "0"),
    ],
)
def test_counts_and_rates_are_whole_numbers_grouped_the_readers_way(
    value: float, lang: str, said: str
) -> None:
    assert whole(value, lang) == said  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("lang", "colon_mark", "semicolon_mark"),
    [
        # French: a no-break space before each mark (a line never starts with it)
        ("fr", "\u00a0:", "\u00a0; "),
        # English: none
        ("en", ":", "; "),
    ],
)
def test_the_colon_and_semicolon_of_each_language(
    lang: str, colon_mark: str, semicolon_mark: str
) -> None:
    from thyref.domain.messages import colon, semicolon, text

    assert colon(lang) == colon_mark  # type: ignore[arg-type]
    assert semicolon(lang) == semicolon_mark  # type: ignore[arg-type]
    assert colon(lang) + " " == text("punct.colon", lang)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("n", "lang", "form"),
    [
        (0, "fr", "one"),  # CLDR French: i = 0,1 is "one" ("0 dossier rejeté")
        (1, "fr", "one"),
        (2, "fr", "other"),
        (0, "en", "other"),  # CLDR English: only i = 1 is "one" ("0 records")
        (1, "en", "one"),
        (2, "en", "other"),
        (-1, "fr", "other"),  # not a count: never singular by accident
    ],
)
def test_plural_form_follows_cldr(n: int, lang: str, form: str) -> None:
    assert plural_form(n, lang) == form  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("n", "lang", "said"),
    [
        (1, "fr", "1 lot"),  # catalogue cohort.count.chunks.one
        (0, "fr", "0 lot"),  # French: 0 takes the singular too (the form of lang)
        (0, "en", "0 chunks"),  # .other
        (2500, "fr", "2\u202f500 lots"),  # the count written the French way (whole)
        (2500, "en", "2,500 chunks"),
    ],
)
def test_plural_says_the_count_with_its_form(n: int, lang: str, said: str) -> None:
    assert plural("cohort.count.chunks", n, lang) == said  # type: ignore[arg-type]


def test_plural_fills_the_other_placeholders() -> None:
    # board.cumulative: 2 x 100 mCi = 7.4 GBq; the count picks "administrations"
    said = plural("board.cumulative", 2, "en", gbq="7.4", mci="200", threshold="22")
    assert said == (
        "Cumulative I-131 activity: 7.4 GBq = 200 mCi in 2 administrations "
        "(threshold of the rules: 22 GBq)."
    )
