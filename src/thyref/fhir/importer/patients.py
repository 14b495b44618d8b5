"""Reading Patient resources: one person per case, merged and linked records."""

from __future__ import annotations

import re
from typing import Any

from thyref.domain.case import (
    ID_PATTERN,
)
from thyref.errors import Problem
from thyref.fhir import codes as c
from thyref.fhir.importer.state import FhirImportError, Reading, _Entry
from thyref.fhir.importer.values import Json, _clip


class PatientReading(Reading):
    """Patient resources: the record, merged and linked records, one person only."""

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
