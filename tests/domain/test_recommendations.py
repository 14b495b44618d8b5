"""Options for the RCP (clinical-rules.md section 4).

Each recommendation id has one row where it is triggered (with its priority) and at least
one where it is not. "Progressive" = a RECIST PD at an imaging date within the 14 months
before the latest imaging date.

Base case B (built by `_b`): papillary, P1 lung not avid + P2 lung avid (metastatic,
DTC-NO-UPTAKE -> refractory), 100 mCi on 2019-06-01, imaging 2020-01-10 (P1 15 + P2 12 =
27) and 2020-07-10 (same -> SD, not progressive), clinical: not symptomatic, not locally
treatable, no bleeding risk, no molecular entry. Progressive variant: 2020-07-10 P1 20 +
P2 15 = 35 (+29.6%, +8 mm -> PD at the latest imaging).
Base case N (`_n`): same but both lesions avid -> no criterion -> not refractory (imaging
2020-01-10 is within 12 months of the I-131, so nothing is missing).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from .conftest import lab, lesion, make_case, mol, rec, rec_ids, run, scan
from .conftest import rai as rai_

PRIORITY_RANK = {"urgent": 0, "high": 1, "routine": 2}
KNOWN_SOURCES = (
    "SEED",
    "TUTHYREF",
    "ATA2015",
    "ATA2025",
    "ATA-MTC2015",
    "RECIST11",
    "MIYAUCHI2011",
    "MERAIODE",
)

BRAF = mol("BRAF", "V600E")
NRAS = mol("NRAS", "Q61R")
KRAS = mol("KRAS", "G12V")
HRAS = mol("HRAS", "G13R")
RET_FUSION = mol("RET", "fusion", kind="fusion")
RET_M918T = mol("RET", "M918T")
NTRK3_FUSION = mol("NTRK3", "fusion", kind="fusion")
ALK_FUSION = mol("ALK", "fusion", kind="fusion")
TERT = mol("TERT", "C228T")  # a molecular entry with nothing actionable
# thyroglobulin doubling every 100 days after the I-131 (1, 2, 4, 8 ng/mL)
TG_DOUBLING_EVERY_100_DAYS = [
    lab(day, "thyroglobulin", value, "ng/mL")
    for day, value in zip(
        ["2019-07-01", "2019-10-09", "2020-01-17", "2020-04-26"], [1, 2, 4, 8], strict=True
    )
]


def _b(
    *,
    progressive: bool = False,
    symptomatic: bool | None = False,
    locally_treatable: bool | None = False,
    molecular: list[dict[str, Any]] | None = None,
    uptake: tuple[str, str] = ("no", "yes"),
    extra_lesions: list[dict[str, Any]] | None = None,
    extra_baseline: dict[str, float] | None = None,
    extra_latest: dict[str, float] | None = None,
    latest: tuple[float, float] | None = None,
    histology: str = "papillary",
    labs: list[dict[str, Any]] | None = None,
    **clinical: Any,
) -> dict[str, Any]:
    base = {"P1": 15.0, "P2": 12.0}
    last = {"P1": 20.0, "P2": 15.0} if progressive else dict(base)
    if latest is not None:
        last = {"P1": latest[0], "P2": latest[1]}
    base.update(extra_baseline or {})
    last.update(extra_latest or {})
    lesions = [lesion("P1", "lung", uptake[0]), lesion("P2", "lung", uptake[1])]
    lesions += extra_lesions or []
    clin = {
        "symptomatic": symptomatic,
        "locally_treatable": locally_treatable,
        "brain_metastases_bleeding_risk": False,
    }
    clin.update(clinical)
    return make_case(
        histology=histology,
        lesions=lesions,
        rai=[rai_("2019-06-01", 100)],
        imaging=[scan("2020-01-10", base), scan("2020-07-10", last)],
        molecular=molecular,
        clinical=clin,
        labs=labs,
    )


def _with_imaging(case: dict[str, Any], *timepoints: tuple[str, float, float]) -> dict[str, Any]:
    """Replace the imaging of a B-like case by (date, P1, P2) timepoints."""
    case["imaging"] = [scan(d, {"P1": a, "P2": b}) for d, a, b in timepoints]
    return case


# PD 2019-07-10 (27 -> 35), then 29 (+7.4% vs nadir 27 -> SD) on the latest date
OLD_PD_17_MONTHS = (("2019-01-10", 15, 12), ("2019-07-10", 20, 15), ("2020-12-10", 16, 13))
OLD_PD_13_MONTHS = (("2019-01-10", 15, 12), ("2019-07-10", 20, 15), ("2020-08-10", 16, 13))


def _n(**kw: Any) -> dict[str, Any]:
    return _b(uptake=("yes", "yes"), **kw)


def _atc(molecular: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    # shared example ex-atc: anaplastic, thyroid bed + lateral cervical node
    return make_case(
        histology="anaplastic",
        lesions=[lesion("T1", "thyroid_bed", "no"), lesion("N1", "lymph_node_cervical_lateral")],
        molecular=molecular,
    )


def _mtc(
    *,
    progressive: bool = False,
    symptomatic: bool = False,
    molecular: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    # medullary, liver + bone, standard treatment not possible -> MTC-ADVANCED;
    # progressive: H1 20 -> 30 (+50%, +10 mm)
    return make_case(
        histology="medullary",
        lesions=[lesion("H1", "liver"), lesion("B1", "bone", recist_role="non_target")],
        imaging=[
            scan("2020-01-10", {"H1": 20}, {"B1": "present"}),
            scan("2020-07-10", {"H1": 30 if progressive else 20}, {"B1": "present"}),
        ],
        molecular=molecular,
        clinical={
            "standard_treatment_possible": False,
            "symptomatic": symptomatic,
            "locally_treatable": False,
        },
    )


def _node(site: str, values: list[float], confirmed: bool = False) -> dict[str, Any]:
    # papillary with a single node lesion measured at each date (short axis)
    dates = ["2020-01-10", "2020-07-10", "2021-01-10"]
    extra = {"confirmed": True} if confirmed else {}
    return make_case(
        lesions=[lesion("N1", site, "yes", **extra)],
        rai=[rai_("2019-06-01", 100)],
        imaging=[scan(d, {"N1": v}) for d, v in zip(dates, values, strict=False)],
    )


def _cumul(
    *,
    responses: tuple[str | None, ...] = ("stable", "stable", "stable", "regressing"),
    uptake: tuple[str, ...] = ("yes", "yes"),
    sums: tuple[tuple[float, float], tuple[float, float]] = ((12, 10), (12, 10)),
    n: int = 4,
) -> dict[str, Any]:
    # 150 mCi yearly on 1 March 2016..2019 (n = 4 -> 600 mCi = 22.2 GBq), the latest
    # response last; imaging 2019-02-01 and 2019-09-01 (after the threshold, not CR).
    # Administrations listed newest first on purpose (rai[] comes in any order).
    rai_list = []
    for i in range(n):
        entry = rai_(f"{2016 + i}-03-01", 150)
        resp = responses[i] if i < len(responses) else None
        if resp is not None:
            entry["response"] = resp
        rai_list.append(entry)
    lesions = [lesion(f"P{i + 1}", "lung", u) for i, u in enumerate(uptake)]
    return make_case(
        lesions=lesions,
        rai=list(reversed(rai_list)),
        imaging=[
            scan("2019-02-01", {"P1": sums[0][0], "P2": sums[0][1]}),
            scan("2019-09-01", {"P1": sums[1][0], "P2": sums[1][1]}),
        ],
    )


SYSTEMIC = {"progressive": True, "symptomatic": True}  # with locally_treatable False
BRAIN = lesion("K1", "brain", "yes", recist_role="non_target")

# (row id, case, recommendation id, expected priority or None when not triggered)
ROWS: list[tuple[str, dict[str, Any], str, str | None]] = [
    # --- RCP-NATIONAL: urgent if anaplastic, else high; anaplastic or any of SYSTEMIC /
    # REDIFFERENTIATION / TARGETED / CLINICAL-TRIAL proposed
    ("national-anaplastic", _atc(), "RCP-NATIONAL", "urgent"),
    ("national-systemic", _b(**SYSTEMIC), "RCP-NATIONAL", "high"),
    ("national-redifferentiation", _b(molecular=[BRAF]), "RCP-NATIONAL", "high"),
    ("national-targeted", _b(molecular=[RET_FUSION]), "RCP-NATIONAL", "high"),
    ("national-trial", _b(molecular=[NRAS]), "RCP-NATIONAL", "high"),
    # B: refractory but none of the four options -> regional only
    ("national-not-b", _b(), "RCP-NATIONAL", None),
    # --- RCP-REGIONAL: high; refractory or indeterminate and no RCP-NATIONAL
    ("regional-refractory", _b(), "RCP-REGIONAL", "high"),
    ("regional-indeterminate", _b(uptake=("unknown", "yes")), "RCP-REGIONAL", "high"),
    ("regional-not-when-national", _b(molecular=[BRAF]), "RCP-REGIONAL", None),
    ("regional-not-when-not-refractory", _n(), "RCP-REGIONAL", None),
    ("regional-not-anaplastic", _atc(), "RCP-REGIONAL", None),
    # --- MOLECULAR-TESTING: urgent if anaplastic else high; no molecular entry and
    # (anaplastic, refractory, or metastatic)
    ("molecular-refractory", _b(), "MOLECULAR-TESTING", "high"),
    ("molecular-anaplastic", _atc(), "MOLECULAR-TESTING", "urgent"),
    ("molecular-metastatic-not-refractory", _n(), "MOLECULAR-TESTING", "high"),
    ("molecular-mtc", _mtc(), "MOLECULAR-TESTING", "high"),
    ("molecular-not-when-done", _b(molecular=[TERT]), "MOLECULAR-TESTING", None),
    # --- GERMLINE-RET-TESTING: high; medullary and no molecular entry with gene RET and
    # origin germline (a somatic RET result does not answer it; ATA-MTC2015)
    ("germline-mtc-nothing", _mtc(), "GERMLINE-RET-TESTING", "high"),
    ("germline-mtc-somatic-ret", _mtc(molecular=[RET_M918T]), "GERMLINE-RET-TESTING", "high"),
    (
        "germline-not-when-germline-ret",
        _mtc(molecular=[mol("RET", "C634R", origin="germline", sample="blood")]),
        "GERMLINE-RET-TESTING",
        None,
    ),
    # a germline result on another gene does not answer the RET question
    (
        "germline-mtc-other-germline-gene",
        _mtc(molecular=[mol("NF1", "R1276*", origin="germline", sample="blood")]),
        "GERMLINE-RET-TESTING",
        "high",
    ),
    ("germline-not-papillary", _b(), "GERMLINE-RET-TESTING", None),
    ("molecular-not-anaplastic-done", _atc([BRAF]), "MOLECULAR-TESTING", None),
    (
        "molecular-not-locoregional",
        _node("lymph_node_cervical_lateral", [12, 12]),
        "MOLECULAR-TESTING",
        None,
    ),
    # --- TARGETED-THERAPY: urgent if anaplastic else high
    ("targeted-atc-braf", _atc([BRAF]), "TARGETED-THERAPY", "urgent"),
    ("targeted-ret-fusion", _b(molecular=[RET_FUSION]), "TARGETED-THERAPY", "high"),
    ("targeted-mtc-ret-mutation", _mtc(molecular=[RET_M918T]), "TARGETED-THERAPY", "high"),
    ("targeted-ntrk-fusion", _b(molecular=[NTRK3_FUSION]), "TARGETED-THERAPY", "high"),
    ("targeted-alk-fusion", _b(molecular=[ALK_FUSION]), "TARGETED-THERAPY", "high"),
    # BRAF V600E is an option in anaplastic only
    ("targeted-not-dtc-braf", _b(molecular=[BRAF]), "TARGETED-THERAPY", None),
    # a RET mutation is actionable in medullary only
    ("targeted-not-dtc-ret-mutation", _b(molecular=[RET_M918T]), "TARGETED-THERAPY", None),
    ("targeted-not-ras", _b(molecular=[NRAS]), "TARGETED-THERAPY", None),
    ("targeted-not-atc-without-alteration", _atc([TERT]), "TARGETED-THERAPY", None),
    # --- SYSTEMIC-THERAPY: high; refractory DTC/MTC, locally_treatable false,
    # progressive, symptomatic true
    ("systemic-dtc", _b(**SYSTEMIC), "SYSTEMIC-THERAPY", "high"),
    ("systemic-mtc", _mtc(progressive=True, symptomatic=True), "SYSTEMIC-THERAPY", "high"),
    (
        "systemic-not-asymptomatic",
        _b(progressive=True, symptomatic=False),
        "SYSTEMIC-THERAPY",
        None,
    ),
    (
        "systemic-not-symptom-unknown",
        _b(progressive=True, symptomatic=None),
        "SYSTEMIC-THERAPY",
        None,
    ),
    ("systemic-not-not-progressive", _b(symptomatic=True), "SYSTEMIC-THERAPY", None),
    (
        "systemic-not-locally-treatable",
        _b(locally_treatable=True, **SYSTEMIC),
        "SYSTEMIC-THERAPY",
        None,
    ),
    # null is not false: local treatability not assessed -> no systemic option yet
    (
        "systemic-not-treatability-unknown",
        _b(locally_treatable=None, **SYSTEMIC),
        "SYSTEMIC-THERAPY",
        None,
    ),
    ("systemic-not-mtc-asymptomatic", _mtc(progressive=True), "SYSTEMIC-THERAPY", None),
    # the only PD is 13 months before the latest imaging (within 14) -> progressive
    (
        "systemic-pd-13-months-before-latest",
        _with_imaging(_b(symptomatic=True), *OLD_PD_13_MONTHS),
        "SYSTEMIC-THERAPY",
        "high",
    ),
    # the only PD is 17 months before the latest imaging -> not progressive
    (
        "systemic-not-pd-17-months-before-latest",
        _with_imaging(_b(symptomatic=True), *OLD_PD_17_MONTHS),
        "SYSTEMIC-THERAPY",
        None,
    ),
    # --- SYSTEMIC-THERAPY-CAUTION: urgent; SYSTEMIC or TARGETED proposed + brain lesion +
    # bleeding risk true
    (
        "caution-systemic",
        _b(extra_lesions=[BRAIN], brain_metastases_bleeding_risk=True, **SYSTEMIC),
        "SYSTEMIC-THERAPY-CAUTION",
        "urgent",
    ),
    (
        "caution-targeted",
        _b(extra_lesions=[BRAIN], molecular=[RET_FUSION], brain_metastases_bleeding_risk=True),
        "SYSTEMIC-THERAPY-CAUTION",
        "urgent",
    ),
    (
        "caution-not-no-risk",
        _b(extra_lesions=[BRAIN], brain_metastases_bleeding_risk=False, **SYSTEMIC),
        "SYSTEMIC-THERAPY-CAUTION",
        None,
    ),
    (
        "caution-not-no-brain-lesion",
        _b(brain_metastases_bleeding_risk=True, **SYSTEMIC),
        "SYSTEMIC-THERAPY-CAUTION",
        None,
    ),
    (
        "caution-not-without-drug",
        _b(extra_lesions=[BRAIN], brain_metastases_bleeding_risk=True),
        "SYSTEMIC-THERAPY-CAUTION",
        None,
    ),
    # --- LOCAL-TREATMENT: high; refractory; progressive or symptomatic; a distant organ
    # with 1-5 lesions, none innumerable, each >= 10 mm at its latest measurement, none
    # locally_treatable false. Lung in B: P1 15 and P2 12 (>= 10).
    ("local-symptomatic", _b(symptomatic=True), "LOCAL-TREATMENT", "high"),
    ("local-progressive", _b(progressive=True), "LOCAL-TREATMENT", "high"),
    # lung fails (6 lesions) but the bone holds 1 lesion of 12 mm -> triggered
    (
        "local-other-organ",
        _b(
            symptomatic=True,
            extra_lesions=[lesion(f"P{i}", "lung", "yes") for i in range(3, 7)]
            + [lesion("B1", "bone", "yes")],
            extra_baseline={"P3": 11, "P4": 11, "P5": 11, "P6": 11, "B1": 12},
            extra_latest={"P3": 11, "P4": 11, "P5": 11, "P6": 11, "B1": 12},
        ),
        "LOCAL-TREATMENT",
        "high",
    ),
    ("local-not-stable-asymptomatic", _b(), "LOCAL-TREATMENT", None),
    ("local-not-not-refractory", _n(symptomatic=True), "LOCAL-TREATMENT", None),
    # 6 lung lesions (> 5), no other distant organ
    (
        "local-not-six-lesions",
        _b(
            symptomatic=True,
            extra_lesions=[lesion(f"P{i}", "lung", "yes") for i in range(3, 7)],
            extra_baseline={"P3": 11, "P4": 11, "P5": 11, "P6": 11},
            extra_latest={"P3": 11, "P4": 11, "P5": 11, "P6": 11},
        ),
        "LOCAL-TREATMENT",
        None,
    ),
    # an innumerable (miliary) group in the lung
    (
        "local-not-innumerable",
        _b(symptomatic=True, extra_lesions=[lesion("M1", "lung", "yes", innumerable=True)]),
        "LOCAL-TREATMENT",
        None,
    ),
    # P2 shrank to 8 mm at its latest measurement (< 10)
    ("local-not-small-lesion", _b(symptomatic=True, latest=(15, 8)), "LOCAL-TREATMENT", None),
    # a lung lesion judged not locally treatable
    (
        "local-not-lesion-not-treatable",
        _b(
            symptomatic=True,
            extra_lesions=[lesion("P3", "lung", "yes", locally_treatable=False)],
            extra_baseline={"P3": 11},
            extra_latest={"P3": 11},
        ),
        "LOCAL-TREATMENT",
        None,
    ),
    # --- REDIFFERENTIATION: high; differentiated, DTC-NO-UPTAKE, BRAF V600E or RAS
    # mutation, >= 2 lesions, none > 30 mm, symptomatic not true
    ("rediff-braf", _b(molecular=[BRAF]), "REDIFFERENTIATION", "high"),
    ("rediff-nras", _b(molecular=[NRAS]), "REDIFFERENTIATION", "high"),
    ("rediff-kras", _b(molecular=[KRAS]), "REDIFFERENTIATION", "high"),
    ("rediff-hras", _b(molecular=[HRAS]), "REDIFFERENTIATION", "high"),
    ("rediff-symptom-unknown", _b(molecular=[BRAF], symptomatic=None), "REDIFFERENTIATION", "high"),
    # exactly 30 mm is not > 30
    ("rediff-30mm", _b(molecular=[BRAF], latest=(30, 12)), "REDIFFERENTIATION", "high"),
    ("rediff-not-31mm", _b(molecular=[BRAF], latest=(31, 12)), "REDIFFERENTIATION", None),
    ("rediff-not-symptomatic", _b(molecular=[BRAF], symptomatic=True), "REDIFFERENTIATION", None),
    ("rediff-not-other-braf", _b(molecular=[mol("BRAF", "K601E")]), "REDIFFERENTIATION", None),
    ("rediff-not-ret", _b(molecular=[RET_FUSION]), "REDIFFERENTIATION", None),
    ("rediff-not-avid", _n(molecular=[BRAF]), "REDIFFERENTIATION", None),
    (
        "rediff-not-single-lesion",
        make_case(
            lesions=[lesion("P1", "lung", "no")],
            rai=[rai_("2019-06-01", 100)],
            molecular=[BRAF],
            clinical={"symptomatic": False},
        ),
        "REDIFFERENTIATION",
        None,
    ),
    # --- ADDITIONAL-RAI: routine; DTC-CUMULATIVE-ACTIVITY, no lesion with uptake "no",
    # latest rai response regressing (or latest sum smaller than the one before)
    ("addrai-regressing", _cumul(), "ADDITIONAL-RAI", "routine"),
    # no response recorded, but 12 + 10 = 22 -> 11 + 10 = 21 (smaller)
    (
        "addrai-shrinking-sum",
        _cumul(responses=(), sums=((12, 10), (11, 10))),
        "ADDITIONAL-RAI",
        "routine",
    ),
    # unknown uptake is allowed ("every lesion with known uptake is avid")
    (
        "addrai-unknown-uptake",
        _cumul(uptake=("yes", "yes", "unknown")),
        "ADDITIONAL-RAI",
        "routine",
    ),
    ("addrai-not-no-uptake", _cumul(uptake=("yes", "no")), "ADDITIONAL-RAI", None),
    # section 4 (issue 7): "at least one lesion with `rai_uptake: yes` and none with `no`":
    # uptake unknown everywhere is not "every known-uptake lesion avid" (empty set)
    ("addrai-not-all-unknown", _cumul(uptake=("unknown", "unknown")), "ADDITIONAL-RAI", None),
    # one avid and one unknown: at least one yes, none no -> proposed
    ("addrai-yes-and-unknown", _cumul(uptake=("yes", "unknown")), "ADDITIONAL-RAI", "routine"),
    # the latest response (2019) is stable, an earlier one regressing; sums equal
    (
        "addrai-not-latest-stable",
        _cumul(responses=("regressing", "regressing", "regressing", "stable")),
        "ADDITIONAL-RAI",
        None,
    ),
    # 3 x 150 mCi = 16.65 GBq < 22, although the latest response is regressing
    (
        "addrai-not-below-threshold",
        _cumul(n=3, responses=("stable", "stable", "regressing")),
        "ADDITIONAL-RAI",
        None,
    ),
    # --- ACTIVE-SURVEILLANCE: routine; refractory DTC or MTC, no SYSTEMIC-THERAPY
    ("surveillance-dtc", _b(), "ACTIVE-SURVEILLANCE", "routine"),
    ("surveillance-mtc", _mtc(), "ACTIVE-SURVEILLANCE", "routine"),
    ("surveillance-not-with-systemic", _b(**SYSTEMIC), "ACTIVE-SURVEILLANCE", None),
    ("surveillance-not-anaplastic", _atc(), "ACTIVE-SURVEILLANCE", None),
    ("surveillance-not-not-refractory", _n(), "ACTIVE-SURVEILLANCE", None),
    # --- TSH-SUPPRESSION: differentiated with any lesion; high if latest TSH >= 0.5
    ("tsh-no-value", _b(), "TSH-SUPPRESSION", "routine"),
    ("tsh-0.5", _b(labs=[lab("2020-07-01", "tsh", 0.5, "mU/L")]), "TSH-SUPPRESSION", "high"),
    ("tsh-0.49", _b(labs=[lab("2020-07-01", "tsh", 0.49, "mU/L")]), "TSH-SUPPRESSION", "routine"),
    # latest (2020-07-01) 0.05 after an earlier 2.0 -> routine
    (
        "tsh-latest-low",
        _b(labs=[lab("2020-07-01", "tsh", 0.05, "mU/L"), lab("2020-01-01", "tsh", 2.0, "mU/L")]),
        "TSH-SUPPRESSION",
        "routine",
    ),
    # latest (2020-07-01) 0.6 after an earlier 0.05 -> high
    (
        "tsh-latest-high",
        _b(labs=[lab("2020-01-01", "tsh", 0.05, "mU/L"), lab("2020-07-01", "tsh", 0.6, "mUI/L")]),
        "TSH-SUPPRESSION",
        "high",
    ),
    (
        "tsh-locoregional",
        _node("lymph_node_cervical_central", [12, 12]),
        "TSH-SUPPRESSION",
        "routine",
    ),
    ("tsh-not-medullary", _mtc(), "TSH-SUPPRESSION", None),
    ("tsh-not-anaplastic", _atc(), "TSH-SUPPRESSION", None),
    ("tsh-not-without-lesion", make_case(rai=[rai_("2019-06-01", 100)]), "TSH-SUPPRESSION", None),
    # --- NECK-NODE-WORKUP: routine; cervical node >= 8 (central) / >= 10 (lateral), not
    # confirmed
    (
        "workup-central-8",
        _node("lymph_node_cervical_central", [8, 8]),
        "NECK-NODE-WORKUP",
        "routine",
    ),
    (
        "workup-lateral-10",
        _node("lymph_node_cervical_lateral", [10, 10]),
        "NECK-NODE-WORKUP",
        "routine",
    ),
    (
        "workup-not-central-7.9",
        _node("lymph_node_cervical_central", [7.9, 7.9]),
        "NECK-NODE-WORKUP",
        None,
    ),
    (
        "workup-not-lateral-9.9",
        _node("lymph_node_cervical_lateral", [9.9, 9.9]),
        "NECK-NODE-WORKUP",
        None,
    ),
    (
        "workup-not-confirmed",
        _node("lymph_node_cervical_central", [12, 12], confirmed=True),
        "NECK-NODE-WORKUP",
        None,
    ),
    (
        "workup-not-mediastinal",
        _node("lymph_node_mediastinal_upper", [20, 20]),
        "NECK-NODE-WORKUP",
        None,
    ),
    # --- NECK-NODE-SURGERY: high; confirmed cervical node, >= 15 mm or +3 mm between the
    # last two measurements
    (
        "neck-surgery-15",
        _node("lymph_node_cervical_central", [15, 15], confirmed=True),
        "NECK-NODE-SURGERY",
        "high",
    ),
    (
        "neck-surgery-growth-3",
        _node("lymph_node_cervical_lateral", [10, 13], confirmed=True),
        "NECK-NODE-SURGERY",
        "high",
    ),
    # growth measured between the LAST two: 8 -> 10 -> 13
    (
        "neck-surgery-growth-last-two",
        _node("lymph_node_cervical_lateral", [8, 10, 13], confirmed=True),
        "NECK-NODE-SURGERY",
        "high",
    ),
    (
        "neck-surgery-not-14",
        _node("lymph_node_cervical_central", [14, 14], confirmed=True),
        "NECK-NODE-SURGERY",
        None,
    ),
    (
        "neck-surgery-not-growth-2.9",
        _node("lymph_node_cervical_lateral", [10, 12.9], confirmed=True),
        "NECK-NODE-SURGERY",
        None,
    ),
    # +3 overall (8 -> 11) but only +1 between the last two (10 -> 11)
    (
        "neck-surgery-not-old-growth",
        _node("lymph_node_cervical_lateral", [8, 10, 11], confirmed=True),
        "NECK-NODE-SURGERY",
        None,
    ),
    (
        "neck-surgery-not-unconfirmed",
        _node("lymph_node_cervical_lateral", [20, 20]),
        "NECK-NODE-SURGERY",
        None,
    ),
    # --- MEDIASTINAL-NODE-SURGERY: high; mediastinal node >= 15 or +3 mm
    (
        "mediastinal-lower-15",
        _node("lymph_node_mediastinal_lower", [15, 15]),
        "MEDIASTINAL-NODE-SURGERY",
        "high",
    ),
    (
        "mediastinal-upper-growth",
        _node("lymph_node_mediastinal_upper", [11, 14]),
        "MEDIASTINAL-NODE-SURGERY",
        "high",
    ),
    (
        "mediastinal-not-14",
        _node("lymph_node_mediastinal_upper", [14, 14]),
        "MEDIASTINAL-NODE-SURGERY",
        None,
    ),
    (
        "mediastinal-not-cervical",
        _node("lymph_node_cervical_lateral", [20, 20], confirmed=True),
        "MEDIASTINAL-NODE-SURGERY",
        None,
    ),
    # --- CLINICAL-TRIAL: high; refractory and (progressive on systemic therapy, or
    # RAS/ALK alteration)
    (
        "trial-progressing-on-tki",
        _b(progressive=True, on_systemic_therapy="lenvatinib"),
        "CLINICAL-TRIAL",
        "high",
    ),
    ("trial-ras", _b(molecular=[NRAS]), "CLINICAL-TRIAL", "high"),
    # an ALK alteration of any kind leads to a trial, but only while TARGETED-THERAPY is not
    # triggered (clinical-rules.md section 4, CLINICAL-TRIAL row): an ALK fusion opens the
    # ALK row of TARGETED-THERAPY, so no trial; another ALK alteration (a mutation) does
    ("trial-not-alk-fusion-targeted", _b(molecular=[ALK_FUSION]), "CLINICAL-TRIAL", None),
    ("trial-alk-mutation", _b(molecular=[mol("ALK", "F1174L")]), "CLINICAL-TRIAL", "high"),
    # a RAS mutation beside a RET fusion (approved RET inhibitor): no trial
    ("trial-not-ras-with-ret-fusion", _b(molecular=[NRAS, RET_FUSION]), "CLINICAL-TRIAL", None),
    # progressive on a drug still leads to a trial whatever the targeted options
    (
        "trial-on-tki-with-ret-fusion",
        _b(progressive=True, on_systemic_therapy="lenvatinib", molecular=[RET_FUSION]),
        "CLINICAL-TRIAL",
        "high",
    ),
    ("trial-not-stable-on-tki", _b(on_systemic_therapy="lenvatinib"), "CLINICAL-TRIAL", None),
    ("trial-not-progressive-no-tki", _b(progressive=True), "CLINICAL-TRIAL", None),
    ("trial-not-not-refractory", _n(molecular=[NRAS]), "CLINICAL-TRIAL", None),
    # --- TKI-SKIN-CARE: routine; SYSTEMIC-THERAPY proposed or on_systemic_therapy set
    ("skin-on-tki", _b(on_systemic_therapy="lenvatinib"), "TKI-SKIN-CARE", "routine"),
    ("skin-systemic", _b(**SYSTEMIC), "TKI-SKIN-CARE", "routine"),
    ("skin-on-tki-not-refractory", _n(on_systemic_therapy="sorafenib"), "TKI-SKIN-CARE", "routine"),
    ("skin-not", _b(), "TKI-SKIN-CARE", None),
    # --- NOTE-TG-NOT-CRITERION: routine; Tg rising and no criterion met (Tg doubling
    # every 100 days after the I-131)
    (
        "note-tg",
        _n(labs=TG_DOUBLING_EVERY_100_DAYS),
        "NOTE-TG-NOT-CRITERION",
        "routine",
    ),
    ("note-not-without-tg", _n(), "NOTE-TG-NOT-CRITERION", None),
    (
        "note-not-refractory",
        _b(labs=TG_DOUBLING_EVERY_100_DAYS),
        "NOTE-TG-NOT-CRITERION",
        None,
    ),
]


@pytest.mark.parametrize(
    ("case", "rec_id", "priority"), [r[1:] for r in ROWS], ids=[r[0] for r in ROWS]
)
def test_recommendation(case: dict[str, Any], rec_id: str, priority: str | None) -> None:
    out = run(case)
    r = rec(out, rec_id)
    if priority is None:
        assert r is None, f"{rec_id} unexpectedly proposed: {rec_ids(out)}"
    else:
        assert r is not None, f"{rec_id} missing: {rec_ids(out)}"
        assert r["priority"] == priority


def test_every_section4_id_is_covered_both_ways() -> None:
    ids = {
        "RCP-NATIONAL",
        "RCP-REGIONAL",
        "MOLECULAR-TESTING",
        "TARGETED-THERAPY",
        "SYSTEMIC-THERAPY",
        "SYSTEMIC-THERAPY-CAUTION",
        "LOCAL-TREATMENT",
        "REDIFFERENTIATION",
        "ADDITIONAL-RAI",
        "ACTIVE-SURVEILLANCE",
        "TSH-SUPPRESSION",
        "NECK-NODE-WORKUP",
        "NECK-NODE-SURGERY",
        "MEDIASTINAL-NODE-SURGERY",
        "CLINICAL-TRIAL",
        "TKI-SKIN-CARE",
        "NOTE-TG-NOT-CRITERION",
        "GERMLINE-RET-TESTING",
    }
    assert {r[2] for r in ROWS if r[3]} == ids
    assert {r[2] for r in ROWS if not r[3]} == ids


# ---------------------------------------------------------------------------------------
# Order, languages, sources
# ---------------------------------------------------------------------------------------

DISTINCT_CASES = {r[0]: r[1] for r in ROWS}


@pytest.mark.parametrize("name", sorted(DISTINCT_CASES))
def test_sorted_urgent_first_then_by_id(name: str) -> None:
    recs = run(DISTINCT_CASES[name])["recommendations"]
    keys = [(PRIORITY_RANK[r["priority"]], r["id"]) for r in recs]
    assert keys == sorted(keys)
    assert len({r["id"] for r in recs}) == len(recs), "an id appears twice"


RICH = {
    "anaplastic": _atc([BRAF]),
    "systemic": _b(
        extra_lesions=[BRAIN],
        brain_metastases_bleeding_risk=True,
        molecular=[NRAS],
        labs=[lab("2020-07-01", "tsh", 1.0, "mU/L")],
        **SYSTEMIC,
    ),
    "redifferentiation": _b(molecular=[BRAF], on_systemic_therapy="lenvatinib"),
    "cumulative": _cumul(),
    "nodes": _node("lymph_node_cervical_lateral", [10, 13], confirmed=True),
    "workup": _node("lymph_node_cervical_central", [9, 9]),
    "mediastinal": _node("lymph_node_mediastinal_lower", [16, 16]),
    "mtc": _mtc(molecular=[RET_M918T]),
    "note": ROWS[[r[0] for r in ROWS].index("note-tg")][1],
}


@pytest.mark.parametrize("name", sorted(RICH))
def test_french_and_english_texts(name: str) -> None:
    fr = run(RICH[name], lang="fr")["recommendations"]
    en = run(RICH[name], lang="en")["recommendations"]
    assert [r["id"] for r in fr] == [r["id"] for r in en]
    assert [r["priority"] for r in fr] == [r["priority"] for r in en]
    assert fr, "the rich case must produce recommendations"
    for a, b in zip(fr, en, strict=True):
        for field in ("title", "rationale"):
            assert isinstance(a[field], str) and a[field].strip(), (a["id"], field, "fr")
            assert isinstance(b[field], str) and b[field].strip(), (b["id"], field, "en")
            assert a[field] != b[field], (a["id"], field, "fr and en texts are identical")


@pytest.mark.parametrize("name", sorted(RICH))
def test_sources_present(name: str) -> None:
    # Every recommendation names its sources; every row of section 4 cites SEED except
    # GERMLINE-RET-TESTING, whose only source is ATA-MTC2015.
    for r in run(RICH[name])["recommendations"]:
        assert r["sources"], r["id"]
        expected = "ATA-MTC2015" if r["id"] == "GERMLINE-RET-TESTING" else "SEED"
        assert expected in r["sources"], (r["id"], r["sources"])
        for s in r["sources"]:
            assert s.startswith(KNOWN_SOURCES), (r["id"], s)


def test_redifferentiation_cites_meraiode() -> None:
    # Section 4: REDIFFERENTIATION source is "SEED, MERAIODE".
    r = rec(run(_b(molecular=[BRAF])), "REDIFFERENTIATION")
    assert r is not None
    assert "MERAIODE" in r["sources"]


def test_rules_and_version_in_output() -> None:
    out = run(_b())
    assert out["engine"]["rules"] == "tuthyref-2021"
    assert out["engine"]["version"]
    assert set(out) >= {
        "case_id",
        "refractory",
        "rai",
        "recist",
        "kinetics",
        "recommendations",
        "engine",
    }


@pytest.mark.parametrize(("lang", "value"), [("fr", 0.6), ("en", 0.6), ("fr", 0.05), ("en", 2.5)])
def test_tsh_suppression_says_where_tsh_stands(lang: str, value: float) -> None:
    # "target TSH < 0.1 mU/L; says where the latest TSH stands": the latest value appears
    # in the rationale (decimal point or French decimal comma).
    case = _b(labs=[lab("2020-01-01", "tsh", 9.9, "mU/L"), lab("2020-07-01", "tsh", value, "mU/L")])
    r = rec(run(case, lang), "TSH-SUPPRESSION")
    assert r is not None
    text = r["rationale"] + " " + r["title"]
    assert str(value) in text or str(value).replace(".", ",") in text, text


# What each option says (section 4, "what it says" column): the drug names are the same in
# French and English, so they are looked for anywhere in the recommendation object.
DRUG_ROWS = [
    # differentiated, no prior drug -> lenvatinib or sorafenib
    ("dtc-first-line", _b(**SYSTEMIC), "SYSTEMIC-THERAPY", ["lenvatinib", "sorafenib"]),
    # differentiated, progressing on lenvatinib (a VEGFR inhibitor) -> cabozantinib
    (
        "dtc-after-vegfr",
        _b(on_systemic_therapy="lenvatinib", **SYSTEMIC),
        "SYSTEMIC-THERAPY",
        ["cabozantinib"],
    ),
    # medullary -> vandetanib or cabozantinib
    (
        "mtc",
        _mtc(progressive=True, symptomatic=True),
        "SYSTEMIC-THERAPY",
        ["vandetanib", "cabozantinib"],
    ),
    # anaplastic BRAF V600E -> dabrafenib + trametinib
    ("atc-braf", _atc([BRAF]), "TARGETED-THERAPY", ["dabrafenib", "trametinib"]),
    # RET fusion -> selpercatinib
    ("ret-fusion", _b(molecular=[RET_FUSION]), "TARGETED-THERAPY", ["selpercatinib"]),
    # RET-mutated medullary -> selpercatinib
    ("mtc-ret", _mtc(molecular=[RET_M918T]), "TARGETED-THERAPY", ["selpercatinib"]),
    # NTRK fusion -> larotrectinib or entrectinib
    ("ntrk", _b(molecular=[NTRK3_FUSION]), "TARGETED-THERAPY", ["larotrectinib", "entrectinib"]),
    # redifferentiation, BRAF V600E -> dabrafenib + trametinib
    ("rediff-braf", _b(molecular=[BRAF]), "REDIFFERENTIATION", ["dabrafenib", "trametinib"]),
    # redifferentiation, RAS -> trametinib
    ("rediff-ras", _b(molecular=[NRAS]), "REDIFFERENTIATION", ["trametinib"]),
]


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize(
    ("case", "rec_id", "drugs"), [r[1:] for r in DRUG_ROWS], ids=[r[0] for r in DRUG_ROWS]
)
def test_option_names_the_drugs(
    case: dict[str, Any], rec_id: str, drugs: list[str], lang: str
) -> None:
    r = rec(run(case, lang), rec_id)
    assert r is not None
    text = json.dumps(r, ensure_ascii=False).lower()
    for drug in drugs:
        assert drug in text, (rec_id, drug)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_molecular_testing_mentions_metastasis_biopsy_for_old_primary(lang: str) -> None:
    # "when the primary sample is more than 10 years old, biopsy a metastasis": a primary
    # taken in 2005 (> 10 years ago) and one taken in 2019 must not get the same advice.
    old = _b()  # diagnosis (= primary sample) 2005-01-15
    recent = _b()
    recent["diagnosis"]["primary_sample_date"] = "2019-01-01"
    r_old = rec(run(old, lang), "MOLECULAR-TESTING")
    r_recent = rec(run(recent, lang), "MOLECULAR-TESTING")
    assert r_old is not None and r_recent is not None
    assert r_old["rationale"] != r_recent["rationale"]


@pytest.mark.parametrize(
    ("case", "panel"),
    [
        # section 4, MOLECULAR-TESTING: "medullary: RET first, then RAS"
        (_mtc(), "RET, RAS (HRAS, KRAS, NRAS)"),
        # differentiated: the whole panel, BRAF V600E first
        (_b(), "BRAF V600E, RAS (HRAS, KRAS, NRAS), RET, NTRK, ALK"),
    ],
    ids=["medullary", "papillary"],
)
def test_molecular_testing_names_ret_first_for_medullary(case: dict[str, Any], panel: str) -> None:
    r = rec(run(case, "en"), "MOLECULAR-TESTING")
    assert r is not None
    medullary = "Medullary cancer: test in this order:" in r["rationale"]
    assert medullary is panel.startswith("RET")
    if medullary:
        # the order of the rules file, said once (it was "RET first, then RAS (RET, RAS
        # (HRAS, KRAS, NRAS))", the panel repeated in brackets after the words)
        assert f"Medullary cancer: test in this order: {panel}." in r["rationale"]


def test_germline_ret_option_text_and_source() -> None:
    # section 4: GERMLINE-RET-TESTING, high, source ATA-MTC2015; the somatic result is named
    r = rec(run(_mtc(molecular=[RET_M918T]), "en"), "GERMLINE-RET-TESTING")
    assert r is not None
    assert r["sources"] == ["ATA-MTC2015"]
    assert "genetic counselling" in r["rationale"]
    assert "RET M918T" in r["rationale"]
