"""The knowledge base: topic answers (Markdown with TOML front matter), glossary, sources.

Everything lives under `kb/` inside the package, so it ships in the wheel:

- `topics/<id>.<lang>.md`: one answer per topic and language, front matter between `+++`
  lines (`id`, `title`, `sources`, `review_date`, `questions`), then the Markdown body;
- `glossary.toml`, `sources.toml`, `messages.toml`, `stopwords.toml`, `lexicon.toml`,
  `emergency.toml`, `medicine.toml`.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any, cast

from thyref.answers.models import GlossaryEntry
from thyref.answers.text import LANGS, Lang, normalised
from thyref.answers.therapy_text import TherapyPlaceholderError, render_therapies, therapy_names
from thyref.domain.therapies import Therapy, load_therapies

_FRONT_MATTER = re.compile(r"\A\+\+\+\s*\n(.*?)\n\+\+\+\s*\n(.*)\Z", re.DOTALL)
_FILE_NAME = re.compile(r"^(?P<id>[a-z0-9-]+)\.(?P<lang>fr|en)\.md$")


class KnowledgeBaseError(ValueError):
    """A knowledge-base file is missing, malformed or inconsistent."""


@dataclass(frozen=True)
class TopicText:
    """One topic's answer in one language."""

    id: str
    lang: Lang
    title: str
    sources: tuple[str, ...]
    review_date: str
    questions: tuple[str, ...]
    body: str
    # what is indexed: the body with each therapy placeholder reduced to the drug's name
    # and brands (its rendered status sentence would drown the answer's own words)
    search_body: str = ""

    def __post_init__(self) -> None:
        if not self.search_body:
            object.__setattr__(self, "search_body", self.body)


@dataclass(frozen=True)
class GlossaryTerm:
    """A glossary entry in both languages, with the words that link it from an answer."""

    id: str
    entries: Mapping[Lang, GlossaryEntry]
    aliases: Mapping[Lang, tuple[str, ...]]


@dataclass(frozen=True)
class TopicGroup:
    """A theme of the patient page: its title in each language and its topics, in order."""

    id: str
    titles: Mapping[Lang, str]
    topics: tuple[str, ...]


@dataclass(frozen=True)
class KnowledgeBase:
    topics: Mapping[str, Mapping[Lang, TopicText]]
    glossary: tuple[GlossaryTerm, ...]
    sources: Mapping[str, Mapping[str, str]]
    messages: Mapping[str, Mapping[Lang, str]]
    stopwords: Mapping[Lang, frozenset[str]]
    lexicon: Mapping[str, Any]
    emergency: Mapping[str, Any]
    engine: Mapping[str, Any]
    # real words the spelling corrector leaves alone (kb/real_words.txt)
    real_words: frozenset[str] = frozenset()
    # the topics by theme, in display order (kb/groups.toml)
    groups: tuple[TopicGroup, ...] = ()
    # how a request to act on a medicine is read (kb/medicine.toml); none: not read
    medicine: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    # the drugs' names and brands (thyref/data/therapies.toml)
    drug_names: frozenset[str] = frozenset()

    @property
    def topic_ids(self) -> list[str]:
        return sorted(self.topics)

    def linked_glossary(self, topic_id: str, lang: Lang) -> list[GlossaryEntry]:
        """Glossary entries whose aliases appear in the topic's title or body."""
        text = self.topics[topic_id][lang]
        haystack = f" {normalised(text.title + ' ' + text.body)} "
        return [
            term.entries[lang]
            for term in self.glossary
            if any(f" {normalised(alias)} " in haystack for alias in term.aliases[lang])
        ]


def kb_root() -> Traversable:
    """The packaged `kb/` directory."""
    return resources.files("thyref.answers") / "kb"


def parse_topic(name: str, content: str) -> TopicText:
    """Parse one `<id>.<lang>.md` file; raises KnowledgeBaseError naming the file."""
    m_name = _FILE_NAME.match(name)
    if m_name is None:
        raise KnowledgeBaseError(f"{name}: expected <id>.<fr|en>.md")
    m = _FRONT_MATTER.match(content)
    if m is None:
        raise KnowledgeBaseError(f"{name}: missing +++ TOML front matter")
    try:
        meta = tomllib.loads(m.group(1))
    except tomllib.TOMLDecodeError as exc:
        raise KnowledgeBaseError(f"{name}: front matter: {exc}") from exc
    for key in ("id", "title", "sources", "review_date", "questions"):
        if key not in meta:
            raise KnowledgeBaseError(f"{name}: front matter lacks {key!r}")
    if meta["id"] != m_name["id"]:
        raise KnowledgeBaseError(f"{name}: id {meta['id']!r} does not match the file name")
    review = meta["review_date"]
    review_s = review.isoformat() if isinstance(review, date) else str(review)
    try:
        date.fromisoformat(review_s)
    except ValueError as exc:
        raise KnowledgeBaseError(f"{name}: review_date {review_s!r} is not YYYY-MM-DD") from exc
    body = m.group(2).strip()
    if not body:
        raise KnowledgeBaseError(f"{name}: empty body")
    return TopicText(
        id=meta["id"],
        lang=cast(Lang, m_name["lang"]),
        title=str(meta["title"]),
        sources=tuple(str(s) for s in meta["sources"]),
        review_date=review_s,
        questions=tuple(str(q) for q in meta["questions"]),
        body=body,
    )


def _toml(root: Traversable, name: str) -> dict[str, Any]:
    return tomllib.loads((root / name).read_text(encoding="utf-8"))


def load_knowledge_base(
    root: Traversable | None = None,
    therapies: Mapping[str, Therapy] | None = None,
    today: date | None = None,
) -> KnowledgeBase:
    """Read and check the whole knowledge base; therapy placeholders are rendered from
    `therapies` (default: the packaged `thyref/data/therapies.toml`) as read on `today`
    (default: the real today; a status checked more than the file's `status_current_years`
    before it is said to have maybe changed)."""
    base = kb_root() if root is None else root
    topics: dict[str, dict[Lang, TopicText]] = {}
    for entry in sorted((base / "topics").iterdir(), key=lambda t: t.name):
        if not entry.name.endswith(".md"):
            continue
        text = parse_topic(entry.name, entry.read_text(encoding="utf-8"))
        topics.setdefault(text.id, {})[text.lang] = text
    sources = {
        k: {kk: str(vv) for kk, vv in v.items()} for k, v in _toml(base, "sources.toml").items()
    }
    for tid, by_lang in topics.items():
        missing = [lang for lang in LANGS if lang not in by_lang]
        if missing:
            raise KnowledgeBaseError(f"topic {tid}: no {'/'.join(missing)} version")
        for text in by_lang.values():
            unknown = [s for s in text.sources if s not in sources]
            if unknown or not text.sources:
                raise KnowledgeBaseError(f"topic {tid}.{text.lang}: unknown sources {unknown}")
    emergency = _toml(base, "emergency.toml")
    cited = emergency.get("message", {}).get("sources", [])
    unknown = [s for s in cited if s not in sources]
    if unknown or not cited:  # the emergency numbers, like every fact, say their source
        raise KnowledgeBaseError(f"emergency.toml: message.sources: unknown sources {unknown}")
    glossary = tuple(
        GlossaryTerm(
            id=gid,
            entries={
                lang: GlossaryEntry(id=gid, term=g[lang]["term"], definition=g[lang]["definition"])
                for lang in LANGS
            },
            aliases={lang: tuple(g[f"aliases_{lang}"]) for lang in LANGS},
        )
        for gid, g in _toml(base, "glossary.toml").items()
    )
    messages = {
        key: {cast(Lang, lang): str(text) for lang, text in by_lang.items()}
        for key, by_lang in _toml(base, "messages.toml").items()
    }
    drugs = load_therapies() if therapies is None else therapies
    for tid, by_lang in topics.items():
        for lang, text in list(by_lang.items()):
            try:
                body = render_therapies(text.body, lang, drugs, messages, today)
            except TherapyPlaceholderError as exc:
                raise KnowledgeBaseError(f"topic {tid}.{lang}: {exc}") from exc
            by_lang[lang] = dataclasses.replace(
                text, body=body, search_body=therapy_names(text.body, drugs)
            )
    stop = _toml(base, "stopwords.toml")
    return KnowledgeBase(
        topics=topics,
        glossary=glossary,
        sources=sources,
        messages=messages,
        stopwords={lang: frozenset(stop[lang]) for lang in LANGS},
        lexicon=_toml(base, "lexicon.toml"),
        emergency=emergency,
        engine=_toml(base, "engine.toml"),
        real_words=_real_words(base),
        groups=_groups(base, topics),
        medicine=_toml(base, "medicine.toml"),
        drug_names=frozenset(n for d in drugs.values() for n in (d.name, *d.brands)),
    )


def _groups(base: Traversable, topics: Mapping[str, object]) -> tuple[TopicGroup, ...]:
    """The themes of ``groups.toml``; every topic must be in exactly one of them."""
    groups = tuple(
        TopicGroup(
            id=str(g["id"]),
            titles={lang: str(g[lang]) for lang in LANGS},
            topics=tuple(str(t) for t in g["topics"]),
        )
        for g in _toml(base, "groups.toml")["group"]
    )
    placed = [t for g in groups for t in g.topics]
    unknown = sorted(set(placed) - set(topics))
    twice = sorted({t for t in placed if placed.count(t) > 1})
    missing = sorted(set(topics) - set(placed))
    if unknown or twice or missing:
        raise KnowledgeBaseError(
            f"groups.toml: unknown topics {unknown}, topics in two groups {twice}, "
            f"topics in no group {missing}"
        )
    return groups


def _real_words(base: Traversable) -> frozenset[str]:
    """The words of ``real_words.txt`` (one per line, ``#`` comments); none if absent."""
    path = base / "real_words.txt"
    if not path.is_file():
        return frozenset()
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))
