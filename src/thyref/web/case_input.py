"""Case input as the web receives it: JSON read with bounds, before the domain validates it.

A request body is untrusted: deeply nested JSON makes the parser recurse, a number with
thousands of digits costs quadratic time or fails to convert, ``1e999`` becomes infinity,
a list of 40,000 lab values makes every later step (assessment, editor, plots) large.
Here each of these is refused with a clear message before any of that work, using the
bounds of the rules data file (``[limits]``). Strings may not hold control or format
characters (NUL, right-to-left override U+202E...): ids are shown on pages and in files.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from thyref.domain import Case, parse_case
from thyref.domain.case import MAX_BYTES
from thyref.domain.rules import CaseLimits, load_rules
from thyref.errors import CaseFormatError, CaseValidationError, Problem

# The lists of a case and the limit that bounds each.
_LISTS = ("rai", "lesions", "imaging", "labs", "molecular", "scans")
_PER_SCAN = ("measurements", "non_target")
# Tab, line feed and carriage return are ordinary white space; every other Cc/Cf is not.
_ALLOWED_CONTROLS = frozenset("\t\n\r")


def limits() -> CaseLimits:
    return load_rules().limits


def _number(text: str) -> int | float:
    bound = limits().number_digits
    digits = sum(ch.isdigit() for ch in text)
    if digits > bound:
        raise CaseFormatError.number_digits(digits, bound)
    # a float beyond the largest (1e400) is read as infinity, as NaN below: the domain
    # then names the field (``rai[0].activity: a finite number is expected``), as in the
    # CLI; one left in a field the domain does not read is refused after it (_non_finite)
    return float(text) if any(ch in text for ch in ".eE") else int(text)


def _constant(name: str) -> float:
    """``NaN``, ``Infinity``, ``-Infinity``: not JSON numbers, reported at their field."""
    return float(name)


def read_json(data: str | bytes) -> object:
    """Decode JSON text with the bounds above (``CaseFormatError`` names what is wrong)."""
    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    if size > MAX_BYTES:
        raise CaseFormatError.too_large(size, MAX_BYTES)
    try:
        obj = json.loads(data, parse_int=_number, parse_float=_number, parse_constant=_constant)
    except RecursionError:
        raise _too_deep(limits().depth) from None
    except ValueError as exc:  # not JSON (JSONDecodeError, UnicodeDecodeError), or e.g.
        raise CaseFormatError.not_json(exc) from exc  # an integer over Python's digit limit
    _check_depth(obj, limits().depth)
    return obj


def _check_depth(obj: object, bound: int) -> None:
    """Nesting of arrays and objects, measured without recursion."""
    stack: list[tuple[object, int]] = [(obj, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > bound:
                raise _too_deep(bound)
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children)


def _too_deep(bound: int) -> CaseFormatError:
    return CaseFormatError.too_deep(bound)


def _bad_character(text: str) -> str | None:
    # a lone surrogate (Cs) is the domain's rule: parse_case refuses it at its path
    for ch in text:
        if ch not in _ALLOWED_CONTROLS and unicodedata.category(ch) in ("Cc", "Cf"):
            return f"U+{ord(ch):04X}"
    return None


def _text_problems(obj: object) -> list[Problem]:
    """Control and format characters anywhere in keys or string values, and string values
    longer than the limit (a 4 MB alteration would be stored, shown and exported), with
    their path."""
    problems: list[Problem] = []
    longest = limits().text
    stack: list[tuple[object, str]] = [(obj, "")]
    while stack and len(problems) < 20:
        value, path = stack.pop()
        if isinstance(value, str):
            bad = _bad_character(value)
            if bad:
                problems.append(_control_problem(path, bad))
            elif len(value) > longest:
                problems.append(_long_problem(path, len(value), longest))
        elif isinstance(value, dict):
            for key, child in value.items():
                child_path = f"{path}.{key}" if path else str(key)
                bad = _bad_character(str(key))
                if bad:
                    shown = f"{path}.{key!r}" if path else repr(key)
                    problems.append(_control_problem(shown, bad))
                    continue
                stack.append((child, child_path))
        elif isinstance(value, list):
            stack.extend((child, f"{path}[{i}]") for i, child in enumerate(value))
    return problems


def _long_problem(path: str, length: int, bound: int) -> Problem:
    return Problem(
        path,
        f"is {length} characters long; at most {bound} are accepted",
        "text_too_long",
        (("length", str(length)), ("limit", str(bound))),
    )


def _control_problem(path: str, character: str) -> Problem:
    return Problem(
        path,
        f"contains the control or format character {character}",
        "control_character",
        (("character", character),),
    )


def size_problems(obj: object) -> list[Problem]:
    """The lists of a decoded case beyond the rules' ``[limits]`` (one problem each, its
    path naming the list), without looking at anything else."""
    return _size_problems(obj) if isinstance(obj, dict) else []


def _size_problems(obj: Mapping[str, Any]) -> list[Problem]:
    bounds = limits()
    problems = []
    for name in _LISTS:
        items = obj.get(name)
        bound = int(getattr(bounds, name))
        if isinstance(items, list) and len(items) > bound:
            problems.append(_size_problem(name, len(items), bound))
    scans = obj.get("imaging")
    if isinstance(scans, list):
        for index, scan in enumerate(scans[: bounds.imaging]):
            if not isinstance(scan, dict):
                continue
            for name in _PER_SCAN:
                entries = scan.get(name)
                if isinstance(entries, dict) and len(entries) > bounds.per_scan:
                    path = f"imaging[{index}].{name}"
                    problems.append(_size_problem(path, len(entries), bounds.per_scan))
    iodine_scans = obj.get("scans")
    if isinstance(iodine_scans, list):
        for index, scan in enumerate(iodine_scans[: bounds.scans]):
            findings = scan.get("findings") if isinstance(scan, dict) else None
            if isinstance(findings, dict) and len(findings) > bounds.per_scan:
                path = f"scans[{index}].findings"
                problems.append(_size_problem(path, len(findings), bounds.per_scan))
    return problems


def _size_problem(path: str, count: int, bound: int) -> Problem:
    return Problem(
        path,
        f"has {count} items; at most {bound} are accepted",
        "too_many_items",
        (("count", str(count)), ("limit", str(bound))),
    )


def check_bounds(obj: object) -> None:
    """Refuse (``CaseValidationError``) a decoded case beyond the limits or with bad text."""
    if not isinstance(obj, dict):
        return  # the domain says "a case must be a JSON object"
    problems = _size_problems(obj)
    if problems:  # do not walk 40,000 items for the character check
        raise CaseValidationError(problems)
    _check_depth(obj, limits().depth)
    problems = _text_problems(obj)
    if problems:
        raise CaseValidationError(problems)


_ISO_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# Where a case holds dates: (list or object, field).
_DATE_FIELDS = (
    ("diagnosis", "date"),
    ("diagnosis", "primary_sample_date"),
    ("rai", "date"),
    ("imaging", "date"),
    ("labs", "date"),
    ("molecular", "date"),
)


def _date_problems(obj: Mapping[str, Any]) -> list[Problem]:
    """Dates written other than ``YYYY-MM-DD`` (a number of seconds, a date-time...).

    The domain's parser is lenient there; the format (and the API's schema) says a date is
    a ``YYYY-MM-DD`` string, so the web refuses anything else.
    """
    problems = []
    for section, name in _DATE_FIELDS:
        holder = obj.get(section)
        items = holder if isinstance(holder, list) else [holder]
        for index, item in enumerate(items):
            if not isinstance(item, dict) or item.get(name) is None:
                continue
            value = item[name]
            if not (isinstance(value, str) and _ISO_DAY.match(value)):
                where = (
                    f"{section}[{index}].{name}"
                    if isinstance(holder, list)
                    else (f"{section}.{name}")
                )
                problems.append(Problem(where, "invalid date (YYYY-MM-DD expected)", "date_type"))
    return problems


def read_case(data: str | bytes) -> Case:
    """JSON text to a validated case: bounded decoding, limits, then the domain's checks."""
    return validate_case(read_json(data))


def validate_case(obj: object) -> Case:
    """A decoded object (JSON, an editor form) to a validated case, with the limits.

    The domain's problems come first and alone (the same paths as the CLI); the web's
    stricter date check only runs on a case the domain accepted.
    """
    check_bounds(obj)
    case = parse_case(obj)
    problems = _date_problems(obj) if isinstance(obj, dict) else []
    problems = problems or _non_finite(obj)
    if problems:
        raise CaseValidationError(problems)
    return case


def _non_finite(obj: object) -> list[Problem]:
    """Infinity or NaN left where the domain does not look (a field it ignores): the case
    is stored as received, and JSON cannot write them."""
    problems: list[Problem] = []
    stack: list[tuple[object, str]] = [(obj, "")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            problems.append(Problem(path, "a finite number is expected", "finite_number"))
        elif isinstance(value, dict):
            stack.extend(
                (child, f"{path}.{key}" if path else str(key)) for key, child in value.items()
            )
        elif isinstance(value, list):
            stack.extend((child, f"{path}[{i}]") for i, child in enumerate(value))
    return problems
