"""The board sheet of every worked example, in both languages, read back from the PDF."""

from __future__ import annotations

import html
import re
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from samples import other_definition_unknown_uptake
from thyref.board.decision import Decision
from thyref.board.sheet import build_sheet, render_html, render_pdf
from thyref.domain.messages import Lang

from .conftest import assessed, example_names, load_example, need_poppler, pdf_pages, pdf_text

# Status words of the catalogue, as the spec's vocabulary says them (case-format.md).
STATUS_WORDS = {
    ("refractory", "fr"): "réfractaire",
    ("refractory", "en"): "refractory",
    ("not_refractory", "fr"): "non réfractaire",
    ("not_refractory", "en"): "not refractory",
    ("indeterminate", "fr"): "indéterminé",
    ("indeterminate", "en"): "indeterminate",
}
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "board"


def _flat(text: str) -> str:
    """pdftotext breaks lines inside table cells: compare on single spaces."""
    return re.sub(r"\s+", " ", text)


def _gbq(value: float, lang: str) -> str:
    written = f"{value:g}"
    return (written.replace(".", ",") if lang == "fr" else written) + " GBq"


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("name", example_names())
def test_sheet_pdf_carries_the_key_facts(name: str, lang: str, tmp_path: Path) -> None:
    case, expect = load_example(name)
    a = assessed(case, lang)
    sheet = build_sheet(case, a, lang, question="Q-board-42", today=date(2026, 11, 28))
    pdf = render_pdf(sheet)
    text = _flat(pdf_text(pdf))
    lowered = text.lower()
    # one or two pages for a worked example
    assert 1 <= pdf_pages(pdf, tmp_path) <= 2
    assert case["id"] in text and "Q-board-42" in text
    status = expect.get("status") or a["refractory"]["status"]
    assert STATUS_WORDS[(status, lang)] in lowered
    for criterion in expect.get("criteria", []):
        assert criterion in text
    if "cumulative_gbq" in expect:
        assert _gbq(expect["cumulative_gbq"], lang) in text
    for option in expect.get("recs_include", []):
        assert option in text
    for missing in expect.get("missing", []):
        assert missing in text
    # the footer: date (day/month/year in French, ISO in English), engine and rules versions
    assert {"fr": "28/11/2026", "en": "2026-11-28"}[lang] in text and "tuthyref-2021" in text


@pytest.mark.parametrize("name", example_names())
def test_sheet_pages_render_to_images(name: str, tmp_path: Path) -> None:
    """pdftoppm -r 60 renders every page (the PNGs are kept for a human look)."""
    need_poppler()
    case, _ = load_example(name)
    pdf = render_pdf(build_sheet(case, assessed(case, "fr"), "fr"))
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    SHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(path), str(SHOTS / name)],
        check=True,
        capture_output=True,
    )
    pngs = sorted(SHOTS.glob(f"{name}-*.png"))
    assert pngs and all(p.stat().st_size > 2000 for p in pngs)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_sheet_html_is_standalone_and_says_the_same(lang: str) -> None:
    case, _ = load_example("demo-003")
    html = render_html(build_sheet(case, assessed(case, lang), lang, question="<b>Q</b>"))
    assert html.startswith("<!doctype html>") and f'lang="{lang}"' in html
    assert "&lt;b&gt;Q&lt;/b&gt;" in html  # the question is text, never markup
    # markers (its one thyroglobulin, before the latest I-131: drawn, not used; session 13:
    # the plot was left out), diameters and I-131
    assert "DTC-NO-UPTAKE" in html and html.count("<svg") == 3
    # nothing fetched from elsewhere: no stylesheet link, script or remote image
    assert not re.search(r"<link|<script|<img|(src|href)=\"https?:", html)


def test_sheet_with_a_decision_shows_it_and_warns_on_a_thin_board() -> None:
    case, _ = load_example("demo-003")
    a = assessed(case, "en")
    decision = Decision(
        options=("REDIFFERENTIATION",),
        free_text="Start after the PET scan",
        specialties=("endocrinology", "nuclear_medicine"),
        follow_up=date(2027, 3, 1),
        meeting_kind="national",
        meeting_date=date(2026, 12, 3),
        amends=7,
    )
    text = _flat(pdf_text(render_pdf(build_sheet(case, a, "en", decision=decision))))
    assert "Board decision" in text and "National TuThyRef tumour board · 2026-12-03" in text
    assert "Start after the PET scan" in text and "2027-03-01" in text
    assert "amends decision no. 7" in text
    assert "Only 2 specialties present" in text
    assert "no decision recorded yet" not in text


def test_sheet_timeline_lists_each_administration_with_the_running_total() -> None:
    case, _ = load_example("demo-003")
    sheet = build_sheet(case, assessed(case, "en"), "en", with_plots=False)
    rai_rows = [row for row in sheet["timeline"] if row[1].startswith("I-131")]
    # 100 mCi = 3.7 GBq, then 3.7 GBq: 3.7 then 7.4 GBq in all (1 mCi = 37 MBq)
    assert rai_rows == [
        ["2012-07-02", "I-131, administration 1", "100 mCi = 3.7 GBq · cumulative 3.7 GBq"],
        ["2013-03-11", "I-131, administration 2", "3.7 GBq · cumulative 7.4 GBq"],
    ]
    dates = [row[0] for row in sheet["timeline"]]
    assert dates == sorted(dates)


def test_case_text_is_shown_as_text_never_read_as_typst_markup() -> None:
    case, _ = load_example("demo-003")
    question = 'Dose #let x = 1 *bold* $x^2$ ] ) " \\ @ref <label> = heading'
    text = _flat(
        pdf_text(render_pdf(build_sheet(case, assessed(case, "en"), "en", question=question)))
    )
    assert 'Dose #let x = 1 *bold* $x^2$ ] ) " \\ @ref <label> = heading' in text


def test_sheets_render_from_several_threads_at_once() -> None:
    """The web renders in a thread pool: the shared typst compiler is guarded."""
    from concurrent.futures import ThreadPoolExecutor

    case, _ = load_example("ex-ptc-cumulative")
    a = assessed(case, "fr")
    with ThreadPoolExecutor(max_workers=4) as pool:
        pdfs = list(
            pool.map(lambda i: render_pdf(build_sheet(case, a, "fr", question=f"Q{i}")), range(4))
        )
    for i, pdf in enumerate(pdfs):
        assert f"Q{i}" in pdf_text(pdf)


@pytest.mark.parametrize(
    ("lang", "asked"),
    [
        # French typography: a no-break space before the colon (was a plain space in the
        # HTML and no space at all in the PDF)
        ("fr", "<strong>Question</strong>\u00a0: Q ?"),
        # English: no space before it (was " : " in the HTML)
        ("en", "<strong>Question</strong>: Q ?"),
    ],
)
def test_the_question_is_introduced_with_the_readers_colon(lang: str, asked: str) -> None:
    case, _ = load_example("demo-003")
    sheet = build_sheet(case, assessed(case, lang), lang, question="Q ?")
    assert asked in render_html(sheet)
    # in the PDF too (the text extractor may give the no-break space as a space)
    pattern = r"Question[\u00a0 ]: Q \?" if lang == "fr" else r"Question: Q \?"
    assert re.search(pattern, pdf_text(render_pdf(sheet)))


# Two worked examples of /work/shared/examples/definitions (their cases, as given there).
# PD 15 months after I-131 with avid lesions: TuThyRef not refractory (12-month window),
# ATA 2015 refractory (R91 D, no window): the definitions disagree.
PD_AFTER_WINDOW = {
    "format": "thyref-case/1", "id": "ex-def-pd-after-window",
    "patient": {"sex": "male", "birth_year": 1950},
    "diagnosis": {"histology": "follicular", "date": "2017-09-01"},
    "rai": [{"date": "2018-01-10", "activity": 150, "unit": "mCi"}],
    "lesions": [{"id": "B1", "site": "bone", "rai_uptake": "yes"},
                {"id": "P1", "site": "lung", "rai_uptake": "yes"}],
    "imaging": [{"date": "2017-12-15", "measurements": {"B1": 30, "P1": 14}},
                {"date": "2018-07-01", "measurements": {"B1": 30, "P1": 13}},
                {"date": "2019-04-20", "measurements": {"B1": 38, "P1": 18}}],
}  # fmt: skip
# Both lesions avid on the first post-therapy scan, not on the second: lesions without
# their own rai_uptake take the latest finding (case-format.md), "no"; both refractory.
LOST_UPTAKE = {
    "format": "thyref-case/1", "id": "ex-def-lost-uptake",
    "patient": {"sex": "female", "birth_year": 1961},
    "diagnosis": {"histology": "papillary", "date": "2014-02-01"},
    "rai": [{"date": "2014-04-01", "activity": 3.7, "unit": "GBq"},
            {"date": "2015-04-07", "activity": 5.55, "unit": "GBq"}],
    "lesions": [{"id": "L1", "site": "lung"}, {"id": "L2", "site": "lung"}],
    "scans": [{"date": "2014-04-06", "kind": "post_therapy", "preparation": "withdrawal",
               "tsh": 70, "iodine_contamination": "none", "findings": {"L1": "yes", "L2": "yes"}},
              {"date": "2015-04-12", "kind": "post_therapy", "preparation": "rhtsh",
               "tsh": 110, "iodine_contamination": "none", "findings": {"L1": "no", "L2": "no"}}],
    "imaging": [{"date": "2015-03-01", "measurements": {"L1": 13, "L2": 11}},
                {"date": "2015-10-01", "measurements": {"L1": 14, "L2": 11}}],
}  # fmt: skip


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        # each verdict with its definition's name (clinical-rules.md section 5.3: the board
        # needs to know where they part), the criterion by its id and in words
        ("en", ["TuThyRef 2021", "not refractory", "ATA 2015", "refractory",
                "ATA2015-PROGRESSION-DESPITE-UPTAKE"]),
        ("fr", ["TuThyRef 2021", "non réfractaire", "ATA 2015", "réfractaire",
                "ATA2015-PROGRESSION-DESPITE-UPTAKE"]),
    ],
)  # fmt: skip
def test_definitions_that_disagree_are_side_by_side(lang: str, said: list[str]) -> None:
    sheet = build_sheet(PD_AFTER_WINDOW, assessed(PD_AFTER_WINDOW, lang), lang)
    rows = sheet["definitions"]
    assert [r["rule_set"] for r in rows] == ["tuthyref-2021", "ata-2015"]  # primary first
    shown = " ".join(str(v) for r in rows for v in r.values())
    for words in said:
        assert words in shown
    # the ATA 2015 criterion with its rule in words (the evidence's rule)
    ata = rows[1]["criteria"][0]
    assert ata["id"] == "ATA2015-PROGRESSION-DESPITE-UPTAKE" and ata["rule"]
    for rendered in (_flat(pdf_text(render_pdf(sheet))), render_html(sheet)):
        assert "ATA2015-PROGRESSION-DESPITE-UPTAKE" in rendered
        assert rows[1]["name"] in rendered


# (samples.other_definition_unknown_uptake: ATA 2015 does not know L1 and L3)
OTHER_UNKNOWN = other_definition_unknown_uptake("sheet-other-definition")


@pytest.mark.parametrize(
    ("lang", "said", "not_said"),
    [
        ("en", "I-131 uptake status of lesions L1, L3 (lesions.rai_uptake)", "at least one"),
        (
            "fr",
            "Statut de fixation de l'iode 131 des lésions L1, L3 (lesions.rai_uptake)",
            "au moins une lésion",
        ),
    ],
)
def test_another_definitions_unknown_uptake_names_its_lesions(
    lang: str, said: str, not_said: str
) -> None:
    """The reports name them since session 14; the sheet said "at least one lesion" (the
    stored assessment names the primary's lesions only: the others' are read again from
    the case)."""
    sheet = build_sheet(OTHER_UNKNOWN, assessed(OTHER_UNKNOWN, lang), lang, with_plots=False)
    _primary, ata = sheet["definitions"]
    assert ata["rule_set"] == "ata-2015"
    assert said in ata["missing"] and not_said not in ata["missing"]
    assert html.unescape(render_html(sheet)).count(said) == 1


def test_definitions_that_agree_are_not_repeated() -> None:
    """Both refractory (the example's expectation): the primary verdict says it all."""
    assert build_sheet(LOST_UPTAKE, assessed(LOST_UPTAKE, "en"), "en")["definitions"] == []


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_lesion_uptake_is_the_one_the_criteria_read(lang: str) -> None:
    """Lesions without their own rai_uptake take their latest scan finding (case-format.md):
    L1 and L2 are "no" there, as DTC-NO-UPTAKE says; the sheet must not call them unknown."""
    sheet = build_sheet(LOST_UPTAKE, assessed(LOST_UPTAKE, lang), lang)
    no_uptake = {"fr": "ne fixe pas", "en": "no uptake"}[lang]
    assert [row[2] for row in sheet["lesions"]] == [no_uptake, no_uptake]


def test_scans_are_on_the_timeline() -> None:
    """The two post-therapy scans the uptake comes from are dated facts of the history."""
    sheet = build_sheet(LOST_UPTAKE, assessed(LOST_UPTAKE, "en"), "en")
    dated = {row[0]: row for row in sheet["timeline"]}
    assert "2014-04-06" in dated and "2015-04-12" in dated
    assert "L1, L2" in dated["2015-04-12"][2]


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        # L1 avid, L2 and L3 not: the verb agrees with the lesions listed (the line said
        # "fixe(nt) : L1 · ne fixe(nt) pas : L2, L3")
        ("fr", "post-thérapeutique · fixe\u00a0: L1 · ne fixent pas\u00a0: L2, L3"),
        ("en", "post-therapy · avid: L1 · no uptake: L2, L3"),  # English: no verb to agree
    ],
)
def test_a_scan_line_agrees_with_the_count_of_lesions(lang: str, said: str) -> None:
    case = {
        **LOST_UPTAKE,
        "lesions": [{"id": k, "site": "lung"} for k in ("L1", "L2", "L3")],
        "scans": [{"date": "2015-04-12", "kind": "post_therapy",
                   "findings": {"L2": "no", "L1": "yes", "L3": "no"}}],
        "imaging": [],
    }  # fmt: skip
    sheet = build_sheet(case, assessed(case, lang), lang)
    dated = {row[0]: row for row in sheet["timeline"]}
    # the scan of 2015-04-12, dated the reader's way (12/04/2015 in French)
    assert dated[{"fr": "12/04/2015", "en": "2015-04-12"}[lang]][2] == said


def test_recist_notes_say_the_date_they_belong_to() -> None:
    """A note of one timepoint (the reason of its response) is dated: several timepoints
    have notes and the reader must know which one each explains."""
    sheet = build_sheet(PD_AFTER_WINDOW, assessed(PD_AFTER_WINDOW, "en"), "en")
    reasons = [n for n in sheet["recist"]["notes"] if "nadir" in n]
    assert reasons and all(n.startswith("2019-04-20") for n in reasons)


@pytest.mark.parametrize(
    ("name", "lang", "said"),
    [
        # French: "cancer" is masculine, the category agrees with it
        ("demo-003", "fr", "cancer différencié"),
        ("ex-mtc-calcitonin", "fr", "cancer médullaire"),
        ("demo-003", "en", "differentiated cancer"),
    ],
)
def test_the_category_is_said_in_good_grammar(name: str, lang: str, said: str) -> None:
    case, _ = load_example(name)
    assert said in build_sheet(case, assessed(case, lang), lang)["diagnosis"]


@pytest.mark.parametrize(
    ("first", "last"),
    [
        # 19 months between the first and the last point: no default month step gives at
        # most 4 ticks; matplotlib warned on stderr ("AutoDateLocator was unable to pick
        # an appropriate interval") while `thyref sheet` ran
        ("2017-09-01", "2019-04-20"),
        # 24 months: three yearly ticks fit
        ("2018-01-01", "2020-01-01"),
        # 4 months: month steps fit
        ("2020-01-01", "2020-05-01"),
    ],
)
def test_the_curves_draw_without_a_warning(first: str, last: str) -> None:
    import warnings

    from thyref.board import plots

    case = {
        "format": "thyref-case/1",
        "id": "plot-span",
        "diagnosis": {"histology": "papillary", "date": first, "extent": "metastatic"},
        "rai": [{"date": first, "activity": 3.7, "unit": "GBq"}],
        "lesions": [{"id": "L1", "site": "lung"}],
        "imaging": [
            {"date": first, "measurements": {"L1": 20}},
            {"date": last, "measurements": {"L1": 30}},
        ],
    }
    assessment = assessed(case, "fr")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert "<svg" in plots.diameters(assessment, case, "fr")
        assert "<svg" in plots.activity(assessment, case, "fr")


@pytest.mark.parametrize(
    ("sex", "lang", "said"),
    [
        # the sex is recorded: French agrees with it ("née ou né" was written for everyone)
        ("female", "fr", "Femme, environ 66 ans (née en 1960)"),
        ("male", "fr", "Homme, environ 66 ans (né en 1960)"),
        # not recorded: both forms
        ("unknown", "fr", "Sexe non renseigné, environ 66 ans (née ou né en 1960)"),
        # English has one form
        ("male", "en", "Male, about 66 years old (born 1960)"),
    ],
)
def test_the_birth_year_agrees_with_the_recorded_sex(sex: str, lang: Lang, said: str) -> None:
    from thyref.board.sheet import _identity

    case = {"patient": {"sex": sex, "birth_year": 1960}}
    assert _identity(case, date(2026, 11, 29), lang) == said


@pytest.mark.parametrize(
    ("histology", "rai", "lang", "said"),
    [
        # medullary, no I-131 (not its treatment): the line "0 GBq = 0 mCi in 0
        # administration(s) (threshold 22 GBq)" said nothing; none now
        ("medullary", [], "fr", ""),
        ("anaplastic", [], "en", ""),
        # differentiated with none recorded: said in words
        ("papillary", [], "fr", "Aucune cure d'iode 131 enregistrée."),
        ("papillary", [], "en", "No I-131 administration recorded."),
        # given: the figures (100 mCi = 3.7 GBq), as before
        (
            "papillary",
            [{"date": "2020-01-01", "activity": 100, "unit": "mCi"}],
            "en",
            "Cumulative I-131 activity: 3.7 GBq = 100 mCi in 1 administration "
            "(threshold of the rules: 22 GBq).",
        ),
        # two: the plural (CLDR), not "(s)"; 2 x 100 mCi = 7.4 GBq
        (
            "papillary",
            [
                {"date": "2020-01-01", "activity": 100, "unit": "mCi"},
                {"date": "2021-01-01", "activity": 100, "unit": "mCi"},
            ],
            "fr",
            "Activité cumulée d'iode 131\u00a0: 7,4 GBq = 200 mCi en 2 cures "
            "(seuil des règles\u00a0: 22 GBq).",
        ),
    ],
)
def test_the_cumulative_line_fits_the_cancer(
    histology: str, rai: list[dict[str, Any]], lang: Lang, said: str
) -> None:
    case: dict[str, Any] = {
        "format": "thyref-case/1",
        "id": "sheet-rai",
        "diagnosis": {"histology": histology, "date": "2019-01-01", "extent": "metastatic"},
        "lesions": [{"id": "L1", "site": "lung"}],
    }
    if rai:
        case["rai"] = rai
    sheet = build_sheet(case, assessed(case, lang), lang, with_plots=False)
    assert sheet["cumulative"] == said


READING = ROOT / "tests" / "domain" / "data" / "reading"


@pytest.mark.parametrize(
    ("lang", "said", "unsaid"),
    [
        # medullary, diagnosis 2018-02-14, imaging 2025-01-10 and 2025-07-10, calcitonin
        # doubling in about 174 days (under 6 months: ATA-MTC2015's fastest band, the one
        # the prognosis turns on; `thyref assess` says it, the sheet left it out)
        (
            "fr",
            ["le 14/02/2018", "10/07/2025", "doublement en moins de 6 mois", "Fiche du 28/11/2026"],
            ["2018-02-14", "2025-07-10", "2026-11-28"],
        ),
        ("en", ["2018-02-14", "2025-07-10", "doubling in under 6 months"], ["14/02/2018"]),
    ],
)
def test_sheet_dates_and_marker_bands_read_as_the_report_says_them(
    lang: Lang, said: list[str], unsaid: list[str]
) -> None:
    import json

    case = json.loads((READING / "r09-mtc-ret-rapid.json").read_text(encoding="utf-8"))
    sheet = build_sheet(case, assessed(case, lang), lang, today=date(2026, 11, 28))
    html = re.sub(r"<svg.*?</svg>", "", render_html(sheet), flags=re.S)  # plots apart
    html = _flat(html.replace("&#39;", "'"))
    for words in said:
        assert words in html, words
    for words in unsaid:
        assert words not in html, words


def _tg_case() -> dict[str, Any]:
    """Thyroglobulin before and after the latest I-131 (2013-03-11), one value below
    detection, one of 0."""
    return {
        "format": "thyref-case/1",
        "id": "plot-all-values",
        "diagnosis": {"histology": "papillary", "date": "2011-06-01", "extent": "metastatic"},
        "rai": [
            {"date": "2012-07-02", "activity": 3.7, "unit": "GBq"},
            {"date": "2013-03-11", "activity": 100, "unit": "mCi"},
        ],
        "lesions": [{"id": "L1", "site": "lung"}],
        "labs": [
            {"date": "2014-09-01", "test": "thyroglobulin", "value": 14.0, "unit": "ng/mL"},
            {"date": "2012-01-10", "test": "thyroglobulin", "value": 4.0, "unit": "ng/mL"},
            {"date": "2013-01-10", "test": "thyroglobulin", "value": 12, "unit": "ug/L"},
            {"date": "2013-06-01", "test": "thyroglobulin", "value": 0.2, "unit": "ng/mL",
             "below_detection": True},
            {"date": "2013-09-01", "test": "thyroglobulin", "value": 3.0, "unit": "ng/mL"},
            {"date": "2014-03-01", "test": "thyroglobulin", "value": 6.5, "unit": "ng/mL"},
            {"date": "2014-06-01", "test": "thyroglobulin", "value": 0, "unit": "ng/mL"},
        ],
    }  # fmt: skip


def test_the_marker_plot_knows_every_value_and_which_were_used() -> None:
    """Session 13: the sheet's marker plot drew only the values the doubling time used
    (after the latest I-131, none below detection). Every value is there now, split."""
    from thyref.board import plots

    case = _tg_case()
    used, unused, zeros = plots.marker_values(assessed(case, "fr"), case)["thyroglobulin"]
    d = date.fromisoformat
    # after 2013-03-11 and detectable
    assert used == [(d("2013-09-01"), 3.0), (d("2014-03-01"), 6.5), (d("2014-09-01"), 14.0)]
    # before the latest I-131 (12 ug/L is 12 ng/mL), and below detection
    assert unused == [(d("2012-01-10"), 4.0), (d("2013-01-10"), 12.0), (d("2013-06-01"), 0.2)]
    # 0 has no logarithm: apart, drawn at the foot of the axis
    assert zeros == [d("2014-06-01")]


@pytest.mark.parametrize(
    ("lang", "says"),
    [
        ("fr", "valeur 0 (sous l'échelle log)"),
        ("en", "value 0 (below the log scale)"),
    ],
)
def test_a_value_of_0_is_drawn_at_the_foot_of_the_log_axis(
    lang: str, says: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Session 14: a thyroglobulin of 0 was not drawn at all (a log scale has no 0), the
    plot silent about it. It is a "0" on the axis' foot, the legend says so."""
    from thyref.board import plots

    case = _tg_case()
    drawn: list[tuple[list[date], float, float]] = []
    real = plots.draw_zeros

    def spy(ax: Any, days: list[date], colour: str, size: float, label: str | None) -> None:
        real(ax, days, colour, size, label)
        line = ax.get_lines()[-1]
        drawn.append((days, float(line.get_ydata()[0]), ax.get_ylim()[0]))
        assert line.get_clip_on() is False  # drawn whole on the axis line

    monkeypatch.setattr(plots, "draw_zeros", spy)
    svg = html.unescape(plots.markers(assessed(case, lang), lang, case))
    ((days, y, bottom),) = drawn
    assert days == [date(2014, 6, 1)]
    assert y == bottom  # at the foot of the axis, below the lowest value shown (0.2)
    assert bottom < 0.2
    assert f">{says}<" in svg.replace("\n", "")


@pytest.mark.parametrize(
    ("lang", "used", "unused", "last_rai"),
    [
        (
            "fr",
            "retenue pour la cinétique",
            "non retenue",
            "dernière cure d'iode 131",
        ),
        ("en", "used for the kinetics", "not used", "latest I-131"),
    ],
)
def test_the_marker_plot_draws_every_value_with_a_legend_saying_which(
    lang: str, used: str, unused: str, last_rai: str
) -> None:
    from thyref.board import plots

    case = _tg_case()
    svg = html.unescape(plots.markers(assessed(case, lang), lang, case))
    blue = "#0072b2"  # the first marker's colour
    # three filled points (and the legend's line), the "0" on the axis' foot, three hollow
    assert svg.count(f'style="fill: {blue}; stroke: {blue}"') == 3 + 1 + 1
    assert svg.count(f'style="fill: #ffffff; stroke: {blue}; stroke-width: 0.8"') == 3
    for said in (used, unused, last_rai):
        assert f">{said}<" in svg.replace("\n", ""), said


def test_every_value_used_needs_no_legend_of_it() -> None:
    # a medullary cancer's calcitonin, every value used: the legend as before
    from thyref.board import plots

    case, _ = load_example("ex-mtc-calcitonin")
    svg = plots.markers(assessed(case, "fr"), "fr", case)
    assert "non retenue" not in svg and "dernière cure" not in svg
    assert "fill: #ffffff; stroke: #0072b2" not in svg
