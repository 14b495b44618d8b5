"""`thyref sheet` and `thyref letter`: the tumour-board sheet and the patient letter.

Heavy libraries (typst, matplotlib, the answer engine's glossary) are imported only when
a command runs, so `thyref assess` keeps starting fast.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from thyref.cli import files
from thyref.cli.language import Language, lang_of
from thyref.errors import CaseFormatError, CaseValidationError

if TYPE_CHECKING:
    from thyref.board.decision import Decision
    from thyref.domain.messages import Lang


class SheetFormat(StrEnum):
    pdf = "pdf"
    html = "html"


def register(app: typer.Typer) -> None:
    """Add the board commands to the main app."""
    app.command("sheet", help="cli.help.sheet")(sheet)
    app.command("letter", help="cli.help.letter")(letter)


CaseArg = Annotated[str, typer.Argument(metavar="cli.help.metavar.case", help="cli.help.case_file")]
LangOpt = Annotated[Language, typer.Option("--lang", "-l", help="cli.help.board.lang")]
DecisionOpt = Annotated[
    Path | None,
    typer.Option("--decision", metavar="cli.help.metavar.file", help="cli.help.board.decision"),
]
OutOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", metavar="cli.help.metavar.file", help="cli.help.board.output"),
]


def _case_and_assessment(path: str, lang: Lang) -> tuple[dict[str, Any], dict[str, Any]]:
    from thyref.cli import main as cli
    from thyref.domain import assess, load_case

    data, source = cli._read(path, lang)
    try:
        case = load_case(data)
    except (CaseValidationError, CaseFormatError) as exc:
        cli._fail_invalid(exc, source, lang)
    raw: dict[str, Any] = json.loads(data)  # the case as written (it parsed above)
    return raw, assess(case, lang).to_json()


def _decision(path: Path | None, assessment: dict[str, Any], lang: Lang) -> Decision | None:
    from thyref.board.decision import load_decision
    from thyref.board.sheet import option_ids
    from thyref.cli import main as cli
    from thyref.domain.messages import problem_text

    if path is None:
        return None
    try:
        raw = path.read_bytes()
    except OSError as exc:
        files.fail(files.unreadable(path, exc, lang, "--decision"))
    try:
        return load_decision(raw, proposed=option_ids(assessment), today=date.today())
    except CaseValidationError as exc:
        from thyref.board.text import bt_n

        where = files.shown(path, "--decision")
        whole = [p for p in exc.problems if not p.path]
        if whole:  # the file itself (not JSON...): one line, no field to name
            files.fail(f"{where}: {problem_text(whole[0], lang)}")
        sys.stderr.write(f"thyref: {where}: {bt_n('invalid_decision', len(exc.problems), lang)}\n")
        for problem in exc.problems:
            sys.stderr.write(f"  {problem.path}: {problem_text(problem, lang)}\n")
        raise typer.Exit(cli.EXIT_INVALID) from None


def _write(output: Path | None, payload: bytes, lang: Lang) -> None:
    if output is None:
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
    else:
        files.write_output(output, payload, lang, "--output")


def sheet(
    path: CaseArg,
    fmt: Annotated[
        SheetFormat, typer.Option("--format", "-f", help="cli.help.sheet.format")
    ] = SheetFormat.pdf,
    lang: LangOpt = Language.fr,
    output: OutOpt = None,
    question: Annotated[
        str,
        typer.Option(
            "--question", "-q", metavar="cli.help.metavar.text", help="cli.help.sheet.question"
        ),
    ] = "",
    decision: DecisionOpt = None,
) -> None:
    """The tumour-board sheet of a case (1-2 pages): PDF or HTML, French or English."""
    from thyref.board.sheet import build_sheet, render_html, render_pdf
    from thyref.domain.messages import text

    language = lang_of(lang)
    if fmt is SheetFormat.pdf and output is None and sys.stdout.isatty():
        sys.stderr.write(f"thyref: {text('cli.pdf_needs_output', language)}\n")
        raise typer.Exit(2)
    case, assessment = _case_and_assessment(path, language)
    chosen = _decision(decision, assessment, language)
    data = build_sheet(case, assessment, language, question=question, decision=chosen)
    if fmt is SheetFormat.pdf:
        _write(output, render_pdf(data), language)
    else:
        _write(output, render_html(data).encode(), language)


def letter(
    path: CaseArg,
    lang: LangOpt = Language.fr,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="cli.help.metavar.file", help="cli.help.letter.output"
        ),
    ] = None,
    decision: DecisionOpt = None,
) -> None:
    """The letter to the patient after the board, in plain words (one page)."""
    from thyref.board.letter import build_letter, render_letter_pdf, render_letter_text

    language = lang_of(lang)
    case, assessment = _case_and_assessment(path, language)
    chosen = _decision(decision, assessment, language)
    content = build_letter(case, assessment, language, decision=chosen)
    if output is not None and output.suffix.lower() == ".pdf":
        _write(output, render_letter_pdf(content), language)
    else:
        _write(output, render_letter_text(content).encode(), language)
