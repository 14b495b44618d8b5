"""One input record -> one output row (or one error entry), and the output's columns.

The row holds what a registry counts: ids, category, status, criteria, cumulative I-131,
RECIST responses, marker doubling times, option ids, and the engine and rules versions.
Every value is read from the single-case evaluation (``thyref.domain.assessment.evaluate``,
the part of ``assess`` that runs the rules, before the explanations are written), so a
cohort row always agrees with ``thyref assess`` on the same case
(``tests/cohort/test_record.py`` compares them patient by patient).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import orjson

from thyref import __version__
from thyref.domain import parse_case
from thyref.domain.assessment import Evaluation, evaluate
from thyref.domain.case import ID_PATTERN, MAX_BYTES, Case
from thyref.domain.messages import Lang, keyed_text, problem_text
from thyref.domain.rules import Rules, load_rules
from thyref.errors import CaseFormatError, CaseValidationError, Problem, ThyrefError

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
# A UTF-8 byte order mark: `thyref assess` reads a file that starts with one (Python's json
# decodes bytes as utf-8-sig) and RFC 8259 section 8.1 lets a parser ignore it; orjson
# rejects it, so a record is read without it.
BOM = b"\xef\xbb\xbf"


def row_of(found: Evaluation, case: Case, source: str) -> list[Any]:
    """The output row (values in ``NAMES`` order) of a case's evaluation: the same figures
    as its ``thyref assess`` output (``assessment.py`` rounds the cumulative activity to
    3 decimals there too), read before any sentence is written."""
    refractory = found.refractory
    recist = found.recist
    latest = recist.timepoints[-1] if recist and recist.timepoints else None
    markers: list[Any] = []
    for marker, _ in MARKER_COLUMNS:
        k = found.kinetics.get(marker)
        markers.append(k.doubling_time_days if k else None)
        markers.append(k.status if k else None)
    diagnosis = case.raw.diagnosis
    return [
        case.id,
        source,
        diagnosis.histology.value,
        refractory.category.value,
        diagnosis.date,
        diagnosis.date.year,
        refractory.extent.value if refractory.extent else None,
        refractory.status,
        list(refractory.criteria_met),
        list(refractory.missing_data),
        round(float(found.rai.cumulative_gbq), 3),
        found.rai.count,
        latest.overall_response if latest else None,
        latest.date if latest else None,
        recist.best_overall_response if recist else None,
        *markers,
        [option.id for option in found.options],
        __version__,
        found.rules.id,
    ]


# A problem of a rejected record, as stored in the errors' Parquet parts: where (a dotted
# path in the case, or ""), its English sentence, the catalogue key of its sentence and
# the values it quotes (a JSON object): the language-neutral record. errors.ndjson says
# it in the run's language, its code beside the words (``said_problem``).
PROBLEM_FIELDS = ("path", "message", "key", "params")


def problem(path: str, message: str, key: str = "", **params: object) -> dict[str, str]:
    """One problem of a rejected record (``PROBLEM_FIELDS``)."""
    values = {name: str(value) for name, value in params.items()}
    return {"path": path, "message": message, "key": key, "params": orjson.dumps(values).decode()}


def case_problem(found: Problem) -> dict[str, str]:
    """A problem of the case's validation (catalogue: ``problem.<code>``)."""
    key = f"problem.{found.code}" if found.code else ""
    return problem(found.path, found.message, key, **dict(found.params))


def error_problem(exc: ThyrefError) -> dict[str, str]:
    """An error thyref raised on a record (catalogue: ``<prefix>.<code>``)."""
    key = f"{exc.prefix}.{exc.code}" if exc.code else ""
    return problem("", str(exc), key, **exc.params)


def not_json(data: bytes, exc: ValueError) -> dict[str, str]:
    """The problem of a record that orjson could not read (``exc``): bytes that are not
    UTF-8 text are said as such (orjson says "str is not valid UTF-8"), anything else is
    not JSON. The bytes are decoded again only on this path."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as bad:
        return error_problem(CaseFormatError.not_utf8(bad))
    return error_problem(CaseFormatError.not_json(exc))


def said_problem(stored: Mapping[str, Any], lang: Lang) -> dict[str, str]:
    """A stored problem as errors.ndjson gives it: ``path``, ``code`` (the last part of
    its catalogue key, "" when it has none) and ``message`` in ``lang`` (the English
    sentence when the catalogue has none, as for parts written before keys were kept)."""
    key = stored.get("key") or ""
    english = str(stored.get("message") or "")
    path = str(stored.get("path") or "")
    params: dict[str, str] = orjson.loads(stored.get("params") or "{}")
    code = key.rsplit(".", 1)[-1]
    if key.startswith("problem."):
        message = problem_text(Problem(path, english, code, tuple(params.items())), lang)
    else:
        message = keyed_text(key, dict(params), english, lang)
    return {"path": path, "code": code, "message": message}


def said_entry(entry: Mapping[str, Any], lang: Lang) -> dict[str, Any]:
    """An entry of the errors' Parquet parts as errors.ndjson gives it (``said_problem``)."""
    problems = [said_problem(p, lang) for p in entry.get("problems") or []]
    return {**entry, "problems": problems}


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
        line = without_bom(line)
        if not line.strip():
            return
        if len(line) > MAX_BYTES:
            self.error(
                None, source, [error_problem(CaseFormatError.too_large(len(line), MAX_BYTES))]
            )
            return
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            self.error(None, source, [not_json(line, exc)])
            return
        self.add_object(obj, source)

    def add_fhir(self, resources: list[Any], source: str, *, patient_id: str | None = None) -> None:
        """One patient's FHIR resources (a Bulk Data group or a Bundle's entries).

        ``patient_id``: the id the resources point at (a Bulk Data group's ``Patient/<id>``);
        it is the case id when the group has no Patient resource (else every such patient
        would get the importer's one fallback id), and names a rejected patient.
        """
        case_id = None
        if patient_id and not any(r.get("resourceType") == "Patient" for r in resources):
            case_id = patient_id if re.fullmatch(ID_PATTERN, patient_id) else None
        try:
            obj = fhir_to_case(resources, case_id)
        except CaseValidationError as exc:
            self.error(patient_id, source, [case_problem(p) for p in exc.problems])
            return
        except ThyrefError as exc:
            self.error(patient_id, source, [error_problem(exc)])
            return
        except (ValueError, KeyError, TypeError) as exc:
            said = f"{type(exc).__name__}: {exc}"
            self.error(patient_id, source, [problem("", said, "cohort.problem.fhir", error=said)])
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
            self.error(case_id, source, [case_problem(p) for p in exc.problems])
            return
        except CaseFormatError as exc:
            self.error(case_id, source, [error_problem(exc)])
            return
        try:
            # the rules' results without their explanations: a row holds none of them
            found = evaluate(case, rules=self.rules, today=self.today)
        except Exception as exc:  # a bug in one record must never stop a cohort
            said = f"{type(exc).__name__}: {exc}"
            message = f"internal error: {said}"
            self.error(
                case_id, source, [problem("", message, "cohort.problem.internal", error=said)]
            )
            return
        row = row_of(found, case, source)
        for column, value in zip(self.columns, row, strict=True):
            column.append(value)

    def error(self, case_id: str | None, source: str, problems: list[dict[str, str]]) -> None:
        """A rejected record: its problems made by ``problem`` (and the helpers below it)."""
        self.errors.append({"patient_id": case_id, "source": source, "problems": problems})

    def tables(self) -> tuple[pa.Table, pa.Table]:
        """The rows and the errors as Arrow tables with the fixed schemas."""
        import pyarrow as pa

        rows = pa.table(dict(zip(NAMES, self.columns, strict=True)), schema=arrow_schema())
        errors = pa.Table.from_pylist(self.errors, schema=arrow_error_schema())
        return rows, errors


def without_bom(line: bytes) -> bytes:
    """``line`` without a leading UTF-8 byte order mark."""
    return line[len(BOM) :] if line.startswith(BOM) else line


def fhir_to_case(resources: list[Any], case_id: str | None = None) -> dict[str, Any]:
    """A ``thyref-case/1`` object from one patient's FHIR resources (imported lazily: cohorts
    of plain cases never load the FHIR models)."""
    from thyref.fhir.importer import bundle_to_case

    return bundle_to_case(resources, case_id=case_id).case


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

    problem = pa.struct([(name, pa.string()) for name in PROBLEM_FIELDS])
    return pa.schema(
        [("patient_id", pa.string()), ("source", pa.string()), ("problems", pa.list_(problem))]
    )
