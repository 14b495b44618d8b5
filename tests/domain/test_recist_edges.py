"""RECIST 1.1: the edges the mutation run (docs/quality.md section 3) found unpinned.

Expected values are worked out by hand from clinical-rules.md section 2 and the English
sentences of messages.toml (`recist.*`); percentages are one-decimal, half-up.
"""

from __future__ import annotations

from typing import Any

import pytest

from thyref.domain.messages import Lang

from .conftest import lesion, make_case, run, scan


def _recist(case: dict[str, Any]) -> dict[str, Any]:
    out = run(case, "en")["recist"]
    assert out is not None
    return dict(out)


def _one_target(*values: float, role: str | None = None) -> dict[str, Any]:
    # one lung lesion L1 measured at 2020-01-10, then every 6 months
    dates = ["2020-01-10", "2020-07-10", "2021-01-10", "2021-07-10"]
    extra = {"recist_role": role} if role else {}
    return make_case(
        lesions=[lesion("L1", "lung", **extra)],
        imaging=[scan(d, {"L1": v}) for d, v in zip(dates, values, strict=False)],
    )


@pytest.mark.parametrize(
    ("values", "reasons"),
    [
        # 27 -> 35: +29.6 % and +8 mm over the nadir 27 -> PD, the thresholds said as
        # +20 % and +5 mm (pd_increase 0.2 x 100, pd_absolute_mm 5)
        ((27, 35), [["sum 35 mm, at least +20 % and +5 mm over the nadir (27 mm)"]]),
        # 20 -> 14: -30 % -> PR, "30 %" is pr_decrease 0.3 x 100
        ((20, 14), [["sum 14 mm, at least 30 % below the baseline (20 mm)"]]),
        # 20 -> 0: every (non-nodal) target gone -> CR, nodes below cr_nodal_short_axis_mm
        ((20, 0), [["every target has disappeared (nodes below 10 mm)"]]),
        # 20 -> 14 (PR) -> 16: +14.3 % from the nadir 14, not PD; earlier PR -> PR (sticky)
        (
            (20, 14, 16),
            [
                ["sum 14 mm, at least 30 % below the baseline (20 mm)"],
                ["the earlier response is kept until progression (EORTC RECIST FAQ)"],
            ],
        ),
        # 20 -> 0 (CR) -> 1: a non-nodal target back at 1 mm after CR is PD (reappearance),
        # although +1 mm does not meet the 5 mm rule
        (
            (20, 0, 1),
            [
                ["every target has disappeared (nodes below 10 mm)"],
                ["reappearance after complete response: L1"],
            ],
        ),
        # 20 -> 20: SD, nothing to say
        ((20, 20), [[]]),
    ],
)
def test_target_response_reasons(values: tuple[float, ...], reasons: list[list[str]]) -> None:
    out = _recist(_one_target(*values))
    assert [tp["reasons"] for tp in out["timepoints"]] == reasons


def test_reappearance_of_one_millimetre_after_cr_is_progression() -> None:
    out = _recist(_one_target(20, 0, 1))
    assert [tp["target_response"] for tp in out["timepoints"]] == ["CR", "PD"]
    assert out["timepoints"][1]["overall_response"] == "PD"


def test_baseline_sum_of_one_millimetre_gives_percentages() -> None:
    # a declared 1 mm target (declared targets are kept whatever their size): 1 -> 1.5 is
    # +50.0 % from baseline and nadir, +0.5 mm -> SD
    out = _recist(_one_target(1, 1.5, role="target"))
    tp = out["timepoints"][0]
    assert (tp["change_from_baseline_pct"], tp["change_from_nadir_pct"]) == (50.0, 50.0)
    assert tp["target_response"] == "SD"


def test_sub_micrometre_baseline_gives_a_whole_percentage() -> None:
    # 1e-30 mm -> 1 mm: (1 - 1e-30) x 100 / 1e-30 is 1e32 (28 significant digits): too
    # many digits for one decimal, the percentage is given whole; +1 mm is not PD
    out = _recist(_one_target(1e-30, 1, role="target"))
    tp = out["timepoints"][0]
    assert tp["change_from_baseline_pct"] == pytest.approx(1e32)
    assert tp["change_from_nadir_pct"] == pytest.approx(1e32)
    assert tp["target_response"] == "SD"


def test_a_percentage_beyond_floats_is_not_given() -> None:
    # 1e-320 mm -> 1 mm: 1e322 % is beyond the largest float: no percentage (the output
    # stays strict JSON, `run` checks it)
    out = _recist(_one_target(1e-320, 1, role="target"))
    tp = out["timepoints"][0]
    assert tp["change_from_baseline_pct"] is None
    assert tp["change_from_nadir_pct"] is None


def _two_targets(*follow_ups: dict[str, Any]) -> dict[str, Any]:
    # L1 lung 20 + H1 liver 20 (baseline 40), B1 bone non-target present at baseline
    return make_case(
        lesions=[lesion("L1", "lung"), lesion("H1", "liver"), lesion("B1", "bone")],
        imaging=[
            scan("2020-01-10", {"L1": 20, "H1": 20}, {"B1": "present"}),
            *follow_ups,
        ],
    )


def test_timepoint_without_any_target_measurement_and_no_assertion() -> None:
    # only the non-target reported: targets not measured -> NE, no sum, no percentages
    out = _recist(_two_targets(scan("2020-07-10", non_target={"B1": "present"})))
    tp = out["timepoints"][0]
    assert tp["sum_mm"] is None
    assert tp["change_from_baseline_pct"] is None and tp["change_from_nadir_pct"] is None
    assert tp["target_response"] == "NE"
    assert tp["missing_targets"] == ["L1", "H1"]
    assert tp["reasons"] == ["targets not measured: L1, H1"]
    assert tp["overall_response"] == "NE"
    assert tp["nadir_mm"] == 40.0


def test_partial_timepoint_has_a_sum_but_no_percentage() -> None:
    # L1 measured (18), H1 not: the sum of what was measured (18), NE, no percentage
    out = _recist(_two_targets(scan("2020-07-10", {"L1": 18}, {"B1": "present"})))
    tp = out["timepoints"][0]
    assert tp["sum_mm"] == 18.0
    assert tp["change_from_baseline_pct"] is None and tp["change_from_nadir_pct"] is None
    assert tp["target_response"] == "NE"


def test_asserted_timepoint_fields() -> None:
    # no target measurement, B1 present, the radiologist says SD: used as the overall
    # response, flagged; no sum or target response; new lesions false; non-target read
    out = _recist(
        _two_targets(scan("2020-07-10", non_target={"B1": "present"}, assessed_response="SD"))
    )
    tp = out["timepoints"][0]
    assert tp["asserted"] is True
    assert tp["overall_response"] == "SD"
    assert tp["new_lesions"] is False
    assert tp["non_target_response"] == "NON_CR_NON_PD"
    assert (tp["sum_mm"], tp["target_response"], tp["nadir_mm"]) == (None, None, None)
    assert tp["reasons"] == ["response reported by the radiologist (no measurements)"]


def test_a_computed_timepoint_after_an_asserted_one_is_still_computed() -> None:
    # asserted SD on 2020-07-10, then a measured 2021-01-10: 25 + 25 = 50 vs nadir 40,
    # +25 % and +10 mm -> PD, computed
    out = _recist(
        _two_targets(
            scan("2020-07-10", non_target={"B1": "present"}, assessed_response="SD"),
            scan("2021-01-10", {"L1": 25, "H1": 25}, {"B1": "present"}),
        )
    )
    assert [tp["overall_response"] for tp in out["timepoints"]] == ["SD", "PD"]
    assert [tp["asserted"] for tp in out["timepoints"]] == [True, False]


def test_new_lesions_and_non_target_progression_are_said() -> None:
    # 40 -> 40 (SD by the targets), a new lesion and B1 unequivocal progression: PD, with
    # both reasons after the target's (none for SD); the assertion (SD) differs: warning
    out = _recist(
        _two_targets(
            scan(
                "2020-07-10",
                {"L1": 20, "H1": 20},
                {"B1": "unequivocal_progression"},
                new_lesions=True,
                assessed_response="SD",
            )
        )
    )
    tp = out["timepoints"][0]
    assert tp["overall_response"] == "PD"
    assert tp["target_response"] == "SD"
    assert tp["reasons"] == [
        "one or more new lesions",
        "unequivocal progression of non-target disease",
    ]
    assert out["warnings"] == [
        # each response in words with its code beside them (the codes alone before)
        "on 2020-07-10, the radiologist's response, stable disease (SD), differs from the"
        " computed response, progression (PD), which is used"
    ]


def test_declared_target_without_baseline_measurement_warning_text() -> None:
    case = make_case(
        lesions=[
            lesion("L1", "lung", recist_role="target"),
            lesion("L2", "lung", recist_role="target"),
        ],
        imaging=[scan("2020-01-10", {"L1": 20}), scan("2020-07-10", {"L1": 20, "L2": 5})],
    )
    out = _recist(case)
    assert out["targets"] == ["L1"]
    assert out["non_targets"] == ["L2"]
    assert out["warnings"] == [
        "declared target without a baseline measurement, followed as a non-target lesion: L2"
    ]


# ---------------------------------------------------------------- review of session 8


@pytest.mark.parametrize(
    ("imaging", "targets", "overall"),
    [
        # 100 -> 60 (PR) -> 75 (+25 % over the nadir 60, +15 mm: PD) -> 71 (+18.3 %: not
        # PD; -29 % from baseline: not PR). The response was lost at the PD: SD, not a
        # PR "kept until progression" (it was PR)
        (
            [{"L1": 100}, {"L1": 60}, {"L1": 75}, {"L1": 71}],
            ["PR", "PD", "SD"],
            ["PR", "PD", "SD"],
        ),
        # the same with the progression by new lesions (target PR at 60): the response is
        # lost there too, so 71 is SD
        (
            [{"L1": 100}, {"L1": 60}, ({"L1": 60}, True), {"L1": 71}],
            ["PR", "PR", "SD"],
            ["PR", "PD", "SD"],
        ),
        # a PR after the PD is kept again: 100 -> 60 -> 75 (PD) -> 70 (PR: -30 %) -> 71 (below
        # 72 = 1.2 x the nadir 60: not PD; above 70: PR only because it is kept)
        (
            [{"L1": 100}, {"L1": 60}, {"L1": 75}, {"L1": 70}, {"L1": 71}],
            ["PR", "PD", "PR", "PR"],
            ["PR", "PD", "PR", "PR"],
        ),
    ],
)
def test_a_response_is_kept_until_progression_and_not_after(
    imaging: list[Any], targets: list[str], overall: list[str]
) -> None:
    dates = ["2020-01-10", "2020-04-10", "2020-07-10", "2020-10-10", "2021-01-10"]
    shots = []
    for day, entry in zip(dates, imaging, strict=False):
        sizes, new = entry if isinstance(entry, tuple) else (entry, False)
        shots.append(scan(day, sizes, new_lesions=new))
    out = _recist(make_case(lesions=[lesion("L1", "lung")], imaging=shots))
    assert [tp["target_response"] for tp in out["timepoints"]] == targets
    assert [tp["overall_response"] for tp in out["timepoints"]] == overall


def test_an_asserted_progression_ends_the_kept_response() -> None:
    # 100 -> 60 (PR) -> asserted PD (no measurement) -> 71: SD (71 > 70, not PD over 60)
    shots = [
        scan("2020-01-10", {"L1": 100}),
        scan("2020-04-10", {"L1": 60}),
        scan("2020-07-10", assessed_response="PD"),
        scan("2020-10-10", {"L1": 71}),
    ]
    out = _recist(make_case(lesions=[lesion("L1", "lung")], imaging=shots))
    assert [tp["overall_response"] for tp in out["timepoints"]] == ["PR", "PD", "SD"]


def test_without_target_lesions_the_target_response_is_null() -> None:
    # only non-target disease (table 2): no target response at all, not "ND" (a value of
    # the non-target vocabulary only, case-format.md)
    case = make_case(
        lesions=[lesion("B1", "bone", recist_role="non_target")],
        imaging=[
            scan("2020-01-10", None, {"B1": "present"}),
            scan("2020-07-10", None, {"B1": "present"}),
        ],
    )
    out = _recist(case)
    assert out["targets"] == []
    assert [(tp["target_response"], tp["overall_response"]) for tp in out["timepoints"]] == [
        (None, "NON_CR_NON_PD")
    ]


@pytest.mark.parametrize(
    ("lesions", "baseline", "warning"),
    [
        # a declared target of 5 mm (below 10 mm) and a declared node of 12 mm short axis
        # (below 15 mm): kept as targets ("the targets are exactly those"), and said
        (
            [lesion("L1", "lung", recist_role="target"),
             lesion("N1", "lymph_node_mediastinal_lower", recist_role="target")],
            {"L1": 5, "N1": 12},
            "declared targets below the measurable size at baseline (10 mm, 15 mm short axis"
            " for a node), kept as targets: L1, N1",
        ),
        # measurable declared targets: nothing to say
        (
            [lesion("L1", "lung", recist_role="target"),
             lesion("N1", "lymph_node_mediastinal_lower", recist_role="target")],
            {"L1": 10, "N1": 15},
            None,
        ),
        # a 5 mm lesion not declared: not selected, no warning (selection is silent)
        ([lesion("L1", "lung"), lesion("L2", "lung")], {"L1": 5, "L2": 20}, None),
    ],
)  # fmt: skip
def test_a_declared_target_below_the_measurable_size_is_said(
    lesions: list[dict[str, Any]], baseline: dict[str, float], warning: str | None
) -> None:
    case = make_case(
        lesions=lesions, imaging=[scan("2020-01-10", baseline), scan("2020-07-10", baseline)]
    )
    out = _recist(case)
    assert out["targets"] == [
        x["id"] for x in lesions if x.get("recist_role") or baseline[x["id"]] >= 10
    ]
    assert out["warnings"] == ([warning] if warning else [])


def test_a_response_given_at_the_baseline_is_said_unused() -> None:
    # the baseline has no earlier examination: its asserted PD is not used (it was dropped
    # without a word), and the next timepoint is computed as usual
    case = make_case(
        lesions=[lesion("L1", "lung")],
        imaging=[
            scan("2020-01-10", {"L1": 20}, assessed_response="PD"),
            scan("2020-07-10", {"L1": 20}),
        ],
    )
    out = _recist(case)
    assert out["warnings"] == [
        "on 2020-01-10, the baseline: the radiologist's response, progression (PD), is not"
        " used: a response is judged against an earlier examination"
    ]
    assert [tp["overall_response"] for tp in out["timepoints"]] == ["SD"]


@pytest.mark.parametrize(
    ("code", "lang", "words"),
    [
        # words with the code of the reader's language beside them
        ("SD", "fr", "stabilité (MS)"),
        ("PD", "en", "progression (PD)"),
        # ND (no non-target lesion) has no code to show: words only
        ("ND", "en", "no non-target lesion"),
        # no response: nothing
        (None, "fr", ""),
    ],
)
def test_a_response_said_as_text(code: str | None, lang: Lang, words: str) -> None:
    from thyref.domain.recist import said_text

    assert said_text(code, lang) == words


@pytest.mark.parametrize(
    ("codes", "legend"),
    [
        # each code once, in the legend's order (CR, PR, SD, PD, NE, NON_CR_NON_PD)
        (["PD", "SD", "PD", "NON_CR_NON_PD"], ["SD", "PD", "NON_CR_NON_PD"]),
        # ND and no response are not explained
        (["ND", None, "CR"], ["CR"]),
        ([], []),
    ],
)
def test_legend_codes(codes: list[str | None], legend: list[str]) -> None:
    from thyref.domain.recist import legend_codes

    assert legend_codes(codes) == legend
