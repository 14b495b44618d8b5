"""Core benchmarks: in-process assessment throughput and CLI cold start.

A "typical case" (issue 2): 8 lesions, 6 imaging dates, 20 lab values.
``python bench/bench_core.py`` prints throughput and cold start; ``... stages`` the CPU
of each stage of parse and assess; ``... varied`` the CPU per case over different cases;
``... varied-stages`` the stages over different cases (the cohort mix).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from thyref.domain import assess, parse_case

ROOT = Path(__file__).resolve().parent.parent


def typical_case() -> dict[str, Any]:
    lesions = [
        {"id": "L1", "site": "lung", "rai_uptake": "no"},
        {"id": "L2", "site": "lung", "rai_uptake": "yes"},
        {"id": "L3", "site": "lung", "rai_uptake": "no"},
        {"id": "H1", "site": "liver", "rai_uptake": "unknown"},
        {"id": "N1", "site": "lymph_node_mediastinal_upper", "rai_uptake": "unknown"},
        {"id": "N2", "site": "lymph_node_cervical_lateral", "rai_uptake": "yes"},
        {"id": "B1", "site": "bone", "recist_role": "non_target"},
        {"id": "B2", "site": "bone", "recist_role": "non_target"},
    ]
    dates = ["2019-01-10", "2019-07-10", "2020-01-10", "2020-07-10", "2021-01-10", "2021-07-10"]
    imaging = []
    for i, d in enumerate(dates):
        grow = 1 + 0.06 * i
        imaging.append(
            {
                "date": d,
                "measurements": {
                    "L1": round(14 * grow, 1), "L2": round(12 * grow, 1), "L3": 11,
                    "H1": round(20 * grow, 1), "N1": 17, "N2": 16,
                },
                "non_target": {"B1": "present", "B2": "present"},
                "new_lesions": False,
            }
        )  # fmt: skip
    labs = []
    for i in range(10):
        day = f"20{19 + i // 4}-{(i % 4) * 3 + 1:02d}-15"
        labs.append(
            {"date": day, "test": "thyroglobulin", "value": round(5 * 1.15**i, 2), "unit": "ng/mL"}
        )
        labs.append({"date": day, "test": "tsh", "value": 0.05, "unit": "mU/L"})
    return {
        "format": "thyref-case/1",
        "id": "bench-typical",
        "patient": {"sex": "female", "birth_year": 1960},
        "diagnosis": {"histology": "papillary", "date": "2018-03-01"},
        "rai": [
            {"date": "2018-05-02", "activity": 100, "unit": "mCi"},
            {"date": "2018-12-03", "activity": 3.7, "unit": "GBq"},
        ],
        "lesions": lesions,
        "imaging": imaging,
        "labs": labs,
        "molecular": [{"gene": "BRAF", "alteration": "V600E", "kind": "mutation"}],
        "clinical": {"symptomatic": False, "locally_treatable": False},
    }


def throughput(repeats: int = 7, number: int = 1000) -> dict[str, float]:
    """Cases per second of CPU time on one core: best and median of ``repeats`` runs."""
    raw = typical_case()
    case = parse_case(raw)
    assess(case)  # warm caches (rules, messages)
    out: dict[str, float] = {}
    for label, fn in (
        ("assess", lambda: assess(case).to_json()),
        ("parse_and_assess", lambda: assess(parse_case(raw)).to_json()),
    ):
        timings = timeit.repeat(fn, repeat=repeats, number=number, timer=time.process_time)
        rates = [number / t for t in timings]
        out[f"{label}_per_s_best"] = max(rates)
        out[f"{label}_per_s_median"] = statistics.median(rates)
    return out


def stages(
    raws: list[dict[str, Any]] | None = None, repeats: int = 15, today: date | None = None
) -> dict[str, float]:
    """µs of CPU per case for each stage of load + validate + assess, over ``raws`` (by
    default the typical case 1,000 times), best of ``repeats`` passes: where the time goes,
    stage by stage. Each stage is timed alone, on the previous stages' results."""
    from thyref.domain import case as case_mod
    from thyref.domain import definitions, kinetics, options, rai, recist
    from thyref.domain.assessment import evaluate
    from thyref.domain.rules import load_rules

    raws = raws or [typical_case()] * 1000
    rules = load_rules()
    today = today or date.today()
    structures = [case_mod.RawCase.model_validate(raw) for raw in raws]
    labs = [case_mod._canonical_labs(structure, rules) for structure in structures]
    cases = [parse_case(raw, today=today) for raw in raws]
    summaries = [rai.summarise(case, rules) for case in cases]
    results = [recist.evaluate(case, rules) for case in cases]
    verdicts = [
        definitions.judge_all(case, summary, result, rules, rules.id)
        for case, summary, result in zip(cases, summaries, results, strict=True)
    ]
    markers = [
        kinetics.evaluate(case, rules, summary.latest)
        for case, summary in zip(cases, summaries, strict=True)
    ]
    for case in cases[:50]:
        assess(case, today=today)  # warm caches (rules, messages)

    def recommend_all() -> None:
        for case, summary, result, judged, found in zip(
            cases, summaries, results, verdicts, markers, strict=True
        ):
            ctx = options.Context(case, rules, summary, result, judged[0], found, today, judged)
            options.recommend(ctx)

    steps: dict[str, Callable[[], object]] = {
        "parse_case": lambda: [parse_case(raw, today=today) for raw in raws],
        "parse.cross_field_checks": lambda: [
            case_mod._semantic_problems(raw, rules, today) for raw in raws
        ],
        "parse.model_validate": lambda: [case_mod.RawCase.model_validate(raw) for raw in raws],
        "parse.canonical_labs": lambda: [case_mod._canonical_labs(s, rules) for s in structures],
        "parse.case_views": lambda: [
            case_mod.Case(raw=structure, labs=lab, source=dict(raw))
            for structure, lab, raw in zip(structures, labs, raws, strict=True)
        ],
        "evaluate": lambda: [evaluate(case, rules=rules, today=today) for case in cases],
        "assess": lambda: [assess(case, today=today) for case in cases],
        "assess.rai": lambda: [rai.summarise(case, rules) for case in cases],
        "assess.recist": lambda: [recist.evaluate(case, rules) for case in cases],
        "assess.definitions": lambda: [
            definitions.judge_all(case, summary, result, rules, rules.id)
            for case, summary, result in zip(cases, summaries, results, strict=True)
        ],
        "assess.kinetics": lambda: [
            kinetics.evaluate(case, rules, summary.latest)
            for case, summary in zip(cases, summaries, strict=True)
        ],
        "assess.options": recommend_all,
    }
    out: dict[str, float] = {}
    for label, fn in steps.items():
        timings = timeit.repeat(fn, repeat=repeats, number=1, timer=time.process_time)
        out[f"{label}_us"] = min(timings) / len(raws) * 1e6
    return out


def varied_stages(n: int = 2000, passes: int = 5, seed: int = 13) -> dict[str, float]:
    """``stages`` over ``n`` different synthetic patients (the cohort mix of
    ``bench_cohort.py``, seed 13): no case repeats, so no cache hides a stage's cost."""
    from thyref.synth import synth_case

    raws = [synth_case(seed, i) for i in range(n)]
    return stages(raws, repeats=passes, today=date(2026, 11, 28))


def varied(n: int = 2000, passes: int = 5, seed: int = 7) -> dict[str, float]:
    """µs of CPU per case over ``n`` different synthetic cases (best of ``passes``): the
    typical case repeated hits every cache, a cohort of different patients does not."""
    from thyref.synth import synth_case

    today = date(2026, 11, 28)
    raws = [synth_case(seed, i) for i in range(n)]
    cases = [parse_case(raw, today=today) for raw in raws]
    for case in cases[:50]:
        assess(case, today=today)

    def assess_all() -> None:
        for case in cases:
            assess(case, today=today).to_json()

    def parse_and_assess_all() -> None:
        for raw in raws:
            assess(parse_case(raw, today=today), today=today).to_json()

    out: dict[str, float] = {}
    for label, fn in (
        ("varied_assess", assess_all),
        ("varied_parse_and_assess", parse_and_assess_all),
    ):
        timings = timeit.repeat(fn, repeat=passes, number=1, timer=time.process_time)
        out[f"{label}_us"] = min(timings) / n * 1e6
    return out


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cold_start(runs: int = 7) -> dict[str, float]:
    """Wall time of ``thyref assess CASE -f json|text`` and the CPU time it used (user +
    system: less sensitive than the wall time to other work on the machine).

    Each run is a new process. The first one starts with an empty cache folder (a fresh
    install: TOML read, rules validated, files written): reported apart. The others find
    the checked rules and the catalogue there, as every later start does."""
    cli = ROOT / ".venv" / "bin" / "thyref"
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        case = Path(folder) / "case.json"
        case.write_text(json.dumps(typical_case()), encoding="utf-8")
        env = {**os.environ, "THYREF_CACHE_DIR": str(Path(folder) / "cache")}

        def once(fmt: str) -> tuple[float, float]:
            start, start_cpu = time.perf_counter(), _child_cpu()
            subprocess.run(
                [str(cli), "assess", str(case), "--format", fmt],
                check=True, capture_output=True, env=env,
            )  # fmt: skip
            return time.perf_counter() - start, _child_cpu() - start_cpu

        out["cli_first_start_empty_cache_s"], _ = once("json")
        for fmt, label in (("json", "cli_cold_start"), ("text", "cli_cold_start_text")):
            times, cpu = zip(*(once(fmt) for _ in range(runs)), strict=True)
            out[f"{label}_best_s"] = min(times)
            out[f"{label}_median_s"] = statistics.median(times)
            out[f"{label}_max_s"] = max(times)
            out[f"{label}_cpu_best_s"] = min(cpu)
            out[f"{label}_cpu_median_s"] = statistics.median(cpu)
    return out


def run() -> dict[str, float]:
    return {**throughput(), **cold_start()}


if __name__ == "__main__":
    reports = {"stages": stages, "varied": varied, "varied-stages": varied_stages}
    if len(sys.argv) == 2 and sys.argv[1] in reports:
        for key, value in reports[sys.argv[1]]().items():
            print(f"{key}: {value:,.1f}")
        sys.exit(0)
    for key, value in run().items():
        print(f"{key}: {value:,.3f}")
    sys.exit(0)
