"""Small plots for the board sheet, as SVG text that typst and HTML both embed.

Three figures, drawn with matplotlib's object API (no pyplot state, safe in threads):

- ``markers``: tumour markers on a log scale, every value of each (the values the doubling
  time was computed from filled, the others hollow, the values of 0, which a log scale
  cannot show, as a "0" at the foot of the axis; the legend says which), the doubling
  time of each in its legend and the latest I-131 administration;
- ``diameters``: RECIST sum of target diameters, with the baseline and nadir;
- ``activity``: cumulative I-131 activity as steps on a time axis, each administration
  marked, the diagnosis date, and the threshold of the rules file.

They read only the case JSON and its assessment JSON; labels come from the catalogue.
"""

from __future__ import annotations

import io
import math
import threading
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any, NamedTuple

from thyref.board.text import bt, num
from thyref.domain.messages import Lang, text

JsonObject = Mapping[str, Any]
# Okabe-Ito palette: distinguishable with the common colour-vision deficiencies.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00")
MARKERS = ("o", "s", "^", "D", "v")
_LOCK = threading.Lock()
WIDTH_IN = 2.45  # three plots side by side on an A4 page, drawn at their printed size
HEIGHT_IN = 1.8


def _figure() -> tuple[Any, Any]:
    import matplotlib
    from matplotlib.figure import Figure

    matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: searchable in the PDF
    matplotlib.rcParams["svg.hashsalt"] = "thyref-board"
    matplotlib.rcParams["font.family"] = "DejaVu Sans"
    matplotlib.rcParams["font.size"] = 6.5
    # fixed margins: a layout engine would draw every figure twice (half the time)
    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=100)
    fig.subplots_adjust(left=0.2, right=0.97, top=0.95, bottom=0.16)
    ax = fig.add_subplot()
    ax.grid(True, color="#dddddd", linewidth=0.5)
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def _date_axis(ax: Any) -> None:
    from matplotlib import dates

    mdates: Any = dates  # untyped module
    locator = mdates.AutoDateLocator(minticks=2, maxticks=4)
    # with at most 4 ticks, spans of 13 to 24 months fit none of the default month steps
    # (1-6): matplotlib warned on stderr and fell back to 6; a 12-month step fits them
    locator.intervald[mdates.MONTHLY] = [1, 2, 3, 4, 6, 12]
    ax.xaxis.set_major_locator(locator)
    # numeric dates only: month names would be English on a French sheet
    ax.xaxis.set_major_formatter(
        mdates.ConciseDateFormatter(
            locator,
            formats=["%Y", "%m/%Y", "%d/%m", "%H:%M", "%H:%M", "%S"],
            zero_formats=["", "%Y", "%m/%Y", "%d/%m", "%H:%M", "%H:%M"],
            offset_formats=["", "%Y", "%m/%Y", "%d/%m/%Y", "%d/%m/%Y", "%d/%m/%Y"],
        )
    )


def _svg(fig: Any) -> str:
    buffer = io.StringIO()
    with _LOCK:  # rcParams and the text cache are process-wide: one drawing at a time
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def _empty(ax: Any, message: str) -> None:
    ax.set_xticks([])
    ax.set_yticks([])
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="#555")


def _day(value: object) -> date:
    return date.fromisoformat(str(value)[:10])


def has_markers(assessment: JsonObject, case: JsonObject | None = None) -> bool:
    """A marker has a value to draw: one the kinetics used, or (``case``) any of its labs
    (a thyroglobulin measured only before the latest I-131 is drawn, though not used)."""
    kinetics = assessment.get("kinetics") or {}
    if any(k.get("series") for k in kinetics.values()):
        return True
    return case is not None and any(v > 0 for name in kinetics for _, v in _values(case, name))


def _values(case: JsonObject, name: str) -> list[tuple[date, float]]:
    """Every value of marker ``name`` in the case's labs, in its canonical unit (the unit
    of the kinetics, converted as the engine does: exact decimals), sorted; 0 included
    (one so small it is 0 as a float too)."""
    from decimal import Decimal, InvalidOperation

    from thyref.domain.rules import load_rules

    units = load_rules().lab_units()
    if name not in units:
        return []
    factors = units[name][1]
    out: list[tuple[date, float]] = []
    for lab in case.get("labs") or []:
        if not isinstance(lab, Mapping) or lab.get("test") != name:
            continue
        raw, unit = lab.get("value"), str(lab.get("unit", ""))
        if isinstance(raw, bool) or not isinstance(raw, int | float) or unit not in factors:
            continue
        try:
            exact = Decimal(repr(raw))
            factor = factors[unit]
            value = float(exact * factor if factor is not None else exact)
            day = _day(lab.get("date"))
        except (InvalidOperation, ValueError, TypeError):
            continue
        out.append((day, value))
    return sorted(out)


def has_diameters(assessment: JsonObject) -> bool:
    rc = assessment.get("recist")
    return bool(rc and rc.get("baseline_sum_mm") is not None)


def has_activity(assessment: JsonObject) -> bool:
    return bool((assessment.get("rai") or {}).get("history"))


Points = list[tuple[date, float]]


class MarkerValues(NamedTuple):
    """One marker's values, each list by date."""

    used: Points  # those its doubling time was computed from (``series``)
    others: Points  # the others above 0 (before the latest I-131, below detection)
    zeros: list[date]  # the days of its values of 0: no place on a log scale


def marker_values(assessment: JsonObject, case: JsonObject | None) -> dict[str, MarkerValues]:
    """Per marker of the kinetics, the values its doubling time was computed from and,
    with ``case``, the others of its labs, those of 0 apart."""
    from collections import Counter

    out: dict[str, MarkerValues] = {}
    for name, k in (assessment.get("kinetics") or {}).items():
        used = sorted((_day(d), float(v)) for d, v in k.get("series") or [] if float(v) > 0)
        every = _values(case, name) if case is not None else []
        # every value above 0 but as many of each (day, value) as were used
        left = Counter((d, v) for d, v in every if v > 0)
        left.subtract(Counter(used))
        zeros = [d for d, v in every if v <= 0]
        out[name] = MarkerValues(used, sorted(left.elements()), zeros)
    return out


ZERO_MARK = "$0$"  # a value of 0, drawn as a 0 on the foot of a log axis


def draw_zeros(ax: Any, days: list[date], colour: str, size: float, label: str | None) -> None:
    """Values of 0 as a "0" in the marker's colour on the foot of the (log) axis, whose
    limits are set: below every value a log scale shows, on no value of it."""
    bottom = ax.get_ylim()[0]
    ax.plot(
        days, [bottom] * len(days), linestyle="none", marker=ZERO_MARK, markersize=size,
        color=colour, clip_on=False, zorder=4, label=label,
    )  # fmt: skip


def markers(assessment: JsonObject, lang: Lang, case: JsonObject | None = None) -> str:
    """Markers over time on a log scale; the legend gives each doubling time. With
    ``case``, every value of each marker is drawn: those the doubling time was computed
    from (``series``: after the latest I-131 for thyroglobulin, none below detection)
    filled, the others hollow, with the latest I-131 as a dotted line, and those of 0 as
    a "0" on the axis' foot; the legend says which is which."""
    from matplotlib.lines import Line2D

    fig, ax = _figure()
    drawn = 0
    hollow = False
    first: date | None = None
    zeros: list[tuple[list[date], str, str | None]] = []  # days, colour, legend
    split = marker_values(assessment, case)
    for i, (name, k) in enumerate((assessment.get("kinetics") or {}).items()):
        used, unused, at_zero = split.get(name, MarkerValues([], [], []))
        if not used and not unused and not at_zero:
            continue
        label = f"{bt(f'marker.{name}', lang)} ({k.get('unit', '')})"
        if k.get("doubling_time_days") is not None:
            label += " · " + bt(
                "plot.doubling", lang, days=num(k["doubling_time_days"], lang, places=0)
            )
        elif k.get("halving_time_days") is not None:
            label += " · " + bt(
                "plot.halving", lang, days=num(k["halving_time_days"], lang, places=0)
            )
        colour = COLOURS[i % len(COLOURS)]
        marker = MARKERS[i % len(MARKERS)]
        if at_zero:  # drawn once the axis has its limits; named by them if nothing else is
            zeros.append((at_zero, colour, None if used or unused else label))
            first = min([*at_zero, *([first] if first else [])])
        if not used and not unused:
            continue
        if unused:  # every value, joined by a thin dotted line; the unused ones hollow
            xs, ys = zip(*sorted([*used, *unused]), strict=True)
            ax.plot(xs, ys, color=colour, linewidth=0.6, linestyle=":")
            ux, uy = zip(*unused, strict=True)
            ax.plot(
                ux, uy, linestyle="none", marker=marker, markersize=3, color=colour,
                markerfacecolor="white", markeredgewidth=0.8,
                label=None if used else label,
            )  # fmt: skip
            hollow = True
        if used:
            xs, ys = zip(*used, strict=True)
            ax.plot(xs, ys, marker=marker, markersize=3, color=colour, linewidth=1, label=label)
        days = [d for d, _ in (*used, *unused)]
        first = min([*days, *([first] if first else [])])
        drawn += 1
    if not drawn:
        _empty(ax, bt("plot.no_markers", lang))
        return _svg(fig)
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    handles, labels = ax.get_legend_handles_labels()
    for _days, colour, named in zeros:
        if named is not None:  # a marker whose values are all 0
            handles.append(_zero_handle(colour))
            labels.append(named)
    if zeros:
        handles.append(_zero_handle("#444444"))
        labels.append(bt("plot.zero", lang))
    if hollow:  # which values the doubling times were computed from
        grey = "#444444"
        handles += [
            Line2D([], [], linestyle="none", marker="o", markersize=3, color=grey),
            Line2D(
                [], [], linestyle="none", marker="o", markersize=3, color=grey,
                markerfacecolor="white", markeredgewidth=0.8,
            ),
        ]  # fmt: skip
        labels += [bt("plot.fit_used", lang), bt("plot.fit_unused", lang)]
        history = (assessment.get("rai") or {}).get("history") or []
        last_rai = max((_day(h["date"]) for h in history), default=None)
        if last_rai is not None and first is not None and last_rai > first:
            ax.axvline(last_rai, color="#777", linestyle=":", linewidth=0.8)
            handles.append(Line2D([], [], color="#777", linestyle=":", linewidth=0.8))
            labels.append(bt("plot.last_rai", lang))
    ax.set_yscale("log")
    low, high = ax.get_ylim()
    ax.set_ylim(low, high)  # the values' limits, kept: the "0"s go on its foot
    # labelled ticks written as plain numbers, only where the values are (not beside the
    # legend above them); no minor ticks
    ax.yaxis.set_major_locator(FixedLocator(log_ticks(low, high)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: num(v, lang, 3)))
    ax.yaxis.set_minor_locator(NullLocator())
    for days, colour, _ in zeros:
        draw_zeros(ax, days, colour, ZERO_SIZE, None)
    ax.set_ylabel(bt("plot.log_scale", lang))
    _date_axis(ax)
    # on white: the latest I-131's line may run under it
    legend = ax.legend(
        handles, labels, loc="upper left", fontsize=5.5, frameon=hollow or bool(zeros),
        framealpha=1, edgecolor="none", borderpad=0.2, handlelength=1.6,
    )  # fmt: skip
    legend.set_zorder(5)
    _room_above(fig, ax, legend, low, high)
    return _svg(fig)


TICKS_MAX = 6  # labelled ticks on the marker plot's axis, at most


def log_ticks(low: float, high: float) -> list[float]:
    """Ticks of a log axis from ``low`` to ``high``: 1, 2 and 5 times the powers of ten
    when 2 to ``TICKS_MAX`` of them fall in the range; when more, the powers of ten, every
    second, third... one if still too many (values over eight decades had a label every
    third of a decade, unreadable, or none at all); when fewer (values close together),
    round numbers evenly spaced, as a linear axis would have them."""
    from matplotlib.ticker import MaxNLocator

    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))

    def ladder(subs: tuple[int, ...]) -> list[float]:
        ticks = [m * 10.0**k for k in range(first, last + 1) for m in subs]
        return [t for t in ticks if low <= t <= high]

    ticks = ladder((1, 2, 5))
    if len(ticks) > TICKS_MAX:
        ticks = ladder((1,))
        return ticks[:: math.ceil(len(ticks) / TICKS_MAX)]
    if len(ticks) < 2:
        steps = MaxNLocator(nbins=TICKS_MAX - 1, steps=[1, 2, 2.5, 5, 10])
        ticks = [float(t) for t in steps.tick_values(low, high) if low <= t <= high]
    return ticks


LEGEND_GAP = 0.04  # between the legend's foot and the highest value, a share of the axes
LINES_MIN = 0.3  # the share of the axes the values keep, however tall the legend


def _room_above(fig: Any, ax: Any, legend: Any, low: float, high: float) -> None:
    """Raise the top of the log axis (its values from ``low`` to ``high``) until every
    value lies under the legend's foot, whatever the legend's height. A headroom of a
    fixed factor per legend entry left values under the legend when they spread over
    several decades (four decades of thyroglobulin: the legend hid the highest)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas: Any = FigureCanvasAgg(fig)  # untyped
    renderer = canvas.get_renderer()
    foot = legend.get_window_extent(renderer).transformed(ax.transAxes.inverted()).y0
    share = max(foot - LEGEND_GAP, LINES_MIN)
    ax.set_ylim(low, low * (high / low) ** (1 / share))


ZERO_SIZE = 4.5  # the sheet's "0": as high as its other marks


def _zero_handle(colour: str) -> Any:
    from matplotlib.lines import Line2D

    return Line2D([], [], linestyle="none", marker=ZERO_MARK, markersize=ZERO_SIZE, color=colour)


def _complete(tp: Any) -> bool:
    """A timepoint with a sum of every target: one with a target not measured has the
    sum of the measured ones only (20 mm of 60), which drawn reads as a response."""
    return tp.get("sum_mm") is not None and not tp.get("missing_targets")


def diameters(assessment: JsonObject, case: JsonObject, lang: Lang) -> str:
    """Sum of target diameters at each timepoint, with the baseline and nadir lines."""
    fig, ax = _figure()
    rc = assessment.get("recist")
    points: list[tuple[date, float]] = []
    if rc and rc.get("baseline_sum_mm") is not None:
        points.append((_day(rc["baseline_date"]), float(rc["baseline_sum_mm"])))
        points += [
            (_day(tp["date"]), float(tp["sum_mm"]))
            for tp in rc.get("timepoints") or []
            if _complete(tp)
        ]
    if len(points) < 1 or rc is None:
        _empty(ax, bt("plot.no_recist", lang))
        return _svg(fig)
    xs, ys = zip(*points, strict=True)
    ax.plot(xs, ys, marker="o", markersize=3, color=COLOURS[0], linewidth=1.2)
    base = float(rc["baseline_sum_mm"])
    ax.axhline(base, color="#777", linestyle="--", linewidth=0.7)
    ax.annotate(
        bt("plot.baseline", lang),
        (xs[-1], base),
        textcoords="offset points",
        xytext=(0, -9),
        ha="right",
        color="#555",
    )
    for tp in rc.get("timepoints") or []:
        if _complete(tp):
            code = tp.get("overall_response")
            ax.annotate(
                text(f"vocab.response.{code}", lang) if code else "",  # MS, MP in French
                (_day(tp["date"]), float(tp["sum_mm"])),
                textcoords="offset points",
                xytext=(0, 5),
                ha="center",
                color=COLOURS[1] if tp.get("overall_response") == "PD" else "#333",
                fontweight="bold",
            )
    ax.set_ylabel(bt("plot.sum_mm", lang))
    ax.set_ylim(0, max(ys) * 1.3)
    ax.margins(x=0.12)
    _date_axis(ax)
    return _svg(fig)


def activity(assessment: JsonObject, case: JsonObject, lang: Lang) -> str:
    """Cumulative I-131 activity as steps, each administration marked, with the threshold."""
    fig, ax = _figure()
    rai = assessment.get("rai") or {}
    history = rai.get("history") or []
    diagnosis = (case.get("diagnosis") or {}).get("date")
    if not history:
        _empty(ax, bt("plot.no_rai", lang))
        return _svg(fig)
    days = [_day(h["date"]) for h in history]
    totals = [float(h["cumulative_gbq"]) for h in history]
    start = _day(diagnosis) if diagnosis else days[0]
    seen = [_day(x["date"]) for x in (*(case.get("imaging") or []), *(case.get("labs") or []))]
    end = max([days[-1], *seen])
    ax.step([start, *days, end], [0.0, *totals, totals[-1]], where="post", color=COLOURS[0])
    ax.plot(days, totals, "o", markersize=3.5, color=COLOURS[0])
    for d, total in zip(days, totals, strict=True):
        ax.annotate(
            num(total, lang), (d, total), textcoords="offset points", xytext=(2, 3), fontsize=6
        )
    threshold = float(rai.get("threshold_gbq") or 0)
    if threshold:
        ax.axhline(threshold, color=COLOURS[1], linestyle="--", linewidth=0.8)
        ax.annotate(
            bt("plot.threshold", lang, gbq=num(threshold, lang)),
            (start, threshold),
            textcoords="offset points",
            xytext=(2, -8),
            color=COLOURS[1],
            fontsize=6,
        )
    if diagnosis:
        ax.axvline(start, color="#777", linestyle=":", linewidth=0.8)
    top = max(threshold, totals[-1]) * 1.2
    if diagnosis:
        ax.annotate(
            bt("plot.diagnosis", lang),
            (start, top),
            textcoords="offset points",
            xytext=(2, -8),
            color="#555",
            fontsize=6,
        )
    ax.set_ylabel(bt("plot.gbq", lang))
    ax.set_ylim(0, top)
    pad = max((end - start) * 0.08, timedelta(days=20))  # room for the last label
    ax.set_xlim(start - pad, end + pad)
    _date_axis(ax)
    return _svg(fig)
