"""`thyref synth` and `thyref cohort run|summary`: synthetic patients and whole cohorts.

Heavy modules (pyarrow, duckdb, matplotlib, pyspark, the FHIR adapter) are imported inside
the commands: `thyref --help` and `thyref assess` never load them.
"""

from __future__ import annotations

import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from thyref.cli import files
from thyref.cli.language import LangOption, Language, group_lang, lang_of
from thyref.domain.messages import Lang, error_text, number, plural, text, whole

if TYPE_CHECKING:
    from rich.progress import Progress, Task
    from rich.text import Text

# names of `synth --out` taken for a file the user meant, not a folder to create
NOT_A_FOLDER = (".json", ".jsonl")

cohort_app = typer.Typer(help="cli.help.cohort", no_args_is_help=True, callback=group_lang)


class SynthFormat(StrEnum):
    case = "case"
    fhir = "fhir"


class Engine(StrEnum):
    local = "local"
    spark = "spark"


class SummaryFormat(StrEnum):
    text = "text"
    html = "html"


def register(app: typer.Typer) -> None:
    """Add `synth` and `cohort` to the main app."""
    app.command("synth", help="cli.help.synth")(synth)
    app.add_typer(cohort_app, name="cohort")


SYNTH_MAX = 10_000_000


def synth(
    n: Annotated[
        int,
        # at most ten million: a typed extra digit or two wrote gigabytes before anyone
        # noticed (security16); ten times the largest benchmark (docs/benchmarks.md)
        typer.Option(
            "--n", min=1, max=SYNTH_MAX, metavar="cli.help.metavar.n", help="cli.help.synth.n"
        ),
    ] = 100,
    seed: Annotated[
        int,
        typer.Option("--seed", min=0, metavar="cli.help.metavar.seed", help="cli.help.synth.seed"),
    ] = 1,
    fmt: Annotated[
        SynthFormat, typer.Option("--format", "-f", help="cli.help.synth.format")
    ] = SynthFormat.case,
    out: Annotated[
        Path,
        typer.Option("--out", "-o", metavar="cli.help.metavar.path", help="cli.help.synth.out"),
    ] = Path("synth.ndjson"),
    lang: LangOption = Language.fr,
) -> None:
    """Write synthetic patients: varied, plausible histories, deterministic for a seed."""
    from thyref.synth import write

    language = lang_of(lang)
    if out.suffix.lower() in NOT_A_FOLDER and not out.is_dir():
        # write() takes any name but .ndjson for a folder: "cases.json" would become one
        files.fail(text("cli.synth.out_suffix", language, {"path": files.shown(out, "--out")}))
    try:
        write(n, seed, fmt.value, out)
    except OSError as exc:
        files.fail(files.unwritable(out, exc, language, "--out"))
    params = {
        "patients": plural("cohort.count.synthetic", n, language),
        "out": str(out), "seed": seed, "format": fmt.value,
    }  # fmt: skip
    sys.stderr.write(text("cohort.synth_done", language, params) + "\n")


def _progress(lang: Lang) -> Progress:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    from thyref.rich_nobreak import keep_no_break_spaces

    keep_no_break_spaces()  # a French mark stays with its word

    class Throughput(ProgressColumn):
        def render(self, task: Task) -> Text:
            speed = task.finished_speed or task.speed
            rate = "–" if speed is None else whole(speed, lang)
            return Text(text("cohort.throughput", lang, {"rate": rate}))

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        Throughput(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=False,
    )


@cohort_app.command("run", help="cli.help.cohort.run")
def run(
    source: Annotated[
        Path,
        typer.Argument(metavar="cli.help.metavar.source", help="cli.help.cohort.run.source"),
    ],
    out: Annotated[
        Path,
        typer.Option("--out", "-o", metavar="cli.help.metavar.dir", help="cli.help.cohort.run.out"),
    ],
    engine: Annotated[Engine, typer.Option(help="cli.help.cohort.run.engine")] = Engine.local,
    workers: Annotated[
        int | None,
        typer.Option(min=1, metavar="cli.help.metavar.n", help="cli.help.cohort.run.workers"),
    ] = None,
    chunk_size: Annotated[
        int,
        typer.Option(min=1, metavar="cli.help.metavar.n", help="cli.help.cohort.run.chunk_size"),
    ] = 2000,
    restart: Annotated[bool, typer.Option(help="cli.help.cohort.run.restart")] = False,
    progress: Annotated[bool, typer.Option(help="cli.help.cohort.run.progress")] = True,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", metavar="cli.help.metavar.date", help="cli.help.cohort.run.as_of"),
    ] = None,
    lang: LangOption = Language.fr,
) -> None:
    """Assess every patient of a cohort (help: ``cli.help.cohort.run``)."""
    from thyref.cohort.sources import CohortInputError

    language = lang_of(lang)
    try:
        day = date.fromisoformat(as_of) if as_of else date.today()
    except ValueError:
        said = text("cohort.error.as_of", language, {"value": repr(as_of)})
        sys.stderr.write(f"thyref: {said}\n")
        raise typer.Exit(2) from None
    try:
        if engine is Engine.spark:
            from thyref.cohort.spark import run_spark

            report = run_spark(source, out, today=day, lang=language)
        else:
            report = _run_local(source, out, workers, chunk_size, restart, progress, day, language)
    except CohortInputError as exc:  # the input or --out, not thyref: exit 2 as for a case
        sys.stderr.write(f"thyref: {error_text(exc, language)}\n")
        raise typer.Exit(2) from None
    rate = report.rows / report.seconds if report.seconds else 0.0
    params = {
        "patients": plural("cohort.count.patients", report.rows, language),
        "rejected": plural("cohort.count.rejected", report.errors, language),
        "chunks": plural("cohort.count.chunks", report.chunks, language),
        "skipped": plural("cohort.count.skipped", report.skipped, language),
        "seconds": number(round(report.seconds, 1), language),
        "rate": whole(rate, language), "out": str(out),
    }  # fmt: skip
    sys.stderr.write(text("cohort.run_done", language, params) + "\n")


def _run_local(
    source: Path,
    out: Path,
    workers: int | None,
    chunk_size: int,
    restart: bool,
    show: bool,
    day: date,
    lang: Lang,
) -> RunReport:
    from thyref.cohort.runner import ChunkDone, run_cohort
    from thyref.cohort.sources import Plan

    if not show:
        return run_cohort(
            source, out, workers=workers, chunk_size=chunk_size, restart=restart, today=day,
            lang=lang,
        )  # fmt: skip
    bar = _progress(lang)
    task = bar.add_task(text("cohort.progress", lang), total=None)

    def on_plan(plan: Plan, already: int) -> None:
        bar.update(task, total=max(plan.records, already), completed=already)
        bar.start_task(task)
        bar.start()  # drawn once the input is read: an unreadable input draws no bar

    def on_chunk(done: ChunkDone) -> None:
        bar.advance(task, done.rows + done.errors)

    try:
        return run_cohort(
            source, out, workers=workers, chunk_size=chunk_size, restart=restart, today=day,
            on_plan=on_plan, on_chunk=on_chunk, lang=lang,
        )  # fmt: skip
    finally:
        bar.stop()


@cohort_app.command("summary", help="cli.help.cohort.summary")
def summary(
    folder: Annotated[
        Path, typer.Argument(metavar="cli.help.metavar.dir", help="cli.help.cohort.summary.folder")
    ],
    fmt: Annotated[
        SummaryFormat, typer.Option("--format", "-f", help="cli.help.cohort.summary.format")
    ] = SummaryFormat.text,
    lang: LangOption = Language.fr,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", metavar="cli.help.metavar.file", help="cli.help.cohort.summary.output"
        ),
    ] = None,
) -> None:
    """Summarise a cohort run (help: ``cli.help.cohort.summary``)."""
    from thyref.cohort.sources import CohortInputError
    from thyref.cohort.summary import render_html, render_text, summarise

    language = lang_of(lang)
    if folder.exists() and not folder.is_dir():  # a file: not "no such file or folder"
        files.fail(text("cli.cohort.summary_not_folder", language, {"path": folder}))
    try:
        if not folder.is_dir():  # a mistyped folder is not an empty cohort
            raise CohortInputError.no_such_input(folder)
        figures = summarise(folder)
        page = (
            render_html(figures, language)
            if fmt is SummaryFormat.html
            else render_text(figures, language)
        )
    except CohortInputError as exc:
        sys.stderr.write(f"thyref: {error_text(exc, language)}\n")
        raise typer.Exit(2) from None
    if output is None:
        sys.stdout.write(page)
    else:
        files.write_output(output, page.encode(), language, "--output")


if TYPE_CHECKING:
    from thyref.cohort.runner import RunReport
