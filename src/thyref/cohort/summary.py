"""What a registry reads from a cohort run: counts with DuckDB over the Parquet output.

``summarise(out)`` queries ``out/patients/*.parquet`` (and ``out/errors/*.parquet``) and
returns plain figures; ``render_text`` and ``render_html`` say them in French or English
(sentences from the catalogue, ``cohort.*`` keys), the HTML with inline SVG plots.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from thyref.domain.messages import Lang, coded, plural, text, whole

# New refractory cases a year in France, by category (seed document: about 250
# differentiated, 50 medullary and 100 anaplastic; TuThyRef network presentation).
FRENCH_NEW_REFRACTORY_PER_YEAR: dict[str, int] = {
    "differentiated": 250,
    "medullary": 50,
    "anaplastic": 100,
}
CATEGORIES = tuple(FRENCH_NEW_REFRACTORY_PER_YEAR)


@dataclass
class Summary:
    rows: int = 0
    errors: int = 0
    by_status: list[tuple[str, int]] = field(default_factory=list)
    by_category: list[tuple[str, str, int]] = field(default_factory=list)
    by_criterion: list[tuple[str, int]] = field(default_factory=list)
    per_year: list[tuple[int, dict[str, int]]] = field(default_factory=list)
    options: list[tuple[str, int]] = field(default_factory=list)
    # (chunks done, chunks planned) of a local run stopped before its end, else None
    unfinished: tuple[int, int] | None = None

    def refractory_share(self) -> dict[str, float] | None:
        """Each category's share (%) of the new refractory cases, all years together;
        None when there is none (no split to give)."""
        totals = {c: sum(counts.get(c, 0) for _, counts in self.per_year) for c in CATEGORIES}
        whole = sum(totals.values())
        if not whole:
            return None
        return {c: round(100 * n / whole, 1) for c, n in totals.items()}


def _glob(folder: Path) -> str:
    return str(folder / "*.parquet").replace("'", "''")


def summarise(out: Path) -> Summary:
    import duckdb

    summary = Summary(unfinished=_unfinished(out))
    patients, errors = out / "patients", out / "errors"
    con = duckdb.connect()
    try:
        if errors.is_dir() and any(errors.glob("*.parquet")):
            row = con.execute(f"SELECT count(*) FROM read_parquet('{_glob(errors)}')").fetchone()
            summary.errors = int(row[0]) if row else 0
        if not patients.is_dir() or not any(patients.glob("*.parquet")):
            return summary
        con.execute(f"CREATE VIEW p AS SELECT * FROM read_parquet('{_glob(patients)}')")
        row = con.execute("SELECT count(*) FROM p").fetchone()
        summary.rows = int(row[0]) if row else 0
        summary.by_status = [
            (str(s), int(n))
            for s, n in con.execute(
                "SELECT status, count(*) AS n FROM p GROUP BY status ORDER BY n DESC, status"
            ).fetchall()
        ]
        summary.by_category = [
            (str(c), str(s), int(n))
            for c, s, n in con.execute(
                "SELECT category, status, count(*) FROM p GROUP BY ALL ORDER BY category, status"
            ).fetchall()
        ]
        summary.by_criterion = [
            (str(c), int(n))
            for c, n in con.execute(
                "SELECT c, count(*) AS n FROM (SELECT unnest(criteria) AS c FROM p) "
                "GROUP BY c ORDER BY n DESC, c"
            ).fetchall()
        ]
        years: dict[int, dict[str, int]] = {}
        for year, category, n in con.execute(
            "SELECT diagnosis_year, category, count(*) FROM p WHERE status = 'refractory' "
            "GROUP BY ALL ORDER BY diagnosis_year, category"
        ).fetchall():
            years.setdefault(int(year), {})[str(category)] = int(n)
        # every year from the first diagnosis to the last, a year without a new
        # refractory case included (as 0, not left out)
        span = con.execute("SELECT min(diagnosis_year), max(diagnosis_year) FROM p").fetchone()
        if span and span[0] is not None:
            for year in range(int(span[0]), int(span[1]) + 1):
                years.setdefault(year, {})
        summary.per_year = sorted(years.items())
        summary.options = [
            (str(o), int(n))
            for o, n in con.execute(
                "SELECT o, count(*) AS n FROM (SELECT unnest(options) AS o FROM p) "
                "GROUP BY o ORDER BY n DESC, o"
            ).fetchall()
        ]
    finally:
        con.close()
    return summary


def _unfinished(out: Path) -> tuple[int, int] | None:
    """(chunks done, chunks planned) when ``run.json`` and the manifest show a local run
    stopped before its end; None for a finished run or another kind of folder."""
    import orjson

    try:
        planned = orjson.loads((out / "run.json").read_bytes()).get("chunks")
    except (OSError, orjson.JSONDecodeError, AttributeError):
        return None
    if not isinstance(planned, int):
        return None
    done: set[int] = set()
    manifest = out / "manifest.ndjson"
    lines = manifest.read_bytes().splitlines() if manifest.is_file() else []
    for line in lines:
        try:
            entry = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue  # a line cut by the interruption: that chunk is not done
        if isinstance(entry, dict) and isinstance(entry.get("chunk"), int):
            done.add(entry["chunk"])
    return (len(done), planned) if len(done) < planned else None


def _pct(n: int, total: int, lang: Lang) -> str:
    """A share with one decimal always, so a column of shares lines up ("13,0 %", never
    "13 %" beside "6,6 %")."""
    if not total:
        return "–"
    out = f"{100 * n / total:.1f}"
    return f"{out.replace('.', ',') if lang == 'fr' else out} %"


def _reference_sentence(summary: Summary, lang: Lang) -> str:
    ref = FRENCH_NEW_REFRACTORY_PER_YEAR
    whole = sum(ref.values())
    share = summary.refractory_share()
    params: dict[str, Any] = {c: ref[c] for c in CATEGORIES}
    params.update({f"share_{c}": round(100 * ref[c] / whole, 1) for c in CATEGORIES})
    if share is None:  # no refractory case: no split to compare
        return text("cohort.reference_none", lang, params)
    params.update({f"cohort_{c}": share[c] for c in CATEGORIES})
    return text("cohort.reference", lang, params)


def _totals(summary: Summary, lang: Lang) -> str:
    counts = {
        "patients": plural("cohort.count.patients", summary.rows, lang),
        "rejected": plural("cohort.count.rejected", summary.errors, lang),
    }
    said = text("cohort.totals", lang, counts)
    if summary.unfinished:
        done, planned = summary.unfinished
        said += " " + text("cohort.unfinished", lang, {"done": done, "chunks": planned})
    return said


def _tables(summary: Summary, lang: Lang) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, header, rows) of every table, in the reader's language."""

    def col(key: str) -> str:
        return text(f"cohort.col.{key}", lang)

    def word(kind: str, value: str) -> str:
        return coded(f"{kind}.{value}", value, lang)

    total = summary.rows
    refractory = dict(summary.by_status).get("refractory", 0)
    ref = FRENCH_NEW_REFRACTORY_PER_YEAR

    def n(count: int) -> str:
        return whole(count, lang)

    years = [
        [str(year), *(n(counts.get(c, 0)) for c in CATEGORIES), n(sum(counts.values()))]
        for year, counts in summary.per_year
    ]
    years.append([col("reference"), *(n(ref[c]) for c in CATEGORIES), n(sum(ref.values()))])
    return [
        (
            text("cohort.by_status", lang),
            [col("status"), col("patients"), col("share")],
            [[word("status", s), n(k), _pct(k, total, lang)] for s, k in summary.by_status],
        ),
        (
            text("cohort.by_category", lang),
            [col("category"), col("status"), col("patients")],
            [[word("category", c), word("status", s), n(k)] for c, s, k in summary.by_category],
        ),
        (
            text("cohort.by_criterion", lang),
            [col("criterion"), col("patients"), col("share")],
            [
                [word("vocab.criterion", c), n(k), _pct(k, refractory, lang)]
                for c, k in summary.by_criterion
            ],
        ),
        (
            text("cohort.per_year", lang),
            [col("year"), *(word("category", c) for c in CATEGORIES), col("total")],
            years,
        ),
        (
            text("cohort.options", lang),
            [col("option"), col("patients"), col("share")],
            [[f"{text(f'title.{o}', lang)} ({o})", n(k), _pct(k, total, lang)]
             for o, k in summary.options],
        ),
    ]  # fmt: skip


def render_text(summary: Summary, lang: Lang = "fr", width: int = 110) -> str:
    from rich.console import Console
    from rich.table import Table

    from thyref.rich_nobreak import keep_no_break_spaces

    keep_no_break_spaces()  # a French mark stays with its word
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, highlight=False, color_system=None)
    console.print(text("cohort.title", lang), style="bold")
    if not summary.rows:
        console.print(text("cohort.empty", lang))
        if summary.errors or summary.unfinished:  # rejected records are still said
            console.print(_totals(summary, lang))
        return buffer.getvalue()
    console.print(_totals(summary, lang))
    for title, header, rows in _tables(summary, lang):
        table = Table(title=title, title_justify="left")
        for name in header:
            table.add_column(name, overflow="fold")
        for row in rows:
            table.add_row(*row)
        console.print(table)
    console.print(_reference_sentence(summary, lang))
    return buffer.getvalue()


def _svg(figure: Any) -> str:
    import matplotlib

    buffer = io.StringIO()
    # words stay text (searchable, read by screen readers, smaller), not drawn outlines
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        figure.savefig(buffer, format="svg", bbox_inches="tight")
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]


def _plots(summary: Summary, lang: Lang) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    grouped = FuncFormatter(lambda value, _: whole(value, lang))  # "1 200" in French
    plots = []
    fig, ax = plt.subplots(figsize=(6, 2.6))
    # each status in words with its code beside them, as in the table
    ax.barh([f"{text(f'status.{s}', lang)} ({s})" for s, _ in summary.by_status],
            [n for _, n in summary.by_status], color="#4a6fa5")  # fmt: skip
    ax.set_title(text("cohort.by_status", lang))
    ax.set_xlabel(text("cohort.col.patients", lang))
    ax.xaxis.set_major_formatter(grouped)
    ax.invert_yaxis()
    plots.append(_svg(fig))
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(8, 3.2))
    years = [year for year, _ in summary.per_year]
    bottom = [0] * len(years)
    for category, colour in zip(CATEGORIES, ("#4a6fa5", "#e0a030", "#c0504d"), strict=True):
        counts = [counts.get(category, 0) for _, counts in summary.per_year]
        ax.bar(years, counts, bottom=bottom, label=text(f"category.{category}", lang),
               color=colour)  # fmt: skip
        bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    ax.set_title(text("cohort.per_year", lang))
    ax.set_xlabel(text("cohort.axis.year", lang))
    ax.set_ylabel(text("cohort.axis.new_cases", lang))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # years, never 2007.5
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:.0f}"))
    ax.yaxis.set_major_formatter(grouped)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small")  # off the bars
    plots.append(_svg(fig))
    plt.close(fig)

    top = summary.options[:12]
    # each option in words with its code beside them, as in the table
    labels = [
        textwrap.fill(f"{text(f'title.{o}', lang)} ({o})", 48, break_long_words=False)
        for o, _ in top
    ]
    lines = sum(label.count("\n") + 1 for label in labels)
    fig, ax = plt.subplots(figsize=(8, 0.3 * lines + 0.2 * len(top) + 1))
    ax.barh(labels, [k for _, k in top], color="#4a6fa5")
    title = text("cohort.options", lang)
    if len(summary.options) > len(top):  # the plot shows the most frequent: say so
        more = {"shown": len(top), "all": len(summary.options)}
        title += "\n" + text("cohort.options_top", lang, more)
    ax.set_title(title)
    ax.set_xlabel(text("cohort.col.patients", lang))
    ax.tick_params(axis="y", labelsize="small")
    ax.xaxis.set_major_formatter(grouped)
    ax.invert_yaxis()
    plots.append(_svg(fig))
    plt.close(fig)
    return plots


_PAGE = """<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8"><title>{{ title }}</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse;margin:0.5rem 0 1.5rem}td,th{border:1px solid #ccc;
padding:0.2rem 0.6rem;text-align:left}th{background:#f2f2f2}svg{max-width:100%;height:auto}</style>
</head><body>
<h1>{{ title }}</h1>
<p>{{ totals }}</p>
{% for plot in plots %}<figure>{{ plot | safe }}</figure>
{% endfor %}
{% for table_title, header, rows in tables %}<h2>{{ table_title }}</h2>
<table><thead><tr>{% for h in header %}<th>{{ h }}</th>{% endfor %}</tr></thead><tbody>
{% for row in rows %}<tr>{% for cell in row %}<td>{{ cell }}</td>{% endfor %}</tr>
{% endfor %}</tbody></table>
{% endfor %}<p>{{ reference }}</p>
</body></html>
"""


def render_html(summary: Summary, lang: Lang = "fr") -> str:
    import jinja2

    env = jinja2.Environment(autoescape=True)
    empty = not summary.rows
    return env.from_string(_PAGE).render(
        lang=lang,
        title=text("cohort.title", lang),
        totals=(
            " ".join((text("cohort.empty", lang), _totals(summary, lang)))
            if empty and (summary.errors or summary.unfinished)
            else text("cohort.empty", lang)
            if empty
            else _totals(summary, lang)
        ),
        plots=[] if empty else _plots(summary, lang),
        tables=[] if empty else _tables(summary, lang),
        reference="" if empty else _reference_sentence(summary, lang),
    )
