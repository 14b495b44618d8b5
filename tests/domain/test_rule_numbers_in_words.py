"""Sentences that quote a number of the rules files take it from the data (DEVELOPERS.md:
thresholds live in one data file): a changed window or threshold is said as changed.

The shipped files give the shipped words (the golden tests pin them byte for byte); here
the rules are changed in memory (nothing written) and the words must follow.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from thyref.domain import assess, parse_case
from thyref.domain.assessment import mci_figure, missing_label, rule_text
from thyref.domain.rules import Rules, definition_ids, load_definition, load_rules

from .conftest import (
    imaging_missing_case,
    lesion,
    make_case,
    rai,
    rec,
    rules_with_imaging_window,
    scan,
)


@pytest.mark.parametrize(
    ("mbq", "said"),
    [
        ("22000", "600"),  # 594.6 mCi: the TuThyRef threshold, "600 mCi" in the sources
        ("30000", "800"),  # 810.8 mCi
        ("24050", "700"),  # exactly 650 mCi: half a hundred rounds up
        ("3700", "100"),  # exactly 100 mCi: hundreds from there
        ("3718.5", "100"),  # 100.5 mCi: to the hundred, not to the unit (101)
        ("3681.5", "100"),  # 99.5 mCi: below 100, to the unit, half up
        ("1850", "50"),  # exactly 50 mCi
        ("100", "3"),  # 2.7 mCi
    ],
)
def test_an_activity_threshold_in_mci(mbq: str, said: str) -> None:
    assert mci_figure(Decimal(mbq), load_rules()) == said


def test_a_term_says_its_numbers_in_the_language_asked_french_by_default() -> None:
    from thyref.domain.messages import Term

    assert Term("missing.rai").text() == "Cures d'iode 131 (aucune enregistrée)"
    assert Term("missing.imaging_after_rai", (("months", 6),)).text("en") == (
        "Imaging within 6 months after the latest I-131 administration"
    )


def _with_threshold(mbq: int) -> Rules:
    shipped = load_rules()
    refractoriness = shipped.refractoriness.model_copy(
        update={"cumulative_activity_mbq": Decimal(mbq)}
    )
    return shipped.model_copy(update={"refractoriness": refractoriness})


def test_the_rule_says_the_mci_of_its_own_threshold() -> None:
    assert rule_text("DTC-CUMULATIVE-ACTIVITY", "en", load_rules()).endswith(
        "at least 22 GBq (600 mCi)."
    )
    assert rule_text("DTC-CUMULATIVE-ACTIVITY", "fr", _with_threshold(30000)).endswith(
        "d'au moins 30 GBq (800 mCi)."
    )


def test_a_criterion_says_the_numbers_of_the_definition_given() -> None:
    """A definition given by the caller under the shipped name, with another threshold,
    is said with its own numbers, even after the shipped one was said (the sentence is
    cached per definition object, not per name)."""
    from thyref.domain.assessment import criterion_text

    shipped = load_rules().definition
    assert criterion_text(shipped, "DTC-CUMULATIVE-ACTIVITY", "en").endswith(
        "at least 22 GBq (600 mCi)."
    )
    criteria = [
        c.model_copy(update={"threshold_mbq": Decimal(30000)})
        if c.id == "DTC-CUMULATIVE-ACTIVITY"
        else c
        for c in shipped.criteria
    ]
    other = shipped.model_copy(update={"criteria": criteria})
    assert other.id == shipped.id
    assert criterion_text(other, "DTC-CUMULATIVE-ACTIVITY", "en").endswith(
        "at least 30 GBq (800 mCi)."
    )


def test_additional_rai_is_discussed_beyond_the_threshold_of_the_rules() -> None:
    # papillary, one avid lung lesion, 5 x 200 mCi (37 GBq, over a 30 GBq threshold), the
    # latest one regressing, imaging after it: DTC-CUMULATIVE-ACTIVITY, then ADDITIONAL-RAI
    given = [rai(f"201{year}-01-01", 200) for year in range(5)]
    given[-1]["response"] = "regressing"
    case = make_case(
        lesions=[lesion("P1", "lung", "yes")],
        rai=given,
        imaging=[scan("2014-06-01", {"P1": 15}), scan("2015-01-01", {"P1": 14})],
    )
    out = assess(parse_case(case), "en", rules=_with_threshold(30000)).to_json()
    option = rec(out, "ADDITIONAL-RAI")
    assert option is not None
    assert option["rationale"].startswith("Beyond 800 mCi, further administrations")


# every (definition, item) a shipped definition can report as missing
LISTED = sorted(
    {
        (definition_id, m.item)
        for definition_id in definition_ids()
        for scope in load_definition(definition_id).scope
        for m in scope.missing
    }
)


@pytest.mark.parametrize(("definition_id", "item"), LISTED)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_missing_item_is_said_in_full(definition_id: str, item: str, lang: Any) -> None:
    label = missing_label(definition_id, item, lang)
    assert "{" not in label and "}" not in label, label
    definition = load_definition(definition_id)
    windows = [m.window_months for s in definition.scope for m in s.missing if m.item == item]
    for months in filter(None, windows):
        assert f" {months} " in label  # the window of this definition, as a number
    tsh = definition.counting_scans.min_tsh_mu_l
    if item == "scans.adequate":
        assert tsh is not None and f" {tsh} mU/L" in label


@pytest.mark.parametrize(
    ("months", "label"),
    [
        # the shipped window
        (12, "Imaging within 12 months after the latest I-131 administration"),
        # a window changed in the rules: the label says it
        (6, "Imaging within 6 months after the latest I-131 administration"),
        # no window: imaging at any time after the I-131
        (None, "Imaging after the latest I-131 administration"),
    ],
)
def test_the_regional_board_option_names_the_window_of_the_rules(
    months: int | None, label: str
) -> None:
    # an avid lesion, one I-131 (2015-04-07), imaging only before it: indeterminate, the
    # imaging after the I-131 missing; the regional board is asked to complete it
    case = imaging_missing_case()
    out = assess(parse_case(case), "en", rules=rules_with_imaging_window(months)).to_json()
    assert out["refractory"]["missing_data_labels"] == [label]
    option = rec(out, "RCP-REGIONAL")
    assert option is not None
    assert option["rationale"].endswith(f"({label}).")


def test_with_ata_2015_as_primary_the_regional_board_asks_for_imaging_at_any_time() -> None:
    # `thyref assess -d ata-2015`: ATA 2015 sets no imaging window; the option used to say
    # the TuThyRef label ("within 12 months") whatever the primary definition
    case = imaging_missing_case()
    out = assess(parse_case(case), "en", definition="ata-2015").to_json()
    assert out["refractory"]["status"] == "indeterminate"
    option = rec(out, "RCP-REGIONAL")
    assert option is not None
    assert option["rationale"].endswith("(Imaging after the latest I-131 administration).")
