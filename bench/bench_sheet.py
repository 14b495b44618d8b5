"""Board sheet benchmark: time to build and render the PDF of a typical case.

The typical case is bench_core's (8 lesions, 6 imaging dates, 20 lab values, I-131
administrations). Target: under 1 s for the PDF (issue 12). The first sheet pays for
matplotlib's import and typst's font scan; the figures after it are per sheet.
"""

from __future__ import annotations

import importlib.util
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def _typical_case() -> dict[str, Any]:
    spec = importlib.util.spec_from_file_location("bench_core", HERE / "bench_core.py")
    assert spec is not None and spec.loader is not None
    module = sys.modules.get("bench_core") or importlib.util.module_from_spec(spec)
    if "bench_core" not in sys.modules:
        spec.loader.exec_module(module)
    case: dict[str, Any] = module.typical_case()
    return case


def run(repeat: int = 10) -> dict[str, float]:
    from thyref.board.sheet import build_sheet, render_html, render_pdf
    from thyref.domain import assess, parse_case

    case = _typical_case()
    assessment = assess(parse_case(case), "fr").to_json()
    start = time.perf_counter()
    render_pdf(build_sheet(case, assessment, "fr", question="Q"))
    first = time.perf_counter() - start
    pdf_times, html_times = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        render_pdf(build_sheet(case, assessment, "fr", question="Q"))
        pdf_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        render_html(build_sheet(case, assessment, "fr", question="Q"))
        html_times.append(time.perf_counter() - start)
    return {
        "sheet pdf first (s, imports included)": first,
        "sheet pdf median (s)": statistics.median(pdf_times),
        "sheet pdf max (s)": max(pdf_times),
        "sheet html median (s)": statistics.median(html_times),
    }


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key:40s} {value:8.3f}")
