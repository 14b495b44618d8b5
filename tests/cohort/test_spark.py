"""`--engine spark`: the same rows as `thyref assess`, through PySpark in local mode."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from thyref.cohort.summary import summarise

from .support import assert_same_as_single_case, read_errors, write_ndjson

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

TODAY = date(2026, 6, 1)


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    """One local session for every Spark test (it takes several seconds to start)."""
    if shutil.which("java") is None and os.environ.get("CI") != "true":
        pytest.skip("Spark needs Java: apt-get install -y openjdk-17-jre-headless")
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    os.environ["THYREF_SPARK_MASTER"] = "local[2]"
    from thyref.cohort.spark import session

    spark = session()
    spark.sparkContext.setLogLevel("ERROR")
    yield spark
    spark.stop()


def test_spark_rows_equal_single_case_assessment(spark: SparkSession, tmp_path: Path) -> None:
    from thyref.cohort.spark import run_spark

    source = tmp_path / "cases.ndjson"
    bad = [b"not json", b'{"format": "thyref-case/1", "id": "x"}']
    lines = write_ndjson(source, 150, seed=17, extra=bad)
    report = run_spark(source, tmp_path / "out", spark=spark, today=TODAY)
    assert (report.rows, report.errors) == (150, 2)
    assert_same_as_single_case(tmp_path / "out", lines[:-2], TODAY)
    errors = {e["source"]: e for e in read_errors(tmp_path / "out")}
    assert set(errors) == {"cases.ndjson:151", "cases.ndjson:152"}
    # the case without a diagnosis names the missing field
    assert [p["path"] for p in errors["cases.ndjson:152"]["problems"]] == ["diagnosis"]
    # said in French by default, its code beside the words (as the local engine)
    [said] = errors["cases.ndjson:152"]["problems"]
    assert (said["code"], said["message"]) == ("missing", "champ obligatoire manquant")
    # the summary reads Spark's output like the local engine's
    assert summarise(tmp_path / "out").rows == 150


def test_spark_reads_a_folder_of_case_files(spark: SparkSession, tmp_path: Path) -> None:
    import orjson

    from thyref.cohort.spark import run_spark
    from thyref.synth import synth_cases

    folder = tmp_path / "cases"
    folder.mkdir()
    lines = []
    for i, case in enumerate(synth_cases(20, seed=3)):
        line = orjson.dumps(case)
        # the ending in any case: files from systems that write ".JSON" were left out
        ending = (".json", ".JSON", ".Json")[i % 3]
        (folder / f"{case['id']}{ending}").write_bytes(line)
        lines.append(line)
    (folder / "broken.json").write_bytes(b"{")
    (folder / "notes.txt").write_bytes(b"not a case")  # another kind of file: not read
    report = run_spark(folder, tmp_path / "out", spark=spark, today=TODAY)
    assert (report.rows, report.errors) == (20, 1)
    assert_same_as_single_case(tmp_path / "out", lines, TODAY)
    assert [e["source"] for e in read_errors(tmp_path / "out")] == ["broken.json"]


def test_spark_sets_aside_records_sharing_a_patient_id(spark: SparkSession, tmp_path: Path) -> None:
    # the same rule as the local engine (test_runner): one row per patient, so every
    # record of an id given twice goes to the errors (it was two rows, counted twice)
    import orjson

    from thyref.cohort.spark import run_spark

    source = tmp_path / "cases.ndjson"
    lines = write_ndjson(source, 10, seed=5)
    source.write_bytes(source.read_bytes() + lines[2] + b"\n")  # line 11 repeats line 3
    report = run_spark(source, tmp_path / "out", spark=spark, today=TODAY)
    assert (report.rows, report.errors) == (9, 2)
    assert_same_as_single_case(tmp_path / "out", lines[:2] + lines[3:], TODAY)
    errors = read_errors(tmp_path / "out")
    assert {e["source"] for e in errors} == {"cases.ndjson:3", "cases.ndjson:11"}
    assert {e["patient_id"] for e in errors} == {orjson.loads(lines[2])["id"]}
    assert summarise(tmp_path / "out").rows == 9


@pytest.mark.parametrize(
    "body",
    [
        b"",  # an empty file
        b"\n  \n\t\n",  # blank lines only
    ],
)
def test_spark_stops_on_a_remote_input_without_any_record(
    spark: SparkSession, tmp_path: Path, body: bytes
) -> None:
    # a URI goes to Spark unchecked (a cluster's hdfs:// or s3a:// input); one that holds
    # no record is "no patient found", as a local input is, and nothing is written (was
    # 0 patients and an empty Parquet output)
    from thyref.cohort.sources import CohortInputError
    from thyref.cohort.spark import run_spark

    source = tmp_path / "cases.ndjson"
    source.write_bytes(body)
    with pytest.raises(CohortInputError) as caught:
        run_spark(f"file://{source}", tmp_path / "out", spark=spark, today=TODAY)
    assert caught.value.code == "empty_input"
    assert not (tmp_path / "out" / "patients").exists()


@pytest.mark.parametrize(
    "where",
    [
        # a folder of the user's holding a patients/ folder: Spark's overwrite mode
        # emptied it (security16 left this to the Spark engine)
        "own-folder",
        # the input folder itself: its case files beside Spark's output
        "input-folder",
    ],
)
def test_spark_leaves_a_folder_that_holds_no_run_alone(tmp_path: Path, where: str) -> None:
    # refused before Spark starts: no session is needed to see it
    from thyref.cohort.sources import CohortInputError
    from thyref.cohort.spark import run_spark

    cases = tmp_path / "cases"
    cases.mkdir()
    write_ndjson(cases / "cases.ndjson", 2, seed=3)
    if where == "own-folder":
        out = tmp_path / "mine"
        (out / "patients").mkdir(parents=True)
        (out / "patients" / "notes.txt").write_text("someone's data", encoding="utf-8")
    else:
        out = cases
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    with pytest.raises(CohortInputError) as caught:
        run_spark(cases, out, today=TODAY)
    assert caught.value.code == "out_not_run"
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before


def test_a_spark_run_folder_is_marked_as_a_run(spark: SparkSession, tmp_path: Path) -> None:
    # a Spark run writes run.json: the same --out again is its own earlier run (written
    # over), and the local engine sees other settings there (--restart to discard it)
    import orjson

    from thyref.cohort.runner import run_cohort
    from thyref.cohort.sources import CohortInputError
    from thyref.cohort.spark import run_spark

    source = tmp_path / "cases.ndjson"
    write_ndjson(source, 3, seed=5)
    out = tmp_path / "out"
    run_spark(source, out, spark=spark, today=TODAY)
    mark = orjson.loads((out / "run.json").read_bytes())
    assert (mark["engine_kind"], mark["as_of"]) == ("spark", TODAY.isoformat())
    assert run_spark(source, out, spark=spark, today=TODAY).rows == 3
    with pytest.raises(CohortInputError) as caught:
        run_cohort(source, out, workers=1, today=TODAY)
    assert caught.value.code == "other_run"
