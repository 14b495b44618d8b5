"""A board decision as a FHIR R4 ``CarePlan`` (built with ``fhir.resources.R4B`` models).

- ``subject``: the patient by pseudonym (``Patient/<case id>``), never a name;
- ``status`` ``active``, ``intent`` ``plan``, ``created`` the meeting date (else today);
- ``category``: the meeting kind (``regional``/``national``) in thyref's meeting
  CodeSystem, with its words (no standard code is claimed here);
- one ``activity`` per chosen option: ``detail.code`` in thyref's option CodeSystem
  (the rule ids of ``clinical-rules.md``), ``detail.description`` the option title,
  ``status`` ``not-started``; the follow-up date is an activity scheduled on that date;
- the free text, the specialties present and the contact for the patient are ``note``
  entries;
- an amendment ``replaces`` the CarePlan of the decision it amends.

This is separate from the general FHIR exporter: it writes only what a decision holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from thyref.board.decision import Decision
from thyref.board.text import bt, bt_n, bt_or
from thyref.domain.messages import Lang, colon

BASE = "https://thyref.org/fhir"
OPTION_SYSTEM = f"{BASE}/CodeSystem/rcp-option"
SPECIALTY_SYSTEM = f"{BASE}/CodeSystem/rcp-specialty"
DECISION_SYSTEM = f"{BASE}/rcp-decision"
MEETING_SYSTEM = f"{BASE}/CodeSystem/rcp-meeting"


def _fhir_id(case_id: str) -> str:
    """FHIR ids are ``[A-Za-z0-9-.]{1,64}``; case ids may also hold ``_``."""
    return case_id.replace("_", "-")


def _plan_id(case_id: str, record_id: int | None) -> str:
    base = _fhir_id(case_id)
    return f"{base}-rcp-{record_id}"[:64] if record_id is not None else f"{base}-rcp"[:64]


def careplan(
    case_id: str,
    decision: Decision,
    assessment: Mapping[str, Any],
    lang: Lang,
    *,
    today: date | None = None,
) -> dict[str, Any]:
    """The decision as a CarePlan resource (JSON-ready dict, validated by the model)."""
    from fhir.resources.R4B.careplan import CarePlan

    titles = {str(r["id"]): str(r["title"]) for r in assessment.get("recommendations") or []}
    created = decision.meeting_date or today or date.today()
    activities: list[dict[str, Any]] = [
        {
            "detail": {
                "code": {
                    "coding": [{"system": OPTION_SYSTEM, "code": option}],
                    "text": titles.get(option, option),
                },
                "description": titles.get(option, option),
                "status": "not-started",
            }
        }
        for option in decision.options
    ]
    if decision.follow_up is not None:
        activities.append(
            {
                "detail": {
                    "description": bt("label.d.follow_up", lang),
                    "status": "scheduled",
                    "scheduledString": decision.follow_up.isoformat(),
                }
            }
        )
    notes = []
    if decision.free_text:
        notes.append({"text": decision.free_text})
    if decision.specialties:
        present = ", ".join(bt_or(f"specialty.{s}", s, lang) for s in decision.specialties)
        notes.append({"text": f"{bt('label.d.specialties', lang)}{colon(lang)} {present}"})
    if not decision.quorum_ok:
        notes.append({"text": bt_n("few_specialties", len(set(decision.specialties)), lang)})
    if decision.contact:  # the contact the letter gives the patient
        notes.append({"text": f"{bt('web.contact', lang)}{colon(lang)} {decision.contact}"})
    resource: dict[str, Any] = {
        "resourceType": "CarePlan",
        "id": _plan_id(case_id, decision.record_id),
        "language": lang,
        "status": "active",
        "intent": "plan",
        "title": bt(f"meeting.{decision.meeting_kind}", lang),
        "description": bt("label.h.decision", lang),
        "category": [
            {
                "coding": [{"system": MEETING_SYSTEM, "code": decision.meeting_kind}],
                "text": bt(f"meeting.{decision.meeting_kind}", lang),
            }
        ],
        "subject": {"reference": f"Patient/{_fhir_id(case_id)}", "display": case_id},
        "created": created.isoformat(),
        "activity": activities or None,
        "note": notes or None,
    }
    if decision.record_id is not None:
        resource["identifier"] = [{"system": DECISION_SYSTEM, "value": str(decision.record_id)}]
    if decision.amends is not None:
        resource["replaces"] = [{"reference": f"CarePlan/{_plan_id(case_id, decision.amends)}"}]
    model = CarePlan.model_validate({k: v for k, v in resource.items() if v is not None})
    out: dict[str, Any] = model.model_dump(mode="json", exclude_none=True)
    return out
