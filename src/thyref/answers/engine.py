"""The answer engine: matches a patient's question to a topic, or declines."""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import bm25s
import numpy as np
import numpy.typing as npt

from thyref.answers.emergency import EmergencyGuard
from thyref.answers.kb import KnowledgeBase, load_knowledge_base
from thyref.answers.lexicon import CONCEPT_PREFIX, Lexicon, Tier, match_keys
from thyref.answers.medicine import MedicineActions
from thyref.answers.models import Answer, GlossaryEntry, TopicSummary, TopicTheme
from thyref.answers.text import (
    LANGS,
    Analyzer,
    Lang,
    LanguageDetector,
    SpellingCorrector,
    fold,
    normalised,
    words,
)

Scores = npt.NDArray[np.float32]
# a sentence and the punctuation that ends it (a decimal point does not end one)
_SENTENCES = re.compile(r"((?:[^.!?\n]|(?<=\d)[.](?=\d))*)([.!?\n]*)")
# where a sentence ends, for the medicine requests (not a decimal point)
_SENTENCE_ENDS = re.compile(r"[!?;\n]|(?<!\d)[.]|[.](?!\d)")


_POINTS_BACK = re.compile(
    r"(is that|is this|is it|was that|does that|does this|does it|would that|can that|"
    r"c est ca|c est cela|c est ce|ca veut|cela veut|ca peut|ca se|est ce ca|est ce que ca|"
    r"c est normal|c est grave|ce serait|ca existe)\b"
)
# ... or that ends by pointing back ("Can people live for years with that?")
_POINTS_BACK_END = re.compile(
    r"\b(with that|with this|with it|like that|like this|about that|about this|"
    r"comme ca|comme cela|avec ca|avec cela)$"
)


@dataclass(frozen=True)
class EngineSettings:
    """Ranking and abstention settings (from `kb/engine.toml`)."""

    k1: float
    b: float
    field_weights: Mapping[str, int]
    cross_language: float
    focus_weight: float
    focus_min_words: int
    threshold: Mapping[str, float]
    min_matched_words: Mapping[str, int]
    max_related: int
    related_min_ratio: float
    baseline_threshold: float
    spelling_min_len: int
    spelling_long_len: int
    passing_breaks: re.Pattern[str]
    passing_markers: re.Pattern[str]
    # a question of at most this many words is read as "what is it?"
    bare_term_max_words: int = 0
    bare_term_prefix: Mapping[str, str] = field(default_factory=dict)
    # SMS and forum spellings written out before matching ("koi" -> "quoi")
    respellings: Mapping[str, str] = field(default_factory=dict)
    # letters of a French elision found glued to the next word ("liode" -> "l iode")
    elision_letters: str = ""
    elision_min_len: int = 5
    # one word written in two ("radio actif" -> "radioactif")
    joined: frozenset[tuple[str, str]] = frozenset()
    # a domain word cut in pieces by voice dictation ("len va tini b", "co vid"): up to
    # `dictation_max` words joined when together they spell a term of the lexicon's
    # strong or weak concepts of at least `dictation_min_len` letters (or one misspelt,
    # for `dictation_fuzzy_len` letters and more); the punctuation said aloud
    # ("virgule", "question mark") is dropped
    dictation_max: int = 0
    dictation_min_len: int = 6
    dictation_fuzzy_len: int = 8
    spoken_punctuation: tuple[tuple[str, ...], ...] = ()
    # the same, dropped only as the last word ("... comment on les traite point")
    spoken_final: frozenset[str] = frozenset()
    # a sentence that only tells a fear, not taken along with a short question after it
    # that names one of `fear_asks` ("I'm scared my kids... How long do people live?")
    fear_markers: re.Pattern[str] | None = None
    fear_asks: frozenset[str] = frozenset()
    # a unit of years right after a figure ("82 ans", "depuis 5 ans", "10 years") is a
    # patient's age or a time, not a rate ("par an"): dropped with the figure
    figure_units: frozenset[str] = frozenset()

    @classmethod
    def from_config(cls, raw: Mapping[str, Any]) -> EngineSettings:
        respell: Mapping[str, Any] = raw.get("respell", {})
        fear: Mapping[str, Any] = raw.get("fear", {})
        return cls(
            k1=float(raw["bm25"]["k1"]),
            b=float(raw["bm25"]["b"]),
            field_weights={k: int(v) for k, v in raw["fields"].items()},
            cross_language=float(raw["query"]["cross_language"]),
            focus_weight=float(raw["query"].get("focus_weight", 0.0)),
            focus_min_words=int(raw["query"].get("focus_min_words", 3)),
            figure_units=frozenset(str(w) for w in raw["query"].get("figure_units", ())),
            threshold={k: float(v) for k, v in raw["abstain"]["threshold"].items()},
            min_matched_words={k: int(v) for k, v in raw["abstain"]["min_matched_words"].items()},
            max_related=int(raw["related"]["max"]),
            related_min_ratio=float(raw["related"]["min_ratio"]),
            baseline_threshold=float(raw["baseline"]["threshold"]),
            spelling_min_len=int(raw["spelling"]["min_len"]),
            spelling_long_len=int(raw["spelling"]["long_len"]),
            passing_breaks=re.compile(raw["passing"]["clause_breaks"]),
            passing_markers=re.compile("|".join(f"(?:{m})" for m in raw["passing"]["markers"])),
            bare_term_max_words=int(raw.get("bare_term", {}).get("max_words", 0)),
            bare_term_prefix=dict(raw.get("bare_term", {}).get("prefix", {})),
            respellings={str(k): str(v) for k, v in respell.get("words", {}).items()},
            elision_letters=str(respell.get("elision_letters", "")),
            elision_min_len=int(respell.get("elision_min_len", 5)),
            joined=frozenset(
                (pair[0], pair[1])
                for pair in (str(j).split() for j in respell.get("joined", ()))
                if len(pair) == 2
            ),
            dictation_max=int(respell.get("dictation_max", 0)),
            dictation_min_len=int(respell.get("dictation_min_len", 6)),
            dictation_fuzzy_len=int(respell.get("dictation_fuzzy_len", 8)),
            spoken_final=frozenset(str(w) for w in respell.get("spoken_final", ())),
            fear_markers=(
                re.compile("|".join(f"(?:{m})" for m in fear["markers"]))
                if fear.get("markers")
                else None
            ),
            fear_asks=frozenset(str(c) for c in fear.get("asks", ())),
            spoken_punctuation=tuple(
                sorted(
                    (tuple(str(p).split()) for p in respell.get("spoken_punctuation", ())),
                    key=len,
                    reverse=True,
                )
            ),
        )


@dataclass(frozen=True)
class Ranking:
    """What the matcher found for one question, before the answer is assembled."""

    lang: Lang
    topic: str | None
    related: list[str]
    score: float
    raw_score: float
    anchor: Tier | None
    emergency: bool
    candidates: list[str]
    matched_words: int
    off_topic: bool
    # declined, and about a relative's death: condolences come first
    condolences: bool = False

    def shown(self) -> Ranking:
        """What is shown of it: for an emergency, no topic, no related questions and a
        declined score (a topic matched on the question's other words, "a common side
        effect of targeted therapies" after a chest pain, would read as an answer)."""
        if not self.emergency:
            return self
        return replace(self, topic=None, related=[], score=min(self.score, DECLINED_MAX))


# a declined question's score stays below the 0.5 of a confident answer
DECLINED_MAX = 0.499


class AnswerEngine:
    """Answers patients' questions from the knowledge base, in French or English.

    Build once (`AnswerEngine.default()` is cached) and call `ask` for each question.
    """

    def __init__(self, kb: KnowledgeBase, settings: EngineSettings | None = None) -> None:
        self.kb = kb
        self.settings = settings or EngineSettings.from_config(kb.engine)
        self.topic_ids = kb.topic_ids
        self.analyzers: dict[Lang, Analyzer] = {
            lang: Analyzer(lang, kb.stopwords[lang]) for lang in LANGS
        }
        self.lexicon = Lexicon(kb.lexicon, self.analyzers)
        self._figure_units = frozenset(
            a.stem(w) for a in self.analyzers.values() for w in self.settings.figure_units
        )
        counts: Counter[str] = Counter()
        lang_vocab: dict[Lang, set[str]] = {lang: set() for lang in LANGS}
        for by_lang in kb.topics.values():
            for lang, text in by_lang.items():
                toks = words(" ".join([text.title, *text.questions, text.search_body]))
                counts.update(toks)
                lang_vocab[lang].update(toks)
        stopwords = kb.stopwords["fr"] | kb.stopwords["en"]
        for w in self.lexicon.surface_words:
            counts[w] += 1
        for w in stopwords:
            counts.pop(w, None)
        self.speller = SpellingCorrector(
            counts,
            also_known=stopwords | self.lexicon.offtopic_words | kb.real_words,
            min_len=self.settings.spelling_min_len,
            long_len=self.settings.spelling_long_len,
            analyzers=self.analyzers.values(),
        )
        # the single words of the domain's terms, which dictated pieces may spell
        self.domain_words = frozenset(
            t
            for spec in kb.lexicon.values()
            if spec.get("tier", "none") in ("strong", "weak")
            for key in ("any", "fr", "en", "exact")
            for t in spec.get(key, ())
            if " " not in t and len(t) >= self.settings.dictation_min_len
        )
        # their first three letters: a misspelt one is searched only from these
        self._domain_starts = frozenset(w[:3] for w in self.domain_words)
        # the spoken punctuation by its first word
        self._spoken: dict[str, list[tuple[str, ...]]] = {}
        for said in self.settings.spoken_punctuation:
            self._spoken.setdefault(said[0], []).append(said)
        self.guard = EmergencyGuard.from_config(
            kb.emergency, known=self.speller.known, analyzers=self.analyzers.values()
        )
        self.detector = LanguageDetector.build(kb.stopwords, lang_vocab)
        # requests to act on a medicine (kb/medicine.toml), read before the topics'
        # questions are (a topic may ask one: "should I stop my treatment because my
        # feet hurt?")
        self.medicine: MedicineActions | None = (
            MedicineActions.from_config(kb.medicine, kb.lexicon, kb.drug_names)
            if kb.medicine
            else None
        )
        self._glossary_links = {
            (tid, lang): kb.linked_glossary(tid, lang) for tid in self.topic_ids for lang in LANGS
        }
        self.retrievers: dict[Lang, bm25s.BM25] = {}
        self.doc_terms: dict[Lang, list[frozenset[str]]] = {}
        # concepts a topic is asked about (its title and questions, both languages)
        self.asked_concepts: list[frozenset[str]] = [
            frozenset(
                c
                for lang in LANGS
                for part in (by_lang[lang].title, *by_lang[lang].questions)
                for c in self.analyse(words(part), lang)[1]
            )
            for by_lang in (kb.topics[tid] for tid in self.topic_ids)
        ]
        # each off-topic concept a topic's questions name, with the strong concepts named
        # beside it in those questions: the question covers it only when it names one of
        # them too (None: a topic question names it with no strong concept, covered
        # always). "Ces mutations se transmettent-elles à mes enfants ?" covers the
        # children beside a mutation, not "j'ai 3 enfants, ça change quoi pour eux ?"
        self.covered_offtopic: list[dict[str, frozenset[str] | None]] = [
            self._covered_offtopic(kb.topics[tid]) for tid in self.topic_ids
        ]
        for lang in LANGS:
            corpus = [self._document_tokens(tid, lang) for tid in self.topic_ids]
            self.doc_terms[lang] = [frozenset(doc) for doc in corpus]
            retriever = bm25s.BM25(k1=self.settings.k1, b=self.settings.b)
            retriever.index(corpus, show_progress=False)
            self.retrievers[lang] = retriever

    def _covered_offtopic(self, by_lang: Mapping[Lang, Any]) -> dict[str, frozenset[str] | None]:
        out: dict[str, frozenset[str] | None] = {}
        for lang in LANGS:
            for part in (by_lang[lang].title, *by_lang[lang].questions):
                found = set(self.analyse(words(part), lang)[1])
                found.update(self.medicine_action(part))
                strong = frozenset(
                    c for c in found if self.lexicon.concepts[c].tier in ("strong", "weak")
                )
                here = frozenset(found)
                for c in found:
                    if self.lexicon.concepts[c].tier != "offtopic" or (c in out and out[c] is None):
                        continue
                    # a concept that needs others is asked only beside one of them ("am I
                    # going to die?" asks no verdict on a quoted report)
                    if not self.lexicon.needs_met(c, here):
                        continue
                    beside = frozenset(x for x in strong if self.lexicon.counts_beside(x, c))
                    before = out.get(c)
                    out[c] = None if not beside else beside | (before or frozenset())
        return out

    @classmethod
    def default(cls) -> AnswerEngine:
        """The engine on the packaged knowledge base, built once per process."""
        return _default_engine()

    # ------------------------------------------------------------------ indexing
    def analyse(self, tokens: Sequence[str], lang: Lang) -> tuple[list[str], list[str]]:
        """Index terms of folded tokens in `lang`: content stems, and concept ids matched."""
        analyzer = self.analyzers[lang]
        concepts = self.lexicon.match(match_keys(analyzer, tokens), lang, tokens)
        return analyzer.content_stems(tokens), concepts

    def _analyse_other(
        self, tokens: Sequence[str], lang: Lang, other: Lang
    ) -> tuple[list[str], list[str]]:
        """Index terms of a `lang` question in the `other` language's index: the words
        that are stop words of the question's own language ("an", "the", "de") are not
        searched as content there (the English "an" is not the French "an", a year);
        concepts still see every word."""
        own_stop = self.analyzers[lang].stopwords
        content = self.analyzers[other].content_stems([t for t in tokens if t not in own_stop])
        return content, self.analyse(tokens, other)[1]

    def _text_terms(self, text: str, lang: Lang) -> list[str]:
        content, concepts = self.analyse(words(text), lang)
        return content + [CONCEPT_PREFIX + c for c in concepts]

    def _document_tokens(self, topic_id: str, lang: Lang) -> list[str]:
        text = self.kb.topics[topic_id][lang]
        weights = self.settings.field_weights
        terms = self._text_terms(text.title, lang) * weights["title"]
        for question in text.questions:
            terms += self._text_terms(question, lang) * weights["questions"]
        terms += self._text_terms(text.search_body, lang) * weights["body"]
        return terms

    # ------------------------------------------------------------------ matching
    def _scores(self, terms: list[str], lang: Lang) -> Scores:
        retriever = self.retrievers[lang]
        ids = retriever.get_tokens_ids(terms)
        if not ids:
            return np.zeros(len(self.topic_ids), dtype=np.float32)
        return np.asarray(retriever.get_scores_from_ids(ids), dtype=np.float32)

    def _without_figures(self, content: list[str]) -> list[str]:
        """A question's content words less its figures, except those of a lexicon term
        ("iode 124", "I-131", "600 mCi"): a patient's value ("calcitonine à 350") must not
        meet a figure of an answer ("350 à 400 nouveaux patients"), nor a unit of years
        right after it (`figure_units`: "82 ans" is an age, not "par an")."""
        known = self.lexicon.term_numbers
        out: list[str] = []
        dropped = False
        for t in content:
            if t.isdigit() and t not in known:
                dropped = True
                continue
            if not (dropped and t in self._figure_units):
                out.append(t)
            dropped = False
        return out

    def _concept_terms(self, concepts: Sequence[str]) -> list[str]:
        """The concept tokens a question searches: not its off-topic ones, which name
        what no topic answers and only decide whether to decline."""
        return [CONCEPT_PREFIX + c for c in concepts if self.lexicon.concepts[c].tier != "offtopic"]

    def rank(self, question: str, lang: Lang | None = None) -> Ranking:
        """Best topic (or None), related topics and confidence for one question."""
        raw_tokens = self.respelled(words(question))
        q_lang: Lang = lang or self.detector.detect(question, raw_tokens)
        if self._bare_term(raw_tokens):
            # "réfractaire ?" asks what it is, like "c'est quoi réfractaire ?"
            raw_tokens = words(self.settings.bare_term_prefix[q_lang]) + raw_tokens
        tokens = [self.speller.correct(t) or t for t in raw_tokens]
        other: Lang = "en" if q_lang == "fr" else "fr"
        content, concepts = self.analyse(tokens, q_lang)
        concepts = self._leading_only(question, q_lang, concepts)
        concepts = [*concepts, *self.medicine_action(question)]
        content = self._without_figures(content)
        total = self._scores(content + self._concept_terms(concepts), q_lang)
        o_content, o_concepts = self._analyse_other(tokens, q_lang, other)
        o_content = self._without_figures(o_content)
        if self.settings.cross_language:
            o_terms = o_content + self._concept_terms(o_concepts)
            total = total + self.settings.cross_language * self._scores(o_terms, other)
        emergency = self.guard.is_emergency(question)
        # the question asked at the end of a story ranks the topics again, with the
        # story's score (the abstention still reads the whole question's score)
        ranking = total
        focus = self._focus(question)
        f_concepts: list[str] | None = None
        if focus is not None and self.settings.focus_weight:
            f_tokens = [self.speller.correct(t) or t for t in self.respelled(words(focus))]
            f_content, f_concepts = self.analyse(f_tokens, q_lang)
            f_content = self._without_figures(f_content)
            f_total = self._scores(f_content + self._concept_terms(f_concepts), q_lang)
            if self.settings.cross_language:
                fo_content, fo_concepts = self._analyse_other(f_tokens, q_lang, other)
                fo_content = self._without_figures(fo_content)
                fo_terms = fo_content + self._concept_terms(fo_concepts)
                f_total = f_total + self.settings.cross_language * self._scores(fo_terms, other)
            # each part scaled to its own best score, so a long story does not drown
            # the question
            if float(f_total.max()) > 0 and float(total.max()) > 0:
                ranking = total / float(total.max()) + self.settings.focus_weight * (
                    f_total / float(f_total.max())
                )
        tiers = self.lexicon.tiers(concepts)
        anchor: Tier | None = next((t for t in ("strong", "weak") if t in tiers), None)
        order = np.argsort(-ranking, kind="stable")
        best = float(total[order[0]]) if len(order) else 0.0
        threshold = self.settings.threshold[anchor or "none"]
        # confidence in [0, 1): 0.5 exactly at the threshold
        score = best / (best + threshold) if best > 0 else 0.0
        # words of the question found in the best topic (either language's index)
        top = int(order[0])
        own, cross = self.doc_terms[q_lang][top], self.doc_terms[other][top]
        q_an, o_an = self.analyzers[q_lang], self.analyzers[other]
        matched_words = sum(
            q_an.stem(t) in own or o_an.stem(t) in cross
            for t in set(tokens)
            if t not in q_an.stopwords
        )
        matched_concepts = sum(
            CONCEPT_PREFIX + c in own
            for c in set(concepts)
            if self.lexicon.concepts[c].tier in ("strong", "weak")
        )
        matched = max(matched_words, matched_concepts)
        has_offtopic = any(self.lexicon.concepts[c].tier == "offtopic" for c in concepts)
        passing = self._in_passing(question, q_lang) if has_offtopic else frozenset()
        if f_concepts is not None:
            # a story told before the question: a subject it names (the children, the
            # blood pressure, sleep) is told in passing unless the asked sentences name it
            # too; a decisive one (a healthy person, a smoker) or one for the care team
            # (changing one's own dose) still counts
            passing = passing | frozenset(
                c
                for c in concepts
                if self.lexicon.concepts[c].tier == "offtopic"
                and not self._always_counts(c)
                and c not in f_concepts
            )
        off_topic = self._off_topic(concepts, top, passing)
        declined = (
            best < threshold
            or off_topic
            or matched < self.settings.min_matched_words[anchor or "none"]
        )
        if declined:
            score = min(score, DECLINED_MAX)
        top_rank = float(ranking[order[0]]) if len(order) else 0.0
        floor = top_rank * self.settings.related_min_ratio
        ranked = [self.topic_ids[i] for i in order if ranking[i] > 0 and ranking[i] >= floor]
        n = self.settings.max_related
        topic = None if declined else ranked[0]
        if declined:
            related = ranked[:n] if anchor is not None and not off_topic else []
        else:
            related = ranked[1 : 1 + n]
        return Ranking(
            lang=q_lang,
            topic=topic,
            related=related,
            score=round(score, 4),
            raw_score=best,
            anchor=anchor,
            emergency=emergency,
            candidates=ranked,
            matched_words=matched,
            off_topic=off_topic,
            condolences=topic is None
            and any(self.lexicon.concepts[c].condolences for c in concepts),
        )

    def medicine_action(self, text: str) -> list[str]:
        """The lexicon concepts of a request to act on a medicine (`kb/medicine.toml`)
        when `text` asks one ("je peux sauter mon Lenvima ce week-end ?", "thinking of
        halving my tablets"), else nothing: read sentence by sentence on the respelled,
        corrected words."""
        if self.medicine is None:
            return []
        sentences = [
            [self.speller.correct(t) or t for t in self.respelled(words(part))]
            for part in _SENTENCE_ENDS.split(text)
        ]
        return self.medicine.asks([s for s in sentences if s])

    def respelled(self, tokens: Sequence[str]) -> list[str]:
        """Folded words with SMS and forum spellings written out (`[respell]` of
        `kb/engine.toml`: "koi" -> "quoi", "ki" -> "qui", "ya" -> "il y a") and a French
        elision glued to its word split off ("liode" -> "l iode", "loperation" ->
        "l operation"): only when the glued word is unknown, and its stem too, and the
        rest is a known word, so that a real word ("lesion", "depuis") is left alone. A
        word written in two ("radio actif") is joined first. A short form is read as
        the emergency guard reads it (`[[spelling.in_context]]`: "avc le" is "avec le")."""
        settings = self.settings
        speller = self.speller
        joined: list[str] = []
        for w in self._undictated(tokens):
            if joined and (joined[-1], w) in settings.joined:
                joined[-1] += w
            else:
                joined.append(w)
        out: list[str] = []
        for w in joined:
            if w in settings.respellings:
                out.extend(settings.respellings[w].split())
            elif (
                len(w) >= settings.elision_min_len
                and w[0] in settings.elision_letters
                and w not in speller.known
                and w[1:] in speller.known
                and not any(a.stem(w) in speller.known_stems for a in speller.analyzers)
            ):
                out.extend((w[0], w[1:]))
            else:
                out.append(w)
        # a short form read as another word where it stands as that word, as the
        # emergency guard reads it ("avc le lenvima" is "avec le lenvima")
        for reading in self.guard.readings:
            out = reading.in_words(out)
        return out

    def _undictated(self, tokens: Sequence[str]) -> list[str]:
        """The words with the punctuation said aloud dropped ("virgule", "point
        d'interrogation") and a domain word cut in pieces by voice dictation joined
        again ("len va tini b" is "lenvatinib", "co vid" is "covid", "sore a fini b" is a
        misspelt "sorafenib"): the longest run of up to `dictation_max` words first."""
        settings = self.settings
        if not settings.dictation_max and not settings.spoken_punctuation:
            return list(tokens)
        if len(tokens) > 1 and tokens[-1] in settings.spoken_final:
            tokens = tokens[:-1]
        known = self.speller.known
        # how many unknown words, and words of more than three letters, before each place:
        # only a run with an unknown word, or of short pieces only, may be a cut term
        unknown, long_ = [0], [0]
        for t in tokens:
            unknown.append(unknown[-1] + (t not in known))
            long_.append(long_[-1] + (len(t) > 3))
        out: list[str] = []
        i = 0
        while i < len(tokens):
            said = next(
                (p for p in self._spoken.get(tokens[i], ()) if tuple(tokens[i : i + len(p)]) == p),
                None,
            )
            if said is not None:
                i += len(said)
                continue
            for n in range(min(settings.dictation_max, len(tokens) - i), 1, -1):
                cut = unknown[i + n] > unknown[i]
                if not cut and long_[i + n] > long_[i]:
                    continue
                run = tokens[i : i + n]
                # a word of its own stays whole ("vaccin co vid" is not "vaccinco vid")
                if any(t in self.domain_words for t in run):
                    continue
                piece = "".join(run)
                if self._dictated_term(piece, run, cut):
                    out.append(piece)
                    i += n
                    break
            else:
                out.append(tokens[i])
                i += 1
        return out

    def _dictated_term(self, piece: str, run: Sequence[str], cut: bool) -> bool:
        """Whether the words of `run`, joined into `piece`, are a domain term cut by
        dictation. The caller has checked that one of them at least is no known word
        (`cut`: "co vid", "sort a fini b") or that all are pieces of three letters at most
        ("tu t y ref"): real words side by side are left alone ("cure d'iode" is not
        "cured"). A misspelt term is joined only from pieces of five letters at most, one
        of them unknown."""
        settings = self.settings
        if len(piece) < settings.dictation_min_len or not piece.isalpha():
            return False
        if piece in self.domain_words:
            return True
        # a misspelt one only from short pieces ("cabo zanty nib", not "special diet")
        return (
            cut
            and all(len(t) <= 5 for t in run)
            and len(piece) >= settings.dictation_fuzzy_len
            and piece[:3] in self._domain_starts
            and self.speller.correct(piece) in self.domain_words
        )

    def _leading_only(self, question: str, lang: Lang, concepts: list[str]) -> list[str]:
        """The concepts less the `leading` ones (and what they imply) whose terms begin
        no sentence of the question (only stop words before them): "Est-ce que ça se
        soigne ?" asks about the disease, "la calvitie, ça se soigne ?" about the
        baldness."""
        leading = {c for c in concepts if self.lexicon.concepts[c].leading}
        if not leading:
            return concepts
        stop = self.analyzers["fr"].stopwords | self.analyzers["en"].stopwords
        found: set[str] = set()
        for part in _SENTENCE_ENDS.split(question):
            tokens = [self.speller.correct(t) or t for t in self.respelled(words(part))]
            first = next((i for i, t in enumerate(tokens) if t not in stop), None)
            if first is None:
                continue
            # found in the sentence, and only by terms that hold its first content word:
            # no content word stands before them
            here = set(self.analyse(tokens, lang)[1]) & leading
            found |= here - set(self.analyse(tokens[:first] + tokens[first + 1 :], lang)[1])
        dropped = leading - found
        if not dropped:
            return concepts
        # what a dropped concept implies goes with it, unless another term found it
        kept = [c for c in concepts if c not in dropped]
        implied = Counter(
            c for d in concepts if d in dropped for c in self.lexicon.implied(d) - {d}
        )
        out: list[str] = []
        for c in kept:
            if implied[c] > 0:
                implied[c] -= 1
                continue
            out.append(c)
        return out

    def _bare_term(self, tokens: Sequence[str]) -> bool:
        """Whether a question is only a term: at most `bare_term_max_words` words in all
        ("réfractaire ?", "la RCP"), one of them at least not a stop word of either
        language, none a number. A longer question is not ("pourquoi la rédifférenciation
        n'était pas pour moi ?" has one content word too, but asks something else)."""
        stop = self.analyzers["fr"].stopwords | self.analyzers["en"].stopwords
        content = [t for t in tokens if t not in stop]
        return (
            len(content) > 0
            and len(tokens) <= self.settings.bare_term_max_words
            and not any(t.isdigit() for t in tokens)
        )

    def _focus(self, question: str) -> str | None:
        """The sentences that ask, in a question that also tells a story: those ending
        with a question mark, each with the sentence before it when it is too short to
        say what it asks about ("Ça existe vraiment ?"), or the one after it when it
        comes first. None when every sentence asks or none does."""
        sentences = [
            (m.group(1), "?" in m.group(2))
            for m in _SENTENCES.finditer(question)
            if m.group(1).strip()
        ]
        if len(sentences) < 2 or not any(asks for _, asks in sentences):
            return None
        if all(asks for _, asks in sentences):
            return None
        stop = self.analyzers["fr"].stopwords | self.analyzers["en"].stopwords
        parts: list[str] = []
        for i, (text, asks) in enumerate(sentences):
            if not asks:
                continue
            content = [w for w in words(text) if w not in stop]
            parts.append(text)
            # a sentence that points back ("Is that safe?", "C'est ça la définition ?",
            # "... for years with that?") asks about the sentence before it; matched on
            # the normalised words ("c'est ça" is "c est ca")
            said = normalised(text)
            # (ending so, only a short sentence: a long one says itself what "comme ça" is)
            points_back = i > 0 and (
                _POINTS_BACK.match(said) is not None
                or (
                    _POINTS_BACK_END.search(said) is not None
                    and len(content) < 2 * self.settings.focus_min_words
                )
            )
            if (points_back or len(content) < self.settings.focus_min_words) and not (
                i > 0 and self._after_fear(sentences[i - 1][0], text)
            ):
                # too short to say what it asks about: the sentence before it is taken
                # along, or the one after it when it comes first ("Should I stop my
                # Lenvima? My feet hurt so much..."); not a fear told before a question
                # on the outlook
                if i > 0:
                    parts.insert(len(parts) - 1, sentences[i - 1][0])
                elif len(sentences) > 1:
                    parts.append(sentences[1][0])
        return " ".join(parts)

    def _after_fear(self, before: str, asked: str) -> bool:
        """Whether `before` only tells a fear (`[fear] markers` of `kb/engine.toml`) and
        the short question `asked` after it names the outlook (`[fear] asks`): "I'm
        scared my kids will grow up without me. How long do people live with this?"."""
        settings = self.settings
        if settings.fear_markers is None or not settings.fear_markers.search(normalised(before)):
            return False
        tokens = [self.speller.correct(t) or t for t in self.respelled(words(asked))]
        lang = self.detector.detect(asked, tokens)
        return bool(settings.fear_asks & set(self.analyse(tokens, lang)[1]))

    def _in_passing(self, question: str, lang: Lang) -> frozenset[str]:
        """Off-topic concepts the question names only in passing: in clauses that negate
        them or say they are fine, and nowhere else."""
        passing: set[str] = set()
        live: set[str] = set()
        for part in re.split(r"[.,;:!?()\n]", fold(question)):
            for clause in self.settings.passing_breaks.split(f" {normalised(part)} "):
                tokens = [self.speller.correct(t) or t for t in self.respelled(clause.split())]
                found = {
                    c
                    for c in self.analyse(tokens, lang)[1]
                    if self.lexicon.concepts[c].tier == "offtopic" and not self._always_counts(c)
                }
                # a symptom said with its own negation ("no appetite") is a report
                negated = {c for c in found if self.lexicon.concepts[c].negated}
                if self.settings.passing_markers.search(" ".join(tokens)):
                    passing |= found - negated
                    live |= negated
                else:
                    live |= found
        return frozenset(passing - live)

    def _always_counts(self, concept: str) -> bool:
        """Whether an off-topic concept counts even when named in passing or in a story
        (a healthy person, a smoker; a question for the care team)."""
        c = self.lexicon.concepts[concept]
        return c.decisive or c.care_team

    def _off_topic(self, concepts: Sequence[str], top: int, passing: frozenset[str]) -> bool:
        """Whether the question is about a subject the best topic does not cover.

        It is when it names an off-topic concept (another disease, a side effect or a
        practical matter the topics do not address) that the topic's own questions do not
        mention beside one of the concepts the question also names (`covered_offtopic`),
        other than in passing, unless it also names a `subject` concept of that topic.
        A `decisive` off-topic concept (a healthy person, a smoker) declines the question
        whatever its subjects, unless a `context` concept places it in thyroid-cancer
        care, in which case it is ignored. A `care_team` one (changing
        one's own dose, stopping a drug before a procedure, which doctor to believe)
        declines the question whatever its subjects or context; one with
        `rescued_only_by` declines it unless one of those concepts is named.
        """
        asked = self.asked_concepts[top]
        covered = self.covered_offtopic[top]
        here = frozenset(concepts)

        def is_covered(c: str) -> bool:
            beside = covered.get(c, frozenset())
            return c in covered and (beside is None or bool(beside & here))

        named = [
            c
            for c in concepts
            if self.lexicon.concepts[c].tier == "offtopic"
            and c not in passing
            and not is_covered(c)
            and self.lexicon.needs_met(c, here)
        ]
        if not named:
            return False
        if any(self.lexicon.concepts[c].care_team for c in named):
            return True
        # one that only some concepts rescue, none of them named
        if any(
            self.lexicon.concepts[c].rescued_only_by
            and not self.lexicon.concepts[c].rescued_only_by & here
            for c in named
        ):
            return True
        in_care = self.lexicon.has_context(concepts)
        if any(self.lexicon.concepts[c].decisive for c in named) and not in_care:
            return True
        uncovered = [c for c in named if not self.lexicon.concepts[c].decisive]
        return bool(uncovered) and not (self.lexicon.subjects(concepts) & asked)

    # ------------------------------------------------------------------ answers
    def ask(self, question: str, lang: Lang | None = None) -> Answer:
        """Answer one question in its language (or `lang` when given)."""
        r = self.rank(question, lang).shown()
        reminder = self.kb.messages["care_team_reminder"][r.lang]
        related_topics = [
            TopicSummary(id=t, title=self.kb.topics[t][r.lang].title) for t in r.related
        ]
        common: dict[str, Any] = {
            "q": question,
            "lang": r.lang,
            "related": r.related,
            "related_topics": related_topics,
            "score": r.score,
            "emergency": r.emergency,
            "emergency_message": self.guard.message(r.lang) if r.emergency else None,
            "care_team_reminder": reminder,
        }
        if r.emergency or r.topic is None:
            if r.emergency:  # the emergency advice and the care-team reminder only
                message = reminder
            else:
                abstain = self.kb.messages["abstain"][r.lang]
                if r.condolences:
                    abstain = f"{self.kb.messages['condolences'][r.lang]} {abstain}"
                message = f"{abstain}\n\n{reminder}"
            return Answer(
                topic=None,
                title=None,
                body_markdown=None,
                # the emergency advice cites where its numbers come from (15, 112, 3114)
                sources=list(self.guard.sources) if r.emergency else [],
                review_date=None,
                message=message,
                glossary=[],
                **common,
            )
        text = self.kb.topics[r.topic][r.lang]
        return Answer(
            topic=r.topic,
            title=text.title,
            body_markdown=f"{text.body}\n\n{reminder}",
            sources=list(text.sources),
            review_date=text.review_date,
            message=None,
            glossary=self._glossary_links[(r.topic, r.lang)],
            **common,
        )

    def topics(self, lang: Lang) -> list[TopicSummary]:
        """Every topic with its title in `lang`."""
        return [TopicSummary(id=t, title=self.kb.topics[t][lang].title) for t in self.topic_ids]

    def themes(self, lang: Lang) -> list[TopicTheme]:
        """The topics by theme, in the order of the knowledge base, titles in `lang`."""
        return [
            TopicTheme(
                id=g.id,
                title=g.titles[lang],
                topics=[TopicSummary(id=t, title=self.kb.topics[t][lang].title) for t in g.topics],
            )
            for g in self.kb.groups
        ]

    def glossary(self, lang: Lang) -> list[GlossaryEntry]:
        """The whole glossary in `lang`, sorted by term."""
        return sorted((g.entries[lang] for g in self.kb.glossary), key=lambda e: e.term.lower())


@functools.cache
def _default_engine() -> AnswerEngine:
    return AnswerEngine(load_knowledge_base())
