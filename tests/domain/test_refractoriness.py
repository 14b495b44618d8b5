"""Refractoriness (clinical-rules.md section 1, rule set tuthyref-2021).

Criteria, in output order: DTC-NO-UPTAKE, DTC-PROGRESSION-12M, DTC-CUMULATIVE-ACTIVITY,
ATC-ALWAYS, MTC-ADVANCED. Extent: `diagnosis.extent` override, else any distant lesion ->
metastatic, else any lesion -> locoregional. Distant = every site except thyroid_bed,
lymph_node_cervical_* and lymph_node_mediastinal_upper.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from .conftest import lab, lesion, make_case, rec_ids, run, scan
from .conftest import rai as rai_

ALL_CRITERIA = [
    "DTC-NO-UPTAKE",
    "DTC-PROGRESSION-12M",
    "DTC-CUMULATIVE-ACTIVITY",
    "ATC-ALWAYS",
    "MTC-ADVANCED",
]


def _refr(case: dict[str, Any]) -> dict[str, Any]:
    out = run(case)["refractory"]
    # every criterion met carries its evidence, naming the rule's source (every criterion
    # of section 1 cites SEED)
    for c in out["criteria_met"]:
        assert c in ALL_CRITERIA
        ev = [e for e in out["evidence"] if e["criterion"] == c]
        assert ev, f"no evidence for {c}"
        assert all(e["detail"] for e in ev)
        assert "SEED" in json.dumps(ev), f"evidence for {c} does not name its source"
    return out


# ---------------------------------------------------------------------------------------
# Category
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("histology", "category"),
    [
        ("papillary", "differentiated"),
        ("follicular", "differentiated"),
        ("oncocytic", "differentiated"),
        ("poorly_differentiated", "differentiated"),
        ("anaplastic", "anaplastic"),
        ("medullary", "medullary"),
    ],
)
def test_category_from_histology(histology: str, category: str) -> None:
    assert _refr(make_case(histology=histology))["category"] == category


# ---------------------------------------------------------------------------------------
# ATC-ALWAYS and MTC-ADVANCED
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lesions",
    [
        None,  # no lesion at all: "whatever its extent"
        [lesion("T1", "thyroid_bed", "no")],  # locoregional
        [lesion("T1", "thyroid_bed"), lesion("L1", "lung")],  # metastatic
    ],
    ids=["no-lesion", "locoregional", "metastatic"],
)
def test_anaplastic_is_always_refractory(lesions: list[dict[str, Any]] | None) -> None:
    out = _refr(make_case(histology="anaplastic", lesions=lesions))
    assert out["status"] == "refractory"
    assert out["missing_data"] == []
    assert out["criteria_met"] == ["ATC-ALWAYS"]
    assert out["category"] == "anaplastic"


MTC_ROWS = [
    # metastatic (liver is distant) + standard treatment not possible -> refractory
    pytest.param(
        [lesion("H1", "liver")],
        None,
        {"standard_treatment_possible": False},
        "refractory",
        id="metastatic-false",
    ),
    # advanced + null -> indeterminate, missing clinical.standard_treatment_possible
    pytest.param(
        [lesion("H1", "liver")],
        None,
        {"standard_treatment_possible": None},
        "indeterminate",
        id="metastatic-null",
    ),
    # advanced + field absent (= null) -> indeterminate
    pytest.param(
        [lesion("H1", "liver")], None, None, "indeterminate", id="metastatic-clinical-absent"
    ),
    # advanced + standard treatment possible -> not refractory
    pytest.param(
        [lesion("H1", "liver")],
        None,
        {"standard_treatment_possible": True},
        "not_refractory",
        id="metastatic-true",
    ),
    # cervical node only: locoregional -> not refractory, even with false
    pytest.param(
        [lesion("N1", "lymph_node_cervical_lateral")],
        None,
        {"standard_treatment_possible": False},
        "not_refractory",
        id="locoregional-false",
    ),
    # upper mediastinal node is not distant: locoregional -> not refractory
    pytest.param(
        [lesion("N1", "lymph_node_mediastinal_upper")],
        None,
        {"standard_treatment_possible": False},
        "not_refractory",
        id="upper-mediastinum-locoregional",
    ),
    # lower mediastinal node IS distant: metastatic -> refractory
    pytest.param(
        [lesion("N1", "lymph_node_mediastinal_lower")],
        None,
        {"standard_treatment_possible": False},
        "refractory",
        id="lower-mediastinum-metastatic",
    ),
    # extent override locally_advanced with a thyroid-bed lesion -> advanced -> refractory
    pytest.param(
        [lesion("T1", "thyroid_bed")],
        "locally_advanced",
        {"standard_treatment_possible": False},
        "refractory",
        id="override-locally-advanced",
    ),
    # locoregional with null: no advanced disease -> not refractory (nothing missing)
    pytest.param(
        [lesion("N1", "lymph_node_cervical_central")],
        None,
        {"standard_treatment_possible": None},
        "not_refractory",
        id="locoregional-null",
    ),
]


@pytest.mark.parametrize(("lesions", "extent", "clinical", "status"), MTC_ROWS)
def test_medullary(
    lesions: list[dict[str, Any]], extent: str | None, clinical: dict[str, Any] | None, status: str
) -> None:
    out = _refr(make_case(histology="medullary", extent=extent, lesions=lesions, clinical=clinical))
    assert out["category"] == "medullary"
    assert out["status"] == status
    assert out["criteria_met"] == (["MTC-ADVANCED"] if status == "refractory" else [])
    if status == "indeterminate":
        # only the medullary criterion could still hold: uptake or I-131 data are irrelevant
        assert out["missing_data"] == ["clinical.standard_treatment_possible"]
    else:
        assert out["missing_data"] == []


def test_medullary_ignores_dtc_criteria() -> None:
    # A medullary lesion without uptake and 600 mCi: the DTC criteria are for
    # differentiated cancers only -> only MTC-ADVANCED.
    case = make_case(
        histology="medullary",
        lesions=[lesion("H1", "liver", "no")],
        rai=[rai_("2015-01-01", 600)],
        clinical={"standard_treatment_possible": False},
    )
    assert _refr(case)["criteria_met"] == ["MTC-ADVANCED"]


# ---------------------------------------------------------------------------------------
# DTC-NO-UPTAKE and extent
# ---------------------------------------------------------------------------------------

# (lesions, extent override, expected status); every row has I-131 and imaging in the
# 12 months after it so that only uptake and extent decide.
UPTAKE_ROWS = [
    # lung (distant) without uptake -> metastatic + no uptake -> refractory
    pytest.param([lesion("P1", "lung", "no")], None, "refractory", id="lung-no"),
    # mixed uptake: one avid, one not -> still DTC-NO-UPTAKE
    pytest.param(
        [lesion("P1", "lung", "no"), lesion("P2", "lung", "yes")], None, "refractory", id="mixed"
    ),
    # lower mediastinal node is distant -> metastatic -> refractory
    pytest.param(
        [lesion("N1", "lymph_node_mediastinal_lower", "no")],
        None,
        "refractory",
        id="lower-mediastinum",
    ),
    # cervical node without uptake: locoregional -> outside the definition
    pytest.param(
        [lesion("N1", "lymph_node_cervical_central", "no")],
        None,
        "not_refractory",
        id="cervical-node",
    ),
    # upper mediastinal node: locoregional -> not refractory
    pytest.param(
        [lesion("N1", "lymph_node_mediastinal_upper", "no")],
        None,
        "not_refractory",
        id="upper-mediastinum",
    ),
    # thyroid bed: locoregional -> not refractory
    pytest.param([lesion("T1", "thyroid_bed", "no")], None, "not_refractory", id="thyroid-bed"),
    # extent override locally_advanced -> advanced -> refractory
    pytest.param(
        [lesion("T1", "thyroid_bed", "no")],
        "locally_advanced",
        "refractory",
        id="override-locally-advanced",
    ),
    # extent override metastatic on a cervical node -> refractory
    pytest.param(
        [lesion("N1", "lymph_node_cervical_lateral", "no")],
        "metastatic",
        "refractory",
        id="override-metastatic",
    ),
    # extent override locoregional wins over a lung lesion -> not refractory
    pytest.param(
        [lesion("P1", "lung", "no")], "locoregional", "not_refractory", id="override-locoregional"
    ),
    # every lesion avid, no PD, < 22 GBq -> not refractory
    pytest.param(
        [lesion("P1", "lung", "yes"), lesion("P2", "bone", "yes")],
        None,
        "not_refractory",
        id="all-avid",
    ),
]


@pytest.mark.parametrize(("lesions", "extent", "status"), UPTAKE_ROWS)
@pytest.mark.parametrize(
    "histology", ["papillary", "follicular", "oncocytic", "poorly_differentiated"]
)
def test_no_uptake_and_extent(
    lesions: list[dict[str, Any]], extent: str | None, status: str, histology: str
) -> None:
    first = lesions[0]["id"]
    case = make_case(
        histology=histology,
        extent=extent,
        lesions=lesions,
        rai=[rai_("2020-03-15", 100)],
        imaging=[scan("2020-03-01", {first: 20}), scan("2020-09-01", {first: 20})],
    )
    out = _refr(case)
    assert out["status"] == status
    assert out["criteria_met"] == (["DTC-NO-UPTAKE"] if status == "refractory" else [])
    assert out["category"] == "differentiated"


def test_differentiated_without_lesion_is_not_refractory() -> None:
    # No lesion and no extent override: extent none, no DTC criterion can hold whatever
    # data were added (each needs advanced disease) -> not refractory, nothing missing.
    out = _refr(make_case(histology="papillary"))
    assert out["status"] == "not_refractory"
    assert out["criteria_met"] == []
    assert out["missing_data"] == []


def test_no_uptake_needs_an_i131_administration() -> None:
    # clinical-rules.md section 1, DTC-NO-UPTAKE: "at least one I-131 administration in
    # `rai`"; "A non-avid lesion with no I-131 given yet is not enough: `indeterminate`,
    # missing `rai`". (The earlier reading, with no I-131 prerequisite, is withdrawn.)
    out = _refr(make_case(lesions=[lesion("P1", "lung", "no")]))
    assert out["status"] == "indeterminate"
    assert out["criteria_met"] == []
    assert out["missing_data"] == ["rai"]


def test_no_uptake_holds_after_one_administration() -> None:
    # the same lesion once one I-131 administration is recorded: DTC-NO-UPTAKE
    case = make_case(lesions=[lesion("P1", "lung", "no")], rai=[rai_("2019-01-01", 100)])
    out = _refr(case)
    assert out["status"] == "refractory"
    assert out["criteria_met"] == ["DTC-NO-UPTAKE"]


def test_locoregional_not_refractory_even_with_every_trigger() -> None:
    # Only cervical nodes: no uptake, 600 mCi and a PD 6 months after I-131 -> still
    # outside the definition (locally advanced or metastatic disease only).
    case = make_case(
        lesions=[lesion("N1", "lymph_node_cervical_lateral", "no")],
        rai=[rai_("2019-01-01", 300), rai_("2020-01-01", 300)],
        imaging=[scan("2019-12-01", {"N1": 20}), scan("2020-07-01", {"N1": 30})],
    )
    out = _refr(case)
    assert out["status"] == "not_refractory"
    assert out["criteria_met"] == []


# ---------------------------------------------------------------------------------------
# DTC-PROGRESSION-12M: R < D <= R + 12 calendar months
# ---------------------------------------------------------------------------------------


def _progression(
    rai_dates: list[str], baseline: str, pd_date: str, **scan_extra: Any
) -> dict[str, Any]:
    """Two avid lung lesions; baseline P1 20 + P2 15 = 35, then P1 30 + P2 20 = 50
    (+43%, +15 mm -> PD) at pd_date, unless scan_extra replaces the measurements."""
    follow: dict[str, Any] = {"date": pd_date}
    follow.update(scan_extra or {"measurements": {"P1": 30, "P2": 20}})
    return make_case(
        lesions=[lesion("P1", "lung", "yes"), lesion("P2", "lung", "yes")],
        rai=[rai_(d, 100) for d in rai_dates],
        imaging=[scan(baseline, {"P1": 20, "P2": 15}), follow],
    )


WINDOW_ROWS = [
    # PD six months after I-131 -> inside the window
    pytest.param(["2020-03-15"], "2020-03-01", "2020-09-15", True, id="six-months"),
    # PD exactly 12 calendar months after I-131 (2021-03-15) -> D <= R + 12 months -> counts
    pytest.param(["2020-03-15"], "2020-03-01", "2021-03-15", True, id="exactly-12-months"),
    # one day later -> outside
    pytest.param(["2020-03-15"], "2020-03-01", "2021-03-16", False, id="12-months-plus-1-day"),
    # PD on the I-131 date itself: R < D is strict -> does not count
    pytest.param(["2020-03-15"], "2020-03-01", "2020-03-15", False, id="same-day-as-rai"),
    # the day after I-131 -> counts
    pytest.param(["2020-03-15"], "2020-03-01", "2020-03-16", True, id="day-after-rai"),
    # I-131 on 29 Feb 2020: 28 Feb 2021 is within 12 calendar months whatever the
    # end-of-month convention -> counts
    pytest.param(["2020-02-29"], "2020-02-01", "2021-02-28", True, id="leap-day-rai"),
    # two I-131: PD 2018-12-01 is within 12 months of the first (2018-01-10) -> counts
    pytest.param(
        ["2018-01-10", "2020-06-01"], "2018-01-01", "2018-12-01", True, id="window-of-first-rai"
    ),
    # PD 2019-03-01 is 14 months after the first and before the second -> no window
    pytest.param(
        ["2018-01-10", "2020-06-01"], "2018-01-01", "2019-03-01", False, id="between-windows"
    ),
    # PD before any I-131 -> no R < D
    pytest.param(["2020-03-15"], "2019-06-01", "2020-01-01", False, id="pd-before-rai"),
]


@pytest.mark.parametrize(("rai_dates", "baseline", "pd_date", "met"), WINDOW_ROWS)
def test_progression_window(rai_dates: list[str], baseline: str, pd_date: str, met: bool) -> None:
    case = _progression(rai_dates, baseline, pd_date)
    recist = run(case)["recist"]
    assert recist["timepoints"][-1]["overall_response"] == "PD"  # the imaging is a PD
    out = _refr(case)
    assert ("DTC-PROGRESSION-12M" in out["criteria_met"]) is met
    if met:
        assert out["status"] == "refractory"
        assert out["criteria_met"] == ["DTC-PROGRESSION-12M"]


@pytest.mark.parametrize(
    "extra",
    [
        # a radiologist's asserted PD without measurements counts ("computed or asserted")
        {"assessed_response": "PD"},
        # new lesions -> overall PD
        {"measurements": {"P1": 20, "P2": 15}, "new_lesions": True},
    ],
    ids=["asserted-pd", "new-lesions"],
)
def test_progression_other_pd_kinds(extra: dict[str, Any]) -> None:
    case = _progression(["2020-03-15"], "2020-03-01", "2020-09-15", **extra)
    out = _refr(case)
    assert out["criteria_met"] == ["DTC-PROGRESSION-12M"]
    assert out["status"] == "refractory"


def test_non_target_progression_counts() -> None:
    # Unequivocal progression of a non-target bone lesion -> overall PD -> criterion met.
    case = make_case(
        lesions=[
            lesion("P1", "lung", "yes"),
            lesion("B1", "bone", "yes", recist_role="non_target"),
        ],
        rai=[rai_("2020-03-15", 100)],
        imaging=[
            scan("2020-03-01", {"P1": 20}, {"B1": "present"}),
            scan("2020-09-15", {"P1": 20}, {"B1": "unequivocal_progression"}),
        ],
    )
    assert _refr(case)["criteria_met"] == ["DTC-PROGRESSION-12M"]


def test_stable_disease_in_window_is_not_progression() -> None:
    # SD six months after I-131 with avid lesions: no criterion -> not refractory.
    case = _progression(
        ["2020-03-15"], "2020-03-01", "2020-09-15", measurements={"P1": 21, "P2": 15}
    )
    out = _refr(case)
    assert out["criteria_met"] == []
    assert out["status"] == "not_refractory"


# ---------------------------------------------------------------------------------------
# DTC-CUMULATIVE-ACTIVITY: >= 22 GBq, disease persisting after the threshold
# ---------------------------------------------------------------------------------------

AVID = [lesion("P1", "lung", "yes"), lesion("P2", "lung", "yes")]


def _cumulative(
    administrations: list[tuple[float, str]],
    imaging: list[dict[str, Any]] | None = None,
    lesions: list[dict[str, Any]] = AVID,
) -> dict[str, Any]:
    """Administrations yearly on 1 June from 2010; default imaging: a baseline on 1 September
    and SD on 1 March after the last administration (both within its 12 months, so that
    `imaging_after_rai` is never missing)."""
    last_year = 2010 + len(administrations) - 1
    if imaging is None:
        first = lesions[0]["id"]
        imaging = [
            scan(f"{last_year}-09-01", {first: 12}),
            scan(f"{last_year + 1}-03-01", {first: 12}),
        ]
    return make_case(
        lesions=lesions,
        rai=[rai_(f"{2010 + i}-06-01", a, u) for i, (a, u) in enumerate(administrations)],
        imaging=imaging,
    )


THRESHOLD_ROWS = [
    # 4 x 150 mCi = 600 mCi = 22.2 GBq >= 22 -> met
    pytest.param([(150, "mCi")] * 4, True, id="600-mCi"),
    # 10 x 2.2 GBq = 22.0 GBq exactly (21.999999999999996 in binary floats) -> met
    pytest.param([(2.2, "GBq")] * 10, True, id="exactly-22-GBq-decimal"),
    # 11 GBq + 11 000 MBq = 22 GBq exactly -> met
    pytest.param([(11, "GBq"), (11000, "MBq")], True, id="exactly-22-GBq-mixed"),
    # 300 mCi (11.1 GBq) + 10.9 GBq = 22.0 GBq exactly -> met
    pytest.param([(300, "mCi"), (10.9, "GBq")], True, id="exactly-22-GBq-mci"),
    # 595 mCi = 22.015 GBq -> met
    pytest.param([(595, "mCi")], True, id="595-mCi"),
    # 594 mCi = 21.978 GBq -> not met
    pytest.param([(594, "mCi")], False, id="594-mCi"),
    # 3 x 7.3 GBq = 21.9 GBq -> not met
    pytest.param([(7.3, "GBq")] * 3, False, id="21.9-GBq"),
    # 5 x 150 mCi = 27.75 GBq -> met
    pytest.param([(150, "mCi")] * 5, True, id="750-mCi"),
]


@pytest.mark.parametrize(("administrations", "met"), THRESHOLD_ROWS)
def test_cumulative_threshold(administrations: list[tuple[float, str]], met: bool) -> None:
    out = _refr(_cumulative(administrations))
    assert out["criteria_met"] == (["DTC-CUMULATIVE-ACTIVITY"] if met else [])
    assert out["status"] == ("refractory" if met else "not_refractory")


def test_cumulative_not_met_when_latest_imaging_after_threshold_is_cr() -> None:
    # Threshold reached on 2013-06-01 (4th x 150 mCi); latest imaging after it
    # (2014-01-01: every target 0, no non-target -> CR) -> disease does not persist.
    imaging = [scan("2013-01-01", {"P1": 12, "P2": 10}), scan("2014-01-01", {"P1": 0, "P2": 0})]
    out = _refr(_cumulative([(150, "mCi")] * 4, imaging))
    assert "DTC-CUMULATIVE-ACTIVITY" not in out["criteria_met"]


def test_cumulative_met_when_latest_imaging_after_threshold_is_not_cr() -> None:
    # Same, but the latest imaging after 2013-06-01 shows PR (12+10 -> 5+5) -> persists.
    imaging = [scan("2013-01-01", {"P1": 12, "P2": 10}), scan("2014-01-01", {"P1": 5, "P2": 5})]
    out = _refr(_cumulative([(150, "mCi")] * 4, imaging))
    assert out["criteria_met"] == ["DTC-CUMULATIVE-ACTIVITY"]


def test_cumulative_met_without_imaging_after_threshold() -> None:
    # "the latest imaging after that date, if any": no imaging at all, lesions declared
    # -> persists -> met.
    case = _cumulative([(150, "mCi")] * 4)
    del case["imaging"]
    out = _refr(case)
    assert out["criteria_met"] == ["DTC-CUMULATIVE-ACTIVITY"]
    assert out["status"] == "refractory"


def test_cumulative_needs_a_declared_lesion() -> None:
    # Metastatic by override but no lesion declared -> disease not shown to persist ->
    # not met; nothing else can hold (no lesion for uptake or imaging) -> not refractory.
    case = make_case(extent="metastatic", rai=[rai_(f"{2010 + i}-06-01", 150) for i in range(4)])
    out = _refr(case)
    assert out["criteria_met"] == []
    assert out["status"] == "not_refractory"


def test_cumulative_locoregional_is_outside_the_definition() -> None:
    lesions = [lesion("N1", "lymph_node_cervical_lateral", "yes")]
    out = _refr(_cumulative([(150, "mCi")] * 5, lesions=lesions))
    assert out["status"] == "not_refractory"
    assert out["criteria_met"] == []


# ---------------------------------------------------------------------------------------
# Several criteria: fixed order
# ---------------------------------------------------------------------------------------


def test_criteria_order() -> None:
    # P1 not avid (DTC-NO-UPTAKE); 4 x 150 mCi up to 2019-03-01 (22.2 GBq); baseline
    # 2019-02-01 (20 + 15 = 35), 2019-09-01 (30 + 20 = 50: +43%, +15 mm -> PD, 6 months
    # after the last I-131 -> DTC-PROGRESSION-12M; latest imaging after the threshold is
    # PD, not CR -> DTC-CUMULATIVE-ACTIVITY). Lesions listed in reverse order on purpose.
    case = make_case(
        histology="follicular",
        lesions=[lesion("P2", "lung", "yes"), lesion("P1", "lung", "no")],
        rai=[rai_(f"{y}-03-01", 150) for y in (2019, 2018, 2017, 2016)],
        imaging=[
            scan("2019-09-01", {"P1": 30, "P2": 20}),
            scan("2019-02-01", {"P1": 20, "P2": 15}),
        ],
    )
    out = _refr(case)
    assert out["status"] == "refractory"
    assert out["criteria_met"] == [
        "DTC-NO-UPTAKE",
        "DTC-PROGRESSION-12M",
        "DTC-CUMULATIVE-ACTIVITY",
    ]
    assert out["missing_data"] == []


# ---------------------------------------------------------------------------------------
# Indeterminate and missing data
# ---------------------------------------------------------------------------------------

MISSING_ROWS = [
    # uptake unknown (could be "no"); imaging within 12 months of I-131 shows SD
    pytest.param(
        [lesion("P1", "lung", "unknown")],
        [rai_("2020-03-15", 100)],
        [scan("2020-03-01", {"P1": 20}), scan("2020-09-01", {"P1": 20})],
        ["lesions.rai_uptake"],
        id="uptake-unknown",
    ),
    # rai_uptake defaults to unknown when absent
    pytest.param(
        [lesion("P1", "lung")],
        [rai_("2020-03-15", 100)],
        [scan("2020-03-01", {"P1": 20}), scan("2020-09-01", {"P1": 20})],
        ["lesions.rai_uptake"],
        id="uptake-default-unknown",
    ),
    # avid lesion, I-131, no imaging at all -> a PD in the 12 months cannot be excluded
    pytest.param(
        [lesion("P1", "lung", "yes")],
        [rai_("2020-03-15", 100)],
        [],
        ["imaging_after_rai"],
        id="no-imaging",
    ),
    # imaging only before and > 12 months after the latest I-131 (2020-03-15)
    pytest.param(
        [lesion("P1", "lung", "yes")],
        [rai_("2020-03-15", 100)],
        [scan("2019-12-01", {"P1": 20}), scan("2021-06-01", {"P1": 20})],
        ["imaging_after_rai"],
        id="imaging-outside-window",
    ),
    # imaging after the first I-131 but none after the latest (2020-06-01)
    pytest.param(
        [lesion("P1", "lung", "yes")],
        [rai_("2019-01-10", 100), rai_("2020-06-01", 100)],
        [scan("2019-01-01", {"P1": 20}), scan("2019-06-01", {"P1": 20})],
        ["imaging_after_rai"],
        id="no-imaging-after-latest-rai",
    ),
    # both missing (shared example ex-ptc-indeterminate)
    pytest.param(
        [lesion("P1", "lung", "unknown"), lesion("P2", "lung", "unknown")],
        [rai_("2022-04-01", 100)],
        [],
        ["imaging_after_rai", "lesions.rai_uptake"],
        id="both",
    ),
]


@pytest.mark.parametrize(("lesions", "rai_list", "imaging", "missing"), MISSING_ROWS)
def test_missing_data(
    lesions: list[dict[str, Any]],
    rai_list: list[dict[str, Any]],
    imaging: list[dict[str, Any]],
    missing: list[str],
) -> None:
    out = _refr(make_case(lesions=lesions, rai=rai_list, imaging=imaging))
    assert out["status"] == "indeterminate"
    assert out["criteria_met"] == []
    assert sorted(out["missing_data"]) == missing


def test_missing_rai() -> None:
    # Avid lesion, SD on imaging, no I-131 recorded at all -> "rai" is missing.
    case = make_case(
        lesions=[lesion("P1", "lung", "yes")],
        imaging=[scan("2020-03-01", {"P1": 20}), scan("2020-09-01", {"P1": 20})],
    )
    out = _refr(case)
    assert out["status"] == "indeterminate"
    assert "rai" in out["missing_data"]


def test_refractory_lists_nothing_missing() -> None:
    # Refractory (P1 not avid) although N1's uptake is unknown: nothing is missing to
    # decide (shared demo-003 output shows missing_data: []).
    case = make_case(
        lesions=[
            lesion("P1", "lung", "no"),
            lesion("N1", "lymph_node_mediastinal_upper", "unknown"),
        ],
        rai=[rai_("2020-03-15", 100)],
    )
    out = _refr(case)
    assert out["status"] == "refractory"
    assert out["missing_data"] == []


def test_not_refractory_lists_nothing_missing() -> None:
    case = _progression(
        ["2020-03-15"], "2020-03-01", "2020-09-15", measurements={"P1": 20, "P2": 15}
    )
    out = _refr(case)
    assert out["status"] == "not_refractory"
    assert out["missing_data"] == []


# ---------------------------------------------------------------------------------------
# Thyroglobulin never decides
# ---------------------------------------------------------------------------------------

RISING_TG = [
    lab(d, "thyroglobulin", v, "ng/mL")
    for d, v in zip(
        ["2020-04-01", "2020-07-10", "2020-10-18", "2021-01-26"], [1, 2, 4, 8], strict=True
    )
]
FALLING_TG = [
    lab(d, "thyroglobulin", v, "ng/mL")
    for d, v in zip(
        ["2020-04-01", "2020-07-10", "2020-10-18", "2021-01-26"], [8, 4, 2, 1], strict=True
    )
]


@pytest.mark.parametrize(
    ("lesions", "labs", "status", "note"),
    [
        # avid lesions, SD after I-131, Tg doubling every 100 days -> still not refractory,
        # with the note
        pytest.param(
            [lesion("P1", "lung", "yes")],
            RISING_TG,
            "not_refractory",
            True,
            id="rising-not-refractory",
        ),
        # same with unknown uptake -> indeterminate, status unchanged, note (no criterion met)
        pytest.param(
            [lesion("P1", "lung", "unknown")],
            RISING_TG,
            "indeterminate",
            True,
            id="rising-indeterminate",
        ),
        # refractory by uptake: a criterion is met -> no note
        pytest.param(
            [lesion("P1", "lung", "no")], RISING_TG, "refractory", False, id="rising-refractory"
        ),
        # falling Tg -> no note
        pytest.param(
            [lesion("P1", "lung", "yes")], FALLING_TG, "not_refractory", False, id="falling"
        ),
    ],
)
def test_thyroglobulin_never_decides(
    lesions: list[dict[str, Any]], labs: list[dict[str, Any]], status: str, note: bool
) -> None:
    case = make_case(
        lesions=lesions,
        rai=[rai_("2020-03-15", 100)],
        imaging=[scan("2020-03-01", {"P1": 20}), scan("2020-09-01", {"P1": 20})],
        labs=labs,
    )
    out = run(case)
    assert out["refractory"]["status"] == status
    assert ("NOTE-TG-NOT-CRITERION" in rec_ids(out)) is note


def test_cumulative_activity_with_a_bone_lesion_never_reimaged() -> None:
    # clinical-rules.md section 2: a declared lesion not imaged at baseline is a
    # non-target; not evaluated at follow-up, so target CR + NE -> PR (table 1), and
    # section 1 DTC-CUMULATIVE-ACTIVITY: 3 x 7.4 = 22.2 GBq >= 22 GBq, latest imaging after
    # the threshold (2013-12-01, PR) is not CR -> refractory (shared example
    # ex-ftc-bone-not-reimaged, checked by hand).
    case = make_case(
        histology="follicular",
        rai=[rai_(d, 7.4, "GBq") for d in ("2012-03-01", "2012-10-01", "2013-05-02")],
        lesions=[lesion("P1", "lung", "yes"), lesion("P2", "lung", "yes"), lesion("B1", "bone")],
        imaging=[scan("2013-04-15", {"P1": 15, "P2": 11}), scan("2013-12-01", {"P1": 0, "P2": 0})],
    )
    out = run(case)
    assert [t["overall_response"] for t in out["recist"]["timepoints"]] == ["PR"]
    assert out["refractory"]["criteria_met"] == ["DTC-CUMULATIVE-ACTIVITY"]


def test_cold_lesion_before_any_i131_lists_rai_as_missing() -> None:
    # section 1: "A non-avid lesion with no I-131 given yet is not enough: `indeterminate`,
    # missing `rai`"; a lesion of unknown uptake adds `lesions.rai_uptake` (listed first)
    case = make_case(
        lesions=[lesion("L1", "lung", "no"), lesion("N1", "lymph_node_cervical_lateral")],
        imaging=[scan("2025-02-01", {"L1": 12, "N1": 16})],
    )
    out = _refr(case)
    assert out["status"] == "indeterminate"
    assert out["missing_data"] == ["lesions.rai_uptake", "rai"]
