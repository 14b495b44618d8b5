"""RECIST 1.1 (clinical-rules.md section 2): edges the mutation run of
`thyref.domain.recist` left unpinned (docs/quality.md section 3, session 4).

Expected values are worked out by hand from clinical-rules.md section 2 and the English
sentences of messages.toml (`recist.*`).
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import lesion, make_case, run, scan

DATES = ["2020-01-10", "2020-07-10", "2021-01-10", "2021-07-10"]


def _recist(case: dict[str, Any]) -> dict[str, Any]:
    out = run(case, "en")["recist"]
    assert out is not None
    return dict(out)


@pytest.mark.parametrize(
    ("site", "later", "response"),
    [
        # a non-nodal non-target measured 0 mm: absent (normal) -> non-target CR
        ("lung", 0, "CR"),
        # measured 1 mm: any other measurement is present -> NON_CR_NON_PD
        ("lung", 1, "NON_CR_NON_PD"),
        # measured 0.5 mm: present too (only 0 is absent for a non-nodal lesion)
        ("lung", 0.5, "NON_CR_NON_PD"),
        # a node measured 9.9 mm short axis: below 10 mm, absent (normal) -> CR
        ("lymph_node_cervical_lateral", 9.9, "CR"),
        # a node measured 10 mm: present -> NON_CR_NON_PD
        ("lymph_node_cervical_lateral", 10, "NON_CR_NON_PD"),
    ],
)
def test_a_measured_non_target_is_absent_or_present(site: str, later: float, response: str) -> None:
    # one lesion declared non-target, 8 mm at baseline, measured again 6 months later; no
    # target at all: the overall response follows RECIST table 2 (CR or NON_CR_NON_PD)
    case = make_case(
        lesions=[lesion("N1", site, recist_role="non_target")],
        imaging=[scan(DATES[0], {"N1": 8}), scan(DATES[1], {"N1": later})],
    )
    (tp,) = _recist(case)["timepoints"]
    assert tp["non_target_response"] == response
    assert tp["overall_response"] == response


def test_two_targets_back_after_cr_are_both_named() -> None:
    # two lung targets 20 + 15 mm -> both 0 (CR) -> 1 and 2 mm: the sum, 3 mm over a 0 mm
    # nadir, is short of the 5 mm rule, but both reappear after CR -> PD; the reason names
    # them in declaration order, separated by ", "
    case = make_case(
        lesions=[lesion("L1", "lung"), lesion("L2", "lung")],
        imaging=[
            scan(DATES[0], {"L1": 20, "L2": 15}),
            scan(DATES[1], {"L1": 0, "L2": 0}),
            scan(DATES[2], {"L1": 1, "L2": 2}),
        ],
    )
    tps = _recist(case)["timepoints"]
    assert [tp["target_response"] for tp in tps] == ["CR", "PD"]
    assert tps[1]["reasons"] == ["reappearance after complete response: L1, L2"]


def test_two_declared_targets_without_baseline_measurement_are_both_named() -> None:
    # L1, L2 and L3 declared targets, only L1 measured at baseline: L2 and L3 cannot be
    # targets, they are followed as non-targets; the warning names both, ", " between
    case = make_case(
        lesions=[
            lesion("L1", "lung", recist_role="target"),
            lesion("L2", "lung", recist_role="target"),
            lesion("L3", "liver", recist_role="target"),
        ],
        imaging=[scan(DATES[0], {"L1": 20}), scan(DATES[1], {"L1": 20, "L2": 5, "L3": 5})],
    )
    out = _recist(case)
    assert out["targets"] == ["L1"]
    assert out["non_targets"] == ["L2", "L3"]
    assert out["warnings"] == [
        "declared targets without a baseline measurement, followed as non-target lesions: L2, L3"
    ]


@pytest.mark.parametrize(
    ("asserted", "target", "reasons"),
    [
        # an asserted CR counts as an earlier response: 20 -> (CR asserted) -> 18 mm, not
        # a 30 % decrease, not PD -> PR kept until progression (sticky)
        ("CR", "PR", ["the earlier response is kept until progression (EORTC RECIST FAQ)"]),
        # an asserted PR: the same
        ("PR", "PR", ["the earlier response is kept until progression (EORTC RECIST FAQ)"]),
        # an asserted SD is no response: 18 mm is SD, nothing to say
        ("SD", "SD", []),
    ],
)
def test_an_asserted_response_counts_for_the_sticky_pr(
    asserted: str, target: str, reasons: list[str]
) -> None:
    # one lung target 20 mm; 6 months later no measurement, the radiologist's response
    # only (asserted); 6 months later 18 mm (-10 % from baseline)
    case = make_case(
        lesions=[lesion("L1", "lung")],
        imaging=[
            scan(DATES[0], {"L1": 20}),
            scan(DATES[1], assessed_response=asserted),
            scan(DATES[2], {"L1": 18}),
        ],
    )
    asserted_tp, computed = _recist(case)["timepoints"]
    assert asserted_tp["overall_response"] == asserted
    assert computed["target_response"] == target
    assert computed["reasons"] == reasons


def test_a_response_missing_from_the_rank_comes_last() -> None:
    from thyref.domain import parse_case
    from thyref.domain.recist import evaluate
    from thyref.domain.rules import load_rules

    # a rule set whose best-response rank leaves NE out: 20 mm -> not measured (NE) ->
    # 30 mm (+50 %, +10 mm: PD); NE, unranked, comes after every ranked response -> PD
    rules = load_rules()
    rank = [r for r in rules.recist.best_response_rank if r != "NE"]
    changed = rules.model_copy(
        update={"recist": rules.recist.model_copy(update={"best_response_rank": rank})}
    )
    case = make_case(
        lesions=[lesion("L1", "lung")],
        imaging=[scan(DATES[0], {"L1": 20}), scan(DATES[1], {}), scan(DATES[2], {"L1": 30})],
    )
    result = evaluate(parse_case(case), changed)
    assert result is not None
    assert [tp.overall_response for tp in result.timepoints] == ["NE", "PD"]
    assert result.best_overall_response == "PD"


@pytest.mark.parametrize(
    ("role", "how"),
    [
        # L1 declared a target: the targets are exactly the declared ones -> "declared"
        ("target", "declared"),
        # no role given: the largest measurable lesions are chosen -> "selected"
        (None, "selected"),
    ],
)
def test_the_output_says_how_the_targets_were_chosen(role: str | None, how: str) -> None:
    extra = {"recist_role": role} if role else {}
    case = make_case(
        lesions=[lesion("L1", "lung", **extra)],
        imaging=[scan(DATES[0], {"L1": 20}), scan(DATES[1], {"L1": 20})],
    )
    out = _recist(case)
    assert out["targets"] == ["L1"]
    assert out["target_selection"] == how
