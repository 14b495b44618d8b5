"""Tumour-marker kinetics: doubling or halving time by log-linear least squares.

Thyroglobulin follows Miyauchi et al. 2011 (values after the last I-131, antibodies make
it unreliable, TSH should be suppressed); calcitonin and CEA follow ATA-MTC 2015 bands.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from thyref.domain.case import Case, LabValue
from thyref.domain.dates import add_months
from thyref.domain.rules import Rules

MARKERS = ("thyroglobulin", "calcitonin", "cea")
_ZERO = Decimal(0)


@dataclass(slots=True)
class Kinetics:
    marker: str
    status: str  # rising falling stable insufficient_data unreliable
    points: int
    doubling_time_days: float | None
    halving_time_days: float | None
    r2: float | None
    band: str | None
    warnings: tuple[str, ...]  # warning codes, see WARNING_CODES
    first_date: date | None
    last_date: date | None
    series: tuple[tuple[date, float], ...]  # points used (canonical unit)
    unit: str


def fit_log_linear(series: list[tuple[date, float]]) -> tuple[float, float | None]:
    """Slope (per day) of ln(value) on time, and r² (None when the values do not vary)."""
    t0 = series[0][0]
    xs = [float((d - t0).days) for d, _ in series]
    ys = [math.log(v) for _, v in series]
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    syy = sum((y - my) ** 2 for y in ys)
    slope = sxy / sxx
    r2 = None if syy == 0 else (sxy * sxy) / (sxx * syy)
    return slope, r2


def _antibodies_positive(lab: LabValue) -> bool:
    if lab.positive is not None:
        return lab.positive
    return lab.upper_limit is not None and lab.value > lab.upper_limit


def _band(marker: str, doubling_days: float, rules: Rules) -> str:
    kr = rules.kinetics
    if marker == "thyroglobulin":
        tg = kr.bands.thyroglobulin
        years = doubling_days / float(kr.days_per_year)
        if years < float(tg.edges_years[0]):
            return tg.labels[0]
        return tg.labels[1] if years < float(tg.edges_years[1]) else tg.labels[2]
    mtc = kr.bands.mtc
    months = doubling_days / float(kr.days_per_month)
    if months < float(mtc.edges_months[0]):
        return mtc.labels[0]
    return mtc.labels[1] if months <= float(mtc.edges_months[1]) else mtc.labels[2]


def marker_kinetics(case: Case, marker: str, rules: Rules, last_rai: date | None) -> Kinetics:
    kr = rules.kinetics
    values = case.labs_of(marker)
    if not values and marker != "thyroglobulin":
        unit = rules.labs[marker].canonical
        return Kinetics(
            marker, "insufficient_data", 0, None, None, None, None, (), None, None, (), unit
        )
    warnings: list[str] = []
    unreliable = False
    if marker == "thyroglobulin" and last_rai is not None:
        values = [lab for lab in values if lab.date > last_rai]
    if marker == "thyroglobulin":
        window = [
            lab for lab in case.labs_of("tg_antibodies") if last_rai is None or lab.date > last_rai
        ]
        if any(_antibodies_positive(lab) for lab in window):
            unreliable = True
            warnings.append("tg_antibodies_positive")
    # a value that is 0 as a float has no logarithm: 0 itself, or one so small that it
    # underflows (1e-321 pg/mL of thyroglobulin is 1e-324 ng/mL): both are left out
    series: list[tuple[date, float]] = []
    for lab in values:
        if not lab.below_detection:
            value = float(lab.value)
            if value > 0:
                series.append((lab.date, value))
    if len(series) < len(values):
        warnings.append("below_detection_excluded")
    # same-day values are all kept: averaging them would hide a typing error. Sorted by
    # (date, value): labs come in any order, and neither the points listed nor the fit
    # (a float sum) may follow the input order within a day
    series.sort()
    if marker == "thyroglobulin":
        # the highest TSH of each day; a day is unsuppressed when it reaches the level
        tsh_by_day: dict[date, Decimal] = {}
        for lab in case.labs_of("tsh"):
            tsh_by_day[lab.date] = max(lab.value, tsh_by_day.get(lab.date, _ZERO))
        level = kr.tsh_unsuppressed_mu_l
        if any(tsh_by_day.get(day, _ZERO) >= level for day, _ in series):
            warnings.append("tsh_not_suppressed")
    if marker != "thyroglobulin" and series:
        # in calendar months, as every window of the rules: 2021-01-01 to 2023-01-01 spans
        # two years whether or not a 29 February falls between them
        months = int((kr.bands.mtc.min_span_years * 12).to_integral_value())
        if series[-1][0] < add_months(series[0][0], months):
            warnings.append("short_span")
    unit = rules.labs[marker].canonical
    distinct_days = len({d for d, _ in series})
    if len(series) < kr.min_points or distinct_days < 2:
        return Kinetics(
            marker, "insufficient_data", len(series), None, None, None, None,
            tuple(warnings), series[0][0] if series else None,
            series[-1][0] if series else None, tuple(series), unit,
        )  # fmt: skip
    slope, r2 = fit_log_linear(series)
    doubling = math.log(2) / slope if slope > 0 else None
    halving = math.log(2) / -slope if slope < 0 else None
    # a slope so close to 0 that its doubling time overflows: no time to report (stable)
    doubling = doubling if doubling is not None and math.isfinite(doubling) else None
    halving = halving if halving is not None and math.isfinite(halving) else None
    stable_beyond = float(kr.stable_beyond_days)
    if slope == 0 or (doubling or halving or math.inf) > stable_beyond:
        status = "stable"
    else:
        status = "rising" if slope > 0 else "falling"
    if unreliable:
        status = "unreliable"
    band = _band(marker, doubling, rules) if doubling is not None else None
    return Kinetics(
        marker=marker,
        status=status,
        points=len(series),
        doubling_time_days=None if doubling is None else round(doubling, 1),
        halving_time_days=None if halving is None else round(halving, 1),
        r2=None if r2 is None else round(r2, 3),
        band=band,
        warnings=tuple(warnings),
        first_date=series[0][0],
        last_date=series[-1][0],
        series=tuple(series),
        unit=unit,
    )


def evaluate(case: Case, rules: Rules, last_rai: date | None) -> dict[str, Kinetics]:
    return {m: marker_kinetics(case, m, rules, last_rai) for m in MARKERS}
