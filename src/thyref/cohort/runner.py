"""The local cohort engine: chunks in a process pool, Parquet parts, a manifest to resume.

Output folder::

    run.json               what was run: input, its signature, chunk size, engine, as-of date
    manifest.ndjson        one line per finished chunk (appended after its parts are in place)
    patients/part-NNNNN.parquet   one row per assessed patient
    errors/part-NNNNN.parquet     one entry per rejected record: source, problems (path, message)
    errors.ndjson          every rejected record, readable, written at the end
    .work/                 FHIR buckets (removed at the end)

Workers read their chunk themselves and write their parts themselves (temporary name, then
an atomic rename): only chunk descriptions and counts cross process boundaries. A chunk
listed in the manifest is never redone; a part without a manifest line is simply redone.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import orjson

from thyref import __version__
from thyref.cohort import sources
from thyref.cohort.record import (
    Batch,
    not_json,
    problem,
    said_entry,
    without_bom,
)
from thyref.cohort.sources import Chunk, CohortInputError, Plan
from thyref.cohort.watch import watch_run
from thyref.domain.messages import Lang
from thyref.domain.rules import load_rules

DEFAULT_CHUNK = 2000
Progress = Callable[[int, int], None]  # (records done in a chunk, errors in it)


@dataclass(frozen=True, slots=True)
class ChunkDone:
    chunk: int
    rows: int
    errors: int
    seconds: float


@dataclass(frozen=True, slots=True)
class RunReport:
    kind: str
    chunks: int
    skipped: int
    rows: int
    errors: int
    seconds: float
    out: Path


def part_name(chunk_id: int) -> str:
    return f"part-{chunk_id:05d}.parquet"


def process_chunk(chunk: Chunk, out: str, today: str) -> ChunkDone:
    """Assess every record of ``chunk``; write its row and error parts into ``out``."""
    import pyarrow.parquet as pq

    started = time.process_time()
    batch = Batch(date.fromisoformat(today))
    if chunk.kind == "ndjson":
        for line, source in sources.ndjson_lines(chunk):
            batch.add_line(line, source)
    elif chunk.kind == "files":
        for data, source, refused in sources.case_files(chunk):
            if data is None:
                batch.error(None, source, [refused])
            elif not without_bom(data).strip():  # a file is a record: never skipped
                batch.error(None, source, [problem("", "empty file", "cohort.problem.empty")])
            else:
                batch.add_line(data, source)
    else:
        for key, lines in sources.bucket_patients(chunk):
            if key.startswith("!"):  # a line that names no patient
                try:
                    orjson.loads(lines[0])
                    message = (
                        "FHIR resource without a subject or patient reference to a Patient "
                        "(Patient/<id>)"
                    )
                    found = problem("", message, "cohort.problem.no_patient")
                except orjson.JSONDecodeError as exc:
                    found = not_json(lines[0], exc)
                batch.error(None, key[1:], [found])
                continue
            resources: list[Any] = []
            for line in lines:
                try:
                    resources.append(orjson.loads(line))
                except orjson.JSONDecodeError as exc:
                    batch.error(None, key, [not_json(line, exc)])
            batch.add_fhir(resources, key, patient_id=key.removeprefix("Patient/"))
    rows, errors = batch.tables()
    folder = Path(out)
    for sub, table in (("patients", rows), ("errors", errors)):
        final = folder / sub / part_name(chunk.id)
        tmp = final.with_suffix(".parquet.tmp")
        pq.write_table(table, tmp)
        os.replace(tmp, final)
    return ChunkDone(chunk.id, rows.num_rows, errors.num_rows, time.process_time() - started)


def _read_manifest(path: Path) -> dict[int, dict[str, Any]]:
    done: dict[int, dict[str, Any]] = {}
    if not path.exists():
        return done
    for line in path.read_bytes().splitlines():
        try:
            entry = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue  # a line cut by the interruption: that chunk is redone
        if isinstance(entry, dict) and isinstance(entry.get("chunk"), int):
            done[entry["chunk"]] = entry
    return done


def _prepare(
    source: Path, out: Path, chunk_size: int, today: date, restart: bool
) -> dict[str, Any]:
    """Check or write ``run.json``; a different input or setting needs ``restart``."""
    run_file = out / "run.json"
    wanted = {
        "input": str(source.resolve()),
        "chunk_size": chunk_size,
        "engine": __version__,
        "rules": load_rules().id,
    }
    refuse_foreign_out(out)
    if run_file.exists() and not restart:
        previous = orjson.loads(run_file.read_bytes())
        same = {k: previous.get(k) for k in wanted} == wanted
        if not same:
            raise CohortInputError(
                f"{out} holds a run with other settings or input; "
                "use --restart to discard it, or another --out folder",
                "other_run",
                out=out,
            )
        return dict(previous)
    if restart and out.exists():
        for name in ("patients", "errors", ".work"):
            shutil.rmtree(out / name, ignore_errors=True)
        for name in ("run.json", "manifest.ndjson", "errors.ndjson"):
            (out / name).unlink(missing_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    state = {**wanted, "as_of": today.isoformat()}
    run_file.write_bytes(orjson.dumps(state, option=orjson.OPT_INDENT_2))
    return state


def refuse_foreign_out(out: Path) -> None:
    """Refuse an ``out`` folder that is not empty and holds no thyref run (no
    ``run.json``, the first thing a run of either engine writes): its patients/ or errors/
    would be written into, and deleted by --restart or Spark's overwrite (security16: a
    user's own patients/ folder in --out was deleted whole); the source folder itself as
    --out had run.json read as a case at the next run."""
    if out.is_dir() and not (out / "run.json").exists() and _holds_files(out):
        raise CohortInputError(
            f"{out} is not empty and holds no thyref run: choose a new or empty --out "
            "folder (nothing in it is deleted or written over)",
            "out_not_run",
            out=out,
        )


def _holds_files(folder: Path) -> bool:
    """Whether ``folder`` holds anything but hidden names (``.DS_Store`` and the like,
    which a file manager leaves in a folder it shows)."""
    return any(not entry.name.startswith(".") for entry in folder.iterdir())


@contextmanager
def writing(out: Path) -> Iterator[None]:
    """An ``--out`` that cannot be written (read-only, no space, not allowed) is the
    user's to fix: one clear error naming it, not an internal error."""
    try:
        yield
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise CohortInputError(
            f"{out} cannot be written ({reason})", "out_unwritable", out=out, reason=reason
        ) from exc


def run_cohort(
    source: Path,
    out: Path,
    *,
    workers: int | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    restart: bool = False,
    today: date | None = None,
    on_plan: Callable[[Plan, int], None] | None = None,
    on_chunk: Callable[[ChunkDone], None] | None = None,
    max_chunks: int | None = None,
    lang: Lang = "fr",
) -> RunReport:
    """Assess every patient of ``source`` into ``out``; resumes a run left unfinished.

    ``max_chunks`` stops after that many chunks (to test an interruption); ``lang``: the
    language of the problems in errors.ndjson (the Parquet parts keep them in both).
    """
    started = time.perf_counter()
    # missing, of no known kind, or empty: refused before anything is written to ``out``
    kind = sources.detect(source)
    if out.exists() and not out.is_dir():
        raise CohortInputError(f"{out} is not a folder", "out_not_folder", out=out)
    with writing(out):
        state = _prepare(source, out, chunk_size, today or date.today(), restart)
    the_plan = sources.plan(source, chunk_size, out / ".work", kind)
    if state.get("signature") not in (None, the_plan.signature):
        raise CohortInputError(
            f"{source} changed since this run started; use --restart to start again",
            "input_changed",
            source=source,
        )
    with writing(out):
        if state.get("signature") is None or state.get("chunks") != len(the_plan.chunks):
            state["signature"] = the_plan.signature
            state["chunks"] = len(the_plan.chunks)  # the summary tells an unfinished run
            (out / "run.json").write_bytes(orjson.dumps(state, option=orjson.OPT_INDENT_2))
        for sub in ("patients", "errors"):
            (out / sub).mkdir(exist_ok=True)
            for stale in (out / sub).glob("*.tmp"):
                stale.unlink()
    manifest = out / "manifest.ndjson"
    finished = _read_manifest(manifest)
    todo = [c for c in the_plan.chunks if c.id not in finished]
    if max_chunks is not None:
        todo = todo[:max_chunks]
    if on_plan:
        on_plan(
            the_plan,
            sum(int(e.get("rows", 0)) + int(e.get("errors", 0)) for e in finished.values()),
        )
    workers = workers or os.cpu_count() or 1
    with writing(out):
        log_file = manifest.open("ab")
    with log_file as log:

        def record(done: ChunkDone) -> None:
            entry = {"chunk": done.chunk, "rows": done.rows, "errors": done.errors}
            log.write(orjson.dumps(entry) + b"\n")
            log.flush()
            os.fsync(log.fileno())
            finished[done.chunk] = entry
            if on_chunk:
                on_chunk(done)

        today_iso = str(state["as_of"])
        if workers == 1 or len(todo) <= 1:
            for chunk in todo:
                record(process_chunk(chunk, str(out), today_iso))
        else:
            _pool(todo, str(out), today_iso, workers, record)
    complete = all(c.id in finished for c in the_plan.chunks)
    duplicates = 0
    if complete:
        duplicates = set_aside_duplicates(out)
        _write_errors(out, [c.id for c in the_plan.chunks], lang)
        shutil.rmtree(out / ".work", ignore_errors=True)
    return RunReport(
        kind=the_plan.kind,
        chunks=len(the_plan.chunks),
        skipped=len(the_plan.chunks) - len(todo),
        rows=sum(int(e["rows"]) for e in finished.values()) - duplicates,
        errors=sum(int(e["errors"]) for e in finished.values()) + duplicates,
        seconds=time.perf_counter() - started,
        out=out,
    )


def _pool(
    todo: list[Chunk], out: str, today: str, workers: int, record: Callable[[ChunkDone], None]
) -> None:
    """At most two chunks per worker in flight: memory stays flat whatever the input size."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["thyref.cohort.worker"])
    pending: set[Future[ChunkDone]] = set()
    queue = iter(todo)
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=watch_run, initargs=(os.getpid(),)
    ) as pool:
        try:
            for chunk in queue:
                pending.add(pool.submit(process_chunk, chunk, out, today))
                if len(pending) >= 2 * workers:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        record(future.result())
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    record(future.result())
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


DUPLICATES = "part-duplicates.parquet"


def set_aside_duplicates(out: Path) -> int:
    """Move every row whose ``patient_id`` is also another row's to the errors; returns
    how many. The output is one row per patient, and which of two records with one id is
    right cannot be told: each goes to ``errors/part-duplicates.parquet``, naming where the
    others are. Chunks run apart, so this looks at the whole output once the last one is
    done (the ids and sources only). The list is written before any part is rewritten, so
    a run stopped in between finishes the same way when rerun."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from thyref.cohort.record import arrow_error_schema

    listed = out / "errors" / DUPLICATES
    parts = sorted((out / "patients").glob("*.parquet"))
    if listed.exists():
        entries = pq.read_table(listed).to_pylist()
    elif not parts:
        return 0
    else:
        import duckdb

        glob = str(out / "patients" / "*.parquet").replace("'", "''")
        with duckdb.connect() as con:  # DuckDB groups out of core: memory stays flat
            shared = con.execute(
                f"SELECT patient_id, list(source ORDER BY source) FROM read_parquet('{glob}') "
                "GROUP BY patient_id HAVING count(*) > 1 ORDER BY patient_id"
            ).fetchall()
        entries = []
        for patient, where in shared:
            for here in where:
                others = ", ".join(w for w in where if w != here) or here
                message = (
                    f"patient id {patient} is also given at {others}: every record of this "
                    "id is set aside (one row per patient; which one is right cannot be told)"
                )
                said = problem("id", message, "cohort.problem.duplicate", id=patient, others=others)
                entries.append({"patient_id": patient, "source": here, "problems": [said]})
        if not entries:
            return 0
        table = pa.Table.from_pylist(entries, schema=arrow_error_schema())
        tmp = listed.with_suffix(".parquet.tmp")
        pq.write_table(table, tmp)
        os.replace(tmp, listed)
    dropped = pa.array(sorted({e["patient_id"] for e in entries}), pa.string())
    for part in parts:
        table = pq.read_table(part)
        keep = pc.invert(pc.is_in(table["patient_id"], value_set=dropped))
        if pc.all(keep).as_py() is not False:
            continue
        tmp = part.with_suffix(".parquet.tmp")
        pq.write_table(table.filter(keep), tmp)
        os.replace(tmp, part)
    return len(entries)


def _write_errors(out: Path, chunk_ids: list[int], lang: Lang = "fr") -> None:
    """``errors.ndjson``: every rejected record, chunk after chunk (records sharing a
    patient id last), readable with any tool, its problems said in ``lang``."""
    import pyarrow.parquet as pq

    tmp = out / "errors.ndjson.tmp"
    with tmp.open("wb") as f:
        names = [*(part_name(k) for k in chunk_ids), DUPLICATES]
        for part in (out / "errors" / name for name in names):
            if not part.exists():
                continue
            for entry in pq.read_table(part).to_pylist():
                f.write(orjson.dumps(said_entry(entry, lang)) + b"\n")
    os.replace(tmp, out / "errors.ndjson")
