"""`thyref synth`: valid, varied, plausible, deterministic synthetic patients."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thyref import synth
from thyref.domain import assess, parse_case

N = 3000
TODAY = date(2026, 6, 1)


@pytest.fixture(scope="module")
def cohort() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """A few thousand generated cases with their assessments (every one must be valid)."""
    out = []
    for case in synth.synth_cases(N, seed=2026):
        out.append((case, assess(parse_case(case, today=TODAY), today=TODAY).to_json()))
    return out


def test_same_seed_same_bytes_other_seed_other_patients(tmp_path: Path) -> None:
    synth.write(300, 5, "case", tmp_path / "a.ndjson")
    synth.write(300, 5, "case", tmp_path / "b.ndjson")
    synth.write(300, 6, "case", tmp_path / "c.ndjson")
    a = (tmp_path / "a.ndjson").read_bytes()
    assert a == (tmp_path / "b.ndjson").read_bytes()
    assert a != (tmp_path / "c.ndjson").read_bytes()


def test_a_patient_does_not_depend_on_the_cohort_size() -> None:
    # patient k of a seed is the same in a cohort of 10 and of 50 (slices run in parallel)
    small = list(synth.synth_cases(10, 3))
    large = list(synth.synth_cases(50, 3))
    assert small == large[:10]
    assert list(synth.synth_cases(5, 3, start=5)) == large[5:10]


def test_every_case_is_valid_and_ids_are_unique(
    cohort: list[tuple[dict[str, Any], dict[str, Any]]],
) -> None:
    assert len(cohort) == N
    assert len({case["id"] for case, _ in cohort}) == N


def test_refractory_cases_follow_the_french_proportions(
    cohort: list[tuple[dict[str, Any], dict[str, Any]]],
) -> None:
    # seed / TuThyRef: about 250 differentiated, 50 medullary, 100 anaplastic a year,
    # i.e. 62.5 %, 12.5 % and 25 % of new refractory cases; allow 5 points of sampling noise
    counts = Counter(
        a["refractory"]["category"] for _, a in cohort if a["refractory"]["status"] == "refractory"
    )
    total = sum(counts.values())
    for category, share in (("differentiated", 62.5), ("medullary", 12.5), ("anaplastic", 25.0)):
        assert abs(100 * counts[category] / total - share) < 5, (category, counts)
    # and non-refractory and undecided patients are there too
    statuses = Counter(a["refractory"]["status"] for _, a in cohort)
    assert statuses["not_refractory"] > 0.25 * N
    assert statuses["indeterminate"] > 0.02 * N


def test_histories_are_varied(cohort: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
    cases = [c for c, _ in cohort]
    assert {c["diagnosis"]["histology"] for c in cases} == {
        "papillary", "follicular", "oncocytic", "poorly_differentiated", "anaplastic", "medullary"
    }  # fmt: skip
    assert {lab["test"] for c in cases for lab in c.get("labs", [])} == {
        "thyroglobulin", "tg_antibodies", "tsh", "calcitonin", "cea"
    }  # fmt: skip
    assert {r["unit"] for c in cases for r in c.get("rai", [])} == {"mCi", "GBq", "MBq"}
    assert {m["gene"] for c in cases for m in c.get("molecular", [])} >= {
        "BRAF", "NRAS", "HRAS", "KRAS", "RET", "NTRK3", "ALK"
    }  # fmt: skip
    criteria = {k for _, a in cohort for k in a["refractory"]["criteria_met"]}
    assert criteria == {
        "DTC-NO-UPTAKE", "DTC-PROGRESSION-12M", "DTC-CUMULATIVE-ACTIVITY", "ATC-ALWAYS",
        "MTC-ADVANCED",
    }  # fmt: skip
    responses = {
        tp["overall_response"]
        for _, a in cohort if a["recist"] for tp in a["recist"]["timepoints"]
    }  # fmt: skip
    assert {"PD", "PR", "SD"} <= responses
    assert {k for _, a in cohort for k, v in a["kinetics"].items() if v["status"] == "rising"} == {
        "thyroglobulin", "calcitonin", "cea"
    }  # fmt: skip
    # imaging series: several RECIST timepoints for most patients with lesions
    with_lesions = [c for c in cases if c.get("lesions")]
    assert sum(len(c.get("imaging", [])) >= 3 for c in with_lesions) > 0.4 * len(with_lesions)


def test_dates_are_spread_over_years_and_never_after_the_last_day(
    cohort: list[tuple[dict[str, Any], dict[str, Any]]],
) -> None:
    years = Counter(int(c["diagnosis"]["date"][:4]) for c, _ in cohort)
    assert set(years) == set(range(synth.FIRST_YEAR, synth.LAST_YEAR + 1))
    last = synth.LAST_DAY.isoformat()
    for case, _ in cohort:
        dates = [case["diagnosis"]["date"]]
        for key in ("rai", "imaging", "labs", "molecular"):
            dates += [item["date"] for item in case.get(key, []) if "date" in item]
        assert max(dates) <= last, case["id"]
        birth = case["patient"]["birth_year"]
        assert 18 <= int(case["diagnosis"]["date"][:4]) - birth <= 92


def test_fhir_format_writes_bundles(tmp_path: Path) -> None:
    import os

    if os.environ.get("CI") != "true":
        pytest.importorskip("thyref.fhir.exporter", reason="arrives with the FHIR branch")
    synth.write(5, 1, "fhir", tmp_path / "bundles.ndjson")
    bundles = [
        orjson.loads(line) for line in (tmp_path / "bundles.ndjson").read_bytes().splitlines()
    ]
    assert len(bundles) == 5
    assert all(b["resourceType"] == "Bundle" for b in bundles)
    synth.write(5, 1, "fhir", tmp_path / "bulk")
    patients = (tmp_path / "bulk" / "Patient.ndjson").read_bytes().splitlines()
    assert len(patients) == 5


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), index=st.integers(0, 10_000_000))
def test_any_seed_and_index_give_a_valid_deterministic_case(seed: int, index: int) -> None:
    case = synth.synth_case(seed, index)
    parse_case(case, today=TODAY)  # raises with every problem if the case were invalid
    assert case["id"] == f"syn-{seed}-{index:07d}"
    assert orjson.dumps(synth.synth_case(seed, index)) == orjson.dumps(case)
