"""Tables. Times are naive UTC; case and assessment JSON are stored as text, as sent."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ROLES = ("clinician", "admin")


def utcnow() -> datetime:
    """Now, as naive UTC (what every DateTime column holds)."""
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Centre(Base):
    __tablename__ = "centres"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('clinician', 'admin')", name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    centre: Mapped[Centre] = relationship(lazy="joined")


class SessionToken(Base):
    """A login: the cookie (web) or bearer token (api) holds the token; we keep its hash."""

    __tablename__ = "sessions"
    __table_args__ = (CheckConstraint("kind IN ('web', 'api')", name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)

    user: Mapped[User] = relationship(lazy="joined")


class CaseRecord(Base):
    """One case: its current version number and a summary of its latest assessment.

    The case id (a pseudonym chosen by the centre) is unique within its centre only:
    another centre's id neither leaks nor blocks. ``id`` is the internal key, never given
    twice (the audit log keeps it beside the case id).
    """

    __tablename__ = "cases"
    # AUTOINCREMENT on SQLite: without it a deleted last row's id is given again
    __table_args__ = (
        UniqueConstraint("centre_id", "case_id", name="uq_cases_centre_case"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(String(64))
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(32), index=True)
    category: Mapped[str] = mapped_column(String(32), index=True)
    criteria: Mapped[str] = mapped_column(String(255), default="")
    histology: Mapped[str] = mapped_column(String(32), default="")
    # the definitions of refractory disease give different verdicts (not_applicable aside)
    definitions_differ: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false(), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )

    centre: Mapped[Centre] = relationship(lazy="joined")
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id], lazy="joined")


class CaseVersion(Base):
    """Every save: the case JSON, its assessment (fr and en) and the engine that made it."""

    __tablename__ = "case_versions"
    __table_args__ = (UniqueConstraint("case_pk", "version", name="uq_case_versions_case_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_pk: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    case_json: Mapped[str] = mapped_column(Text)
    assessment_fr: Mapped[str] = mapped_column(Text)
    assessment_en: Mapped[str] = mapped_column(Text)
    engine_version: Mapped[str] = mapped_column(String(32))
    rules_version: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(32))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    author_name: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AuditEvent(Base):
    """Who viewed, created or changed which case, and when. No case content."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_case_at", "case_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    case_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # the internal key of the case (no foreign key: the entry outlives a deleted case), so
    # a case id deleted then reused does not mix two patients' histories
    case_pk: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    detail: Mapped[str] = mapped_column(String(200), default="")


class LoginAttempt(Base):
    """Sign-in attempts per key in a fixed window, shared by every worker process.

    ``key`` is ``u:<username>``, ``d:<username>:<device>`` or ``a:<client address>``.
    Counting is one ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` statement, so
    concurrent attempts cannot all read the same count. ``window_start`` is seconds since
    the epoch.
    """

    __tablename__ = "login_attempts"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    window_start: Mapped[float] = mapped_column(Float)


class CdsFeedback(Base):
    """What a clinician did with a CDS Hooks card (accepted or overridden). No patient data."""

    __tablename__ = "cds_feedback"
    __table_args__ = (
        CheckConstraint("outcome IN ('accepted', 'overridden')", name="outcome"),
        Index("ix_cds_feedback_service_at", "service_id", "received_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_id: Mapped[str] = mapped_column(String(64))
    card_uuid: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16))
    accepted_suggestions: Mapped[str] = mapped_column(String(400), default="")
    override_reason: Mapped[str] = mapped_column(String(200), default="")
    outcome_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    client: Mapped[str] = mapped_column(String(200), default="")
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class CdsTokenId(Base):
    """The ``jti`` of every accepted CDS Hooks JWT until it can no longer be accepted
    (``expires_at``: its ``exp`` plus the leeway): a replay is refused."""

    __tablename__ = "cds_token_ids"

    jti: Mapped[str] = mapped_column(String(200), primary_key=True)
    issuer: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[float] = mapped_column(Float, index=True)


# ---------------------------------------------------------------- tumour board (issue 12)


class Meeting(Base):
    """A tumour-board meeting of a centre: regional or national, on a date."""

    __tablename__ = "meetings"
    __table_args__ = (CheckConstraint("kind IN ('regional', 'national')", name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    title: Mapped[str] = mapped_column(String(120), default="")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AgendaItem(Base):
    """A case on a meeting's agenda, with the question put to the board."""

    __tablename__ = "meeting_cases"
    __table_args__ = (
        UniqueConstraint("meeting_id", "case_pk", name="uq_meeting_cases_meeting_case"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    case_pk: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(String(500), default="")
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class BoardDecision(Base):
    """A decision on an agenda item. Append-only: an amendment is a new row whose
    ``amends_id`` names the decision it replaces (unique: one amendment per decision,
    so the history is a chain and two concurrent amendments cannot both win)."""

    __tablename__ = "board_decisions"
    __table_args__ = (
        # one first decision per agenda item (the others are amendments of it)
        Index(
            "uq_board_decisions_first",
            "item_id",
            unique=True,
            sqlite_where=text("amends_id IS NULL"),
            postgresql_where=text("amends_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("meeting_cases.id", ondelete="CASCADE"), index=True
    )
    amends_id: Mapped[int | None] = mapped_column(
        ForeignKey("board_decisions.id", ondelete="CASCADE"), nullable=True, unique=True
    )
    case_version: Mapped[int] = mapped_column(Integer)
    options: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of option ids
    free_text: Mapped[str] = mapped_column(Text, default="")
    specialties: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    follow_up: Mapped[date | None] = mapped_column(Date, nullable=True)
    contact: Mapped[str] = mapped_column(String(200), default="")
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    author_name: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
