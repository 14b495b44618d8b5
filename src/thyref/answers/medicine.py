"""Requests to act on a medicine: stop, pause, skip, halve, double, swap, restart, buy,
borrow, crush or combine it, take it at another time.

The product never tells a patient to stop, start or change a medicine: such a request is
declined and sent to the care team. Rather than listing whole wordings, a sentence is
read as one when it has an action verb in a form that is no past action told, a request
before it (permission, intent, a conditional, advice asked), and a medicine near the verb,
and is no question for information. The words of each part are data
(`kb/medicine.toml`); the medicine names also come from the lexicon and the therapies
file. See `MedicineActions.asks`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from thyref.answers.text import words

Phrase = tuple[str, ...]


def _phrases(items: Iterable[str]) -> frozenset[Phrase]:
    return frozenset(p for p in (tuple(words(i)) for i in items) if p)


def _starts(tokens: Sequence[str], i: int, phrase: Phrase) -> bool:
    """Whether the words from `i` on are `phrase`, its first word matched on its
    beginning ("arrete" is "arrêterais"), the others whole ("passer de" is not "passer
    des")."""
    return (
        i + len(phrase) <= len(tokens)
        and tokens[i].startswith(phrase[0])
        and tuple(tokens[i + 1 : i + len(phrase)]) == phrase[1:]
    )


def _equals(tokens: Sequence[str], i: int, phrase: Phrase) -> bool:
    """Whether the words from `i` on are exactly `phrase`."""
    return tuple(tokens[i : i + len(phrase)]) == phrase


def _by_first_word(phrases: frozenset[Phrase]) -> dict[str, tuple[Phrase, ...]]:
    """The phrases by their first word: a sentence's words look up only the phrases that
    can start there (hundreds of medicine names, a question read at every topic question
    when the engine is built)."""
    out: dict[str, list[Phrase]] = {}
    for phrase in phrases:
        out.setdefault(phrase[0], []).append(phrase)
    return {first: tuple(found) for first, found in out.items()}


def _found(
    tokens: Sequence[str], index: Mapping[str, tuple[Phrase, ...]]
) -> Iterable[tuple[int, Phrase]]:
    """Where the phrases of `index` stand in `tokens` (start, phrase)."""
    for i, token in enumerate(tokens):
        for phrase in index.get(token, ()):
            if _equals(tokens, i, phrase):
                yield i, phrase


@dataclass(frozen=True)
class MedicineActions:
    """The detector, built from `kb/medicine.toml` and the medicine names."""

    strong: frozenset[Phrase]
    weak: frozenset[Phrase]
    # after a verb: the medicine is its subject ("if Lenvima stops working")
    not_followed_by: frozenset[Phrase]
    modal: frozenset[Phrase]
    free: frozenset[Phrase]
    persons: frozenset[str]
    speakers: frozenset[str]
    subjects: frozenset[str]
    gap: frozenset[str]
    window: int
    auxiliaries: frozenset[str]
    past_between: frozenset[str]
    past_window: int
    infinitive_endings: tuple[str, ...]
    en_past_endings: tuple[str, ...]
    en_past_forms: frozenset[str]
    conditionals: frozenset[str]
    medicines: frozenset[Phrase]
    not_medicines: frozenset[Phrase]
    quantities: frozenset[Phrase]
    pronouns_before: frozenset[str]
    pronouns_after: frozenset[str]
    after: int
    before: int
    info: frozenset[Phrase]
    # giving a medicine: a strong verb only when someone outside the care team gives it
    # ("mon voisin peut me le donner ?", "can my friend give me a few of her pills"),
    # not a doctor prescribing it ("can my doctor give me lenvatinib?")
    give: frozenset[Phrase] = frozenset()
    givers: frozenset[Phrase] = frozenset()
    giver_window: int = 0
    # taking it with a change of how it is taken (`[change]` of kb/medicine.toml): a
    # conditional within `change_window` words before a weak verb, the words before it
    # that negate or restrict it, the phrases after it that restrict it, leave out a
    # medicine or add one
    change_window: int = 0
    change_before: frozenset[str] = frozenset()
    change_restrict: frozenset[Phrase] = frozenset()
    change_without: frozenset[Phrase] = frozenset()
    change_combine: frozenset[Phrase] = frozenset()
    # the lexicon concepts a request adds to a question's concepts (strong verb, weak)
    concept_strong: str = "medicine-action"
    concept_weak: str = "medicine-take"

    @classmethod
    def from_config(
        cls,
        raw: Mapping[str, Any],
        lexicon: Mapping[str, Any],
        drug_names: Iterable[str] = (),
    ) -> MedicineActions:
        """The detector of `raw` (`kb/medicine.toml`); the medicines are its words, the
        terms of the lexicon concepts it names (and of those implying them) and
        `drug_names`."""
        verbs, request, past = raw["verbs"], raw["request"], raw["past"]
        change = raw.get("change", {})
        med = raw["medicines"]
        wanted = set(med.get("concepts", ()))
        # the lexicon concepts that are or imply a medicine concept
        changed = True
        while changed:
            changed = False
            for cid, spec in lexicon.items():
                if cid not in wanted and wanted & set(spec.get("implies", ())):
                    wanted.add(cid)
                    changed = True
        names = [
            term
            for cid in sorted(wanted)
            for key in ("any", "fr", "en", "exact")
            for term in lexicon.get(cid, {}).get(key, ())
        ]
        return cls(
            strong=_phrases(verbs["strong"]),
            weak=_phrases(verbs["weak"]),
            not_followed_by=_phrases(verbs.get("not_followed_by", ())),
            modal=_phrases(request["modal"]),
            free=_phrases(request["free"]),
            persons=frozenset(request["persons"]),
            speakers=frozenset(request["speakers"]),
            subjects=frozenset(request["subjects"]),
            gap=frozenset(request["gap"]),
            window=int(request["window"]),
            auxiliaries=frozenset(past["auxiliaries"]),
            past_between=frozenset(past["between"]),
            past_window=int(past["window"]),
            infinitive_endings=tuple(past["infinitive_endings"]),
            en_past_endings=tuple(past["en_past_endings"]),
            en_past_forms=frozenset(past["en_past_forms"]),
            conditionals=frozenset(past["conditionals"]),
            medicines=_phrases([*med["words"], *names, *drug_names]),
            not_medicines=_phrases(med.get("not_medicines", ())),
            quantities=_phrases(med.get("quantities", ())),
            pronouns_before=frozenset(med["pronouns_before"]),
            pronouns_after=frozenset(med["pronouns_after"]),
            after=int(med["after"]),
            before=int(med["before"]),
            info=_phrases(raw["info"]["phrases"]),
            give=_phrases(raw.get("givers", {}).get("verbs", ())),
            givers=_phrases(raw.get("givers", {}).get("persons", ())),
            giver_window=int(raw.get("givers", {}).get("window", 0)),
            change_window=int(change.get("window", 0)),
            change_before=frozenset(change.get("before", ())),
            change_restrict=_phrases(change.get("restrict", ())),
            change_without=_phrases(change.get("without", ())),
            change_combine=_phrases(change.get("combine", ())),
            concept_strong=str(raw.get("concept", {}).get("strong", "medicine-action")),
            concept_weak=str(raw.get("concept", {}).get("weak", "medicine-take")),
        )

    # ------------------------------------------------------------------ parts
    def medicine_spans(self, tokens: Sequence[str]) -> list[tuple[int, int]]:
        """Where the words name a medicine (start, end), not inside a phrase that names
        something else ("prise de sang")."""
        hidden = {k for i, p in _found(tokens, self._not_medicines) for k in range(i, i + len(p))}
        return [(i, i + len(p)) for i, p in _found(tokens, self._medicines) if i not in hidden]

    @cached_property
    def _medicines(self) -> dict[str, tuple[Phrase, ...]]:
        return _by_first_word(self.medicines)

    @cached_property
    def _not_medicines(self) -> dict[str, tuple[Phrase, ...]]:
        return _by_first_word(self.not_medicines)

    @cached_property
    def _givers(self) -> dict[str, tuple[Phrase, ...]]:
        return _by_first_word(self.givers)

    @cached_property
    def _info(self) -> dict[str, tuple[Phrase, ...]]:
        return _by_first_word(self.info)

    def _verbs(self, tokens: Sequence[str]) -> list[tuple[int, int, bool]]:
        """The action verbs (start, end, strong)."""
        found: list[tuple[int, int, bool]] = []
        for i in range(len(tokens)):
            for strong, table in ((True, self.strong), (False, self.weak)):
                for p in table:
                    if _starts(tokens, i, p) and not any(
                        _equals(tokens, i + len(p), q) for q in self.not_followed_by
                    ):
                        found.append((i, i + len(p), strong))
            if any(_starts(tokens, i, p) for p in self.give) and self._given_by_someone(tokens, i):
                found.append((i, i + 1, True))
        return found

    def _given_by_someone(self, tokens: Sequence[str], i: int) -> bool:
        """Whether someone outside the care team (a neighbour, a friend, a relative)
        stands within `giver_window` words before the giving verb at `i`."""
        start = max(0, i - self.giver_window)
        return any(start <= k < i for k, _ in _found(tokens[:i], self._givers))

    def _is_past(self, tokens: Sequence[str], i: int) -> bool:
        """Whether the verb at `i` tells a past action: a participle after an auxiliary
        ("j'ai arrêté", "I have stopped"), or an English past form without a conditional
        before it ("I stopped" but not "what if I stopped")."""
        verb = tokens[i]
        if not verb.endswith(self.infinitive_endings):
            k = i - 1
            while k >= max(0, i - self.past_window) and tokens[k] in self.past_between:
                k -= 1
            if k >= 0 and tokens[k] in self.auxiliaries:
                return True
        english_past = verb in self.en_past_forms or verb.endswith(self.en_past_endings)
        return english_past and not any(
            t in self.conditionals for t in tokens[max(0, i - self.window) : i]
        )

    def _near_person(self, tokens: Sequence[str], i: int, size: int) -> bool:
        """Whether someone says the request at `i`: a person in the two words before it
        ("ma mère peut", "je ne peux") or right after it ("puis-je", "could my wife"),
        not what the verb after it acts on ("la mutation peut changer mon traitement")."""
        nxt = i + size
        if nxt < len(tokens) and tokens[nxt] == "t":  # "peut-t-il"
            nxt += 1
        if any(t in self.persons for t in tokens[max(0, i - 2) : i]):
            return True
        if nxt >= len(tokens) or tokens[nxt] not in self.persons:
            return False
        # "peut-elle" stands for a thing named before it unless that is a person ("ma
        # mère peut-elle"): only a first or second person is always someone
        return tokens[nxt] in self.speakers or any(
            t in self.persons for t in tokens[max(0, i - 3) : i]
        )

    def _requested(self, tokens: Sequence[str], verb: int, strong: bool) -> bool:
        """Whether a request stands before the verb at `verb`: within `window` words for
        a strong verb, with only `gap` words between for a weak one. A first person
        right before a strong verb counts too ("je baisse ?")."""
        # the words before the verb, closest first, skipping the gap words for a weak verb
        before: list[int] = []
        for k in range(verb - 1, -1, -1):
            if strong and len(before) >= self.window:
                break
            before.append(k)
            if not strong and tokens[k] not in self.gap:
                break
        for k in before:
            for p in self.free:
                # "if I take lenvatinib, can I..." sets a scene: a weak verb needs leave
                if _equals(tokens, k, p) and (strong or p[0] not in self.conditionals):
                    return True
            for p in self.modal:
                if _equals(tokens, k, p) and self._near_person(tokens, k, len(p)):
                    return True
        if strong:
            k = verb - 1
            while k >= 0 and tokens[k] in self.gap and tokens[k] not in self.subjects:
                k -= 1
            return k >= 0 and tokens[k] in self.subjects
        return False

    def _has_object(
        self,
        tokens: Sequence[str],
        verb: int,
        end: int,
        strong: bool,
        spans: Sequence[tuple[int, int]],
        named: bool,
    ) -> bool:
        """Whether the verb acts on a medicine: one named near it (a weak verb: right
        after it), or a pronoun or a quantity standing for one named elsewhere."""
        after = self.after if strong else 3
        if any(end <= s < end + after for s, _ in spans):
            return True
        if strong and any(verb - self.before <= s < verb for s, _ in spans):
            return True
        if not named:
            return False
        if end < len(tokens) and tokens[end] in self.pronouns_after:
            return True
        if verb > 0 and tokens[verb - 1] in self.pronouns_before:
            return True
        return any(_equals(tokens, k, q) for k in range(end, end + 3) for q in self.quantities)

    def _changes_taking(
        self,
        tokens: Sequence[str],
        verb: int,
        end: int,
        spans: Sequence[tuple[int, int]],
        named: bool,
    ) -> bool:
        """Whether the weak verb at `verb` (taking a medicine) asks a change of how it is
        taken: one medicine without another or with another added ("si je prends le
        trametinib sans le dabrafenib ?", "je peux le prendre en plus du lenvatinib ?"),
        asked or supposed; or, after a conditional, the taking negated or restricted
        ("si je ne prends pas mon sorafenib le dimanche", "what if I only take...", "et si
        je prenais le Lenvima un jour sur trois ?"). A conditional alone sets a scene ("si
        je prends du lenvatinib, puis-je me faire vacciner ?")."""
        if not self._has_object(tokens, verb, end, False, spans, named):
            return False
        window = tokens[max(0, verb - self.change_window) : verb]
        supposed = any(t in self.conditionals for t in window) or any(
            _equals(tokens, k, p)
            for k in range(max(0, verb - self.change_window), verb)
            for p in self.conditionals_phrases
        )
        asked = self._requested(tokens, verb, False)
        if not (supposed or asked):
            return False
        stop = min(len(tokens), end + self.after + 2)
        later = range(end, stop)
        starts = {s for s, _ in spans}
        for k in later:
            for p in self.change_without:
                if _equals(tokens, k, p) and any(k + len(p) <= s < k + len(p) + 3 for s in starts):
                    return True
            if len(spans) >= 2 and any(_equals(tokens, k, p) for p in self.change_combine):
                return True
        if asked:
            return False
        if any(t in self.change_before for t in tokens[max(0, verb - 3) : verb]):
            return True
        return any(_equals(tokens, k, p) for k in later for p in self.change_restrict)

    @cached_property
    def conditionals_phrases(self) -> frozenset[Phrase]:
        """The conditionals of more than one word ("au cas")."""
        return frozenset(p for p in _phrases(self.conditionals) if len(p) > 1)

    # ------------------------------------------------------------------ reading
    def asks(self, sentences: Sequence[Sequence[str]]) -> list[str]:
        """The concepts of the requests to act on a medicine that a question's sentences
        (each its folded words) make: `concept_strong` for stopping, changing, swapping
        it..., `concept_weak` for leave to take or start it; none for another question."""
        named = any(self.medicine_spans(s) for s in sentences)
        if not named:
            return []
        kinds = {kind for s in sentences for kind in self._asks_in(s, named)}
        return [
            c for k, c in ((True, self.concept_strong), (False, self.concept_weak)) if k in kinds
        ]

    def _asks_in(self, tokens: Sequence[str], named: bool) -> set[bool]:
        """Whether the sentence asks with a strong verb (True), a weak one (False)."""
        if any(_found(tokens, self._info)):
            return set()
        spans = self.medicine_spans(tokens)
        kinds: set[bool] = set()
        for start, end, strong in self._verbs(tokens):
            if self._is_past(tokens, start):
                continue
            if not strong and self._changes_taking(tokens, start, end, spans, named):
                kinds.add(True)
                continue
            if not self._requested(tokens, start, strong):
                continue
            if self._has_object(tokens, start, end, strong, spans, named):
                kinds.add(strong)
        return kinds
