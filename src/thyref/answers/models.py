"""Public data models of the answer engine (what the CLI and the web app receive)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict


class GlossaryEntry(BaseModel):
    """A term patients meet, with its plain-language definition, in one language."""

    model_config = ConfigDict(frozen=True)

    id: str
    term: str
    definition: str


class TopicSummary(BaseModel):
    """A topic id and its title (the question it answers) in one language."""

    model_config = ConfigDict(frozen=True)

    id: str
    title: str


class TopicTheme(BaseModel):
    """A theme of the patient page with its topics, in one language."""

    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    topics: list[TopicSummary]


class Answer(BaseModel):
    """The engine's reply to one question.

    `topic` is None when the engine declines (`message` then says so and points to the
    care team). `body_markdown` is the answer in `lang` and always ends with
    `care_team_reminder`. `emergency` is set whenever the question describes an
    emergency; the answer is then `emergency_message` and `message` (the care-team
    reminder) only: no topic, no related topics, whatever the other words match.
    """

    model_config = ConfigDict(frozen=True)

    q: str
    lang: Literal["fr", "en"]
    topic: str | None
    related: list[str]
    related_topics: list[TopicSummary]
    score: float
    title: str | None
    body_markdown: str | None
    sources: list[str]
    review_date: str | None
    emergency: bool
    emergency_message: str | None
    care_team_reminder: str
    message: str | None
    glossary: list[GlossaryEntry]
