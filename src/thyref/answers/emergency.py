"""Emergency guard: questions reporting an emergency first get the emergency-number advice.

The question is cut into clauses (at sentence ends, commas and words such as "mais",
"but", "just"); each clause is folded (lower case, no accents, single spaces between
words) and searched for the patterns of `kb/emergency.toml`. A sign found in a clause
does not count when:

- a negation word stands just before it ("no chest pain", "je ne suis pas suicidaire"),
  with no "and"/"et"/"with" between ("no fever and chest pain" reports chest pain);
- the clause dates it to the past ("une hémorragie en 2010", "il y a 5 ans");
- its sentence is a general question about a risk ("les thérapies ciblées peuvent donner
  des hémorragies ?"), that is a question with a word of risk or possibility and no
  word of a current, personal report ("je", "since", "ce matin"...).

Forum and SMS spellings are written out first (`[spelling]`: "jveux" -> "j veux",
"g" -> "j ai", "ds" -> "dans"). A short form that is also a sign is read as another word
only where it stands as that word (`[[spelling.in_context]]`: "avc le lenvima" is "avec
le lenvima", but "un avc", "papa avc", "avc la bouche de travers" stay a stroke).

Some signs count only together (very high blood pressure *and* a headache or blurred
vision), anywhere in the question. In doubt the guard fires: a sign reported in one
clause fires even when another clause negates something else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from thyref.answers.text import (
    Analyzer,
    ContextualReading,
    Lang,
    SpellingCorrector,
    fold,
    normalised,
)

_SENTENCE = re.compile(r"([^.!?;\n]*)([.!?;\n]*)")
_CARRY = frozenset({"or", "nor", "ou", "ni"})
_DECIMAL = re.compile(r"(\d)[.,](\d)")


def _first_by_stem(signs: Iterable[str], analyzers: Iterable[Analyzer]) -> dict[str, str]:
    """Each stem of the sign words mapped to the first sign word listed with it."""
    out: dict[str, str] = {}
    for w in signs:
        if len(w) >= 5:
            for a in analyzers:
                out.setdefault(a.stem(w), w)
    return out


def _alternation(patterns: Sequence[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


@dataclass(frozen=True)
class Clause:
    """One folded clause of a question, and whether its sentence is a question."""

    text: str
    question: bool
    sentence: str = ""
    # the clause itself or the next one of its sentence says the sign is over
    resolved: bool = False


@dataclass(frozen=True)
class EmergencyGuard:
    # searched one by one: Python's regex engine is several times slower on one
    # alternation of a few hundred patterns than on the patterns in turn
    patterns: tuple[re.Pattern[str], ...]
    combinations: tuple[tuple[re.Pattern[str], ...], ...]
    ignore: re.Pattern[str] | None
    clause_breaks: re.Pattern[str]
    negation: re.Pattern[str]
    negation_window: int
    negation_ends: frozenset[str]
    past: re.Pattern[str]
    risk_words: re.Pattern[str]
    interrogative: re.Pattern[str]
    report_words: re.Pattern[str]
    messages: Mapping[Lang, str]
    # where the message's numbers come from (ids of kb/sources.toml): the emergency answer
    # cites them
    sources: tuple[str, ...] = ()
    resolved: re.Pattern[str] | None = None
    report_now: re.Pattern[str] | None = None
    respellings: Mapping[str, str] = field(default_factory=dict)
    glued: re.Pattern[str] | None = None
    speller: SpellingCorrector | None = None
    # stem -> sign word, for sign words cut short ("respir" -> "respire")
    sign_stems: Mapping[str, str] = field(default_factory=dict)
    # short forms read as another word only in some places ("avc" for "avec"); the
    # engine reads questions with them too
    readings: tuple[ContextualReading, ...] = ()

    @classmethod
    def from_config(
        cls,
        config: Mapping[str, Any],
        known: Iterable[str] = (),
        analyzers: Iterable[Analyzer] = (),
    ) -> EmergencyGuard:
        """The guard of `config` (`kb/emergency.toml`). Words of the `spelling.signs`
        list are also found misspelt ("respir", "bleding", "epilepsi") in words that are
        not `known` (the knowledge base's vocabulary: a real word such as "signe" is
        never turned into "saigne")."""
        ignore = list(config.get("ignore", ()))
        analyzers = tuple(analyzers)
        known = frozenset(known)
        spelling = config.get("spelling", {})
        context = config["context"]
        return cls(
            patterns=tuple(re.compile(p) for p in config["patterns"]),
            combinations=tuple(
                tuple(_alternation(group) for group in combo["all"])
                for combo in config.get("combinations", ())
            ),
            ignore=_alternation(ignore) if ignore else None,
            clause_breaks=_alternation(context["clause_breaks"]),
            negation=re.compile(r"\b(?:" + "|".join(context["negations"]) + r")\b"),
            negation_window=int(context["negation_window"]),
            negation_ends=frozenset(context.get("negation_ends", ())),
            past=_alternation(context["past"]),
            risk_words=_alternation(context["risk_words"]),
            interrogative=_alternation(context["interrogative"]),
            report_words=_alternation(context["report_words"]),
            messages={"fr": config["message"]["fr"], "en": config["message"]["en"]},
            sources=tuple(str(s) for s in config["message"].get("sources", ())),
            resolved=_alternation(context["resolved"]) if context.get("resolved") else None,
            report_now=(_alternation(context["report_now"]) if context.get("report_now") else None),
            respellings=dict(spelling.get("words", {})),
            glued=(
                re.compile(r"\bj(" + "|".join(spelling["glued_j"]) + r")\b")
                if spelling.get("glued_j")
                else None
            ),
            sign_stems=_first_by_stem(spelling.get("signs", ()), analyzers),
            readings=tuple(
                ContextualReading.from_config(r) for r in spelling.get("in_context", ())
            ),
            speller=(
                SpellingCorrector(
                    dict.fromkeys(spelling["signs"], 1),
                    also_known=known,
                    min_len=int(spelling.get("signs_min_len", 5)),
                    long_len=int(spelling.get("signs_long_len", 9)),
                    analyzers=analyzers,
                )
                if spelling.get("signs")
                else None
            ),
        )

    # ------------------------------------------------------------------ clauses
    def clauses(self, question: str) -> list[Clause]:
        """The folded clauses of `question` (see the module docstring)."""
        out: list[Clause] = []
        # a decimal point or comma inside a number ("39,8", "39.5") does not end anything
        for m in _SENTENCE.finditer(_DECIMAL.sub(r"\1 \2", self.read_in_context(question))):
            sentence, end = m.group(1), m.group(2)
            if not sentence.strip():
                continue
            is_question = "?" in end
            whole = self.respell(normalised(sentence))
            pieces: list[str] = []
            for part in re.split(r"[,:()\[\]]", sentence):
                text = self.respell(normalised(part))
                if self.ignore is not None:
                    text = normalised(self.ignore.sub(" ", text))
                for piece in self.clause_breaks.split(f" {text} "):
                    piece = piece.strip()
                    if piece:
                        pieces.append(piece)
            over = [self.resolved is not None and bool(self.resolved.search(p)) for p in pieces]
            for i, piece in enumerate(pieces):
                resolved = over[i] or (i + 1 < len(pieces) and over[i + 1])
                out.append(Clause(piece, is_question, whole, resolved))
        return out

    def read_in_context(self, question: str) -> str:
        """The folded question with its short forms read where they stand as another
        word (`[[spelling.in_context]]`: "avc le lenvima" is "avec le lenvima", "un avc"
        stays a stroke)."""
        text = fold(question)
        for reading in self.readings:
            text = reading.in_text(text)
        return text

    def respell(self, text: str) -> str:
        """SMS and forum spellings written out ("jveux" -> "j veux", "g" -> "j ai",
        "ds" -> "dans", "cant" -> "can t"), and misspelt sign words fixed ("respir" ->
        "respire"), so that the patterns need one spelling."""
        if self.glued is not None:
            text = self.glued.sub(r"j \1", text)
        out: list[str] = []
        for w in text.split():
            if w in self.respellings:
                out.append(self.respellings[w])
            elif (
                self.speller is not None
                and w not in self.speller.known
                and w not in self.speller.vocab
                and len(w) >= 5
            ):
                # a sign word cut short ("respir", "epilepsi", "killin")
                stemmed = next(
                    (
                        self.sign_stems[a.stem(w)]
                        for a in self.speller.analyzers
                        if a.stem(w) in self.sign_stems and self.sign_stems[a.stem(w)].startswith(w)
                    ),
                    None,
                )
                out.append(stemmed or self.speller.correct(w) or w)
            else:
                out.append(w)
        return " ".join(out)

    def _live(self, clause: Clause, now: bool = False) -> bool:
        """Whether `clause` can report a current sign: not over, not dated to the past,
        not a general question about a risk (unless the question says "right now"
        somewhere: `now`)."""
        if clause.resolved or self.past.search(clause.text):
            return False
        return now or not self._general_question(clause)

    def _counts(self, pattern: re.Pattern[str], clause: Clause) -> bool:
        """Whether `pattern` reports a current sign in a live `clause` (not negated)."""
        for m in pattern.finditer(clause.text):
            words = clause.text[: m.start()].split()
            window = self.negation_window
            # "no chest pain or shortness of breath": "or" carries the negation on
            if _CARRY & set(words[-window - 1 :]):
                window += 3
            before = words[-window:]
            # "no fever and chest pain": a negation does not reach past "and"
            ends = [i for i, w in enumerate(before) if w in self.negation_ends]
            if ends:
                before = before[ends[-1] + 1 :]
            if not self.negation.search(" ".join(before)):
                return True
        return False

    def _general_question(self, clause: Clause) -> bool:
        """A question about a risk in general: the sentence asks, names a risk or a
        possibility, and has no word of a personal, current report."""
        sentence = clause.sentence or clause.text
        asked = clause.question or self.interrogative.search(clause.text) is not None
        return (
            asked
            and self.risk_words.search(sentence) is not None
            and self.report_words.search(sentence) is None
        )

    # ------------------------------------------------------------------ verdict
    def is_emergency(self, question: str) -> bool:
        all_clauses = self.clauses(question)
        now = (
            self.report_now is not None
            and self.report_now.search(self.respell(normalised(self.read_in_context(question))))
            is not None
        )
        clauses = [c for c in all_clauses if self._live(c, now)]
        for c in clauses:
            text = c.text
            # a plain search first (fast); the negation check only on a hit
            if any(p.search(text) and self._counts(p, c) for p in self.patterns):
                return True
        return any(
            all(any(self._counts(group, c) for c in clauses) for group in combo)
            for combo in self.combinations
        )

    def message(self, lang: Lang) -> str:
        return self.messages[lang]
