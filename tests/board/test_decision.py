"""Reading a decision: every problem named by its path, all at once, nothing half-read."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from thyref.board.decision import (
    decision_from_json,
    hidden_character,
    load_decision,
    quorum_warnings,
)
from thyref.errors import CaseValidationError

PROPOSED = ["REDIFFERENTIATION", "TSH-SUPPRESSION"]


@pytest.mark.parametrize(
    ("data", "paths"),
    [
        # an option the engine did not propose
        ({"options": ["SYSTEMIC-THERAPY"]}, ["options[0]"]),
        # neither an option nor words: the decision says nothing
        ({"options": [], "free_text": "  "}, ["options"]),
        # a follow-up that is not a calendar date, and a timestamp for the meeting
        (
            {"options": ["TSH-SUPPRESSION"], "follow_up": "2027-02-30",
             "meeting": {"date": "2026-12-03T10:00"}},
            ["follow_up", "meeting.date"],
        ),
        # an unknown meeting kind and an unknown specialty
        (
            {"free_text": "x", "meeting": {"kind": "global"}, "specialties": ["oncology", 3]},
            ["meeting.kind", "specialties[0]", "specialties[1]"],
        ),
        # options given as a string rather than a list
        ({"options": "TSH-SUPPRESSION"}, ["options"]),
        # a meeting that is a list, not an object (an empty one too): not silently dropped
        ({"free_text": "x", "meeting": []}, ["meeting"]),
        # a lone surrogate (JSON "\\ud800") cannot be printed in the letter's PDF
        ({"free_text": "a \ud800 b", "contact": "\udfff"}, ["free_text", "contact"]),
        # invisible control characters: a right-to-left override that would show the
        # contact's phone number reversed in the letter, a NUL, an escape
        (
            {"free_text": "x", "contact": "Tel \u202e00 00 40", "question": "a\x00b"},
            ["contact", "question"],
        ),
        ({"free_text": "see \x1b[31m", "contact": "\u2066x\u2069"}, ["free_text", "contact"]),
        # a follow-up before the meeting it follows
        (
            {"free_text": "x", "meeting": {"date": "2026-12-03"}, "follow_up": "2026-12-02"},
            ["follow_up"],
        ),
    ],
)  # fmt: skip
def test_bad_decisions_name_every_field(data: dict[str, Any], paths: list[str]) -> None:
    with pytest.raises(CaseValidationError) as caught:
        decision_from_json(data, proposed=PROPOSED)
    assert sorted(p.path for p in caught.value.problems) == sorted(paths)


def test_an_option_the_engine_did_not_list_is_named_as_such() -> None:
    """The board may decide what the engine did not list, in its own words: the problem
    says the option was not proposed for this case (not "unknown") and where to write it."""
    with pytest.raises(CaseValidationError) as caught:
        decision_from_json({"options": ["SYSTEMIC-THERAPY", None]}, proposed=PROPOSED)
    first, second = caught.value.problems
    assert (first.path, first.code) == ("options[0]", "board_not_proposed")
    assert "free_text" in first.message and "SYSTEMIC-THERAPY" in first.message
    # a value that is not an id at all is unknown, written as JSON (null), not Python (None)
    assert (second.path, second.code) == ("options[1]", "board_unknown")
    assert "null" in second.message and "None" not in second.message


@pytest.mark.parametrize(
    ("meeting_date", "refused"),
    [
        ("2026-11-28", False),  # the day before "today": a meeting that took place
        ("2026-11-29", False),  # today: the board decides on its day
        ("2026-11-30", True),  # tomorrow: no board has decided yet
    ],
)
def test_a_decision_cannot_come_from_a_meeting_still_to_come(
    meeting_date: str, refused: bool
) -> None:
    data = {"free_text": "x", "meeting": {"date": meeting_date}}
    if not refused:
        decision_from_json(data, today=date(2026, 11, 29))
        return
    with pytest.raises(CaseValidationError) as caught:
        decision_from_json(data, today=date(2026, 11, 29))
    assert [p.path for p in caught.value.problems] == ["meeting.date"]


def test_not_json_is_one_clear_problem() -> None:
    with pytest.raises(CaseValidationError) as caught:
        load_decision(b"{oops")
    assert len(caught.value.problems) == 1
    assert "not JSON" in caught.value.problems[0].message


def test_a_good_decision_reads_whole() -> None:
    d = load_decision(
        b'{"meeting": {"kind": "national", "date": "2026-12-03"}, "question": " Q? ",'
        b' "options": ["REDIFFERENTIATION", "REDIFFERENTIATION"], "free_text": "ok",'
        b' "specialties": ["endocrinology", "nuclear_medicine", "radiology"],'
        b' "follow_up": "2027-03-01", "contact": "Day unit"}',
        proposed=PROPOSED,
    )
    assert d.options == ("REDIFFERENTIATION",)  # a repeated option counts once
    assert (d.meeting_kind, d.meeting_date, d.follow_up) == (
        "national", date(2026, 12, 3), date(2027, 3, 1),
    )  # fmt: skip
    assert d.question == "Q?" and d.contact == "Day unit"
    assert d.quorum_ok and d.warnings == ()


@pytest.mark.parametrize(
    ("specialties", "warned"),
    [
        ([], True),  # nobody recorded
        (["endocrinology", "endocrinology", "surgery"], True),  # two distinct specialties
        (["endocrinology", "surgery", "radiology"], False),  # three: a real board
    ],
)
def test_fewer_than_three_specialties_is_warned(specialties: list[str], warned: bool) -> None:
    assert bool(quorum_warnings(specialties)) is warned


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        # line breaks and tabs are ordinary text in a decision
        ("first line\nsecond line", True),
        ("a\tb", True),
        # accents, an apostrophe, a no-break space: ordinary text
        ("Hôpital de jour d'endocrinologie,\u00a004 00 00 00 00", True),
        # a bidi isolate and a C1 control: refused
        ("x\u2067y", False),
        ("x\x85y", False),
    ],
)
def test_which_characters_a_decision_text_may_hold(value: str, kept: bool) -> None:
    data = {"free_text": value}
    if kept:
        assert decision_from_json(data, proposed=PROPOSED).free_text == value.strip()
    else:
        with pytest.raises(CaseValidationError) as caught:
            decision_from_json(data, proposed=PROPOSED)
        assert [p.code for p in caught.value.problems] == ["board_control"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ligne\nsuivante\tcolonne", None),  # line breaks and tabs are allowed (board.md)
        ("avant\x00après", "U+0000"),  # NUL, a C0 control
        ("tél. 06\u202e12345678", "U+202E"),  # right-to-left override: U+202A-U+202E
        ("x\u2066y", "U+2066"),  # left-to-right isolate: U+2066-U+2069
        ("x\x85y", "U+0085"),  # NEL, a C1 control
    ],
)
def test_hidden_character_names_the_first_refused_one(text: str, expected: str | None) -> None:
    assert hidden_character(text) == expected
