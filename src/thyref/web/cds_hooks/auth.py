"""The CDS client's JWT: signed by an allowed issuer (ES384 or RS384, against its JWKS),
``aud`` the URL called under ``THYREF_CDS_URL``, short-lived, its ``jti`` never reused.
"""

from __future__ import annotations

import base64
import functools
import logging
import time
from collections.abc import Mapping
from typing import Any

import httpx
import jwt
import orjson
from fastapi import Request
from fastapi.responses import JSONResponse
from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from starlette.concurrency import run_in_threadpool

from thyref.domain.messages import Lang
from thyref.storage import Database
from thyref.storage.models import CdsTokenId
from thyref.web.settings import CDS_URL_ENV

log = logging.getLogger("thyref.cds")


ALGORITHMS = ("ES384", "RS384")
MAX_LIFETIME_SECONDS = 300  # the spec asks for tokens that expire within five minutes
LEEWAY_SECONDS = 60
JTI_MAX = 200  # CdsTokenId.jti: a longer token id is refused, never cut
JWKS_TTL_SECONDS = 600.0
JTI_PURGE_SECONDS = 60.0  # expired token ids are deleted at most this often (per process)


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
