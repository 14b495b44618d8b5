"""Property tests over generated valid cases (issue 7, "How it is checked").

No valid case makes the engine fail, and no output holds a non-finite number: the JSON
output is dumped with ``allow_nan=False`` (case-format.md: the output is JSON).
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings

from thyref.domain import assess, parse_case

from .strategies import cases

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
