#!/usr/bin/env python3
"""The mutation score of the last `make mutation` run (mutmut 3 results in mutants/).

Per module of ``src/thyref/domain``: mutants checked, killed (a test failed, or timed
out), survived, not covered (no domain test runs the function); a mutant that
`scripts/mutation_recheck.py` killed counts as killed. Mutants listed as
equivalent in docs/quality.md (lines ``- `<mutant name>`: reason``) are left out of the
score: score = killed / (checked - equivalent); a listed mutant that a test killed counts
as killed and is named (its line is stale: mutant numbers move when the code changes).
Surviving mutants not listed as equivalent are printed, one per line, for
`mutmut show <name>`.
Exit 1 when the score is below the target (95 %).
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
META = ROOT / "mutants" / "src" / "thyref" / "domain"
QUALITY = ROOT / "docs" / "quality.md"
RECHECK = ROOT / "mutants" / "recheck.json"  # scripts/mutation_recheck.py
TARGET = 0.95
KILLED = {1, 3, 36, 24, -24, 152, 255, 37}  # failed, pytest error, timeouts, type check
SURVIVED = {0}
NO_TESTS = {5, 33}


def equivalents() -> set[str]:
    if not QUALITY.exists():
        return set()
    return set(re.findall(r"^- `(thyref\.domain\.[^`]+)`", QUALITY.read_text(), re.M))


def main() -> int:
    if not META.is_dir():
        print("no mutants/ folder: run `make mutation` first")
        return 2
    equivalent = equivalents()
    recheck: dict[str, int] = json.loads(RECHECK.read_text()) if RECHECK.exists() else {}
    totals: Counter[str] = Counter()
    alive: list[str] = []
    stale: list[str] = []
    print(f"{'module':<20}{'checked':>9}{'killed':>8}{'survived':>10}{'no test':>9}")
    for meta in sorted(META.glob("*.py.meta")):
        codes: dict[str, int | None] = json.loads(meta.read_text())["exit_code_by_key"]
        row: Counter[str] = Counter()
        for name, code in codes.items():
            if code is None:
                continue
            if recheck.get(name) in KILLED:
                code = recheck[name]
            row["checked"] += 1
            if name in equivalent and code in KILLED:
                # listed as equivalent, yet a test tells it apart: the line is stale
                # (mutant numbers move when the code changes), the kill counts
                row["killed"] += 1
                stale.append(name)
            elif name in equivalent:
                row["equivalent"] += 1
            elif code in KILLED:
                row["killed"] += 1
            elif code in NO_TESTS:
                row["no test"] += 1
                alive.append(f"{name} (no test)")
            else:
                row["survived"] += 1
                alive.append(name)
        if row["checked"]:
            module = meta.name.removesuffix(".py.meta")
            print(
                f"{module:<20}{row['checked']:>9}{row['killed']:>8}"
                f"{row['survived']:>10}{row['no test']:>9}"
            )
        totals.update(row)
    scored = totals["checked"] - totals["equivalent"]
    score = totals["killed"] / scored if scored else 0.0
    print(
        f"\n{totals['checked']} mutants checked, {totals['equivalent']} equivalent, "
        f"{totals['killed']} killed of {scored}: score {score:.1%} (target {TARGET:.0%})"
    )
    for name in alive:
        print(f"  alive {name}")
    for name in stale:
        print(f"  killed, yet listed as equivalent in docs/quality.md (remove the line): {name}")
    return 0 if score >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
