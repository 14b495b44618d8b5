"""What a tumour board decides for one case, and the meeting it was taken in.

A decision is options chosen among those the engine proposed (by id), and/or free text,
with the specialties present and a follow-up date. Decisions are append-only: an
amendment is a new decision whose ``amends`` names the previous one.

``load_decision`` reads the JSON form the CLI takes (``--decision FILE``)::

    {"meeting": {"kind": "national", "date": "2026-12-03"},
     "question": "Redifferentiation or surveillance?",
     "options": ["REDIFFERENTIATION"], "free_text": "...",
     "specialties": ["endocrinology", "nuclear_medicine", "medical_oncology"],
     "follow_up": "2027-03-01", "contact": "Endocrinology day unit, 04 00 00 00 00"}

Every problem is reported with its dotted path, all at once, nothing half-read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from thyref.domain.construct import SURROGATE
from thyref.domain.messages import day
from thyref.errors import CaseValidationError, Problem

MEETING_KINDS = ("regional", "national")
SPECIALTIES = (
    "endocrinology",
    "nuclear_medicine",
    "surgery",
    "thoracic_surgery",
    "medical_oncology",
    "radiotherapy",
    "radiology",
    "interventional_radiology",
    "pathology",
    "molecular_biology",
    "nursing",
    "other",
)
MIN_SPECIALTIES = 3  # a multidisciplinary board: at least three specialties present
MAX_TEXT = 2000


@dataclass(frozen=True, slots=True)
class Decision:
    """One decision record (a first decision or an amendment)."""

    options: tuple[str, ...] = ()
    free_text: str = ""
    specialties: tuple[str, ...] = ()
    follow_up: date | None = None
    meeting_kind: str = "regional"
    meeting_date: date | None = None
    question: str = ""
    contact: str = ""
    amends: int | None = None
    author: str = ""
    record_id: int | None = None
    warnings: tuple[str, ...] = field(default=())

    @property
    def quorum_ok(self) -> bool:
        return len(set(self.specialties)) >= MIN_SPECIALTIES


def quorum_warnings(specialties: Iterable[str]) -> tuple[str, ...]:
    """``("few_specialties",)`` when fewer than three specialties were present."""
    return () if len(set(specialties)) >= MIN_SPECIALTIES else ("few_specialties",)


def _date(value: object, path: str, problems: list[Problem]) -> date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        problems.append(Problem(path, "must be a date written YYYY-MM-DD", "board_date"))
        return None
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        problems.append(Problem(path, "must be a date written YYYY-MM-DD", "board_date"))
        return None
    if len(value) != 10 or parsed.year < 1900:
        problems.append(Problem(path, "must be a date written YYYY-MM-DD", "board_date"))
        return None
    return parsed


# control characters other than tab and line breaks, and the bidirectional embeddings,
# overrides and isolates (U+202A-U+202E, U+2066-U+2069) that reorder the text around them
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def hidden_character(value: str) -> str | None:
    """The first control character, bidirectional override or isolate of a board text
    (``U+202E``), else None: line breaks and tabs are allowed (see ``_text``)."""
    hidden = _CONTROL.search(value)
    return f"U+{ord(hidden.group()):04X}" if hidden else None


def _text(value: object, path: str, problems: list[Problem]) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        problems.append(Problem(path, "must be text", "board_text"))
        return ""
    lone = SURROGATE.search(value)
    if lone:  # JSON's "\ud800" escape: a text no PDF, page or database can hold
        code = f"U+{ord(lone.group()):04X}"
        problems.append(
            Problem(
                path,
                f"contains {code}, a lone half of a character (Unicode surrogate), "
                "which is not allowed",
                "lone_surrogate",
                (("character", code),),
            )
        )
        return ""
    hidden = hidden_character(value)
    if hidden:  # invisible in the letter, and a bidi override can reorder a phone number
        problems.append(
            Problem(
                path,
                f"contains {hidden}, an invisible control character, which is not allowed",
                "board_control",
                (("character", hidden),),
            )
        )
        return ""
    if len(value) > MAX_TEXT:
        problems.append(
            Problem(
                path,
                f"is longer than {MAX_TEXT} characters",
                "board_long",
                (("max", str(MAX_TEXT)),),
            )
        )
        return ""
    return value.strip()


def _shown(value: object) -> str:
    """A value as the JSON the user wrote (``null``, ``3``, ``"x"``), never Python's repr."""
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def _unknown(path: str, value: object) -> Problem:
    shown = _shown(value)
    return Problem(path, f"unknown value {shown}", "board_unknown", (("input", shown),))


def _not_proposed(path: str, value: str) -> Problem:
    shown = _shown(value)
    return Problem(
        path,
        f"{shown} is not among the options proposed for this case; "
        "write another decision in free_text",
        "board_not_proposed",
        (("input", shown),),
    )


def _ids(
    value: object,
    path: str,
    allowed: Sequence[str] | None,
    problems: list[Problem],
    *,
    proposal: bool = False,
) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.append(Problem(path, "must be a list", "board_list"))
        return ()
    out: list[str] = []
    for i, item in enumerate(value):
        if proposal and isinstance(item, str) and allowed is not None and item not in allowed:
            problems.append(_not_proposed(f"{path}[{i}]", item))
        elif not isinstance(item, str) or (allowed is not None and item not in allowed):
            problems.append(_unknown(f"{path}[{i}]", item))
        elif item not in out:
            out.append(item)
    return tuple(out)


def decision_from_json(
    data: Mapping[str, Any],
    *,
    proposed: Sequence[str] | None = None,
    today: date | None = None,
) -> Decision:
    """A ``Decision`` from its JSON form; ``proposed`` limits ``options`` to those ids.

    The follow-up cannot come before the meeting; with ``today``, the meeting cannot be
    after it (a board decides on its day, not before)."""
    problems: list[Problem] = []
    if not isinstance(data, Mapping):
        raise CaseValidationError([Problem("", "a decision must be a JSON object", "board_obj")])
    meeting = data.get("meeting")
    if meeting is None:
        meeting = {}
    elif not isinstance(meeting, Mapping):
        problems.append(Problem("meeting", "must be an object", "board_obj"))
        meeting = {}
    kind = meeting.get("kind", "regional")
    if kind not in MEETING_KINDS:
        problems.append(_unknown("meeting.kind", kind))
    decision = Decision(
        options=_ids(data.get("options"), "options", proposed, problems, proposal=True),
        free_text=_text(data.get("free_text"), "free_text", problems),
        specialties=_ids(data.get("specialties"), "specialties", SPECIALTIES, problems),
        follow_up=_date(data.get("follow_up"), "follow_up", problems),
        meeting_kind=str(kind) if kind in MEETING_KINDS else "regional",
        meeting_date=_date(meeting.get("date"), "meeting.date", problems),
        question=_text(data.get("question"), "question", problems),
        contact=_text(data.get("contact"), "contact", problems),
    )
    held = decision.meeting_date
    if held is not None and today is not None and held > today:
        problems.append(
            Problem(
                "meeting.date",
                f"is after today ({today.isoformat()}): a decision is recorded once the "
                "board has met",
                "board_future_meeting",
                (("today", day(today)),),  # said the reader's way (30/11/2026 in French)
            )
        )
    if held is not None and decision.follow_up is not None and decision.follow_up < held:
        problems.append(
            Problem(
                "follow_up",
                f"is before the meeting ({held.isoformat()})",
                "board_follow_up_before",
                (("meeting", day(held)),),
            )
        )
    if not decision.options and not decision.free_text and not problems:
        problems.append(
            Problem("options", "choose at least one option or write the decision", "board_empty")
        )
    if problems:
        raise CaseValidationError(problems)
    return replace(decision, warnings=quorum_warnings(decision.specialties))


def load_decision(
    raw: bytes | str, *, proposed: Sequence[str] | None = None, today: date | None = None
) -> Decision:
    """Parse a decision file; not-JSON gets a one-problem error, never a traceback."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise CaseValidationError([Problem("", f"not JSON: {exc}", "board_json")]) from None
    return decision_from_json(data, proposed=proposed, today=today)
