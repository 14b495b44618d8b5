"""FHIR R4 (mCODE STU4) -> a ``thyref-case/1`` case.

``bundle_to_case(bundle)`` reads a Bundle (collection, searchset, transaction...) or a list
of one patient's resources; ``ndjson_to_case(lines)`` reads per-patient NDJSON. Each
resource is checked against the R4 structure (``fhir.resources.R4B``), then mapped by its
standard codes (docs/fhir-mapping.md). What cannot be used is listed in
``ImportResult.unmapped`` with the resource's path, never dropped silently; assumptions
(e.g. a lymph node with no region taken as lateral cervical) are listed in ``notes``.
"""

from thyref.fhir.importer.bundle import bundle_to_case, is_fhir, ndjson_to_case
from thyref.fhir.importer.molecular import variant_of
from thyref.fhir.importer.state import FhirImportError, ImportResult

__all__ = [
    "FhirImportError",
    "ImportResult",
    "bundle_to_case",
    "is_fhir",
    "ndjson_to_case",
    "variant_of",
]
