"""Case plots as SVG (matplotlib, object API: no pyplot state, safe in threads).

Every plot reads only the stored case JSON and its assessment JSON, so a plot of a
version never changes: it is cached by (case, version, plot, language). Thresholds
(22 GBq, PR/PD factors) come from the rules data file, not from here.
"""

from __future__ import annotations

import io
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any

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


def _mpl() -> tuple[Any, Any, Any]:
    """Import matplotlib lazily (it costs ~0.3 s) and configure SVG output once."""
    import matplotlib
    from matplotlib import dates as mdates
    from matplotlib.figure import Figure

    matplotlib.rcParams["svg.fonttype"] = "none"
    matplotlib.rcParams["svg.hashsalt"] = "thyref"
    matplotlib.rcParams["font.size"] = 10
    return Figure, mdates, matplotlib


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _figure(height: float = 3.0) -> tuple[Any, Any, Any]:
    Figure, mdates, _ = _mpl()
    fig = Figure(figsize=(7.2, height), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    ax.grid(True, color="#dddddd", linewidth=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax, mdates


def _svg(fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def _date_axis(ax: Any, mdates: Any, span: tuple[date, date] | None) -> None:
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    # numeric months: month names would be English on the French page (strftime %b)
    formatter = mdates.ConciseDateFormatter(
        locator,
        formats=["%Y", "%m/%Y", "%d/%m", "%H:%M", "%H:%M", "%S"],
        zero_formats=["", "%Y", "%m/%Y", "%d/%m", "%H:%M", "%H:%M"],
        offset_formats=["", "%Y", "%m/%Y", "%d/%m/%Y", "%d/%m/%Y", "%d/%m/%Y %H:%M"],
    )
    ax.xaxis.set_major_formatter(formatter)
    if span is not None:
        ax.set_xlim(span[0], span[1])


def _no_data(ax: Any, t: Translator) -> None:
    """The "not enough data" notice in the middle of a plot."""
    ax.text(
        0.5, 0.5, t("plot.no_data"), ha="center", va="center", transform=ax.transAxes,
        color="#555555",
    )  # fmt: skip


def _empty(ax: Any, t: Translator, mdates: Any, span: tuple[date, date] | None) -> None:
    if span is not None:
        _date_axis(ax, mdates, span)
    else:
        ax.set_xticks([])
    _no_data(ax, t)
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


def plot_markers(case: JsonObject, assessment: JsonObject, t: Translator) -> bytes:
    fig, ax, mdates = _figure()
    kinetics = assessment.get("kinetics") or {}
    drawn = 0
    for index, (marker, info) in enumerate(kinetics.items()):
        series = [(_day(d), float(v)) for d, v in info.get("series") or [] if v and v > 0]
        points = [(d, v) for d, v in series if d is not None]
        if not points:
            continue
        colour, symbol = COLOURS[index % len(COLOURS)], MARKERS[index % len(MARKERS)]
        label = f"{t(f'marker.{marker}')} ({info.get('unit', '')})"
        doubling, halving = info.get("doubling_time_days"), info.get("halving_time_days")
        if doubling:
            label += " · " + t("plot.doubling", d=f"{doubling:g}")
        elif halving:
            label += " · " + t("plot.halving", d=f"{halving:g}")
        xs = [d for d, _ in points]
        ys = [v for _, v in points]
        ax.plot(xs, ys, linestyle="none", marker=symbol, color=colour, label=label)
        rate = (math.log(2) / doubling) if doubling else (-math.log(2) / halving if halving else 0)
        if rate and len(points) >= 2:
            # The least-squares line passes through the mean of (day, ln value).
            ordinals = [d.toordinal() for d in xs]
            mean_x = sum(ordinals) / len(ordinals)
            mean_y = sum(math.log(v) for v in ys) / len(ys)
            fit = [math.exp(mean_y + rate * (x - mean_x)) for x in (ordinals[0], ordinals[-1])]
            ax.plot([xs[0], xs[-1]], fit, color=colour, linestyle="--", linewidth=1.2)
        drawn += 1
    if drawn:
        ax.set_yscale("log")
        from matplotlib.ticker import FuncFormatter

        plain = FuncFormatter(lambda value, _pos: f"{value:g}")
        ax.yaxis.set_major_formatter(plain)
        ax.yaxis.set_minor_formatter(plain)
        ax.tick_params(axis="y", which="minor", labelsize=7)
        ax.legend(loc="best", fontsize=8, frameon=False)
        _date_axis(ax, mdates, time_span(case, assessment))
    else:
        _empty(ax, t, mdates, time_span(case, assessment))
    return _svg(fig)


def plot_recist(
    case: JsonObject, assessment: JsonObject, t: Translator, pr_factor: float, pd_factor: float
) -> bytes:
    fig, ax, mdates = _figure()
    recist = assessment.get("recist") or {}
    baseline_date = _day(recist.get("baseline_date"))
    baseline_sum = recist.get("baseline_sum_mm")
    points: list[tuple[date, float, str]] = []
    if baseline_date is not None and baseline_sum is not None:
        points.append((baseline_date, float(baseline_sum), ""))
    for tp in recist.get("timepoints") or []:
        day, total = _day(tp.get("date")), tp.get("sum_mm")
        if day is not None and total is not None:
            points.append((day, float(total), str(tp.get("overall_response") or "")))
    if not points:
        _empty(ax, t, mdates, time_span(case, assessment))
        return _svg(fig)
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    ax.plot(xs, ys, color=COLOURS[0], marker="o", linewidth=1.8, label=t("plot.sum_mm"))
    for day, total, response in points[1:]:
        ax.annotate(
            t.label("response", response),
            (day, total),
            textcoords="offset points",
            xytext=(0, 7),
            ha="center",
            fontsize=8,
            color=RESPONSE_COLOURS.get(response, "#333333"),
            fontweight="bold",
        )
    nadir = min(ys)
    first = ys[0]
    ax.axhline(first, color="#555555", linestyle=":", linewidth=1, label=t("plot.baseline"))
    ax.axhline(nadir, color=COLOURS[2], linestyle="-.", linewidth=1, label=t("plot.nadir"))
    ax.axhline(
        first * pr_factor, color=COLOURS[5], linestyle="--", linewidth=1, label=t("plot.pr_line")
    )
    ax.axhline(
        nadir * pd_factor, color=COLOURS[1], linestyle="--", linewidth=1, label=t("plot.pd_line")
    )
    ax.set_ylabel("mm")
    ax.set_ylim(bottom=0, top=max(max(ys), nadir * pd_factor) * 1.15)
    ax.legend(loc="best", fontsize=8, frameon=False, ncol=2)
    _date_axis(ax, mdates, time_span(case, assessment))
    return _svg(fig)


def plot_rai(
    case: JsonObject, assessment: JsonObject, t: Translator, threshold_gbq: float
) -> bytes:
    fig, ax, mdates = _figure()
    history = (assessment.get("rai") or {}).get("history") or []
    points = [(_day(h.get("date")), float(h.get("cumulative_gbq") or 0)) for h in history]
    steps = [(d, v) for d, v in points if d is not None]
    span = time_span(case, assessment)
    ax.axhline(
        threshold_gbq,
        color=COLOURS[1],
        linestyle="--",
        linewidth=1.2,
        label=t("plot.threshold", gbq=f"{threshold_gbq:g}"),
    )
    if steps:
        xs = [d for d, _ in steps]
        ys = [v for _, v in steps]
        end = span[1] if span else xs[-1]
        ax.step(
            [*xs, end],
            [*ys, ys[-1]],
            where="post",
            color=COLOURS[0],
            linewidth=1.8,
            label=t("plot.gbq"),
        )
        ax.plot(xs, ys, linestyle="none", marker="o", color=COLOURS[0])
        top = max(threshold_gbq, max(ys))
    else:
        top = threshold_gbq
        _no_data(ax, t)
    ax.set_ylim(0, top * 1.15)
    ax.set_ylabel("GBq")
    ax.legend(loc="best", fontsize=8, frameon=True, framealpha=0.9, edgecolor="none")
    _date_axis(ax, mdates, span)
    return _svg(fig)


def plot_timeline(case: JsonObject, assessment: JsonObject, t: Translator) -> bytes:
    fig, ax, mdates = _figure(height=2.6)
    rows: list[tuple[str, list[tuple[date, str, str]]]] = []
    diagnosis = case.get("diagnosis") if isinstance(case.get("diagnosis"), Mapping) else {}
    diag_day = _day((diagnosis or {}).get("date"))
    rows.append((t("plot.diagnosis_row"), [(diag_day, "", COLOURS[6])] if diag_day else []))
    rai = [
        (d, f"{float(h.get('gbq') or 0):g}", COLOURS[0])
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
                    xytext=(0, 7),
                    ha="center",
                    fontsize=7.5,
                    color="#222222",
                )
    ax.set_yticks(range(len(rows)), [label for label, _ in reversed(rows)])
    ax.set_ylim(-0.6, len(rows) - 0.3)
    ax.grid(True, axis="x", color="#dddddd", linewidth=0.6)
    ax.grid(False, axis="y")
    if span:
        _date_axis(ax, mdates, span)
    else:
        ax.set_xticks([])
    return _svg(fig)


class PlotCache:
    """A small LRU of rendered SVGs keyed by (case id, version, plot, language)."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._items: OrderedDict[tuple[str, int, str, str], bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, int, str, str], make: Callable[[], bytes]) -> bytes:
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


def render(
    name: str,
    case: JsonObject,
    assessment: JsonObject,
    lang: str,
    *,
    threshold_gbq: float,
    pr_factor: float,
    pd_factor: float,
) -> bytes:
    """One plot as SVG bytes. ``name`` is one of ``PLOTS``."""
    t = Translator(lang)
    # matplotlib's text layout is not guaranteed thread-safe: one figure at a time.
    with _lock:
        if name == "markers":
            return plot_markers(case, assessment, t)
        if name == "recist":
            return plot_recist(case, assessment, t, pr_factor, pd_factor)
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
        parts = []
        for marker, info in (assessment.get("kinetics") or {}).items():
            if info.get("series"):
                parts.append(f"{t(f'marker.{marker}')}: {t('kinetics.' + str(info.get('status')))}")
        return t("plot.alt_markers", detail="; ".join(parts))
    if name == "recist":
        recist = assessment.get("recist") or {}
        sums = [
            f"{tp.get('date')}{t('colon')} {tp.get('sum_mm')} mm"
            for tp in recist.get("timepoints") or []
            if tp.get("sum_mm") is not None
        ]
        return t("plot.alt_recist", detail="; ".join(sums))
    if name == "rai":
        rai = assessment.get("rai") or {}
        return t(
            "plot.alt_rai",
            gbq=rai.get("cumulative_gbq", 0),
            n=rai.get("administrations", 0),
            limit=f"{threshold_gbq:g}",
        )
    return t("plot.alt_timeline")
