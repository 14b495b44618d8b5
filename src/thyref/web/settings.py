"""Settings of the web application, from arguments or the environment."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from thyref.storage import database_url
from thyref.web.security import Network, parse_networks


class SettingError(ValueError):
    """An environment setting the web app cannot use: ``key`` names its sentence in the
    catalogue (``settings.<key>``, placeholders ``params``), so ``thyref serve`` says it
    in the user's language before starting; ``str()`` is the English one."""

    def __init__(self, variable: str, key: str, message: str, **params: str) -> None:
        super().__init__(f"{variable}: {message}")
        self.variable = variable
        self.key = key
        self.params = {"variable": variable, **params}


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_issuers() -> dict[str, Any]:
    """THYREF_CDS_ISSUERS: a JSON object, issuer -> JWKS URL (or the JWKS itself)."""
    raw = os.environ.get("THYREF_CDS_ISSUERS") or "{}"
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise SettingError(
            "THYREF_CDS_ISSUERS", "not_json", f"not JSON: {exc.msg}", reason=exc.msg
        ) from None
    if not isinstance(value, dict):
        raise SettingError(
            "THYREF_CDS_ISSUERS", "not_object", "must be a JSON object: issuer -> JWKS URL"
        )
    return value


def _env_proxies() -> tuple[Network, ...]:
    """THYREF_TRUSTED_PROXIES: addresses or networks, comma separated."""
    raw = os.environ.get("THYREF_TRUSTED_PROXIES", "")
    try:
        return parse_networks(raw)
    except ValueError:
        shown = raw[:60]
        raise SettingError(
            "THYREF_TRUSTED_PROXIES", "proxies", f"{shown!r} is not a list of addresses or "
            "networks", value=shown,
        ) from None  # fmt: skip


PER_MONTH_ENV = "THYREF_NATIONAL_RCP_PER_MONTH"


def _env_per_month() -> int | None:
    """THYREF_NATIONAL_RCP_PER_MONTH: national boards a month, 1 to 4; unset or empty:
    None (the rules file's figure)."""
    raw = os.environ.get(PER_MONTH_ENV, "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= 4):
        shown = raw[:20]
        raise SettingError(PER_MONTH_ENV, "per_month", f"{shown!r} is not 1 to 4", value=shown)
    return int(raw)


RATE_ENV = "THYREF_RATE_LIMIT"
RATE_SIGNED_IN_ENV = "THYREF_RATE_LIMIT_SIGNED_IN"
RATE_MAX = 1_000_000


def _env_rate(name: str, default: int) -> int:
    """A budget of requests a minute (``ratelimit``): a whole number, 0 for no limit;
    unset or empty: ``default``."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit() and int(raw) <= RATE_MAX):
        shown = raw[:20]
        raise SettingError(
            name, "rate", f"{shown!r} is not a number of requests a minute (0: no limit)",
            value=shown,
        )  # fmt: skip
    return int(raw)


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})


def parse_fhir_servers(raw: str) -> tuple[str, ...]:
    """THYREF_CDS_FHIR_SERVERS: the FHIR servers (base URLs, space or comma separated)
    that thyref may call with the access token an EHR gives in ``fhirAuthorization``.

    Each must be an ``https`` URL (CDS Hooks 2.0: "The scheme MUST be https when
    production data is exchanged"), or ``http`` on this machine, without user, query or
    fragment; kept without the trailing ``/``. Empty (the default): no server is called.
    """
    servers = []
    for item in raw.replace(",", " ").split():
        parts = urlsplit(item)
        host = (parts.hostname or "").lower()
        shown = f"{parts.scheme}://{host}{parts.path}"  # never a password in a message
        variable = "THYREF_CDS_FHIR_SERVERS"
        if parts.scheme not in ("https", "http") or not host:
            raise SettingError(variable, "not_url", f"{shown!r} is not an http(s) URL", url=shown)
        if parts.scheme == "http" and host not in LOOPBACK_HOSTS:
            raise SettingError(
                variable, "not_https", f"{shown!r} must use https (http only on this machine)",
                url=shown,
            )  # fmt: skip
        if parts.username is not None or parts.query or parts.fragment:
            raise SettingError(
                variable, "not_base", f"{shown!r} must be a base URL (no user, query or fragment)",
                url=shown,
            )  # fmt: skip
        servers.append(item.rstrip("/"))
    return tuple(servers)


CDS_URL_ENV = "THYREF_CDS_URL"


def check_cds_url(url: str | None, issuers: dict[str, Any]) -> str | None:
    """THYREF_CDS_URL: the public base URL of thyref (``https://thyref.example.org``, or
    with a path prefix), whose ``/cds-services/<id>`` a CDS Hooks JWT names as its
    audience; kept without the trailing ``/``. Required when JWT issuers are configured:
    the audience is never built from the request (its ``Host`` header is the caller's
    to write); without issuers no token can be accepted, and it may stay unset."""
    if not url:
        if issuers:
            raise SettingError(
                CDS_URL_ENV, "cds_url_missing", "must be set when THYREF_CDS_ISSUERS is: "
                "the public base URL that CDS Hooks tokens name as their audience",
            )  # fmt: skip
        return None
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    shown = f"{parts.scheme}://{host}{parts.path}"[:100]  # never a password in a message
    if parts.scheme not in ("https", "http") or not host:
        raise SettingError(CDS_URL_ENV, "not_url", f"{shown!r} is not an http(s) URL", url=shown)
    if parts.username is not None or parts.query or parts.fragment:
        raise SettingError(
            CDS_URL_ENV, "not_base", f"{shown!r} must be a base URL (no user, query or fragment)",
            url=shown,
        )  # fmt: skip
    return url.rstrip("/")


@dataclass(frozen=True)
class WebSettings:
    """Everything ``create_app`` needs. Defaults suit ``thyref serve`` on loopback."""

    database_url: str = field(default_factory=database_url)
    # Signs the anonymous CSRF token of the login form. Random per process unless set.
    secret_key: str = field(
        default_factory=lambda: os.environ.get("THYREF_SECRET_KEY") or secrets.token_urlsafe(32)
    )
    # Set when served over HTTPS (adds Secure to cookies and HSTS).
    https: bool = field(default_factory=lambda: _env_bool("THYREF_HTTPS", False))
    session_hours: float = 12.0
    api_token_hours: float = 24.0
    login_max_failures: int = 5
    login_max_failures_per_ip: int = 30
    login_window_seconds: float = 300.0
    max_body_bytes: int = 6 * 1024 * 1024
    migrate: bool = True
    # CDS Hooks: allowed JWT issuers -> their JWKS URL (or the JWKS itself), from
    # THYREF_CDS_ISSUERS as JSON; open mode (no JWT) only when THYREF_CDS_OPEN=1.
    cds_issuers: dict[str, Any] = field(default_factory=_env_issuers)
    cds_open: bool = field(default_factory=lambda: _env_bool("THYREF_CDS_OPEN", False))
    # the public base URL that JWT audiences name (THYREF_CDS_URL), required with issuers
    # (check_cds_url); card links use it too
    cds_public_url: str | None = field(default_factory=lambda: os.environ.get(CDS_URL_ENV))
    # the FHIR servers an EHR's fhirServer may name (THYREF_CDS_FHIR_SERVERS): thyref sends
    # the EHR's access token to no other (token leakage, SSRF); empty: none is called
    cds_fhir_servers: tuple[str, ...] = field(
        default_factory=lambda: parse_fhir_servers(os.environ.get("THYREF_CDS_FHIR_SERVERS", ""))
    )
    # National boards a month (THYREF_NATIONAL_RCP_PER_MONTH, 1 to 4); None: the rules file
    national_rcp_per_month: int | None = field(default_factory=_env_per_month)
    # Debugging and benchmarks only (THYREF_SERVER_TIMING=1): a Server-Timing header with
    # the time spent in the application on every response. Off by default: it tells any
    # client how much work a request costs (a timing oracle).
    server_timing: bool = field(default_factory=lambda: _env_bool("THYREF_SERVER_TIMING", False))
    # Budget of the public requests that cost CPU (POST /api/v1/assess, patient questions),
    # requests a minute per client address (THYREF_RATE_LIMIT) and per signed-in account
    # (THYREF_RATE_LIMIT_SIGNED_IN); a request also costs one more per 64 KiB of body.
    # 0: no limit. Kept per worker process. See docs/web.md, "Public requests".
    rate_limit: int = field(default_factory=lambda: _env_rate(RATE_ENV, 60))
    rate_limit_signed_in: int = field(default_factory=lambda: _env_rate(RATE_SIGNED_IN_ENV, 600))
    # Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma
    # separated). Without it the direct peer is the client address.
    trusted_proxies: tuple[Network, ...] = field(default_factory=lambda: _env_proxies())

    def __post_init__(self) -> None:
        url = check_cds_url(self.cds_public_url, self.cds_issuers)
        object.__setattr__(self, "cds_public_url", url)
