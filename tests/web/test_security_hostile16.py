"""What a hostile or careless client could do to the web side, session 16 (security16
findings: /work/audit/security16/findings.md). Each group names its finding.
"""

from __future__ import annotations

import time
from typing import Any

from thyref.fhir.importer import structure

from .support import TestClient, fhir_bundle, fhir_patient


def _observation(bundle: dict[str, Any], ident: str, **fields: Any) -> dict[str, Any]:
    """An Observation of the Bundle's patient, as an entry to add to it."""
    resource = {
        "resourceType": "Observation",
        "id": ident,
        "status": "final",
        "subject": {"reference": fhir_patient(bundle)},
        "effectiveDateTime": "2015-01-01",
        **fields,
    }
    return {"resource": resource}


THYROGLOBULIN = {"coding": [{"system": "http://loinc.org", "code": "3013-0"}]}
BODY_WEIGHT = {"coding": [{"system": "http://loinc.org", "code": "29463-7"}]}


# ---------------------------------------------------------------- finding 1
# A lab value sent as text (valueString, "<0.1 ng/mL") was matched by a pattern with a
# run of whitespace allowed at its start and again after the optional comparator: a text
# of spaces that is no value made the matcher try every split of them, a time growing as
# the square of their number. Anyone may post FHIR to POST /api/v1/assess: 20,000 spaces
# and an "x" (a 40 KB request, one unit of the client's budget) held a CPU 4.6 s.


def test_a_lab_value_of_spaces_is_refused_at_once(anon: TestClient) -> None:
    bundle = fhir_bundle("h16-spaces", extra_observation=False)
    text = " " * 30_000 + "x"  # on the code before the fix: about 10 s of CPU
    bundle["entry"].append(_observation(bundle, "tg-1", code=THYROGLOBULIN, valueString=text))
    started = time.perf_counter()
    response = anon.post("/api/v1/assess", json=bundle, params={"lang": "en"})
    seconds = time.perf_counter() - started
    assert response.status_code == 200, response.text
    # the text is no value: listed with its words, as any other text
    (listed,) = [u for u in response.json()["unmapped"] if u["path"].endswith("tg-1)")]
    assert listed["reason"].startswith("Thyroglobulin: result given as text '    ")
    assert seconds < 2.0, seconds


# ---------------------------------------------------------------- finding 2
# The FHIR structure check keeps its verdict per resource content (an EHR resends the
# same resources at every chart opening), keyed by the resource's whole JSON, up to
# 8,192 resources of any size: each new large upload to POST /api/v1/assess stayed in
# the process for good (about 10 MB per 5 MB upload).


def test_a_large_resource_is_not_kept_by_the_structure_check(anon: TestClient) -> None:
    bundle = fhir_bundle("h16-large", extra_observation=False)
    resources = len(bundle["entry"])
    weight = {"value": 61, "unit": "kg"}
    note = [{"text": "x" * 200_000}]  # a long comment: the resource is still valid
    bundle["entry"].append(
        _observation(bundle, "weight-1", code=BODY_WEIGHT, valueQuantity=weight, note=note)
    )
    structure._checked.cache_clear()
    response = anon.post("/api/v1/assess", json=bundle)
    assert response.status_code == 200, response.text
    # the record's own resources are kept (each small), the large one is not
    assert 0 < structure._checked.cache_info().currsize <= resources
