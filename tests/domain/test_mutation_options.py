"""Options read from a changed rules file: what the shipped file does not exercise.

The shipped scheme lists every redifferentiation gene with an alteration (``BRAF:V600E``,
``NRAS:*``...). The rules file may also name a gene alone (``NRAS``: any mutation of it),
and the code reads it so; these tests pin that reading with a rules object changed in
memory (nothing written), each expectation worked out from clinical-rules.md section 4 and
the sentence ``reason.redifferentiation`` of messages.toml.
"""

from __future__ import annotations

from typing import Any

import pytest

from thyref.domain import assess, parse_case
from thyref.domain.rules import Rules, load_rules

from .conftest import lesion, make_case, mol, rec, run, scan
from .conftest import rai as rai_
from .test_options_edges import _refractory_dtc


def _with_genes(genes: list[str]) -> Rules:
    shipped = load_rules()
    options = shipped.options.model_copy(update={"redifferentiation_genes": genes})
    return shipped.model_copy(update={"options": options})


def _redifferentiation(molecular: list[dict[str, Any]], rules: Rules) -> dict[str, Any] | None:
    # papillary, two lung lesions without uptake after 100 mCi -> DTC-NO-UPTAKE
    # (refractory), 15 and 12 mm, no symptoms: REDIFFERENTIATION if a listed gene is found
    case = _refractory_dtc(molecular)
    out = assess(parse_case(case, rules=rules), "en", rules=rules).to_json()
    return rec(out, "REDIFFERENTIATION")


@pytest.mark.parametrize(
    ("genes", "said"),
    [
        # a gene alone: any mutation of it counts, and the sentence names the gene alone
        (["NRAS"], "NRAS"),
        # a gene with an empty alteration after the colon: the same reading
        (["NRAS:"], "NRAS"),
        # the shipped form, for comparison
        (["NRAS:*"], "NRAS"),
        # a named alteration is said with it
        (["NRAS:Q61R"], "NRAS Q61R"),
    ],
)
def test_a_gene_listed_alone_means_any_mutation_of_it(genes: list[str], said: str) -> None:
    redif = _redifferentiation([mol("NRAS", "Q61R")], _with_genes(genes))
    assert redif is not None
    assert redif["drugs"] == ["trametinib"]  # NRAS -> redifferentiation_ras
    assert redif["rationale"].endswith(
        f"Non-avid lesions, {said}, 2 lesions, largest 15 mm, no reported symptoms."
        " Scheme: trametinib then I-131."
    )


def test_a_gene_alone_is_not_read_as_an_alteration() -> None:
    # "NRAS" names the gene: a KRAS mutation (another gene) is not a match
    assert _redifferentiation([mol("KRAS", "G12V")], _with_genes(["NRAS"])) is None


def test_a_trial_names_every_alteration_without_an_approved_option() -> None:
    # refractory papillary cancer (DTC-NO-UPTAKE) with two RAS mutations: RAS has no
    # approved targeted option, so CLINICAL-TRIAL names both, in the order given
    case = _refractory_dtc([mol("NRAS", "Q61R"), mol("HRAS", "G13R")])
    trial = rec(run(case, "en"), "CLINICAL-TRIAL")
    assert trial is not None
    assert trial["rationale"].endswith("Alteration with no approved option: NRAS Q61R, HRAS G13R.")


def _definitions_differ_case() -> dict[str, Any]:
    """A cold cervical node and an avid thyroid-bed lesion, one I-131, no imaging."""
    return make_case(
        lesions=[
            lesion("L1", "lymph_node_cervical_lateral", "no"),
            lesion("L2", "thyroid_bed", "yes"),
        ],
        rai=[rai_("2013-06-01", 100)],
    )


def test_definitions_differ_lists_every_criterion_of_a_verdict() -> None:
    # a cold cervical node and an avid thyroid-bed lesion, no scan history, no imaging:
    # locoregional disease, not refractory under tuthyref-2021; under ata-2015 the cold
    # and the avid lesion give MIXED-UPTAKE and NON-AVID (clinical-rules.md section 5):
    # both criteria are named in words with their codes, joined by a comma; each
    # definition by its name and id (was "tuthyref-2021: not refractory (–)")
    note = rec(run(_definitions_differ_case(), "en"), "NOTE-DEFINITIONS-DIFFER")
    assert note is not None
    assert note["rationale"].endswith(
        "Verdicts: TuThyRef 2021 (tuthyref-2021): not refractory — no criterion met;"
        " ATA 2015 (recommendation 91, ata-2015): refractory — Avid and non-avid lesions"
        " on one scan (ATA2015-MIXED-UPTAKE), Lesion without iodine uptake (no scan"
        " history) (ATA2015-NON-AVID)."
    )


def test_definitions_differ_says_its_verdicts_with_french_punctuation() -> None:
    # the same case in French: a no-break space before ":" and ";" (was
    # "tuthyref-2021: non réfractaire (–); ata-2015: ...")
    note = rec(run(_definitions_differ_case(), "fr"), "NOTE-DEFINITIONS-DIFFER")
    assert note is not None
    assert note["rationale"].endswith(
        "Verdicts\u00a0: TuThyRef 2021 (tuthyref-2021)\u00a0: non réfractaire — aucun critère"
        " rempli\u00a0; ATA 2015 (recommandation 91, ata-2015)\u00a0: réfractaire —"
        " Lésions fixantes et non fixantes sur une même scintigraphie"
        " (ATA2015-MIXED-UPTAKE), Lésion ne fixant pas l'iode (sans historique de"
        " scintigraphies) (ATA2015-NON-AVID)."
    )


def test_regional_board_lists_missing_items_with_french_punctuation() -> None:
    # a lung lesion of unknown uptake after one I-131 and no imaging: indeterminate, two
    # items missing, said in French joined by a no-break space and ";" (was "lésion; "),
    # the lesion of unknown uptake named (was "d'au moins une lésion")
    case = make_case(lesions=[lesion("P1", "lung", "unknown")], rai=[rai_("2019-06-01", 100)])
    regional = rec(run(case, "fr"), "RCP-REGIONAL")
    assert regional is not None
    assert regional["rationale"].endswith(
        "(Statut de fixation de l'iode 131 de la lésion P1\u00a0; Imagerie dans les 12"
        " mois suivant la dernière cure d'iode 131)."
    )


def test_definitions_differ_leaves_a_definition_that_does_not_apply_out() -> None:
    import dataclasses
    from datetime import date

    from thyref.domain import options
    from thyref.domain.assessment import evaluate
    from thyref.domain.messages import text

    # the case above (tuthyref-2021 not refractory, ata-2015 refractory), judged with a
    # third definition that does not apply to it: clinical-rules.md section 5.3 leaves a
    # not_applicable verdict out of the comparison, and so out of the note's list
    case = parse_case(_definitions_differ_case())
    found = evaluate(case, today=date(2026, 11, 28))
    tuthyref, ata = found.verdicts
    absent = dataclasses.replace(ata, status="not_applicable", rule_set="other-2020")
    verdicts = [tuthyref, absent, ata]
    ctx = options.Context(
        case, found.rules, found.rai, found.recist, tuthyref, found.kinetics, found.today, verdicts
    )
    note = options._definitions_differ(ctx)
    assert note is not None
    assert text(note.reason, "en", note.params).endswith(
        "Verdicts: TuThyRef 2021 (tuthyref-2021): not refractory — no criterion met;"
        " ATA 2015 (recommendation 91, ata-2015): refractory — Avid and non-avid lesions"
        " on one scan (ATA2015-MIXED-UPTAKE), Lesion without iodine uptake (no scan"
        " history) (ATA2015-NON-AVID)."
    )


def test_the_caution_names_every_brain_lesion() -> None:
    # a targeted option (RET fusion) is proposed, the bleeding risk is reported and two
    # brain lesions are declared: SYSTEMIC-THERAPY-CAUTION names both, comma-separated
    from .test_recommendations import RET_FUSION, _b

    brain = [lesion(k, "brain", "yes", recist_role="non_target") for k in ("K1", "K2")]
    case = _b(extra_lesions=brain, molecular=[RET_FUSION], brain_metastases_bleeding_risk=True)
    caution = rec(run(case, "en"), "SYSTEMIC-THERAPY-CAUTION")
    assert caution is not None
    assert caution["lesions"] == ["K1", "K2"]
    assert caution["rationale"].endswith("Brain lesions K1, K2 with a reported bleeding risk.")


# ADDITIONAL-RAI, clinical-rules.md section 4: "the latest rai[].response is regressing".
# rai[] comes in any order (case-format.md), so the administrations of the latest day are
# read together; `response` is optional and "unknown" says that nothing was reported, as
# an absent one does. 21 GBq on 2019-01-01 then 1 GBq per entry on 2019-06-01 (22 GBq
# reached: DTC-CUMULATIVE-ACTIVITY), one avid lung lesion, no imaging (nothing shrinks).
LATEST_DAY = [
    # regressing beside an "unknown" report: the only response given is regressing
    (["regressing", "unknown"], True),
    # the same in the other order
    (["unknown", "regressing"], True),
    # regressing beside an entry without any response
    (["regressing", None], True),
    # "unknown" alone: no response reported, so not regressing
    (["unknown"], False),
    # nothing reported at all on the latest day
    ([None, None], False),
    # "unknown" beside stable: the reported response is stable
    (["unknown", "stable"], False),
    # one regressing alone: regressing
    (["regressing"], True),
]


@pytest.mark.parametrize(("responses", "proposed"), LATEST_DAY)
def test_additional_rai_reads_the_reported_responses_of_the_latest_day(
    responses: list[str | None], proposed: bool
) -> None:
    latest = [rai_("2019-06-01", 1, "GBq", **({"response": r} if r else {})) for r in responses]
    case = make_case(
        lesions=[lesion("P1", "lung", "yes")],
        rai=[rai_("2019-01-01", 21, "GBq"), *latest],
    )
    more = rec(run(case, "en"), "ADDITIONAL-RAI")
    if not proposed:
        assert more is None
        return
    assert more is not None
    # 21 + n GBq (a whole number, written without decimals) over 1 + n administrations,
    # and the sentence of a regressing response
    n = len(responses)
    assert more["rationale"].endswith(
        f"Cumulative activity {21 + n} GBq over {1 + n} administrations, avid lesions"
        " regressing. Response recorded after the latest administration: regressing."
    )


# ACTIVE-SURVEILLANCE, clinical-rules.md section 4: SYSTEMIC-THERAPY needs a progressive
# disease, `clinical.symptomatic` true and `clinical.locally_treatable` false; when it is
# not proposed, surveillance says each condition as the case has it, and that the data
# not recorded would decide only when a recorded value could still make the drug
# indicated (case-format.md: both fields are "bool or null", null = not recorded).
# The case: papillary, two lung lesions without uptake after 100 mCi (DTC-NO-UPTAKE,
# refractory), sums 27 mm on 2020-01-10 then 35 mm on 2020-07-10 (+29.6 %, +8 mm: RECIST
# PD, within 14 months of the latest imaging: progressive).
SURVEILLANCE_CONDITIONS = [
    # symptoms not recorded, no local treatment possible: symptoms would decide
    pytest.param(
        None, False, "symptoms not recorded; no local treatment possible", True,
        id="symptoms-unknown_not-local",
    ),
    # symptoms not recorded, local treatment possible: the local treatment alone stops
    # the drug, whatever the symptoms
    pytest.param(
        None, True, "symptoms not recorded; local treatment possible", False,
        id="symptoms-unknown_local",
    ),
    # no symptoms, local treatment not recorded: no symptoms alone stops the drug
    pytest.param(
        False, None,
        "disease without symptoms; whether local treatment is possible not recorded", False,
        id="no-symptoms_local-unknown",
    ),
    # symptomatic, local treatment not recorded: local treatment would decide
    pytest.param(
        True, None, "symptomatic disease; whether local treatment is possible not recorded",
        True, id="symptomatic_local-unknown",
    ),
    # neither recorded: both would decide
    pytest.param(
        None, None,
        "symptoms not recorded; whether local treatment is possible not recorded", True,
        id="both-unknown",
    ),
    # symptomatic but treatable locally: recorded, nothing left to decide
    pytest.param(
        True, True, "symptomatic disease; local treatment possible", False,
        id="symptomatic_local",
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("symptomatic", "local", "conditions", "undecided"), SURVEILLANCE_CONDITIONS
)
def test_surveillance_says_when_missing_data_would_decide_the_drug(
    symptomatic: bool | None, local: bool | None, conditions: str, undecided: bool
) -> None:
    clinical = {
        key: value
        for key, value in (("symptomatic", symptomatic), ("locally_treatable", local))
        if value is not None
    }
    case = make_case(
        extent="metastatic",
        lesions=[lesion("P1", "lung", "no"), lesion("P2", "lung", "no")],
        rai=[rai_("2019-06-01", 100)],
        imaging=[
            scan("2020-01-10", {"P1": 15, "P2": 12}),
            scan("2020-07-10", {"P1": 20, "P2": 15}),
        ],
        clinical=clinical,
    )
    out = run(case, "en")
    assert rec(out, "SYSTEMIC-THERAPY") is None
    surveillance = rec(out, "ACTIVE-SURVEILLANCE")
    assert surveillance is not None
    said = (
        "(it needs progression, symptoms and no local treatment possible): RECIST"
        f" progression on 2020-07-10; {conditions}."
    )
    if undecided:
        said += " These missing data would decide on a kinase inhibitor: to be recorded."
    assert surveillance["rationale"].endswith(said)
