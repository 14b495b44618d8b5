"""A decision as a FHIR R4 CarePlan, checked by the fhir.resources R4B models."""

from __future__ import annotations

from datetime import date

from fhir.resources.R4B.careplan import CarePlan

from thyref.board.careplan import OPTION_SYSTEM, careplan
from thyref.board.decision import Decision

ASSESSMENT = {"recommendations": [{"id": "REDIFFERENTIATION", "title": "Redifferentiation"}]}


def test_careplan_of_an_amendment() -> None:
    decision = Decision(
        options=("REDIFFERENTIATION",),
        free_text="After the PET scan",
        specialties=("endocrinology", "nuclear_medicine", "radiology"),
        follow_up=date(2027, 3, 1),
        meeting_kind="national",
        meeting_date=date(2026, 12, 3),
        record_id=12,
        amends=9,
    )
    plan = careplan("case_7", decision, ASSESSMENT, "en")
    CarePlan.model_validate(plan)  # structure holds for R4
    assert (plan["status"], plan["intent"], plan["created"]) == ("active", "plan", "2026-12-03")
    # FHIR ids allow no "_": the pseudonym stays readable in the display
    assert plan["subject"] == {"reference": "Patient/case-7", "display": "case_7"}
    assert plan["id"] == "case-7-rcp-12"
    assert plan["replaces"] == [{"reference": "CarePlan/case-7-rcp-9"}]
    option = plan["activity"][0]["detail"]
    assert option["code"]["coding"] == [{"system": OPTION_SYSTEM, "code": "REDIFFERENTIATION"}]
    assert option["description"] == "Redifferentiation"
    assert plan["activity"][1]["detail"]["scheduledString"] == "2027-03-01"
    assert plan["note"][0]["text"] == "After the PET scan"
    assert len(plan["note"]) == 2  # free text and specialties; no quorum warning


def test_careplan_of_a_thin_board_carries_the_warning() -> None:
    decision = Decision(free_text="Surveillance", specialties=("endocrinology",))
    plan = careplan("c1", decision, ASSESSMENT, "fr")
    assert "replaces" not in plan and "activity" not in plan
    assert any("Seulement 1 spécialité" in n["text"] for n in plan["note"])


def test_careplan_notes_say_the_specialties_and_the_contact_the_page_s_way() -> None:
    # the contact the letter gives the patient was left out of the CarePlan; the French
    # note wrote "Spécialités présentes: ..." (the English colon)
    decision = Decision(
        free_text="Surveillance",
        specialties=("endocrinology", "nuclear_medicine", "radiology"),
        contact="Hôpital de jour, 04 00 00 00 00",
    )
    notes = [n["text"] for n in careplan("c1", decision, ASSESSMENT, "fr")["note"]]
    assert notes[1].startswith("Spécialités présentes\u00a0: ")
    assert notes[2] == "Contact pour le patient\u00a0: Hôpital de jour, 04 00 00 00 00"
    english = [n["text"] for n in careplan("c1", decision, ASSESSMENT, "en")["note"]]
    assert english[2] == "Contact for the patient: Hôpital de jour, 04 00 00 00 00"
