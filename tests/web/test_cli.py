"""`thyref user add` and the first-start setup of `thyref serve`."""

from __future__ import annotations

import getpass
import socket
from pathlib import Path
from typing import Any

import pytest
import typer
import uvicorn
from typer.testing import CliRunner

from ports import free_port
from thyref.cli import web_commands
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
    again = runner.invoke(_app(), [*args, "--password", "s3cret-enough", "--lang", "en"])
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
    assert generated.exit_code == 0 and "Mot de passe\u00a0: " in generated.output
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


@pytest.mark.parametrize(
    ("centre", "lang", "said"),
    [
        # 121 characters: the column holds 120 (stored whole on SQLite, a traceback on
        # PostgreSQL)
        ("C" * 121, "en", "the centre name (--centre) must have 1 to 120 characters"),
        ("C" * 121, "fr", "le nom du centre (--centre) doit compter de 1 à 120 caractères"),
        # blank
        ("  ", "en", "the centre name (--centre) must have 1 to 120 characters"),
    ],
)
def test_user_add_refuses_a_centre_name_that_does_not_fit(
    tmp_path: Path, centre: str, lang: str, said: str
) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    args = ["user", "add", "dan", "--centre", centre, "--database", url, "--lang", lang]
    result = CliRunner().invoke(_app(), [*args, "--password", "long-enough"])
    assert result.exit_code == 2, result.output
    assert said in result.output
    db = Database(url)
    db.migrate()
    with db.session() as session:
        assert repo.find_user(session, "dan") is None  # nothing stored
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


# Every command answers in French by default and in English with --lang en (the guide:
# one catalogue, French the default, a no-break space before ":" in French).
@pytest.mark.parametrize(
    ("args", "status", "said"),
    [
        # added: the role code beside the words
        ([], 0, "Utilisateur 'carol' (rôle admin) ajouté au centre 'Nantes'."),
        (["--lang", "en"], 0, "User 'carol' (admin) added to centre 'Nantes'."),
        # the same name again
        (["@again"], 1, "thyref: l'utilisateur 'carol' existe déjà"),
        (["@again", "--lang", "en"], 1, "thyref: user 'carol' already exists"),
        # a role that is neither clinician nor admin
        (["--role", "boss"], 2, "thyref: --role doit valoir clinician ou admin"),
        (["--role", "boss", "-l", "en"], 2, "thyref: --role must be clinician or admin"),
        # a password under 8 characters
        (["--password", "short"], 2, "thyref: le mot de passe doit compter au moins 8 caractères"),
        (
            ["--password", "short", "-l", "en"],
            2,
            "thyref: the password needs at least 8 characters",
        ),
        # a name of 65 characters
        (["@long"], 2, "thyref: l'identifiant doit compter de 1 à 64 caractères"),
        (["@long", "--lang", "en"], 2, "thyref: the username must have 1 to 64 characters"),
        # a generated password, printed with its label
        (["--generate"], 0, "Mot de passe\u00a0: "),
        (["--generate", "--lang", "en"], 0, "Password: "),
    ],
)
def test_user_add_speaks_the_chosen_language(
    tmp_path: Path, args: list[str], status: int, said: str
) -> None:
    url = f"sqlite:///{tmp_path / 'u.db'}"
    runner = CliRunner()
    name = "c" * 65 if "@long" in args else "carol"
    base = ["user", "add", name, "--centre", "Nantes", "--role", "admin", "--database", url]
    if "@again" in args:
        assert runner.invoke(_app(), [*base, "--password", "long-enough"]).exit_code == 0
    options = [a for a in args if not a.startswith("@")]
    if "--password" not in options and "--generate" not in options:
        options += ["--password", "long-enough"]
    result = runner.invoke(_app(), [*base, *options])
    assert result.exit_code == status, result.output
    assert said in result.output, result.output
    # one language per answer: no word of the other one
    english = "--lang" in args or "-l" in args
    other = ("User ", "Password", "must", "needs") if not english else ("Utilisateur", "Mot de")
    assert not any(word in result.output for word in other), result.output


@pytest.mark.parametrize(
    ("lang", "prompts", "said"),
    [
        # French by default: both prompts, then the refusal
        (
            None,
            ["Mot de passe\u00a0: ", "Confirmer le mot de passe\u00a0: "],
            "thyref: les deux mots de passe ne sont pas identiques",
        ),
        ("en", ["Password: ", "Again: "], "thyref: the passwords differ"),  # English
    ],
)
def test_user_add_prompts_in_the_chosen_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str | None, prompts: list[str], said: str
) -> None:
    asked: list[str] = []

    def fake_getpass(prompt: str = "") -> str:
        asked.append(prompt)
        return f"password-{len(asked)}"  # two different answers

    monkeypatch.setattr(getpass, "getpass", fake_getpass)
    monkeypatch.setattr(web_commands, "_has_terminal", lambda: True)  # typed on a terminal
    url = f"sqlite:///{tmp_path / 'u.db'}"
    args = ["user", "add", "dan", "--centre", "X", "--database", url]
    result = CliRunner().invoke(_app(), [*args, *(["--lang", lang] if lang else [])])
    assert result.exit_code == 2
    assert asked == prompts
    assert said in result.output


# Without a terminal (a script, a pipe, `< /dev/null`) the password comes from standard
# input; with nothing there the command says how to give one, as a usage error (exit 2),
# instead of typer's "Interrompu." (exit 1) after getpass met the end of the input.
@pytest.mark.parametrize(
    ("stdin", "lang", "status", "said"),
    [
        # nothing to read: the three ways to give a password, in French by default
        (
            "",
            None,
            2,
            "thyref: un mot de passe est nécessaire et aucun terminal ne permet de le "
            "demander\u00a0: donnez-le avec --password, faites-en créer un avec --generate, "
            "ou envoyez-le sur l'entrée standard",
        ),
        # the same in English
        (
            "",
            "en",
            2,
            "thyref: a password is needed and there is no terminal to ask for it: give it "
            "with --password, have one made with --generate, or send it on standard input",
        ),
        # an empty line is no password either
        ("\n", "en", 2, "a password is needed"),
        # one line: the password
        ("long-enough\n", "en", 0, "User 'dan' (clinician) added"),
        # the same line twice (what a script typing at both prompts sends)
        ("long-enough\nlong-enough\n", "en", 0, "User 'dan' (clinician) added"),
        # two different lines: refused as at the prompts
        ("long-enough\nother-one\n", "en", 2, "thyref: the passwords differ"),
        # a short one: the length rule still holds
        ("short\n", "en", 2, "thyref: the password needs at least 8 characters"),
    ],
)
def test_user_add_reads_the_password_from_stdin_without_a_terminal(
    tmp_path: Path, stdin: str, lang: str | None, status: int, said: str
) -> None:
    url = f"sqlite:///{tmp_path / 'u.db'}"
    args = ["user", "add", "dan", "--centre", "X", "--database", url]
    result = CliRunner().invoke(_app(), [*args, *(["-l", lang] if lang else [])], input=stdin)
    assert result.exit_code == status, result.output
    assert said in result.output, result.output
    assert "Interrompu" not in result.output and "Aborted" not in result.output
    db = Database(url)
    db.migrate()
    with db.session() as session:  # a refusal saves nothing
        assert (repo.find_user(session, "dan") is not None) == (status == 0)
    db.dispose()


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        # French by default
        (
            None,
            [
                "dossiers de démonstration chargés.",
                "Compte clinicien de démonstration\u00a0: identifiant 'demo', mot de passe '",
                "thyref à l'adresse http://127.0.0.1:{port}/ (page patient\u00a0: /patient, "
                "API\u00a0: /api/v1/docs)",
            ],
        ),
        # English with --lang en
        (
            "en",
            [
                "Loaded ",
                "Demo clinician account: username 'demo', password '",
                "thyref on http://127.0.0.1:{port}/ (patient page: /patient, API: /api/v1/docs)",
            ],
        ),
    ],
)
def test_serve_speaks_the_chosen_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str | None, said: list[str]
) -> None:
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: None)  # not actually served
    monkeypatch.delenv("THYREF_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)  # the default database: ./var/thyref.db, demo on
    port = free_port()
    args = ["serve", "--port", str(port), "--workers", "1", *(["--lang", lang] if lang else [])]
    result = CliRunner().invoke(_app(), args)
    assert result.exit_code == 0, result.output
    for words in said:
        assert words.format(port=port) in result.stdout, result.stdout


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        # French by default, a no-break space before ":" and "?"
        (
            None,
            "thyref: impossible d'écouter sur 127.0.0.1:{port}\u00a0: le port est déjà pris "
            "(un autre thyref\u00a0? en choisir un autre avec --port)",
        ),
        (
            "en",
            "thyref: cannot listen on 127.0.0.1:{port}: the port is already in use "
            "(another thyref? choose one with --port)",
        ),
    ],
)
def test_serve_says_a_busy_port_in_the_chosen_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str | None, said: str
) -> None:
    served: list[Any] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.append(app))
    monkeypatch.setenv("THYREF_DATABASE_URL", f"sqlite:///{tmp_path / 'b.db'}")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        args = ["serve", "--host", "127.0.0.1", "--port", str(port), "--no-demo"]
        result = CliRunner().invoke(_app(), [*args, *(["--lang", lang] if lang else [])])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [said.format(port=port)]
    assert result.stdout == "" and served == []


@pytest.mark.parametrize(
    ("variable", "value", "lang", "said"),
    [
        # docs/board.md: the national board meets 1 to 4 times a month
        ("THYREF_NATIONAL_RCP_PER_MONTH", "7", None,
         "THYREF_NATIONAL_RCP_PER_MONTH\u00a0: 7 n'est pas un nombre de 1 à 4"),
        ("THYREF_NATIONAL_RCP_PER_MONTH", "deux", "en",
         "THYREF_NATIONAL_RCP_PER_MONTH: deux is not a number from 1 to 4"),
        # CDS Hooks 2.0: https for production data; http only on this machine
        ("THYREF_CDS_FHIR_SERVERS", "http://ehr.example.org/fhir", "en",
         "THYREF_CDS_FHIR_SERVERS: http://ehr.example.org/fhir must use https"),
        # an issuer -> JWKS object, not a list
        ("THYREF_CDS_ISSUERS", "[1]", None,
         "THYREF_CDS_ISSUERS doit être un objet JSON\u00a0: émetteur -> URL du JWKS"),
        ("THYREF_CDS_ISSUERS", "{", "en", "THYREF_CDS_ISSUERS is not JSON"),
        # issuers without the public URL their tokens' audience names (security13 #9)
        ("THYREF_CDS_ISSUERS", '{"https://ehr.example.org": "https://ehr.example.org/jwks"}',
         "en", "THYREF_CDS_URL must be set when THYREF_CDS_ISSUERS is"),
        # addresses or networks
        ("THYREF_TRUSTED_PROXIES", "banana", "en",
         "THYREF_TRUSTED_PROXIES: banana is not a list of addresses or networks"),
        # requests a minute, a whole number (0: no limit)
        ("THYREF_RATE_LIMIT", "-5", None,
         "THYREF_RATE_LIMIT\u00a0: -5 n'est pas un nombre de demandes par minute"),
        ("THYREF_RATE_LIMIT_SIGNED_IN", "lots", "en",
         "THYREF_RATE_LIMIT_SIGNED_IN: lots is not a number of requests a minute"),
    ],
)  # fmt: skip
def test_serve_refuses_a_bad_setting_before_starting(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
    value: str,
    lang: str | None,
    said: str,
) -> None:
    # a worker would otherwise die on it with a traceback once uvicorn had started
    served: list[Any] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.append(app))
    database = tmp_path / "s.db"
    monkeypatch.setenv("THYREF_DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.setenv(variable, value)
    args = ["serve", "--port", str(free_port()), "--no-demo", *(["--lang", lang] if lang else [])]
    result = CliRunner().invoke(_app(), args)
    assert result.exit_code == 2
    assert said in result.stderr
    assert "Traceback" not in result.output
    assert served == [] and not database.exists()  # nothing started, nothing migrated


def test_a_good_per_month_setting_reaches_the_coordinator_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from thyref.web.settings import WebSettings

    monkeypatch.setenv("THYREF_NATIONAL_RCP_PER_MONTH", " 4 ")
    assert WebSettings(database_url="").national_rcp_per_month == 4
    monkeypatch.setenv("THYREF_NATIONAL_RCP_PER_MONTH", "")
    assert WebSettings(database_url="").national_rcp_per_month is None  # the rules file's
