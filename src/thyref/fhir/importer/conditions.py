"""Reading Conditions and BodyStructures: the primary cancer, its histology, the lesions."""

from __future__ import annotations

import re
from typing import Any

from thyref.errors import Problem
from thyref.fhir import codes as c
from thyref.fhir.importer.state import FhirImportError, Reading, _Entry, _LesionRef
from thyref.fhir.importer.values import (
    Json,
    _code_in,
    _codings,
    _day,
    _extension,
    _has_code,
    _partial_day,
    _profiles,
    _tagged_output,
)


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


class ConditionReading(Reading):
    """Conditions and BodyStructures: the diagnosis and the lesions."""

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
