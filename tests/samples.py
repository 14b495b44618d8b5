"""Cases shared by the tests of several packages (built fresh at each call: a test may
change its copy)."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from typing import Any

from thyref.demo import demo_cases


def other_definition_unknown_uptake(case_id: str) -> dict[str, Any]:
    """L1 declared non-avid: refractory for TuThyRef (it reads the lesions' own status);
    ATA 2015 reads the scans only, where L2 alone is seen: indeterminate, the uptake of L1
    and L3 unknown to it."""
    return {
        "format": "thyref-case/1",
        "id": case_id,
        "diagnosis": {"histology": "papillary", "date": "2019-01-01"},
        "rai": [{"date": "2019-03-01", "activity": 3.7, "unit": "GBq"}],
        "lesions": [
            {"id": "L1", "site": "lung", "rai_uptake": "no"},
            {"id": "L2", "site": "bone"},
            {"id": "L3", "site": "lung"},
        ],
        "scans": [{"date": "2019-03-08", "kind": "post_therapy", "findings": {"L2": "yes"}}],
    }


def thyroglobulin_series(before: list[tuple[str, float]], after: list[float]) -> dict[str, Any]:
    """ex-ftc-progression (one I-131, 2017-05-02) with thyroglobulins ``before`` it (not
    used for the kinetics) and ``after`` it, every 90 days from 2017-06-01."""
    case = copy.deepcopy(next(c for c in demo_cases() if c["id"] == "ex-ftc-progression"))
    assert [r["date"] for r in case["rai"]] == ["2017-05-02"]
    days = [(date(2017, 6, 1) + timedelta(days=90 * i)).isoformat() for i in range(len(after))]
    case["labs"] = [
        {"date": d, "test": "thyroglobulin", "value": v, "unit": "ng/mL"}
        for d, v in [*before, *zip(days, after, strict=True)]
    ]
    return case


def partial_sum(case_id: str) -> dict[str, Any]:
    """Two lung targets of 30 mm at baseline (60 mm); L2 not measured on 2019-08-01 (the
    20 mm there is L1's alone: a partial sum, target response NE); both measured on
    2020-02-01 (50 mm)."""
    return {
        "format": "thyref-case/1",
        "id": case_id,
        "diagnosis": {"histology": "papillary", "date": "2018-06-15"},
        "lesions": [{"id": "L1", "site": "lung"}, {"id": "L2", "site": "lung"}],
        "imaging": [
            {"date": "2019-02-01", "measurements": {"L1": 30, "L2": 30}},
            {"date": "2019-08-01", "measurements": {"L1": 20}},
            {"date": "2020-02-01", "measurements": {"L1": 25, "L2": 25}},
        ],
    }
