"""Property tests over generated valid cases (issue 7, "How it is checked").

No valid case makes the engine fail, and no output holds a non-finite number: the JSON
output is dumped with ``allow_nan=False`` (case-format.md: the output is JSON).
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings

from thyref.domain import assess, parse_case

from .strategies import cases, cases_with_scans

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(cases())
def test_no_valid_case_crashes_and_output_is_finite_json(case: dict[str, Any]) -> None:
    parsed = parse_case(case)
    for lang in ("fr", "en"):
        out = assess(parsed, lang).to_json()  # type: ignore[arg-type]
        text = json.dumps(out, allow_nan=False)  # raises on NaN or Infinity
        assert "Infinity" not in text and "NaN" not in text
        assert out["refractory"]["status"] in ("refractory", "not_refractory", "indeterminate")


# ---------------------------------------------------------------------------------------
# Issue 14: a case without scans[] gives the same tuthyref-2021 verdict as before. "Before"
# is section 1 read independently below (on the engine's RECIST responses, checked by
# their own tests), and the verdict must not move when an empty scans[] is added.

DISTANT_FREE = {
    "thyroid_bed", "lymph_node_cervical_central", "lymph_node_cervical_lateral",
    "lymph_node_mediastinal_upper",
}  # fmt: skip
DIFFERENTIATED = {"papillary", "follicular", "oncocytic", "poorly_differentiated"}
MBQ = {"mCi": Decimal(37), "GBq": Decimal(1000), "MBq": Decimal(1)}


def _plus_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def _section1(case: dict[str, Any], timepoints: list[dict[str, Any]]) -> tuple[Any, ...]:
    """(status, criteria, missing) of clinical-rules.md section 1, read independently."""
    histology = case["diagnosis"]["histology"]
    lesions = case.get("lesions", [])
    extent = case["diagnosis"].get("extent")
    if extent is None:
        if any(item["site"] not in DISTANT_FREE for item in lesions):
            extent = "metastatic"
        else:
            extent = "locoregional" if lesions else None
    advanced = extent in ("locally_advanced", "metastatic")
    if histology == "anaplastic":
        return "refractory", ["ATC-ALWAYS"], []
    if histology == "medullary":
        possible = case.get("clinical", {}).get("standard_treatment_possible")
        if not advanced or possible is True:
            return "not_refractory", [], []
        if possible is None:
            return "indeterminate", [], ["clinical.standard_treatment_possible"]
        return "refractory", ["MTC-ADVANCED"], []
    assert histology in DIFFERENTIATED
    if not advanced:
        return "not_refractory", [], []
    given = sorted(case.get("rai", []), key=lambda r: r["date"])
    days = [dt.date.fromisoformat(r["date"]) for r in given]
    uptake = [item.get("rai_uptake", "unknown") for item in lesions]
    criteria = []
    if given and "no" in uptake:
        criteria.append("DTC-NO-UPTAKE")
    pds = [dt.date.fromisoformat(t["date"]) for t in timepoints if t["overall_response"] == "PD"]
    if any(r < d <= _plus_months(r, 12) for d in pds for r in days):
        criteria.append("DTC-PROGRESSION-12M")
    total, reached = Decimal(0), None
    for r in given:
        total += Decimal(repr(r["activity"])) * MBQ[r["unit"]]
        if reached is None and total >= 22000:
            reached = dt.date.fromisoformat(r["date"])
    if reached is not None and lesions:
        after = [t for t in timepoints if dt.date.fromisoformat(t["date"]) > reached]
        if not after or after[-1]["overall_response"] != "CR":
            criteria.append("DTC-CUMULATIVE-ACTIVITY")
    if criteria:
        return "refractory", criteria, []
    missing = []
    if "unknown" in uptake:
        missing.append("lesions.rai_uptake")
    if not given:
        # "indeterminate when a criterion could still hold with the missing data": with no
        # lesion, none could once I-131 is given (each needs a lesion or imaging of one)
        if lesions:
            missing.append("rai")
    elif lesions:
        latest = days[-1]
        shots = [dt.date.fromisoformat(s["date"]) for s in case.get("imaging", [])]
        if not any(latest < d <= _plus_months(latest, 12) for d in shots):
            missing.append("imaging_after_rai")
    return ("indeterminate" if missing else "not_refractory"), criteria, missing


@SETTINGS
@given(cases())
def test_without_scans_the_tuthyref_verdict_is_section_1(case: dict[str, Any]) -> None:
    out = assess(parse_case(case), "en").to_json()
    timepoints = (out["recist"] or {}).get("timepoints", [])
    refractory = out["refractory"]
    got = (refractory["status"], refractory["criteria_met"], refractory["missing_data"])
    assert got == _section1(case, timepoints)
    primary = out["definitions"][0]
    assert primary["rule_set"] == "tuthyref-2021"
    assert (primary["status"], primary["criteria_met"], primary["missing_data"]) == got
    # an empty scans list is treated as absent: nothing moves
    same = assess(parse_case({**case, "scans": []}), "en").to_json()
    assert same["definitions"] == out["definitions"]
    assert same["recommendations"] == out["recommendations"]


@SETTINGS
@given(cases_with_scans())
def test_cases_with_scans_never_crash_and_stay_finite(case: dict[str, Any]) -> None:
    out = assess(parse_case(case), "en").to_json()
    json.dumps(out, allow_nan=False)
    ata = next(d for d in out["definitions"] if d["rule_set"] == "ata-2015")
    # "ATA2015-NON-AVID: only when `scans[]` is absent"
    if case["scans"]:
        assert "ATA2015-NON-AVID" not in ata["criteria_met"]
    if case["diagnosis"]["histology"] in ("anaplastic", "medullary"):
        assert ata["status"] == "not_applicable"
