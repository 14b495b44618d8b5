"""`thyref serve` and `thyref user`: the web application commands (filled in by issue 4)."""

from __future__ import annotations

import getpass
import secrets
import sys
from typing import Annotated, NoReturn

import typer

from thyref.cli.language import LangOption, Language, group_lang, lang_of
from thyref.domain.messages import Lang, text

# Connections (open, keep-alive included) and tasks per worker beyond which uvicorn
# answers 503: a flood of slow clients cannot hold every worker (docs/web.md).
DEFAULT_LIMIT_CONCURRENCY = 200

# Bounds of `thyref user add`: a login name of 1 to 64 characters, a password of 8 or more.
USERNAME_MAX = 64
CENTRE_MAX = 120  # the centres.name column
PASSWORD_MIN = 8
PASSWORD_READ = 4096  # characters read from a line of standard input, at most

user_app = typer.Typer(help="cli.help.user", no_args_is_help=True, callback=group_lang)


def register(app: typer.Typer) -> None:
    """Add the web application commands to the main app."""
    app.command("serve", help="cli.help.serve")(serve)
    app.add_typer(user_app, name="user")


def serve(
    host: Annotated[
        str, typer.Option(metavar="cli.help.metavar.host", help="cli.help.serve.host")
    ] = "127.0.0.1",
    port: Annotated[
        int,
        typer.Option(min=1, max=65535, metavar="cli.help.metavar.port", help="cli.help.serve.port"),
    ] = 8000,
    database: Annotated[
        str | None,
        typer.Option("--database", metavar="cli.help.metavar.url", help="cli.help.serve.database"),
    ] = None,
    demo: Annotated[
        bool | None,
        typer.Option("--demo/--no-demo", help="cli.help.serve.demo"),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(min=1, max=16, metavar="cli.help.metavar.n", help="cli.help.serve.workers"),
    ] = None,
    limit_concurrency: Annotated[
        int,
        typer.Option(
            min=1,
            envvar="THYREF_LIMIT_CONCURRENCY",
            metavar="cli.help.metavar.n",
            help="cli.help.serve.limit_concurrency",
        ),
    ] = DEFAULT_LIMIT_CONCURRENCY,
    lang: LangOption = Language.fr,
) -> None:
    """Run the web application (migrates the database first)."""
    import os

    import uvicorn

    from thyref.storage import Database, database_url
    from thyref.web.bootstrap import ensure_demo
    from thyref.web.server import log_config
    from thyref.web.settings import SettingError, WebSettings

    language = lang_of(lang)
    busy = _port_problem(host, port, language)  # before anything is printed or migrated
    if busy:
        _fail("cli.serve.cannot_listen", language, 1, address=f"{host}:{port}", reason=busy)
    try:  # the settings every worker reads from the environment, checked once here
        WebSettings(database_url="")
    except SettingError as exc:
        _fail("cli.serve.bad_setting", language, 2, said=text(f"settings.{exc.key}", language,
              exc.params))  # fmt: skip
    url = database_url(database)
    explicit = database is not None or bool(os.environ.get("THYREF_DATABASE_URL"))
    db = Database(url)
    db.migrate()
    if demo if demo is not None else not explicit:
        account = ensure_demo(db)
        if account.cases_loaded:
            typer.echo(text("cli.serve.demo_loaded", language, {"count": account.cases_loaded}))
        said = {"username": repr(account.username), "password": repr(account.password)}
        typer.echo(text("cli.serve.demo_account", language, said))
    db.dispose()
    os.environ["THYREF_DATABASE_URL"] = url
    # One secret for every worker, so CSRF tokens of the sign-in form stay valid.
    os.environ.setdefault("THYREF_SECRET_KEY", secrets.token_urlsafe(32))
    typer.echo(text("cli.serve.listening", language, {"url": f"http://{host}:{port}/"}))
    if workers is None:
        workers = max(1, min(4, os.cpu_count() or 1))
    uvicorn.run(
        "thyref.web.server:app",
        host=host,
        port=port,
        workers=workers,
        factory=True,
        access_log=False,  # our own access log names routes, never case ids or queries
        log_config=log_config(),  # applied in every worker process
        log_level="info",
        proxy_headers=False,  # THYREF_TRUSTED_PROXIES decides whom to believe (docs/web.md)
        server_header=False,  # no "server: uvicorn" on every response
        limit_concurrency=limit_concurrency,
    )


def _fail(key: str, lang: Lang, status: int, **params: object) -> NoReturn:
    """Stop with the catalogue's sentence ``key`` on stderr, in ``lang``."""
    typer.echo("thyref: " + text(key, lang, params or None), err=True)
    raise typer.Exit(status)


def _port_problem(host: str, port: int, lang: Lang = "fr") -> str | None:
    """Why ``host:port`` cannot be listened on (busy, not an address here), in ``lang``,
    or None. The system's own reason (``strerror``) is quoted as it comes."""
    import errno
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        return text("cli.serve.unknown_host", lang, {"reason": exc.strerror})
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return text("cli.serve.port_in_use", lang)
            return exc.strerror or str(exc)
    return None


def _has_terminal() -> bool:
    """Whether the password can be asked on a terminal (standard input is one)."""
    return sys.stdin.isatty()


def _asked_password(lang: Lang) -> str:
    """The password of ``thyref user add`` without ``--password`` or ``--generate``: typed
    twice on a terminal, else read from standard input (one line, or the same line twice:
    ``printf 'p\\np\\n' | thyref user add ...``). Nothing to read (no terminal, empty
    input) stops the command with the ways to give one, exit 2: a usage error."""
    if _has_terminal():
        password = getpass.getpass(text("cli.user.password_prompt", lang))
        if password != getpass.getpass(text("cli.user.password_again", lang)):
            _fail("cli.user.passwords_differ", lang, 2)
        return password
    first, again = (sys.stdin.readline(PASSWORD_READ).rstrip("\r\n") for _ in range(2))
    if not first:
        _fail("cli.user.password_needed", lang, 2)
    if again and again != first:
        _fail("cli.user.passwords_differ", lang, 2)
    return first


@user_app.command("add", help="cli.help.user.add")
def user_add(
    username: Annotated[
        str, typer.Argument(metavar="cli.help.metavar.username", help="cli.help.user.add.username")
    ],
    centre: Annotated[
        str,
        typer.Option(
            "--centre", metavar="cli.help.metavar.centre", help="cli.help.user.add.centre"
        ),
    ],
    role: Annotated[
        str, typer.Option("--role", metavar="cli.help.metavar.role", help="cli.help.user.add.role")
    ] = "clinician",
    password: Annotated[
        str | None,
        typer.Option(metavar="cli.help.metavar.password", help="cli.help.user.add.password"),
    ] = None,
    generate: Annotated[
        bool, typer.Option("--generate", help="cli.help.user.add.generate")
    ] = False,
    database: Annotated[
        str | None,
        typer.Option(
            "--database", metavar="cli.help.metavar.url", help="cli.help.user.add.database"
        ),
    ] = None,
    lang: LangOption = Language.fr,
) -> None:
    """Create a user in a centre, with the clinician or admin role."""
    from thyref.storage import Database, UserExists, database_url
    from thyref.storage import repository as repo
    from thyref.web.security import hash_password

    language = lang_of(lang)
    if role not in ("clinician", "admin"):
        _fail("cli.user.bad_role", language, 2)
    if not username.strip() or len(username) > USERNAME_MAX:
        _fail("cli.user.bad_username", language, 2, max=USERNAME_MAX)
    if not centre.strip() or len(centre) > CENTRE_MAX:  # was stored whole, or a traceback
        _fail("cli.user.bad_centre", language, 2, max=CENTRE_MAX)
    if generate:
        password = secrets.token_urlsafe(12)
    elif password is None:
        password = _asked_password(language)
    if len(password) < PASSWORD_MIN:
        _fail("cli.user.password_short", language, 2, min=PASSWORD_MIN)
    db = Database(database_url(database))
    db.migrate()
    try:
        with db.session() as session:
            repo.add_user(session, username.strip(), hash_password(password), role, centre)
    except UserExists:
        _fail("cli.user.exists", language, 1, username=repr(username))
    finally:
        db.dispose()
    added = {"username": repr(username), "role": role, "centre": repr(centre)}
    typer.echo(text("cli.user.added", language, added))
    if generate:
        typer.echo(text("cli.user.password_shown", language, {"password": password}))
