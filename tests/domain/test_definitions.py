"""Definitions side by side (clinical-rules.md section 5; case-format.md ``definitions``).

Expected verdicts are worked out by hand from the spec's tables; each case cites the line
it checks.
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import lesion, make_case, rai, rec_ids, run, scan

RAI = [rai("2014-04-01", 100), rai("2015-04-07", 150)]


def _post(day: str, findings: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {"date": day, "kind": "post_therapy", "findings": findings, **extra}


def _diag(day: str, findings: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {"date": day, "kind": "diagnostic_i123", "findings": findings, **extra}


def _case(
    scans: list[dict[str, Any]] | None,
    *,
    uptake: tuple[str | None, str | None] = (None, None),
    histology: str = "papillary",
    given: list[dict[str, Any]] | None = None,
    imaging: list[dict[str, Any]] | None = None,
    sites: tuple[str, str] = ("lung", "lung"),
) -> dict[str, Any]:
    lesions = [
        lesion("L1", sites[0], uptake[0]),
        lesion("L2", sites[1], uptake[1]),
    ]
    return make_case(
        histology=histology,
        rai=RAI if given is None else given,
        lesions=lesions,
        scans=scans,
        imaging=imaging
        if imaging is not None
        else [scan("2014-03-01", {"L1": 13, "L2": 11}), scan("2015-10-01", {"L1": 14, "L2": 11})],
    )


def _defs(case: dict[str, Any], **kw: Any) -> dict[str, dict[str, Any]]:
    out = run(case) if not kw else _run_with(case, **kw)
    return {d["rule_set"]: d for d in out["definitions"]}


def _run_with(case: dict[str, Any], definition: str) -> dict[str, Any]:
    import json

    from thyref.domain import assess, parse_case

    out = assess(parse_case(case), definition=definition).to_json()
    json.dumps(out, allow_nan=False)
    return out


def _ata(case: dict[str, Any]) -> tuple[str, list[str], list[str]]:
    d = _defs(case)["ata-2015"]
    return d["status"], d["criteria_met"], d["missing_data"]


# ---------------------------------------------------------------------------------------
# Output shape (case-format.md "Output")


def test_definitions_list_primary_first_with_the_fields_of_the_spec() -> None:
    out = run(_case(None, uptake=("no", "yes")))
    assert [d["rule_set"] for d in out["definitions"]] == ["tuthyref-2021", "ata-2015"]
    assert [d["primary"] for d in out["definitions"]] == [True, False]
    keys = {"rule_set", "primary", "status", "criteria_met", "evidence", "missing_data", "notes"}
    assert all(set(d) == keys for d in out["definitions"])
    # "`refractory` repeats the primary entry as before"
    first = out["definitions"][0]
    for key in ("status", "criteria_met", "evidence", "missing_data", "notes"):
        assert out["refractory"][key] == first[key]


def test_choosing_ata_as_primary_swaps_the_order_and_refractory() -> None:
    # "`thyref assess --definition ata-2015` makes another set primary (the options then
    # follow it)": PD 15 months after I-131 with avid lesions (shared example
    # ex-def-pd-after-window): tuthyref not refractory, ata refractory
    case = make_case(
        histology="follicular",
        rai=[rai("2018-01-10", 150)],
        lesions=[lesion("B1", "bone", "yes"), lesion("P1", "lung", "yes")],
        imaging=[
            scan("2017-12-15", {"B1": 30, "P1": 14}),
            scan("2018-07-01", {"B1": 30, "P1": 13}),
            scan("2019-04-20", {"B1": 38, "P1": 18}),
        ],
    )
    out = _run_with(case, definition="ata-2015")
    assert [d["rule_set"] for d in out["definitions"]] == ["ata-2015", "tuthyref-2021"]
    assert out["refractory"]["status"] == "refractory"
    assert out["refractory"]["criteria_met"] == ["ATA2015-PROGRESSION-DESPITE-UPTAKE"]
    # refractory under the primary: the refractory-driven options follow (regional RCP,
    # surveillance), and the definitions differ
    ids = rec_ids(out)
    assert "ACTIVE-SURVEILLANCE" in ids and "NOTE-DEFINITIONS-DIFFER" in ids
    assert "ACTIVE-SURVEILLANCE" not in rec_ids(run(case))


# ---------------------------------------------------------------------------------------
# ata-2015 scope (section 5.2 "Scope")


@pytest.mark.parametrize(
    ("histology", "status"),
    [
        ("anaplastic", "not_applicable"),  # R91 is about differentiated cancer
        ("medullary", "not_applicable"),
        ("papillary", "refractory"),  # L1 no uptake (NON-AVID)
        ("poorly_differentiated", "refractory"),
    ],
)
def test_ata_scope_by_histology(histology: str, status: str) -> None:
    assert _ata(_case(None, uptake=("no", "no"), histology=histology))[0] == status


def test_ata_differentiated_without_lesion_is_not_refractory() -> None:
    case = make_case(rai=RAI)
    assert _ata(case) == ("not_refractory", [], [])


def test_ata_covers_locoregional_disease() -> None:
    # "differentiated histology with at least one lesion (locoregional included)": a cold
    # cervical node is refractory under ata-2015 but outside tuthyref-2021
    case = _case(
        None,
        uptake=("no", "no"),
        sites=("lymph_node_cervical_lateral", "thyroid_bed"),
        imaging=[],
    )
    defs = _defs(case)
    assert defs["ata-2015"]["criteria_met"] == ["ATA2015-NON-AVID"]
    assert defs["tuthyref-2021"]["status"] == "not_refractory"


# ---------------------------------------------------------------------------------------
# ata-2015 criteria, with scans (section 5.2 "Criteria")

CRITERIA_WITH_SCANS = [
    # NEVER-AVID: "a lesion's earliest yes/no finding on a counting scan ... is `no`, and it
    # is never `yes` on a counting scan" (R91 A). L1 no twice, L2 unseen.
    ("never-avid", [_post("2014-04-06", {"L1": "no"}), _post("2015-04-12", {"L1": "no"})],
     ["ATA2015-NEVER-AVID"]),
    # never-avid with a diagnostic scan before any therapy (any scan kind counts, A needs
    # no I-131): L1 no on a diagnostic I-123 scan
    ("never-avid-diagnostic", [_diag("2014-03-10", {"L1": "no", "L2": "no"})],
     ["ATA2015-NEVER-AVID"]),
    # LOST-UPTAKE: "yes on a counting scan and no on a later counting scan" (R91 B)
    ("lost", [_post("2014-04-06", {"L1": "yes", "L2": "yes"}),
              _post("2015-04-12", {"L1": "no", "L2": "no"})], ["ATA2015-LOST-UPTAKE"]),
    # no then yes is neither lost nor never-avid (earliest is no but it is yes later)
    ("no-then-yes", [_post("2014-04-06", {"L1": "no", "L2": "yes"}),
                     _post("2015-04-12", {"L1": "yes", "L2": "yes"})],
     ["ATA2015-MIXED-UPTAKE"]),
    # MIXED-UPTAKE: "on one counting scan, one lesion is yes and another no" (R91 C); L2
    # never avid as well (A)
    ("mixed", [_post("2014-04-06", {"L1": "yes", "L2": "no"})],
     ["ATA2015-NEVER-AVID", "ATA2015-MIXED-UPTAKE"]),
    # mixed across two scans is not mixed: judged per scan record (L1 yes, then L2 no on
    # another scan): L2 is never avid, nothing is mixed
    ("not-mixed-across-scans", [_post("2014-04-06", {"L1": "yes"}),
                                _post("2015-04-12", {"L2": "no"})], ["ATA2015-NEVER-AVID"]),
    # A, B and C at once, in the spec's order
    ("a-b-c", [_post("2014-04-06", {"L1": "yes", "L2": "no"}),
               _post("2015-04-12", {"L1": "no", "L2": "no"})],
     ["ATA2015-NEVER-AVID", "ATA2015-LOST-UPTAKE", "ATA2015-MIXED-UPTAKE"]),
    # equivocal and not-visualized decide nothing
    ("equivocal", [_post("2014-04-06", {"L1": "equivocal", "L2": "not_visualized"})], []),
    # all avid, no progression: nothing holds
    ("all-avid", [_post("2014-04-06", {"L1": "yes", "L2": "yes"})], []),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "scans", "criteria"), CRITERIA_WITH_SCANS, ids=[r[0] for r in CRITERIA_WITH_SCANS]
)
def test_ata_criteria_with_scans(
    name: str, scans: list[dict[str, Any]], criteria: list[str]
) -> None:
    status, met, _ = _ata(_case(scans))
    assert met == criteria
    if criteria:
        assert status == "refractory"


def test_non_avid_is_not_used_with_scans() -> None:
    # "ATA2015-NON-AVID: only when `scans[]` is absent"; "With `scans[]`, lesions' own
    # `rai_uptake` is not read by `ata-2015`": L1 given `no` but every scan shows L1 yes
    # would contradict; here L1 has no finding at all, so its own `no` is not read
    scans = [_post("2014-04-06", {"L2": "yes"})]
    status, met, missing = _ata(_case(scans, uptake=("no", None)))
    assert met == []
    assert status == "indeterminate"
    assert missing == ["lesions.rai_uptake"]


# ---------------------------------------------------------------------------------------
# ata-2015 without scans: the lesions' rai_uptake as one counting scan


@pytest.mark.parametrize(
    ("uptake", "criteria"),
    [
        # some yes and some no: MIXED, and NON-AVID for the cold lesion (case-format.md
        # example: ["ATA2015-MIXED-UPTAKE", "ATA2015-NON-AVID"])
        (("no", "yes"), ["ATA2015-MIXED-UPTAKE", "ATA2015-NON-AVID"]),
        # all no: NON-AVID only (stands for A and B)
        (("no", "no"), ["ATA2015-NON-AVID"]),
        # all yes, no progression: nothing
        (("yes", "yes"), []),
    ],
)
def test_ata_criteria_without_scans(uptake: tuple[str, str], criteria: list[str]) -> None:
    case = _case(None, uptake=uptake)
    d = _defs(case)["ata-2015"]
    assert d["criteria_met"] == criteria
    if "ATA2015-NON-AVID" in criteria:
        # note: "scan history would tell never-avid from lost uptake"
        assert any("scan" in note.lower() for note in _defs_en(case)["ata-2015"]["notes"])


def _defs_en(case: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {d["rule_set"]: d for d in run(case, "en")["definitions"]}


# ---------------------------------------------------------------------------------------
# ATA2015-PROGRESSION-DESPITE-UPTAKE (R91 D)

PD_IMAGING = [scan("2014-03-01", {"L1": 13, "L2": 11}), scan("2017-06-01", {"L1": 20, "L2": 15})]


@pytest.mark.parametrize(
    ("scans", "uptake", "holds"),
    [
        # no scans: any lesion's rai_uptake yes stands for it; PD 2017-06 > I-131 2015-04,
        # no window (26 months later)
        (None, ("yes", "unknown"), True),
        # no scans and no avid lesion: does not hold
        (None, ("unknown", "unknown"), False),
        # a counting post-therapy scan linked to R (0-14 days after) shows L1 yes
        ([_post("2015-04-12", {"L1": "yes"})], (None, None), True),
        # linked by rai_date (taken 30 days after)
        ([_post("2015-05-07", {"L1": "yes"}, rai_date="2015-04-07")], (None, None), True),
        # the only avid scan does not count (TSH 20 < 30 mU/L): does not hold
        ([_post("2015-04-12", {"L1": "yes"}, tsh=20)], (None, None), False),
        # contamination suspected: does not count
        ([_post("2015-04-12", {"L1": "yes"}, iodine_contamination="suspected")], (None, None),
         False),
        # a diagnostic scan is not a post-therapy scan: D needs one linked to R
        ([_diag("2015-03-01", {"L1": "yes"})], (None, None), False),
    ],
)  # fmt: skip
def test_progression_despite_uptake(
    scans: list[dict[str, Any]] | None, uptake: tuple[str | None, str | None], holds: bool
) -> None:
    case = _case(scans, uptake=uptake, imaging=PD_IMAGING)
    met = _defs(case)["ata-2015"]["criteria_met"]
    assert ("ATA2015-PROGRESSION-DESPITE-UPTAKE" in met) is holds


def test_progression_needs_an_administration_before_the_pd() -> None:
    # "D needs one": R < D; PD before the only administration does not count
    imaging = [scan("2013-01-01", {"L1": 13, "L2": 11}), scan("2013-06-01", {"L1": 20, "L2": 15})]
    case = _case(None, uptake=("yes", "yes"), imaging=imaging)
    assert _defs(case)["ata-2015"]["criteria_met"] == []


# ---------------------------------------------------------------------------------------
# Counting scans (section 5.2 "Counting scans"): per condition, boundary both sides


@pytest.mark.parametrize(
    ("extra", "counts"),
    [
        ({}, True),  # "an absent `tsh` ... does not stop it counting"
        ({"tsh": 30}, True),  # R53B: TSH above 30; "below 30" stops it, 30 does not
        ({"tsh": 29.9}, False),
        ({"tsh": 110}, True),
        ({"iodine_contamination": "none"}, True),
        ({"iodine_contamination": "unknown"}, True),  # unknown does not stop it
        ({"iodine_contamination": "suspected"}, False),
        ({"iodine_contamination": "confirmed"}, False),
    ],
)
def test_counting_scan_conditions(extra: dict[str, Any], counts: bool) -> None:
    # one scan: L1 no, L2 no -> never-avid when the scan counts; otherwise its findings are
    # ignored ("with a note naming the scan's date") and adequate scans are missing
    case = _case([_post("2014-04-06", {"L1": "no", "L2": "no"}, **extra)])
    status, met, missing = _ata(case)
    if counts:
        assert met == ["ATA2015-NEVER-AVID"]
    else:
        assert (status, met, missing) == ("indeterminate", [], ["scans.adequate"])
        # the scan of 2014-04-06, named in French day/month/year (the default language)
        assert any("06/04/2014" in n for n in _defs(case)["ata-2015"]["notes"])


# ---------------------------------------------------------------------------------------
# ata-2015 missing data, in the spec's order

MISSING = [
    # lesions.rai_uptake: "a lesion with no yes/no finding on any scan"; L2 unseen, L1 yes
    ("uptake-with-scans", [_post("2014-04-06", {"L1": "yes"})], (None, None), None,
     ["lesions.rai_uptake"]),
    # only equivocal for L2: still no yes/no finding
    ("uptake-equivocal", [_post("2014-04-06", {"L1": "yes", "L2": "equivocal"})], (None, None),
     None, ["lesions.rai_uptake"]),
    # without scans: rai_uptake unknown or absent
    ("uptake-without-scans", None, ("yes", "unknown"), None, ["lesions.rai_uptake"]),
    # scans.adequate: "a lesion with yes/no findings but none on a counting scan" (L2 only
    # on a TSH-15 scan); L1 avid on a counting scan
    ("adequate-none-counting", [_post("2014-04-06", {"L1": "yes"}),
                                _post("2015-04-12", {"L2": "yes"}, tsh=15)], (None, None), None,
     ["scans.adequate"]),
    # "or whose `no` findings are all on scans that do not count": L2 yes (counting), then
    # no on a contaminated scan
    ("adequate-no-not-counting", [_post("2014-04-06", {"L1": "yes", "L2": "yes"}),
                                  _post("2015-04-12", {"L2": "no"},
                                        iodine_contamination="confirmed")], (None, None), None,
     ["scans.adequate"]),
    # imaging_after_rai: an avid lesion, I-131 given, no imaging dated after the latest
    # administration (2015-04-07), at any interval
    ("imaging-after", [_post("2014-04-06", {"L1": "yes", "L2": "yes"})], (None, None),
     [scan("2014-03-01", {"L1": 13, "L2": 11})], ["imaging_after_rai"]),
    # imaging 5 years later still counts (no window): nothing missing
    ("imaging-late", [_post("2014-04-06", {"L1": "yes", "L2": "yes"})], (None, None),
     [scan("2014-03-01", {"L1": 13, "L2": 11}), scan("2020-06-01", {"L1": 13, "L2": 11})], []),
    # no avid lesion: imaging after the I-131 is not asked for (only the uptake is)
    ("imaging-not-asked-without-avid", None, ("unknown", "unknown"),
     [scan("2014-03-01", {"L1": 13, "L2": 11})], ["lesions.rai_uptake"]),
    # without scans, rai_uptake yes is the avid lesion
    ("imaging-after-without-scans", None, ("yes", "yes"),
     [scan("2014-03-01", {"L1": 13, "L2": 11})], ["imaging_after_rai"]),
    # two at once, in order
    ("adequate-and-imaging", [_post("2014-04-06", {"L1": "yes"}),
                              _post("2015-04-12", {"L2": "no"}, tsh=1),
                              {"date": "2015-05-01", "kind": "diagnostic_i131", "findings": {}}],
     (None, None), [scan("2014-03-01", {"L1": 13, "L2": 11})],
     ["scans.adequate", "imaging_after_rai"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "scans", "uptake", "imaging", "missing"), MISSING, ids=[r[0] for r in MISSING]
)
def test_ata_missing_data(
    name: str,
    scans: list[dict[str, Any]] | None,
    uptake: tuple[str | None, str | None],
    imaging: list[dict[str, Any]] | None,
    missing: list[str],
) -> None:
    status, met, got = _ata(_case(scans, uptake=uptake, imaging=imaging))
    assert met == []
    assert got == missing
    assert status == ("indeterminate" if missing else "not_refractory")


def test_ata_missing_data_order_with_a_third_lesion() -> None:
    # lesions.rai_uptake first, then scans.adequate, then imaging_after_rai
    case = make_case(
        rai=RAI,
        lesions=[lesion("L1"), lesion("L2"), lesion("L3")],
        scans=[_post("2014-04-06", {"L1": "yes"}), _post("2015-04-12", {"L2": "no"}, tsh=1)],
        imaging=[scan("2014-03-01", {"L1": 13, "L2": 11, "L3": 12})],
    )
    assert _ata(case)[2] == ["lesions.rai_uptake", "scans.adequate", "imaging_after_rai"]


# ---------------------------------------------------------------------------------------
# tuthyref-2021 with scans (section 5.1)


def test_tuthyref_reads_the_latest_finding_counting_or_not() -> None:
    # "a lesion's `rai_uptake` defaults to its latest `yes`/`no` finding on any scan,
    # counting or not": L1 no on a TSH-5 scan -> DTC-NO-UPTAKE (I-131 given, metastatic)
    case = _case([_post("2015-04-12", {"L1": "no", "L2": "yes"}, tsh=5)])
    defs = _defs(case)
    assert defs["tuthyref-2021"]["criteria_met"] == ["DTC-NO-UPTAKE"]
    # ata-2015 ignores that scan: no counting finding -> scans.adequate missing
    assert defs["ata-2015"]["missing_data"] == ["scans.adequate"]


# ---------------------------------------------------------------------------------------
# NOTE-DEFINITIONS-DIFFER (section 5.3)


@pytest.mark.parametrize(
    ("case", "differs"),
    [
        # tuthyref not refractory (locoregional), ata refractory (non-avid node)
        (_case(None, uptake=("no", "no"), sites=("lymph_node_cervical_lateral", "thyroid_bed"),
               imaging=[]), True),
        # both refractory: no note
        (_case(None, uptake=("no", "yes")), False),
        # medullary: ata not_applicable is left out -> no note
        (_case(None, histology="medullary"), False),
    ],
)  # fmt: skip
def test_note_definitions_differ(case: dict[str, Any], differs: bool) -> None:
    out = run(case, "en")
    ids = rec_ids(out)
    assert ("NOTE-DEFINITIONS-DIFFER" in ids) is differs
    if differs:
        note = next(r for r in out["recommendations"] if r["id"] == "NOTE-DEFINITIONS-DIFFER")
        assert note["priority"] == "routine"
        assert note["sources"] == ["SEED", "ATA2015"]
        # names each verdict with its criteria, says the board decides
        assert "(tuthyref-2021): not refractory — no criterion met" in note["rationale"]
        assert "ata-2015): refractory — Lesion without iodine uptake" in note["rationale"]
        assert "(ATA2015-NON-AVID)" in note["rationale"]
        assert "board decides" in note["rationale"]


def test_tuthyref_keeps_a_lesions_own_uptake_when_no_scan_shows_it() -> None:
    # section 5.1: tuthyref-2021 reads each lesion's rai_uptake (from its latest finding
    # when absent or unknown); L1 `no` by itself, not on the scan: still DTC-NO-UPTAKE, and
    # nothing is missing about its uptake (ata-2015, which reads scans only, misses it)
    case = _case([_post("2014-04-06", {"L2": "yes"})], uptake=("no", None))
    defs = _defs(case)
    assert defs["tuthyref-2021"]["criteria_met"] == ["DTC-NO-UPTAKE"]
    assert defs["ata-2015"]["missing_data"] == ["lesions.rai_uptake"]
    evidence = defs["tuthyref-2021"]["evidence"][0]
    # clinical-rules.md section 1, DTC-NO-UPTAKE source column: "SEED ..., ATA2025"
    assert evidence["sources"] == ["SEED", "ATA2025"]


def test_options_follow_an_ata_primary_no_uptake_criterion() -> None:
    # "the options then follow it": lost uptake (R91 B) is of the no-uptake kind, so with
    # BRAF V600E, two lesions <= 30 mm and no symptoms, REDIFFERENTIATION is proposed when
    # ata-2015 is primary
    case = _case(
        [
            _post("2014-04-06", {"L1": "yes", "L2": "yes"}),
            _post("2015-04-12", {"L1": "no", "L2": "no"}),
        ]
    )
    case["molecular"] = [
        {"gene": "BRAF", "alteration": "V600E", "kind": "mutation", "origin": "somatic"}
    ]
    out = _run_with(case, definition="ata-2015")
    assert out["refractory"]["criteria_met"] == ["ATA2015-LOST-UPTAKE"]
    assert "REDIFFERENTIATION" in rec_ids(out)


def test_tuthyref_uptake_known_from_the_lesion_itself_with_scans() -> None:
    # the same reading when nothing holds: L1 `yes` by itself, L2 yes on the scan, imaging
    # 2015-10-01 within 12 months of the 2015-04-07 I-131 -> not refractory, nothing
    # missing under tuthyref-2021; ata-2015 (scans only) misses L1's uptake
    case = _case([_post("2014-04-06", {"L2": "yes"})], uptake=("yes", None))
    defs = _defs(case)
    assert (defs["tuthyref-2021"]["status"], defs["tuthyref-2021"]["missing_data"]) == (
        "not_refractory",
        [],
    )
    assert defs["ata-2015"]["missing_data"] == ["lesions.rai_uptake"]
