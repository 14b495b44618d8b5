"""Tumour-board pages: coordinator view, meetings, agenda, decisions, sheet and letter.

Access is the application's: a clinician sees the meetings and cases of their centre,
an admin all of them; anything out of reach answers 404. Decisions are append-only
(``thyref.storage.meetings``). The documents come from ``thyref.board``.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, FastAPI, Path
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from thyref.board.decision import (
    MEETING_KINDS,
    SPECIALTIES,
    Decision,
    decision_from_json,
    hidden_character,
)
from thyref.board.meeting import national_dates
from thyref.board.text import bt, bt_n, human_date
from thyref.domain.messages import Lang, colon, problem_text, whole
from thyref.errors import CaseValidationError, Problem
from thyref.storage import CaseNotFound
from thyref.storage import meetings as store
from thyref.storage import repository as repo
from thyref.web.context import NotFound, Page, clinician_page
from thyref.web.i18n import normalise_lang

router = APIRouter(include_in_schema=False)
# Meeting and item ids in paths: beyond the 32-bit columns no row has them (404).
MeetingId = Annotated[int, Path(ge=1, le=repo.MAX_ID)]
ItemId = Annotated[int, Path(ge=1, le=repo.MAX_ID)]


def install(app: FastAPI) -> None:
    """Add the board pages to the app, and the two words other templates show
    (the navigation link, the sheet button of the case page)."""
    app.include_router(router)
    env = app.state.thyref.templates.env
    env.globals["board_nav"] = lambda lang: bt("web.nav", "en" if lang == "en" else "fr")
    env.globals["board_sheet"] = lambda lang: bt("web.sheet_pdf", "en" if lang == "en" else "fr")


def _lang(p: Page) -> Lang:
    return "en" if p.lang == "en" else "fr"


def national_per_month(p: Page) -> int:
    """National boards per month: ``THYREF_NATIONAL_RCP_PER_MONTH`` (the app's settings,
    checked at start), else the rules file."""
    from thyref.domain.rules import load_rules

    chosen = p.state.settings.national_rcp_per_month
    return chosen if chosen is not None else int(load_rules().options.national_rcp_per_month)


def _render(p: Page, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    lang = _lang(p)

    def b(key: str, **params: Any) -> str:
        return bt(key, lang, **params)

    def bn(key: str, n: int, **params: Any) -> str:
        return bt_n(key, n, lang, **params)

    return p.render(
        template,
        status=status,
        b=b,
        bn=bn,
        human_date=lambda d: human_date(d, lang),
        kinds=MEETING_KINDS,
        specialties=SPECIALTIES,
        **context,
    )


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _form_id(raw: str) -> int | None:
    """A row id typed in a form: ASCII digits within the 32-bit columns, else None."""
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 10):
        return None
    value = int(raw)
    return value if 1 <= value <= repo.MAX_ID else None


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


# a meeting is held from 10 years back (a past board's decision recorded late) to 2 years
# ahead: a date outside is a slip of the keyboard (0202 for 2026), not a meeting
MEETING_YEARS_BACK = 10
MEETING_YEARS_AHEAD = 2


def meeting_dates(today: date) -> tuple[date, date]:
    """The first and last dates a meeting created ``today`` may be held on."""
    return date(today.year - MEETING_YEARS_BACK, 1, 1), date(
        today.year + MEETING_YEARS_AHEAD, 12, 31
    )


# ---------------------------------------------------------------- coordinator


@router.get("/meetings")
def coordinator(p: Page = Depends(clinician_page), error: str = "") -> HTMLResponse:
    return _coordinator(p, error=error if error in ("date", "kind", "title") else "")


def _coordinator(
    p: Page,
    *,
    status: int = 200,
    error: str = "",
    typed: dict[str, str] | None = None,
    today: date | None = None,
) -> HTMLResponse:
    """The coordinator's page; a refused meeting comes back with ``status`` 422, what was
    typed (``typed``: kind, held_on, title) kept and ``error`` (a ``web.error_*`` key) tied
    to its field. Posted (the coordinator's form: a refused meeting, the language switch),
    the meeting and question chosen for each waiting case come back too (``rows``).
    ``today``: the day a refused date was checked against (one range for the check, the
    date field's bounds and the error's sentence)."""
    today = today or date.today()
    dates = meeting_dates(today)
    with p.state.db.session() as db:
        upcoming = store.list_meetings(db, p.actor, since=today)
        waiting = store.waiting_cases(db, p.actor, today)
    per_month = national_per_month(p)
    typed = typed or {}
    rows = {
        c.ref: {"meeting_id": p.field(f"row.{c.ref}.meeting_id"),
                "question": p.field(f"row.{c.ref}.question")}
        for c in waiting
    }  # fmt: skip
    return _render(
        p,
        "coordinator.html",
        status=status,
        upcoming=upcoming,
        waiting=waiting,
        national=national_dates(today, 4, per_month),
        per_month=per_month,
        today=today.isoformat(),
        dates=dates,
        error=error,
        # the field the error is about (``title_long`` is the title's)
        error_field=error.split("_", 1)[0],
        error_text=_meeting_error(error, typed.get("title", ""), dates, _lang(p)),
        typed=typed,
        rows=rows,
    )


def _meeting_error(error: str, title: str, dates: tuple[date, date], lang: Lang) -> str:
    if not error:
        return ""
    if error == "title_long":
        return _too_long("web.error_title_long", title, store.TITLE_MAX, lang)
    if error == "date_range":
        first, last = dates
        return bt(
            "web.error_date_range",
            lang,
            first=human_date(first, lang),
            last=human_date(last, lang),
        )
    return bt(f"web.error_{error}", lang)


def _too_long(key: str, typed: str, limit: int, lang: Lang) -> str:
    """``key``'s sentence: the text's length (as stored: stripped) and the limit."""
    return bt(key, lang, count=whole(len(typed.strip()), lang), max=whole(limit, lang))


@router.post("/meetings")
def create_meeting(p: Page = Depends(clinician_page)) -> Response:
    kind = p.field("kind")
    held_on = _date(p.field("held_on"))
    title = p.field("title")
    if p.field("action") == "lang":  # the header's language switch: the page again, in ?lang=
        typed = {"kind": kind, "held_on": p.field("held_on"), "title": title}
        return _coordinator(p, typed=typed)
    error = ""
    today = date.today()
    first, last = meeting_dates(today)
    if kind not in MEETING_KINDS:
        error = "kind"
    elif held_on is None:
        error = "date"
    elif not first <= held_on <= last:
        error = "date_range"
    elif hidden_character(title):  # the rule of the board's texts (docs/board.md)
        error = "title"
    elif len(title.strip()) > store.TITLE_MAX:  # refused whole, never cut
        error = "title_long"
    if error or held_on is None:
        typed = {"kind": kind, "held_on": p.field("held_on"), "title": title}
        return _coordinator(p, status=422, error=error, typed=typed, today=today)
    with p.state.db.session() as db:
        meeting_id = store.create_meeting(db, p.actor, kind, held_on, title)
        repo.audit(db, p.actor, "meeting_create", None, f"meeting {meeting_id}")
    return _redirect(f"/meetings/{meeting_id}")


@router.post("/meetings/agenda")
def add_to_agenda(p: Page = Depends(clinician_page)) -> Response:
    """Put a case on a meeting's agenda with its question (from either page). A refused
    question gives the meeting page (422) with the case and the question kept in its form,
    the reason tied to the question's field, and (posted from the meeting page, whose
    meeting form holds them) the decisions typed in the agenda items."""
    raw_meeting, question = p.field("meeting_id"), p.field("question")
    if "meeting_id" not in p.form:  # the coordinator's form: the row of the case's button
        row = f"row.{p.field('case_id')}."
        raw_meeting, question = p.field(row + "meeting_id"), p.field(row + "question")
    meeting_id = _form_id(raw_meeting)
    case_id = p.field("case_id").strip()
    if meeting_id is None:
        raise NotFound()
    refused = ""
    if hidden_character(question):  # refused as in a decision (docs/board.md)
        refused = bt("web.notice_question", _lang(p))
    elif len(question.strip()) > store.QUESTION_MAX:  # refused whole, never cut
        refused = _too_long("web.question_long", question, store.QUESTION_MAX, _lang(p))
    if refused:
        return _meeting_page(
            p,
            meeting_id,
            status=422,
            asked={"case_id": case_id, "question": question, "error": refused},
            keep_typing=True,  # the meeting form posted it: the decisions typed come back
        )
    status = "added"
    with p.state.db.session() as db:
        try:
            item = store.add_case(db, p.actor, meeting_id, case_id, question)
            ref = store.agenda_entry(db, p.actor, meeting_id, item).case_ref
            repo.audit(db, p.actor, "agenda_add", ref, f"meeting {meeting_id} item {item}")
        except store.MeetingNotFound as exc:
            raise NotFound() from exc
        except CaseNotFound as exc:
            raise NotFound() from exc
        except store.AlreadyOnAgenda:
            status = "already"
    # posted from the meeting page: the decisions typed and not recorded in its agenda
    # items come back with the new item (the question is used: "Add a case" is empty);
    # nothing typed, or from the coordinator's page: the meeting page (303)
    return _meeting_page(
        p,
        meeting_id,
        notice=status,
        keep_typing=True,
        asked={},
        settled=f"/meetings/{meeting_id}?notice={status}",
    )


# ---------------------------------------------------------------- one meeting


def _proposals(db: Any, p: Page, case_pk: int) -> tuple[int, list[dict[str, str]]]:
    """The current version of the case (its record's key: the case id may name another
    centre's patient) and the options of its assessment, in the page's language."""
    current = repo.get_case_by_pk(db, p.actor, case_pk).current
    assessment = current.assessment_in(p.lang)
    return current.version, [
        {"id": str(r["id"]), "title": str(r["title"]), "priority": str(r["priority"])}
        for r in assessment.get("recommendations") or []
    ]


def _meeting_page(
    p: Page,
    meeting_id: int,
    *,
    status: int = 200,
    errors: dict[int, list[tuple[str, str]]] | None = None,
    posted: dict[int, dict[str, Any]] | None = None,
    notice: str = "",
    keep_typing: bool = False,
    anew: int | None = None,
    asked: dict[str, str] | None = None,
    settled: str = "",
) -> Response:
    """The meeting page. With ``keep_typing``, what the posted meeting form holds comes
    back as it was typed: the case and question of "Add a case" (unless ``asked`` is
    given) and the decisions (``_typed``), but those of the items ``posted`` names and
    of item ``anew`` (its form shows the decision in force again).

    ``settled``: what was posted is stored, and the page is that address (a 303 to it)
    unless something typed comes back (a question, a decision): then it is given here,
    the address told to the browser (``location``: app.js puts it in the address bar)."""
    if keep_typing and asked is None:
        asked = {"case_id": p.field("case_id"), "question": p.field("question")}
    with p.state.db.session() as db:
        try:
            meeting = store.get_meeting(db, p.actor, meeting_id)
            entries = store.agenda(db, p.actor, meeting_id)
        except store.MeetingNotFound as exc:
            raise NotFound() from exc
        posted = dict(posted or {})
        for e in entries if keep_typing else ():
            if e.item_id in posted or e.item_id == anew:
                continue
            if f"item{e.item_id}.case_version" not in p.form:
                continue  # added to the agenda since the page was shown: nothing typed
            typed = _typed(p, e.item_id)
            if _differs(typed, e.latest):
                posted[e.item_id] = typed
        if settled and not posted and not (asked or {}).get("question", "").strip():
            return _redirect(settled)  # nothing typed to give back
        shown = {e.item_id: _proposals(db, p, e.case_pk) for e in entries}
        on_agenda = {e.case_pk for e in entries}
        addable = [  # the meeting's centre's cases only (``store.add_case``)
            c
            for c in repo.list_cases(db, p.actor, centre_id=meeting.centre_id)
            if c.pk not in on_agenda
        ]
    return _render(
        p,
        "meeting.html",
        status=status,
        meeting=meeting,
        entries=entries,
        proposals={item: options for item, (_, options) in shown.items()},
        # the version the options were proposed for: a decision posted after the case
        # was saved again is refused (``store.CaseChanged``)
        versions={item: version for item, (version, _) in shown.items()},
        addable=addable,
        errors={item: tied_errors(item, found) for item, found in (errors or {}).items()},
        posted=posted,
        # a refused agenda question: the case and question typed, and why (``error``)
        asked=asked or {},
        location=settled,
        notice=(
            notice
            if notice in ("added", "already", "recorded", "conflict", "question", "case_changed")
            else ""
        ),
    )


@router.get("/meetings/{meeting_id}")
def meeting_page(meeting_id: MeetingId, p: Page = Depends(clinician_page)) -> Response:
    return _meeting_page(p, meeting_id, notice=p.request.query_params.get("notice", ""))


@router.post("/meetings/{meeting_id}")
def meeting_page_again(meeting_id: MeetingId, p: Page = Depends(clinician_page)) -> Response:
    """The meeting page again, the meeting form posted: the header's language switch posts
    it here in the other language (``?lang=``), so the case and question typed in "Add a
    case" and the decisions typed and not recorded, in every agenda item, come back (and
    the page's notice). Nothing is stored."""
    return _meeting_page(p, meeting_id, notice=p.field("notice"), keep_typing=True)


def _typed(p: Page, item_id: int) -> dict[str, Any]:
    """The decision typed for agenda item ``item_id`` in the posted meeting form, where each
    field is named after its item (``item<N>.options``), with the decision and the case
    version its form was shown on (``amends``, ``case_version``)."""
    prefix = f"item{item_id}."
    return {
        "options": [v for v in p.form.getlist(prefix + "options") if isinstance(v, str)],
        "free_text": p.field(prefix + "free_text"),
        "specialties": [v for v in p.form.getlist(prefix + "specialties") if isinstance(v, str)],
        "follow_up": p.field(prefix + "follow_up") or None,
        "contact": p.field(prefix + "contact"),
        "amends": p.field(prefix + "amends"),
        "case_version": p.field(prefix + "case_version"),
    }


def _differs(typed: dict[str, Any], latest: store.DecisionRecord | None) -> bool:
    """Whether a decision form holds something else than the page shows in it unasked (the
    decision in force, or nothing): the forms left as they were stay closed."""
    shown = (
        {
            "options": set(latest.options),
            "free_text": latest.free_text,
            "specialties": set(latest.specialties),
            "follow_up": latest.follow_up.isoformat() if latest.follow_up else None,
            "contact": latest.contact,
        }
        if latest
        else {
            "options": set(),
            "free_text": "",
            "specialties": set(),
            "follow_up": None,
            "contact": "",
        }
    )
    held = {
        "options": set(typed["options"]),
        "free_text": typed["free_text"].replace("\r\n", "\n"),  # a textarea posts CRLF
        "specialties": set(typed["specialties"]),
        "follow_up": typed["follow_up"],
        "contact": typed["contact"],
    }
    return held != shown


@router.get("/meetings/{meeting_id}/items/{item_id}/decision")
def decision_page(
    meeting_id: MeetingId, item_id: ItemId, p: Page = Depends(clinician_page)
) -> Response:
    """A refused decision (422, 409) is answered at the form's address: its language link,
    or that address opened again (from the history, a bookmark), asks for it by GET. They
    get the meeting page at the item (in the language asked), not a 405."""
    lang = normalise_lang(p.request.query_params.get("lang"))
    query = f"?lang={lang}" if lang else ""
    return _redirect(f"/meetings/{meeting_id}{query}#item-{item_id}")


@router.post("/meetings/{meeting_id}/items/{item_id}/decision")
def record_decision(
    meeting_id: MeetingId, item_id: ItemId, p: Page = Depends(clinician_page)
) -> Response:
    typed = _typed(p, item_id)
    amends_raw, seen_raw = typed.pop("amends"), typed.pop("case_version")
    data = {"meeting": {"kind": "regional"}, **typed}
    with p.state.db.session() as db:
        try:
            entry = store.agenda_entry(db, p.actor, meeting_id, item_id)
            held_on = store.get_meeting(db, p.actor, meeting_id).held_on
        except store.MeetingNotFound as exc:
            raise NotFound() from exc
        proposed = [o["id"] for o in _proposals(db, p, entry.case_pk)[1]]
    # the meeting's day: a follow-up before it is refused, and so is a decision on a meeting
    # still to come (the patient letter would say the case "was presented" on that day),
    # as `thyref letter` refuses it
    data["meeting"] = {"kind": "regional", "date": held_on.isoformat()}
    problems: list[Problem] = []
    try:
        decision = decision_from_json(data, proposed=proposed, today=date.today())
    except CaseValidationError as exc:
        problems = list(exc.problems)
    # the stored contact is shorter than a board text: refused whole, never cut
    contact = str(data["contact"]).strip()
    if len(contact) > store.CONTACT_MAX and not any(pr.path == "contact" for pr in problems):
        limit = str(store.CONTACT_MAX)
        said = f"is longer than {limit} characters"
        problems.append(Problem("contact", said, "board_long", (("max", limit),)))
    if problems:
        lang = _lang(p)
        messages = [
            (pr.path, f"{_field_label(pr.path, lang)}{colon(lang)} {problem_text(pr, lang)}")
            for pr in problems
        ]
        return _meeting_page(
            p,
            meeting_id,
            status=422,
            errors={item_id: messages},
            posted={item_id: data},
            keep_typing=True,  # what the other agenda items hold
        )
    with p.state.db.session() as db:
        try:
            record = store.record_decision(
                db,
                p.actor,
                meeting_id,
                item_id,
                options=decision.options,
                free_text=decision.free_text,
                specialties=decision.specialties,
                follow_up=decision.follow_up,
                contact=decision.contact,
                # an id no decision can have is not the latest decision: a conflict
                amends=None if not amends_raw else (_form_id(amends_raw) or 0),
                # the version the page showed; one no case can have is not the current one
                seen_version=None if not seen_raw else (_form_id(seen_raw) or 0),
            )
            repo.audit(
                db,
                p.actor,
                "board_decision",
                entry.case_ref,
                f"meeting {meeting_id} decision {record.id}"
                + (f" amends {record.amends_id}" if record.amends_id else ""),
            )
        except store.DecisionConflict:
            # this item's form shows the decision now in force; the others' typing is kept
            return _meeting_page(
                p, meeting_id, status=409, notice="conflict", keep_typing=True, anew=item_id
            )
        except store.CaseChanged:
            # what was typed is kept, to be checked against the options of the new version
            return _meeting_page(
                p,
                meeting_id,
                status=409,
                notice="case_changed",
                posted={item_id: data},
                keep_typing=True,
            )
    # the decisions typed in the other items, and the question typed in "Add a case",
    # come back (this item's form shows the decision just recorded); nothing typed: 303
    return _meeting_page(
        p,
        meeting_id,
        notice="recorded",
        keep_typing=True,
        anew=item_id,
        settled=f"/meetings/{meeting_id}?notice=recorded#item-{item_id}",
    )


# The control of the decision form that a problem's path names (its id, with the item's).
_CONTROLS = {
    "options": "opts",
    "free_text": "t",
    "specialties": "spec",
    "follow_up": "fu",
    "contact": "c",
}


def tied_errors(item_id: int, problems: list[tuple[str, str]]) -> dict[str, Any]:
    """A refused decision's messages, each tied to its control: the summary's items
    (``id``, the control's id to link to, the text) and, per control, the ids of the
    messages that describe it (``aria-describedby``)."""
    items: list[dict[str, str]] = []
    described: dict[str, str] = {}
    for n, (path, text) in enumerate(problems):
        head = _CONTROLS.get(path.split("[", 1)[0].split(".", 1)[0])
        control = f"{head}-{item_id}" if head else ""
        message_id = f"err-{item_id}-{n}"
        items.append({"id": message_id, "control": control, "text": text})
        if control:
            described[control] = " ".join(filter(None, [described.get(control), message_id]))
    return {"items": items, "described": described}


def _field_label(path: str, lang: Lang) -> str:
    head = path.split("[", 1)[0].split(".", 1)[0]
    key = {
        "options": "label.d.options",
        "free_text": "label.d.free_text",
        "specialties": "label.d.specialties",
        "follow_up": "label.d.follow_up",
        "contact": "web.contact",
        "meeting": "label.d.meeting",  # its date: a decision on a meeting still to come
    }.get(head)
    return bt(key, lang) if key else path


# ---------------------------------------------------------------- documents


def _document_inputs(
    db: Any, p: Page, meeting_id: int, item_id: int
) -> tuple[repo.StoredVersion, dict[str, Any], Decision | None, store.AgendaEntry]:
    """The case version the decision was taken on (else current), its assessment,
    the decision in force as a ``Decision``, and the agenda entry (its question, and
    ``case_ref`` to audit by). The case is the item's record, loaded by its key."""
    try:
        meeting = store.get_meeting(db, p.actor, meeting_id)
        entry = store.agenda_entry(db, p.actor, meeting_id, item_id)
    except store.MeetingNotFound as exc:
        raise NotFound() from exc
    latest = entry.latest
    if latest is not None:
        version = repo.get_version_by_pk(db, p.actor, entry.case_pk, latest.case_version)
    else:
        version = repo.get_case_by_pk(db, p.actor, entry.case_pk).current
    assessment = version.assessment_in(p.lang)
    decision = None
    if latest is not None:
        decision = Decision(
            options=tuple(latest.options),
            free_text=latest.free_text,
            specialties=tuple(latest.specialties),
            follow_up=latest.follow_up,
            meeting_kind=meeting.kind,
            meeting_date=meeting.held_on,
            question=entry.question,
            contact=latest.contact,
            amends=latest.amends_id,
            author=latest.author,
            record_id=latest.id,
        )
    return version, assessment, decision, entry


def _pdf(body: bytes, filename: str) -> Response:
    return Response(
        body,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/meetings/{meeting_id}/items/{item_id}/sheet.pdf")
def decision_sheet(
    meeting_id: MeetingId, item_id: ItemId, p: Page = Depends(clinician_page)
) -> Response:
    from thyref.board.sheet import build_sheet, render_pdf

    with p.state.db.session() as db:
        version, assessment, decision, entry = _document_inputs(db, p, meeting_id, item_id)
        repo.audit(db, p.actor, "download", entry.case_ref, f"board sheet item {item_id}")
    sheet = build_sheet(
        version.case, assessment, _lang(p), question=entry.question, decision=decision
    )
    return _pdf(render_pdf(sheet), f"{version.case_id}.rcp.{p.lang}.pdf")


@router.get("/meetings/{meeting_id}/items/{item_id}/letter.pdf")
def patient_letter(
    meeting_id: MeetingId, item_id: ItemId, p: Page = Depends(clinician_page)
) -> Response:
    from thyref.board.letter import build_letter, render_letter_pdf

    with p.state.db.session() as db:
        version, assessment, decision, entry = _document_inputs(db, p, meeting_id, item_id)
        repo.audit(db, p.actor, "download", entry.case_ref, f"patient letter item {item_id}")
    letter = build_letter(version.case, assessment, _lang(p), decision=decision)
    return _pdf(render_letter_pdf(letter), f"{version.case_id}.letter.{p.lang}.pdf")


@router.get("/meetings/{meeting_id}/items/{item_id}/careplan.json")
def careplan_json(
    meeting_id: MeetingId, item_id: ItemId, p: Page = Depends(clinician_page)
) -> Response:
    from thyref.board.careplan import careplan

    with p.state.db.session() as db:
        version, assessment, decision, entry = _document_inputs(db, p, meeting_id, item_id)
        if decision is None:
            raise NotFound()
        repo.audit(db, p.actor, "download", entry.case_ref, f"careplan item {item_id}")
    body = json.dumps(careplan(version.case_id, decision, assessment, _lang(p)), indent=2)
    return Response(
        body.encode(),
        media_type="application/fhir+json",
        headers={"Content-Disposition": f'attachment; filename="{version.case_id}.careplan.json"'},
    )


@router.get("/cases/{case_id}/sheet.pdf")
def case_sheet(
    case_id: str, p: Page = Depends(clinician_page), version: int | None = None
) -> Response:
    """The board sheet of a case version (the current one by default), with the question
    of its latest agenda item, without a decision."""
    from thyref.board.sheet import build_sheet, render_pdf

    with p.state.db.session() as db:
        try:
            stored = (
                repo.get_case(db, p.actor, case_id).current
                if version is None
                else repo.get_version(db, p.actor, case_id, version)
            )
        except CaseNotFound as exc:
            raise NotFound() from exc
        question = store.latest_question(db, p.actor, case_id)
        repo.audit(db, p.actor, "download", case_id, f"board sheet version {stored.version}")
    sheet = build_sheet(stored.case, stored.assessment_in(p.lang), _lang(p), question=question)
    return _pdf(render_pdf(sheet), f"{quote(case_id)}.sheet.{p.lang}.pdf")
