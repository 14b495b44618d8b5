"""FHIR input on the import page and the assess API: a Bundle (JSON) or per-patient NDJSON
read into a ``thyref-case/1`` case by the FHIR adapter, with what it did not use.

``read_fhir`` answers None for anything that is not FHIR (a thyref case, broken JSON): the
caller then reads it as a case and reports its problems as before.
"""

from __future__ import annotations

from thyref.domain.case import MAX_BYTES
from thyref.errors import CaseFormatError
from thyref.fhir.importer import ImportResult, bundle_to_case, is_fhir, ndjson_to_case
from thyref.web.case_input import read_json


def _ndjson(data: str | bytes) -> ImportResult | None:
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError:
        return None
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 2:
        return None
    try:
        first = read_json(lines[0])
    except CaseFormatError:
        return None
    if not is_fhir(first):
        return None
    return ndjson_to_case(lines)


def read_fhir(data: str | bytes) -> ImportResult | None:
    """The case read from FHIR input, or None when the input is not FHIR.

    Raises ``FhirImportError`` (a ``CaseValidationError``) when the resources hold no
    usable case, ``CaseFormatError`` for FHIR that cannot be read.
    """
    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    if size > MAX_BYTES:
        return None  # the case reader says it is too large
    try:
        obj = read_json(data)
    except CaseFormatError:
        return _ndjson(data)
    if not is_fhir(obj):
        return None
    if not isinstance(obj, dict | list):
        return None
    return bundle_to_case(obj)
