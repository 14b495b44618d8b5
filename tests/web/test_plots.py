"""Plots: the PD line of RECIST 1.1, sizes, notices and units."""

from __future__ import annotations

import re
from typing import Any

import pytest

from samples import thyroglobulin_series
from thyref.demo import demo_cases
from thyref.domain import assess, parse_case
from thyref.web import plots
from thyref.web.assessing import plot_rules


@pytest.mark.parametrize(
    ("sums", "expected"),
    [
        ([10.0], [15.0]),  # small nadir: +5 mm decides (1.2 x 10 = 12 is not enough)
        ([40.0], [48.0]),  # large nadir: +20 % decides (40 + 5 = 45 is not enough)
        ([50.0, 30.0, 35.0], [60.0, 36.0, 36.0]),  # the nadir falls, then stays at 30
        ([25.0, 25.0], [30.0, 30.0]),  # 1.2 x 25 = 30 = 25 + 5: both at once
    ],
)
def test_pd_line_is_twenty_percent_and_five_mm_over_the_nadir(
    sums: list[float], expected: list[float]
) -> None:
    assert plots.pd_limits(sums, 1.2, 5.0) == pytest.approx(expected)


def _svg(name: str, case_id: str, lang: str = "fr") -> str:
    raw = next(c for c in demo_cases() if c["id"] == case_id)
    assessment = assess(parse_case(raw), lang).to_json()  # type: ignore[arg-type]
    rules = plot_rules()
    return plots.render(
        name,
        raw,
        assessment,
        lang,
        threshold_gbq=rules.threshold_gbq,
        pr_factor=rules.pr_factor,
        pd_factor=rules.pd_factor,
    ).decode()


@pytest.mark.parametrize("name", plots.PLOTS)
def test_plots_are_drawn_at_the_size_shown_with_readable_text(name: str) -> None:
    svg = _svg(name, "ex-ftc-progression")
    head = re.search(r'<svg[^>]* width="([\d.]+)" height="([\d.]+)" viewBox="0 0 ([\d.]+) ', svg)
    assert head, svg[:300]  # sizes in CSS pixels, one SVG unit per pixel
    width, _, view_width = (float(g) for g in head.groups())
    assert width == view_width == plots.size_px(name)[0]  # shown as drawn: no shrinking
    sizes = [float(s) for s in re.findall(r"font-size:\s*([\d.]+)px", svg)]
    assert sizes and min(sizes) >= 11  # text of at least 11 CSS pixels


def test_markers_of_different_units_get_their_own_axis() -> None:
    svg = _svg("markers", "ex-mtc-calcitonin", "en")
    assert "Calcitonin (pg/mL)" in svg and "CEA (ng/mL)" in svg


@pytest.mark.parametrize(
    ("name", "case_id", "says"),
    [
        ("recist", "ex-mtc-calcitonin", "baseline scan with measured target lesions"),
        ("markers", "demo-003", "needed for a doubling time"),
    ],
)
def test_empty_plots_say_what_is_missing(name: str, case_id: str, says: str) -> None:
    assert says in " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", _svg(name, case_id, "en")))


def test_a_medullary_case_has_no_iodine_plot() -> None:
    raw = next(c for c in demo_cases() if c["id"] == "ex-mtc-calcitonin")
    assessment = assess(parse_case(raw), "fr").to_json()
    assert "rai" not in plots.plots_for(assessment)


@pytest.mark.parametrize(
    ("labs", "lang", "says"),
    [
        # one thyroglobulin value recorded, none usable for a curve: "1 enregistré" (the
        # sentence said "1 enregistré(s)")
        (1, "fr", "(1 enregistré\u00a0; 4 nécessaires pour un temps de doublement)"),
        (2, "fr", "(2 enregistrés\u00a0; 4 nécessaires pour un temps de doublement)"),
        (0, "fr", "(0 enregistré\u00a0; 4 nécessaires pour un temps de doublement)"),
        (2, "en", "(2 recorded; 4 needed for a doubling time)"),
    ],
)
def test_no_marker_curve_counts_the_values_recorded(labs: int, lang: str, says: str) -> None:
    from thyref.web.i18n import Translator

    case = {"labs": [{"test": "thyroglobulin", "value": 0} for _ in range(labs)]}
    assessment = {"refractory": {"category": "differentiated"}}
    assert plots._no_markers(case, assessment, Translator(lang)).endswith(says + ".")


def _axes_width(svg: str) -> float:
    """The width of the (first) axes' background, in SVG units."""
    patch = re.search(r'<g id="patch_2">\s*<path d="M ([\d.]+) [\d.]+\s*L ([\d.]+) ', svg)
    assert patch, svg[:600]
    return float(patch.group(2)) - float(patch.group(1))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_long_marker_legend_wraps_and_leaves_the_axes_their_width(lang: str) -> None:
    # Session 13, at a phone's width: the legend 'Thyroglobuline · 1 dosage ; 4 requis pour
    # un temps de doublement' was wider than the axes; the layout shrank the axes to make
    # room (the dates ran into each other) and the legend was cut all the same. Wrapped,
    # the axes keep most of the figure's width.
    from .support import demo_case

    raw = demo_case()  # one thyroglobulin value: too few for a doubling time
    assessment = assess(parse_case(raw), lang).to_json()  # type: ignore[arg-type]
    rules = plot_rules()
    svg = plots.render(
        "markers", raw, assessment, lang, threshold_gbq=rules.threshold_gbq,
        pr_factor=rules.pr_factor, pd_factor=rules.pd_factor,
    ).decode()  # fmt: skip
    assert "Thyroglobulin" in svg or "Thyroglobuline" in svg  # a curve, not the notice
    width = plots.size_px("markers")[0]
    assert _axes_width(svg) > 0.75 * width


def _tg_before_and_after_rai() -> dict[str, object]:
    # two thyroglobulin values before the only I-131 (2017-05-02) and five after it,
    # rising by 30 % every 90 days: the doubling time is computed from the five after it
    # (clinical-rules.md section 3: "values after the last I-131 administration")
    import copy
    from datetime import date, timedelta

    case = copy.deepcopy(next(c for c in demo_cases() if c["id"] == "ex-ftc-progression"))
    assert [r["date"] for r in case["rai"]] == ["2017-05-02"]
    before = [("2012-01-10", 30.0), ("2012-06-10", 45.0)]
    after = [
        ((date(2017, 5, 2) + timedelta(days=90 * i + 30)).isoformat(), 2 * 1.3**i) for i in range(5)
    ]
    case["labs"] = [
        {"date": d, "test": "thyroglobulin", "value": v, "unit": "ng/mL"}
        for d, v in [*before, *after]
    ]
    return case


@pytest.mark.parametrize(
    ("lang", "says"),
    [
        # the values before the latest I-131 are drawn hollow, the legend says why (they
        # were not drawn at all: the page and the board sheet disagreed)
        ("en", "values not used for the kinetics"),
        ("fr", "dosages non retenus pour la cinétique"),
    ],
)
def test_the_marker_plot_draws_the_values_the_doubling_time_left_out(lang: str, says: str) -> None:
    from datetime import date

    case = _tg_before_and_after_rai()
    assessment = assess(parse_case(case), lang).to_json()  # type: ignore[arg-type]
    ((marker, _info, used, others, zeros),) = plots._marker_groups(assessment, case)["ng/mL"]
    assert marker == "thyroglobulin"
    assert [d for d, _ in used] == [date(2017, 6, 1), date(2017, 8, 30), date(2017, 11, 28),
                                    date(2018, 2, 26), date(2018, 5, 27)]  # fmt: skip
    assert others == [(date(2012, 1, 10), 30.0), (date(2012, 6, 10), 45.0)]
    assert zeros == []
    rules = plot_rules()
    svg = plots.render(
        "markers", case, assessment, lang, threshold_gbq=rules.threshold_gbq,
        pr_factor=rules.pr_factor, pd_factor=rules.pd_factor,
    ).decode()  # fmt: skip
    words = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg))  # wrapped lines
    assert says in words, words


def _with_zeros(tg_zeros: int, more: list[tuple[str, str]] = []) -> dict[str, object]:  # noqa: B006
    # the case above, with thyroglobulins of 0 after its five values and (``more``) a
    # value of 0 of other markers, (marker, unit)
    case = _tg_before_and_after_rai()
    labs = case["labs"]
    assert isinstance(labs, list)
    labs += [
        {"date": f"2018-{7 + i:02d}-01", "test": "thyroglobulin", "value": 0, "unit": "ng/mL"}
        for i in range(tg_zeros)
    ]
    labs += [{"date": "2016-01-01", "test": t, "value": 0, "unit": u} for t, u in more]
    return case


@pytest.mark.parametrize(
    ("lang", "tg_zeros", "says"),
    [
        # one thyroglobulin of 0: a "0" at the axis' foot, the legend says why it is there
        ("en", 1, "Thyroglobulin: value of 0, below what a log scale shows (set at the foot"),
        ("fr", 1, "Thyroglobuline\u00a0: dosage à 0, sous ce que montre une échelle log"),
        # two of them: the plural
        ("en", 2, "Thyroglobulin: values of 0, below what a log scale shows (set at the foot"),
        ("fr", 2, "Thyroglobuline\u00a0: dosages à 0, sous ce que montre une échelle log"),
    ],
)
def test_a_value_of_0_is_drawn_at_the_foot_of_the_log_axis(
    lang: str, tg_zeros: int, says: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Session 14: a marker's values of 0 were not drawn at all (a log scale has no 0),
    # the plot silent about them
    from datetime import date

    from thyref.board import plots as board_plots

    case = _with_zeros(tg_zeros)
    assessment = assess(parse_case(case), lang).to_json()  # type: ignore[arg-type]
    ((*_, zeros),) = plots._marker_groups(assessment, case)["ng/mL"]
    assert zeros == [date(2018, 7 + i, 1) for i in range(tg_zeros)]
    drawn: list[tuple[list[date], float, float, bool]] = []
    real = board_plots.draw_zeros

    def spy(ax: Any, days: list[date], colour: str, size: float, label: str | None) -> None:
        real(ax, days, colour, size, label)
        line = ax.get_lines()[-1]
        drawn.append((days, float(line.get_ydata()[0]), ax.get_ylim()[0], line.get_clip_on()))

    monkeypatch.setattr(board_plots, "draw_zeros", spy)
    rules = plot_rules()
    svg = plots.render(
        "markers", case, assessment, lang, threshold_gbq=rules.threshold_gbq,
        pr_factor=rules.pr_factor, pd_factor=rules.pd_factor,
    ).decode()  # fmt: skip
    # on the foot of the axis (below the lowest value, 2 ng/mL), drawn whole over its line
    ((days, y, bottom, clipped),) = drawn
    assert days == zeros and y == bottom < 2 and clipped is False
    words = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg))  # wrapped lines
    assert says in words, words


def test_an_axis_of_values_of_0_only_is_not_drawn() -> None:
    # a log scale has nothing to show of a calcitonin whose only value is 0 (pg/mL: an
    # axis of its own): no axis; a CEA of 0 (ng/mL) is drawn on the thyroglobulin's axis
    from datetime import date

    case = _with_zeros(0, [("calcitonin", "pg/mL"), ("cea", "ng/mL")])
    assessment = assess(parse_case(case), "en").to_json()  # type: ignore[arg-type]
    groups = plots._marker_groups(assessment, case)
    assert list(groups) == ["ng/mL"]
    assert [(m[0], m[-1]) for m in groups["ng/mL"]] == [
        ("thyroglobulin", []),
        ("cea", [date(2016, 1, 1)]),
    ]


def _drawn_markers(case: dict[str, object], lang: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The marker plot's figure, drawn (its artists placed as in the SVG)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from thyref.web.i18n import Translator

    figures: list[Any] = []
    real = plots._svg

    def keep(fig: Any) -> bytes:
        figures.append(fig)
        return real(fig)

    monkeypatch.setattr(plots, "_svg", keep)
    assessment = assess(parse_case(case), lang).to_json()  # type: ignore[arg-type]
    plots.plot_markers(case, assessment, Translator(lang))
    (fig,) = figures
    FigureCanvasAgg(fig).draw()
    return fig


def _spread(case: dict[str, object]) -> dict[str, object]:
    # ``case`` with thyroglobulins before the latest I-131 (2017-05-02) across the upper
    # part of the axes, where an inside legend went when the top left was taken
    labs = case["labs"]
    assert isinstance(labs, list)
    labs += [
        {"date": d, "test": "thyroglobulin", "value": v, "unit": "ng/mL"}
        for d, v in [("2013-06-01", 25.0), ("2014-06-01", 12.0), ("2015-06-01", 30.0),
                     ("2016-06-01", 15.0), ("2016-12-01", 40.0)]
    ]  # fmt: skip
    return case


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize(
    "case",
    [
        # two thyroglobulins of 0 and a CEA of 0 (two more legend entries): the values
        # before the latest I-131 (2012, 30 and 45 ng/mL, top left) sat under the legend
        # that "best" placed inside the axes (in French; in English it fitted beside them)
        _with_zeros(2, [("cea", "ng/mL")]),
        # the same with values over the top of the axes: no room inside in either language
        _spread(_with_zeros(2, [("cea", "ng/mL")])),
        # no value of 0: a shorter legend
        _spread(_tg_before_and_after_rai()),
    ],
    ids=["zeros", "zeros-spread", "no-zero-spread"],
)
def test_the_marker_legend_covers_no_value(
    case: dict[str, object], lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fig = _drawn_markers(case, lang, monkeypatch)
    renderer = fig.canvas.get_renderer()
    boxes = [leg.get_window_extent(renderer) for leg in fig.legends]
    boxes += [ax.get_legend().get_window_extent(renderer) for ax in fig.axes if ax.get_legend()]
    assert boxes, "no legend"
    points = [
        (x, y, line.get_markersize())
        for ax in fig.axes
        for line in ax.get_lines()
        if line.get_marker() not in (None, "None", "", " ")
        for x, y in line.get_transform().transform(line.get_xydata())
    ]
    assert len(points) >= 7  # the seven thyroglobulins at least
    for box in boxes:
        # a point's centre, and the mark around it (markersize is in points, 1 px here)
        around = [(x, y, size / 2) for x, y, size in points]
        covered = [
            (x, y) for x, y, r in around
            if box.x0 - r < x < box.x1 + r and box.y0 - r < y < box.y1 + r
        ]  # fmt: skip
        assert covered == [], (box, covered)


def test_the_marker_plot_is_drawn_at_the_size_the_page_gives_it() -> None:
    # the legend below the axes makes the figure taller: the page's <img> says so
    from thyref.web.i18n import Translator

    case = _with_zeros(2, [("cea", "ng/mL")])
    for lang in ("fr", "en"):
        assessment = assess(parse_case(case), lang).to_json()  # type: ignore[arg-type]
        svg = plots.plot_markers(case, assessment, Translator(lang)).decode()
        head = re.search(r'<svg[^>]* width="([\d.]+)" height="([\d.]+)"', svg)
        assert head, svg[:300]
        shown = plots.size_px("markers", case, assessment, Translator(lang))
        assert (float(head.group(1)), float(head.group(2))) == shown
        assert shown[1] > plots.size_px("markers", case, assessment)[1]  # room for the legend


@pytest.mark.parametrize(
    "case",
    [
        # four decades (0.5 to 5,000 ng/mL): a label every third of a decade was too many
        thyroglobulin_series([("2012-01-10", 5000.0), ("2013-01-10", 3000.0)], [0.5, 1, 2, 4, 8]),
        # values close together (2.5 to 3.9 ng/mL), between two ticks of 1, 2, 5
        thyroglobulin_series([], [2.5, 2.8, 3.1, 3.5, 3.9]),
    ],
    ids=["four-decades", "close-together"],
)
def test_the_marker_axis_says_a_few_values(
    case: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    fig = _drawn_markers(case, "en", monkeypatch)
    (ax,) = fig.axes
    low, high = ax.get_ylim()
    shown = [t for t in ax.get_yticklabels() if t.get_text() and low <= t.get_position()[1] <= high]
    assert 2 <= len(shown) <= 6, [t.get_text() for t in shown]
