"""ATA 2015 (clinical-rules.md 5.2): each criterion's evidence in words, dates and lesions.

Found unpinned by the mutation run (docs/quality.md section 3): the verdicts were tested,
not the evidence that explains them. Sentences from messages.toml (English).
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import lesion, make_case, run, scan
from .conftest import rai as rai_


def _ata(case: dict[str, Any]) -> dict[str, Any]:
    out = run(case, "en")
    (ata,) = [d for d in out["definitions"] if d["rule_set"] == "ata-2015"]
    return dict(ata)


def _evidence(ata: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {ev["criterion"]: ev for ev in ata["evidence"]}


def _post(day: str, findings: dict[str, str]) -> dict[str, Any]:
    # a post-therapy scan, linked to the I-131 given 0 to 14 days before it
    return {"date": day, "kind": "post_therapy", "findings": findings}


TWO_RAI = [rai_("2019-01-01", 100), rai_("2020-01-01", 100)]


def test_lost_and_mixed_uptake_name_their_scans() -> None:
    # L1 and L2 avid on the 2019-01-05 scan; on 2020-01-06 L1 takes up no iodine, L2 still
    # does: L1 lost its uptake (B) and the 2020 scan is mixed (C); nobody is never-avid
    case = make_case(
        lesions=[lesion("L1", "lung"), lesion("L2", "lung")],
        rai=TWO_RAI,
        scans=[
            _post("2019-01-05", {"L1": "yes", "L2": "yes"}),
            _post("2020-01-06", {"L1": "no", "L2": "yes"}),
        ],
    )
    ata = _ata(case)
    assert ata["status"] == "refractory"
    assert ata["criteria_met"] == ["ATA2015-LOST-UPTAKE", "ATA2015-MIXED-UPTAKE"]
    ev = _evidence(ata)
    lost = ev["ATA2015-LOST-UPTAKE"]
    assert lost["detail"] == (
        "Lesion avid, then no longer: L1 (lung) (uptake on 2019-01-05, none on 2020-01-06)."
    )
    assert lost["lesions"] == ["L1"]
    assert lost["dates"] == ["2019-01-05", "2020-01-06"]
    mixed = ev["ATA2015-MIXED-UPTAKE"]
    assert mixed["detail"] == (
        "Mixed uptake on the scan of 2020-01-06: L1 (lung) takes up no iodine, L2 does."
    )
    assert mixed["lesions"] == ["L1"]
    assert mixed["dates"] == ["2020-01-06"]


def test_lost_uptake_takes_the_first_yes_and_the_latest_later_no() -> None:
    # L1: no on 2018-01-05, yes on 2019-01-05, no on 2020-01-06 and 2021-01-06: the first
    # yes (2019) and the latest no after it (2021)
    case = make_case(
        lesions=[lesion("L1", "lung")],
        rai=[rai_("2018-01-01", 100), *TWO_RAI, rai_("2021-01-01", 100)],
        scans=[
            _post("2018-01-05", {"L1": "no"}),
            _post("2019-01-05", {"L1": "yes"}),
            _post("2020-01-06", {"L1": "no"}),
            _post("2021-01-06", {"L1": "no"}),
        ],
    )
    lost = _evidence(_ata(case))["ATA2015-LOST-UPTAKE"]
    assert lost["dates"] == ["2019-01-05", "2021-01-06"]
    assert lost["detail"].endswith("(uptake on 2019-01-05, none on 2021-01-06).")


def test_never_avid_names_the_lesions_never_seen_taking_up_iodine() -> None:
    # L1 no on both scans, L2 yes on both: L1 never avid (A); both scans mixed (C), the
    # first one is named
    case = make_case(
        lesions=[lesion("L1", "lung"), lesion("L2", "bone")],
        rai=TWO_RAI,
        scans=[
            _post("2019-01-05", {"L1": "no", "L2": "yes"}),
            _post("2020-01-06", {"L1": "no", "L2": "yes"}),
        ],
    )
    ev = _evidence(_ata(case))
    assert list(ev) == ["ATA2015-NEVER-AVID", "ATA2015-MIXED-UPTAKE"]
    never = ev["ATA2015-NEVER-AVID"]
    assert never["detail"] == (
        "Lesion with no uptake on every scan that counts, never avid: L1 (lung)."
    )
    assert never["lesions"] == ["L1"]
    assert ev["ATA2015-MIXED-UPTAKE"]["dates"] == ["2019-01-05"]


def test_progression_despite_uptake_names_the_administration_and_the_avid_lesions() -> None:
    # L1 avid on the scan after the 2019-01-01 I-131; 20 -> 30 mm (+50 %, +10 mm): PD on
    # 2020-06-01, 17 months later (no window in ATA 2015)
    case = make_case(
        lesions=[lesion("L1", "lung")],
        rai=[rai_("2019-01-01", 100)],
        scans=[_post("2019-01-05", {"L1": "yes"})],
        imaging=[scan("2019-06-01", {"L1": 20}), scan("2020-06-01", {"L1": 30})],
    )
    ata = _ata(case)
    assert ata["criteria_met"] == ["ATA2015-PROGRESSION-DESPITE-UPTAKE"]
    ev = _evidence(ata)["ATA2015-PROGRESSION-DESPITE-UPTAKE"]
    assert ev["detail"] == (
        "RECIST progression on 2020-06-01 after I-131 on 2019-01-01 despite uptake (L1),"
        " no time window."
    )
    assert ev["dates"] == ["2019-01-01", "2020-06-01"]


def test_without_scans_non_avid_and_mixed_have_no_scan_date() -> None:
    # no scans[]: the lesions' rai_uptake are one counting scan without a date
    case = make_case(
        lesions=[lesion("L1", "lung", "no"), lesion("L2", "lung", "yes")],
        rai=[rai_("2019-01-01", 100)],
        imaging=[scan("2019-06-01", {"L1": 12, "L2": 12})],
    )
    ata = _ata(case)
    ev = _evidence(ata)
    assert list(ev) == ["ATA2015-MIXED-UPTAKE", "ATA2015-NON-AVID"]
    assert ev["ATA2015-MIXED-UPTAKE"]["detail"] == (
        "Mixed uptake: L1 (lung) takes up no iodine, L2 does."
    )
    assert ev["ATA2015-MIXED-UPTAKE"]["dates"] == []
    assert ev["ATA2015-NON-AVID"]["detail"] == "Lesion with no I-131 uptake: L1 (lung)."
    assert ev["ATA2015-NON-AVID"]["lesions"] == ["L1"]
    assert "Scan history would tell never-avid lesions from lost uptake." in ata["notes"]


def test_yes_and_no_on_the_same_day_is_not_lost_uptake() -> None:
    # two scans on 2019-01-05 (post-therapy: yes; diagnostic I-123: no): "later" means a
    # later date (5.2), so L1 did not lose its uptake; each scan holds one finding, so
    # neither is mixed
    case = make_case(
        lesions=[lesion("L1", "lung")],
        rai=[rai_("2019-01-01", 100)],
        scans=[
            _post("2019-01-05", {"L1": "yes"}),
            {"date": "2019-01-05", "kind": "diagnostic_i123", "findings": {"L1": "no"}},
        ],
    )
    assert _ata(case)["criteria_met"] == []


def test_notes_of_scans_that_do_not_count_say_why() -> None:
    # 2019-01-05: TSH 12.5 mU/L (below 30: not counted); 2019-06-01: contamination
    # suspected (not counted); the lesion's only findings are on them
    case = make_case(
        lesions=[lesion("L1", "lung")],
        rai=[rai_("2019-01-01", 100)],
        scans=[
            {**_post("2019-01-05", {"L1": "no"}), "tsh": 12.5},
            {
                "date": "2019-06-01",
                "kind": "diagnostic_i123",
                "findings": {"L1": "no"},
                "iodine_contamination": "suspected",
            },
        ],
    )
    ata = _ata(case)
    assert ata["status"] == "indeterminate"
    assert ata["missing_data"] == ["scans.adequate"]
    assert "Scan of 2019-01-05 not counted: TSH 12.5 mU/L, below 30 mU/L." in ata["notes"]
    assert "Scan of 2019-06-01 not counted: iodine contamination (suspected)." in ata["notes"]


def test_progression_despite_uptake_looks_past_a_scan_without_uptake() -> None:
    # a diagnostic scan first (2018-12-01, L1 no), then the post-therapy scan of the
    # 2019-01-01 I-131 (L1 yes): the uptake after that administration is found; PD on
    # 2020-06-01 (20 -> 30 mm)
    case = make_case(
        lesions=[lesion("L1", "lung")],
        rai=[rai_("2019-01-01", 100)],
        scans=[
            {"date": "2018-12-01", "kind": "diagnostic_i123", "findings": {"L1": "no"}},
            _post("2019-01-05", {"L1": "yes"}),
        ],
        imaging=[scan("2019-06-01", {"L1": 20}), scan("2020-06-01", {"L1": 30})],
    )
    assert _ata(case)["criteria_met"] == ["ATA2015-PROGRESSION-DESPITE-UPTAKE"]


def test_progression_despite_uptake_needs_the_scan_of_that_administration() -> None:
    # I-131 on 2019-01-01 (its post-therapy scan 2019-01-05: L1 yes) and 2020-01-01 (no
    # scan); PD on 2020-06-01: the latest administration has no scan showing uptake, so
    # the progression is dated from the 2019 one
    case = make_case(
        lesions=[lesion("L1", "lung")],
        rai=[rai_("2019-01-01", 100), rai_("2020-01-01", 100)],
        scans=[_post("2019-01-05", {"L1": "yes"})],
        imaging=[scan("2020-02-01", {"L1": 20}), scan("2020-06-01", {"L1": 30})],
    )
    ev = _evidence(_ata(case))["ATA2015-PROGRESSION-DESPITE-UPTAKE"]
    assert ev["dates"] == ["2019-01-01", "2020-06-01"]


@pytest.mark.parametrize(
    ("statuses", "differ"),
    [
        # two verdicts that part
        (["refractory", "not_refractory"], True),
        # not_applicable is left out: nothing left to compare
        (["refractory", "not_applicable"], False),
        # the same verdict twice
        (["indeterminate", "indeterminate"], False),
        # none
        ([], False),
    ],
)
def test_statuses_differ(statuses: list[str], differ: bool) -> None:
    from thyref.domain.definitions import statuses_differ

    assert statuses_differ(statuses) is differ
