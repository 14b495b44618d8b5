"""FHIR R4 (mCODE STU4) -> a ``thyref-case/1`` case.

``bundle_to_case(bundle)`` reads a Bundle (collection, searchset, transaction...) or a list
of one patient's resources; ``ndjson_to_case(lines)`` reads per-patient NDJSON. Each
resource is checked against the R4 structure (``fhir.resources.R4B``), then mapped by its
standard codes (docs/fhir-mapping.md). What cannot be used is listed in
``ImportResult.unmapped`` with the resource's path, never dropped silently; assumptions
(e.g. a lymph node with no region taken as lateral cervical) are listed in ``notes``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

import orjson
from pydantic import ValidationError

from thyref.domain.case import (
    FORMAT,
    ID_PATTERN,
    decode_json,
    normalise_alteration,
    validator_params,
)
from thyref.domain.options import is_negative_result
from thyref.domain.rules import load_rules
from thyref.errors import CaseFormatError, CaseValidationError, Problem
from thyref.fhir import codes as c
from thyref.fhir.unused import Unmapped, Unused
from thyref.text import fold

Json = dict[str, Any]


@dataclass(slots=True)
class ImportResult:
    """``case`` is a ``thyref-case/1`` dict ready for ``parse_case``."""

    case: Json
    unmapped: list[Unmapped] = field(default_factory=list)
    notes: list[Unmapped] = field(default_factory=list)
    # thyref's own assessment outputs found in the input: recomputed, never read back
    skipped: list[Unmapped] = field(default_factory=list)


class FhirImportError(CaseValidationError):
    """The resources hold no usable case (e.g. no primary cancer); problems name what is missing."""


# --------------------------------------------------------------------------------------
# small readers of FHIR JSON


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
# structure check (fhir.resources R4B)


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


def _structure_error(res: Json) -> tuple[_Why | None, _Times]:
    """Why ``res`` is not a valid R4 resource (code and values), or None (cached by
    content); and its times written without a time zone, which alone do not make it
    invalid here (see ``_checked``)."""
    try:
        key = orjson.dumps(res, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        return ("not_json", ()), ()
    return _checked(key)


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


@lru_cache(maxsize=8192)
def _checked(key: bytes) -> tuple[_Why | None, _Times]:
    """An EHR sends the same resources at every chart opening: each is checked once.

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


# --------------------------------------------------------------------------------------
# the import


@dataclass(slots=True)
class _Entry:
    path: str
    res: Json
    full_url: str | None


@dataclass(slots=True)
class _LesionRef:
    lesion_id: str
    site: str


class _Importer:
    def __init__(self, entries: list[_Entry], case_id: str | None) -> None:
        self.entries = entries
        self.case_id = case_id
        self.unmapped: list[Unmapped] = []
        self.notes: list[Unmapped] = []
        self.skipped: list[Unmapped] = []
        self.index: dict[str, _Entry] = {}
        self.lesions: list[Json] = []
        self.lesion_of: dict[int, _LesionRef] = {}  # id(resource) -> lesion
        self.imaging: dict[str, Json] = {}
        self.uptake: dict[str, tuple[str, str]] = {}  # lesion -> (date or "", value)
        self.rai: list[Json] = []
        self.labs: list[Json] = []
        self.molecular: list[Json] = []
        self.clinical: Json = {}
        self.patient: Json = {}
        self.scans: list[Json] = []
        self.scan_of: dict[int, Json] = {}  # id(scan resource) -> scan
        self.scan_member: dict[int, Json] = {}  # id(finding resource) -> its scan
        self.findings: list[_Entry] = []  # read once every scan is known
        self.unfinal: list[_Entry] = []  # Observations used although not final
        self.read_from_report: set[int] = set()  # id() of contained report results read
        self.container: dict[int, _Entry] = {}  # id() of a contained result -> its report
        self.owner_entry: _Entry | None = None  # the record's Patient, when sent
        self.merged: dict[str, str] = {}  # a record merged with it -> the link's type
        self.linked: dict[str, tuple[str, str]] = {}  # linked, not merged -> (link, type)
        self.link_paths: list[tuple[str, str, str, str]] = []  # (path, type, other, patient)

    # -- helpers --------------------------------------------------------------
    def skip(self, entry: _Entry, why: Unused, /, **values: object) -> None:
        """``entry`` (or a part of it) is not used: ``why`` is its catalogue code."""
        self.unmapped.append(Unmapped.of(entry.path, why, **values))

    def note(self, entry: _Entry, why: Unused, /, **values: object) -> None:
        """``entry`` is used under an assumption, said by ``why`` and ``values``."""
        self.notes.append(Unmapped.of(entry.path, why, **values))

    def resolve(self, ref: Any) -> _Entry | None:
        if not isinstance(ref, dict) or not isinstance(ref.get("reference"), str):
            return None
        target = ref["reference"]
        if target in self.index:
            return self.index[target]
        parts = target.split("/_history/")[0].rstrip("/").split("/")
        return self.index.get("/".join(parts[-2:])) if len(parts) >= 2 else None

    def shot(self, day: str) -> Json:
        return self.imaging.setdefault(day, {"date": day})

    def focus_lesion(self, entry: _Entry) -> _LesionRef | None:
        for ref in entry.res.get("focus") or []:
            target = self.resolve(ref)
            if target is not None and id(target.res) in self.lesion_of:
                return self.lesion_of[id(target.res)]
        return None

    # -- run -----------------------------------------------------------------
    def dedupe(self) -> list[tuple[str, _Entry]]:
        """One copy of each resource (resourceType/id): a searchset with match and include,
        or a history, sends some twice. The highest ``meta.versionId`` is kept, else the
        latest ``meta.lastUpdated``, else the first; each other copy is listed. Returns the
        dropped copies' fullUrls with the copy kept, for references."""
        copies: dict[tuple[str, str], list[tuple[int, _Entry]]] = {}
        for position, entry in enumerate(self.entries):
            kind, rid = entry.res.get("resourceType"), entry.res.get("id")
            if isinstance(kind, str) and isinstance(rid, str):
                copies.setdefault((kind, rid), []).append((position, entry))
        dropped: set[int] = set()
        aliases: list[tuple[str, _Entry]] = []
        for (kind, rid), found in copies.items():
            if len(found) < 2:
                continue
            kept = max(found, key=lambda x: (*_version(x[1].res), -x[0]))[1]
            for _, entry in found:
                if entry is kept:
                    continue
                dropped.add(id(entry))
                self.skip(entry, "duplicate", kind=kind, id=rid, kept=kept.path)
                if entry.full_url:
                    aliases.append((entry.full_url, kept))
        self.entries = [e for e in self.entries if id(e) not in dropped]
        return aliases

    def run(self) -> ImportResult:
        aliases = self.dedupe()
        valid: list[_Entry] = []
        for entry in self.entries:
            problem, times = _structure_error(entry.res)
            if problem is not None:
                self.unmapped.append(Unmapped.of(entry.path, problem[0], **dict(problem[1])))
                continue
            for where, value, r4, code in times:  # the day as written, said
                part = _Entry(f"{entry.path}.{where}", entry.res, entry.full_url)
                if code == "datetime_no_zone":
                    self.note(part, "datetime_no_zone", value=_clip(value), date=value[:10])
                else:
                    self.note(part, "datetime_spelling", value=_clip(value), r4=r4,
                              date=value[:10])  # fmt: skip
            valid.append(entry)
            rid = entry.res.get("id")
            if entry.full_url:
                self.index[entry.full_url] = entry
            if isinstance(rid, str):
                self.index[f"{entry.res['resourceType']}/{rid}"] = entry
                # NDJSON has no fullUrl: a urn:uuid reference names the resource id
                self.index.setdefault(f"urn:uuid:{rid}", entry)
        self.entries = valid
        for full_url, kept in aliases:
            if any(e is kept for e in valid):
                self.index.setdefault(full_url, kept)
        self.entries = [x for e in self.entries for x in (e, *self.contained_results(e))]

        self.read_patients()
        self.check_one_patient()
        diagnosis = self.read_conditions()
        for entry in self.entries:
            if entry.res["resourceType"] == "BodyStructure":
                self.read_body_structure(entry)
        self.add_secondary_lesions()
        handlers = {
            "Observation": self.read_observation,
            "MedicationAdministration": self.read_administration,
            "MedicationStatement": self.read_statement,
            "ImagingStudy": self.read_imaging_study,
            "OperationOutcome": self.read_outcome,
            "DiagnosticReport": self.read_report,
            "Procedure": self.read_procedure,
        }
        done = {"Patient", "Condition", "BodyStructure", "Medication"}
        for entry in self.entries:
            kind = entry.res["resourceType"]
            if _tagged_output(entry.res):
                self.skipped.append(Unmapped.of(entry.path, "assessment_output"))
            elif kind in handlers:
                handlers[kind](entry)
            elif kind not in done:
                self.skip(entry, "resource_type", kind=kind)
        for entry in self.findings:
            self.read_finding(entry)
        left = {u.path for u in self.unmapped}
        for entry in self.unfinal:
            if entry.path not in left:
                self.note(entry, "observation_not_final", status=entry.res.get("status"))
        for lesion in self.lesions:
            found = self.uptake.get(lesion["id"])
            if found is not None:
                lesion["rai_uptake"] = found[1]

        case: Json = {"format": FORMAT, "id": self.pick_case_id(), "diagnosis": diagnosis}
        if self.patient:
            case["patient"] = self.patient
        for key, items in (
            ("rai", self.rai),
            ("lesions", self.lesions),
            ("imaging", list(self.imaging.values())),
            ("labs", self.labs),
            ("molecular", self.molecular),
            ("scans", self.scans),
        ):
            if items:
                case[key] = items
        if self.clinical:
            case["clinical"] = self.clinical
        return ImportResult(case, self.unmapped, self.notes, self.skipped)

    # -- patient -------------------------------------------------------------------
    def patient_key(self, entry: _Entry) -> str:
        rid = entry.res.get("id")
        return f"Patient/{rid}" if isinstance(rid, str) else entry.full_url or entry.path

    def patient_links(self, patients: list[_Entry]) -> list[tuple[_Entry, str, str, str]]:
        """Every ``Patient.link`` to another Patient: (the Patient entry, the link's path,
        its type, the other record as ``Patient/<id>``)."""
        found = []
        for entry in patients:
            for index, link in enumerate(entry.res.get("link") or []):
                if not isinstance(link, dict):
                    continue
                other = self.patient_named(link.get("other"))
                if other is not None and other != self.patient_key(entry):
                    found.append(
                        (entry, f"{entry.path}.link[{index}]", str(link.get("type")), other)
                    )
        return found

    def read_patients(self) -> None:
        """The record's Patient. Several Patients are one person only when the EHR says
        they were merged (``Patient.link`` ``replaced-by`` / ``replaces``): the record
        kept (replaced by none) is the case's, each replaced one is listed, and their
        resources are read with a note (``check_one_patient``). A record replaced by one
        not sent is refused, naming the link: its results since the merge are filed
        under the other. Records linked without a merge (``seealso``, ``refer``: the
        same person, maybe overlapping or contradicting data) are never mixed."""
        patients = [e for e in self.entries if e.res["resourceType"] == "Patient"]
        links = self.patient_links(patients)
        if not patients:
            return
        merges = [x for x in links if x[2] in ("replaced-by", "replaces")]
        person: dict[str, str] = {}  # a record -> the first record merged with it

        def first(name: str) -> str:
            while person.get(name, name) != name:
                name = person[name]
            return name

        for entry, _, _, other in merges:
            ends = sorted({first(self.patient_key(entry)), first(other)})
            person[ends[-1]] = ends[0]
        people = {first(self.patient_key(e)) for e in patients}
        sent = {self.patient_key(e) for e in patients}
        if len(people) > 1:  # records the EHR has not merged: never mixed
            for entry, path, kind, other in links:
                if other in sent and kind in ("seealso", "refer"):
                    raise FhirImportError([self.linked_problem(path, other, entry, str(kind))])
            raise self.many_patients(len(people))
        replaced = {self.patient_key(e) for e, _, kind, _ in merges if kind == "replaced-by"}
        replaced |= {other for _, _, kind, other in merges if kind == "replaces"}
        kept = [e for e in patients if self.patient_key(e) not in replaced]
        forward = [x for x in merges if x[2] == "replaced-by"]
        if not kept and not forward:  # records that each replace the other: none is kept
            raise self.many_patients(len(patients))
        if not kept:
            entry, path, _, other = forward[0]
            raise FhirImportError(
                [
                    Problem(
                        path,
                        f"this record ({self.patient_key(entry)}) was replaced by {other} "
                        "(Patient.link replaced-by): import that record",
                        "fhir_replaced_patient",
                        (("patient", self.patient_key(entry)), ("other", other)),
                    )
                ]
            )
        if len(kept) > 1:  # two records of one merge, neither replaced: no record to keep
            raise self.many_patients(len(kept))
        owner = self.owner_entry = kept[0]
        key = self.patient_key(owner)
        for entry, _, kind, other in merges:
            for name in (self.patient_key(entry), other):
                if name != key:
                    self.merged.setdefault(name, str(kind))
        for entry, path, kind, other in links:
            if kind in ("seealso", "refer") and first(other) != first(key):
                self.linked.setdefault(other, (path, str(kind)))
                self.link_paths.append((path, str(kind), other, self.patient_key(entry)))
        for entry in patients:
            if entry is not owner:
                self.check_same_person(entry, owner)
        for entry in patients:
            if entry is not owner:
                self.skip(entry, "patient_merged", patient=self.patient_key(entry), kept=key)
        res = owner.res
        gender = res.get("gender")
        if gender in ("female", "male", "other", "unknown"):
            self.patient["sex"] = gender
        birth = res.get("birthDate")
        if isinstance(birth, str) and re.match(r"^[0-9]{4}", birth):
            self.patient["birth_year"] = int(birth[:4])
        self.patient_res = res
        # the case format has no field for a death: said, never dropped silently
        for name in ("deceasedDateTime", "deceasedBoolean"):
            if res.get(name) not in (None, False):
                part = _Entry(f"{owner.path}.{name}", res, owner.full_url)
                said = res[name] if isinstance(res[name], str) else f"{name} true"
                self.skip(part, "patient_deceased", value=_clip(said))

    def check_same_person(self, entry: _Entry, owner: _Entry) -> None:
        """Refuse a merge whose records disagree on the birth date or the sex: a merge of
        two people (an overlay: twins, a namesake) would put another person's results
        into this series, and a refractory status can rest on them; the EHR's merge is to
        be checked, nothing is imported. Dates agree when one is the other's beginning
        (``1961`` and ``1961-04-12``); sexes only when both are ``female`` or ``male``
        (``other`` and ``unknown`` tell nothing); a value missing on one side is no
        disagreement."""
        said, kept = entry.res, owner.res
        patient, kept_key = self.patient_key(entry), self.patient_key(owner)
        birth, kept_birth = said.get("birthDate"), kept.get("birthDate")
        if (
            isinstance(birth, str)
            and isinstance(kept_birth, str)
            and not (birth.startswith(kept_birth) or kept_birth.startswith(birth))
        ):
            code, element, sentence = "fhir_merged_birth_date", "birthDate", "birth dates"
            values = (_clip(birth), _clip(kept_birth))
            shown = values
        elif {said.get("gender"), kept.get("gender")} == {"female", "male"}:
            code, element, sentence = "fhir_merged_sex", "gender", "sexes"
            values = (str(said["gender"]), str(kept["gender"]))
            shown = (f"'{values[0]}'", f"'{values[1]}'")
        else:
            return
        raise FhirImportError(
            [
                Problem(
                    f"{entry.path}.{element}",
                    f"record {patient} merged into {kept_key} (Patient.link), but the two "
                    f"records give different {sentence} (Patient.{element}): {shown[0]} "
                    f"for {patient}, {shown[1]} for {kept_key}; the merge may have joined "
                    "two people: nothing is imported, check the merge in the EHR",
                    code,
                    (
                        ("patient", patient),
                        ("kept", kept_key),
                        ("value", values[0]),
                        ("kept_value", values[1]),
                    ),
                )
            ]
        )

    @staticmethod
    def many_patients(count: int) -> FhirImportError:
        return FhirImportError(
            [
                Problem(
                    "Bundle",
                    f"the resources describe {count} patients; import one patient at a time",
                    "fhir_many_patients",
                    (("count", str(count)),),
                )
            ]
        )

    def linked_problem(self, path: str, named: str, patient: _Entry | str, kind: str) -> Problem:
        """``named`` is another record of the person, linked (``seealso``, ``refer``) but
        not merged: its resources are not mixed into this record."""
        owner = patient if isinstance(patient, str) else self.patient_key(patient)
        return Problem(
            path,
            f"names {named}, another record of the same person (Patient.link {kind} of "
            f"{owner}) that the EHR has not merged with it: the two records may overlap or "
            "contradict each other; merge them in the EHR, or import one record at a time",
            "fhir_linked_patient",
            (("reference", named), ("patient", owner), ("type", kind)),
        )

    def patient_named(self, ref: Any) -> str | None:
        """The patient a ``subject``/``patient`` reference names: ``Patient/<id>`` (the
        Patient entry it leads to, or read from a relative or absolute URL), else the
        unresolved ``urn:``; None when it names no patient we can tell (a Group, a
        contained resource, an identifier or display only)."""
        if not isinstance(ref, dict) or not isinstance(ref.get("reference"), str):
            return None
        target = self.resolve(ref)
        if target is not None:
            if target.res.get("resourceType") != "Patient":
                return None
            rid = target.res.get("id")
            return f"Patient/{rid}" if isinstance(rid, str) else target.full_url or target.path
        said = str(ref["reference"]).split("/_history/")[0].rstrip("/")
        if said.startswith("urn:"):
            return said
        parts = said.split("/")
        return f"Patient/{parts[-1]}" if len(parts) >= 2 and parts[-2] == "Patient" else None

    def check_one_patient(self) -> None:
        """Refuse a Bundle whose resources name two patients (``subject``, ``patient``):
        the Patient sent, else the first one named, is the record's; another patient's
        result is never imported into it, nor silently left out. A record the EHR merged
        into this one (``read_patients``) is the same person's: its resources are read,
        each with a note naming that record; one linked without a merge is refused."""
        owner: str | None = None
        if self.owner_entry is not None:
            owner = self.patient_key(self.owner_entry)
        for entry in self.entries:
            for name in ("subject", "patient"):
                ref = entry.res.get(name)
                named = self.patient_named(ref)
                if named is None:
                    continue
                owner = owner or named
                if named == owner:
                    continue
                said = str(entry.res[name]["reference"])  # named: a reference
                if named in self.merged:
                    part = _Entry(f"{entry.path}.{name}", entry.res, entry.full_url)
                    # `record`: the merged record's key whole (the quoted reference is
                    # clipped for display; CDS Hooks names the record on its card)
                    self.note(part, "merged_record", reference=_clip(said), patient=owner,
                              type=self.merged[named], record=named)  # fmt: skip
                    continue
                if named in self.linked:
                    path = f"{entry.path}.{name}"
                    raise FhirImportError(
                        [self.linked_problem(path, said, owner, self.linked[named][1])]
                    )
                raise FhirImportError(
                    [
                        Problem(
                            f"{entry.path}.{name}",
                            f"names patient {said}, while the other resources are "
                            f"those of {owner}; import one patient at a time",
                            "fhir_other_patient",
                            (("reference", said), ("patient", owner)),
                        )
                    ]
                )
        for path, kind, other, patient_key in self.link_paths:  # none of them named
            part = _Entry(path, {}, None)
            self.note(part, "patient_link", type=kind, other=other, patient=patient_key)

    def pick_case_id(self) -> str:
        if self.case_id:
            return self.case_id
        res: Json = getattr(self, "patient_res", {})
        for ident in res.get("identifier") or []:
            if isinstance(ident, dict) and ident.get("system") == c.CASE_ID_SYSTEM:
                value = ident.get("value")
                if isinstance(value, str) and re.fullmatch(ID_PATTERN, value):
                    return value
        rid = res.get("id")
        if isinstance(rid, str) and re.fullmatch(ID_PATTERN, rid):
            return rid
        return "fhir-import"

    # -- conditions ------------------------------------------------------------------
    def read_conditions(self) -> Json:
        primaries: list[tuple[_Entry, str | None]] = []
        self.secondaries: list[_Entry] = []
        for entry in self.entries:
            res = entry.res
            if res["resourceType"] != "Condition" or _tagged_output(res):
                continue
            status = _code_in(res.get("verificationStatus"), c.VERIFICATION_STATUS)
            if {"entered-in-error", "refuted"} & set(status):
                self.skip(entry, "verification_status", status=status[0])
                continue
            histology = _histology(res)
            if _is_secondary(res):
                self.secondaries.append(entry)
            elif histology is not None or _is_primary(res):
                primaries.append((entry, histology))
            else:
                self.skip(entry, "not_thyroid_cancer")
        usable = [(e, h) for e, h in primaries if h is not None]
        if not usable:
            if primaries:
                entry = primaries[0][0]
                path = f"{entry.path}.extension[mcode-histology-morphology-behavior]"
                raise FhirImportError(
                    [
                        Problem(
                            path,
                            "primary cancer Condition has no thyroid histology: expected an "
                            "ICD-O-3 morphology code such as 8260/3 (papillary) in the mCODE "
                            "histology-morphology-behavior extension",
                            "fhir_no_histology",
                        )
                    ]
                )
            raise FhirImportError(
                [
                    Problem(
                        "Bundle",
                        "no usable primary cancer: expected a Condition (mCODE "
                        "PrimaryCancerCondition) with an ICD-O-3 histology such as 8260/3",
                        "fhir_no_primary",
                    )
                ]
            )
        entry, histology = usable[0]
        if len(found := _histologies(entry.res)) > 1:
            raise FhirImportError(
                [
                    Problem(
                        f"{entry.path}.extension[mcode-histology-morphology-behavior]",
                        "the Condition gives more than one thyroid histology ("
                        + ", ".join(f"{code} {word}" for code, word in found)
                        + "): send the one the pathologist concluded",
                        "fhir_histology_conflict",
                        (("codes", ", ".join(code for code, _ in found)),),
                    )
                ]
            )
        for other, _ in primaries:
            if other is not entry:
                self.skip(other, "second_primary")
        res = entry.res
        onset = res.get("onsetDateTime")
        if onset is None and isinstance(res.get("onsetPeriod"), dict):
            onset = res["onsetPeriod"].get("start")
        day = _day(onset)
        if day is None and (partial := _partial_day(onset)) is not None:
            # a month or a year: its first day, said (never the later recordedDate)
            day = partial
            self.note(entry, "onset_partial", onset=onset, date=day)
        day = day or _day(res.get("recordedDate"))
        if day is None:
            raise FhirImportError(
                [
                    Problem(
                        f"{entry.path}.onsetDateTime",
                        "primary cancer Condition has no diagnosis date "
                        "(onsetDateTime or recordedDate as a full date)",
                        "fhir_no_diagnosis_date",
                    )
                ]
            )
        diagnosis: Json = {"histology": histology, "date": day}
        extent = _extension(res, "extent")
        if extent is not None and isinstance(extent.get("valueCode"), str):
            diagnosis["extent"] = extent["valueCode"]
        sample = _extension(res, "primary-sample-date")
        if sample is not None and _day(sample.get("valueDate")):
            diagnosis["primary_sample_date"] = _day(sample.get("valueDate"))
        return diagnosis

    # -- lesions ---------------------------------------------------------------------
    def site_of(self, entry: _Entry, location: Any, qualifiers: Any) -> str:
        codes = _code_in(location, c.SNOMED)
        found = next((c.SITE_SNOMED[x] for x in codes if x in c.SITE_SNOMED), None)
        words: set[str] = set()
        for q in qualifiers or []:
            words |= {
                c.QUALIFIER_SNOMED[x] for x in _code_in(q, c.SNOMED) if x in c.QUALIFIER_SNOMED
            }
            words |= {x for x in _code_in(q, c.THYREF) if x in c.QUALIFIER_THYREF}
        if found is None:
            told = ", ".join(f"{x.get('system')}|{x.get('code')}" for x in _codings(location))
            if told:
                self.note(entry, "body_site_unknown", code=told)
            else:
                self.note(entry, "body_site_missing")
            return "other"
        if found == "lymph_node_cervical_lateral":
            return "lymph_node_cervical_central" if "central" in words else found
        if found == "lymph_node_mediastinal_upper":
            return "lymph_node_mediastinal_lower" if "lower" in words else found
        if found == "lymph_node_unspecified":
            for word, site in (
                ("central", "lymph_node_cervical_central"),
                ("lateral", "lymph_node_cervical_lateral"),
                ("upper", "lymph_node_mediastinal_upper"),
                ("lower", "lymph_node_mediastinal_lower"),
            ):
                if word in words:
                    return site
            self.note(entry, "lymph_node_region")
            return "lymph_node_cervical_lateral"
        return found

    def add_lesion(self, entry: _Entry, lesion_id: str, site: str) -> Json | None:
        if any(lesion["id"] == lesion_id for lesion in self.lesions):
            self.skip(entry, "lesion_id_twice", lesion=lesion_id)
            return None
        lesion: Json = {"id": lesion_id, "site": site}
        self.lesions.append(lesion)
        self.lesion_of[id(entry.res)] = _LesionRef(lesion_id, site)
        return lesion

    def read_body_structure(self, entry: _Entry) -> None:
        res = entry.res
        if res.get("active") is False:
            self.skip(entry, "lesion_inactive")
            return
        lesion_id = None
        for ident in res.get("identifier") or []:
            if isinstance(ident, dict) and isinstance(ident.get("value"), str):
                lesion_id = ident["value"]
                break
        lesion_id = lesion_id or res.get("id") or f"T{len(self.lesions) + 1}"
        site = self.site_of(entry, res.get("location"), res.get("locationQualifier"))
        lesion = self.add_lesion(entry, str(lesion_id)[:64], site)
        if lesion is None:
            return
        role = _extension(res, "recist-role")
        if role is not None and role.get("valueCode") in ("target", "non_target"):
            lesion["recist_role"] = role["valueCode"]
        for name, key in (("innumerable", "innumerable"), ("confirmed", "confirmed")):
            ext = _extension(res, name)
            if ext is not None and isinstance(ext.get("valueBoolean"), bool):
                lesion[key] = ext["valueBoolean"]

    def add_secondary_lesions(self) -> None:
        """A metastasis Condition whose site no lesion covers becomes a lesion of its own."""
        for entry in self.secondaries:
            ended = _code_in(entry.res.get("clinicalStatus"), c.CONDITION_CLINICAL)
            if {"inactive", "remission", "resolved"} & set(ended):
                self.skip(entry, "clinical_status", status=ended[0])
                continue
            sites = entry.res.get("bodySite") or []
            if not sites:
                self.skip(entry, "secondary_without_site")
                continue
            qualifiers = [
                ext.get("valueCodeableConcept")
                for ext in (sites[0].get("extension") or [] if isinstance(sites[0], dict) else [])
                if isinstance(ext, dict)
                and ext.get("url")
                in (c.LOCATION_QUALIFIER_EXTENSION, c.LOCATION_QUALIFIER_EXTENSION_OLD)
            ]
            site = self.site_of(entry, sites[0], qualifiers)
            if any(lesion["site"] == site for lesion in self.lesions):
                continue
            ident = [
                i.get("value") for i in entry.res.get("identifier") or [] if isinstance(i, dict)
            ]
            lesion_id = ident[0] if ident and isinstance(ident[0], str) else None
            lesion_id = lesion_id or f"M-{entry.res.get('id') or len(self.lesions) + 1}"
            self.add_lesion(entry, str(lesion_id)[:64], site)
            self.note(entry, "metastasis_as_lesion", lesion=lesion_id, site=site)

    # -- observations ----------------------------------------------------------------
    def read_observation(self, entry: _Entry) -> None:
        res = entry.res
        status = res.get("status")
        if status in ("entered-in-error", "cancelled", "registered"):  # registered: no result yet
            self.skip(entry, "status", status=status)
            return
        if status not in c.OBSERVATION_STATUSES:  # not an R4 status: no telling what it says
            self.skip(entry, "status", status=_clip(status))
            return
        if status in ("preliminary", "unknown"):
            self.unfinal.append(entry)  # said once the entry is known to be used
        if res.get("dataAbsentReason"):
            self.skip(entry, "data_absent", reason=_reason(res["dataAbsentReason"]))
            return
        code = res.get("code")
        loinc = _code_in(code, c.LOINC)
        own = _code_in(code, c.THYREF)
        if c.WHOLE_BODY_SCAN in loinc or c.IODINE_SCAN in own:
            self.read_scan(entry)
        elif c.SCAN_FINDING in own:
            self.findings.append(entry)
        elif c.TUMOR_SIZE in loinc or c.LONGEST_DIMENSION in loinc:
            self.read_size(entry)
        elif lab := next((c.LAB_LOINC[x] for x in loinc if x in c.LAB_LOINC), None):
            self.read_lab(entry, lab)
        elif (
            c.GENOMIC_VARIANT in loinc
            or c.PROFILE_GENOMIC_VARIANT in _profiles(res)
            or any(_has_code(x.get("code"), c.LOINC, c.GENE_STUDIED) for x in _components(res))
        ):
            self.read_variant(entry)
        elif c.DISEASE_STATUS in loinc:
            self.skip(entry, "disease_status")
        elif own:
            self.read_own(entry, own[0])
        elif any(
            set(_code_in(x.get("code"), c.LOINC)) & set(c.LAB_LOINC) for x in _components(res)
        ):
            self.read_lab_components(entry)
        elif res.get("hasMember") and not _components(res) and not _has_value(res):
            self.read_group(entry)
        else:
            told = ", ".join(f"{x.get('system')}|{x.get('code')}" for x in _codings(code))
            if told:
                self.skip(entry, "observation_code", code=told)
            else:
                self.skip(entry, "observation_no_code")

    def read_group(self, entry: _Entry) -> None:
        """A panel that only groups its members (``hasMember``, no value of its own): the
        members are read where they are (entries of the Bundle, or results contained in
        the same report); a member not sent is listed."""
        res = entry.res
        container = self.container.get(id(res))
        siblings = {
            inner.get("id")
            for inner in (container.res.get("contained") or [] if container else [])
            if isinstance(inner, dict) and id(inner) in self.read_from_report
        }
        for index, ref in enumerate(res.get("hasMember") or []):
            local = _local(ref)
            found = local in siblings if local is not None else self.resolve(ref) is not None
            if not found:
                target = ref.get("reference") if isinstance(ref, dict) else None
                part = _Entry(f"{entry.path}.hasMember[{index}]", res, entry.full_url)
                self.skip(part, "member_missing", reference=_clip(target))

    def read_lab_components(self, entry: _Entry) -> None:
        """A panel sent as one Observation whose components are the tests (code, value,
        interpretation, reference range each): every component with a lab LOINC is read
        as that test, with the Observation's date and status; any other is listed."""
        res = entry.res
        shared = {
            k: v
            for k, v in res.items()
            if k not in ("code", "component", "interpretation", "referenceRange")
            and not k.startswith("value")
        }
        for index, comp in enumerate(res.get("component") or []):
            if not isinstance(comp, dict):
                continue
            part = _Entry(f"{entry.path}.component[{index}]", res, entry.full_url)
            loinc = _code_in(comp.get("code"), c.LOINC)
            test = next((c.LAB_LOINC[x] for x in loinc if x in c.LAB_LOINC), None)
            if test is None:
                told = _said(comp.get("code"))
                self.skip(part, "observation_code", code=told)
            elif comp.get("dataAbsentReason"):
                self.skip(part, "data_absent", reason=_reason(comp["dataAbsentReason"]))
            else:
                inner = {**shared, **{k: v for k, v in comp.items() if k != "extension"}}
                self.read_lab(_Entry(part.path, inner, entry.full_url), test)

    def read_size(self, entry: _Entry) -> None:
        res = entry.res
        day = _effective(res)
        lesion = self.focus_lesion(entry)
        if day is None:
            self.skip(entry, "size_no_date")
            return
        if lesion is None:
            self.skip(entry, "size_no_lesion")
            return
        quantity = None
        for comp in _components(res):
            if _has_code(comp.get("code"), c.LOINC, c.LONGEST_DIMENSION):
                quantity = comp.get("valueQuantity")
        if quantity is None:
            quantity = res.get("valueQuantity")
        size = _millimetres(quantity)
        if size is None:
            self.skip(entry, "size_no_value")
            return
        measurements = self.shot(day).setdefault("measurements", {})
        if lesion.lesion_id in measurements:
            self.skip(entry, "size_twice", lesion=lesion.lesion_id, date=day)
            return
        measurements[lesion.lesion_id] = size

    def read_scan(self, entry: _Entry) -> None:
        """A whole-body iodine scan: kind, preparation, TSH, contamination, administration."""
        res = entry.res
        day = _effective(res)
        if day is None:
            self.skip(entry, "scan_no_date")
            return
        scan: Json = {"date": day}
        for comp in _components(res):
            code, value = comp.get("code"), comp.get("valueCodeableConcept")
            words = [x.replace("-", "_") for x in _code_in(value, c.THYREF)]
            for name, key, allowed in (
                (c.SCAN_KIND, "kind", c.SCAN_KINDS),
                (c.SCAN_PREPARATION, "preparation", c.SCAN_PREPARATIONS),
                (c.IODINE_CONTAMINATION, "iodine_contamination", c.CONTAMINATIONS),
            ):
                if _has_code(code, c.THYREF, name):
                    word = next((w for w in words if w in allowed), None)
                    if word is None:
                        if words:
                            self.skip(entry, "scan_value_unknown", component=name, value=words[0])
                        else:
                            self.skip(entry, "scan_value_missing", component=name)
                        return
                    scan[key] = word
            quantity = comp.get("valueQuantity")
            if _has_code(code, c.LOINC, "3016-3") and isinstance(quantity, dict):
                value_tsh = _number(quantity.get("value"))
                unit = _lab_unit("tsh", quantity)
                if value_tsh is None or unit is None:
                    self.skip(entry, "scan_tsh")
                    return
                scan["tsh"] = _plain(value_tsh * unit[1])
        if "kind" not in scan:
            self.skip(entry, "scan_no_kind", component=c.SCAN_KIND)
            return
        derived = _extension(res, c.SCAN_RAI_DERIVED)
        given = _extension(res, "scan-rai-date")
        if given is not None and _day(given.get("valueDate")):
            scan["rai_date"] = _day(given.get("valueDate"))
        elif derived is None or derived.get("valueBoolean") is not True:
            for ref in res.get("partOf") or []:
                target = self.resolve(ref)
                if target is None or target.res.get("resourceType") != "MedicationAdministration":
                    continue
                if _has_code(self.medication_concept(target.res), c.ATC, c.I131_ATC):
                    scan["rai_date"] = _effective(target.res)
                    break
        scan["findings"] = {}
        self.scans.append(scan)
        self.scan_of[id(res)] = scan
        for ref in res.get("hasMember") or []:
            target = self.resolve(ref)
            if target is not None:
                self.scan_member[id(target.res)] = scan

    def read_finding(self, entry: _Entry) -> None:
        """One lesion's finding on a scan (``derivedFrom`` or ``hasMember`` link the two)."""
        res = entry.res
        scan = self.scan_member.get(id(res))
        for ref in res.get("derivedFrom") or []:
            target = self.resolve(ref)
            if scan is None and target is not None:
                scan = self.scan_of.get(id(target.res))
        lesion = self.focus_lesion(entry)
        if scan is None or lesion is None:
            self.skip(entry, "finding_unlinked")
            return
        value = _finding(res)
        if value is None:
            self.skip(entry, "finding_no_value")
            return
        if lesion.lesion_id in scan["findings"]:
            self.skip(entry, "finding_twice", lesion=lesion.lesion_id)
            return
        scan["findings"][lesion.lesion_id] = value

    def read_lab(self, entry: _Entry, test: str) -> None:
        res = entry.res
        day = _effective(res)
        if day is None and not _has_effective(res) and isinstance(res.get("issued"), str):
            # when the result was released, not when the sample was taken: said
            self.skip(entry, "lab_issued_only", test=test, issued=_clip(res["issued"]))
            return
        if day is None:
            self.skip(entry, "lab_no_date", test=test)
            return
        quantity = res.get("valueQuantity")
        text = res.get("valueString")
        if quantity is None and isinstance(text, str):  # "<0.1 ng/mL" sent as text
            quantity = _quantity_of_text(text)
            if quantity is None:
                self.skip(entry, "lab_text", test=test, text=_clip(text))
                return
        if not isinstance(quantity, dict) or _number(quantity.get("value")) is None:
            self.skip(entry, "lab_no_value", test=test)
            return
        value = _number(quantity.get("value"))
        assert value is not None
        converted = _lab_unit(test, quantity)
        if converted is None:
            told = quantity.get("code") or quantity.get("unit")
            if told:
                self.skip(entry, "lab_unit_unknown", test=test, unit=told)
            else:
                self.skip(entry, "lab_unit_missing", test=test)
            return
        unit, factor = converted
        comparator = quantity.get("comparator")
        if comparator in (">", ">="):  # above the measurable range: no value to use
            told = quantity.get("code") or quantity.get("unit")
            self.skip(entry, "comparator_above", test=test, comparator=comparator,
                      value=_plain(value), unit=told)  # fmt: skip
            return
        lab: Json = {"date": day, "test": test, "value": _plain(value * factor), "unit": unit}
        if comparator in ("<", "<="):
            lab["below_detection"] = True
        elif comparator is not None:
            self.note(entry, "comparator", comparator=comparator)
        flags: set[str] = set()
        for index, concept in enumerate(res.get("interpretation") or []):
            read = set(_code_in(concept, c.INTERPRETATION) + _code_in(concept, c.INTERPRETATION_V2))
            part = _Entry(f"{entry.path}.interpretation[{index}]", res, entry.full_url)
            if test != "tg_antibodies" and read - c.STATED_INTERPRETATION:
                self.skip(part, "interpretation_test", test=test, code=_said(concept))
            elif read & (c.POSITIVE_INTERPRETATION | c.NEGATIVE_INTERPRETATION):
                flags |= read
            else:
                self.skip(part, "interpretation", test=test, code=_said(concept))
        if flags & c.POSITIVE_INTERPRETATION:
            lab["positive"] = True
        elif flags & c.NEGATIVE_INTERPRETATION:
            lab["positive"] = False
        for index, band in enumerate(res.get("referenceRange") or []):
            high = band.get("high") if isinstance(band, dict) else None
            upper = _number(high.get("value")) if isinstance(high, dict) else None
            if high is None or upper is None:
                continue
            part = _Entry(f"{entry.path}.referenceRange[{index}].high", res, entry.full_url)
            told = high.get("code") or high.get("unit")
            if not told:  # a high without a unit is read in the value's unit, and said
                self.note(part, "reference_high_no_unit", test=test, unit=unit)
                lab["upper_limit"] = _plain(upper * factor)
                break
            high_unit = _lab_unit(test, high)
            if high_unit is None:
                self.skip(part, "reference_high_unit", test=test, unit=told)
                break
            # the limit in the value's unit: through the case units' common base
            factors = load_rules().labs[test].factors
            base = upper * high_unit[1] * factors[high_unit[0]]
            lab["upper_limit"] = _plain(base / factors[unit])
            break
        stimulated = _stimulation(res) if test == "thyroglobulin" else None
        if stimulated is not None:  # not comparable with the series under suppressed TSH
            said = f"{'<' if lab.get('below_detection') else ''}{lab['value']} {unit}"
            self.skip(entry, "lab_stimulated", test=test, date=day, value=said,
                      words=_clip(stimulated))  # fmt: skip
            return
        if "valueQuantity" not in res and isinstance(text, str):
            self.note(entry, "lab_value_text", test=test, text=_clip(text))
        self.labs.append(lab)

    def read_variant(self, entry: _Entry) -> None:
        res = entry.res
        presence = _code_in(res.get("valueCodeableConcept"), c.LOINC)
        said = _extension(res, "alteration") or {}
        if c.VARIANT_ABSENT in presence and not is_negative_result(
            said.get("valueString") if isinstance(said.get("valueString"), str) else None,
            load_rules(),
        ):
            # the case holds a negative result only as its words (thyref's own export)
            self.skip(entry, "variant_absent")
            return
        unread: Unread = []
        found = variant_of(res, unread)
        if found is None:
            self.skip(entry, "variant_no_gene")
            return
        for index, what, code, value in unread:
            part = _Entry(f"{entry.path}.component[{index}]", res, entry.full_url)
            if what == "dna":
                self.skip(part, "variant_dna_change", change=value)
            else:
                self.skip(part, "variant_component", code=code, value=value)
        day = _effective(res)
        if day is not None:
            found["date"] = day
        sample = _extension(res, "sample")
        if sample is not None and sample.get("valueCode") in ("primary", "metastasis", "blood"):
            found["sample"] = sample["valueCode"]
        self.molecular.append(found)

    def read_own(self, entry: _Entry, code: str) -> None:
        res = entry.res
        lesion = self.focus_lesion(entry)
        day = _effective(res)
        value_codes = _code_in(res.get("valueCodeableConcept"), c.THYREF)
        boolean = res.get("valueBoolean")
        if code == c.RAI_UPTAKE and lesion is not None:
            value = _uptake(res)
            if value is None:
                self.skip(entry, "uptake_no_value")
                return
            previous = self.uptake.get(lesion.lesion_id)
            if previous is None or (day or "") >= previous[0]:
                self.uptake[lesion.lesion_id] = (day or "", value)
        elif code in c.LESION_FLAGS and lesion is not None and isinstance(boolean, bool):
            target = next(x for x in self.lesions if x["id"] == lesion.lesion_id)
            target[c.LESION_FLAGS[code]] = boolean
        elif code in c.CLINICAL_FLAGS and lesion is None and isinstance(boolean, bool):
            self.clinical[c.CLINICAL_FLAGS[code]] = boolean
        elif code == c.NON_TARGET_STATUS and lesion is not None and day and value_codes:
            status = value_codes[0].replace("-", "_")
            if status not in ("present", "absent", "unequivocal_progression"):
                self.skip(entry, "non_target_status", status=value_codes[0])
                return
            self.shot(day).setdefault("non_target", {})[lesion.lesion_id] = status
        elif code == c.NEW_LESIONS and day and isinstance(boolean, bool):
            self.shot(day)["new_lesions"] = boolean
        elif code == c.ASSESSED_RESPONSE and day and value_codes:
            if value_codes[0] not in ("CR", "PR", "SD", "PD", "NE"):
                self.skip(entry, "response", response=value_codes[0])
                return
            self.shot(day)["assessed_response"] = value_codes[0]
        else:
            self.skip(entry, "own_code_incomplete", code=code)

    # -- medication ------------------------------------------------------------------
    def medication_concept(self, res: Json) -> Any:
        if "medicationCodeableConcept" in res:
            return res["medicationCodeableConcept"]
        ref = res.get("medicationReference")
        target = ref.get("reference") if isinstance(ref, dict) else None
        if isinstance(target, str) and target.startswith("#"):  # a contained Medication
            for inner in res.get("contained") or []:
                if isinstance(inner, dict) and inner.get("id") == target[1:]:
                    return inner.get("code")
            return None
        found = self.resolve(ref)
        return found.res.get("code") if found is not None else None

    def read_administration(self, entry: _Entry) -> None:
        res = entry.res
        concept = self.medication_concept(res)
        ref = res.get("medicationReference")
        if concept is None and isinstance(ref, dict):
            self.skip(entry, "medication_unresolved", reference=ref.get("reference"))
            return
        if not _has_code(concept, c.ATC, c.I131_ATC) and _has_code(
            concept, c.SNOMED, c.I131_SNOMED
        ):  # I-131, but a therapy or a diagnostic dose: the code does not say (codes.py)
            self.skip(entry, "iodine_use_unknown", name=_clip(_medicine_name(concept)),
                      code=c.I131_SNOMED, date=_effective(res) or "?",
                      activity=_activity_said(res))  # fmt: skip
            return
        if not _has_code(concept, c.ATC, c.I131_ATC):  # named: it may be I-131 coded locally
            self.skip(entry, "not_iodine", name=_clip(_medicine_name(concept)))
            return
        if res.get("status") in ("entered-in-error", "not-done", "stopped"):
            self.skip(entry, "status", status=res.get("status"))
            return
        day = _effective(res)
        dose = (res.get("dosage") or {}).get("dose")
        activity = _number(dose.get("value")) if isinstance(dose, dict) else None
        said = _dose_unit(dose) if isinstance(dose, dict) else None
        if day is None or activity is None or said is None:
            self.skip(entry, "rai_incomplete")
            return
        element, unit = said
        where = _Entry(f"{entry.path}.dosage.dose.{element}", res, entry.full_url)
        if element == "unit" and isinstance(dose, dict) and dose.get("code"):
            # a code of the sender's own unit system: its display says the unit
            self.note(where, "rai_unit_display", code=_clip(dose["code"]),
                      system=_clip(dose.get("system")), unit=_clip(unit))  # fmt: skip
        if unit in c.ACTIVITY_CONVERSIONS:
            case_unit, factor = c.ACTIVITY_CONVERSIONS[unit]
            converted = _plain(activity * factor)
            self.note(where, "rai_unit_converted", value=_plain(activity), unit=unit,
                      activity=converted, case_unit=case_unit)  # fmt: skip
            activity, unit = Decimal(str(converted)), case_unit
        if unit not in c.ACTIVITY_UNITS:
            self.skip(where, "rai_unit", unit=_clip(unit))
            return
        rai: Json = {"date": day, "activity": _plain(activity), "unit": unit}
        response = _extension(res, "rai-response")
        if response is not None and isinstance(response.get("valueCode"), str):
            rai["response"] = response["valueCode"]
        self.rai.append(rai)

    def read_statement(self, entry: _Entry) -> None:
        res = entry.res
        concept = self.medication_concept(res)
        name = concept.get("text") if isinstance(concept, dict) else None
        if not name:
            name = next((x.get("display") for x in _codings(concept) if x.get("display")), None)
        if res.get("status") not in ("active", "intended") or not name:
            self.skip(entry, "statement_unusable")
            return
        if "on_systemic_therapy" in self.clinical:
            self.skip(entry, "second_medicine")
            return
        self.clinical["on_systemic_therapy"] = str(name)

    def read_outcome(self, entry: _Entry) -> None:
        """An OperationOutcome (a searchset's ``outcome`` entry, or sent alone): the
        server's own words are listed, e.g. that some results were withheld."""
        said = []
        for issue in entry.res.get("issue") or []:
            details = issue.get("details") if isinstance(issue, dict) else None
            words = details.get("text") if isinstance(details, dict) else None
            words = words or next(
                (x.get("display") for x in _codings(details) if x.get("display")), None
            )
            words = words or issue.get("diagnostics") or issue.get("code")
            said.append((str(issue.get("severity")), str(words)))
        severity = ", ".join(dict.fromkeys(x for x, _ in said)) or "?"
        words = _clip("; ".join(t for _, t in said), 300)
        self.skip(entry, "server_message", severity=_clip(severity), text=words)

    def contained_results(self, entry: _Entry) -> list[_Entry]:
        """The Observations a DiagnosticReport holds in ``contained`` and names in
        ``result`` (``#id``), and the members (``hasMember`` ``#id``) of those that are
        panels: read as the report's patient's results, each with its own path. A report
        entered in error or cancelled gives none (listed by ``read_report``). Contained
        ids are local to the report: never indexed."""
        res = entry.res
        if res.get("resourceType") != "DiagnosticReport" or res.get("status") in (
            "entered-in-error",
            "cancelled",
        ):
            return []
        inner_of = {
            inner.get("id"): inner
            for inner in res.get("contained") or []
            if isinstance(inner, dict) and inner.get("resourceType") == "Observation"
        }
        named: set[Any] = set()
        todo = [_local(ref) for ref in res.get("result") or []]
        while todo:
            rid = todo.pop()
            if rid is None or rid in named or rid not in inner_of:
                continue
            named.add(rid)
            todo += [_local(ref) for ref in inner_of[rid].get("hasMember") or []]
        found = []
        for index, inner in enumerate(res.get("contained") or []):
            if (
                isinstance(inner, dict)
                and inner.get("resourceType") == "Observation"
                and inner.get("id") in named
            ):
                path = f"{entry.path}.contained[{index}](Observation/{inner['id']})"
                self.read_from_report.add(id(inner))
                self.container[id(inner)] = entry
                found.append(_Entry(path, inner, None))
        return found

    def read_report(self, entry: _Entry) -> None:
        """A DiagnosticReport: its results are the Observations (contained, read as
        entries, or entries of the Bundle); what else it says is listed: a result not
        sent, another contained resource, the conclusion, an attached document."""
        res = entry.res
        status = res.get("status")
        if status in ("entered-in-error", "cancelled"):
            self.skip(entry, "status", status=status)
            return
        said = False  # the report held something: a result, or a part listed below
        read = {
            inner.get("id")
            for inner in res.get("contained") or []
            if isinstance(inner, dict) and id(inner) in self.read_from_report
        }
        for index, ref in enumerate(res.get("result") or []):
            said = True
            target = ref.get("reference") if isinstance(ref, dict) else None
            if isinstance(target, str) and target.startswith("#"):
                found = target[1:] in read
            else:
                found = self.resolve(ref) is not None
            if not found:
                part = _Entry(f"{entry.path}.result[{index}]", res, entry.full_url)
                self.skip(part, "report_result_missing", reference=_clip(target))
        for index, inner in enumerate(res.get("contained") or []):
            if isinstance(inner, dict) and id(inner) not in self.read_from_report:
                said = True
                part = _Entry(f"{entry.path}.contained[{index}]", res, entry.full_url)
                self.skip(part, "report_contained", kind=inner.get("resourceType"))
        codes = ", ".join(_said(x) for x in res.get("conclusionCode") or [])
        words = " ; ".join(x for x in (res.get("conclusion"), codes) if isinstance(x, str) and x)
        if words:
            said = True
            part = _Entry(f"{entry.path}.conclusion", res, entry.full_url)
            self.skip(part, "report_conclusion", text=_clip(words))
        for index, form in enumerate(res.get("presentedForm") or []):
            said = True
            part = _Entry(f"{entry.path}.presentedForm[{index}]", res, entry.full_url)
            kind = form.get("contentType") if isinstance(form, dict) else None
            self.skip(part, "report_document", kind=_clip(kind or "?"))
        if not said:
            self.skip(entry, "resource_type", kind="DiagnosticReport")

    def read_procedure(self, entry: _Entry) -> None:
        """A Procedure is not read (surgery, radiotherapy: not in the case format). One
        that gives an activity (Bq, Ci) in an extension, such as a radioiodine therapy
        with the activity in an EHR's local extension, is listed with the activity
        quoted: thyref reads I-131 only from a MedicationAdministration's dosage.dose; a
        local extension's meaning (prescribed, calibrated or given activity) is defined
        by its sender alone."""
        res = entry.res
        if res.get("status") in ("entered-in-error", "not-done"):
            self.skip(entry, "status", status=res.get("status"))
            return
        if any(
            other.res.get("resourceType") == "MedicationAdministration"
            and any(self.resolve(ref) is entry for ref in other.res.get("partOf") or [])
            for other in self.entries
        ):  # the administration that is part of it gives the activity where thyref reads it
            self.skip(entry, "resource_type", kind="Procedure")
            return
        day = _day(res.get("performedDateTime"))
        if day is None and isinstance(res.get("performedPeriod"), dict):
            day = _day(res["performedPeriod"].get("start"))
        for ext in res.get("extension") or []:
            quantity = ext.get("valueQuantity") if isinstance(ext, dict) else None
            unit = (
                (quantity.get("code") or quantity.get("unit"))
                if isinstance(quantity, dict)
                else None
            )
            if isinstance(unit, str) and re.fullmatch(r"[kMGTmuµμ]?(Bq|Ci)", unit.strip()):
                assert isinstance(quantity, dict)
                self.skip(
                    entry,
                    "procedure_activity",
                    url=_clip(ext.get("url"), 200),
                    value=_clip(quantity.get("value")),
                    unit=_clip(unit),
                    date=day or "?",
                )
                return
        self.skip(entry, "resource_type", kind="Procedure")

    def read_imaging_study(self, entry: _Entry) -> None:
        status = entry.res.get("status")
        if status in ("entered-in-error", "cancelled"):
            self.skip(entry, "status", status=status)
            return
        day = _day(entry.res.get("started"))
        if day is None:
            self.skip(entry, "imaging_no_date")
            return
        self.shot(day)


# --------------------------------------------------------------------------------------
# mappings shared with the exporter


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


def _histology_codes(res: Json) -> list[tuple[str, str]]:
    """(ICD-O-3 code, thyref histology) of every recognised coding: the mCODE extension(s)
    first, then ``Condition.code``."""
    concepts = [
        ext.get("valueCodeableConcept")
        for ext in res.get("extension") or []
        if isinstance(ext, dict) and ext.get("url") == c.HISTOLOGY_EXTENSION
    ]
    concepts.append(res.get("code"))
    found = []
    for concept in concepts:
        for coding in _codings(concept):
            code = _morphology(coding.get("code"))
            if coding.get("system") in (c.ICDO3, None) and code in c.HISTOLOGY_ICDO3:
                found.append((code, c.HISTOLOGY_ICDO3[code]))
    return found


def _histology(res: Json) -> str | None:
    found = _histology_codes(res)
    return found[0][1] if found else None


def _histologies(res: Json) -> list[tuple[str, str]]:
    """One (code, histology) per distinct histology: more than one is a contradiction
    (the codings of one CodeableConcept say the same thing; 8260/3 and 8340/3 are both
    papillary, 8260/3 and 8345/3 are not)."""
    seen: dict[str, str] = {}
    for code, word in _histology_codes(res):
        seen.setdefault(word, code)
    return [(code, word) for word, code in seen.items()]


def _morphology(code: Any) -> str | None:
    """An ICD-O-3 morphology as ``8260/3``: also read ``M-8260/3``, ``M8260/3``, ``82603``
    and a bare ``8260`` (malignant behaviour assumed)."""
    if not isinstance(code, str):
        return None
    match = re.fullmatch(r"(?:M-?)?([0-9]{4})(?:/?([0-9]))?", code.strip())
    if match is None:
        return None
    return f"{match.group(1)}/{match.group(2) or '3'}"


def _is_secondary(res: Json) -> bool:
    if c.PROFILE_SECONDARY in _profiles(res):
        return True
    code = res.get("code")
    if _has_code(code, c.SNOMED, c.SECONDARY_SNOMED):
        return True
    icd = _code_in(code, c.ICD10) + _code_in(code, c.ICD10CM)
    return any(x.startswith(("C77", "C78", "C79")) for x in icd)


def _is_primary(res: Json) -> bool:
    if c.PROFILE_PRIMARY in _profiles(res):
        return True
    code = res.get("code")
    icd = _code_in(code, c.ICD10) + _code_in(code, c.ICD10CM)
    return _has_code(code, c.SNOMED, c.THYROID_CANCER_SNOMED) or any(
        x.startswith("C73") for x in icd
    )


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
# unit (which starts with neither a digit nor a point: in "<0.1" the 1 is not a unit)
_TEXT_VALUE = re.compile(r"\s*(<=|>=|<|>)?\s*([0-9]+(?:[.,][0-9]+)?|\.[0-9]+)\s*([^\s0-9.,]\S*)\s*")


def _quantity_of_text(text: str) -> Json | None:
    """A ``valueString`` such as ``<0.1 ng/mL`` as the Quantity it says; None unless the
    whole text is a comparator, a number and a unit (``<0.1`` alone has no unit, ``see
    comment`` no number). A decimal comma (``1,5 ng/mL``, as French labs write it) is read
    when it cannot be a thousands separator: a group of three digits after it (``1,500``)
    is 1.5 in Paris and 1500 in Boston, and is not read."""
    match = _TEXT_VALUE.fullmatch(text)
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


def _gene_symbol(concept: Any) -> str | None:
    for coding in _codings(concept):
        code = coding.get("code")
        if coding.get("system") == c.HGNC and isinstance(code, str):
            if code in c.GENE_OF_HGNC:
                return c.GENE_OF_HGNC[code]
            if code.isascii() and code.isdigit() and f"HGNC:{code}" in c.GENE_OF_HGNC:
                return c.GENE_OF_HGNC[f"HGNC:{code}"]
        display = coding.get("display")
        if isinstance(display, str) and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9-]*", display):
            return display.upper()
    text = concept.get("text") if isinstance(concept, dict) else None
    if isinstance(text, str) and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9-]*", text):
        return text.upper()
    return None


_REFSEQ = re.compile(r"^[A-Z]{2}_\d+(\.\d+)?:")


def _protein_change(value: Any) -> str | None:
    """A 48005-3 value: the HGVS code (else the text) without its reference sequence
    (``NP_004324.2:p.Val600Glu`` -> ``V600E``); the sender's text when it says the same."""
    raw = next((x.get("code") for x in _codings(value) if x.get("code")), None)
    text = value.get("text") if isinstance(value, dict) else None
    raw = raw or text
    if not isinstance(raw, str) or not raw.strip():
        return None
    change = normalise_alteration(_REFSEQ.sub("", raw.strip()))
    if isinstance(text, str) and normalise_alteration(_REFSEQ.sub("", text.strip())) == change:
        return text if _REFSEQ.match(text.strip()) is None else change
    return change


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


# a component the variant reader did not use: (its index, the part it would have given
# -- gene, alteration, kind, dna (a DNA change, never read) or "" --, its code and its
# value as sent)
Unread = list[tuple[int, str, str, str]]


def variant_of(res: Json, unread: Unread | None = None) -> Json | None:
    """gene, alteration, kind and origin of a GenomicVariant (without date and sample).

    ``unread`` (when given) receives each component that said nothing the reader could use.
    """
    genes: list[str] = []
    change: str | None = None
    kind: str | None = None
    origin: str | None = None
    left: Unread = []
    for index, comp in enumerate(_components(res)):
        code = comp.get("code")
        value = comp.get("valueCodeableConcept")
        part = ""
        if _has_code(code, c.LOINC, c.GENE_STUDIED):
            symbol, part = _gene_symbol(value), "gene"
            if symbol and symbol not in genes:
                genes.append(symbol)
            if symbol:
                continue
        elif _has_code(code, c.LOINC, c.PROTEIN_CHANGE):
            read, part = _protein_change(value), "alteration"
            if read is not None:
                change = read
                continue
        elif _has_code(code, c.LOINC, c.DNA_CHANGE_TYPE):
            so = _code_in(value, c.SEQUENCE_ONTOLOGY)
            kinds = [c.KIND_OF_SO[x] for x in so if x in c.KIND_OF_SO]
            part = "kind"
            if kinds:
                kind = kinds[0]
                continue
        elif _has_code(code, c.LOINC, c.DNA_CHANGE):
            dna = next((x.get("code") for x in _codings(value) if x.get("code")), None)
            dna = dna or (value.get("text") if isinstance(value, dict) else None)
            left.append((index, "dna", _said(code), str(dna) if dna else _value_said(comp)))
            continue
        elif _has_code(code, c.LOINC, c.GENOMIC_SOURCE):
            origins = [c.ORIGIN_LOINC[x] for x in _code_in(value, c.LOINC) if x in c.ORIGIN_LOINC]
            if origins:
                origin = origins[0]
                continue
        left.append((index, part, _said(code), _value_said(comp)))
    if not genes:
        return None
    # a fusion reads 5' partner first, in the order of the components
    found: Json = {"gene": next((g for g in c.FUSION_DRIVERS if g in genes), genes[0])}
    if len(genes) == 1:
        found["gene"] = genes[0]
    elif change is None:
        change = "::".join(genes)
        kind = kind or "fusion"
    gene_ext = _extension(res, "gene")
    if gene_ext is not None and isinstance(gene_ext.get("valueString"), str):
        found["gene"] = gene_ext["valueString"]
    alteration = _extension(res, "alteration")
    if alteration is not None and "valueString" in alteration:
        change = alteration["valueString"]
    if change is not None:
        found["alteration"] = change
    kind_ext = _extension(res, "variant-kind")
    if kind_ext is not None and isinstance(kind_ext.get("valueCode"), str):
        kind = kind_ext["valueCode"]
    if kind is not None:
        found["kind"] = kind
    if origin is not None:
        found["origin"] = origin
    if unread is not None:
        # a part an extension of thyref gives is read there
        given = {"gene": gene_ext, "alteration": alteration, "kind": kind_ext}
        unread.extend(x for x in left if given.get(x[1]) is None)
    return found


# --------------------------------------------------------------------------------------
# public entry points


def _label(base: str, res: Json) -> str:
    kind = res.get("resourceType", "?")
    rid = res.get("id")
    return f"{base}.resource({kind}/{rid})" if rid else f"{base}.resource({kind})"


def _entries(data: Json | list[Json]) -> tuple[list[_Entry], list[Unmapped]]:
    """The entries with a resource, and the DELETE entries of a transaction (listed)."""
    resources: list[tuple[str, Any, Any]]
    deleted: list[Unmapped] = []
    if isinstance(data, list):
        resources = [(f"[{i}]", r, None) for i, r in enumerate(data)]
    elif isinstance(data, dict) and data.get("resourceType") == "Bundle":
        resources = []
        for i, item in enumerate(data.get("entry") or []):
            if not isinstance(item, dict):
                continue
            full = item.get("fullUrl")
            request = item.get("request")
            if (
                "resource" not in item
                and isinstance(request, dict)
                and request.get("method") == "DELETE"
            ):
                base = f"Bundle.entry[{i}]"
                deleted.append(Unmapped.of(base, "deleted_entry", url=request.get("url")))
                continue
            resources.append((f"Bundle.entry[{i}]", item.get("resource"), full))
    elif isinstance(data, dict) and "resourceType" in data:
        resources = [("", data, None)]
    else:
        raise CaseFormatError("expected a FHIR Bundle or a list of FHIR resources", "not_fhir")
    out = []
    for base, res, full in resources:
        if not isinstance(res, dict):
            raise FhirImportError(
                [Problem(base or "Bundle", "entry without a resource object", "fhir_entry")]
            )
        path = (
            _label(base, res)
            if base.startswith("Bundle")
            else f"{base}({res.get('resourceType')}/{res.get('id')})"
        )
        out.append(_Entry(path, res, full if isinstance(full, str) else None))
    return out, deleted


def bundle_to_case(data: Json | list[Json], *, case_id: str | None = None) -> ImportResult:
    """A Bundle (or one patient's resources) -> a ``thyref-case/1`` dict and what was not used.

    Raises ``FhirImportError`` (a ``CaseValidationError``) when no usable primary cancer is
    found, naming what is missing; ``CaseFormatError`` when the input is not FHIR at all.
    """
    entries, deleted = _entries(data)
    importer = _Importer(entries, case_id)
    importer.unmapped.extend(deleted)
    importer.unmapped.extend(_next_pages(data))
    return importer.run()


def _next_pages(data: Json | list[Json]) -> list[Unmapped]:
    """A searchset page's ``next`` link: the following pages were not sent, so the case
    may lack results (a Tg series cut short); listed, never followed."""
    links = data.get("link") if isinstance(data, dict) else None
    found = []
    for i, link in enumerate(links if isinstance(links, list) else []):
        if isinstance(link, dict) and link.get("relation") == "next":
            path = f"Bundle.link[{i}]"
            found.append(Unmapped.of(path, "next_page", url=_clip(link.get("url"), 300)))
    return found


def ndjson_to_case(lines: Iterable[str], *, case_id: str | None = None) -> ImportResult:
    """Per-patient NDJSON (one resource per line) -> a case; blank lines are ignored."""
    resources: list[Json] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            res = decode_json(line)
        except CaseFormatError as exc:
            if exc.code != "not_json":  # too deep, too many digits: said as such
                raise
            raise CaseFormatError(
                f"line {number} is not JSON: {exc.__cause__ or exc}", "line_not_json", line=number
            ) from exc
        if not isinstance(res, dict):
            raise CaseFormatError(
                f"line {number} is not a JSON object", "line_not_object", line=number
            )
        resources.append(res)
    return bundle_to_case(resources, case_id=case_id)


def is_fhir(data: Any) -> bool:
    """True for a decoded FHIR resource (or list of them), False for a thyref case: an
    object whose ``format`` is ``thyref-case/1`` is a case, whatever other keys it has."""
    if isinstance(data, list):
        return bool(data) and all(isinstance(x, dict) and "resourceType" in x for x in data)
    return isinstance(data, dict) and "resourceType" in data and data.get("format") != FORMAT
