"""Strict ISO dates (case-format.md: every date is a calendar date ``YYYY-MM-DD``).

Written for the mutants of `thyref.domain.fields` the mutation run left alive
(docs/quality.md section 3): dates Python would read but the format forbids, raw dates
read before the structure check (``scans[]`` against ``rai[]``), the bounded cache of
dates already read and the 40-character cut of a bad value quoted in the message.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from thyref.errors import CaseValidationError

from .conftest import lesion, make_case


def _problems(case: dict[str, Any]) -> list[tuple[str, str]]:
    """(path, code) of every problem of ``case``; it must be rejected with a clear error."""
    from thyref.domain import parse_case

    with pytest.raises(CaseValidationError) as info:
        parse_case(case)
    return [(p.path, p.code) for p in info.value.problems]


@pytest.mark.parametrize(
    "text",
    [
        # an ISO 8601 week date: 10 characters, read by date.fromisoformat since 3.11
        "2020-W01-1",
        # the basic format with two letters after it: 10 characters, read by 3.11 too
        "20200101ab",
        # ISO 8601 basic format, 8 characters
        "20200101",
        # a date-time (case-format.md: no time)
        "2020-01-01T00:00",
        # slashes instead of hyphens, 10 characters
        "2020/01/01",
    ],
)
def test_a_date_not_written_yyyy_mm_dd_is_refused(text: str) -> None:
    case = make_case(rai=[{"date": text, "activity": 100, "unit": "mCi"}])
    assert _problems(case) == [("rai[0].date", "date_format")]


def test_a_long_bad_date_is_quoted_cut_to_forty_characters() -> None:
    from thyref.domain import parse_case

    bad = "x" * 60
    case = make_case(rai=[{"date": bad, "activity": 100, "unit": "mCi"}])
    with pytest.raises(CaseValidationError) as info:
        parse_case(case)
    (problem,) = info.value.problems
    # repr of the value ("'" then 59 x's), cut to its first 40 characters: "'" + 39 x's
    quoted = "'" + "x" * 39
    assert problem.message == (
        f"invalid date {quoted}: an ISO calendar date YYYY-MM-DD is expected"
    )


def _with_scan(rai_date: Any, scan: dict[str, Any]) -> dict[str, Any]:
    # one lesion, one I-131 administration and one scan: scans[] is checked against rai[]
    # from the raw JSON, before (and whatever) the structure check says
    return make_case(
        lesions=[lesion("L1", "lung")],
        rai=[{"date": rai_date, "activity": 100, "unit": "mCi"}],
        scans=[scan],
    )


POST = {"date": "2020-01-05", "kind": "post_therapy", "findings": {"L1": "yes"}}
# a diagnostic scan needs no administration behind it (only post-therapy scans do)
DIAGNOSTIC = {"date": "2020-01-05", "kind": "diagnostic_i123", "findings": {"L1": "yes"}}


@pytest.mark.parametrize(
    ("rai_date", "scan", "expected"),
    [
        # an I-131 date given as a number: one structure problem, no crash in the scan check
        (20200101, DIAGNOSTIC, [("rai[0].date", "date_format")]),
        # an I-131 date that is no calendar day (30 February): same, one clear problem
        ("2021-02-30", DIAGNOSTIC, [("rai[0].date", "date_format")]),
        # a scan's rai_date that is not a date: the structure problem only, not also "no
        # administration on that day" (the raw check skips what is not YYYY-MM-DD)
        (
            "2020-01-01",
            {**POST, "rai_date": "yesterday"},
            [("scans[0].rai_date", "date_format")],
        ),
        # a scan's rai_date given as a number: the structure problem only, no crash
        (
            "2020-01-01",
            {**POST, "rai_date": 20200101},
            [("scans[0].rai_date", "date_format")],
        ),
    ],
)
def test_raw_dates_beside_scans_give_one_clear_problem(
    rai_date: Any, scan: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    assert _problems(_with_scan(rai_date, scan)) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # the form YYYY-MM-DD, a real day
        ("2020-01-31", True),
        # the form YYYY-MM-DD, not a real day: is_iso checks the form only
        ("2020-02-30", True),
        # a number: not a date text (and no TypeError)
        (20200131, False),
        # None: not a date text
        (None, False),
        # a word of 10 characters
        ("yesterday!", False),
        # a week date of 10 characters
        ("2020-W01-1", False),
        # 8 digits, no hyphens
        ("20200131", False),
    ],
)
def test_is_iso_checks_the_written_form(value: Any, expected: bool) -> None:
    from thyref.domain.fields import is_iso

    assert is_iso(value) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 29 February of a leap year
        ("2020-02-29", True),
        # 29 February of a common year
        ("2021-02-29", False),
        # month 13
        ("2020-13-01", False),
        # day 0
        ("2020-01-00", False),
    ],
)
def test_valid_day_is_a_real_calendar_day(text: str, expected: bool) -> None:
    from thyref.domain.fields import valid_day

    assert valid_day(text) is expected


def test_a_day_already_read_is_taken_from_the_cache() -> None:
    from thyref.domain import fields

    fields._DAYS.clear()
    first = fields._iso_date("2019-03-04")
    assert first == date(2019, 3, 4)
    cached = dict(fields._DAYS)
    assert cached == {"2019-03-04": date(2019, 3, 4)}
    # read again: the very object kept the first time, not a new date
    assert fields._iso_date("2019-03-04") is first


def test_the_cache_of_days_never_holds_more_than_its_bound() -> None:
    from thyref.domain import fields

    fields._DAYS.clear()
    bound = fields._DAYS_MAX
    start = date(1900, 1, 1)
    # one more distinct day than the bound: the cache is emptied before it would overflow
    for offset in range(bound + 1):
        fields._iso_date((start + timedelta(days=offset)).isoformat())
        assert len(fields._DAYS) <= bound
    # the last day read is kept (the cache was emptied, then it was stored)
    last = start + timedelta(days=bound)
    cached = dict(fields._DAYS)
    assert cached == {last.isoformat(): last}
    fields._DAYS.clear()
