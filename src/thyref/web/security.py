"""Passwords, login rate limiting, CSRF tokens and the security-headers middleware."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, select

from thyref.storage import Database
from thyref.storage.models import LoginFailure

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SESSION_COOKIE = "thyref_session"
ANON_COOKIE = "thyref_anon"
LANG_COOKIE = "thyref_lang"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

_hasher = PasswordHasher()
# Verified when the user does not exist, so both paths cost the same.
_DUMMY_HASH = _hasher.hash("thyref-no-such-user")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


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


class LoginLimiter:
    """Failed sign-ins per username and per client address, in a sliding window.

    Kept in the database (table ``login_failures``), so that the limit holds across the
    worker processes of ``thyref serve``.
    """

    def __init__(
        self, db: Database, max_per_user: int, max_per_ip: int, window_seconds: float
    ) -> None:
        self.db = db
        self.max_per_user = max_per_user
        self.max_per_ip = max_per_ip
        self.window = window_seconds

    @staticmethod
    def _keys(username: str, ip: str) -> tuple[str, str]:
        return f"u:{username.lower()[:150]}", f"i:{ip[:150]}"

    def retry_after(self, username: str, ip: str) -> int:
        """Seconds to wait before another attempt (0 = allowed)."""
        now = time.time()
        wait = 0.0
        user_key, ip_key = self._keys(username, ip)
        with self.db.session() as session:
            for key, limit in ((user_key, self.max_per_user), (ip_key, self.max_per_ip)):
                times = session.scalars(
                    select(LoginFailure.at)
                    .where(LoginFailure.key == key, LoginFailure.at > now - self.window)
                    .order_by(LoginFailure.at)
                ).all()
                if len(times) >= limit:
                    wait = max(wait, times[0] + self.window - now)
        return int(wait) + 1 if wait > 0 else 0

    def failed(self, username: str, ip: str) -> None:
        now = time.time()
        with self.db.session() as session:
            session.execute(delete(LoginFailure).where(LoginFailure.at <= now - self.window))
            session.add_all([LoginFailure(key=key, at=now) for key in self._keys(username, ip)])

    def succeeded(self, username: str) -> None:
        user_key = self._keys(username, "")[0]
        with self.db.session() as session:
            session.execute(delete(LoginFailure).where(LoginFailure.key == user_key))


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
        for name, value in scope.get("headers", []):
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
