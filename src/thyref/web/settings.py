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
        raise ValueError(f"THYREF_CDS_ISSUERS is not JSON: {exc.msg}") from None
    if not isinstance(value, dict):
        raise ValueError("THYREF_CDS_ISSUERS must be a JSON object: issuer -> JWKS URL")
    return value


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
        if parts.scheme not in ("https", "http") or not host:
            raise ValueError(f"THYREF_CDS_FHIR_SERVERS: {shown!r} is not an http(s) URL")
        if parts.scheme == "http" and host not in LOOPBACK_HOSTS:
            raise ValueError(
                f"THYREF_CDS_FHIR_SERVERS: {shown!r} must use https (http only on this machine)"
            )
        if parts.username is not None or parts.query or parts.fragment:
            raise ValueError(
                f"THYREF_CDS_FHIR_SERVERS: {shown!r} must be a base URL "
                "(no user, query or fragment)"
            )
        servers.append(item.rstrip("/"))
    return tuple(servers)


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
    # the public base URL (behind a proxy) that JWT audiences name; default: the request's
    cds_public_url: str | None = field(default_factory=lambda: os.environ.get("THYREF_CDS_URL"))
    # the FHIR servers an EHR's fhirServer may name (THYREF_CDS_FHIR_SERVERS): thyref sends
    # the EHR's access token to no other (token leakage, SSRF); empty: none is called
    cds_fhir_servers: tuple[str, ...] = field(
        default_factory=lambda: parse_fhir_servers(os.environ.get("THYREF_CDS_FHIR_SERVERS", ""))
    )
    # Debugging and benchmarks only (THYREF_SERVER_TIMING=1): a Server-Timing header with
    # the time spent in the application on every response. Off by default: it tells any
    # client how much work a request costs (a timing oracle).
    server_timing: bool = field(default_factory=lambda: _env_bool("THYREF_SERVER_TIMING", False))
    # Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma
    # separated). Without it the direct peer is the client address.
    trusted_proxies: tuple[Network, ...] = field(
        default_factory=lambda: parse_networks(os.environ.get("THYREF_TRUSTED_PROXIES", ""))
    )
