"""Text normalisation: accent folding, tokenising, stemming, language detection."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeVar

import Stemmer

from thyref.text import fold as fold

Lang = Literal["fr", "en"]
LANGS: tuple[Lang, Lang] = ("fr", "en")

_STEMMER_NAMES: Mapping[Lang, str] = {"fr": "french", "en": "english"}
_NON_WORD = re.compile(r"[^a-z0-9]+")
_ACCENTED = re.compile(r"[àâäçéèêëîïôöùûüÿœæ]", re.IGNORECASE)
_FR_ELISION = re.compile(r"(?:^|[\s(])(?:[ldjcmnst]|qu)['’]\w", re.IGNORECASE)
_EN_CONTRACTION = re.compile(r"\w['’](?:s|t|m|re|ve|ll|d)\b", re.IGNORECASE)
# Words remembered by each cache of a stemmer or of the spelling corrector: questions come
# from anyone (the public patient page), so a cache of every word ever asked would grow
# without end. Full, a cache starts again (what it holds is recomputed on demand).
CACHE_MAX = 20_000


def words(text: str) -> list[str]:
    """Folded word tokens: letters and digits only, everything else separates words."""
    return _NON_WORD.sub(" ", fold(text)).split()


def normalised(text: str) -> str:
    """The folded words joined by single spaces (what phrase patterns are matched on)."""
    return " ".join(words(text))


@dataclass(frozen=True)
class ContextualReading:
    """A short form read as another word only where it stands as that word: "avc" is
    SMS for "avec" and also AVC, a stroke. It is read as `reading` when the next word is
    one of `next_words` (an article, a possessive: "avc le lenvima", "avc mes
    médicaments"), the word before it is none of `not_after` (an article or a verb that
    makes it the noun: "un avc", "fait avc") and no word of the next `window` starts with
    one of `unless` (a sign, a time, help called: "avc la bouche de travers", "avc ce
    matin", "avc le samu arrive"). Anywhere else it stays as written: in doubt, the
    stroke."""

    word: str
    reading: str
    next_words: frozenset[str]
    not_after: frozenset[str]
    unless: tuple[str, ...]
    window: int

    @classmethod
    def from_config(cls, raw: Mapping[str, object]) -> ContextualReading:
        def strings(key: str) -> list[str]:
            value = raw[key]
            if not isinstance(value, list):
                raise ValueError(f"{key}: a list of words expected")
            return [str(v) for v in value]

        return cls(
            word=str(raw["word"]),
            reading=str(raw["reading"]),
            next_words=frozenset(strings("next_words")),
            not_after=frozenset(strings("not_after")),
            unless=tuple(strings("unless")),
            window=int(str(raw["window"])),
        )

    def reads(self, before: Sequence[str], after: Sequence[str]) -> bool:
        """Whether the word, between the folded words `before` and `after`, is `reading`."""
        return (
            bool(after)
            and after[0] in self.next_words
            and not (before and before[-1] in self.not_after)
            and not any(w.startswith(self.unless) for w in after[: self.window])
        )

    def in_words(self, tokens: Sequence[str]) -> list[str]:
        """`tokens` (folded words) with the word read where it stands as `reading`."""
        return [
            self.reading if t == self.word and self.reads(tokens[:i], tokens[i + 1 :]) else t
            for i, t in enumerate(tokens)
        ]

    def in_text(self, folded: str) -> str:
        """`folded` text, punctuation kept, with the word read where it stands as
        `reading` (its context read across punctuation)."""

        def sub(m: re.Match[str]) -> str:
            before, after = words(folded[: m.start()]), words(folded[m.end() :])
            return self.reading if self.reads(before, after) else m.group(0)

        return re.sub(rf"\b{re.escape(self.word)}\b", sub, folded)


@dataclass
class Analyzer:
    """Stop words and a cached Snowball stemmer for one language."""

    lang: Lang
    stopwords: frozenset[str]
    _stemmer: Stemmer.Stemmer = field(init=False, repr=False)
    _cache: dict[str, str] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._stemmer = Stemmer.Stemmer(_STEMMER_NAMES[self.lang])

    def stem(self, word: str) -> str:
        """Stem of one folded word (cached: the vocabulary of questions is small)."""
        cached = self._cache.get(word)
        if cached is None:
            cached = str(self._stemmer.stemWord(word))
            _remember(self._cache, word, cached)
        return cached

    def content_stems(self, tokens: Iterable[str]) -> list[str]:
        """Stems of the tokens that are not stop words."""
        return [self.stem(t) for t in tokens if t not in self.stopwords]


@dataclass(frozen=True)
class LanguageDetector:
    """Guesses French or English from function words, accents and known vocabulary.

    `markers` are the function words found in only one language's list; `vocab` the
    words that occur in only one language's knowledge-base texts (a weaker signal, used
    to break ties). With no evidence at all the answer is French, the product's language.
    """

    markers: Mapping[Lang, frozenset[str]]
    vocab: Mapping[Lang, frozenset[str]]

    @classmethod
    def build(
        cls, stopwords: Mapping[Lang, frozenset[str]], vocab: Mapping[Lang, set[str]]
    ) -> LanguageDetector:
        fr, en = stopwords["fr"], stopwords["en"]
        return cls(
            markers={"fr": fr - en, "en": en - fr},
            vocab={
                "fr": frozenset(vocab["fr"] - vocab["en"]),
                "en": frozenset(vocab["en"] - vocab["fr"]),
            },
        )

    def detect(self, text: str, tokens: list[str] | None = None) -> Lang:
        return self.evidence(text, tokens) or "fr"

    def evidence(self, text: str, tokens: list[str] | None = None) -> Lang | None:
        """The language the text shows, None when it shows neither (a drug's name, an
        acronym, a typo): a caller that knows its reader's language keeps it then."""
        toks = words(text) if tokens is None else tokens
        score = 0.0
        for t in toks:
            if t in self.markers["fr"]:
                score += 1.0
            elif t in self.markers["en"]:
                score -= 1.0
        if _ACCENTED.search(text):
            score += 1.5
        if _FR_ELISION.search(text):
            score += 1.0
        if _EN_CONTRACTION.search(text):
            score -= 1.0
        if score == 0:
            for t in toks:
                if t in self.vocab["fr"]:
                    score += 0.5
                elif t in self.vocab["en"]:
                    score -= 0.5
        return None if score == 0 else "en" if score < 0 else "fr"


class SpellingCorrector:
    """Fixes typos against a known vocabulary (deletion-neighbourhood search).

    Words shorter than `min_len` and words already known (`vocab` or `also_known`, e.g.
    stop words, which are never proposed as corrections) are left alone, and so are words
    whose French or English stem is the stem of a known word (an inflected form of a known
    word: "fumeurs", "lives"). A candidate must be within Damerau-Levenshtein distance 1
    (distance 2 for words of `long_len` letters or more) and keep the word's first letter
    (people rarely mistype it; swapping the first two letters is allowed): a real word
    such as "light" or "pains" is not turned into "right" or "mains". Ties go to the word
    most frequent in the knowledge base.
    """

    def __init__(
        self,
        vocab: Mapping[str, int],
        also_known: Iterable[str] = (),
        min_len: int = 5,
        long_len: int = 8,
        analyzers: Iterable[Analyzer] = (),
    ) -> None:
        self.vocab = dict(vocab)
        self.known = frozenset(self.vocab) | frozenset(also_known)
        self.analyzers = tuple(analyzers)
        self.known_stems = frozenset(a.stem(w) for a in self.analyzers for w in self.known)
        self.min_len = min_len
        self.long_len = long_len
        self._deletes: dict[str, list[str]] = {}
        for word in self.vocab:
            if len(word) < min_len - 1:
                continue
            for variant in _variants(word, 2 if len(word) >= long_len - 1 else 1):
                self._deletes.setdefault(variant, []).append(word)
        self._cache: dict[str, str | None] = {}
        # No word longer than this by more than the distance allowed has a candidate (an
        # edit changes the length by one at most): such a word is not searched. Its
        # neighbourhood has some n**2/2 strings of n letters (a 1,500-letter word, three
        # ligatures of 'ffi' a character, took 30 s of CPU on the public patient page).
        self.longest = max((len(w) for w in self.vocab), default=0)

    def correct(self, word: str) -> str | None:
        """The vocabulary word meant by `word`, or None when unknown or not needed."""
        if word in self.known or len(word) < self.min_len or not word.isalpha():
            return None
        max_dist = 2 if len(word) >= self.long_len else 1
        if len(word) > self.longest + max_dist:
            return None
        if word in self._cache:
            return self._cache[word]
        if any(a.stem(word) in self.known_stems for a in self.analyzers):
            _remember(self._cache, word, None)
            return None
        candidates: set[str] = set()
        for variant in _variants(word, max_dist):
            candidates.update(self._deletes.get(variant, ()))
        best: tuple[int, int, str] | None = None
        swapped = word[1::-1]
        for cand in candidates:
            if cand[0] != word[0] and cand[:2] != swapped:
                continue
            dist = osa_distance(word, cand, max_dist)
            if dist > max_dist:
                continue
            key = (dist, -self.vocab[cand], cand)
            if best is None or key < best:
                best = key
        result = best[2] if best is not None else None
        _remember(self._cache, word, result)
        return result


_V = TypeVar("_V")


def _remember(cache: dict[str, _V], word: str, value: _V) -> None:
    """``cache[word] = value``, the cache emptied first when it holds ``CACHE_MAX`` words."""
    if len(cache) >= CACHE_MAX:
        cache.clear()
    cache[word] = value


def _deletes1(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _variants(word: str, depth: int) -> set[str]:
    """The word and every string made by deleting up to `depth` of its letters."""
    out = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {d for w in frontier for d in _deletes1(w)}
        out |= frontier
    return out


def osa_distance(a: str, b: str, limit: int = 2) -> int:
    """Optimal-string-alignment distance (Levenshtein plus adjacent transpositions).

    Any distance above `limit` is reported as `limit + 1` (and found early when possible).
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return min(prev[len(b)], limit + 1)
