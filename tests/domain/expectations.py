"""The checks of a worked example's ``expect`` on an assessment, as
../shared/tools/check_examples.py reads them (status, criteria, missing data, cumulative
activity, RECIST responses, sums, targets, best response, kinetics, each definition's
verdict, options included and excluded), shared by the shared examples and the whole
histories."""

from __future__ import annotations

from typing import Any

import pytest

Json = dict[str, Any]


def check_expect(out: Json, e: Json) -> None:
    r = out["refractory"]
    assert r["status"] == e["status"]
    assert r["criteria_met"] == e.get("criteria", [])
    if "missing" in e:
        assert sorted(set(r["missing_data"])) == sorted(e["missing"])
    if "cumulative_gbq" in e:
        assert out["rai"]["cumulative_gbq"] == pytest.approx(e["cumulative_gbq"], abs=0.011)
    recist = out["recist"] or {}
    tps = recist.get("timepoints") or []
    if "recist" in e:
        assert [t["overall_response"] for t in tps] == e["recist"]
    if "sums" in e:
        assert [t["sum_mm"] for t in tps] == pytest.approx(e["sums"], abs=0.05)
    if "targets" in e:
        assert sorted(recist["targets"]) == sorted(e["targets"])
    if "best" in e:
        assert recist["best_overall_response"] == e["best"]
    for marker, k in e.get("kinetics", {}).items():
        got = out["kinetics"][marker]
        assert got["status"] == k["status"], marker
        for field in ("doubling_time_days", "halving_time_days"):
            if k.get(field) is not None:
                assert got[field] == pytest.approx(k[field], rel=0.01), (marker, field)
    for rule_set, d in e.get("definitions", {}).items():
        got = next(x for x in out["definitions"] if x["rule_set"] == rule_set)
        assert got["status"] == d["status"], rule_set
        if "criteria" in d:
            assert got["criteria_met"] == d["criteria"], rule_set
        if "missing" in d:
            assert sorted(set(got["missing_data"])) == sorted(d["missing"]), rule_set
    ids = [x["id"] for x in out["recommendations"]]
    for x in e.get("recs_include", []):
        assert x in ids, f"missing {x}: {ids}"
    for x in e.get("recs_exclude", []):
        assert x not in ids, f"unexpected {x}: {ids}"
