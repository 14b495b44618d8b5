"""The board sheet's plots (``thyref.board.plots``), drawn and looked at as figures."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from samples import partial_sum, thyroglobulin_series
from thyref.board import plots
from thyref.domain import assess, parse_case


def _drawn_markers(case: dict[str, Any], lang: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The sheet's marker plot, drawn (its artists placed as in the SVG)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figures: list[Any] = []
    real = plots._svg

    def keep(fig: Any) -> str:
        figures.append(fig)
        return real(fig)

    monkeypatch.setattr(plots, "_svg", keep)
    assessment = assess(parse_case(case), lang).to_json()  # type: ignore[arg-type]
    plots.markers(assessment, lang, case)  # type: ignore[arg-type]
    (fig,) = figures
    FigureCanvasAgg(fig).draw()
    return fig


_LEGEND_CASES = [
    # values before the latest I-131 high on the axis, at its left, where the legend
    # sat (upper left, inside the axes, above "headroom" of 3 per entry): four
    # decades of values leave that headroom smaller than the legend
    thyroglobulin_series([("2012-01-10", 5000.0), ("2013-01-10", 3000.0)], [0.5, 1, 2, 4, 8]),
    # the same values with a value of 0 (two more legend entries)
    thyroglobulin_series([("2012-01-10", 5000.0), ("2013-01-10", 3000.0)], [0.5, 1, 2, 4, 0]),
    # one decade, rising after the I-131 (the demo's shape)
    thyroglobulin_series([("2012-01-10", 30.0), ("2012-06-10", 45.0)], [2, 2.6, 3.4, 4.4, 5.7]),
]
_LEGEND_IDS = ["four-decades", "four-decades-zero", "one-decade"]


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize(
    "case",
    _LEGEND_CASES,
    ids=_LEGEND_IDS,
)
def test_the_sheets_marker_legend_covers_no_value(
    case: dict[str, Any], lang: str, monkeypatch: pytest.MonkeyPatch
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
    assert len(points) >= 6
    for box in boxes:
        # a point's centre, and the mark around it (markersize in points, 1 px here)
        around = [(x, y, size / 2) for x, y, size in points]
        covered = [
            (round(x), round(y))
            for x, y, r in around
            if box.x0 - r < x < box.x1 + r and box.y0 - r < y < box.y1 + r
        ]
        assert covered == [], (box, covered)
    # the axis says its values: a few labelled ticks, none of them empty
    (ax,) = fig.axes
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert 2 <= len(labels) <= plots.TICKS_MAX and all(labels), labels


@pytest.mark.parametrize("case", _LEGEND_CASES, ids=_LEGEND_IDS)
def test_the_sheets_marker_values_fill_the_axes_under_the_legend(
    case: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The axis' top is raised just enough for the legend (session 15 mutation run): every
    value inside the axes (not on an axis turned upside down), under the legend's foot,
    the highest close under it (not a top raised twice as far, the values squeezed into
    the lower part of the plot)."""
    fig = _drawn_markers(case, "en", monkeypatch)
    (ax,) = fig.axes
    renderer = fig.canvas.get_renderer()
    to_axes = ax.transAxes.inverted()
    foot = ax.get_legend().get_window_extent(renderer).transformed(to_axes).y0
    ys = [
        y
        for line in ax.get_lines()
        if line.get_marker() not in (None, "None", "", " ")
        for _x, y in to_axes.transform(line.get_transform().transform(line.get_xydata()))
    ]
    assert ys
    # inside the axes (the "0"s on its foot, y = 0) and under the legend
    assert all(-1e-9 <= y < foot for y in ys), (ys, foot)
    # the top is no higher than needed: the highest value within a tenth of the axes'
    # height under the legend's foot (the legend takes less than 0.7 of it here)
    assert max(ys) > foot - 0.1, (max(ys), foot)


@pytest.mark.parametrize(
    ("low", "high", "ticks"),
    [
        # one decade and a half: 1, 2 and 5 times the powers of ten
        (1.5, 60.0, [2.0, 5.0, 10.0, 20.0, 50.0]),
        # the range's ends are ticks when they fall on one
        (1.0, 10.0, [1.0, 2.0, 5.0, 10.0]),
        # three decades: 1, 2, 5 would be 9 ticks, so the powers of ten
        (0.5, 800.0, [1.0, 10.0, 100.0]),
        # eleven decades: every second power of ten
        (0.3, 2.0e10, [1.0, 100.0, 10000.0, 1000000.0, 100000000.0, 10000000000.0]),
        # two of the 1-2-5 ladder are enough
        (1.5, 9.5, [2.0, 5.0]),
        # below 1 too: the ladder starts at the lowest value's decade, not at 1
        (0.15, 6.0, [0.2, 0.5, 1.0, 2.0, 5.0]),
        # exactly TICKS_MAX (6) of the ladder: all kept, not thinned to powers of ten
        (1.0, 50.0, [1.0, 2.0, 5.0, 10.0, 20.0, 50.0]),
        # fewer than two of the ladder (none between 2 and 5): the linear axis' round
        # numbers, the smallest step of 1, 2, 2.5 or 5 x 10^n that gives at most 5
        # intervals: 1.4 / 5 = 0.28, so steps of 0.5 (not 0.3); the upper end falls on
        # one: a tick
        (2.1, 3.5, [2.5, 3.0, 3.5]),
        # 2.4 / 5 = 0.48: steps of 0.5, four ticks (not steps of 1 and two ticks)
        (2.05, 4.45, [2.5, 3.0, 3.5, 4.0]),
        # the same steps with the range's lower end on one of them: it is a tick
        (2.5, 4.4, [2.5, 3.0, 3.5, 4.0]),
    ],
)
def test_log_ticks(low: float, high: float, ticks: list[float]) -> None:
    assert plots.log_ticks(low, high) == pytest.approx(ticks)


@pytest.mark.parametrize(
    ("low", "high"),
    [
        (2.1, 4.9),  # inside one step of the 1-2-5 ladder (between 2 and 5)
        (2.445, 3.988),  # values rising from 2.5 to 3.9 ng/mL (seen drawn with no tick)
        (3.1, 3.9),  # closer still
        (101.0, 180.0),  # between 100 and 200
        (0.021, 0.048),  # below 1
    ],
)
def test_close_values_get_round_ticks(low: float, high: float) -> None:
    ticks = plots.log_ticks(low, high)
    assert 2 <= len(ticks) <= plots.TICKS_MAX, ticks
    assert all(low <= t <= high for t in ticks), ticks
    # round: two significant digits at most, evenly spaced
    assert all(float(f"{t:.2g}") == pytest.approx(t) for t in ticks), ticks
    gaps = {round(b - a, 9) for a, b in itertools.pairwise(ticks)}
    assert len(gaps) == 1, ticks


# baseline 60 mm (L1 30 + L2 30); L2 not measured on 2019-08-01 (the 20 mm there is L1's
# alone, NE); both measured on 2020-02-01 (50 mm)
_PARTIAL_SUM = partial_sum("partial-sum")


def test_the_sheets_diameter_line_leaves_out_a_partial_sum(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the partial sum (20 mm of 60) was drawn as a point: a deep fall then a rise, a
    # response and a relapse to the eye, where one target was only not measured
    figures: list[Any] = []
    real = plots._svg

    def keep(fig: Any) -> str:
        figures.append(fig)
        return real(fig)

    monkeypatch.setattr(plots, "_svg", keep)
    assessment = assess(parse_case(_PARTIAL_SUM), "en").to_json()  # type: ignore[arg-type]
    plots.diameters(assessment, _PARTIAL_SUM, "en")  # type: ignore[arg-type]
    (fig,) = figures
    (line,) = [ln for ln in fig.axes[0].lines if ln.get_marker() == "o"]
    assert [float(y) for y in line.get_ydata()] == [60.0, 50.0]
