"""Options for the RCP: the edges the mutation run (docs/quality.md section 3) found unpinned.

Every expected value is worked out from clinical-rules.md section 4, the drug groups and
`[[targeted]]` rows of the rules file, and the sentences of messages.toml (English).
"""

from __future__ import annotations

from typing import Any

import pytest

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
    # larotrectinib and entrectinib are alternatives: "or" (a "+" read as a combination)
    assert (
        "RET fusion -> selpercatinib; NTRK fusion (NTRK3 fusion) -> larotrectinib or entrectinib"
        in targeted["rationale"]
    )
    # in French a no-break space comes before the ";"
    french = rec(run(_medullary([mol("RET", "fusion", kind="fusion"), mol("NTRK3", "fusion",
                 kind="fusion")]), "fr"), "TARGETED-THERAPY")  # fmt: skip
    assert french is not None
    assert (
        "fusion RET -> selpercatinib\u00a0; fusion NTRK (NTRK3 fusion) -> larotrectinib ou "
        "entrectinib" in french["rationale"]
    )


def test_trial_names_a_ras_mutation_without_its_alteration_by_the_gene_alone() -> None:
    # an NRAS mutation recorded without `alteration` (optional in case-format.md): the
    # trial option names the gene, nothing after it
    out = run(_refractory_dtc([{"gene": "NRAS", "kind": "mutation"}]), "en")
    trial = rec(out, "CLINICAL-TRIAL")
    assert trial is not None
    assert trial["rationale"].endswith("Alteration with no approved option: NRAS.")


def _progressive_dtc(
    molecular: list[dict[str, Any]] | None = None, **clinical: Any
) -> dict[str, Any]:
    # the same refractory case, progressive: 15 + 12 = 27 -> 20 + 15 = 35 (+29.6 %, +8 mm:
    # PD on 2020-07-10, the latest imaging), symptomatic and not locally treatable
    case = _refractory_dtc(molecular or [], **{"symptomatic": True, **clinical})
    case["imaging"] = [
        scan("2020-01-10", {"P1": 15, "P2": 12}),
        scan("2020-07-10", {"P1": 20, "P2": 15}),
    ]
    return case


def test_a_prior_vegfr_inhibitor_is_read_whatever_its_case_and_spaces() -> None:
    # " Lenvatinib " is lenvatinib, a VEGFR inhibitor: the drug after it is cabozantinib
    out = run(_progressive_dtc(on_systemic_therapy=" Lenvatinib "), "en")
    systemic = rec(out, "SYSTEMIC-THERAPY")
    assert systemic is not None
    assert systemic["drugs"] == ["cabozantinib"]
    assert "RECIST progression on 2020-07-10" in systemic["rationale"]


def test_first_line_drugs_without_a_prior_vegfr_inhibitor() -> None:
    # no current drug: lenvatinib or sorafenib, in the order of the drug group
    systemic = rec(run(_progressive_dtc(), "en"), "SYSTEMIC-THERAPY")
    assert systemic is not None
    assert systemic["drugs"] == ["lenvatinib", "sorafenib"]
    assert "Drugs to discuss: lenvatinib, sorafenib." in systemic["rationale"]


def test_redifferentiation_scheme_follows_the_first_gene_of_the_list() -> None:
    # BRAF V600E and NRAS Q61R: both found, in the scheme's order (BRAF first, NRAS by
    # its gene alone, the rule being "NRAS:*"); the drugs are BRAF's (dabrafenib +
    # trametinib), not RAS's (trametinib alone)
    out = run(_refractory_dtc([mol("BRAF", "V600E"), mol("NRAS", "Q61R")]), "en")
    redif = rec(out, "REDIFFERENTIATION")
    assert redif is not None
    assert redif["drugs"] == ["dabrafenib", "trametinib"]
    assert (
        "Non-avid lesions, BRAF V600E, NRAS, 2 lesions, largest 15 mm, no reported symptoms."
        " Scheme: dabrafenib + trametinib then I-131." in redif["rationale"]
    )


def test_redifferentiation_for_a_ras_mutation_alone() -> None:
    redif = rec(run(_refractory_dtc([mol("KRAS", "G12V")]), "en"), "REDIFFERENTIATION")
    assert redif is not None
    assert redif["drugs"] == ["trametinib"]
    assert "KRAS, 2 lesions" in redif["rationale"]


def test_node_options_describe_each_node_with_its_growth() -> None:
    # N1 central, unconfirmed, 8 -> 8 mm: work-up (>= 8 mm central), no growth to say;
    # N4 lateral, unconfirmed, 9 -> 10 mm: work-up (>= 10 mm lateral), +1 mm;
    # N2 lateral, confirmed, 12 -> 15 mm: neck surgery (>= 15 mm and +3 mm);
    # N3 upper mediastinal, 20 -> 18 mm: mediastinal surgery (>= 15 mm), shrinking: no "+"
    case = make_case(
        lesions=[
            lesion("N1", "lymph_node_cervical_central"),
            lesion("N2", "lymph_node_cervical_lateral", confirmed=True),
            lesion("N3", "lymph_node_mediastinal_upper"),
            lesion("N4", "lymph_node_cervical_lateral"),
        ],
        imaging=[
            scan("2020-01-10", {"N1": 8, "N2": 12, "N3": 20, "N4": 9}),
            scan("2020-07-10", {"N1": 8, "N2": 15, "N3": 18, "N4": 10}),
        ],
    )
    out = run(case, "en")
    workup = rec(out, "NECK-NODE-WORKUP")
    surgery = rec(out, "NECK-NODE-SURGERY")
    mediastinal = rec(out, "MEDIASTINAL-NODE-SURGERY")
    assert workup is not None and surgery is not None and mediastinal is not None
    assert workup["rationale"].endswith(
        "Unconfirmed neck nodes above the threshold: N1 8 mm; N4 10 mm, +1 mm."
    )
    # in French: "8 mm ; N4" with a no-break space before the ";"
    french = rec(run(case, "fr"), "NECK-NODE-WORKUP")
    assert french is not None and "N1 8 mm\u00a0; N4 10 mm, +1 mm." in french["rationale"]
    assert workup["lesions"] == ["N1", "N4"]
    assert surgery["rationale"].endswith("Confirmed neck node, large or growing: N2 15 mm, +3 mm.")
    assert surgery["lesions"] == ["N2"]
    assert mediastinal["rationale"].endswith("Mediastinal node, large or growing: N3 18 mm.")
    assert mediastinal["lesions"] == ["N3"]


def _cumulative(latest_p1: float, responses: tuple[str, str, str] | None = None) -> dict[str, Any]:
    # papillary, one avid lung lesion, 3 x 200 mCi = 600 mCi = 22.2 GBq (>= 22 GBq), given
    # in reverse order; imaging after the last one, P1 15 mm then `latest_p1`, not CR:
    # DTC-CUMULATIVE-ACTIVITY (refractory under tuthyref-2021). ata-2015 (no scans): the
    # lesion is avid, no PD and imaging after the I-131: not refractory.
    given = [rai_("2019-01-01", 200), rai_("2018-01-01", 200), rai_("2017-01-01", 200)]
    if responses is not None:
        for entry, response in zip(given, responses, strict=True):
            entry["response"] = response
    return make_case(
        lesions=[lesion("P1", "lung", "yes")],
        rai=given,
        imaging=[scan("2019-06-01", {"P1": 15}), scan("2020-01-01", {"P1": latest_p1})],
    )


def test_definitions_differ_names_each_verdict_and_its_criteria() -> None:
    out = run(_cumulative(15), "en")
    assert out["refractory"]["criteria_met"] == ["DTC-CUMULATIVE-ACTIVITY"]
    note = rec(out, "NOTE-DEFINITIONS-DIFFER")
    assert note is not None
    assert note["rationale"].endswith(
        "Verdicts: TuThyRef 2021 (tuthyref-2021): refractory — Disease persisting after"
        " a high cumulative I-131 activity (DTC-CUMULATIVE-ACTIVITY);"
        " ATA 2015 (recommendation 91, ata-2015): not refractory — no criterion met."
    )


def test_additional_rai_when_the_sum_shrinks_at_the_latest_imaging() -> None:
    # 15 -> 14 mm: the latest sum is smaller than the one before it (the baseline)
    out = run(_cumulative(14), "en")
    more = rec(out, "ADDITIONAL-RAI")
    assert more is not None
    assert more["priority"] == "routine"
    assert more["rationale"].endswith(
        "Cumulative activity 22.2 GBq over 3 administrations, avid lesions regressing."
        " The sum of diameters fell at the latest imaging."
    )


def test_no_additional_rai_when_the_sum_stays_equal() -> None:
    # 15 -> 15 mm: not smaller; no response recorded
    assert rec(run(_cumulative(15)), "ADDITIONAL-RAI") is None


def test_additional_rai_reads_the_response_of_the_latest_administration() -> None:
    # listed latest first: 2019 regressing, 2018 and 2017 stable -> regressing (sum equal)
    more = rec(run(_cumulative(15, ("regressing", "stable", "stable")), "en"), "ADDITIONAL-RAI")
    assert more is not None
    assert more["rationale"].endswith(
        "avid lesions regressing. Response recorded after the latest administration: regressing."
    )
    # the 2017 one regressing, the latest (2019) stable -> not regressing
    assert rec(run(_cumulative(15, ("stable", "stable", "regressing"))), "ADDITIONAL-RAI") is None


def test_redifferentiation_needs_braf_v600e_not_any_braf_mutation() -> None:
    # the scheme's entry is "BRAF:V600E": BRAF K601E is another mutation (no RAS either)
    assert rec(run(_refractory_dtc([mol("BRAF", "K601E")])), "REDIFFERENTIATION") is None


def test_a_confirmed_neck_node_large_but_not_growing_goes_to_surgery() -> None:
    # N2 lateral, confirmed, 16 -> 16 mm: >= 15 mm is enough, without growth
    case = make_case(
        lesions=[lesion("N2", "lymph_node_cervical_lateral", confirmed=True)],
        imaging=[scan("2020-01-10", {"N2": 16}), scan("2020-07-10", {"N2": 16})],
    )
    surgery = rec(run(case, "en"), "NECK-NODE-SURGERY")
    assert surgery is not None
    assert surgery["rationale"].endswith("Confirmed neck node, large or growing: N2 16 mm.")


def test_a_blank_current_drug_is_no_drug() -> None:
    # on_systemic_therapy "  " (blank) with progression: no "progression on a drug" trial,
    # no skin care for a current drug (the systemic option itself brings skin care)
    out = run(_progressive_dtc(on_systemic_therapy="  ", symptomatic=False), "en")
    assert rec(out, "CLINICAL-TRIAL") is None
    assert rec(out, "SYSTEMIC-THERAPY") is None  # not symptomatic
    assert rec(out, "TKI-SKIN-CARE") is None


def _local_case(
    lung: list[dict[str, Any]], base: dict[str, float], last: dict[str, float]
) -> dict[str, Any]:
    # refractory (P1 lung without uptake after 100 mCi), progressive by the caller's
    # measurements, not symptomatic; the lung lesions come first, then the liver H1 12 mm
    return make_case(
        lesions=[*lung, lesion("H1", "liver")],
        rai=[rai_("2019-06-01", 100)],
        imaging=[scan("2020-01-10", {**base, "H1": 12}), scan("2020-07-10", {**last, "H1": 12})],
        clinical={"symptomatic": False},
    )


def test_local_treatment_looks_at_every_organ_after_one_with_too_many_lesions() -> None:
    # six lung lesions (more than 5: not for local treatment), then the liver with one
    # 12 mm lesion: the liver is proposed. Targets P1, P2 (2 per organ) + H1: 10 + 10 + 12
    # = 32 -> 20 + 10 + 12 = 42 (+31 %, +10 mm): PD at the latest imaging.
    lung = [lesion("P1", "lung", "no")] + [lesion(f"P{i}", "lung") for i in range(2, 7)]
    base = {f"P{i}": 10.0 for i in range(1, 7)}
    out = run(_local_case(lung, base, {**base, "P1": 20}), "en")
    local = rec(out, "LOCAL-TREATMENT")
    assert local is not None
    assert local["lesions"] == ["H1"]
    assert (
        "Few lesions of at least 10 mm: liver: H1. The disease is progressing (RECIST)."
        in (local["rationale"])
    )


def test_local_treatment_looks_at_every_organ_after_one_not_treatable() -> None:
    # lung P1 (not locally treatable) and P2, then the liver: 15 + 12 + 12 = 39 -> 20 + 15
    # + 12 = 47 (+20.5 %, +8 mm): PD; the lung is out, the liver is proposed
    lung = [lesion("P1", "lung", "no", locally_treatable=False), lesion("P2", "lung")]
    out = run(_local_case(lung, {"P1": 15, "P2": 12}, {"P1": 20, "P2": 15}), "en")
    local = rec(out, "LOCAL-TREATMENT")
    assert local is not None
    assert local["lesions"] == ["H1"]


@pytest.mark.parametrize(
    ("lang", "sites"),
    [
        # French typography: a no-break space before ":" and ";" (was "poumon: P1, P2; foie")
        ("fr", "poumon\u00a0: P1, P2\u00a0; foie\u00a0: H1."),
        # English: none before them
        ("en", "lung: P1, P2; liver: H1."),
    ],
)
def test_local_treatment_names_each_organ_with_the_readers_punctuation(
    lang: str, sites: str
) -> None:
    # two lung lesions (15 and 12 mm) and the liver H1 (12 mm), all locally treatable:
    # 15 + 12 + 12 = 39 -> 20 + 15 + 12 = 47 (+20.5 %, +8 mm): PD, both organs proposed
    lung = [lesion("P1", "lung", "no"), lesion("P2", "lung")]
    out = run(_local_case(lung, {"P1": 15, "P2": 12}, {"P1": 20, "P2": 15}), lang)
    local = rec(out, "LOCAL-TREATMENT")
    assert local is not None and local["lesions"] == ["P1", "P2", "H1"]
    assert sites in local["rationale"]


def _cumulative_two(*follow_ups: dict[str, Any], size: float = 15) -> dict[str, Any]:
    # 600 mCi (22.2 GBq) over 2017-2019, two avid lung lesions P1 and P2, baseline after
    # the last I-131: DTC-CUMULATIVE-ACTIVITY; `size` mm each at baseline
    return make_case(
        lesions=[lesion("P1", "lung", "yes"), lesion("P2", "lung", "yes")],
        rai=[rai_("2017-01-01", 200), rai_("2018-01-01", 200), rai_("2019-01-01", 200)],
        imaging=[scan("2019-06-01", {"P1": size, "P2": size}), *follow_ups],
    )


def test_a_partial_sum_is_not_a_shrinking_sum() -> None:
    # 15 + 15 = 30, then P1 alone 14 (P2 not measured): 14 is not a complete sum, so the
    # sum did not fall: no further I-131 option
    case = _cumulative_two(scan("2020-01-01", {"P1": 14}))
    out = run(case)
    assert out["refractory"]["criteria_met"] == ["DTC-CUMULATIVE-ACTIVITY"]
    assert rec(out, "ADDITIONAL-RAI") is None


def test_an_asserted_response_is_not_a_sum() -> None:
    # an asserted PR (no measurements) after the baseline: no sum to compare
    case = _cumulative_two(scan("2020-01-01", assessed_response="PR"))
    assert rec(run(case), "ADDITIONAL-RAI") is None


def test_without_targets_there_is_no_sum() -> None:
    # two 8 mm lesions (not measurable: no target), measured twice then smaller: no sums,
    # so no shrinking (the lesions are non-targets)
    case = _cumulative_two(
        scan("2020-01-01", {"P1": 7, "P2": 7}), scan("2020-06-01", {"P1": 6, "P2": 6}), size=8
    )
    out = run(case)
    assert out["recist"]["targets"] == []
    assert rec(out, "ADDITIONAL-RAI") is None


def test_redifferentiation_needs_a_mutation_not_an_amplification() -> None:
    # the scheme reads mutations (BRAF V600E, RAS): a KRAS amplification is not one
    case = _refractory_dtc([mol("KRAS", "amplification", kind="amplification")])
    assert rec(run(case), "REDIFFERENTIATION") is None


def test_germline_ret_names_every_somatic_ret_result() -> None:
    # two somatic RET results, one without its alteration: both named, joined by ", ", in
    # the plural
    out = run(
        _medullary([{"gene": "RET", "kind": "mutation", "origin": "somatic"}, mol("RET", "M918T")]),
        "en",
    )
    germline = rec(out, "GERMLINE-RET-TESTING")
    assert germline is not None
    assert germline["rationale"].endswith(
        "Medullary cancer with no germline RET result recorded. The tumour (somatic) results"
        " (RET, RET M918T) do not tell whether the cancer is hereditary."
    )


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "Non-avid lesions, BRAF V600E, 2 lesions, no size measured yet (to check on "
         "imaging), no reported symptoms."),
        ("fr", "Lésions sans fixation, BRAF V600E, 2 lésions, aucune taille mesurée à ce jour "
         "(à vérifier sur l'imagerie), pas de symptôme signalé."),
    ],
)  # fmt: skip
def test_redifferentiation_without_any_measurement_says_no_size(lang: str, said: str) -> None:
    # no imaging: no lesion has a latest size, so none is above 30 mm (the spec's condition
    # holds) and the sentence says that no size is known, not "largest  mm"
    case = _refractory_dtc([mol("BRAF", "V600E")])
    case.pop("imaging")
    redif = rec(run(case, lang), "REDIFFERENTIATION")
    assert redif is not None
    assert said in redif["rationale"]
    assert " mm" not in redif["rationale"]


def test_no_additional_rai_without_imaging_or_response() -> None:
    # 600 mCi, an avid lesion, no imaging and no response recorded: the criterion holds
    # (no imaging after the threshold), but nothing shows the lesions regressing
    case = _cumulative(15)
    case.pop("imaging")
    out = run(case)
    assert out["refractory"]["criteria_met"] == ["DTC-CUMULATIVE-ACTIVITY"]
    assert rec(out, "ADDITIONAL-RAI") is None


# ---------------------------------------------------------------- review of session 8
# (an audit of section 4 against cases nobody had tried; each test fails on the code
# before the fix)


def test_an_incomplete_latest_imaging_is_not_a_shrinking_sum() -> None:
    # 20 + 15 = 35 -> 19 + 15 = 34 (smaller), then the latest imaging: P1 38 mm, P2 not
    # measured (NE, and growing). The sums before it fell, but the latest imaging has no
    # complete sum: nothing says the disease shrinks now, so no further I-131 option
    case = _cumulative_two(
        scan("2017-12-01", {"P1": 19, "P2": 15}),
        scan("2018-06-01", {"P1": 38}),
    )
    case["imaging"][0] = scan("2017-06-01", {"P1": 20, "P2": 15})
    case["rai"] = [rai_("2015-01-01", 200), rai_("2016-01-01", 200), rai_("2017-01-01", 200)]
    out = run(case, "en")
    assert out["refractory"]["criteria_met"] == ["DTC-CUMULATIVE-ACTIVITY"]
    assert [tp["overall_response"] for tp in out["recist"]["timepoints"]] == ["SD", "NE"]
    assert rec(out, "ADDITIONAL-RAI") is None
    # the same case whose latest imaging is complete and smaller (34 -> 33) keeps it
    case["imaging"][2] = scan("2018-06-01", {"P1": 18, "P2": 15})
    assert rec(run(case), "ADDITIONAL-RAI") is not None


def _anaplastic_untested(diagnosis_date: str) -> dict[str, Any]:
    return make_case(histology="anaplastic", diagnosis_date=diagnosis_date)


@pytest.mark.parametrize(
    ("lang", "diagnosis_date", "ends"),
    [
        # a primary sample more than 10 years old: the anaplastic sentence, then the advice
        # to biopsy a metastasis (it was dropped for anaplastic cancer)
        ("en", "2010-01-01", "Anaplastic cancer: test BRAF V600E at once. The primary tumour"
         " sample (2010-01-01) is more than 10 years old: prefer a biopsy of a metastasis."),
        # (French: the sample date day/month/year)
        ("fr", "2010-01-01", "Cancer anaplasique\u00a0: rechercher BRAF V600E sans attendre."
         " Le prélèvement de la tumeur primitive (01/01/2010) a plus de 10 ans : préférer la"
         " biopsie d'une métastase."),
        # a recent sample: the anaplastic sentence ends the rationale
        # (an anaplastic cancer of no recorded extent: refractory, not said metastatic)
        ("en", "2020-01-01", "No molecular result recorded while the disease is refractory."
         " Anaplastic cancer: test BRAF V600E at once."),
    ],
)  # fmt: skip
def test_anaplastic_molecular_testing_says_when_the_primary_sample_is_old(
    lang: str, diagnosis_date: str, ends: str
) -> None:
    testing = rec(run(_anaplastic_untested(diagnosis_date), lang), "MOLECULAR-TESTING")
    assert testing is not None and testing["priority"] == "urgent"
    assert testing["rationale"].replace("\u00a0", " ").endswith(ends.replace("\u00a0", " "))


@pytest.mark.parametrize(
    ("definition", "lang", "ends"),
    [
        # the regional board's reason names the primary definition, whichever it is
        ("tuthyref-2021", "en", "Refractory cancer under the TuThyRef 2021 definition."),
        ("tuthyref-2021", "fr", "Cancer réfractaire selon la définition TuThyRef 2021."),
        ("ata-2015", "en", "Refractory cancer under the ATA 2015 (recommendation 91) definition."),
        ("ata-2015", "fr", "Cancer réfractaire selon la définition ATA 2015 (recommandation 91)."),
    ],
)
def test_regional_board_names_the_primary_definition(definition: str, lang: str, ends: str) -> None:
    from thyref.domain import assess, parse_case

    # a lung lesion without uptake and no I-131: ata-2015 refractory (NON-AVID),
    # tuthyref-2021 indeterminate (rai missing); each is primary in turn
    case = make_case(lesions=[lesion("P1", "lung", "no")])
    out = assess(parse_case(case), lang=lang, definition=definition).to_json()  # type: ignore[arg-type]
    regional = rec(out, "RCP-REGIONAL")
    assert regional is not None
    if definition == "ata-2015":
        assert regional["rationale"].endswith(ends)
    else:  # tuthyref-2021 is indeterminate here: its missing data are listed instead
        assert out["refractory"]["status"] == "indeterminate"
        assert "TuThyRef" not in regional["rationale"]
        refractory = run(_refractory_dtc([]), lang)
        regional = rec(refractory, "RCP-REGIONAL")
        assert regional is not None and regional["rationale"].endswith(ends)


def _progressive_mtc(molecular: list[dict[str, Any]]) -> dict[str, Any]:
    # medullary, standard treatment not possible, PD (20 -> 30 mm), symptomatic, not
    # locally treatable: SYSTEMIC-THERAPY
    return make_case(
        histology="medullary",
        lesions=[lesion("H1", "liver")],
        imaging=[scan("2020-01-10", {"H1": 20}), scan("2020-07-10", {"H1": 30})],
        molecular=molecular,
        clinical={
            "standard_treatment_possible": False,
            "symptomatic": True,
            "locally_treatable": False,
        },
    )


@pytest.mark.parametrize(
    ("molecular", "drugs"),
    [
        # no RET result: vandetanib or cabozantinib
        ([], ["vandetanib", "cabozantinib"]),
        # a RET mutation puts the RET inhibitor first ("RET-mutated: selpercatinib")
        ([mol("RET", "M918T")], ["selpercatinib", "vandetanib", "cabozantinib"]),
        # a RET amplification is not a RET mutation (it was read as one)
        ([mol("RET", "amplification", kind="amplification")], ["vandetanib", "cabozantinib"]),
        # a negative RET result neither
        ([mol("RET", "wild-type")], ["vandetanib", "cabozantinib"]),
    ],
)
def test_medullary_systemic_drugs_put_selpercatinib_first_for_a_ret_mutation_only(
    molecular: list[dict[str, Any]], drugs: list[str]
) -> None:
    systemic = rec(run(_progressive_mtc(molecular), "en"), "SYSTEMIC-THERAPY")
    assert systemic is not None
    assert systemic["drugs"] == drugs


@pytest.mark.parametrize(
    "entry",
    [
        # a negative result recorded as an alteration is no alteration (it was read as an
        # NRAS mutation: redifferentiation and a trial were proposed)
        {"gene": "NRAS", "alteration": "wild-type"},
        {"gene": "NRAS", "alteration": "Wild Type", "kind": "mutation"},
        {"gene": "KRAS", "alteration": "WT"},
        {"gene": "HRAS", "alteration": "not_detected"},
        {"gene": "HRAS", "alteration": "négatif"},
        {"gene": "NRAS", "alteration": "non muté"},
        {"gene": "NRAS", "alteration": " type  sauvage "},
    ],
)
def test_a_negative_molecular_result_opens_no_option(entry: dict[str, Any]) -> None:
    out = run(_refractory_dtc([entry]), "en")
    ids = [r["id"] for r in out["recommendations"]]
    for option in ("REDIFFERENTIATION", "CLINICAL-TRIAL", "TARGETED-THERAPY"):
        assert option not in ids, (entry, option)
    # the gene was tested: no call for molecular testing either
    assert "MOLECULAR-TESTING" not in ids
    # the same gene with a real mutation does open them (the test can fail)
    positive = run(_refractory_dtc([{"gene": "NRAS", "alteration": "Q61R"}]), "en")
    assert {"REDIFFERENTIATION", "CLINICAL-TRIAL"} <= {r["id"] for r in positive["recommendations"]}


def test_a_negative_germline_ret_result_answers_germline_testing() -> None:
    # germline RET tested and negative: the question is answered; a somatic negative
    # result is not a germline test
    germline = mol("RET", "wild-type", origin="germline", sample="blood")
    assert rec(run(_medullary([germline])), "GERMLINE-RET-TESTING") is None
    assert rec(run(_medullary([mol("RET", "wild-type")])), "GERMLINE-RET-TESTING") is not None


def test_every_negative_result_word_is_written_as_compared() -> None:
    from thyref.domain.options import _words
    from thyref.domain.rules import load_rules

    words = load_rules().options.negative_results
    assert words and all(_words(w) == w for w in words)


@pytest.mark.parametrize(
    ("entry", "ends"),
    [
        # a RET result whose origin is not recorded may be a blood test or not: said so
        # (it was called a tumour, somatic, result)
        (
            {"gene": "RET", "alteration": "M918T"},
            "The result recorded without its origin (RET M918T) does not say whether it was a"
            " blood (germline) test: to be checked.",
        ),
        # two such results: both named, joined by ", ", in the plural
        (
            [{"gene": "RET", "alteration": "M918T"}, {"gene": "RET", "alteration": "C634R"}],
            "The results recorded without their origin (RET M918T, RET C634R) do not say"
            " whether they were blood (germline) tests: to be checked.",
        ),
        # a somatic result: the tumour result does not tell heredity
        (
            mol("RET", "M918T"),
            "The tumour (somatic) result (RET M918T) does not tell whether the cancer is"
            " hereditary.",
        ),
    ],
)
def test_germline_testing_says_what_the_recorded_ret_result_is(
    entry: dict[str, Any] | list[dict[str, Any]], ends: str
) -> None:
    entries = entry if isinstance(entry, list) else [entry]
    germline = rec(run(_medullary(entries), "en"), "GERMLINE-RET-TESTING")
    assert germline is not None
    assert germline["rationale"].endswith(ends)


@pytest.mark.parametrize(
    ("lesions", "said"),
    [
        # one innumerable group (miliary): "numerous lesions", never "1 lesions"
        ([lesion("M1", "lung", "no", innumerable=True)], "NRAS, numerous lesions (an"
         " innumerable group), no size measured yet"),
        # two lesions: counted
        ([lesion("P1", "lung", "no"), lesion("P2", "lung", "no")], "NRAS, 2 lesions,"),
        # a lesion and a group: counted, the group said
        ([lesion("P1", "lung", "no"), lesion("M1", "lung", "no", innumerable=True)],
         "NRAS, 2 lesions including an innumerable group,"),
    ],
)  # fmt: skip
def test_redifferentiation_counts_lesions_or_says_a_group(
    lesions: list[dict[str, Any]], said: str
) -> None:
    case = make_case(
        lesions=lesions,
        rai=[rai_("2019-06-01", 100)],
        molecular=[mol("NRAS", "Q61R")],
        clinical={"symptomatic": False},
    )
    redifferentiation = rec(run(case, "en"), "REDIFFERENTIATION")
    assert redifferentiation is not None
    assert said in redifferentiation["rationale"]


@pytest.mark.parametrize(
    ("lang", "ends"),
    [
        # the options by their titles, their capital lowered inside the sentence (was
        # "...national level: Discuss a therapy matched...; Discuss a kinase inhibitor")
        ("en", "Options to discuss at national level: discuss a therapy matched to the"
               " alteration; discuss a kinase inhibitor (systemic therapy)."),
        # the same in French, a no-break space before ";"
        ("fr", "Options à discuter au niveau national\u00a0: discuter une thérapie ciblée adaptée"
               " à l'altération\u00a0; discuter un inhibiteur de kinase (traitement"
               " systémique)."),
    ],
)  # fmt: skip
def test_national_board_says_its_options_inside_the_sentence(lang: str, ends: str) -> None:
    from .test_recommendations import RET_FUSION, SYSTEMIC, _b

    # progressive and symptomatic (SYSTEMIC-THERAPY) with a RET fusion (TARGETED-THERAPY,
    # clinical-rules.md section 4): two options send the case to the national board
    national = rec(run(_b(**SYSTEMIC, molecular=[RET_FUSION]), lang), "RCP-NATIONAL")
    assert national is not None
    assert national["rationale"].endswith(ends)
