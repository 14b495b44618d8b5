#!/usr/bin/env python3
"""Re-check the mutants mutmut reports alive, with the whole domain suite.

On this machine mutmut 3.8 reported some mutants "survived" that the domain tests kill
when run by hand with the mutant switched on (e.g. `band = None` in kinetics, killed by
the band tests). This runs, for each alive mutant of the given modules, the domain
tests in `mutants/` with ``MUTANT_UNDER_TEST`` set (exactly what mutmut's trampoline
reads) and records the exit code in ``mutants/recheck.json``;
`scripts/mutation_score.py` then counts a mutant killed when either run killed it.

Usage: ``python scripts/mutation_recheck.py [-j N] [MODULE...]`` (e.g. ``kinetics rules``;
no module: every module of the domain that mutmut has results for).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUTANTS = ROOT / "mutants"
META = MUTANTS / "src" / "thyref" / "domain"
RECHECK = MUTANTS / "recheck.json"


def alive(module: str) -> list[str]:
    codes: dict[str, int | None] = json.loads((META / f"{module}.py.meta").read_text())[
        "exit_code_by_key"
    ]
    return [name for name, code in codes.items() if code in (0, 5, 33)]


def equivalents() -> set[str]:
    quality = ROOT / "docs" / "quality.md"
    return set(re.findall(r"^- `(thyref\.domain\.[^`]+)`", quality.read_text(), re.M))


def check(name: str) -> int:
    env = {**os.environ, "MUTANT_UNDER_TEST": name, "PYTHONPATH": str(MUTANTS / "src")}
    env.pop("CI", None)
    # the quick, sharp files first: a killed mutant stops at its first failure (-x)
    first = sorted(p.name for p in (ROOT / "tests" / "domain").glob("test_*_edges.py"))
    first += ["test_rules_pinned.py", "test_refractoriness_evidence.py"]
    cmd = [sys.executable, "-m", "pytest", *(f"tests/domain/{f}" for f in first)]
    cmd += ["tests/domain", "--ignore=tests/domain/test_cli.py"]
    cmd += ["-x", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", "-o", "addopts="]
    try:
        done = subprocess.run(cmd, cwd=MUTANTS, env=env, capture_output=True, timeout=600)
    except subprocess.TimeoutExpired:
        return 36
    return done.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("modules", nargs="*")
    args = parser.parse_args()
    # the suite must pass in mutants/ with no mutant switched on, or every re-check would
    # "kill" (a name no function has runs the original code everywhere)
    baseline = check("thyref.domain.no_such_function__mutmut_0")
    if baseline != 0:
        print(f"the domain suite fails in {MUTANTS} without any mutant (exit {baseline}):")
        print("fix that first (run it there with MUTANT_UNDER_TEST set to a made-up name)")
        return 2
    results: dict[str, int] = json.loads(RECHECK.read_text()) if RECHECK.exists() else {}
    skip = equivalents()
    if not args.modules:
        args.modules = sorted(p.name.removesuffix(".py.meta") for p in META.glob("*.py.meta"))
    todo = [n for m in args.modules for n in alive(m) if n not in results and n not in skip]
    print(f"{len(todo)} mutants to re-check", flush=True)
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for name, code in zip(todo, pool.map(check, todo), strict=True):
            results[name] = code
            RECHECK.write_text(json.dumps(results, indent=1))
            print(f"{'killed  ' if code else 'SURVIVED'} {name}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
