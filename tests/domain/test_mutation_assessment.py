"""The texts the assessment builds outside ``assess`` (rule and criterion sentences, missing
items in words, the EU status of drugs), pinned word for word (issue 15, mutation run).

Expected sentences are put together by hand from ``data/messages.toml`` (the catalogue), the
numbers of ``data/rules/*.toml`` (clinical-rules.md sections 1, 4 and 5.2) and the rows of
``data/therapies.toml``; none is copied from the engine's output.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from thyref.domain import assess, parse_case
from thyref.domain.assessment import (
    criterion_text,
    missing_label,
    rule_text,
    therapy_status,
)
from thyref.domain.rules import load_definition, load_rules

from .conftest import (
    imaging_missing_case,
    lesion,
    make_case,
    rai,
    rules_with_imaging_window,
    run,
    scan,
)

CHECKED = "2026-11-28"  # the `checked` date of most rows of data/therapies.toml
CHECKED_FR = "28/11/2026"  # the same date as French sentences write it (day/month/year)
RECHECKED = "2026-11-30"  # sorafenib's and vandetanib's rows, checked again
RECHECKED_FR = "30/11/2026"
# the short citation of each row (`cite_en`, `cite_fr`), as typed in data/therapies.toml
LENVATINIB = {
    "en": "European Commission decision on Lenvima, May 2015",
    "fr": "décision de la Commission européenne sur Lenvima, mai 2015",
}
SORAFENIB = {
    "en": "European Commission decision on Nexavar, May 2014",
    "fr": "décision de la Commission européenne sur Nexavar, mai 2014",
}
VANDETANIB = {"en": "European Commission decision on Caprelsa, February 2012"}
COMETRIQ = {"en": "conditional authorisation of Cometriq by the European Commission, March 2014"}
TAFINLAR_DTC = {"en": "CHMP positive opinion on Tafinlar, 26 March 2026"}
TAFINLAR_ATC = {
    "fr": "FDA, mai 2018\u00a0; avis du CHMP sur Tafinlar du 26 mars 2026, sans indication "
    "anaplasique"
}
NTRK = {"en": "rule set tuthyref-2021, not checked with the EMA"}


@pytest.mark.parametrize(
    ("drugs", "category", "lang", "expected"),
    [
        # no drug: no status at all (the option names none)
        ((), "differentiated", "en", ""),
        # a verified row with its year, then its check date and source
        (
            ("lenvatinib",),
            "differentiated",
            "en",
            "lenvatinib: EU authorised since 2015 "
            f"(status as of {CHECKED}, source: {LENVATINIB['en']})",
        ),
        # in French, rows joined by the French separator, each with its own date
        (
            ("sorafenib", "lenvatinib"),
            "differentiated",
            "fr",
            "sorafenib\u00a0: autorisé dans l'UE depuis 2014 "
            f"(statut au {RECHECKED_FR}, source\u00a0: {SORAFENIB['fr']})\u00a0; "
            "lenvatinib\u00a0: autorisé dans l'UE depuis 2015 "
            f"(statut au {CHECKED_FR}, source\u00a0: {LENVATINIB['fr']})",
        ),
        # the year of the EU decision, checked again
        (
            ("vandetanib",),
            "medullary",
            "en",
            "vandetanib: EU authorised since 2012 "
            f"(status as of {RECHECKED}, source: {VANDETANIB['en']})",
        ),
        # a drug with no row for this cancer (nor tumour-agnostic), then one that has a row:
        # both are said, in the drugs' order
        (
            ("lenvatinib", "cabozantinib"),
            "medullary",
            "en",
            "lenvatinib: no authorisation recorded for this cancer; "
            "cabozantinib: EU authorised since 2014 "
            f"(status as of {CHECKED}, source: {COMETRIQ['en']})",
        ),
        # a fixed combination is one row: neither of its drugs is said again on its own; an
        # unverified row is to be confirmed
        (
            ("dabrafenib", "trametinib"),
            "differentiated",
            "en",
            "dabrafenib + trametinib: positive opinion of the European Medicines Agency, "
            "Commission decision not checked "
            f"(to be confirmed; status as of {CHECKED}, source: {TAFINLAR_DTC['en']})",
        ),
        # a drug the therapy file does not know comes after the known rows, with no date
        (
            ("lenvatinib", "tipifarnib"),
            "differentiated",
            "en",
            "lenvatinib: EU authorised since 2015 "
            f"(status as of {CHECKED}, source: {LENVATINIB['en']}); "
            "tipifarnib: no authorisation recorded for this cancer",
        ),
        # only unknown drugs: no check date to give
        (
            ("tipifarnib",),
            "differentiated",
            "fr",
            "tipifarnib\u00a0: aucune autorisation enregistrée pour ce cancer",
        ),
        # no row for the category: the tumour-agnostic row is read
        (
            ("larotrectinib",),
            "differentiated",
            "en",
            "larotrectinib: EU authorised "
            f"(to be confirmed; status as of {CHECKED}, source: {NTRK['en']})",
        ),
        # a status other than authorised, for anaplastic cancer
        (
            ("dabrafenib", "trametinib"),
            "anaplastic",
            "fr",
            "dabrafenib + trametinib\u00a0: aucune autorisation européenne trouvée pour ce cancer"
            f" (à confirmer\u00a0; statut au {CHECKED_FR}, source\u00a0: {TAFINLAR_ATC['fr']})",
        ),
    ],
)
def test_therapy_status_word_for_word(
    drugs: tuple[str, ...], category: str, lang: str, expected: str
) -> None:
    assert therapy_status(drugs, category, lang) == expected  # type: ignore[arg-type]


# clinical-rules.md section 1: 12 months, 22 GBq; section 5.2: a counting scan's TSH 30 mU/L
PROGRESSION_FR = (
    "Cancer différencié avancé en progression RECIST dans les 12 mois suivant une cure d'iode 131."
)


@pytest.mark.parametrize(
    ("definition", "criterion", "lang", "expected"),
    [
        # the window of the criterion, in French
        ("tuthyref-2021", "DTC-PROGRESSION-12M", "fr", PROGRESSION_FR),
        # the activity threshold in GBq (22,000 MBq)
        (
            "tuthyref-2021",
            "DTC-CUMULATIVE-ACTIVITY",
            "en",
            "Advanced differentiated cancer persisting after a cumulative activity of at "
            "least 22 GBq (600 mCi).",
        ),
        # a sentence without any number
        ("tuthyref-2021", "ATC-ALWAYS", "en", "Every anaplastic cancer is refractory."),
        # the counting scans' TSH limit of ATA 2015 (R53B)
        (
            "ata-2015",
            "ATA2015-NEVER-AVID",
            "en",
            "A lesion with no uptake on its first counting scan and never avid afterwards "
            "(ATA 2015 R91 A; a scan counts when its TSH is not recorded or at least 30 mU/L, "
            "R53B, with no iodine contamination).",
        ),
        # the ATA criterion of progression has no window
        (
            "ata-2015",
            "ATA2015-PROGRESSION-DESPITE-UPTAKE",
            "fr",
            "Progression RECIST après une administration d'iode 131 dont la scintigraphie "
            "post-thérapeutique retenue montre une fixation, sans fenêtre de temps "
            "(ATA 2015 R91 D).",
        ),
    ],
)
def test_criterion_text_word_for_word(
    definition: str, criterion: str, lang: str, expected: str
) -> None:
    assert criterion_text(load_definition(definition), criterion, lang) == expected  # type: ignore[arg-type]


def test_criterion_and_rule_texts_default_to_french() -> None:
    assert criterion_text(load_definition("tuthyref-2021"), "DTC-PROGRESSION-12M") == (
        PROGRESSION_FR
    )
    assert rule_text("DTC-PROGRESSION-12M") == PROGRESSION_FR


def test_criterion_texts_are_not_mixed_up() -> None:
    """Two criteria, two definitions, two languages asked in turn: each its own sentence."""
    tuthyref, ata = load_definition("tuthyref-2021"), load_definition("ata-2015")
    said = [
        criterion_text(tuthyref, "ATC-ALWAYS", "en"),
        criterion_text(tuthyref, "ATC-ALWAYS", "fr"),
        criterion_text(tuthyref, "MTC-ADVANCED", "en"),
        criterion_text(ata, "ATA2015-MIXED-UPTAKE", "en"),
    ]
    assert said == [
        "Every anaplastic cancer is refractory.",
        "Tout cancer anaplasique est réfractaire.",
        "Locally advanced or metastatic medullary cancer with no standard treatment possible.",
        "On one counting scan, one lesion avid and another not (ATA 2015 R91 C).",
    ]


def test_rule_text_reads_the_rules_it_is_given() -> None:
    """A rule set with another activity threshold says its own number, even after the
    shipped one was said (the sentence is cached per rule set)."""
    shipped = load_rules()
    assert "at least 22 GBq" in rule_text("DTC-CUMULATIVE-ACTIVITY", "en", shipped)
    other = shipped.model_copy(
        update={
            "refractoriness": shipped.refractoriness.model_copy(
                update={"cumulative_activity_mbq": Decimal("30000")}
            )
        }
    )
    assert rule_text("DTC-CUMULATIVE-ACTIVITY", "en", other) == (
        "Advanced differentiated cancer persisting after a cumulative activity of at least "
        "30 GBq (800 mCi)."
    )


IMAGING_12M_EN = "Imaging within 12 months after the latest I-131 administration"
IMAGING_ANY_EN = "Imaging after the latest I-131 administration"


@pytest.mark.parametrize(
    ("rule_set", "item", "lang", "expected"),
    [
        # TuThyRef: imaging is asked within its 12-month window
        ("tuthyref-2021", "imaging_after_rai", "en", IMAGING_12M_EN),
        # ATA 2015 has no window: imaging at any time after the I-131
        ("ata-2015", "imaging_after_rai", "en", IMAGING_ANY_EN),
        ("ata-2015", "imaging_after_rai", "fr", "Imagerie après la dernière cure d'iode 131"),
        # an item without a window is said as it is
        ("tuthyref-2021", "rai", "fr", "Cures d'iode 131 (aucune enregistrée)"),
        ("tuthyref-2021", "lesions.rai_uptake", "en", "I-131 uptake status of at least one lesion"),
        # an item of ATA 2015 only
        (
            "ata-2015",
            "scans.adequate",
            "en",
            "A scan done in adequate conditions (TSH at least 30 mU/L or not recorded, "
            "no iodine contamination)",
        ),
        # an item listed in no definition's missing items (the medullary question)
        (
            "tuthyref-2021",
            "clinical.standard_treatment_possible",
            "en",
            "Is standard treatment still possible? (medullary cancer)",
        ),
    ],
)
def test_missing_label_word_for_word(rule_set: str, item: str, lang: str, expected: str) -> None:
    # without a rule set, the shipped one; with it, the same words
    assert missing_label(rule_set, item, lang) == expected  # type: ignore[arg-type]
    assert missing_label(rule_set, item, lang, load_rules()) == expected  # type: ignore[arg-type]


def test_missing_label_reads_the_definition_of_the_rules_given() -> None:
    """The primary definition is the one of the rules passed in, not the shipped file of
    the same name: here TuThyRef's rules carrying the ATA 2015 definition (no window)."""
    shipped = load_rules()
    swapped = shipped.model_copy(update={"definition": load_definition("ata-2015")})
    assert missing_label("tuthyref-2021", "imaging_after_rai", "en", swapped) == IMAGING_ANY_EN
    assert missing_label("tuthyref-2021", "imaging_after_rai", "en", shipped) == IMAGING_12M_EN


def test_assess_says_missing_items_with_the_rules_it_is_given() -> None:
    """``assess(rules=...)``: the missing items are said from that rule set's definition.
    An avid lesion, one I-131 administration (2015-04-07) and imaging only before it: the
    imaging after the I-131 is missing; with the imaging window taken out of the
    definition it is asked for at any time."""
    case = parse_case(imaging_missing_case())
    shipped, no_window = load_rules(), rules_with_imaging_window(None)
    for rules, label in ((shipped, IMAGING_12M_EN), (no_window, IMAGING_ANY_EN)):
        refractory = assess(case, "en", rules=rules).refractory
        assert refractory["missing_data"] == ["imaging_after_rai"]
        assert refractory["missing_data_labels"] == [label]


def test_activities_are_rounded_as_the_output_states() -> None:
    """GBq to three decimals (one MBq), MBq and mCi to one (1 mCi = 37 MBq exactly):
    1,234.56 MBq then 1,000 MBq; 2,234.56 MBq / 37 = 60.39... mCi."""
    out = run(
        make_case(
            rai=[rai("2015-01-10", 1234.56, "MBq"), rai("2016-01-10", 1000, "MBq")],
        )
    )["rai"]
    assert out["history"] == [
        {"date": "2015-01-10", "gbq": 1.235, "cumulative_gbq": 1.235},
        {"date": "2016-01-10", "gbq": 1.0, "cumulative_gbq": 2.235},
    ]
    assert (out["cumulative_gbq"], out["cumulative_mbq"], out["cumulative_mci"]) == (
        2.235,
        2234.6,
        60.4,
    )
    assert (out["administrations"], out["threshold_gbq"], out["threshold_reached_on"]) == (
        2,
        22.0,
        None,
    )


def test_sums_of_diameters_are_rounded_to_a_tenth_of_a_millimetre() -> None:
    """12.34 + 10 mm = 22.34 mm, said 22.3 mm (like the percentages, one decimal)."""
    recist = run(
        make_case(
            extent="metastatic",
            lesions=[lesion("L1"), lesion("L2")],
            imaging=[
                scan("2014-03-01", {"L1": 12.34, "L2": 10}),
                scan("2014-09-01", {"L1": 12.34, "L2": 10}),
            ],
        )
    )["recist"]
    assert recist is not None
    assert recist["baseline_sum_mm"] == 22.3
    (follow_up,) = recist["timepoints"]
    assert (follow_up["sum_mm"], follow_up["nadir_mm"], follow_up["change_from_baseline_pct"]) == (
        22.3,
        22.3,
        0.0,
    )


@pytest.mark.parametrize(
    ("lesions", "lang", "expected"),
    [
        # one lung lesion of unknown uptake: named, singular (was "of at least one lesion")
        ([("P1", "unknown")], "en", "I-131 uptake status of lesion P1"),
        # two of three unknown: both named in the case's order, plural; the avid one not
        ([("P3", "unknown"), ("P2", "yes"), ("P1", "unknown")], "en",
         "I-131 uptake status of lesions P3, P1"),
        # the same in French
        ([("P1", "unknown")], "fr", "Statut de fixation de l'iode 131 de la lésion P1"),
        ([("P3", "unknown"), ("P1", "unknown")], "fr",
         "Statut de fixation de l'iode 131 des lésions P3, P1"),
    ],
)  # fmt: skip
def test_missing_uptake_names_its_lesions(
    lesions: list[tuple[str, str]], lang: str, expected: str
) -> None:
    # metastatic differentiated disease, one I-131, no imaging: indeterminate
    # (clinical-rules.md section 1: `lesions.rai_uptake` for a lesion with rai_uptake
    # unknown); the label says which lesions the board must look at
    case = make_case(
        lesions=[lesion(lid, "lung", uptake) for lid, uptake in lesions],
        rai=[rai("2019-06-01", 100)],
    )
    out = run(case, lang)
    assert out["refractory"]["status"] == "indeterminate"
    assert out["refractory"]["missing_data"][0] == "lesions.rai_uptake"
    assert out["refractory"]["missing_data_labels"][0] == expected
