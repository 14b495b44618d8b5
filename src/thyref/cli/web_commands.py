"""`thyref serve` and `thyref user`: the web application commands (filled in by issue 4)."""

from __future__ import annotations

import getpass
import secrets
from typing import Annotated

import typer

# Connections (open, keep-alive included) and tasks per worker beyond which uvicorn
# answers 503: a flood of slow clients cannot hold every worker (docs/web.md).
DEFAULT_LIMIT_CONCURRENCY = 200

user_app = typer.Typer(help="Manage user accounts of the web application.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the web application commands to the main app."""
    app.command("serve")(serve)
    app.add_typer(user_app, name="user")


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    database: Annotated[
        str | None,
        typer.Option(
            "--database",
            help="Database URL (default: THYREF_DATABASE_URL, else sqlite:///./var/thyref.db).",
        ),
    ] = None,
    demo: Annotated[
        bool | None,
        typer.Option(
            "--demo/--no-demo",
            help="Load demo cases into an empty database and print a demo clinician account "
            "(default: on for the default SQLite database).",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(min=1, max=16, help="Worker processes (default: one per core, at most 4)."),
    ] = None,
    limit_concurrency: Annotated[
        int,
        typer.Option(
            min=1,
            envvar="THYREF_LIMIT_CONCURRENCY",
            help="Connections per worker beyond which new requests get 503.",
        ),
    ] = DEFAULT_LIMIT_CONCURRENCY,
) -> None:
    """Run the web application (migrates the database first)."""
    import os

    import uvicorn

    from thyref.storage import Database, database_url
    from thyref.web.bootstrap import ensure_demo
    from thyref.web.server import log_config

    busy = _port_problem(host, port)  # before anything is printed or migrated
    if busy:
        typer.echo(f"error: cannot listen on {host}:{port}: {busy}", err=True)
        raise typer.Exit(1)
    url = database_url(database)
    explicit = database is not None or bool(os.environ.get("THYREF_DATABASE_URL"))
    db = Database(url)
    db.migrate()
    if demo if demo is not None else not explicit:
        account = ensure_demo(db)
        if account.cases_loaded:
            typer.echo(f"Loaded {account.cases_loaded} demo cases.")
        typer.echo(
            f"Demo clinician account: username {account.username!r}, "
            f"password {account.password!r} (new at each start)."
        )
    db.dispose()
    os.environ["THYREF_DATABASE_URL"] = url
    # One secret for every worker, so CSRF tokens of the sign-in form stay valid.
    os.environ.setdefault("THYREF_SECRET_KEY", secrets.token_urlsafe(32))
    typer.echo(f"thyref on http://{host}:{port}/ (patient page: /patient, API: /api/v1/docs)")
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


def _port_problem(host: str, port: int) -> str | None:
    """Why ``host:port`` cannot be listened on (busy, not an address here), or None."""
    import errno
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        return f"unknown host ({exc.strerror})"
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return "the port is already in use (another thyref? choose one with --port)"
            return exc.strerror or str(exc)
    return None


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="Login name.")],
    centre: Annotated[str, typer.Option("--centre", help="The user's centre (created if new).")],
    role: Annotated[str, typer.Option("--role", help="clinician or admin.")] = "clinician",
    password: Annotated[
        str | None,
        typer.Option(help="Password (prompted when omitted; --generate makes one)."),
    ] = None,
    generate: Annotated[
        bool, typer.Option("--generate", help="Generate and print a password.")
    ] = False,
    database: Annotated[str | None, typer.Option("--database", help="Database URL.")] = None,
) -> None:
    """Create a user in a centre, with the clinician or admin role."""
    from thyref.storage import Database, UserExists, database_url
    from thyref.storage import repository as repo
    from thyref.web.security import hash_password

    if role not in ("clinician", "admin"):
        typer.echo("error: --role must be clinician or admin", err=True)
        raise typer.Exit(2)
    if not username.strip() or len(username) > 64:
        typer.echo("error: the username must have 1 to 64 characters", err=True)
        raise typer.Exit(2)
    if generate:
        password = secrets.token_urlsafe(12)
    elif password is None:
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Again: "):
            typer.echo("error: the passwords differ", err=True)
            raise typer.Exit(2)
    if len(password) < 8:
        typer.echo("error: the password needs at least 8 characters", err=True)
        raise typer.Exit(2)
    db = Database(database_url(database))
    db.migrate()
    try:
        with db.session() as session:
            repo.add_user(session, username.strip(), hash_password(password), role, centre)
    except UserExists:
        typer.echo(f"error: user {username!r} already exists", err=True)
        raise typer.Exit(1) from None
    finally:
        db.dispose()
    typer.echo(f"User {username!r} ({role}) added to centre {centre!r}.")
    if generate:
        typer.echo(f"Password: {password}")
