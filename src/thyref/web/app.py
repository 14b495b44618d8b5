"""The application factory: ``create_app(settings) -> FastAPI``."""

from __future__ import annotations

import contextlib
import logging
import time
import traceback
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.routing import Match

import thyref
from thyref.domain.case import MAX_BYTES
from thyref.domain.messages import Lang, error_text, plural, problem_text
from thyref.domain.messages import text as say
from thyref.errors import CaseFormatError, CaseValidationError
from thyref.storage import (
    AmbiguousCase,
    CaseExists,
    CaseNotFound,
    Database,
    Forbidden,
    StaleVersion,
)
from thyref.web import api, cds_hooks, meetings, pages, patient
from thyref.web.context import (
    TEMPLATES,
    AppState,
    LoginRequired,
    Page,
    TooManyRequests,
    WebError,
)
from thyref.web.plots import PlotCache
from thyref.web.security import (
    ASGIApp,
    BodyTooLarge,
    Limits,
    LoginLimiter,
    Message,
    RateLimiter,
    Receive,
    Scope,
    SecurityMiddleware,
    Send,
)
from thyref.web.settings import WebSettings

log = logging.getLogger("thyref.web")
STATIC = Path(__file__).parent / "static"


class _HttpMiddleware:
    """A pure ASGI middleware of HTTP requests (``http``); other scopes (lifespan) pass."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.http(scope, receive, send)

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


class AccessLog(_HttpMiddleware):
    """Logs method, route template, status and time: never a path value, query or body.

    Also the last line of defence: an unexpected exception is logged by type and place
    only (its message may quote case data) and answered with a bare 500. A client gone
    before its request body arrived is logged as 499 (nginx's "client closed request"),
    with no answer. ``timing``: add a ``Server-Timing`` header (``WebSettings``).
    """

    def __init__(self, app: ASGIApp, timing: bool = False) -> None:
        super().__init__(app)
        self.timing = timing

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        start = time.perf_counter()
        status = 500
        started = False

        async def send_status(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                status = int(message["status"])
                started = True
                if self.timing:
                    elapsed = (time.perf_counter() - start) * 1000
                    message["headers"] = [
                        *message.get("headers", []),
                        (b"server-timing", f"app;dur={elapsed:.1f}".encode()),
                    ]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        except ClientDisconnect:
            status = 499  # nobody is there to read an answer
        except Exception as exc:
            frames = traceback.extract_tb(exc.__traceback__)
            where = " <- ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno}" for f in frames[-4:])
            log.error("unhandled %s in %s (%s)", type(exc).__name__, _route(scope), where)
            if not started:
                await JSONResponse({"detail": "internal error", "problems": []}, 500)(
                    scope, receive, send
                )
        finally:
            elapsed = (time.perf_counter() - start) * 1000
            log.info("%s %s %d %.1fms", scope.get("method"), _route(scope), status, elapsed)


class HeadAsGet(_HttpMiddleware):
    """A HEAD request is answered as the GET of the same URL, without its body (RFC 9110
    section 9.3.2; load balancers and uptime probes send HEAD). ``Allow`` names HEAD
    wherever it names GET. Placed inside ``AccessLog``, which logs the method as sent."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        head = scope["method"] == "HEAD"

        async def send_head(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                message["headers"] = [
                    (name, value + b", HEAD")
                    if name.lower() == b"allow" and b"GET" in value.split(b", ")
                    else (name, value)
                    for name, value in message.get("headers", [])
                ]
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        if not head:
            await self.app(scope, receive, send_head)
            return
        inner = {**scope, "method": "GET"}
        try:
            await self.app(inner, receive, send_head)
        finally:
            if "route" in inner:  # the route template, for the access log
                scope["route"] = inner["route"]


def _route(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path
    raw = str(scope.get("path", ""))
    return "/static/*" if raw.startswith("/static/") else "(unrouted)"


# Paths whose errors are JSON: the API's, and CDS Hooks' (an EHR reads them, never a person)
JSON_PATHS = ("/api/", "/cds-services")


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(JSON_PATHS)


def _html_error(request: Request, status: int, key: str, **values: object) -> Response:
    p = Page(request, None, check=False)
    # a page string (web.*), else a sentence of the engine's messages
    lang = cast(Lang, p.lang)
    message = p.t(key, **values) if p.t.has(key) else say(key, lang, dict(values))
    return p.render("error.html", status=status, message=message, status_code=status)


def asked_lang(request: Request) -> Lang:
    """The language of an API error's ``text`` (its ``message`` is the CLI's English)."""
    return "en" if request.query_params.get("lang") == "en" else "fr"


def _too_many(request: Request, exc: TooManyRequests) -> Response:
    """429 with ``Retry-After``: on the API an error whose problem says the wait in the
    request's ``lang``, elsewhere the error page in the page's language."""
    key = "web.too_many_requests"
    if _is_api(request):
        english = plural(key, exc.wait, "en")
        problem = {
            "path": "",
            "message": english,
            "text": plural(key, exc.wait, asked_lang(request)),
        }
        return api.error_response(429, exc.detail, [problem], retry_after=exc.wait)
    p = Page(request, None, check=False)
    message = p.t.plural("too_many_requests", exc.wait)
    headers = {"Retry-After": str(exc.wait)}
    return p.render("error.html", status=429, headers=headers, message=message, status_code=429)


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _allowed_methods(request: Request) -> str:
    """Every method routed at this path, asked of the router itself (routers included
    into the app are matched lazily, so their routes are not in ``app.routes``)."""
    allowed = []
    for method in _METHODS:
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes):
            allowed.append(method)
    return ", ".join(allowed)


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(WebError)
    async def web_error(request: Request, exc: WebError) -> Response:
        if isinstance(exc, TooManyRequests):
            return _too_many(request, exc)
        if _is_api(request):
            extra = getattr(exc, "extra", {})
            return api.error_response(exc.status, exc.detail or exc.key, **extra)
        if isinstance(exc, LoginRequired):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            url = f"/login?next={quote(target)}"
            if request.headers.get("hx-request"):
                return Response(status_code=204, headers={"HX-Redirect": url})
            return RedirectResponse(url, status_code=303)
        return _html_error(request, exc.status, exc.key)

    @app.exception_handler(CaseValidationError)
    async def invalid_case(request: Request, exc: CaseValidationError) -> Response:
        lang = asked_lang(request)
        problems = [{**p.as_dict(), "text": problem_text(p, lang)} for p in exc.problems]
        return api.error_response(422, "invalid case", problems)

    @app.exception_handler(CaseFormatError)
    async def bad_format(request: Request, exc: CaseFormatError) -> Response:
        text = error_text(exc, asked_lang(request))
        return api.error_response(422, str(exc), [{"path": "", "message": str(exc), "text": text}])

    @app.exception_handler(CaseNotFound)
    async def not_found(request: Request, exc: CaseNotFound) -> Response:
        if not _is_api(request):
            return _html_error(request, 404, "error.not_found")
        return api.error_response(404, "no such case")

    @app.exception_handler(AmbiguousCase)
    async def ambiguous(request: Request, exc: AmbiguousCase) -> Response:
        if not _is_api(request):
            return _html_error(request, 409, "ambiguous_case", refs=", ".join(exc.refs))
        return api.error_response(
            409, "several centres use this case id: name one by its ref", refs=exc.refs
        )

    @app.exception_handler(CaseExists)
    async def exists(request: Request, exc: CaseExists) -> Response:
        return api.error_response(409, "a case with this id already exists")

    @app.exception_handler(StaleVersion)
    async def stale(request: Request, exc: StaleVersion) -> Response:
        return api.error_response(
            409,
            "stale version: the case changed since the version you edited; nothing was stored",
            current_version=exc.current_version,
            updated_by=exc.updated_by,
            updated_at=exc.updated_at.isoformat(),
        )

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        if not _is_api(request):
            return _html_error(request, 403, "error.forbidden")
        return api.error_response(403, str(exc))

    @app.exception_handler(BodyTooLarge)
    async def too_large(request: Request, exc: BodyTooLarge) -> Response:
        if not _is_api(request):
            return _html_error(request, 413, "too_large", limit=MAX_BYTES // 2**20)
        return api.error_response(413, "request body too large")

    @app.exception_handler(RequestValidationError)
    async def request_invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = []
        for error in exc.errors():
            loc = [str(part) for part in error.get("loc", ())]
            path = ".".join(loc[1:]) if len(loc) > 1 else ".".join(loc)
            problems.append({"path": path, "message": str(error.get("msg", "invalid"))})
        if not _is_api(request):
            if any(error.get("loc", ("",))[0] == "path" for error in exc.errors()):
                # e.g. a version number no version can have: that page does not exist
                return _html_error(request, 404, "error.not_found")
            fields = ", ".join(p["path"] for p in problems)
            return _html_error(request, 422, "bad_request", fields=fields)
        return api.error_response(422, "invalid request", problems)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = _allowed_methods(request)
        if _is_api(request) and exc.status_code == 400:
            # FastAPI's answer to a body it cannot decode: the API says 422 for bad input
            response: Response = api.error_response(422, "request body is not valid JSON")
        elif _is_api(request):
            response = api.error_response(exc.status_code, str(exc.detail))
        else:
            key = "error.not_found" if exc.status_code == 404 else "error.title"
            response = _html_error(request, exc.status_code, key)
        response.headers.update(headers)  # e.g. Allow on 405
        return response


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """On shutdown: close the CDS Hooks HTTP client (if one was opened) and release the
    database connections."""
    yield
    client = getattr(app.state, "cds_client", None)
    if client is not None:
        await client.aclose()
    app.state.thyref.db.dispose()


def create_app(settings: WebSettings | None = None) -> FastAPI:
    """The whole application on one database (migrated unless ``settings.migrate`` is off)."""
    settings = settings or WebSettings()
    db = Database(settings.database_url)
    if settings.migrate:
        db.migrate()
    app = FastAPI(
        title="thyref API",
        version=thyref.__version__,
        description=(
            "Decision support for refractory thyroid cancer: stateless assessment, cases "
            "with versions, patient questions. Cases use the `thyref-case/1` format."
        ),
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=_lifespan,
    )
    templates = Jinja2Templates(directory=str(TEMPLATES))
    templates.env.globals["app_version"] = thyref.__version__
    app.state.thyref = AppState(
        settings=settings,
        db=db,
        templates=templates,
        limiter=LoginLimiter(
            db,
            settings.login_max_failures,
            settings.login_max_failures_per_ip,
            settings.login_window_seconds,
        ),
        plots=PlotCache(),
        rate=Limits(RateLimiter(settings.rate_limit), RateLimiter(settings.rate_limit_signed_in)),
    )
    _install_handlers(app)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    # CDS Hooks first: EHR calls are the latency-critical ones and their paths
    # (/cds-services/...) meet no other route, so matching them stops here
    app.include_router(cds_hooks.router)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(patient.router)
    meetings.install(app)
    app.include_router(apidocs_router())
    app.add_middleware(HeadAsGet)
    app.add_middleware(AccessLog, timing=settings.server_timing)
    app.add_middleware(
        SecurityMiddleware, max_body_bytes=settings.max_body_bytes, https=settings.https
    )
    return app


def apidocs_router() -> Any:
    from fastapi import APIRouter, Depends

    from thyref.web.context import page

    router = APIRouter(include_in_schema=False)

    @router.get("/api/v1/docs")
    def apidocs(p: Page = Depends(page)) -> HTMLResponse:
        schema = p.request.app.openapi()
        operations = []
        for path, methods in schema.get("paths", {}).items():
            for method, op in methods.items():
                operations.append({"path": path, "method": method.upper(), **op})
        return p.render("apidocs.html", operations=operations, schema=schema)

    return router
