"""Session 16 clinical reading audit: outputs that misled a tumour board, one table per
finding (cases in /work/audit/clinical16/cases)."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import lesion, make_case, mol, rec, run, scan
from .conftest import rai as rai_


def _refractory_dtc(molecular: list[dict[str, Any]], **clinical: Any) -> dict[str, Any]:
    # papillary, two lung lesions without uptake after 100 mCi -> DTC-NO-UPTAKE
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


def _ids(out: dict[str, Any]) -> set[str]:
    return {r["id"] for r in out["recommendations"]}


@pytest.mark.parametrize(
    "entry",
    [
        # a negative fusion test written as a sentence: "fusion" in the text made it a RET
        # fusion -> selpercatinib was proposed on a negative test
        {"gene": "RET", "alteration": "no fusion detected"},
        # the French lab wording, feminine ("fusion non détectée"), kind given
        {"gene": "RET", "alteration": "fusion non détectée", "kind": "fusion"},
        # "négative" (feminine) after the gene's fusion
        {"gene": "NTRK1", "alteration": "fusion négative", "kind": "fusion"},
        # "negative" at the end of an English result
        {"gene": "RET", "alteration": "RET fusion negative"},
        # "negative for ..." at the start
        {"gene": "ALK", "alteration": "negative for ALK rearrangement", "kind": "fusion"},
        # "pas de fusion"
        {"gene": "RET", "alteration": "pas de fusion", "kind": "fusion"},
        # "absence de fusion"
        {"gene": "NTRK3", "alteration": "absence de fusion", "kind": "fusion"},
        # "mutation non détectée" on a RAS gene (any alteration counts): redifferentiation
        # and a trial were proposed
        {"gene": "KRAS", "alteration": "mutation non détectée"},
    ],
)
def test_a_negative_result_written_as_a_sentence_opens_no_option(entry: dict[str, Any]) -> None:
    ids = _ids(run(_refractory_dtc([entry]), "en"))
    for option in ("TARGETED-THERAPY", "REDIFFERENTIATION", "CLINICAL-TRIAL", "RCP-NATIONAL"):
        assert option not in ids, (entry, option)


@pytest.mark.parametrize(
    ("written", "negative"),
    [
        # a result in parts, one of them negative: the alteration found stays (session 16
        # review: the ending "negative" hid BRAF V600E and a RET fusion)
        ("BRAF V600E, TERT negative", False),
        ("V600E; TERT promoter not detected", False),
        ("CCDC6-RET, NTRK negative", False),
        ("V600E et TERT non muté", False),
        ("V600E + TERT wild type", False),
        # every part negative: negative
        ("fusion non détectée, mutation non détectée", True),
        ("negative; no mutation", True),
        # one part, negative at its start or its end
        ("negative for V600E", True),
        ("RET fusion negative", True),
        # a fusion's partners are one part, positive
        ("NCOA4/RET", False),
    ],
)
def test_a_result_in_parts_is_negative_only_when_every_part_is(
    written: str, negative: bool
) -> None:
    from thyref.domain.options import is_negative_result
    from thyref.domain.rules import load_rules

    assert is_negative_result(written, load_rules()) is negative


def test_a_braf_v600e_beside_a_negative_finding_opens_redifferentiation() -> None:
    braf = {"gene": "BRAF", "alteration": "V600E, TERT negative", "kind": "mutation"}
    assert "REDIFFERENTIATION" in _ids(run(_refractory_dtc([braf]), "en"))


def test_a_fusion_beside_a_negative_finding_still_opens_its_option() -> None:
    entry = {"gene": "RET", "alteration": "CCDC6-RET, NTRK negative", "kind": "fusion"}
    assert "TARGETED-THERAPY" in _ids(run(_refractory_dtc([entry]), "en"))


@pytest.mark.parametrize(
    ("entry", "option"),
    [
        # a positive result naming a negative word in its middle stays positive
        ({"gene": "RET", "alteration": "CCDC6::RET (TERT negative)", "kind": "fusion"}, None),
        # plain positive fusions still open the targeted option
        ({"gene": "RET", "alteration": "CCDC6::RET", "kind": "fusion"}, "TARGETED-THERAPY"),
        ({"gene": "NRAS", "alteration": "Q61R"}, "REDIFFERENTIATION"),
    ],
)
def test_a_positive_result_still_opens_its_option(
    entry: dict[str, Any], option: str | None
) -> None:
    ids = _ids(run(_refractory_dtc([entry]), "en"))
    assert (option or "TARGETED-THERAPY") in ids, entry


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        # the full HGVS line of a lab report, DNA change then protein change: it was read as
        # one unknown alteration, so a BRAF V600E opened no redifferentiation
        ("c.1799T>A p.(Val600Glu)", "V600E"),
        # the same, protein change without brackets, separated by a comma
        ("c.1799T>A, p.V600E", "V600E"),
        # NRAS written with its transcript and DNA change first
        ("NM_002524.5:c.182A>G p.(Gln61Arg)", "Q61R"),
        # a result in parts: the protein change of the first part that has one (session
        # 16 review: "V600E, TERT negative" matched no V600E)
        ("V600E, TERT negative", "V600E"),
        ("p.V600E; TERT promoter wild type", "V600E"),
        ("TERT promoter C228T + p.(Val600Glu)", "V600E"),
        # the plain forms are unchanged
        ("p.(Val600Glu)", "V600E"),
        ("V600E", "V600E"),
    ],
)
def test_a_protein_change_is_read_after_the_dna_change(written: str, expected: str) -> None:
    from thyref.domain.case import normalise_alteration

    assert normalise_alteration(written) == expected


def test_a_braf_v600e_written_in_full_hgvs_opens_redifferentiation() -> None:
    braf = {"gene": "BRAF", "alteration": "c.1799T>A p.(Val600Glu)", "kind": "mutation"}
    found = rec(run(_refractory_dtc([braf]), "en"), "REDIFFERENTIATION")
    assert found is not None
    assert found["drugs"] == ["dabrafenib", "trametinib"]


def _progressive_dtc(current: str) -> dict[str, Any]:
    # two non-avid lung lesions progressing (27 -> 36 mm), symptomatic, not treatable locally
    return make_case(
        lesions=[lesion("P1", "lung", "no"), lesion("P2", "lung", "no")],
        rai=[rai_("2018-01-01", 100)],
        imaging=[
            scan("2023-01-01", {"P1": 15, "P2": 12}),
            scan("2024-01-01", {"P1": 20, "P2": 16}),
        ],
        clinical={"symptomatic": True, "locally_treatable": False, "on_systemic_therapy": current},
    )


@pytest.mark.parametrize(
    ("current", "drugs"),
    [
        # the drug with its dose, as a prescription is written: it was not recognised as a
        # VEGFR inhibitor, and lenvatinib was proposed to a patient progressing on it
        ("lenvatinib 14 mg/j", ["cabozantinib"]),
        # brand name in brackets after the drug
        ("Sorafenib (Nexavar) 400 mg x 2", ["cabozantinib"]),
        # the bare name, as before
        ("lenvatinib", ["cabozantinib"]),
        # the brand name alone, as patients and letters often write it (session 16 review)
        ("Lenvima 24 mg", ["cabozantinib"]),
        ("NEXAVAR", ["cabozantinib"]),
        # a drug that is not a VEGFR inhibitor: first line
        ("dabrafenib + trametinib", ["lenvatinib", "sorafenib"]),
    ],
)
def test_a_prior_vegfr_inhibitor_is_recognised_within_the_written_treatment(
    current: str, drugs: list[str]
) -> None:
    systemic = rec(run(_progressive_dtc(current), "en"), "SYSTEMIC-THERAPY")
    assert systemic is not None
    assert systemic["drugs"] == drugs


def _progressive_mtc(current: str, molecular: list[dict[str, Any]]) -> dict[str, Any]:
    # medullary, liver lesion 30 -> 40 mm, no standard treatment, symptomatic, not local
    return make_case(
        histology="medullary",
        lesions=[lesion("H1", "liver")],
        imaging=[scan("2024-01-01", {"H1": 30}), scan("2024-07-01", {"H1": 40})],
        molecular=molecular,
        clinical={
            "standard_treatment_possible": False,
            "symptomatic": True,
            "locally_treatable": False,
            "on_systemic_therapy": current,
        },
    )


@pytest.mark.parametrize(
    ("case", "drugs", "said"),
    [
        # progressing on cabozantinib: cabozantinib was proposed again, alone
        (
            _progressive_dtc("cabozantinib"),
            [],
            "on cabozantinib: no other drug of the list for this situation",
        ),
        # medullary progressing on vandetanib: vandetanib was listed first
        (_progressive_mtc("vandetanib", []), ["cabozantinib"], "already taken: vandetanib."),
        # RET-mutated medullary progressing on selpercatinib: the other two remain
        (
            _progressive_mtc("selpercatinib 160 mg x 2", [mol("RET", "M918T")]),
            ["vandetanib", "cabozantinib"],
            "already taken: selpercatinib.",
        ),
        # on lenvatinib: cabozantinib, nothing said about a drug taken (not in the list)
        (_progressive_dtc("lenvatinib"), ["cabozantinib"], "Drugs to discuss: cabozantinib."),
    ],
)
def test_the_drug_the_disease_progresses_on_is_not_proposed_again(
    case: dict[str, Any], drugs: list[str], said: str
) -> None:
    systemic = rec(run(case, "en"), "SYSTEMIC-THERAPY")
    assert systemic is not None
    assert systemic["drugs"] == drugs
    assert said in systemic["rationale"]
    # a regulatory status only with a drug to state it of (it read "Regulatory status: .")
    assert ("Regulatory status:" in systemic["rationale"]) == bool(drugs)


_SHRINKING_WITH_A_NEW_LESION = [
    scan("2019-03-01", {"L1": 25, "L2": 15}),
    scan("2020-03-01", {"L1": 14, "L2": 10}, new_lesions=True),
]


def _evidence(out: dict[str, Any]) -> str:
    return " ".join(e["detail"] for e in out["refractory"]["evidence"])


@pytest.mark.parametrize(
    ("imaging", "cause", "lang"),
    [
        # the targets shrink (40 -> 24 mm, PR) and a new lesion appears: the evidence read
        # "sum 24 mm, nadir 40 mm", as if the sum had grown
        (
            _SHRINKING_WITH_A_NEW_LESION,
            "new lesion",
            "en",
        ),
        # the same in French
        (
            _SHRINKING_WITH_A_NEW_LESION,
            "nouvelle lésion",
            "fr",
        ),
        # targets gone (0 mm), a non-target progresses: it read "sum 0 mm, nadir 0 mm"
        (
            [
                scan("2019-03-01", {"L1": 25}, {"B1": "present"}),
                scan("2019-09-01", {"L1": 0}, {"B1": "present"}),
                scan("2020-03-01", {"L1": 0}, {"B1": "unequivocal_progression"}),
            ],
            "unequivocal progression of non-target lesions",
            "en",
        ),
    ],
)
def test_progression_by_a_new_lesion_or_non_targets_is_said_so(
    imaging: list[dict[str, Any]], cause: str, lang: str
) -> None:
    case = make_case(
        lesions=[
            lesion("L1", "lung", "yes"),
            lesion("L2", "lung", "yes"),
            lesion("B1", "bone", "yes", recist_role="non_target"),
        ],
        rai=[rai_("2019-06-01", 100)],
        imaging=imaging,
    )
    text = _evidence(run(case, lang))
    assert cause in text
    assert "nadir" not in text


def test_progression_of_the_target_sum_still_gives_the_sum_and_nadir() -> None:
    case = make_case(
        lesions=[lesion("L1", "lung", "yes")],
        rai=[rai_("2019-06-01", 100)],
        imaging=[scan("2019-03-01", {"L1": 25}), scan("2020-03-01", {"L1": 31})],
    )
    assert "sum 31 mm, nadir 25 mm" in _evidence(run(case, "en"))


@pytest.mark.parametrize(
    "written",
    [
        # "none" typed in the treatment field: read as a drug under way, it gave a trial for
        # "progression on systemic therapy (none)" and hand-foot care for "none"
        "none",
        # the French words
        "aucun",
        "Néant",
        "pas de traitement",
        # a dash, no word at all
        "-",
    ],
)
def test_no_treatment_written_in_words_is_no_treatment(written: str) -> None:
    out = run(_progressive_dtc(written), "en")
    ids = _ids(out)
    assert "TKI-SKIN-CARE" in ids  # SYSTEMIC-THERAPY is proposed: its skin care too
    skin = rec(out, "TKI-SKIN-CARE")
    assert skin is not None and "A kinase inhibitor is proposed." in skin["rationale"]
    assert "CLINICAL-TRIAL" not in ids
    systemic = rec(out, "SYSTEMIC-THERAPY")
    assert systemic is not None and systemic["drugs"] == ["lenvatinib", "sorafenib"]


def test_a_drug_written_beside_no_treatment_words_is_a_drug() -> None:
    # the control: a drug under way keeps its trial and its skin-care sentence
    out = run(_progressive_dtc("lenvatinib"), "en")
    assert "CLINICAL-TRIAL" in _ids(out)


@pytest.mark.parametrize(
    ("risk", "said"),
    [
        # a brain metastasis whose bleeding risk is not recorded: SYSTEMIC-THERAPY-CAUTION
        # needs it true, and nothing said that it was never assessed before lenvatinib
        (None, True),
        # assessed, no risk: nothing to add
        (False, False),
        # assessed, a risk: SYSTEMIC-THERAPY-CAUTION says it (not repeated here)
        (True, False),
    ],
)
def test_an_unassessed_bleeding_risk_of_a_brain_lesion_is_said_beside_the_drug(
    risk: bool | None, said: bool
) -> None:
    case = _progressive_dtc("")
    case["lesions"].append(lesion("M1", "brain", "no"))
    case["clinical"]["brain_metastases_bleeding_risk"] = risk
    out = run(case, "en")
    systemic = rec(out, "SYSTEMIC-THERAPY")
    assert systemic is not None
    sentence = "Brain lesion M1: bleeding risk not recorded"
    assert (sentence in systemic["rationale"]) is said
    assert (rec(out, "SYSTEMIC-THERAPY-CAUTION") is not None) is (risk is True)
    # in French too
    french = rec(run(case, "fr"), "SYSTEMIC-THERAPY")
    assert french is not None
    assert ("risque hémorragique non renseigné" in french["rationale"]) is said


_NTRK = ["larotrectinib", "entrectinib"]
_ALK = ["ALK inhibitor (crizotinib, alectinib...)"]


@pytest.mark.parametrize(
    ("entry", "drugs"),
    [
        # the fusion partners joined by a hyphen, kind not given: it was read as a RET
        # mutation (no option outside medullary cancer), selpercatinib not proposed
        ({"gene": "RET", "alteration": "CCDC6-RET"}, ["selpercatinib"]),
        # joined by a slash
        ({"gene": "RET", "alteration": "NCOA4/RET"}, ["selpercatinib"]),
        # NTRK3 with its partner first
        ({"gene": "NTRK3", "alteration": "ETV6-NTRK3"}, _NTRK),
        # "rearrangement" (and its partners)
        ({"gene": "NTRK1", "alteration": "TPM3-NTRK1 rearrangement"}, _NTRK),
        ({"gene": "ALK", "alteration": "réarrangement ALK"}, _ALK),
        # the controls: a RET point mutation in papillary cancer opens nothing
        ({"gene": "RET", "alteration": "M918T"}, []),
        # kind given as a mutation: the kind is trusted
        ({"gene": "RET", "alteration": "CCDC6-RET", "kind": "mutation"}, []),
        # a hyphen that does not join the gene to a partner is no fusion
        ({"gene": "RET", "alteration": "exon-11"}, []),
    ],
)
def test_a_fusion_written_with_its_partner_is_a_fusion(
    entry: dict[str, Any], drugs: list[str]
) -> None:
    found = rec(run(_refractory_dtc([entry]), "en"), "TARGETED-THERAPY")
    assert (list(found["drugs"]) if found else []) == drugs
