"""Passwords, login rate limiting, the budget of public requests, CSRF tokens and the
security-headers middleware."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from starlette.requests import Request
from starlette.responses import Response

from thyref.storage import Database
from thyref.storage import repository as repo

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SESSION_COOKIE = "thyref_session"
ANON_COOKIE = "thyref_anon"
LANG_COOKIE = "thyref_lang"
DEVICE_COOKIE = "thyref_device"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

_hasher = PasswordHasher()
# Verified when the user does not exist, so both paths cost the same.
_DUMMY_HASH = _hasher.hash("thyref-no-such-user")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


# The longest password a sign-in takes (form and API): longer is a failed sign-in.
PASSWORD_MAX = 1024


def verify_password(password_hash: str | None, password: str) -> bool:
    """Argon2 check; a missing user still pays for one verification."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def anon_csrf_token(secret: str, anon_id: str) -> str:
    """The CSRF token of a visitor without a session (login form), bound to their cookie."""
    return hmac.new(secret.encode(), f"anon:{anon_id}".encode(), hashlib.sha256).hexdigest()


def tokens_match(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))


def _device_mac(secret: str, username: str, nonce: str) -> str:
    message = f"device:{username.lower()}:{nonce}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def new_device_cookie(secret: str, username: str) -> str:
    """The cookie a browser gets after a successful sign-in: a random device number signed
    with the server's secret for this user (the username itself is not in it)."""
    nonce = secrets.token_urlsafe(12)
    return f"{nonce}.{_device_mac(secret, username, nonce)}"


def set_device_cookie(response: Response, settings: Any, username: str) -> None:
    """Remember this browser as one ``username`` signed in from (a year; HttpOnly)."""
    response.set_cookie(
        DEVICE_COOKIE,
        new_device_cookie(settings.secret_key, username),
        max_age=365 * 86400,
        httponly=True,
        samesite="lax",
        secure=bool(settings.https),
        path="/",
    )


def session_cookie_attributes(settings: Any) -> dict[str, Any]:
    """The session cookie's attributes, written when sign-in sets it and again when
    sign-out deletes it. A deletion is a cookie of the same name that has expired; a
    browser takes it as the session cookie's replacement only when it names the same path
    (RFC 6265bis, 5.7), and ignores a deletion without ``Secure`` on a plain-http page
    while a ``Secure`` cookie of that name is stored (same section)."""
    return {"httponly": True, "samesite": "lax", "secure": bool(settings.https), "path": "/"}


def known_device(secret: str, cookie: str | None, username: str) -> str | None:
    """The device number when ``cookie`` was issued to ``username`` by this server."""
    if not cookie or len(cookie) > 200:
        return None
    nonce, _, mac = cookie.partition(".")
    if not nonce or not hmac.compare_digest(mac, _device_mac(secret, username, nonce)):
        return None
    return nonce


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(text: str) -> tuple[Network, ...]:
    """``"10.0.0.1, 192.168.0.0/16"`` -> networks (a bad entry raises ``ValueError``)."""
    return tuple(
        ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip()
    )


def _within(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in net for net in networks)


def client_address(
    peer: str | None, forwarded_for: str | None, trusted: tuple[Network, ...]
) -> str | None:
    """The client's address when it can be trusted, else None.

    A direct peer that is not a trusted proxy is the client. Through a trusted proxy, the
    client is the last ``X-Forwarded-For`` entry that is not itself a trusted proxy (the
    entries before it are written by the client and prove nothing). A trusted proxy
    that names no client gives None: its own address is shared by every user.
    """
    if not peer:
        return None
    if not _within(peer, trusted):
        return peer
    for hop in reversed((forwarded_for or "").split(",")):
        hop = hop.strip()
        if hop and not _within(hop, trusted):
            return hop if _is_address(hop) else None
    return None


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def request_address(request: Request, trusted: tuple[Network, ...]) -> str | None:
    """The client address of a request, when it can be trusted (see ``client_address``)."""
    peer = request.client.host if request.client else None
    return client_address(peer, request.headers.get("x-forwarded-for"), trusted)


def request_source(request: Request, trusted: tuple[Network, ...]) -> str:
    """Where a request came from, for the audit log: the client, or the proxy it came by."""
    address = request_address(request, trusted)
    if address:
        return address
    peer = request.client.host if request.client else "unknown"
    return f"{peer} (proxy)"


def request_device(request: Request, secret: str, username: str) -> str | None:
    return known_device(secret, request.cookies.get(DEVICE_COOKIE), username)


@dataclass(frozen=True, slots=True)
class Attempt:
    """One sign-in attempt, already counted. ``wait`` > 0: refused, verify nothing."""

    wait: int
    forget: tuple[str, ...] = ()  # keys restarted by a success (user or device)
    give_back: tuple[str, ...] = ()  # keys a success does not count against (address)


class LoginLimiter:
    """Sign-in attempts per user, per known device and per client address, in a window.

    Kept in the database (table ``login_attempts``) so the limit holds across worker
    processes; each attempt is counted *before* the password is checked, in one atomic
    statement, so concurrent attempts cannot all pass a check that reads a stale count.

    A browser that signed in as this user before (signed device cookie) is counted on its
    own: someone guessing a user's password from elsewhere blocks other new clients, not
    the user's own devices. The per-address count applies only to an address known to be
    the client's (see ``client_address``).
    """

    def __init__(
        self, db: Database, max_per_user: int, max_per_ip: int, window_seconds: float
    ) -> None:
        self.db = db
        self.max_per_user = max_per_user
        self.max_per_ip = max_per_ip
        self.window = window_seconds

    def begin(self, username: str, address: str | None, device: str | None) -> Attempt:
        """Count this attempt; ``Attempt.wait`` says whether it may go on (0) or not."""
        user = username.strip().lower()[:100]
        keys: list[tuple[str, int]]
        if device is not None:
            keys = [(f"d:{user}:{device[:40]}", self.max_per_user)]
        else:
            keys = [(f"u:{user}", self.max_per_user)]
            if address:
                keys.append((f"a:{address[:100]}", self.max_per_ip))
        now = time.time()
        wait = 0.0
        with self.db.session() as session:
            if secrets.randbelow(100) == 0:
                repo.purge_attempts(session, now, self.window)
            for key, limit in keys:
                count, start = repo.count_attempt(session, key, now, self.window)
                if count > limit:
                    wait = max(wait, start + self.window - now)
        if wait > 0:
            return Attempt(int(wait) + 1)
        return Attempt(0, forget=(keys[0][0],), give_back=tuple(k for k, _ in keys[1:]))

    def succeeded(self, attempt: Attempt) -> None:
        with self.db.session() as session:
            repo.forget_attempts(session, attempt.forget)
            for key in attempt.give_back:
                repo.give_back_attempt(session, key)


# --------------------------------------------------------------------------------------
# the budget of public requests that cost CPU
#
# POST /api/v1/assess and the patient questions (GET /api/v1/faq, the question form of
# /patient) need no sign-in, so anyone can send them; a 5 MB FHIR upload costs seconds of
# CPU before the case limits refuse it. Each client has a token bucket of ``per_minute``
# units a minute, held up to ``per_minute`` (a minute's worth may be spent at once). A
# request costs one unit plus one per ``BODY_UNIT`` bytes of body (a 5 MB upload takes a
# full bucket); a request the bucket cannot pay gets 429 with ``Retry-After``
# (``context.charge``). Clients are told apart by address (IPv6 by its /64 network: one
# host holds a whole /64), or when signed in by account, on a budget of their own
# (``WebSettings.rate_limit``, ``rate_limit_signed_in``). Kept in memory, per worker
# process (N workers let a client about N times the budget); at most ``max_clients``
# buckets are held, idle ones (full again) dropped first, then the least recently used.

BODY_UNIT = 64 * 1024  # bytes of request body that cost one more unit
MAX_CLIENTS = 10_000  # buckets held (about 150 bytes each)
_EPSILON = 1e-9  # units: what float sums of refills may miss


@dataclass(slots=True)
class _Bucket:
    units: float
    at: float


class RateLimiter:
    """Token buckets by client key; ``per_minute`` 0 lets every request through."""

    def __init__(
        self,
        per_minute: int,
        max_clients: int = MAX_CLIENTS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_minute = per_minute
        self.max_clients = max_clients
        self.clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()  # sync routes run in worker threads

    def __len__(self) -> int:
        return len(self._buckets)

    def take(self, key: str, cost: int = 1) -> int:
        """Spend ``cost`` units of ``key``'s budget: 0 when it could, else the whole
        seconds to wait before it can (nothing is spent then)."""
        if self.per_minute <= 0:
            return 0
        capacity = float(self.per_minute)
        cost = min(max(cost, 1), self.per_minute)  # a costly request needs a full bucket
        now = self.clock()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = _Bucket(capacity, now)
                self._evict(now)
            else:
                self._buckets.move_to_end(key)
                refilled = (now - bucket.at) * capacity / 60.0
                bucket.units = min(capacity, bucket.units + refilled)
                bucket.at = now
            if bucket.units + _EPSILON >= cost:
                bucket.units = max(0.0, bucket.units - cost)
                return 0
            return max(1, math.ceil((cost - bucket.units) * 60.0 / capacity - _EPSILON))

    def _evict(self, now: float) -> None:
        """Drop buckets idle for a minute, full again (forgetting them changes nothing),
        then the least recently used beyond ``max_clients``."""
        while self._buckets:
            oldest = next(iter(self._buckets.values()))
            if now - oldest.at < 60.0:
                break
            self._buckets.popitem(last=False)
        while len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)


def address_key(address: str) -> str:
    """The bucket of a client address: an IPv4 address, an IPv6 address's /64 network
    (one host may use any address of it), anything else as given."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return f"a:{address[:100]}"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:  # ::ffff:192.0.2.1 is the IPv4 client 192.0.2.1
            return f"a:{ip.ipv4_mapped}"
        return f"a:{ipaddress.ip_network(f'{ip}/64', strict=False)}"
    return f"a:{ip}"


@dataclass(frozen=True, slots=True)
class Limits:
    """The two budgets of an app: anonymous clients by address, signed-in by account."""

    anonymous: RateLimiter
    signed_in: RateLimiter


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)

_BASE_HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


class SecurityMiddleware:
    """Pure ASGI: security headers on every response, default no-store caching, body limit."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, https: bool) -> None:
        self.app = app
        self.max_body = max_body_bytes
        self.headers = list(_BASE_HEADERS)
        if https:
            self.headers.append((b"strict-transport-security", b"max-age=31536000"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # The API and CDS Hooks answer a declared oversize at once (JSON); pages read up to
        # the limit and then answer with a page (BodyTooLarge -> the app's handler).
        early = scope["path"].startswith(("/api/", "/cds-services"))
        for name, value in scope.get("headers", []) if early else ():
            if name == b"content-length":
                try:
                    too_big = int(value) > self.max_body
                except ValueError:
                    too_big = True
                if too_big:
                    await self._reject(send)
                    return
        received = 0
        cache = b"public, max-age=3600" if scope["path"].startswith("/static/") else b"no-store"

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise BodyTooLarge
            return message

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in self.headers if h[0] not in present)
                if b"cache-control" not in present:
                    headers.append((b"cache-control", cache))
                message["headers"] = headers
            await send(message)

        # A streamed body over the limit raises BodyTooLarge inside the route; the app's
        # exception handler turns it into a 413.
        await self.app(scope, limited_receive, send_with_headers)

    async def _reject(self, send: Send) -> None:
        body = b'{"detail":"request body too large","problems":[]}'
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    *self.headers,
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class BodyTooLarge(Exception):
    """The streamed body went over the limit."""
