"""Every value of the rule set `tuthyref-2021` is pinned (issue 15).

Two layers. First, the whole data file against a table typed by hand from
../shared/spec/clinical-rules.md and its sources (section numbers in the comments): any
change of a value the engine reads fails here, whatever the value. Second, boundary rows
at each edge, through the public facade: the value on each side of every threshold,
window, band edge and unit factor, so a change in the code (a window counted with two
more months, a `<` for a `<=`, a slope between the first and last points) fails too.

`scripts/check_rules.py` (`make check-rules`) perturbs each value in turn and checks the
domain tests notice; prose values it does not perturb are listed there, with the rule.
"""

from __future__ import annotations

import copy
import math
import tomllib
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from thyref.domain import assess, parse_case
from thyref.domain.rules import rules_text

from .conftest import Json, lab, lesion, make_case, mol, rai, rec, rec_ids, scan

# ---------------------------------------------------------------------------------------
# 1. The data file, value by value (title and the citation prose of [sources] excepted:
#    the engine reads only the source ids).

SOURCE_IDS = [
    "SEED", "TUTHYREF", "ATA2015", "ATA2025", "ATA-MTC2015", "RECIST11", "MIYAUCHI2011",
    "MERAIODE",
]  # fmt: skip
MASS = {"ng/mL": "1", "ug/L": "1", "pg/mL": "0.001", "ng/L": "0.001"}  # 1 ng/mL = 1000 pg/mL

EXPECTED: Json = {
    "id": "tuthyref-2021",
    # case-format.md "Invalid input": dates from 1900-01-01, one I-131 administration up to
    # 50 GBq (= 1,351 mCi), a measurement up to 1,000 mm; scans[].rai_date: a post-therapy
    # scan belongs to the latest administration 0 to 14 days before it. The reasons are
    # prose for the reader (not read by the engine).
    "input": {
        "min_date": "1900-01-01",
        "max_rai_activity_mbq": "50000",
        "max_measurement_mm": "1000",
        "post_therapy_scan_link_days": 14,
    },
    # bounds of the work one request causes (read by the web adapter, web tests)
    "limits": {
        "rai": 50,
        "lesions": 60,
        "imaging": 120,
        "labs": 1200,
        "molecular": 50,
        "scans": 60,
        "per_scan": 60,
        "depth": 16,
        "number_digits": 40,
        "text": 2000,  # characters of one text of a case (session 11: was unbounded)
    },
    # clinical-rules.md sections 1 and 5.1: the definition the shared engine evaluates
    "definition": {
        "id": "tuthyref-2021",
        "reads_scans": False,  # 5.1: uptake from the lesions (scans only fill gaps)
        "scope": [
            {"category": "anaplastic", "criteria": ["ATC-ALWAYS"]},
            {
                "category": "medullary",
                "extents": ["locally_advanced", "metastatic"],
                "outside_note": "note.mtc_not_advanced",
                "criteria": ["MTC-ADVANCED"],
            },
            {
                "category": "differentiated",
                "extents": ["locally_advanced", "metastatic"],
                "outside_note": "note.dtc_locoregional",
                "criteria": ["DTC-NO-UPTAKE", "DTC-PROGRESSION-12M", "DTC-CUMULATIVE-ACTIVITY"],
                # section 1: missing items in this order
                "missing": [
                    {"item": "lesions.rai_uptake"},
                    {"item": "imaging_after_rai", "window_months": 12},
                    {"item": "rai"},
                ],
            },
        ],
        "criteria": [
            {
                "id": "DTC-NO-UPTAKE",
                "block": "no_uptake",
                "role": "no_uptake",
                "requires_rai": True,  # at least one I-131 administration
                "sources": ["SEED", "ATA2025"],
                "message": "evidence.no_uptake",
            },
            {
                "id": "DTC-PROGRESSION-12M",
                "block": "progression_after_rai",
                "role": "progression",
                "window_months": 12,
                "sources": ["SEED"],
                "message": "evidence.progression",
            },
            {
                "id": "DTC-CUMULATIVE-ACTIVITY",
                "block": "cumulative_activity",
                "role": "cumulative_activity",
                "threshold_mbq": "22000",
                "sources": ["SEED", "TUTHYREF"],
                "message": "evidence.cumulative",
            },
            {
                "id": "ATC-ALWAYS",
                "block": "always",
                "role": "always",
                "sources": ["SEED", "TUTHYREF"],
                "message": "evidence.atc",
            },
            {
                "id": "MTC-ADVANCED",
                "block": "no_standard_treatment",
                "sources": ["SEED", "TUTHYREF"],
                "message": "evidence.mtc",
            },
        ],
    },
    # case-format / clinical-rules "Units: 1 mCi = 37 MBq exactly"; 1 GBq = 1000 MBq
    "units": {"mbq_per_mci": 37, "mbq_per_gbq": 1000},
    "labs": {
        "thyroglobulin": {"canonical": "ng/mL", "factors": MASS},
        "cea": {"canonical": "ng/mL", "factors": MASS},
        # calcitonin is reported in pg/mL: 1 ng/mL = 1000 pg/mL, 1 ng/L = 1 pg/mL
        "calcitonin": {
            "canonical": "pg/mL",
            "factors": {"pg/mL": "1", "ng/L": "1", "ng/mL": "1000", "ug/L": "1000"},
        },
        # fhir-codes.md: TSH is m[IU]/L; mU/L and the French mUI/L are the same quantity
        "tsh": {"canonical": "mU/L", "factors": {"mU/L": "1", "mUI/L": "1", "m[IU]/L": "1"}},
        "tg_antibodies": {
            "canonical": "IU/mL",
            "factors": {"IU/mL": "1", "UI/mL": "1", "[IU]/mL": "1"},
        },
    },
    # section 1
    "refractoriness": {
        "sources_definition": ["SEED", "TUTHYREF"],
        "progression_window_months": 12,
        "cumulative_activity_mbq": 22000,
        "locoregional_sites": [
            "thyroid_bed",
            "lymph_node_cervical_central",
            "lymph_node_cervical_lateral",
            "lymph_node_mediastinal_upper",
        ],
        "criteria": {
            "ATC-ALWAYS": ["SEED", "TUTHYREF"],
            "MTC-ADVANCED": ["SEED", "TUTHYREF"],
            # section 1: SEED criteria 1 and 3, ATA2025 R59A (no I-131 yet: indeterminate)
            "DTC-NO-UPTAKE": ["SEED", "ATA2025"],
            "DTC-PROGRESSION-12M": ["SEED"],
            "DTC-CUMULATIVE-ACTIVITY": ["SEED", "TUTHYREF"],
        },
    },
    # section 2 (RECIST11)
    "recist": {
        "source": "RECIST11",
        "measurable_non_nodal_mm": "10",
        "measurable_nodal_short_axis_mm": "15",
        "pathological_nodal_short_axis_mm": "10",
        "max_targets": 5,
        "max_targets_per_organ": 2,
        "pd_increase": "0.20",
        "pd_absolute_mm": "5",
        "pr_decrease": "0.30",
        "cr_nodal_short_axis_mm": "10",
        "best_response_rank": ["CR", "PR", "SD", "NON_CR_NON_PD", "PD", "NE"],
    },
    # section 3 (MIYAUCHI2011, ATA-MTC2015); 10 years = 3652.5 days; Julian year and month
    "kinetics": {
        "sources": ["MIYAUCHI2011"],
        "min_points": 4,
        "stable_beyond_days": "3652.5",
        "tsh_unsuppressed_mu_l": "0.1",
        "days_per_month": "30.4375",
        "days_per_year": "365.25",
        "bands": {
            "thyroglobulin": {
                "source": "MIYAUCHI2011",
                "edges_years": ["1", "3"],
                "labels": ["lt_1y", "1y_to_3y", "ge_3y"],
            },
            "mtc": {
                "source": "ATA-MTC2015",
                "edges_months": ["6", "24"],
                "labels": ["lt_6m", "6m_to_24m", "gt_24m"],
                "min_span_years": "2",
            },
        },
    },
    # section 4
    "options": {
        "progressive_window_months": 14,
        "national_rcp_per_month": 2,
        "primary_sample_max_age_years": 10,
        "molecular_panel": ["BRAF V600E", "RAS (HRAS, KRAS, NRAS)", "RET", "NTRK", "ALK"],
        # MOLECULAR-TESTING, medullary: RET first, then RAS
        "molecular_panel_medullary": ["RET", "RAS (HRAS, KRAS, NRAS)"],
        # GERMLINE-RET-TESTING: a germline RET result answers it, a somatic one does not
        "germline_gene": "RET",
        "local_min_lesions": 1,
        "local_max_lesions": 5,
        "local_min_size_mm": "10",
        "redifferentiation_min_lesions": 2,
        "redifferentiation_max_size_mm": "30",
        "redifferentiation_genes": ["BRAF:V600E", "HRAS:*", "KRAS:*", "NRAS:*"],
        "redifferentiation_drugs": {
            "BRAF": "redifferentiation_braf",
            "HRAS": "redifferentiation_ras",
            "KRAS": "redifferentiation_ras",
            "NRAS": "redifferentiation_ras",
        },
        # the seed: up to about 9-10 administrations
        "additional_rai_max_administrations": 10,
        "tsh_target_mu_l": "0.1",
        "tsh_high_priority_mu_l": "0.5",
        "neck_node_workup_central_mm": "8",
        "neck_node_workup_lateral_mm": "10",
        "node_surgery_size_mm": "15",
        "node_surgery_growth_mm": "3",
        "ras_genes": ["HRAS", "KRAS", "NRAS"],
        "trial_genes": ["HRAS", "KRAS", "NRAS", "ALK"],
        "mtc_ret_gene": "RET",
        # project default (the spec has no negative result): words that say a test found
        # nothing, written as options._words gives them
        "negative_results": [
            "wild type",
            "wildtype",
            "wt",
            "negative",
            "not detected",
            "not found",
            "no mutation",
            "no alteration",
            "no fusion",
            "no rearrangement",
            "none",
            "normal",
            "absent",
            "sauvage",
            "type sauvage",
            "negatif",
            "négatif",
            "négative",
            "non detecte",
            "non détecté",
            "non detectee",
            "non détectée",
            "non mute",
            "non muté",
            "absence de mutation",
            "absence de fusion",
            "pas de mutation",
            "pas de fusion",
        ],
        "vegfr_inhibitors": [
            "lenvatinib",
            "sorafenib",
            "vandetanib",
            "cabozantinib",
            "sunitinib",
            "pazopanib",
            "axitinib",
        ],
        # project default: treatment text that means no drug under way
        "no_current_drug": [
            "none",
            "no",
            "nil",
            "no treatment",
            "aucun",
            "aucune",
            "neant",
            "néant",
            "non",
            "sans",
            "sans traitement",
            "pas de traitement",
        ],
        "sources": {
            "RCP-NATIONAL": ["SEED"],
            "RCP-REGIONAL": ["SEED"],
            "MOLECULAR-TESTING": ["SEED", "ATA2025"],
            "TARGETED-THERAPY": ["SEED", "ATA2025"],
            "SYSTEMIC-THERAPY": ["SEED", "ATA2025"],
            "SYSTEMIC-THERAPY-CAUTION": ["SEED"],
            "LOCAL-TREATMENT": ["SEED", "ATA2015"],
            "REDIFFERENTIATION": ["SEED", "MERAIODE"],
            "ADDITIONAL-RAI": ["SEED"],
            "ACTIVE-SURVEILLANCE": ["SEED", "ATA2015"],
            "TSH-SUPPRESSION": ["SEED", "ATA2015"],
            "NECK-NODE-WORKUP": ["SEED", "ATA2015"],
            "NECK-NODE-SURGERY": ["SEED"],
            "MEDIASTINAL-NODE-SURGERY": ["SEED"],
            "CLINICAL-TRIAL": ["SEED"],
            "TKI-SKIN-CARE": ["SEED"],
            "NOTE-TG-NOT-CRITERION": ["SEED"],
            "GERMLINE-RET-TESTING": ["ATA-MTC2015"],  # section 4
            "NOTE-DEFINITIONS-DIFFER": ["SEED", "ATA2015"],  # section 5.3
        },
    },
    # section 4, TARGETED-THERAPY
    "targeted": [
        {
            "label": "BRAF V600E",
            "genes": ["BRAF"],
            "alteration": "V600E",
            "kind": "mutation",
            "histologies": ["anaplastic"],
            "drugs": "braf_atc",
        },
        {"label": "RET fusion", "genes": ["RET"], "kind": "fusion", "drugs": "ret"},
        {
            "label": "RET mutation",
            "genes": ["RET"],
            "kind": "mutation",
            "histologies": ["medullary"],
            "drugs": "ret",
        },
        {
            "label": "NTRK fusion",
            "genes": ["NTRK1", "NTRK2", "NTRK3", "NTRK"],
            "kind": "fusion",
            "drugs": "ntrk",
        },
        {"label": "ALK fusion", "genes": ["ALK"], "kind": "fusion", "drugs": "alk"},
    ],
    # section 4, SYSTEMIC-THERAPY and TARGETED-THERAPY drug lists (their regulatory status
    # lives in data/therapies.toml, pinned by test_therapies.py)
    "drugs": {
        "dtc_first_line": {"drugs": ["lenvatinib", "sorafenib"]},
        "dtc_after_vegfr": {"drugs": ["cabozantinib"]},
        "mtc": {"drugs": ["vandetanib", "cabozantinib"]},
        "ret": {"drugs": ["selpercatinib"]},
        # dabrafenib and trametinib are given together (clinical-rules.md: "dabrafenib +
        # trametinib"); the other groups list alternatives ("larotrectinib or entrectinib")
        "braf_atc": {"drugs": ["dabrafenib", "trametinib"], "combination": True},
        "ntrk": {"drugs": ["larotrectinib", "entrectinib"]},
        "alk": {"drugs": ["ALK inhibitor (crizotinib, alectinib...)"]},
        "redifferentiation_braf": {"drugs": ["dabrafenib", "trametinib"], "combination": True},
        "redifferentiation_ras": {"drugs": ["trametinib"]},
    },
}


# clinical-rules.md section 5.2 (ATA 2015 recommendation 91, checked on the ATA pocket
# guide; R53B for the TSH goal). Prose (titles, `checked`, citation text) is left out.
R91_R53B = ["ATA2015-R91", "ATA2015-R53B"]
EXPECTED_ATA2015: Json = {
    "id": "ata-2015",
    "sources": ["ATA2015-R53B", "ATA2015-R91"],
    "definition": {
        "id": "ata-2015",
        "reads_scans": True,  # with scans[], the lesions' own rai_uptake is not read
        "not_applicable_note": "note.ata.not_applicable",
        "counting_scans": {
            # a scan counts unless its TSH is recorded and below 30 mU/L (R53B) or its
            # iodine contamination is suspected or confirmed
            "min_tsh_mu_l": "30",
            "excluded_contamination": ["suspected", "confirmed"],
            "sources": ["ATA2015-R53B", "ATA2015-R91"],
        },
        "scope": [
            {
                # differentiated with at least one lesion (locoregional included)
                "category": "differentiated",
                "requires_lesion": True,
                "outside_note": "note.ata.no_lesion",
                # ids in the order of the spec's table
                "criteria": [
                    "ATA2015-NEVER-AVID",
                    "ATA2015-LOST-UPTAKE",
                    "ATA2015-MIXED-UPTAKE",
                    "ATA2015-PROGRESSION-DESPITE-UPTAKE",
                    "ATA2015-NON-AVID",
                ],
                # "Status": missing_data in this order; imaging_after_rai at any interval,
                # only for an avid lesion
                "missing": [
                    {"item": "lesions.rai_uptake"},
                    {"item": "scans.adequate"},
                    {"item": "imaging_after_rai", "requires_avid_lesion": True},
                ],
            },
            # anaplastic or medullary: not_applicable (R91 is about differentiated cancer)
            {"category": "anaplastic", "applies": False},
            {"category": "medullary", "applies": False},
        ],
        "criteria": [
            {
                "id": "ATA2015-NEVER-AVID",  # R91 A, from the scan history
                "block": "never_avid",
                "role": "no_uptake",
                "with_scans": True,
                "sources": R91_R53B,
                "message": "evidence.ata.never_avid",
            },
            {
                "id": "ATA2015-LOST-UPTAKE",  # R91 B
                "block": "lost_uptake",
                "role": "no_uptake",
                "with_scans": True,
                "sources": R91_R53B,
                "message": "evidence.ata.lost_uptake",
            },
            {
                "id": "ATA2015-MIXED-UPTAKE",  # R91 C, with or without scans[]
                "block": "mixed_uptake",
                "role": "no_uptake",
                "sources": R91_R53B,
                "message": "evidence.ata.mixed",
            },
            {
                "id": "ATA2015-PROGRESSION-DESPITE-UPTAKE",  # R91 D: no time window
                "block": "progression_after_rai",
                "role": "progression",
                "avid_after_rai": True,
                "sources": R91_R53B,
                "message": "evidence.ata.progression",
            },
            {
                "id": "ATA2015-NON-AVID",  # only without scans[]: A and B together
                "block": "non_avid",
                "role": "no_uptake",
                "with_scans": False,
                "sources": ["ATA2015-R91"],
                "message": "evidence.ata.non_avid",
                "note": "note.ata.history_unknown",
            },
        ],
    },
}

# rule set id -> its hand-written table
PINNED = {"tuthyref-2021": EXPECTED, "ata-2015": EXPECTED_ATA2015}


def _read_file(rule_set: str = "tuthyref-2021") -> Json:
    """The parsed file without its prose: titles, citation text, `checked` and reasons."""
    data = tomllib.loads(rules_text(rule_set))
    data.pop("title", None)
    data["sources"] = sorted(data.get("sources", {}))
    data.get("input", {}).pop("reasons", None)
    definition = data.get("definition", {})
    definition.pop("title", None)
    definition.pop("checked", None)
    for criterion in definition.get("criteria", []):
        criterion.pop("checked", None)
    return data


def test_rules_file_holds_the_values_of_the_spec() -> None:
    expected = {**EXPECTED, "sources": sorted(SOURCE_IDS)}
    got = _read_file()
    assert sorted(got) == sorted(expected), "top-level tables"
    for key in expected:
        assert got[key] == expected[key], key


def test_ata_2015_file_holds_the_values_of_the_spec() -> None:
    got = _read_file("ata-2015")
    assert sorted(got) == sorted(EXPECTED_ATA2015), "top-level tables"
    for key in EXPECTED_ATA2015:
        assert got[key] == EXPECTED_ATA2015[key], key


def test_every_rules_file_is_pinned() -> None:
    # a new rule set (ata-2015, issue 14) needs its own hand-written table here, and
    # boundary rows, before `make check-rules` can pass: this names the ones missing
    from importlib import resources

    folder = resources.files("thyref.data").joinpath("rules")
    shipped = sorted(
        f.name.removesuffix(".toml") for f in folder.iterdir() if f.name.endswith(".toml")
    )
    assert shipped == sorted(PINNED), (
        f"rule sets without a pinned table: {set(shipped) - set(PINNED)}"
    )


# ---------------------------------------------------------------------------------------
# 2. Boundary rows, through the public facade.

TODAY = date(2026, 6, 1)


# clinical-rules.md: the source column of sections 1 and 4 (an option the spec adds later
# is not checked here)
SPEC_SOURCES = {
    "ATC-ALWAYS": ["SEED", "TUTHYREF"],
    "MTC-ADVANCED": ["SEED", "TUTHYREF"],
    "DTC-NO-UPTAKE": ["SEED", "ATA2025"],
    "DTC-PROGRESSION-12M": ["SEED"],
    "DTC-CUMULATIVE-ACTIVITY": ["SEED", "TUTHYREF"],
    "RCP-NATIONAL": ["SEED"],
    "RCP-REGIONAL": ["SEED"],
    "MOLECULAR-TESTING": ["SEED", "ATA2025"],
    "TARGETED-THERAPY": ["SEED", "ATA2025"],
    "SYSTEMIC-THERAPY": ["SEED", "ATA2025"],
    "SYSTEMIC-THERAPY-CAUTION": ["SEED"],
    "LOCAL-TREATMENT": ["SEED", "ATA2015"],
    "REDIFFERENTIATION": ["SEED", "MERAIODE"],
    "ADDITIONAL-RAI": ["SEED"],
    "ACTIVE-SURVEILLANCE": ["SEED", "ATA2015"],
    "TSH-SUPPRESSION": ["SEED", "ATA2015"],
    "NECK-NODE-WORKUP": ["SEED", "ATA2015"],
    "NECK-NODE-SURGERY": ["SEED"],
    "MEDIASTINAL-NODE-SURGERY": ["SEED"],
    "CLINICAL-TRIAL": ["SEED"],
    "TKI-SKIN-CARE": ["SEED"],
    "NOTE-TG-NOT-CRITERION": ["SEED"],
    "GERMLINE-RET-TESTING": ["ATA-MTC2015"],
    "NOTE-DEFINITIONS-DIFFER": ["SEED", "ATA2015"],
}
SEEN: set[str] = set()


def _assess(case: Json, today: date = TODAY, lang: str = "en") -> Json:
    out: Json = assess(parse_case(copy.deepcopy(case)), lang=lang, today=today).to_json()  # type: ignore[arg-type]
    # every criterion and option met on the way cites the spec's sources
    cited = [(e["criterion"], e["sources"]) for e in out["refractory"]["evidence"]]
    cited += [(r["id"], r["sources"]) for r in out["recommendations"]]
    for rule_id, sources in cited:
        if rule_id in SPEC_SOURCES:
            assert sources == SPEC_SOURCES[rule_id], rule_id
            SEEN.add(rule_id)
    return out


def _plus(start: str, days: float) -> str:
    return (date.fromisoformat(start) + timedelta(days=days)).isoformat()


# --- units: every accepted unit with its factor to the canonical unit ----------------


@pytest.mark.parametrize(
    ("test", "value", "unit", "canonical"),
    [
        ("thyroglobulin", 2.5, "ng/mL", "2.5"),  # canonical
        ("thyroglobulin", 2.5, "ug/L", "2.5"),  # 1 ug/L = 1 ng/mL
        ("thyroglobulin", 2500, "pg/mL", "2.5"),  # 1000 pg/mL = 1 ng/mL
        ("thyroglobulin", 2500, "ng/L", "2.5"),  # 1000 ng/L = 1 ng/mL
        ("cea", 7, "ng/mL", "7"),
        ("cea", 7, "ug/L", "7"),
        ("cea", 7000, "pg/mL", "7"),
        ("cea", 7000, "ng/L", "7"),
        ("calcitonin", 45, "pg/mL", "45"),  # canonical
        ("calcitonin", 45, "ng/L", "45"),  # 1 ng/L = 1 pg/mL
        ("calcitonin", 0.045, "ng/mL", "45"),  # 1 ng/mL = 1000 pg/mL
        ("calcitonin", 0.045, "ug/L", "45"),  # 1 ug/L = 1000 pg/mL
        ("tsh", 0.3, "mU/L", "0.3"),
        ("tsh", 0.3, "mUI/L", "0.3"),
        ("tsh", 0.3, "m[IU]/L", "0.3"),
        ("tg_antibodies", 40, "IU/mL", "40"),
        ("tg_antibodies", 40, "UI/mL", "40"),
        ("tg_antibodies", 40, "[IU]/mL", "40"),
    ],
)
def test_lab_units_convert_to_the_canonical_unit(
    test: str, value: float, unit: str, canonical: str
) -> None:
    case = parse_case(make_case(labs=[lab("2020-01-01", test, value, unit)]))
    (got,) = case.labs_of(test)
    assert got.value == Decimal(canonical)


def test_thyroglobulin_series_mixes_pg_and_ng_per_ml() -> None:
    # 1000 pg/mL next to 2, 4, 8 ng/mL: one doubling every 61 days (a 1000-fold error in
    # the pg/mL factor would make the first point the largest: falling, not rising)
    labs = [
        lab("2020-01-01", "thyroglobulin", 1000, "pg/mL"),
        lab("2020-03-02", "thyroglobulin", 2, "ng/mL"),
        lab("2020-05-02", "thyroglobulin", 4, "ng/mL"),
        lab("2020-07-02", "thyroglobulin", 8, "ng/mL"),
    ]
    k = _assess(make_case(labs=labs))["kinetics"]["thyroglobulin"]
    assert k["unit"] == "ng/mL"
    assert [v for _, v in k["series"]] == [1.0, 2.0, 4.0, 8.0]
    assert k["status"] == "rising"
    assert k["doubling_time_days"] == pytest.approx(61.0, abs=0.1)


# --- activities ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("activity", "unit", "mbq"),
    [
        (100, "mCi", 3700.0),  # 1 mCi = 37 MBq
        (3.7, "GBq", 3700.0),  # 1 GBq = 1000 MBq
        (3700, "MBq", 3700.0),
    ],
)
def test_activity_units(activity: float, unit: str, mbq: float) -> None:
    out = _assess(make_case(rai=[rai("2019-01-01", activity, unit)]))
    assert out["rai"]["cumulative_mbq"] == pytest.approx(mbq)
    assert out["rai"]["threshold_gbq"] == 22.0
    # each administration converted too, not only the total
    (row,) = out["rai"]["history"]
    assert (row["gbq"], row["cumulative_gbq"]) == pytest.approx((mbq / 1000, mbq / 1000))


@pytest.mark.parametrize(
    ("mci", "criterion"),
    [
        (594.59, False),  # 594.59 x 37 = 21,999.83 MBq: below 22 GBq
        (594.6, True),  # 22,000.2 MBq: at or above 22 GBq
    ],
)
def test_cumulative_activity_threshold(mci: float, criterion: bool) -> None:
    case = make_case(
        extent="metastatic",
        lesions=[lesion("L1", "lung", "yes")],
        rai=[rai("2018-01-01", mci)],
        imaging=[scan("2018-03-01", {"L1": 20}), scan("2018-09-01", {"L1": 20})],
    )
    met = _assess(case)["refractory"]["criteria_met"]
    assert ("DTC-CUMULATIVE-ACTIVITY" in met) is criterion


# --- refractoriness: the 12-month progression window ----------------------------------


@pytest.mark.parametrize(
    ("pd_date", "met"),
    [
        ("2020-06-01", True),  # exactly 12 calendar months after the I-131 of 2019-06-01
        ("2020-06-02", False),  # one day more
    ],
)
def test_progression_window_after_rai(pd_date: str, met: bool) -> None:
    case = make_case(
        extent="metastatic",
        lesions=[lesion("L1", "lung", "yes")],
        rai=[rai("2019-06-01", 100)],
        imaging=[scan("2019-05-01", {"L1": 20}), scan(pd_date, {"L1": 30})],
    )
    out = _assess(case)
    assert out["recist"]["timepoints"][-1]["overall_response"] == "PD"
    assert ("DTC-PROGRESSION-12M" in out["refractory"]["criteria_met"]) is met


@pytest.mark.parametrize(
    ("site", "distant"),
    [
        ("thyroid_bed", False),
        ("lymph_node_cervical_central", False),
        ("lymph_node_cervical_lateral", False),
        ("lymph_node_mediastinal_upper", False),
        ("lymph_node_mediastinal_lower", True),  # beyond the upper mediastinum: distant
        ("lung", True),
    ],
)
def test_locoregional_sites(site: str, distant: bool) -> None:
    # without diagnosis.extent, a distant lesion makes the disease metastatic
    case = make_case(lesions=[lesion("L1", site, "no")], rai=[rai("2019-06-01", 100)])
    out = _assess(case)
    assert (out["refractory"]["extent"] == "metastatic") is distant


# --- RECIST: measurability, node limits, PD / PR / CR edges ---------------------------


def _recist(baseline: dict[str, float], follow: dict[str, float], **kw: Any) -> Json:
    lesions = [
        lesion(lid, "lymph_node_cervical_lateral" if lid.startswith("N") else "lung", "no")
        for lid in baseline
    ]
    case = make_case(
        extent="metastatic",
        lesions=lesions,
        rai=[rai("2018-01-01", 100)],
        imaging=[scan("2019-01-10", baseline, **kw), scan("2019-07-10", follow)],
    )
    recist: Json = _assess(case)["recist"]
    return recist


@pytest.mark.parametrize(
    ("size", "target"),
    [
        (10, True),  # non-nodal longest diameter >= 10 mm: measurable
        (9.9, False),  # just below: non-target
    ],
)
def test_measurable_non_nodal(size: float, target: bool) -> None:
    assert ("L1" in _recist({"L1": size}, {"L1": size})["targets"]) is target


@pytest.mark.parametrize(
    ("size", "target"),
    [
        (15, True),  # node short axis >= 15 mm: measurable
        (14.9, False),  # 10 to < 15 mm: pathological, non-target
    ],
)
def test_measurable_nodal(size: float, target: bool) -> None:
    assert ("N1" in _recist({"N1": size}, {"N1": size})["targets"]) is target


@pytest.mark.parametrize(
    ("follow", "response"),
    [
        (9.9, "CR"),  # a non-target node < 10 mm is normal: absent, non-target CR
        (10, "NON_CR_NON_PD"),  # 10 mm: still pathological, present
    ],
)
def test_non_target_node_limit(follow: float, response: str) -> None:
    # N1 12 mm at baseline: pathological non-target; no target at all (RECIST11 table 2)
    recist = _recist({"N1": 12}, {"N1": follow})
    assert recist["targets"] == []
    assert recist["timepoints"][-1]["non_target_response"] == response
    assert recist["timepoints"][-1]["overall_response"] == response


@pytest.mark.parametrize(
    ("follow", "response"),
    [
        (9.9, "CR"),  # nodal target < 10 mm: CR
        (10, "PR"),  # 10 mm: not CR; 10 <= 0.7 x 20: PR
    ],
)
def test_nodal_target_cr_limit(follow: float, response: str) -> None:
    recist = _recist({"N1": 20}, {"N1": follow})
    assert recist["targets"] == ["N1"]
    assert recist["timepoints"][-1]["target_response"] == response


@pytest.mark.parametrize(
    ("baseline", "follow", "response"),
    [
        (25.5, 30.6, "PD"),  # +20.0 % and +5.1 mm (spec example)
        (25.5, 30.5, "SD"),  # +19.6 %
        (20, 25, "PD"),  # +25 % and exactly +5 mm
        (20, 24.9, "SD"),  # +24.5 % but +4.9 mm
        (100, 70, "PR"),  # exactly -30 %
        (100, 70.1, "SD"),  # -29.9 %
    ],
)
def test_target_response_edges(baseline: float, follow: float, response: str) -> None:
    recist = _recist({"L1": baseline}, {"L1": follow})
    assert recist["timepoints"][-1]["target_response"] == response


def test_target_selection_limits() -> None:
    # 3 lung, 2 liver, 2 bone lesions: at most 2 per organ and 5 in all, largest first
    sizes = {"P1": 40, "P2": 30, "P3": 20, "H1": 35, "H2": 25, "B1": 50, "B2": 45}
    sites = {"P": "lung", "H": "liver", "B": "bone"}
    case = make_case(
        extent="metastatic",
        lesions=[lesion(lid, sites[lid[0]], "no") for lid in sizes],
        rai=[rai("2018-01-01", 100)],
        imaging=[scan("2019-01-10", sizes), scan("2019-07-10", sizes)],
    )
    recist = _assess(case)["recist"]
    # per organ: lung P1 P2, liver H1 H2, bone B1 B2; the 5 largest: B1 B2 P1 H1 P2
    assert sorted(recist["targets"]) == sorted(["B1", "B2", "P1", "H1", "P2"])


@pytest.mark.parametrize(
    ("follow", "best"),
    [
        ({"L1": 0}, "CR"),  # CR ranks first
        ({"L1": 14}, "PR"),  # -30 %: PR before SD and PD
        ({"L1": 19}, "SD"),
    ],
)
def test_best_overall_response_ranking(follow: dict[str, float], best: str) -> None:
    # follow-ups: PD (30 mm), then `follow`, then SD back at the nadir sum... best is ranked
    case = make_case(
        extent="metastatic",
        lesions=[lesion("L1", "lung", "no")],
        rai=[rai("2018-01-01", 100)],
        imaging=[
            scan("2019-01-10", {"L1": 20}),
            scan("2019-04-10", {"L1": 26}),  # +30 %, +6 mm: PD
            scan("2019-07-10", follow),
        ],
    )
    assert _assess(case)["recist"]["best_overall_response"] == best


# --- kinetics: least squares, bands, stable, points, TSH, span -------------------------


def _doubling_series(
    marker: str, doubling_days: float, n: int = 5, step: int = 91, unit: str = "ng/mL"
) -> list[Json]:
    """`n` values of an exact exponential with the given doubling time (step in days)."""
    start = date(2020, 1, 1)
    return [
        lab(
            (start + timedelta(days=i * step)).isoformat(),
            marker,
            round(10 * 2 ** (i * step / doubling_days), 9),
            unit,
        )
        for i in range(n)
    ]


def _kinetics(labs: list[Json], marker: str = "thyroglobulin", **case: Any) -> Json:
    out: Json = _assess(make_case(labs=labs, **case))["kinetics"][marker]
    return out


@pytest.mark.parametrize(
    ("doubling", "band"),
    [
        (365.0, "lt_1y"),  # 0.9993 year (Julian year 365.25 days)
        (365.5, "1y_to_3y"),  # 1.0007 years
        (1095.5, "1y_to_3y"),  # 2.9993 years
        (1096.0, "ge_3y"),  # 3.0007 years
    ],
)
def test_thyroglobulin_bands(doubling: float, band: str) -> None:
    k = _kinetics(_doubling_series("thyroglobulin", doubling))
    assert k["status"] == "rising"
    assert k["doubling_time_days"] == pytest.approx(doubling, abs=0.1)
    assert k["band"] == band


@pytest.mark.parametrize(
    ("doubling", "band"),
    [
        (182.6, "lt_6m"),  # 5.9992 months of 30.4375 days
        (182.63, "6m_to_24m"),  # 6.0002 months (30.44-day months would make it 5.9997)
        (730.4, "6m_to_24m"),  # 23.997 months
        (730.6, "gt_24m"),  # 24.003 months
    ],
)
def test_medullary_bands(doubling: float, band: str) -> None:
    labs = _doubling_series("calcitonin", doubling, n=9, step=92, unit="pg/mL")  # 736 days
    k = _kinetics(labs, "calcitonin", histology="medullary")
    assert k["doubling_time_days"] == pytest.approx(doubling, abs=0.1)
    assert k["band"] == band
    assert "short_span" not in k["warnings"]


@pytest.mark.parametrize(
    ("doubling", "status"),
    [
        (3652.0, "rising"),  # just under 10 years (3652.5 days)
        (3653.0, "stable"),  # just over
        (-3652.0, "falling"),  # halving time just under 10 years
        (-3653.0, "stable"),
    ],
)
def test_stable_beyond_ten_years(doubling: float, status: str) -> None:
    k = _kinetics(_doubling_series("thyroglobulin", doubling))
    assert k["status"] == status


def test_doubling_time_is_the_least_squares_fit_not_the_end_points() -> None:
    # ln values 0, 1, 1, 3 (x ln 2) on days 0, 100, 200, 300: least-squares slope
    # 0.009 ln 2 / day -> doubling 111.1 days; first-last would give 100 days
    labs = [
        lab("2020-01-01", "thyroglobulin", 1, "ng/mL"),
        lab(_plus("2020-01-01", 100), "thyroglobulin", 2, "ng/mL"),
        lab(_plus("2020-01-01", 200), "thyroglobulin", 2, "ng/mL"),
        lab(_plus("2020-01-01", 300), "thyroglobulin", 8, "ng/mL"),
    ]
    k = _kinetics(labs)
    # xs 0,100,200,300 (mean 150); ys 0,1,1,3 (mean 1.25): sxy = 150+25+25+262.5... by hand:
    # sum (x-150)(y-1.25) = (-150)(-1.25)+(-50)(-0.25)+(50)(-0.25)+(150)(1.75) = 450
    # sxx = 150^2 x 2 + 50^2 x 2 = 50,000; slope = 0.009 (in units of ln 2): Td = 1/0.009
    assert k["doubling_time_days"] == pytest.approx(1 / 0.009, abs=0.1)
    # r² = sxy² / (sxx syy) with syy = 1.5625+0.0625+0.0625+3.0625 = 4.75
    assert k["r2"] == pytest.approx(round(450**2 / (50000 * 4.75), 3))
    assert not math.isclose(k["doubling_time_days"], 100.0, abs_tol=1)


@pytest.mark.parametrize(
    ("n", "status"),
    [
        (3, "insufficient_data"),  # fewer than 4 points
        (4, "rising"),  # 4 points: computed
    ],
)
def test_minimum_points(n: int, status: str) -> None:
    assert _kinetics(_doubling_series("thyroglobulin", 200, n=n))["status"] == status


@pytest.mark.parametrize(
    ("tsh", "warned"),
    [
        (0.1, True),  # TSH >= 0.1 mU/L on the day of a thyroglobulin value
        (0.09, False),
    ],
)
def test_unsuppressed_tsh_warning(tsh: float, warned: bool) -> None:
    labs = _doubling_series("thyroglobulin", 200)
    labs.append(lab(labs[1]["date"], "tsh", tsh, "mU/L"))
    k = _kinetics(labs)
    assert ("tsh_not_suppressed" in k["warnings"]) is warned


@pytest.mark.parametrize(
    ("step", "short"),
    [
        (182, True),  # 4 steps of 182 days: 728 days < 2 years (730.5 days)
        (183, False),  # 732 days
    ],
)
def test_medullary_span_warning(step: int, short: bool) -> None:
    labs = _doubling_series("calcitonin", 300, n=5, step=step, unit="pg/mL")
    k = _kinetics(labs, "calcitonin", histology="medullary")
    assert ("short_span" in k["warnings"]) is short


# --- options -----------------------------------------------------------------------------


def _systemic_case(pd_on: str, latest: str) -> Json:
    """Refractory (no uptake), symptomatic, not locally treatable; PD on `pd_on`, then back
    to the nadir sum at `latest` (SD), so only the window decides "progressive"."""
    return make_case(
        extent="metastatic",
        lesions=[lesion("L1", "lung", "no")],
        rai=[rai("2018-01-01", 100)],
        imaging=[
            scan("2019-01-15", {"L1": 20}),
            scan(pd_on, {"L1": 30}),
            scan(latest, {"L1": 20}),
        ],
        clinical={"symptomatic": True, "locally_treatable": False},
    )


@pytest.mark.parametrize(
    ("latest", "progressive"),
    [
        ("2021-03-15", True),  # PD on 2020-01-15, exactly 14 months before the latest
        ("2021-03-16", False),  # one day more
    ],
)
def test_progressive_window(latest: str, progressive: bool) -> None:
    out = _assess(_systemic_case("2020-01-15", latest))
    assert out["recist"]["timepoints"][-1]["overall_response"] == "SD"
    assert ("SYSTEMIC-THERAPY" in rec_ids(out)) is progressive


def _local_case(sizes: list[float], site: str = "lung") -> Json:
    ids = [f"L{i}" for i in range(1, len(sizes) + 1)]
    measured = dict(zip(ids, sizes, strict=True))
    return make_case(
        extent="metastatic",
        lesions=[lesion(i, site, "no") for i in ids],
        rai=[rai("2018-01-01", 100)],
        imaging=[scan("2019-01-15", measured), scan("2019-07-15", measured)],
        clinical={"symptomatic": True},
    )


@pytest.mark.parametrize(
    ("sizes", "proposed"),
    [
        ([10], True),  # one lesion of 10 mm
        ([9.9], False),  # below 10 mm
        ([12] * 5, True),  # 5 lesions in one organ
        ([12] * 6, False),  # 6: too many for local treatment
    ],
)
def test_local_treatment_limits(sizes: list[float], proposed: bool) -> None:
    assert ("LOCAL-TREATMENT" in rec_ids(_assess(_local_case(sizes)))) is proposed


@pytest.mark.parametrize(
    ("today", "old"),
    [
        (date(2020, 3, 1), False),  # sample of 2010-03-01: exactly 10 years old
        (date(2020, 3, 2), True),  # more than 10 years
    ],
)
def test_primary_sample_age(today: date, old: bool) -> None:
    case = make_case(extent="metastatic", lesions=[lesion("L1", "lung", "yes")])
    case["diagnosis"]["primary_sample_date"] = "2010-03-01"
    r = rec(_assess(case, today=today), "MOLECULAR-TESTING")
    assert r is not None
    assert ("more than 10 years old" in r["rationale"]) is old
    assert "(BRAF V600E, RAS (HRAS, KRAS, NRAS), RET, NTRK, ALK)" in r["rationale"]


@pytest.mark.parametrize(
    ("tsh", "priority", "where", "not_said"),
    [
        # clinical-rules.md s4 TSH-SUPPRESSION: target < 0.1 mU/L, so 0.09 meets it
        (0.09, "routine", "on target", "not below"),
        # s4: 0.1 is not < 0.1 (and s3 counts TSH >= 0.1 as not suppressed): it misses the
        # target, but it is not above it either (was "above target")
        (0.1, "routine", "at the limit, not below the target", "above target"),
        # s4: above the 0.1 target, below the 0.5 mU/L of a high priority
        (0.49, "routine", "above target", "on target"),
        # s4: latest TSH >= 0.5 mU/L -> high priority
        (0.5, "high", "above target", "on target"),
    ],
)
def test_tsh_target_and_priority(tsh: float, priority: str, where: str, not_said: str) -> None:
    case = make_case(
        lesions=[lesion("N1", "lymph_node_cervical_lateral", "yes")],
        labs=[lab("2020-01-01", "tsh", tsh, "mU/L")],
    )
    r = rec(_assess(case), "TSH-SUPPRESSION")
    assert r is not None
    assert r["priority"] == priority
    assert "TSH below 0.1 mU/L" in r["rationale"]
    assert where in r["rationale"]
    assert not_said not in r["rationale"]


@pytest.mark.parametrize(
    ("lang", "said", "not_said"),
    [
        # clinical-rules.md s4 TSH-SUPPRESSION (target < 0.1 mU/L): 0.1 misses the target
        # without being above it, in French too
        ("fr", "à la limite, pas sous l'objectif", "au-dessus"),
        # the same in English
        ("en", "at the limit, not below the target", "above"),
    ],
)
def test_tsh_at_the_target_limit(lang: str, said: str, not_said: str) -> None:
    case = make_case(
        lesions=[lesion("N1", "lymph_node_cervical_lateral", "yes")],
        labs=[lab("2020-01-01", "tsh", 0.1, "mU/L")],
    )
    r = rec(_assess(case, lang=lang), "TSH-SUPPRESSION")
    assert r is not None
    assert said in r["rationale"]
    assert not_said not in r["rationale"]


def test_national_board_frequency() -> None:
    case = make_case(histology="anaplastic", lesions=[lesion("L1", "lung")])
    r = rec(_assess(case), "RCP-NATIONAL")
    assert r is not None
    # the rules' frequency, dated by its source (the January 2021 web conference)
    assert "(2 times a month according to the January 2021 web conference, SEED)" in r["rationale"]


@pytest.mark.parametrize(
    ("site", "size", "proposed"),
    [
        ("lymph_node_cervical_central", 8, True),  # central: >= 8 mm
        ("lymph_node_cervical_central", 7.9, False),
        ("lymph_node_cervical_lateral", 10, True),  # lateral: >= 10 mm
        ("lymph_node_cervical_lateral", 9.9, False),
    ],
)
def test_neck_node_workup(site: str, size: float, proposed: bool) -> None:
    case = make_case(
        lesions=[lesion("N1", site, "yes")],
        imaging=[scan("2020-01-01", {"N1": size})],
    )
    assert ("NECK-NODE-WORKUP" in rec_ids(_assess(case))) is proposed


@pytest.mark.parametrize(
    ("sizes", "proposed"),
    [
        ([15], True),  # short axis >= 15 mm
        ([14.9], False),
        ([10, 13], True),  # grew 3 mm between the last two measurements
        ([10, 12.9], False),  # 2.9 mm
    ],
)
def test_node_surgery(sizes: list[float], proposed: bool) -> None:
    imaging = [scan(f"202{i}-01-01", {"M1": s}) for i, s in enumerate(sizes)]
    case = make_case(lesions=[lesion("M1", "lymph_node_mediastinal_upper", "yes")], imaging=imaging)
    assert ("MEDIASTINAL-NODE-SURGERY" in rec_ids(_assess(case))) is proposed
    cervical = copy.deepcopy(case)
    cervical["lesions"] = [lesion("M1", "lymph_node_cervical_lateral", "yes", confirmed=True)]
    assert ("NECK-NODE-SURGERY" in rec_ids(_assess(cervical))) is proposed


def _rediff_case(sizes: list[float], molecular: list[Json], **clinical: Any) -> Json:
    ids = [f"L{i}" for i in range(1, len(sizes) + 1)]
    measured = dict(zip(ids, sizes, strict=True))
    return make_case(
        extent="metastatic",
        lesions=[lesion(i, "lung", "no") for i in ids],
        rai=[rai("2018-01-01", 100)],
        imaging=[scan("2019-01-15", measured), scan("2019-07-15", measured)],
        molecular=molecular,
        clinical=clinical or {"symptomatic": False},
    )


@pytest.mark.parametrize(
    ("sizes", "molecular", "drugs"),
    [
        ([12, 30], [mol("BRAF", "V600E")], ["dabrafenib", "trametinib"]),  # 30 mm: not > 30
        ([12, 30.1], [mol("BRAF", "V600E")], None),  # a lesion > 30 mm
        ([12], [mol("BRAF", "V600E")], None),  # one lesion: fewer than 2
        ([12, 12], [mol("HRAS", "Q61R")], ["trametinib"]),
        ([12, 12], [mol("KRAS", "G12V")], ["trametinib"]),
        ([12, 12], [mol("NRAS", "Q61K")], ["trametinib"]),
        ([12, 12], [mol("BRAF", "K601E")], None),  # not V600E
        # BRAF comes first in the scheme's order: its drugs are proposed
        ([12, 12], [mol("NRAS", "Q61K"), mol("BRAF", "V600E")], ["dabrafenib", "trametinib"]),
    ],
)
def test_redifferentiation(sizes: list[float], molecular: list[Json], drugs: Any) -> None:
    r = rec(_assess(_rediff_case(sizes, molecular)), "REDIFFERENTIATION")
    if drugs is None:
        assert r is None
    else:
        assert r is not None
        assert r["drugs"] == drugs


NTRK = ["larotrectinib", "entrectinib"]
ALK = ["ALK inhibitor (crizotinib, alectinib...)"]


@pytest.mark.parametrize(
    ("histology", "molecular", "drugs"),
    [
        ("anaplastic", [mol("BRAF", "V600E")], ["dabrafenib", "trametinib"]),
        ("papillary", [mol("BRAF", "V600E")], None),  # BRAF V600E row: anaplastic only
        ("papillary", [mol("RET", "CCDC6-RET", kind="fusion")], ["selpercatinib"]),
        ("papillary", [mol("RET", "M918T")], None),  # RET mutation row: medullary only
        ("medullary", [mol("RET", "M918T")], ["selpercatinib"]),
        ("papillary", [mol("NTRK1", "TPM3-NTRK1", kind="fusion")], NTRK),
        ("papillary", [mol("NTRK2", "x", kind="fusion")], NTRK),
        ("papillary", [mol("NTRK3", "ETV6-NTRK3", kind="fusion")], NTRK),
        ("papillary", [mol("NTRK", "x", kind="fusion")], NTRK),
        ("papillary", [mol("NTRK3", "x")], None),  # a mutation, not a fusion
        ("papillary", [mol("ALK", "EML4-ALK", kind="fusion")], ALK),
    ],
)  # fmt: skip
def test_targeted_rows(histology: str, molecular: list[Json], drugs: Any) -> None:
    case = make_case(
        histology=histology,
        extent="metastatic",
        lesions=[lesion("L1", "lung", "no")],
        rai=[rai("2018-01-01", 100)],
        molecular=molecular,
    )
    r = rec(_assess(case), "TARGETED-THERAPY")
    if drugs is None:
        assert r is None
    else:
        assert r is not None
        assert r["drugs"] == drugs


def _best(case_imaging: list[Json], lesions: list[Json]) -> str:
    case = make_case(
        extent="metastatic", lesions=lesions, rai=[rai("2018-01-01", 100)], imaging=case_imaging
    )
    best: str = _assess(case)["recist"]["best_overall_response"]
    return best


@pytest.mark.parametrize(
    ("sizes", "best"),
    [
        ([20, 14, 0], "CR"),  # PR then CR: CR ranks above PR
        ([20, 19, 14], "PR"),  # SD then PR: PR ranks above SD
    ],
)
def test_best_response_between_neighbours(sizes: list[float], best: str) -> None:
    dates = ["2019-01-10", "2019-04-10", "2019-07-10"]
    imaging = [scan(d, {"L1": s}) for d, s in zip(dates, sizes, strict=True)]
    assert _best(imaging, [lesion("L1", "lung", "no")]) == best


def test_best_response_non_cr_non_pd_above_pd() -> None:
    # no target at all: present (NON_CR_NON_PD), then unequivocal progression (PD)
    imaging = [
        scan("2019-01-10", non_target={"B1": "present"}),
        scan("2019-04-10", non_target={"B1": "present"}),
        scan("2019-07-10", non_target={"B1": "unequivocal_progression"}),
    ]
    assert _best(imaging, [lesion("B1", "bone", "no", recist_role="non_target")]) == (
        "NON_CR_NON_PD"
    )


def test_best_response_pd_above_ne() -> None:
    # L2 not measured (NE), then L1 doubles (PD): PD ranks above NE
    imaging = [
        scan("2019-01-10", {"L1": 20, "L2": 20}),
        scan("2019-04-10", {"L1": 20}),
        scan("2019-07-10", {"L1": 40, "L2": 20}),
    ]
    lesions = [lesion("L1", "lung", "no"), lesion("L2", "liver", "no")]
    assert _best(imaging, lesions) == "PD"


def test_redifferentiation_scheme_order() -> None:
    # every gene of the scheme at once, given in reverse: the scheme's order decides the
    # drugs (BRAF V600E first) and the order the alterations are named in
    molecular = [mol("NRAS", "Q61K"), mol("KRAS", "G12V"), mol("HRAS", "Q61R")]
    molecular.append(mol("BRAF", "V600E"))
    r = rec(_assess(_rediff_case([12, 12], molecular)), "REDIFFERENTIATION")
    assert r is not None
    assert r["drugs"] == ["dabrafenib", "trametinib"]
    assert "BRAF V600E, HRAS, KRAS, NRAS" in r["rationale"]


@pytest.mark.parametrize(
    ("histology", "molecular", "drugs", "label"),
    [
        # anaplastic, every row it can match, given in reverse: the rows' order decides
        (
            "anaplastic",
            [
                mol("ALK", "EML4-ALK", kind="fusion"),
                mol("NTRK1", "TPM3-NTRK1", kind="fusion"),
                mol("RET", "CCDC6-RET", kind="fusion"),
                mol("BRAF", "V600E"),
            ],
            ["dabrafenib", "trametinib", "selpercatinib", *NTRK, *ALK],
            "BRAF V600E",
        ),
        # medullary: the RET mutation row comes before NTRK
        (
            "medullary",
            [mol("NTRK1", "TPM3-NTRK1", kind="fusion"), mol("RET", "M918T")],
            ["selpercatinib", *NTRK],
            "RET mutation",
        ),
        # RET fusion and mutation: one drug group, named by the first row (RET fusion),
        # with the case's own fusion result beside it
        (
            "medullary",
            [mol("RET", "M918T"), mol("RET", "CCDC6-RET", kind="fusion")],
            ["selpercatinib"],
            "RET fusion (RET CCDC6-RET) -> selpercatinib",
        ),
    ],
)
def test_targeted_rows_order(
    histology: str, molecular: list[Json], drugs: list[str], label: str
) -> None:
    case = make_case(
        histology=histology,
        extent="metastatic",
        lesions=[lesion("L1", "lung", "no")],
        rai=[rai("2018-01-01", 100)],
        molecular=molecular,
    )
    r = rec(_assess(case), "TARGETED-THERAPY")
    assert r is not None
    assert r["drugs"] == drugs
    assert label in r["rationale"]
    assert "RET mutation ->" not in r["rationale"] or label == "RET mutation"


def test_systemic_drug_lists_in_order() -> None:
    # differentiated: lenvatinib then sorafenib; after a VEGFR inhibitor: cabozantinib
    out = _assess(_systemic_case("2020-01-15", "2021-03-15"))
    r = rec(out, "SYSTEMIC-THERAPY")
    assert r is not None
    assert r["drugs"] == ["lenvatinib", "sorafenib"]
    # medullary with a RET mutation: the RET inhibitor first, then vandetanib, cabozantinib
    case = make_case(
        histology="medullary",
        extent="metastatic",
        lesions=[lesion("L1", "lung")],
        imaging=[scan("2019-01-15", {"L1": 20}), scan("2019-07-15", {"L1": 30})],
        clinical={
            "symptomatic": True,
            "locally_treatable": False,
            "standard_treatment_possible": False,
        },
        molecular=[mol("RET", "M918T")],
    )
    r = rec(_assess(case), "SYSTEMIC-THERAPY")
    assert r is not None
    assert r["drugs"] == ["selpercatinib", "vandetanib", "cabozantinib"]


@pytest.mark.parametrize(
    ("case", "rule_id"),
    [
        (make_case(histology="anaplastic", lesions=[lesion("L1", "lung")]), "ATC-ALWAYS"),
        (
            make_case(
                histology="medullary",
                extent="metastatic",
                lesions=[lesion("H1", "liver")],
                clinical={"standard_treatment_possible": False},
            ),
            "MTC-ADVANCED",
        ),
        # refractory, no national option: the regional board, and surveillance
        (_local_case([12] * 6), "RCP-REGIONAL"),
        (_local_case([12] * 6), "ACTIVE-SURVEILLANCE"),
        # refractory with a RAS mutation and no approved targeted option
        (_rediff_case([12, 40], [mol("NRAS", "Q61K")]), "CLINICAL-TRIAL"),
        # brain lesion with a bleeding risk while a kinase inhibitor is proposed
        (
            make_case(
                extent="metastatic",
                lesions=[lesion("L1", "lung", "no"), lesion("C1", "brain", "no")],
                rai=[rai("2018-01-01", 100)],
                imaging=[scan("2019-01-15", {"L1": 20}), scan("2019-07-15", {"L1": 30})],
                clinical={
                    "symptomatic": True,
                    "locally_treatable": False,
                    "brain_metastases_bleeding_risk": True,
                },
            ),
            "SYSTEMIC-THERAPY-CAUTION",
        ),
        # 600 mCi, avid lesions only, regressing after the last administration
        (
            make_case(
                extent="metastatic",
                lesions=[lesion("L1", "lung", "yes")],
                rai=[rai("2018-01-01", 300), rai("2019-01-01", 300, response="regressing")],
            ),
            "ADDITIONAL-RAI",
        ),
        # rising thyroglobulin, no criterion met
        (
            make_case(labs=_doubling_series("thyroglobulin", 200)),
            "NOTE-TG-NOT-CRITERION",
        ),
    ],
)
def test_rare_rules_cite_their_sources(case: Json, rule_id: str) -> None:
    out = _assess(case)
    ids = [e["criterion"] for e in out["refractory"]["evidence"]] + rec_ids(out)
    assert rule_id in ids
    assert rule_id in SEEN  # its sources were checked against the spec by _assess


@pytest.mark.parametrize(
    ("molecular", "named"),
    [
        # a RAS mutation is named with its alteration; other trial genes by the gene
        (mol("HRAS", "Q61R"), "no approved option: HRAS Q61R."),
        (mol("KRAS", "G12V"), "no approved option: KRAS G12V."),
        (mol("NRAS", "Q61K"), "no approved option: NRAS Q61K."),
        (mol("ALK", "F1174L"), "no approved option: ALK."),  # an ALK mutation, not a fusion
    ],
)
def test_trial_genes(molecular: Json, named: str) -> None:
    r = rec(_assess(_rediff_case([12, 40], [molecular])), "CLINICAL-TRIAL")
    assert r is not None
    assert named in r["rationale"]


def test_best_response_of_unevaluable_scans_only() -> None:
    # L2 never measured again: every follow-up NE, the best response is NE
    imaging = [scan("2019-01-10", {"L1": 20, "L2": 20}), scan("2019-04-10", {"L1": 20})]
    lesions = [lesion("L1", "lung", "no"), lesion("L2", "liver", "no")]
    assert _best(imaging, lesions) == "NE"


# --- ata-2015 (clinical-rules.md section 5.2) ------------------------------------------

ATA_SOURCES = {
    "ATA2015-NEVER-AVID": R91_R53B,
    "ATA2015-LOST-UPTAKE": R91_R53B,
    "ATA2015-MIXED-UPTAKE": R91_R53B,
    "ATA2015-PROGRESSION-DESPITE-UPTAKE": R91_R53B,
    "ATA2015-NON-AVID": ["ATA2015-R91"],
}


def _ata(case: Json) -> Json:
    out = _assess(case)
    (verdict,) = [d for d in out["definitions"] if d["rule_set"] == "ata-2015"]
    for ev in verdict["evidence"]:
        assert ev["sources"] == ATA_SOURCES[ev["criterion"]], ev["criterion"]
    return dict(verdict)


def _ata_case(scans: list[Json] | None, lesions: list[Json] | None = None, **fields: Any) -> Json:
    return make_case(
        lesions=lesions or [lesion("L1", "lung")],
        rai=[rai("2019-01-01", 100)],
        scans=scans,
        **fields,
    )


def _post(day: str, findings: dict[str, str], **extra: Any) -> Json:
    return {"date": day, "kind": "post_therapy", "findings": findings, **extra}


@pytest.mark.parametrize(
    ("extra", "counts"),
    [
        ({"tsh": 30}, True),  # TSH at 30 mU/L: counts (R53B, "below 30" does not)
        ({"tsh": 29.9}, False),  # just below 30 mU/L: ignored
        ({}, True),  # TSH not recorded: does not stop it counting
        ({"iodine_contamination": "none"}, True),
        ({"iodine_contamination": "unknown"}, True),  # unknown does not stop it
        ({"iodine_contamination": "suspected"}, False),
        ({"iodine_contamination": "confirmed"}, False),
        ({"tsh": 45, "iodine_contamination": "suspected"}, False),  # either condition stops
    ],
)
def test_ata_counting_scans(extra: Json, counts: bool) -> None:
    verdict = _ata(_ata_case([_post("2019-01-05", {"L1": "no"}, **extra)]))
    if counts:
        assert verdict["status"] == "refractory"
        assert verdict["criteria_met"] == ["ATA2015-NEVER-AVID"]
        # the sentence of `evidence.ata.never_avid` (messages.toml), naming the lesion
        (ev,) = verdict["evidence"]
        assert ev["detail"].startswith(
            "Lesion with no uptake on every scan that counts, never avid: "
        )
        assert "L1" in ev["detail"]
    else:
        # the only finding is on a scan that does not count
        assert verdict["status"] == "indeterminate"
        assert verdict["missing_data"] == ["scans.adequate"]
        assert any("2019-01-05" in n for n in verdict["notes"])  # names the scan's date


def test_ata_lost_and_mixed_uptake() -> None:
    lesions = [lesion("L1", "lung"), lesion("L2", "bone")]
    scans = [_post("2019-01-05", {"L1": "yes", "L2": "yes"}), _post("2019-01-10", {"L1": "no"})]
    # L1 yes then no (B); the first scan has no 'no', the second only one finding
    assert _ata(_ata_case(scans, lesions))["criteria_met"] == ["ATA2015-LOST-UPTAKE"]
    mixed = [_post("2019-01-05", {"L1": "yes", "L2": "no"})]
    # L2 first seen 'no' and never 'yes' (A); L1 yes beside L2 no on one scan (C)
    assert _ata(_ata_case(mixed, lesions))["criteria_met"] == [
        "ATA2015-NEVER-AVID",
        "ATA2015-MIXED-UPTAKE",
    ]


def test_ata_equivocal_and_not_visualized_decide_nothing() -> None:
    scans = [
        _post("2019-01-05", {"L1": "equivocal"}),
        _post("2019-01-10", {"L1": "not_visualized"}),
    ]
    verdict = _ata(_ata_case(scans))
    assert verdict["status"] == "indeterminate"
    assert verdict["missing_data"] == ["lesions.rai_uptake"]


def test_ata_without_scans_reads_the_lesions() -> None:
    # one counting scan after the latest I-131: no -> NON-AVID (A and B together)
    verdict = _ata(_ata_case(None, [lesion("L1", "lung", "no")]))
    assert verdict["criteria_met"] == ["ATA2015-NON-AVID"]
    both = [lesion("L1", "lung", "no"), lesion("L2", "lung", "yes")]
    assert _ata(_ata_case(None, both))["criteria_met"] == [
        "ATA2015-MIXED-UPTAKE",
        "ATA2015-NON-AVID",
    ]


@pytest.mark.parametrize(
    ("scan_day", "met"),
    [
        ("2019-01-15", True),  # 14 days after the I-131 of 2019-01-01: linked to it
        ("2019-01-01", True),  # on the day (0 days): linked
    ],
)
def test_ata_progression_despite_uptake(scan_day: str, met: bool) -> None:
    # PD on 2024-06-01, five years after the I-131: R91 D has no time window
    case = _ata_case(
        [_post(scan_day, {"L1": "yes"})],
        imaging=[scan("2019-03-01", {"L1": 20}), scan("2024-06-01", {"L1": 30})],
    )
    verdict = _ata(case)
    assert ("ATA2015-PROGRESSION-DESPITE-UPTAKE" in verdict["criteria_met"]) is met


def test_ata_avid_scan_on_a_diagnostic_scan_is_not_post_therapy() -> None:
    # R91 D needs a post-therapy scan linked to the administration
    diagnostic = {"date": "2019-01-05", "kind": "diagnostic_i131", "findings": {"L1": "yes"}}
    case = _ata_case(
        [diagnostic], imaging=[scan("2019-03-01", {"L1": 20}), scan("2024-06-01", {"L1": 30})]
    )
    assert "ATA2015-PROGRESSION-DESPITE-UPTAKE" not in _ata(case)["criteria_met"]


def test_ata_imaging_after_rai_at_any_interval() -> None:
    # avid lesion, I-131 given, no imaging after it: missing imaging_after_rai
    case = _ata_case([_post("2019-01-05", {"L1": "yes"})])
    verdict = _ata(case)
    assert (verdict["status"], verdict["missing_data"]) == ("indeterminate", ["imaging_after_rai"])
    # imaging six years later still answers it (no window): no PD, not refractory
    case["imaging"] = [scan("2019-03-01", {"L1": 20}), scan("2025-03-01", {"L1": 20})]
    assert _ata(case)["status"] == "not_refractory"


@pytest.mark.parametrize(
    ("histology", "lesions", "status"),
    [
        ("anaplastic", [lesion("L1", "lung", "no")], "not_applicable"),
        ("medullary", [lesion("L1", "lung", "no")], "not_applicable"),
        ("papillary", [], "not_refractory"),  # differentiated without any lesion
        # locoregional disease is in scope (no extent limit): a cold thyroid-bed lesion
        ("papillary", [lesion("T1", "thyroid_bed", "no")], "refractory"),
    ],
)
def test_ata_scope(histology: str, lesions: list[Json], status: str) -> None:
    case = make_case(histology=histology, lesions=lesions or None, rai=[rai("2019-01-01", 100)])
    assert _ata(case)["status"] == status


# --- input bounds (case-format.md "Invalid input"; [input] of tuthyref-2021) -------------


def _problem_paths(case: Json) -> list[str]:
    from thyref.errors import CaseValidationError

    try:
        parse_case(case)
    except CaseValidationError as error:
        return [p.path for p in error.problems]
    return []


@pytest.mark.parametrize(
    ("activity", "unit", "valid"),
    [
        (50, "GBq", True),  # 50 GBq, inclusive
        (50.001, "GBq", False),
        (50000, "MBq", True),
        (50001, "MBq", False),
        (1351, "mCi", True),  # 1351 x 37 = 49,987 MBq
        (1352, "mCi", False),  # 50,024 MBq
    ],
)
def test_largest_rai_activity(activity: float, unit: str, valid: bool) -> None:
    paths = _problem_paths(make_case(rai=[rai("2019-01-01", activity, unit)]))
    assert paths == ([] if valid else ["rai[0].activity"])


@pytest.mark.parametrize(("mm", "valid"), [(1000, True), (1000.1, False)])
def test_largest_measurement(mm: float, valid: bool) -> None:
    case = make_case(lesions=[lesion("L1")], imaging=[scan("2019-01-01", {"L1": mm})])
    assert _problem_paths(case) == ([] if valid else ["imaging[0].measurements.L1"])


@pytest.mark.parametrize(("day", "valid"), [("1900-01-01", True), ("1899-12-31", False)])
def test_earliest_date(day: str, valid: bool) -> None:
    paths = _problem_paths(make_case(diagnosis_date=day))
    assert paths == ([] if valid else ["diagnosis.date"])


# --- section 1 and 4 preconditions of the clarified spec ---------------------------------


def test_no_uptake_needs_an_administration() -> None:
    # "A non-avid lesion with no I-131 given yet is not enough: indeterminate, missing rai"
    case = make_case(extent="metastatic", lesions=[lesion("L1", "lung", "no")])
    got = _assess(case)["refractory"]
    assert (got["status"], got["criteria_met"], got["missing_data"]) == (
        "indeterminate",
        [],
        ["rai"],
    )
    case["rai"] = [rai("2019-01-01", 100)]
    assert _assess(case)["refractory"]["criteria_met"] == ["DTC-NO-UPTAKE"]


@pytest.mark.parametrize(
    ("molecular", "trial"),
    [
        # ALK fusion: TARGETED-THERAPY (ALK inhibitor within a trial), so no CLINICAL-TRIAL
        (mol("ALK", "EML4-ALK", "fusion"), False),
        # ALK mutation: no targeted row, so CLINICAL-TRIAL
        (mol("ALK", "F1174L"), True),
    ],
)
def test_trial_only_when_targeted_therapy_is_not_triggered(molecular: Json, trial: bool) -> None:
    case = make_case(
        extent="metastatic",
        lesions=[lesion("L1", "lung", "no")],
        rai=[rai("2019-01-01", 100)],
        molecular=[molecular],
    )
    ids = rec_ids(_assess(case))
    assert ("TARGETED-THERAPY" in ids) is not trial
    assert ("CLINICAL-TRIAL" in ids) is trial


@pytest.mark.parametrize(
    ("origin", "proposed"),
    [
        ("somatic", True),  # "A somatic RET result does not answer this question"
        ("germline", False),
    ],
)
def test_germline_ret_testing(origin: str, proposed: bool) -> None:
    case = make_case(histology="medullary", molecular=[mol("RET", "C634R", origin=origin)])
    out = _assess(case)
    assert ("GERMLINE-RET-TESTING" in rec_ids(out)) is proposed
    if proposed:
        assert "GERMLINE-RET-TESTING" in SEEN  # sources checked by _assess
