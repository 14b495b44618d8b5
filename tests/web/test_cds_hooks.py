"""A CDS Hooks 2.0 client against the service: discovery, hooks, cards, 412, JWT, feedback.

The card rules are those of https://cds-hooks.hl7.org/2.0/ (Card attributes): summary under
140 characters, indicator info|warning|critical, source with a label, suggestions with a
selectionBehavior, links with label, url and type.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import jwt
import orjson
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fastapi import FastAPI
from sqlalchemy import select

from thyref.domain.messages import Lang
from thyref.fhir.exporter import case_to_bundle
from thyref.storage.models import CdsFeedback, CdsTokenId
from thyref.web.cds_hooks import auth as cds_auth
from thyref.web.cds_hooks import cards as cds_cards
from thyref.web.cds_hooks import fetch as cds_fetch
from thyref.web.cds_hooks import service as cds_service
from thyref.web.cds_hooks.auth import CdsAuthError, JwksCache, remember_jti
from thyref.web.cds_hooks.orders import THYREF_OVERRIDE
from thyref.web.cds_hooks.service import OutcomeCache
from thyref.web.settings import SettingError, check_cds_url, parse_fhir_servers

from .support import TestClient, demo_case

ISSUER = "https://ehr.example.org"
EC_KEY = ec.generate_private_key(ec.SECP384R1())
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = ec.generate_private_key(ec.SECP384R1())


def _jwks() -> dict[str, Any]:
    ec_jwk = jwt.algorithms.ECAlgorithm.to_jwk(EC_KEY.public_key(), as_dict=True)
    rsa_jwk = jwt.algorithms.RSAAlgorithm.to_jwk(RSA_KEY.public_key(), as_dict=True)
    return {
        "keys": [
            {**ec_jwk, "kid": "ec-1", "alg": "ES384", "use": "sig"},
            {**rsa_jwk, "kid": "rsa-1", "alg": "RS384", "use": "sig"},
        ]
    }


JWKS = _jwks()
# THYREF_CDS_URL of the test apps: token audiences name it (the test client's own host)
PUBLIC = "http://testserver"
BASE = f"{PUBLIC}/cds-services"
DATA = Path(__file__).parents[1] / "fhir" / "data"  # EHR-shaped Bundles
FHIR_SERVER = "https://ehr.example.org/fhir"  # the EHR's FHIR server, allowed in cds_app
# the prefetch key a FHIR search for each resource type answers (the service's templates)
SEARCH_KEYS = {
    "Condition": "conditions",
    "BodyStructure": "bodyStructures",
    "Observation": "observations",
    "MedicationAdministration": "iodine",
    "MedicationStatement": "medications",
}


def token(
    aud: str,
    *,
    iss: str = ISSUER,
    key: Any = EC_KEY,
    kid: str = "ec-1",
    alg: str = "ES384",
    lifetime: int = 240,
    jti: str | None = None,
) -> str:
    now = int(time.time())
    claims = {
        "iss": iss,
        "sub": "ehr-client",
        "aud": aud,
        "iat": now,
        "exp": now + lifetime,
        "jti": jti or str(uuid.uuid4()),
    }
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid, "typ": "JWT"})


def bearer(aud: str, **kw: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(aud, **kw)}"}


@pytest.fixture
def cds_app(make_app: Callable[..., FastAPI]) -> FastAPI:
    return make_app(
        cds_issuers={ISSUER: JWKS}, cds_public_url=PUBLIC, cds_fhir_servers=(FHIR_SERVER,)
    )


@pytest.fixture
def ehr(cds_app: FastAPI) -> TestClient:
    return TestClient(cds_app)


def _record(case_id: str = "cds-1", **clinical: Any) -> tuple[str, dict[str, Any]]:
    """The demo case as FHIR: the patient id and the prefetch the EHR would send."""
    case = demo_case(case_id)
    if clinical:
        case["clinical"] = clinical
    return _record_of(case)


def _record_of(case: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A case as FHIR: the patient id and the prefetch the EHR would send."""
    resources = [e["resource"] for e in case_to_bundle(case)["entry"]]
    patient = next(r for r in resources if r["resourceType"] == "Patient")

    def search(*kinds: str) -> dict[str, Any]:
        found = [r for r in resources if r["resourceType"] in kinds]
        return {
            "resourceType": "Bundle",
            "type": "searchset",
            "entry": [{"resource": r} for r in found],
        }

    prefetch = {
        "patient": patient,
        "conditions": search("Condition"),
        "bodyStructures": search("BodyStructure"),
        "observations": search("Observation"),
        "iodine": search("MedicationAdministration"),
        "medications": search("MedicationStatement"),
    }
    return patient["id"], prefetch


def _hook(
    hook: str, patient_id: str, prefetch: dict[str, Any] | None, **context: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "hook": hook,
        "hookInstance": str(uuid.uuid4()),
        "context": {"userId": "Practitioner/dr-1", "patientId": patient_id, **context},
    }
    if prefetch is not None:
        body["prefetch"] = prefetch
    return body


def _order(drug: str, atc: str | None = None, patient_id: str = "") -> dict[str, Any]:
    """A draftOrders Bundle with one draft MedicationRequest for ``patient_id``."""
    concept: dict[str, Any] = {"text": drug}
    if atc:
        concept["coding"] = [{"system": "http://www.whocc.no/atc", "code": atc, "display": drug}]
    request = {
        "resourceType": "MedicationRequest",
        "id": "rx-1",
        "status": "draft",
        "intent": "order",
        "medicationCodeableConcept": concept,
        "subject": {"reference": f"Patient/{patient_id}"},
    }
    return {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": request}]}


def check_card(card: dict[str, Any]) -> None:
    """Every rule of the CDS Hooks 2.0 Card."""
    assert isinstance(card["summary"], str) and 0 < len(card["summary"]) < 140
    assert card["indicator"] in ("info", "warning", "critical")
    assert isinstance(card["source"]["label"], str) and card["source"]["label"]
    assert card["source"]["url"].startswith("http")
    uuid.UUID(card["uuid"])
    if "suggestions" in card:
        assert card["selectionBehavior"] in ("at-most-one", "any")
        for suggestion in card["suggestions"]:
            assert suggestion["label"]
            uuid.UUID(suggestion["uuid"])
            for action in suggestion["actions"]:
                assert action["type"] in ("create", "update", "delete")
                assert action["description"]
    for link in card.get("links", []):
        assert link["label"] and link["url"].startswith("http")
        assert link["type"] in ("absolute", "smart")
    for reason in card.get("overrideReasons", []):
        assert reason["code"] and reason["display"]


# --------------------------------------------------------------------------------------


def test_discovery(ehr: TestClient) -> None:
    services = ehr.get("/cds-services").json()["services"]
    hooks = {s["hook"]: s for s in services}
    assert set(hooks) == {"patient-view", "order-select", "order-sign"}
    for service in services:
        assert service["id"] and service["description"] and service["title"]
        assert service["prefetch"]["patient"] == "Patient/{{context.patientId}}"


def test_patient_view_with_prefetch(ehr: TestClient) -> None:
    patient_id, prefetch = _record()
    url = f"{BASE}/thyref-patient-view"
    answer = ehr.post(url, json=_hook("patient-view", patient_id, prefetch), headers=bearer(url))
    assert answer.status_code == 200, answer.text
    (card,) = answer.json()["cards"]
    check_card(card)
    # L1 shows no uptake (support.demo_case): refractory by DTC-NO-UPTAKE
    assert card["indicator"] == "warning"
    assert "DTC-NO-UPTAKE" in card["summary"]
    assert card["links"][0]["url"].endswith(f"/cases/{patient_id}")
    (plan,) = [a["resource"] for s in card["suggestions"] for a in s["actions"]]
    assert (plan["resourceType"], plan["status"], plan["intent"]) == (
        "CarePlan",
        "draft",
        "proposal",
    )


def test_patient_view_in_english(ehr: TestClient) -> None:
    patient_id, prefetch = _record()
    url = f"{BASE}/thyref-patient-view"
    headers = {**bearer(url), "Accept-Language": "en"}
    card = ehr.post(url, json=_hook("patient-view", patient_id, prefetch), headers=headers).json()[
        "cards"
    ][0]
    assert card["summary"].startswith("Radioiodine-refractory")
    # the criterion in words with its code beside them (the summary gave the code alone)
    assert "A lesion without I-131 uptake (DTC-NO-UPTAKE)" in card["summary"]


def test_missing_prefetch_without_fhir_server_is_412(ehr: TestClient) -> None:
    url = f"{BASE}/thyref-patient-view"
    answer = ehr.post(url, json=_hook("patient-view", "p-1", None), headers=bearer(url))
    assert answer.status_code == 412


def test_missing_prefetch_is_fetched_with_the_given_token(cds_app: FastAPI) -> None:
    patient_id, prefetch = _record()
    seen: list[str] = []

    def fhir_server(request: httpx.Request) -> httpx.Response:
        assert request.headers["authorization"] == "Bearer ehr-access-token"
        path = request.url.path.removeprefix("/fhir/")
        seen.append(path)
        kind = path.split("/")[0]
        key = {"Patient": "patient", **SEARCH_KEYS}[kind]
        assert kind == "Patient" or request.url.params["patient"] == patient_id
        return httpx.Response(200, json=prefetch[key])

    cds_app.state.cds_transport = httpx.MockTransport(fhir_server)
    body = _hook("patient-view", patient_id, {"patient": prefetch["patient"]})
    body["fhirServer"] = "https://ehr.example.org/fhir"
    body["fhirAuthorization"] = {
        "access_token": "ehr-access-token",
        "token_type": "Bearer",
        "expires_in": 300,
        "scope": "patient/*.read",
        "subject": "thyref",
    }
    url = f"{BASE}/thyref-patient-view"
    answer = TestClient(cds_app).post(url, json=body, headers=bearer(url))
    assert answer.status_code == 200, answer.text
    assert "DTC-NO-UPTAKE" in answer.json()["cards"][0]["summary"]
    # the patient came in the prefetch; the five searches were fetched
    assert len(seen) == 5 and "Patient" not in {p.split("/")[0] for p in seen}


def test_fhir_server_failure_is_412(cds_app: FastAPI) -> None:
    cds_app.state.cds_transport = httpx.MockTransport(lambda r: httpx.Response(401))
    body = _hook("patient-view", "p-1", None)
    body["fhirServer"] = "https://ehr.example.org/fhir"
    body["fhirAuthorization"] = {"access_token": "t", "token_type": "Bearer"}
    url = f"{BASE}/thyref-patient-view"
    assert TestClient(cds_app).post(url, json=body, headers=bearer(url)).status_code == 412


def test_order_sign_kinase_inhibitor_with_brain_bleeding_risk(ehr: TestClient) -> None:
    patient_id, prefetch = _record(brain_metastases_bleeding_risk=True)
    url = f"{BASE}/thyref-order-sign"
    body = _hook(
        "order-sign", patient_id, prefetch, draftOrders=_order("lenvatinib", "L01EX08", patient_id)
    )
    answer = ehr.post(url, json=body, headers=bearer(url))
    assert answer.status_code == 200, answer.text
    cards = answer.json()["cards"]
    for card in cards:
        check_card(card)
    indicators = [c["indicator"] for c in cards]
    # bleeding risk: critical; the demo case has no molecular result: info
    assert indicators == ["critical", "info"]
    action = cards[0]["suggestions"][0]["actions"][0]
    assert (action["type"], action["resourceId"]) == ("delete", ["MedicationRequest/rx-1"])


def test_order_select_by_drug_name(ehr: TestClient) -> None:
    patient_id, prefetch = _record()
    url = f"{BASE}/thyref-order-select"
    body = _hook(
        "order-select",
        patient_id,
        prefetch,
        draftOrders=_order("Sorafenib 200 mg tablet", patient_id=patient_id),
        selections=["MedicationRequest/rx-1"],
    )
    cards = ehr.post(url, json=body, headers=bearer(url)).json()["cards"]
    # no bleeding flag: only the missing molecular result
    assert [c["indicator"] for c in cards] == ["info"]
    assert "sorafenib" in cards[0]["summary"]


@pytest.mark.parametrize(
    ("atc", "drug", "system"),
    [
        ("L01EX23", "pralsetinib", None),  # in no drug list of the rules: known by its ATC code
        ("L01EE01", "trametinib", None),  # one substance of the dabrafenib + trametinib row
        ("L01EX14", "entrectinib", None),
        # ATC given by its HL7 OID (HL7 Terminology NamingSystem v3-WC), as systems
        # converted from HL7 v2 send it
        ("L01EX08", "lenvatinib", "urn:oid:2.16.840.1.113883.6.73"),
    ],
)  # fmt: skip
def test_order_by_atc_code_only(ehr: TestClient, atc: str, drug: str, system: str | None) -> None:
    # the order carries the code and an unrelated label: only the ATC code names the drug
    patient_id, prefetch = _record()
    url = f"{BASE}/thyref-order-sign"
    order = _order("Rx 40 mg", atc, patient_id)
    coding = order["entry"][0]["resource"]["medicationCodeableConcept"]["coding"][0]
    coding["display"] = "Rx"
    if system is not None:
        coding["system"] = system
    body = _hook("order-sign", patient_id, prefetch, draftOrders=order)
    cards = ehr.post(url, json=body, headers=bearer(url)).json()["cards"]
    assert [c["indicator"] for c in cards] == ["info"]
    assert drug in cards[0]["summary"]


def test_order_sign_other_drug_gives_no_card(ehr: TestClient) -> None:
    patient_id, prefetch = _record(brain_metastases_bleeding_risk=True)
    url = f"{BASE}/thyref-order-sign"
    body = _hook(
        "order-sign", patient_id, prefetch, draftOrders=_order("paracetamol", patient_id=patient_id)
    )
    assert ehr.post(url, json=body, headers=bearer(url)).json() == {"cards": []}


def _medication_request(ident: str, drug: str, **fields: Any) -> dict[str, Any]:
    return {
        "resourceType": "MedicationRequest",
        "id": ident,
        "status": "draft",
        "intent": "order",
        "medicationCodeableConcept": {"text": drug},
        **fields,
    }


def _bundle(*resources: Any) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": r} for r in resources],
    }


# order-select / order-sign context (CDS Hooks 2.0 hook definitions): draftOrders is
# REQUIRED, "a Bundle of FHIR request resources"; selections (order-select) REQUIRED, "the
# FHIR id of the newly selected order(s)", which "references FHIR resources in the
# draftOrders Bundle". Each case: the hook, the context change, the field the 400 names.
_LENVA = _medication_request("rx-1", "lenvatinib")
_BAD_ORDER_CONTEXTS = [
    # draftOrders missing, or not a Bundle (were: no card, 200, as if nothing were ordered)
    ("order-sign", {"draftOrders": None}, "context.draftOrders: required"),
    ("order-sign", {"draftOrders": [_LENVA]}, "context.draftOrders: not a FHIR Bundle"),
    ("order-sign", {"draftOrders": _LENVA}, "context.draftOrders: not a FHIR Bundle"),
    ("order-sign", {"draftOrders": {"resourceType": "Bundle", "entry": "x"}}, "draftOrders.entry:"),
    # an entry without a resource: it could be the kinase inhibitor (was skipped)
    (
        "order-sign",
        {"draftOrders": {"resourceType": "Bundle", "entry": [{"fullUrl": "urn:uuid:1"}]}},
        "context.draftOrders.entry[0].resource",
    ),
    # a draft order of another patient (was: a card for this patient about it)
    (
        "order-sign",
        {
            "draftOrders": _bundle(
                _medication_request("rx-1", "lenvatinib", subject={"reference": "Patient/other"})
            )
        },
        "context.draftOrders.entry[0].resource.subject",
    ),
    # NutritionOrder names its patient in `patient`
    (
        "order-sign",
        {
            "draftOrders": _bundle(
                _LENVA,
                {
                    "resourceType": "NutritionOrder",
                    "id": "n1",
                    "patient": {"reference": "Patient/other"},
                },
            )
        },
        "context.draftOrders.entry[1].resource.patient",
    ),
    # the patient named by an identifier only: the reference form is asked for (was "not
    # the patient of context.patientId", as if it were another patient)
    (
        "order-sign",
        {
            "draftOrders": _bundle(
                _medication_request(
                    "rx-1",
                    "lenvatinib",
                    subject={"identifier": {"system": "urn:oid:1.2.250.1.213.1.4.8", "value": "1"}},
                )
            )
        },
        "context.draftOrders.entry[0].resource.subject: an identifier alone cannot be matched "
        "to context.patientId: a Reference with reference Patient/",
    ),
    # a display only, and a bare string: the same form asked for
    (
        "order-sign",
        {
            "draftOrders": _bundle(
                _medication_request("rx-1", "lenvatinib", subject={"display": "A"})
            )
        },
        "entry[0].resource.subject: no reference: a Reference with reference Patient/",
    ),
    (
        "order-sign",
        {"draftOrders": _bundle(_medication_request("rx-1", "lenvatinib", subject="Patient/x"))},
        "entry[0].resource.subject: not a FHIR Reference: a Reference with reference Patient/",
    ),
    # no id: the card's delete suggestion named "MedicationRequest/None"
    (
        "order-sign",
        {"draftOrders": _bundle({k: v for k, v in _LENVA.items() if k != "id"})},
        "context.draftOrders.entry[0].resource.id",
    ),
    # the same order twice: which one a suggestion deletes cannot be told
    ("order-sign", {"draftOrders": _bundle(_LENVA, _LENVA)}, "entry[1].resource.id"),
    # a medication that is not a CodeableConcept (was a 500: AttributeError)
    (
        "order-sign",
        {"draftOrders": _bundle({**_LENVA, "medicationCodeableConcept": "lenvatinib"})},
        "entry[0].resource.medicationCodeableConcept",
    ),
    (
        "order-sign",
        {"draftOrders": _bundle({**_LENVA, "medicationCodeableConcept": {"coding": ["L01EX08"]}})},
        "medicationCodeableConcept.coding[0]",
    ),
    # more orders than any ordering session (was: two cards per order, 6,000 cards)
    (
        "order-sign",
        {
            "draftOrders": _bundle(
                *(_medication_request(f"rx-{i}", "lenvatinib") for i in range(201))
            )
        },
        "context.draftOrders.entry: more than 200",
    ),
    # order-select: selections missing, not a list, or naming no draft order (were: every
    # order checked, or none, silently)
    ("order-select", {"selections": None}, "context.selections"),
    ("order-select", {"selections": "MedicationRequest/rx-1"}, "context.selections"),
    ("order-select", {"selections": ["MedicationRequest/rx-2"]}, "context.selections[0]"),
    ("order-select", {"selections": ["MedicationRequest/rx-1", 7]}, "context.selections[1]"),
]


@pytest.mark.parametrize(("hook", "change", "field"), _BAD_ORDER_CONTEXTS)
def test_order_context_that_is_not_the_spec_is_400_naming_the_field(
    ehr: TestClient, hook: str, change: dict[str, Any], field: str
) -> None:
    patient_id, prefetch = _record(brain_metastases_bleeding_risk=True)
    context: dict[str, Any] = {"draftOrders": _bundle(_LENVA)}
    if hook == "order-select":
        context["selections"] = ["MedicationRequest/rx-1"]
    for key, value in change.items():
        if value is None:
            context.pop(key)
        else:
            context[key] = value
    url = f"{BASE}/thyref-{hook}"
    answer = ehr.post(url, json=_hook(hook, patient_id, prefetch, **context), headers=bearer(url))
    assert answer.status_code == 400, answer.text
    assert field in answer.json()["detail"]


@pytest.mark.parametrize(
    "order",
    [
        # the order names the patient as a relative, absolute or versioned reference
        {"subject": {"reference": "Patient/{pid}"}},
        {"subject": {"reference": "https://ehr.example.org/fhir/Patient/{pid}/_history/2"}},
        # no subject: a draft order may leave details out (order-select: "CDS services
        # should expect some of the order information to not yet be specified"); the
        # hook's context names one patient
        {},
        # a kinase inhibitor by medicationReference to a contained Medication (was: no card)
        {
            "medicationCodeableConcept": None,
            "medicationReference": {"reference": "#med"},
            "contained": [{"resourceType": "Medication", "id": "med", "code": {
                "coding": [{"system": "http://www.whocc.no/atc", "code": "L01EX08"}]}}],
        },
    ],
)  # fmt: skip
def test_order_of_the_context_patient_gets_its_cards(
    ehr: TestClient, order: dict[str, Any]
) -> None:
    patient_id, prefetch = _record(brain_metastases_bleeding_risk=True)
    request = dict(_LENVA)
    for key, value in order.items():
        if value is None:
            request.pop(key)
        else:
            request[key] = orjson.loads(orjson.dumps(value).replace(b"{pid}", patient_id.encode()))
    url = f"{BASE}/thyref-order-sign"
    body = _hook("order-sign", patient_id, prefetch, draftOrders=_bundle(request))
    answer = ehr.post(url, json=body, headers=bearer(url))
    assert answer.status_code == 200, answer.text
    found = answer.json()["cards"]
    # brain metastases with bleeding risk: critical; no molecular result: info
    assert [c["indicator"] for c in found] == ["critical", "info"]
    assert found[0]["suggestions"][0]["actions"][0]["resourceId"] == ["MedicationRequest/rx-1"]


def test_order_select_checks_only_the_selected_orders(ehr: TestClient) -> None:
    # "Decision support should focus on the 'selected' orders" (order-select): a kinase
    # inhibitor drafted earlier in the session, not selected now, gives no card
    patient_id, prefetch = _record(brain_metastases_bleeding_risk=True)
    orders = _bundle(_LENVA, _medication_request("rx-2", "paracetamol"))
    url = f"{BASE}/thyref-order-select"
    body = _hook(
        "order-select",
        patient_id,
        prefetch,
        draftOrders=orders,
        selections=["MedicationRequest/rx-2"],
    )
    answer = ehr.post(url, json=body, headers=bearer(url))
    assert answer.json() == {"cards": []}


def _bleeding_card(ehr: TestClient) -> dict[str, Any]:
    """A critical card thyref gave (order-sign, brain metastases with bleeding risk)."""
    patient_id, prefetch = _record(brain_metastases_bleeding_risk=True)
    url = f"{BASE}/thyref-order-sign"
    order = _order("lenvatinib", "L01EX08", patient_id)
    body = _hook("order-sign", patient_id, prefetch, draftOrders=order)
    card: dict[str, Any] = ehr.post(url, json=body, headers=bearer(url)).json()["cards"][0]
    return card


def test_feedback_is_stored(
    ehr: TestClient, cds_app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    url = f"{BASE}/thyref-order-sign/feedback"
    card = _bleeding_card(ehr)["uuid"]
    body = {
        "feedback": [
            {
                "card": card,
                "outcome": "overridden",
                "overrideReason": {
                    "reason": {"code": "board-decision", "system": "https://thyref.org/x"},
                    "userComment": "patient-identifying text must not be stored",
                },
                "outcomeTimestamp": "2026-11-28T10:00:00Z",
            }
        ]
    }
    assert ehr.post(url, json=body, headers=bearer(url)).status_code == 200
    with cds_app.state.thyref.db.session() as db:
        (row,) = db.scalars(select(CdsFeedback)).all()
        assert (row.card_uuid, row.outcome, row.service_id) == (
            card,
            "overridden",
            "thyref-order-sign",
        )
        assert row.override_reason == "https://thyref.org/x|board-decision"
        assert "identifying" not in row.override_reason
    # the comment is not logged either, nor when the same body is refused (no timestamp)
    del body["feedback"][0]["outcomeTimestamp"]
    assert ehr.post(url, json=body, headers=bearer(url)).status_code == 400
    assert "identifying" not in caplog.text


def test_a_suggestion_accepted_twenty_times_is_stored_once_whole(
    ehr: TestClient, cds_app: FastAPI
) -> None:
    # the ids were joined and cut at 400 characters: 20 copies of one uuid (739 characters)
    # were stored as 11 copies and a piece of one
    card = _bleeding_card(ehr)
    suggestion = card["suggestions"][0]["uuid"]
    url = f"{BASE}/thyref-order-sign/feedback"
    item = {
        "card": card["uuid"],
        "outcome": "accepted",
        "acceptedSuggestions": [{"id": suggestion.upper()}] * 19 + [{"id": suggestion}],
        "outcomeTimestamp": "2026-11-28T10:00:00Z",
    }
    answer = ehr.post(url, json={"feedback": [item]}, headers=bearer(url))
    assert answer.status_code == 200, answer.text
    with cds_app.state.thyref.db.session() as db:
        (row,) = db.scalars(select(CdsFeedback)).all()
        assert row.accepted_suggestions == suggestion.lower()


def test_accepted_suggestion_and_its_time_are_stored_in_utc(
    ehr: TestClient, cds_app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the server's local zone must not change the stored time: every DateTime column
    # holds naive UTC (storage.models.utcnow); 10:00+02:00 is 08:00 UTC (RFC 3339 offset)
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        card = _bleeding_card(ehr)
        suggestion = card["suggestions"][0]["uuid"]
        url = f"{BASE}/thyref-order-sign/feedback"
        item = {
            "card": card["uuid"],
            "outcome": "accepted",
            "acceptedSuggestions": [{"id": suggestion}],
            "outcomeTimestamp": "2026-11-28T10:00:00+02:00",
        }
        answer = ehr.post(url, json={"feedback": [item]}, headers=bearer(url))
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert answer.status_code == 200, answer.text
    with cds_app.state.thyref.db.session() as db:
        (row,) = db.scalars(select(CdsFeedback)).all()
        assert row.accepted_suggestions == suggestion
        assert row.outcome_at == datetime(2026, 11, 28, 8, 0)


_FEEDBACK_CASES = [
    # CDS Hooks 2.0 Feedback: outcomeTimestamp REQUIRED
    ({"outcomeTimestamp": None}, "feedback.0.outcomeTimestamp"),
    # RFC 3339 section 5.6 date-time: a date alone, no offset, a number are not one
    ({"outcomeTimestamp": "2026-11-28"}, "feedback.0.outcomeTimestamp"),
    ({"outcomeTimestamp": "2026-11-28T10:00:00"}, "feedback.0.outcomeTimestamp"),
    ({"outcomeTimestamp": 1764324000}, "feedback.0.outcomeTimestamp"),
    # dates that cannot be held (in UTC) were a 500 (OverflowError when stored)
    ({"outcomeTimestamp": "9999-12-31T23:59:59-23:59"}, "feedback.0.outcomeTimestamp"),
    ({"outcomeTimestamp": "0001-01-01T00:00:00+14:00"}, "feedback.0.outcomeTimestamp"),
    ({"outcomeTimestamp": "2026-02-30T10:00:00Z"}, "feedback.0.outcomeTimestamp"),
    # outcome: "accepted or overridden"
    ({"outcome": "ignored"}, "feedback.0.outcome"),
    # acceptedSuggestions: "Required for accepted outcomes"
    ({"outcome": "accepted"}, "acceptedSuggestions: required"),
    # a card is either accepted or overridden, not both
    ({"acceptedSuggestions": [{"id": "{suggestion}"}]}, "acceptedSuggestions: only"),
    # Coding: code and system REQUIRED (CDS Hooks 2.0 Coding)
    ({"overrideReason": {"reason": {"code": "board-decision"}}}, "overrideReason.reason.system"),
    ({"overrideReason": {"reason": {"code": "a\u0000b", "system": "s"}}}, "reason.code"),
    ({"overrideReason": "the patient refuses"}, "feedback.0.overrideReason"),
    # system and code each within bounds, together beyond the 200 characters stored as
    # "system|code" (was stored cut: a cut code is another code)
    (
        {"overrideReason": {"reason": {"code": "c" * 60, "system": "https://x.org/" + "s" * 126}}},
        "feedback.0.overrideReason: Value error, reason.system and reason.code take 200",
    ),
    # a uuid this service never gave, or not a uuid: unknown card
    ({"card": "7c1a2b9e-5f4d-4c3b-9a8e-1d2c3b4a5f60"}, "feedback.0.card"),
    ({"card": "Jean Dupont"}, "feedback.0.card"),
    ({"card": "a\u0000b"}, "feedback.0.card"),
    # a suggestion uuid of no suggestion of this card
    (
        {"outcome": "accepted", "acceptedSuggestions": [{"id": "{card}"}], "overrideReason": None},
        "feedback.0.acceptedSuggestions.0.id",
    ),
]


@pytest.mark.parametrize(("change", "field"), _FEEDBACK_CASES)
def test_malformed_feedback_is_400_naming_the_field(
    ehr: TestClient, cds_app: FastAPI, change: dict[str, Any], field: str
) -> None:
    card = _bleeding_card(ehr)
    item: dict[str, Any] = {
        "card": card["uuid"],
        "outcome": "overridden",
        "overrideReason": {"reason": {"code": "board-decision", "system": THYREF_OVERRIDE}},
        "outcomeTimestamp": "2026-11-28T10:00:00Z",
    }
    names = {"card": card["uuid"], "suggestion": card["suggestions"][0]["uuid"]}
    for key, value in change.items():
        if value is None:
            item.pop(key, None)
        elif key == "acceptedSuggestions":
            item[key] = [{"id": v["id"].format(**names)} for v in value]
        else:
            item[key] = value
    url = f"{BASE}/thyref-order-sign/feedback"
    answer = ehr.post(url, json={"feedback": [item]}, headers=bearer(url))
    assert answer.status_code == 400, answer.text
    assert field in answer.json()["detail"]
    with cds_app.state.thyref.db.session() as db:
        assert db.scalars(select(CdsFeedback)).all() == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ([{"card": "x"}], "body"),  # an array, not the object the spec asks for
        ({"feedback": []}, "feedback"),  # "an object containing an array" of Feedback
        ({"feedback": "accepted"}, "feedback"),
    ],
)  # fmt: skip
def test_feedback_body_that_is_not_the_spec_object_is_400(
    ehr: TestClient, body: Any, field: str
) -> None:
    url = f"{BASE}/thyref-order-sign/feedback"
    answer = ehr.post(url, json=body, headers=bearer(url))
    assert answer.status_code == 400
    assert answer.json()["detail"].startswith(f"invalid feedback: {field}:")


def test_feedback_names_only_cards_of_that_service(ehr: TestClient) -> None:
    # a card of thyref-order-sign is not a card of thyref-patient-view; the same card
    # may be reported more than once (CDS Hooks 2.0: "multiple times for a card")
    card = _bleeding_card(ehr)["uuid"]
    item = {"card": card, "outcome": "overridden", "outcomeTimestamp": "2026-11-28T10:00:00Z"}
    for service, status in [("thyref-patient-view", 400), ("thyref-order-sign", 200)] * 2:
        url = f"{BASE}/{service}/feedback"
        answer = ehr.post(url, json={"feedback": [item]}, headers=bearer(url))
        assert answer.status_code == status, (service, answer.text)


def test_huge_feedback_is_refused_before_it_is_read(ehr: TestClient) -> None:
    # the body limit (settings.max_body_bytes, 6 MiB) answers 413, never 500
    url = f"{BASE}/thyref-order-sign/feedback"
    item = {"card": "x" * 1000, "outcome": "overridden", "outcomeTimestamp": "2026-11-28T10:00:00Z"}
    answer = ehr.post(url, json={"feedback": [item] * 7000}, headers=bearer(url))
    assert answer.status_code == 413


# --------------------------------------------------------------------------------------
# JWT


def _call(ehr: TestClient, headers: dict[str, str]) -> httpx.Response:
    patient_id, prefetch = _record()
    url = f"{BASE}/thyref-patient-view"
    return ehr.post(url, json=_hook("patient-view", patient_id, prefetch), headers=headers)


URL = f"{BASE}/thyref-patient-view"


@pytest.mark.parametrize(
    ("make", "why"),
    [
        ({}, "Bearer JWT is required"),  # no token at all
        (lambda: bearer(URL, iss="https://intruder.example"), "issuer not allowed"),  # wrong issuer
        (lambda: bearer(URL, lifetime=-600), "expired"),  # expired ten minutes ago
        (lambda: bearer(URL, key=OTHER_KEY), "bad signature"),  # signed with another key
        (lambda: bearer(f"{BASE}/thyref-order-sign"), "audience"),  # token for another service
        (lambda: bearer(URL, lifetime=3600), "five minutes"),  # lives too long
        ({"Authorization": "Bearer " + jwt.encode(  # HS256: not an allowed algorithm
            {"iss": ISSUER, "aud": URL}, "secret-key-of-32-bytes-at-least!", algorithm="HS256")},
         "algorithm"),
        ({"Authorization": "Bearer not-a-token"}, "not a JWT"),  # no dots at all
        ({"Authorization": "Bearer a.b.c.d"}, "not a JWT"),  # four segments
        ({"Authorization": "Bearer %%%.%%%.sig"}, "not a JWT"),  # not base64url
        ({"Authorization": "Bearer WzFd.e30.sig"}, "not a JWT"),  # header is a JSON list
        ({"Authorization": "Bearer e30.bm90IGpzb24.sig"}, "not a JWT"),  # payload not JSON
        ({"Authorization": "Bearer eyJhbGciOiJFUzM4NCJ9.W10.sig"}, "issuer not allowed"),  # a list
    ],
)  # fmt: skip
def test_jwt_failures_are_401(
    ehr: TestClient, make: dict[str, str] | Callable[[], dict[str, str]], why: str
) -> None:
    # signed tokens are made when the test runs, not at collection: a long suite would
    # otherwise see them expire first
    headers = make() if callable(make) else make
    answer = _call(ehr, headers)
    assert answer.status_code == 401
    assert why in answer.json()["detail"]


def test_the_audience_is_never_built_from_the_host_header(
    make_app: Callable[..., FastAPI],
) -> None:
    """security13 finding 9: without THYREF_CDS_URL the audience was the URL built from the
    request's Host header, so a token minted for another service of the same issuer at
    the same path (a test thyref) was accepted by sending that service's host name."""
    with pytest.raises(SettingError, match="THYREF_CDS_URL") as raised:
        make_app(cds_issuers={ISSUER: JWKS})  # issuers without the public URL: no app
    assert raised.value.key == "cds_url_missing"
    app = make_app(cds_issuers={ISSUER: JWKS}, cds_public_url="https://thyref.example.org/")
    client = TestClient(app)
    path = "/cds-services/thyref-patient-view"
    elsewhere = f"http://thyref-test.example.org{path}"  # another thyref, same issuer
    spoofed = {"Host": "thyref-test.example.org", **bearer(elsewhere)}
    refused = client.post(path, json=_hook("patient-view", *_record()), headers=spoofed)
    assert refused.status_code == 401
    assert "audience" in refused.json()["detail"]
    # the token for this service is accepted whatever Host the call came with, and the
    # cards link to the public URL, not to that host
    mine = {"Host": "thyref-test.example.org", **bearer(f"https://thyref.example.org{path}")}
    patient_id, prefetch = _record()
    answer = client.post(path, json=_hook("patient-view", patient_id, prefetch), headers=mine)
    assert answer.status_code == 200, answer.text
    card = answer.json()["cards"][0]
    assert card["source"]["url"] == "https://thyref.example.org/"
    assert card["links"][0]["url"] == f"https://thyref.example.org/cases/{patient_id}"


def test_without_issuers_the_public_url_may_stay_unset(make_app: Callable[..., FastAPI]) -> None:
    # `make run`: no issuer, no THYREF_CDS_URL; a token is refused for its issuer, and
    # open mode (no token) still answers, its links on the request's host
    closed = TestClient(make_app())
    assert "issuer not allowed" in _call(closed, bearer(URL)).json()["detail"]
    opened = _call(TestClient(make_app(cds_open=True)), {})
    assert opened.status_code == 200
    link = opened.json()["cards"][0]["links"][0]["url"]
    assert link.startswith("http://testserver/cases/")


@pytest.mark.parametrize(
    ("raw", "issuers", "expected"),
    [
        (None, {}, None),  # no issuer: not needed
        ("", {}, None),  # empty is unset
        (None, {ISSUER: JWKS}, "must be set when THYREF_CDS_ISSUERS is"),
        ("", {ISSUER: JWKS}, "must be set when THYREF_CDS_ISSUERS is"),
        ("https://thyref.example.org/", {ISSUER: JWKS}, "https://thyref.example.org"),
        ("https://gw.example.org/thyref", {ISSUER: JWKS}, "https://gw.example.org/thyref"),
        ("thyref.example.org", {ISSUER: JWKS}, "is not an http(s) URL"),  # no scheme
        ("ftp://thyref.example.org", {}, "is not an http(s) URL"),
        ("https://user:secret@thyref.example.org", {}, "must be a base URL"),
        ("https://thyref.example.org/?x=1", {}, "must be a base URL"),
    ],
)  # fmt: skip
def test_cds_url_setting(raw: str | None, issuers: dict[str, Any], expected: str | None) -> None:
    if expected is None or expected.startswith("https://"):
        assert check_cds_url(raw, issuers) == expected
    else:
        with pytest.raises(SettingError, match="THYREF_CDS_URL") as raised:
            check_cds_url(raw, issuers)
        assert expected in str(raised.value)
        assert "secret" not in str(raised.value)  # a password is never echoed


def test_replayed_jti_is_refused(ehr: TestClient) -> None:
    headers = bearer(URL, jti="same-jti")
    assert _call(ehr, headers).status_code == 200
    again = _call(ehr, headers)
    assert again.status_code == 401
    assert "replay" in again.json()["detail"]


def test_a_jti_longer_than_stored_is_refused_not_cut(ehr: TestClient) -> None:
    # two token ids alike in their first 200 characters were one id (cut when stored):
    # the second token was refused as a replay of the first
    first = _call(ehr, bearer(URL, jti="j" * 200 + "1"))
    assert first.status_code == 401
    assert "jti longer than 200 characters" in first.json()["detail"]
    assert _call(ehr, bearer(URL, jti="j" * 200)).status_code == 200  # 200: accepted


def test_a_token_in_its_leeway_is_not_accepted_again_after_the_purge(
    ehr: TestClient, cds_app: FastAPI
) -> None:
    """Tokens are accepted until ``exp`` + the leeway: their ids are kept as long (they
    were purged at ``exp``, and the same token was then accepted a second time)."""
    late = bearer(URL, lifetime=-(cds_auth.LEEWAY_SECONDS // 2))  # expired, in the leeway
    assert _call(ehr, late).status_code == 200
    cds_auth._purged_at[cds_app.state.thyref.db.url] = 0.0  # the purge interval is over
    assert _call(ehr, bearer(URL)).status_code == 200  # another call purges expired ids
    again = _call(ehr, late)
    assert again.status_code == 401
    assert "replay" in again.json()["detail"]


def test_rs384_is_accepted(ehr: TestClient) -> None:
    assert _call(ehr, bearer(URL, key=RSA_KEY, kid="rsa-1", alg="RS384")).status_code == 200


def test_jwks_fetched_from_the_issuer_url(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(
        cds_issuers={ISSUER: "https://ehr.example.org/.well-known/jwks.json"},
        cds_public_url=PUBLIC,
    )
    fetched: list[str] = []

    def serve(request: httpx.Request) -> httpx.Response:
        fetched.append(str(request.url))
        return httpx.Response(200, json=JWKS)

    app.state.cds_transport = httpx.MockTransport(serve)
    client = TestClient(app)
    assert _call(client, bearer(URL)).status_code == 200
    assert _call(client, bearer(URL)).status_code == 200
    assert fetched == ["https://ehr.example.org/.well-known/jwks.json"]  # cached


def test_open_mode_only_when_configured(make_app: Callable[..., FastAPI]) -> None:
    closed = TestClient(make_app())
    assert _call(closed, {}).status_code == 401
    opened = TestClient(make_app(cds_open=True))
    assert _call(opened, {}).status_code == 200


# --------------------------------------------------------------------------------------
# what is done once (issue 11 latency): JWKS parsing, jti store, identical chart data


def test_inline_jwks_is_parsed_once_and_again_when_it_changes() -> None:
    cache = JwksCache()
    client = httpx.AsyncClient()
    first = asyncio.run(cache.keys(ISSUER, JWKS, client))
    assert asyncio.run(cache.keys(ISSUER, JWKS, client)) is first  # not parsed again
    rotated = {"keys": [JWKS["keys"][1]]}  # the settings now hold the RSA key only
    keys = asyncio.run(cache.keys(ISSUER, rotated, client))
    assert [k.key_id for k in keys] == ["rsa-1"]


def test_jti_store_one_insert_and_expired_ids_purged_later(cds_app: FastAPI) -> None:
    db = cds_app.state.thyref.db
    now = time.time()
    # expired, and its leeway over
    old = {"jti": "old", "iss": ISSUER, "exp": now - cds_auth.LEEWAY_SECONDS - 10}
    remember_jti(db, old)
    with pytest.raises(CdsAuthError, match="replay"):
        remember_jti(db, old)  # not purged yet: still refused (stricter, never looser)
    cds_auth._purged_at[db.url] = 0.0  # the purge interval has passed
    remember_jti(db, {"jti": "new", "iss": ISSUER, "exp": now + 200})
    with db.session() as session:
        assert session.scalars(select(CdsTokenId.jti)).all() == ["new"]


def test_identical_chart_data_is_assessed_once(ehr: TestClient, cds_app: FastAPI) -> None:
    patient_id, prefetch = _record()
    body = _hook("patient-view", patient_id, prefetch)
    first = ehr.post(URL, json=body, headers=bearer(URL)).json()["cards"][0]
    second = ehr.post(URL, json=body, headers=bearer(URL)).json()["cards"][0]
    held = cds_app.state.cds_outcomes._held
    assert len(held) == 1  # one import, validation and assessment for both calls
    assert first["uuid"] != second["uuid"]  # cards are still new for every call
    assert {k: v for k, v in first.items() if k not in ("uuid", "suggestions")} == {
        k: v for k, v in second.items() if k not in ("uuid", "suggestions")
    }
    # another patient (same chart otherwise: another case id): another case
    other_id, other = _record("cds-other")
    ehr.post(URL, json=_hook("patient-view", other_id, other), headers=bearer(URL))
    assert len(held) == 2


def test_outcome_cache_is_bounded() -> None:
    cache = OutcomeCache(size=2)
    _, prefetch = _record()
    resources = [e["resource"] for e in prefetch["conditions"]["entry"]]
    for case_id in ("a-1", "a-2", "a-3"):
        cache.outcome([prefetch["patient"], *resources], case_id)
    assert len(cache._held) == 2


# --------------------------------------------------------------------------------------
# the EHR's access token goes to its own FHIR server only


def _fetching_hook(server: str) -> dict[str, Any]:
    patient_id, prefetch = _record()
    body = _hook("patient-view", patient_id, {"patient": prefetch["patient"]})
    body["fhirServer"] = server
    body["fhirAuthorization"] = {"access_token": "ehr-access-token", "token_type": "Bearer"}
    return body


@pytest.mark.parametrize(
    ("next_link", "status", "hosts"),
    [
        # a next page on the same server is followed (relative links too)
        ("https://ehr.example.org/fhir/page-2", 200, {"ehr.example.org"}),
        ("page-2", 200, {"ehr.example.org"}),
        # a next page elsewhere would receive the token: refused, never called
        ("https://collector.example.net/fhir/page-2", 412, {"ehr.example.org"}),
        ("http://ehr.example.org/fhir/page-2", 412, {"ehr.example.org"}),  # https -> http
    ],
)  # fmt: skip
def test_next_pages_stay_on_the_fhir_server(
    cds_app: FastAPI, next_link: str, status: int, hosts: set[str]
) -> None:
    _, prefetch = _record()
    called: set[str] = set()

    def fhir_server(request: httpx.Request) -> httpx.Response:
        called.add(request.url.host)
        if request.url.path.endswith("page-2"):
            return httpx.Response(200, json={"resourceType": "Bundle", "type": "searchset"})
        kind = request.url.path.removeprefix("/fhir/").split("/")[0]
        key = SEARCH_KEYS[kind]
        page = dict(prefetch[key] or {"resourceType": "Bundle", "type": "searchset"})
        page["link"] = [{"relation": "next", "url": next_link}]
        return httpx.Response(200, json=page)

    cds_app.state.cds_transport = httpx.MockTransport(fhir_server)
    url = f"{BASE}/thyref-patient-view"
    body = _fetching_hook("https://ehr.example.org/fhir")
    answer = TestClient(cds_app).post(url, json=body, headers=bearer(url))
    assert answer.status_code == status, answer.text
    assert called == hosts


LOCAL = "http://127.0.0.1:8080/fhir"  # a test FHIR server on this machine


@pytest.mark.parametrize(
    ("allowed", "server", "status"),
    [
        # this machine, a private network, link-local: only when THYREF_CDS_FHIR_SERVERS
        # names the server (open mode called any server on this machine: port probing,
        # the status each port answered echoed in the 412)
        ((), LOCAL, 412),
        ((), "http://localhost:22/", 412),
        ((), "http://[::1]:5432/fhir", 412),
        ((), "http://127.0.0.2:8080/fhir", 412),
        ((), "http://10.0.0.5/fhir", 412),
        ((), "http://192.168.1.10:8080/fhir", 412),
        ((), "http://169.254.169.254/latest/meta-data", 412),
        ((LOCAL,), LOCAL, 200),  # the local test server, named: called
        ((LOCAL,), "http://127.0.0.1:8081/fhir", 412),  # another port of the machine
        ((LOCAL,), "http://localhost:8080/fhir", 412),  # another spelling: another host
        # elsewhere, or not http(s): never (as before)
        ((), "https://ehr.example.org/fhir", 412),
        ((LOCAL,), "file:///etc/passwd", 412),
    ],
)  # fmt: skip
def test_open_mode_fetches_only_from_a_listed_fhir_server(
    make_app: Callable[..., FastAPI], allowed: tuple[str, ...], server: str, status: int
) -> None:
    _, prefetch = _record()
    app = make_app(cds_open=True, cds_fhir_servers=allowed)
    called: list[str] = []

    def fhir_server(request: httpx.Request) -> httpx.Response:
        called.append(str(request.url))
        kind = request.url.path.removeprefix("/fhir/").split("/")[0]
        key = SEARCH_KEYS[kind]
        return httpx.Response(200, json=prefetch[key])

    app.state.cds_transport = httpx.MockTransport(fhir_server)
    body = _fetching_hook(server)
    answer = TestClient(app).post(f"{BASE}/thyref-patient-view", json=body)
    assert answer.status_code == status, answer.text
    if status == 412:
        assert called == []  # nothing was called, no status echoed
        assert "fhirServer is not" in answer.json()["detail"]


@pytest.mark.parametrize(
    ("server", "status"),
    [
        # the allowed base (THYREF_CDS_FHIR_SERVERS), spelled otherwise, or a path below it
        (FHIR_SERVER, 200),
        ("https://EHR.example.org:443/fhir/", 200),
        (FHIR_SERVER + "/r4", 200),
        # cloud metadata, another internal host, a local file: never called (SSRF)
        ("http://169.254.169.254/latest/meta-data", 412),
        ("http://127.0.0.1:8080/fhir", 412),  # this machine: only when listed
        ("file:///etc/passwd", 412),
        # look-alikes of the allowed server: another host, a user part, a sibling path, a
        # dot segment, another scheme
        ("https://ehr.example.org.collector.net/fhir", 412),
        ("https://ehr.example.org@collector.net/fhir", 412),
        ("https://ehr.example.org/fhir-admin", 412),
        ("https://ehr.example.org/fhir/%2e%2e/admin", 412),
        ("http://ehr.example.org/fhir", 412),
    ],
)  # fmt: skip
def test_the_token_goes_only_to_an_allowed_fhir_server(
    cds_app: FastAPI, server: str, status: int
) -> None:
    _, prefetch = _record()
    called: list[str] = []

    def fhir_server(request: httpx.Request) -> httpx.Response:
        called.append(str(request.url))
        kind = request.url.path.rsplit("/", 1)[-1]
        return httpx.Response(200, json=prefetch[SEARCH_KEYS[kind]])

    cds_app.state.cds_transport = httpx.MockTransport(fhir_server)
    url = f"{BASE}/thyref-patient-view"
    answer = TestClient(cds_app).post(url, json=_fetching_hook(server), headers=bearer(url))
    assert answer.status_code == status, answer.text
    if status == 412:
        assert called == []  # the token was sent nowhere
        assert "fhirServer" in answer.json()["detail"]


def test_no_fhir_server_is_called_unless_configured(make_app: Callable[..., FastAPI]) -> None:
    # the safe default: THYREF_CDS_FHIR_SERVERS empty, the token is sent to no server
    app = make_app(cds_issuers={ISSUER: JWKS}, cds_public_url=PUBLIC)
    called: list[str] = []
    app.state.cds_transport = httpx.MockTransport(
        lambda request: called.append(str(request.url)) or httpx.Response(200, json={})
    )
    url = f"{BASE}/thyref-patient-view"
    answer = TestClient(app).post(url, json=_fetching_hook(FHIR_SERVER), headers=bearer(url))
    assert answer.status_code == 412
    assert "THYREF_CDS_FHIR_SERVERS" in answer.json()["detail"]
    assert called == []


@pytest.mark.parametrize(
    ("raw", "allowed"),
    [
        ("", ()),  # the default: none
        ("https://ehr.example.org/fhir/, https://b.example.org/r4",
         ("https://ehr.example.org/fhir", "https://b.example.org/r4")),
        ("http://localhost:8080/fhir", ("http://localhost:8080/fhir",)),  # this machine
        # CDS Hooks 2.0: "The scheme MUST be https when production data is exchanged"
        ("http://ehr.example.org/fhir", "must use https"),
        ("ftp://ehr.example.org/fhir", "is not an http(s) URL"),
        ("https://user:secret@ehr.example.org/fhir", "must be a base URL"),
        ("https://ehr.example.org/fhir?x=1", "must be a base URL"),
    ],
)  # fmt: skip
def test_fhir_servers_setting(raw: str, allowed: tuple[str, ...] | str) -> None:
    if isinstance(allowed, tuple):
        assert parse_fhir_servers(raw) == allowed
    else:
        with pytest.raises(ValueError, match="THYREF_CDS_FHIR_SERVERS") as raised:
            parse_fhir_servers(raw)
        assert allowed in str(raised.value)
        assert "secret" not in str(raised.value)  # a password is never echoed


def test_the_fhir_client_is_closed_when_the_app_stops(cds_app: FastAPI) -> None:
    # a prefetch fetched from the EHR opens the app's HTTP client; shutting the app
    # down (the lifespan's end) closes it, instead of leaving its connections open
    patient_id, prefetch = _record()
    cds_app.state.cds_transport = httpx.MockTransport(
        lambda request: httpx.Response(200, json=prefetch["patient"])
    )
    body = _hook("patient-view", patient_id, None)
    body["fhirServer"] = "https://ehr.example.org/fhir"
    body["fhirAuthorization"] = {"access_token": "t", "token_type": "Bearer"}
    url = f"{BASE}/thyref-patient-view"
    with TestClient(cds_app) as client:
        client.post(url, json=body, headers=bearer(url))
        opened = cds_app.state.cds_client
        assert not opened.is_closed
    assert opened.is_closed


# --------------------------------------------------------------------------------------
# one patient's request never uses another patient's data (interop audit, session 9)

_VARIANT = {
    "resourceType": "Observation",
    "id": "gv-1",
    "status": "final",
    "code": {"coding": [{"system": "http://loinc.org", "code": "69548-6"}]},
    "valueCodeableConcept": {"coding": [{"system": "http://loinc.org", "code": "LA9633-4"}]},
    "component": [
        {
            "code": {"coding": [{"system": "http://loinc.org", "code": "48018-6"}]},
            "valueCodeableConcept": {
                "coding": [{"system": "http://www.genenames.org/geneId", "code": "HGNC:1097"}]
            },
        }
    ],
}


@pytest.mark.parametrize(
    ("subject", "used"),
    [
        # another patient's result in the search: never used for this one
        ("Patient/someone-else", False),
        # no subject: whose result it is cannot be told, not used
        (None, False),
        # a subject named only by identifier cannot be checked either
        ({"identifier": {"value": "x"}}, False),
        # the same patient, as an absolute URL or a versioned reference: used
        ("https://ehr.example.org/fhir/Patient/{pid}", True),
        ("Patient/{pid}/_history/3", True),
    ],
)  # fmt: skip
def test_only_resources_of_the_context_patient_are_used(
    ehr: TestClient, subject: Any, used: bool
) -> None:
    # the demo record has no molecular result, so MOLECULAR-TESTING is proposed
    # (clinical-rules.md section 4: "no molecular entry and ... status refractory"); a
    # BRAF result of this patient removes it, one of another patient must not
    patient_id, prefetch = _record()
    variant = dict(_VARIANT)
    if isinstance(subject, str):
        variant["subject"] = {"reference": subject.format(pid=patient_id)}
    elif subject is not None:
        variant["subject"] = subject
    prefetch["observations"]["entry"].append({"resource": variant})
    url = f"{BASE}/thyref-patient-view"
    answer = ehr.post(url, json=_hook("patient-view", patient_id, prefetch), headers=bearer(url))
    assert answer.status_code == 200, answer.text
    (card,) = answer.json()["cards"]
    assert ("(MOLECULAR-TESTING)" not in card["detail"]) is used
    # a resource left out is counted with those not used (cds.detail.unmapped)
    assert ("1 ressource FHIR non utilisée" in card["detail"]) is not used


def test_a_record_of_another_patient_gives_no_card(ehr: TestClient) -> None:
    # every search answered with another patient's resources: nothing is this patient's
    patient_id, prefetch = _record()
    _, others = _record("cds-2")
    for resources in others.values():
        for entry in resources.get("entry", []) if resources else []:
            for key in ("subject", "patient"):
                if key in entry["resource"]:
                    entry["resource"][key] = {"reference": "Patient/someone-else"}
    others["patient"] = prefetch["patient"]
    url = f"{BASE}/thyref-patient-view"
    answer = ehr.post(url, json=_hook("patient-view", patient_id, others), headers=bearer(url))
    assert answer.json() == {"cards": []}


def _merged_prefetch(
    link: str, old_patient: str | None = None
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """The demo record whose Patient has a ``link`` of type ``link`` to the record
    ``old-1``, with a BRAF result filed under ``old-1`` (the old record's Patient in the
    patient key too when ``old_patient`` names its own link type)."""
    patient_id, prefetch = _record()
    prefetch["patient"]["link"] = [{"other": {"reference": "Patient/old-1"}, "type": link}]
    variant = dict(_VARIANT, subject={"reference": "https://ehr.example.org/fhir/Patient/old-1"})
    prefetch["observations"]["entry"].append({"resource": variant})
    if old_patient is not None:
        old = {
            "resourceType": "Patient",
            "id": "old-1",
            "active": False,
            "gender": prefetch["patient"].get("gender"),
            "link": [{"other": {"reference": f"Patient/{patient_id}"}, "type": old_patient}],
        }
        if "birthDate" in prefetch["patient"]:
            old["birthDate"] = prefetch["patient"]["birthDate"]
        bundle = {"resourceType": "Bundle", "type": "searchset", "entry": []}
        bundle["entry"] = [{"resource": prefetch["patient"]}, {"resource": old}]
        prefetch["patient"] = bundle
    return patient_id, prefetch, variant


@pytest.mark.parametrize(
    ("link", "old_patient", "used", "unused"),
    [
        # the patient's record replaces old-1 (FHIR R4 link-type replaces): old-1's results
        # are this patient's, as the Bundle importer reads them (session 13); they were
        # left out and counted as another patient's
        ("replaces", None, True, 0),
        # the same merge said by both records, the old one sent too (replaced-by): the old
        # Patient is no other patient (it was a 400); its demographics are not used (the
        # import lists it, patient_merged): one resource not used
        ("replaces", "replaced-by", True, 1),
        # a record only linked (seealso: "might overlap or contradict") is not merged:
        # its result is still left out and counted
        ("seealso", None, False, 1),
    ],
)  # fmt: skip
def test_results_of_a_record_merged_into_the_patient_are_used(
    ehr: TestClient, link: str, old_patient: str | None, used: bool, unused: int
) -> None:
    patient_id, prefetch, _ = _merged_prefetch(link, old_patient)
    url = f"{BASE}/thyref-patient-view"
    answer = ehr.post(url, json=_hook("patient-view", patient_id, prefetch), headers=bearer(url))
    assert answer.status_code == 200, answer.text
    (card,) = answer.json()["cards"]
    # the demo record has no molecular result: the BRAF result filed under old-1
    # removes MOLECULAR-TESTING only when it is read (as in the test above)
    assert ("(MOLECULAR-TESTING)" not in card["detail"]) is used
    assert ("1 ressource FHIR non utilisée" in card["detail"]) is (unused == 1)
    assert "ressources FHIR non utilisées" not in card["detail"]
    # the card says which record the result came from, as the import's note does
    said = "Fusion de dossiers dans le DPI (Patient.link)\u00a0: Patient/old-1\u00a0; 1 résultat"
    assert (said in card["detail"]) is used


def _merged_card_detail(ehr: TestClient, patient_id: str, prefetch: dict[str, Any]) -> str:
    """The detail of the one card a patient-view hook gives on ``prefetch``, in English."""
    url = f"{BASE}/thyref-patient-view"
    body = _hook("patient-view", patient_id, prefetch)
    answer = ehr.post(url, json=body, headers=bearer(url) | {"Accept-Language": "en"})
    (card,) = answer.json()["cards"]
    return str(card["detail"])


ONE_MERGED = "Record merge in the EHR (Patient.link): Patient/old-1; 1 result used as a result"


def test_a_merged_record_is_said_on_the_card_in_english(ehr: TestClient) -> None:
    patient_id, prefetch, _ = _merged_prefetch("replaces")
    assert ONE_MERGED in _merged_card_detail(ehr, patient_id, prefetch)


def test_two_merged_records_are_both_named_on_the_card(ehr: TestClient) -> None:
    # session 14 mutation run: the card names every merged record, comma-separated
    patient_id, prefetch, variant = _merged_prefetch("replaces")
    prefetch["patient"]["link"].append(
        {"other": {"reference": "Patient/old-2"}, "type": "replaces"}
    )
    second = dict(variant, id="braf-2", subject={"reference": "Patient/old-2"})
    prefetch["observations"]["entry"].append({"resource": second})
    said = "Record merge in the EHR (Patient.link): Patient/old-1, Patient/old-2; 2 results"
    assert said in _merged_card_detail(ehr, patient_id, prefetch)


def test_a_merged_record_named_by_a_long_address_is_named_on_the_card(
    ehr: TestClient,
) -> None:
    # session 14 mutation run (cds_cards._status_card mutant 125): the card read the merged
    # record's id back from the note's quoted reference, clipped at 80 characters for
    # display; an absolute address longer than that named no record ("Patient.link): ;")
    patient_id, prefetch, variant = _merged_prefetch("replaces")
    long = "https://ehr.example.org/" + "a-very-long-tenant-path/" * 3 + "fhir/r4/Patient/old-1"
    assert len(long) > 80
    variant["subject"] = {"reference": long}
    assert ONE_MERGED in _merged_card_detail(ehr, patient_id, prefetch)


def test_a_cached_outcome_is_assessed_on_the_day_it_was_keyed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # session 14 mutation run: the outcome of identical data is keyed by the day, and
    # its assessment (in any language, later) is made on that day
    class Day(date):
        @classmethod
        def today(cls) -> Day:
            return cls(2030, 1, 2)

    monkeypatch.setattr(cds_service, "date", Day)
    resources = [e["resource"] for e in case_to_bundle(demo_case("cds-day"))["entry"]]
    cache = cds_service.OutcomeCache()
    found = cache.outcome(resources, "cds-day")
    assert found.day == date(2030, 1, 2)
    assert cache.assessment(found, "en")["engine"]["as_of"] == "2030-01-02"


def test_an_epic_style_prefetch_of_a_merged_record_is_read_whole(ehr: TestClient) -> None:
    # tests/fhir/data/epic-style-merged-prefetch.json: the kept record replaces eMRN-old,
    # under which two Tg and the I-131 administration are filed; the searches answer by
    # resource type, as the service's prefetch templates ask
    bundle = json.loads((DATA / "epic-style-merged-prefetch.json").read_text(encoding="utf-8"))
    resources = [e["resource"] for e in bundle["entry"]]
    prefetch: dict[str, Any] = {
        key: {"resourceType": "Bundle", "type": "searchset", "entry": []}
        for key in SEARCH_KEYS.values()
    }
    for res in resources:
        if res["resourceType"] == "Patient":
            prefetch["patient"] = res
        else:
            prefetch[SEARCH_KEYS[res["resourceType"]]]["entry"].append({"resource": res})
    url = f"{BASE}/thyref-patient-view"
    body = _hook("patient-view", "eMRN-kept", prefetch)
    answer = ehr.post(url, json=body, headers=bearer(url))
    assert answer.status_code == 200, answer.text
    (card,) = answer.json()["cards"]
    # the two Tg and the I-131 of the old record are the patient's: said as such (they
    # were "3 ressources FHIR non utilisées", left out as another patient's)
    said = (
        "Fusion de dossiers dans le DPI (Patient.link)\u00a0: Patient/eMRN-old\u00a0; 3 résultats"
    )
    assert said in card["detail"]
    assert "non utilisée" not in card["detail"]


def test_a_patient_replaced_by_another_record_is_still_another_patient(ehr: TestClient) -> None:
    # old-1 says it was replaced by a third record, not by the patient in context: it is
    # another patient's record for this call (refused, as any other Patient)
    patient_id, prefetch, _ = _merged_prefetch("replaces", "replaced-by")
    prefetch["patient"]["entry"][1]["resource"]["link"][0]["other"]["reference"] = "Patient/x"
    prefetch["patient"]["entry"][0]["resource"]["link"] = []
    url = f"{BASE}/thyref-patient-view"
    answer = ehr.post(url, json=_hook("patient-view", patient_id, prefetch), headers=bearer(url))
    assert answer.status_code == 400
    assert "prefetch.patient holds a Patient other than context.patientId" in answer.text


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        # relative, absolute and versioned references to a Patient
        ("Patient/old-1", "old-1"),
        ("https://ehr.example.org/fhir/Patient/old-1", "old-1"),
        ("Patient/old-1/_history/3", "old-1"),
        # a trailing slash (session 14 mutation run)
        ("https://ehr.example.org/fhir/Patient/old-1/", "old-1"),
        # an id ending with an X is not cut
        ("Patient/MAX", "MAX"),
        # a reference to another kind of resource names no Patient
        ("Observation/tg-1", None),
        ("https://ehr.example.org/fhir/Observation/tg-1/_history/2", None),
        # not a FHIR id (a space; 65 characters)
        ("Patient/a b", None),
        ("Patient/" + "a" * 65, None),
        # no id at all
        ("Patient", None),
    ],
)
def test_the_patient_id_a_merged_record_link_names(reference: str, expected: str | None) -> None:
    # session 14 mutation run: cds_fetch._patient_id, which reads Patient.link.other and
    # the subject of results filed under a merged record
    assert cds_fetch._patient_id({"reference": reference}) == expected


def _patient(pid: str, *links: Any) -> dict[str, Any]:
    return {"resourceType": "Patient", "id": pid, "link": list(links)}


def _link(other: str, kind: str) -> dict[str, Any]:
    return {"other": {"reference": f"Patient/{other}"}, "type": kind}


@pytest.mark.parametrize(
    ("resources", "expected"),
    [
        # the patient's record replaces old-1, after a resource that is no Patient
        ([dict(_VARIANT), _patient("p", _link("old-1", "replaces"))], {"old-1"}),
        # old-1 says it is replaced by the patient's record
        ([_patient("old-1", _link("p", "replaced-by"))], {"old-1"}),
        # a link that is not an object, or without `other`, is skipped, not the rest
        ([_patient("p", "junk", _link("old-1", "replaces"))], {"old-1"}),
        ([_patient("p", {"type": "seealso"}, _link("old-1", "replaces"))], {"old-1"}),
        # the patient's record replaced by another, or only linked: no merge into it
        ([_patient("p", _link("new-1", "replaced-by"))], set()),
        ([_patient("p", _link("old-1", "seealso"), _link("old-2", "refer"))], set()),
        # another record replacing old-1 is not the patient's merge
        ([_patient("q", _link("old-1", "replaces"))], set()),
        # a record "replacing" itself is no other record
        ([_patient("p", _link("p", "replaces"))], set()),
        # nor one "replaced by" itself
        ([_patient("p", _link("p", "replaced-by"))], set()),
    ],
)
def test_the_records_merged_into_the_patient(
    resources: list[dict[str, Any]], expected: set[str]
) -> None:
    # session 14 mutation run: cds_fetch._merged_into (FHIR R4 Patient.link types)
    assert cds_fetch._merged_into(resources, "p") == expected


@pytest.mark.parametrize(
    ("res", "used"),
    [
        # the patient's own Patient, and that of a record merged into it
        (_patient("p"), True),
        (_patient("old-1"), True),
        # another patient's Patient
        (_patient("x"), False),
        # a result of the patient, of the merged record (subject, or patient), of another
        (dict(_VARIANT, subject={"reference": "Patient/p"}), True),
        (dict(_VARIANT, subject={"reference": "Patient/old-1"}), True),
        ({"resourceType": "AllergyIntolerance", "patient": {"reference": "Patient/old-1"}}, True),
        (dict(_VARIANT, subject={"reference": "Patient/x"}), False),
        # a Medication names no patient and is no one's data
        ({"resourceType": "Medication", "id": "m1"}, True),
        # a result naming no patient
        ({k: v for k, v in _VARIANT.items() if k != "subject"}, False),
    ],
)
def test_the_resources_of_a_merged_record_are_the_patients(res: dict[str, Any], used: bool) -> None:
    # session 14 mutation run: cds_fetch._of_patient with old-1 merged into p
    assert cds_fetch._of_patient(res, "p", frozenset({"old-1"})) is used


@pytest.mark.parametrize(
    ("resources", "expected"),
    [
        # the patient's record replaced by new-1 (FHIR R4 link-type replaced-by)
        ([dict(_VARIANT), _patient("p", _link("new-1", "replaced-by"))], {"new-1"}),
        # new-1 says it replaces the patient's record
        ([_patient("new-1", _link("p", "replaces"))], {"new-1"}),
        # a link that is not an object, or without `other`, is skipped, not the rest
        ([_patient("p", "junk", {"type": "replaced-by"}, _link("new-1", "replaced-by"))],
         {"new-1"}),
        # records merged into the patient's, or only linked: the patient's record is kept
        ([_patient("p", _link("old-1", "replaces"))], set()),
        ([_patient("old-1", _link("p", "replaced-by"))], set()),
        ([_patient("p", _link("new-1", "seealso"), _link("new-2", "refer"))], set()),
        # another record replaced by new-1 is not the patient's merge
        ([_patient("q", _link("new-1", "replaced-by"))], set()),
        # a record "replaced by" itself is no other record
        ([_patient("p", _link("p", "replaced-by"))], set()),
    ],
)  # fmt: skip
def test_the_records_the_patient_was_merged_into(
    resources: list[dict[str, Any]], expected: set[str]
) -> None:
    # session 15: cds_fetch._merged_away, _merged_into the other way
    assert cds_fetch._merged_away(resources, "p") == expected


def _merged_away_prefetch(
    own: bool, other: bool, ref: str = "Patient/new-1"
) -> tuple[str, dict[str, Any]]:
    """The demo record merged into new-1: said by its own Patient (``own``: replaced-by
    ``ref``) and/or by new-1's Patient sent beside it (``other``: replaces it)."""
    patient_id, prefetch = _record()
    if own:
        prefetch["patient"]["link"] = [{"other": {"reference": ref}, "type": "replaced-by"}]
    if other:
        new = {
            "resourceType": "Patient",
            "id": "new-1",
            "link": [{"other": {"reference": f"Patient/{patient_id}"}, "type": "replaces"}],
        }
        bundle = {"resourceType": "Bundle", "type": "searchset", "entry": []}
        bundle["entry"] = [{"resource": prefetch["patient"]}, {"resource": new}]
        prefetch["patient"] = bundle
    return patient_id, prefetch


# the words of the catalogue (cds.merged_away.*), with the records they name
MERGED_AWAY = {
    "fr": (
        "Dossier fusionné dans {new}\u00a0: thyref ne l'a pas évalué, ouvrez ce dossier",
        "Le DPI indique que ce dossier ({old}) a été fusionné dans le dossier {new} "
        "(Patient.link replaced-by)",
        "Ouvrez le dossier {new} dans le DPI\u00a0: thyref l'évaluera.",
    ),
    "en": (
        "Record merged into {new}: not assessed by thyref, open that record",
        "The EHR says this record ({old}) was merged into the record {new} "
        "(Patient.link replaced-by)",
        "Open the record {new} in the EHR: thyref will assess it there.",
    ),
}


@pytest.mark.parametrize(
    ("own", "other"),
    [
        # the patient's own Patient says it was replaced by new-1, new-1 not sent: the
        # import refused it (fhir_replaced_patient) and the EHR got no card at all
        (True, False),
        # both records say the merge, new-1's Patient sent too (it was a 400: "a Patient
        # other than context.patientId")
        (True, True),
        # only new-1 says it replaces the patient's record: the old record's data were
        # assessed as if current (the results since the merge are under new-1)
        (False, True),
    ],
)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_patient_merged_into_another_record_gets_a_card_naming_it(
    ehr: TestClient, own: bool, other: bool, lang: str
) -> None:
    patient_id, prefetch = _merged_away_prefetch(own, other)
    url = f"{BASE}/thyref-patient-view"
    body = _hook("patient-view", patient_id, prefetch)
    answer = ehr.post(url, json=body, headers=bearer(url) | {"Accept-Language": lang})
    assert answer.status_code == 200, answer.text
    (card,) = answer.json()["cards"]
    check_card(card)
    summary, merged, open_it = (
        w.format(old=f"Patient/{patient_id}", new="Patient/new-1") for w in MERGED_AWAY[lang]
    )
    assert card["summary"] == summary
    assert card["indicator"] == "warning"
    assert merged in card["detail"] and open_it in card["detail"]
    # nothing assessed: no status, no options to save, no link to a case
    assert "suggestions" not in card and "links" not in card


def test_a_patient_merged_into_two_records_gets_a_card_naming_both(ehr: TestClient) -> None:
    # unusual (one record replaced by two): both named, in the plural, and the detail
    # asks which is the active one
    patient_id, prefetch = _merged_away_prefetch(True, False)
    prefetch["patient"]["link"].append(
        {"other": {"reference": "Patient/new-2"}, "type": "replaced-by"}
    )
    url = f"{BASE}/thyref-patient-view"
    body = _hook("patient-view", patient_id, prefetch)
    answer = ehr.post(url, json=body, headers=bearer(url) | {"Accept-Language": "en"})
    (card,) = answer.json()["cards"]
    check_card(card)
    assert card["summary"] == (
        "Record merged into Patient/new-1, Patient/new-2: not assessed by thyref, "
        "open one of those records"
    )
    assert "was merged into 2 records, Patient/new-1, Patient/new-2" in card["detail"]
    assert "which of these records is the active one" in card["detail"]


def test_an_order_on_a_record_merged_into_another_is_not_checked(ehr: TestClient) -> None:
    # a kinase inhibitor ordered on the old record: the bleeding and molecular checks would
    # read part of the data; the card says the record to open instead
    patient_id, prefetch = _merged_away_prefetch(True, False)
    url = f"{BASE}/thyref-order-select"
    body = _hook(
        "order-select",
        patient_id,
        prefetch,
        draftOrders=_order("Lenvima", "L01EX08", patient_id=patient_id),
        selections=["MedicationRequest/rx-1"],
    )
    answer = ehr.post(url, json=body, headers=bearer(url) | {"Accept-Language": "en"})
    (card,) = answer.json()["cards"]
    check_card(card)
    assert card["summary"] == MERGED_AWAY["en"][0].format(new="Patient/new-1")


def test_a_merge_the_import_reads_but_the_hook_does_not_still_gets_the_card(
    ehr: TestClient,
) -> None:
    # replaced-by a urn:uuid reference (no Patient/<id> the hook reads): the import
    # refuses the record (fhir_replaced_patient, naming the reference) and the card names it
    ref = "urn:uuid:6f1c1b2e-0000-4000-8000-000000000001"
    patient_id, prefetch = _merged_away_prefetch(True, False, ref)
    url = f"{BASE}/thyref-patient-view"
    body = _hook("patient-view", patient_id, prefetch)
    answer = ehr.post(url, json=body, headers=bearer(url) | {"Accept-Language": "en"})
    (card,) = answer.json()["cards"]
    check_card(card)
    assert card["summary"].startswith(f"Record merged into {ref}: not assessed")


@pytest.mark.parametrize(
    "said",
    [
        # a Markdown link and an image the EHR's card viewer would draw (and fetch)
        "x](javascript:alert(1))![t](https:tracker.example?id",
        # raw HTML
        "<img src=x onerror=alert(1)>",
        # back quotes, which end a code span of fewer of them
        "a`b``c",
        # far longer than any record id: named clipped, not 5,000 characters three times
        "y" * 5000,
    ],
    ids=["markdown", "html", "backquotes", "long"],
)
def test_a_merged_record_that_is_no_fhir_id_is_named_as_text(ehr: TestClient, said: str) -> None:
    # security16: Patient.link is free text; the import names the record it replaced the
    # patient's by the reference's last segment, and the card put it into its detail (the
    # EHR shows it as Markdown) as is and whole
    patient_id, prefetch = _merged_away_prefetch(True, False, f"Patient/{said}")
    url = f"{BASE}/thyref-patient-view"
    body = _hook("patient-view", patient_id, prefetch)
    answer = ehr.post(url, json=body, headers=bearer(url) | {"Accept-Language": "en"})
    (card,) = answer.json()["cards"]
    check_card(card)
    assert card["summary"].startswith(f"Record merged into Patient/{said[:20]}")
    # the detail's code spans (CommonMark: a run of back quotes to the same run)
    spans = re.findall(r"(`+) (.+?) \1(?!`)", card["detail"])
    named = [text for _, text in spans]
    assert named and all(text.startswith(f"Patient/{said[:20]}") for text in named)
    assert all(len(text) <= 100 for text in named)
    # outside them, nothing of the reference: no link, image or tag
    outside = re.sub(r"(`+) .+? \1(?!`)", "", card["detail"])
    assert not {"[", "]", "<", ">", "`"} & set(outside), outside


@pytest.mark.parametrize(
    ("context", "detail"),
    [
        # the prefetch Patient is not the patient in context: refused, not answered
        ({"patientId": "someone-else"}, "prefetch.patient"),
        # patientId is required by patient-view (CDS Hooks 2.0 hook context)
        ({"patientId": None}, "context.patientId"),
        ({"patientId": "../Practitioner/1"}, "context.patientId"),  # not a FHIR id
        ({"patientId": 42}, "context.patientId"),
    ],
)  # fmt: skip
def test_patient_in_context_is_checked(
    ehr: TestClient, context: dict[str, Any], detail: str
) -> None:
    _, prefetch = _record()
    body = _hook("patient-view", "unused", prefetch)
    body["context"] |= context
    if context["patientId"] is None:
        del body["context"]["patientId"]
    url = f"{BASE}/thyref-patient-view"
    answer = ehr.post(url, json=body, headers=bearer(url))
    assert answer.status_code == 400
    assert detail in answer.json()["detail"]


@pytest.mark.parametrize(
    ("value", "field"),
    [
        # CDS Hooks 2.0: each prefetch value is "a FHIR resource" (a searchset Bundle for a
        # search) or null; another shape was read as "nothing found", and the card then
        # said that uptake data were missing although the EHR had sent them
        ([{"resourceType": "Observation"}], "prefetch.observations: not a FHIR resource"),
        (5, "prefetch.observations: not a FHIR resource"),
        ({"entry": []}, "prefetch.observations: not a FHIR resource"),
        ({"resourceType": "Bundle", "entry": {"resource": {}}}, "prefetch.observations.entry:"),
        ({"resourceType": "Bundle", "entry": [{"fullUrl": "urn:uuid:1"}]},
         "prefetch.observations.entry[0].resource"),
    ],
)  # fmt: skip
def test_a_prefetch_value_that_is_not_fhir_is_400(ehr: TestClient, value: Any, field: str) -> None:
    patient_id, prefetch = _record()
    prefetch["observations"] = value
    url = f"{BASE}/thyref-patient-view"
    answer = ehr.post(url, json=_hook("patient-view", patient_id, prefetch), headers=bearer(url))
    assert answer.status_code == 400, answer.text
    assert field in answer.json()["detail"]


@pytest.mark.parametrize(
    "access_token",
    [
        "jeton-é",  # not ASCII: was a 500 (UnicodeEncodeError building the header)
        "t\r\nX-Injected: 1",  # a header injection attempt
        "",  # RFC 6750 b64token: at least one character
    ],
)  # fmt: skip
def test_an_access_token_that_is_no_bearer_token_is_400(
    cds_app: FastAPI, access_token: str
) -> None:
    called: list[str] = []
    cds_app.state.cds_transport = httpx.MockTransport(
        lambda request: called.append(str(request.url)) or httpx.Response(200, json={})
    )
    body = _fetching_hook(FHIR_SERVER)
    body["fhirAuthorization"]["access_token"] = access_token
    url = f"{BASE}/thyref-patient-view"
    answer = TestClient(cds_app).post(url, json=body, headers=bearer(url))
    assert answer.status_code == 400
    assert "fhirAuthorization.access_token" in answer.json()["detail"]
    assert called == []


def test_a_prefetch_the_client_could_not_fetch_is_fetched_or_412(cds_app: FastAPI) -> None:
    # CDS Hooks 2.0: a client that fails to prefetch a key may send an OperationOutcome in
    # its place; that is no data (not "nothing found"): fetch it, else 412
    patient_id, prefetch = _record()
    failed = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": "timeout"}],
    }
    prefetch["observations"] = failed
    _, complete = _record()
    asked: list[str] = []

    def fhir_server(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        return httpx.Response(200, json=complete["observations"])

    cds_app.state.cds_transport = httpx.MockTransport(fhir_server)
    url = f"{BASE}/thyref-patient-view"
    body = _hook("patient-view", patient_id, prefetch)
    answer = TestClient(cds_app).post(url, json=body, headers=bearer(url))
    assert answer.status_code == 412
    assert "observations" in answer.json()["detail"]

    body["fhirServer"] = "https://ehr.example.org/fhir"
    body["fhirAuthorization"] = {"access_token": "t", "token_type": "Bearer"}
    answer = TestClient(cds_app).post(url, json=body, headers=bearer(url))
    assert answer.status_code == 200, answer.text
    assert asked == ["/fhir/Observation"]
    # the uptake Observations came from the server: refractory by DTC-NO-UPTAKE
    assert "DTC-NO-UPTAKE" in answer.json()["cards"][0]["summary"]


def test_a_prefetch_that_is_one_page_is_fetched_whole_or_412(cds_app: FastAPI) -> None:
    # CDS Hooks 2.0: prefetch data "MUST be submitted at once (e.g., no next page links
    # allowed)". A page with a next link (tests/fhir/data/prefetch-page.json: 57 results,
    # 20 a page) was read as the whole record: here the page holds no uptake Observation,
    # so the card said "indeterminate" where the record is refractory
    patient_id, prefetch = _record()
    page = json.loads((DATA / "prefetch-page.json").read_text(encoding="utf-8"))
    complete = prefetch["observations"]
    first = [e for e in complete["entry"] if "rai-uptake" not in json.dumps(e)]
    prefetch["observations"] = {**page, "entry": first}
    asked: list[str] = []

    def fhir_server(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        return httpx.Response(200, json=complete)

    cds_app.state.cds_transport = httpx.MockTransport(fhir_server)
    url = f"{BASE}/thyref-patient-view"
    body = _hook("patient-view", patient_id, prefetch)
    answer = TestClient(cds_app).post(url, json=body, headers=bearer(url))
    assert answer.status_code == 412, answer.text
    assert "'observations' is one page of the search" in answer.json()["detail"]

    body["fhirServer"] = FHIR_SERVER
    body["fhirAuthorization"] = {"access_token": "t", "token_type": "Bearer"}
    answer = TestClient(cds_app).post(url, json=body, headers=bearer(url))
    assert answer.status_code == 200, answer.text
    # the search was run again from its start, on the EHR's server, for that key only
    assert asked == ["/fhir/Observation"]
    assert "DTC-NO-UPTAKE" in answer.json()["cards"][0]["summary"]


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        # clinical-rules.md section 1: a lesion with rai_uptake unknown gives the missing
        # item lesions.rai_uptake; the card names it in words, its code beside them, and
        # the lesions it is about
        ("fr", "- Statut de fixation de l'iode 131 des lésions L1, L2 (lesions.rai_uptake)"),
        ("en", "- I-131 uptake status of lesions L1, L2 (lesions.rai_uptake)"),
    ],
)  # fmt: skip
def test_indeterminate_card_names_what_is_missing(ehr: TestClient, lang: str, line: str) -> None:
    case = demo_case("cds-4")
    for lesion in case["lesions"]:
        lesion["rai_uptake"] = "unknown"
    resources = [e["resource"] for e in case_to_bundle(case)["entry"]]
    patient = next(r for r in resources if r["resourceType"] == "Patient")
    url = f"{BASE}/thyref-patient-view"
    body = _hook("patient-view", patient["id"], None)
    body["prefetch"] = {key: None for key in cds_fetch.PREFETCH} | {
        "patient": patient,
        "conditions": {"resourceType": "Bundle", "type": "searchset", "entry": [
            {"resource": r} for r in resources if r["resourceType"] != "Patient"
        ]},
    }  # fmt: skip
    headers = {**bearer(url), "Accept-Language": lang}
    (card,) = ehr.post(url, json=body, headers=headers).json()["cards"]
    check_card(card)
    assert card["indicator"] == "info"
    assert line in card["detail"].splitlines()


@pytest.mark.parametrize(
    ("met", "worded"),
    [
        # one criterion: its words and code fit in 140 characters
        (["DTC-NO-UPTAKE"], True),
        # three criteria in words would pass 140 characters: the codes alone, never cut
        (["DTC-NO-UPTAKE", "DTC-PROGRESSION-12M", "DTC-CUMULATIVE-ACTIVITY"], False),
    ],
)
def test_status_summary_says_criteria_in_words_when_they_fit(met: list[str], worded: bool) -> None:
    request = _status_request()
    refractory = {"status": "refractory", "criteria_met": met, "missing_data": [],
                  "evidence": []}  # fmt: skip
    assessed = {"refractory": refractory, "recommendations": []}
    card = cds_cards._status_card(request, "en", {"id": "p1"}, assessed, 0, "p1")
    summary = card["summary"]
    assert len(summary) < 140 and "…" not in summary
    assert ("A lesion without I-131 uptake (DTC-NO-UPTAKE)" in summary) is worded
    assert all(code in summary for code in met)


@pytest.mark.parametrize(
    ("missing", "lang", "expected"),
    [
        # one missing item in words fits in 140 characters: said in words
        (["lesions.rai_uptake"], "en",
         "Radioiodine-refractory? Undetermined, missing: "
         "I-131 uptake status of at least one lesion"),
        # three labels would pass 140 characters: their count, never a label cut midway
        (["lesions.rai_uptake", "imaging_after_rai", "scans.adequate"], "en",
         "Radioiodine-refractory? Undetermined: 3 items missing, see the details"),
        # the same in French, the plural of the count
        (["lesions.rai_uptake", "imaging_after_rai", "scans.adequate"], "fr",
         "Réfractaire à l'iode 131\u00a0? Indéterminé\u00a0: 3 données manquantes, voir le détail"),
    ],
)  # fmt: skip
def test_indeterminate_summary_never_cuts_a_missing_item(
    missing: list[str], lang: Lang, expected: str
) -> None:
    from thyref.domain.messages import text

    request = _status_request()
    params = {"months": 12, "tsh": 30}
    labels = [text(f"missing.{code}", lang, params) for code in missing]
    refractory = {"status": "indeterminate", "criteria_met": [], "missing_data": missing,
                  "missing_data_labels": labels, "evidence": []}  # fmt: skip
    assessed = {"refractory": refractory, "recommendations": []}
    card = cds_cards._status_card(request, lang, {"id": "p1"}, assessed, 0, "p1")
    assert card["summary"] == expected
    # the detail still names each missing item in words with its code
    for label, code in zip(labels, missing, strict=True):
        assert f"- {label} ({code})" in card["detail"].splitlines()


def _status_request() -> Any:
    """A request to the patient-view service of an app whose secret key ("k") signs the
    card's uuid (cds_cards.new_card_uuid), for ``cds_cards._status_card`` alone."""
    from starlette.requests import Request

    app = SimpleNamespace(state=SimpleNamespace(thyref=SimpleNamespace(
        settings=SimpleNamespace(secret_key="k", cds_public_url=None))))  # fmt: skip
    return Request({"type": "http", "scheme": "http", "server": ("t", 80), "path": "/",
                    "headers": [], "query_string": b"", "root_path": "", "app": app,
                    "path_params": {"service_id": "thyref-patient-view"}})  # fmt: skip


# --------------------------------------------------------------------------------------
# a record beyond the rules' limits (security13 finding 8): a card saying so, not a 500,
# not silence, and no assessment of it


def _rai(count: int) -> list[dict[str, Any]]:
    """``count`` I-131 administrations, one a month from July 2012."""
    return [
        {"date": f"{2012 + (6 + i) // 12}-{(6 + i) % 12 + 1:02d}-02", "activity": 30,
         "unit": "mCi"}
        for i in range(count)
    ]  # fmt: skip


TOO_LONG = {
    "en": "Record too long to assess from the EHR: open thyref",
    "fr": "Dossier trop long pour être évalué depuis le DPI\u00a0: ouvrir thyref",
}


@pytest.mark.parametrize(
    ("lang", "beyond"),
    [
        ("en", "- rai: has 51 items; at most 50 are accepted"),
        ("fr", "- rai\u00a0: contient 51 éléments\u00a0; 50 au plus sont acceptés"),
    ],
)  # fmt: skip
def test_a_record_beyond_the_limits_gets_a_card_saying_so(
    ehr: TestClient, monkeypatch: pytest.MonkeyPatch, lang: str, beyond: str
) -> None:
    case = demo_case("cds-long")
    case["rai"] = _rai(51)  # the rules' [limits]: 50 I-131 administrations
    patient_id, prefetch = _record_of(case)
    validated: list[Any] = []
    real = cds_service.parse_case
    monkeypatch.setattr(
        cds_service, "parse_case", lambda *a, **kw: validated.append(a) or real(*a, **kw)
    )
    headers = {**bearer(URL), "Accept-Language": lang}
    answer = ehr.post(URL, json=_hook("patient-view", patient_id, prefetch), headers=headers)
    assert answer.status_code == 200, answer.text
    [card] = answer.json()["cards"]
    check_card(card)
    assert card["summary"] == TOO_LONG[lang]
    assert card["indicator"] == "warning"
    assert beyond in card["detail"].split("\n")
    assert card["links"][0]["url"] == f"{PUBLIC}/cases/{patient_id}"
    assert validated == []  # neither validated nor assessed: bounded work


def test_a_record_at_the_limits_is_assessed(ehr: TestClient) -> None:
    case = demo_case("cds-full")
    case["rai"] = _rai(50)
    patient_id, prefetch = _record_of(case)
    answer = ehr.post(URL, json=_hook("patient-view", patient_id, prefetch), headers=bearer(URL))
    [card] = answer.json()["cards"]
    assert card["summary"] != TOO_LONG["fr"]
    assert card["summary"].startswith("Cancer thyroïdien")  # the status card


def test_an_order_on_a_record_beyond_the_limits_gets_the_card(ehr: TestClient) -> None:
    case = demo_case("cds-long")
    case["rai"] = _rai(51)
    case["clinical"] = {"brain_metastases_bleeding_risk": True}
    patient_id, prefetch = _record_of(case)
    url = f"{BASE}/thyref-order-sign"
    order = _order("lenvatinib", "L01EX08", patient_id)
    body = _hook("order-sign", patient_id, prefetch, draftOrders=order)
    answer = ehr.post(url, json=body, headers={**bearer(url), "Accept-Language": "en"})
    assert answer.status_code == 200, answer.text
    # the bleeding check cannot be made on a record not read: said, not left silent
    assert [c["summary"] for c in answer.json()["cards"]] == [TOO_LONG["en"]]


@pytest.mark.parametrize(
    ("answer_of", "said"),
    [
        # observations: one answer of 7 MB, past the 6 MB a request body may have
        (lambda page: {"resourceType": "Bundle", "type": "searchset",
                       "padding": "x" * (7 * 2**20)},
         "The data read from the FHIR server pass 6 MB."),
        # observations: every page has a next page (was: the first ten read as the
        # whole record, silently)
        (lambda page: {"resourceType": "Bundle", "type": "searchset",
                       "link": [{"relation": "next", "url": f"Observation?page={page + 1}"}]},
         "A search on the FHIR server has more than 10 pages of results."),
    ],
)  # fmt: skip
def test_a_record_too_long_to_fetch_gets_the_card(
    cds_app: FastAPI, answer_of: Callable[[int], dict[str, Any]], said: str
) -> None:
    _, prefetch = _record()
    pages: list[str] = []

    def fhir_server(request: httpx.Request) -> httpx.Response:
        kind = request.url.path.removeprefix("/fhir/")
        if kind == "Observation":
            pages.append(str(request.url))
            return httpx.Response(200, json=answer_of(len(pages)))
        return httpx.Response(200, json=prefetch[SEARCH_KEYS[kind]])

    cds_app.state.cds_transport = httpx.MockTransport(fhir_server)
    headers = {**bearer(URL), "Accept-Language": "en"}
    answer = TestClient(cds_app).post(URL, json=_fetching_hook(FHIR_SERVER), headers=headers)
    assert answer.status_code == 200, answer.text
    [card] = answer.json()["cards"]
    check_card(card)
    assert card["summary"] == TOO_LONG["en"]
    assert said in card["detail"].split("\n")
    assert len(pages) <= 10  # never more pages than are read
