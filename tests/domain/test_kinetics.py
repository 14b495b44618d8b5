"""Tumour-marker kinetics (clinical-rules.md section 3; MIYAUCHI2011, ATA-MTC2015).

Least squares of ln(value) on time in days: slope b; doubling time ln2/b (rising),
halving time ln2/|b| (falling), `stable` beyond 10 years; r2 and points reported; at least
4 points above the detection limit, else `insufficient_data`. Thyroglobulin: values after
the last I-131 only; positive antibodies in that window -> `unreliable` (figure still
reported); warn on TSH >= 0.1 mU/L the same day. Calcitonin/CEA: warn when the points
span less than 2 years.

For a perfect series v(t) = v0 x 2^(t / T) the regression is exact: b = ln2 / T, so the
doubling time is T and r2 = 1 (halving: v0 x 2^(-t / T) gives halving time T).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import lab, lesion, make_case, rai, run

START = dt.date(2012, 1, 1)
UNIT = {"thyroglobulin": "ng/mL", "calcitonin": "pg/mL", "cea": "ng/mL"}
HISTOLOGY = {"thyroglobulin": "papillary", "calcitonin": "medullary", "cea": "medullary"}


def _day(offset: int, start: dt.date = START) -> str:
    return (start + dt.timedelta(days=offset)).isoformat()


def _series(
    marker: str,
    offsets: list[int],
    period: float,
    v0: float = 10.0,
    sign: int = 1,
    start: dt.date = START,
) -> list[dict[str, Any]]:
    """A perfect exponential: v0 x 2^(sign x t / period) at each day offset."""
    return [
        lab(_day(t, start), marker, v0 * 2 ** (sign * t / period), UNIT[marker]) for t in offsets
    ]


def _kinetics(labs: list[dict[str, Any]], marker: str, **fields: Any) -> dict[str, Any]:
    case = make_case(histology=HISTOLOGY[marker], labs=labs, **fields)
    return run(case)["kinetics"][marker]


# ---------------------------------------------------------------------------------------
# Perfect series (hypothesis)
# ---------------------------------------------------------------------------------------


@st.composite
def _perfect(draw: st.DrawFn) -> tuple[float, list[int], float]:
    """(period in days, day offsets of 4-10 points, first value).

    Gaps are capped at 1.5 periods so a series spans at most 13.5 doublings.
    Periods stay below 10 years (3652 days) so the status is rising / falling.
    """
    period = draw(st.floats(min_value=30, max_value=3000, allow_nan=False))
    n = draw(st.integers(min_value=4, max_value=10))
    max_gap = max(1, min(365, int(1.5 * period)))
    gaps = draw(
        st.lists(st.integers(min_value=1, max_value=max_gap), min_size=n - 1, max_size=n - 1)
    )
    offsets = [0]
    for g in gaps:
        offsets.append(offsets[-1] + g)
    v0 = draw(st.floats(min_value=0.5, max_value=100))
    return period, offsets, v0


@settings(
    max_examples=120, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(_perfect(), st.sampled_from(["thyroglobulin", "calcitonin", "cea"]))
def test_perfect_exponential_gives_its_doubling_time(
    params: tuple[float, list[int], float], marker: str
) -> None:
    period, offsets, v0 = params
    k = _kinetics(_series(marker, offsets, period, v0), marker)
    assert k["status"] == "rising"
    assert k["points"] == len(offsets)
    # rounded to one decimal -> within 0.05 day (+ float noise)
    assert k["doubling_time_days"] == pytest.approx(period, abs=0.051)
    assert k["halving_time_days"] is None
    assert k["r2"] == pytest.approx(1.0, abs=1e-3)
    expected = _spec_band(marker, period)
    if expected is not None:
        assert k["band"] == expected


def _spec_band(marker: str, doubling_days: float) -> str | None:
    """The band of clinical-rules.md section 3, None within 0.01 day of an edge.

    Thyroglobulin (MIYAUCHI2011): < 1 year, 1-3 years, >= 3 years (Julian years of 365.25
    days); calcitonin and CEA (ATA-MTC2015): < 6 months, 6-24 months, > 24 months (months
    of 365.25 / 12 = 30.4375 days).
    """
    if marker == "thyroglobulin":
        edges = (365.25, 3 * 365.25)
        labels = ("lt_1y", "1y_to_3y", "ge_3y")
    else:
        edges = (6 * 30.4375, 24 * 30.4375)
        labels = ("lt_6m", "6m_to_24m", "gt_24m")
    if any(abs(doubling_days - edge) < 0.01 for edge in edges):
        return None
    return labels[sum(doubling_days > edge for edge in edges)]


@settings(
    max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(_perfect())
def test_perfect_decay_gives_its_halving_time(params: tuple[float, list[int], float]) -> None:
    period, offsets, v0 = params
    k = _kinetics(_series("thyroglobulin", offsets, period, v0 * 100, sign=-1), "thyroglobulin")
    assert k["status"] == "falling"
    assert k["points"] == len(offsets)
    assert k["halving_time_days"] == pytest.approx(period, abs=0.051)
    assert k["doubling_time_days"] is None
    assert k["r2"] == pytest.approx(1.0, abs=1e-3)
    assert k["band"] is None  # bands are for doubling times only


def test_times_are_rounded_to_one_decimal() -> None:
    # doubling time 123.456 days -> reported 123.5
    k = _kinetics(_series("thyroglobulin", [0, 50, 100, 150], 123.456), "thyroglobulin")
    assert k["doubling_time_days"] == pytest.approx(123.5, abs=1e-9)


def test_noisy_series_r2_below_one() -> None:
    # 1, 3, 2, 8 at 0/100/200/300 days: not on one exponential -> 0 < r2 < 1, still rising
    # (ln values 0, 1.10, 0.69, 2.08 have a positive slope).
    labs = [
        lab(_day(t), "thyroglobulin", v, "ng/mL")
        for t, v in zip([0, 100, 200, 300], [1, 3, 2, 8], strict=True)
    ]
    k = _kinetics(labs, "thyroglobulin")
    assert k["status"] == "rising"
    assert 0 < k["r2"] < 0.99


# ---------------------------------------------------------------------------------------
# Point selection
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [0, 1, 2, 3])
def test_fewer_than_four_points_is_insufficient(n: int) -> None:
    # At least 4 points (MIYAUCHI2011), else insufficient_data with no figure.
    offsets = [0, 100, 200][:n]
    labs = _series("thyroglobulin", offsets, 100)
    if n == 0:  # one antibody value only: no Tg point at all
        labs = [lab(_day(0), "tg_antibodies", 0, "IU/mL", positive=False)]
    out = run(make_case(labs=labs))["kinetics"]
    k = out.get("thyroglobulin")
    if n == 0 and k is None:
        return  # no thyroglobulin at all: omitting the marker is acceptable
    assert k is not None
    assert k["status"] == "insufficient_data"
    assert k["points"] == n
    assert k["doubling_time_days"] is None
    assert k["halving_time_days"] is None


def test_values_below_detection_are_excluded() -> None:
    # 5 values, 2 flagged below the detection limit -> 3 usable -> insufficient_data.
    labs = _series("thyroglobulin", [0, 100, 200, 300, 400], 100)
    labs[0]["below_detection"] = True
    labs[1]["below_detection"] = True
    k = _kinetics(labs, "thyroglobulin")
    assert k["points"] == 3
    assert k["status"] == "insufficient_data"


def test_below_detection_point_does_not_bend_the_fit() -> None:
    # 6 values: a below-detection 0.1 on day 0, then 1, 2, 4, 8, 16 every 100 days.
    # Only the 5 detectable points are used: doubling time exactly 100 days, r2 = 1.
    labs = [lab(_day(0), "thyroglobulin", 0.1, "ng/mL", below_detection=True)]
    labs += _series("thyroglobulin", [100, 200, 300, 400, 500], 100, v0=0.5)
    k = _kinetics(labs, "thyroglobulin")
    assert k["points"] == 5
    assert k["doubling_time_days"] == pytest.approx(100.0, abs=0.051)
    assert k["r2"] == pytest.approx(1.0, abs=1e-3)


def test_thyroglobulin_uses_values_after_the_last_rai_only() -> None:
    # I-131 on 2012-01-01 and 2014-01-01 (the last). Three falling values before the last
    # one (100, 50, 25) are ignored; four values after it double every 200 days -> 200.
    last = dt.date(2014, 1, 1)
    before = [
        lab(_day(t), "thyroglobulin", v, "ng/mL") for t, v in [(100, 100), (300, 50), (500, 25)]
    ]
    after = _series("thyroglobulin", [30, 230, 430, 630], 200, v0=1.0, start=last)
    k = _kinetics(
        before + after, "thyroglobulin", rai=[rai("2012-01-01", 100), rai("2014-01-01", 100)]
    )
    assert k["points"] == 4
    assert k["status"] == "rising"
    assert k["doubling_time_days"] == pytest.approx(200.0, abs=0.051)


def test_thyroglobulin_before_last_rai_does_not_count_towards_four() -> None:
    # 4 values before the I-131 of 2014-01-01 and 3 after: only 3 usable -> insufficient.
    last = dt.date(2014, 1, 1)
    before = _series("thyroglobulin", [0, 100, 200, 300], 100)
    after = _series("thyroglobulin", [30, 130, 230], 100, start=last)
    k = _kinetics(before + after, "thyroglobulin", rai=[rai("2014-01-01", 100)])
    assert k["points"] == 3
    assert k["status"] == "insufficient_data"


def test_calcitonin_is_not_cut_at_rai() -> None:
    # The after-I-131 window is a thyroglobulin rule: a medullary case with an (unusual)
    # I-131 in the middle keeps all 4 calcitonin points: doubling time 150 days.
    labs = _series("calcitonin", [0, 150, 300, 450], 150)
    k = _kinetics(labs, "calcitonin", rai=[rai(_day(200), 100)])
    assert k["points"] == 4
    assert k["doubling_time_days"] == pytest.approx(150.0, abs=0.051)


# ---------------------------------------------------------------------------------------
# Antibodies and TSH
# ---------------------------------------------------------------------------------------

PERFECT_TG = _series("thyroglobulin", [0, 100, 200, 300], 100)  # doubling time 100 days


@pytest.mark.parametrize(
    ("antibodies", "fields", "status"),
    [
        # positive antibodies inside the window (no I-131: all values) -> unreliable
        pytest.param(
            [lab(_day(150), "tg_antibodies", 40, "IU/mL", positive=True)],
            {},
            "unreliable",
            id="positive",
        ),
        # negative antibodies -> the figure stands -> rising
        pytest.param(
            [lab(_day(150), "tg_antibodies", 0.5, "IU/mL", positive=False)],
            {},
            "rising",
            id="negative",
        ),
        # positive judged from upper_limit when `positive` is absent: 40 > 4 -> unreliable
        pytest.param(
            [lab(_day(150), "tg_antibodies", 40, "IU/mL", upper_limit=4)],
            {},
            "unreliable",
            id="above-limit",
        ),
        # positive antibodies BEFORE the last I-131 (2011-12-01 < window) -> not in the
        # window -> rising
        pytest.param(
            [lab("2011-06-01", "tg_antibodies", 40, "IU/mL", positive=True)],
            {"rai": [rai("2011-12-01", 100)]},
            "rising",
            id="positive-before-last-rai",
        ),
        # positive antibodies after the last I-131 -> unreliable
        pytest.param(
            [lab(_day(10), "tg_antibodies", 40, "IU/mL", positive=True)],
            {"rai": [rai("2011-12-01", 100)]},
            "unreliable",
            id="positive-after-last-rai",
        ),
    ],
)
def test_antibodies(antibodies: list[dict[str, Any]], fields: dict[str, Any], status: str) -> None:
    k = _kinetics(PERFECT_TG + antibodies, "thyroglobulin", **fields)
    assert k["status"] == status
    # the figure is reported either way
    assert k["doubling_time_days"] == pytest.approx(100.0, abs=0.051)
    assert k["points"] == 4
    if status == "unreliable":
        # an unreliable figure carries its warning, by its code
        assert "tg_antibodies_positive" in k["warnings"]


def _warnings(extra: list[dict[str, Any]]) -> list[Any]:
    return list(_kinetics(PERFECT_TG + extra, "thyroglobulin")["warnings"])


@pytest.mark.parametrize(
    ("tsh", "warned"),
    [
        # TSH 0.5 on the day of the 2nd Tg (day 100) -> >= 0.1 -> warning
        pytest.param([lab(_day(100), "tsh", 0.5, "mU/L")], True, id="tsh-0.5-same-day"),
        # exactly 0.1 -> ">= 0.1" -> warning
        pytest.param([lab(_day(100), "tsh", 0.1, "mU/L")], True, id="tsh-0.1-same-day"),
        # 0.09 -> suppressed -> no TSH warning
        pytest.param([lab(_day(100), "tsh", 0.09, "mU/L")], False, id="tsh-0.09-same-day"),
        # 0.5 but on a day with no Tg (day 50) -> not "the same day" -> no warning
        pytest.param([lab(_day(50), "tsh", 0.5, "mU/L")], False, id="tsh-0.5-other-day"),
        # same-day check with another spelling of the unit
        pytest.param([lab(_day(300), "tsh", 2.0, "m[IU]/L")], True, id="tsh-2-ucum-unit"),
    ],
)
def test_tsh_same_day_warning(tsh: list[dict[str, Any]], warned: bool) -> None:
    assert _warnings([]) == []  # the clean series has no warning at all
    got = _warnings(tsh)
    assert got == (["tsh_not_suppressed"] if warned else [])
    # a warning never changes the status of a clean series
    assert _kinetics(PERFECT_TG + tsh, "thyroglobulin")["status"] == "rising"


# ---------------------------------------------------------------------------------------
# Stable, calcitonin span
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "sign", "status"),
    [
        # doubling every 4000 days (> 10 years = 3652.5 days) -> stable
        (4000, 1, "stable"),
        # halving every 5000 days -> stable
        (5000, -1, "stable"),
        # doubling every 3000 days (8.2 years) -> rising
        (3000, 1, "rising"),
        # halving every 3000 days -> falling
        (3000, -1, "falling"),
    ],
)
def test_stable_beyond_ten_years(period: float, sign: int, status: str) -> None:
    labs = _series("thyroglobulin", [0, 180, 360, 540, 720], period, v0=10, sign=sign)
    assert _kinetics(labs, "thyroglobulin")["status"] == status


@pytest.mark.parametrize("marker", ["calcitonin", "cea"])
def test_span_under_two_years_is_warned(marker: str) -> None:
    # Same perfect doubling (300 days): 4 points over 360 days (< 2 years) get one more
    # warning than 4 points over 1095 days (3 years).
    short = _kinetics(_series(marker, [0, 120, 240, 360], 300), marker)
    long = _kinetics(_series(marker, [0, 365, 730, 1095], 300), marker)
    assert short["doubling_time_days"] == pytest.approx(300.0, abs=0.051)
    assert long["doubling_time_days"] == pytest.approx(300.0, abs=0.051)
    assert short["warnings"] == ["short_span"]
    assert long["warnings"] == []


def test_thyroglobulin_has_no_span_warning() -> None:
    # The 2-year span warning is for calcitonin and CEA only: a clean Tg series over one
    # year with no TSH and no antibodies has no warning at all.
    assert (
        _kinetics(_series("thyroglobulin", [0, 120, 240, 360], 300), "thyroglobulin")["warnings"]
        == []
    )


def test_each_marker_is_reported_separately() -> None:
    # Medullary: calcitonin (4 points, doubling 200) and CEA (4 points, doubling 400).
    labs = _series("calcitonin", [0, 300, 600, 900], 200) + _series("cea", [0, 300, 600, 900], 400)
    kin = run(make_case(histology="medullary", labs=labs, lesions=[lesion("H1", "liver")]))[
        "kinetics"
    ]
    assert kin["calcitonin"]["doubling_time_days"] == pytest.approx(200.0, abs=0.051)
    assert kin["cea"]["doubling_time_days"] == pytest.approx(400.0, abs=0.051)


def test_constant_series_is_stable() -> None:
    # slope 0: no finite doubling or halving time, far beyond 10 years -> stable; no
    # infinite number in the output.
    labs = [lab(_day(t), "thyroglobulin", 5.0, "ng/mL") for t in (0, 100, 200, 300)]
    k = _kinetics(labs, "thyroglobulin")
    assert k["status"] == "stable"
    assert k["points"] == 4


def test_same_day_values_do_not_crash() -> None:
    # Four values on one day: time has no spread, the slope is undefined; the engine must
    # answer with a status of the vocabulary and strict JSON (checked in conftest.run).
    labs = [lab(_day(0), "thyroglobulin", v, "ng/mL") for v in (1.0, 2.0, 3.0, 4.0)]
    k = _kinetics(labs, "thyroglobulin")
    assert k["status"] in {"rising", "falling", "stable", "insufficient_data", "unreliable"}
    assert k["doubling_time_days"] is None
