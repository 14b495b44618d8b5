"""Case plots as SVG (matplotlib, object API: no pyplot state, safe in threads).

Every plot reads only the stored case JSON and its assessment JSON, so a plot of a
version never changes: it is cached by a hash of its content, plot and language. Thresholds
(22 GBq, PR/PD lines) come from the rules data file, not from here. Plots are drawn at
the size the page shows them (``size_px``), so their text is 11-12 px on screen.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
import textwrap
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any

from thyref.board.plots import Points, log_ticks
from thyref.domain.rules import load_rules
from thyref.web.i18n import Translator

JsonObject = Mapping[str, Any]
PLOTS = ("markers", "recist", "rai", "timeline")

# Okabe-Ito palette: distinguishable with the common colour-vision deficiencies.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
MARKERS = ("o", "s", "^", "D", "v")
RESPONSE_COLOURS = {
    "CR": "#009E73",
    "PR": "#56B4E9",
    "SD": "#555555",
    "NON_CR_NON_PD": "#555555",
    "PD": "#D55E00",
    "NE": "#999999",
}
_lock = threading.Lock()
_PT_SIZE = re.compile(r'width="([\d.]+)pt" height="([\d.]+)pt"')


# Plots are drawn at the size they are shown. matplotlib lays out in points (72 per
# inch); the SVG is written in CSS pixels with one pixel per point (``_svg``), so every
# size below is in pixels on the page: 400 px wide, text 12 px, ticks and legends 11 px.
UNIT = 72.0  # SVG units (= CSS pixels) per matplotlib inch
WIDTH_PX = 400
HEIGHT_PX = {"markers": 290, "recist": 330, "rai": 300, "timeline": 250}
MARKER_AXIS_PX = 200  # height of each marker panel (one unit per axis)
LEGEND_CHARS = 44  # a legend line of the marker plot fits in its width at 11 pt
# the marker plot's legend sits below the axes, the figure made taller by its height: a
# line of text, the space between two entries, the space around it
LEGEND_LINE_PX = 15.0
LEGEND_GAP_PX = 3.0
LEGEND_PAD_PX = 12.0
FONT_PT = 12.0
SMALL_PT = 11.0
ZERO_PX = 9.0  # a value of 0: a "0" as high as the other marks


def size_px(
    name: str,
    case: JsonObject | None = None,
    assessment: JsonObject | None = None,
    t: Translator | None = None,
) -> tuple[int, int]:
    """(width, height) in CSS pixels at which plot ``name`` is drawn and shown; the
    marker plot's legend, below its axes, is counted with ``t`` (its words)."""
    height = HEIGHT_PX[name]
    if name == "markers" and assessment is not None:
        groups = _marker_groups(assessment, case)
        height = max(height, MARKER_AXIS_PX * max(1, len(groups)) + 60)
        if t is not None and groups:
            height += round(_legend_px(groups, t))
    return WIDTH_PX, height


def plots_for(assessment: JsonObject) -> tuple[str, ...]:
    """The plots that apply: no I-131 plot for a medullary cancer (iodine does not apply)."""
    category = (assessment.get("refractory") or {}).get("category")
    return tuple(name for name in PLOTS if not (name == "rai" and category == "medullary"))


def _mpl() -> tuple[Any, Any, Any]:
    """Import matplotlib lazily (it costs ~0.3 s) and configure SVG output once."""
    import matplotlib
    from matplotlib import dates as mdates
    from matplotlib.figure import Figure

    matplotlib.rcParams["svg.fonttype"] = "none"
    matplotlib.rcParams["svg.hashsalt"] = "thyref"
    matplotlib.rcParams["font.size"] = FONT_PT
    matplotlib.rcParams["xtick.labelsize"] = SMALL_PT
    matplotlib.rcParams["ytick.labelsize"] = SMALL_PT
    matplotlib.rcParams["legend.fontsize"] = SMALL_PT
    matplotlib.rcParams["axes.labelsize"] = FONT_PT
    return Figure, mdates, matplotlib


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _style(ax: Any) -> None:
    ax.grid(True, color="#dddddd", linewidth=0.6)
    ax.spines[["top", "right"]].set_visible(False)


def _figure(name: str, rows: int = 1, height: int | None = None) -> tuple[Any, list[Any], Any]:
    Figure, mdates, _ = _mpl()
    height = height or HEIGHT_PX[name]
    fig = Figure(figsize=(WIDTH_PX / UNIT, height / UNIT), dpi=UNIT, layout="constrained")
    axes = list(fig.subplots(rows, 1, sharex=True, squeeze=False)[:, 0])
    for ax in axes:
        _style(ax)
    return fig, axes, mdates


def _svg(fig: Any) -> bytes:
    """The figure as SVG whose units are CSS pixels (``width="400"``, not ``"400pt"``)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = _PT_SIZE.sub(r'width="\1" height="\2"', buffer.getvalue().decode(), count=1)
    return svg.encode()


def _date_axis(ax: Any, mdates: Any, span: tuple[date, date] | None, t: Translator) -> None:
    locator = mdates.AutoDateLocator(minticks=3, maxticks=6)
    ax.xaxis.set_major_locator(locator)
    # numeric months: month names would be English on the French page (strftime %b)
    formatter = mdates.ConciseDateFormatter(
        locator,
        formats=["%Y", "%m/%Y", "%d/%m", "%H:%M", "%H:%M", "%S"],
        zero_formats=["", "%Y", "%m/%Y", "%d/%m", "%H:%M", "%H:%M"],
        offset_formats=["", "%Y", "%m/%Y", "%d/%m/%Y", "%d/%m/%Y", "%d/%m/%Y %H:%M"],
    )
    ax.xaxis.set_major_formatter(formatter)
    ax.set_xlabel(t("plot.date"))
    if span is not None:
        ax.set_xlim(span[0], span[1])


def _notice(ax: Any, message: str) -> None:
    """A "not enough data" notice saying what is missing, in the middle of a plot."""
    import textwrap

    ax.text(
        0.5, 0.5, "\n".join(textwrap.wrap(message, 52)), ha="center", va="center",
        transform=ax.transAxes, color="#333333",
        bbox={"boxstyle": "round,pad=0.5", "facecolor": "#f4f6f8", "edgecolor": "#d0d7de"},
    )  # fmt: skip


def _empty(ax: Any, t: Translator, mdates: Any, span: tuple[date, date] | None, why: str) -> None:
    if span is not None:
        _date_axis(ax, mdates, span, t)
    else:
        ax.set_xticks([])
    _notice(ax, why)
    ax.set_yticks([])


def time_span(case: JsonObject, assessment: JsonObject) -> tuple[date, date] | None:
    """The shared time axis of every plot: first to last dated event, with a margin."""
    days: list[date] = []
    diagnosis = case.get("diagnosis")
    if isinstance(diagnosis, Mapping):
        days.append(_day(diagnosis.get("date")) or date.max)
    for key in ("rai", "imaging", "labs", "molecular"):
        for item in case.get(key) or []:
            if isinstance(item, Mapping):
                days.append(_day(item.get("date")) or date.max)
    days = [d for d in days if d != date.max]
    if not days:
        return None
    first, last = min(days), max(days)
    margin = max((last - first).days // 20, 30)
    return first - timedelta(days=margin), last + timedelta(days=margin)


# marker, its kinetics, values used, others, days of its values of 0
Member = tuple[str, JsonObject, Points, Points, list[date]]


def _marker_groups(assessment: JsonObject, case: JsonObject | None) -> dict[str, list[Member]]:
    """Markers with values to draw, grouped by unit (one axis per unit, never two units),
    each with the values its doubling time was computed from and, with ``case``, the
    others (before the latest I-131, below detection) and the days of those of 0; an
    axis whose every value is 0 is not drawn (a log scale has nothing to show)."""
    from thyref.board.plots import MarkerValues, marker_values

    category = (assessment.get("refractory") or {}).get("category")
    values = marker_values(assessment, case)
    groups: dict[str, list[Member]] = {}
    for marker, info in (assessment.get("kinetics") or {}).items():
        if category == "medullary" and marker in ("thyroglobulin", "tg_antibodies"):
            continue  # thyroglobulin says nothing of a medullary cancer
        used, others, zeros = values.get(marker, MarkerValues([], [], []))
        if used or others or zeros:
            member = (marker, info, used, others, zeros)
            groups.setdefault(str(info.get("unit", "")), []).append(member)
    return {unit: members for unit, members in groups.items() if any(m[2] or m[3] for m in members)}


def _marker_labels(member: Member, t: Translator) -> list[str]:
    """The legend's entries of one marker, wrapped, in the order they are drawn: its
    values (with the doubling or halving time, or how many more it needs), those the
    doubling time was not computed from, those of 0."""
    marker, info, points, others, zeros = member
    what = t.label("test", marker)
    label = what
    doubling, halving = info.get("doubling_time_days"), info.get("halving_time_days")
    need = load_rules().kinetics.min_points
    if doubling:
        label += " · " + t("plot.doubling", d=f"{doubling:.0f}")
    elif halving:
        label += " · " + t("plot.halving", d=f"{halving:.0f}")
    elif len(points) < need:
        label += " · " + t.plural("plot.too_few", len(points), need=need)
    labels = [label]
    if others:
        labels.append(t("plot.not_fitted", what=what))
    if zeros:
        labels.append(t.plural("plot.zero", len(zeros), what=what))
    # wrapped: a legend wider than the figure is cut at its edge
    return [textwrap.fill(label, LEGEND_CHARS) for label in labels]


def _legend_px(groups: dict[str, list[Member]], t: Translator) -> float:
    """The height of the marker plot's legend (every axis' entries, one a row)."""
    labels = [
        label for members in groups.values() for m in members for label in _marker_labels(m, t)
    ]
    lines = sum(label.count("\n") + 1 for label in labels)
    return lines * LEGEND_LINE_PX + (len(labels) - 1) * LEGEND_GAP_PX + LEGEND_PAD_PX


def _no_markers(case: JsonObject, assessment: JsonObject, t: Translator) -> str:
    """Why there is no marker to draw: how many values are recorded, how many are needed."""
    medullary = (assessment.get("refractory") or {}).get("category") == "medullary"
    tests = ("calcitonin", "cea") if medullary else ("thyroglobulin", "calcitonin", "cea")
    labs = [lab for lab in case.get("labs") or [] if isinstance(lab, Mapping)]
    recorded = sum(1 for lab in labs if lab.get("test") in tests)
    key = "plot.no_markers_mtc" if medullary else "plot.no_markers"
    return t.plural(key, recorded, need=load_rules().kinetics.min_points)


def plot_markers(case: JsonObject, assessment: JsonObject, t: Translator) -> bytes:
    """Each marker's values on a log scale, one axis per unit: those its doubling time was
    computed from filled, with the fitted line; the others (before the latest I-131,
    below detection) hollow, and those of 0 as a "0" at the axis' foot, as on the board
    sheet."""
    from thyref.board.plots import draw_zeros

    groups = _marker_groups(assessment, case)
    span = time_span(case, assessment)
    height = size_px("markers", case, assessment, t)[1]
    fig, axes, mdates = _figure("markers", rows=max(1, len(groups)), height=height)
    if not groups:
        _empty(axes[0], t, mdates, span, _no_markers(case, assessment, t))
        return _svg(fig)
    from matplotlib.ticker import FixedLocator, FuncFormatter

    plain = FuncFormatter(lambda value, _pos: t.say("web.number", n=f"{value:g}"))
    index = 0
    colours: dict[str, str] = {}
    zero_labels: dict[str, str] = {}
    for ax, (unit, members) in zip(axes, groups.items(), strict=True):
        for member in members:
            marker, info, points, others, zeros = member
            colour, symbol = COLOURS[index % len(COLOURS)], MARKERS[index % len(MARKERS)]
            colours[marker] = colour
            index += 1
            label, *more = _marker_labels(member, t)
            xs = [d for d, _ in points]
            ys = [v for _, v in points]
            ax.plot(xs, ys, linestyle="none", marker=symbol, color=colour, label=label)
            if others:  # hollow: values the doubling time was not computed from
                ox, oy = zip(*others, strict=True)
                ax.plot(
                    ox, oy, linestyle="none", marker=symbol, color=colour,
                    markerfacecolor="white", label=more[0],
                )  # fmt: skip
            if zeros:
                zero_labels[marker] = more[-1]
            doubling, halving = info.get("doubling_time_days"), info.get("halving_time_days")
            rate = (
                (math.log(2) / doubling) if doubling else (-math.log(2) / halving if halving else 0)
            )
            if rate and len(points) >= 2:
                # The least-squares line passes through the mean of (day, ln value).
                ordinals = [d.toordinal() for d in xs]
                mean_x = sum(ordinals) / len(ordinals)
                mean_y = sum(math.log(v) for v in ys) / len(ys)
                fit = [math.exp(mean_y + rate * (x - mean_x)) for x in (ordinals[0], ordinals[-1])]
                ax.plot([xs[0], xs[-1]], fit, color=colour, linestyle="--", linewidth=1.2)
        ax.set_yscale("log")
        ax.set_ylim(*ax.get_ylim())  # the limits of the values above 0, kept
        # a few labelled values, 1, 2, 5 times the powers of ten or fewer (the sheet's)
        ax.yaxis.set_major_locator(FixedLocator(log_ticks(*ax.get_ylim())))
        ax.yaxis.set_major_formatter(plain)
        ax.yaxis.set_minor_formatter(FuncFormatter(lambda _v, _p: ""))
        for marker, _info, _points, _others, zeros in members:
            if zeros:
                draw_zeros(ax, zeros, colours[marker], ZERO_PX, zero_labels[marker])
        names = ", ".join(t.label("test", m) for m, *_ in members)
        ax.set_ylabel(t("plot.value_axis", what=names, unit=t.label("lab_unit", unit)))
    for ax in axes[:-1]:
        ax.tick_params(labelbottom=False)
    _date_axis(axes[-1], mdates, span, t)
    # below the axes, never on a value (inside them, "best" still hid some: a value of 0
    # adds an entry, and the values before the latest I-131 sat under it), the figure
    # made taller by its height (``size_px``)
    fig.legend(loc="outside lower center", frameon=False, alignment="left")
    return _svg(fig)


def pd_limits(sums: list[float], pd_factor: float, pd_min_mm: float) -> list[float]:
    """The sum that would be progression after each scan: +20 % AND +5 mm over the nadir.

    The nadir is the smallest sum so far (baseline included), so the line steps down
    when the disease shrinks.
    """
    nadirs = [min(sums[: i + 1]) for i in range(len(sums))]
    return [max(n * pd_factor, n + pd_min_mm) for n in nadirs]


def plot_recist(
    case: JsonObject,
    assessment: JsonObject,
    t: Translator,
    pr_factor: float,
    pd_factor: float,
    pd_min_mm: float,
) -> bytes:
    fig, (ax,), mdates = _figure("recist")
    recist = assessment.get("recist") or {}
    span = time_span(case, assessment)
    baseline_date = _day(recist.get("baseline_date"))
    baseline_sum = recist.get("baseline_sum_mm")
    points: list[tuple[date, float, str, float | None]] = []
    if baseline_date is not None and baseline_sum is not None:
        points.append((baseline_date, float(baseline_sum), "", None))
    for tp in recist.get("timepoints") or []:
        day, total = _day(tp.get("date")), tp.get("sum_mm")
        # a target not measured: the sum of the measured ones only, not drawn (20 mm of 60
        # read as a response)
        if day is not None and total is not None and not tp.get("missing_targets"):
            nadir = tp.get("nadir_mm")
            points.append(
                (
                    day,
                    float(total),
                    str(tp.get("overall_response") or ""),
                    None if nadir is None else float(nadir),
                )
            )
    if not points:
        _empty(ax, t, mdates, span, t("plot.no_recist"))
        return _svg(fig)
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    ax.plot(xs, ys, color=COLOURS[0], marker="o", linewidth=1.8, label=t("plot.sum_legend"))
    for day, total, response, _ in points[1:]:
        ax.annotate(
            t.label("response", response),
            (day, total),
            textcoords="offset points",
            xytext=(0, 7),
            ha="center",
            fontsize=SMALL_PT,
            color=RESPONSE_COLOURS.get(response, "#333333"),
            fontweight="bold",
        )
    first = ys[0]
    end = span[1] if span else xs[-1]
    ax.axhline(first, color="#555555", linestyle=":", linewidth=1, label=t("plot.baseline"))
    ax.axhline(
        first * pr_factor,
        color=COLOURS[5],
        linestyle="--",
        linewidth=1,
        label=t("plot.pr_line", pct=f"{(1 - pr_factor) * 100:.0f}"),
    )
    # PD threshold at each scan: at least +20 % AND +5 mm above the nadir before it.
    limits = pd_limits(ys, pd_factor, pd_min_mm)
    ax.step(
        [*xs, end],
        [*limits, limits[-1]],
        where="post",
        color=COLOURS[1],
        linestyle="--",
        linewidth=1.2,
        label=t("plot.pd_line", pct=f"{(pd_factor - 1) * 100:.0f}", mm=f"{pd_min_mm:g}"),
    )
    ax.set_ylabel(t("plot.sum_mm"))
    ax.set_ylim(bottom=0, top=max(max(ys), max(limits)) * 1.18)
    fig.legend(loc="outside lower center", ncol=2, frameon=False)
    _date_axis(ax, mdates, span, t)
    return _svg(fig)


def plot_rai(
    case: JsonObject, assessment: JsonObject, t: Translator, threshold_gbq: float
) -> bytes:
    fig, (ax,), mdates = _figure("rai")
    history = (assessment.get("rai") or {}).get("history") or []
    points = [(_day(h.get("date")), float(h.get("cumulative_gbq") or 0)) for h in history]
    steps = [(d, v) for d, v in points if d is not None]
    span = time_span(case, assessment)
    if not steps:
        _empty(ax, t, mdates, span, t("plot.no_rai"))
        return _svg(fig)
    ax.axhline(
        threshold_gbq,
        color=COLOURS[1],
        linestyle="--",
        linewidth=1.2,
        label=t("plot.threshold", gbq=f"{threshold_gbq:g}"),
    )
    xs = [d for d, _ in steps]
    ys = [v for _, v in steps]
    end = span[1] if span else xs[-1]
    ax.step(
        [*xs, end], [*ys, ys[-1]], where="post", color=COLOURS[0], linewidth=1.8,
        label=t("plot.gbq_legend"),
    )  # fmt: skip
    ax.plot(xs, ys, linestyle="none", marker="o", color=COLOURS[0])
    ax.set_ylim(0, max(threshold_gbq, max(ys)) * 1.18)
    ax.set_ylabel(t("plot.gbq"))
    fig.legend(loc="outside lower center", ncol=2, frameon=False)
    _date_axis(ax, mdates, span, t)
    return _svg(fig)


def plot_timeline(case: JsonObject, assessment: JsonObject, t: Translator) -> bytes:
    fig, (ax,), mdates = _figure("timeline")
    medullary = (assessment.get("refractory") or {}).get("category") == "medullary"
    rows: list[tuple[str, list[tuple[date, str, str]]]] = []
    diagnosis = case.get("diagnosis") if isinstance(case.get("diagnosis"), Mapping) else {}
    diag_day = _day((diagnosis or {}).get("date"))
    rows.append((t("plot.diagnosis_row"), [(diag_day, "", COLOURS[6])] if diag_day else []))
    if not medullary:
        rai = [
            (d, t.say("web.number", n=f"{float(h.get('gbq') or 0):g}"), COLOURS[0])
            for h in (assessment.get("rai") or {}).get("history") or []
            if (d := _day(h.get("date"))) is not None
        ]
        rows.append((t("plot.rai_row"), rai))
    responses = {
        str(tp.get("date")): str(tp.get("overall_response") or "")
        for tp in (assessment.get("recist") or {}).get("timepoints") or []
    }
    imaging = []
    for item in case.get("imaging") or []:
        day = _day(item.get("date")) if isinstance(item, Mapping) else None
        if day is not None:
            response = responses.get(day.isoformat(), "")
            imaging.append(
                (day, t.label("response", response), RESPONSE_COLOURS.get(response, "#555555"))
            )
    rows.append((t("plot.imaging_row"), imaging))
    labs = sorted(
        {
            d
            for item in case.get("labs") or []
            if isinstance(item, Mapping) and (d := _day(item.get("date")))
        }
    )
    rows.append((t("plot.labs_row"), [(d, "", COLOURS[2]) for d in labs]))
    molecular = [
        (d, str(item.get("gene", "")), COLOURS[3])
        for item in case.get("molecular") or []
        if isinstance(item, Mapping) and (d := _day(item.get("date")))
    ]
    rows.append((t("plot.molecular_row"), molecular))
    span = time_span(case, assessment)
    for y, (_, events) in enumerate(reversed(rows)):
        for day, text, colour in events:
            ax.plot([day], [y], marker="o", color=colour, markersize=7, linestyle="none")
            if text:
                ax.annotate(
                    text,
                    (day, y),
                    textcoords="offset points",
                    xytext=(0, 6),
                    ha="center",
                    fontsize=SMALL_PT,
                    color="#222222",
                )
    ax.set_yticks(range(len(rows)), [label for label, _ in reversed(rows)])
    ax.set_ylim(-0.6, len(rows) - 0.2)
    ax.grid(True, axis="x", color="#dddddd", linewidth=0.6)
    ax.grid(False, axis="y")
    if span:
        _date_axis(ax, mdates, span, t)
    else:
        ax.set_xticks([])
    return _svg(fig)


class PlotCache:
    """A small LRU of rendered SVGs keyed by ``content_key``: the plot, the language and a
    hash of the very data drawn, so a key can never name another patient's plot (a case
    id, or a database row id, can be reused after a delete)."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, make: Callable[[], bytes]) -> bytes:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        svg = make()
        with self._lock:
            self._items[key] = svg
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return svg

    def clear(self) -> None:
        """Forget every plot (after a delete: nothing of a deleted case stays in memory)."""
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


def content_key(
    name: str, lang: str, case: JsonObject, assessment: JsonObject, rules: object
) -> str:
    """SHA-256 of everything a plot is drawn from (and the code version drawing it)."""
    from thyref import __version__

    payload = json.dumps(
        [__version__, name, lang, repr(rules), case, assessment],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def render(
    name: str,
    case: JsonObject,
    assessment: JsonObject,
    lang: str,
    *,
    threshold_gbq: float,
    pr_factor: float,
    pd_factor: float,
    pd_min_mm: float | None = None,
) -> bytes:
    """One plot as SVG bytes. ``name`` is one of ``PLOTS``.

    The PD line needs the absolute increase of the rule (+5 mm) besides the factor; it is
    read from the rules data file when not given.
    """
    t = Translator(lang)
    if pd_min_mm is None:
        pd_min_mm = float(load_rules().recist.pd_absolute_mm)
    # matplotlib's text layout is not guaranteed thread-safe: one figure at a time.
    with _lock:
        if name == "markers":
            return plot_markers(case, assessment, t)
        if name == "recist":
            return plot_recist(case, assessment, t, pr_factor, pd_factor, pd_min_mm)
        if name == "rai":
            return plot_rai(case, assessment, t, threshold_gbq)
        if name == "timeline":
            return plot_timeline(case, assessment, t)
    raise KeyError(name)


def alt_text(
    name: str, case: JsonObject, assessment: JsonObject, t: Translator, threshold_gbq: float
) -> str:
    """A text alternative for each plot (the page also has the numbers in tables)."""
    if name == "markers":
        parts = [
            f"{t.label('test', marker)}{t.colon} {t('kinetics.' + str(info.get('status')))}"
            for members in _marker_groups(assessment, case).values()
            for marker, info, _used, _others, _zeros in members
        ]
        return t("plot.alt_markers", detail="; ".join(parts) or _no_markers(case, assessment, t))
    if name == "recist":
        recist = assessment.get("recist") or {}
        sums = [
            f"{tp.get('date')}{t.colon} {t.say('web.number', n=str(tp.get('sum_mm')))} mm"
            for tp in recist.get("timepoints") or []
            if tp.get("sum_mm") is not None and not tp.get("missing_targets")
        ]
        return t("plot.alt_recist", detail="; ".join(sums) or t("plot.no_recist"))
    if name == "rai":
        rai = assessment.get("rai") or {}
        n = int(rai.get("administrations", 0) or 0)
        return t.plural(
            "plot.alt_rai",
            n,
            gbq=str(rai.get("cumulative_gbq", 0)),
            limit=f"{threshold_gbq:g}",
        )
    return t("plot.alt_timeline")
