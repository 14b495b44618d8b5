"""Cohort inputs cut into numbered chunks: NDJSON of cases, a folder of case files, FHIR Bulk.

A chunk is a small picklable description (a byte range of an NDJSON file, a list of case
files, a bucket of FHIR resources); any process can read it, in any order, which makes the
run parallel and resumable. Chunk numbers depend only on the input and the chunk size.

- NDJSON: one pass counts the lines and notes where every ``size``-th line starts;
- folder: the ``*.json`` files in name order, ``size`` per chunk;
- FHIR Bulk Data export (a folder of ``<ResourceType>.ndjson`` files): one pass sends
  every resource line to a bucket file chosen by its patient (``subject`` or ``patient``
  reference), so a bucket holds whole patients and memory stays bounded.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from thyref.cohort.record import error_problem, problem, without_bom
from thyref.domain.case import MAX_BYTES
from thyref.errors import CaseFormatError, ThyrefError

BLOCK = 1 << 24
# file name endings, whatever their case (``CASE.JSON`` from a system that writes upper case)
CASE_FILE = ".json"
NDJSON_FILE = ".ndjson"
# the same as Hadoop globs, for Spark (no case-insensitive flag there)
CASE_FILE_GLOB = "*.[jJ][sS][oO][nN]"
NDJSON_FILE_GLOB = "*.[nN][dD][jJ][sS][oO][nN]"


def is_case_file(name: str) -> bool:
    """A case file of a folder input: named ``*.json``, in any case."""
    return name.lower().endswith(CASE_FILE)


def is_ndjson_file(name: str) -> bool:
    """An NDJSON file of a folder input: named ``*.ndjson``, in any case."""
    return name.lower().endswith(NDJSON_FILE)


BUCKET_BYTES = 8 << 20
BUCKETS_DONE = "_BUCKETS_DONE"


class CohortInputError(ThyrefError):
    """The cohort input cannot be read (missing, empty, of an unknown kind), or the output
    folder holds another run (catalogue: ``cohort.error.<code>``)."""

    prefix = "cohort.error"

    @classmethod
    def no_such_input(cls, path: object) -> CohortInputError:
        return cls(f"{path}: no such file or folder", "no_such_input", path=path)


@dataclass(frozen=True, slots=True)
class Chunk:
    """One unit of work: ``kind`` says how to read ``path`` (and ``files``)."""

    id: int
    kind: str  # ndjson | files | bucket
    path: str
    start: int = 0
    end: int = 0
    first_line: int = 1
    files: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Plan:
    kind: str  # ndjson | folder | fhir-bulk
    chunks: tuple[Chunk, ...]
    records: int  # patients expected (lines, files or Patient resources)
    signature: dict[str, Any]


def has_record(file: Path) -> bool:
    """Whether an NDJSON file has a line that is not blank (a byte order mark and
    whitespace alone are blank, as ``Batch.add_line`` and the FHIR partition skip them).
    Reads up to the first such line: the first, in any real input."""
    with file.open("rb") as f:
        return any(without_bom(line).strip() for line in f)


def detect(path: Path) -> str:
    """``ndjson``, ``folder`` (case files) or ``fhir-bulk``; ``CohortInputError`` for an
    input that does not exist, is of no known kind, or holds no record at all (an empty
    file or folder: a registry extract that came out empty is not a cohort of 0 patients)."""
    if not path.exists():
        raise CohortInputError.no_such_input(path)
    if not path.is_file() and not path.is_dir():
        # a pipe (/dev/stdin, <(...)) or a device: the plan reads an input once and the
        # workers again (was "internal error: NotADirectoryError", exit 1; security16)
        raise CohortInputError(
            f"{path} is neither a file nor a folder: a cohort is read from a file or a "
            "folder (a pipe cannot be read twice)",
            "not_file_or_folder",
            path=path,
        )
    if path.is_file():
        if not has_record(path):
            raise CohortInputError(
                f"no patient found in {path}: the file holds no record", "empty_file", path=path
            )
        return "ndjson"
    names = [p.name for p in path.iterdir() if p.is_file()]
    if not names:
        raise CohortInputError(
            f"no patient found in {path}: the folder is empty", "empty_folder", path=path
        )
    if any(is_case_file(n) for n in names):
        return "folder"
    ndjson = [path / n for n in names if is_ndjson_file(n)]
    if ndjson and not any(has_record(f) for f in ndjson):
        raise CohortInputError(
            f"no patient found in {path}: its NDJSON files hold no record",
            "empty_ndjson",
            path=path,
        )
    if ndjson:
        return "fhir-bulk"
    raise CohortInputError(
        f"{path}: holds neither case files (*.json) nor FHIR NDJSON files",
        "unknown_folder",
        path=path,
    )


def _signature(paths: list[Path]) -> dict[str, Any]:
    stats = [p.stat() for p in paths]
    return {
        "files": len(paths),
        "bytes": sum(s.st_size for s in stats),
        "mtime_ns": max((s.st_mtime_ns for s in stats), default=0),
    }


def plan_ndjson(path: Path, size: int) -> Plan:
    """Chunks of ``size`` lines; the line count comes from one streaming pass."""
    import numpy as np

    starts = [0]
    lines = 0
    pos = 0
    last = b"\n"
    with path.open("rb") as f:
        while block := f.read(BLOCK):
            newlines = np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == 10)
            # the line numbered k * size + 1 starts after the (k * size)-th newline
            first = -lines % size or size
            cuts = newlines[first - 1 :: size]
            starts.extend(int(pos + i + 1) for i in cuts)
            lines += len(newlines)
            pos += len(block)
            last = block[-1:]
    if pos and last != b"\n":
        lines += 1
    if len(starts) > 1 and starts[-1] >= pos:
        starts.pop()
    ends = [*starts[1:], pos]
    chunks = tuple(
        Chunk(k, "ndjson", str(path), s, e, k * size + 1)
        for k, (s, e) in enumerate(zip(starts, ends, strict=True))
    )
    return Plan("ndjson", chunks, lines, _signature([path]))


def plan_folder(path: Path, size: int) -> Plan:
    files = sorted(p for p in path.iterdir() if p.is_file() and is_case_file(p.name))
    names = [p.name for p in files]
    chunks = tuple(
        Chunk(k, "files", str(path), files=tuple(names[i : i + size]))
        for k, i in enumerate(range(0, len(names), size))
    )
    return Plan("folder", chunks, len(files), _signature(files))


def patient_key(resource: dict[str, Any]) -> str:
    """``Patient/<id>`` for a Patient or a resource pointing at one; ``""`` when none.

    Only a reference to a Patient names a patient (Bulk Data: relative ``Patient/<id>``,
    or an absolute URL ending so); a ``Group/...`` subject or a ``urn:uuid:`` reference
    does not, and such a resource is reported rather than taken for a patient of its own.
    """
    if resource.get("resourceType") == "Patient":
        rid = resource.get("id")
        return f"Patient/{rid}" if isinstance(rid, str) else ""
    for name in ("subject", "patient", "beneficiary"):
        ref = resource.get(name)
        if isinstance(ref, dict) and isinstance(ref.get("reference"), str):
            parts = ref["reference"].rstrip("/").split("/")
            if len(parts) >= 2 and parts[-2] == "Patient" and parts[-1]:
                return f"Patient/{parts[-1]}"
    return ""


def plan_fhir_bulk(path: Path, work: Path) -> Plan:
    """Partition the resources by patient into bucket files under ``work`` (once)."""
    files = sorted(p for p in path.iterdir() if p.is_file() and is_ndjson_file(p.name))
    signature = _signature(files)
    total = signature["bytes"]
    buckets = max(1, total // BUCKET_BYTES + (1 if total % BUCKET_BYTES else 0))
    folder = work / "buckets"
    done = folder / BUCKETS_DONE
    if done.exists():
        patients = int(done.read_text().strip() or 0)
    else:
        patients = _partition(files, folder, buckets)
        done.write_text(str(patients))
    chunks = tuple(
        Chunk(k, "bucket", str(folder / f"bucket-{k:05d}.ndjson")) for k in range(buckets)
    )
    return Plan("fhir-bulk", chunks, patients, signature)


def merged_records(files: list[Path]) -> dict[str, str]:
    """``Patient/<id>`` of each record the export says was merged into another
    (``Patient.link`` ``replaced-by``, or ``replaces`` on the record kept) -> the record
    kept. Bulk Data files hold one resource type each: only files whose first resource is
    a Patient are read, and only their lines that name a merge are decoded."""
    into: dict[str, str] = {}
    for file in files:
        with file.open("rb") as f:
            first = next((x for x in f if x.strip()), b"")
            try:
                head = orjson.loads(without_bom(first))
            except orjson.JSONDecodeError:
                continue
            if not isinstance(head, dict) or head.get("resourceType") != "Patient":
                continue
            f.seek(0)
            for line in f:
                if b'"replaced-by"' not in line and b'"replaces"' not in line:
                    continue
                try:
                    res = orjson.loads(without_bom(line))
                except orjson.JSONDecodeError:
                    continue
                me = patient_key(res) if isinstance(res, dict) else ""
                for link in res.get("link") or [] if me else []:
                    other = link.get("other") if isinstance(link, dict) else None
                    named = patient_key({"subject": other}) if isinstance(other, dict) else ""
                    if named and named != me and link.get("type") == "replaced-by":
                        into[me] = named
                    elif named and named != me and link.get("type") == "replaces":
                        into.setdefault(named, me)
    kept: dict[str, str] = {}
    for record in into:  # through chains (a record replaced by one replaced since)
        seen, last = {record}, into[record]
        while last in into and last not in seen:
            seen.add(last)
            last = into[last]
        kept[record] = last
    return kept


def _partition(files: list[Path], folder: Path, buckets: int) -> int:
    """Each resource line goes to ``bucket-<crc32(patient) % buckets>`` as ``key<TAB>json``;
    a record merged into another goes with the record kept (the importer reads it as the
    same person's, with a note, or refuses it: never a patient of its own)."""
    folder.mkdir(parents=True, exist_ok=True)
    merged = merged_records(files)
    outs = [(folder / f"bucket-{k:05d}.ndjson").open("wb") for k in range(buckets)]
    patients = 0
    try:
        for file in files:
            with file.open("rb") as f:
                for number, line in enumerate(f, 1):
                    line = without_bom(line)
                    if not line.strip():
                        continue
                    try:
                        resource = orjson.loads(line)
                        key = patient_key(resource) if isinstance(resource, dict) else ""
                    except orjson.JSONDecodeError:
                        resource, key = None, ""
                    key = merged.get(key, key)
                    if (
                        isinstance(resource, dict)
                        and resource.get("resourceType") == "Patient"
                        and patient_key(resource) not in merged
                    ):
                        patients += 1
                    if not key:  # kept, to be reported as an error with where it came from
                        key = f"!{file.name}:{number}"
                    k = zlib.crc32(key.encode()) % buckets
                    outs[k].write(key.encode() + b"\t" + line.rstrip(b"\r\n") + b"\n")
    finally:
        for out in outs:
            out.close()
    return patients


def plan(path: Path, size: int, work: Path, kind: str | None = None) -> Plan:
    """The chunks of ``path``; ``kind``: what ``detect`` found, when it was called first."""
    kind = kind or detect(path)
    if kind == "ndjson":
        return plan_ndjson(path, size)
    if kind == "folder":
        return plan_folder(path, size)
    return plan_fhir_bulk(path, work)


# ------------------------------------------------------------------------ reading a chunk


def ndjson_lines(chunk: Chunk) -> Iterator[tuple[bytes, str]]:
    name = Path(chunk.path).name
    with open(chunk.path, "rb") as f:
        f.seek(chunk.start)
        data = f.read(chunk.end - chunk.start)
    lines = data.split(b"\n")
    if lines and not lines[-1]:
        lines.pop()
    for i, line in enumerate(lines):
        yield line, f"{name}:{chunk.first_line + i}"


def case_files(chunk: Chunk) -> Iterator[tuple[bytes | None, str, dict[str, str]]]:
    """Each file's bytes, or None and why not, as a problem of the errors (over the 5 MB
    limit, unreadable: one file that cannot be read is a rejected record, not the end of
    the run)."""
    folder = Path(chunk.path)
    for name in chunk.files:
        file = folder / name
        try:
            size = os.path.getsize(file)
            if size > MAX_BYTES:
                yield None, name, error_problem(CaseFormatError.too_large(size, MAX_BYTES))
            else:
                yield file.read_bytes(), name, {}
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            english = f"cannot read the file: {reason}"
            yield None, name, problem("", english, "cohort.problem.unreadable", reason=reason)


def bucket_patients(chunk: Chunk) -> Iterator[tuple[str, list[bytes]]]:
    """The resource lines of each patient of a bucket, patients in key order."""
    groups: dict[str, list[bytes]] = {}
    try:
        with open(chunk.path, "rb") as f:
            for line in f:
                raw_key, _, body = line.rstrip(b"\n").partition(b"\t")
                groups.setdefault(raw_key.decode(), []).append(body)
    except FileNotFoundError:
        return
    for key in sorted(groups):
        yield key, groups[key]
