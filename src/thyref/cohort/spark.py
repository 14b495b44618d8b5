"""The cohort engine on PySpark: the same per-record core (``Batch``) in Spark partitions.

Input: an NDJSON file of cases (or Bundles), a folder or glob of such files, or a folder of
case files (``*.json``). Output: the same layout as the local engine (``patients/`` and
``errors/`` Parquet folders, ``errors.ndjson``), so ``thyref cohort summary`` reads both.

Locally it runs ``local[*]`` on the loopback interface; on a cluster set
``THYREF_SPARK_MASTER`` (or submit with ``spark-submit``, see ``docs/cohort.md``), and ship
thyref as a wheel so the executors can import it.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Iterator
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from thyref import __version__
from thyref.cohort.record import COLUMNS, NAMES, PROBLEM_FIELDS, Batch, said_entry
from thyref.cohort.runner import RunReport, refuse_foreign_out, set_aside_duplicates
from thyref.cohort.sources import (
    CASE_FILE_GLOB,
    NDJSON_FILE_GLOB,
    CohortInputError,
    detect,
    is_case_file,
    is_ndjson_file,
)
from thyref.domain.messages import Lang

if TYPE_CHECKING:
    from pyspark.sql import SparkSession
    from pyspark.sql.types import StructType


def session() -> SparkSession:
    """The Spark session (one per process: ``getOrCreate`` returns the running one)."""
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    master = os.environ.get("THYREF_SPARK_MASTER", "local[*]")
    builder = SparkSession.builder.master(master).appName("thyref-cohort")
    builder = builder.config("spark.ui.enabled", "false")
    if master.startswith("local"):
        builder = builder.config("spark.driver.host", "127.0.0.1")
        builder = builder.config("spark.driver.bindAddress", "127.0.0.1")
    return builder.getOrCreate()


def spark_schema() -> StructType:
    """``ok``, every output column, and ``problems`` (empty for assessed patients)."""
    from pyspark.sql import types as T

    kinds: dict[str, Any] = {
        "string": T.StringType(),
        "date": T.DateType(),
        "int": T.IntegerType(),
        "double": T.DoubleType(),
        "list": T.ArrayType(T.StringType()),
    }
    problem = T.StructType([T.StructField(name, T.StringType()) for name in PROBLEM_FIELDS])
    return T.StructType(
        [
            T.StructField("ok", T.BooleanType(), False),
            *(T.StructField(name, kinds[kind]) for name, kind in COLUMNS),
            T.StructField("problems", T.ArrayType(problem)),
        ]
    )


def assess_partition(today: str, records: Iterable[tuple[str, str]]) -> Iterator[tuple[Any, ...]]:
    """(source, JSON text) records -> output tuples; the same core as the local engine."""
    batch = Batch(date.fromisoformat(today))
    for source, body in records:
        batch.add_line(body.encode("utf-8"), source)
    for values in zip(*batch.columns, strict=True):
        yield (True, *values, [])
    blank = [None] * (len(NAMES) - 2)
    for err in batch.errors:
        yield (False, err["patient_id"], err["source"], *blank, err["problems"])


def _numbered(name: str, pair: tuple[str, int]) -> tuple[str, str]:
    line, index = pair
    return f"{name}:{index + 1}", line


def _named(pair: tuple[str, str]) -> tuple[str, str]:
    path, body = pair
    return path.rsplit("/", 1)[-1], body


def run_spark(
    source: Path | str,
    out: Path | str,
    *,
    spark: SparkSession | None = None,
    today: date | None = None,
    lang: Lang = "fr",
) -> RunReport:
    """Assess every record of ``source`` with Spark; write Parquet into ``out``.

    Local paths are checked here; URIs (``hdfs://``, ``s3a://``...) go to Spark as they are
    and are read as NDJSON. ``lang``: the language of the problems in errors.ndjson.
    """
    from pyspark.sql import functions as F

    started = time.perf_counter()
    remote = "://" in str(source) or "://" in str(out)
    local_source = Path(source)
    if not remote:  # missing, of no known kind, or empty: as the local engine says it
        detect(local_source)
        refuse_foreign_out(Path(out))  # Spark's overwrite mode empties patients/, errors/
    spark = spark or session()
    sc = spark.sparkContext
    today_iso = (today or date.today()).isoformat()
    name = str(source).rstrip("/").rsplit("/", 1)[-1]
    if not remote and local_source.is_dir() and _has_case_files(local_source):
        records = sc.wholeTextFiles(str(local_source / CASE_FILE_GLOB)).map(_named)
        kind = "folder"
    elif not remote and local_source.is_dir() and _looks_like_bulk(local_source):
        raise CohortInputError(
            f"{source}: FHIR Bulk Data exports run on the local engine (--engine local)",
            "bulk_needs_local",
            source=source,
        )
    else:
        target = (
            str(local_source / NDJSON_FILE_GLOB)
            if not remote and local_source.is_dir()
            else (str(source))
        )
        records = sc.textFile(target).zipWithIndex().map(partial(_numbered, name))
        kind = "ndjson"
    rdd = records.mapPartitions(partial(assess_partition, today_iso))
    frame = spark.createDataFrame(rdd, schema=spark_schema()).persist()
    if remote and frame.isEmpty():  # a local input was checked above, before Spark started
        frame.unpersist()
        raise CohortInputError(
            f"no patient found in {source}: no record was read from it", "empty_input", path=source
        )
    if not remote:
        Path(out).mkdir(parents=True, exist_ok=True)
        _write_run(Path(out), source, today_iso)
    base = str(out).rstrip("/")
    patients = frame.filter(F.col("ok")).drop("ok", "problems")
    patients.write.mode("overwrite").parquet(f"{base}/patients")
    errors = frame.filter(~F.col("ok")).select("patient_id", "source", "problems")
    errors.write.mode("overwrite").parquet(f"{base}/errors")
    counts = {bool(r["ok"]): int(r["count"]) for r in frame.groupBy("ok").count().collect()}
    frame.unpersist()
    if not remote:
        # one row per patient: records sharing an id go to the errors, as on the local engine
        duplicates = set_aside_duplicates(Path(out))
        counts[True] = counts.get(True, 0) - duplicates
        counts[False] = counts.get(False, 0) + duplicates
        _errors_ndjson(Path(out), lang)
    return RunReport(
        kind=f"spark-{kind}",
        chunks=rdd.getNumPartitions(),
        skipped=0,
        rows=counts.get(True, 0),
        errors=counts.get(False, 0),
        seconds=time.perf_counter() - started,
        out=Path(out),
    )


def _write_run(out: Path, source: Path | str, today_iso: str) -> None:
    """``run.json`` of a Spark run: what was run, and the mark that ``out`` is thyref's
    (a later Spark run may write over it; the local engine sees other settings and asks
    for --restart)."""
    import orjson

    from thyref.domain.rules import load_rules

    state = {
        "input": str(Path(source).resolve()),
        "engine": __version__,
        "engine_kind": "spark",
        "rules": load_rules().id,
        "as_of": today_iso,
    }
    (out / "run.json").write_bytes(orjson.dumps(state, option=orjson.OPT_INDENT_2))


def _has_case_files(folder: Path) -> bool:
    return any(p.is_file() and is_case_file(p.name) for p in folder.iterdir())


def _looks_like_bulk(folder: Path) -> bool:
    import orjson

    for file in sorted(p for p in folder.iterdir() if p.is_file() and is_ndjson_file(p.name)):
        with file.open("rb") as f:
            first = f.readline()
        try:
            obj = orjson.loads(first)
        except orjson.JSONDecodeError:
            continue
        return isinstance(obj, dict) and obj.get("resourceType") not in (None, "Bundle")
    return False


def _errors_ndjson(out: Path, lang: Lang) -> None:
    import orjson
    import pyarrow.parquet as pq

    with (out / "errors.ndjson").open("wb") as f:
        for part in sorted((out / "errors").glob("*.parquet")):
            for entry in pq.read_table(part).to_pylist():
                f.write(orjson.dumps(said_entry(entry, lang)) + b"\n")


def main(argv: list[str] | None = None) -> int:
    """``spark-submit .../thyref/cohort/spark.py INPUT OUT``: the driver for a cluster."""
    import argparse

    # the functions shipped to executors must come from the installed package, not __main__
    from thyref.cohort.spark import run_spark as run

    parser = argparse.ArgumentParser(prog="thyref-cohort-spark")
    parser.add_argument("source", help="NDJSON of cases, a folder of them, or a URI")
    parser.add_argument("out", help="output folder or URI (Parquet)")
    args = parser.parse_args(argv)
    report = run(args.source, args.out)
    print(f"{report.rows} patients assessed, {report.errors} rejected, in {report.seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
