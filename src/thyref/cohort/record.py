"""One input record -> one output row (or one error entry), and the output's columns.

The row holds what a registry counts: ids, category, status, criteria, cumulative I-131,
RECIST responses, marker doubling times, option ids, and the engine and rules versions.
Every value is read from the single-case assessment (``thyref.domain.assess``), so a
cohort row always agrees with ``thyref assess`` on the same case.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import orjson

from thyref.domain import assess, parse_case
from thyref.domain.case import MAX_BYTES
from thyref.domain.rules import Rules, load_rules
from thyref.errors import CaseFormatError, CaseValidationError, ThyrefError

if TYPE_CHECKING:
    import pyarrow as pa

# (column, kind): kinds are string, date, int, double, list (of strings)
COLUMNS: tuple[tuple[str, str], ...] = (
    ("patient_id", "string"),
    ("source", "string"),
    ("histology", "string"),
    ("category", "string"),
    ("diagnosis_date", "date"),
    ("diagnosis_year", "int"),
    ("extent", "string"),
    ("status", "string"),
    ("criteria", "list"),
    ("missing_data", "list"),
    ("cumulative_gbq", "double"),
    ("rai_administrations", "int"),
    ("recist_latest", "string"),
    ("recist_latest_date", "date"),
    ("recist_best", "string"),
    ("tg_doubling_days", "double"),
    ("tg_status", "string"),
    ("calcitonin_doubling_days", "double"),
    ("calcitonin_status", "string"),
    ("cea_doubling_days", "double"),
    ("cea_status", "string"),
    ("options", "list"),
    ("engine_version", "string"),
    ("rules_version", "string"),
)
NAMES = tuple(name for name, _ in COLUMNS)
ERROR_NAMES = ("patient_id", "source", "problems")
MARKER_COLUMNS = (("thyroglobulin", "tg"), ("calcitonin", "calcitonin"), ("cea", "cea"))


def row_of(result: dict[str, Any], histology: str, diagnosis: date, source: str) -> list[Any]:
    """The output row (values in ``NAMES`` order) of an assessment's JSON object."""
    refractory = result["refractory"]
    recist = result["recist"]
    timepoints = recist["timepoints"] if recist else []
    latest = timepoints[-1] if timepoints else None
    kinetics = result["kinetics"]
    markers: list[Any] = []
    for marker, _ in MARKER_COLUMNS:
        k = kinetics.get(marker)
        markers.append(k["doubling_time_days"] if k else None)
        markers.append(k["status"] if k else None)
    engine = result["engine"]
    return [
        result["case_id"],
        source,
        histology,
        refractory["category"],
        diagnosis,
        diagnosis.year,
        refractory["extent"],
        refractory["status"],
        list(refractory["criteria_met"]),
        list(refractory["missing_data"]),
        result["rai"]["cumulative_gbq"],
        result["rai"]["administrations"],
        latest["overall_response"] if latest else None,
        date.fromisoformat(latest["date"]) if latest else None,
        recist["best_overall_response"] if recist else None,
        *markers,
        [r["id"] for r in result["recommendations"]],
        engine["version"],
        engine["rules"],
    ]


@dataclass(slots=True)
class Batch:
    """Rows and errors of one chunk, built column by column (cheap to turn into Arrow)."""

    today: date
    rules: Rules = field(default_factory=load_rules)
    columns: list[list[Any]] = field(default_factory=lambda: [[] for _ in NAMES])
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.columns[0])

    def add_line(self, line: bytes, source: str) -> None:
        """One NDJSON line; blank lines are skipped, anything else is a row or an error."""
        if not line.strip():
            return
        if len(line) > MAX_BYTES:
            self.error(None, source, [{"path": "", "message": "record is larger than 5 MB"}])
            return
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            self.error(None, source, [{"path": "", "message": f"not valid JSON: {exc}"}])
            return
        self.add_object(obj, source)

    def add_fhir(self, resources: list[Any], source: str) -> None:
        """One patient's FHIR resources (a Bulk Data group or a Bundle's entries)."""
        try:
            obj = fhir_to_case(resources)
        except CaseValidationError as exc:
            self.error(None, source, [p.as_dict() for p in exc.problems])
            return
        except (ThyrefError, ValueError, KeyError, TypeError) as exc:
            self.error(None, source, [{"path": "", "message": str(exc)}])
            return
        self.add_object(obj, source)

    def add_object(self, obj: Any, source: str) -> None:
        if isinstance(obj, dict) and obj.get("resourceType") == "Bundle":
            entries = obj.get("entry")
            resources = (
                [e.get("resource") for e in entries if isinstance(e, dict)]
                if (isinstance(entries, list))
                else []
            )
            self.add_fhir([r for r in resources if isinstance(r, dict)], source)
            return
        case_id = obj.get("id") if isinstance(obj, dict) else None
        case_id = case_id if isinstance(case_id, str) else None
        try:
            case = parse_case(obj, today=self.today, rules=self.rules)
        except CaseValidationError as exc:
            self.error(case_id, source, [p.as_dict() for p in exc.problems])
            return
        except CaseFormatError as exc:
            self.error(case_id, source, [{"path": "", "message": str(exc)}])
            return
        try:
            result = assess(case, rules=self.rules, today=self.today).to_json()
        except Exception as exc:  # a bug in one record must never stop a cohort
            message = f"internal error: {type(exc).__name__}: {exc}"
            self.error(case_id, source, [{"path": "", "message": message}])
            return
        diagnosis = case.raw.diagnosis
        row = row_of(result, diagnosis.histology.value, diagnosis.date, source)
        for column, value in zip(self.columns, row, strict=True):
            column.append(value)

    def error(self, case_id: str | None, source: str, problems: list[dict[str, str]]) -> None:
        self.errors.append({"patient_id": case_id, "source": source, "problems": problems})

    def tables(self) -> tuple[pa.Table, pa.Table]:
        """The rows and the errors as Arrow tables with the fixed schemas."""
        import pyarrow as pa

        rows = pa.table(dict(zip(NAMES, self.columns, strict=True)), schema=arrow_schema())
        errors = pa.Table.from_pylist(self.errors, schema=arrow_error_schema())
        return rows, errors


def fhir_to_case(resources: list[Any]) -> dict[str, Any]:
    """A ``thyref-case/1`` object from one patient's FHIR resources (imported lazily: cohorts
    of plain cases never load the FHIR models)."""
    from thyref.fhir.importer import bundle_to_case

    return bundle_to_case(resources).case


def arrow_schema() -> pa.Schema:
    import pyarrow as pa

    kinds = {
        "string": pa.string(),
        "date": pa.date32(),
        "int": pa.int32(),
        "double": pa.float64(),
        "list": pa.list_(pa.string()),
    }
    return pa.schema([(name, kinds[kind]) for name, kind in COLUMNS])


def arrow_error_schema() -> pa.Schema:
    import pyarrow as pa

    problem = pa.struct([("path", pa.string()), ("message", pa.string())])
    return pa.schema(
        [("patient_id", pa.string()), ("source", pa.string()), ("problems", pa.list_(problem))]
    )
