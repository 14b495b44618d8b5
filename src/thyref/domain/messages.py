"""Product text in French (default) and English: one catalogue, read from the data files.

``data/messages.toml`` holds the engine's sentences, ``data/messages-ui.toml`` those of the
web pages, CLI tables and reports. Both are merged here; a key defined twice is an error.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Literal, NamedTuple

from thyref import data
from thyref.domain import filecache
from thyref.errors import Problem, ThyrefError

Lang = Literal["fr", "en"]
LANGS: tuple[Lang, ...] = ("fr", "en")


class _Safe(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


CATALOGUE_FILES = ("messages.toml", "messages-ui.toml")


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every message, by language then key (the files' order is kept)."""
    texts = [data.text(name) for name in CATALOGUE_FILES]
    cached = _cache_path(texts)
    if cached is not None:
        merged = _read_cached(cached)
        if merged is not None:
            return merged
    merged = _merge(texts)
    if cached is not None:
        _write_cached(cached, merged)
    return merged


def _merge(texts: list[str]) -> dict[str, dict[str, str]]:
    """The catalogue files (``CATALOGUE_FILES`` order) merged; a key defined twice is an error."""
    import tomllib  # only when the cache folder has no copy

    merged: dict[str, dict[str, str]] = {lang: {} for lang in LANGS}
    for name, raw in zip(CATALOGUE_FILES, texts, strict=True):
        tables: dict[str, dict[str, str]] = tomllib.loads(raw)
        for lang in LANGS:
            table = tables.get(lang, {})
            twice = sorted(set(table) & set(merged[lang]))
            if twice:
                raise ValueError(f"{name}: keys already defined elsewhere: {', '.join(twice)}")
            merged[lang].update(table)
    return merged


# The merged catalogue is also kept as JSON in the cache folder (``filecache``), named by a
# hash of the TOML texts it was read from: reading TOML costs about 15 ms of each start,
# JSON about 1 ms.
CACHE_ENV = filecache.CACHE_ENV


def _cache_path(texts: list[str]) -> Path | None:
    return filecache.path_for("messages", texts, ".json")


def _read_cached(path: Path) -> dict[str, dict[str, str]] | None:
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    if type(data) is not dict or list(data) != list(LANGS):
        return None
    for table in data.values():
        if type(table) is not dict:
            return None
        for value in table.values():
            if type(value) is not str:
                return None
    return data


def _write_cached(path: Path, merged: dict[str, dict[str, str]]) -> None:
    data = json.dumps(merged, ensure_ascii=False).encode("utf-8")
    filecache.write(path, data, "messages-*.json")


def keys(prefix: str, lang: Lang = "fr") -> list[str]:
    """The keys starting with ``prefix``, in the order of the data file."""
    return [key for key in catalogue()[lang] if key.startswith(prefix)]


def has(key: str, lang: Lang = "fr") -> bool:
    return key in catalogue()[lang]


class Term(NamedTuple):
    """A vocabulary word said in the reader's language (``Term("site.lung")``); a label
    that quotes numbers of the rules carries them (``Term(key, (("months", 12),))``)."""

    key: str
    params: tuple[tuple[str, Any], ...] = ()
    inside: bool = False  # said inside a sentence: an option title's capital lowered

    def text(self, lang: Lang = "fr") -> str:
        said = text(self.key, lang, dict(self.params) if self.params else None)
        return said[:1].lower() + said[1:] if self.inside else said


class Said(NamedTuple):
    """A sentence to say later, in the reader's language: message key and its data."""

    key: str
    params: dict[str, Any] | None = None

    def text(self, lang: Lang = "fr") -> str:
        return text(self.key, lang, self.params)


class Num(NamedTuple):
    """A number inside a Phrase, written the reader's way (``0,35`` in French)."""

    value: Decimal | float | int


class Day(str):
    """An ISO date inside a sentence, said the reader's way: ``20/02/2013`` in French (as
    French clinicians write it), ``2013-02-20`` in English. A ``str`` (its ISO text)
    wherever it is not rendered by ``text``."""

    __slots__ = ()


def day(value: date) -> Day:
    return Day(value.isoformat())


def coded(key: str, code: str, lang: Lang) -> str:
    """A code in the reader's words with the code beside them ("Cancer anaplasique
    (ATC-ALWAYS)"), or the code alone when the catalogue has no sentence ``key``."""
    said = text(key, lang)
    return code if said == key else f"{said} ({code})"


def day_text(value: str, lang: Lang) -> str:
    """``2013-02-20`` -> ``20/02/2013`` in French; as given otherwise."""
    if lang == "fr" and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return f"{value[8:10]}/{value[5:7]}/{value[:4]}"
    return str(value)


Phrase = tuple[str | Term | Num, ...]
_NUMBER = re.compile(r"-?[0-9]+\.[0-9]+")  # ASCII digits: `\d` takes any script's


def number(value: Decimal | float | int | str, lang: Lang) -> str:
    """``32.0`` -> ``32``, ``0.35`` -> ``0,35`` in French: no useless zero, local comma."""
    if isinstance(value, int):
        return str(value)
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    out = f"{exact.normalize():f}"
    return out.replace(".", ",") if lang == "fr" else out


def whole(value: float, lang: Lang) -> str:
    """A count or a rate as a whole number, thousands grouped the reader's way: "1,085" in
    English, "1 085" in French (a narrow no-break space: "1,085" reads 1.085 there)."""
    out = f"{value:,.0f}"
    return out.replace(",", "\u202f") if lang == "fr" else out


def plural_form(n: int, lang: Lang) -> str:
    """``"one"`` or ``"other"``: the plural category of a whole count (Unicode CLDR:
    French says 0 and 1 in the singular, English 1 only)."""
    return "one" if n == 1 or (n == 0 and lang == "fr") else "other"


def plural(key: str, n: int, lang: Lang, **params: Any) -> str:
    """The message ``key.one`` or ``key.other`` by the count ``n`` (``plural_form``),
    ``{n}`` the count written the reader's way (``whole``), other placeholders from
    ``params``."""
    return text(f"{key}.{plural_form(n, lang)}", lang, {**params, "n": whole(n, lang)})


def colon(lang: Lang) -> str:
    """The colon written the reader's way, without the space after it: "\u00a0:" in
    French (a no-break space, so a line never starts with the mark), ":" in English.
    Callers write ``f"{label}{colon(lang)} {value}"``; ``punct.colon`` holds the whole."""
    return text("punct.colon", lang).rstrip(" ")


def semicolon(lang: Lang) -> str:
    """The separator of a list of clauses, with its space: "\u00a0; " in French."""
    return text("punct.semicolon", lang)


def _render(value: Any, lang: Lang) -> Any:
    kind = type(value)
    if kind is str:  # the common case: plain text, or a number written as text
        return number(value, lang) if "." in value and _NUMBER.fullmatch(value) else value
    if kind is Term:
        return value.text(lang)
    if kind is Num:
        return number(value.value, lang)
    if kind is Day:
        return day_text(value, lang)
    if kind is Said:  # a clause of the sentence (a counted one: "L2 fixe", "L2, L3 fixent")
        return value.text(lang)
    if kind is tuple:  # a Phrase: words, Terms and Nums, said in order
        return "".join(
            [
                part if type(part) is str and "." not in part else str(_render(part, lang))
                for part in value
            ]
        )
    if kind is Decimal or kind is float:
        return number(value, lang)
    return value


# (key, lang) -> (catalogue, text) of messages said without parameters
_PLAIN: dict[tuple[str, str], tuple[dict[str, dict[str, str]], str]] = {}

# (key, lang, signature of the parameters) -> (catalogue, text), bounded: sentences whose
# parameters are words, whole numbers, flags, Terms and Phrases of words and Terms (lesion
# lists, option titles). Numbers written the reader's way (Decimal, float, Num) are left
# out: equal values may be written differently (0 and -0).
_SAID: dict[tuple[str, str, tuple[Any, ...]], tuple[dict[str, dict[str, str]], str]] = {}
_SAID_MAX = 4096
_KEYED = (str, int, bool, Term, Day)


def _signature(params: dict[str, Any]) -> tuple[Any, ...] | None:
    """The parameters as a key whose equality means an equal sentence; None when some
    value is not of a kind listed above."""
    out: list[Any] = []
    for name, value in params.items():
        kind = type(value)
        if kind is tuple:
            for part in value:
                if type(part) is not str and type(part) is not Term:
                    return None
        elif kind is Said:  # a clause: its key and its own parameters' signature
            inner = _signature(value.params) if value.params else ()
            if inner is None:
                return None
            out.append((name, kind, value.key, inner))
            continue
        elif kind not in _KEYED:
            return None
        out.append((name, kind, value))  # the type tells True from 1 and Term from tuple
    return tuple(out)


def text(key: str, lang: Lang = "fr", params: dict[str, Any] | None = None) -> str:
    """The message ``key`` in ``lang`` with its placeholders filled.

    A parameter may be a ``Term``, a ``Phrase`` (tuple of strings and Terms) or a
    ``Said`` clause: its words are said in ``lang``. For every boolean parameter that is
    true, the message ``key.<param>`` (if any) is appended: conditional sentences stay in
    the data file.

    A counted sentence has no ``key`` of its own but the forms ``key.one`` and
    ``key.other`` (as for ``plural``): the whole number ``n`` among the parameters picks
    the form by ``plural_form`` and is written by ``whole``. The engine's rules give the
    count of the items a sentence lists (``Said("recist.missing", {"lesions": ..., "n":
    2})``), and the reader's language says "cibles non mesurées" or "target not measured".
    """
    texts = catalogue()
    if not params:  # titles and fixed sentences: rendered once per catalogue
        hit = _PLAIN.get((key, lang))
        if hit is not None and hit[0] is texts:
            return hit[1]
    signature = _signature(params) if params else None
    asked = key  # the sentence is cached under the key asked (a counted one's too)
    if signature is not None:
        said = _SAID.get((asked, lang, signature))
        if said is not None and said[0] is texts:
            return said[1]
    table = texts[lang]
    template = table.get(key)
    if template is None and params:
        count = params.get("n")
        if type(count) is int and f"{key}.one" in texts["fr"]:
            # a counted sentence (``key.one`` / ``key.other``, as ``plural`` says them)
            key = f"{key}.{plural_form(count, lang)}"
            template = table.get(key)
            params = {**params, "n": whole(count, lang)}
    if template is None:
        template = texts["fr"].get(key, key)
    if not params:
        plain = template.format_map(_Safe())
        _PLAIN[(key, lang)] = (texts, plain)
        return plain
    # plain words pass as they are; numbers, Terms and Phrases are rendered
    params = {
        k: v if type(v) is str and "." not in v else _render(v, lang) for k, v in params.items()
    }
    out = template.format_map(_Safe(params))
    for name, value in params.items():
        if value is not True:
            continue
        # a conditional sentence of the form said ("key.one.bone"), else of the key asked
        extra = table.get(f"{key}.{name}") or table.get(f"{asked}.{name}")
        if extra is not None:
            out += extra.format_map(_Safe(params))
    if signature is not None:
        if len(_SAID) >= _SAID_MAX:
            _SAID.clear()
        _SAID[(asked, lang, signature)] = (texts, out)
    return out


# problems of a value outside a vocabulary: their ``expected`` lists the allowed values
CHOICE_CODES = frozenset({"enum", "literal_error"})


def either(values: str, lang: Lang = "fr") -> str:
    """Quoted values listed with commas, the last one joined the reader's way:
    ``'a', 'b', 'c'`` -> ``'a', 'b' ou 'c'`` in French (``punct.or``)."""
    head, sep, last = values.rpartition(", '")
    if not sep:
        return values
    return text("punct.or", lang, {"head": head, "last": "'" + last})


def quoted(params: dict[str, str], code: str, lang: Lang) -> dict[str, str]:
    """A problem's values as its sentence quotes them (the allowed values of a vocabulary
    joined by the reader's "or")."""
    if code in CHOICE_CODES and "expected" in params:
        return {**params, "expected": either(params["expected"], lang)}
    return params


def problem_text(problem: Problem, lang: Lang = "fr") -> str:
    """A validation problem in ``lang`` (its English message when no translation exists)."""
    key = f"problem.{problem.code}"
    if not problem.code or key not in catalogue()[lang]:
        return problem.message
    return text(key, lang, quoted(dict(problem.params), problem.code, lang))


def error_text(error: ThyrefError, lang: Lang = "fr") -> str:
    """An error in ``lang``: the catalogue's ``<prefix>.<code>`` sentence with the error's
    values (``keyed_text``); its English message when it has no code there."""
    return keyed_text(f"{error.prefix}.{error.code}", dict(error.params), str(error), lang)


def keyed_text(key: str, params: dict[str, Any], english: str, lang: Lang) -> str:
    """The catalogue's sentence ``key`` in ``lang`` with ``params`` (``.at`` when they
    name a line and the catalogue has that form, e.g. the line and column of a JSON
    fault); ``english`` when the catalogue has no such key (or ``key`` is empty). Errors
    and the rejected records a cohort kept as key and values both read it."""
    table = catalogue()[lang]
    if not key or key not in table:
        return english
    if "line" in params and f"{key}.at" in table:
        key = f"{key}.at"
    return text(key, lang, params)
