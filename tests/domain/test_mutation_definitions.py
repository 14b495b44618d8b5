"""Definitions side by side (clinical-rules.md section 5): the primary verdict is judged
with the caller's own rule set, and ``differ`` (section 5.3: two definitions give
different statuses, ``not_applicable`` left out).

Written for the mutants of `thyref.domain.definitions` the mutation run left alive
(docs/quality.md section 3). ``definitions.differ`` decides whether the
NOTE-DEFINITIONS-DIFFER option is listed (``options._definitions_differ``).
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import lesion, make_case, rai, scan


def _case(uptake: tuple[str, str], sites: tuple[str, str], imaging: bool = True) -> dict[str, Any]:
    # papillary, 100 + 150 mCi (2014-04-01, 2015-04-07), two lesions; with imaging: the
    # sum of diameters 24 mm on 2014-03-01 and 25 mm on 2015-10-01 (no progression)
    return make_case(
        lesions=[lesion("L1", sites[0], uptake[0]), lesion("L2", sites[1], uptake[1])],
        rai=[rai("2014-04-01", 100), rai("2015-04-07", 150)],
        imaging=[scan("2014-03-01", {"L1": 13, "L2": 11}), scan("2015-10-01", {"L1": 14, "L2": 11})]
        if imaging
        else [],
    )


def _verdicts(case: dict[str, Any]) -> list[Any]:
    from thyref.domain import parse_case
    from thyref.domain import rai as rai_mod
    from thyref.domain import recist as recist_mod
    from thyref.domain.definitions import judge_all
    from thyref.domain.rules import load_rules

    rules = load_rules()
    parsed = parse_case(case)
    summary = rai_mod.summarise(parsed, rules)
    return judge_all(parsed, summary, recist_mod.evaluate(parsed, rules), rules)


@pytest.mark.parametrize(
    ("case", "statuses", "differs"),
    [
        # L1 lung takes up no iodine: both definitions say refractory -> one status, no
        # difference
        (_case(("no", "yes"), ("lung", "lung")), ["refractory", "refractory"], False),
        # a non-avid lateral node and the thyroid bed only (locoregional): tuthyref says
        # not refractory (outside its scope), ATA 2015 refractory (non-avid) -> they differ
        (
            _case(("no", "no"), ("lymph_node_cervical_lateral", "thyroid_bed"), imaging=False),
            ["not_refractory", "refractory"],
            True,
        ),
    ],
)
def test_differ_is_two_statuses_or_more(
    case: dict[str, Any], statuses: list[str], differs: bool
) -> None:
    from thyref.domain.definitions import differ

    verdicts = _verdicts(case)
    assert [v.status for v in verdicts] == statuses
    assert differ(verdicts) is differs


def test_differ_leaves_not_applicable_out() -> None:
    import dataclasses

    from thyref.domain.definitions import differ

    refractory, _ = _verdicts(_case(("no", "yes"), ("lung", "lung")))
    # refractory beside not_applicable: one status once not_applicable is left out
    other = dataclasses.replace(refractory, status="not_applicable", rule_set="ata-2015")
    assert differ([refractory, other]) is False
    # refractory, not_applicable and indeterminate: two statuses -> they differ
    third = dataclasses.replace(refractory, status="indeterminate", rule_set="x")
    assert differ([refractory, other, third]) is True
    # nothing but not_applicable, or nothing at all: no difference
    assert differ([other]) is False
    assert differ([]) is False


def test_the_primary_verdict_uses_the_rule_set_given_not_the_shipped_file() -> None:
    from thyref.domain import assess, parse_case
    from thyref.domain.rules import load_rules

    # the shipped tuthyref-2021 says refractory (DTC-NO-UPTAKE: L1 lung takes up no iodine
    # after I-131); a copy of it whose scopes no longer list that criterion, given by the
    # caller, must judge
    # the primary verdict: no other criterion holds (no progression, 250 mCi, every uptake
    # known, imaging after the latest I-131) -> not refractory
    case = _case(("no", "yes"), ("lung", "lung"))
    shipped = load_rules()
    assert assess(parse_case(case), rules=shipped).to_json()["refractory"]["status"] == (
        "refractory"
    )
    definition = shipped.definition
    scopes = [
        s.model_copy(update={"criteria": [c for c in s.criteria if c != "DTC-NO-UPTAKE"]})
        for s in definition.scope
    ]
    changed = shipped.model_copy(
        update={"definition": definition.model_copy(update={"scope": scopes})}
    )
    out = assess(parse_case(case), rules=changed).to_json()
    assert out["refractory"]["status"] == "not_refractory"
    assert out["refractory"]["criteria_met"] == []
