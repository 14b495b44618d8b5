"""A cohort worker does not outlive the run that started it (`thyref.cohort.watch`)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from thyref.cohort.watch import gone

from .support import cohort_command, start_and_wait, write_ndjson


def test_a_running_process_is_not_gone() -> None:
    assert not gone(os.getpid())


def test_an_ended_and_reaped_process_is_gone() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert gone(child.pid)


def test_a_zombie_is_gone() -> None:
    # ended but not reaped by its parent (this test): still in /proc, state Z
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    deadline = time.monotonic() + 30
    while not Path(f"/proc/{child.pid}/stat").read_text().split(") ")[-1].startswith("Z"):
        assert time.monotonic() < deadline
        time.sleep(0.01)
    try:
        assert gone(child.pid)
    finally:
        child.wait()


def test_watch_run_ends_the_process_when_the_run_ends(tmp_path: Path) -> None:
    # a "run" process, and a "worker" that watches it every 0.05 s and otherwise sleeps
    run = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    worker = subprocess.Popen(
        [sys.executable, "-c",
         f"import time; from thyref.cohort.watch import watch_run; "
         f"watch_run({run.pid}, every=0.05); time.sleep(60)"]
    )  # fmt: skip
    time.sleep(0.5)
    assert worker.poll() is None  # watching a live run: still there
    run.kill()
    run.wait()
    assert worker.wait(timeout=20) == 1


def _marked(mark: str) -> list[int]:
    """Processes whose environment holds ``mark`` (the run and everything it started)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if mark.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def test_no_worker_outlives_a_killed_run(tmp_path: Path) -> None:
    source = tmp_path / "cases.ndjson"
    write_ndjson(source, 3000, seed=8)
    out = tmp_path / "out"
    mark = f"THYREF_TEST_MARK={uuid.uuid4().hex}"
    env = {**os.environ, mark.split("=")[0]: mark.split("=")[1]}
    proc = start_and_wait(cohort_command(source, out, workers=2), out, env=env)
    # the pool is at work: the run, its forkserver and workers carry the mark
    assert len(_marked(mark)) >= 3
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 30
    while _marked(mark) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = _marked(mark)
    for pid in left:  # do not leave them to the next tests
        os.kill(pid, signal.SIGKILL)
    assert left == []
