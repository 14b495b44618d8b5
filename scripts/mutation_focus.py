#!/usr/bin/env python3
"""Run named mutants against a focused list of domain test files (docs/quality.md,
session 12), when `mutmut run` is too slow on a loaded machine.

mutmut must have generated the mutants first (`mutmut run` makes `mutants/`; it may be
stopped once it is running tests). One process imports the mutated package
(`mutants/src`) and collects the given test files once; then, for each mutant, it forks,
names the mutant with mutmut's own trampoline switch and runs the files with `-x`. The
exit code of each mutant (0: survived the files given, 1: killed) is kept in a JSON file,
and a mutant already there is not run again.

The mutant is named without ``MUTANT_UNDER_TEST`` in the environment, so the domain
conftest keeps its caches (rule sets, catalogue, definitions, therapy table): use this
only for functions that do not build them (for the loaders, use `mutmut run`, which
clears them). A survivor of a focused list is not shown to survive the whole suite: kill
it with a test, re-check it with `scripts/mutation_recheck.py`, or give its reason.

Usage (from the checkout):
    .venv/bin/python scripts/mutation_focus.py OUT.json "TEST FILES..." MUTANT...
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "mutants" / "src"
FLAGS = ["-q", "-p", "no:cacheprovider", "-p", "no:randomly", "-o", "addopts="]


def main() -> int:
    out_path, args, names = Path(sys.argv[1]), shlex.split(sys.argv[2]), sys.argv[3:]
    sys.path.insert(0, str(SRC))
    os.environ["PYTHONPATH"] = str(SRC)
    os.environ.pop("MUTANT_UNDER_TEST", None)
    import pytest

    from thyref.domain import assessment, messages, rules  # noqa: F401 (loaded once)

    rules.load_rules()
    messages.catalogue()
    # collect once: the test modules stay imported in every forked child
    saved, null = os.dup(1), os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    pytest.main([*args, "--collect-only", *FLAGS])
    os.dup2(saved, 1)
    results: dict[str, int] = json.loads(out_path.read_text()) if out_path.exists() else {}
    for name in names:
        if name in results:
            continue
        start = time.monotonic()
        pid = os.fork()
        if pid == 0:
            from mutmut.mutation.trampoline import set_mutant_under_test

            set_mutant_under_test(name)
            os.environ.pop("MUTANT_UNDER_TEST", None)  # the trampoline keeps the name
            os.dup2(null, 1)
            os.dup2(null, 2)
            signal.alarm(600)
            os._exit(int(pytest.main([*args, "-x", "--tb=no", *FLAGS])))
        _, status = os.waitpid(pid, 0)
        results[name] = os.waitstatus_to_exitcode(status)
        print(f"{name} {results[name]} {time.monotonic() - start:.1f}s", flush=True)
        out_path.write_text(json.dumps(results, indent=0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
