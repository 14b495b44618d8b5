"""A ``thyref-case/1`` case (and its assessment) -> a FHIR R4 collection Bundle (mCODE STU4).

Inputs are written with the standard codes of ``fhir-codes.md``; what has no standard code
uses the project's CodeSystem and extensions (docs/fhir-mapping.md). The assessment, when
given, is added as resources tagged ``assessment-output`` (the importer skips them):
the refractory status with its evidence, one mCODE CancerDiseaseStatus per RECIST
timepoint, marker doubling times, and the options as a draft CarePlan of intent proposal.
"""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Any, Final

from thyref.domain.case import normalise_alteration
from thyref.domain.messages import Lang, text
from thyref.domain.options import current_drug, is_negative_result
from thyref.domain.rules import load_rules
from thyref.domain.scans import link_administration
from thyref.fhir import codes as c
from thyref.fhir.importer import variant_of

Json = dict[str, Any]
_NAMESPACE = uuid.UUID("4f1b9c1e-5d43-4c1e-9a57-3c2c5bd0a8f1")
_ONE_LETTER = {
    "A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "Q": "Gln", "E": "Glu",
    "G": "Gly", "H": "His", "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe",
    "P": "Pro", "S": "Ser", "T": "Thr", "W": "Trp", "Y": "Tyr", "V": "Val", "*": "Ter",
}  # fmt: skip
_MARKER_NAMES = {
    "thyroglobulin": "Thyroglobulin",
    "tg_antibodies": "Anti-thyroglobulin antibodies",
    "calcitonin": "Calcitonin",
    "cea": "CEA",
    "tsh": "TSH",
}


def _concept(system: str, code: str, display: str | None = None, text: str | None = None) -> Json:
    coding: Json = {"system": system, "code": code}
    if display:
        coding["display"] = display
    out: Json = {"coding": [coding]}
    if text:
        out["text"] = text
    return out


def _own(code: str, text: str | None = None) -> Json:
    return _concept(c.THYREF, code, c.THYREF_DISPLAY.get(code), text)


def _absent(reason: str) -> Json:
    """The data-absent-reason extension (``masked``, ``unknown``...)."""
    return {"url": c.DATA_ABSENT_REASON, "valueCode": reason}


# US Core Condition Problems and Health Concerns (the parent of mCODE's cancer conditions):
# category 1..*, one of problem-list-item or health-concern
_PROBLEM_LIST: Final = _concept(c.CONDITION_CATEGORY, "problem-list-item", "Problem List Item")


def _ext(name: str, **value: Any) -> Json:
    return {"url": c.extension_url(name), **value}


def hgvs_protein(alteration: str) -> str | None:
    """``V600E`` -> ``p.Val600Glu`` (None when not a one-letter substitution)."""
    one = normalise_alteration(alteration)
    match = re.fullmatch(r"([A-Z])([0-9]+)([A-Z*])", one)
    if not match or match.group(1) not in _ONE_LETTER or match.group(3) not in _ONE_LETTER:
        return None
    return f"p.{_ONE_LETTER[match.group(1)]}{match.group(2)}{_ONE_LETTER[match.group(3)]}"


class _Writer:
    def __init__(self, case: Json) -> None:
        self.case = case
        self.case_id = str(case.get("id", "case"))
        self.entries: list[Json] = []
        self.lesion_refs: dict[str, str] = {}

    def url(self, key: str) -> str:
        """The fullUrl the resource added under ``key`` gets (known before adding it)."""
        return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{self.case_id}/{key}')}"

    def add(self, key: str, res: Json, output: bool = False) -> str:
        rid = str(uuid.uuid5(_NAMESPACE, f"{self.case_id}/{key}"))
        res = {"resourceType": res.pop("resourceType"), "id": rid, **res}
        if output:
            meta = res.setdefault("meta", {})
            meta["tag"] = [
                {"system": c.THYREF, "code": c.ASSESSMENT_TAG, "display": "Computed by thyref"}
            ]
        url = f"urn:uuid:{rid}"
        self.entries.append({"fullUrl": url, "resource": res})
        return url

    @property
    def subject(self) -> Json:
        return {"reference": self.patient}

    # -- inputs ----------------------------------------------------------------------
    def patient_and_diagnosis(self) -> None:
        patient = self.case.get("patient") or {}
        res: Json = {
            "resourceType": "Patient",
            "meta": {"profile": [c.PROFILE_PATIENT]},
            "identifier": [{"system": c.CASE_ID_SYSTEM, "value": self.case_id}],
            # CancerPatient is US Core Patient (name 1..*, us-core-6: a name or a
            # data-absent-reason): thyref holds pseudonyms only, never a name
            "name": [{"extension": [_absent("masked")]}],
        }
        if patient.get("sex"):
            res["gender"] = patient["sex"]
        else:
            # US Core Patient gender 1..1: not known to thyref (absent, not "unknown")
            res["_gender"] = {"extension": [_absent("unknown")]}
        if patient.get("birth_year") is not None:
            res["birthDate"] = f"{int(patient['birth_year']):04d}"
        self.patient = self.add("patient", res)

        diagnosis = self.case["diagnosis"]
        code, display = c.HISTOLOGY_EXPORT[diagnosis["histology"]]
        extensions: list[Json] = [
            {
                "url": c.HISTOLOGY_EXTENSION,
                "valueCodeableConcept": _concept(c.ICDO3, code, display),
            }
        ]
        if diagnosis.get("extent"):
            extensions.append(_ext("extent", valueCode=diagnosis["extent"]))
        if diagnosis.get("primary_sample_date"):
            extensions.append(
                _ext("primary-sample-date", valueDate=diagnosis["primary_sample_date"])
            )
        self.condition = self.add(
            "condition/primary",
            {
                "resourceType": "Condition",
                "meta": {"profile": [c.PROFILE_PRIMARY]},
                "extension": extensions,
                "category": [_PROBLEM_LIST],
                "verificationStatus": _concept(c.VERIFICATION_STATUS, "confirmed"),
                "code": {
                    "coding": [
                        {
                            "system": c.SNOMED,
                            "code": c.THYROID_CANCER_SNOMED,
                            "display": "Malignant tumor of thyroid gland",
                        },
                        {"system": c.ICD10, "code": "C73"},
                    ]
                },
                "bodySite": [_concept(c.SNOMED, "69748006", "Thyroid structure")],
                "subject": self.subject,
                "onsetDateTime": diagnosis["date"],
            },
        )

    def lesions(self) -> None:
        secondary_sites: list[str] = []
        for i, lesion in enumerate(self.case.get("lesions") or []):
            site = lesion["site"]
            res: Json = {
                "resourceType": "BodyStructure",
                # mCODE Tumor: the bodyStructureIdentifier slice (BodyStructureIdentifier:
                # type resource-types#BodyStructure, use usual, a value) 1..*
                "identifier": [
                    {
                        "use": "usual",
                        "type": _concept(c.RESOURCE_TYPES, "BodyStructure"),
                        "system": f"{c.BASE}/NamingSystem/lesion-id",
                        "value": lesion["id"],
                    }
                ],
                "patient": self.subject,
            }
            if site in c.SITE_EXPORT:
                # Tumor's location is 1..1: a lesion of site "other" (no code) does not
                # claim the profile
                res["meta"] = {"profile": [c.PROFILE_TUMOR]}
            extensions = []
            if lesion.get("recist_role"):
                extensions.append(_ext("recist-role", valueCode=lesion["recist_role"]))
            for key in ("innumerable", "confirmed"):
                if lesion.get(key) is not None:
                    extensions.append(_ext(key, valueBoolean=lesion[key]))
            if extensions:
                res["extension"] = extensions
            if site in c.SITE_EXPORT:
                code, display, qualifier = c.SITE_EXPORT[site]
                res["location"] = _concept(c.SNOMED, code, display)
                if qualifier:
                    res["locationQualifier"] = [
                        _concept(c.SNOMED, qualifier, c.QUALIFIER_DISPLAY[qualifier])
                    ]
            self.lesion_refs[lesion["id"]] = self.add(f"lesion/{i}", res)
            if site in c.SITE_EXPORT and site != "thyroid_bed" and site not in secondary_sites:
                secondary_sites.append(site)
        for site in secondary_sites:
            code, display, qualifier = c.SITE_EXPORT[site]
            body = _concept(c.SNOMED, code, display)
            if qualifier:
                body["extension"] = [
                    {
                        "url": c.LOCATION_QUALIFIER_EXTENSION,
                        "valueCodeableConcept": _concept(
                            c.SNOMED, qualifier, c.QUALIFIER_DISPLAY[qualifier]
                        ),
                    }
                ]
            self.add(
                f"condition/secondary/{site}",
                {
                    "resourceType": "Condition",
                    "meta": {"profile": [c.PROFILE_SECONDARY]},
                    "category": [_PROBLEM_LIST],
                    "verificationStatus": _concept(c.VERIFICATION_STATUS, "confirmed"),
                    "code": _concept(
                        c.SNOMED, c.SECONDARY_SNOMED, "Secondary malignant neoplastic disease"
                    ),
                    "bodySite": [body],
                    "subject": self.subject,
                },
            )
        for i, lesion in enumerate(self.case.get("lesions") or []):
            ref = {"reference": self.lesion_refs[lesion["id"]]}
            uptake = lesion.get("rai_uptake", "unknown")
            if uptake in ("yes", "no"):
                self.add(
                    f"uptake/{i}",
                    self.observation(c.RAI_UPTAKE, focus=[ref], valueBoolean=uptake == "yes"),
                )
            for code, key in c.LESION_FLAGS.items():
                if lesion.get(key) is not None:
                    self.add(
                        f"lesion-flag/{i}/{code}",
                        self.observation(code, focus=[ref], valueBoolean=lesion[key]),
                    )

    def observation(self, code: str, **fields: Any) -> Json:
        return {
            "resourceType": "Observation",
            "status": "final",
            "code": _own(code),
            "subject": self.subject,
            **fields,
        }

    def rai(self) -> None:
        self.rai_refs: dict[str, str] = {}
        for i, rai in enumerate(self.case.get("rai") or []):
            res: Json = {
                "resourceType": "MedicationAdministration",
                "status": "completed",
                "medicationCodeableConcept": _concept(
                    c.ATC, c.I131_ATC, "sodium iodide (131I)", "Iodine-131 (sodium iodide)"
                ),
                "subject": self.subject,
                "effectiveDateTime": rai["date"],
                "dosage": {
                    "dose": {
                        "value": rai["activity"],
                        "unit": rai["unit"],
                        "system": c.UCUM,
                        "code": rai["unit"],
                    }
                },
            }
            if rai.get("response"):
                res["extension"] = [_ext("rai-response", valueCode=rai["response"])]
            self.rai_refs.setdefault(rai["date"], self.add(f"rai/{i}", res))

    def scans(self) -> None:
        """Each whole-body scan as an Observation (LOINC 42175-0) whose ``hasMember`` are
        its findings, one Observation per lesion (``focus`` -> the BodyStructure)."""
        link_days = load_rules().input.post_therapy_scan_link_days
        given = [date.fromisoformat(day) for day in self.rai_refs]
        for i, scan in enumerate(self.case.get("scans") or []):
            day = scan["date"]
            findings = scan.get("findings") or {}
            members = [f"scans/{i}/finding/{lid}" for lid in findings]
            components: list[Json] = [
                {"code": _own(c.SCAN_KIND), "valueCodeableConcept": _own(_dash(scan["kind"]))}
            ]
            if scan.get("preparation"):
                components.append(
                    {
                        "code": _own(c.SCAN_PREPARATION),
                        "valueCodeableConcept": _own(scan["preparation"]),
                    }
                )
            if scan.get("tsh") is not None:
                code, display = c.LAB_EXPORT["tsh"]
                components.append(
                    {
                        "code": _concept(c.LOINC, code, display),
                        "valueQuantity": {
                            "value": scan["tsh"],
                            "unit": "mU/L",
                            "system": c.UCUM,
                            "code": "m[IU]/L",
                        },
                    }
                )
            if scan.get("iodine_contamination"):
                components.append(
                    {
                        "code": _own(c.IODINE_CONTAMINATION),
                        "valueCodeableConcept": _own(scan["iodine_contamination"]),
                    }
                )
            scan_code = _concept(c.LOINC, c.WHOLE_BODY_SCAN, "Radionuclide scan of whole body")
            scan_code["coding"].append(
                {"system": c.THYREF, "code": c.IODINE_SCAN, "display": "Whole-body iodine scan"}
            )
            res: Json = {
                "resourceType": "Observation",
                "status": "final",
                "category": [_concept(c.OBSERVATION_CATEGORY, "imaging", "Imaging")],
                "code": scan_code,
                "subject": self.subject,
                "effectiveDateTime": day,
                "component": components,
            }
            rai_date = scan.get("rai_date")
            derived = False
            if rai_date is None and scan["kind"] == "post_therapy":
                linked = link_administration(date.fromisoformat(day), given, link_days)
                rai_date, derived = (linked.isoformat() if linked else None), True
            if rai_date is not None and rai_date in self.rai_refs:
                res["partOf"] = [{"reference": self.rai_refs[rai_date]}]
                if derived:
                    res["extension"] = [_ext(c.SCAN_RAI_DERIVED, valueBoolean=True)]
            elif rai_date is not None and not derived:
                res["extension"] = [_ext("scan-rai-date", valueDate=rai_date)]
            if members:
                res["hasMember"] = [{"reference": self.url(key)} for key in members]
            scan_url = self.add(f"scans/{i}", res)
            for key, (lid, finding) in zip(members, findings.items(), strict=True):
                value = _own(_dash(finding))
                if finding in ("yes", "no"):
                    positive = finding == "yes"
                    value["coding"].append(
                        {
                            "system": c.SNOMED,
                            "code": c.POSITIVE_SNOMED if positive else c.NEGATIVE_SNOMED,
                            "display": "Positive" if positive else "Negative",
                        }
                    )
                self.add(
                    key,
                    {
                        "resourceType": "Observation",
                        "status": "final",
                        "category": [_concept(c.OBSERVATION_CATEGORY, "imaging", "Imaging")],
                        "code": _own(c.SCAN_FINDING),
                        "subject": self.subject,
                        "focus": [{"reference": self.lesion_refs[lid]}],
                        "effectiveDateTime": day,
                        "derivedFrom": [{"reference": scan_url}],
                        "valueCodeableConcept": value,
                    },
                )

    def imaging(self) -> None:
        for i, shot in enumerate(self.case.get("imaging") or []):
            day = shot["date"]
            study = self.add(
                f"imaging/{i}",
                {
                    "resourceType": "ImagingStudy",
                    "status": "available",
                    "subject": self.subject,
                    "started": day,
                },
            )
            part_of = [{"reference": study}]
            for lid, size in (shot.get("measurements") or {}).items():
                self.add(
                    f"imaging/{i}/size/{lid}",
                    {
                        "resourceType": "Observation",
                        "meta": {"profile": [c.PROFILE_TUMOR_SIZE]},
                        "partOf": part_of,
                        "status": "final",
                        "category": [_concept(c.OBSERVATION_CATEGORY, "imaging", "Imaging")],
                        "code": _concept(c.LOINC, c.TUMOR_SIZE, "Tumor size"),
                        "subject": self.subject,
                        "focus": [{"reference": self.lesion_refs[lid]}],
                        "effectiveDateTime": day,
                        "component": [
                            {
                                "code": _concept(
                                    c.LOINC, c.LONGEST_DIMENSION, "Longest tumor dimension"
                                ),
                                "valueQuantity": {
                                    "value": size,
                                    "unit": "mm",
                                    "system": c.UCUM,
                                    "code": "mm",
                                },
                            }
                        ],
                    },
                )
            for lid, status in (shot.get("non_target") or {}).items():
                value = _own(status.replace("_", "-"))
                value["coding"][0]["display"] = status.replace("_", " ")
                self.add(
                    f"imaging/{i}/non-target/{lid}",
                    self.observation(
                        c.NON_TARGET_STATUS,
                        partOf=part_of,
                        focus=[{"reference": self.lesion_refs[lid]}],
                        effectiveDateTime=day,
                        valueCodeableConcept=value,
                    ),
                )
            if shot.get("new_lesions"):
                self.add(
                    f"imaging/{i}/new",
                    self.observation(
                        c.NEW_LESIONS, partOf=part_of, effectiveDateTime=day, valueBoolean=True
                    ),
                )
            if shot.get("assessed_response"):
                response = shot["assessed_response"]
                self.add(
                    f"imaging/{i}/asserted",
                    self.observation(
                        c.ASSESSED_RESPONSE,
                        partOf=part_of,
                        effectiveDateTime=day,
                        valueCodeableConcept=_concept(c.THYREF, response, response),
                    ),
                )

    def labs(self) -> None:
        self.lab_refs: dict[str, list[Json]] = {}
        for i, lab in enumerate(self.case.get("labs") or []):
            code, display = c.LAB_EXPORT[lab["test"]]
            ucum = c.UCUM_OF_CASE_UNIT.get(lab["unit"], lab["unit"])
            quantity: Json = {
                "value": lab["value"],
                "unit": lab["unit"],
                "system": c.UCUM,
                "code": ucum,
            }
            if lab.get("below_detection"):
                quantity["comparator"] = "<"
            res: Json = {
                "resourceType": "Observation",
                "status": "final",
                "category": [_concept(c.OBSERVATION_CATEGORY, "laboratory", "Laboratory")],
                "code": _concept(c.LOINC, code, display),
                "subject": self.subject,
                "effectiveDateTime": lab["date"],
                "valueQuantity": quantity,
            }
            if lab.get("positive") is not None:
                flag = "POS" if lab["positive"] else "NEG"
                res["interpretation"] = [
                    _concept(c.INTERPRETATION, flag, "Positive" if lab["positive"] else "Negative")
                ]
            if lab.get("upper_limit") is not None:
                res["referenceRange"] = [
                    {
                        "high": {
                            "value": lab["upper_limit"],
                            "unit": lab["unit"],
                            "system": c.UCUM,
                            "code": ucum,
                        }
                    }
                ]
            url = self.add(f"lab/{i}", res)
            self.lab_refs.setdefault(lab["test"], []).append({"reference": url})

    def molecular(self) -> None:
        for i, item in enumerate(self.case.get("molecular") or []):
            res = genomic_variant(item, self.subject)
            self.add(f"molecular/{i}", res)

    def clinical(self) -> None:
        clinical = self.case.get("clinical") or {}
        for code, key in c.CLINICAL_FLAGS.items():
            if clinical.get(key) is not None:
                self.add(f"clinical/{code}", self.observation(code, valueBoolean=clinical[key]))
        drug = clinical.get("on_systemic_therapy")
        if isinstance(drug, str) and current_drug(drug, load_rules()):  # not "none", "-"
            self.add(
                "clinical/systemic-therapy",
                {
                    "resourceType": "MedicationStatement",
                    "status": "active",
                    "medicationCodeableConcept": {"text": drug},
                    "subject": self.subject,
                },
            )

    # -- assessment ------------------------------------------------------------------------
    def assessment(self, a: Json) -> None:
        as_of = (a.get("engine") or {}).get("as_of")
        lang: Lang = "en" if (a.get("engine") or {}).get("lang") == "en" else "fr"
        when = {"effectiveDateTime": as_of} if as_of else {}
        refractory = a["refractory"]
        focus = [{"reference": self.condition}]
        for ev in refractory.get("evidence") or []:
            for lid in ev.get("lesions") or []:
                ref = {"reference": self.lesion_refs[lid]} if lid in self.lesion_refs else None
                if ref and ref not in focus:
                    focus.append(ref)
        components = [
            {
                "code": _own(c.CRITERION_MET),
                "valueCodeableConcept": _concept(
                    c.THYREF, ev["criterion"], ev["criterion"], ev.get("detail")
                ),
            }
            for ev in refractory.get("evidence") or []
        ]
        evidenced = {ev["criterion"] for ev in refractory.get("evidence") or []}
        components += [
            {"code": _own(c.CRITERION_MET), "valueCodeableConcept": _concept(c.THYREF, crit, crit)}
            for crit in refractory.get("criteria_met") or []
            if crit not in evidenced
        ]
        labels = refractory.get("missing_data_labels") or []
        for j, missing in enumerate(refractory.get("missing_data") or []):
            label = labels[j] if j < len(labels) else None
            components.append(
                {
                    "code": _own(c.MISSING_DATA),
                    "valueCodeableConcept": _concept(c.THYREF, missing, None, label),
                }
            )
        status = refractory["status"]
        res: Json = self.observation(
            c.REFRACTORY_STATUS,
            focus=focus,
            **when,
            valueCodeableConcept=_concept(
                c.THYREF, status.replace("_", "-"), status.replace("_", " ")
            ),
        )
        if components:
            res["component"] = components
        notes = [ev["detail"] for ev in refractory.get("evidence") or [] if ev.get("detail")]
        notes += list(refractory.get("notes") or [])
        if notes:
            res["note"] = [{"text": n} for n in notes]
        self.add("assessment/refractory", res, output=True)

        recist = a.get("recist") or {}
        for i, tp in enumerate(recist.get("timepoints") or []):
            overall = tp["overall_response"]
            code, display = c.DISEASE_STATUS_SNOMED.get(overall, c.DISEASE_STATUS_UNDETERMINED)
            self.add(
                f"assessment/disease-status/{i}",
                {
                    "resourceType": "Observation",
                    "meta": {"profile": [c.PROFILE_DISEASE_STATUS]},
                    "extension": [
                        {
                            "url": c.EVIDENCE_TYPE_EXTENSION,
                            "valueCodeableConcept": _concept(
                                c.SNOMED, c.IMAGING_EVIDENCE_SNOMED, "Imaging"
                            ),
                        },
                        # CancerDiseaseStatus has no component (NotUsed): the RECIST
                        # response itself is a thyref extension
                        _ext(
                            c.RECIST_RESPONSE,
                            valueCodeableConcept=_concept(c.THYREF, overall, overall),
                        ),
                    ],
                    "status": "final",
                    "category": [_concept(c.OBSERVATION_CATEGORY, "survey", "Survey")],
                    "code": _concept(c.LOINC, c.DISEASE_STATUS, "Tumor disease status"),
                    "subject": self.subject,
                    "focus": [{"reference": self.condition}],
                    "effectiveDateTime": tp["date"],
                    "valueCodeableConcept": _concept(c.SNOMED, code, display),
                },
                output=True,
            )

        for marker, k in (a.get("kinetics") or {}).items():
            name = _MARKER_NAMES.get(marker, marker)
            components = [
                {
                    "code": _own(c.KINETICS_STATUS),
                    "valueCodeableConcept": _concept(c.THYREF, k["status"], k["status"]),
                }
            ]
            if k.get("halving_time_days") is not None:
                components.append(
                    {"code": _own(c.HALVING_TIME), "valueQuantity": _days(k["halving_time_days"])}
                )
            res = self.observation(c.DOUBLING_TIME, **when, component=components)
            res["code"] = _own(c.DOUBLING_TIME, f"{name} doubling time")
            if marker in c.LAB_EXPORT:
                loinc, display = c.LAB_EXPORT[marker]
                res["code"]["coding"].append({"system": c.LOINC, "code": loinc, "display": display})
            if k.get("doubling_time_days") is not None:
                res["valueQuantity"] = _days(k["doubling_time_days"])
            else:
                res["dataAbsentReason"] = _concept(
                    "http://terminology.hl7.org/CodeSystem/data-absent-reason",
                    "not-applicable",
                    "Not Applicable",
                )
            refs = getattr(self, "lab_refs", {}).get(marker)
            if refs:
                res["derivedFrom"] = refs
            self.add(f"assessment/kinetics/{marker}", res, output=True)

        recommendations = a.get("recommendations") or []
        if recommendations:
            self.add(
                "assessment/options",
                options_care_plan(recommendations, self.subject, self.condition, lang),
                output=True,
            )


def options_care_plan(
    recommendations: list[Json], subject: Json, condition: str | None = None, lang: Lang = "fr"
) -> Json:
    """The options as a CarePlan: status draft, intent proposal (the tumour board decides)."""
    plan: Json = {
        "resourceType": "CarePlan",
        "status": "draft",
        "intent": "proposal",
        "title": text("fhir.careplan.title", lang),
        "description": text("fhir.careplan.description", lang),
        "subject": subject,
        "activity": [
            {
                "detail": {
                    "code": _concept(c.THYREF, r["id"], r.get("title") or r["id"]),
                    "status": "not-started",
                    "description": r.get("rationale") or r.get("title") or r["id"],
                    "extension": [_ext("priority", valueCode=r["priority"])],
                }
            }
            for r in recommendations
        ],
    }
    if condition is not None:
        plan["addresses"] = [{"reference": condition}]
    return plan


def _dash(code: str) -> str:
    """A case vocabulary word as a CodeSystem code: ``post_therapy`` -> ``post-therapy``."""
    return code.replace("_", "-")


def _days(value: float) -> Json:
    return {"value": value, "unit": "d", "system": c.UCUM, "code": "d"}


def genomic_variant(item: Json, subject: Json) -> Json:
    """One ``molecular[]`` item as an mCODE GenomicVariant; extensions only where needed."""
    gene = str(item["gene"])
    alteration = item.get("alteration")
    kind = item.get("kind")
    genes = [gene]
    if kind == "fusion" and isinstance(alteration, str) and "::" in alteration:
        parts = [p.strip().upper() for p in alteration.split("::") if p.strip()]
        if gene.upper() in parts and all(re.fullmatch(r"[A-Z0-9][A-Z0-9-]*", p) for p in parts):
            genes = parts
    components: list[Json] = []
    for symbol in genes:
        hgnc = c.HGNC_IDS.get(symbol.upper())
        concept = _concept(c.HGNC, hgnc, symbol.upper()) if hgnc else {"text": symbol}
        components.append(
            {
                "code": _concept(c.LOINC, c.GENE_STUDIED, "Gene studied"),
                "valueCodeableConcept": concept,
            }
        )
    hgvs = hgvs_protein(alteration) if isinstance(alteration, str) and len(genes) == 1 else None
    if hgvs is not None:
        value = _concept(c.HGVS, hgvs, None, alteration)
        components.append(
            {
                "code": _concept(c.LOINC, c.PROTEIN_CHANGE, "Amino acid change"),
                "valueCodeableConcept": value,
            }
        )
    if kind:
        so, display = c.KIND_SO[kind]
        components.append(
            {
                "code": _concept(c.LOINC, c.DNA_CHANGE_TYPE, "DNA change type"),
                "valueCodeableConcept": _concept(c.SEQUENCE_ONTOLOGY, so, display),
            }
        )
    if item.get("origin"):
        code, display = c.ORIGIN_EXPORT[item["origin"]]
        components.append(
            {
                "code": _concept(c.LOINC, c.GENOMIC_SOURCE, "Genomic source class"),
                "valueCodeableConcept": _concept(c.LOINC, code, display),
            }
        )
    res: Json = {
        "resourceType": "Observation",
        "meta": {"profile": [c.PROFILE_GENOMIC_VARIANT]},
        "status": "final",
        "category": [_concept(c.OBSERVATION_CATEGORY, "laboratory", "Laboratory")],
        "code": _concept(c.LOINC, c.GENOMIC_VARIANT, "Genetic variant assessment"),
        "subject": subject,
        # a negative result ("wild-type") is LA9634-2 Absent, never a variant Present
        "valueCodeableConcept": _concept(c.LOINC, c.VARIANT_ABSENT, "Absent")
        if is_negative_result(alteration, load_rules())
        else _concept(c.LOINC, c.VARIANT_PRESENT, "Present"),
        "component": components,
    }
    if item.get("date"):
        res["effectiveDateTime"] = item["date"]
    # what the standard codes alone would give back; extensions say the rest
    read = variant_of(res) or {}
    extensions = []
    if read.get("gene") != gene:
        extensions.append(_ext("gene", valueString=gene))
    if read.get("alteration") != alteration and alteration is not None:
        extensions.append(_ext("alteration", valueString=alteration))
    if read.get("kind") != kind and kind is not None:
        extensions.append(_ext("variant-kind", valueCode=kind))
    if item.get("sample"):
        extensions.append(_ext("sample", valueCode=item["sample"]))
    if extensions:
        res["extension"] = extensions
    return res


def case_to_bundle(case: Json, assessment: Json | None = None) -> Json:
    """A FHIR R4 collection Bundle of the case inputs and, when given, its assessment."""
    writer = _Writer(case)
    writer.patient_and_diagnosis()
    writer.lesions()
    writer.rai()
    writer.scans()
    writer.imaging()
    writer.labs()
    writer.molecular()
    writer.clinical()
    if assessment is not None:
        writer.assessment(assessment)
    bundle_id = str(uuid.uuid5(_NAMESPACE, f"{writer.case_id}/bundle"))
    return {
        "resourceType": "Bundle",
        "id": bundle_id,
        "type": "collection",
        "entry": writer.entries,
    }
