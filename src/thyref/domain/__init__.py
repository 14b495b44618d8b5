"""The pure domain core: case model, RECIST 1.1, kinetics, refractoriness, options.

Nothing here imports web, storage, FHIR or CLI code. The public surface:

- ``load_case(text)``: JSON text or bytes -> ``Case`` (raises ``CaseFormatError`` or
  ``CaseValidationError`` from ``thyref.errors``);
- ``parse_case(obj)``: an already-decoded JSON object -> ``Case``;
- ``assess(case, lang="fr", definition=None)``: ``Case`` -> ``Assessment``
  (``assessment.to_json()`` is the ``case-format.md`` output object); every definition of
  refractory disease (one rules file each: ``tuthyref-2021``, ``ata-2015``) is judged, and
  ``definition`` names the primary one (default: the rules file's own).
"""

from thyref.domain.assessment import Assessment, assess
from thyref.domain.case import Case, load_case, parse_case

__all__ = ["Assessment", "Case", "assess", "load_case", "parse_case"]
