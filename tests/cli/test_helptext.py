"""``--help`` in French by default, in English on request (``--lang en``, ``THYREF_LANG=en``).

The guide: every user-facing sentence lives in the catalogue, French (default) and
English, one language per page. The expected French words below are the translation this
change asks for; the English sentences are the help texts the commands had before it
(kept word for word, brief: "keep the current English wording").
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from frenchmarks import cut_marks
from thyref.cli import app as cli_app
from thyref.cli.helptext import PREFIX
from thyref.cli.main import app
from thyref.demo import demo_cases
from thyref.domain.messages import catalogue

# (command path, words of its French help, first sentence of its English help)
COMMANDS: list[tuple[tuple[str, ...], str, str]] = [
    # the app itself
    ((), "Aide à la décision pour les réunions de concertation pluridisciplinaire",
     "Decision support for refractory thyroid cancer tumour boards (RCP)."),
    # thyref assess
    (("assess",), "Évaluer un dossier",
     "Assess a case: refractoriness, RECIST 1.1, kinetics, I-131 activity, options."),
    # thyref validate
    (("validate",), "Vérifier un dossier selon le format thyref-case/1",
     "Check a case against the thyref-case/1 format; list every problem with its path."),
    # thyref rules
    (("rules",), "Afficher les règles en vigueur",
     "Print the rule set in force: thresholds, windows, drug lists and sources."),
    # thyref demo
    (("demo",), "Évaluer les dossiers de démonstration",
     "Assess the demo cases shipped with thyref and print their summaries."),
    # thyref ask
    (("ask",), "Répondre à la question d'un patient",
     "Answer a patient's question from the knowledge base, in its language, or decline"),
    # thyref faq (a group)
    (("faq",), "La base de connaissances des questions de patients",
     "The patient-questions knowledge base: evaluate the matcher, list topics."),
    # thyref faq eval
    (("faq", "eval"), "Exactitude sur des questions étiquetées",
     "Accuracy on labelled questions"),
    # thyref faq topics
    (("faq", "topics"), "Lister les sujets", "List the topics (id and title)."),
    # thyref faq glossary
    (("faq", "glossary"), "Afficher le glossaire", "Print the glossary."),
    # thyref serve
    (("serve",), "Lancer l'application web",
     "Run the web application (migrates the database first)."),
    # thyref user (a group)
    (("user",), "Gérer les comptes utilisateurs", "Manage user accounts of the web application."),
    # thyref user add
    (("user", "add"), "Créer un utilisateur dans un centre",
     "Create a user in a centre, with the clinician or admin role."),
    # thyref sheet
    (("sheet",), "La fiche RCP d'un dossier",
     "The tumour-board sheet of a case (1-2 pages): PDF or HTML, French or English."),
    # thyref letter
    (("letter",), "La lettre au patient après la RCP",
     "The letter to the patient after the board, in plain words (one page)."),
    # thyref synth
    (("synth",), "Écrire des patients synthétiques",
     "Write synthetic patients: varied, plausible histories, deterministic for a seed."),
    # thyref fhir (a group)
    (("fhir",), "importer un Bundle comme dossier",
     "FHIR R4 / mCODE: import a Bundle as a case, export a case as a Bundle."),
    # thyref fhir import
    (("fhir", "import"), "Lire un Bundle FHIR R4",
     "Read a FHIR R4 Bundle (or NDJSON) and print the thyref-case/1 case it holds."),
    # thyref fhir export
    (("fhir", "export"), "Écrire un dossier (et son évaluation)",
     "Write a case (and its assessment) as a FHIR R4 collection Bundle (mCODE STU4)."),
    # thyref cohort (a group)
    (("cohort",), "Évaluer des cohortes entières",
     "Assess whole cohorts (Parquet output) and summarise them."),
    # thyref cohort run
    (("cohort", "run"), "Évaluer chaque patient",
     "Assess every patient: one Parquet row each, rejected records in errors.ndjson."),
    # thyref cohort summary
    (("cohort", "summary"), "Effectifs par statut, catégorie et critère",
     "Counts by status, category and criterion, new refractory cases a year, options."),
]  # fmt: skip

# words typer and click add to every help page, as the catalogue says them
PAGE_WORDS = {
    "fr": ("Utilisation :", "Afficher cette aide et quitter."),
    "en": ("Usage:", "Show this message and exit."),
}


def _flat(output: str) -> str:
    """The page's words in one line: rich's frames dropped, lines and spaces joined (a
    sentence wrapped inside a panel reads whole again)."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", output).split())


def _help(args: list[str], env: dict[str, str | None] | None = None) -> str:
    env = {"THYREF_LANG": None, "COLUMNS": "200", **(env or {})}
    done = CliRunner().invoke(app, args, env=env)
    assert done.exit_code == 0, done.output
    return _flat(done.output)


def _commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, (*path, name))


def test_the_table_names_every_command() -> None:
    # a command added later without a row here would go untested
    tree = typer.main.get_command(app)
    assert sorted(_commands(tree)) == sorted(path for path, _, _ in COMMANDS)


@pytest.mark.parametrize(("path", "french", "english"), COMMANDS)
def test_help_is_french_by_default(path: tuple[str, ...], french: str, english: str) -> None:
    page = _help([*path, "--help"])
    assert french in page
    assert english not in page
    assert all(word in page for word in PAGE_WORDS["fr"])
    assert not any(word in page for word in PAGE_WORDS["en"])


@pytest.mark.parametrize(("path", "french", "english"), COMMANDS)
@pytest.mark.parametrize(
    ("before", "after", "env"),
    [
        ((), (), {"THYREF_LANG": "en"}),  # the environment variable
        (("--lang", "en"), (), None),  # the app's own --lang, before the command
        ((), ("--lang", "en"), None),  # after --help (eager): read before click parses
        ((), ("-l", "en"), None),  # the short option
    ],
)
def test_help_is_english_on_request(
    path: tuple[str, ...],
    french: str,
    english: str,
    before: tuple[str, ...],
    after: tuple[str, ...],
    env: dict[str, str] | None,
) -> None:
    page = _help([*before, *path, "--help", *after], env)
    assert english in page
    assert french not in page
    assert all(word in page for word in PAGE_WORDS["en"])
    assert not any(word in page for word in PAGE_WORDS["fr"])


@pytest.mark.parametrize(
    ("args", "env", "said"),
    [
        (["assess", "--help", "--lang", "fr"], {"THYREF_LANG": "en"}, "Évaluer un dossier"),
        # --lang wins over the variable
        (["assess", "--help", "--lang=en"], {"THYREF_LANG": "fr"}, "Assess a case"),
        # the other way round, with "="
        (["-l", "en", "assess", "--help", "-l", "fr"], None, "Évaluer un dossier"),
        # the last --lang counts
    ],
)
def test_the_option_wins_over_the_variable(
    args: list[str], env: dict[str, str] | None, said: str
) -> None:
    assert said in _help(args, env)


@pytest.mark.parametrize(
    ("argv", "said", "unsaid"),
    [
        (["thyref", "validate", "--help"], "Vérifier un dossier", "Check a case"),
        # the console entry point, French by default
        (["thyref", "validate", "--help", "-l", "en"], "Check a case", "Vérifier un dossier"),
        # the entry point reads sys.argv before typer draws the page
    ],
)
def test_the_entry_point_reads_the_command_line(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    said: str,
    unsaid: str,
) -> None:
    monkeypatch.setattr(sys, "argv", argv)
    monkeypatch.delenv("THYREF_LANG", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    with pytest.raises(SystemExit) as done:
        cli_app.run()
    assert done.value.code == 0
    page = _flat(capsys.readouterr().out)
    assert said in page and unsaid not in page


@pytest.mark.parametrize(
    ("args", "env", "words", "other"),
    [
        (["assess"], None, ["Erreur", "Utilisation :", "Aide : 'thyref assess --help'"],
         ["Error", "Usage:"]),
        # a usage error, French by default: typer's title, usage line and hint
        (["assess"], {"THYREF_LANG": "en"}, ["Error", "Usage:", "Try 'thyref assess --help'"],
         ["Erreur", "Utilisation"]),
        # the same in English
    ],
)  # fmt: skip
def test_usage_errors_use_the_help_language(
    args: list[str], env: dict[str, str] | None, words: list[str], other: list[str]
) -> None:
    env = {"THYREF_LANG": None, "COLUMNS": "200", **(env or {})}
    done = CliRunner().invoke(app, args, env=env)
    assert done.exit_code == 2
    page = _flat(done.output)
    assert all(word in page for word in words), page
    assert not any(word in page for word in other), page


@pytest.mark.parametrize(
    ("args", "status", "said"),
    [
        (["-l", "en", "validate", "CASE"], 0, "valid case"),  # the app's --lang reaches it
        (["-l", "en", "validate", "CASE", "-l", "fr"], 0, "dossier valide"),  # its own wins
        (["validate", "CASE"], 0, "dossier valide"),  # neither: French
        (["fhir", "-l", "en", "import", "CASE"], 2, "not FHIR"),  # a group's --lang
        (["-l", "en", "fhir", "import", "CASE"], 2, "not FHIR"),  # the app's, two levels down
        (["fhir", "import", "CASE"], 2, "ce n'est pas du FHIR"),  # neither: French
    ],
)
def test_a_groups_lang_is_its_commands_default(
    tmp_path: Path, args: list[str], status: int, said: str
) -> None:
    # case-format.md: a thyref-case/1 case, which `fhir import` refuses as not FHIR
    case = tmp_path / "case.json"
    case.write_text(json.dumps(demo_cases()[0]), encoding="utf-8")
    args = [str(case) if arg == "CASE" else arg for arg in args]
    done = CliRunner().invoke(app, args, env={"THYREF_LANG": None, "COLUMNS": "200"})
    assert done.exit_code == status, done.output
    assert said in done.output


def _help_texts(command: Any) -> Iterator[tuple[str, str | None]]:
    """(where, text) of every help text written in the code, the app's tree unsaid."""
    for path in _commands(command):
        cmd = command
        for name in path:
            cmd = cmd.commands[name]
        where = " ".join(("thyref", *path))
        yield where, cmd.help
        for param in cmd.params:
            if param.name not in ("install_completion", "show_completion"):  # typer's
                yield f"{where} {param.name}", param.help


def test_every_help_text_is_a_catalogue_key_in_both_languages() -> None:
    # a help text written in English in the code would show in English on a French page
    tree = typer.main.get_command(app)  # built afresh: its texts are the code's
    texts = dict(_help_texts(tree))
    cat = catalogue()
    bad = {
        where: said
        for where, said in texts.items()
        if not (said and said.startswith(PREFIX) and said in cat["fr"] and said in cat["en"])
    }
    assert bad == {}


def _placeholders(command: Any) -> Iterator[tuple[str, Any]]:
    """(where, parameter) of every parameter of the app's tree, typer's own left out."""
    for path in _commands(command):
        cmd = command
        for name in path:
            cmd = cmd.commands[name]
        for param in cmd.params:
            if param.name not in ("install_completion", "show_completion"):
                yield f"{' '.join(('thyref', *path))} {param.name}", param


def test_every_help_key_is_used() -> None:
    # a key left in the catalogue after its option went would be translated for nothing
    tree = typer.main.get_command(app)
    used = {said for _, said in _help_texts(tree)}
    used |= {param.metavar for _, param in _placeholders(tree) if param.metavar}
    from thyref.cli import helptext

    used |= set(helptext._TYPER_PARAMS.values()) | set(helptext._RICH_WORDS.values())
    used |= {"cli.help.typer.usage", "cli.help.typer.command_args"}
    used |= {f"cli.help.typer.{bound}" for bound in ("between", "at_least", "at_most")}
    assert sorted(k for k in catalogue()["fr"] if k.startswith(PREFIX) and k not in used) == []


# ------------------------------------------------------------ placeholders, usage lines

# The brief: typer 0.29 writes "Usage: thyref ... [OPTIONS] {path}" and "<str>" beside
# options, in both languages; usage lines and placeholders should read well in each
# ("CAS"/"CASE", a folder "RÉPERTOIRE"/"DIR"). The words are this change's choice.


def test_every_value_has_a_placeholder_in_both_languages() -> None:
    # an option or argument taking a free value (not a flag, not a choice) is named by a
    # catalogue key; typer would show "<str>", "<int>" or "<path>" in its place
    tree = typer.main.get_command(app)  # built afresh: its placeholders are the code's keys
    cat = catalogue()
    bad = {
        where: param.metavar
        for where, param in _placeholders(tree)
        if not getattr(param, "is_flag", False)
        and not getattr(param.type_descriptor, "is_choice", False)
        and not (param.metavar in cat["fr"] and param.metavar in cat["en"])
    }
    assert bad == {}


@pytest.mark.parametrize(
    ("path", "french", "english"),
    [
        (("assess",), "thyref assess [OPTIONS] CAS", "thyref assess [OPTIONS] CASE"),
        # a required argument: its placeholder bare (typer wrote "{path}")
        (("ask",), "thyref ask [OPTIONS] [QUESTION]", "thyref ask [OPTIONS] [QUESTION]"),
        # an optional one: in brackets
        (("faq", "eval"), "thyref faq eval [OPTIONS] FICHIER", "thyref faq eval [OPTIONS] FILE"),
        # a file that is not a case
        (("cohort", "summary"), "thyref cohort summary [OPTIONS] RÉPERTOIRE",
         "thyref cohort summary [OPTIONS] DIR"),
        # a folder ("dossier" is a patient's case on thyref's French pages)
        (("user", "add"), "thyref user add [OPTIONS] IDENTIFIANT",
         "thyref user add [OPTIONS] USERNAME"),
        # a sign-in name
        (("fhir",), "thyref fhir [OPTIONS] COMMANDE [ARGUMENTS]...",
         "thyref fhir [OPTIONS] COMMAND [ARGS]..."),
        # a group, as before
    ],
)  # fmt: skip
def test_the_usage_line_reads_in_the_help_language(
    path: tuple[str, ...], french: str, english: str
) -> None:
    assert f"Utilisation : {french} " in _help([*path, "--help"])
    assert f"Usage: {english} " in _help([*path, "--help", "-l", "en"])


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["serve", "--help"], "--port PORT Port d'écoute. [de 1 à 65535]"),
        # a number option: its placeholder, and its bounds in words (typer: "[1<=x<=65535]")
        (["serve", "--help", "-l", "en"], "--port PORT Port to listen on. [1 to 65535]"),
        # the same in English
        (["synth", "--help"], "--seed GRAINE Même graine, mêmes patients. [au moins 0]"),
        # a lower bound only
        (["synth", "--help"], "--n N Nombre de patients. [de 1 à 10000000]"),
        # both bounds (ten million patients at most)
        (["cohort", "run", "--help", "-l", "en"], "--as-of YYYY-MM-DD Assess as of this day"),
        # a date, written as the reader writes it
        (["cohort", "run", "--help"], "--as-of AAAA-MM-JJ Évaluer à cette date"),
        # ... in French
        (["user", "add", "--help"], "--password MOT-DE-PASSE Mot de passe"),
        # a free text
        (["assess", "--help"], "--help Afficher cette aide et quitter."),
        # a flag takes no value: nothing between it and its help (typer: "<bool>")
        (["sheet", "--help", "-l", "en"], "--output -o FILE File to write."),
        # a file to write
    ],
)
def test_options_show_their_placeholder(args: list[str], words: str) -> None:
    assert words in _help(args)


def _page(args: list[str], columns: int = 80) -> str:
    """A help page as a terminal of ``columns`` columns shows it (frames and lines kept)."""
    done = CliRunner().invoke(app, args, env={"THYREF_LANG": None, "COLUMNS": str(columns)})
    assert done.exit_code == 0, done.output
    return done.output


# what must not reach a help page (typer 0.29's own labels, words cut at the panel's edge)
RAW = [
    ("<str>", "typer's type label of a text value"),
    ("<int", 'of a whole number ("<int>", "<int range>")'),
    ("<path>", "of a path"),
    ("<bool>", "beside a flag, which takes no value"),
    ("<=x", "typer's bounds formula"),
    ("x>=", "the same, a lower bound only"),
    ("…", "a word cut at 80 columns"),
]


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize(("path", "french", "english"), COMMANDS)
def test_no_raw_label_on_an_80_column_page(
    path: tuple[str, ...], french: str, english: str, lang: str
) -> None:
    page = _page([*path, "--help", "-l", lang])
    found = [(label, why) for label, why in RAW if label in page]
    assert found == [], page
    assert re.search(r"\{\w+\}", page) is None, page  # "{path}": typer's required argument


# rich broke lines at U+00A0 (thyref.rich_nobreak): `thyref synth --help` showed "FHIR Bulk
# Data" with ": un fichier NDJSON" on the next line at 80 columns, `cohort run` ": local]"
# and "; par" at 60, `serve` a ":" alone
@pytest.mark.parametrize(
    "columns",
    [
        60,  # a narrow terminal: the help column of the options is squeezed
        80,  # a default terminal
        200,  # wide: the help texts on one line each
    ],
)
def test_a_french_mark_stays_with_its_word_on_every_help_page(columns: int) -> None:
    for path, _, _ in COMMANDS:
        page = _page([*path, "--help"], columns)  # French, the default
        assert "\u00a0" in page, path  # printed as no-break spaces, not plain ones
        assert cut_marks(page) == [], (path, columns, page)


# ------------------------------------------------------------------------- examples

# The developers' guide: "--help that teaches": each command's help has a short example.


def _examples(path: tuple[str, ...], lang: str) -> list[str]:
    """The example lines of a command's help text, as the catalogue writes them."""
    key = "cli.help." + (".".join(path) or "app")
    said = catalogue()[lang][key].replace("{{", "{").replace("}}", "}")
    head = "Exemples\u00a0:" if lang == "fr" else "Examples:"
    if head not in said:
        return []
    block = said.split(head, 1)[1].split("\n\n", 1)[0]
    return [line for line in block.split("\n") if line.strip()]


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize(("path", "french", "english"), COMMANDS)
def test_every_command_shows_examples_that_fit(
    path: tuple[str, ...], french: str, english: str, lang: str
) -> None:
    examples = _examples(path, lang)
    assert examples, f"thyref {' '.join(path)} ({lang}): no examples"
    lines = [line.rstrip() for line in _page([*path, "--help", "-l", lang]).splitlines()]
    for example in examples:
        # drawn whole on one line of an 80-column terminal, indented under the heading
        # (rich's margin of one column, then the example's own two spaces)
        assert f" {example.rstrip()}" in lines, example


def _example_commands() -> list[tuple[str, str]]:
    found = []
    for path, _, _ in COMMANDS:
        for lang in ("fr", "en"):
            for line in _examples(path, lang):
                command = line.split("|")[-1].split("<")[0].strip()
                command = re.split(r"\s{2,}", command)[0]  # the comment after the command
                if command.startswith("thyref"):
                    found.append((" ".join(("thyref", *path, lang)), command))
    return found


@pytest.mark.parametrize(("where", "command"), _example_commands())
def test_every_example_is_a_command_line_of_the_cli(where: str, command: str) -> None:
    # the checker of the docs' commands: commands, options and choices that exist
    from test_docs import parse_args, problems_of

    assert problems_of(command) == [], f"{where}: {command}"
    done = CliRunner().invoke(app, parse_args(command), env={"THYREF_LANG": None})
    assert done.exit_code == 0, f"{where}: {command}\n{done.output}"
