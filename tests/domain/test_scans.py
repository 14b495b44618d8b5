"""``scans[]`` in the case (case-format.md, the ``scans[]`` row and the paragraph after the
field table): validation, the administration behind a post-therapy scan, and the
``rai_uptake`` a lesion takes from its latest finding."""

from __future__ import annotations

from typing import Any

import pytest

from thyref.errors import CaseValidationError

from .conftest import lesion, make_case, rai

RAI = [rai("2014-04-01", 100), rai("2015-04-07", 150)]


def _case(scans: list[dict[str, Any]], **lesion_fields: Any) -> dict[str, Any]:
    return make_case(
        rai=RAI,
        lesions=[lesion("L1", "lung", **lesion_fields), lesion("L2", "lung")],
        scans=scans,
    )


def _post(day: str, findings: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {"date": day, "kind": "post_therapy", "findings": findings, **extra}


def _problems(case: dict[str, Any]) -> dict[str, str]:
    from thyref.domain import parse_case

    with pytest.raises(CaseValidationError) as info:
        parse_case(case)
    return {p.path: p.message for p in info.value.problems}


def _uptake(case: dict[str, Any]) -> dict[str, str]:
    from thyref.domain import parse_case

    return {item.id: item.rai_uptake for item in parse_case(case).raw.lesions}


INVALID = [
    # "ids must be declared lesions"
    ([_post("2014-04-06", {"Z9": "yes"})], "scans[0].findings.Z9"),
    # `kind` is required and from the vocabulary
    ([{"date": "2014-04-06", "findings": {}}], "scans[0].kind"),
    ([{"date": "2014-04-06", "kind": "pet_ct"}], "scans[0].kind"),
    # `date` is required, an ISO calendar date, not in the future
    ([{"kind": "diagnostic_i131"}], "scans[0].date"),
    ([{"date": "2014-04-06T10:00", "kind": "diagnostic_i131"}], "scans[0].date"),
    ([{"date": "2999-01-01", "kind": "diagnostic_i131"}], "scans[0].date"),
    # a finding outside yes / no / equivocal / not_visualized
    ([_post("2014-04-06", {"L1": "maybe"})], "scans[0].findings.L1"),
    # preparation and contamination vocabularies
    ([_post("2014-04-06", {}, preparation="thyrogen")], "scans[0].preparation"),
    ([_post("2014-04-06", {}, iodine_contamination="yes")], "scans[0].iodine_contamination"),
    # TSH: a number >= 0, finite
    ([_post("2014-04-06", {}, tsh=-1)], "scans[0].tsh"),
    ([_post("2014-04-06", {}, tsh=float("inf"))], "scans[0].tsh"),
    # "a post-therapy scan with none [administration 0 to 14 days before] is an error":
    # 2014-04-16 is 15 days after 2014-04-01
    ([_post("2014-04-16", {"L1": "yes"})], "scans[0].rai_date"),
    # before any administration
    ([_post("2014-03-30", {"L1": "yes"})], "scans[0].rai_date"),
    # rai_date naming no administration
    ([_post("2014-04-06", {}, rai_date="2014-04-02")], "scans[0].rai_date"),
    # rai_date after the scan (a post-therapy scan follows its administration)
    ([_post("2014-04-06", {}, rai_date="2015-04-07")], "scans[0].rai_date"),
]


@pytest.mark.parametrize(("scans", "path"), INVALID)
def test_invalid_scans_are_rejected_at_their_path(scans: list[dict[str, Any]], path: str) -> None:
    assert path in _problems(_case(scans))


@pytest.mark.parametrize(
    "day",
    [
        "2014-04-01",  # 0 days after the administration: linked (inclusive)
        "2014-04-15",  # 14 days after: linked (inclusive)
    ],
)
def test_post_therapy_scan_within_14_days_is_linked(day: str) -> None:
    assert _uptake(_case([_post(day, {"L1": "no"})]))["L1"] == "no"


def test_diagnostic_scan_needs_no_administration() -> None:
    scans = [{"date": "2013-01-10", "kind": "diagnostic_i123", "findings": {"L1": "yes"}}]
    assert _uptake(make_case(lesions=[lesion("L1")], scans=scans))["L1"] == "yes"


def test_explicit_rai_date_links_a_late_scan() -> None:
    # 30 days after its administration, but named by rai_date: valid
    assert _uptake(_case([_post("2014-05-01", {"L1": "yes"}, rai_date="2014-04-01")]))["L1"]


DERIVED = [
    # (scans, L1's own rai_uptake or None, expected L1 uptake) - "a lesion whose
    # `rai_uptake` is absent or `unknown` takes its latest `yes` or `no` finding (by scan
    # date; on one date, `no` outweighs `yes`)"
    # latest by date, whatever the list order
    ([_post("2015-04-12", {"L1": "no"}), _post("2014-04-06", {"L1": "yes"})], None, "no"),
    ([_post("2014-04-06", {"L1": "no"}), _post("2015-04-12", {"L1": "yes"})], None, "yes"),
    # equivocal / not visualized findings decide nothing: the earlier `yes` stands
    ([_post("2014-04-06", {"L1": "yes"}), _post("2015-04-12", {"L1": "equivocal"})], None, "yes"),
    ([_post("2014-04-06", {"L1": "no"}), _post("2015-04-12", {"L1": "not_visualized"})], None,
     "no"),
    # same date, yes and no on two scans: `no` outweighs `yes`
    ([_post("2014-04-06", {"L1": "yes"}),
      {"date": "2014-04-06", "kind": "diagnostic_i131", "findings": {"L1": "no"}}], None, "no"),
    # an explicit `unknown` is replaced too
    ([_post("2014-04-06", {"L1": "yes"})], "unknown", "yes"),
    # a finding on a scan that would not count for ata-2015 (TSH 5) still derives it
    ([_post("2014-04-06", {"L1": "no"}, tsh=5)], None, "no"),
    # no finding for the lesion: stays unknown
    ([_post("2014-04-06", {"L2": "yes"})], None, "unknown"),
    # the lesion's own value agreeing with the latest finding is kept
    ([_post("2014-04-06", {"L1": "yes"})], "yes", "yes"),
]  # fmt: skip


@pytest.mark.parametrize(("scans", "own", "expected"), DERIVED)
def test_rai_uptake_is_derived_from_the_latest_finding(
    scans: list[dict[str, Any]], own: str | None, expected: str
) -> None:
    fields = {} if own is None else {"uptake": own}
    assert _uptake(_case(scans, **fields))["L1"] == expected


def test_contradiction_names_both_paths() -> None:
    # "a lesion whose `rai_uptake` is `yes` or `no` and differs from that latest finding
    # is an error naming both paths (`lesions[0].rai_uptake`, `scans[1].findings.P1`)"
    scans = [_post("2014-04-06", {"L1": "yes"}), _post("2015-04-12", {"L1": "no"})]
    problems = _problems(_case(scans, uptake="yes"))
    assert "lesions[0].rai_uptake" in problems
    assert "scans[1].findings.L1" in problems["lesions[0].rai_uptake"]


def test_contradiction_with_an_earlier_finding_only_is_not_an_error() -> None:
    # only the latest finding matters: `no` given, latest `no`, an earlier `yes`
    scans = [_post("2014-04-06", {"L1": "yes"}), _post("2015-04-12", {"L1": "no"})]
    assert _uptake(_case(scans, uptake="no"))["L1"] == "no"


def test_empty_scans_change_nothing() -> None:
    # "An empty `scans` list is treated as absent"
    from thyref.domain import parse_case

    case = parse_case(_case([]))
    assert not case.has_scans


def test_scan_problems_are_said_in_both_languages() -> None:
    from thyref.domain import parse_case
    from thyref.domain.messages import problem_text

    with pytest.raises(CaseValidationError) as info:
        parse_case(_case([_post("2014-04-16", {"L1": "yes"})]))
    problem = info.value.problems[0]
    assert problem_text(problem, "fr").startswith("scintigraphie post-thérapeutique du 2014-04-16")
    assert problem_text(problem, "en").startswith("post-therapy scan on 2014-04-16")
