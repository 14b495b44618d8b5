"""The demo cases shipped in the package are valid and assessable."""

from __future__ import annotations

from thyref.demo import demo_cases
from thyref.domain import assess, parse_case


def test_demo_cases_are_valid_and_distinct() -> None:
    cases = demo_cases()
    assert len(cases) >= 5
    ids = [c["id"] for c in cases]
    assert len(set(ids)) == len(ids)
    statuses = {assess(parse_case(c)).refractory["status"] for c in cases}
    # the demo shows every status a board meets
    assert statuses == {"refractory", "not_refractory", "indeterminate"}
