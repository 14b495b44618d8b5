"""The public patient page: questions answered by the answer engine, topics, glossary."""

from __future__ import annotations

import re
from typing import Any, Literal, cast

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse
from markdown_it import MarkdownIt
from markupsafe import Markup

from thyref.answers import AnswerEngine
from thyref.answers.text import Lang
from thyref.web.context import Page, charge, page
from thyref.web.i18n import Translator, normalise_lang

router = APIRouter(include_in_schema=False)
# CommonMark with raw HTML disabled: the answer text cannot inject markup.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False})


def answer_engine() -> AnswerEngine:
    return AnswerEngine.default()  # built once per process by the answers package


def markdown_html(text: str | None) -> Markup:
    return Markup(_markdown.render(text or ""))


_FRENCH_MARKS = re.compile(r"[éèêàçù«]|\b(?:de|la|le|les|des|du|et|sur)\b", re.IGNORECASE)


def title_lang(title: str) -> str:
    """The language a source's title is written in (cited as published), for ``lang=``."""
    return "fr" if _FRENCH_MARKS.search(title) else "en"


def answer_json(answer: Any) -> dict[str, Any]:
    dumped = answer.model_dump(mode="json") if hasattr(answer, "model_dump") else dict(answer)
    return dict(dumped)


@router.get("/patient")
def patient(p: Page = Depends(page), q: str = Query("", max_length=500)) -> HTMLResponse:
    engine = answer_engine()
    # one language per page: a question is answered in the language asked for in the URL
    # (the language switch), else in its own (the page's when it shows none), and the
    # whole page follows the answer
    chosen = normalise_lang(p.request.query_params.get("lang"))
    if chosen is None and q.strip() and engine.detector.evidence(q) is None:
        chosen = p.lang  # a question in no telling language (a drug's name): the page's
    if q.strip():
        charge(p.request)  # a question costs CPU: the client's budget (429 page)
    answer = engine.ask(q, lang=cast(Lang | None, chosen)) if q.strip() else None
    if answer is not None and answer.lang != p.lang:
        p.lang = answer.lang
        p.t = Translator(answer.lang)
    lang = cast(Literal["fr", "en"], p.lang)
    sources = []
    if answer is not None:
        known = engine.kb.sources
        sources = [
            {
                "name": s,
                "title": known.get(s, {}).get("title", s),
                "url": known.get(s, {}).get("url"),
                "lang": known.get(s, {}).get("lang")
                or title_lang(known.get(s, {}).get("title", s)),
            }
            for s in answer.sources
        ]
    return p.render(
        "patient.html",
        q=q,
        answer=answer,
        body=markdown_html(answer.body_markdown) if answer is not None else None,
        message=markdown_html(answer.message) if answer is not None and answer.message else None,
        sources=sources,
        themes=engine.themes(lang),
        glossary=engine.glossary(lang),
    )
