"""Cohort benchmark (issue 13): patients/s from NDJSON cases, peak memory, parse ratio.

- generates ``N`` synthetic patients once (cached under ``var/bench-cohort/``, in parallel);
- times ``thyref cohort run`` on them as a user runs it (a subprocess, every core), and
  samples the memory of its whole process tree; ``getrusage(RUSAGE_CHILDREN)`` gives the
  largest single process and the CPU time of the run;
- times merely reading and parsing the same NDJSON (orjson, one process);
- times, in-process on a sample, the core a cohort runs (parse + validate + ``evaluate``:
  every rule, no sentence) against the cohort's per-record pipeline around that same core
  (NDJSON line, row, Arrow table, Parquet part): the pipeline's own overhead; and, beside
  them, the single-case path (parse + validate + ``assess`` with its sentences + JSON).

``N`` is 100,000; ``THYREF_BENCH_COHORT_N=1000000`` (or ``--n 1000000`` when run directly)
is the opt-in large run.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
SEED = 13
SAMPLE = 3000


def _slice(args: tuple[int, int]) -> bytes:
    from thyref.synth import synth_cases

    start, count = args
    return b"".join(orjson.dumps(c) + b"\n" for c in synth_cases(count, SEED, start=start))


def cases_file(n: int) -> Path:
    """The NDJSON of ``n`` synthetic patients (generated once, in parallel)."""
    path = ROOT / "var" / "bench-cohort" / f"cases-{SEED}-{n}.ndjson"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    step = 10_000
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as f, ProcessPoolExecutor() as pool:
        slices = [(s, min(step, n - s)) for s in range(0, n, step)]
        for block in pool.map(_slice, slices):
            f.write(block)
    os.replace(tmp, path)
    return path


def _tree(root: int) -> dict[int, tuple[int, int]]:
    """``pid -> (resident bytes, CPU ticks)`` of ``root`` and all its descendants (/proc)."""
    parents: dict[int, int] = {}
    usage: dict[int, tuple[int, int]] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            statm = Path(f"/proc/{entry}/statm").read_text().split()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        parents[int(entry)] = int(fields[1])
        # fields from the state on: utime and stime are the 12th and 13th
        usage[int(entry)] = (int(statm[1]) * page, int(fields[11]) + int(fields[12]))
    tree = {root}
    changed = True
    while changed:
        changed = False
        for pid, ppid in parents.items():
            if ppid in tree and pid not in tree:
                tree.add(pid)
                changed = True
    return {pid: usage[pid] for pid in tree if pid in usage}


def cohort_run(source: Path, n: int) -> dict[str, float]:
    thyref = Path(sys.executable).parent / "thyref"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [str(thyref), "cohort", "run", str(source), "--out", tmp, "--no-progress"]
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        peak = peak_one = 0
        ticks: dict[int, int] = {}
        stop = threading.Event()

        def sample() -> None:
            nonlocal peak, peak_one
            while not stop.is_set():
                tree = _tree(proc.pid)
                peak = max(peak, sum(rss for rss, _ in tree.values()))
                peak_one = max([peak_one, *(rss for rss, _ in tree.values())])
                ticks.update({pid: cpu for pid, (_, cpu) in tree.items()})
                stop.wait(0.2)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, err = proc.communicate()
        wall = time.perf_counter() - started
        stop.set()
        sampler.join()
        if proc.returncode != 0:
            raise RuntimeError(err.decode())
    # CPU of the whole tree as last sampled (pool workers are not all reaped as our
    # children, so getrusage alone would miss them); getrusage covers the main process
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    main_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    tree_cpu = sum(ticks.values()) / os.sysconf("SC_CLK_TCK")
    cpu = max(main_cpu, tree_cpu)
    return {
        "patients": float(n),
        "patients_per_s": n / wall,
        "wall_s": wall,
        "cpu_us_per_patient": cpu / n * 1e6,
        "peak_tree_rss_mb": peak / 2**20,
        "peak_process_rss_mb": max(peak_one / 2**20, after.ru_maxrss / 1024),
    }


def parse_only(source: Path) -> float:
    """Seconds to read the NDJSON and decode every line (one process)."""
    started = time.perf_counter()
    with source.open("rb") as f:
        for line in f:
            orjson.loads(line)
    return time.perf_counter() - started


def in_process(source: Path) -> dict[str, float]:
    """µs of CPU per patient, in one process on ``SAMPLE`` patients (best of 3):

    - ``inprocess_core``: decode + parse + validate + ``evaluate`` (every rule, no
      sentence), the core a cohort row is read from;
    - ``inprocess_pipeline``: the cohort's own per-record code around that same core
      (``Batch.add_line``, the row, the Arrow tables, the Parquet parts);
    - ``inprocess_assess``: decode + parse + validate + ``assess`` + ``to_json`` (with the
      sentences), what ``thyref assess`` does for one case; a cohort row skips the sentences.
    """
    import pyarrow.parquet as pq

    from thyref.cohort.record import Batch
    from thyref.domain import assess, parse_case
    from thyref.domain.assessment import evaluate
    from thyref.domain.rules import load_rules

    with source.open("rb") as f:
        lines = [f.readline() for _ in range(SAMPLE)]
    rules, today = load_rules(), date.today()
    Batch(today).tables()  # import pyarrow before timing
    core = pipeline = single = float("inf")
    for _ in range(3):
        t0 = time.process_time()
        for line in lines:
            evaluate(
                parse_case(orjson.loads(line), today=today, rules=rules), rules=rules, today=today
            )
        t1 = time.process_time()
        batch = Batch(today, rules)
        for i, line in enumerate(lines):
            batch.add_line(line, f"x:{i}")
        rows, errors = batch.tables()
        with tempfile.TemporaryDirectory() as tmp:
            pq.write_table(rows, Path(tmp) / "p.parquet")
            pq.write_table(errors, Path(tmp) / "e.parquet")
        t2 = time.process_time()
        for line in lines:
            case = parse_case(orjson.loads(line), today=today, rules=rules)
            assess(case, rules=rules, today=today).to_json()
        t3 = time.process_time()
        core, pipeline = min(core, t1 - t0), min(pipeline, t2 - t1)
        single = min(single, t3 - t2)
    return {
        "inprocess_core_us_per_patient": core / len(lines) * 1e6,
        "inprocess_pipeline_us_per_patient": pipeline / len(lines) * 1e6,
        "pipeline_overhead_pct": 100 * (pipeline - core) / core,
        "inprocess_assess_us_per_patient": single / len(lines) * 1e6,
    }


def run(n: int | None = None) -> dict[str, float]:
    n = n or int(os.environ.get("THYREF_BENCH_COHORT_N", "100000"))
    source = cases_file(n)
    figures = cohort_run(source, n)
    parse_s = parse_only(source)
    figures["parse_only_patients_per_s"] = n / parse_s
    figures["ratio_run_to_parse"] = figures["wall_s"] / parse_s
    figures["cores"] = float(os.cpu_count() or 1)
    figures.update(in_process(source))
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=None, help="patients (default 100,000)")
    args = parser.parse_args()
    for key, value in run(args.n).items():
        print(f"  {key:40s} {value:>14,.3f}")
