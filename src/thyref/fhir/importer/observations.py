"""Reading Observations: lesion sizes, laboratory results, scans and findings, variants."""

from __future__ import annotations

from thyref.domain.options import is_negative_result
from thyref.domain.rules import load_rules
from thyref.fhir import codes as c
from thyref.fhir.importer.molecular import Unread, variant_of
from thyref.fhir.importer.state import Reading, _Entry
from thyref.fhir.importer.values import (
    Json,
    _clip,
    _code_in,
    _codings,
    _components,
    _day,
    _effective,
    _extension,
    _finding,
    _has_code,
    _has_effective,
    _has_value,
    _lab_unit,
    _local,
    _millimetres,
    _number,
    _plain,
    _profiles,
    _quantity_of_text,
    _reason,
    _said,
    _stimulation,
    _uptake,
)


class ObservationReading(Reading):
    """Observations: sizes, laboratory results, scans and their findings, variants, and
    thyref's own codes."""

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
