"""The patient's data: the prefetch, else the EHR's FHIR server with the client's token,
else 412; records merged in the EHR, one patient only, and records too long to assess.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

import httpx
import orjson
from fastapi import Request

from thyref.errors import Problem
from thyref.web.cds_hooks.auth import _client, _state
from thyref.web.cds_hooks.bodies import BadContext, HookRequest

log = logging.getLogger("thyref.cds")

MAX_PAGES = 10  # pages of one search read from the EHR's FHIR server

_PATIENT = "{{context.patientId}}"
PREFETCH = {
    "patient": f"Patient/{_PATIENT}",
    "conditions": f"Condition?patient={_PATIENT}",
    "bodyStructures": f"BodyStructure?patient={_PATIENT}",
    "observations": f"Observation?patient={_PATIENT}",
    "iodine": f"MedicationAdministration?patient={_PATIENT}",
    "medications": f"MedicationStatement?patient={_PATIENT}&status=active",
}


class PrefetchMissing(Exception):
    """Data is missing and cannot be fetched: the answer is 412."""


class RecordTooLong(Exception):
    """The patient's record is beyond what one hook call assesses: the answer is a card
    saying so and pointing to thyref (never silence: a missing card reads as "nothing to
    say"; never a 500). ``problems``: the case's lists beyond the rules' ``[limits]``
    (as ``POST /api/v1/assess`` refuses them); ``megabytes``: the data read from the FHIR
    server passed the body limit; ``pages``: a search had more pages than are read."""

    def __init__(
        self,
        problems: tuple[Problem, ...] = (),
        megabytes: int | None = None,
        pages: int | None = None,
    ) -> None:
        super().__init__("record too long")
        self.problems = problems
        self.megabytes = megabytes
        self.pages = pages


class OtherPatient(Exception):
    """The prefetch holds a Patient other than ``context.patientId``: the answer is 400."""


FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")  # FHIR R4 id datatype
# resource types without a patient of their own (a Medication a MedicationAdministration
# leads to): every other resource must name the context's patient to be used
NOT_PATIENT_DATA = frozenset({"Medication"})


def _fill(template: str, context: Mapping[str, Any]) -> str:
    def value(match: re.Match[str]) -> str:
        found = context.get(match.group(1))
        if not isinstance(found, str) or not FHIR_ID.fullmatch(found):
            raise PrefetchMissing(f"context.{match.group(1)} is missing or not a FHIR id")
        return found

    return re.sub(r"\{\{context\.(\w+)\}\}", value, template)


def _failed(value: Any) -> bool:
    """A prefetch value that says the client could not fetch it: an OperationOutcome
    (CDS Hooks 2.0), alone or as an error entry of the search Bundle."""
    if not isinstance(value, dict):
        return False
    outcomes = [value] if value.get("resourceType") == "OperationOutcome" else []
    if value.get("resourceType") == "Bundle":
        outcomes = [r for r in _resources_of(value) if r.get("resourceType") == "OperationOutcome"]
        outcomes = [
            r
            for r in outcomes
            if any(
                isinstance(i, dict) and i.get("severity") in ("error", "fatal")
                for i in r.get("issue") or []
            )
        ]
    return bool(outcomes)


def _one_page(value: Any) -> bool:
    """A prefetch Bundle with a ``next`` link: one page of the search. CDS Hooks 2.0 asks
    the client for the whole result at once ("no next page links allowed"); a page alone
    would be read as the whole record (a thyroglobulin series cut short, a lesion
    missing), so the key is fetched as if absent, else the answer is 412."""
    if not isinstance(value, dict) or value.get("resourceType") != "Bundle":
        return False
    links = value.get("link")
    return any(
        isinstance(link, dict) and link.get("relation") == "next"
        for link in (links if isinstance(links, list) else [])
    )


def _names_patient(ref: Any, patient_id: str) -> bool:
    """``Patient/<id>`` (relative, absolute or with a ``_history`` version), or
    ``urn:uuid:<id>`` (a Patient whose id is that uuid, as thyref's own export writes)."""
    if not isinstance(ref, dict) or not isinstance(ref.get("reference"), str):
        return False
    target = ref["reference"].split("/_history/")[0]
    return target in (f"Patient/{patient_id}", f"urn:uuid:{patient_id}") or target.endswith(
        f"/Patient/{patient_id}"
    )


def _patient_id(ref: Any) -> str | None:
    """The id of the Patient a reference names (``Patient/<id>``, relative, absolute or
    versioned); None for any other reference."""
    if not isinstance(ref, dict) or not isinstance(ref.get("reference"), str):
        return None
    target: str = ref["reference"]
    parts = target.split("/_history/")[0].rstrip("/").split("/")
    if len(parts) >= 2 and parts[-2] == "Patient" and FHIR_ID.fullmatch(parts[-1]):
        return parts[-1]
    return None


def _merged_into(resources: list[dict[str, Any]], patient_id: str) -> frozenset[str]:
    """The ids of the records the EHR merged into the context's patient (FHIR R4
    link-type): those its Patient ``replaces``, and those whose own Patient is
    ``replaced-by`` it. Their results are the patient's own, filed under the old record;
    the importer reads them with a note naming that record, as from a Bundle
    (``bundle_to_case``). A record merged the other way (the context's Patient
    ``replaced-by`` another) or only linked (``seealso``, ``refer``) is not the
    patient's record: its resources are left out."""
    return _linked(resources, patient_id, "replaces", "replaced-by")


def _merged_away(resources: list[dict[str, Any]], patient_id: str) -> frozenset[str]:
    """The ids of the records the EHR merged the context's patient into (FHIR R4
    link-type, ``_merged_into`` the other way): those its own Patient is ``replaced-by``,
    and those whose Patient ``replaces`` it. The context's record then "must no longer be
    used": the results since the merge are filed under the other record, so nothing is
    assessed on it (``_merged_away_card``)."""
    return _linked(resources, patient_id, "replaced-by", "replaces")


def _linked(
    resources: list[dict[str, Any]], patient_id: str, own: str, theirs: str
) -> frozenset[str]:
    """The ids of the records the context's Patient links to with the link-type ``own``,
    and of those whose Patient links to it with ``theirs`` (the same link seen from the
    other record); never the context's own id."""
    found: set[str] = set()
    for res in resources:
        if res.get("resourceType") != "Patient":
            continue
        links = res.get("link")
        for link in links if isinstance(links, list) else []:
            other = _patient_id(link.get("other")) if isinstance(link, dict) else None
            if other is None:
                continue
            kind = link.get("type")
            if res.get("id") == patient_id and kind == own:
                found.add(other)
            elif other == patient_id and kind == theirs and isinstance(res.get("id"), str):
                found.add(res["id"])
    found.discard(patient_id)
    return frozenset(found)


def _of_patient(res: dict[str, Any], patient_id: str, merged: frozenset[str] = frozenset()) -> bool:
    """Whether a resource is the context's patient or names it (``subject``, ``patient``),
    or is a record merged into it (``_merged_into``) or names one.

    A resource of another patient, or of no patient we can tell, is never used: a card
    for one patient is never built on another's data."""
    kind = res.get("resourceType")
    if kind == "Patient":
        return res.get("id") == patient_id or res.get("id") in merged
    if kind in NOT_PATIENT_DATA:
        return True
    ref = res.get("subject") or res.get("patient")
    return _names_patient(ref, patient_id) or _patient_id(ref) in merged


def _resources_of(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, dict):
        return []
    if value.get("resourceType") == "Bundle":
        return [
            e["resource"]
            for e in value.get("entry") or []
            if isinstance(e, dict) and isinstance(e.get("resource"), dict)
        ]
    return [value]


def _given_resources(value: Any, where: str) -> list[dict[str, Any]]:
    """The resources of a prefetch value or a FHIR server's answer: ``null`` (nothing
    found), one resource, or a Bundle whose every entry holds one; ``BadContext``
    naming ``where`` otherwise. A value of another shape was read as "nothing found",
    and the card then said data were missing that the EHR had, in fact, sent."""
    if value is None:
        return []
    if not isinstance(value, dict) or not isinstance(value.get("resourceType"), str):
        raise BadContext(f"{where}: not a FHIR resource or Bundle")
    if value["resourceType"] != "Bundle":
        return [value]
    entries = value.get("entry", [])
    if not isinstance(entries, list):
        raise BadContext(f"{where}.entry: not a list")
    found = []
    for i, entry in enumerate(entries):
        res = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(res, dict) or not isinstance(res.get("resourceType"), str):
            raise BadContext(f"{where}.entry[{i}].resource: missing or not a FHIR resource")
        found.append(res)
    return found


def _under(url: str, base: str) -> bool:
    """Whether ``url`` is ``base`` or below it: same scheme, host and port, its path
    ``base``'s or under it (segment by segment, no ``..``), no user, no fragment."""
    try:
        target, root = httpx.URL(url), httpx.URL(base)
    except httpx.InvalidURL:
        return False
    if (
        target.userinfo
        or target.fragment
        or (target.scheme, target.host, target.port)
        != (
            root.scheme,
            root.host,
            root.port,
        )
    ):
        return False
    if {".", ".."} & set(unquote(target.path).split("/")):
        return False  # a dot segment the server would resolve outside the base
    prefix = root.path.rstrip("/")
    return target.path.rstrip("/") == prefix or target.path.startswith(prefix + "/")


def _fhir_base(request: Request, server: str) -> str:
    """The base URL thyref may send the EHR's token to for this ``fhirServer``: an entry
    of ``THYREF_CDS_FHIR_SERVERS`` it lies under, in open mode (no JWT: local testing) as
    with a JWT. ``PrefetchMissing`` otherwise: the token is never sent elsewhere (token
    leakage; SSRF to internal addresses such as 169.254.169.254). Open mode called any
    server on this machine: whoever could reach thyref could probe its local ports, the
    status each answered echoed in the 412 (security13 finding 12); a local test FHIR
    server is now named in the setting (``http://localhost:8080/fhir``)."""
    try:
        parts = httpx.URL(server)
    except httpx.InvalidURL as exc:
        raise PrefetchMissing("fhirServer is not a URL") from exc
    if parts.scheme not in ("http", "https"):
        raise PrefetchMissing("fhirServer is not an http(s) URL")
    if parts.query:
        raise PrefetchMissing("fhirServer is a base URL: no query")
    allowed: tuple[str, ...] = _state(request).settings.cds_fhir_servers
    base = next((b for b in allowed if _under(server, b)), None)
    if base is None:
        raise PrefetchMissing("fhirServer is not a FHIR server allowed by THYREF_CDS_FHIR_SERVERS")
    return base


async def _fetch(request: Request, hook: HookRequest, query: str) -> list[dict[str, Any]]:
    """The resources of one query on the EHR's FHIR server, following its ``next`` pages.

    The access token goes only to an allowed FHIR server (``_fhir_base``): a page link
    outside it is refused, not followed; redirects are not followed.
    """
    assert hook.fhirServer is not None and hook.fhirAuthorization is not None
    base = _fhir_base(request, hook.fhirServer)
    client = _client(request)
    headers = {
        "Accept": "application/fhir+json",
        "Authorization": f"Bearer {hook.fhirAuthorization.access_token}",
    }
    url: str | None = hook.fhirServer.rstrip("/") + "/" + query
    found: list[dict[str, Any]] = []
    limit = _state(request).settings.max_body_bytes
    for _page in range(MAX_PAGES):
        if url is None:
            break
        if not _under(url, base):
            raise PrefetchMissing("the FHIR server's next page is outside the allowed server")
        try:
            async with client.stream("GET", url, headers=headers) as response:
                if response.status_code == 404 and "?" not in query:
                    return found
                if response.status_code != 200:
                    raise PrefetchMissing(f"the FHIR server answered {response.status_code}")
                chunks = []
                # every answer of this call together is bounded as a request body is: a
                # record of more is not read whole (memory), nor imported (CPU)
                async for chunk in response.aiter_bytes():
                    request.state.cds_fetched = getattr(request.state, "cds_fetched", 0) + len(
                        chunk
                    )
                    if request.state.cds_fetched > limit:
                        raise RecordTooLong(megabytes=limit // 2**20)
                    chunks.append(chunk)
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise PrefetchMissing("the FHIR server cannot be reached") from exc
        try:
            body = orjson.loads(b"".join(chunks))
        except orjson.JSONDecodeError as exc:  # also too deep, or not UTF-8
            raise PrefetchMissing("the FHIR server answer is not JSON") from exc
        try:
            found += _given_resources(body, "answer")
        except BadContext as exc:
            raise PrefetchMissing(f"the FHIR server's {exc}") from None
        links = body.get("link") if isinstance(body, dict) else None
        following = next(
            (
                link.get("url")
                for link in links or []
                if isinstance(link, dict) and link.get("relation") == "next"
            ),
            None,
        )
        # a relative link is read against the page it came from
        url = str(httpx.URL(url).join(following)) if isinstance(following, str) else None
    if url is not None:
        # more pages than are read: the rest of the record would be missing, unsaid
        raise RecordTooLong(pages=MAX_PAGES)
    return found


async def _patient_data(
    request: Request, hook: HookRequest, patient_id: str
) -> tuple[list[dict[str, Any]], int, frozenset[str]]:
    """The resources of the context's patient, how many others were left out, and the
    records the EHR merged the patient's record into (``_merged_away``; then nothing is
    assessed).

    A prefetch key given as an OperationOutcome (the client could not fetch it) is
    fetched as if absent. A Patient other than ``context.patientId`` in the prefetch
    raises ``OtherPatient``, unless it is a record merged into it (``_merged_into``) or
    the one it was merged into (``_merged_away``); any other resource that names neither
    the patient nor a record merged into it is left out (counted with the resources not
    used)."""
    prefetch = hook.prefetch or {}
    given: dict[str, list[dict[str, Any]]] = {}
    for key in PREFETCH:
        value = prefetch.get(key)
        if key in prefetch and not _failed(value) and not _one_page(value):
            # given, possibly null (nothing found by the client)
            given[key] = _given_resources(value, f"prefetch.{key}")
    # a record merged into the patient's (Patient.link) may be sent beside it
    prefetched = [r for found in given.values() for r in found]
    sent = _merged_into(prefetched, patient_id) | _merged_away(prefetched, patient_id)
    for key, found in given.items():
        if any(
            r.get("resourceType") == "Patient" and r.get("id") not in (patient_id, *sent)
            for r in found
        ):
            raise OtherPatient(f"prefetch.{key} holds a Patient other than context.patientId")
    resources: list[dict[str, Any]] = []
    for key, template in PREFETCH.items():
        value = prefetch.get(key)
        if key in given:
            resources += given[key]
            continue
        if not hook.fhirServer or hook.fhirAuthorization is None:
            if key not in prefetch:
                state = "is missing"
            elif _one_page(value):
                state = "is one page of the search (a next link), not all of it,"
            else:
                state = "could not be fetched by the client"
            raise PrefetchMissing(f"prefetch {key!r} {state} and no FHIR server access is given")
        resources += await _fetch(request, hook, _fill(template, hook.context))
    # searches by patient may return the same resource twice (e.g. paging): keep one
    seen: set[tuple[str, str]] = set()
    unique = []
    others = 0
    merged = _merged_into(resources, patient_id)
    for res in resources:
        ident = (str(res.get("resourceType")), str(res.get("id")))
        if res.get("id") is not None and ident in seen:
            continue
        seen.add(ident)
        if not _of_patient(res, patient_id, merged):
            others += 1
            continue
        unique.append(res)
    if others:
        log.info("CDS: %d resource(s) not of the context's patient left out", others)
    return unique, others, _merged_away(resources, patient_id)
