"""The case editor: form fields <-> ``thyref-case/1`` JSON, and problem paths -> fields.

Field names are the case's own dotted paths (``rai[0].activity``), so a validation
problem lands next to its field. Everything typed is kept as text in ``EditorState``
and sent back as typed: a value that does not parse is passed to the validator as is,
which reports it at its path, and the form shows it again unchanged.
Imaging is a grid: ``imaging[i].cell[k]`` is the value of lesion row ``k`` at scan ``i``
(a number in mm, or a non-target state). Iodine scans likewise: ``scans[i].finding[k]`` is
the finding for lesion row ``k`` on scan ``i`` (``findings`` in the case).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from thyref.domain.messages import Lang, problem_text, text
from thyref.errors import CaseFormatError
from thyref.web.case_input import limits, read_json

JsonObject = dict[str, Any]

CASE_FORMAT = "thyref-case/1"
SECTIONS = ("rai", "lesions", "scans", "imaging", "labs", "molecular")
SCALARS = {
    "patient": ("sex", "birth_year"),
    "diagnosis": ("histology", "date", "extent", "primary_sample_date"),
    "clinical": (
        "symptomatic",
        "locally_treatable",
        "standard_treatment_possible",
        "brain_metastases_bleeding_risk",
        "on_systemic_therapy",
    ),
}
ROW_FIELDS = {
    "rai": ("date", "activity", "unit", "response"),
    "lesions": (
        "id",
        "site",
        "rai_uptake",
        "recist_role",
        "innumerable",
        "symptomatic",
        "locally_treatable",
        "confirmed",
    ),
    "scans": ("date", "kind", "rai_date", "preparation", "tsh", "iodine_contamination"),
    "imaging": ("date", "new_lesions", "assessed_response"),
    "labs": ("date", "test", "value", "unit", "positive", "below_detection", "upper_limit"),
    "molecular": ("gene", "alteration", "kind", "origin", "sample", "date"),
}
# Fields holding a key: a row with all of them empty is an unused row and is skipped.
ROW_KEYS = {
    "rai": ("date", "activity"),
    "lesions": ("id", "site"),
    "scans": ("date", "kind"),
    "imaging": ("date",),
    "labs": ("date", "value"),
    "molecular": ("gene", "alteration"),
}
NUMBERS = {
    "patient.birth_year": int,
    "rai.activity": float,
    "labs.value": float,
    "labs.upper_limit": float,
    "scans.tsh": float,
}
# Per-lesion cells of a row: imaging measurements or states, scan findings.
CELL = {"imaging": "cell", "scans": "finding"}
BOOLEANS = {  # tri-state selects ('' = not assessed) and checkboxes
    "clinical.symptomatic",
    "clinical.locally_treatable",
    "clinical.standard_treatment_possible",
    "clinical.brain_metastases_bleeding_risk",
    "lesions.innumerable",
    "lesions.symptomatic",
    "lesions.locally_treatable",
    "lesions.confirmed",
    "imaging.new_lesions",
    "labs.positive",
    "labs.below_detection",
}
NON_TARGET_STATES = ("present", "absent", "unequivocal_progression")
# What a clinician may type in a grid cell for a non-target lesion, in either language.
NON_TARGET_WORDS = {
    "present": "present",
    "présent": "present",
    "présente": "present",
    "presente": "present",
    "absent": "absent",
    "absente": "absent",
    "unequivocal_progression": "unequivocal_progression",
    "progression": "unequivocal_progression",
    "pd": "unequivocal_progression",
}
EXTRA = "_extra"
CHOICE_CODES = {"enum", "literal_error"}  # problems of a value outside a vocabulary
_NUMBER = re.compile(r"^[+-]?([0-9]+([.,][0-9]*)?|[.,][0-9]+)([eE][+-]?[0-9]+)?$")
_TOKEN = re.compile(r"^([A-Za-z_]+)(?:\[([0-9]+)\])?$")


def field_id(name: str) -> str:
    """An HTML id for a field name (``rai[0].activity`` -> ``f-rai-0-activity``)."""
    return "f-" + re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-")


# The errors key of the version note (the form's ``note`` field, no part of the case).
NOTE_FIELD = "version_note"


def error_anchor(name: str) -> str:
    """The id an error summary's link goes to: the field itself; for a row (``rai[2]``) or
    a section (``diagnosis``), which are no field, the slot where their message is said
    (``e-f-rai-2``, from the ``errs`` macro); for the whole case, the form."""
    if not name:
        return "editor-form"
    if name == NOTE_FIELD:
        return "note"
    return field_id(name) if "." in name or name == "id" else f"e-{field_id(name)}"


def _text(value: Any) -> str:
    """A JSON value as the form shows it: ``100`` stays ``100``, ``12.0`` stays ``12.0``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _number(text: str, kind: type) -> Any:
    """``12,5`` -> 12.5, ``100`` -> 100, ``100.0`` -> 100.0: the number as typed.

    Text that is not a number is returned as is (the validator says so).
    """
    clean = text.strip().replace("\u202f", "").replace(" ", "")
    if not _NUMBER.match(clean):
        return text
    if not any(mark in clean for mark in ".,eE"):
        return int(clean)
    value = float(clean.replace(",", "."))
    return int(value) if kind is int and value.is_integer() else value


def _bool(text: str) -> Any:
    lowered = text.strip().lower()
    if lowered in {"true", "on", "yes", "1"}:
        return True
    if lowered in {"false", "no", "0"}:
        return False
    return text


@dataclass
class EditorState:
    """The editor's content: every field as typed, plus JSON it does not show."""

    values: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SECTIONS, 0))
    extra: JsonObject = field(default_factory=dict)

    def get(self, name: str) -> str:
        return self.values.get(name, "")

    def rows(self, section: str) -> range:
        return range(self.counts.get(section, 0))

    def lesion_ids(self) -> list[str]:
        return [self.get(f"lesions[{k}].id").strip() for k in self.rows("lesions")]

    def lesion_uses_states(self, k: int) -> bool:
        """Does the grid column of lesion row ``k`` hold non-target states (a select)?"""
        if self.get(f"lesions[{k}].recist_role") == "non_target":
            return True
        if self.get(f"lesions[{k}].innumerable") == "true":
            return True
        cells = [self.get(f"imaging[{i}].cell[{k}]").strip() for i in self.rows("imaging")]
        return any(c in NON_TARGET_STATES for c in cells) and not any(
            c and c not in NON_TARGET_STATES for c in cells
        )

    def grid_signature(self) -> str:
        """Changes when the grid's columns (lesion ids, widgets) must be redrawn."""
        parts = [
            f"{self.get(f'lesions[{k}].id')}:{int(self.lesion_uses_states(k))}"
            for k in self.rows("lesions")
        ]
        return f"{self.counts.get('imaging', 0)}|" + ",".join(parts)

    # ------------------------------------------------------------ rows

    def add_row(self, section: str) -> int:
        index = self.counts[section]
        self.counts[section] = index + 1
        if section == "rai":
            self.values[f"rai[{index}].unit"] = self.get(f"rai[{index - 1}].unit") or "mCi"
        return index

    def remove_row(self, section: str, index: int) -> None:
        if not 0 <= index < self.counts.get(section, 0):
            return
        prefix = re.compile(rf"^{section}\[([0-9]+)\](.*)$")
        moved: dict[str, str] = {}
        for name, value in self.values.items():
            match = prefix.match(name)
            if match is None:
                moved[name] = value
                continue
            row = int(match.group(1))
            if row == index:
                continue
            moved[f"{section}[{row - 1 if row > index else row}]{match.group(2)}"] = value
        if section == "lesions":  # the lesion's grid column goes too
            cell = re.compile(
                r"^((?:imaging\[[0-9]+\]\.cell)|(?:scans\[[0-9]+\]\.finding))\[([0-9]+)\]$"
            )
            shifted: dict[str, str] = {}
            for name, value in moved.items():
                match = cell.match(name)
                if match is None:
                    shifted[name] = value
                elif int(match.group(2)) != index:
                    column = int(match.group(2))
                    shifted[f"{match.group(1)}[{column - 1 if column > index else column}]"] = value
            moved = shifted
        self.values = moved
        self.counts[section] -= 1

    # ------------------------------------------------------------ from JSON / form

    @classmethod
    def from_case(cls, case: Mapping[str, Any]) -> EditorState:
        """The editor state of a (possibly invalid) case object."""
        state = cls()
        known_top = {"format", "id", *SCALARS, *SECTIONS}
        state.extra = {k: v for k, v in case.items() if k not in known_top}
        if "format" in case and case["format"] != CASE_FORMAT:
            state.extra["format"] = case["format"]
        state.values["id"] = _text(case.get("id"))
        for group, names in SCALARS.items():
            block = case.get(group)
            if block is None:
                continue
            if not isinstance(block, Mapping):
                state.extra[group] = block
                continue
            for name in names:
                if name in block:
                    state.values[f"{group}.{name}"] = _text(block[name])
            rest = {k: v for k, v in block.items() if k not in names}
            if rest:
                state.values[f"{group}.{EXTRA}"] = json.dumps(rest, ensure_ascii=False)
        lesion_rows: dict[str, int] = {}
        for section in SECTIONS:
            items = case.get(section)
            if items is None:
                continue
            if not isinstance(items, list):
                state.extra[section] = items
                continue
            for item in items:
                if not isinstance(item, Mapping):
                    continue
                row = state.counts[section]
                state.counts[section] += 1
                base = f"{section}[{row}]"
                for name in ROW_FIELDS[section]:
                    if name in item:
                        state.values[f"{base}.{name}"] = _text(item[name])
                rest = {
                    k: v
                    for k, v in item.items()
                    if k not in ROW_FIELDS[section]
                    and k not in {"measurements", "non_target", "findings"}
                }
                if section == "lesions":
                    lesion_rows.setdefault(_text(item.get("id")).strip(), row)
                if section == "imaging":
                    unplaced: JsonObject = {}
                    for key in ("measurements", "non_target"):
                        cells = item.get(key)
                        if cells is None:
                            continue
                        if not isinstance(cells, Mapping):
                            unplaced[key] = cells
                            continue
                        for lesion, value in cells.items():
                            column = lesion_rows.get(str(lesion).strip())
                            if column is None or f"{base}.cell[{column}]" in state.values:
                                unplaced.setdefault(key, {})[lesion] = value
                            else:
                                state.values[f"{base}.cell[{column}]"] = _text(value)
                    rest.update(unplaced)
                if section == "scans":
                    rest.update(_place_findings(state, base, item.get("findings"), lesion_rows))
                if rest:
                    state.values[f"{base}.{EXTRA}"] = json.dumps(rest, ensure_ascii=False)
        return state

    @classmethod
    def from_form(cls, form: Iterable[tuple[str, Any]]) -> EditorState:
        """The state posted by the editor form (unknown names are ignored)."""
        state = cls()
        row_name = re.compile(r"^(" + "|".join(SECTIONS) + r")\[([0-9]+)\]\.")
        for name, raw in form:
            if not isinstance(raw, str) or len(name) > 80:
                continue
            if name == "extra":
                loaded = read_hidden_json(raw)
                state.extra = loaded if isinstance(loaded, dict) else {}
                continue
            match = row_name.match(name)
            if match:
                section, row = match.group(1), int(match.group(2))
                if row >= row_cap(section):
                    continue
                state.counts[section] = max(state.counts[section], row + 1)
                state.values[name] = raw
            elif name == "id" or name.split(".", 1)[0] in SCALARS:
                state.values[name] = raw
        return state

    # ------------------------------------------------------------ to JSON

    def to_case(self) -> tuple[JsonObject, dict[str, dict[int, int]]]:
        """The case object, and for each section the map case index -> form row."""
        case: JsonObject = {"format": CASE_FORMAT}
        if self.get("id").strip():
            case["id"] = self.get("id").strip()
        for group, names in SCALARS.items():
            block: JsonObject = _load_extra(self.get(f"{group}.{EXTRA}"))
            for name in names:
                value = self._convert(group, name, self.get(f"{group}.{name}"))
                if value is not None:
                    block[name] = value
            if block:
                case[group] = block
        index_maps: dict[str, dict[int, int]] = {}
        lesion_ids = self.lesion_ids()
        for section in SECTIONS:
            items: list[JsonObject] = []
            index_maps[section] = {}
            for row in self.rows(section):
                base = f"{section}[{row}]"
                if self._row_is_empty(section, row):
                    continue
                item: JsonObject = _load_extra(self.get(f"{base}.{EXTRA}"))
                for name in ROW_FIELDS[section]:
                    value = self._convert(section, name, self.get(f"{base}.{name}"))
                    if value is not None:
                        item[name] = value
                if section == "imaging":
                    self._grid_cells(row, lesion_ids, item)
                if section == "scans":
                    self._finding_cells(row, lesion_ids, item)
                index_maps[section][len(items)] = row
                items.append(item)
            if items:
                case[section] = items
            elif section in self.extra:
                case[section] = self.extra[section]
        for key, value in self.extra.items():
            if key not in case and key not in SECTIONS:
                case[key] = value
        return case, index_maps

    def _row_is_empty(self, section: str, row: int) -> bool:
        base = f"{section}[{row}]"
        if any(self.get(f"{base}.{name}").strip() for name in ROW_KEYS[section]):
            return False
        if self.get(f"{base}.{EXTRA}"):
            return False
        if section in CELL:
            cell = CELL[section]
            return not any(self.get(f"{base}.{cell}[{k}]").strip() for k in self.rows("lesions"))
        return True

    def _grid_cells(self, row: int, lesion_ids: list[str], item: JsonObject) -> None:
        measurements: JsonObject = dict(item.pop("measurements", None) or {})
        non_target: JsonObject = dict(item.pop("non_target", None) or {})
        for k, lesion in enumerate(lesion_ids):
            raw = self.get(f"imaging[{row}].cell[{k}]").strip()
            if not raw or not lesion:
                continue
            state = NON_TARGET_WORDS.get(raw.lower())
            if state is not None:
                non_target[lesion] = state
            else:
                measurements[lesion] = _number(raw, float)
        if measurements:
            item["measurements"] = measurements
        if non_target:
            item["non_target"] = non_target

    def _finding_cells(self, row: int, lesion_ids: list[str], item: JsonObject) -> None:
        extra = item.pop("findings", None)
        findings: JsonObject = dict(extra) if isinstance(extra, Mapping) else {}
        for k, lesion in enumerate(lesion_ids):
            raw = self.get(f"scans[{row}].finding[{k}]").strip()
            if raw and lesion:
                findings[lesion] = raw
        if findings or extra is not None:
            item["findings"] = findings if findings or isinstance(extra, Mapping) else extra

    @staticmethod
    def _convert(group: str, name: str, raw: str) -> Any:
        text = raw.strip()
        if not text:
            return None
        key = f"{group}.{name}"
        if key in BOOLEANS:
            return _bool(text)
        kind = NUMBERS.get(key)
        if kind is not None:
            return _number(text, kind)
        return text

    def extra_json(self) -> str:
        return json.dumps(self.extra, ensure_ascii=False) if self.extra else ""


def _place_findings(
    state: EditorState, base: str, findings: Any, lesion_rows: Mapping[str, int]
) -> JsonObject:
    """A scan's findings into its lesion cells; what has no cell is returned (kept as is)."""
    if findings is None:
        return {}
    if not isinstance(findings, Mapping):
        return {"findings": findings}
    unplaced: JsonObject = {}
    for lesion, value in findings.items():
        column = lesion_rows.get(str(lesion).strip())
        name = f"{base}.finding[{column}]"
        if column is None or name in state.values or not isinstance(value, str):
            unplaced[lesion] = value
        else:
            state.values[name] = value
    if not findings:
        return {"findings": {}}  # an empty object stays as typed
    return {"findings": unplaced} if unplaced else {}


def row_cap(section: str) -> int:
    """The most rows of ``section`` the editor holds: one past the limit of the rules file
    (``[limits]``), so that a row added past it is shown with the refusal naming the list.

    The imaging grid is imaging rows x lesion rows: a form naming ``lesions[499].id`` and
    ``imaging[499].date`` (two fields, 200 bytes) was drawn with 500 rows of each, a page
    of 235 MB and minutes of CPU for one request."""
    return int(getattr(limits(), section)) + 1


def beyond_editor(case: object) -> bool:
    """Whether a decoded case has a list longer than the editor holds (``row_cap``): an
    import that cannot be opened in the editor to be fixed there."""
    return isinstance(case, Mapping) and any(
        isinstance(case.get(section), list) and len(case[section]) > row_cap(section)
        for section in SECTIONS
    )


def read_hidden_json(text: str) -> object:
    """The JSON a hidden field of our own form carries, None when there is none or it
    cannot be read. Read with the bounds of a case body (``read_json``): a form changed
    by its sender may hold anything, and JSON nested past the decoder's recursion or an
    integer over Python's 4,300 digits was a 500 (as was JSON nested just short of the
    recursion limit, when the page wrote it back)."""
    if not text:
        return None
    try:
        return read_json(text)
    except CaseFormatError:
        return None


def _load_extra(text: str) -> JsonObject:
    loaded = read_hidden_json(text)
    return dict(loaded) if isinstance(loaded, dict) else {}


def problem_field(
    path: str, state: EditorState, index_maps: Mapping[str, Mapping[int, int]]
) -> str:
    """The form name a problem belongs to: a field, a row (``rai[2]``), a section, or ''."""
    tokens = [t for t in path.split(".") if t]
    if not tokens:
        return ""
    match = _TOKEN.match(tokens[0])
    if match is None:
        return ""
    head, index = match.group(1), match.group(2)
    if head in SECTIONS:
        if index is None:
            return head
        row = index_maps.get(head, {}).get(int(index))
        if row is None:
            return head
        base = f"{head}[{row}]"
        rest = tokens[1:]
        if head == "imaging" and len(rest) >= 2 and rest[0] in {"measurements", "non_target"}:
            lesion = ".".join(rest[1:])
            ids = state.lesion_ids()
            return f"{base}.cell[{ids.index(lesion)}]" if lesion in ids else base
        if head == "scans" and len(rest) >= 2 and rest[0] == "findings":
            lesion = ".".join(rest[1:])
            ids = state.lesion_ids()
            return f"{base}.finding[{ids.index(lesion)}]" if lesion in ids else base
        if rest and rest[0] in ROW_FIELDS[head]:
            return f"{base}.{rest[0]}"
        return base
    if head == "id" and index is None:
        return "id"
    if head in SCALARS:
        if len(tokens) > 1 and tokens[1] in SCALARS[head]:
            return f"{head}.{tokens[1]}"
        return head
    return ""


def problems_by_field(
    problems: Iterable[Any],
    state: EditorState,
    index_maps: Mapping[str, Mapping[int, int]],
    lang: str = "fr",
) -> dict[str, list[str]]:
    """Problem messages (in ``lang``) grouped by their form name ('' = the whole case)."""
    grouped: dict[str, list[str]] = {}
    language: Lang = "en" if lang == "en" else "fr"
    for problem in problems:
        name = problem_field(problem.path, state, index_maps)
        said = problem_text(problem, language)
        if name and problem.code in CHOICE_CODES:  # the field is a list: no codes to read
            given = dict(problem.params).get("input", "")
            said = text("web.problem.choose", language, {"input": given})
        elif name and problem.code == "missing" and problem.path.endswith("date"):
            # a browser's date field sends nothing for a day that does not exist (31
            # February): "required field is missing" read as if nothing had been typed
            said = text("web.problem.date_missing", language)
        message = said if name else f"{problem.path}: {said}"
        grouped.setdefault(name, []).append(message)
    return dict(sorted(grouped.items(), key=lambda item: form_position(item[0])))


# The editor's sections from the top of the form down (editor.html): the error summary
# lists the problems in that order, the whole case's first.
FORM_ORDER = (
    *("", "id", "patient", "diagnosis", "rai", "lesions"),
    *("scans", "imaging", "labs", "molecular", "clinical"),
)


def form_position(name: str) -> tuple[int, int]:
    """Where a form name stands in the editor: its section's rank, then its row (a
    section's own problem before its rows); a name of no section last. Problems of one
    row keep the order they came in."""
    match = _TOKEN.match(name.split(".", 1)[0]) if name else None
    head = match.group(1) if match else name
    rank = FORM_ORDER.index(head) if head in FORM_ORDER else len(FORM_ORDER)
    row = int(match.group(2)) if match and match.group(2) is not None else -1
    return rank, row


# The words of each form field, as its label on the page says them (catalogue keys).
SECTION_WORDS = {
    "patient": "web.editor.identity",
    "diagnosis": "web.editor.diagnosis",
    "clinical": "web.editor.clinical",
    "rai": "web.editor.rai",
    "lesions": "web.editor.lesions",
    "scans": "web.editor.scans",
    "imaging": "web.editor.imaging",
    "labs": "web.editor.labs",
    "molecular": "web.editor.molecular",
}
ROW_WORDS = {
    "rai": "web.editor.rai_row",
    "lesions": "web.editor.lesion_row",
    "scans": "web.editor.scan_row",
    "imaging": "web.editor.imaging_row",
    "labs": "web.editor.lab_row",
    "molecular": "web.editor.molecular_row",
}
FIELD_WORDS = {
    NOTE_FIELD: "web.editor.note",
    "id": "web.editor.id",
    "patient.sex": "web.editor.sex",
    "patient.birth_year": "web.editor.birth_year",
    "diagnosis.histology": "web.editor.histology",
    "diagnosis.date": "web.editor.diagnosis_date",
    "diagnosis.extent": "web.editor.extent",
    "diagnosis.primary_sample_date": "web.editor.primary_sample_date",
    "clinical.symptomatic": "web.editor.symptomatic",
    "clinical.locally_treatable": "web.editor.locally_treatable",
    "clinical.standard_treatment_possible": "web.editor.standard_treatment_possible",
    "clinical.brain_metastases_bleeding_risk": "web.editor.brain_bleeding",
    "clinical.on_systemic_therapy": "web.editor.on_systemic_therapy",
    "rai.date": "web.case.date",
    "rai.activity": "web.editor.activity",
    "rai.unit": "web.editor.unit",
    "rai.response": "web.editor.response",
    "lesions.id": "web.editor.lesion_id",
    "lesions.site": "web.editor.site",
    "lesions.rai_uptake": "web.editor.rai_uptake",
    "lesions.recist_role": "web.editor.recist_role",
    "lesions.innumerable": "web.editor.innumerable",
    "lesions.symptomatic": "web.editor.lesion_symptomatic",
    "lesions.locally_treatable": "web.editor.lesion_locally_treatable",
    "lesions.confirmed": "web.editor.confirmed",
    "scans.date": "web.case.date",
    "scans.kind": "web.editor.scan_kind",
    "scans.rai_date": "web.editor.scan_rai_date",
    "scans.preparation": "web.editor.preparation",
    "scans.tsh": "web.editor.tsh",
    "scans.iodine_contamination": "web.editor.contamination",
    "imaging.date": "web.case.date",
    "imaging.new_lesions": "web.case.new_lesions",
    "imaging.assessed_response": "web.editor.assessed_response",
    "labs.date": "web.case.date",
    "labs.test": "web.editor.test",
    "labs.value": "web.editor.value",
    "labs.unit": "web.editor.unit",
    "labs.positive": "web.editor.positive",
    "labs.below_detection": "web.editor.below_detection",
    "labs.upper_limit": "web.editor.upper_limit",
    "molecular.gene": "web.editor.gene",
    "molecular.alteration": "web.editor.alteration",
    "molecular.kind": "web.editor.kind",
    "molecular.origin": "web.editor.origin",
    "molecular.sample": "web.editor.sample",
    "molecular.date": "web.case.date",
}
# The vocabulary of each field holding a code (``Translator.label``): the words its
# select offers in the editor, and the words the comparison page says a value with.
FIELD_VOCABULARIES = {
    "patient.sex": "sex",
    "diagnosis.histology": "histology",
    "diagnosis.extent": "extent",
    "rai.unit": "unit",
    "rai.response": "rai_response",
    "lesions.site": "site",
    "lesions.rai_uptake": "rai_uptake",
    "lesions.recist_role": "recist_role",
    "scans.kind": "scan_kind",
    "scans.preparation": "preparation",
    "scans.iodine_contamination": "contamination",
    "scans.finding": "scan_finding",
    "imaging.cell": "non_target",
    "imaging.assessed_response": "response",
    "labs.test": "test",
    "labs.unit": "lab_unit",
    "molecular.kind": "kind",
    "molecular.origin": "origin",
    "molecular.sample": "sample",
}
# The case's per-lesion maps of a row (``imaging[3].measurements.L1``) and the editor's
# cell that shows them (``imaging[3].cell[k]``).
CASE_CELLS = {
    ("imaging", "measurements"): "cell",
    ("imaging", "non_target"): "cell",
    ("scans", "findings"): "finding",
}
_FIELD_NAME = re.compile(r"^([a-z_]+)(?:\[([0-9]+)\])?(?:\.([a-z_]+)(?:\[([0-9]+)\])?)?$")


def field_label(name: str, state: EditorState, lang: str = "fr") -> str:
    """A form field in words, as the page labels it: ``lesions[1].id`` -> "Lésion 2 — Identifiant",
    ``imaging[0].cell[2]`` -> "N1 à l'examen 1"; '' for a name the form does not show."""
    language: Lang = "en" if lang == "en" else "fr"
    match = _FIELD_NAME.match(name)
    if match is None:
        return ""
    head, row, leaf, cell = match.groups()
    if row is None:
        key = FIELD_WORDS.get(name if leaf else head) or (
            SECTION_WORDS.get(head) if not leaf else None
        )
        return text(key, language) if key and cell is None else ""
    if head not in ROW_WORDS:
        return ""
    n = int(row) + 1
    said_row = text(ROW_WORDS[head], language, {"n": n})
    if leaf is None:
        return said_row
    if cell is not None and (head, leaf) in {("imaging", "cell"), ("scans", "finding")}:
        k = int(cell)
        ids = state.lesion_ids()
        lesion = (ids[k] if k < len(ids) else "") or f"#{k + 1}"
        return _cell_label(head, int(row), lesion, language)
    key = FIELD_WORDS.get(f"{head}.{leaf}")
    return f"{said_row} — {text(key, language)}" if key and cell is None else ""


def _cell_label(head: str, row: int, lesion: str, language: Lang) -> str:
    """The words of the cell of ``lesion`` in row ``row`` of the imaging grid or of the
    scans: "L1 à l'examen 4", "Scintigraphie 2 — Fixation de L1"."""
    n = row + 1
    if head == "imaging":
        return text("web.editor.cell_label", language, {"lesion": lesion, "n": n})
    said_row = text(ROW_WORDS[head], language, {"n": n})
    return f"{said_row} — {text('web.editor.finding', language, {'lesion': lesion})}"


_CASE_PATH = re.compile(r"^([a-z_]+)(?:\[([0-9]+)\])?(?:\.([a-z_]+)(?:\.(.+))?)?$")


def case_path_label(path: str, lang: str = "fr") -> str:
    """A path of the case JSON in the editor's words, as ``field_label`` says its field:
    ``labs[2].test`` -> "Dosage 3 — Dosage", ``imaging[3].measurements.L1`` -> "L1 à
    l'examen 4 (mm)", a field the editor does not show -> its row or section ("Lésion 1");
    '' when there are no words for it (``format``, a name the case format does not know)."""
    language: Lang = "en" if lang == "en" else "fr"
    match = _CASE_PATH.match(path)
    if match is None:
        return ""
    head, row, leaf, lesion = match.groups()
    if lesion is not None:  # a per-lesion map: the lesion id is the rest of the path
        if row is None or (head, leaf) not in CASE_CELLS:
            return ""
        said = _cell_label(head, int(row), lesion, language)
        if leaf == "measurements":
            return text("web.compare.in_mm", language, {"what": said})
        return said
    said = field_label(path, EditorState(), language)
    if said or head not in SECTION_WORDS:
        return said
    if row is not None:
        return text(ROW_WORDS[head], language, {"n": int(row) + 1}) if head in ROW_WORDS else ""
    return text(SECTION_WORDS[head], language)


def case_path_vocabulary(path: str) -> str | None:
    """The vocabulary of the value at a path of the case JSON (``labs[2].test`` -> "test",
    ``scans[0].findings.L1`` -> "scan_finding"); None for a value that is not a code."""
    match = _CASE_PATH.match(path)
    if match is None:
        return None
    head, _, leaf, lesion = match.groups()
    if leaf is None:
        return None
    if lesion is not None:
        if (head, leaf) == ("imaging", "measurements"):
            return None
        cell = CASE_CELLS.get((head, leaf))
        return FIELD_VOCABULARIES.get(f"{head}.{cell}") if cell else None
    return FIELD_VOCABULARIES.get(f"{head}.{leaf}")
