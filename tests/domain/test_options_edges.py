"""Options for the RCP: the edges the mutation run (docs/quality.md section 3) found unpinned.

Every expected value is worked out from clinical-rules.md section 4, the drug groups and
`[[targeted]]` rows of the rules file, and the sentences of messages.toml (English).
"""

from __future__ import annotations

from typing import Any

from .conftest import lesion, make_case, mol, rec, run, scan
from .conftest import rai as rai_


def _medullary(molecular: list[dict[str, Any]]) -> dict[str, Any]:
    # medullary, liver lesion, standard treatment not possible -> MTC-ADVANCED (refractory)
    return make_case(
        histology="medullary",
        lesions=[lesion("H1", "liver")],
        imaging=[scan("2020-01-10", {"H1": 20}), scan("2020-07-10", {"H1": 20})],
        molecular=molecular,
        clinical={"standard_treatment_possible": False, "symptomatic": False},
    )


def _refractory_dtc(molecular: list[dict[str, Any]], **clinical: Any) -> dict[str, Any]:
    # papillary, lung lesion without uptake after 100 mCi -> DTC-NO-UPTAKE (refractory)
    return make_case(
        lesions=[lesion("P1", "lung", "no"), lesion("P2", "lung", "no")],
        rai=[rai_("2019-06-01", 100)],
        imaging=[
            scan("2020-01-10", {"P1": 15, "P2": 12}),
            scan("2020-07-10", {"P1": 15, "P2": 12}),
        ],
        molecular=molecular,
        clinical={"symptomatic": False, "locally_treatable": False, **clinical},
    )


def test_targeted_rows_after_a_group_already_found_are_still_read() -> None:
    # medullary with a RET fusion, a RET mutation and an NTRK3 fusion: the RET fusion row
    # gives the "ret" group, the RET mutation row (same group) is passed over, and the
    # NTRK fusion row after it still gives the "ntrk" group; the two are joined by "; "
    out = run(
        _medullary(
            [
                mol("RET", "fusion", kind="fusion"),
                mol("RET", "M918T"),
                mol("NTRK3", "fusion", kind="fusion"),
            ]
        ),
        "en",
    )
    targeted = rec(out, "TARGETED-THERAPY")
    assert targeted is not None
    assert targeted["drugs"] == ["selpercatinib", "larotrectinib", "entrectinib"]
    assert (
        "RET fusion -> selpercatinib; NTRK fusion -> larotrectinib + entrectinib"
        in targeted["rationale"]
    )


def test_trial_names_a_ras_mutation_without_its_alteration_by_the_gene_alone() -> None:
    # an NRAS mutation recorded without `alteration` (optional in case-format.md): the
    # trial option names the gene, nothing after it
    out = run(_refractory_dtc([{"gene": "NRAS", "kind": "mutation"}]), "en")
    trial = rec(out, "CLINICAL-TRIAL")
    assert trial is not None
    assert trial["rationale"].endswith("Alteration with no approved option: NRAS.")
