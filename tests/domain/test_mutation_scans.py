"""``scans.py`` pinned exactly (issue 15, mutation run): the latest finding per lesion, the
administration behind a post-therapy scan, each validation problem in full, and the scan
history of a parsed case.

Expected values come from case-format.md (``scans[]`` row and the paragraph after the
field table: "latest yes or no finding (by scan date; on one date, no outweighs yes)",
"the latest administration 0 to 14 days before it", "ids must be declared lesions"), the
14 days of ``[input] post_therapy_scan_link_days`` and the problem sentences of
messages.toml; never from the engine's output.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from thyref.domain.rules import load_rules
from thyref.domain.scans import latest_findings, link_administration, scan_problems
from thyref.errors import Problem

from .conftest import lesion, make_case

D = date.fromisoformat

# --------------------------------------------------------------------------------------
# latest_findings: per lesion (ISO date, finding, scan index) of its latest yes/no

A, B = "2014-04-06", "2015-04-12"  # two scan dates, A before B

LATEST = [
    # a yes, then a later no: the no, from scan 1
    ([(0, A, {"L1": "yes"}), (1, B, {"L1": "no"})], {"L1": (B, "no", 1)}),
    # listed latest first: still the later date (scan 0) wins
    ([(0, B, {"L1": "yes"}), (1, A, {"L1": "no"})], {"L1": (B, "yes", 0)}),
    # one date, yes listed first then no: no outweighs yes (scan 1)
    ([(0, A, {"L1": "yes"}), (1, A, {"L1": "no"})], {"L1": (A, "no", 1)}),
    # one date, no listed first then yes: the no stays (scan 0)
    ([(0, A, {"L1": "no"}), (1, A, {"L1": "yes"})], {"L1": (A, "no", 0)}),
    # one date, two yes: the first scan is kept
    ([(0, A, {"L1": "yes"}), (1, A, {"L1": "yes"})], {"L1": (A, "yes", 0)}),
    # one date, two no: the first scan is kept
    ([(3, A, {"L1": "no"}), (5, A, {"L1": "no"})], {"L1": (A, "no", 3)}),
    # equivocal and not_visualized decide nothing, even when later
    ([(0, A, {"L1": "yes"}), (1, B, {"L1": "equivocal", "L2": "not_visualized"})],
     {"L1": (A, "yes", 0)}),
    # only undecided findings: no entry at all
    ([(0, A, {"L1": "equivocal"}), (1, B, {"L2": "not_visualized"})], {}),
    # two lesions on one scan, each its own finding
    ([(2, A, {"L1": "no", "L2": "yes"})],
     {"L1": (A, "no", 2), "L2": (A, "yes", 2)}),
    # nothing given: nothing found
    ([], {}),
]  # fmt: skip


@pytest.mark.parametrize(("scans", "expected"), LATEST)
def test_latest_findings(
    scans: list[tuple[int, str, dict[str, str]]], expected: dict[str, tuple[str, str, int]]
) -> None:
    assert latest_findings(scans) == expected


# --------------------------------------------------------------------------------------
# link_administration: the latest administration 0 to `days` days before the scan

LINK = [
    # the same day: 0 days, linked (inclusive)
    ("2014-04-01", ["2014-04-01"], 14, "2014-04-01"),
    # 14 days after: linked (inclusive)
    ("2014-04-15", ["2014-04-01"], 14, "2014-04-01"),
    # 15 days after: not linked
    ("2014-04-16", ["2014-04-01"], 14, None),
    # the administration one day after the scan: not linked
    ("2014-03-31", ["2014-04-01"], 14, None),
    # two within the window, latest listed last: the latest
    ("2014-04-10", ["2014-04-01", "2014-04-05"], 14, "2014-04-05"),
    # two within the window, latest listed first: still the latest
    ("2014-04-10", ["2014-04-05", "2014-04-01"], 14, "2014-04-05"),
    # one outside (too old), one inside: the inside one, whatever the order
    ("2014-04-20", ["2014-04-10", "2014-03-01"], 14, "2014-04-10"),
    ("2014-04-20", ["2014-03-01", "2014-04-10"], 14, "2014-04-10"),
    # one after the scan (later, but not before it) and one inside: the inside one
    ("2014-04-20", ["2014-04-10", "2014-04-21"], 14, "2014-04-10"),
    # another window: 3 days, 4 days after is out
    ("2014-04-05", ["2014-04-01"], 3, None),
    ("2014-04-04", ["2014-04-01"], 3, "2014-04-01"),
    # no administration at all
    ("2014-04-04", [], 14, None),
]


@pytest.mark.parametrize(("day", "given", "days", "expected"), LINK)
def test_link_administration(day: str, given: list[str], days: int, expected: str | None) -> None:
    found = link_administration(D(day), [D(g) for g in given], days)
    assert found == (None if expected is None else D(expected))


# --------------------------------------------------------------------------------------
# scan_problems: every problem in full (path, English message, code, parameters)

RAI = [{"date": "2014-04-01", "activity": 100, "unit": "mCi"}]


def _problems(
    scans: Any, lesions: list[dict[str, Any]] | None = None, rai: Any = None
) -> list[Problem]:
    obj: dict[str, Any] = {"scans": scans, "rai": RAI if rai is None else rai}
    obj["lesions"] = lesions if lesions is not None else [{"id": "L1"}, {"id": "L2"}]
    declared = {
        item["id"]: i for i, item in enumerate(obj["lesions"]) if isinstance(item.get("id"), str)
    }
    return scan_problems(obj, declared, load_rules())


def _post(day: Any, findings: Any = None, **extra: Any) -> dict[str, Any]:
    out = {"date": day, "kind": "post_therapy", **extra}
    if findings is not None:
        out["findings"] = findings
    return out


def _without_rai(i: int, day: str) -> Problem:
    # problem.scan_without_rai, with the 14 days of the rules file
    return Problem(
        f"scans[{i}].rai_date",
        f"post-therapy scan on {day} with no I-131 administration 0 to 14 days before it in "
        "rai (give rai_date)",
        "scan_without_rai",
        (("date", day), ("days", "14")),
    )


PROBLEMS = [
    # no scans key, an empty list, not a list: nothing to check
    (None, None, []),
    ([], None, []),
    ("scans", None, []),
    # an undeclared lesion in the findings of a diagnostic scan
    ([{"date": "2014-04-06", "kind": "diagnostic_i123", "findings": {"Z9": "yes"}}], None,
     [Problem("scans[0].findings.Z9", "lesion 'Z9' is not declared in lesions", "undeclared_lesion",
              (("id", "Z9"),))]),
    # two undeclared lesions of the second scan, in their order, then a declared one (silent)
    ([{"date": "2014-04-06", "kind": "diagnostic_i123"},
      {"date": "2014-04-07", "kind": "diagnostic_i123",
       "findings": {"Z1": "no", "Z2": "yes", "L1": "no"}}], None,
     [Problem("scans[1].findings.Z1", "lesion 'Z1' is not declared in lesions", "undeclared_lesion",
              (("id", "Z1"),)),
      Problem("scans[1].findings.Z2", "lesion 'Z2' is not declared in lesions", "undeclared_lesion",
              (("id", "Z2"),))]),
    # a diagnostic scan needs no administration
    ([{"date": "2013-01-01", "kind": "diagnostic_i131", "findings": {"L1": "yes"}}], None, []),
    # post-therapy, 5 days after the administration: linked, fine
    ([_post("2014-04-06", {"L1": "yes"})], None, []),
    # post-therapy 15 days after: no administration 0 to 14 days before it
    ([_post("2014-04-16", {"L1": "yes"})], None, [_without_rai(0, "2014-04-16")]),
    # the first scan fine, the second one without an administration: the second is named
    ([_post("2014-04-06"), _post("2016-01-01")], None, [_without_rai(1, "2016-01-01")]),
    # post-therapy without findings and an undeclared lesion too: the finding first
    ([_post("2016-01-01", {"Q1": "no"})], None,
     [Problem("scans[0].findings.Q1", "lesion 'Q1' is not declared in lesions", "undeclared_lesion",
              (("id", "Q1"),)), _without_rai(0, "2016-01-01")]),
    # rai_date naming no administration
    ([_post("2014-04-06", rai_date="2014-04-02")], None,
     [Problem("scans[0].rai_date", "no I-131 administration on 2014-04-02 in rai",
              "scan_rai_unknown", (("date", "2014-04-02"),))]),
    # rai_date after the scan: a post-therapy scan cannot follow a later administration
    ([_post("2014-03-20", rai_date="2014-04-01")], None,
     [Problem("scans[0].rai_date",
              "a post-therapy scan on 2014-03-20 cannot follow an administration on 2014-04-01",
              "scan_before_rai", (("date", "2014-03-20"), ("rai_date", "2014-04-01")))]),
    # rai_date on the day of the scan: allowed (0 days)
    ([_post("2014-04-01", rai_date="2014-04-01")], None, []),
    # rai_date long before the scan but given: allowed (the window only links unnamed scans)
    ([_post("2015-04-01", rai_date="2014-04-01")], None, []),
    # rai_date not an ISO date: left to the structure check, and the next scan still checked
    ([_post("2014-04-06", rai_date="2014/04/01"), _post("2016-01-01")], None,
     [_without_rai(1, "2016-01-01")]),
    # a scan date that is not an ISO date, or not a calendar day: left to the structure check
    ([_post("2014/04/20"), _post("2014-02-30"), _post("2016-01-01")], None,
     [_without_rai(2, "2016-01-01")]),
    # a diagnostic scan with a bad rai_date: only post-therapy scans are linked
    ([{"date": "2014-04-06", "kind": "diagnostic_i131", "rai_date": "2013-01-01"}], None, []),
    # findings that are not an object: nothing read from them
    ([{"date": "2014-04-06", "kind": "diagnostic_i131", "findings": ["Z9"]}], None, []),
]  # fmt: skip


@pytest.mark.parametrize(("scans", "lesions", "expected"), PROBLEMS)
def test_scan_problems(scans: Any, lesions: Any, expected: list[Problem]) -> None:
    assert _problems(scans, lesions) == expected


RAI_EDGES = [
    # an administration whose date is not ISO is not one to link to
    ([{"date": "2014/04/01"}], [_without_rai(0, "2014-04-06")]),
    # nor one on a day that does not exist
    ([{"date": "2014-02-30"}], [_without_rai(0, "2014-04-06")]),
    # a valid one next to an invalid one: linked
    ([{"date": "2014-02-30"}, {"date": "2014-04-01"}], []),
    # rai given as something else than a list: no administration
    ({"date": "2014-04-01"}, [_without_rai(0, "2014-04-06")]),
]


@pytest.mark.parametrize(("rai", "expected"), RAI_EDGES)
def test_scan_problems_read_only_real_administrations(rai: Any, expected: list[Problem]) -> None:
    assert _problems([_post("2014-04-06")], rai=rai) == expected


def test_named_rai_date_on_a_day_that_does_not_exist_is_known_but_not_linked() -> None:
    # rai[0].date "2014-02-30" is reported by the structure check; the scan naming it is
    # not told a second time that no administration has that date
    assert (
        _problems([_post("2014-04-06", rai_date="2014-02-30")], rai=[{"date": "2014-02-30"}]) == []
    )


def _contradiction(j: int, given: str, finding: str, index: int, lid: str, day: str) -> Problem:
    where = f"scans[{index}].findings.{lid}"
    return Problem(
        f"lesions[{j}].rai_uptake",
        f"'{given}' contradicts the latest scan finding '{finding}' ({where}, {day})",
        "uptake_contradiction",
        (("given", given), ("finding", finding), ("where", where), ("date", day)),
    )


CONTRADICTIONS = [
    # L1 says yes, its latest finding (scan 1) is no
    ([{"id": "L1", "rai_uptake": "yes"}],
     [_post("2014-04-06", {"L1": "yes"}), _post("2014-04-10", {"L1": "no"})],
     [_contradiction(0, "yes", "no", 1, "L1", "2014-04-10")]),
    # the second lesion says no, its only finding is yes: lesions[1] is named
    ([{"id": "L1"}, {"id": "L2", "rai_uptake": "no"}],
     [_post("2014-04-06", {"L2": "yes"})],
     [_contradiction(1, "no", "yes", 0, "L2", "2014-04-06")]),
    # agreeing with the latest finding, an earlier one differing: no problem
    ([{"id": "L1", "rai_uptake": "no"}],
     [_post("2014-04-06", {"L1": "yes"}), _post("2014-04-10", {"L1": "no"})], []),
    # unknown (or absent) uptake takes the finding: never a contradiction
    ([{"id": "L1", "rai_uptake": "unknown"}, {"id": "L2"}],
     [_post("2014-04-06", {"L1": "no", "L2": "no"})], []),
    # no yes/no finding for the lesion: nothing to contradict
    ([{"id": "L1", "rai_uptake": "yes"}], [_post("2014-04-06", {"L1": "equivocal"})], []),
    # the finding's scan has no usable date: not a latest finding
    ([{"id": "L1", "rai_uptake": "yes"}],
     [{"date": "2014/04/06", "kind": "diagnostic_i131", "findings": {"L1": "no"}}], []),
    # a lesion without a string id is left to the structure check (the other is still read)
    ([{"id": 7, "rai_uptake": "yes"}, {"id": "L1", "rai_uptake": "yes"}],
     [_post("2014-04-06", {"L1": "no"})],
     [_contradiction(1, "yes", "no", 0, "L1", "2014-04-06")]),
]  # fmt: skip


@pytest.mark.parametrize(("lesions", "scans", "expected"), CONTRADICTIONS)
def test_uptake_contradictions(lesions: Any, scans: Any, expected: list[Problem]) -> None:
    assert _problems(scans, lesions) == expected


# --------------------------------------------------------------------------------------
# with_scans, through parse_case: scans in date order, each linked administration, and
# the uptake lesions take


def _parsed(scans: list[dict[str, Any]], lesions: list[dict[str, Any]]) -> Any:
    from thyref.domain import parse_case

    rai = [
        {"date": "2014-04-01", "activity": 100, "unit": "mCi"},
        {"date": "2014-04-05", "activity": 100, "unit": "mCi"},
        {"date": "2016-01-01", "activity": 150, "unit": "mCi"},
    ]
    return parse_case(make_case(rai=rai, lesions=lesions, scans=scans))


def test_scan_history_is_in_date_order_with_each_administration() -> None:
    scans = [
        # scan 0: post-therapy 2016-01-06, linked to 2016-01-01 (5 days)
        _post("2016-01-06", {"L1": "no"}),
        # scan 1: diagnostic 2013-06-01: no administration
        {"date": "2013-06-01", "kind": "diagnostic_i123", "findings": {"L1": "yes"}},
        # scan 2: post-therapy 2014-04-10 without rai_date: the latest of 04-01 and 04-05
        _post("2014-04-10", {"L2": "yes"}),
        # scan 3: post-therapy 2014-04-20 naming 2014-04-01 (outside the 14 days, but named)
        _post("2014-04-20", {}, rai_date="2014-04-01"),
    ]
    history = _parsed(scans, [lesion("L1"), lesion("L2")]).scan_history
    assert [(r.index, r.scan.date, r.rai_date) for r in history] == [
        (1, D("2013-06-01"), None),
        (2, D("2014-04-10"), D("2014-04-05")),
        (3, D("2014-04-20"), D("2014-04-01")),
        (0, D("2016-01-06"), D("2016-01-01")),
    ]


def test_named_rai_date_wins_over_the_window() -> None:
    # 2014-04-10 would link 2014-04-05 (latest within 14 days); rai_date names 2014-04-01
    history = _parsed([_post("2014-04-10", {}, rai_date="2014-04-01")], [lesion("L1")]).scan_history
    assert [r.rai_date for r in history] == [D("2014-04-01")]


@pytest.mark.parametrize(
    ("own", "expected"),
    [
        # absent: takes the latest finding (no, on 2016-01-06)
        (None, {"L1": "no", "L2": "yes", "L3": "unknown"}),
        # unknown: replaced the same way
        ("unknown", {"L1": "no", "L2": "yes", "L3": "unknown"}),
        # the lesion's own value agreeing with the latest finding: kept
        ("no", {"L1": "no", "L2": "yes", "L3": "unknown"}),
    ],
)
def test_lesions_take_their_latest_finding(own: str | None, expected: dict[str, str]) -> None:
    scans = [
        # L1 yes then no (latest no); L2 yes; L3 only equivocal: stays unknown
        {
            "date": "2013-06-01",
            "kind": "diagnostic_i123",
            "findings": {"L1": "yes", "L3": "equivocal"},
        },
        _post("2016-01-06", {"L1": "no", "L2": "yes"}),
    ]
    first = lesion("L1") if own is None else lesion("L1", uptake=own)
    lesions = [first, lesion("L2", "bone"), lesion("L3", "liver")]
    parsed = _parsed(scans, lesions)
    assert {item.id: item.rai_uptake for item in parsed.raw.lesions} == expected
    # the other fields of each lesion are kept (only rai_uptake is updated)
    assert [(item.id, item.site.value) for item in parsed.raw.lesions] == [
        ("L1", "lung"),
        ("L2", "bone"),
        ("L3", "liver"),
    ]


@pytest.mark.parametrize(
    ("case", "uptake"),
    [
        # no scans: the lesions' own values, absent read as unknown
        (
            {"lesions": [{"id": "L1", "rai_uptake": "yes"}, {"id": "L2"}]},
            {"L1": "yes", "L2": "unknown"},
        ),
        # unknown or absent takes the latest yes/no finding (by date, not list order);
        # equivocal decides nothing; a given yes/no is kept
        (
            {
                "lesions": [
                    {"id": "L1", "rai_uptake": "unknown"},
                    {"id": "L2"},
                    {"id": "L3", "rai_uptake": "yes"},
                    {"id": "L4"},
                ],
                "scans": [
                    {"date": "2021-01-01", "findings": {"L1": "yes", "L2": "equivocal"}},
                    {"date": "2020-01-01", "findings": {"L1": "no", "L2": "yes", "L3": "no"}},
                ],
            },
            # L1: "yes" in 2021 is later than "no" in 2020 (on one date "no" would win)
            {"L1": "yes", "L2": "yes", "L3": "yes", "L4": "unknown"},
        ),
        # entries that are not lesions with a text id are left out, the others still read
        (
            {"lesions": [{"id": 3}, "L9", {"site": "lung"}, {"id": "L1"}], "scans": ["x"]},
            {"L1": "unknown"},
        ),
    ],
)
def test_uptake_by_lesion(case: dict[str, Any], uptake: dict[str, str]) -> None:
    from thyref.domain.scans import uptake_by_lesion

    assert uptake_by_lesion(case) == uptake


# --------------------------------------------------------------------------------------
# with_scans: scans of one day in an order of their own, whatever the order given.
# case-format.md: ``scans[]`` come "in any order", and ``findings`` maps a lesion id to
# its finding (a mapping: the order of its keys says nothing either). So neither the order
# of the scans nor the order of a scan's findings may change the history's order, nor the
# ATA2015-MIXED-UPTAKE evidence read from it (the first counting scan with yes and no).


def _day(findings: dict[str, str], kind: str = "diagnostic_i131") -> dict[str, Any]:
    return {"date": "2020-02-01", "kind": kind, "findings": findings}


def _variants(scans: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The scans as given, reversed, and each with its findings' keys reversed."""
    flipped = [{**s, "findings": dict(reversed(list(s["findings"].items())))} for s in scans]
    return [scans, scans[::-1], flipped, flipped[::-1]]


SAME_DAY = [
    # two mixed scans, lesion ids spread so that the first key of a findings written in
    # another order sorts the other way (A..D on one side, B..C on the other)
    [_day({"A": "yes", "D": "no"}), _day({"B": "no", "C": "yes"})],
    # the same, the cold lesion first in the first scan
    [_day({"D": "no", "A": "yes"}), _day({"C": "yes", "B": "no"})],
    # three scans of one day, two kinds: only their content may order them
    [_day({"A": "no", "C": "yes"}), _day({"B": "yes", "D": "no"}, "diagnostic_i123"),
     _day({"B": "no", "A": "yes"})],
]  # fmt: skip


@pytest.mark.parametrize("scans", SAME_DAY)
def test_scans_of_one_day_follow_neither_the_list_nor_the_findings_order(
    scans: list[dict[str, Any]],
) -> None:
    from .conftest import run

    lesions = [lesion("A"), lesion("B"), lesion("C", "bone"), lesion("D", "bone")]
    histories = []
    outputs = []
    for variant in _variants(scans):
        history = _parsed(variant, lesions).scan_history
        histories.append([(r.scan.kind, sorted(r.scan.findings.items())) for r in history])
        outputs.append(run(make_case(lesions=lesions, scans=variant)))
    assert all(h == histories[0] for h in histories), histories
    assert all(o == outputs[0] for o in outputs)
