"""The case model: a patient's thyroid-cancer history in the ``thyref-case/1`` format.

Validation reports every problem at once, each at a dotted path such as
``rai[0].activity`` or ``imaging[1].measurements.L9``; nothing is half-applied.
Lab values are converted to canonical units on the way in (see the rules data file).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Any, Literal

import orjson
from pydantic import (
    Field,
    StringConstraints,
    ValidationError,
)

from thyref.domain.construct import SURROGATE, construct
from thyref.domain.fields import ISO_DATE, Flag, FrozenModel, IsoDate, items
from thyref.domain.rules import Rules, load_rules
from thyref.domain.scans import Scan, ScanRecord, scan_problems, with_scans
from thyref.errors import CaseFormatError, CaseValidationError, Problem

FORMAT = "thyref-case/1"
MAX_BYTES = 5 * 1024 * 1024
# Nesting of arrays and objects a case may have (a valid case needs 4; extra fields may
# hold more). Deeper JSON is refused as a whole: Python's decoder fails near 1,000 levels.
MAX_DEPTH = 254  # orjson's bound: a case within it is checked without a walk
ID_PATTERN = r"^[A-Za-z0-9._-]{1,64}$"


class Histology(StrEnum):
    papillary = "papillary"
    follicular = "follicular"
    oncocytic = "oncocytic"
    poorly_differentiated = "poorly_differentiated"
    anaplastic = "anaplastic"
    medullary = "medullary"


class Category(StrEnum):
    differentiated = "differentiated"
    anaplastic = "anaplastic"
    medullary = "medullary"


class Extent(StrEnum):
    locoregional = "locoregional"
    locally_advanced = "locally_advanced"
    metastatic = "metastatic"


class Site(StrEnum):
    thyroid_bed = "thyroid_bed"
    lymph_node_cervical_central = "lymph_node_cervical_central"
    lymph_node_cervical_lateral = "lymph_node_cervical_lateral"
    lymph_node_mediastinal_upper = "lymph_node_mediastinal_upper"
    lymph_node_mediastinal_lower = "lymph_node_mediastinal_lower"
    lung = "lung"
    pleura = "pleura"
    bone = "bone"
    brain = "brain"
    liver = "liver"
    skin = "skin"
    soft_tissue = "soft_tissue"
    other = "other"


LabTest = Literal["thyroglobulin", "tg_antibodies", "tsh", "calcitonin", "cea"]
LabUnit = Literal[
    "ng/mL", "ug/L", "pg/mL", "ng/L", "mU/L", "mUI/L", "m[IU]/L", "IU/mL", "UI/mL", "[IU]/mL"
]
NonTargetStatus = Literal["present", "absent", "unequivocal_progression"]
Response = Literal["CR", "PR", "SD", "PD", "NE"]

CaseId = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
LesionId = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Millimetres = Annotated[float, Field(ge=0, allow_inf_nan=False, strict=True)]

_CATEGORY = {
    Histology.papillary: Category.differentiated,
    Histology.follicular: Category.differentiated,
    Histology.oncocytic: Category.differentiated,
    Histology.poorly_differentiated: Category.differentiated,
    Histology.anaplastic: Category.anaplastic,
    Histology.medullary: Category.medullary,
}


class Patient(FrozenModel):
    sex: Literal["female", "male", "other", "unknown"] | None = None
    birth_year: Annotated[int, Field(strict=True)] | None = None


class Diagnosis(FrozenModel):
    histology: Histology
    date: IsoDate
    extent: Extent | None = None
    primary_sample_date: IsoDate | None = None


class RaiAdministration(FrozenModel):
    date: IsoDate
    activity: Annotated[float, Field(gt=0, allow_inf_nan=False, strict=True)]
    unit: Literal["mCi", "GBq", "MBq"]
    response: Literal["regressing", "stable", "progressing", "unknown"] | None = None


class Lesion(FrozenModel):
    id: LesionId
    site: Site
    rai_uptake: Literal["yes", "no", "unknown"] = "unknown"
    recist_role: Literal["target", "non_target"] | None = None
    innumerable: Flag = False
    symptomatic: Flag | None = None
    locally_treatable: Flag | None = None
    confirmed: Flag = False

    @property
    def is_node(self) -> bool:
        return self.site.startswith("lymph_node_")


class Imaging(FrozenModel):
    date: IsoDate
    measurements: dict[str, Millimetres] = Field(default_factory=dict)
    non_target: dict[str, NonTargetStatus] = Field(default_factory=dict)
    new_lesions: Flag = False
    assessed_response: Response | None = None


class Lab(FrozenModel):
    date: IsoDate
    test: LabTest
    value: Annotated[float, Field(ge=0, allow_inf_nan=False, strict=True)]
    unit: LabUnit
    positive: Flag | None = None
    below_detection: Flag = False
    upper_limit: Annotated[float, Field(ge=0, allow_inf_nan=False, strict=True)] | None = None


class Molecular(FrozenModel):
    gene: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]*$")]
    alteration: str | None = None
    kind: Literal["mutation", "fusion", "amplification"] | None = None
    origin: Literal["somatic", "germline"] | None = None
    sample: Literal["primary", "metastasis", "blood"] | None = None
    date: IsoDate | None = None

    @property
    def gene_upper(self) -> str:
        return self.gene.upper()

    @property
    def protein_change(self) -> str:
        """The alteration as a one-letter protein change (``p.Val600Glu`` -> ``V600E``)."""
        return normalise_alteration(self.alteration or "")

    @property
    def is_fusion(self) -> bool:
        """Kind ``fusion``, or the alteration says one: "fusion", "::" (HGVS), and, when
        the kind is not given, "rearrangement" or "translocation", or the gene joined to a
        partner by "-" or "/" ("CCDC6-RET", "ETV6-NTRK3", "NCOA4/RET": read as a
        mutation, they opened no targeted therapy)."""
        alt = (self.alteration or "").lower()
        if self.kind == "fusion" or "fusion" in alt or "::" in alt:
            return True
        if self.kind is not None:
            return False
        if any(word in alt for word in _FUSION_WORDS):
            return True
        gene = self.gene_upper
        return any(gene in pair for pair in _GENE_PAIR.findall(alt.upper()))

    @property
    def is_mutation(self) -> bool:
        return self.kind == "mutation" or (self.kind is None and not self.is_fusion)

    def involves(self, gene: str) -> bool:
        """The gene itself, or a fusion naming it as partner (``ETV6::NTRK3``)."""
        gene = gene.upper()
        if self.gene_upper == gene:
            return True
        return self.is_fusion and gene in _partners(self.alteration or "")

    def matches(self, gene: str, alteration: str | None = None) -> bool:
        """Gene (case-insensitive) and, when given, alteration (``*`` = any)."""
        if not self.involves(gene):
            return False
        if alteration is None or alteration == "*":
            return True
        return self.protein_change == normalise_alteration(alteration)


# words of a fusion written without "fusion" (kind not given)
_FUSION_WORDS = ("rearrangement", "réarrangement", "translocation")
# two gene symbols joined by "-" or "/": "CCDC6-RET", "NCOA4/RET"
_GENE_PAIR = re.compile(r"\b([A-Z][A-Z0-9]{1,14})\s*[-/]\s*([A-Z][A-Z0-9]{1,14})\b")

_AMINO = {
    "ALA": "A", "ARG": "R", "ASN": "N", "ASP": "D", "CYS": "C", "GLN": "Q", "GLU": "E",
    "GLY": "G", "HIS": "H", "ILE": "I", "LEU": "L", "LYS": "K", "MET": "M", "PHE": "F",
    "PRO": "P", "SER": "S", "THR": "T", "TRP": "W", "TYR": "Y", "VAL": "V", "TER": "*",
}  # fmt: skip


@lru_cache(maxsize=4096)
def _partners(alteration: str) -> tuple[str, ...]:
    """The gene names in a fusion text (``ETV6::NTRK3`` -> ETV6, NTRK3), upper-case."""
    return tuple(re.split(r"[^A-Z0-9]+", alteration.upper()))


# "p." after a space, a comma, a semicolon, a colon or a bracket: the protein part of a
# longer HGVS line
_PROTEIN_PART = re.compile(r"(?:[\s,;:(])[pP]\.\(?([A-Za-z]{1,3}[0-9]+(?:[A-Za-z]{1,3}|\*))\)?")


# the parts of a result reporting several findings, and a protein change in one-letter form
# (one pattern for every reader of a result: the protein change here, negative results in
# ``options.is_negative_result``)
RESULT_PARTS = re.compile(r"[,;+]|\b(?:and|et|with|avec)\b", re.IGNORECASE)
_ONE_LETTER = re.compile(r"[A-Z][0-9]+(?:[A-Z]|\*)")


@lru_cache(maxsize=4096)  # a pure function of a short text; cases repeat the same ones
def normalise_alteration(alteration: str) -> str:
    """Upper-case one-letter form of a protein change: ``p.Val600Glu`` -> ``V600E``.

    A lab report's full line gives the DNA change first (``c.1799T>A p.(Val600Glu)``,
    ``NM_002524.5:c.182A>G p.(Gln61Arg)``): its protein change is the one read. A result
    in parts (``V600E, TERT negative``, ``p.V600E; TERT promoter wild type``) gives the
    protein change of its first part that has one."""
    if RESULT_PARTS.search(alteration):
        for part in RESULT_PARTS.split(alteration):
            one = normalise_alteration(part)
            if _ONE_LETTER.fullmatch(one):
                return one
    found = _PROTEIN_PART.search(alteration)
    if found and alteration.strip()[:2].lower() != "p.":
        alteration = found.group(1)
    alt = alteration.strip().replace(" ", "")
    if alt[:2].lower() == "p.":
        alt = alt[2:]
    alt = alt.strip("()")
    three = re.fullmatch(r"([A-Za-z]{3})([0-9]+)([A-Za-z]{3})", alt)
    if three and three.group(1).upper() in _AMINO and three.group(3).upper() in _AMINO:
        return _AMINO[three.group(1).upper()] + three.group(2) + _AMINO[three.group(3).upper()]
    return alt.upper()


class Clinical(FrozenModel):
    symptomatic: Flag | None = None
    locally_treatable: Flag | None = None
    standard_treatment_possible: Flag | None = None
    brain_metastases_bleeding_risk: Flag | None = None
    on_systemic_therapy: str | None = None


class RawCase(FrozenModel):
    """The structure of a case as received (units not yet converted)."""

    format: str
    id: CaseId
    patient: Patient = Field(default_factory=Patient)
    diagnosis: Diagnosis
    rai: list[RaiAdministration] = Field(default_factory=list)
    lesions: list[Lesion] = Field(default_factory=list)
    imaging: list[Imaging] = Field(default_factory=list)
    labs: list[Lab] = Field(default_factory=list)
    molecular: list[Molecular] = Field(default_factory=list)
    clinical: Clinical = Field(default_factory=Clinical)
    scans: list[Scan] = Field(default_factory=list)


@dataclass(slots=True)
class LabValue:
    """A lab result in its canonical unit (``value`` as an exact decimal)."""

    index: int
    date: dt.date
    test: str
    value: Decimal
    unit: str
    positive: bool | None
    below_detection: bool
    upper_limit: Decimal | None


# Measurements and lab values repeat a lot across a case and a cohort: their exact
# decimals are kept (bounded). Only non-zero finite floats are kept: 0.0 and -0.0 are
# equal keys with different decimals, an int and its float too (``11`` and ``11.0``).
_EXACT: dict[float, Decimal] = {}
_EXACT_MAX = 65536


def exact(value: float | int) -> Decimal:
    """``Decimal(repr(value))``: the number as written in JSON, remembered for floats."""
    if type(value) is not float:
        return Decimal(repr(value))
    out = _EXACT.get(value)
    if out is None:
        out = Decimal(repr(value))
        if value and math.isfinite(value):
            if len(_EXACT) >= _EXACT_MAX:
                _EXACT.clear()
            _EXACT[value] = out
    return out


@dataclass(frozen=True, eq=False)
class Case:
    """A validated case: ``raw`` is the input structure, ``labs`` the canonical values.

    Derived views (sorted imaging, per-lesion series) are computed once, at load time.
    """

    raw: RawCase
    labs: tuple[LabValue, ...]
    source: dict[str, Any]
    shots: tuple[Imaging, ...] = field(init=False)
    _series: dict[str, list[tuple[dt.date, Decimal]]] = field(init=False, repr=False)
    _lesions: dict[str, Lesion] = field(init=False, repr=False)
    shot_mm: tuple[dict[str, Decimal], ...] = field(init=False, repr=False)
    nodes: frozenset[str] = field(init=False, repr=False)
    _labs_by_test: dict[str, list[LabValue]] = field(init=False, repr=False)
    scan_history: tuple[ScanRecord, ...] = ()

    def __post_init__(self) -> None:
        shots = tuple(sorted(self.raw.imaging, key=lambda i: i.date))
        series: dict[str, list[tuple[dt.date, Decimal]]] = {}
        shot_mm = []
        known = _EXACT.get
        for shot in shots:
            day = shot.date
            sizes: dict[str, Decimal] = {}
            for lesion_id, size in shot.measurements.items():
                # exact(size), with the lookup of a remembered float inlined
                mm = known(size) if type(size) is float else None
                if mm is None:
                    mm = exact(size)
                sizes[lesion_id] = mm
                run = series.get(lesion_id)
                if run is None:
                    series[lesion_id] = [(day, mm)]
                else:
                    run.append((day, mm))
            shot_mm.append(sizes)
        object.__setattr__(self, "shots", shots)
        object.__setattr__(self, "shot_mm", tuple(shot_mm))
        nodes = frozenset(lesion.id for lesion in self.raw.lesions if lesion.is_node)
        object.__setattr__(self, "nodes", nodes)
        by_test: dict[str, list[LabValue]] = {}
        for lab in self.labs:
            by_test.setdefault(lab.test, []).append(lab)
        object.__setattr__(self, "_labs_by_test", by_test)
        object.__setattr__(self, "_series", series)
        object.__setattr__(self, "_lesions", {lesion.id: lesion for lesion in self.raw.lesions})

    @property
    def id(self) -> str:
        return self.raw.id

    @property
    def has_scans(self) -> bool:
        """``scans[]`` given and not empty (an empty list is treated as absent)."""
        return bool(self.scan_history)

    @property
    def category(self) -> Category:
        return _CATEGORY[self.raw.diagnosis.histology]

    @property
    def histology(self) -> Histology:
        return self.raw.diagnosis.histology

    def is_distant(self, lesion: Lesion, rules: Rules) -> bool:
        return lesion.site not in rules.refractoriness.locoregional_sites

    def extent(self, rules: Rules) -> Extent | None:
        """The override if given, else derived from the lesions (None when no lesion)."""
        if self.raw.diagnosis.extent is not None:
            return self.raw.diagnosis.extent
        if any(self.is_distant(lesion, rules) for lesion in self.raw.lesions):
            return Extent.metastatic
        return Extent.locoregional if self.raw.lesions else None

    def extent_is_derived(self) -> bool:
        return self.raw.diagnosis.extent is None

    def imaging_sorted(self) -> tuple[Imaging, ...]:
        return self.shots

    def rai_sorted(self) -> list[RaiAdministration]:
        return sorted(self.raw.rai, key=lambda r: r.date)

    def lesion(self, lesion_id: str) -> Lesion:
        return self._lesions[lesion_id]

    def measurement_series(self, lesion_id: str) -> list[tuple[dt.date, Decimal]]:
        """Every measurement of a lesion, in date order, as exact decimals (mm)."""
        return self._series.get(lesion_id, [])

    def labs_of(self, test: str) -> list[LabValue]:
        """The values of one test (canonical units), in input order."""
        return self._labs_by_test.get(test, [])

    def latest_measurement(self, lesion_id: str) -> Decimal | None:
        series = self._series.get(lesion_id)
        return series[-1][1] if series else None

    def to_json(self) -> dict[str, Any]:
        """The case as ``thyref-case/1`` JSON, as it was received."""
        return dict(self.source)


# --------------------------------------------------------------------------------------
# Loading and validation


def _path(loc: Iterable[int | str]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _message(err: Mapping[str, Any]) -> str:
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return "required field is missing"
    if kind in ("enum", "literal_error"):
        expected = ctx.get("expected", "")
        return f"unknown value {shown_input(err.get('input'))}; expected one of {expected}"
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern", "")
        return f"{shown_input(err.get('input'))} does not match the pattern {pattern}"
    return str(err.get("msg", "invalid value"))


_SHOWN_MAX = 40


def shown_input(value: Any) -> str:
    """A short readable form of a value as received: a text, number or flag as Python
    quotes it (``'F'``, ``12.5``), anything else as JSON (``null``, ``["f"]``, ``{}``);
    cut at 40 characters."""
    if isinstance(value, str | int | float | bool):
        out = repr(value)
    else:
        try:
            out = json.dumps(value, ensure_ascii=False, default=str)
        except (ValueError, RecursionError):  # pragma: no cover - decoded JSON dumps
            out = type(value).__name__
    if len(out) > _SHOWN_MAX:
        out = out[: _SHOWN_MAX - 3] + "..."
    # a lone surrogate cannot be printed: written as its escape
    return out.encode("utf-8", "backslashreplace").decode("utf-8")


def choices(expected: str) -> str:
    """The validator's list of allowed values without its English "or" (``'a', 'b' or
    'c'`` -> ``'a', 'b', 'c'``): the catalogue's sentence says it in the reader's words."""
    head, sep, last = expected.rpartition(" or ")
    return f"{head}, {last}" if sep else expected


def validator_params(err: Mapping[str, Any]) -> dict[str, str]:
    """Values a translated message may quote from a validator's error: its constraint
    (``expected`` as a plain list of values) and the input as received (``shown_input``)."""
    ctx = err.get("ctx") or {}
    out = {str(k): str(v) for k, v in ctx.items()}
    if "expected" in out and err.get("type") in ("enum", "literal_error"):
        out["expected"] = choices(out["expected"])
    if "input" in err and err.get("type") != "missing":  # a missing field's is its parent
        out["input"] = shown_input(err["input"])
    return out


def _params(err: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """Values a translated message may quote: the input and the constraint."""
    return tuple(sorted(validator_params(err).items()))


def _structure_problems(exc: ValidationError) -> list[Problem]:
    problems = []
    for err in exc.errors():
        loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
        # pydantic adds the tag of a union branch, e.g. 'int' or 'float'; drop it
        problems.append(Problem(_path(loc), _message(err), str(err["type"]), _params(err)))
    return problems


# Decoded JSON holds plain dicts: ``isinstance(x, dict)`` is much faster than the
# ``Mapping`` ABC check, and parse_case turns any other mapping into a dict first.


def _number(value: Any) -> Decimal | None:
    """A JSON number as an exact decimal; None for anything else (booleans, NaN, infinity)."""
    kind = type(value)
    if kind is int:
        return Decimal(value)
    if kind is float and math.isfinite(value):
        return Decimal(repr(value))
    return None


def _shown(value: Any) -> str:
    """A number as typed, cut short when it is absurdly long."""
    out = repr(value)
    return out if len(out) <= 24 else out[:20] + "..."


# keyed by id(rules); the entry keeps the rules alive so that id cannot be reused
_UNITS: dict[int, tuple[Rules, frozenset[str]]] = {}


def _known_units(rules: Rules) -> frozenset[str]:
    """Every lab unit the rules know, for any test (computed once per rule set)."""
    cached = _UNITS.get(id(rules))
    if cached is None:
        units = frozenset(u for spec in rules.labs.values() for u in spec.factors)
        cached = _UNITS[id(rules)] = (rules, units)
    return cached[1]


def _semantic_problems(obj: dict[str, Any], rules: Rules, today: date) -> list[Problem]:
    """Cross-field checks, run on the raw JSON so they report even when the structure fails."""
    problems: list[Problem] = []

    fmt = obj.get("format")
    if fmt is not None and fmt != FORMAT:
        problems.append(
            Problem(
                "format",
                f"unsupported format {fmt!r}; expected {FORMAT!r}",
                "format_unsupported",
                (("input", repr(fmt)), ("expected", FORMAT)),
            )
        )

    patient = obj.get("patient")
    if isinstance(patient, dict):
        year = patient.get("birth_year")
        in_range = isinstance(year, bool) or not isinstance(year, int) or 1900 <= year <= today.year
        if not in_range:
            problems.append(
                Problem(
                    "patient.birth_year",
                    f"must be between 1900 and {today.year}",
                    "birth_year_range",
                    (("max", str(today.year)),),
                )
            )

    today_iso = today.isoformat()
    bounds = rules.input
    min_iso = bounds.min_date.isoformat()

    def check_date(path: str, value: Any) -> None:
        """Future or too-early dates; a malformed one is reported by the structure check."""
        # ISO YYYY-MM-DD strings sort as the dates they name; a date inside the bounds
        # needs no further look (the pattern is checked only for one that is outside)
        if type(value) is not str or min_iso <= value <= today_iso:
            return
        if len(value) != 10 or ISO_DATE.fullmatch(value) is None:
            return
        if value > today_iso:
            problems.append(
                Problem(path, f"date {value} is in the future", "future_date", (("date", value),))
            )
        elif value < min_iso:
            problems.append(
                Problem(
                    path,
                    f"date {value} is before {min_iso}",
                    "date_too_early",
                    (("date", value), ("min", min_iso)),
                )
            )

    diagnosis = obj.get("diagnosis")
    if isinstance(diagnosis, dict):
        check_date("diagnosis.date", diagnosis.get("date"))
        check_date("diagnosis.primary_sample_date", diagnosis.get("primary_sample_date"))
    listed = {key: items(obj, key) for key in ("rai", "imaging", "labs", "molecular", "scans")}
    for key, entries in listed.items():
        for i, item in entries:
            day = item.get("date")
            # the common case (a date text inside the bounds) without a call
            if type(day) is not str or not min_iso <= day <= today_iso:
                check_date(f"{key}[{i}].date", day)
    for i, item in listed["scans"]:
        check_date(f"scans[{i}].rai_date", item.get("rai_date"))

    per_unit = {"mCi": rules.units.mbq_per_mci, "GBq": rules.units.mbq_per_gbq, "MBq": Decimal(1)}
    max_mbq = bounds.max_rai_activity_mbq
    for i, item in listed["rai"]:
        activity, unit = item.get("activity"), item.get("unit")
        factor = per_unit.get(unit) if type(unit) is str else None
        amount = _number(activity)
        if factor is not None and amount is not None and amount * factor > max_mbq:
            gbq = f"{(max_mbq / rules.units.mbq_per_gbq).normalize():f}"
            mci = f"{max_mbq / rules.units.mbq_per_mci:.0f}"
            problems.append(
                Problem(
                    f"rai[{i}].activity",
                    f"{_shown(activity)} {unit} is above the plausible bound of {gbq} GBq "
                    f"({mci} mCi) for one administration",
                    "activity_too_high",
                    (("input", f"{_shown(activity)} {unit}"), ("gbq", gbq), ("mci", mci)),
                )
            )

    declared: dict[str, int] = {}
    for i, lesion in items(obj, "lesions"):
        lid = lesion.get("id")
        if isinstance(lid, str):
            if lid in declared:
                problems.append(
                    Problem(
                        f"lesions[{i}].id",
                        f"duplicate lesion id {lid!r} (also lesions[{declared[lid]}])",
                        "duplicate_lesion",
                        (("id", lid), ("other", str(declared[lid]))),
                    )
                )
            else:
                declared[lid] = i
        if lesion.get("innumerable") is True and lesion.get("recist_role") == "target":
            problems.append(
                Problem(
                    f"lesions[{i}].recist_role",
                    "an innumerable group cannot be a target",
                    "innumerable_target",
                )
            )

    imaging = listed["imaging"]
    if imaging and not declared:
        problems.append(
            Problem("lesions", "imaging is given but no lesion is declared", "no_lesions")
        )
    seen_dates: dict[str, int] = {}
    near_limit = float(bounds.max_measurement_mm) * 0.999
    for i, item in imaging:
        day = item.get("date")
        if isinstance(day, str):
            if day in seen_dates:
                problems.append(
                    Problem(
                        f"imaging[{i}].date",
                        f"two imaging timepoints on {day} (also imaging[{seen_dates[day]}])",
                        "duplicate_imaging_date",
                        (("date", day), ("other", str(seen_dates[day]))),
                    )
                )
            else:
                seen_dates[day] = i
        sizes = item.get("measurements")
        if isinstance(sizes, dict):
            limit = bounds.max_measurement_mm
            for lid, size in sizes.items():
                kind = type(size)
                if (kind is float or kind is int) and size <= near_limit:
                    # well below the bound (int and float compare exactly): the exact
                    # decimal cannot exceed it
                    continue
                amount = _number(size)
                if amount is not None and amount > limit:
                    problems.append(
                        Problem(
                            f"imaging[{i}].measurements.{lid}",
                            f"{_shown(size)} mm is above the plausible bound of {limit} mm",
                            "measurement_too_high",
                            (("input", _shown(size)), ("max", str(limit))),
                        )
                    )
        for key in ("measurements", "non_target"):
            mapping = item.get(key)
            if isinstance(mapping, dict) and declared:
                for lid in mapping:
                    if lid not in declared:
                        problems.append(
                            Problem(
                                f"imaging[{i}].{key}.{lid}",
                                f"lesion {lid!r} is not declared in lesions",
                                "undeclared_lesion",
                                (("id", str(lid)),),
                            )
                        )

    problems.extend(scan_problems(obj, declared, rules))

    known_units = _known_units(rules)
    specs = rules.labs
    for i, lab in listed["labs"]:
        test, unit = lab.get("test"), lab.get("unit")
        if isinstance(unit, str) and unit in known_units and isinstance(test, str):
            spec = specs.get(test)
            allowed = spec.factors if spec is not None else None
            if allowed is not None and unit not in allowed:
                problems.append(
                    Problem(
                        f"labs[{i}].unit",
                        f"unit {unit!r} does not fit the test {test!r}; "
                        f"use one of {', '.join(allowed)}",
                        "unit_mismatch",
                        (("unit", unit), ("test", test), ("allowed", ", ".join(allowed))),
                    )
                )
    return problems


def _unrepresentable_labs(labs: tuple[LabValue, ...]) -> list[Problem]:
    """Lab values whose canonical value overflows a float (reported, never turned to inf)."""
    return [
        Problem(f"labs[{lab.index}].value", "a finite number is expected", "finite_number")
        for lab in labs
        if not _fits_float(lab.value)
        or (lab.upper_limit is not None and not _fits_float(lab.upper_limit))
    ]


def _fits_float(value: Decimal) -> bool:
    """The finite decimal ``value`` is a finite float. Below 10**308 it always is (the
    largest float is about 1.8e308), which spares the conversion (through text)."""
    return value.adjusted() < 308 or math.isfinite(float(value))


def _canonical_labs(raw: RawCase, rules: Rules) -> tuple[LabValue, ...]:
    units = rules.lab_units()
    out = []
    for i, lab in enumerate(raw.labs):
        canonical, factors = units[lab.test]
        factor = factors[lab.unit]
        value = exact(lab.value)
        upper = None if lab.upper_limit is None else exact(lab.upper_limit)
        if factor is not None:
            value *= factor
            upper = None if upper is None else upper * factor
        out.append(
            LabValue(
                i, lab.date, lab.test, value, canonical, lab.positive, lab.below_detection, upper
            )
        )
    return tuple(out)


def _has_surrogate(text: str) -> bool:
    return not text.isascii() and SURROGATE.search(text) is not None


def _check_text_and_depth(obj: dict[str, Any]) -> None:
    """Refuse a case nested deeper than MAX_DEPTH (``CaseFormatError``) or holding a lone
    surrogate (U+D800..U+DFFF, half of a UTF-16 pair that JSON's ``\\ud800`` escape can
    write) in any key or text (``CaseValidationError``, each at its path): such a text
    cannot be printed, stored or sent on. Checked without recursion.

    A valid case is passed by orjson in a few microseconds: it refuses a lone surrogate
    and nesting beyond 254 levels (MAX_DEPTH), so only what it refuses (or cannot write:
    a huge integer, a key that is not text) is walked here to find the problem."""
    try:
        orjson.dumps(obj)
        return
    except (orjson.JSONEncodeError, TypeError):
        pass
    found = False
    stack: list[tuple[Any, int]] = [(obj, 1)]
    while stack:
        value, depth = stack.pop()
        kind = type(value)
        if kind is str:
            found = found or _has_surrogate(value)
        elif kind is dict:
            if depth > MAX_DEPTH:
                raise CaseFormatError.too_deep(MAX_DEPTH)
            for key, child in value.items():
                found = found or (type(key) is str and _has_surrogate(key))
                stack.append((child, depth + 1))
        elif kind is list:
            if depth > MAX_DEPTH:
                raise CaseFormatError.too_deep(MAX_DEPTH)
            stack.extend((child, depth + 1) for child in value)
    if found:
        raise CaseValidationError(_surrogate_problems(obj))


def _surrogate_problems(obj: dict[str, Any]) -> list[Problem]:
    """Every key or text holding a lone surrogate, at its path (a key written escaped)."""
    problems: list[Problem] = []
    stack: list[tuple[Any, str]] = [(obj, "")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            match = SURROGATE.search(value)
            if match:
                problems.append(_surrogate_problem(path, match.group()))
        elif isinstance(value, dict):
            for key, child in value.items():
                name = str(key)
                match = SURROGATE.search(name)
                if match:
                    shown = ascii(name)
                    problems.append(
                        _surrogate_problem(f"{path}.{shown}" if path else shown, match.group())
                    )
                    continue
                stack.append((child, f"{path}.{name}" if path else name))
        elif isinstance(value, list):
            stack.extend((child, f"{path}[{i}]") for i, child in enumerate(value))
    return problems


def _surrogate_problem(path: str, character: str) -> Problem:
    code = f"U+{ord(character):04X}"
    return Problem(
        path,
        f"contains {code}, a lone half of a character (Unicode surrogate), which is not allowed",
        "lone_surrogate",
        (("character", code),),
    )


def parse_case(
    obj: object,
    *,
    today: date | None = None,
    rules: Rules | None = None,
    one_shot: bool = False,
) -> Case:
    """Validate a decoded JSON object as a case; raise with every problem at once.

    ``one_shot``: the process checks this one case and exits (``thyref assess FILE``); a
    valid case is then built without making pydantic build its validator (``construct``),
    which would cost more than the whole rest of the work. Same result either way."""
    if not isinstance(obj, Mapping):
        raise CaseFormatError("a case must be a JSON object", "not_object")
    data: dict[str, Any] = (
        obj if isinstance(obj, dict) else json.loads(json.dumps(dict(obj), default=str))
    )
    _check_text_and_depth(data)
    rules = rules or load_rules()
    today = today or date.today()
    problems = _semantic_problems(data, rules, today)
    raw: RawCase | None = None
    if one_shot and not problems:
        raw = construct(RawCase, data)
    if raw is None:
        try:
            raw = RawCase.model_validate(data)
        except ValidationError as exc:
            problems.extend(_structure_problems(exc))
    if problems:
        unique = list(dict.fromkeys(problems))
        raise CaseValidationError(unique)
    assert raw is not None
    try:
        labs = _canonical_labs(raw, rules)
    except (InvalidOperation, KeyError) as exc:  # pragma: no cover - guarded above
        raise CaseValidationError([Problem("labs", f"cannot convert units: {exc}")]) from exc
    overflow = _unrepresentable_labs(labs)
    if overflow:
        raise CaseValidationError(overflow)
    history: tuple[ScanRecord, ...] = ()
    if raw.scans:
        raw, history = with_scans(raw, rules)
    return Case(raw=raw, labs=labs, source=dict(data), scan_history=history)


def load_case(
    text: str | bytes,
    *,
    today: date | None = None,
    rules: Rules | None = None,
    one_shot: bool = False,
) -> Case:
    """Parse JSON text (at most 5 MB) into a validated case (``one_shot``: see parse_case)."""
    size = len(text.encode("utf-8", "surrogatepass")) if isinstance(text, str) else len(text)
    if size > MAX_BYTES:
        raise CaseFormatError.too_large(size, MAX_BYTES)
    return parse_case(decode_json(text), today=today, rules=rules, one_shot=one_shot)


def _whole_number(text: str) -> int:
    """A JSON integer; one longer than Python converts (4,300 digits) is a format error."""
    bound = sys.get_int_max_str_digits()
    digits = len(text) - text.startswith("-")
    if bound and digits > bound:
        raise CaseFormatError.number_digits(digits, bound)
    return int(text)


def decode_json(text: str | bytes) -> Any:
    """JSON text decoded; ``CaseFormatError`` when it is not JSON, nested too deeply for
    the decoder, or holds an integer too long to convert (never another exception)."""
    try:
        return json.loads(text, parse_int=_whole_number)
    except RecursionError:
        raise CaseFormatError.too_deep(MAX_DEPTH) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CaseFormatError.not_json(exc) from exc


def category_of(histology: Histology) -> Category:
    return _CATEGORY[histology]


def is_lesion_id(value: str) -> bool:
    return re.fullmatch(ID_PATTERN, value) is not None
