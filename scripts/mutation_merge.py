#!/usr/bin/env python3
"""Fill the unchecked mutants of ``mutants/`` with results of other mutmut folders.

``make mutation`` over the whole domain takes hours on two cores, so it is run in parts
(a module per worktree, at different commits). This script gathers the parts into the
``mutants/`` folder of the current checkout, so that ``scripts/mutation_score.py`` gives
one whole-domain figure: for every mutant that ``mutants/`` has not checked, the result
of the first SOURCE folder that checked it is taken, **only if the mutated function is
unchanged** (mutmut keeps a hash of each function's source beside its results;
different hash, different code, so the old result is not used). A kill by
``scripts/mutation_recheck.py`` (``recheck.json``) comes with the result it corrects.

Usage: ``python scripts/mutation_merge.py OTHER/mutants [...]`` (newest first), then
``python scripts/mutation_score.py``.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = Path("src") / "thyref" / "domain"


def function_of(key: str) -> str:
    """``thyref.domain.options.x__systemic__mutmut_15`` -> ``x__systemic``."""
    return key.rsplit(".", 1)[-1].rsplit("__mutmut_", 1)[0]


def load(path: Path) -> dict[str, Any] | None:
    try:
        data: dict[str, Any] = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data


def merge(target: Path, sources: list[Path]) -> Counter[str]:
    taken: Counter[str] = Counter()
    recheck_path = target / "recheck.json"
    recheck: dict[str, Any] = load(recheck_path) or {}
    source_rechecks = [(s, load(s / "recheck.json") or {}) for s in sources]
    for meta_path in sorted((target / DOMAIN).glob("*.py.meta")):
        meta = load(meta_path)
        if meta is None:
            continue
        codes: dict[str, int | None] = meta["exit_code_by_key"]
        hashes: dict[str, str] = meta["hash_by_function_name"]
        others = [(s, load(s / DOMAIN / meta_path.name), r) for s, r in source_rechecks]
        for key, code in codes.items():
            if code is not None:
                continue  # checked here: this folder's own result stands
            function = function_of(key)
            for source, other, other_recheck in others:
                if other is None:
                    continue
                if other["hash_by_function_name"].get(function) != hashes.get(function):
                    continue  # the function has changed since: its old results do not count
                found = other["exit_code_by_key"].get(key)
                if found is not None:
                    codes[key] = found
                    if key in other_recheck:
                        recheck[key] = other_recheck[key]
                    taken[str(source)] += 1
                    break
        meta_path.write_text(json.dumps(meta))
    recheck_path.write_text(json.dumps(recheck))
    return taken


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sources", nargs="+", type=Path, help="other mutants/ folders")
    parser.add_argument("--into", type=Path, default=ROOT / "mutants", help="target folder")
    args = parser.parse_args()
    taken = merge(args.into, args.sources)
    for source, count in taken.items():
        print(f"{count:>6} results taken from {source}")
    print(f"{sum(taken.values()):>6} in all")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
