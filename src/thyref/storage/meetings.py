"""Tumour-board meetings: agenda of cases with their question, append-only decisions.

Access follows the rest of the application: a clinician sees the meetings of their
centre and adds only cases they can see (``repository._record``); an admin sees all.
A meeting, an agenda item or a decision out of reach is reported as not found.

A meeting takes only its own centre's cases, whoever adds them: the same case id may
name another patient in another centre. An agenda item keeps the record's internal key
(``AgendaEntry.case_pk``), and whatever reads the case of an item loads it by that key,
never by the bare case id (which would find the reader's own centre's namesake).

Decisions are never changed or deleted here: an amendment is a new row pointing to
the decision it amends, and only the latest decision of an item can be amended (the
unique ``amends_id`` makes two concurrent amendments fail, one of them cleanly).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, exists, func, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from thyref.storage.errors import CaseNotFound, StorageError, check_length
from thyref.storage.models import AgendaItem, BoardDecision, CaseRecord, Meeting, utcnow
from thyref.storage.repository import (
    MAX_ID,
    Actor,
    CaseSummary,
    _aware,
    _record,
    _summary,
    _text,
    case_ref,
    split_ref,
)
from thyref.storage.repository import _visible as _case_visible

KINDS = ("regional", "national")
# Longest texts, in characters (the columns' sizes): longer is refused, never cut.
TITLE_MAX = 120  # Meeting.title
QUESTION_MAX = 500  # AgendaItem.question
CONTACT_MAX = 200  # BoardDecision.contact


class MeetingNotFound(StorageError):
    """No such meeting, agenda item or decision within the user's reach."""


class AlreadyOnAgenda(StorageError):
    """The case is already on this meeting's agenda."""


class CaseOfOtherCentre(CaseNotFound):
    """The case belongs to another centre than the meeting's (not found, for the web)."""


class DecisionConflict(StorageError):
    """A decision exists already (amend the latest), or the one amended is not the latest."""

    def __init__(self, latest_id: int | None) -> None:
        super().__init__("amend the latest decision")
        self.latest_id = latest_id


class CaseChanged(StorageError):
    """The case was saved again after the page the decision was typed on was shown: the
    board's options may have changed with it."""

    def __init__(self, current: int) -> None:
        super().__init__("the case changed since the page was shown")
        self.current = current


@dataclass(frozen=True, slots=True)
class MeetingInfo:
    id: int
    kind: str
    held_on: date
    title: str
    centre: str
    cases: int
    decided: int
    centre_id: int = 0


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    id: int
    amends_id: int | None
    case_version: int
    options: list[str]
    free_text: str
    specialties: list[str]
    follow_up: date | None
    contact: str
    author: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AgendaEntry:
    item_id: int
    meeting_id: int
    case_id: str
    case_pk: int  # the record: load the case by it, never by ``case_id``
    case_ref: str  # how URLs name the record for the user (``CaseSummary.ref``)
    question: str
    added_by: str
    added_at: datetime
    decisions: list[DecisionRecord]  # newest first: [0] is the decision in force

    @property
    def latest(self) -> DecisionRecord | None:
        return self.decisions[0] if self.decisions else None


def _visible(actor: Actor) -> Any:
    return true() if actor.is_admin else Meeting.centre_id == actor.centre_id


def _meeting(db: Session, actor: Actor, meeting_id: int) -> Meeting:
    if not 1 <= meeting_id <= MAX_ID:  # no row has it (and the driver would overflow)
        raise MeetingNotFound(str(meeting_id))
    row = db.scalar(select(Meeting).where(Meeting.id == meeting_id, _visible(actor)))
    if row is None:
        raise MeetingNotFound(str(meeting_id))
    return row


def _info(db: Session, row: Meeting) -> MeetingInfo:
    from thyref.storage.models import Centre

    cases = db.scalar(select(func.count()).where(AgendaItem.meeting_id == row.id)) or 0
    decided = (
        db.scalar(
            select(func.count(func.distinct(BoardDecision.item_id)))
            .join(AgendaItem, AgendaItem.id == BoardDecision.item_id)
            .where(AgendaItem.meeting_id == row.id)
        )
        or 0
    )
    centre = db.get(Centre, row.centre_id)
    return MeetingInfo(
        row.id,
        row.kind,
        row.held_on,
        row.title,
        centre.name if centre else "",
        cases,
        decided,
        row.centre_id,
    )


def _decision(row: BoardDecision) -> DecisionRecord:
    return DecisionRecord(
        id=row.id,
        amends_id=row.amends_id,
        case_version=row.case_version,
        options=list(json.loads(row.options)),
        free_text=row.free_text,
        specialties=list(json.loads(row.specialties)),
        follow_up=row.follow_up,
        contact=row.contact,
        author=row.author_name,
        created_at=_aware(row.created_at),
    )


def create_meeting(db: Session, actor: Actor, kind: str, held_on: date, title: str = "") -> int:
    """A new meeting of the actor's centre; returns its id."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    row = Meeting(
        centre_id=actor.centre_id,
        kind=kind,
        held_on=held_on,
        title=check_length("title", title.strip(), TITLE_MAX),
        created_by_id=actor.user_id,
        created_at=utcnow(),
    )
    db.add(row)
    db.flush()
    return row.id


def list_meetings(db: Session, actor: Actor, *, since: date | None = None) -> list[MeetingInfo]:
    """Meetings within reach, soonest first (``since``: only those on or after it)."""
    stmt = select(Meeting).where(_visible(actor))
    if since is not None:
        stmt = stmt.where(Meeting.held_on >= since)
    stmt = stmt.order_by(Meeting.held_on, Meeting.id).limit(200)
    return [_info(db, row) for row in db.scalars(stmt)]


def get_meeting(db: Session, actor: Actor, meeting_id: int) -> MeetingInfo:
    return _info(db, _meeting(db, actor, meeting_id))


def agenda(db: Session, actor: Actor, meeting_id: int) -> list[AgendaEntry]:
    """The meeting's cases in the order they were added, each with its decisions (an
    item whose case is out of the actor's reach is left out)."""
    _meeting(db, actor, meeting_id)
    rows = db.execute(
        select(AgendaItem, CaseRecord.case_id, CaseRecord.centre_id)
        .join(CaseRecord, CaseRecord.id == AgendaItem.case_pk)
        .where(AgendaItem.meeting_id == meeting_id, _case_visible(actor))
        .order_by(AgendaItem.id)
    ).all()
    ids = [item.id for item, _, _ in rows]
    decisions: dict[int, list[DecisionRecord]] = {i: [] for i in ids}
    if ids:
        for d in db.scalars(
            select(BoardDecision)
            .where(BoardDecision.item_id.in_(ids))
            .order_by(BoardDecision.id.desc())
        ):
            decisions[d.item_id].append(_decision(d))
    return [
        AgendaEntry(
            item.id,
            item.meeting_id,
            case_id,
            item.case_pk,
            case_ref(actor, case_id, centre_id),
            item.question,
            item.added_by,
            _aware(item.added_at),
            decisions[item.id],
        )
        for item, case_id, centre_id in rows
    ]


def agenda_entry(db: Session, actor: Actor, meeting_id: int, item_id: int) -> AgendaEntry:
    for entry in agenda(db, actor, meeting_id):
        if entry.item_id == item_id:
            return entry
    raise MeetingNotFound(f"{meeting_id}/{item_id}")


def add_case(db: Session, actor: Actor, meeting_id: int, case_id: str, question: str) -> int:
    """Put a case of the meeting's centre the actor can see on the agenda, with its
    question; returns the item id. ``case_id`` may be a ref (``id~centre``); a bare id
    names the meeting centre's case. ``CaseOfOtherCentre`` for another centre's case
    (even for an admin), ``CaseNotFound`` when out of reach."""
    meeting = _meeting(db, actor, meeting_id)
    plain, centre = split_ref(case_id)
    if centre is not None and centre != meeting.centre_id:
        raise CaseOfOtherCentre(case_id)
    record = db.scalar(
        select(CaseRecord).where(
            CaseRecord.case_id == _text(plain),
            CaseRecord.centre_id == meeting.centre_id,
            _case_visible(actor),
        )
    )
    if record is None:
        elsewhere = db.scalar(
            select(CaseRecord.id).where(CaseRecord.case_id == _text(plain), _case_visible(actor))
        )
        raise (CaseNotFound if elsewhere is None else CaseOfOtherCentre)(case_id)
    taken = db.scalar(
        select(AgendaItem.id).where(
            AgendaItem.meeting_id == meeting.id, AgendaItem.case_pk == record.id
        )
    )
    if taken is not None:
        raise AlreadyOnAgenda(case_id)
    item = AgendaItem(
        meeting_id=meeting.id,
        case_pk=record.id,
        question=check_length("question", question.strip(), QUESTION_MAX),
        added_by=actor.username,
        added_at=utcnow(),
    )
    db.add(item)
    try:
        db.flush()
    except IntegrityError as exc:  # added concurrently
        raise AlreadyOnAgenda(case_id) from exc
    return item.id


def record_decision(
    db: Session,
    actor: Actor,
    meeting_id: int,
    item_id: int,
    *,
    options: Sequence[str],
    free_text: str,
    specialties: Sequence[str],
    follow_up: date | None,
    contact: str = "",
    amends: int | None = None,
    seen_version: int | None = None,
) -> DecisionRecord:
    """Append a decision (``amends``: the id of the latest decision it replaces) on the
    case's current version; ``seen_version``, the version the decision was typed against,
    must still be the current one (``CaseChanged`` otherwise: nothing is stored)."""
    entry = agenda_entry(db, actor, meeting_id, item_id)
    latest = entry.latest
    if (latest.id if latest else None) != amends:
        raise DecisionConflict(latest.id if latest else None)
    case_version = int(
        db.scalar(
            select(CaseRecord.version)
            .join(AgendaItem, AgendaItem.case_pk == CaseRecord.id)
            .where(AgendaItem.id == item_id)
        )
        or 0
    )
    if seen_version is not None and seen_version != case_version:
        raise CaseChanged(case_version)
    row = BoardDecision(
        item_id=item_id,
        amends_id=amends,
        case_version=case_version,
        options=json.dumps(list(options)),
        free_text=free_text.strip(),
        specialties=json.dumps(list(specialties)),
        follow_up=follow_up,
        contact=check_length("contact", contact.strip(), CONTACT_MAX),
        author_id=actor.user_id,
        author_name=actor.username,
        created_at=utcnow(),
    )
    db.add(row)
    try:
        db.flush()
    except IntegrityError as exc:  # a concurrent amendment of the same decision won
        raise DecisionConflict(None) from exc
    return _decision(row)


def latest_question(db: Session, actor: Actor, case_id: str) -> str:
    """The question of the case's most recent agenda item within reach ("" if none)."""
    record = _record(db, actor, case_id)
    question = db.scalar(
        select(AgendaItem.question)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .where(AgendaItem.case_pk == record.id, _visible(actor))
        .order_by(Meeting.held_on.desc(), AgendaItem.id.desc())
        .limit(1)
    )
    return question or ""


def waiting_cases(db: Session, actor: Actor, today: date) -> list[CaseSummary]:
    """Cases within reach that wait for a board: on no meeting from ``today`` on, and
    with no decision recorded since they last changed."""
    planned = exists().where(
        AgendaItem.case_pk == CaseRecord.id,
        AgendaItem.meeting_id == Meeting.id,
        Meeting.held_on >= today,
    )
    decided = exists().where(
        and_(
            AgendaItem.case_pk == CaseRecord.id,
            BoardDecision.item_id == AgendaItem.id,
            BoardDecision.created_at >= CaseRecord.updated_at,
        )
    )
    visible = true() if actor.is_admin else CaseRecord.centre_id == actor.centre_id
    stmt = (
        select(CaseRecord)
        .where(visible, ~planned, ~decided)
        .order_by(CaseRecord.updated_at.desc())
        .limit(200)
    )
    return [_summary(r, actor) for r in db.scalars(stmt)]
