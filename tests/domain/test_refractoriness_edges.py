"""DTC-PROGRESSION-12M and its ATA 2015 twin: which administration a progression follows.

Found unpinned by the mutation run (docs/quality.md section 3). clinical-rules.md section 1:
"some I-131 date R such that R < D <= R + 12 calendar months"; section 5.2: "after some
I-131 administration R (R < D, no window), where a counting post_therapy scan linked to
R ... shows at least one lesion yes".
"""

from __future__ import annotations

from typing import Any

from .conftest import lesion, make_case, rai, run, scan


def _criteria(case: dict[str, Any], rule_set: str = "tuthyref-2021") -> dict[str, Any]:
    out = run(case, "en")
    (verdict,) = [d for d in out["definitions"] if d["rule_set"] == rule_set]
    return {ev["criterion"]: ev for ev in verdict["evidence"]}


def test_pd_on_the_day_of_the_only_administration_is_not_after_it() -> None:
    # R = D = 2020-03-01: R < D does not hold; the earlier imaging is before any I-131
    case = make_case(
        extent="metastatic",
        lesions=[lesion("L1", "lung", "yes")],
        rai=[rai("2020-03-01", 100)],
        imaging=[scan("2019-09-01", {"L1": 20}), scan("2020-03-01", {"L1": 30})],
    )
    assert "DTC-PROGRESSION-12M" not in _criteria(case)


def test_an_administration_after_the_pd_does_not_hide_an_earlier_one() -> None:
    # I-131 on 2019-06-01 and 2020-06-01; PD (20 -> 30 mm) on 2020-03-01: after the first
    # (9 months, within 12), before the second, which is passed over
    case = make_case(
        extent="metastatic",
        lesions=[lesion("L1", "lung", "yes")],
        rai=[rai("2019-06-01", 100), rai("2020-06-01", 100)],
        imaging=[scan("2019-09-01", {"L1": 20}), scan("2020-03-01", {"L1": 30})],
    )
    ev = _criteria(case)["DTC-PROGRESSION-12M"]
    assert ev["dates"] == ["2019-06-01", "2020-03-01"]
    assert ev["detail"].startswith("RECIST progression on 2020-03-01, 274 days after I-131 on")


def test_ata_progression_follows_the_administration_whose_scan_showed_uptake() -> None:
    # I-131 on 2019-01-01 (scan 2019-01-05: L1 yes) and 2020-01-01 (scan 2020-01-06: L1
    # no); PD on 2020-06-01: the latest administration's scan shows no uptake, the earlier
    # one's does: progression despite uptake, after the 2019 administration
    case = make_case(
        lesions=[lesion("L1", "lung")],
        rai=[rai("2019-01-01", 100), rai("2020-01-01", 100)],
        scans=[
            {"date": "2019-01-05", "kind": "post_therapy", "findings": {"L1": "yes"}},
            {"date": "2020-01-06", "kind": "post_therapy", "findings": {"L1": "no"}},
        ],
        imaging=[scan("2020-02-01", {"L1": 20}), scan("2020-06-01", {"L1": 30})],
    )
    ev = _criteria(case, "ata-2015")["ATA2015-PROGRESSION-DESPITE-UPTAKE"]
    assert ev["dates"] == ["2019-01-01", "2020-06-01"]


def test_no_lesion_and_no_iodine_is_not_indeterminate() -> None:
    # papillary, metastatic by the extent override, no lesion declared, no I-131: every
    # differentiated criterion needs a lesion (no uptake, cumulative activity) or imaging
    # (progression, which needs lesions), so giving I-131 could decide nothing: not
    # refractory, nothing missing (it was indeterminate, `rai` missing)
    out = run(make_case(extent="metastatic"), "en")
    assert out["refractory"]["status"] == "not_refractory"
    assert out["refractory"]["missing_data"] == []
    assert "RCP-REGIONAL" not in [r["id"] for r in out["recommendations"]]
    # with a lesion of unknown uptake, I-131 is what would decide: `rai` is missing
    out = run(make_case(lesions=[lesion("P1", "lung", "no")]), "en")
    assert out["refractory"]["status"] == "indeterminate"
    assert out["refractory"]["missing_data"] == ["rai"]
