"""What the application does with the database, one function per operation.

Access rule: a clinician sees and edits the cases of their centre, an admin all of them.
A case outside the user's reach is reported as not found, so its existence does not leak.
Each save is a new ``CaseVersion``; a save based on an older version raises
``StaleVersion`` and writes nothing.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import case as sql_case
from sqlalchemy import delete, func, or_, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from thyref.domain.definitions import statuses_differ
from thyref.storage.errors import (
    AmbiguousCase,
    CaseExists,
    CaseNotFound,
    Forbidden,
    StaleVersion,
    UserExists,
    check_length,
)
from thyref.storage.models import (
    ROLES,
    AuditEvent,
    CaseRecord,
    CaseVersion,
    Centre,
    LoginAttempt,
    SessionToken,
    User,
    utcnow,
)

JsonObject = dict[str, Any]
# Version numbers are 32-bit integer columns: a larger number names no version (and would
# overflow the database driver).
MAX_VERSION = 2**31 - 1
NOTE_MAX = 200  # CaseVersion.note, in characters: longer is refused, never cut
USERNAME_MAX = 64  # User.username
CENTRE_MAX = 120  # Centre.name
# Row ids (meetings, agenda items, decisions, ...) are 32-bit integer columns too.
MAX_ID = 2**31 - 1


@dataclass(frozen=True, slots=True)
class Actor:
    """The signed-in user as the repository needs it."""

    user_id: int
    username: str
    role: str
    centre_id: int
    centre_name: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True, slots=True)
class CaseSummary:
    case_id: str
    version: int
    status: str
    category: str
    criteria: list[str]
    histology: str
    centre: str
    updated_at: datetime
    updated_by: str | None
    definitions_differ: bool = False
    # How URLs name the case for the signed-in user: the case id in their own centre,
    # ``<case id>~<centre number>`` for an admin looking at another centre's case.
    ref: str = ""
    # The record's internal key: the same case id may name a record in another centre.
    pk: int = 0


@dataclass(frozen=True, slots=True)
class StoredVersion:
    case_id: str
    version: int
    case: JsonObject
    assessment: dict[str, JsonObject]  # by language
    engine_version: str
    rules_version: str
    status: str
    author: str
    note: str
    created_at: datetime

    def assessment_in(self, lang: str) -> JsonObject:
        """The stored assessment in ``lang``, the French one when there is none in it."""
        return self.assessment.get(lang) or self.assessment["fr"]


@dataclass(frozen=True, slots=True)
class StoredCase:
    summary: CaseSummary
    current: StoredVersion


@dataclass(frozen=True, slots=True)
class VersionInfo:
    version: int
    status: str
    engine_version: str
    rules_version: str
    author: str
    note: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    username: str
    action: str
    case_id: str | None
    detail: str
    case_pk: int | None = None  # internal key: tells a deleted case from a reused id


def _text(value: str) -> str:
    """Text from a request made storable: PostgreSQL refuses NUL in any string parameter
    (a 500 for ``/cases/a%00b`` otherwise), and no stored name or id holds one."""
    return value.replace("\x00", "\ufffd")


def _dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def _aware(value: datetime) -> datetime:
    """Stored times are naive UTC; what leaves the repository says so."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _actor(user: User) -> Actor:
    return Actor(user.id, user.username, user.role, user.centre_id, user.centre.name)


# ---------------------------------------------------------------- centres and users


def get_or_create_centre(db: Session, name: str) -> Centre:
    centre = db.scalar(select(Centre).where(Centre.name == name))
    if centre is None:
        centre = Centre(name=check_length("centre", name, CENTRE_MAX))
        db.add(centre)
        db.flush()
    return centre


def add_user(db: Session, username: str, password_hash: str, role: str, centre: str) -> Actor:
    """Create a user in ``centre`` (created when new). Raises ``UserExists``."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if db.scalar(select(User.id).where(User.username == username)) is not None:
        raise UserExists(username)
    check_length("username", username, USERNAME_MAX)
    user = User(
        username=username,
        password_hash=password_hash,
        role=role,
        centre=get_or_create_centre(db, centre),
    )
    db.add(user)
    db.flush()
    return _actor(user)


def find_user(db: Session, username: str) -> tuple[Actor, str] | None:
    """The active user and their password hash, or None."""
    username = _text(username)
    user = db.scalar(select(User).where(User.username == username, User.active.is_(True)))
    return None if user is None else (_actor(user), user.password_hash)


def set_password_hash(db: Session, user_id: int, password_hash: str) -> None:
    db.execute(update(User).where(User.id == user_id).values(password_hash=password_hash))


# ---------------------------------------------------------------- sessions


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_session(db: Session, user_id: int, kind: str, lifetime: timedelta) -> tuple[str, str]:
    """A new session; returns (token, csrf token). Only the token's hash is stored.

    About one sign-in in a hundred also deletes the expired sessions (nothing else did:
    every sign-in, web or API, left its row for good)."""
    if secrets.randbelow(100) == 0:
        purge_expired_sessions(db)
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = utcnow()
    db.add(
        SessionToken(
            token_hash=_token_hash(token),
            user_id=user_id,
            kind=kind,
            csrf_token=csrf,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    db.flush()
    return token, csrf


def session_user(db: Session, token: str, kind: str) -> tuple[Actor, str] | None:
    """(actor, csrf token) for a live session token of this kind, else None."""
    row = db.scalar(
        select(SessionToken).where(
            SessionToken.token_hash == _token_hash(token), SessionToken.kind == kind
        )
    )
    if row is None or row.expires_at <= utcnow() or not row.user.active:
        return None
    return _actor(row.user), row.csrf_token


def end_session(db: Session, token: str) -> None:
    db.execute(delete(SessionToken).where(SessionToken.token_hash == _token_hash(token)))


def purge_expired_sessions(db: Session) -> int:
    result = db.execute(delete(SessionToken).where(SessionToken.expires_at <= utcnow()))
    return int(getattr(result, "rowcount", 0) or 0)


# ---------------------------------------------------------------- cases


def case_ref(actor: Actor, case_id: str, centre_id: int) -> str:
    """The URL name of a case for ``actor`` (see ``CaseSummary.ref``)."""
    return case_id if centre_id == actor.centre_id else f"{case_id}~{centre_id}"


def split_ref(ref: str) -> tuple[str, int | None]:
    """``"X~3"`` -> ("X", 3); ``"X"`` -> ("X", None). ``~`` never occurs in a case id."""
    case_id, sep, centre = ref.partition("~")
    if sep and centre.isdigit() and len(centre) <= 9:
        return case_id, int(centre)
    return ref, None


def _summary(record: CaseRecord, actor: Actor) -> CaseSummary:
    return CaseSummary(
        case_id=record.case_id,
        version=record.version,
        status=record.status,
        category=record.category,
        criteria=[c for c in record.criteria.split(",") if c],
        histology=record.histology,
        centre=record.centre.name,
        updated_at=_aware(record.updated_at),
        updated_by=record.updated_by.username if record.updated_by else None,
        definitions_differ=bool(record.definitions_differ),
        ref=case_ref(actor, record.case_id, record.centre_id),
        pk=record.id,
    )


def _stored_version(case_id: str, row: CaseVersion) -> StoredVersion:
    return StoredVersion(
        case_id=case_id,
        version=row.version,
        case=json.loads(row.case_json),
        assessment={"fr": json.loads(row.assessment_fr), "en": json.loads(row.assessment_en)},
        engine_version=row.engine_version,
        rules_version=row.rules_version,
        status=row.status,
        author=row.author_name,
        note=row.note,
        created_at=_aware(row.created_at),
    )


def _visible(actor: Actor) -> Any:
    return true() if actor.is_admin else CaseRecord.centre_id == actor.centre_id


def _record(db: Session, actor: Actor, ref: str, *, lock: bool = False) -> CaseRecord:
    """The case ``ref`` names for ``actor``: in their centre for a clinician; for an admin
    their own centre's first, then the only match elsewhere (``id~centre`` otherwise)."""
    case_id, centre_id = split_ref(_text(ref))
    query = select(CaseRecord).where(CaseRecord.case_id == case_id, _visible(actor))
    if centre_id is not None:
        query = query.where(CaseRecord.centre_id == centre_id)
    query = query.order_by((CaseRecord.centre_id == actor.centre_id).desc(), CaseRecord.id)
    if lock and db.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=CaseRecord)
    records = db.scalars(query.limit(2)).all()
    if not records:
        raise CaseNotFound(case_id)
    first = records[0]
    if len(records) > 1 and first.centre_id != actor.centre_id:
        raise AmbiguousCase(
            [case_ref(actor, r.case_id, r.centre_id) for r in records],
        )
    return first


def list_cases(
    db: Session,
    actor: Actor,
    *,
    query: str = "",
    status: str = "",
    category: str = "",
    differ: bool = False,
    centre_id: int | None = None,
    limit: int = 500,
) -> list[CaseSummary]:
    """The cases the actor may see, most recently changed first (``differ``: only those
    whose definitions of refractory disease give different verdicts; ``centre_id``: only
    that centre's)."""
    stmt = select(CaseRecord).where(_visible(actor))
    if centre_id is not None:
        stmt = stmt.where(CaseRecord.centre_id == centre_id)
    if differ:
        stmt = stmt.where(CaseRecord.definitions_differ.is_(True))
    if status:
        stmt = stmt.where(CaseRecord.status == status)
    if category:
        stmt = stmt.where(CaseRecord.category == category)
    text = _text(query).strip().lower()
    if text:
        like = f"%{text.replace('%', '').replace('_', '')}%"
        stmt = stmt.where(
            or_(
                func.lower(CaseRecord.case_id).like(like),
                func.lower(CaseRecord.criteria).like(like),
                func.lower(CaseRecord.histology).like(like),
            )
        )
    stmt = stmt.order_by(CaseRecord.updated_at.desc(), CaseRecord.case_id).limit(limit)
    return [_summary(r, actor) for r in db.scalars(stmt)]


def count_cases(db: Session) -> int:
    return int(db.scalar(select(func.count()).select_from(CaseRecord)) or 0)


def definitions_differ(assessment: Mapping[str, Any]) -> bool:
    """Two definitions give different statuses (``not_applicable`` left out)."""
    entries = assessment.get("definitions") or []
    return statuses_differ(d.get("status") for d in entries if isinstance(d, Mapping))


def _assessment_fields(assessments: Mapping[str, JsonObject]) -> dict[str, str]:
    fr = assessments["fr"]
    refractory = fr.get("refractory", {})
    engine = fr.get("engine", {})
    return {
        "status": str(refractory.get("status", "")),
        "category": str(refractory.get("category", "")),
        "criteria": ",".join(str(c) for c in refractory.get("criteria_met", []))[:255],
        "engine_version": str(engine.get("version", ""))[:32],
        "rules_version": str(engine.get("rules", ""))[:64],
    }


def _add_version(
    db: Session,
    record: CaseRecord,
    actor: Actor,
    case: JsonObject,
    assessments: Mapping[str, JsonObject],
    note: str,
) -> StoredVersion:
    fields = _assessment_fields(assessments)
    row = CaseVersion(
        case_pk=record.id,
        version=record.version,
        case_json=_dumps(case),
        assessment_fr=_dumps(assessments["fr"]),
        assessment_en=_dumps(assessments.get("en", assessments["fr"])),
        engine_version=fields["engine_version"],
        rules_version=fields["rules_version"],
        status=fields["status"],
        author_id=actor.user_id,
        author_name=actor.username,
        note=check_length("note", note, NOTE_MAX),
        created_at=record.updated_at,
    )
    db.add(row)
    db.flush()
    return _stored_version(record.case_id, row)


def create_case(
    db: Session,
    actor: Actor,
    case: JsonObject,
    assessments: Mapping[str, JsonObject],
    *,
    note: str = "",
    centre_id: int | None = None,
) -> StoredCase:
    """Store a new case at version 1 in the actor's centre. Raises ``CaseExists`` when the
    centre already has this id (another centre's cases do not count)."""
    case_id = str(case["id"])
    centre = centre_id if (centre_id is not None and actor.is_admin) else actor.centre_id
    taken = select(CaseRecord.id).where(
        CaseRecord.case_id == case_id, CaseRecord.centre_id == centre
    )
    if db.scalar(taken) is not None:
        raise CaseExists(case_id)
    fields = _assessment_fields(assessments)
    now = utcnow()
    record = CaseRecord(
        case_id=case_id,
        centre_id=centre,
        version=1,
        status=fields["status"],
        category=fields["category"],
        criteria=fields["criteria"],
        histology=str(case.get("diagnosis", {}).get("histology", ""))[:32],
        definitions_differ=definitions_differ(assessments["fr"]),
        created_at=now,
        updated_at=now,
        created_by_id=actor.user_id,
        updated_by_id=actor.user_id,
    )
    db.add(record)
    try:
        db.flush()
    except IntegrityError as exc:  # a concurrent create of the same id
        raise CaseExists(case_id) from exc
    version = _add_version(db, record, actor, case, assessments, note)
    db.refresh(record)
    return StoredCase(_summary(record, actor), version)


def update_case(
    db: Session,
    actor: Actor,
    case_id: str,
    base_version: int,
    case: JsonObject,
    assessments: Mapping[str, JsonObject],
    *,
    note: str = "",
) -> StoredCase:
    """Save a new version on top of ``base_version``; ``StaleVersion`` when it is not current.

    ``case_id`` may be a ref (``id~centre``, see ``CaseSummary.ref``)."""
    if str(case.get("id")) != split_ref(case_id)[0]:
        raise ValueError("the case id cannot change")
    record = _record(db, actor, case_id, lock=True)
    if not 0 <= base_version < MAX_VERSION:  # cannot be the current version
        raise StaleVersion(
            record.version,
            record.updated_by.username if record.updated_by else None,
            _aware(record.updated_at),
        )
    fields = _assessment_fields(assessments)
    now = utcnow()
    # Compare-and-set on the version: a concurrent save makes this update match no row.
    result = db.execute(
        update(CaseRecord)
        .where(CaseRecord.id == record.id, CaseRecord.version == base_version)
        .values(
            version=base_version + 1,
            status=fields["status"],
            category=fields["category"],
            criteria=fields["criteria"],
            histology=str(case.get("diagnosis", {}).get("histology", ""))[:32],
            definitions_differ=definitions_differ(assessments["fr"]),
            updated_at=now,
            updated_by_id=actor.user_id,
        )
        .execution_options(synchronize_session=False)
    )
    if int(getattr(result, "rowcount", 0) or 0) != 1:
        db.refresh(record)
        raise StaleVersion(
            record.version,
            record.updated_by.username if record.updated_by else None,
            _aware(record.updated_at),
        )
    db.refresh(record)
    version = _add_version(db, record, actor, case, assessments, note)
    return StoredCase(_summary(record, actor), version)


def delete_case(db: Session, actor: Actor, case_id: str) -> None:
    """Remove a case and its versions (admins only); the audit log keeps the trace."""
    record = _record(db, actor, case_id)
    if not actor.is_admin:
        raise Forbidden("only an admin can delete a case")
    db.delete(record)
    db.flush()


def _record_by_pk(db: Session, actor: Actor, pk: int) -> CaseRecord:
    record = db.scalar(select(CaseRecord).where(CaseRecord.id == pk, _visible(actor)))
    if record is None:
        raise CaseNotFound(f"#{pk}")
    return record


def _stored_case(db: Session, actor: Actor, record: CaseRecord) -> StoredCase:
    row = db.scalar(
        select(CaseVersion).where(
            CaseVersion.case_pk == record.id, CaseVersion.version == record.version
        )
    )
    assert row is not None, "a case always has its current version"
    return StoredCase(_summary(record, actor), _stored_version(record.case_id, row))


def _version_of(db: Session, record: CaseRecord, version: int) -> StoredVersion:
    if not 1 <= version <= MAX_VERSION:
        raise CaseNotFound(f"{record.case_id} version {version}")
    row = db.scalar(
        select(CaseVersion).where(CaseVersion.case_pk == record.id, CaseVersion.version == version)
    )
    if row is None:
        raise CaseNotFound(f"{record.case_id} version {version}")
    return _stored_version(record.case_id, row)


def get_case(db: Session, actor: Actor, case_id: str) -> StoredCase:
    return _stored_case(db, actor, _record(db, actor, case_id))


def get_case_by_pk(db: Session, actor: Actor, pk: int) -> StoredCase:
    """The case of this internal key (``CaseSummary.pk``), within the actor's reach."""
    return _stored_case(db, actor, _record_by_pk(db, actor, pk))


def get_version(db: Session, actor: Actor, case_id: str, version: int) -> StoredVersion:
    return _version_of(db, _record(db, actor, case_id), version)


def get_version_by_pk(db: Session, actor: Actor, pk: int, version: int) -> StoredVersion:
    return _version_of(db, _record_by_pk(db, actor, pk), version)


def list_versions(db: Session, actor: Actor, case_id: str) -> list[VersionInfo]:
    """Every version of a case, newest first."""
    record = _record(db, actor, case_id)
    rows = db.execute(
        select(
            CaseVersion.version,
            CaseVersion.status,
            CaseVersion.engine_version,
            CaseVersion.rules_version,
            CaseVersion.author_name,
            CaseVersion.note,
            CaseVersion.created_at,
        )
        .where(CaseVersion.case_pk == record.id)
        .order_by(CaseVersion.version.desc())
    )
    return [VersionInfo(*row[:-1], _aware(row[-1])) for row in rows]


# ---------------------------------------------------------------- audit


def audit(
    db: Session,
    actor: Actor | None,
    action: str,
    case_id: str | None = None,
    detail: str = "",
    username: str | None = None,
) -> None:
    """Record an event. ``detail`` must carry no case content (ids and counts only).

    ``case_id`` may be a ref; the entry keeps the plain case id and the internal key of
    the case the actor reaches by it (none once deleted: audit a delete before it).
    """
    case_pk: int | None = None
    plain = case_id
    if case_id is not None:
        plain = split_ref(case_id)[0]
        if actor is not None:
            try:
                case_pk = _record(db, actor, case_id).id
            except (CaseNotFound, AmbiguousCase):
                case_pk = None
    db.add(
        AuditEvent(
            at=utcnow(),
            user_id=actor.user_id if actor else None,
            username=_text(actor.username if actor else (username or "-"))[:64],
            action=action[:32],
            case_id=_text(plain)[:64] if plain is not None else None,
            case_pk=case_pk,
            detail=_text(detail)[:200],
        )
    )


# What a failed sign-in's entry names when the typed username is nobody's: what was typed
# may be a mistyped password, or someone else's secret, and must not be kept.
UNKNOWN_USER = "(unknown user)"


def audit_failed_login(db: Session, username: str, detail: str = "") -> None:
    """Record a failed sign-in under the typed username only if it names a user (active
    or not), else under ``UNKNOWN_USER``."""
    name = _text(username)[:64]
    known = bool(name) and db.scalar(select(User.id).where(User.username == name)) is not None
    audit(db, None, "login_failed", detail=detail, username=name if known else UNKNOWN_USER)


def list_audit(
    db: Session,
    *,
    case_id: str | None = None,
    username: str | None = None,
    actions: Sequence[str] = (),
    limit: int = 200,
    offset: int = 0,
    case_pk: int | None = None,
) -> list[AuditEntry]:
    stmt = select(
        AuditEvent.at,
        AuditEvent.username,
        AuditEvent.action,
        AuditEvent.case_id,
        AuditEvent.detail,
        AuditEvent.case_pk,
    )
    if case_id:
        stmt = stmt.where(AuditEvent.case_id == _text(case_id))
    if username:
        stmt = stmt.where(AuditEvent.username == _text(username))
    if case_pk is not None:
        stmt = stmt.where(AuditEvent.case_pk == case_pk)
    if actions:
        stmt = stmt.where(AuditEvent.action.in_(list(actions)))
    stmt = stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit).offset(offset)
    return [AuditEntry(_aware(row[0]), *row[1:]) for row in db.execute(stmt)]


# ---------------------------------------------------------------- sign-in attempts


def count_attempt(db: Session, key: str, now: float, window: float) -> tuple[int, float]:
    """Count one attempt for ``key`` and return (attempts in the window, window start).

    One statement (insert, or add one, or restart an expired window), so concurrent
    attempts in any number of processes each get a distinct count.
    """
    dialect = db.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt: Any = pg_insert(LoginAttempt)
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        stmt = sqlite_insert(LoginAttempt)
    table = LoginAttempt.__table__
    expired = table.c.window_start <= now - window
    stmt = (
        stmt.values(key=_text(key), count=1, window_start=now)
        .on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "count": sql_case((expired, 1), else_=table.c.count + 1),
                "window_start": sql_case((expired, now), else_=table.c.window_start),
            },
        )
        .returning(table.c.count, table.c.window_start)
    )
    row = db.execute(stmt).one()
    return int(row[0]), float(row[1])


def forget_attempts(db: Session, keys: Sequence[str]) -> None:
    """Start counting afresh for these keys (after a successful sign-in)."""
    db.execute(delete(LoginAttempt).where(LoginAttempt.key.in_(list(keys))))


def give_back_attempt(db: Session, key: str) -> None:
    """Uncount one attempt (a successful sign-in is not held against an address)."""
    db.execute(
        update(LoginAttempt)
        .where(LoginAttempt.key == key, LoginAttempt.count > 0)
        .values(count=LoginAttempt.count - 1)
    )


def purge_attempts(db: Session, now: float, window: float) -> None:
    db.execute(delete(LoginAttempt).where(LoginAttempt.window_start <= now - window))
