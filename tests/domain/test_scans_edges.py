"""A lesion's uptake taken from scans[] (case-format.md): edges found by the mutation run.

"When scans[] is given, a lesion whose rai_uptake is absent or unknown takes its latest
yes or no finding (by scan date; on one date, no outweighs yes)".
"""

from __future__ import annotations

from typing import Any

from .conftest import lesion, make_case, run


def _cold(scans: list[dict[str, Any]]) -> list[str]:
    # papillary, two lung lesions without their own rai_uptake, 100 mCi on 2019-01-01:
    # DTC-NO-UPTAKE names the lesions whose uptake (from the scans) is "no"
    case = make_case(
        lesions=[lesion("L1", "lung"), lesion("L2", "lung")],
        rai=[{"date": "2019-01-01", "activity": 100, "unit": "mCi"}],
        scans=scans,
    )
    for ev in run(case, "en")["refractory"]["evidence"]:
        if ev["criterion"] == "DTC-NO-UPTAKE":
            return list(ev["lesions"])
    return []


def _scan(day: str, kind: str, findings: dict[str, str]) -> dict[str, Any]:
    return {"date": day, "kind": kind, "findings": findings}


def test_an_equivocal_finding_does_not_hide_the_next_one() -> None:
    # L1 equivocal (decides nothing), L2 no on the same scan: L2 has no uptake
    assert _cold([_scan("2019-01-05", "post_therapy", {"L1": "equivocal", "L2": "no"})]) == ["L2"]


def test_on_one_date_no_outweighs_yes_whatever_the_order() -> None:
    # two scans on 2019-01-05, the "no" listed first, then the "yes": L1 is "no"
    scans = [
        _scan("2019-01-05", "diagnostic_i123", {"L1": "no"}),
        _scan("2019-01-05", "post_therapy", {"L1": "yes"}),
    ]
    assert _cold(scans) == ["L1"]
    # and the other way round
    assert _cold(list(reversed(scans))) == ["L1"]


def test_a_later_yes_replaces_an_earlier_no() -> None:
    # L1 no on 2019-01-05, yes on 2020-01-05: its latest finding is yes
    scans = [
        _scan("2019-01-05", "post_therapy", {"L1": "no"}),
        _scan("2020-01-05", "diagnostic_i123", {"L1": "yes"}),
    ]
    assert _cold(scans) == []
