"""The bodies of the CDS Hooks requests (hook calls and feedback), checked by pydantic."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class _Body(BaseModel):
    model_config = ConfigDict(extra="allow")


class FhirAuthorization(_Body):
    # RFC 6750 b64token: what an Authorization header can carry (a non-ASCII token was a
    # 500, a CR LF one a header injection attempt)
    access_token: str = Field(min_length=1, max_length=8192, pattern=r"^[A-Za-z0-9\-._~+/]+=*$")
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int | None = None
    scope: str | None = None
    subject: str | None = None


class HookRequest(_Body):
    hook: str
    hookInstance: str = Field(min_length=1, max_length=200)
    fhirServer: str | None = None
    fhirAuthorization: FhirAuthorization | None = None
    context: dict[str, Any]
    prefetch: dict[str, Any] | None = None


class Coding(_Body):
    """CDS Hooks 2.0 Coding: ``code`` and ``system`` REQUIRED (a FHIR code, a URI)."""

    # FHIR code and uri, without control characters (PostgreSQL refuses a NUL in text)
    code: str = Field(max_length=100, pattern=r"^[^\s\x00-\x1f\x7f]+( [^\s\x00-\x1f\x7f]+)*$")
    system: str = Field(max_length=200, pattern=r"^[^\s\x00-\x1f\x7f]+$")
    display: str | None = None


OVERRIDE_REASON_MAX = 200  # CdsFeedback.override_reason: "system|code", never cut


class OverrideReason(_Body):
    reason: Coding | None = None
    userComment: str | None = None  # never stored nor logged: it could name the patient

    @model_validator(mode="after")
    def _fits(self) -> OverrideReason:
        # stored as "system|code": refused whole rather than cut (a cut code is another)
        size = len(self.reason.system) + 1 + len(self.reason.code) if self.reason else 0
        if size > OVERRIDE_REASON_MAX:
            raise ValueError(
                f"reason.system and reason.code take {size - 1} characters together; "
                f"at most {OVERRIDE_REASON_MAX - 1} are stored"
            )
        return self


class AcceptedSuggestion(_Body):
    id: str = Field(max_length=64)


# RFC 3339 section 5.6 date-time (CDS Hooks 2.0 outcomeTimestamp): a date, a time and an
# offset (Z or +hh:mm); a date alone, a time without offset or a number is not one
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})")


class FeedbackItem(_Body):
    """One CDS Hooks 2.0 Feedback: ``card`` (the card's uuid), ``outcome``,
    ``acceptedSuggestions`` (required for ``accepted``), ``overrideReason`` (for
    ``overridden``), ``outcomeTimestamp`` (REQUIRED, RFC 3339)."""

    card: str = Field(min_length=1, max_length=64)
    outcome: Literal["accepted", "overridden"]
    acceptedSuggestions: list[AcceptedSuggestion] | None = Field(
        default=None, min_length=1, max_length=20
    )
    overrideReason: OverrideReason | None = None
    outcomeTimestamp: str = Field(max_length=40)

    @field_validator("outcomeTimestamp")
    @classmethod
    def _timestamp(cls, value: str) -> str:
        if not RFC3339.fullmatch(value):
            raise ValueError(
                "not an RFC 3339 date-time with its offset (e.g. 2026-11-28T10:00:00Z)"
            )
        try:
            datetime.fromisoformat(value.upper()).astimezone(UTC)
        except (ValueError, OverflowError):
            raise ValueError("not a date and time that exists") from None
        return value

    @model_validator(mode="after")
    def _by_outcome(self) -> FeedbackItem:
        if self.outcome == "accepted" and not self.acceptedSuggestions:
            raise ValueError("acceptedSuggestions: required for an accepted outcome")
        if self.outcome == "overridden" and self.acceptedSuggestions:
            raise ValueError("acceptedSuggestions: only for an accepted outcome")
        if self.outcome == "accepted" and self.overrideReason is not None:
            raise ValueError("overrideReason: only for an overridden outcome")
        return self

    @property
    def outcome_at(self) -> datetime:
        """The outcome's time as naive UTC (what every DateTime column holds)."""
        when = datetime.fromisoformat(self.outcomeTimestamp.upper())
        return when.astimezone(UTC).replace(tzinfo=None)


class FeedbackRequest(_Body):
    feedback: list[FeedbackItem] = Field(min_length=1, max_length=100)


class BadContext(Exception):
    """The hook's context cannot be read as the spec defines it: the answer is 400, the
    message naming the field."""
