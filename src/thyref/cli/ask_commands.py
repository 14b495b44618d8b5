"""`thyref ask` and `thyref faq`: the patient-questions commands (issue 3)."""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, NoReturn

import typer

from thyref.cli.language import group_lang

# The answer engine (bm25s, numpy) is imported inside the commands, so that other
# commands such as `thyref assess` start fast.
if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from thyref.answers import Answer, AnswerEngine

Lang = Literal["fr", "en"]

EXIT_INVALID = 2


class AskLang(StrEnum):
    fr = "fr"
    en = "en"


class AskFormat(StrEnum):
    text = "text"
    json = "json"


def _invalid(message: str) -> NoReturn:
    sys.stderr.write(f"thyref: {message}\n")
    raise typer.Exit(EXIT_INVALID)


def _refuse(key: str, lang: Lang | None, **params: object) -> NoReturn:
    """Stop on bad input, said in ``lang`` (French when the language is left to each
    question)."""
    from thyref.domain.messages import text

    _invalid(text(key, lang or "fr", dict(params) if params else None))


def _lang(value: AskLang | None) -> Lang | None:
    if value is None:
        return None
    return "fr" if value is AskLang.fr else "en"


def _renderables(answer: Answer) -> list[RenderableType]:
    """The parts of an answer for rich: the Markdown body is rendered, never shown raw."""
    from rich.markdown import Markdown
    from rich.text import Text

    from thyref.domain.messages import text
    from thyref.rich_nobreak import keep_no_break_spaces

    keep_no_break_spaces()  # a French mark stays with its word

    lang = answer.lang

    def label(name: str) -> str:  # the words around the answer, in its language
        return text(f"cli.ask.{name}", lang)

    colon = text("punct.colon", lang)
    parts: list[RenderableType] = []
    if answer.emergency and answer.emergency_message:
        warning = f"!! {label('emergency')} !! "
        parts.append(Text(warning + answer.emergency_message, style="bold red"))
    if answer.topic is None:
        parts.append(Markdown(answer.message or answer.care_team_reminder))
        if answer.sources:  # the emergency advice: where its numbers come from
            said = f"{label('sources')}{colon}{', '.join(answer.sources)}"
            parts.append(Text(said, style="dim"))
    else:
        parts.append(Text(answer.title or "", style="bold underline"))
        parts.append(Markdown(answer.body_markdown or ""))
        sources = (
            f"{label('sources')}{colon}{', '.join(answer.sources)} "
            f"({label('reviewed')} {answer.review_date})"
        )
        parts.append(Text(sources, style="dim"))
        if answer.glossary:
            parts.append(Text(label("glossary"), style="bold"))
            lines = [f"- **{g.term}**{colon}{g.definition}" for g in answer.glossary]
            parts.append(Markdown("\n".join(lines)))
    if answer.related_topics:
        parts.append(Text(label("related"), style="bold"))
        lines = [f"- {t.title} [{t.id}]" for t in answer.related_topics]
        parts.append(Markdown("\n".join(lines)))
    return parts


def _print_parts(console: Console, parts: list[RenderableType]) -> None:
    for i, part in enumerate(parts):
        if i:
            console.print()
        console.print(part)


def render_text(answer: Answer, width: int = 88) -> str:
    """The answer as plain text: Markdown rendered by rich (lists as bullets, no `**` or
    `#` marks), labels in the answer's language."""
    from rich.console import Console

    console = Console(width=width, file=io.StringIO(), record=True, color_system=None)
    _print_parts(console, _renderables(answer))
    text = "\n".join(line.rstrip() for line in console.export_text().splitlines())
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"


def _print_answer(answer: Answer) -> None:
    """Styled on a terminal; the same words as plain text when piped."""
    from rich.console import Console

    console = Console()
    if console.is_terminal:
        _print_parts(console, _renderables(answer))
    else:
        sys.stdout.write(render_text(answer))


def _read_batch(path: Path, said_in: Lang | None) -> list[tuple[str, Lang | None]]:
    """The questions of ``--batch``: a file, or standard input for ``-``, read as bytes
    and decoded as UTF-8 (a byte-order mark allowed, as for a case file) whichever it is:
    the system's encoding of stdin would take Latin-1 bytes for other letters."""
    from thyref.cli import files

    stdin = str(path) == "-"
    try:
        data = sys.stdin.buffer.read() if stdin else path.read_bytes()
        text = data.decode("utf-8-sig")
    except OSError as exc:
        _invalid(files.unreadable(path, exc, said_in or "fr", "--batch"))
    except UnicodeDecodeError:
        _refuse("cli.batch.not_utf8", said_in, path=files.shown(path, "--batch"))
    if stdin:
        path = Path("<stdin>")  # as the case commands name it in their errors
    rows: list[tuple[str, Lang | None]] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            _refuse("cli.batch.not_json", said_in, path=path, line=n)
        if not isinstance(obj, dict) or not isinstance(obj.get("q"), str):
            _refuse("cli.batch.not_question", said_in, path=path, line=n)
        lang = obj.get("lang")
        if lang not in (None, "fr", "en"):
            _refuse("cli.batch.bad_lang", said_in, path=path, line=n)
        rows.append((obj["q"], lang))
    return rows


def _batch(engine: AnswerEngine, path: Path, lang: Lang | None, fmt: AskFormat) -> None:
    out: list[str] = []
    for q, row_lang in _read_batch(path, lang):
        r = engine.rank(q, row_lang or lang).shown()  # an emergency: its advice only
        if fmt is AskFormat.json:
            record = {
                "q": q,
                "lang": r.lang,
                "topic": r.topic,
                "related": r.related,
                "score": r.score,
                "emergency": r.emergency,
            }
            out.append(json.dumps(record, ensure_ascii=False))
        else:
            out.append(f"{r.topic or '-'}\t{r.score:.3f}\t{q}")
    if out:
        sys.stdout.write("\n".join(out) + "\n")


def _score_table(
    columns: tuple[tuple[str, int], ...],
    rows: Sequence[tuple[str, Sequence[float]]],
    lang: Lang,
) -> list[str]:
    """Scores of ``thyref faq eval`` as aligned lines: a header of column names, then one
    line per row (its name, then each score to 3 decimals, with the reader's decimal
    mark). Names come from the catalogue (``cli.faq.<key>``); a column is as wide as
    given, or wider when its name needs it."""
    from thyref.domain.messages import text

    heads = [text(f"cli.faq.{key}", lang) for key, _ in columns]
    widths = [max(width, len(head) + 2) for (_, width), head in zip(columns, heads, strict=True)]
    names = [text(f"cli.faq.{key}", lang) for key, _ in rows]
    first = max(22, *(len(name) + 2 for name in names))
    lines = ["".ljust(first) + "".join(h.rjust(w) for h, w in zip(heads, widths, strict=True))]
    for name, (_, scores) in zip(names, rows, strict=True):
        cells = [f"{score:.3f}" for score in scores]
        if lang == "fr":
            cells = [cell.replace(".", ",") for cell in cells]
        lines.append(
            name.ljust(first) + "".join(c.rjust(w) for c, w in zip(cells, widths, strict=True))
        )
    return lines


def register(app: typer.Typer) -> None:
    """Add the patient-question commands to the main app."""

    @app.command("ask", help="cli.help.ask")
    def ask(
        question: Annotated[
            str | None,
            typer.Argument(metavar="cli.help.metavar.question", help="cli.help.ask.question"),
        ] = None,
        lang: Annotated[
            AskLang | None,
            typer.Option("--lang", "-l", help="cli.help.ask.lang"),
        ] = None,
        fmt: Annotated[AskFormat, typer.Option("--format", help="cli.help.ask.format")] = (
            AskFormat.text
        ),
        batch: Annotated[
            Path | None,
            typer.Option("--batch", metavar="cli.help.metavar.file", help="cli.help.ask.batch"),
        ] = None,
    ) -> None:
        from thyref.answers import AnswerEngine

        if (question is None) == (batch is None):
            _refuse("cli.ask.question_or_batch", _lang(lang))
        engine = AnswerEngine.default()
        if batch is not None:
            _batch(engine, batch, _lang(lang), fmt)
            return
        assert question is not None
        if not question.strip():
            _refuse("cli.ask.empty_question", _lang(lang))
        answer = engine.ask(question, _lang(lang))
        if fmt is AskFormat.json:
            typer.echo(answer.model_dump_json(indent=2))
        else:
            _print_answer(answer)

    faq = typer.Typer(help="cli.help.faq", no_args_is_help=True, callback=group_lang)

    @faq.command("eval", help="cli.help.faq.eval")
    def faq_eval(
        file: Annotated[
            Path, typer.Argument(metavar="cli.help.metavar.file", help="cli.help.faq.eval.file")
        ],
        show_misses: Annotated[
            bool, typer.Option("--show-misses", help="cli.help.faq.eval.show_misses")
        ] = False,
        split: Annotated[
            str | None,
            typer.Option(
                "--split", metavar="cli.help.metavar.split", help="cli.help.faq.eval.split"
            ),
        ] = None,
        lang: Annotated[
            AskLang, typer.Option("--lang", "-l", help="cli.help.faq.eval.lang")
        ] = AskLang.fr,
    ) -> None:
        from thyref.answers import AnswerEngine
        from thyref.answers.baseline import PlainBM25
        from thyref.answers.evaluation import (
            LabelError,
            engine_predictor,
            evaluate,
            evaluate_guard,
            is_probe_file,
            read_labelled,
            read_probes,
        )
        from thyref.domain.messages import plural, text

        language = _lang(lang) or "fr"

        def say(key: str, **params: object) -> str:
            return text(f"cli.faq.{key}", language, params or None)

        def count(key: str, n: int, **params: object) -> str:
            return plural(f"cli.faq.{key}", n, language, **params)

        def no_questions() -> NoReturn:  # scores over no question would read 1.000
            key = "no_questions" if split is None else "no_questions_split"
            _invalid(say(key, path=file, split=split))

        try:
            if is_probe_file(file):
                probes = read_probes(file, split)
                if not probes:
                    no_questions()
                guard = AnswerEngine.default().guard
                rep = evaluate_guard(probes, guard.is_emergency)
                scores = [("guard", (rep.caught, rep.false_alarms))]
                for line in _score_table((("caught", 8), ("false_alarms", 14)), scores, language):
                    typer.echo(line)
                typer.echo(
                    say(
                        "guard_counts",
                        emergencies=count("guard_emergencies", rep.n_emergency),
                        ordinary=count("guard_ordinary", rep.n_ordinary),
                    )
                )
                if show_misses:
                    for q, want in rep.misses:
                        typer.echo(say("missed_emergency" if want else "missed_ordinary", q=q))
                return
            rows = read_labelled(file, split)
        except OSError as exc:
            from thyref.cli.files import unreadable

            _invalid(unreadable(file, exc, language))
        except UnicodeDecodeError:
            _refuse("cli.batch.not_utf8", language, path=file)
        except LabelError as exc:
            _invalid(text(f"cli.label.{exc.code}", language, exc.params))
        if not rows:
            no_questions()
        engine = AnswerEngine.default()
        known = set(engine.topic_ids)
        for row in rows:
            if row.topic is not None and row.topic not in known:
                _invalid(say("unknown_topic", path=file, topic=repr(row.topic)))
        baseline = PlainBM25(engine.kb, engine.settings.baseline_threshold)
        ours = evaluate(rows, engine_predictor(engine))
        plain = evaluate(rows, lambda q: baseline.predict(q)[:2])
        columns = (("top1", 8), ("top3", 8), ("abstention", 12))
        table = [
            ("engine", (ours.top1, ours.top3, ours.abstention)),
            ("baseline", (plain.top1, plain.top3, plain.abstention)),
        ]
        for line in _score_table(columns, table, language):
            typer.echo(line)
        typer.echo(count("counts", ours.n_answerable, decline=ours.n_decline))
        if show_misses:
            for q, expected, got in ours.misses:
                typer.echo(say("miss", expected=expected or "null", got=got or "null", q=q))

    @faq.command("topics", help="cli.help.faq.topics")
    def faq_topics(
        lang: Annotated[
            AskLang, typer.Option("--lang", "-l", help="cli.help.faq.topics.lang")
        ] = AskLang.fr,
    ) -> None:
        from thyref.answers import AnswerEngine

        for t in AnswerEngine.default().topics(_lang(lang) or "fr"):
            typer.echo(f"{t.id}\t{t.title}")

    @faq.command("glossary", help="cli.help.faq.glossary")
    def faq_glossary(
        lang: Annotated[
            AskLang, typer.Option("--lang", "-l", help="cli.help.faq.glossary.lang")
        ] = AskLang.fr,
    ) -> None:
        from thyref.answers import AnswerEngine
        from thyref.domain.messages import colon

        language = _lang(lang) or "fr"
        for g in AnswerEngine.default().glossary(language):
            typer.echo(f"{g.term}{colon(language)} {g.definition}")

    app.add_typer(faq, name="faq")
