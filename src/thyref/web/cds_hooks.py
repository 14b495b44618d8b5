"""CDS Hooks 2.0: discovery, ``patient-view``, ``order-select`` / ``order-sign``, feedback.

The EHR (CDS client) sends FHIR data (prefetch, or a FHIR server and token to fetch it);
the FHIR adapter turns it into a case, the domain assesses it and the answer is a list of
cards (https://cds-hooks.hl7.org/2.0/). Every call but discovery carries a JWT signed by
an allowed issuer (ES384 or RS384, checked against the issuer's JWKS, ``aud`` = the URL
called under ``THYREF_CDS_URL``, ``exp``, ``jti`` never reused); ``open`` mode, without
JWT, is for local testing only and must be switched on explicitly (``THYREF_CDS_OPEN=1``).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import logging
import os
import re
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal, TypeVar
from urllib.parse import unquote

import httpx
import jwt
import orjson
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from starlette.concurrency import run_in_threadpool

from thyref.domain import assess, parse_case
from thyref.domain.case import ID_PATTERN, Case
from thyref.domain.messages import Lang, colon, plural, problem_text, text
from thyref.domain.rules import load_rules
from thyref.domain.therapies import load_therapies
from thyref.errors import CaseError, Problem
from thyref.fhir.codes import SYSTEM_OF_OID
from thyref.fhir.exporter import options_care_plan
from thyref.fhir.importer import bundle_to_case
from thyref.storage import Database
from thyref.storage.errors import check_length
from thyref.storage.models import CdsFeedback, CdsTokenId, utcnow
from thyref.web.case_input import size_problems
from thyref.web.settings import CDS_URL_ENV

log = logging.getLogger("thyref.cds")
router = APIRouter(prefix="/cds-services", include_in_schema=False)

ALGORITHMS = ("ES384", "RS384")
MAX_LIFETIME_SECONDS = 300  # the spec asks for tokens that expire within five minutes
LEEWAY_SECONDS = 60
JTI_MAX = 200  # CdsTokenId.jti: a longer token id is refused, never cut
SUMMARY_LIMIT = 140
JWKS_TTL_SECONDS = 600.0
JTI_PURGE_SECONDS = 60.0  # expired token ids are deleted at most this often (per process)
OUTCOMES_KEPT = 256  # assessments kept for identical chart data (per process)
MAX_PAGES = 10  # pages of one search read from the EHR's FHIR server

_PATIENT = "{{context.patientId}}"
PREFETCH = {
    "patient": f"Patient/{_PATIENT}",
    "conditions": f"Condition?patient={_PATIENT}",
    "bodyStructures": f"BodyStructure?patient={_PATIENT}",
    "observations": f"Observation?patient={_PATIENT}",
    "iodine": f"MedicationAdministration?patient={_PATIENT}",
    "medications": f"MedicationStatement?patient={_PATIENT}&status=active",
}
SERVICES: dict[str, str] = {  # id -> hook
    "thyref-patient-view": "patient-view",
    "thyref-order-select": "order-select",
    "thyref-order-sign": "order-sign",
}
ATC = "http://www.whocc.no/atc"
THYREF_OVERRIDE = "https://thyref.org/fhir/CodeSystem/cds-override"


# --------------------------------------------------------------------------------------
# request bodies


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


# --------------------------------------------------------------------------------------
# card and suggestion uuids: signed, so that feedback names only cards thyref gave
#
# A card's uuid is an RFC 9562 version 8 (custom) UUID: 64 random bits, then 62 bits of an
# HMAC-SHA256 (THYREF_SECRET_KEY) of them and the service id. Its suggestions' uuids are
# HMACs of the card's uuid and their rank. The feedback endpoint checks both without
# storing a row per card (the hook's latency budget): a uuid thyref did not give for this
# service, or a suggestion of another card, is refused.

MAX_SUGGESTIONS = 8  # ranks checked for a suggestion uuid (thyref's cards have one)
ACCEPTED_MAX = 400  # CdsFeedback.accepted_suggestions: MAX_SUGGESTIONS uuids fit


def _mac(secret: str, message: str) -> bytes:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()


def _uuid8(head: bytes, tail: bytes) -> uuid.UUID:
    raw = bytearray(head[:8] + tail[:8])
    raw[6] = (raw[6] & 0x0F) | 0x80  # version 8
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 9562 variant
    return uuid.UUID(bytes=bytes(raw))


def new_card_uuid(secret: str, service_id: str) -> str:
    head = _uuid8(os.urandom(8), bytes(8)).bytes[:8]
    return str(_uuid8(head, _mac(secret, f"cds-card|{service_id}|{head.hex()}")))


def card_issued(secret: str, service_id: str, value: str) -> bool:
    """Whether ``value`` is the uuid of a card this service gave (with this secret)."""
    try:
        given = uuid.UUID(value)
    except ValueError:
        return False
    if str(given) != value.lower():
        return False
    head = given.bytes[:8]
    expected = _uuid8(head, _mac(secret, f"cds-card|{service_id}|{head.hex()}"))
    return hmac.compare_digest(expected.bytes, given.bytes)


def suggestion_uuid(secret: str, service_id: str, card: str, rank: int) -> str:
    mac = _mac(secret, f"cds-suggestion|{service_id}|{card.lower()}|{rank}")
    return str(_uuid8(mac[:8], mac[8:16]))


def feedback_problem(secret: str, service_id: str, body: FeedbackRequest) -> str | None:
    """The first feedback entry naming a card or suggestion this service did not give
    (``feedback.<i>.card: ...``), or None."""
    for i, item in enumerate(body.feedback):
        if not card_issued(secret, service_id, item.card):
            return f"feedback.{i}.card: not the uuid of a card this service gave"
        ranks = {suggestion_uuid(secret, service_id, item.card, r) for r in range(MAX_SUGGESTIONS)}
        for j, accepted in enumerate(item.acceptedSuggestions or []):
            if accepted.id.lower() not in ranks:
                return f"feedback.{i}.acceptedSuggestions.{j}.id: not a suggestion of this card"
    return None


def _error(status: int, detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status)


# --------------------------------------------------------------------------------------
# JWT authentication


class CdsAuthError(Exception):
    """The bearer JWT is missing or not acceptable; the message says why (no secrets)."""


class JwksCache:
    """The signing keys of each allowed issuer, parsed once: from the JWKS inline in the
    settings (parsed again only if the settings change), or fetched by URL (kept
    ``JWKS_TTL_SECONDS``)."""

    def __init__(self) -> None:
        self._fetched: dict[str, tuple[float, list[jwt.PyJWK]]] = {}
        self._inline: dict[str, tuple[bytes, list[jwt.PyJWK]]] = {}

    async def keys(
        self, issuer: str, source: str | Mapping[str, Any], client: httpx.AsyncClient
    ) -> list[jwt.PyJWK]:
        if not isinstance(source, str):
            try:
                fingerprint = orjson.dumps(source, option=orjson.OPT_SORT_KEYS)
            except TypeError as exc:
                raise CdsAuthError("the issuer's JWKS is not usable") from exc
            held = self._inline.get(issuer)
            if held is not None and held[0] == fingerprint:
                return held[1]
            parsed = _parse_jwks(dict(source))
            self._inline[issuer] = (fingerprint, parsed)
            return parsed
        cached = self._fetched.get(source)
        if cached is not None and time.monotonic() - cached[0] < JWKS_TTL_SECONDS:
            return cached[1]
        try:
            response = await client.get(source, headers={"Accept": "application/json"})
            response.raise_for_status()
            jwks = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise CdsAuthError("the issuer's JWKS cannot be fetched") from exc
        parsed = _parse_jwks(jwks)
        self._fetched[source] = (time.monotonic(), parsed)
        return parsed


def _parse_jwks(jwks: Any) -> list[jwt.PyJWK]:
    try:
        return list(jwt.PyJWKSet.from_dict(jwks).keys)
    except (jwt.PyJWKSetError, jwt.InvalidKeyError, TypeError, KeyError, AttributeError) as exc:
        raise CdsAuthError("the issuer's JWKS is not usable") from exc


def _signing_key(keys: list[jwt.PyJWK], kid: str | None) -> Any:
    if kid is not None:
        keys = [k for k in keys if k.key_id == kid]
    if len(keys) != 1:
        raise CdsAuthError("no single key of the issuer's JWKS matches the token's kid")
    return keys[0].key


async def verify_token(
    authorization: str | None,
    *,
    issuers: Mapping[str, str | Mapping[str, Any]],
    audience: str | None,
    jwks: JwksCache,
    client: httpx.AsyncClient,
) -> dict[str, Any]:
    """The claims of a valid CDS Hooks JWT; raises ``CdsAuthError`` otherwise."""
    if not authorization or not authorization.startswith("Bearer "):
        raise CdsAuthError("a Bearer JWT is required")
    token = authorization[len("Bearer ") :].strip()
    # header and payload read unverified, only to choose the issuer's key: the full check
    # (signature, audience, issuer, expiry) is pyjwt's, below
    header, payload = _peek(token)
    if header.get("alg") not in ALGORITHMS:
        raise CdsAuthError(f"algorithm must be one of {', '.join(ALGORITHMS)}")
    issuer = payload.get("iss") if isinstance(payload, dict) else None
    if not isinstance(issuer, str) or issuer not in issuers:
        raise CdsAuthError("issuer not allowed")
    if audience is None:
        raise CdsAuthError(f"{CDS_URL_ENV} is not set: the token's audience cannot be checked")
    key = _signing_key(await jwks.keys(issuer, issuers[issuer], client), header.get("kid"))
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=[header["alg"]],
            audience=audience,
            issuer=issuer,
            leeway=LEEWAY_SECONDS,
            options={"require": ["iss", "aud", "exp", "iat", "jti"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise CdsAuthError("token expired") from exc
    except jwt.InvalidAudienceError as exc:
        raise CdsAuthError("audience is not this service's URL") from exc
    except jwt.InvalidSignatureError as exc:
        raise CdsAuthError("bad signature") from exc
    except jwt.PyJWTError as exc:
        raise CdsAuthError(f"invalid token: {exc}") from exc
    if float(claims["exp"]) > time.time() + MAX_LIFETIME_SECONDS + LEEWAY_SECONDS:
        raise CdsAuthError("token lives longer than five minutes")
    if len(str(claims["jti"])) > JTI_MAX:  # stored whole to refuse a replay, never cut
        raise CdsAuthError(f"jti longer than {JTI_MAX} characters")
    return claims


def _peek(token: str) -> tuple[dict[str, Any], Any]:
    """The header and payload of a compact JWS, not verified; ``CdsAuthError`` if it is
    not one."""
    parts = token.split(".")
    if len(parts) != 3:
        raise CdsAuthError("the token is not a JWT")
    try:
        header, payload = (
            orjson.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
            for part in parts[:2]
        )
    except (ValueError, orjson.JSONDecodeError) as exc:  # binascii.Error is a ValueError
        raise CdsAuthError("the token is not a JWT") from exc
    if not isinstance(header, dict):
        raise CdsAuthError("the token is not a JWT")
    return header, payload


_purged_at: dict[str, float] = {}  # database URL -> when expired ids were last deleted


@functools.cache
def _jti_insert(dialect_name: str) -> Any:
    """The token-id insert for one dialect, built once (values bound at each call)."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    return (
        dialect.insert(CdsTokenId)
        .on_conflict_do_nothing(index_elements=["jti"])
        .returning(CdsTokenId.jti)  # rowcount is not reliable here (-1 on psycopg)
    )


def remember_jti(db: Database, claims: Mapping[str, Any]) -> None:
    """Store the token id until it can no longer be accepted (``exp`` + the leeway
    ``verify_jwt`` grants: purged at ``exp``, a token was accepted again in its leeway);
    a second use raises ``CdsAuthError``.

    One ``INSERT ... ON CONFLICT DO NOTHING`` per token: no row inserted means the id was
    seen (by any worker sharing the database). Expired ids are deleted at most every
    ``JTI_PURGE_SECONDS``; until then an expired id still counts as used (stricter).
    """
    now = time.time()
    row = {
        "jti": str(claims["jti"]),  # at most JTI_MAX (verify_token)
        "issuer": str(claims["iss"])[:200],
        "expires_at": float(claims["exp"]) + LEEWAY_SECONDS,
    }
    statement = _jti_insert(db.engine.dialect.name)
    purge = now - _purged_at.get(db.url, 0.0) >= JTI_PURGE_SECONDS
    with db.engine.begin() as connection:
        if purge:
            connection.execute(delete(CdsTokenId).where(CdsTokenId.expires_at < now))
            _purged_at[db.url] = now
        inserted = connection.execute(statement, row).first()
    if inserted is None:
        raise CdsAuthError("token already used (jti replay)")


def _state(request: Request) -> Any:
    return request.app.state.thyref


def _client(request: Request) -> httpx.AsyncClient:
    """One HTTP client per app; tests put an ``httpx.MockTransport`` in ``cds_transport``."""
    client: httpx.AsyncClient | None = getattr(request.app.state, "cds_client", None)
    if client is None:
        transport = getattr(request.app.state, "cds_transport", None)
        client = httpx.AsyncClient(transport=transport, timeout=10.0, follow_redirects=False)
        request.app.state.cds_client = client
    return client


def _public_url(request: Request) -> str | None:
    """The URL a token for this call names as its audience: ``THYREF_CDS_URL`` and the
    path called. Never built from the request's ``Host`` header, which the caller writes
    (a token minted for another service of the same issuer at the same path was accepted
    by naming that service's host); None when the setting is unset (then no issuer is
    configured either: ``settings.check_cds_url``)."""
    base = _state(request).settings.cds_public_url
    return f"{base}{request.url.path}" if base else None


def _thyref_url(request: Request) -> str:
    """thyref's base URL for the cards' links (``/`` ended): ``THYREF_CDS_URL`` when set."""
    base = _state(request).settings.cds_public_url
    return f"{base}/" if base else str(request.base_url)


async def _authenticate(request: Request) -> str | JSONResponse:
    """The client's issuer (or ``open``), or the 401 answer."""
    settings = _state(request).settings
    authorization = request.headers.get("authorization")
    if settings.cds_open and not authorization:
        return "open"
    if not hasattr(request.app.state, "cds_jwks"):
        request.app.state.cds_jwks = JwksCache()
    try:
        claims = await verify_token(
            authorization,
            issuers=settings.cds_issuers,
            audience=_public_url(request),
            jwks=request.app.state.cds_jwks,
            client=_client(request),
        )
        db = _state(request).db
        if db.is_sqlite:
            # one INSERT in a local WAL file (well under a millisecond): cheaper here than
            # the hop to a worker thread, which costs more than the write on a busy machine
            remember_jti(db, claims)
        else:
            await run_in_threadpool(remember_jti, db, claims)
    except CdsAuthError as exc:
        log.info("CDS Hooks call refused: %s", exc)
        return JSONResponse(
            {"detail": f"unauthorized: {exc}"},
            status_code=401,
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    return str(claims["iss"])


def _lang(request: Request) -> Lang:
    return "en" if request.headers.get("accept-language", "").lower().startswith("en") else "fr"


# --------------------------------------------------------------------------------------
# discovery


@router.get("")
def discovery(request: Request) -> dict[str, Any]:
    lang = _lang(request)
    services = []
    for service_id, hook in SERVICES.items():
        key = "patient-view" if hook == "patient-view" else "order"
        services.append(
            {
                "hook": hook,
                "id": service_id,
                "title": text(f"cds.service.{key}.title", lang),
                "description": text(f"cds.service.{key}.description", lang),
                "prefetch": PREFETCH,
                "usageRequirements": "SMART on FHIR read access to the patient's record",
            }
        )
    return {"services": services}


# --------------------------------------------------------------------------------------
# data: prefetch, else the FHIR server with the client's token, else 412


class PrefetchMissing(Exception):
    """Data is missing and cannot be fetched: the answer is 412."""


class RecordTooLong(Exception):
    """The patient's record is beyond what one hook call assesses: the answer is a card
    saying so and pointing to thyref (never silence: a missing card reads as "nothing to
    say"; never a 500). ``problems``: the case's lists beyond the rules' ``[limits]``
    (as ``POST /api/v1/assess`` refuses them); ``megabytes``: the data read from the FHIR
    server passed the body limit; ``pages``: a search had more pages than are read."""

    def __init__(
        self,
        problems: tuple[Problem, ...] = (),
        megabytes: int | None = None,
        pages: int | None = None,
    ) -> None:
        super().__init__("record too long")
        self.problems = problems
        self.megabytes = megabytes
        self.pages = pages


class OtherPatient(Exception):
    """The prefetch holds a Patient other than ``context.patientId``: the answer is 400."""


FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")  # FHIR R4 id datatype
# resource types without a patient of their own (a Medication a MedicationAdministration
# leads to): every other resource must name the context's patient to be used
NOT_PATIENT_DATA = frozenset({"Medication"})


def _fill(template: str, context: Mapping[str, Any]) -> str:
    def value(match: re.Match[str]) -> str:
        found = context.get(match.group(1))
        if not isinstance(found, str) or not FHIR_ID.fullmatch(found):
            raise PrefetchMissing(f"context.{match.group(1)} is missing or not a FHIR id")
        return found

    return re.sub(r"\{\{context\.(\w+)\}\}", value, template)


def _failed(value: Any) -> bool:
    """A prefetch value that says the client could not fetch it: an OperationOutcome
    (CDS Hooks 2.0), alone or as an error entry of the search Bundle."""
    if not isinstance(value, dict):
        return False
    outcomes = [value] if value.get("resourceType") == "OperationOutcome" else []
    if value.get("resourceType") == "Bundle":
        outcomes = [r for r in _resources_of(value) if r.get("resourceType") == "OperationOutcome"]
        outcomes = [
            r
            for r in outcomes
            if any(
                isinstance(i, dict) and i.get("severity") in ("error", "fatal")
                for i in r.get("issue") or []
            )
        ]
    return bool(outcomes)


def _one_page(value: Any) -> bool:
    """A prefetch Bundle with a ``next`` link: one page of the search. CDS Hooks 2.0 asks
    the client for the whole result at once ("no next page links allowed"); a page alone
    would be read as the whole record (a thyroglobulin series cut short, a lesion
    missing), so the key is fetched as if absent, else the answer is 412."""
    if not isinstance(value, dict) or value.get("resourceType") != "Bundle":
        return False
    links = value.get("link")
    return any(
        isinstance(link, dict) and link.get("relation") == "next"
        for link in (links if isinstance(links, list) else [])
    )


def _names_patient(ref: Any, patient_id: str) -> bool:
    """``Patient/<id>`` (relative, absolute or with a ``_history`` version), or
    ``urn:uuid:<id>`` (a Patient whose id is that uuid, as thyref's own export writes)."""
    if not isinstance(ref, dict) or not isinstance(ref.get("reference"), str):
        return False
    target = ref["reference"].split("/_history/")[0]
    return target in (f"Patient/{patient_id}", f"urn:uuid:{patient_id}") or target.endswith(
        f"/Patient/{patient_id}"
    )


def _patient_id(ref: Any) -> str | None:
    """The id of the Patient a reference names (``Patient/<id>``, relative, absolute or
    versioned); None for any other reference."""
    if not isinstance(ref, dict) or not isinstance(ref.get("reference"), str):
        return None
    target: str = ref["reference"]
    parts = target.split("/_history/")[0].rstrip("/").split("/")
    if len(parts) >= 2 and parts[-2] == "Patient" and FHIR_ID.fullmatch(parts[-1]):
        return parts[-1]
    return None


def _merged_into(resources: list[dict[str, Any]], patient_id: str) -> frozenset[str]:
    """The ids of the records the EHR merged into the context's patient (FHIR R4
    link-type): those its Patient ``replaces``, and those whose own Patient is
    ``replaced-by`` it. Their results are the patient's own, filed under the old record;
    the importer reads them with a note naming that record, as from a Bundle
    (``bundle_to_case``). A record merged the other way (the context's Patient
    ``replaced-by`` another) or only linked (``seealso``, ``refer``) is not the
    patient's record: its resources are left out."""
    found: set[str] = set()
    for res in resources:
        if res.get("resourceType") != "Patient":
            continue
        links = res.get("link")
        for link in links if isinstance(links, list) else []:
            other = _patient_id(link.get("other")) if isinstance(link, dict) else None
            if other is None:
                continue
            kind = link.get("type")
            if res.get("id") == patient_id and kind == "replaces" and other != patient_id:
                found.add(other)
            elif other == patient_id and kind == "replaced-by" and isinstance(res.get("id"), str):
                found.add(res["id"])
    found.discard(patient_id)
    return frozenset(found)


def _merged_away(resources: list[dict[str, Any]], patient_id: str) -> frozenset[str]:
    """The ids of the records the EHR merged the context's patient into (FHIR R4
    link-type, ``_merged_into`` the other way): those its own Patient is ``replaced-by``,
    and those whose Patient ``replaces`` it. The context's record then "must no longer be
    used": the results since the merge are filed under the other record, so nothing is
    assessed on it (``_merged_away_card``)."""
    found: set[str] = set()
    for res in resources:
        if res.get("resourceType") != "Patient":
            continue
        links = res.get("link")
        for link in links if isinstance(links, list) else []:
            other = _patient_id(link.get("other")) if isinstance(link, dict) else None
            if other is None:
                continue
            kind = link.get("type")
            if res.get("id") == patient_id and kind == "replaced-by":
                found.add(other)
            elif other == patient_id and kind == "replaces" and isinstance(res.get("id"), str):
                found.add(res["id"])
    found.discard(patient_id)
    return frozenset(found)


def _of_patient(res: dict[str, Any], patient_id: str, merged: frozenset[str] = frozenset()) -> bool:
    """Whether a resource is the context's patient or names it (``subject``, ``patient``),
    or is a record merged into it (``_merged_into``) or names one.

    A resource of another patient, or of no patient we can tell, is never used: a card
    for one patient is never built on another's data."""
    kind = res.get("resourceType")
    if kind == "Patient":
        return res.get("id") == patient_id or res.get("id") in merged
    if kind in NOT_PATIENT_DATA:
        return True
    ref = res.get("subject") or res.get("patient")
    return _names_patient(ref, patient_id) or _patient_id(ref) in merged


def _resources_of(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, dict):
        return []
    if value.get("resourceType") == "Bundle":
        return [
            e["resource"]
            for e in value.get("entry") or []
            if isinstance(e, dict) and isinstance(e.get("resource"), dict)
        ]
    return [value]


def _given_resources(value: Any, where: str) -> list[dict[str, Any]]:
    """The resources of a prefetch value or a FHIR server's answer: ``null`` (nothing
    found), one resource, or a Bundle whose every entry holds one; ``BadContext``
    naming ``where`` otherwise. A value of another shape was read as "nothing found",
    and the card then said data were missing that the EHR had, in fact, sent."""
    if value is None:
        return []
    if not isinstance(value, dict) or not isinstance(value.get("resourceType"), str):
        raise BadContext(f"{where}: not a FHIR resource or Bundle")
    if value["resourceType"] != "Bundle":
        return [value]
    entries = value.get("entry", [])
    if not isinstance(entries, list):
        raise BadContext(f"{where}.entry: not a list")
    found = []
    for i, entry in enumerate(entries):
        res = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(res, dict) or not isinstance(res.get("resourceType"), str):
            raise BadContext(f"{where}.entry[{i}].resource: missing or not a FHIR resource")
        found.append(res)
    return found


def _under(url: str, base: str) -> bool:
    """Whether ``url`` is ``base`` or below it: same scheme, host and port, its path
    ``base``'s or under it (segment by segment, no ``..``), no user, no fragment."""
    try:
        target, root = httpx.URL(url), httpx.URL(base)
    except httpx.InvalidURL:
        return False
    if (
        target.userinfo
        or target.fragment
        or (target.scheme, target.host, target.port)
        != (
            root.scheme,
            root.host,
            root.port,
        )
    ):
        return False
    if {".", ".."} & set(unquote(target.path).split("/")):
        return False  # a dot segment the server would resolve outside the base
    prefix = root.path.rstrip("/")
    return target.path.rstrip("/") == prefix or target.path.startswith(prefix + "/")


def _fhir_base(request: Request, server: str) -> str:
    """The base URL thyref may send the EHR's token to for this ``fhirServer``: an entry
    of ``THYREF_CDS_FHIR_SERVERS`` it lies under, in open mode (no JWT: local testing) as
    with a JWT. ``PrefetchMissing`` otherwise: the token is never sent elsewhere (token
    leakage; SSRF to internal addresses such as 169.254.169.254). Open mode called any
    server on this machine: whoever could reach thyref could probe its local ports, the
    status each answered echoed in the 412 (security13 finding 12); a local test FHIR
    server is now named in the setting (``http://localhost:8080/fhir``)."""
    try:
        parts = httpx.URL(server)
    except httpx.InvalidURL as exc:
        raise PrefetchMissing("fhirServer is not a URL") from exc
    if parts.scheme not in ("http", "https"):
        raise PrefetchMissing("fhirServer is not an http(s) URL")
    if parts.query:
        raise PrefetchMissing("fhirServer is a base URL: no query")
    allowed: tuple[str, ...] = _state(request).settings.cds_fhir_servers
    base = next((b for b in allowed if _under(server, b)), None)
    if base is None:
        raise PrefetchMissing("fhirServer is not a FHIR server allowed by THYREF_CDS_FHIR_SERVERS")
    return base


async def _fetch(request: Request, hook: HookRequest, query: str) -> list[dict[str, Any]]:
    """The resources of one query on the EHR's FHIR server, following its ``next`` pages.

    The access token goes only to an allowed FHIR server (``_fhir_base``): a page link
    outside it is refused, not followed; redirects are not followed.
    """
    assert hook.fhirServer is not None and hook.fhirAuthorization is not None
    base = _fhir_base(request, hook.fhirServer)
    client = _client(request)
    headers = {
        "Accept": "application/fhir+json",
        "Authorization": f"Bearer {hook.fhirAuthorization.access_token}",
    }
    url: str | None = hook.fhirServer.rstrip("/") + "/" + query
    found: list[dict[str, Any]] = []
    limit = _state(request).settings.max_body_bytes
    for _page in range(MAX_PAGES):
        if url is None:
            break
        if not _under(url, base):
            raise PrefetchMissing("the FHIR server's next page is outside the allowed server")
        try:
            async with client.stream("GET", url, headers=headers) as response:
                if response.status_code == 404 and "?" not in query:
                    return found
                if response.status_code != 200:
                    raise PrefetchMissing(f"the FHIR server answered {response.status_code}")
                chunks = []
                # every answer of this call together is bounded as a request body is: a
                # record of more is not read whole (memory), nor imported (CPU)
                async for chunk in response.aiter_bytes():
                    request.state.cds_fetched = getattr(request.state, "cds_fetched", 0) + len(
                        chunk
                    )
                    if request.state.cds_fetched > limit:
                        raise RecordTooLong(megabytes=limit // 2**20)
                    chunks.append(chunk)
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise PrefetchMissing("the FHIR server cannot be reached") from exc
        try:
            body = orjson.loads(b"".join(chunks))
        except orjson.JSONDecodeError as exc:  # also too deep, or not UTF-8
            raise PrefetchMissing("the FHIR server answer is not JSON") from exc
        try:
            found += _given_resources(body, "answer")
        except BadContext as exc:
            raise PrefetchMissing(f"the FHIR server's {exc}") from None
        links = body.get("link") if isinstance(body, dict) else None
        following = next(
            (
                link.get("url")
                for link in links or []
                if isinstance(link, dict) and link.get("relation") == "next"
            ),
            None,
        )
        # a relative link is read against the page it came from
        url = str(httpx.URL(url).join(following)) if isinstance(following, str) else None
    if url is not None:
        # more pages than are read: the rest of the record would be missing, unsaid
        raise RecordTooLong(pages=MAX_PAGES)
    return found


async def _patient_data(
    request: Request, hook: HookRequest, patient_id: str
) -> tuple[list[dict[str, Any]], int, frozenset[str]]:
    """The resources of the context's patient, how many others were left out, and the
    records the EHR merged the patient's record into (``_merged_away``; then nothing is
    assessed).

    A prefetch key given as an OperationOutcome (the client could not fetch it) is
    fetched as if absent. A Patient other than ``context.patientId`` in the prefetch
    raises ``OtherPatient``, unless it is a record merged into it (``_merged_into``) or
    the one it was merged into (``_merged_away``); any other resource that names neither
    the patient nor a record merged into it is left out (counted with the resources not
    used)."""
    prefetch = hook.prefetch or {}
    given: dict[str, list[dict[str, Any]]] = {}
    for key in PREFETCH:
        value = prefetch.get(key)
        if key in prefetch and not _failed(value) and not _one_page(value):
            # given, possibly null (nothing found by the client)
            given[key] = _given_resources(value, f"prefetch.{key}")
    # a record merged into the patient's (Patient.link) may be sent beside it
    prefetched = [r for found in given.values() for r in found]
    sent = _merged_into(prefetched, patient_id) | _merged_away(prefetched, patient_id)
    for key, found in given.items():
        if any(
            r.get("resourceType") == "Patient" and r.get("id") not in (patient_id, *sent)
            for r in found
        ):
            raise OtherPatient(f"prefetch.{key} holds a Patient other than context.patientId")
    resources: list[dict[str, Any]] = []
    for key, template in PREFETCH.items():
        value = prefetch.get(key)
        if key in given:
            resources += given[key]
            continue
        if not hook.fhirServer or hook.fhirAuthorization is None:
            if key not in prefetch:
                state = "is missing"
            elif _one_page(value):
                state = "is one page of the search (a next link), not all of it,"
            else:
                state = "could not be fetched by the client"
            raise PrefetchMissing(f"prefetch {key!r} {state} and no FHIR server access is given")
        resources += await _fetch(request, hook, _fill(template, hook.context))
    # searches by patient may return the same resource twice (e.g. paging): keep one
    seen: set[tuple[str, str]] = set()
    unique = []
    others = 0
    merged = _merged_into(resources, patient_id)
    for res in resources:
        ident = (str(res.get("resourceType")), str(res.get("id")))
        if res.get("id") is not None and ident in seen:
            continue
        seen.add(ident)
        if not _of_patient(res, patient_id, merged):
            others += 1
            continue
        unique.append(res)
    if others:
        log.info("CDS: %d resource(s) not of the context's patient left out", others)
    return unique, others, _merged_away(resources, patient_id)


# --------------------------------------------------------------------------------------
# cards


def _summary(sentence: str) -> str:
    return sentence if len(sentence) < SUMMARY_LIMIT else sentence[: SUMMARY_LIMIT - 2] + "…"


def _card(
    request: Request, lang: Lang, summary: str, indicator: str, detail: str, **extra: Any
) -> dict[str, Any]:
    source = {"label": text("cds.source", lang), "url": _thyref_url(request)}
    secret = _state(request).settings.secret_key
    service_id = request.path_params["service_id"]
    card = new_card_uuid(secret, service_id)
    for rank, suggestion in enumerate(extra.get("suggestions", [])):
        # the uuid the EHR's feedback names when the user accepts it (tied to the card)
        suggestion["uuid"] = suggestion_uuid(secret, service_id, card, rank)
    return {
        "uuid": card,
        "summary": _summary(summary),
        "indicator": indicator,
        "detail": detail,
        "source": source,
        **extra,
    }


def _case_id(context: Mapping[str, Any]) -> str:
    patient = context.get("patientId")
    if isinstance(patient, str) and re.fullmatch(ID_PATTERN, patient):
        return patient
    return "cds-" + uuid.uuid5(uuid.NAMESPACE_URL, str(patient)).hex[:12]


def _case_link(request: Request, case_id: str, lang: Lang) -> dict[str, Any]:
    base = _thyref_url(request).rstrip("/")
    return {
        "label": text("cds.link.case", lang),
        "url": f"{base}/cases/{case_id}",
        "type": "absolute",
    }


def _status_card(
    request: Request,
    lang: Lang,
    case: dict[str, Any],
    a: dict[str, Any],
    unmapped: int,
    patient_id: str,
    merged: tuple[int, tuple[str, ...]] = (0, ()),
) -> dict[str, Any]:
    refractory = a["refractory"]
    status = refractory["status"]
    missing = ", ".join(refractory.get("missing_data_labels") or []) or ", ".join(
        refractory["missing_data"]
    )
    # each criterion in words with its code beside them when the summary keeps its 140
    # characters (CDS Hooks), the codes alone otherwise (the detail says them in words)
    # and the missing data in words when they fit, their count otherwise (never a label
    # cut in the middle: the detail names each of them)
    met = refractory["criteria_met"]
    worded = ", ".join(f"{text(f'vocab.criterion.{c}', lang)} ({c})" for c in met)
    summary = text(f"cds.status.{status}", lang, {"criteria": worded, "missing": missing})
    if len(summary) >= SUMMARY_LIMIT and status == "indeterminate":
        summary = plural("cds.status.indeterminate_n", len(refractory["missing_data"]), lang)
    elif len(summary) >= SUMMARY_LIMIT:
        codes = ", ".join(met)
        summary = text(f"cds.status.{status}", lang, {"criteria": codes, "missing": missing})
    lines: list[str] = []
    if refractory["evidence"]:
        lines.append(f"**{text('cds.detail.evidence', lang)}**")
        lines += [f"- {ev['criterion']}: {ev['detail']}" for ev in refractory["evidence"]]
    if refractory["missing_data"]:
        lines.append(f"**{text('cds.detail.missing', lang)}**")
        # the words, with the code of clinical-rules.md beside them (as the options)
        labels = refractory.get("missing_data_labels") or []
        for j, code in enumerate(refractory["missing_data"]):
            lines.append(f"- {labels[j]} ({code})" if j < len(labels) else f"- {code}")
    if a["recommendations"]:
        lines.append(f"**{text('cds.detail.options', lang)}**")
        lines += [f"- {r['title']} ({r['id']})" for r in a["recommendations"]]
    if merged[0]:
        records = ", ".join(merged[1])
        lines.append(plural("cds.detail.merged", merged[0], lang, records=records))
    if unmapped:
        lines.append(plural("cds.detail.unmapped", unmapped, lang))
    lines.append(f"_{text('cds.detail.proposal', lang)}_")
    extra: dict[str, Any] = {"links": [_case_link(request, case["id"], lang)]}
    if a["recommendations"]:
        subject = {"reference": f"Patient/{patient_id}"}
        resource = options_care_plan(a["recommendations"], subject, None, lang)
        suggestion = {
            "label": text("cds.suggestion.careplan", lang),
            "isRecommended": False,
            "actions": [
                {
                    "type": "create",
                    "description": text("cds.suggestion.careplan", lang),
                    "resource": resource,
                }
            ],
        }
        extra |= {"suggestions": [suggestion], "selectionBehavior": "at-most-one"}
    indicator = "warning" if status == "refractory" else "info"
    return _card(request, lang, summary, indicator, "\n".join(lines), **extra)


def _too_long_card(
    request: Request, lang: Lang, case_id: str, exc: RecordTooLong
) -> dict[str, Any]:
    """The card of a record beyond what a hook call assesses: what passed the limits, and
    the link to open the case in thyref."""
    lines = [text("cds.too_long.detail", lang)]
    if exc.problems:
        lines.append(f"**{text('cds.too_long.limits', lang)}**")
        lines += [f"- {p.path}{colon(lang)} {problem_text(p, lang)}" for p in exc.problems]
    if exc.megabytes is not None:
        lines.append(text("cds.too_long.fetched", lang, {"megabytes": exc.megabytes}))
    if exc.pages is not None:
        lines.append(text("cds.too_long.pages", lang, {"pages": exc.pages}))
    return _card(
        request,
        lang,
        text("cds.too_long.summary", lang),
        "warning",
        "\n".join(lines),
        links=[_case_link(request, case_id, lang)],
    )


def _merged_away_card(
    request: Request, lang: Lang, patient_id: str, records: list[str]
) -> dict[str, Any]:
    """The card of a record the EHR merged into ``records`` (references, ``Patient/<id>``
    or as the import names them): nothing is assessed on it (its results since the merge
    are filed under the other record, so a status or an order check would rest on part
    of the data); it names the record to open instead, where the hook assesses the
    patient."""
    names = sorted(records)
    values = {"records": ", ".join(names), "patient": f"Patient/{patient_id}"}
    return _card(
        request,
        lang,
        plural("cds.merged_away.summary", len(names), lang, **values),
        "warning",
        plural("cds.merged_away.detail", len(names), lang, **values),
    )


class BadContext(Exception):
    """The hook's context cannot be read as the spec defines it: the answer is 400, the
    message naming the field."""


MAX_DRAFT_ORDERS = 200  # an ordering session's unsigned orders; more is not a session


def _draft_orders(hook: HookRequest, patient_id: str) -> list[dict[str, Any]]:
    """The orders of ``context.draftOrders`` (and, for ``order-select``, those the
    ``selections`` name), checked as CDS Hooks 2.0 defines them; ``BadContext`` naming
    the field otherwise.

    order-select and order-sign: ``draftOrders`` (REQUIRED) is "a Bundle of FHIR request
    resources with a draft status"; order-select's ``selections`` (REQUIRED) are "the FHIR
    id of the newly selected order(s)", which "references FHIR resources in the
    ``draftOrders`` Bundle". An order's patient (``subject``, or ``patient`` as in
    NutritionOrder), when given, must be ``context.patientId``: a card is never given for
    another patient's order. Nothing is skipped silently: an order we cannot read could
    be the kinase inhibitor whose card would be missing.
    """
    field = "context.draftOrders"
    bundle = hook.context.get("draftOrders")
    if bundle is None:
        raise BadContext(f"{field}: required by the {hook.hook} hook")
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise BadContext(f"{field}: not a FHIR Bundle")
    entries = bundle.get("entry", [])
    if not isinstance(entries, list):
        raise BadContext(f"{field}.entry: not a list")
    if len(entries) > MAX_DRAFT_ORDERS:
        raise BadContext(f"{field}.entry: more than {MAX_DRAFT_ORDERS} orders")
    orders: list[dict[str, Any]] = []
    refs: set[str] = set()
    for i, entry in enumerate(entries):
        where = f"{field}.entry[{i}].resource"
        res = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(res, dict) or not isinstance(res.get("resourceType"), str):
            raise BadContext(f"{where}: missing or not a FHIR resource")
        kind, ident = res["resourceType"], res.get("id")
        if kind == "MedicationRequest" and not (
            isinstance(ident, str) and FHIR_ID.fullmatch(ident)
        ):
            # the card's suggestion deletes the order by its id
            raise BadContext(f"{where}.id: missing or not a FHIR id")
        if isinstance(ident, str):
            if f"{kind}/{ident}" in refs:
                raise BadContext(f"{where}.id: {kind}/{ident} is in the Bundle twice")
            refs.add(f"{kind}/{ident}")
        for key in ("subject", "patient"):
            if key in res and not _names_patient(res[key], patient_id):
                raise BadContext(f"{where}.{key}: {_not_the_patient(res[key], patient_id)}")
        if kind == "MedicationRequest":
            _check_concept(
                res.get("medicationCodeableConcept"), f"{where}.medicationCodeableConcept"
            )
        orders.append(res)
    if hook.hook != "order-select":
        return orders
    selections = hook.context.get("selections")
    if not isinstance(selections, list) or not selections:
        raise BadContext("context.selections: required by the order-select hook (a list of ids)")
    for i, ref in enumerate(selections):
        if not isinstance(ref, str) or ref not in refs:
            raise BadContext(f"context.selections[{i}]: not an order of {field}")
    chosen = set(selections)
    return [r for r in orders if f"{r['resourceType']}/{r.get('id')}" in chosen]


def _not_the_patient(ref: Any, patient_id: str) -> str:
    """Why an order's ``subject`` (or ``patient``) is not read as the context's patient:
    a reference to another one, or no reference ``Patient/<id>`` at all (an identifier
    alone cannot be matched to ``context.patientId``, which is a resource id)."""
    expected = f"a Reference with reference Patient/{patient_id} (context.patientId)"
    if not isinstance(ref, dict):
        return f"not a FHIR Reference: {expected} is expected"
    if isinstance(ref.get("reference"), str):
        return "not the patient of context.patientId"
    if "identifier" in ref:
        return f"an identifier alone cannot be matched to context.patientId: {expected} is expected"
    return f"no reference: {expected} is expected"


def _check_concept(concept: Any, where: str) -> None:
    """A CodeableConcept, when given, is an object whose ``coding`` is a list of objects
    (FHIR R4 datatypes): a drug we could not read would give no card, silently."""
    if concept is None:
        return
    if not isinstance(concept, dict):
        raise BadContext(f"{where}: not a CodeableConcept")
    codings = concept.get("coding", [])
    if not isinstance(codings, list):
        raise BadContext(f"{where}.coding: not a list")
    for j, coding in enumerate(codings):
        if not isinstance(coding, dict):
            raise BadContext(f"{where}.coding[{j}]: not a Coding")


def _medication_concept(res: dict[str, Any], orders: list[dict[str, Any]]) -> Any:
    """The medication of a MedicationRequest: its ``medicationCodeableConcept``, else the
    ``code`` of the Medication its ``medicationReference`` leads to (``#id`` in its
    ``contained``, or ``Medication/id`` among the draft orders)."""
    if "medicationCodeableConcept" in res:
        return res["medicationCodeableConcept"]
    ref = res.get("medicationReference")
    target = ref.get("reference") if isinstance(ref, dict) else None
    if not isinstance(target, str):
        return None
    if target.startswith("#"):
        pool = [c for c in res.get("contained") or [] if isinstance(c, dict)]
        ident = target[1:]
    else:
        pool, ident = orders, target.removeprefix("Medication/")
    found = next(
        (m for m in pool if m.get("resourceType") == "Medication" and m.get("id") == ident),
        None,
    )
    return found.get("code") if found else None


def _kinase_orders(hook: HookRequest, orders: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(reference, drug) of every kinase-inhibitor MedicationRequest among the orders.

    A medication that is not a CodeableConcept (object) with a list of codings is read
    as naming no drug (the orders themselves were checked by ``_draft_orders``)."""
    drugs = {d.lower() for group in load_rules().drugs.values() for d in group.drugs}
    by_atc = {  # data/therapies.toml: each kinase inhibitor's active substances by ATC code
        code: substance
        for therapy in load_therapies().values()
        if any("inhibitor" in kind for kind in therapy.classes)
        for substance, code in therapy.atc.items()
    }
    drugs |= set(by_atc.values())
    found = []
    for res in orders:
        if res.get("resourceType") != "MedicationRequest":
            continue
        ref = f"MedicationRequest/{res['id']}"
        concept = _medication_concept(res, orders)
        if not isinstance(concept, dict):
            continue
        codings = concept.get("coding")
        drug = None
        for coding in codings if isinstance(codings, list) else []:
            if not isinstance(coding, dict):
                continue
            system = coding.get("system")
            system = SYSTEM_OF_OID.get(system, system) if isinstance(system, str) else system
            if system == ATC and coding.get("code") in by_atc:
                drug = by_atc[coding["code"]]
            elif str(coding.get("display", "")).lower() in drugs:
                drug = str(coding["display"]).lower()
        words = re.findall(r"[a-z]+", str(concept.get("text", "")).lower())
        drug = drug or next((w for w in words if w in drugs), None)
        if drug:
            found.append((ref, drug))
    return found


def _order_cards(
    request: Request, lang: Lang, kinase: list[tuple[str, str]], case: dict[str, Any]
) -> list[dict[str, Any]]:
    cards = []
    rules = load_rules()
    clinical = case.get("clinical") or {}
    for ref, drug in kinase:
        if clinical.get("brain_metastases_bleeding_risk") is True:
            reasons = [
                {
                    "system": THYREF_OVERRIDE,
                    "code": code,
                    "display": text(f"cds.override.{code}", lang),
                }
                for code in ("local-treatment-done", "board-decision")
            ]
            cards.append(
                _card(
                    request,
                    lang,
                    text("cds.bleeding.summary", lang, {"drug": drug}),
                    "critical",
                    text("cds.bleeding.detail", lang),
                    suggestions=[
                        {
                            "label": text("cds.bleeding.suggestion", lang, {"drug": drug}),
                            "isRecommended": True,
                            "actions": [
                                {
                                    "type": "delete",
                                    "description": text(
                                        "cds.bleeding.suggestion", lang, {"drug": drug}
                                    ),
                                    "resourceId": [ref],
                                }
                            ],
                        }
                    ],
                    selectionBehavior="at-most-one",
                    overrideReasons=reasons,
                    links=[_case_link(request, case["id"], lang)],
                )
            )
        if not case.get("molecular"):
            panel = ", ".join(rules.options.molecular_panel)
            reasons = [
                {
                    "system": THYREF_OVERRIDE,
                    "code": "molecular-pending",
                    "display": text("cds.override.molecular-pending", lang),
                }
            ]
            cards.append(
                _card(
                    request,
                    lang,
                    text("cds.molecular.summary", lang, {"drug": drug}),
                    "info",
                    text("cds.molecular.detail", lang, {"panel": panel}),
                    overrideReasons=reasons,
                    links=[_case_link(request, case["id"], lang)],
                )
            )
    return cards


# --------------------------------------------------------------------------------------
# hooks and feedback


@dataclass(slots=True)
class _Outcome:
    """What thyref made of one chart's data: the imported case (None: not a record thyref
    can read) and, per language, its assessment."""

    case: dict[str, Any] | None
    day: date
    unmapped: int = 0
    parsed: Case | None = None
    # results of records merged into the patient's (importer notes merged_record), and
    # those records, said on the card as the import says them
    merged_results: int = 0
    merged_records: tuple[str, ...] = ()
    assessments: dict[str, dict[str, Any]] = field(default_factory=dict)
    # the case's lists beyond the rules' [limits]: not validated nor assessed
    too_long: tuple[Problem, ...] = ()
    # the records the import says the patient's was replaced by (fhir_replaced_patient)
    replaced_by: tuple[str, ...] = ()


class OutcomeCache:
    """An EHR sends the same chart data at every opening: the import, validation and
    assessment of identical data (same resources, case id and day) are done once.

    Keyed by a SHA-256 of the data; bounded (least recently used dropped). The cards
    themselves (fresh uuids) are built for every request.
    """

    def __init__(self, size: int = OUTCOMES_KEPT) -> None:
        self.size = size
        self._held: OrderedDict[bytes, _Outcome] = OrderedDict()
        self._lock = threading.Lock()  # requests compute their outcomes in worker threads

    def outcome(self, resources: list[dict[str, Any]], case_id: str) -> _Outcome:
        today = date.today()
        try:
            data = orjson.dumps(
                [case_id, today.isoformat(), resources], option=orjson.OPT_SORT_KEYS
            )
        except TypeError:
            data = None
        key = hashlib.sha256(data).digest() if data is not None else None
        with self._lock:
            held = self._held.get(key) if key is not None else None
            if held is not None and key is not None:
                self._held.move_to_end(key)
                return held
        try:
            imported = bundle_to_case(resources, case_id=case_id)
            beyond = size_problems(imported.case)
            if beyond:
                # the limits POST /api/v1/assess applies: the domain's work on a longer
                # case grows past what one call may take (security13 finding 8)
                found = _Outcome(None, today, too_long=tuple(beyond))
            else:
                parsed = parse_case(imported.case, today=today)
                merged = [dict(n.params) for n in imported.notes if n.code == "merged_record"]
                found = _Outcome(
                    imported.case,
                    today,
                    len(imported.unmapped),
                    parsed,
                    len(merged),
                    tuple(sorted({m["record"] for m in merged})),
                )
        except CaseError as exc:
            log.info("CDS: no usable case (%s)", type(exc).__name__)
            replaced = sorted(
                dict(p.params)["other"]
                for p in getattr(exc, "problems", ())
                if p.code == "fhir_replaced_patient" and "other" in dict(p.params)
            )
            found = _Outcome(None, today, replaced_by=tuple(replaced))
        if key is not None:
            with self._lock:
                self._held[key] = found
                while len(self._held) > self.size:
                    self._held.popitem(last=False)
        return found

    @staticmethod
    def assessment(found: _Outcome, lang: Lang) -> dict[str, Any]:
        if lang not in found.assessments:
            assert found.parsed is not None
            found.assessments[lang] = assess(found.parsed, lang, today=found.day).to_json()
        return found.assessments[lang]


def _outcomes(request: Request) -> OutcomeCache:
    cache: OutcomeCache | None = getattr(request.app.state, "cds_outcomes", None)
    if cache is None:
        cache = request.app.state.cds_outcomes = OutcomeCache()
    return cache


async def _read_json(request: Request) -> Any:
    try:
        return orjson.loads(await request.body())
    except orjson.JSONDecodeError:  # also invalid UTF-8
        return None


BodyT = TypeVar("BodyT", bound=BaseModel)


async def _checked_call(
    service_id: str, request: Request, model: type[BodyT], what: str
) -> tuple[str, BodyT] | JSONResponse:
    """A known service, an authenticated caller and a body of ``model``; else the answer."""
    if service_id not in SERVICES:
        return _error(404, "no such CDS service")
    caller = await _authenticate(request)
    if isinstance(caller, JSONResponse):
        return caller
    request.state.cds_caller = caller
    try:
        return caller, model.model_validate(await _read_json(request))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "body"
        return _error(400, f"{what}: {where}: {first['msg']}")


@router.post("/{service_id}")
async def call_service(service_id: str, request: Request) -> JSONResponse:
    checked = await _checked_call(service_id, request, HookRequest, "invalid hook request")
    if isinstance(checked, JSONResponse):
        return checked
    _, hook = checked
    if hook.hook != SERVICES[service_id]:
        return _error(400, f"this service answers the {SERVICES[service_id]} hook")
    patient_id = hook.context.get("patientId")
    if not isinstance(patient_id, str) or not FHIR_ID.fullmatch(patient_id):
        # required by patient-view, order-select and order-sign (CDS Hooks 2.0 contexts)
        return _error(400, "invalid hook request: context.patientId: missing or not a FHIR id")
    kinase: list[tuple[str, str]] = []
    if hook.hook != "patient-view":
        try:
            kinase = _kinase_orders(hook, _draft_orders(hook, patient_id))
        except BadContext as exc:
            return _error(400, f"invalid hook request: {exc}")
        if not kinase:
            # nothing to say unless a kinase inhibitor is being ordered: the record is
            # not read (nor fetched with the EHR's token)
            return JSONResponse({"cards": []})
    lang = _lang(request)
    case_id = _case_id(hook.context)
    try:
        resources, others, merged_away = await _patient_data(request, hook, patient_id)
    except PrefetchMissing as exc:
        return _error(412, str(exc))
    except (OtherPatient, BadContext) as exc:
        return _error(400, f"invalid hook request: {exc}")
    except RecordTooLong as exc:
        return JSONResponse({"cards": [_too_long_card(request, lang, case_id, exc)]})
    if merged_away:
        # a record merged into another "must no longer be used": say so, assess nothing
        records = [f"Patient/{record}" for record in merged_away]
        card = _merged_away_card(request, lang, patient_id, records)
        return JSONResponse({"cards": [card]})
    # import, validation and assessment in a worker thread: the CPU they take grows with
    # the record (a 3 MB prefetch of 5,000 results held the event loop, so every other
    # request of the process, 0.6 s)
    found, a = await run_in_threadpool(
        _assessed, _outcomes(request), resources, case_id, lang, hook.hook
    )
    if found.too_long:
        too_long = RecordTooLong(found.too_long)
        return JSONResponse({"cards": [_too_long_card(request, lang, case_id, too_long)]})
    if found.replaced_by:  # the import found the merge (a link the hook did not read)
        card = _merged_away_card(request, lang, patient_id, list(found.replaced_by))
        return JSONResponse({"cards": [card]})
    if found.case is None:
        # not a thyroid cancer record we can read: no card (the spec's empty answer)
        return JSONResponse({"cards": []})
    if a is not None:
        unused = found.unmapped + others
        merged = (found.merged_results, found.merged_records)
        cards = [_status_card(request, lang, found.case, a, unused, patient_id, merged)]
    else:
        cards = _order_cards(request, lang, kinase, found.case)
    return JSONResponse({"cards": cards})


def _assessed(
    outcomes: OutcomeCache, resources: list[dict[str, Any]], case_id: str, lang: Lang, hook: str
) -> tuple[_Outcome, dict[str, Any] | None]:
    """The outcome of the chart's data and, for ``patient-view`` on a readable record,
    its assessment in ``lang`` (None otherwise)."""
    found = outcomes.outcome(resources, case_id)
    if found.case is None or hook != "patient-view":
        return found, None
    return found, outcomes.assessment(found, lang)


def _store_feedback(db: Database, service_id: str, client: str, body: FeedbackRequest) -> None:
    with db.session() as session:
        for item in body.feedback:
            reason = item.overrideReason.reason if item.overrideReason else None
            accepted = item.acceptedSuggestions or []
            session.add(
                CdsFeedback(
                    service_id=service_id,
                    card_uuid=item.card,
                    outcome=item.outcome,
                    # each suggestion once: a card has at most MAX_SUGGESTIONS, so they fit
                    # the column (the list was cut at 400 characters)
                    accepted_suggestions=check_length(
                        "acceptedSuggestions",
                        ",".join(dict.fromkeys(s.id.lower() for s in accepted)),
                        ACCEPTED_MAX,
                    ),
                    # the code only: a free-text comment could name the patient
                    override_reason=f"{reason.system}|{reason.code}" if reason else "",
                    outcome_at=item.outcome_at,  # naive UTC, as received_at
                    client=client[:200],
                    received_at=utcnow(),
                )
            )


@router.post("/{service_id}/feedback")
async def feedback(service_id: str, request: Request) -> JSONResponse:
    checked = await _checked_call(service_id, request, FeedbackRequest, "invalid feedback")
    if isinstance(checked, JSONResponse):
        return checked
    caller, body = checked
    problem = feedback_problem(_state(request).settings.secret_key, service_id, body)
    if problem is not None:
        return _error(400, f"invalid feedback: {problem}")
    await run_in_threadpool(_store_feedback, _state(request).db, service_id, caller, body)
    return JSONResponse({"stored": len(body.feedback)})
