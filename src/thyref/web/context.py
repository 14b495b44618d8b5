"""Per-request context: language, signed-in user, CSRF, template rendering, HTTP errors."""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData

from thyref.domain.messages import number
from thyref.storage import Database
from thyref.storage import repository as repo
from thyref.web.i18n import DEFAULT_LANG, Translator, normalise_lang
from thyref.web.plots import PlotCache
from thyref.web.security import (
    ANON_COOKIE,
    BODY_UNIT,
    CSRF_FIELD,
    CSRF_HEADER,
    LANG_COOKIE,
    SESSION_COOKIE,
    Limits,
    LoginLimiter,
    address_key,
    anon_csrf_token,
    request_address,
    tokens_match,
)
from thyref.web.settings import WebSettings

log = logging.getLogger("thyref.web")
TEMPLATES = Path(__file__).parent / "templates"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class WebError(Exception):
    """An error page with a status (HTML) or a JSON error (API)."""

    status = 400
    key = "error.title"

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(WebError):
    status = 404
    key = "error.not_found"


class ForbiddenAction(WebError):
    status = 403
    key = "error.forbidden"


class CsrfFailed(WebError):
    status = 403
    key = "error.csrf"


class LoginRequired(WebError):
    status = 401
    key = "login.required"


class TooManyRequests(WebError):
    """The client spent its budget: 429 with ``Retry-After`` (JSON on the API, a page
    elsewhere), the wait said in the reader's language."""

    status = 429
    key = "too_many_requests"

    def __init__(self, wait: int) -> None:
        super().__init__("too many requests")
        self.wait = wait


@dataclass
class AppState:
    settings: WebSettings
    db: Database
    templates: Jinja2Templates
    limiter: LoginLimiter
    plots: PlotCache
    rate: Limits  # budgets of the public requests that cost CPU (``charge``)


@dataclass(frozen=True, slots=True)
class Auth:
    actor: repo.Actor
    csrf: str
    token: str
    via: str  # "cookie" or "bearer"


def app_state(request: Request) -> AppState:
    return cast(AppState, request.app.state.thyref)


def request_lang(request: Request) -> str:
    return (
        normalise_lang(request.query_params.get("lang"))
        or normalise_lang(request.cookies.get(LANG_COOKIE))
        or DEFAULT_LANG
    )


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def cookie_auth(request: Request) -> Auth | None:
    """The web session of this request (looked up once per request)."""
    if hasattr(request.state, "auth"):
        return cast(Auth | None, request.state.auth)
    auth: Auth | None = None
    token = request.cookies.get(SESSION_COOKIE)
    if token and len(token) < 200:
        with app_state(request).db.session() as db:
            found = repo.session_user(db, token, "web")
        if found is not None:
            auth = Auth(found[0], found[1], token, "cookie")
    request.state.auth = auth
    return auth


async def posted_form(request: Request) -> FormData | None:
    """The form of an unsafe request (cached by Starlette), read before the sync handler."""
    if request.method not in UNSAFE:
        return None
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        # Parts up to the body limit (a pasted 5 MB case; Starlette's default is 1 MB) and
        # enough fields for the editor of the largest case the rules' [limits] allow.
        limit = app_state(request).settings.max_body_bytes
        return await request.form(max_files=2, max_fields=12_000, max_part_size=limit)
    return FormData()


class Page:
    """What an HTML handler needs: language, user, CSRF token, rendering."""

    def __init__(self, request: Request, form: FormData | None, *, check: bool = True) -> None:
        self.request = request
        self.state = app_state(request)
        self.lang = request_lang(request)
        self.t = Translator(self.lang)
        try:
            self.auth = cookie_auth(request)
        except Exception:
            if check:
                raise
            self.auth = None  # rendering an error page: the database may be the problem
        self.form = form if form is not None else FormData()
        self._new_anon: str | None = None
        anon = request.cookies.get(ANON_COOKIE, "")
        if self.auth is None and not (8 <= len(anon) <= 64):
            anon = self._new_anon = secrets.token_urlsafe(24)
        self.anon = anon
        if check and request.method in UNSAFE:
            given = self.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
            if not tokens_match(self.csrf, given if isinstance(given, str) else None):
                raise CsrfFailed()

    @property
    def actor(self) -> repo.Actor:
        if self.auth is None:
            raise LoginRequired()
        return self.auth.actor

    @property
    def csrf(self) -> str:
        if self.auth is not None:
            return self.auth.csrf
        return anon_csrf_token(self.state.settings.secret_key, self.anon)

    def num(self, value: object, none: str = "—") -> str:
        """A number the reader's way (``12,5`` in French); ``none`` when there is none."""
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            return none if value is None or value == "" else str(value)
        return number(value, "en" if self.lang == "en" else "fr")

    def field(self, name: str) -> str:
        value = self.form.get(name)
        return value if isinstance(value, str) else ""

    def render(
        self,
        template: str,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        **context: Any,
    ) -> HTMLResponse:
        context.update(
            request=self.request,
            t=self.t,
            lang=self.lang,
            auth=self.auth,
            user=self.auth.actor if self.auth else None,
            csrf=self.csrf,
            lang_url=_relative(self.request, "en" if self.lang == "fr" else "fr"),
            fmt_dt=fmt_datetime,
            json_attr=lambda obj: json.dumps(obj, ensure_ascii=False),
            num=self.num,
        )
        response = self.state.templates.TemplateResponse(
            self.request, template, context, status_code=status, headers=dict(headers or {})
        )
        self.finish(response)
        return cast(HTMLResponse, response)

    def finish(self, response: Any) -> None:
        """Cookies every HTML response may carry: language choice, anonymous CSRF seed."""
        secure = self.state.settings.https
        if "lang" in self.request.query_params:
            response.set_cookie(
                LANG_COOKIE,
                self.lang,
                max_age=365 * 86400,
                samesite="lax",
                secure=secure,
                httponly=True,
            )
        if self._new_anon is not None:
            response.set_cookie(
                ANON_COOKIE, self._new_anon, samesite="strict", secure=secure, httponly=True
            )


def _relative(request: Request, lang: str) -> str:
    url = request.url.include_query_params(lang=lang)
    return f"{url.path}?{url.query}" if url.query else url.path


def fmt_datetime(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if value else ""


def page(request: Request, form: FormData | None = Depends(posted_form)) -> Page:
    """Any HTML page (public or not); checks the CSRF token of unsafe requests."""
    return Page(request, form)


def clinician_page(p: Page = Depends(page)) -> Page:
    """A page for signed-in users only."""
    if p.auth is None:
        raise LoginRequired()
    return p


def admin_page(p: Page = Depends(clinician_page)) -> Page:
    if not p.actor.is_admin:
        raise ForbiddenAction()
    return p


def _signed_in(request: Request) -> repo.Actor | None:
    """The account of an API token or a web session sent with the request, if valid (an
    invalid token makes the request anonymous: these endpoints need none)."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and 0 < len(token.strip()) < 200:
        with app_state(request).db.session() as db:
            found = repo.session_user(db, token.strip(), "api")
        if found is not None:
            return found[0]
    auth = cookie_auth(request)
    return auth.actor if auth is not None else None


def charge(request: Request, body_bytes: int = 0) -> None:
    """Spend one request (and its body) of this client's budget, or raise
    ``TooManyRequests``."""
    state = app_state(request)
    limits: Limits = state.rate
    if limits.anonymous.per_minute <= 0 and limits.signed_in.per_minute <= 0:
        return  # switched off: not even the session is looked up
    cost = 1 + body_bytes // BODY_UNIT
    actor = _signed_in(request)
    if actor is not None:
        wait = limits.signed_in.take(f"u:{actor.user_id}", cost)
    else:
        trusted = state.settings.trusted_proxies
        address = request_address(request, trusted)
        if address is None:  # a trusted proxy that names no client: its own address
            peer = request.client.host if request.client else "unknown"
            address = f"proxy {peer}"
        wait = limits.anonymous.take(address_key(address), cost)
    if wait:
        raise TooManyRequests(wait)
