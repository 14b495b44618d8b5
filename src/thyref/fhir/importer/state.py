"""The import's state (``Reading``) and its result types."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from thyref.errors import CaseValidationError
from thyref.fhir.importer.values import Json
from thyref.fhir.unused import Unmapped, Unused


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


@dataclass(slots=True)
class _Entry:
    path: str
    res: Json
    full_url: str | None


@dataclass(slots=True)
class _LesionRef:
    lesion_id: str
    site: str


class Reading:
    """What the import has read so far, and the helpers every reader uses: each kind of
    resource is read by a mixin of its own module (patients, conditions, observations,
    treatments, reports); ``bundle._Importer`` puts them together."""

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
