"""The pure domain core: case model, RECIST 1.1, kinetics, refractoriness, options.

Nothing here imports web, storage, FHIR or CLI code. The public surface:

- ``load_case(text)``: JSON text or bytes -> ``Case`` (raises ``CaseFormatError`` or
  ``CaseValidationError`` from ``thyref.errors``);
- ``parse_case(obj)``: an already-decoded JSON object -> ``Case``;
- ``assess(case, lang="fr")``: ``Case`` -> ``Assessment`` (a pydantic model;
  ``assessment.to_json()`` is the ``case-format.md`` output object).
"""

from thyref.domain.assessment import Assessment, assess
from thyref.domain.case import Case, load_case, parse_case

__all__ = ["Assessment", "Case", "assess", "load_case", "parse_case"]
