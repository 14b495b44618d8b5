"""A cohort worker ends when the run that started it is gone.

A worker's parent is the forkserver, not the run, and it holds both ends of the pool's
queues: after a ``kill -9`` of the run it would wait for work forever, keeping its memory
and the forkserver alive. ``watch_run`` is the pool's initializer: a daemon thread looks
at the run's process every second and ends the worker once it has ended.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path


def gone(pid: int) -> bool:
    """Whether process ``pid`` has ended: absent, or a zombie its own parent has not
    reaped yet (a run killed under a program that does not wait for it)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    except OSError:  # no /proc: ask the kernel whether the id still exists
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False
    # "pid (command) state ...": the command may hold spaces and parentheses
    return stat[stat.rfind(")") + 2 :].startswith("Z")


def watch_run(pid: int, every: float = 1.0) -> None:
    """Start the thread that ends this process once ``pid`` is gone."""

    def look() -> None:
        while not gone(pid):
            time.sleep(every)
        os._exit(1)

    threading.Thread(target=look, name="thyref-watch-run", daemon=True).start()
