"""JSON API under /api/v1 (documented by OpenAPI at /api/v1/openapi.json).

Case bodies are the ``thyref-case/1`` objects of ``case-format.md``; invalid input gets
422 with ``problems``, the same path list as the CLI. Saves carry the version they were
based on in ``If-Match``; a stale save gets 409 and stores nothing.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal
from urllib.parse import unquote_plus

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field, ValidationError

from thyref.fhir.unused import unmapped_text
from thyref.storage import repository as repo
from thyref.web import cases as case_ops
from thyref.web.assessing import assess_one, engine_version, load_case, parse_case
from thyref.web.case_input import read_json
from thyref.web.case_schema import CASE_SCHEMA
from thyref.web.context import (
    Auth,
    CsrfFailed,
    ForbiddenAction,
    LoginRequired,
    WebError,
    app_state,
    charge,
    cookie_auth,
)
from thyref.web.fhir_input import read_fhir
from thyref.web.patient import answer_engine, answer_json
from thyref.web.security import (
    CSRF_HEADER,
    PASSWORD_MAX,
    hash_password,
    needs_rehash,
    request_address,
    request_device,
    request_source,
    set_device_cookie,
    tokens_match,
    verify_password,
)

# A case id, or for an admin "<case id>~<centre number>" (the `ref` of the case list) when
# several centres use the same id.
CASE_ID_PATTERN = r"^[A-Za-z0-9._-]{1,64}(~[0-9]{1,9})?$"
Lang = Literal["fr", "en"]
CaseId = Annotated[
    str,
    Path(
        pattern=CASE_ID_PATTERN,
        description="the case id (a pseudonym), or the case's `ref` from the list",
    ),
]
_bearer = HTTPBearer(auto_error=False, description="token from POST /api/v1/auth/token")


class ProblemOut(BaseModel):
    path: str
    message: str
    text: str | None = None  # the message in the request's language (case problems)


class ErrorOut(BaseModel):
    detail: str
    problems: list[ProblemOut] = []


class StaleOut(BaseModel):
    detail: str
    current_version: int
    updated_by: str | None
    updated_at: datetime


class CaseSummaryOut(BaseModel):
    id: str
    ref: str = Field(description="how URLs name the case for you (id, or id~centre)")
    version: int
    status: str
    category: str
    criteria: list[str]
    histology: str
    centre: str
    updated_at: datetime
    updated_by: str | None


class CaseOut(BaseModel):
    id: str
    version: int
    centre: str
    updated_at: datetime
    updated_by: str | None
    case: dict[str, Any]
    assessment: dict[str, Any]


class VersionOut(BaseModel):
    version: int
    status: str
    engine_version: str
    rules_version: str
    author: str
    note: str
    created_at: datetime


class VersionDetailOut(VersionOut):
    case: dict[str, Any]
    assessment: dict[str, Any]


# No control character (NUL, ...) in credentials: no account has one, and PostgreSQL
# refuses NUL in text (it would be a 500 instead of a 422).
_NO_CONTROL = r"^[^\x00-\x1f\x7f]+$"


class TokenIn(BaseModel):
    username: str = Field(min_length=1, max_length=repo.USERNAME_MAX, pattern=_NO_CONTROL)
    password: str = Field(min_length=1, max_length=PASSWORD_MAX, pattern=_NO_CONTROL)


TOKEN_TYPES = ("application/json", "application/x-www-form-urlencoded")

TOKEN_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": (
            "`username` and `password`, as a JSON object or as an HTML form "
            "(`application/x-www-form-urlencoded`, each field once); other fields are "
            "ignored. Any other content type gets 415."
        ),
        "content": {
            media: {
                "schema": TokenIn.model_json_schema(ref_template="#/components/schemas/{model}")
            }
            for media in TOKEN_TYPES
        },
    }
}


class TokenOut(BaseModel):
    token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class AuditOut(BaseModel):
    at: datetime
    username: str
    action: str
    case_id: str | None
    detail: str
    case_pk: int | None = Field(
        None, description="internal key of the case: a deleted then reused id gets a new one"
    )


class HealthOut(BaseModel):
    status: str
    engine: str
    rules: str


class ApiError(WebError):
    """A JSON error with a chosen status."""

    def __init__(self, status: int, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.extra = extra


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "not signed in"},
    403: {"model": ErrorOut, "description": "not allowed"},
    404: {"model": ErrorOut, "description": "no such case (or not visible to you)"},
    422: {"model": ErrorOut, "description": "invalid input: every problem with its path"},
}
# the public requests that cost CPU (WebSettings.rate_limit)
TOO_MANY: dict[str, Any] = {
    "model": ErrorOut,
    "description": (
        "too many requests from this client (address, or account when signed in): "
        "`Retry-After` says in how many seconds to try again, the problem's `text` "
        "says it in `lang`"
    ),
}
CASE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "a case in the thyref-case/1 format (5 MB at most)",
        "content": {"application/json": {"schema": CASE_SCHEMA}},
    }
}

ASSESS_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": (
            "a case in the thyref-case/1 format, or FHIR R4 (mCODE): a Bundle of one "
            "patient's resources (JSON, `resourceType` Bundle) or the resources as NDJSON, "
            "one per line (docs/fhir-mapping.md); 5 MB at most"
        ),
        "content": {"application/json": {"schema": CASE_SCHEMA}},
    }
}

router = APIRouter(prefix="/api/v1", tags=["thyref"])


async def raw_body(request: Request) -> bytes:
    return await request.body()


def _form_fields(body: bytes) -> dict[str, str]:
    """The fields of an ``application/x-www-form-urlencoded`` body, UTF-8 as HTML and
    RFC 6749 appendix B say; a field that is read (``TokenIn``) may come only once."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise _invalid_body(("body",), "the form is not UTF-8 text") from None
    fields: dict[str, str] = {}
    errors: list[dict[str, Any]] = []
    for pair in text.split("&"):
        if not pair:
            continue
        raw_name, _, raw_value = pair.partition("=")
        try:
            name = unquote_plus(raw_name, errors="strict")
        except UnicodeDecodeError:
            errors.append(_error(("body",), "a field name is not UTF-8 once percent-decoded"))
            continue
        if name not in TokenIn.model_fields:
            continue  # other fields (grant_type, scope...) are not read, as in JSON
        if name in fields:
            errors.append(_error(("body", name), "given more than once"))
            continue
        try:
            fields[name] = unquote_plus(raw_value, errors="strict")
        except UnicodeDecodeError:
            errors.append(_error(("body", name), "not UTF-8 text once percent-decoded"))
            fields[name] = ""
    if errors:
        raise RequestValidationError(errors)
    return fields


def _error(loc: tuple[str, ...], message: str) -> dict[str, Any]:
    return {"loc": loc, "msg": message, "type": "value_error"}


def _invalid_body(loc: tuple[str, ...], message: str) -> RequestValidationError:
    return RequestValidationError([_error(loc, message)])


async def token_credentials(request: Request) -> TokenIn:
    """The credentials of ``POST /auth/token``: a JSON object (as always) or an HTML form
    (``application/x-www-form-urlencoded``, what OAuth2 clients and ``curl -d`` send),
    checked by the same model; any other content type is a 415 naming the two."""
    content_type = request.headers.get("content-type", "")
    media = content_type.partition(";")[0].strip().lower()
    body = await request.body()
    fields: object
    if media == "application/x-www-form-urlencoded":
        fields = _form_fields(body)
    elif media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    ):
        fields = read_json(body) if body.strip() else {}
    else:
        shown = f"Content-Type {media}" if media else "no Content-Type"
        message = f"{shown}: send {' or '.join(TOKEN_TYPES)}"
        raise ApiError(
            415,
            f"unsupported content type: {message}",
            problems=[{"path": "Content-Type", "message": message}],
            accept_post=", ".join(TOKEN_TYPES),
        )
    try:
        return TokenIn.model_validate(fields)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**error, "loc": ("body", *error["loc"])} for error in exc.errors()]
        ) from None


def api_auth(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),
) -> Auth:
    """A bearer token, or the browser session plus the X-CSRF-Token header on writes."""
    if credentials is not None:
        token = credentials.credentials
        if len(token) < 200:
            with app_state(request).db.session() as db:
                found = repo.session_user(db, token, "api")
            if found is not None:
                return Auth(found[0], found[1], token, "bearer")
        raise LoginRequired("invalid or expired token")
    auth = cookie_auth(request)
    if auth is None:
        raise LoginRequired("authentication required")
    if request.method not in {"GET", "HEAD", "OPTIONS"} and not tokens_match(
        auth.csrf, request.headers.get(CSRF_HEADER)
    ):
        raise CsrfFailed("missing or wrong X-CSRF-Token header")
    return auth


def _json(obj: object, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode(),
        status_code=status,
        media_type="application/json",
        headers=headers,
    )


def _case_out(stored: repo.StoredCase, lang: str) -> dict[str, Any]:
    s = stored.summary
    return {
        "id": s.case_id,
        "version": s.version,
        "centre": s.centre,
        "updated_at": s.updated_at.isoformat(),
        "updated_by": s.updated_by,
        "case": stored.current.case,
        "assessment": stored.current.assessment_in(lang),
    }


def _etag(version: int) -> dict[str, str]:
    return {"ETag": f'"{version}"'}


def _if_match(value: str | None) -> int:
    if value is None:
        raise ApiError(428, "If-Match header required: the version your change is based on")
    text = value.strip()
    if text.startswith("W/"):
        text = text[2:]
    text = text.strip('"')
    if not text.isdigit() or len(text) > 9:
        raise ApiError(
            422,
            "If-Match must be a version number",
            problems=[{"path": "If-Match", "message": "not a version number"}],
        )
    return int(text)


@router.get("/health", response_model=HealthOut)
def health() -> dict[str, str]:
    """Liveness, with the engine and rules versions."""
    engine, rules = engine_version()
    return {"status": "ok", "engine": engine, "rules": rules}


@router.post(
    "/assess",
    openapi_extra=ASSESS_BODY,
    responses={
        200: {
            "description": (
                "the assessment (case-format.md output); for FHIR input, with `unmapped`: "
                "the resources (or parts) not taken into the case, each with its path, why "
                "(`reason`, English) and `text` (why, in the request's language); and "
                "`notes`: what was used under an assumption (a lymph node with no region "
                "taken as lateral cervical, a preliminary result...), in the same form"
            ),
            "content": {"application/json": {"schema": {"type": "object"}}},
        },
        413: {"model": ErrorOut},
        422: ERRORS[422],
        429: TOO_MANY,
    },
)
def assess_case(request: Request, body: bytes = Depends(raw_body), lang: Lang = "fr") -> Response:
    """Assess a case without storing anything (no sign-in needed).

    The body is a `thyref-case/1` case, or FHIR R4: a Bundle (collection, searchset,
    transaction) or one patient's resources as NDJSON, read as in docs/fhir-mapping.md.
    For FHIR input the answer adds `unmapped` (what was not used, with the resource path,
    the English `reason` and its `text` in `lang`) and `notes` (what was used under an
    assumption, in the same form);
    a Bundle with no usable primary cancer is a 422 naming what is missing.
    """
    # A sync route: FastAPI runs it in its thread pool, so a large case (up to the limits
    # of the rules file) never holds the event loop while other requests wait.
    charge(request, len(body))  # before any work: the client's budget (429)
    fhir = read_fhir(body)
    if fhir is None:
        return _json(assess_one(load_case(body), lang))
    assessment = assess_one(parse_case(fhir.case), lang)
    unmapped = [{**u.as_dict(), "text": unmapped_text(u, lang)} for u in fhir.unmapped]
    notes = [{**u.as_dict(), "text": unmapped_text(u, lang)} for u in fhir.notes]
    return _json({**assessment, "unmapped": unmapped, "notes": notes})


@router.get("/faq", responses={422: ERRORS[422], 429: TOO_MANY})
def faq(
    request: Request,
    q: str = Query(min_length=1, max_length=500, description="the patient's question"),
    lang: Lang | None = Query(None, description="answer language (default: the question's)"),
) -> dict[str, Any]:
    """Answer a patient question: the best topic, its text, sources and related topics."""
    charge(request)
    return answer_json(answer_engine().ask(q, lang=lang))


@router.post(
    "/auth/token",
    response_model=TokenOut,
    openapi_extra=TOKEN_BODY,
    responses={
        401: ERRORS[401],
        415: {"model": ErrorOut, "description": "neither JSON nor a form"},
        422: ERRORS[422],
        429: {"model": ErrorOut},
    },
)
def create_token(request: Request, credentials: TokenIn = Depends(token_credentials)) -> Response:
    """Exchange a username and password for a bearer token (rate limited).

    The body is JSON or an HTML form (`application/x-www-form-urlencoded`) with the same
    two fields and checks. This is not an OAuth2 token endpoint: it ignores any grant type,
    and its answer holds the token under `token`, where OAuth2 expects an access token.

    The answer also sets the device cookie of the sign-in limit (see docs/web.md): a
    client that keeps it is counted on its own, so others' failures do not lock it out.
    """
    state = app_state(request)
    settings = state.settings
    attempt = state.limiter.begin(
        credentials.username,
        request_address(request, settings.trusted_proxies),
        request_device(request, settings.secret_key, credentials.username),
    )
    if attempt.wait:
        raise ApiError(429, "too many attempts", retry_after=attempt.wait)
    with state.db.session() as db:
        found = repo.find_user(db, credentials.username)
    # Always one Argon2 verification (a dummy hash for an unknown user): the answer time
    # does not tell which usernames exist.
    if not verify_password(found[1] if found else None, credentials.password) or found is None:
        source = request_source(request, settings.trusted_proxies)
        with state.db.session() as db:
            repo.audit_failed_login(db, credentials.username, detail=f"api {source}")
        raise LoginRequired("wrong username or password")
    state.limiter.succeeded(attempt)
    hours = settings.api_token_hours
    with state.db.session() as db:
        if needs_rehash(found[1]):
            repo.set_password_hash(db, found[0].user_id, hash_password(credentials.password))
        token, _ = repo.create_session(db, found[0].user_id, "api", timedelta(hours=hours))
        repo.audit(db, found[0], "login", detail="api")
    out = TokenOut(token=token, expires_in=int(hours * 3600))
    response = _json(out.model_dump())
    set_device_cookie(response, settings, found[0].username)
    return response


@router.delete("/auth/token", status_code=204, responses={401: ERRORS[401]})
def revoke_token(request: Request, auth: Auth = Depends(api_auth)) -> Response:
    """Revoke the bearer token used for this request."""
    if auth.via == "bearer":
        with app_state(request).db.session() as db:
            repo.end_session(db, auth.token)
    return Response(status_code=204)


@router.get("/cases", response_model=list[CaseSummaryOut], responses=ERRORS)
def list_cases(
    request: Request,
    auth: Auth = Depends(api_auth),
    q: str = Query("", max_length=100, description="search in id, criteria, histology"),
    status: Literal["refractory", "not_refractory", "indeterminate"] | None = None,
    category: Literal["differentiated", "anaplastic", "medullary"] | None = None,
) -> list[dict[str, Any]]:
    """The cases you may see (your centre's; every case for an admin)."""
    with app_state(request).db.session() as db:
        found = repo.list_cases(
            db, auth.actor, query=q, status=status or "", category=category or ""
        )
    return [
        {
            "id": s.case_id,
            "ref": s.ref,
            "version": s.version,
            "status": s.status,
            "category": s.category,
            "criteria": s.criteria,
            "histology": s.histology,
            "centre": s.centre,
            "updated_at": s.updated_at,
            "updated_by": s.updated_by,
        }
        for s in found
    ]


@router.post(
    "/cases",
    status_code=201,
    openapi_extra=CASE_BODY,
    response_model=CaseOut,
    responses={
        **ERRORS,
        409: {"model": ErrorOut, "description": "a case with this id exists"},
        413: {"model": ErrorOut},
    },
)
def create_case(
    request: Request,
    body: bytes = Depends(raw_body),
    auth: Auth = Depends(api_auth),
    lang: Lang = "fr",
) -> Response:
    """Store a new case (version 1) in your centre; returns it with its assessment."""
    case = load_case(body)
    with app_state(request).db.session() as db:
        stored = case_ops.create(db, auth.actor, case.to_json())
    headers = {**_etag(1), "Location": f"/api/v1/cases/{stored.summary.ref}"}
    return _json(_case_out(stored, lang), 201, headers)


@router.get("/cases/{case_id}", response_model=CaseOut, responses=ERRORS)
def get_case(
    case_id: CaseId, request: Request, auth: Auth = Depends(api_auth), lang: Lang = "fr"
) -> Response:
    """The current version of a case and its stored assessment; ETag is the version."""
    with app_state(request).db.session() as db:
        stored = case_ops.view(db, auth.actor, case_id)
    return _json(_case_out(stored, lang), headers=_etag(stored.summary.version))


@router.put(
    "/cases/{case_id}",
    openapi_extra=CASE_BODY,
    response_model=CaseOut,
    responses={
        **ERRORS,
        409: {"model": StaleOut, "description": "stale version: nothing was stored"},
        413: {"model": ErrorOut},
        428: {"model": ErrorOut, "description": "If-Match missing"},
    },
)
def update_case(
    case_id: CaseId,
    request: Request,
    body: bytes = Depends(raw_body),
    auth: Auth = Depends(api_auth),
    if_match: str | None = Header(None, description="the version the change is based on"),
    lang: Lang = "fr",
) -> Response:
    """Save a new version. ``If-Match`` names the version you edited (the GET's ETag)."""
    base = _if_match(if_match)
    case = load_case(body)
    with app_state(request).db.session() as db:
        stored = case_ops.update(db, auth.actor, case_id, base, case.to_json())
    return _json(_case_out(stored, lang), headers=_etag(stored.summary.version))


@router.delete("/cases/{case_id}", status_code=204, responses=ERRORS)
def delete_case(case_id: CaseId, request: Request, auth: Auth = Depends(api_auth)) -> Response:
    """Delete a case and its versions (admins only; the audit log keeps the trace)."""
    with app_state(request).db.session() as db:
        repo.audit(db, auth.actor, "delete", case_id)  # first: it keeps the internal key
        repo.delete_case(db, auth.actor, case_id)
    app_state(request).plots.clear()
    return Response(status_code=204)


@router.get("/cases/{case_id}/assessment", responses=ERRORS)
def get_assessment(
    case_id: CaseId, request: Request, auth: Auth = Depends(api_auth), lang: Lang = "fr"
) -> Response:
    """The stored assessment of the current version (with the engine and rules versions)."""
    with app_state(request).db.session() as db:
        stored = case_ops.view(db, auth.actor, case_id)
    assessment = stored.current.assessment_in(lang)
    return _json(assessment, headers=_etag(stored.summary.version))


@router.get("/cases/{case_id}/versions", response_model=list[VersionOut], responses=ERRORS)
def list_versions(
    case_id: CaseId, request: Request, auth: Auth = Depends(api_auth)
) -> list[repo.VersionInfo]:
    """Every version of a case, newest first."""
    with app_state(request).db.session() as db:
        versions = repo.list_versions(db, auth.actor, case_id)
        repo.audit(db, auth.actor, "view", case_id, "versions")
    return versions


@router.get(
    "/cases/{case_id}/versions/{version}", response_model=VersionDetailOut, responses=ERRORS
)
def get_version(
    case_id: CaseId,
    request: Request,
    version: int = Path(ge=1, le=1_000_000_000),
    auth: Auth = Depends(api_auth),
    lang: Lang = "fr",
) -> dict[str, Any]:
    """One version: the case as saved and the assessment stored with it."""
    with app_state(request).db.session() as db:
        stored = repo.get_version(db, auth.actor, case_id, version)
        repo.audit(db, auth.actor, "view", case_id, f"version {version}")
    return {
        "version": stored.version,
        "status": stored.status,
        "engine_version": stored.engine_version,
        "rules_version": stored.rules_version,
        "author": stored.author,
        "note": stored.note,
        "created_at": stored.created_at,
        "case": stored.case,
        "assessment": stored.assessment_in(lang),
    }


@router.get("/audit", response_model=list[AuditOut], responses=ERRORS)
def audit(
    request: Request,
    auth: Auth = Depends(api_auth),
    case_id: str | None = Query(None, max_length=64),
    username: str | None = Query(None, max_length=64),
    limit: int = Query(200, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=1_000_000_000),
    case_pk: int | None = Query(
        None, ge=1, le=repo.MAX_VERSION, description="one case by its internal key"
    ),
) -> list[repo.AuditEntry]:
    """The audit log, newest first (admins only)."""
    if not auth.actor.is_admin:
        raise ForbiddenAction("admins only")
    with app_state(request).db.session() as db:
        return repo.list_audit(
            db,
            case_id=case_id,
            username=username,
            limit=limit,
            offset=offset,
            case_pk=case_pk,
        )


def error_response(
    status: int, detail: str, problems: list[dict[str, str]] | None = None, **extra: Any
) -> JSONResponse:
    headers = {}
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if "retry_after" in extra:
        headers["Retry-After"] = str(extra.pop("retry_after"))
    if "accept_post" in extra:  # a 415 names the media types accepted (RFC 9110 15.5.16)
        headers["Accept-Post"] = str(extra.pop("accept_post"))
    body: dict[str, Any] = {"detail": detail, "problems": problems or [], **extra}
    return JSONResponse(body, status_code=status, headers=headers)
