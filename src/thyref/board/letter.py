"""The letter to the patient after the tumour board: one page, plain words.

It says what the board looked at, what it proposes, what happens next and whom to call.
Words of the answer engine's glossary found in the letter are explained at its end; no
option code or unexplained abbreviation is written (the option ids become sentences).
The letter never tells the reader to stop, start or change a medicine: the doctor
discusses the proposal with them, and the emergency number closes the letter.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import cache
from typing import Any

from thyref.board.decision import Decision
from thyref.board.sheet import typst_pdf
from thyref.board.text import bt, bt_n, human_date
from thyref.domain.messages import Lang, has, text
from thyref.domain.options import current_drug
from thyref.domain.rules import load_rules

JsonObject = Mapping[str, Any]
Letter = dict[str, Any]


def _looked_at(case: JsonObject, lang: Lang) -> list[str]:
    """What the board had in hand, counted from the case, in plain words."""
    out = []
    imaging = sorted(str(i.get("date")) for i in case.get("imaging") or [])
    if imaging:
        out.append(
            bt_n("letter.looked.imaging", len(imaging), lang, last=human_date(imaging[-1], lang))
        )
    labs = sorted(str(x.get("date")) for x in case.get("labs") or [])
    if labs:
        out.append(bt_n("letter.looked.labs", len(labs), lang, last=human_date(labs[-1], lang)))
    if case.get("rai"):
        out.append(bt("letter.looked.rai", lang, n=len(case["rai"])))
    if case.get("molecular"):
        out.append(bt("letter.looked.molecular", lang))
    out.append(bt("letter.looked.history", lang))
    return out


def _on_treatment(case: JsonObject) -> bool:
    """Whether the case records a systemic drug under way (``clinical.on_systemic_therapy``)."""
    clinical = case.get("clinical")
    current = clinical.get("on_systemic_therapy") if isinstance(clinical, Mapping) else None
    # "none", "aucun", "-": no drug under way (the options read it the same way)
    return isinstance(current, str) and bool(current_drug(current, load_rules()))


def _proposals(
    decision: Decision | None, assessment: JsonObject, lang: Lang, case: JsonObject
) -> list[str]:
    if decision is None:
        ids = [str(r["id"]) for r in assessment.get("recommendations") or []]
    else:
        ids = list(decision.options)
    out = []
    for option in ids:
        key = f"board.letter.option.{option}"
        # a patient already on a drug is not told that treatment would come later
        if _on_treatment(case) and has(f"{key}.on_treatment", lang):
            key += ".on_treatment"
        out.append(bt(key.removeprefix("board."), lang) if has(key, lang) else "")
    return [o for o in out if o] or [bt("letter.option.none", lang)]


@cache
def _glossary() -> tuple[Any, ...]:
    from thyref.answers.kb import load_knowledge_base

    return tuple(load_knowledge_base().glossary)


def explained_terms(body: str, lang: Lang) -> list[dict[str, str]]:
    """Glossary entries whose words appear in ``body`` (matched on folded words)."""
    from thyref.answers.text import normalised

    haystack = f" {normalised(body)} "
    found = []
    for term in _glossary():
        if any(f" {normalised(alias)} " in haystack for alias in term.aliases[lang]):
            entry = term.entries[lang]
            found.append({"term": entry.term, "definition": entry.definition})
    return found


def _intro(decision: Decision | None, meeting: str, lang: Lang) -> str:
    """Where and when the case was presented, as the record says: no date when the record
    has none (never the day of printing), and "doctors of several specialties" only when
    the record lists at least three (the quorum of the sheet and the CarePlan)."""
    if decision is None:
        return bt("letter.intro_pending", lang, meeting=meeting)
    if decision.meeting_date is not None:
        said = [bt("letter.intro_decided", lang, meeting=meeting,
                   date=human_date(decision.meeting_date, lang))]  # fmt: skip
    else:
        said = [bt("letter.intro_undated", lang, meeting=meeting)]
    if decision.quorum_ok:
        said.append(bt("letter.intro_several", lang))
    said.append(bt("letter.intro_plain", lang))
    return " ".join(said)


def build_letter(
    case: JsonObject,
    assessment: JsonObject,
    lang: Lang,
    *,
    decision: Decision | None = None,
    today: date | None = None,
) -> Letter:
    """The letter's content in ``lang`` (``decision`` None: the board has not decided yet)."""
    today = today or date.today()
    kind = decision.meeting_kind if decision else "regional"
    meeting = bt(f"letter.meeting.{kind}", lang)
    intro = _intro(decision, meeting, lang)
    proposals = _proposals(decision, assessment, lang, case)
    if decision and decision.free_text:
        proposals.append(bt("letter.free_text", lang, text=decision.free_text))
    follow_up = (
        bt("letter.next_date", lang, date=human_date(decision.follow_up, lang))
        if decision and decision.follow_up
        else bt("letter.next_no_date", lang)
    )
    contact = (
        bt("letter.call_contact", lang, contact=decision.contact)
        if decision and decision.contact
        else bt("letter.call_team", lang)
    )
    sections = [
        {"title": bt("letter.h.looked", lang), "items": _looked_at(case, lang)},
        {
            "title": bt("letter.h.proposes" if decision else "letter.h.discusses", lang),
            "items": proposals,
        },
        {
            "title": bt("letter.h.next", lang),
            "items": [follow_up, bt("letter.next_talk", lang)],
        },
        {"title": bt("letter.h.call", lang), "items": [contact, bt("letter.emergency", lang)]},
    ]
    body = " ".join([intro, *(i for s in sections for i in s["items"])])
    return {
        "lang": lang,
        "title": bt("letter.title", lang),
        "date": bt("letter.date", lang, date=human_date(today, lang)),
        "reference": bt("letter.reference", lang, id=str(case.get("id", ""))),
        "greeting": bt("letter.greeting", lang),
        "intro": intro,
        "sections": sections,
        "glossary_title": bt("letter.h.words", lang),
        "colon": text("punct.colon", lang),  # "\u00a0: " in French, ": " in English
        "glossary": explained_terms(body, lang),
        "closing": bt("letter.closing", lang),
        "footer": bt("letter.footer", lang),
    }


def render_letter_pdf(letter: Letter) -> bytes:
    """The letter as an A4 PDF: one page for an ordinary decision, more for long notes."""
    return typst_pdf("letter.typ", letter)


def render_letter_text(letter: Letter) -> str:
    """The letter as plain text (what ``thyref letter`` prints without ``-o``)."""
    out = [letter["title"], "", letter["date"], letter["reference"], "", letter["greeting"], ""]
    out += [letter["intro"], ""]
    for section in letter["sections"]:
        out.append(section["title"])
        out += [f"  - {item}" for item in section["items"]]
        out.append("")
    if letter["glossary"]:
        out.append(letter["glossary_title"])
        out += [f"  {g['term']}{letter['colon']}{g['definition']}" for g in letter["glossary"]]
        out.append("")
    out += [letter["closing"], "", letter["footer"], ""]
    return "\n".join(out)
