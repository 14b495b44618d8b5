"""`thyref user add` and the first-start setup of `thyref serve`."""

from __future__ import annotations

from pathlib import Path

import typer
from typer.testing import CliRunner

from thyref.cli.web_commands import register
from thyref.storage import Database
from thyref.storage import repository as repo
from thyref.web.bootstrap import ensure_demo
from thyref.web.security import verify_password


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """thyref"""

    register(app)
    return app


def test_user_add(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'u.db'}"
    runner = CliRunner()
    args = ["user", "add", "carol", "--centre", "Nantes", "--role", "admin", "--database", url]
    result = runner.invoke(_app(), [*args, "--password", "s3cret-enough"])
    assert result.exit_code == 0, result.output
    again = runner.invoke(_app(), [*args, "--password", "s3cret-enough"])
    assert again.exit_code == 1 and "already exists" in again.output
    bad_role = runner.invoke(
        _app(),
        [
            "user",
            "add",
            "dan",
            "--centre",
            "X",
            "--role",
            "boss",
            "--database",
            url,
            "--password",
            "long-enough",
        ],
    )
    assert bad_role.exit_code == 2
    short = runner.invoke(
        _app(), ["user", "add", "dan", "--centre", "X", "--database", url, "--password", "short"]
    )
    assert short.exit_code == 2
    generated = runner.invoke(
        _app(), ["user", "add", "erin", "--centre", "Nantes", "--generate", "--database", url]
    )
    assert generated.exit_code == 0 and "Password: " in generated.output
    db = Database(url)
    with db.session() as session:
        found = repo.find_user(session, "carol")
        assert found is not None
        actor, password_hash = found
        assert actor.role == "admin" and actor.centre_name == "Nantes"
        assert password_hash.startswith("$argon2") and verify_password(
            password_hash, "s3cret-enough"
        )
    db.dispose()


def test_demo_setup_loads_cases_once_and_renews_the_password(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'd.db'}")
    db.migrate()
    first = ensure_demo(db)
    assert first.cases_loaded >= 3
    second = ensure_demo(db)
    assert second.cases_loaded == 0 and second.password != first.password
    with db.session() as session:
        found = repo.find_user(session, "demo")
        assert found is not None and verify_password(found[1], second.password)
        assert len(repo.list_cases(session, found[0])) == first.cases_loaded
    db.dispose()
