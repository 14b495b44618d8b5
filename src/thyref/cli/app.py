"""The ``thyref`` command line.

Exit status: 0 success, 2 invalid input (every problem on stderr, one per line, with its
dotted path), 1 internal error. Never a traceback for bad input.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from thyref import __version__
from thyref.cli import ask_commands, board_commands, cohort_commands, fhir_commands, web_commands
from thyref.cli.files import unreadable as unreadable
from thyref.cli.helptext import ThyrefGroup, context_lang, help_lang
from thyref.cli.language import (
    GroupLangOption,
    LangOption,
    Language,
    group_lang,
    lang_of,
)
from thyref.cli.main import _console
from thyref.domain import assess, load_case, parse_case
from thyref.domain.case import MAX_BYTES
from thyref.domain.messages import Lang, error_text, number, plural, problem_text, text
from thyref.domain.rules import (
    DEFAULT_RULES,
    definition_ids,
    load_definition,
    load_rules,
    rules_text,
)
from thyref.errors import CaseFormatError, CaseValidationError, RulesError, ThyrefError

EXIT_INVALID = 2
EXIT_INTERNAL = 1

app = typer.Typer(
    name="thyref",
    cls=ThyrefGroup,  # help in the help language (thyref.cli.helptext)
    help="cli.help.app",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)


def _error(message: str) -> None:
    sys.stderr.write(message + "\n")


class OutputFormat(StrEnum):
    json = "json"
    text = "text"
    markdown = "markdown"


def _version(ctx: typer.Context, value: bool) -> None:
    """``--version``: the version line in the help language (``--lang``, else ``THYREF_LANG``;
    the option is eager: it runs before ``--lang`` is parsed, so it reads the command line)."""
    if value:
        said = {"version": __version__, "rules": DEFAULT_RULES}
        print(text("cli.version", context_lang(ctx), said))
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="cli.help.version"),
    ] = False,
    lang: GroupLangOption = None,
) -> None:
    """thyref: refractory thyroid cancer decision support."""
    group_lang(ctx, lang)  # `thyref -l en COMMAND`: the command's --lang defaults to en


def _fail_invalid(
    exc: CaseValidationError | CaseFormatError, source: str, lang: Lang = "fr"
) -> NoReturn:
    if isinstance(exc, CaseValidationError):
        said = {"problems": plural("cli.count.problems", len(exc.problems), lang)}
        head = text("cli.invalid_case", lang, said)
        _error(f"thyref: {source}: {head}")
        for problem in exc.problems:
            _error(f"  {problem.path}: {problem_text(problem, lang)}")
    else:
        _error(f"thyref: {source}: {error_text(exc, lang)}")
    raise typer.Exit(EXIT_INVALID)


def _read(path: str, lang: Lang = "fr") -> tuple[bytes, str]:
    """The bytes of a case file, or of stdin for ``-``; a missing or oversized file ends
    the command with its reason in ``lang``."""
    if path == "-":
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
        return data, "<stdin>"
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise CaseFormatError.too_large(size, MAX_BYTES)
        return p.read_bytes(), path
    except OSError as exc:
        _error("thyref: " + unreadable(path, exc, lang))
        raise typer.Exit(EXIT_INVALID) from None
    except CaseFormatError as exc:
        _fail_invalid(exc, path, lang)


def _unknown_definition(name: str, lang: Lang) -> NoReturn:
    known = ", ".join(definition_ids())
    _error("thyref: " + text("cli.unknown_definition", lang, {"name": repr(name), "known": known}))
    raise typer.Exit(EXIT_INVALID)


PathArg = Annotated[str, typer.Argument(metavar="cli.help.metavar.case", help="cli.help.case_file")]
AssessArg = Annotated[
    str, typer.Argument(metavar="cli.help.metavar.case", help="cli.help.assess.path")
]


@app.command("assess", help="cli.help.assess")
def assess_cmd(
    path: AssessArg,
    fmt: Annotated[
        OutputFormat,
        typer.Option("--format", "-f", help="cli.help.assess.format"),
    ] = OutputFormat.text,
    lang: Annotated[Language, typer.Option("--lang", "-l", help="cli.help.assess.lang")] = (
        Language.fr
    ),
    definition: Annotated[
        str,
        typer.Option(
            "--definition",
            "-d",
            metavar="cli.help.metavar.definition",
            help="cli.help.assess.definition",
        ),
    ] = DEFAULT_RULES,
) -> None:
    """Assess a case: refractoriness, RECIST 1.1, kinetics, I-131 activity, options."""
    language = lang_of(lang)
    if definition not in definition_ids():
        _unknown_definition(definition, language)
    data, source = _read(path, language)
    try:
        case = fhir_commands.load_any(data, source, language)  # a case, or FHIR
    except (CaseValidationError, CaseFormatError) as exc:
        _fail_invalid(exc, source, language)
    result = assess(case, language, definition=definition)
    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n")
    elif fmt is OutputFormat.markdown:
        from thyref.report import render_markdown

        sys.stdout.write(render_markdown(result, language))
    else:
        from thyref.report import render_rich

        _console().print(render_rich(result, language))


@app.command(help="cli.help.validate")
def validate(
    path: PathArg,
    lang: Annotated[Language, typer.Option("--lang", "-l", help="cli.help.validate.lang")] = (
        Language.fr
    ),
) -> None:
    """Check a case against the thyref-case/1 format; list every problem with its path."""
    language = lang_of(lang)
    data, source = _read(path, language)
    try:
        case = load_case(data)
    except (CaseValidationError, CaseFormatError) as exc:
        _fail_invalid(exc, source, language)
    raw = case.raw
    counts = {
        "id": case.id,
        **{
            name: plural(f"cli.count.{name}", len(getattr(raw, name)), language)
            for name in ("lesions", "imaging", "labs", "rai")
        },
    }
    _console().print(f"[green]✓[/green] {source}: " + text("cli.valid_case", language, counts))


@app.command(help="cli.help.rules")
def rules(
    raw: Annotated[bool, typer.Option("--raw", help="cli.help.rules.raw")] = False,
    explain: Annotated[
        bool,
        typer.Option("--explain", help="cli.help.rules.explain"),
    ] = False,
    lang: LangOption = Language.fr,
    definition: Annotated[
        str | None,
        typer.Option(
            "--definition",
            "-d",
            metavar="cli.help.metavar.definition",
            help="cli.help.rules.definition",
        ),
    ] = None,
) -> None:
    """Print the rule set in force: thresholds, windows, drug lists and sources."""
    language = lang_of(lang)
    if definition is not None:
        if definition not in definition_ids():
            _unknown_definition(definition, language)
        if not raw:
            _error("thyref: " + text("cli.rules.definition_needs_raw", language))
            raise typer.Exit(EXIT_INVALID)
    if raw:
        sys.stdout.write(rules_text(definition or DEFAULT_RULES))
        return
    if explain:
        _explain(language)
        return
    from rich.table import Table

    r = load_rules()
    table = Table(title=f"{r.id}: {r.title}", title_justify="left")
    # names and codes are never cut mid-word: they do not wrap; values wrap between words
    table.add_column(text("cli.rules.section", language), no_wrap=True)
    table.add_column(text("cli.rules.setting", language), no_wrap=True)
    table.add_column(text("cli.rules.value", language))
    for section in ("refractoriness", "recist", "kinetics", "options"):
        block = getattr(r, section).model_dump()
        for key, value in block.items():
            if isinstance(value, dict) and section in ("refractoriness", "options"):
                for sub, v in value.items():
                    table.add_row(section, f"{key}.{sub}", _show(v))
            else:
                table.add_row(section, key, _show(value))
    for row in r.targeted:
        where = ", ".join(row.histologies)
        where = text("cli.rules.targeted_in", language, {"histologies": where}) if where else ""
        kind = f" {row.kind}" if row.kind else ""
        alteration = "" if row.alteration == "*" else f" {row.alteration}"
        table.add_row(
            "targeted",
            row.label,
            f"{'/'.join(row.genes)}{alteration}{kind}{where} -> drugs.{row.drugs}",
        )
    for name, group in r.drugs.items():
        table.add_row("drugs", name, ", ".join(group.drugs))
    for key, cite in r.sources.items():
        table.add_row("sources", key, cite)
    _console(piped_width=200).print(table)


def _explain(lang: Lang) -> None:
    """Every criterion and option of the rule set, said in words, with its sources."""
    from rich.table import Table

    from thyref.domain.assessment import rule_text

    r = load_rules()
    table = Table(title=f"{r.id}", title_justify="left", show_lines=True)
    for column in ("id", text("cli.rules.rule", lang), "sources"):
        table.add_column(column, no_wrap=column == "id")
    for criterion, sources in r.refractoriness.criteria.items():
        table.add_row(criterion, rule_text(criterion, lang, r), ", ".join(sources))
    for option, sources in r.options.sources.items():
        table.add_row(option, rule_text(option, lang, r), ", ".join(sources))
    _console(piped_width=160).print(table)
    _explain_definitions(lang)


def _explain_definitions(lang: Lang) -> None:
    """Every definition of refractory disease (one rules file each): criteria in words."""
    from rich.table import Table

    from thyref.domain.assessment import criterion_text

    for definition_id in definition_ids():
        d = load_definition(definition_id)
        table = Table(
            title=f"{d.id}: {d.title}", caption=d.checked, title_justify="left", show_lines=True
        )
        for column in ("id", text("cli.rules.rule", lang), "sources"):
            table.add_column(column, overflow="fold")
        for scope in d.scope:
            if not scope.applies:
                words = text("status.not_applicable", lang)
                table.add_row(scope.category, words, "")
        for c in d.criteria:
            table.add_row(c.id, criterion_text(d, c.id, lang), ", ".join(c.sources))
        _console(piped_width=160).print(table)


def _show(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, default=str)
    return str(value)


@app.command(help="cli.help.demo")
def demo(
    lang: LangOption = Language.fr,
) -> None:
    """Assess the demo cases shipped with thyref and print their summaries."""
    from rich.table import Table

    from thyref.demo import demo_cases

    language = lang_of(lang)
    table = Table(title=text("demo.title", language), title_justify="left", show_lines=True)
    # Codes (case ids, criteria, options) are never cut mid-word: one per line, no wrapping.
    for key in ("case", "status", "criteria", "recist", "gbq", "options"):
        codes = key in ("case", "criteria", "options")
        table.add_column(text(f"demo.{key}", language), no_wrap=codes, overflow="ellipsis")
    for raw in demo_cases():
        a = assess(parse_case(raw), language)
        rc = a.recist
        responses = (
            [text(f"vocab.response.{t['overall_response']}", language) for t in rc["timepoints"]]
            if rc
            else []
        )
        table.add_row(
            a.case_id,
            text(f"status.{a.refractory['status']}", language),
            "\n".join(a.refractory["criteria_met"]) or "–",
            " → ".join(responses) or "–",
            number(a.rai["cumulative_gbq"], language),
            "\n".join(r["id"] for r in a.recommendations),
        )
    out = _console(piped_width=140)
    out.print(table)
    out.print(text("demo.details", language))


ask_commands.register(app)
web_commands.register(app)
fhir_commands.register(app)
board_commands.register(app)
cohort_commands.register(app)


def asked_lang(argv: list[str]) -> Lang:
    """The language the command line asks for (``--lang en``, ``-l en``, ``--lang=en``),
    else ``THYREF_LANG``, else French: what ``run`` says after a command gave up is said
    in it."""
    return help_lang(argv)


def run() -> None:
    """Console entry point: maps unexpected errors to exit 1 without a traceback, said in
    the language the command was asked for."""
    try:
        app()
    except (RulesError, ThyrefError) as exc:
        _error(f"thyref: {error_text(exc, asked_lang(sys.argv[1:]))}")
        sys.exit(EXIT_INTERNAL)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # last resort: never a traceback for the user
        said = {"error": f"{type(exc).__name__}: {exc}"}
        _error("thyref: " + text("cli.internal_error", asked_lang(sys.argv[1:]), said))
        sys.exit(EXIT_INTERNAL)
