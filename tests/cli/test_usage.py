"""Usage errors said from the catalogue (``thyref.cli.usage``): French by default, English
with ``--lang en`` or ``THYREF_LANG=en``; parameter names and allowed values verbatim;
exit status 2, no traceback.

The brief: "make them come from the catalogue in French by default and English with
--lang en/THYREF_LANG=en, keeping the parameter names and the allowed values verbatim,
exit code 2, no traceback. Cover every UsageError subclass typer can raise". The English
sentences each case must not show in French are typer 0.29's own (``typer/_click/
exceptions.py``, ``parser.py``, ``core.py``; ``typer/core.py``; ``typer/_param_types.py``),
read from its source; the French words are this change's translation; the allowed values
are the commands' own (README: ``--format json|text|markdown``; ``serve --workers`` 1 to
16, ``synth --n`` at least 1, docs/cohort.md and the options' declarations).
"""

from __future__ import annotations

import json
import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pytest
import typer
from typer._click import exceptions as click_errors
from typer.testing import CliRunner

from thyref.cli import usage
from thyref.cli.helptext import ThyrefGroup
from thyref.cli.main import app
from thyref.demo import demo_cases


def _flat(output: str) -> str:
    """The frame's words in one line (rich's borders dropped, wrapped lines joined)."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", output).split())


def _case(tmp_path: Path) -> str:
    case = tmp_path / "case.json"
    case.write_text(json.dumps(demo_cases()[0]), encoding="utf-8")
    return str(case)


def _run(args: list[str], env: dict[str, str | None] | None = None) -> tuple[int, str]:
    env = {"THYREF_LANG": None, "COLUMNS": "300", **(env or {})}
    done = CliRunner().invoke(app, args, env=env)
    assert done.exception is None or isinstance(done.exception, SystemExit), done.exception
    return done.exit_code, _flat(done.output)


# (args, the class typer raises, French words then the names and values quoted, the same
# in English, typer's English sentence)
ERRORS: list[tuple[list[str], str, list[str], list[str], str]] = [
    (["assess"], "MissingParameter",
     ["Argument manquant", "'CAS'"], ["Missing argument 'CASE'"], "Missing argument"),
    # a required argument left out, named by its placeholder in the help language
    (["cohort", "run", "CASE"], "MissingParameter",
     ["Option manquante", "'--out' / '-o'"], ["Missing option '--out' / '-o'"], "Missing option"),
    # a required option left out, with its short name
    (["assess", "CASE", "--format", "x"], "BadParameter",
     ["Valeur invalide pour '--format' / '-f'", "'x'", "'json', 'text' ou 'markdown'"],
     ["Invalid value for '--format' / '-f'", "'x'", "'json', 'text' or 'markdown'"],
     "is not one of"),
    # a value outside a choice: the allowed values verbatim, joined by the reader's "or"
    (["assess", "CASE", "-fz"], "BadParameter",
     ["Valeur invalide pour '--format' / '-f'", "'z'"], ["Invalid value for", "'z'"],
     "Value error"),
    # the same, the value glued to the short option
    (["synth", "--n", "0"], "BadParameter",
     ["Valeur invalide pour '--n'", "supérieur ou égal à 1"],
     ["Invalid value for '--n'", "greater than or equal to 1"], "Input should be"),
    # under a minimum (min=1)
    (["synth", "--n", "99999999999999999999999"], "BadParameter",
     ["Valeur invalide pour '--n'", "inférieur ou égal à 10000000"],
     ["Invalid value for '--n'", "less than or equal to 10000000"], "Input should be"),
    # over ten million patients: a typo of a few digits wrote 6 GB before it was stopped
    # (session 16)
    (["serve", "--workers", "99"], "BadParameter",
     ["Valeur invalide pour '--workers'", "inférieur ou égal à 16"],
     ["Invalid value for '--workers'", "less than or equal to 16"], "Input should be"),
    # over a maximum (max=16)
    (["serve", "--port", "70000"], "BadParameter",
     ["Valeur invalide pour '--port'", "inférieur ou égal à 65535"],
     ["Invalid value for '--port'", "less than or equal to 65535"], "Input should be"),
    # a port past the last TCP port (RFC 793: 16 bits): was accepted, the database
    # migrated, then an internal error "OverflowError" in English
    (["serve", "--port", "abc"], "BadParameter",
     ["Valeur invalide pour '--port'", "nombre entier"],
     ["Invalid value for '--port'", "whole number"],
     "unable to parse"),
    # not a whole number
    (["assess", "CASE", "--frmat", "json"], "NoSuchOption",
     ["Option inconnue", "--frmat", "--format"], ["No such option: --frmat", "--format"],
     "Possible options"),
    # a misspelt option, with the close one
    (["validate", "CASE", "-z"], "NoSuchOption",
     ["Option inconnue", "-z"], ["No such option: -z"], "No such option"),
    # an unknown short option, nothing close
    (["validate", "CASE", "--\x1b[2Jx"], "NoSuchOption",
     ["Option inconnue", "--\\x1b[2Jx"], ["No such option: --\\x1b[2Jx"], "No such option"),
    # an option carrying a terminal control sequence: shown escaped, never sent raw
    (["assess", "--lang"], "BadOptionUsage",
     ["L'option '--lang' attend une valeur"], ["Option '--lang' needs a value"],
     "requires an argument"),
    # an option without its value
    (["--version=3"], "BadOptionUsage",
     ["L'option '--version' ne prend pas de valeur"], ["Option '--version' does not take"],
     "does not take a value"),
    # a flag given a value
    (["assess", "CASE", "extra"], "UsageError",
     ["En trop sur la ligne de commande", "extra"], ["Not expected on the command line", "extra"],
     "Got unexpected extra"),
    # one argument too many
    (["asess"], "UsageError",
     ["Commande inconnue", "'asess'", "Vouliez-vous dire 'assess'"],
     ["No such command: 'asess'", "Did you mean 'assess'"], "No such command 'asess'"),
    # a misspelt command, with the close one
    (["cohort", "--lang", "LANG"], "UsageError",
     ["Commande manquante"], ["Missing command"], "Missing command."),
    # a group given an option but no command (LANG: the language of the run)
]  # fmt: skip


def _args(args: list[str], case: str, lang: str = "fr") -> list[str]:
    return [case if a == "CASE" else lang if a == "LANG" else a for a in args]


@pytest.mark.parametrize(("args", "kind", "french", "english", "typer_said"), ERRORS)
def test_usage_errors_are_french_by_default(
    tmp_path: Path,
    args: list[str],
    kind: str,
    french: list[str],
    english: list[str],
    typer_said: str,
) -> None:
    status, said = _run(_args(args, _case(tmp_path)))
    assert status == 2
    assert all(words in said for words in french), said
    assert typer_said not in said, said
    assert "Erreur" in said and "Traceback" not in said
    assert "\x1b" not in said  # no terminal control character sent as it is


@pytest.mark.parametrize(("args", "kind", "french", "english", "typer_said"), ERRORS)
@pytest.mark.parametrize(
    ("before", "env"),
    [
        ([], {"THYREF_LANG": "en"}),  # the environment variable
        (["--lang", "en"], None),  # the app's --lang, before the command
    ],
)
def test_usage_errors_are_english_on_request(
    tmp_path: Path,
    args: list[str],
    kind: str,
    french: list[str],
    english: list[str],
    typer_said: str,
    before: list[str],
    env: dict[str, str | None] | None,
) -> None:
    status, said = _run([*before, *_args(args, _case(tmp_path), "en")], env)
    assert status == 2
    assert all(words in said for words in english), said
    assert french[0] not in said, said  # the French words (the rest: names and values)
    assert "Error" in said and "Erreur" not in said and "Traceback" not in said


class _Colour(StrEnum):
    red = "red"
    blue = "blue"


# shapes of parameters thyref's commands do not have (a required choice, an argument or
# an option of two values), on a small app built like thyref's (ThyrefGroup)
_toy = typer.Typer(cls=ThyrefGroup, rich_markup_mode="rich")


@_toy.command("paint")
def _paint(colour: Annotated[_Colour, typer.Option("--colour")]) -> None:
    """A required choice."""


@_toy.command("pair")
def _pair(
    point: Annotated[tuple[int, int], typer.Argument()],
    size: Annotated[tuple[int, int], typer.Option("--size")] = (1, 1),
) -> None:
    """Two values, as an argument and as an option."""


@_toy.command("prompt")
def _prompt() -> None:
    """Reads a line: the input ends first."""
    input()


TOY_ERRORS: list[tuple[list[str], str, list[str], str]] = [
    (["paint"], "MissingParameter",
     ["Option manquante", "'--colour'", "Valeurs possibles : red, blue"], "Choose from"),
    # a required choice left out: the allowed values verbatim
    (["pair", "1"], "BadArgumentUsage", ["L'argument 'point' attend 2 valeurs"], "takes 2 values"),
    # an argument of two values given one
    (["pair", "1", "2", "--size", "3"], "BadOptionUsage",
     ["L'option '--size' attend 2 valeurs"], "requires 2 arguments"),
    # an option of two values given one
]  # fmt: skip


@pytest.mark.parametrize(("args", "kind", "french", "typer_said"), TOY_ERRORS)
def test_other_shapes_are_said_too(
    args: list[str], kind: str, french: list[str], typer_said: str
) -> None:
    done = CliRunner().invoke(_toy, args, env={"THYREF_LANG": None, "COLUMNS": "300"})
    said = _flat(done.output)
    assert done.exit_code == 2
    assert all(words in said for words in french), said
    assert typer_said not in said, said


def _subclasses(cls: type) -> set[str]:
    out = {cls.__name__}
    for sub in cls.__subclasses__():
        if sub.__module__.startswith("typer"):
            out |= _subclasses(sub)
    return out


def test_the_tables_cover_every_usage_error_typer_has() -> None:
    # a kind of usage error in a later typer would be said in English: a row must exist
    covered = {kind for _, kind, *_ in ERRORS} | {kind for _, kind, *_ in TOY_ERRORS}
    skipped = {"NoArgsIsHelpError"}  # a help page, not a sentence: shown as typer draws it
    assert _subclasses(click_errors.UsageError) - skipped == covered


@pytest.mark.parametrize(
    ("error", "french"),
    [
        (click_errors.UsageError("Value 'x' is not a valid int."), "Valeur invalide : 'x'"),
        # a prompt's answer typer cannot convert (typer/_coercion.py): thyref has no prompt
        (click_errors.UsageError("something typer may say one day"), "something typer may"),
        # a sentence this table does not know: kept as it is (the table test above fails)
    ],
)
def test_sentences_outside_the_commands(error: click_errors.UsageError, french: str) -> None:
    assert _flat(usage.message(error, "fr")).startswith(french)


def test_a_help_page_error_is_left_alone() -> None:
    # `thyref cohort` with no command shows the group's help (exit 2), not a sentence
    status, said = _run(["cohort"])
    assert status == 2
    assert "Utilisation : thyref cohort" in said and "Erreur" not in said


@pytest.mark.parametrize(
    ("lang", "said", "unsaid"),
    [
        (None, "Interrompu.", "Aborted."),  # French by default (was English)
        ("en", "Aborted.", "Interrompu."),  # English on request
    ],
)
def test_input_ending_at_a_prompt_is_said_in_the_language(
    lang: str | None, said: str, unsaid: str
) -> None:
    # `thyref user add` reading its password from an empty stdin said "Aborted."
    done = CliRunner().invoke(_toy, ["prompt"], input="", env={"THYREF_LANG": lang})
    assert done.exit_code == 1
    assert said in done.output and unsaid not in done.output
