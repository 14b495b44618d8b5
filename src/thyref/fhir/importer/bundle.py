"""The import as a whole: the entries of a Bundle or NDJSON, de-duplicated, checked and read
by every reader in turn (``_Importer``), into a ``thyref-case/1`` case.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from thyref.domain.case import (
    FORMAT,
    decode_json,
)
from thyref.errors import CaseFormatError, Problem
from thyref.fhir.importer.conditions import ConditionReading
from thyref.fhir.importer.observations import ObservationReading
from thyref.fhir.importer.patients import PatientReading
from thyref.fhir.importer.reports import ReportReading
from thyref.fhir.importer.state import FhirImportError, ImportResult, _Entry
from thyref.fhir.importer.structure import _structure_error
from thyref.fhir.importer.treatments import TreatmentReading
from thyref.fhir.importer.values import Json, _clip, _tagged_output, _version
from thyref.fhir.unused import Unmapped


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


class _Importer(
    PatientReading, ConditionReading, ObservationReading, TreatmentReading, ReportReading
):
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
                    # both clipped: a fraction of second may be any number of digits
                    self.note(part, "datetime_spelling", value=_clip(value), r4=_clip(r4),
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
