"""The evidence each refractoriness criterion gives (clinical-rules.md section 1), in full.

The board reads the evidence: the lesions, the dates, the figures must be the case's.
Each sentence below is worked out by hand from the case (dates, day counts, sums,
activities), in English; the wording is the catalogue's.
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Json, lesion, make_case, rai, run, scan


def _evidence(case: Json, criterion: str) -> dict[str, Any]:
    out = run(case, "en")
    for ev in out["refractory"]["evidence"]:
        if ev["criterion"] == criterion:
            return dict(ev)
    raise AssertionError(f"{criterion} not met: {out['refractory']}")


def test_no_uptake_names_cold_and_avid_lesions() -> None:
    case = make_case(
        extent="metastatic",
        lesions=[
            lesion("L1", "lung", "no"),
            lesion("B1", "bone", "yes"),
            lesion("L2", "lung", "no"),
            lesion("N1", "lymph_node_cervical_lateral", "yes"),
        ],
        rai=[rai("2019-06-01", 100)],
    )
    ev = _evidence(case, "DTC-NO-UPTAKE")
    assert ev["detail"] == (
        "Lesions with no I-131 uptake: L1 (lung), L2 (lung); "
        "others take it up (B1, N1): mixed uptake."
    )
    assert ev["lesions"] == ["L1", "L2"]
    # clinical-rules.md section 1: SEED (criteria 1 and 3), ATA2025 (R59A)
    assert ev["sources"] == ["SEED", "ATA2025"]


def test_no_uptake_without_avid_lesions() -> None:
    case = make_case(
        extent="metastatic", lesions=[lesion("L1", "lung", "no")], rai=[rai("2019-06-01", 100)]
    )
    ev = _evidence(case, "DTC-NO-UPTAKE")
    assert ev["detail"] == "Lesion with no I-131 uptake: L1 (lung)."
    assert ev["lesions"] == ["L1"]


def _progressing(**second: Any) -> Json:
    return make_case(
        extent="metastatic",
        lesions=[lesion("L1", "lung", "yes")],
        rai=[rai("2018-01-01", 100), rai("2019-06-01", 100)],
        imaging=[scan("2019-05-01", {"L1": 20}), scan("2020-03-01", **second)],
    )


def test_progression_gives_dates_days_sum_and_nadir() -> None:
    # PD on 2020-03-01: 274 days after the I-131 of 2019-06-01 (30+31+31+30+31+30+31+31
    # +29 = 274), the earlier one (2018-01-01) is beyond 12 months; sum 30 mm, nadir 20 mm
    ev = _evidence(_progressing(measurements={"L1": 30}), "DTC-PROGRESSION-12M")
    assert ev["detail"] == (
        "RECIST progression on 2020-03-01, 274 days after I-131 on 2019-06-01 "
        "(12-month window; sum 30 mm, nadir 20 mm)."
    )
    assert ev["dates"] == ["2019-06-01", "2020-03-01"]
    assert ev["sources"] == ["SEED"]


def test_asserted_progression_says_who_reported_it() -> None:
    ev = _evidence(_progressing(assessed_response="PD"), "DTC-PROGRESSION-12M")
    assert ev["detail"] == (
        "Progression reported by the radiologist on 2020-03-01, 274 days after I-131 on "
        "2019-06-01 (12-month window)."
    )
    assert ev["dates"] == ["2019-06-01", "2020-03-01"]


@pytest.mark.parametrize(
    ("imaging", "detail"),
    [
        # no imaging after the threshold: the lesions still declared
        (
            [],
            "Cumulative activity 22.2 GBq (600 mCi), 22 GBq threshold reached on "
            "2019-01-01; 2 lesions still declared.",
        ),
        # imaging on the day the threshold is reached is not "after" it
        (
            [scan("2019-01-01", {"L1": 20})],
            "Cumulative activity 22.2 GBq (600 mCi), 22 GBq threshold reached on "
            "2019-01-01; 2 lesions still declared.",
        ),
        # imaging after: its date and response, in words with the code beside them
        # (the bare code "SD" was said alone)
        (
            [scan("2018-12-01", {"L1": 20}), scan("2019-08-01", {"L1": 21})],
            "Cumulative activity 22.2 GBq (600 mCi), 22 GBq threshold reached on "
            "2019-01-01; imaging on 2019-08-01: stable disease (SD), disease persists.",
        ),
    ],
)
def test_cumulative_activity_evidence(imaging: list[Json], detail: str) -> None:
    # 300 + 300 mCi = 600 mCi = 22,200 MBq, reached with the second one
    case = make_case(
        extent="metastatic",
        lesions=[lesion("L1", "lung", "yes"), lesion("L2", "lung", "yes")],
        rai=[rai("2018-01-01", 300), rai("2019-01-01", 300)],
        imaging=imaging or None,
    )
    ev = _evidence(case, "DTC-CUMULATIVE-ACTIVITY")
    assert ev["detail"] == detail
    assert ev["sources"] == ["SEED", "TUTHYREF"]


@pytest.mark.parametrize(
    ("imaging_date", "missing"),
    [
        ("2019-06-01", ["imaging_after_rai"]),  # on the I-131 day: not after it
        ("2019-06-02", []),  # the day after: imaging after I-131 exists
        ("2020-06-01", []),  # 12 months after: still in the window
        ("2020-06-02", ["imaging_after_rai"]),  # one day beyond 12 months
    ],
)
def test_imaging_after_rai_window(imaging_date: str, missing: list[str]) -> None:
    # avid lesion, low activity: only a PD within 12 months could still make it refractory
    case = make_case(
        extent="metastatic",
        lesions=[lesion("L1", "lung", "yes")],
        rai=[rai("2019-06-01", 100)],
        imaging=[scan(imaging_date, {"L1": 20})],
    )
    refractory = run(case)["refractory"]
    assert refractory["missing_data"] == missing
    assert refractory["status"] == ("indeterminate" if missing else "not_refractory")


def test_progression_after_a_stable_scan() -> None:
    # baseline, SD, then PD: the PD is found past the SD (16 days short of 9 months)
    case = make_case(
        extent="metastatic",
        lesions=[lesion("L1", "lung", "yes")],
        rai=[rai("2019-06-01", 100)],
        imaging=[
            scan("2019-05-01", {"L1": 20}),
            scan("2019-09-01", {"L1": 21}),
            scan("2020-02-15", {"L1": 30}),
        ],
    )
    ev = _evidence(case, "DTC-PROGRESSION-12M")
    assert ev["dates"] == ["2019-06-01", "2020-02-15"]
