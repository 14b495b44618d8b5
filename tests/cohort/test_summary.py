"""`thyref cohort summary`: DuckDB counts agree with counting the single-case answers."""

from __future__ import annotations

import html
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from thyref.cohort.runner import run_cohort
from thyref.cohort.summary import Summary, render_html, render_text, summarise
from thyref.domain.messages import text

from .support import expected_row, write_ndjson

TODAY = date(2026, 6, 1)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, object]]]:
    folder = tmp_path_factory.mktemp("summary")
    lines = write_ndjson(folder / "cases.ndjson", 250, seed=31, extra=[b"not json"])
    run_cohort(folder / "cases.ndjson", folder / "out", workers=1, chunk_size=100, today=TODAY)
    return folder / "out", [expected_row(line, TODAY) for line in lines[:-1]]


def test_counts_match_the_single_case_answers(run: tuple[Path, list[dict[str, object]]]) -> None:
    out, rows = run
    s = summarise(out)
    assert (s.rows, s.errors) == (250, 1)
    assert dict(s.by_status) == Counter(r["status"] for r in rows)
    assert {(c, st): n for c, st, n in s.by_category} == Counter(
        (r["category"], r["status"]) for r in rows
    )
    criteria = Counter(c for r in rows for c in r["criteria"])  # type: ignore[attr-defined]
    assert dict(s.by_criterion) == criteria
    options = Counter(o for r in rows for o in r["options"])  # type: ignore[attr-defined]
    assert dict(s.options) == options
    per_year = Counter(
        (r["diagnosis_year"], r["category"]) for r in rows if r["status"] == "refractory"
    )
    assert {(y, c): n for y, counts in s.per_year for c, n in counts.items()} == per_year


def test_text_in_french_and_english(run: tuple[Path, list[dict[str, object]]]) -> None:
    out, _ = run
    s = summarise(out)
    fr, en = render_text(s, "fr"), render_text(s, "en")
    assert "Résumé de cohorte" in fr and "250 patients évalués" in fr
    assert "Cohort summary" in en and "250 patients assessed" in en
    # codes appear beside the words, never instead of them
    assert "réfractaire (refractory)" in fr
    # the French reference figures are shown beside the cohort's own
    assert "250" in en and "medullary" in en and "anaplastic" in en
    assert "62.5 %" in en and "62,5 %" in fr


def test_html_has_inline_svg_plots_and_escapes_text(
    run: tuple[Path, list[dict[str, object]]],
) -> None:
    out, _ = run
    page = render_html(summarise(out), "en")
    assert page.startswith("<!doctype html>")
    assert page.count("<svg") == 3
    assert '<html lang="en">' in page
    assert "New refractory cases by year of diagnosis and category" in page


def test_plots_say_words_beside_codes_and_whole_years(
    run: tuple[Path, list[dict[str, object]]],
) -> None:
    out, _ = run
    summary = summarise(out)
    page = render_html(summary, "fr")
    plots = page[page.index("<svg") : page.rindex("</svg>")]
    # each option in words with its code beside them (the plot showed codes alone)
    best = summary.options[0][0]
    said = html.unescape(plots)
    assert f"({best})" in said
    assert text(f"title.{best}", "fr").split(" ")[0] in said
    # years on the axis are whole years (the axis read 2007.5)
    ticks = re.findall(r">(\d{4}(?:[.,]\d)?)<", said)
    assert ticks and all(re.fullmatch(r"\d{4}", t) for t in ticks), ticks


def test_large_counts_are_grouped_the_readers_way() -> None:
    summary = Summary(rows=12_345, errors=1_002)
    assert "12\u202f345 patients évalués, 1\u202f002 dossier(s) rejeté(s)" in render_text(
        summary, "fr"
    )
    assert "12,345 patients assessed, 1,002 record(s) rejected" in render_text(summary, "en")


def test_empty_folder_says_so(tmp_path: Path) -> None:
    s = summarise(tmp_path)
    assert s.rows == 0
    assert "No patient" in render_text(s, "en")
    assert "Aucun patient" in render_html(s, "fr")
