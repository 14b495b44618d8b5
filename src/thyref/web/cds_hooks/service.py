"""The CDS Hooks 2.0 service: discovery, the hook calls and feedback (the router)."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from thyref.domain import assess, parse_case
from thyref.domain.case import Case
from thyref.domain.messages import Lang, text
from thyref.errors import CaseError, Problem
from thyref.fhir.importer import bundle_to_case
from thyref.storage import Database
from thyref.storage.errors import check_length
from thyref.storage.models import CdsFeedback, utcnow
from thyref.web.case_input import size_problems
from thyref.web.cds_hooks.auth import _authenticate, _lang, _state
from thyref.web.cds_hooks.bodies import BadContext, FeedbackRequest, HookRequest
from thyref.web.cds_hooks.cards import _case_id, _merged_away_card, _status_card, _too_long_card
from thyref.web.cds_hooks.fetch import (
    FHIR_ID,
    PREFETCH,
    OtherPatient,
    PrefetchMissing,
    RecordTooLong,
    _patient_data,
)
from thyref.web.cds_hooks.orders import _draft_orders, _kinase_orders, _order_cards
from thyref.web.cds_hooks.uuids import ACCEPTED_MAX, feedback_problem

log = logging.getLogger("thyref.cds")

router = APIRouter(prefix="/cds-services", include_in_schema=False)
OUTCOMES_KEPT = 256  # assessments kept for identical chart data (per process)
SERVICES: dict[str, str] = {  # id -> hook
    "thyref-patient-view": "patient-view",
    "thyref-order-select": "order-select",
    "thyref-order-sign": "order-sign",
}


def _error(status: int, detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status)


@router.get("")
def discovery(request: Request) -> dict[str, Any]:
    lang = _lang(request)
    services = []
    for service_id, hook in SERVICES.items():
        key = "patient-view" if hook == "patient-view" else "order"
        services.append(
            {
                "hook": hook,
                "id": service_id,
                "title": text(f"cds.service.{key}.title", lang),
                "description": text(f"cds.service.{key}.description", lang),
                "prefetch": PREFETCH,
                "usageRequirements": "SMART on FHIR read access to the patient's record",
            }
        )
    return {"services": services}


@dataclass(slots=True)
class _Outcome:
    """What thyref made of one chart's data: the imported case (None: not a record thyref
    can read) and, per language, its assessment."""

    case: dict[str, Any] | None
    day: date
    unmapped: int = 0
    parsed: Case | None = None
    # results of records merged into the patient's (importer notes merged_record), and
    # those records, said on the card as the import says them
    merged_results: int = 0
    merged_records: tuple[str, ...] = ()
    assessments: dict[str, dict[str, Any]] = field(default_factory=dict)
    # the case's lists beyond the rules' [limits]: not validated nor assessed
    too_long: tuple[Problem, ...] = ()
    # the records the import says the patient's was replaced by (fhir_replaced_patient)
    replaced_by: tuple[str, ...] = ()


class OutcomeCache:
    """An EHR sends the same chart data at every opening: the import, validation and
    assessment of identical data (same resources, case id and day) are done once.

    Keyed by a SHA-256 of the data; bounded (least recently used dropped). The cards
    themselves (fresh uuids) are built for every request.
    """

    def __init__(self, size: int = OUTCOMES_KEPT) -> None:
        self.size = size
        self._held: OrderedDict[bytes, _Outcome] = OrderedDict()
        self._lock = threading.Lock()  # requests compute their outcomes in worker threads

    def outcome(self, resources: list[dict[str, Any]], case_id: str) -> _Outcome:
        today = date.today()
        try:
            data = orjson.dumps(
                [case_id, today.isoformat(), resources], option=orjson.OPT_SORT_KEYS
            )
        except TypeError:
            data = None
        key = hashlib.sha256(data).digest() if data is not None else None
        with self._lock:
            held = self._held.get(key) if key is not None else None
            if held is not None and key is not None:
                self._held.move_to_end(key)
                return held
        try:
            imported = bundle_to_case(resources, case_id=case_id)
            beyond = size_problems(imported.case)
            if beyond:
                # the limits POST /api/v1/assess applies: the domain's work on a longer
                # case grows past what one call may take (security13 finding 8)
                found = _Outcome(None, today, too_long=tuple(beyond))
            else:
                parsed = parse_case(imported.case, today=today)
                merged = [dict(n.params) for n in imported.notes if n.code == "merged_record"]
                found = _Outcome(
                    imported.case,
                    today,
                    len(imported.unmapped),
                    parsed,
                    len(merged),
                    tuple(sorted({m["record"] for m in merged})),
                )
        except CaseError as exc:
            log.info("CDS: no usable case (%s)", type(exc).__name__)
            replaced = sorted(
                dict(p.params)["other"]
                for p in getattr(exc, "problems", ())
                if p.code == "fhir_replaced_patient" and "other" in dict(p.params)
            )
            found = _Outcome(None, today, replaced_by=tuple(replaced))
        if key is not None:
            with self._lock:
                self._held[key] = found
                while len(self._held) > self.size:
                    self._held.popitem(last=False)
        return found

    @staticmethod
    def assessment(found: _Outcome, lang: Lang) -> dict[str, Any]:
        if lang not in found.assessments:
            assert found.parsed is not None
            found.assessments[lang] = assess(found.parsed, lang, today=found.day).to_json()
        return found.assessments[lang]


def _outcomes(request: Request) -> OutcomeCache:
    cache: OutcomeCache | None = getattr(request.app.state, "cds_outcomes", None)
    if cache is None:
        cache = request.app.state.cds_outcomes = OutcomeCache()
    return cache


async def _read_json(request: Request) -> Any:
    try:
        return orjson.loads(await request.body())
    except orjson.JSONDecodeError:  # also invalid UTF-8
        return None


BodyT = TypeVar("BodyT", bound=BaseModel)


async def _checked_call(
    service_id: str, request: Request, model: type[BodyT], what: str
) -> tuple[str, BodyT] | JSONResponse:
    """A known service, an authenticated caller and a body of ``model``; else the answer."""
    if service_id not in SERVICES:
        return _error(404, "no such CDS service")
    caller = await _authenticate(request)
    if isinstance(caller, JSONResponse):
        return caller
    request.state.cds_caller = caller
    try:
        return caller, model.model_validate(await _read_json(request))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "body"
        return _error(400, f"{what}: {where}: {first['msg']}")


@router.post("/{service_id}")
async def call_service(service_id: str, request: Request) -> JSONResponse:
    checked = await _checked_call(service_id, request, HookRequest, "invalid hook request")
    if isinstance(checked, JSONResponse):
        return checked
    _, hook = checked
    if hook.hook != SERVICES[service_id]:
        return _error(400, f"this service answers the {SERVICES[service_id]} hook")
    patient_id = hook.context.get("patientId")
    if not isinstance(patient_id, str) or not FHIR_ID.fullmatch(patient_id):
        # required by patient-view, order-select and order-sign (CDS Hooks 2.0 contexts)
        return _error(400, "invalid hook request: context.patientId: missing or not a FHIR id")
    kinase: list[tuple[str, str]] = []
    if hook.hook != "patient-view":
        try:
            kinase = _kinase_orders(hook, _draft_orders(hook, patient_id))
        except BadContext as exc:
            return _error(400, f"invalid hook request: {exc}")
        if not kinase:
            # nothing to say unless a kinase inhibitor is being ordered: the record is
            # not read (nor fetched with the EHR's token)
            return JSONResponse({"cards": []})
    lang = _lang(request)
    case_id = _case_id(hook.context)
    try:
        resources, others, merged_away = await _patient_data(request, hook, patient_id)
    except PrefetchMissing as exc:
        return _error(412, str(exc))
    except (OtherPatient, BadContext) as exc:
        return _error(400, f"invalid hook request: {exc}")
    except RecordTooLong as exc:
        return JSONResponse({"cards": [_too_long_card(request, lang, case_id, exc)]})
    if merged_away:
        # a record merged into another "must no longer be used": say so, assess nothing
        records = [f"Patient/{record}" for record in merged_away]
        card = _merged_away_card(request, lang, patient_id, records)
        return JSONResponse({"cards": [card]})
    # import, validation and assessment in a worker thread: the CPU they take grows with
    # the record (a 3 MB prefetch of 5,000 results held the event loop, so every other
    # request of the process, 0.6 s)
    found, a = await run_in_threadpool(
        _assessed, _outcomes(request), resources, case_id, lang, hook.hook
    )
    if found.too_long:
        too_long = RecordTooLong(found.too_long)
        return JSONResponse({"cards": [_too_long_card(request, lang, case_id, too_long)]})
    if found.replaced_by:  # the import found the merge (a link the hook did not read)
        card = _merged_away_card(request, lang, patient_id, list(found.replaced_by))
        return JSONResponse({"cards": [card]})
    if found.case is None:
        # not a thyroid cancer record we can read: no card (the spec's empty answer)
        return JSONResponse({"cards": []})
    if a is not None:
        unused = found.unmapped + others
        merged = (found.merged_results, found.merged_records)
        cards = [_status_card(request, lang, found.case, a, unused, patient_id, merged)]
    else:
        cards = _order_cards(request, lang, kinase, found.case)
    return JSONResponse({"cards": cards})


def _assessed(
    outcomes: OutcomeCache, resources: list[dict[str, Any]], case_id: str, lang: Lang, hook: str
) -> tuple[_Outcome, dict[str, Any] | None]:
    """The outcome of the chart's data and, for ``patient-view`` on a readable record,
    its assessment in ``lang`` (None otherwise)."""
    found = outcomes.outcome(resources, case_id)
    if found.case is None or hook != "patient-view":
        return found, None
    return found, outcomes.assessment(found, lang)


def _store_feedback(db: Database, service_id: str, client: str, body: FeedbackRequest) -> None:
    with db.session() as session:
        for item in body.feedback:
            reason = item.overrideReason.reason if item.overrideReason else None
            accepted = item.acceptedSuggestions or []
            session.add(
                CdsFeedback(
                    service_id=service_id,
                    card_uuid=item.card,
                    outcome=item.outcome,
                    # each suggestion once: a card has at most MAX_SUGGESTIONS, so they fit
                    # the column (the list was cut at 400 characters)
                    accepted_suggestions=check_length(
                        "acceptedSuggestions",
                        ",".join(dict.fromkeys(s.id.lower() for s in accepted)),
                        ACCEPTED_MAX,
                    ),
                    # the code only: a free-text comment could name the patient
                    override_reason=f"{reason.system}|{reason.code}" if reason else "",
                    outcome_at=item.outcome_at,  # naive UTC, as received_at
                    client=client[:200],
                    received_at=utcnow(),
                )
            )


@router.post("/{service_id}/feedback")
async def feedback(service_id: str, request: Request) -> JSONResponse:
    checked = await _checked_call(service_id, request, FeedbackRequest, "invalid feedback")
    if isinstance(checked, JSONResponse):
        return checked
    caller, body = checked
    problem = feedback_problem(_state(request).settings.secret_key, service_id, body)
    if problem is not None:
        return _error(400, f"invalid feedback: {problem}")
    await run_in_threadpool(_store_feedback, _state(request).db, service_id, caller, body)
    return JSONResponse({"stored": len(body.feedback)})
