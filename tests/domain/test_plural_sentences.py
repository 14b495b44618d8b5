"""The engine's sentences agree with the count of what they name (no "lésion(s)").

Each rule passes the number of items its sentence lists, and the catalogue has the
singular and plural forms (``key.one`` / ``key.other``, French 0 and 1 singular). The
expected sentences are written from messages.toml's forms and the lesions each case gives;
the rows pick the form the golden outputs do not already show in both languages.
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import lesion, make_case, mol, rec, run, scan
from .conftest import rai as rai_

Json = dict[str, Any]


def _uptake(*findings: tuple[str, str, str]) -> Json:
    """Papillary, metastatic, one I-131 course; lesions (id, site, rai_uptake), no scans:
    the lesions' uptake is one counting scan without a date (ATA 2015)."""
    return make_case(
        extent="metastatic",
        lesions=[lesion(lid, site, uptake) for lid, site, uptake in findings],
        rai=[rai_("2019-06-01", 100)],
    )


def _detail(out: Json, criterion: str) -> str:
    for verdict in [out["refractory"], *out["definitions"]]:
        for ev in verdict["evidence"]:
            if ev["criterion"] == criterion:
                return str(ev["detail"])
    raise AssertionError(f"{criterion} not met")


TWO_COLD = _uptake(("L1", "lung", "no"), ("L2", "lung", "yes"), ("L3", "bone", "no"))
TWO_AVID = _uptake(("L1", "lung", "no"), ("L2", "lung", "yes"), ("L3", "bone", "yes"))


@pytest.mark.parametrize(
    ("case", "lang", "criterion", "said"),
    [
        # two lesions without uptake, one with: "take up" / "ne fixent pas", then "does"
        (TWO_COLD, "en", "ATA2015-MIXED-UPTAKE",
         "Mixed uptake: L1 (lung), L3 (bone) take up no iodine, L2 does."),
        (TWO_COLD, "fr", "ATA2015-MIXED-UPTAKE",
         "Fixation hétérogène\u00a0: L1 (poumon), L3 (os) ne fixent pas, L2 fixe."),
        # one without, two with: "takes up" / "ne fixe pas", then "do" / "fixent"
        (TWO_AVID, "en", "ATA2015-MIXED-UPTAKE",
         "Mixed uptake: L1 (lung) takes up no iodine, L2, L3 do."),
        (TWO_AVID, "fr", "ATA2015-MIXED-UPTAKE",
         "Fixation hétérogène\u00a0: L1 (poumon) ne fixe pas, L2, L3 fixent."),
        # DTC-NO-UPTAKE: the cold lesions counted, and the avid ones ("another", "others")
        (TWO_COLD, "fr", "DTC-NO-UPTAKE",
         "Lésions sans fixation de l'iode 131\u00a0: L1 (poumon), L3 (os)\u00a0;"
         " une autre fixe (L2)\u00a0: fixation hétérogène."),
        (TWO_COLD, "en", "DTC-NO-UPTAKE",
         "Lesions with no I-131 uptake: L1 (lung), L3 (bone); another takes it up (L2):"
         " mixed uptake."),
        (TWO_AVID, "fr", "DTC-NO-UPTAKE",
         "Lésion sans fixation de l'iode 131\u00a0: L1 (poumon)\u00a0;"
         " d'autres fixent (L2, L3)\u00a0: fixation hétérogène."),
        # ATA 2015 without scan history: the cold lesions, one or two
        (TWO_COLD, "fr", "ATA2015-NON-AVID",
         "Lésions sans fixation de l'iode 131\u00a0: L1 (poumon), L3 (os)."),
        (TWO_AVID, "fr", "ATA2015-NON-AVID",
         "Lésion sans fixation de l'iode 131\u00a0: L1 (poumon)."),
    ],
)  # fmt: skip
def test_uptake_sentences_agree_with_the_lesions_they_name(
    case: Json, lang: str, criterion: str, said: str
) -> None:
    assert _detail(run(case, lang), criterion) == said


def test_the_lesions_still_declared_after_the_threshold_are_counted() -> None:
    # one lesion, 600 mCi (22.2 GBq) reached on 2020-01-01, no imaging after: French
    # "1 lésion toujours déclarée" (the sentence said "1 lésion(s) toujours déclarée(s)")
    case = make_case(
        extent="metastatic",
        lesions=[lesion("L1", "lung", "yes")],
        rai=[rai_("2019-01-01", 300), rai_("2020-01-01", 300)],
    )
    assert _detail(run(case, "fr"), "DTC-CUMULATIVE-ACTIVITY").endswith(
        "\u00a0; 1 lésion toujours déclarée."
    )


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "Non-avid lesion, BRAF V600E, 2 lesions, largest 15 mm, no reported symptoms."),
        ("fr", "Lésion sans fixation, BRAF V600E, 2 lésions, la plus grande 15 mm, pas de "
               "symptôme signalé."),
    ],
)  # fmt: skip
def test_redifferentiation_counts_the_lesions_without_uptake(lang: str, said: str) -> None:
    # P1 without uptake, P2 avid: one non-avid lesion (DTC-NO-UPTAKE names P1 alone) among
    # the two lesions the scheme counts
    case = make_case(
        lesions=[lesion("P1", "lung", "no"), lesion("P2", "lung", "yes")],
        rai=[rai_("2019-06-01", 100)],
        imaging=[
            scan("2020-01-10", {"P1": 15, "P2": 12}),
            scan("2020-07-10", {"P1": 15, "P2": 12}),
        ],
        molecular=[mol("BRAF", "V600E")],
        clinical={"symptomatic": False, "locally_treatable": False},
    )
    redif = rec(run(case, lang), "REDIFFERENTIATION")
    assert redif is not None
    assert said in redif["rationale"]


def test_two_targeted_alterations_are_said_in_the_plural() -> None:
    # medullary, RET fusion and NTRK3 fusion: two rows of [[targeted]], two drug groups
    case = make_case(
        histology="medullary",
        lesions=[lesion("H1", "liver")],
        imaging=[scan("2020-01-10", {"H1": 20}), scan("2020-07-10", {"H1": 20})],
        molecular=[mol("RET", "fusion", kind="fusion"), mol("NTRK3", "fusion", kind="fusion")],
        clinical={"standard_treatment_possible": False, "symptomatic": False},
    )
    targeted = rec(run(case, "fr"), "TARGETED-THERAPY")
    assert targeted is not None
    # the rows' labels in French words; larotrectinib and entrectinib are alternatives
    # ("ou"), and the NTRK row names the case's own result (gene NTRK3)
    assert targeted["rationale"].endswith(
        "Altérations trouvées\u00a0: fusion RET -> selpercatinib\u00a0; "
        "fusion NTRK (NTRK3 fusion) -> larotrectinib ou entrectinib."
    )


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", ["target not measured: L1"]),  # one target missing: singular
        ("fr", ["cible non mesurée\u00a0: L1"]),
    ],
)
def test_one_missing_target_is_said_in_the_singular(lang: str, said: list[str]) -> None:
    case = make_case(
        lesions=[lesion("L1", "lung", recist_role="target"), lesion("L2", "lung")],
        imaging=[scan("2020-01-10", {"L1": 20, "L2": 20}), scan("2020-07-10", {"L2": 20})],
    )
    (tp,) = run(case, lang)["recist"]["timepoints"]
    assert tp["reasons"] == said


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "declared target below the measurable size at baseline (10 mm, 15 mm short "
               "axis for a node), kept as a target: L1"),
        ("fr", "cible déclarée sous la taille mesurable à l'examen de référence (10 mm, 15 mm "
               "de petit axe pour un ganglion), gardée comme cible\u00a0: L1"),
    ],
)  # fmt: skip
def test_one_small_declared_target_is_said_in_the_singular(lang: str, said: str) -> None:
    case = make_case(
        lesions=[lesion("L1", "lung", recist_role="target")],
        imaging=[scan("2020-01-10", {"L1": 5}), scan("2020-07-10", {"L1": 5})],
    )
    assert run(case, lang)["recist"]["warnings"] == [said]


def _medullary_with(molecular: list[Json]) -> Json:
    """Medullary, a liver lesion, standard treatment not possible (MTC-ADVANCED), no
    germline RET result: GERMLINE-RET-TESTING says what the recorded RET results are."""
    return make_case(
        histology="medullary",
        lesions=[lesion("H1", "liver")],
        imaging=[scan("2020-01-10", {"H1": 20}), scan("2020-07-10", {"H1": 20})],
        molecular=molecular,
        clinical={"standard_treatment_possible": False, "symptomatic": False},
    )


# a RET result whose origin is not recorded (mol() writes "somatic" unless told)
def _no_origin(alteration: str) -> Json:
    entry = mol("RET", alteration)
    entry.pop("origin")
    return entry


_GERMLINE_FR = "Cancer médullaire sans résultat germinal de RET enregistré."
_GERMLINE_EN = "Medullary cancer with no germline RET result recorded."


@pytest.mark.parametrize(
    ("molecular", "lang", "said"),
    [
        # one tumour (somatic) result: the singular (the golden outputs' sentence)
        ([mol("RET", "M918T")], "fr", _GERMLINE_FR + " Le résultat tumoral (somatique,"
         " RET M918T) ne dit pas si la forme est héréditaire."),
        # two: "Les résultats tumoraux (somatiques, ...) ne disent pas"
        ([mol("RET", "M918T"), mol("RET", "C634R")], "fr", _GERMLINE_FR + " Les résultats"
         " tumoraux (somatiques, RET M918T, RET C634R) ne disent pas si la forme est"
         " héréditaire."),
        # two in English: "results ... do not tell"
        ([mol("RET", "M918T"), mol("RET", "C634R")], "en", _GERMLINE_EN + " The tumour"
         " (somatic) results (RET M918T, RET C634R) do not tell whether the cancer is"
         " hereditary."),
        # one without its origin, in French: "Le résultat ... s'il a été cherché"
        ([_no_origin("M918T")], "fr", _GERMLINE_FR + " Le résultat enregistré sans origine"
         " (RET M918T) ne dit pas s'il a été cherché dans le sang (germinal)\u00a0: à préciser."),
        # two without their origin: "Les résultats ... s'ils ont été cherchés"
        ([_no_origin("M918T"), _no_origin("C634R")], "fr", _GERMLINE_FR + " Les résultats"
         " enregistrés sans origine (RET M918T, RET C634R) ne disent pas s'ils ont été"
         " cherchés dans le sang (germinal)\u00a0: à préciser."),
        ([_no_origin("M918T"), _no_origin("C634R")], "en", _GERMLINE_EN + " The results"
         " recorded without their origin (RET M918T, RET C634R) do not say whether they were"
         " blood (germline) tests: to be checked."),
        # two somatic and one of no origin: each sentence counts its own results, in order
        ([mol("RET", "M918T"), mol("RET", "C634R"), _no_origin("V804M")], "en", _GERMLINE_EN
         + " The tumour (somatic) results (RET M918T, RET C634R) do not tell whether the"
         " cancer is hereditary. The result recorded without its origin (RET V804M) does not"
         " say whether it was a blood (germline) test: to be checked."),
        # no RET result at all: the first sentence alone
        ([], "fr", _GERMLINE_FR),
    ],
)  # fmt: skip
def test_germline_ret_sentences_agree_with_the_results_they_name(
    molecular: list[Json], lang: str, said: str
) -> None:
    germline = rec(run(_medullary_with(molecular), lang), "GERMLINE-RET-TESTING")
    assert germline is not None
    assert germline["rationale"].endswith(" " + said)


def _one_course_of(mci: float) -> Json:
    """Papillary, metastatic, one avid lung lesion, one I-131 course of ``mci`` followed by
    regression: DTC-CUMULATIVE-ACTIVITY (>= 22 GBq) and ADDITIONAL-RAI when enough."""
    return make_case(
        extent="metastatic",
        lesions=[lesion("L1", "lung", "yes")],
        rai=[rai_("2019-06-01", mci, response="regressing")],
    )


TWO_COURSES = make_case(
    extent="metastatic",
    lesions=[lesion("L1", "lung", "yes")],
    rai=[rai_("2018-06-01", 300), rai_("2019-06-01", 300, response="regressing")],
)


@pytest.mark.parametrize(
    ("case", "lang", "said"),
    [
        # one course of 600 mCi (22.2 GBq): "1 cure", "1 administration" (was "1 cures",
        # "over 1 administrations"); the regressing response is still said after it
        (
            _one_course_of(600),
            "fr",
            "Activité cumulée 22,2 GBq en 1 cure, lésions fixantes en régression. Réponse notée"
            " après la dernière cure\u00a0: régression.",
        ),
        (
            _one_course_of(600),
            "en",
            "Cumulative activity 22.2 GBq in 1 administration, avid lesions regressing. Response"
            " recorded after the latest administration: regressing.",
        ),
        # two courses of 300 mCi: the plural, as before
        (
            TWO_COURSES,
            "fr",
            "Activité cumulée 22,2 GBq en 2 cures, lésions fixantes en régression.",
        ),
        (
            TWO_COURSES,
            "en",
            "Cumulative activity 22.2 GBq over 2 administrations, avid lesions regressing.",
        ),
    ],
)
def test_additional_rai_counts_its_courses(case: Json, lang: str, said: str) -> None:
    option = rec(run(case, lang), "ADDITIONAL-RAI")
    assert option is not None
    assert said in option["rationale"]


@pytest.mark.parametrize(
    ("case", "lang", "said"),
    [
        # refractory (DTC-NO-UPTAKE) and metastatic: both conditions of the trigger hold
        (
            make_case(
                extent="metastatic",
                lesions=[lesion("L1", "lung", "no")],
                rai=[rai_("2019-06-01", 100)],
            ),
            "fr",
            "alors que la maladie est réfractaire et métastatique.",
        ),
        # anaplastic, locally advanced: refractory (ATC-ALWAYS), not metastatic
        (
            make_case(histology="anaplastic", extent="locally_advanced"),
            "en",
            "while the disease is refractory.",
        ),
        # metastatic, avid and not re-imaged: indeterminate, so only "metastatic"
        (
            make_case(
                extent="metastatic",
                lesions=[lesion("L1", "lung", "yes")],
                rai=[rai_("2019-06-01", 100)],
            ),
            "fr",
            "alors que la maladie est métastatique.",
        ),
    ],
)
def test_molecular_testing_says_which_condition_holds(case: Json, lang: str, said: str) -> None:
    # the sentence read "réfractaire ou métastatique" whichever held (session 12's reading)
    option = rec(run(case, lang), "MOLECULAR-TESTING")
    assert option is not None
    assert said in option["rationale"]
