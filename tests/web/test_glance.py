"""The case page's first figures (``thyref.web.glance``), read from an assessment."""

from __future__ import annotations

from typing import Any

import pytest

from samples import partial_sum
from thyref.web.glance import Figure, key_figures
from thyref.web.i18n import Translator


def _figure(assessment: dict[str, Any], key: str, lang: str) -> Figure:
    figures = {f.key: f for f in key_figures({}, assessment, Translator(lang))}
    return figures[key]


def _kinetics(**thyroglobulin: Any) -> dict[str, Any]:
    return {
        "refractory": {"category": "differentiated"},
        "kinetics": {"thyroglobulin": {"status": "rising", **thyroglobulin}},
    }


@pytest.mark.parametrize(
    ("thyroglobulin", "lang", "value"),
    [
        # the days as the kinetics table writes them (564,5 j): the glance wrote a rounded
        # "564 j" beside the table's 564,5; French "an" below two years
        ({"doubling_time_days": 564.5}, "fr", "564,5 j (≈ 1,5 an)"),
        ({"doubling_time_days": 564.5}, "en", "564.5 d (≈ 1.5 y)"),
        # two years and more: "ans" (the glance wrote "an(s)" for every figure)
        ({"doubling_time_days": 800}, "fr", "800 j (≈ 2,2 ans)"),
        # a falling marker: its halving time, written the same way
        ({"halving_time_days": 120.5, "status": "falling"}, "fr", "demi-vie 120,5 j"),
    ],
)
def test_marker_figure_writes_the_days_as_the_table(
    thyroglobulin: dict[str, Any], lang: str, value: str
) -> None:
    assert _figure(_kinetics(**thyroglobulin), "marker", lang).value == value


@pytest.mark.parametrize(
    ("lang", "value", "detail"),
    [
        # the latest response in words with its code, its date and the best below
        (
            "fr",
            "progression (MP)",
            "dernière imagerie : 2021-01-10 · meilleure : réponse partielle (RP)",
        ),
        ("en", "progression (PD)", "latest imaging: 2021-01-10 · best: partial response (PR)"),
    ],
)
def test_recist_figure_says_responses_in_words(lang: str, value: str, detail: str) -> None:
    assessment = {
        "refractory": {"category": "differentiated"},
        "recist": {
            "baseline_date": "2020-01-10",
            "best_overall_response": "PR",
            "timepoints": [
                {"date": "2020-07-10", "overall_response": "PR"},
                {"date": "2021-01-10", "overall_response": "PD"},
            ],
        },
    }
    figure = _figure(assessment, "recist", lang)
    assert figure.value == value
    # the French colon has a no-break space before it
    assert figure.detail.replace("\u00a0", " ") == detail


@pytest.mark.parametrize(
    ("points", "lang", "detail"),
    [
        # usable values counted against the rules' minimum (4): the glance said
        # "1 dosage(s) utilisable(s)" whatever the count
        (1, "fr", "1 dosage utilisable, 4 nécessaires"),
        (0, "fr", "0 dosage utilisable, 4 nécessaires"),  # French 0: singular
        (2, "fr", "2 dosages utilisables, 4 nécessaires"),
        (1, "en", "1 usable value, 4 needed"),
        (0, "en", "0 usable values, 4 needed"),  # English 0: plural
    ],
)
def test_a_marker_without_a_doubling_time_counts_its_values(
    points: int, lang: str, detail: str
) -> None:
    figure = _figure(_kinetics(status="insufficient_data", points=points), "marker", lang)
    assert figure.missing and figure.detail == detail


def test_the_recist_plot_text_leaves_out_a_partial_sum() -> None:
    # L2 not measured on 2019-08-01: the 20 mm there is L1's alone, not the sum (it was
    # read out as the sum, with the complete ones)
    from thyref.domain import assess, parse_case
    from thyref.web.plots import alt_text

    case = partial_sum("partial-sum")
    assessment = assess(parse_case(case), "en").to_json()
    said = alt_text("recist", case, assessment, Translator("en"), 22.0)  # type: ignore[arg-type]
    assert "2020-02-01: 50 mm" in said
    assert "2019-08-01" not in said
