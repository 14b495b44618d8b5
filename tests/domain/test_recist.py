"""RECIST 1.1 (clinical-rules.md section 2; Eisenhauer 2009, doi:10.1016/j.ejca.2008.10.026).

All expected responses are computed by hand from the spec's rules:
- measurable at baseline: non-nodal >= 10 mm, node short axis >= 15 mm;
- targets: explicit `recist_role: target` if any, else the largest measurable, max 5,
  max 2 per organ (all lymph nodes = one organ), ties by lower id (string order);
- sum = LD of non-nodal + short axis of nodal targets; nadir = min(baseline, earlier sums);
- target: PD (sum >= 1.2 nadir and sum - nadir >= 5, or reappearance after CR) > CR >
  PR (sum <= 0.7 baseline, or earlier PR/CR) > SD; a missing target -> NE unless PD;
- non-target: PD > NE > CR (all absent) > NON_CR_NON_PD > ND;
- overall: table 1 / table 2; best response ranked CR > PR > SD > NON_CR_NON_PD > PD > NE.
"""

from __future__ import annotations

import json
import pathlib
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import lesion, make_case, run, scan

DATES = [
    "2020-01-10",
    "2020-04-10",
    "2020-07-10",
    "2020-10-10",
    "2021-01-10",
    "2021-04-10",
    "2021-07-10",
]

DATA = pathlib.Path(__file__).parent / "data" / "recist_published.json"


def _recist(case: dict[str, Any]) -> dict[str, Any]:
    out = run(case)["recist"]
    assert out is not None
    return out


def _case(
    lesions: list[dict[str, Any]],
    measurements: list[dict[str, float] | None],
    non_target: list[dict[str, str] | None] | None = None,
    new: list[bool] | None = None,
) -> dict[str, Any]:
    """Timepoints on DATES[0], DATES[1], ... (the first is the baseline)."""
    imaging = []
    for i, m in enumerate(measurements):
        extra: dict[str, Any] = {}
        if new is not None and new[i]:
            extra["new_lesions"] = True
        nt = non_target[i] if non_target is not None else None
        imaging.append(scan(DATES[i], m, nt, **extra))
    return make_case(lesions=lesions, imaging=imaging)


def _single(values: list[float | None], site: str = "lung") -> dict[str, Any]:
    """One lesion L1 with its successive measurements (None = not measured)."""
    ms = [None if v is None else {"L1": v} for v in values]
    return _case([lesion("L1", site)], ms)


# ---------------------------------------------------------------------------------------
# Target selection
# ---------------------------------------------------------------------------------------

SELECTION = [
    pytest.param(
        # Greedy by size with max 2 per organ and 5 in all: L1 30, L2 25 (lung full, L3 20
        # skipped), H1 18, H2 16 (liver full), S1 12 -> 5 targets; P1 11 left over.
        [
            ("L1", "lung", 30),
            ("L2", "lung", 25),
            ("L3", "lung", 20),
            ("H1", "liver", 18),
            ("H2", "liver", 16),
            ("S1", "skin", 12),
            ("P1", "pleura", 11),
        ],
        ["H1", "H2", "L1", "L2", "S1"],
        id="max5-max2-per-organ",
    ),
    pytest.param(
        # All lymph nodes are one organ: cervical lateral 20, mediastinal upper 18,
        # cervical central 16 are all >= 15 but only the 2 largest are kept; L1 12 joins.
        [
            ("N1", "lymph_node_cervical_lateral", 20),
            ("N2", "lymph_node_mediastinal_upper", 18),
            ("N3", "lymph_node_cervical_central", 16),
            ("L1", "lung", 12),
        ],
        ["L1", "N1", "N2"],
        id="nodes-one-organ",
    ),
    pytest.param(
        # Measurability is inclusive: node 15.0 yes, node 14.9 no (pathological
        # non-target), non-nodal 10.0 yes, non-nodal 9.9 no.
        [
            ("N1", "lymph_node_cervical_lateral", 15),
            ("N2", "lymph_node_mediastinal_lower", 14.9),
            ("L1", "lung", 10),
            ("H1", "liver", 9.9),
        ],
        ["L1", "N1"],
        id="measurability-thresholds",
    ),
    pytest.param(
        # Nodes 10-<15 are pathological non-target and < 10 normal, even when larger than
        # a measurable non-nodal lesion: only L1 (11 mm) is a target.
        [
            ("N1", "lymph_node_cervical_central", 14),
            ("N2", "lymph_node_cervical_lateral", 8),
            ("L1", "lung", 11),
        ],
        ["L1"],
        id="small-nodes-never-targets",
    ),
    pytest.param(
        # Ties by lower id in string order: "L10" < "L8" < "L9"; 2 per organ -> L10, L8.
        [("L9", "lung", 20), ("L8", "lung", 20), ("L10", "lung", 20)],
        ["L10", "L8"],
        id="ties-string-order",
    ),
    pytest.param(
        # Six organs with a 15 mm lesion each: the 5-cap keeps the 5 lowest ids A-E.
        [
            ("F", "brain", 15),
            ("E", "pleura", 15),
            ("D", "skin", 15),
            ("C", "bone", 15),
            ("B", "liver", 15),
            ("A", "lung", 15),
        ],
        ["A", "B", "C", "D", "E"],
        id="ties-at-the-5-cap",
    ),
    pytest.param(
        # Nodes N1 30, N2 25 (node organ full, N3 20 out), L1 12, H1 11, then B1 10 and
        # S1 10 tie for the last place: B1 (lower id).
        [
            ("N1", "lymph_node_cervical_lateral", 30),
            ("N2", "lymph_node_cervical_central", 25),
            ("N3", "lymph_node_mediastinal_upper", 20),
            ("L1", "lung", 12),
            ("H1", "liver", 11),
            ("S1", "skin", 10),
            ("B1", "bone", 10),
        ],
        ["B1", "H1", "L1", "N1", "N2"],
        id="mixed-caps-and-tie",
    ),
    pytest.param(
        # The organ is the site: lung and pleura are different organs.
        [("L1", "lung", 30), ("L2", "lung", 20), ("L3", "lung", 15), ("P1", "pleura", 12)],
        ["L1", "L2", "P1"],
        id="organ-is-site",
    ),
    pytest.param(
        # Nothing measurable (non-nodal 9 mm, node 12 mm): no target at all.
        [("L1", "lung", 9), ("N1", "lymph_node_cervical_lateral", 12)],
        [],
        id="no-measurable-lesion",
    ),
]


@pytest.mark.parametrize(("spec", "expected"), SELECTION)
def test_target_selection(spec: list[tuple[str, str, float]], expected: list[str]) -> None:
    lesions = [lesion(i, s) for i, s, _ in spec]
    base = {i: v for i, _, v in spec}
    case = _case(lesions, [base, base])
    assert sorted(_recist(case)["targets"]) == expected


def test_explicit_target_role_overrides_selection() -> None:
    # When some lesion has recist_role target, the targets are exactly those: L2 only,
    # although the unmarked L1 (30 mm) would have been selected first.
    lesions = [lesion("L1", "lung"), lesion("L2", "liver", recist_role="target")]
    case = _case(lesions, [{"L1": 30, "L2": 12}, {"L1": 30, "L2": 12}])
    assert _recist(case)["targets"] == ["L2"]


def test_explicit_targets_are_kept_even_if_small() -> None:
    # "the targets are exactly those": an 8 mm lung lesion and a 12 mm node marked target
    # are the targets, although neither would be measurable for automatic selection.
    lesions = [
        lesion("L1", "lung", recist_role="target"),
        lesion("N1", "lymph_node_cervical_lateral", recist_role="target"),
        lesion("H1", "liver"),
    ]
    case = _case(lesions, [{"L1": 8, "N1": 12, "H1": 25}, {"L1": 8, "N1": 12, "H1": 25}])
    r = _recist(case)
    assert sorted(r["targets"]) == ["L1", "N1"]
    assert r["timepoints"][0]["sum_mm"] == pytest.approx(20.0)


def test_non_target_role_is_not_selected() -> None:
    # Selection is among lesions not marked non_target: L1 (30 mm, non_target) is skipped.
    lesions = [lesion("L1", "lung", recist_role="non_target"), lesion("L2", "lung")]
    case = _case(lesions, [{"L1": 30, "L2": 12}, {"L1": 30, "L2": 12}])
    assert _recist(case)["targets"] == ["L2"]


def test_innumerable_group_is_never_a_target() -> None:
    # `innumerable` groups are always non-target, whatever their measurement.
    lesions = [lesion("M1", "lung", innumerable=True), lesion("H1", "liver")]
    case = _case(lesions, [{"M1": 25, "H1": 12}, {"M1": 25, "H1": 12}])
    assert _recist(case)["targets"] == ["H1"]


def test_baseline_is_the_earliest_imaging_whatever_the_order() -> None:
    # imaging[] comes in any order; the earliest (2020-01-10) is the baseline: sum 20,
    # follow-ups 2020-04-10 (14 -> -30% PR) and 2020-07-10 (24 -> +71% from nadir 14,
    # +10 mm -> PD).
    case = make_case(
        lesions=[lesion("L1", "lung")],
        imaging=[
            scan("2020-07-10", {"L1": 24}),
            scan("2020-01-10", {"L1": 20}),
            scan("2020-04-10", {"L1": 14}),
        ],
    )
    r = _recist(case)
    assert r["baseline_date"] == "2020-01-10"
    assert [t["date"] for t in r["timepoints"]] == ["2020-04-10", "2020-07-10"]
    assert [t["target_response"] for t in r["timepoints"]] == ["PR", "PD"]


def test_no_imaging_gives_null_recist() -> None:
    # recist may be null when there is no imaging.
    assert run(make_case(lesions=[lesion("L1", "lung")]))["recist"] is None


# ---------------------------------------------------------------------------------------
# Sums, nadir, percentages
# ---------------------------------------------------------------------------------------


def test_sum_uses_short_axis_for_nodes_and_ld_otherwise() -> None:
    # demo-003: L1 14 + L2 12 + N1 17 = 43 at baseline; 18 + 14 + 19 = 51 -> 8/43 = +18.6%.
    lesions = [
        lesion("L1", "lung"),
        lesion("L2", "lung"),
        lesion("N1", "lymph_node_mediastinal_upper"),
    ]
    case = _case(lesions, [{"L1": 14, "L2": 12, "N1": 17}, {"L1": 18, "L2": 14, "N1": 19}])
    (tp,) = _recist(case)["timepoints"]
    assert tp["sum_mm"] == pytest.approx(51.0)
    assert tp["change_from_baseline_pct"] == pytest.approx(18.6)
    assert tp["change_from_nadir_pct"] == pytest.approx(18.6)


def test_percentages_against_baseline_and_nadir() -> None:
    # 100 -> 70 -> 80: tp1 -30.0 / -30.0 (nadir = baseline); tp2 vs baseline -20.0, vs
    # nadir 70: +10/70 = +14.2857 -> 14.3.
    tps = _recist(_single([100, 70, 80]))["timepoints"]
    assert [t["sum_mm"] for t in tps] == pytest.approx([70.0, 80.0])
    assert [t["change_from_baseline_pct"] for t in tps] == pytest.approx([-30.0, -20.0])
    assert [t["change_from_nadir_pct"] for t in tps] == pytest.approx([-30.0, 14.3])


def test_nadir_is_the_smallest_earlier_sum() -> None:
    # 40 -> 30 -> 35 -> 29 -> 35: nadirs 40, 30, 30, 29.
    # tp1 30: -25.0% (30 > 0.7 x 40 = 28 -> not PR) -> SD;
    # tp2 35 vs 30: +16.7% (< 20%, although +5 mm) -> SD;
    # tp3 29 vs 30: -3.3% -> SD; tp4 35 vs 29: +6/29 = +20.7% and +6 mm -> PD.
    tps = _recist(_single([40, 30, 35, 29, 35]))["timepoints"]
    assert [t["change_from_nadir_pct"] for t in tps] == pytest.approx([-25.0, 16.7, -3.3, 20.7])
    assert [t["target_response"] for t in tps] == ["SD", "SD", "SD", "PD"]


def test_percentages_are_rounded_to_one_decimal() -> None:
    # 30 -> 31: +3.333...% -> 3.3 (one decimal).
    (tp,) = _recist(_single([30, 31]))["timepoints"]
    assert tp["change_from_baseline_pct"] == pytest.approx(3.3)
    assert round(tp["change_from_baseline_pct"], 1) == tp["change_from_baseline_pct"]


# ---------------------------------------------------------------------------------------
# Target response
# ---------------------------------------------------------------------------------------

TARGET_ROWS = [
    # 25.5 -> 30.6: 30.6 = 1.2 x 25.5 exactly and +5.1 mm -> PD (spec boundary example).
    pytest.param([25.5, 30.6], ["PD"], id="pd-at-exactly-plus-20pct"),
    # 25.5 -> 30.5: +19.6% -> not PD, not PR -> SD.
    pytest.param([25.5, 30.5], ["SD"], id="just-below-plus-20pct"),
    # 20 -> 3.2 (-84% PR) -> 8.2: nadir 3.2, 8.2 >= 3.84 and +5.0 mm exactly -> PD
    # (spec boundary example; 8.2 - 3.2 is 4.999... in binary floats).
    pytest.param([20, 3.2, 8.2], ["PR", "PD"], id="pd-at-exactly-plus-5mm"),
    # 20 -> 3.2 -> 8.1: +153% but only +4.9 mm -> not PD; 8.1 <= 14 (and earlier PR) -> PR.
    pytest.param([20, 3.2, 8.1], ["PR", "PR"], id="just-below-plus-5mm"),
    # 12 -> 14.4: +20% but +2.4 mm -> not PD -> SD.
    pytest.param([12, 14.4], ["SD"], id="20pct-without-5mm"),
    # 100 -> 119.9: +19.9 mm but +19.9% -> SD.
    pytest.param([100, 119.9], ["SD"], id="5mm-without-20pct"),
    # 100 -> 120: +20%, +20 mm -> PD.
    pytest.param([100, 120], ["PD"], id="pd-at-120-of-100"),
    # 100 -> 70: 70 = 0.7 x 100 -> PR (inclusive).
    pytest.param([100, 70], ["PR"], id="pr-at-exactly-minus-30pct"),
    # 25.5 -> 17.85: 17.85 = 0.7 x 25.5 exactly -> PR (0.7*25.5 is 17.8499... in floats).
    pytest.param([25.5, 17.85], ["PR"], id="pr-exact-decimal-25.5"),
    # 11 -> 7.7: 7.7 = 0.7 x 11 exactly -> PR (0.7*11 is 7.6999... in floats).
    pytest.param([11, 7.7], ["PR"], id="pr-exact-decimal-11"),
    # 100 -> 70.1: -29.9% -> SD.
    pytest.param([100, 70.1], ["SD"], id="just-above-minus-30pct"),
    # 100 -> 70 -> 80: 80 vs nadir 70 is +14.3% -> not PD; earlier PR -> PR (EORTC FAQ).
    pytest.param([100, 70, 80], ["PR", "PR"], id="sticky-pr"),
    # ... -> 84: 84 = 1.2 x 70 and +14 mm -> PD ends the response.
    pytest.param([100, 70, 80, 84], ["PR", "PR", "PD"], id="sticky-pr-until-pd"),
    # 100 -> 50 (PR) -> 60: +20% vs nadir 50 and +10 mm -> PD although -40% vs baseline.
    pytest.param([100, 50, 60], ["PR", "PD"], id="pd-against-nadir-not-baseline"),
    # 20 -> 20: no change -> SD.
    pytest.param([20, 20], ["SD"], id="stable"),
    # 20 -> 24: +20% but +4 mm -> SD; then 25: +25%, +5 mm vs nadir 20 -> PD.
    pytest.param([20, 24, 25], ["SD", "PD"], id="slow-growth"),
    # 15 -> 0: every non-nodal target 0 -> CR.
    pytest.param([15, 0], ["CR"], id="cr-non-nodal"),
    # 20 -> 10 (PR) -> 0 (CR) -> 0 (CR).
    pytest.param([20, 10, 0, 0], ["PR", "CR", "CR"], id="pr-then-cr"),
    # 15 -> 0 (CR) -> 4: reappearance of a non-nodal target after CR -> PD, although
    # +4 mm from nadir 0 does not meet the 5 mm rule.
    pytest.param([15, 0, 4], ["CR", "PD"], id="reappearance-after-cr"),
    # 15 -> 0 (CR) -> 5: also PD by the sum rule (5 >= 1.2 x 0 and +5 mm).
    pytest.param([15, 0, 5], ["CR", "PD"], id="reappearance-5mm"),
    # 20 -> 10 (PR, -50%) -> 13: nadir 10, +30% but +3 mm -> not PD; earlier PR -> PR.
    pytest.param([20, 10, 13], ["PR", "PR"], id="sticky-pr-small-sums"),
]


@pytest.mark.parametrize(("values", "expected"), TARGET_ROWS)
def test_target_response_single_lesion(values: list[float], expected: list[str]) -> None:
    tps = _recist(_single(values))["timepoints"]
    assert [t["target_response"] for t in tps] == expected


NODE_ROWS = [
    # N1 node 20 + L1 lung 15 (baseline 35) -> N1 9, L1 0: non-nodal all 0 and nodes
    # < 10 -> CR, although the sum is 9 (not 0).
    pytest.param([(20, 15), (9, 0)], ["CR"], [9.0], id="cr-with-node-under-10"),
    # -> N1 10, L1 0: the node is not < 10 -> not CR; 10 <= 0.7 x 35 = 24.5 -> PR.
    pytest.param([(20, 15), (10, 0)], ["PR"], [10.0], id="node-at-10-is-not-cr"),
    # -> N1 8, L1 0 (CR) -> N1 9: nadir 8, 9 < 9.6 -> no sum PD; node 9 < 10 is not a
    # reappearance -> still CR; -> N1 10: node >= 10 after CR -> PD (reappearance).
    pytest.param(
        [(20, 15), (8, 0), (9, 0), (10, 0)],
        ["CR", "CR", "PD"],
        [8.0, 9.0, 10.0],
        id="node-reappears",
    ),
]


@pytest.mark.parametrize(("values", "expected", "sums"), NODE_ROWS)
def test_target_response_with_nodes(
    values: list[tuple[float, float]], expected: list[str], sums: list[float]
) -> None:
    lesions = [lesion("N1", "lymph_node_cervical_lateral"), lesion("L1", "lung")]
    case = _case(lesions, [{"N1": n, "L1": x} for n, x in values])
    tps = _recist(case)["timepoints"]
    assert [t["target_response"] for t in tps] == expected
    assert [t["sum_mm"] for t in tps] == pytest.approx(sums)


MISSING_ROWS = [
    # Targets L1 20 + H1 20 (sum 40); H1 not measured, L1 unchanged -> NE.
    pytest.param({"L1": 20}, "NE", id="missing-target-ne"),
    # H1 not measured but L1 alone = 50 >= 1.2 x 40 and +10 mm -> PD already.
    pytest.param({"L1": 50}, "PD", id="missing-target-but-pd"),
    # L1 alone 47.9 < 48 -> not PD -> NE.
    pytest.param({"L1": 47.9}, "NE", id="missing-target-just-under-pd"),
    # L1 alone 10 (would be PR if H1 were 0, but H1 is unknown) -> NE.
    pytest.param({"L1": 10}, "NE", id="missing-target-no-pr-guess"),
]


@pytest.mark.parametrize(("follow_up", "expected"), MISSING_ROWS)
def test_missing_target_measurement(follow_up: dict[str, float], expected: str) -> None:
    lesions = [lesion("L1", "lung"), lesion("H1", "liver")]
    case = _case(lesions, [{"L1": 20, "H1": 20}, follow_up])
    (tp,) = _recist(case)["timepoints"]
    assert tp["target_response"] == expected


def test_partial_sum_of_an_ne_timepoint_is_not_a_nadir() -> None:
    # L1 20 + H1 20 = 40; tp1 measures only L1 (20): NE, its 20 is not a sum of all
    # targets, so it cannot be the nadir; tp2 40 vs nadir 40 -> SD (a partial-sum nadir of
    # 20 would wrongly give +100% -> PD).
    lesions = [lesion("L1", "lung"), lesion("H1", "liver")]
    case = _case(lesions, [{"L1": 20, "H1": 20}, {"L1": 20}, {"L1": 20, "H1": 20}])
    tps = _recist(case)["timepoints"]
    assert [t["target_response"] for t in tps] == ["NE", "SD"]


def test_sticky_pr_survives_an_ne_timepoint() -> None:
    # 100 (L1 50 + H1 50) -> 70 (PR) -> H1 missing (NE) -> 80: vs nadir 70 +14.3% -> not PD,
    # earlier PR -> PR.
    lesions = [lesion("L1", "lung"), lesion("H1", "liver")]
    case = _case(
        lesions, [{"L1": 50, "H1": 50}, {"L1": 35, "H1": 35}, {"L1": 35}, {"L1": 40, "H1": 40}]
    )
    tps = _recist(case)["timepoints"]
    assert [t["target_response"] for t in tps] == ["PR", "NE", "PR"]


# ---------------------------------------------------------------------------------------
# Non-target response
# ---------------------------------------------------------------------------------------

NT_ROWS = [
    # every non-target present -> NON_CR_NON_PD
    pytest.param({"B1": "present", "B2": "present"}, "NON_CR_NON_PD", id="present"),
    # all absent -> CR
    pytest.param({"B1": "absent", "B2": "absent"}, "CR", id="all-absent"),
    # one present, one absent -> not all absent -> NON_CR_NON_PD
    pytest.param({"B1": "present", "B2": "absent"}, "NON_CR_NON_PD", id="mixed"),
    # any unequivocal_progression -> PD
    pytest.param({"B1": "absent", "B2": "unequivocal_progression"}, "PD", id="unequivocal"),
    # B2 not reported -> NE
    pytest.param({"B1": "present"}, "NE", id="one-not-reported"),
    # B2 not reported and B1 absent -> NE (not CR: not all known to be absent)
    pytest.param({"B1": "absent"}, "NE", id="absent-and-not-reported"),
    # PD wins over NE: unequivocal progression is enough whatever is missing
    pytest.param({"B1": "unequivocal_progression"}, "PD", id="pd-over-ne"),
    # no non_target map at all on the follow-up: nothing reported -> NE
    pytest.param(None, "NE", id="map-absent"),
]


@pytest.mark.parametrize(("follow_up", "expected"), NT_ROWS)
def test_non_target_response(follow_up: dict[str, str] | None, expected: str) -> None:
    lesions = [
        lesion("L1", "lung"),
        lesion("B1", "bone", recist_role="non_target"),
        lesion("B2", "bone", recist_role="non_target"),
    ]
    case = _case(
        lesions,
        [{"L1": 20}, {"L1": 20}],
        [{"B1": "present", "B2": "present"}, follow_up],
    )
    (tp,) = _recist(case)["timepoints"]
    assert tp["non_target_response"] == expected


def test_no_non_target_lesion_is_nd() -> None:
    # The only lesion is a target: there is no non-target lesion -> ND.
    (tp,) = _recist(_single([20, 20]))["timepoints"]
    assert tp["non_target_response"] == "ND"


# ---------------------------------------------------------------------------------------
# Overall response (RECIST11 table 1: with target lesions)
# ---------------------------------------------------------------------------------------

# follow-up measurement of the single target L1 (baseline 20) giving each target response
TARGET_FOLLOW_UP: dict[str, dict[str, float] | None] = {
    "CR": {"L1": 0},  # all non-nodal 0
    "PR": {"L1": 12},  # 12 <= 14 (= 0.7 x 20)
    "SD": {"L1": 20},  # unchanged
    "PD": {"L1": 30},  # +50%, +10 mm
    "NE": None,  # not measured
}
# follow-up state of the non-target B1 (present at baseline); ND = no non-target lesion
NON_TARGET_FOLLOW_UP: dict[str, str | None] = {
    "CR": "absent",
    "NON_CR_NON_PD": "present",
    "PD": "unequivocal_progression",
    "NE": None,
}

TABLE1 = [
    # (target, non-target, new lesions) -> overall, one row per table-1 line of the spec
    ("CR", "CR", False, "CR"),  # CR + CR -> CR
    ("CR", "ND", False, "CR"),  # CR + ND -> CR
    ("CR", "NON_CR_NON_PD", False, "PR"),  # CR + non-CR/non-PD -> PR
    ("CR", "NE", False, "PR"),  # CR + not evaluated -> PR
    ("PR", "NON_CR_NON_PD", False, "PR"),  # PR + non-PD -> PR
    ("PR", "NE", False, "PR"),  # PR + not all evaluated -> PR
    ("PR", "CR", False, "PR"),  # PR + CR (non-PD) -> PR
    ("PR", "ND", False, "PR"),  # PR alone -> PR
    ("SD", "NON_CR_NON_PD", False, "SD"),  # SD + non-PD -> SD
    ("SD", "NE", False, "SD"),  # SD + not all evaluated -> SD
    ("SD", "CR", False, "SD"),  # SD + CR (non-PD) -> SD
    ("SD", "ND", False, "SD"),  # SD alone -> SD
    ("NE", "NON_CR_NON_PD", False, "NE"),  # NE target + non-PD -> NE
    ("NE", "CR", False, "NE"),  # NE target + non-PD -> NE
    ("NE", "NE", False, "NE"),  # nothing evaluated, nothing progressing -> NE
    ("NE", "ND", False, "NE"),  # NE target, no non-target -> NE
    ("PD", "NON_CR_NON_PD", False, "PD"),  # target PD -> PD
    ("PD", "CR", False, "PD"),  # target PD -> PD
    ("PD", "ND", False, "PD"),  # target PD -> PD
    ("CR", "PD", False, "PD"),  # any + non-target PD -> PD
    ("SD", "PD", False, "PD"),  # any + non-target PD -> PD
    ("NE", "PD", False, "PD"),  # NE target + non-target PD -> PD
    ("CR", "CR", True, "PD"),  # new lesions -> PD
    ("SD", "NON_CR_NON_PD", True, "PD"),  # new lesions -> PD
    ("NE", "NE", True, "PD"),  # new lesions -> PD even when nothing was measured
]


@pytest.mark.parametrize(
    ("target", "non_target", "new", "overall"),
    TABLE1,
    ids=[f"{t}+{n}{'+new' if w else ''}" for t, n, w, _ in TABLE1],
)
def test_overall_table1(target: str, non_target: str, new: bool, overall: str) -> None:
    lesions = [lesion("L1", "lung")]
    nts: list[dict[str, str] | None] = [None, None]
    if non_target != "ND":
        lesions.append(lesion("B1", "bone", recist_role="non_target"))
        state = NON_TARGET_FOLLOW_UP[non_target]
        nts = [{"B1": "present"}, {"B1": state} if state else {}]
    case = _case(lesions, [{"L1": 20}, TARGET_FOLLOW_UP[target]], nts, [False, new])
    (tp,) = _recist(case)["timepoints"]
    assert tp["target_response"] == target
    assert tp["non_target_response"] == non_target
    assert tp["new_lesions"] is new
    assert tp["overall_response"] == overall


# ---------------------------------------------------------------------------------------
# Overall response (RECIST11 table 2: no target lesion)
# ---------------------------------------------------------------------------------------

TABLE2 = [
    # all non-targets absent -> CR
    ({"B1": "absent", "B2": "absent"}, False, "CR", "CR"),
    # some present -> NON_CR_NON_PD
    ({"B1": "present", "B2": "absent"}, False, "NON_CR_NON_PD", "NON_CR_NON_PD"),
    # B2 not reported -> NE
    ({"B1": "present"}, False, "NE", "NE"),
    # unequivocal progression -> PD
    ({"B1": "unequivocal_progression", "B2": "present"}, False, "PD", "PD"),
    # new lesions -> PD
    ({"B1": "present", "B2": "present"}, True, "NON_CR_NON_PD", "PD"),
    # new lesions -> PD even with all absent
    ({"B1": "absent", "B2": "absent"}, True, "CR", "PD"),
]


@pytest.mark.parametrize(("follow_up", "new", "non_target", "overall"), TABLE2)
def test_overall_table2(
    follow_up: dict[str, str], new: bool, non_target: str, overall: str
) -> None:
    lesions = [
        lesion("B1", "bone", recist_role="non_target"),
        lesion("B2", "pleura", recist_role="non_target"),
    ]
    case = _case(
        lesions, [None, None], [{"B1": "present", "B2": "present"}, follow_up], [False, new]
    )
    r = _recist(case)
    assert r["targets"] == []
    (tp,) = r["timepoints"]
    assert tp["non_target_response"] == non_target
    assert tp["overall_response"] == overall


# ---------------------------------------------------------------------------------------
# Asserted responses
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("asserted", ["CR", "PR", "SD", "PD", "NE"])
def test_assessed_response_without_measurements_is_used(asserted: str) -> None:
    # An assessed_response given without measurements is used as the overall response and
    # flagged as asserted (the flag's spelling is not fixed: look for "assert").
    case = make_case(
        lesions=[lesion("L1", "lung")],
        imaging=[scan("2020-01-10", {"L1": 20}), scan("2020-06-10", assessed_response=asserted)],
    )
    (tp,) = _recist(case)["timepoints"]
    assert tp["overall_response"] == asserted
    assert "assert" in json.dumps(tp).lower()


def test_computed_timepoints_are_not_flagged_asserted() -> None:
    # A fully measured timepoint with no assessed_response is computed, not asserted.
    (tp,) = _recist(_single([20, 20]))["timepoints"]
    flags = [v for k, v in tp.items() if "assert" in k.lower()]
    assert all(not v for v in flags)


# ---------------------------------------------------------------------------------------
# Best overall response (no confirmation; CR > PR > SD > NON_CR_NON_PD > PD > NE)
# ---------------------------------------------------------------------------------------

BEST_ROWS = [
    # PR, PR, PD -> PR
    pytest.param(_single([100, 70, 80, 84]), "PR", id="pr-then-pd"),
    # 100 -> 110 (SD) -> 135 (PD vs nadir 100) -> SD
    pytest.param(_single([100, 110, 135]), "SD", id="sd-then-pd"),
    # 100 -> 130 -> PD only
    pytest.param(_single([100, 130]), "PD", id="pd-only"),
    # CR then reappearance PD -> CR (no confirmation required)
    pytest.param(_single([15, 0, 4]), "CR", id="cr-then-pd"),
    # SD then PR (-30%) -> PR
    pytest.param(_single([100, 90, 70]), "PR", id="sd-then-pr"),
    # NE (not measured) then SD -> SD
    pytest.param(_single([20, None, 21]), "SD", id="ne-then-sd"),
    # NE only -> NE
    pytest.param(_single([20, None]), "NE", id="ne-only"),
    # PD then NE -> PD ranks above NE
    pytest.param(_single([20, 30, None]), "PD", id="pd-above-ne"),
    # no target: NON_CR_NON_PD then PD -> NON_CR_NON_PD
    pytest.param(
        _case(
            [lesion("B1", "bone", recist_role="non_target")],
            [None, None, None],
            [{"B1": "present"}, {"B1": "present"}, {"B1": "unequivocal_progression"}],
        ),
        "NON_CR_NON_PD",
        id="non-cr-non-pd-above-pd",
    ),
    # no target: NON_CR_NON_PD then CR -> CR
    pytest.param(
        _case(
            [lesion("B1", "bone", recist_role="non_target")],
            [None, None, None],
            [{"B1": "present"}, {"B1": "present"}, {"B1": "absent"}],
        ),
        "CR",
        id="table2-cr",
    ),
    # baseline 20 mm, then an asserted PR without measurements: best PR
    pytest.param(
        make_case(
            lesions=[lesion("L1", "lung")],
            imaging=[
                scan("2020-01-10", {"L1": 20}),
                scan("2020-04-10", assessed_response="PR"),
            ],
        ),
        "PR",
        id="asserted-pr",
    ),
]


@pytest.mark.parametrize(("case", "best"), BEST_ROWS)
def test_best_overall_response(case: dict[str, Any], best: str) -> None:
    assert _recist(case)["best_overall_response"] == best


# ---------------------------------------------------------------------------------------
# Published worked examples (tests/domain/data/recist_published.json)
# ---------------------------------------------------------------------------------------

PUBLISHED = json.loads(DATA.read_text(encoding="utf-8"))


@pytest.mark.parametrize("example", PUBLISHED, ids=[e["name"] for e in PUBLISHED])
def test_published_examples(example: dict[str, Any]) -> None:
    assert example["source"]
    case = make_case(lesions=example["lesions"], imaging=example["imaging"])
    r = _recist(case)
    exp = example["expect"]
    tps = r["timepoints"]
    if "targets" in exp:
        assert sorted(r["targets"]) == sorted(exp["targets"])
    if "sums" in exp:
        assert [t["sum_mm"] for t in tps] == pytest.approx(exp["sums"])
    for key, field in (
        ("target", "target_response"),
        ("non_target", "non_target_response"),
        ("overall", "overall_response"),
    ):
        if key in exp:
            assert [t[field] for t in tps] == exp[key], key
    if "best" in exp:
        assert r["best_overall_response"] == exp["best"]


# ---------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------


def _oracle(sums10: list[int]) -> list[str]:
    """Target responses for one non-nodal target, sums in tenths of mm (exact integers).

    Straight from clinical-rules.md section 2 (PD, then CR, then PR, else SD). With at most
    two follow-ups the only history that matters is the first follow-up's response.
    """
    base = sums10[0]
    history: list[str] = []
    for i, s in enumerate(sums10[1:], start=1):
        nadir = min(sums10[:i])
        if (10 * s >= 12 * nadir and s - nadir >= 50) or ("CR" in history and s > 0):
            r = "PD"
        elif s == 0:
            r = "CR"
        elif 10 * s <= 7 * base or any(h in ("PR", "CR") for h in history):
            r = "PR"
        else:
            r = "SD"
        history.append(r)
    return history


@st.composite
def _near_boundaries(draw: st.DrawFn) -> list[int]:
    """Baseline >= 10.0 mm and 1-2 follow-ups, often right at the PD / PR boundaries."""
    base = draw(st.integers(min_value=100, max_value=1500))
    sums = [base]
    for _ in range(draw(st.integers(min_value=1, max_value=2))):
        nadir = min(sums)
        delta = draw(st.integers(min_value=-1, max_value=1))
        kind = draw(st.sampled_from(["any", "ratio", "abs", "pr", "zero"]))
        if kind == "ratio":  # sum = 1.2 x nadir (rounded up to a tenth) +/- 0.1
            s = -(-12 * nadir // 10) + delta
        elif kind == "abs":  # sum = nadir + 5.0 mm +/- 0.1
            s = nadir + 50 + delta
        elif kind == "pr":  # sum = 0.7 x baseline (rounded down) +/- 0.1
            s = 7 * base // 10 + delta
        elif kind == "zero":
            s = 0
        else:
            s = draw(st.integers(min_value=0, max_value=3000))
        sums.append(max(s, 0))
    return sums


@settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(_near_boundaries())
def test_property_target_response_matches_the_rules(sums10: list[int]) -> None:
    # PD exactly when sum >= 1.2 x nadir and sum - nadir >= 5 mm (decimal-exact inputs
    # with one decimal: s10 / 10 is the float nearest the decimal, as JSON would parse it).
    tps = _recist(_single([s / 10 for s in sums10]))["timepoints"]
    assert [t["target_response"] for t in tps] == _oracle(sums10)


SITES = ["lung", "liver", "bone"]


@st.composite
def _scalable(draw: st.DrawFn) -> tuple[int, list[list[int]]]:
    """1-3 non-nodal targets and 1-3 follow-ups whose sums are 0 or >= 25.0 mm.

    Why this restriction makes responses scale-invariant: the PR (<= 0.7 x baseline) and
    the 20% PD ratio are ratios; CR (all non-nodal 0) and non-nodal reappearance (> 0) are
    unchanged by a positive factor. The +5 mm rule is not a ratio, but when every nadir is
    either 0 or >= 25 mm, a sum >= 1.2 x nadir is always >= nadir + 5 mm (0.2 x 25 = 5), so
    the absolute rule never decides on its own; a nadir of 0 means an earlier CR (all
    non-nodal targets 0), where any positive sum is a reappearance, hence PD anyway.
    Scaling by an integer k >= 1 keeps sums >= 25 mm and keeps one decimal exactly.
    Nodal targets are excluded: the 10 mm node rule for CR and reappearance is absolute.
    """
    n = draw(st.integers(min_value=1, max_value=3))
    steps = draw(st.integers(min_value=2, max_value=4))
    size = st.integers(min_value=100, max_value=900)  # tenths of mm
    rows: list[list[int]] = [[draw(size) for _ in range(n)]]  # baseline: all >= 10.0 mm
    for _ in range(steps - 1):
        rows.append([draw(st.one_of(st.just(0), size)) for _ in range(n)])
    for row in rows:
        total = sum(row)
        if 0 < total < 250:  # lift small positive sums to exactly 25.0 mm
            row[0] += 250 - total
    k = draw(st.integers(min_value=2, max_value=6))
    return k, rows


def _targets_case(rows: list[list[int]], factor: int) -> dict[str, Any]:
    ids = [f"T{i}" for i in range(len(rows[0]))]
    lesions = [lesion(i, SITES[j], recist_role="target") for j, i in enumerate(ids)]
    ms = [
        {i: float(Decimal(v * factor) / 10) for i, v in zip(ids, row, strict=True)} for row in rows
    ]
    return _case(lesions, ms)


@settings(
    max_examples=120, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(_scalable())
def test_property_scaling_preserves_ratio_decided_responses(
    data: tuple[int, list[list[int]]],
) -> None:
    k, rows = data
    a = _recist(_targets_case(rows, 1))["timepoints"]
    b = _recist(_targets_case(rows, k))["timepoints"]
    assert [t["target_response"] for t in a] == [t["target_response"] for t in b]
    assert [t["overall_response"] for t in a] == [t["overall_response"] for t in b]


# ---------------------------------------------------------------------------------------
# Issue 7: non-target scope and the radiologist's assessed response
# ---------------------------------------------------------------------------------------


def test_lesion_not_imaged_at_baseline_is_a_non_target() -> None:
    # clinical-rules.md section 2: "Every other declared lesion is non-target: all known
    # disease at baseline, including a lesion declared in `lesions` but not imaged at the
    # baseline date". B1 never imaged: a non-target, not evaluated at follow-up (NE), so
    # target CR (P1 15 -> 0) reads PR (table 1: "CR + NON_CR_NON_PD or NE -> PR").
    out = _recist(_case([lesion("P1"), lesion("B1", "bone")], [{"P1": 15}, {"P1": 0}]))
    assert out["targets"] == ["P1"]
    assert out["non_targets"] == ["B1"]
    tp = out["timepoints"][0]
    assert (tp["target_response"], tp["non_target_response"]) == ("CR", "NE")
    assert tp["overall_response"] == "PR"


def test_lesion_not_imaged_at_baseline_counts_once_reported() -> None:
    # the same B1 reported absent at follow-up: non-target CR, so target CR + CR -> CR
    case = _case(
        [lesion("P1"), lesion("B1", "bone")], [{"P1": 15}, {"P1": 0}], [None, {"B1": "absent"}]
    )
    assert _recist(case)["timepoints"][0]["overall_response"] == "CR"


def test_declared_target_without_baseline_measurement_becomes_non_target() -> None:
    # section 2: "A lesion given `recist_role: target` but not measured at baseline cannot
    # be a target: it is kept as a non-target, with a warning naming it."
    lesions = [lesion("P1", recist_role="target"), lesion("P2", recist_role="target")]
    out = _recist(_case(lesions, [{"P1": 20}, {"P1": 20, "P2": 12}]))
    assert out["targets"] == ["P1"]
    assert out["non_targets"] == ["P2"]
    assert any("P2" in w for w in out["warnings"])
    # P2 measured 12 mm at follow-up: reported present -> NON_CR_NON_PD; target SD -> SD
    tp = out["timepoints"][0]
    assert (tp["non_target_response"], tp["overall_response"]) == ("NON_CR_NON_PD", "SD")


def test_declared_target_never_measured_leaves_follow_up_not_evaluated() -> None:
    # the same, P2 never reported again: not evaluated (NE); target CR -> overall PR
    lesions = [lesion("P1", recist_role="target"), lesion("P2", recist_role="target")]
    tp = _recist(_case(lesions, [{"P1": 20}, {"P1": 0}]))["timepoints"][0]
    assert (tp["target_response"], tp["non_target_response"], tp["overall_response"]) == (
        "CR",
        "NE",
        "PR",
    )


ASSERTED_ROWS = [
    # (follow-up fields, expected overall, asserted flag) - clinical-rules.md section 2:
    # "An `assessed_response` is used as the overall response ... only when the timepoint
    # has no target measurement at all and reports neither a new lesion nor an unequivocal
    # non-target progression (those make it `PD`); otherwise the response is computed"
    # no target measurement, nothing else: the assertion is used
    ({"assessed_response": "PR"}, "PR", True),
    # a non-target measurement alone is not a target measurement: still asserted
    ({"assessed_response": "SD", "measurements": {"B1": 12}}, "SD", True),
    # a new lesion makes it PD whatever is asserted
    ({"assessed_response": "SD", "new_lesions": True}, "PD", False),
    # an unequivocal non-target progression makes it PD
    ({"assessed_response": "PR", "non_target": {"B1": "unequivocal_progression"}}, "PD", False),
    # one target measured (P2 missing): computed; P1 20 -> 20 with P2 missing is NE
    ({"assessed_response": "SD", "measurements": {"P1": 20}}, "NE", False),
    # both targets measured: 45 + 15 = 60 mm vs nadir 35 (+71 %, +25 mm) -> PD, computed
    ({"assessed_response": "SD", "measurements": {"P1": 45, "P2": 15}}, "PD", False),
]


@pytest.mark.parametrize(("follow_up", "overall", "asserted"), ASSERTED_ROWS)
def test_assessed_response_only_without_target_measurement(
    follow_up: dict[str, Any], overall: str, asserted: bool
) -> None:
    # baseline: P1 20 + P2 15 = 35 mm (targets), B1 bone non-target present
    base = scan("2020-01-10", {"P1": 20, "P2": 15}, {"B1": "present"})
    later = {"non_target": {"B1": "present"}, **follow_up}
    case = make_case(
        lesions=[lesion("P1"), lesion("P2"), lesion("B1", "bone", recist_role="non_target")],
        imaging=[base, {"date": "2020-06-10", **later}],
    )
    out = _recist(case)
    tp = out["timepoints"][0]
    assert tp["overall_response"] == overall
    assert tp["asserted"] is asserted
    differs = follow_up["assessed_response"] != overall
    # "a differing `assessed_response` adds a warning" (naming the date)
    # the date 2020-06-10, written day/month/year in French (the default language)
    assert any("10/06/2020" in w for w in out["warnings"]) is differs


def test_asserted_pr_counts_for_the_sticky_pr_rule() -> None:
    # section 2: "An asserted `PR` or `CR` counts as an earlier response for the sticky-PR
    # rule": 20 -> asserted PR -> 18 (-10 %, not PR by size) stays PR
    case = make_case(
        lesions=[lesion("P1")],
        imaging=[
            scan("2020-01-10", {"P1": 20}),
            scan("2020-06-10", assessed_response="PR"),
            scan("2020-12-10", {"P1": 18}),
        ],
    )
    assert [t["overall_response"] for t in _recist(case)["timepoints"]] == ["PR", "PR"]
