"""Words and codes that betray the other language on a page or in a report.

A French page must show no English word from ``ENGLISH`` and no raw code; an English
page no French word from ``FRENCH`` and no space before a colon. Codes of criteria and
options (``DTC-NO-UPTAKE``) may appear as small labels beside their words: they are
upper case with hyphens and are not in these lists.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# English words a French page must not show (whole words, any case).
ENGLISH = (
    "metastatic", "locoregional", "calcitonin", "thyroglobulin", "rising", "falling",
    "insufficient", "unreliable", "refractory", "indeterminate", "the", "and", "with",
    "without", "of", "none", "unknown", "yes", "lesion", "lesions", "scan", "sum",
    "baseline", "progression within", "doubling", "halving", "asserted", "history",
    "assessment", "case", "cases", "lung", "bone", "avid",
)  # fmt: skip
# French words an English page must not show.
FRENCH = (
    "réfractaire", "métastatique", "locorégional", "locorégionale", "lésion", "lésions",
    "cure", "cures", "thyroglobuline", "calcitonine", "données", "le", "la", "les", "des",
    "du", "et", "avec", "pour", "sans", "dossier", "dossiers", "aucun", "aucune", "oui",
    "poumon", "os", "fixe", "hausse", "baisse", "référence", "somme", "examen", "déclarée",
    "historique", "évaluation", "inconnue", "iode",
)  # fmt: skip
# Raw codes never shown as text, in either language.
RAW_CODE = re.compile(r"\b(?:[a-z]+_[a-z0-9_]+|\d+m_to_\d+m|NON_CR_NON_PD)\b")
FRENCH_ONLY_CODES = re.compile(r"\b(?:SD|CR|PR|IU/mL|IU/L)\b")  # RECIST in French: RC, RP, MS
ENGLISH_ONLY_CODES = re.compile(r"\b(?:MS|RC|RP|UI/mL|UI/L)\b")
BAD_PLURAL = re.compile(r"\b1 (?:cures|administrations|lésions|lesions|doses)\b")


class _Visible(HTMLParser):
    """Visible text and readable attributes of a page, without code and other-language parts."""

    SKIP = frozenset({"script", "style", "code", "textarea"})
    BLOCK = frozenset({
        "p", "div", "li", "ul", "ol", "td", "th", "tr", "table", "h1", "h2", "h3", "h4", "br",
        "option", "section", "header", "footer", "nav", "main", "form", "label", "dt", "dd",
        "figure", "figcaption", "caption", "fieldset", "legend", "aside", "select", "details",
        "summary", "button", "a",
    })  # fmt: skip
    VOID = frozenset({"br", "img", "input", "meta", "link", "hr", "source", "wbr", "col", "area"})

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang
        self.stack: list[bool] = []  # True when the element hides its text
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in self.BLOCK:
            self.parts.append(" ")
        hidden = bool(self.stack and self.stack[-1])
        other_lang = found.get("lang") not in (None, self.lang)
        classes = (found.get("class") or "").split()
        hides = hidden or tag in self.SKIP or other_lang or "code" in classes or "hidden" in found
        if not hidden and (tag == "code" or "code" in classes):
            self.parts.append("‹code›")  # a code label: allowed, and keeps the sentence readable
        if not hides:
            for name in ("title", "alt", "aria-label", "placeholder"):
                if found.get(name):
                    self.parts.append(f" {found[name]} ")
        if tag not in self.VOID:
            self.stack.append(hides)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCK:
            self.parts.append(" ")
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


def visible_text(html: str, lang: str) -> str:
    parser = _Visible(lang)
    parser.feed(html)
    return " ".join("".join(parser.parts).split())


def svg_text(svg: str) -> str:
    return " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg))


def leaks(text: str, lang: str) -> list[str]:
    """What in ``text`` belongs to the other language (empty when the text is clean)."""
    words = ENGLISH if lang == "fr" else FRENCH
    found = [
        word
        for word in words
        if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text, re.IGNORECASE)
    ]
    found += RAW_CODE.findall(text)
    found += (FRENCH_ONLY_CODES if lang == "fr" else ENGLISH_ONLY_CODES).findall(text)
    found += BAD_PLURAL.findall(text)
    if lang == "en":
        found += [m.group(0) for m in re.finditer(r"\S+ :(?!\d)", text)]
    return found


def context(text: str, needle: str, width: int = 60) -> str:
    at = text.find(needle)
    return text[max(0, at - width) : at + len(needle) + width] if at >= 0 else needle
