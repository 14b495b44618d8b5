"""``refractoriness.py``: what the mutation run found unpinned (issue 15, session 4).

Expected values come from clinical-rules.md section 1 (``MTC-ADVANCED``,
``DTC-PROGRESSION-12M``), case-format.md (``clinical.standard_treatment_possible``,
``imaging[].new_lesions``) and the sentences of messages.toml; never from the engine's
output.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from thyref.domain import parse_case
from thyref.domain import rai as rai_mod
from thyref.domain import recist as recist_mod
from thyref.domain.refractoriness import Refractoriness, evaluate, judge
from thyref.domain.rules import load_rules

from .conftest import Json, lesion, make_case, rai, run


def _verdict(case: Json, definition: Any = None) -> Refractoriness:
    rules = load_rules()
    parsed = parse_case(case)
    summary = rai_mod.summarise(parsed, rules)
    recist = recist_mod.evaluate(parsed, rules)
    if definition is None:
        return evaluate(parsed, summary, recist, rules)
    return judge(definition, parsed, summary, recist, rules)


# a bone lesion followed as a non-target, I-131 on 2019-06-01; a new lesion on 2020-03-01:
# RECIST PD (new lesion) 274 days later, within 12 months, with no target lesion at all
PD_WITHOUT_TARGETS = make_case(
    lesions=[lesion("B1", "bone", "yes", recist_role="non_target")],
    rai=[rai("2019-06-01", 100)],
    imaging=[
        {"date": "2019-09-01", "non_target": {"B1": "present"}},
        {"date": "2020-03-01", "non_target": {"B1": "present"}, "new_lesions": True},
    ],
)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        # the window sentence without a sum or a nadir: none exists without targets
        (
            "en",
            "RECIST progression on 2020-03-01, 274 days after I-131 on 2019-06-01 "
            "(12-month window; no measured target lesion: a new lesion or progression of "
            "non-target lesions).",
        ),
        (
            "fr",
            "Progression RECIST le 01/03/2020, 274 jours après l'iode 131 du 01/06/2019 "
            "(fenêtre de 12 mois\u00a0; sans lésion cible mesurée\u00a0: nouvelle lésion ou "
            "progression des lésions non cibles).",
        ),
    ],
)
def test_progression_without_target_lesions_states_no_sum(lang: str, expected: str) -> None:
    # no target lesion: no sum of diameters and no nadir exist. The sentence said
    # "sum  mm, nadir  mm" (empty figures) until session 4; it now says why there is none.
    # 2019-06-01 -> 2020-03-01: 30+31+31+30+31+30+31+31+29 = 274 days (2020 is a leap year)
    (ev,) = run(PD_WITHOUT_TARGETS, lang)["refractory"]["evidence"]
    assert ev["criterion"] == "DTC-PROGRESSION-12M"
    assert ev["detail"] == expected
    assert not re.search(r"(sum|somme|nadir) +[^ ,;)]* *mm", ev["detail"])


def test_an_administration_after_the_progression_does_not_hide_an_earlier_one() -> None:
    # the same PD of 2020-03-01, with a second I-131 on 2020-06-01, after it: that one
    # cannot precede the PD, the 2019-06-01 one still does (274 days, within 12 months);
    # the administrations are read from the latest back, so a later one must be passed
    # over, not end the search
    case = dict(PD_WITHOUT_TARGETS, rai=[rai("2019-06-01", 100), rai("2020-06-01", 100)])
    (ev,) = run(case, "en")["refractory"]["evidence"]
    assert ev["criterion"] == "DTC-PROGRESSION-12M"
    assert "274 days after I-131 on 2019-06-01" in ev["detail"]


def test_evaluate_is_the_rules_files_own_definition() -> None:
    # evaluate() judges with tuthyref-2021: the PD above is DTC-PROGRESSION-12M
    verdict = _verdict(PD_WITHOUT_TARGETS)
    assert verdict.rule_set == "tuthyref-2021"
    assert (verdict.status, verdict.criteria_met) == ("refractory", ("DTC-PROGRESSION-12M",))
    assert verdict.evidence[0].params["days"] == 274
    assert verdict.roles == frozenset({"progression"})


def test_evaluate_on_an_anaplastic_cancer() -> None:
    # clinical-rules.md: every anaplastic cancer is refractory (ATC-ALWAYS)
    verdict = _verdict(make_case(histology="anaplastic"))
    assert (verdict.status, verdict.criteria_met, verdict.missing_data) == (
        "refractory",
        ("ATC-ALWAYS",),
        (),
    )


def test_medullary_with_a_standard_treatment_still_possible_says_so() -> None:
    # advanced (lung: metastatic) medullary cancer, standard treatment possible: not
    # refractory, and the note says why (note.mtc_standard_possible)
    case = make_case(
        histology="medullary",
        lesions=[lesion("L1", "lung")],
        clinical={"standard_treatment_possible": True},
    )
    out = run(case, "en")["refractory"]
    assert (out["status"], out["notes"]) == (
        "not_refractory",
        ["A standard treatment is still possible."],
    )
    fr = run(case, "fr")["refractory"]
    assert fr["notes"] == ["Un traitement standard reste possible."]


def test_mtc_advanced_under_a_definition_without_an_extent_condition() -> None:
    # a definition is data: one whose medullary scope asks no extent judges a medullary
    # cancer without any lesion (no extent); MTC-ADVANCED then holds with an empty extent
    rules = load_rules()
    own = rules.definition
    scope = [
        s.model_copy(update={"extents": []}) if s.category == "medullary" else s for s in own.scope
    ]
    custom = own.model_copy(update={"scope": scope})
    case = make_case(histology="medullary", clinical={"standard_treatment_possible": False})
    verdict = _verdict(case, custom)
    assert (verdict.status, verdict.extent) == ("refractory", None)
    (ev,) = verdict.evidence
    assert (ev.criterion, ev.params) == ("MTC-ADVANCED", {"extent": ""})


def _cumulative(follow_up: str) -> dict[str, Any]:
    # 300 + 300 mCi: 600 mCi = 22,200 MBq >= 22,000 MBq, threshold reached on 2020-01-01;
    # L1 (lung, avid) 20 mm at baseline, gone (0 mm: complete response) at `follow_up`
    case = make_case(
        lesions=[lesion("L1", "lung", "yes")],
        rai=[rai("2019-01-01", 300), rai("2020-01-01", 300)],
        imaging=[
            {"date": "2019-06-01", "measurements": {"L1": 20}},
            {"date": follow_up, "measurements": {"L1": 0}},
        ],
    )
    evidence = run(case, "en")["refractory"]["evidence"]
    return {ev["criterion"]: ev["detail"] for ev in evidence}


def test_imaging_on_the_day_the_threshold_is_reached_is_not_after_it() -> None:
    # clinical-rules.md: "the latest imaging after that date, if any, is not CR"; a CR on
    # the very day of the administration is not after it: no imaging after, one lesion
    # still declared, the criterion holds (22,200 MBq = 22.2 GBq: numbers are said without
    # a useless zero, messages.number)
    assert _cumulative("2020-01-01") == {
        "DTC-CUMULATIVE-ACTIVITY": "Cumulative activity 22.2 GBq (600 mCi), 22 GBq threshold "
        "reached on 2020-01-01; 1 lesion still declared."
    }


def test_a_complete_response_the_day_after_the_threshold_ends_it() -> None:
    # the same CR one day later is after the threshold: the disease does not persist
    assert _cumulative("2020-01-02") == {}


def test_a_criterion_without_a_role_gives_no_role() -> None:
    # MTC-ADVANCED has no `role` in tuthyref-2021.toml: a refractory medullary cancer
    # stands for none of the option roles (no empty or invented role)
    case = make_case(
        histology="medullary",
        lesions=[lesion("L1", "lung")],
        clinical={"standard_treatment_possible": False},
    )
    verdict = _verdict(case)
    assert (verdict.status, verdict.criteria_met, verdict.roles) == (
        "refractory",
        ("MTC-ADVANCED",),
        frozenset(),
    )


def test_scopes_without_a_note_add_none() -> None:
    # a definition is data: without `not_applicable_note` / `outside_note`, a verdict
    # outside the definition carries no note at all
    from thyref.domain.rules import load_definition

    ata = load_definition("ata-2015")
    bare = ata.model_copy(
        update={
            "not_applicable_note": None,
            "scope": [s.model_copy(update={"outside_note": None}) for s in ata.scope],
        }
    )
    # anaplastic: ata-2015 does not apply to it
    anaplastic = _verdict(make_case(histology="anaplastic"), bare)
    assert (anaplastic.status, anaplastic.notes) == ("not_applicable", ())
    # differentiated without any lesion: outside (the scope requires a lesion)
    outside = _verdict(make_case(), bare)
    assert (outside.status, outside.notes) == ("not_refractory", ())
    # with the shipped notes, both verdicts say why (the same cases, ata-2015 as shipped)
    assert [n.key for n in _verdict(make_case(histology="anaplastic"), ata).notes] == [
        "note.ata.not_applicable"
    ]
    assert [n.key for n in _verdict(make_case(), ata).notes] == ["note.ata.no_lesion"]
