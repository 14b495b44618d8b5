"""Cumulative I-131 activity (clinical-rules.md section 1, "Units"; case-format.md `rai[]`).

1 mCi = 37 MBq exactly, 1 GBq = 1000 MBq; the output reports cumulative GBq, cumulative
mCi and the number of administrations.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import make_case, rai, run

MBQ_PER = {"mCi": Fraction(37), "GBq": Fraction(1000), "MBq": Fraction(1)}


@pytest.mark.parametrize(
    ("administrations", "gbq", "mci"),
    [
        # 600 mCi x 37 MBq = 22 200 MBq = 22.2 GBq (the spec's own figure).
        ([(600, "mCi")], 22.2, 600.0),
        # 4 x 150 mCi = 600 mCi = 22.2 GBq.
        ([(150, "mCi")] * 4, 22.2, 600.0),
        # demo-003: 100 mCi (3.7 GBq) + 3.7 GBq = 7.4 GBq = 200 mCi.
        ([(100, "mCi"), (3.7, "GBq")], 7.4, 200.0),
        # ex-ptc-cumulative: 5 x 150 mCi = 750 mCi = 27.75 GBq.
        ([(150, "mCi")] * 5, 27.75, 750.0),
        # 22 GBq exactly = 22 000 MBq = 22000/37 = 594.59 mCi.
        ([(22, "GBq")], 22.0, 22000 / 37),
        # 5550 MBq = 5.55 GBq = 150 mCi.
        ([(5550, "MBq")], 5.55, 150.0),
        # 30 mCi = 1.11 GBq (ablation activity).
        ([(30, "mCi")], 1.11, 30.0),
    ],
)
def test_cumulative_activity(
    administrations: list[tuple[float, str]], gbq: float, mci: float
) -> None:
    rai_list = [rai(f"{2010 + i}-06-01", a, u) for i, (a, u) in enumerate(administrations)]
    out = run(make_case(rai=rai_list))["rai"]
    assert out["cumulative_gbq"] == pytest.approx(gbq, abs=0.006)
    assert out["cumulative_mci"] == pytest.approx(mci, abs=0.06)
    assert out["administrations"] == len(administrations)


def test_no_rai_gives_zero() -> None:
    # No I-131 recorded: nothing administered, 0 GBq, 0 mCi, 0 administrations.
    out = run(make_case())["rai"]
    assert out["cumulative_gbq"] == 0
    assert out["cumulative_mci"] == 0
    assert out["administrations"] == 0


def test_order_of_administrations_does_not_matter() -> None:
    # rai[] comes in any order; a sum does not depend on it: 50 + 100 mCi + 2 GBq
    # = 1.85 + 3.7 + 2 = 7.55 GBq = 7550/37 = 204.05 mCi.
    a = [rai("2015-01-01", 50), rai("2012-01-01", 100), rai("2018-01-01", 2, "GBq")]
    out1 = run(make_case(rai=a))["rai"]
    out2 = run(make_case(rai=list(reversed(a))))["rai"]
    assert out1 == out2
    assert out1["cumulative_gbq"] == pytest.approx(7.55, abs=0.006)
    assert out1["cumulative_mci"] == pytest.approx(7550 / 37, abs=0.06)


def test_output_keys() -> None:
    out = run(make_case(rai=[rai("2012-01-01", 100)]))["rai"]
    assert set(out) >= {"cumulative_gbq", "cumulative_mci", "administrations"}


@settings(
    max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    st.lists(
        st.tuples(
            st.integers(
                min_value=1, max_value=500
            ),  # tenths of the unit (<= 50 GBq: case-format.md bound)
            st.sampled_from(["mCi", "GBq", "MBq"]),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_cumulative_activity_matches_exact_conversion(items: list[tuple[int, str]]) -> None:
    # Reference computed with exact fractions: activity[MBq] = value x (37 | 1000 | 1).
    total_mbq = sum(Fraction(t, 10) * MBQ_PER[u] for t, u in items)
    rai_list = [rai(f"{2010 + i}-03-01", t / 10, u) for i, (t, u) in enumerate(items)]
    out = run(make_case(rai=rai_list))["rai"]
    assert out["administrations"] == len(items)
    assert out["cumulative_gbq"] == pytest.approx(float(total_mbq / 1000), abs=0.006)
    assert out["cumulative_mci"] == pytest.approx(float(total_mbq / 37), abs=0.06)
