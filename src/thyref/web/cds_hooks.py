"""CDS Hooks 2.0: discovery, ``patient-view``, ``order-select`` / ``order-sign``, feedback.

The EHR (CDS client) sends FHIR data (prefetch, or a FHIR server and token to fetch it);
the FHIR adapter turns it into a case, the domain assesses it and the answer is a list of
cards (https://cds-hooks.hl7.org/2.0/). Every call but discovery carries a JWT signed by
an allowed issuer (ES384 or RS384, checked against the issuer's JWKS, ``aud`` = the URL
called, ``exp``, ``jti`` never reused); ``open`` mode, without JWT, is for local testing
only and must be switched on explicitly (``THYREF_CDS_OPEN=1``).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import logging
import re
import time
import uuid
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal, TypeVar

import httpx
import jwt
import orjson
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from starlette.concurrency import run_in_threadpool

from thyref.domain import assess, parse_case
from thyref.domain.case import ID_PATTERN, Case
from thyref.domain.messages import Lang, text
from thyref.domain.rules import load_rules
from thyref.domain.therapies import load_therapies
from thyref.errors import CaseError
from thyref.fhir.exporter import options_care_plan
from thyref.fhir.importer import bundle_to_case
from thyref.storage import Database
from thyref.storage.models import CdsFeedback, CdsTokenId, utcnow

log = logging.getLogger("thyref.cds")
router = APIRouter(prefix="/cds-services", include_in_schema=False)

ALGORITHMS = ("ES384", "RS384")
MAX_LIFETIME_SECONDS = 300  # the spec asks for tokens that expire within five minutes
LEEWAY_SECONDS = 60
SUMMARY_LIMIT = 140
JWKS_TTL_SECONDS = 600.0
JTI_PURGE_SECONDS = 60.0  # expired token ids are deleted at most this often (per process)
OUTCOMES_KEPT = 256  # assessments kept for identical chart data (per process)

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
    access_token: str
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
    code: str = Field(max_length=100)
    system: str | None = Field(default=None, max_length=200)
    display: str | None = None


class OverrideReason(_Body):
    reason: Coding | None = None
    userComment: str | None = None


class AcceptedSuggestion(_Body):
    id: str = Field(max_length=64)


class FeedbackItem(_Body):
    card: str = Field(min_length=1, max_length=64)
    outcome: Literal["accepted", "overridden"]
    acceptedSuggestions: list[AcceptedSuggestion] = Field(default_factory=list)
    overrideReason: OverrideReason | None = None
    outcomeTimestamp: datetime | None = None


class FeedbackRequest(_Body):
    feedback: list[FeedbackItem] = Field(min_length=1, max_length=100)


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
    audience: str,
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
        "jti": str(claims["jti"])[:200],
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


def _public_url(request: Request) -> str:
    base = _state(request).settings.cds_public_url
    if base:
        return str(base).rstrip("/") + request.url.path
    return str(request.url.replace(query=None, fragment=None))


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


def _names_patient(ref: Any, patient_id: str) -> bool:
    """``Patient/<id>`` (relative, absolute or with a ``_history`` version), or
    ``urn:uuid:<id>`` (a Patient whose id is that uuid, as thyref's own export writes)."""
    if not isinstance(ref, dict) or not isinstance(ref.get("reference"), str):
        return False
    target = ref["reference"].split("/_history/")[0]
    return target in (f"Patient/{patient_id}", f"urn:uuid:{patient_id}") or target.endswith(
        f"/Patient/{patient_id}"
    )


def _of_patient(res: dict[str, Any], patient_id: str) -> bool:
    """Whether a resource is the context's patient or names it (``subject``, ``patient``).

    A resource of another patient, or of no patient we can tell, is never used: a card
    for one patient is never built on another's data."""
    kind = res.get("resourceType")
    if kind == "Patient":
        return res.get("id") == patient_id
    if kind in NOT_PATIENT_DATA:
        return True
    return _names_patient(res.get("subject") or res.get("patient"), patient_id)


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


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = httpx.URL(url)
    return parts.scheme, parts.host, parts.port


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})


async def _fetch(request: Request, hook: HookRequest, query: str) -> list[dict[str, Any]]:
    """The resources of one query on the EHR's FHIR server, following its ``next`` pages.

    The access token goes only to the ``fhirServer`` the (authenticated) EHR named: a page
    link to another origin is refused, not followed. In open mode (no JWT: local testing)
    only a FHIR server on this machine is called.
    """
    assert hook.fhirServer is not None and hook.fhirAuthorization is not None
    try:
        origin = _origin(hook.fhirServer)
    except httpx.InvalidURL as exc:
        raise PrefetchMissing("fhirServer is not a URL") from exc
    if origin[0] not in ("http", "https"):
        raise PrefetchMissing("fhirServer is not an http(s) URL")
    if request.state.cds_caller == "open" and origin[1] not in LOOPBACK_HOSTS:
        raise PrefetchMissing("open mode (no JWT) calls only a FHIR server on this machine")
    client = _client(request)
    headers = {
        "Accept": "application/fhir+json",
        "Authorization": f"Bearer {hook.fhirAuthorization.access_token}",
    }
    url: str | None = hook.fhirServer.rstrip("/") + "/" + query
    found: list[dict[str, Any]] = []
    for _page in range(10):
        if url is None:
            break
        try:
            if _origin(url) != origin:
                raise PrefetchMissing("the FHIR server's next page is on another server")
            response = await client.get(url, headers=headers)
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise PrefetchMissing("the FHIR server cannot be reached") from exc
        if response.status_code == 404 and "?" not in query:
            return found
        if response.status_code != 200:
            raise PrefetchMissing(f"the FHIR server answered {response.status_code}")
        try:
            body = response.json()
        except ValueError as exc:
            raise PrefetchMissing("the FHIR server answer is not JSON") from exc
        found += _resources_of(body)
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
    return found


async def _patient_data(
    request: Request, hook: HookRequest, patient_id: str
) -> tuple[list[dict[str, Any]], int]:
    """The resources of the context's patient, and how many others were left out.

    A prefetch key given as an OperationOutcome (the client could not fetch it) is
    fetched as if absent. A Patient other than ``context.patientId`` in the prefetch
    raises ``OtherPatient``; any other resource that does not name the patient is left
    out (counted with the resources not used)."""
    prefetch = hook.prefetch or {}
    resources: list[dict[str, Any]] = []
    for key, template in PREFETCH.items():
        if key in prefetch and not _failed(prefetch[key]):
            # given, possibly null (nothing found by the client)
            given = _resources_of(prefetch[key])
            if any(r.get("resourceType") == "Patient" and r.get("id") != patient_id for r in given):
                raise OtherPatient(f"prefetch.{key} holds a Patient other than context.patientId")
            resources += given
            continue
        if not hook.fhirServer or hook.fhirAuthorization is None:
            state = "could not be fetched by the client" if key in prefetch else "is missing"
            raise PrefetchMissing(f"prefetch {key!r} {state} and no FHIR server access is given")
        resources += await _fetch(request, hook, _fill(template, hook.context))
    # searches by patient may return the same resource twice (e.g. paging): keep one
    seen: set[tuple[str, str]] = set()
    unique = []
    others = 0
    for res in resources:
        ident = (str(res.get("resourceType")), str(res.get("id")))
        if res.get("id") is not None and ident in seen:
            continue
        seen.add(ident)
        if not _of_patient(res, patient_id):
            others += 1
            continue
        unique.append(res)
    if others:
        log.info("CDS: %d resource(s) not of the context's patient left out", others)
    return unique, others


# --------------------------------------------------------------------------------------
# cards


def _summary(sentence: str) -> str:
    return sentence if len(sentence) < SUMMARY_LIMIT else sentence[: SUMMARY_LIMIT - 2] + "…"


def _card(
    request: Request, lang: Lang, summary: str, indicator: str, detail: str, **extra: Any
) -> dict[str, Any]:
    source = {"label": text("cds.source", lang), "url": str(request.base_url)}
    return {
        "uuid": str(uuid.uuid4()),
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
    base = str(request.base_url).rstrip("/")
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
) -> dict[str, Any]:
    refractory = a["refractory"]
    status = refractory["status"]
    missing = ", ".join(refractory.get("missing_data_labels") or []) or ", ".join(
        refractory["missing_data"]
    )
    # each criterion in words with its code beside them when the summary keeps its 140
    # characters (CDS Hooks), the codes alone otherwise (the detail says them in words)
    met = refractory["criteria_met"]
    worded = ", ".join(f"{text(f'vocab.criterion.{c}', lang)} ({c})" for c in met)
    summary = text(f"cds.status.{status}", lang, {"criteria": worded, "missing": missing})
    if len(summary) >= SUMMARY_LIMIT:
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
    if unmapped:
        lines.append(text("cds.detail.unmapped", lang, {"count": unmapped}))
    lines.append(f"_{text('cds.detail.proposal', lang)}_")
    extra: dict[str, Any] = {"links": [_case_link(request, case["id"], lang)]}
    if a["recommendations"]:
        subject = {"reference": f"Patient/{patient_id}"}
        resource = options_care_plan(a["recommendations"], subject, None, lang)
        suggestion = {
            "label": text("cds.suggestion.careplan", lang),
            "uuid": str(uuid.uuid4()),
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


def _kinase_orders(hook: HookRequest) -> list[tuple[str, str]]:
    """(reference, drug) of every kinase-inhibitor MedicationRequest among the orders."""
    drugs = {d.lower() for group in load_rules().drugs.values() for d in group.drugs}
    by_atc = {  # data/therapies.toml: each kinase inhibitor's active substances by ATC code
        code: substance
        for therapy in load_therapies().values()
        if any("inhibitor" in kind for kind in therapy.classes)
        for substance, code in therapy.atc.items()
    }
    drugs |= set(by_atc.values())
    orders = _resources_of(hook.context.get("draftOrders"))
    selections = hook.context.get("selections")
    found = []
    for res in orders:
        if res.get("resourceType") != "MedicationRequest":
            continue
        ref = f"MedicationRequest/{res.get('id')}"
        if hook.hook == "order-select" and isinstance(selections, list) and ref not in selections:
            continue
        concept = res.get("medicationCodeableConcept") or {}
        drug = None
        for coding in concept.get("coding") or []:
            if coding.get("system") == ATC and coding.get("code") in by_atc:
                drug = by_atc[coding["code"]]
            elif str(coding.get("display", "")).lower() in drugs:
                drug = str(coding["display"]).lower()
        words = re.findall(r"[a-z]+", str(concept.get("text", "")).lower())
        drug = drug or next((w for w in words if w in drugs), None)
        if drug:
            found.append((ref, drug))
    return found


def _order_cards(
    request: Request, lang: Lang, hook: HookRequest, case: dict[str, Any]
) -> list[dict[str, Any]]:
    cards = []
    rules = load_rules()
    clinical = case.get("clinical") or {}
    for ref, drug in _kinase_orders(hook):
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
                            "uuid": str(uuid.uuid4()),
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
    assessments: dict[str, dict[str, Any]] = field(default_factory=dict)


class OutcomeCache:
    """An EHR sends the same chart data at every opening: the import, validation and
    assessment of identical data (same resources, case id and day) are done once.

    Keyed by a SHA-256 of the data; bounded (least recently used dropped). The cards
    themselves (fresh uuids) are built for every request.
    """

    def __init__(self, size: int = OUTCOMES_KEPT) -> None:
        self.size = size
        self._held: OrderedDict[bytes, _Outcome] = OrderedDict()

    def outcome(self, resources: list[dict[str, Any]], case_id: str) -> _Outcome:
        today = date.today()
        try:
            data = orjson.dumps(
                [case_id, today.isoformat(), resources], option=orjson.OPT_SORT_KEYS
            )
        except TypeError:
            data = None
        key = hashlib.sha256(data).digest() if data is not None else None
        if key is not None and key in self._held:
            self._held.move_to_end(key)
            return self._held[key]
        try:
            imported = bundle_to_case(resources, case_id=case_id)
            parsed = parse_case(imported.case, today=today)
            found = _Outcome(imported.case, today, len(imported.unmapped), parsed)
        except CaseError as exc:
            log.info("CDS: no usable case (%s)", type(exc).__name__)
            found = _Outcome(None, today)
        if key is not None:
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
        where = ".".join(str(p) for p in first["loc"])
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
    try:
        resources, others = await _patient_data(request, hook, patient_id)
    except PrefetchMissing as exc:
        return _error(412, str(exc))
    except OtherPatient as exc:
        return _error(400, f"invalid hook request: {exc}")
    lang = _lang(request)
    # order hooks: nothing to say unless a kinase inhibitor is being ordered
    if hook.hook != "patient-view" and not _kinase_orders(hook):
        return JSONResponse({"cards": []})
    outcomes = _outcomes(request)
    found = outcomes.outcome(resources, _case_id(hook.context))
    if found.case is None:
        # not a thyroid cancer record we can read: no card (the spec's empty answer)
        return JSONResponse({"cards": []})
    if hook.hook == "patient-view":
        a = outcomes.assessment(found, lang)
        unused = found.unmapped + others
        cards = [_status_card(request, lang, found.case, a, unused, patient_id)]
    else:
        cards = _order_cards(request, lang, hook, found.case)
    return JSONResponse({"cards": cards})


def _store_feedback(db: Database, service_id: str, client: str, body: FeedbackRequest) -> None:
    with db.session() as session:
        for item in body.feedback:
            reason = item.overrideReason.reason if item.overrideReason else None
            when = item.outcomeTimestamp
            if when is not None and when.tzinfo is not None:
                when = when.astimezone(tz=None).replace(tzinfo=None)
            session.add(
                CdsFeedback(
                    service_id=service_id,
                    card_uuid=item.card,
                    outcome=item.outcome,
                    accepted_suggestions=",".join(s.id for s in item.acceptedSuggestions)[:400],
                    # the code only: a free-text comment could name the patient
                    override_reason=(f"{reason.system or ''}|{reason.code}" if reason else "")[
                        :200
                    ],
                    outcome_at=when,
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
    await run_in_threadpool(_store_feedback, _state(request).db, service_id, caller, body)
    return JSONResponse({"stored": len(body.feedback)})
