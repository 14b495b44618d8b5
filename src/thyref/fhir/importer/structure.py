"""The R4 structure check (``fhir.resources.R4B``), once per resource content, with the
date-times near R4's spelling that are read on their written day.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from typing import Any

import orjson
from pydantic import ValidationError

from thyref.domain.case import (
    validator_params,
)
from thyref.fhir.importer.values import Json, _clip
from thyref.fhir.unused import Unused

_Why = tuple[Unused, tuple[tuple[str, str], ...]]
# (element path, value as sent, its R4 spelling, the note's code) of each dateTime or
# instant whose day and time are plain but not written as R4 writes them
_Times = tuple[tuple[str, str, str, Unused], ...]

# A dateTime near R4's, its day and time plain: without a time zone (R4 requires one when
# a time is given), an offset without its colon (ISO 8601's basic "+0100", as some systems
# write it) or of hours alone ("+01"), a lower-case "z" (RFC 3339 allows it), a space for
# the "T" (RFC 3339 too), or hours and minutes without seconds. The day thyref reads is
# the calendar day as written, as for a valid offset (2024-03-01T23:30:00-05:00 is
# 2024-03-01, the day of the place the time was written in, not UTC's 2024-03-02): the
# offset, however written, never moves it. Hours 00-23 only: 24:00 is refused
# (``_END_OF_DAY``), as is an offset past R4's -14:00..+14:00 or with minutes over 59.
_NEAR_R4 = re.compile(
    r"(?P<day>[0-9]{4}-[0-9]{2}-[0-9]{2})[T ](?P<hm>(?:[01][0-9]|2[0-3]):[0-5][0-9])"
    r"(?P<sec>:(?:[0-5][0-9]|60)(?:\.[0-9]+)?)?"
    r"(?P<zone>[Zz]|[+-](?P<hh>[0-9]{2})(?::?(?P<mm>[0-9]{2}))?)?"
)
# ISO 8601's 24:00, the end of a day: the same instant as the next day's 00:00, so the
# calendar day of the result (the written one, or the next) cannot be told
_END_OF_DAY = re.compile(
    r"(?P<day>[0-9]{4}-[0-9]{2}-[0-9]{2})[T ]24:00(?::00(?:\.0+)?)?"
    r"(?:[Zz]|[+-][0-9]{2}(?::?[0-9]{2})?)?"
)


def _r4_spelling(value: str) -> tuple[str, Unused] | None:
    """The R4 spelling of a dateTime near R4's (``_NEAR_R4``), for the structure check
    only, and the note that says how it was read: ``datetime_no_zone`` (UTC assumed for
    the check; the day is the written one), ``datetime_spelling`` otherwise. None for a
    value that is not such a near miss."""
    match = _NEAR_R4.fullmatch(value)
    if match is None:
        return None
    zone = match["zone"]
    code: Unused = "datetime_spelling"
    if zone is None or zone in "Zz":
        code = "datetime_no_zone" if zone is None else code
        zone = "Z"
    else:
        hours, minutes = int(match["hh"]), int(match["mm"] or 0)
        if minutes > 59 or hours * 60 + minutes > 14 * 60:
            return None  # not an offset of R4 (nor of any time zone)
        zone = f"{zone[0]}{match['hh']}:{match['mm'] or '00'}"
    return f"{match['day']}T{match['hm']}{match['sec'] or ':00'}{zone}", code


# Resources whose JSON is longer than this are checked at every import and never kept
# in the cache: it held every resource whole, whatever its size (up to 8,192 of them), so
# a 5 MB upload anyone may send to POST /api/v1/assess stayed in memory for good, each
# new one adding about 10 MB (security16). An EHR's resources are a few kilobytes; at
# this size the cache holds at most 8,192 x 16 KiB = 128 MiB of them.
CACHED_MAX = 16 * 1024


def _structure_error(res: Json) -> tuple[_Why | None, _Times]:
    """Why ``res`` is not a valid R4 resource (code and values), or None (cached by
    content up to ``CACHED_MAX`` bytes); and its times written without a time zone,
    which alone do not make it invalid here (see ``_check``)."""
    try:
        key = orjson.dumps(res, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        return ("not_json", ()), ()
    return _checked(key) if len(key) <= CACHED_MAX else _check(key)


def _time_error(error: Any) -> str | None:
    """The value of a checker error about a dateTime or instant, else None."""
    said = str(error.get("msg", ""))
    value = error.get("input")
    if ("DateTime value string" in said or "Instant value string" in said) and isinstance(
        value, str
    ):
        return value
    return None


def _near_r4(error: Any) -> bool:
    """A checker error that is only a dateTime or instant near R4's (``_NEAR_R4``)."""
    value = _time_error(error)
    return value is not None and _r4_spelling(value) is not None


def _element_path(loc: Iterable[Any]) -> str:
    """A checker location as a FHIR element path: ``contained[0].effectiveDateTime``."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not str(part).startswith("function"):
            path += f".{part}" if path else str(part)
    return path


def _respelled(res: Any, loc: tuple[Any, ...]) -> None:
    """Write the time at ``loc`` in ``res`` as R4 does (``_r4_spelling``), for the
    structure check only."""
    for part in loc[:-1]:
        res = res[part]
    spelling = _r4_spelling(res[loc[-1]])
    assert spelling is not None  # the checker's input, a near miss
    res[loc[-1]] = spelling[0]


def _end_of_day(kind: str, error: Any) -> _Why | None:
    """A dateTime at 24:00 (``_END_OF_DAY``): refused, naming the element and the two
    days it may mean."""
    value = _time_error(error)
    match = _END_OF_DAY.fullmatch(value) if value is not None else None
    if match is None:
        return None
    try:
        day = date.fromisoformat(match["day"])
        following = date.fromordinal(day.toordinal() + 1).isoformat()
    except (ValueError, OverflowError):
        return None  # no such day: the checker's own complaint
    where = _element_path(error.get("loc", ())) or kind
    values = {"kind": kind, "where": where, "value": _clip(value), "date": day.isoformat()}
    return "datetime_end_of_day", tuple((values | {"next": following}).items())


def _invalid(kind: str, first: Any) -> _Why:
    """The checker's first complaint about a ``kind`` resource, with the values it quotes."""
    where = ".".join(str(p) for p in first.get("loc", ()) if not str(p).startswith("function"))
    # the checker's own English words, and its error type for a translated sentence
    values = validator_params(first)
    values |= {
        "kind": kind,
        "where": where or kind,
        "detail": str(first.get("msg", "invalid")),
        "problem": str(first.get("type", "")),
    }
    return "invalid_resource", tuple(values.items())


def _check(key: bytes) -> tuple[_Why | None, _Times]:
    """The structure check of one resource's JSON (``_checked``: the same, cached).

    A dateTime (or instant) with a time but no time zone, or written near R4's spelling
    (``_NEAR_R4``: "+0100", "z"), is invalid in R4, yet its day is written plainly: such
    times are returned, and the rest of the resource is checked as if they were written
    as R4 does (the day thyref reads is the written one either way). A time at 24:00 is
    refused, naming its element (``_end_of_day``)."""
    from fhir.resources.R4B import get_fhir_model_class

    res = orjson.loads(key)
    kind = res.get("resourceType")
    if not isinstance(kind, str):
        return ("no_resource_type", ()), ()
    try:
        model = get_fhir_model_class(kind)
    except KeyError:
        return ("unknown_resource_type", (("kind", kind),)), ()
    times: _Times = ()
    try:
        model.model_validate(res)
    except ValidationError as exc:
        errors = exc.errors()
        for error in errors:
            refused = _end_of_day(kind, error)
            if refused is not None:
                return refused, ()
        near = [e for e in errors if _near_r4(e)]
        if not near:
            return _invalid(kind, errors[0]), ()
        fixed = orjson.loads(key)
        try:
            for error in near:
                _respelled(fixed, tuple(error["loc"]))
        except (KeyError, IndexError, TypeError):  # a location the copy does not have
            return _invalid(kind, errors[0]), ()
        try:
            model.model_validate(fixed)
        except ValidationError as real:  # something else is wrong too: that is said
            first = real.errors()[0]
            # a respelled time still refused (a day that does not exist: 2024-02-30): the
            # value quoted is the one sent, not its R4 respelling
            sent = {tuple(e["loc"]): e["input"] for e in near}
            if tuple(first.get("loc", ())) in sent:
                first = {**first, "input": sent[tuple(first["loc"])]}
            return _invalid(kind, first), ()
        found = []
        for error in near:
            value = str(error["input"])
            spelling = _r4_spelling(value)
            assert spelling is not None
            found.append((_element_path(error["loc"]), value, *spelling))
        times = tuple(found)
    return None, times


# An EHR sends the same resources at every chart opening: each is checked once.
_checked = lru_cache(maxsize=8192)(_check)
