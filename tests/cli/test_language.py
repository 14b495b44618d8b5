"""The language a command line asks for, read before it is parsed (``lang_in``), and the
language of the help pages (``help_lang``): ``--lang`` first, then ``THYREF_LANG``, then
French (the guide: French by default; the brief: ``--lang`` wins over the variable)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from thyref.cli.helptext import help_lang
from thyref.cli.language import lang_in
from thyref.cli.main import LangEnvError, _fast_arguments, app, env_lang
from thyref.demo import demo_cases


@pytest.mark.parametrize(
    ("argv", "lang"),
    [
        (["assess", "c.json", "--lang", "en"], "en"),  # the long option, value apart
        (["assess", "-l", "en", "c.json"], "en"),  # the short option, before the path
        (["assess", "c.json", "--lang=en"], "en"),  # the long option with "="
        (["assess", "c.json", "-len"], "en"),  # the short option, value glued (click reads it)
        (["validate", "c.json", "--lang", "fr"], "fr"),  # French asked for explicitly
        (["-l", "en", "validate", "c.json", "-l", "fr"], "fr"),  # the last one counts
        (["assess", "c.json"], None),  # no option: nothing asked
        (["assess", "c.json", "--lang", "de"], None),  # not a language of the catalogue
        (["assess", "c.json", "--lang"], None),  # the option without its value
        (["ask", "--", "--lang", "en"], None),  # after "--" words are arguments
        (["ask", "--lang en"], None),  # one argument that merely reads like the option
        (["assess", "--language", "en"], None),  # another option's name
        (["assess", "c.json", "-f", "json"], None),  # another short option
    ],
)
def test_lang_in_reads_the_asked_language(argv: list[str], lang: str | None) -> None:
    assert lang_in(argv) == lang


@pytest.mark.parametrize(
    ("argv", "environ", "lang"),
    [
        ([], {}, "fr"),  # nothing said: French, the default
        (["--help"], {"THYREF_LANG": "en"}, "en"),  # the variable
        (["--help"], {"THYREF_LANG": " EN "}, "en"),  # the variable, as a person types it
        (["--help"], {"THYREF_LANG": "de"}, "fr"),  # an unknown language: its error in French
        (["--help"], {"THYREF_LANG": ""}, "fr"),  # set but empty: the default
        (["-l", "fr", "--help"], {"THYREF_LANG": "en"}, "fr"),  # --lang wins over the variable
        (["--help", "--lang=en"], {"THYREF_LANG": "fr"}, "en"),  # both ways round
    ],
)
def test_help_lang_prefers_the_option_then_the_variable(
    argv: list[str], environ: dict[str, str], lang: str
) -> None:
    assert help_lang(argv, environ) == lang


@pytest.mark.parametrize(
    ("environ", "lang"),
    [
        ({}, None),  # unset: no default asked
        ({"THYREF_LANG": ""}, None),  # set but empty: as unset
        ({"THYREF_LANG": "en"}, "en"),  # English
        ({"THYREF_LANG": " FR "}, "fr"),  # French, as a person may type it
    ],
)
def test_env_lang_reads_the_variable(environ: dict[str, str], lang: str | None) -> None:
    assert env_lang(environ) == lang


@pytest.mark.parametrize("value", ["de", "english", "en_GB.UTF-8", "fr,en"])
def test_env_lang_refuses_an_unknown_language(value: str) -> None:
    # the brief: "an unknown value gives a clear error naming THYREF_LANG"
    with pytest.raises(LangEnvError) as caught:
        env_lang({"THYREF_LANG": value})
    assert caught.value.value == value


def _said(args: list[str], env: dict[str, str | None], tmp_path: Path) -> tuple[int, str]:
    case = tmp_path / "case.json"
    case.write_text(json.dumps(demo_cases()[0]), encoding="utf-8")
    args = [str(case) if a == "CASE" else a for a in args]
    done = CliRunner().invoke(app, args, env={"COLUMNS": "300", **env})
    return done.exit_code, " ".join(done.output.split())


@pytest.mark.parametrize(
    ("args", "env", "status", "said"),
    [
        (["validate", "CASE"], {"THYREF_LANG": "en"}, 0, "valid case"),
        # the variable is the command's default
        (["validate", "CASE", "-l", "fr"], {"THYREF_LANG": "en"}, 0, "dossier valide"),
        # the command's --lang wins
        (["-l", "fr", "validate", "CASE"], {"THYREF_LANG": "en"}, 0, "dossier valide"),
        # the app's --lang wins too
        (["fhir", "import", "CASE"], {"THYREF_LANG": "en"}, 2, "not FHIR"),
        # two levels down (a group's command)
        (["fhir", "-l", "fr", "import", "CASE"], {"THYREF_LANG": "en"}, 2, "pas du FHIR"),
        # the group's --lang wins
        (["validate", "CASE"], {"THYREF_LANG": None}, 0, "dossier valide"),
        # neither: French
        (["validate", "CASE"], {"THYREF_LANG": "de"}, 2, "THYREF_LANG vaut 'de'"),
        # an unknown language: an error naming the variable, in French (the default)
        (["validate", "CASE", "-l", "en"], {"THYREF_LANG": "de"}, 2, "THYREF_LANG is 'de'"),
        # the same error in English when --lang asks for it
        (["--help"], {"THYREF_LANG": "de"}, 2, "THYREF_LANG vaut 'de'"),
        # help pages too: every command reads the variable
        (["--version"], {"THYREF_LANG": None}, 0, "(règles tuthyref-2021)"),
        # the version line, French by default
        (["--version"], {"THYREF_LANG": "en"}, 0, "(rules tuthyref-2021)"),
        # in English from the variable
        (["--version", "-l", "en"], {"THYREF_LANG": "fr"}, 0, "(rules tuthyref-2021)"),
        # in English from --lang, read although --version is eager
    ],
)  # fmt: skip
def test_thyref_lang_is_every_commands_default(
    tmp_path: Path, args: list[str], env: dict[str, str | None], status: int, said: str
) -> None:
    done_status, output = _said(args, env, tmp_path)
    assert done_status == status, output
    assert said in output, output
    assert "Traceback" not in output


@pytest.mark.parametrize(
    ("argv", "environ", "lang"),
    [
        (["assess", "c.json"], {}, "fr"),  # neither: French
        (["assess", "c.json"], {"THYREF_LANG": "en"}, "en"),  # the variable
        (["assess", "c.json", "-l", "fr"], {"THYREF_LANG": "en"}, "fr"),  # --lang wins
    ],
)
def test_the_fast_path_reads_the_variable(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], environ: dict[str, str], lang: str
) -> None:
    monkeypatch.delenv("THYREF_LANG", raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    found = _fast_arguments(argv)
    assert found is not None and found["lang"] == lang


def test_the_fast_path_leaves_a_bad_variable_to_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    # the full app says what is wrong with it (exit 2); the fast path must not guess
    monkeypatch.setenv("THYREF_LANG", "de")
    assert _fast_arguments(["assess", "c.json", "-l", "en"]) is None
