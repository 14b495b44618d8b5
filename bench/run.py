"""`make bench`: run every benchmark module present and print the figures.

Each ``bench/bench_*.py`` exposes ``run() -> dict[str, float]``. Figures go to stdout
and, as JSON, to ``var/bench.json`` for ``docs/benchmarks.md``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    # opt-in: the cohort benchmark on 1,000,000 patients instead of 100,000 (issue 13)
    if "--cohort-1m" in sys.argv[1:]:
        os.environ["THYREF_BENCH_COHORT_N"] = "1000000"
    results: dict[str, dict[str, float]] = {}
    for path in sorted(HERE.glob("bench_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[path.stem] = module
        spec.loader.exec_module(module)
        print(f"== {path.stem}", flush=True)
        figures = module.run()
        for key, value in figures.items():
            print(f"  {key:40s} {value:>14,.3f}", flush=True)
        results[path.stem] = figures
    machine = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "processor": platform.processor() or platform.machine(),
        "system": platform.platform(),
    }
    out = HERE.parent / "var" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"machine": machine, "results": results}, indent=2))
    print(f"written {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
