"""The message catalogue function by function (issue 15, mutants).

Most rows use a small catalogue of their own (``small`` below), so every expected text is
read off the templates written here; the others read the shipped catalogue files and say
which sentence they expect from them.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from thyref.domain import filecache, messages
from thyref.domain.messages import Num, Said, Term, number, problem_text, text
from thyref.errors import Problem

SMALL: dict[str, dict[str, str]] = {
    "fr": {
        "a.plain": "texte {absent}",
        "a.only_fr": "seulement en français",
        "a.flag": "drapeau",
        "a.flag.on": " (allumé {n})",
        "a.flag.off": " (éteint)",
        "a.say": "dit: {x}",
        "a.two": "{x} et {y}",
        "site.lung": "poumon",
        "site.bone": "os",
        "problem.p_code": "problème {input}",
    },
    "en": {
        "a.plain": "text {absent}",
        "a.flag": "flag",
        "a.flag.on": " (on {n})",
        "a.flag.off": " (off)",
        "a.say": "says: {x}",
        "a.two": "{x} and {y}",
        "site.lung": "lung",
        "site.bone": "bone",
    },
}


@pytest.fixture()
def small(monkeypatch: pytest.MonkeyPatch) -> dict[str, dict[str, str]]:
    fresh = {lang: dict(table) for lang, table in SMALL.items()}
    monkeypatch.setattr(messages, "catalogue", lambda: fresh)
    return fresh


# ---------------------------------------------------------------------------------------
# number() and the rendering of parameters


@pytest.mark.parametrize(
    ("value", "lang", "said"),
    [
        (32, "fr", "32"),  # a whole number as it is
        (True, "fr", "True"),  # a flag is an int: said as Python says it
        (32.0, "fr", "32"),  # no useless zero
        (0.35, "fr", "0,35"),  # the French decimal comma
        (0.35, "en", "0.35"),  # the English decimal point
        (Decimal("1.500"), "en", "1.5"),  # trailing zeros dropped
        (Decimal("1E+2"), "en", "100"),  # never in exponent form
        ("2.50", "fr", "2,5"),  # a number written as text
        (1e-7, "en", "0.0000001"),  # a small float in plain digits
    ],
)
def test_number(value: Any, lang: messages.Lang, said: str) -> None:
    assert number(value, lang) == said


@pytest.mark.usefixtures("small")
@pytest.mark.parametrize(
    ("value", "lang", "said"),
    [
        ("1.50", "fr", "dit: 1,5"),  # a number written as text: said the reader's way
        ("-1.50", "fr", "dit: -1,5"),  # a negative one too
        ("1.5 mm", "fr", "dit: 1.5 mm"),  # not only a number: left as it is
        ("v1.5", "fr", "dit: v1.5"),  # not only a number: left as it is
        ("site.lung", "fr", "dit: site.lung"),  # a key as text is not translated
        ("150", "fr", "dit: 150"),  # no point: left as it is
        ("\u0661.\u0665", "fr", "dit: \u0661.\u0665"),  # Arabic-Indic digits: text, not 1,5
        ("\uff11.\uff15", "en", "says: \uff11.\uff15"),  # fullwidth digits: text, not 1.5
        (Term("site.lung"), "fr", "dit: poumon"),  # a Term said in French
        (Term("site.lung"), "en", "says: lung"),  # and in English
        (Num(Decimal("0.50")), "fr", "dit: 0,5"),  # a Num the French way
        (Num(2.0), "en", "says: 2"),  # a float Num without useless zero
        (Decimal("2.50"), "fr", "dit: 2,5"),  # a Decimal the French way
        (2.5, "fr", "dit: 2,5"),  # a float the French way
        (7, "fr", "dit: 7"),  # a whole number as it is
        (None, "en", "says: None"),  # anything else as Python says it
        (("L1 (", Term("site.lung"), ")"), "fr", "dit: L1 (poumon)"),  # a Phrase
        (("a.b", " ", Num(1.5)), "fr", "dit: a.b 1,5"),  # a Phrase: text with a point kept
        (("0.50", "/", Term("site.bone")), "en", "says: 0.5/bone"),  # a number text in it
        ((), "en", "says: "),  # an empty Phrase
    ],
)
def test_a_parameter_is_said_the_readers_way(value: Any, lang: messages.Lang, said: str) -> None:
    assert text("a.say", lang, {"x": value}) == said


# ---------------------------------------------------------------------------------------
# text()


@pytest.mark.usefixtures("small")
@pytest.mark.parametrize(
    ("key", "lang", "params", "said"),
    [
        ("a.plain", "en", None, "text {absent}"),  # an unknown placeholder stays as it is
        ("a.plain", "fr", {}, "texte {absent}"),  # no parameters at all
        ("a.only_fr", "en", None, "seulement en français"),  # the French text as fallback
        ("a.only_fr", "en", {"x": 1}, "seulement en français"),  # with parameters too
        ("no.such.key", "en", None, "no.such.key"),  # the key itself at last
        ("no.such.key", "fr", {"x": 1}, "no.such.key"),  # with parameters too
        ("a.two", "en", {"x": "A", "y": "B"}, "A and B"),  # two words
        ("a.two", "fr", {"x": "A"}, "A et {y}"),  # a missing one stays visible
        ("a.flag", "en", {"on": True, "n": 3}, "flag (on 3)"),  # a true flag adds its sentence
        ("a.flag", "fr", {"on": True, "n": 3}, "drapeau (allumé 3)"),  # in French
        ("a.flag", "en", {"on": False, "off": True}, "flag (off)"),  # only the true ones
        ("a.flag", "en", {"on": True, "off": True, "n": 1}, "flag (on 1) (off)"),  # both
        ("a.flag", "en", {"on": 1, "n": 2}, "flag"),  # 1 is not True
        ("a.flag", "en", {"missing": True}, "flag"),  # no such conditional sentence
        ("a.only_fr", "en", {"on": True}, "seulement en français"),  # none in English
    ],
)
def test_text(key: str, lang: messages.Lang, params: dict[str, Any] | None, said: str) -> None:
    assert text(key, lang, params) == said
    assert text(key, lang, params) == said  # the same again (remembered)


@pytest.mark.usefixtures("small")
def test_the_default_language_is_french() -> None:
    assert text("a.flag") == "drapeau"
    assert Said("a.say", {"x": Term("site.bone")}).text() == "dit: os"
    assert Said("a.say", {"x": Term("site.bone")}).text("en") == "says: bone"
    assert Said("a.flag").text("en") == "flag"
    assert messages.has("a.only_fr") and not messages.has("a.only_fr", "en")
    assert messages.keys("site.") == ["site.lung", "site.bone"]  # in the file's order
    assert messages.keys("a.flag.", "en") == ["a.flag.on", "a.flag.off"]
    assert messages.keys("a.flag") == ["a.flag", "a.flag.on", "a.flag.off"]


def test_a_new_catalogue_is_said_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """A sentence remembered for one catalogue is never given for another."""
    first = {"fr": {"k": "un {x}", "p": "plain one"}, "en": {}}
    second = {"fr": {"k": "deux {x}", "p": "plain two"}, "en": {}}
    monkeypatch.setattr(messages, "catalogue", lambda: first)
    assert text("p") == "plain one" and text("k", "fr", {"x": "a"}) == "un a"
    monkeypatch.setattr(messages, "catalogue", lambda: second)
    assert text("p") == "plain two" and text("k", "fr", {"x": "a"}) == "deux a"


def test_remembered_sentences_are_bounded(
    small: dict[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(messages, "_SAID", {})
    for i in range(messages._SAID_MAX):
        text("a.say", "en", {"x": f"w{i}"})
    assert len(messages._SAID) == 4096  # full: the 4,096 sentences said so far
    text("a.say", "en", {"x": "one more"})
    assert len(messages._SAID) == 1  # emptied, then the new one kept
    assert text("a.say", "en", {"x": "w1"}) == "says: w1"


@pytest.mark.parametrize(
    ("params", "remembered"),
    [
        # what may be remembered: words, whole numbers, flags, Terms, Phrases of words
        ({"x": "w"}, True),  # a word
        ({"x": 3}, True),  # a whole number
        ({"x": True}, True),  # a flag
        ({"x": Term("site.lung")}, True),  # a Term
        ({"x": ("a", Term("site.lung"))}, True),  # a Phrase of words and Terms
        ({"x": "w", "y": 2}, True),  # two parameters of those kinds
        # numbers said the reader's way are not (0 and -0.0 are equal keys)
        ({"x": 2.5}, False),  # a float
        ({"x": Decimal("2.5")}, False),  # a Decimal
        ({"x": Num(2)}, False),  # a Num
        ({"x": ("a", Num(2))}, False),  # a Phrase holding a Num
        ({"x": "w", "y": 2.5}, False),  # one float among words
        ({"x": None}, False),  # None
    ],
)
def test_which_sentences_are_remembered(
    small: dict[str, dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
    params: dict[str, Any],
    remembered: bool,
) -> None:
    monkeypatch.setattr(messages, "_SAID", {})
    text("a.two", "en", params)
    assert len(messages._SAID) == (1 if remembered else 0)


def test_signature_tells_kinds_apart() -> None:
    # the type is part of the key: True and 1, a Term and a plain tuple, differ
    assert messages._signature({"x": True}) == (("x", bool, True),)
    assert messages._signature({"x": 1}) == (("x", int, 1),)
    assert messages._signature({"x": ("a",)}) == (("x", tuple, ("a",)),)
    assert messages._signature({"x": Term("a")}) == (("x", Term, Term("a")),)
    assert messages._signature({"x": "a", "y": 1}) == (("x", str, "a"), ("y", int, 1))
    assert messages._signature({}) == ()


@pytest.mark.usefixtures("small")
@pytest.mark.parametrize(
    ("problem", "lang", "said"),
    [
        # a code with a sentence in the language: the sentence with its values
        (Problem("p", "plain message", "p_code", (("input", "'x'"),)), "fr", "problème 'x'"),
        # no sentence in English: the message as given
        (Problem("p", "plain message", "p_code", (("input", "'x'"),)), "en", "plain message"),
        # no code: the message as given
        (Problem("p", "plain message", ""), "fr", "plain message"),
        # a code without a sentence: the message as given
        (Problem("p", "plain message", "other"), "fr", "plain message"),
    ],
)
def test_problem_text(problem: Problem, lang: messages.Lang, said: str) -> None:
    assert problem_text(problem, lang) == said


@pytest.mark.usefixtures("small")
def test_problem_text_is_french_by_default() -> None:
    assert problem_text(Problem("p", "plain", "p_code", (("input", "1"),))) == "problème 1"


# ---------------------------------------------------------------------------------------
# the catalogue files: merged, checked, kept in the cache folder


def _toml(fr: dict[str, str] | None, en: dict[str, str] | None) -> str:
    out = []
    for lang, table in (("fr", fr), ("en", en)):
        if table is not None:
            out.append(f"[{lang}]")
            out += [f'"{k}" = "{v}"' for k, v in table.items()]
    return "\n".join(out) + "\n"


def test_merge_keeps_the_files_order_and_a_missing_language() -> None:
    merged = messages._merge([_toml({"b": "B", "a": "A"}, None), _toml({"c": "C"}, {"c": "see"})])
    assert merged == {"fr": {"b": "B", "a": "A", "c": "C"}, "en": {"c": "see"}}
    assert list(merged) == ["fr", "en"] and list(merged["fr"]) == ["b", "a", "c"]


def test_merge_names_the_keys_defined_twice() -> None:
    with pytest.raises(ValueError) as error:
        messages._merge([_toml({"z": "1", "y": "2", "x": "3"}, {}), _toml({"z": "", "y": ""}, {})])
    assert str(error.value) == "messages-ui.toml: keys already defined elsewhere: y, z"
    with pytest.raises(ValueError, match=r"messages-ui\.toml: .*: e$"):
        messages._merge([_toml({}, {"e": "1"}), _toml({}, {"e": "2"})])


@pytest.mark.parametrize(
    ("content", "read"),
    [
        ('{"fr": {"a": "un"}, "en": {"a": "one"}}', True),  # the two languages
        ('{"fr": {}, "en": {}}', True),  # empty tables
        ('{"en": {}, "fr": {}}', False),  # the languages in another order
        ('{"fr": {}}', False),  # a language missing
        ('{"fr": {}, "en": {}, "de": {}}', False),  # a language too many
        ('{"fr": [], "en": {}}', False),  # a table that is no object
        ('{"fr": {}, "en": []}', False),  # the second table no object
        ('{"fr": {"a": 1}, "en": {}}', False),  # a sentence that is no text
        ('{"fr": {}, "en": {"a": null}}', False),  # a null sentence
        ('["fr", "en"]', False),  # a list of the language names
        ("not json", False),  # damaged
        ("", False),  # empty
    ],
)
def test_read_cached(tmp_path: Path, content: str, read: bool) -> None:
    path = tmp_path / "messages-x.json"
    path.write_text(content, encoding="utf-8")
    assert messages._read_cached(path) == (json.loads(content) if read else None)


def test_read_cached_of_a_missing_file(tmp_path: Path) -> None:
    assert messages._read_cached(tmp_path / "missing.json") is None


def test_write_cached_writes_utf8_text(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "messages-old.json").write_text("{}")
    (folder / "other-old.json").write_text("{}")
    path = folder / "messages-new.json"
    merged = {"fr": {"a": "été"}, "en": {"a": "summer"}}
    messages._write_cached(path, merged)
    assert path.read_bytes() == '{"fr": {"a": "été"}, "en": {"a": "summer"}}'.encode()
    assert sorted(p.name for p in folder.iterdir()) == ["messages-new.json", "other-old.json"]


def test_the_cache_file_is_named_by_the_texts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(filecache.CACHE_ENV, str(tmp_path))
    path = messages._cache_path(["a", "b"])
    assert path == filecache.path_for("messages", ["a", "b"], ".json")
    assert path is not None and path.parent == tmp_path
    assert path.name.startswith("messages-") and path.suffix == ".json"


def test_the_shipped_catalogue(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(filecache.CACHE_ENV, str(tmp_path))
    messages.catalogue.cache_clear()
    try:
        merged = messages.catalogue()
        # both files merged: an engine sentence and a page word, in both languages
        assert list(merged) == ["fr", "en"]
        assert "title.RCP-NATIONAL" in merged["fr"] and "title.RCP-NATIONAL" in merged["en"]
        assert set(merged["fr"]) == set(merged["en"])
        (cached,) = tmp_path.glob("messages-*.json")
        assert json.loads(cached.read_text(encoding="utf-8")) == merged
        # read again from the cache file: the same catalogue
        messages.catalogue.cache_clear()
        assert messages.catalogue() == merged
    finally:
        messages.catalogue.cache_clear()


def test_remembered_sentences_are_looked_up(
    small: dict[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sentence said once is remembered under its key, language (and parameters), for
    this catalogue, and given back from there: a planted entry shows the look-up."""
    monkeypatch.setattr(messages, "_PLAIN", {})
    monkeypatch.setattr(messages, "_SAID", {})
    assert text("a.flag", "en") == "flag"
    assert {("a.flag", "en"): (small, "flag")} == messages._PLAIN
    messages._PLAIN[("a.flag", "en")] = (small, "planted")
    assert text("a.flag", "en") == "planted"
    assert text("a.flag", "fr") == "drapeau"  # another language: its own entry
    # an entry of another catalogue object is not used, and is replaced
    messages._PLAIN[("a.flag", "fr")] = ({"fr": {}, "en": {}}, "stale")
    assert text("a.flag", "fr") == "drapeau"
    assert messages._PLAIN[("a.flag", "fr")] == (small, "drapeau")

    assert text("a.say", "en", {"x": "w"}) == "says: w"
    key = ("a.say", "en", (("x", str, "w"),))
    assert {key: (small, "says: w")} == messages._SAID
    messages._SAID[key] = (small, "planted")
    assert text("a.say", "en", {"x": "w"}) == "planted"
    messages._SAID[key] = ({"fr": {}, "en": {}}, "stale")
    assert text("a.say", "en", {"x": "w"}) == "says: w"


@pytest.mark.parametrize("count", [1, 3])
def test_merge_wants_one_text_per_catalogue_file(count: int) -> None:
    # one text for each of CATALOGUE_FILES (two): a missing or extra text is an error,
    # never a catalogue silently missing a file
    with pytest.raises(ValueError):
        messages._merge([_toml({f"k{i}": "v"}, {}) for i in range(count)])


# ---------------------------------------------------------------------------------------
# counted sentences: ``key.one`` / ``key.other`` picked by the count ``n``

COUNTED: dict[str, dict[str, str]] = {
    "fr": {
        "c.cold.one": "{lesions} ne fixe pas",
        "c.cold.other": "{lesions} ne fixent pas",
        "c.cold.one.bone": " (os)",
        "c.only_fr.one": "une seule",
        "c.only_fr.other": "{n} plusieurs",
        "c.plain": "phrase {n}",
        "c.plain.one": "jamais lue",
        "c.mixed": "mixte : {cold}",
    },
    "en": {
        "c.cold.one": "{lesions} takes up no iodine",
        "c.cold.other": "{lesions} take up no iodine",
        "c.plain": "sentence {n}",
        "c.plain.one": "never read",
        "c.mixed": "mixed: {cold}",
    },
}


@pytest.fixture()
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, dict[str, str]]:
    fresh = {lang: dict(table) for lang, table in COUNTED.items()}
    monkeypatch.setattr(messages, "catalogue", lambda: fresh)
    return fresh


@pytest.mark.usefixtures("counted")
@pytest.mark.parametrize(
    ("key", "lang", "params", "said"),
    [
        ("c.cold", "fr", {"lesions": "L1", "n": 1}, "L1 ne fixe pas"),  # one: singular
        ("c.cold", "fr", {"lesions": "L1, L2", "n": 2}, "L1, L2 ne fixent pas"),  # plural
        ("c.cold", "fr", {"lesions": "", "n": 0}, " ne fixe pas"),  # French 0: singular
        ("c.cold", "en", {"lesions": "", "n": 0}, " take up no iodine"),  # English 0: plural
        ("c.cold", "en", {"lesions": "L1", "n": 1}, "L1 takes up no iodine"),  # English one
        ("c.cold", "en", {"lesions": "L1, L2", "n": 2}, "L1, L2 take up no iodine"),
        ("c.only_fr", "en", {"n": 1}, "une seule"),  # no English form: the French one
        ("c.only_fr", "en", {"n": 1200}, "1,200 plusieurs"),  # the count written by whole()
        ("c.only_fr", "fr", {"n": 1200}, "1\u202f200 plusieurs"),  # the French way
        ("c.plain", "en", {"n": 1}, "sentence 1"),  # a sentence of its own wins over forms
        ("c.cold", "en", {"lesions": "L1"}, "c.cold"),  # no count: no form, the key
        ("c.cold", "en", {"lesions": "L1", "n": "1"}, "c.cold"),  # a count is a whole number
        ("c.cold", "en", {"lesions": "L1", "n": True}, "c.cold"),  # a flag is no count
        ("c.cold", "fr", None, "c.cold"),  # no parameters at all
        ("c.cold", "fr", {"lesions": "B1", "n": 1, "bone": True}, "B1 ne fixe pas (os)"),  # flag
        ("c.cold", "fr", {"lesions": "B1", "n": 2, "bone": True}, "B1 ne fixent pas"),  # per form
    ],
)
def test_a_counted_sentence_takes_the_form_of_its_count(
    key: str, lang: messages.Lang, params: dict[str, Any] | None, said: str
) -> None:
    assert text(key, lang, params) == said
    assert text(key, lang, params) == said  # the same again (remembered)


@pytest.mark.usefixtures("counted")
@pytest.mark.parametrize(
    ("lang", "n", "said"),
    [
        ("fr", 1, "mixte : L1 ne fixe pas"),  # a counted clause inside a sentence
        ("fr", 2, "mixte : L1 ne fixent pas"),
        ("en", 1, "mixed: L1 takes up no iodine"),  # said in the reader's language
        ("en", 2, "mixed: L1 take up no iodine"),
    ],
)
def test_a_said_clause_is_said_in_the_readers_language(
    lang: messages.Lang, n: int, said: str
) -> None:
    clause = Said("c.cold", {"lesions": "L1", "n": n})
    assert text("c.mixed", lang, {"cold": clause}) == said


def test_counted_sentences_are_remembered_by_language_and_count(
    counted: dict[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(messages, "_SAID", {})
    # 0 is singular in French and plural in English: each language keeps its own
    assert text("c.cold", "fr", {"lesions": "L1", "n": 0}) == "L1 ne fixe pas"
    assert text("c.cold", "en", {"lesions": "L1", "n": 0}) == "L1 take up no iodine"
    assert text("c.cold", "fr", {"lesions": "L1", "n": 0}) == "L1 ne fixe pas"
    assert len(messages._SAID) == 2
    # a sentence with a clause (a Said) is remembered by the clause's key and values
    one = Said("c.cold", {"lesions": "L1", "n": 1})
    assert text("c.mixed", "en", {"cold": one}) == "mixed: L1 takes up no iodine"
    assert len(messages._SAID) == 4  # the clause's sentence and the whole one
    assert text("c.mixed", "en", {"cold": one}) == "mixed: L1 takes up no iodine"
    assert len(messages._SAID) == 4  # said again from memory
    # another count in the clause is another sentence, never the one remembered
    two = Said("c.cold", {"lesions": "L1, L2", "n": 2})
    assert text("c.mixed", "en", {"cold": two}) == "mixed: L1, L2 take up no iodine"
    # a clause whose values cannot be remembered leaves the whole sentence unremembered
    odd = Said("c.cold", {"lesions": ["L1"], "n": 1})
    before = len(messages._SAID)
    text("c.mixed", "en", {"cold": odd})
    assert len(messages._SAID) == before


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "mixte : jamais lue"),  # a clause without parameters: its sentence as it is
        ("en", "mixed: never read"),  # in the reader's language
    ],
)
def test_a_clause_without_parameters_is_said_and_remembered(
    counted: dict[str, dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
    lang: messages.Lang,
    said: str,
) -> None:
    # Said's parameters default to None (messages.Said): such a clause is said like a
    # fixed sentence, and the sentence holding it can still be remembered (its signature
    # is the clause's key and no parameters)
    monkeypatch.setattr(messages, "_SAID", {})
    clause = Said("c.plain.one")
    assert text("c.mixed", lang, {"cold": clause}) == said
    assert len(messages._SAID) == 1  # the whole sentence (the clause is a fixed one)
    assert text("c.mixed", lang, {"cold": clause}) == said
    assert len(messages._SAID) == 1
