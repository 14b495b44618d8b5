"""Reading treatments: I-131 administrations, medicine statements, procedures, imaging studies."""

from __future__ import annotations

import re
from decimal import Decimal

from thyref.fhir import codes as c
from thyref.fhir.importer.state import Reading, _Entry
from thyref.fhir.importer.values import (
    Json,
    _activity_said,
    _clip,
    _codings,
    _day,
    _dose_unit,
    _effective,
    _extension,
    _has_code,
    _medicine_name,
    _number,
    _plain,
)


class TreatmentReading(Reading):
    """I-131 administrations, medicine statements, procedures, imaging studies."""

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
