"""Domain lexicon: synonyms, abbreviations, brand names and misspellings as concepts.

A concept (e.g. `sorafenib`) lists terms ("sorafenib", "Nexavar", "sorafénib"...). Terms
are matched word by word on stems, so "crevasses" finds "crevasse"; words of up to
`EXACT_MAX_LEN` letters must match exactly (stems of short words collide: "mets" and
"métas"). Every match adds the concept token `@<id>` (plus the concepts it implies) to
what is indexed or searched, so a question saying "Nexavar" meets an answer saying
"sorafenib".

A concept may be flagged `subject`: it names what one topic is about (hand-foot syndrome,
the mediastinum, MERAIODE...), so a question naming it stays answerable even when it also
mentions a subject the knowledge base does not cover (tier `offtopic`), unless that
off-topic concept is `decisive` (a healthy person, a smoker's lung) and no `context`
concept (metastases, refractory, radioactive iodine, a targeted drug...) places the
question in thyroid-cancer care. A `care_team` off-topic concept (changing one's own dose,
skipping or stopping a drug before a procedure, which doctor to believe) declines the
question whatever subject or context it names. A subject concept may also `need` other
concepts: it counts only when one of them is named too (a sore or a burning names the
hand-foot syndrome with the hands, the feet or the skin, not in the mouth); an off-topic
concept that `needs` others declines a question only beside one of them (a verdict asked,
"c'est grave ?", is a reading of one's own figures beside a marker such as the Tg). A `negated`
concept names a symptom with its own negation ("no appetite", "ne cicatrise pas"): it is
never read as a subject named in passing. Two concepts may
not share a match key unless one implies the other (stems collide: "curie" and "cure");
terms listed as `exact` are matched on whole words only ("assurance", not "assure").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from thyref.answers.text import LANGS, Analyzer, Lang, words

Tier = Literal["strong", "weak", "none", "offtopic"]
TIERS: tuple[Tier, ...] = ("strong", "weak", "none", "offtopic")
CONCEPT_PREFIX = "@"
EXACT_MAX_LEN = 4


def match_keys(analyzer: Analyzer, tokens: Sequence[str]) -> list[str]:
    """What lexicon terms are matched on: the word itself when short, else its stem."""
    return [t if len(t) <= EXACT_MAX_LEN else analyzer.stem(t) for t in tokens]


@dataclass(frozen=True)
class Concept:
    id: str
    tier: Tier
    implies: frozenset[str]
    subject: bool = False
    context: bool = False
    decisive: bool = False
    # the question asks for the care team's own decision (changing one's own dose,
    # stopping a drug before a procedure, which doctor to believe): declined whatever
    # subject or context it also names, unless the best topic's own questions name it
    care_team: bool = False
    needs_context: bool = False
    # a subject that counts only when one of these concepts is named too
    needs: frozenset[str] = frozenset()
    # its terms carry their own negation ("no appetite"): a report, never "in passing"
    negated: bool = False
    # concepts this one's phrase overrides inside its own span ("pas de cancer de la
    # thyroïde" is not a thyroid-cancer mention; "start to grow" is not "start" a drug)
    masks: frozenset[str] = frozenset()
    # off-topic concepts: concepts (and those implying them) that never count as what a
    # topic's own questions name beside this one ("stop the drug": the drug named is
    # what is stopped, not the subject that makes the topic answer it)
    not_beside: frozenset[str] = frozenset()
    # off-topic concepts: only these concepts rescue the question, not any subject of the
    # topic ("my skin goes red in the sun on vandetanib" names the skin, a subject of the
    # hand-foot answer, but only the hands or the feet make it that answer)
    rescued_only_by: frozenset[str] = frozenset()
    # found in a question only where one of its terms begins a sentence ("Est-ce que ça
    # se soigne ?", not "la calvitie, ça se soigne ?": there "ça" is the baldness)
    leading: bool = False
    # off-topic concepts: a question declined for naming it is answered with
    # condolences first (a relative's death, a family's guilt over it)
    condolences: bool = False

    @property
    def token(self) -> str:
        return CONCEPT_PREFIX + self.id


class LexiconError(ValueError):
    """The lexicon data file is inconsistent."""


class Lexicon:
    """Concept matcher for both languages."""

    def __init__(self, raw: Mapping[str, Any], analyzers: Mapping[Lang, Analyzer]) -> None:
        self.concepts: dict[str, Concept] = {}
        for cid, spec in raw.items():
            tier = spec.get("tier", "none")
            if tier not in TIERS:
                raise LexiconError(f"concept {cid}: unknown tier {tier!r}")
            self.concepts[cid] = Concept(
                cid,
                tier,
                frozenset(spec.get("implies", ())),
                subject=bool(spec.get("subject", False)),
                context=bool(spec.get("context", False)),
                decisive=bool(spec.get("decisive", False)),
                care_team=bool(spec.get("care_team", False)),
                needs_context=bool(spec.get("needs_context", False)),
                needs=frozenset(spec.get("needs", ())),
                negated=bool(spec.get("negated", False)),
                masks=frozenset(spec.get("masks", ())),
                not_beside=frozenset(spec.get("not_beside", ())),
                rescued_only_by=frozenset(spec.get("rescued_only_by", ())),
                leading=bool(spec.get("leading", False)),
                condolences=bool(spec.get("condolences", False)),
            )
        for c in self.concepts.values():
            for field in ("implies", "masks", "needs", "not_beside", "rescued_only_by"):
                unknown = getattr(c, field) - self.concepts.keys()
                if unknown:
                    raise LexiconError(f"concept {c.id}: {field} unknown {sorted(unknown)}")
        self._closure = {cid: self._implied(cid) for cid in self.concepts}
        self._tables: dict[Lang, dict[tuple[str, ...], set[str]]] = {}
        self._exact: dict[tuple[str, ...], set[str]] = {}
        self.max_len = 1
        # words of the terms: spelling targets, except off-topic ones (only known words:
        # a typo is never "corrected" into a reason to decline)
        self.surface_words: set[str] = set()
        self.offtopic_words: set[str] = set()
        # the figures found in terms ("iode 124", "600 mci"): a question's figure is
        # searched only when it is one of them
        self.term_numbers: frozenset[str] = frozenset(
            t
            for spec in raw.values()
            for key in ("any", "fr", "en", "exact")
            for term in spec.get(key, ())
            for t in words(term)
            if t.isdigit()
        )
        for cid, spec in raw.items():
            for term in spec.get("exact", ()):
                toks = words(term)
                self._exact.setdefault(tuple(toks), set()).add(cid)
                self._add_surface(cid, toks)
                self.max_len = max(self.max_len, len(toks))
        for lang in LANGS:
            table: dict[tuple[str, ...], set[str]] = {}
            for cid, spec in raw.items():
                for term in [*spec.get("any", ()), *spec.get(lang, ())]:
                    toks = words(term)
                    if not toks:
                        continue
                    self._add_surface(cid, toks)
                    key = tuple(match_keys(analyzers[lang], toks))
                    table.setdefault(key, set()).add(cid)
                    self.max_len = max(self.max_len, len(key))
            self._check_collisions(table, lang)
            self._tables[lang] = table

    def _add_surface(self, cid: str, toks: Sequence[str]) -> None:
        if self.concepts[cid].tier == "offtopic":
            self.offtopic_words.update(toks)
        else:
            self.surface_words.update(toks)

    def _check_collisions(self, table: Mapping[tuple[str, ...], set[str]], lang: Lang) -> None:
        for key, cids in table.items():
            for a in cids:
                for b in cids:
                    if a < b and b not in self._closure[a] and a not in self._closure[b]:
                        raise LexiconError(
                            f"concepts {a} and {b} share the {lang} match key {' '.join(key)!r}"
                        )

    def implied(self, cid: str) -> frozenset[str]:
        """The concept and every concept it implies, directly or not."""
        return self._closure[cid]

    def _implied(self, cid: str) -> frozenset[str]:
        seen: set[str] = set()
        todo = [cid]
        while todo:
            cur = todo.pop()
            if cur in seen:
                continue
            seen.add(cur)
            todo.extend(self.concepts[cur].implies)
        return frozenset(seen)

    def match(
        self, keys: Sequence[str], lang: Lang, tokens: Sequence[str] | None = None
    ) -> list[str]:
        """Concept ids found in a text given as its `match_keys`, one per match.

        Overlapping matches all count ("iode 131" gives both `rai` and `iodine`). The
        `exact` terms of a concept (matched on whole words, not stems: "assurance" but not
        "assure") are only looked for when the folded `tokens` are given.
        """
        hits: list[tuple[int, int, str]] = []
        for table, seq in ((self._tables[lang], keys), (self._exact, tokens or ())):
            n = len(seq)
            for i in range(n):
                for size in range(1, min(self.max_len, n - i) + 1):
                    hit = table.get(tuple(seq[i : i + size]))
                    if hit:
                        hits.extend((i, size, cid) for cid in sorted(hit))
        # an off-topic word inside a longer in-domain phrase is not off-topic ("keep an
        # eye on" the nodules is not about the eyes)
        covers = [(i, i + size) for i, size, cid in hits if self.concepts[cid].tier != "offtopic"]
        # a concept's phrase overrides the concepts it `masks` found inside it
        masked = [
            (i, i + size, self.concepts[cid].masks)
            for i, size, cid in hits
            if self.concepts[cid].masks
        ]
        found: list[str] = []
        for i, size, cid in hits:
            if self.concepts[cid].tier == "offtopic" and any(
                a <= i and i + size <= b and b - a > size for a, b in covers
            ):
                continue
            if any(cid in m and a <= i and i + size <= b for a, b, m in masked):
                continue
            found.extend(sorted(self._closure[cid]))
        return found

    def subjects(self, concept_ids: Sequence[str]) -> set[str]:
        """The `subject` concepts among `concept_ids` (those that `need_context` only when
        a context concept is among them too, those that `need` others only when one of
        these is among them too)."""
        in_care = self.has_context(concept_ids)
        here = frozenset(concept_ids)
        return {
            c
            for c in here
            if self.concepts[c].subject
            and (in_care or not self.concepts[c].needs_context)
            and self.needs_met(c, here)
        }

    def needs_met(self, concept_id: str, concept_ids: frozenset[str]) -> bool:
        """Whether a concept that `needs` others has one of them among `concept_ids`
        (a concept without `needs` always has): a verdict asked ("c'est grave ?") is about
        one's own figures only beside a marker such as the Tg."""
        needs = self.concepts[concept_id].needs
        return not needs or bool(needs & concept_ids)

    def counts_beside(self, concept_id: str, offtopic_id: str) -> bool:
        """Whether `concept_id`, named in a topic's own question beside the off-topic
        `offtopic_id`, counts as what makes that topic answer it (not when it is or
        implies one of the off-topic concept's `not_beside`)."""
        return not (self._closure[concept_id] & self.concepts[offtopic_id].not_beside)

    def has_context(self, concept_ids: Sequence[str]) -> bool:
        """Whether one of `concept_ids` places the question in thyroid-cancer care."""
        return any(self.concepts[c].context for c in concept_ids)

    def tiers(self, concept_ids: Sequence[str]) -> set[Tier]:
        return {self.concepts[c].tier for c in concept_ids}
