"""``order-select`` / ``order-sign``: the draft orders of kinase inhibitors, checked against
the assessment (a card when an order does not fit the options).
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import Request

from thyref.domain.messages import Lang, text
from thyref.domain.rules import load_rules
from thyref.domain.therapies import load_therapies
from thyref.fhir.codes import SYSTEM_OF_OID
from thyref.web.cds_hooks.bodies import BadContext, HookRequest
from thyref.web.cds_hooks.cards import _card, _case_link
from thyref.web.cds_hooks.fetch import FHIR_ID, _names_patient

ATC = "http://www.whocc.no/atc"
THYREF_OVERRIDE = "https://thyref.org/fhir/CodeSystem/cds-override"


MAX_DRAFT_ORDERS = 200  # an ordering session's unsigned orders; more is not a session


def _draft_orders(hook: HookRequest, patient_id: str) -> list[dict[str, Any]]:
    """The orders of ``context.draftOrders`` (and, for ``order-select``, those the
    ``selections`` name), checked as CDS Hooks 2.0 defines them; ``BadContext`` naming
    the field otherwise.

    order-select and order-sign: ``draftOrders`` (REQUIRED) is "a Bundle of FHIR request
    resources with a draft status"; order-select's ``selections`` (REQUIRED) are "the FHIR
    id of the newly selected order(s)", which "references FHIR resources in the
    ``draftOrders`` Bundle". An order's patient (``subject``, or ``patient`` as in
    NutritionOrder), when given, must be ``context.patientId``: a card is never given for
    another patient's order. Nothing is skipped silently: an order we cannot read could
    be the kinase inhibitor whose card would be missing.
    """
    field = "context.draftOrders"
    bundle = hook.context.get("draftOrders")
    if bundle is None:
        raise BadContext(f"{field}: required by the {hook.hook} hook")
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise BadContext(f"{field}: not a FHIR Bundle")
    entries = bundle.get("entry", [])
    if not isinstance(entries, list):
        raise BadContext(f"{field}.entry: not a list")
    if len(entries) > MAX_DRAFT_ORDERS:
        raise BadContext(f"{field}.entry: more than {MAX_DRAFT_ORDERS} orders")
    orders: list[dict[str, Any]] = []
    refs: set[str] = set()
    for i, entry in enumerate(entries):
        where = f"{field}.entry[{i}].resource"
        res = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(res, dict) or not isinstance(res.get("resourceType"), str):
            raise BadContext(f"{where}: missing or not a FHIR resource")
        kind, ident = res["resourceType"], res.get("id")
        if kind == "MedicationRequest" and not (
            isinstance(ident, str) and FHIR_ID.fullmatch(ident)
        ):
            # the card's suggestion deletes the order by its id
            raise BadContext(f"{where}.id: missing or not a FHIR id")
        if isinstance(ident, str):
            if f"{kind}/{ident}" in refs:
                raise BadContext(f"{where}.id: {kind}/{ident} is in the Bundle twice")
            refs.add(f"{kind}/{ident}")
        for key in ("subject", "patient"):
            if key in res and not _names_patient(res[key], patient_id):
                raise BadContext(f"{where}.{key}: {_not_the_patient(res[key], patient_id)}")
        if kind == "MedicationRequest":
            _check_concept(
                res.get("medicationCodeableConcept"), f"{where}.medicationCodeableConcept"
            )
        orders.append(res)
    if hook.hook != "order-select":
        return orders
    selections = hook.context.get("selections")
    if not isinstance(selections, list) or not selections:
        raise BadContext("context.selections: required by the order-select hook (a list of ids)")
    for i, ref in enumerate(selections):
        if not isinstance(ref, str) or ref not in refs:
            raise BadContext(f"context.selections[{i}]: not an order of {field}")
    chosen = set(selections)
    return [r for r in orders if f"{r['resourceType']}/{r.get('id')}" in chosen]


def _not_the_patient(ref: Any, patient_id: str) -> str:
    """Why an order's ``subject`` (or ``patient``) is not read as the context's patient:
    a reference to another one, or no reference ``Patient/<id>`` at all (an identifier
    alone cannot be matched to ``context.patientId``, which is a resource id)."""
    expected = f"a Reference with reference Patient/{patient_id} (context.patientId)"
    if not isinstance(ref, dict):
        return f"not a FHIR Reference: {expected} is expected"
    if isinstance(ref.get("reference"), str):
        return "not the patient of context.patientId"
    if "identifier" in ref:
        return f"an identifier alone cannot be matched to context.patientId: {expected} is expected"
    return f"no reference: {expected} is expected"


def _check_concept(concept: Any, where: str) -> None:
    """A CodeableConcept, when given, is an object whose ``coding`` is a list of objects
    (FHIR R4 datatypes): a drug we could not read would give no card, silently."""
    if concept is None:
        return
    if not isinstance(concept, dict):
        raise BadContext(f"{where}: not a CodeableConcept")
    codings = concept.get("coding", [])
    if not isinstance(codings, list):
        raise BadContext(f"{where}.coding: not a list")
    for j, coding in enumerate(codings):
        if not isinstance(coding, dict):
            raise BadContext(f"{where}.coding[{j}]: not a Coding")


def _medication_concept(res: dict[str, Any], orders: list[dict[str, Any]]) -> Any:
    """The medication of a MedicationRequest: its ``medicationCodeableConcept``, else the
    ``code`` of the Medication its ``medicationReference`` leads to (``#id`` in its
    ``contained``, or ``Medication/id`` among the draft orders)."""
    if "medicationCodeableConcept" in res:
        return res["medicationCodeableConcept"]
    ref = res.get("medicationReference")
    target = ref.get("reference") if isinstance(ref, dict) else None
    if not isinstance(target, str):
        return None
    if target.startswith("#"):
        pool = [c for c in res.get("contained") or [] if isinstance(c, dict)]
        ident = target[1:]
    else:
        pool, ident = orders, target.removeprefix("Medication/")
    found = next(
        (m for m in pool if m.get("resourceType") == "Medication" and m.get("id") == ident),
        None,
    )
    return found.get("code") if found else None


def _kinase_orders(hook: HookRequest, orders: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(reference, drug) of every kinase-inhibitor MedicationRequest among the orders.

    A medication that is not a CodeableConcept (object) with a list of codings is read
    as naming no drug (the orders themselves were checked by ``_draft_orders``)."""
    drugs = {d.lower() for group in load_rules().drugs.values() for d in group.drugs}
    by_atc = {  # data/therapies.toml: each kinase inhibitor's active substances by ATC code
        code: substance
        for therapy in load_therapies().values()
        if any("inhibitor" in kind for kind in therapy.classes)
        for substance, code in therapy.atc.items()
    }
    drugs |= set(by_atc.values())
    found = []
    for res in orders:
        if res.get("resourceType") != "MedicationRequest":
            continue
        ref = f"MedicationRequest/{res['id']}"
        concept = _medication_concept(res, orders)
        if not isinstance(concept, dict):
            continue
        codings = concept.get("coding")
        drug = None
        for coding in codings if isinstance(codings, list) else []:
            if not isinstance(coding, dict):
                continue
            system = coding.get("system")
            system = SYSTEM_OF_OID.get(system, system) if isinstance(system, str) else system
            if system == ATC and coding.get("code") in by_atc:
                drug = by_atc[coding["code"]]
            elif str(coding.get("display", "")).lower() in drugs:
                drug = str(coding["display"]).lower()
        words = re.findall(r"[a-z]+", str(concept.get("text", "")).lower())
        drug = drug or next((w for w in words if w in drugs), None)
        if drug:
            found.append((ref, drug))
    return found


def _order_cards(
    request: Request, lang: Lang, kinase: list[tuple[str, str]], case: dict[str, Any]
) -> list[dict[str, Any]]:
    cards = []
    rules = load_rules()
    clinical = case.get("clinical") or {}
    for ref, drug in kinase:
        if clinical.get("brain_metastases_bleeding_risk") is True:
            reasons = [
                {
                    "system": THYREF_OVERRIDE,
                    "code": code,
                    "display": text(f"cds.override.{code}", lang),
                }
                for code in ("local-treatment-done", "board-decision")
            ]
            cards.append(
                _card(
                    request,
                    lang,
                    text("cds.bleeding.summary", lang, {"drug": drug}),
                    "critical",
                    text("cds.bleeding.detail", lang),
                    suggestions=[
                        {
                            "label": text("cds.bleeding.suggestion", lang, {"drug": drug}),
                            "isRecommended": True,
                            "actions": [
                                {
                                    "type": "delete",
                                    "description": text(
                                        "cds.bleeding.suggestion", lang, {"drug": drug}
                                    ),
                                    "resourceId": [ref],
                                }
                            ],
                        }
                    ],
                    selectionBehavior="at-most-one",
                    overrideReasons=reasons,
                    links=[_case_link(request, case["id"], lang)],
                )
            )
        if not case.get("molecular"):
            panel = ", ".join(rules.options.molecular_panel)
            reasons = [
                {
                    "system": THYREF_OVERRIDE,
                    "code": "molecular-pending",
                    "display": text("cds.override.molecular-pending", lang),
                }
            ]
            cards.append(
                _card(
                    request,
                    lang,
                    text("cds.molecular.summary", lang, {"drug": drug}),
                    "info",
                    text("cds.molecular.detail", lang, {"panel": panel}),
                    overrideReasons=reasons,
                    links=[_case_link(request, case["id"], lang)],
                )
            )
    return cards
