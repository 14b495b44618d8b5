"""Small readers of FHIR JSON: codings, dates, numbers, quantities and units, and the
clinical values read from them (stimulation, I-131 activity, uptake, scan findings).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from thyref.domain.rules import load_rules
from thyref.fhir import codes as c
from thyref.text import fold

Json = dict[str, Any]


def _codings(concept: Any) -> list[Json]:
    """A CodeableConcept's codings; a system sent as its HL7 OID (``urn:oid:2.16.840.1.
    113883.6.1`` for LOINC) is read as its FHIR URI (``http://loinc.org``)."""
    if not isinstance(concept, dict):
        return []
    found = []
    for coding in concept.get("coding") or []:
        if not isinstance(coding, dict):
            continue
        system = coding.get("system")
        if isinstance(system, str) and system in c.SYSTEM_OF_OID:
            coding = {**coding, "system": c.SYSTEM_OF_OID[system]}
        found.append(coding)
    return found


def _code_in(concept: Any, system: str) -> list[str]:
    return [str(x["code"]) for x in _codings(concept) if x.get("system") == system and "code" in x]


def _has_code(concept: Any, system: str, code: str) -> bool:
    return code in _code_in(concept, system)


def _profiles(res: Json) -> list[str]:
    meta = res.get("meta") or {}
    return [str(p).split("|")[0] for p in meta.get("profile") or []]


def _tagged_output(res: Json) -> bool:
    meta = res.get("meta") or {}
    return any(
        isinstance(t, dict) and t.get("system") == c.THYREF and t.get("code") == c.ASSESSMENT_TAG
        for t in meta.get("tag") or []
    )


def _extension(res: Json, name: str) -> Json | None:
    url = c.extension_url(name)
    for ext in res.get("extension") or []:
        if isinstance(ext, dict) and ext.get("url") == url:
            return ext
    return None


def _day(value: Any) -> str | None:
    """The calendar date of a FHIR date or dateTime; None when partial or invalid."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None


def _partial_day(value: Any) -> str | None:
    """The first day of a FHIR partial date (``2009-03``, ``2009``); None otherwise."""
    if not isinstance(value, str):
        return None
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?", value.strip())
    if match is None:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2) or 1), 1).isoformat()
    except ValueError:
        return None


def _version(res: Json) -> tuple[tuple[int, int, str], float]:
    """How recent a copy of a resource is: ``meta.versionId`` (as a number when it is
    one), then ``meta.lastUpdated``; a copy without them ranks lowest."""
    meta = res.get("meta")
    if not isinstance(meta, dict):
        meta = {}
    vid = meta.get("versionId")
    version = (0, 0, "")
    if isinstance(vid, str) and vid:
        version = (1, int(vid), "") if vid.isdigit() else (1, -1, vid)
    updated = meta.get("lastUpdated")
    stamp = float("-inf")
    if isinstance(updated, str):
        try:
            when = datetime.fromisoformat(updated.replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            stamp = when.timestamp()
    return version, stamp


def _effective(res: Json) -> str | None:
    day = _day(res.get("effectiveDateTime"))
    if day is None and isinstance(res.get("effectivePeriod"), dict):
        day = _day(res["effectivePeriod"].get("start"))
    return day or _day(res.get("effectiveInstant"))


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _plain(number: Decimal) -> int | float:
    """A JSON number: an int when whole, else a float."""
    if number == number.to_integral_value():
        return int(number)
    return float(number)


# --------------------------------------------------------------------------------------
# values of clinical elements (sizes, units, activity, uptake, findings)


def _local(ref: Any) -> str | None:
    """The id a ``#id`` reference (to a contained resource) names; None for another."""
    target = ref.get("reference") if isinstance(ref, dict) else None
    return target[1:] if isinstance(target, str) and target.startswith("#") else None


def _medicine_name(concept: Any) -> str:
    """A medicine as its sender names it: the concept's text, else a display, else its
    codes (``?`` when it says nothing)."""
    text = concept.get("text") if isinstance(concept, dict) else None
    if isinstance(text, str) and text.strip():
        return text
    shown = next((x.get("display") for x in _codings(concept) if x.get("display")), None)
    return str(shown) if shown else _said(concept)


def _has_effective(res: Json) -> bool:
    return any(key.startswith("effective") for key in res)


def _reason(concept: Any) -> str:
    """A dataAbsentReason as sent: its codes, else its text (``?`` when it says nothing)."""
    codes = [str(x["code"]) for x in _codings(concept) if x.get("code")]
    text = concept.get("text") if isinstance(concept, dict) else None
    return _clip(", ".join(codes) or (text if isinstance(text, str) else "?"))


def _has_value(res: Json) -> bool:
    return any(key.startswith("value") for key in res)


def _components(res: Json) -> list[Json]:
    return [x for x in res.get("component") or [] if isinstance(x, dict)]


def _millimetres(quantity: Any) -> int | float | None:
    if not isinstance(quantity, dict):
        return None
    value = _number(quantity.get("value"))
    unit = quantity.get("code") or quantity.get("unit")
    if value is None or value < 0:
        return None
    if unit == "mm":
        return _plain(value)
    if unit == "cm":
        return _plain(value * 10)
    return None


def _lab_unit(test: str, quantity: Json) -> tuple[str, Decimal] | None:
    """The case unit and conversion factor of a UCUM quantity for ``test``."""
    allowed = load_rules().labs[test].factors
    human, code = quantity.get("unit"), quantity.get("code")
    # keep the sender's spelling when it is a case unit meaning the same UCUM code
    if isinstance(human, str) and human in allowed and c.UCUM_OF_CASE_UNIT.get(human) == code:
        return human, c.ONE
    extra = c.LAB_UNIT_CONVERSIONS.get(test, {})
    for said in (code, human):
        for candidate in _spellings(said):
            if candidate in allowed:
                return candidate, c.ONE
            if candidate in extra:
                return extra[candidate]
    return None


# a value written as text: an optional comparator, a decimal number (point or comma), a
# unit (which starts with neither a digit nor a point: in "<0.1" the 1 is not a unit).
# Matched on the text stripped of its surrounding whitespace, never with a ``\s*`` at
# either end: two runs of ``\s*`` side by side (the leading one and the one after the
# optional comparator) try every split of a run of spaces before failing, a time growing
# as its square (20,000 spaces and an "x" sent by anyone to POST /api/v1/assess held a CPU
# 4.6 s; a 5 MB body, hours; security16)
_TEXT_VALUE = re.compile(r"(<=|>=|<|>)?\s*([0-9]+(?:[.,][0-9]+)?|\.[0-9]+)\s*([^\s0-9.,]\S*)")


def _quantity_of_text(text: str) -> Json | None:
    """A ``valueString`` such as ``<0.1 ng/mL`` as the Quantity it says; None unless the
    whole text is a comparator, a number and a unit (``<0.1`` alone has no unit, ``see
    comment`` no number). A decimal comma (``1,5 ng/mL``, as French labs write it) is read
    when it cannot be a thousands separator: a group of three digits after it (``1,500``)
    is 1.5 in Paris and 1500 in Boston, and is not read."""
    match = _TEXT_VALUE.fullmatch(text.strip())  # str.strip: the whitespace of \s
    if match is None:
        return None
    comparator, value, unit = match.groups()
    if "," in value:
        whole, fraction = value.split(",")
        if len(fraction) == 3 and whole != "0":
            return None
        value = f"{whole}.{fraction}"
    quantity: Json = {"value": value, "unit": unit}
    if comparator:
        quantity["comparator"] = comparator
    return quantity


def _clip(text: Any, size: int = 80) -> str:
    """A sender's text as quoted in a reason: on one line (a control character, such as
    a newline or a terminal escape, becomes a space) and at most ``size`` characters."""
    said = re.sub(r"[\x00-\x1f\x7f-\x9f]", " ", str(text))
    return said if len(said) <= size else said[: size - 1] + "…"


def _spellings(unit: Any) -> list[str]:
    """A unit as sent, then as UCUM writes it when a display spelling differs from it only
    in ways UCUM or clinical usage make unambiguous:

    - the micro sign (µ U+00B5, Greek μ U+03BC) and the clinical ``mc`` (``mcg``,
      ``mcIU``) for UCUM's ``u``;
    - the French ``UI`` (unité internationale) and the printed ``IU`` for UCUM's ``[IU]``;
    - a lower-case litre (``ng/ml``: UCUM's litre is ``l`` as well as ``L``);
    - a unit written wholly in capitals (``NG/ML``, as HL7 v2 labs send them): UCUM's
      case-insensitive form, where ``M`` is milli and ``U`` micro as a prefix."""
    if not isinstance(unit, str):
        return []
    found = [unit]
    said = unit.strip()
    if said.isupper():  # UCUM case-insensitive form: lower case, then the IU and U units
        said = said.lower()
        said = said.replace("iu", "IU").replace("ui", "UI")
        said = re.sub(r"(^|/|(?<=[munk]))u(?=/|$)", r"\1U", said)
    said = said.replace("\u00b5", "u").replace("\u03bc", "u")
    said = re.sub(r"/(m?)l$", r"/\1L", said)
    said = re.sub(r"(^|/)mc(?=g|IU|UI|U/)", r"\1u", said)
    found.append(said)
    said = re.sub(r"(^|/|(?<=[munk]))UI(?=/|$)", r"\1IU", said)
    found.append(said)
    found.append(re.sub(r"(?<!\[)IU(?!\])", "[IU]", said))
    return list(dict.fromkeys(found))


# words saying a thyroglobulin was measured under TSH stimulation (recombinant TSH, i.e.
# thyrotropin alfa, Thyrogen; or thyroid hormone withdrawal), in English or French, and
# words saying it was not (checked first: "unstimulated", "non stimulée", "basale", under
# suppressive treatment, "freinée"); matched folded (no accents or case; a no-break
# space is a space, a non-breaking hyphen the hyphen U+2010)
_UNSTIMULATED = re.compile(
    r"\b(un|non[-\u2010 ]?)stimul|\b(sans|without|no|pas de) stimulation|\bbasal|suppress"
    r"|frein|frenat"
)
_STIMULATED = re.compile(
    r"stimul|\brh[-\u2010 ]?tsh|thyrogen|thyrotropin[e]? alf|\bsevrage|withdrawal"
)


def _stimulation(res: Json) -> str | None:
    """The words of a result (its code's text and displays, its method, its notes) that
    say the value was measured under TSH stimulation; None when none does."""
    code, method = res.get("code"), res.get("method")
    texts: list[Any] = [x.get("display") for x in _codings(code) + _codings(method)]
    texts += [x.get("text") for x in (code, method) if isinstance(x, dict)]
    texts += [x.get("text") for x in res.get("note") or [] if isinstance(x, dict)]
    for said in texts:
        if not isinstance(said, str):
            continue
        plain = fold(said)
        if _UNSTIMULATED.search(plain) is None and _STIMULATED.search(plain) is not None:
            return said
    return None


def _activity_said(res: Json) -> str:
    """An administration's ``dosage.dose`` as sent (value and unit), ``?`` without a value."""
    dose = (res.get("dosage") or {}).get("dose")
    value = dose.get("value") if isinstance(dose, dict) else None
    if value is None or not isinstance(dose, dict):
        return "?"
    unit = _dose_unit(dose)
    return f"{_clip(value)} {_clip(unit[1]) if unit else ''}".strip()


def _dose_unit(dose: Json) -> tuple[str, str] | None:
    """The unit of an I-131 ``dosage.dose`` and the element it is read from: its ``code``
    when the code is UCUM's (``system`` UCUM, by URI or OID, or not given), else its
    human-readable ``unit`` (a code of the sender's own unit system says nothing to
    thyref; the micro sign read as UCUM's ``u``), else that code, to be named; None when
    the dose gives no unit at all."""
    code, unit = dose.get("code"), dose.get("unit")
    system = dose.get("system")
    system = c.SYSTEM_OF_OID.get(system, system) if isinstance(system, str) else system
    if isinstance(code, str) and code and system in (None, c.UCUM):
        return "code", code
    if isinstance(unit, str) and unit.strip():
        return "unit", unit.strip().replace("\u00b5", "u").replace("\u03bc", "u")
    if isinstance(code, str) and code:
        return "code", code
    return None


def _uptake(res: Json) -> str | None:
    boolean = res.get("valueBoolean")
    if isinstance(boolean, bool):
        return "yes" if boolean else "no"
    concept = res.get("valueCodeableConcept")
    own = _code_in(concept, c.THYREF)
    if own and own[0] in ("yes", "no", "unknown"):
        return own[0]
    snomed = _code_in(concept, c.SNOMED)
    if c.POSITIVE_SNOMED in snomed:
        return "yes"
    if c.NEGATIVE_SNOMED in snomed:
        return "no"
    return None


def _finding(res: Json) -> str | None:
    """A scan finding: thyref's four words, else SNOMED positive/negative, else a boolean."""
    concept = res.get("valueCodeableConcept")
    own = [x.replace("-", "_") for x in _code_in(concept, c.THYREF)]
    word = next((x for x in own if x in c.SCAN_FINDINGS), None)
    if word is not None:
        return word
    found = _uptake(res)
    return found if found in ("yes", "no") else None


def _said(concept: Any) -> str:
    """What a component's code or value says, for the list of what was not read."""
    told = ", ".join(f"{x.get('system')}|{x.get('code')}" for x in _codings(concept))
    if told:
        return told
    text = concept.get("text") if isinstance(concept, dict) else None
    return str(text) if isinstance(text, str) else "?"


def _value_said(comp: Json) -> str:
    if "valueCodeableConcept" in comp:
        return _said(comp["valueCodeableConcept"])
    for key, value in comp.items():
        if key.startswith("value") and isinstance(value, str | int | float | bool):
            return str(value)
    return "?"
