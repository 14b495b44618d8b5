"""The web pages' words, read from the one message catalogue (``thyref.domain.messages``).

Page text lives under ``web.*`` keys and the words for the case format's codes under
``vocab.<vocabulary>.<value>`` in ``data/messages-ui.toml``; this module only looks them up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from markupsafe import Markup, escape

from thyref.domain.messages import Lang, catalogue, colon, keys, plural_form, semicolon, text
from thyref.domain.recist import legend_codes, said_text

LANGS: Final = ("fr", "en")
DEFAULT_LANG: Final = "fr"
# Units are written the same way in every language: no words to translate.
UNITS: Final[dict[str, tuple[str, ...]]] = {"unit": ("mCi", "GBq", "MBq")}


def normalise_lang(value: str | None) -> str | None:
    """'fr' or 'en' when ``value`` names one of them (e.g. 'en-GB'), else None."""
    if not value:
        return None
    code = value.strip().lower()[:2]
    return code if code in LANGS else None


class Translator:
    """Page text and vocabulary words in one language."""

    def __init__(self, lang: str) -> None:
        self.lang: Lang = "en" if lang == "en" else "fr"

    def __call__(self, key: str, **values: object) -> str:
        return text(f"web.{key}", self.lang, dict(values) if values else None)

    def plural(self, key: str, n: int, **values: object) -> str:
        """``key.one`` or ``key.other`` by the count (0 and 1 are singular in French)."""
        return self(f"{key}.{plural_form(n, self.lang)}", n=n, **values)

    @property
    def colon(self) -> str:
        """The colon mark of the page's language, the space after it left to the template."""
        return colon(self.lang)

    @property
    def semicolon(self) -> str:
        """The separator of a list of clauses, with its space."""
        return semicolon(self.lang)

    def has(self, key: str) -> bool:
        return f"web.{key}" in catalogue()[self.lang]

    def say(self, key: str, **values: object) -> str:
        """A message of the catalogue outside the ``web.`` keys (engine words, reports)."""
        return text(key, self.lang, dict(values) if values else None)

    def label(self, vocabulary: str, value: object) -> str:
        """The word for a vocabulary value; the value itself when it is not known."""
        if value is None or value == "":
            return ""
        key = f"vocab.{vocabulary}.{value}"
        table = catalogue()[self.lang]
        return table[key] if key in table else str(value)

    def response(self, code: str | None) -> str:
        """A RECIST response in words with its code beside them: "progression (MP)";
        "" when there is none (``recist.said``, as the engine's sentences say it)."""
        return said_text(code, self.lang)

    def response_abbr(self, code: str | None) -> Markup:
        """A RECIST response code for a table cell, its words in the title (read aloud by
        screen readers and shown on hover): ``<abbr title="progression">MP</abbr>``."""
        if not code:
            return Markup("")
        if code == "ND":
            return escape(self.label("response", code))
        words = self.say(f"board.response.{code}")
        return Markup('<abbr title="{}">{}</abbr>').format(words, self.label("response", code))

    def response_legend(self, timepoints: Iterable[Mapping[str, Any]]) -> list[str]:
        """The response codes of a RECIST table (target, non-target, overall), in the
        order a legend gives them."""
        fields = ("target_response", "non_target_response", "overall_response")
        return legend_codes(tp.get(f) for tp in timepoints for f in fields)

    def options(self, vocabulary: str) -> list[tuple[str, str]]:
        """(value, word) pairs of a vocabulary, in the order of the data file.

        Values said with the same word (``IU/mL`` and ``UI/mL``) are offered once.
        """
        if vocabulary in UNITS:
            return [(unit, unit) for unit in UNITS[vocabulary]]
        prefix = f"vocab.{vocabulary}."
        table = catalogue()[self.lang]
        seen: set[str] = set()
        out: list[tuple[str, str]] = []
        for key in keys(prefix, self.lang):
            if table[key] not in seen:
                seen.add(table[key])
                out.append((key[len(prefix) :], table[key]))
        return out
