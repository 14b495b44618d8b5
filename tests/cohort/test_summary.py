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
    assert "12\u202f345 patients évalués, 1\u202f002 dossiers rejetés" in render_text(summary, "fr")
    assert "12,345 patients assessed, 1,002 records rejected" in render_text(summary, "en")


# Unicode CLDR plural rules: French "one" for 0 and 1, English "one" for 1 only
@pytest.mark.parametrize(
    ("rows", "errors", "lang", "said"),
    [
        (1, 0, "fr", "1 patient évalué, 0 dossier rejeté"),  # 1 and 0: singular in French
        (1, 0, "en", "1 patient assessed, 0 records rejected"),  # 0 is plural in English
        (2, 1, "fr", "2 patients évalués, 1 dossier rejeté"),  # 2: plural
        (2, 1, "en", "2 patients assessed, 1 record rejected"),  # 1: singular
    ],
)
def test_counts_follow_the_plural_rules(rows: int, errors: int, lang: str, said: str) -> None:
    # the summary said "1 patients" and "record(s)"
    assert said in render_text(Summary(rows=rows, errors=errors), lang)  # type: ignore[arg-type]


def test_empty_folder_says_so(tmp_path: Path) -> None:
    s = summarise(tmp_path)
    assert s.rows == 0
    assert "No patient" in render_text(s, "en")
    assert "Aucun patient" in render_html(s, "fr")


def _case(case_id: str, histology: str, day: str) -> bytes:
    import orjson

    diagnosis = {"histology": histology, "date": day}
    return orjson.dumps({"format": "thyref-case/1", "id": case_id, "diagnosis": diagnosis})


def _run(tmp_path: Path, lines: list[bytes]) -> Path:
    source = tmp_path / "cases.ndjson"
    source.write_bytes(b"".join(line + b"\n" for line in lines))
    run_cohort(source, tmp_path / "out", workers=1, chunk_size=2, today=TODAY)
    return tmp_path / "out"


def test_years_without_a_new_refractory_case_are_shown_as_zero(tmp_path: Path) -> None:
    # anaplastic cancers are always refractory (ATC-ALWAYS, clinical-rules.md section 1); a
    # papillary cancer with no lesion is not. Refractory cases in 2005 and 2008, a patient
    # diagnosed in 2010: the years 2006, 2007, 2009 and 2010 had no new refractory case and
    # read 0 (they were left out: the table jumped from 2005 to 2008)
    out = _run(
        tmp_path,
        [
            _case("a1", "anaplastic", "2005-02-01"),
            _case("a2", "anaplastic", "2008-06-01"),
            _case("p1", "papillary", "2010-03-03"),
        ],
    )
    summary = summarise(out)
    assert [year for year, _ in summary.per_year] == list(range(2005, 2011))
    assert [sum(counts.values()) for _, counts in summary.per_year] == [1, 0, 0, 1, 0, 0]
    said = render_text(summary, "en")
    assert re.search(r"2007\s*│\s*0\s*│\s*0\s*│\s*0\s*│\s*0", said), said


def test_no_refractory_case_gives_no_made_up_split(tmp_path: Path) -> None:
    # with no refractory patient the cohort has no split between categories: it read
    # "Here: 0 % / 0 % / 0 %", three shares that do not even sum to 100
    out = _run(tmp_path, [_case("p1", "papillary", "2010-03-03")])
    for lang, none in (("en", "no refractory case"), ("fr", "aucun cas réfractaire")):
        said = render_text(summarise(out), lang)  # type: ignore[arg-type]
        assert none in said
        assert "0 % / 0 % / 0 %" not in said


def test_rejected_records_are_said_when_no_patient_was_assessed(tmp_path: Path) -> None:
    # every record rejected: the summary said only "No patient in this output folder",
    # hiding the two records waiting in errors.ndjson
    out = _run(tmp_path, [b"not json", b"{}"])
    summary = summarise(out)
    assert (summary.rows, summary.errors) == (0, 2)
    assert "0 patients assessed, 2 records rejected" in render_text(summary, "en")
    assert "2 dossiers rejetés" in render_html(summary, "fr")


def test_an_unfinished_run_is_said_to_be_partial(tmp_path: Path) -> None:
    # a run stopped after 2 of its 3 chunks (6 lines, chunks of 2): its figures cover only
    # part of the input, and the summary must say so instead of passing them for the cohort
    source = tmp_path / "cases.ndjson"
    write_ndjson(source, 6, seed=3)
    out = tmp_path / "out"
    run_cohort(source, out, workers=1, chunk_size=2, today=TODAY, max_chunks=2)
    summary = summarise(out)
    assert summary.unfinished == (2, 3)
    assert "2 of 3 chunks" in render_text(summary, "en")
    assert "2 lots sur 3" in render_html(summary, "fr")
    run_cohort(source, out, workers=1, chunk_size=2, today=TODAY)  # resumed to the end
    finished = summarise(out)
    assert finished.unfinished is None
    assert "chunks" not in render_text(finished, "en")


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        # the axes are labelled (they were bare numbers), statuses carry their code as the
        # table does, and a plot of the 12 most frequent options out of more says so
        (
            "fr",
            [
                "année de diagnostic",
                "nouveaux cas réfractaires",
                "réfractaire (refractory)",
                "les 12 plus fréquentes sur 13",
            ],
        ),
        (
            "en",
            [
                "year of diagnosis",
                "new refractory cases",
                "refractory (refractory)",
                "the 12 most frequent of 13",
            ],
        ),
    ],
)
def test_plots_are_labelled_and_say_what_they_leave_out(lang: str, said: list[str]) -> None:
    options = [(f"OPT-{i}", 20 - i) for i in range(13)]
    summary = Summary(
        rows=30,
        by_status=[("refractory", 20), ("not_refractory", 10)],
        per_year=[(2020, {"differentiated": 3}), (2021, {"medullary": 1})],
        options=options,
    )
    page = html.unescape(render_html(summary, lang))  # type: ignore[arg-type]
    plots = page[page.index("<svg") : page.rindex("</svg>")]
    for words in said:
        assert words in plots, words


@pytest.mark.parametrize(
    ("lang", "half", "whole_share"),
    [
        # French: decimal comma, one decimal even when it is zero
        ("fr", "50,0 %", "100,0 %"),
        # English: decimal point, same rule
        ("en", "50.0 %", "100.0 %"),
    ],
)
def test_shares_always_carry_one_decimal(
    tmp_path: Path, lang: str, half: str, whole_share: str
) -> None:
    # one anaplastic (refractory, ATC-ALWAYS) and one papillary without lesion (not
    # refractory) of two: 50 % each, and the one criterion holds for 100 % of the
    # refractory. A whole share was written "50 %" beside "12,5 %" in the same column
    out = _run(
        tmp_path,
        [_case("a1", "anaplastic", "2015-01-01"), _case("p1", "papillary", "2015-01-01")],
    )
    said = render_text(summarise(out), lang)  # type: ignore[arg-type]
    page = render_html(summarise(out), lang)  # type: ignore[arg-type]
    for shown in (said, page):
        assert shown.count(half) >= 2, shown
        assert whole_share in shown, shown
        assert not re.search(r"[^0-9,.]50 %", shown), shown
