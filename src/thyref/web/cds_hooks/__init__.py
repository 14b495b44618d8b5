"""CDS Hooks 2.0: discovery, ``patient-view``, ``order-select`` / ``order-sign``, feedback.

The EHR (CDS client) sends FHIR data (prefetch, or a FHIR server and token to fetch it);
the FHIR adapter turns it into a case, the domain assesses it and the answer is a list of
cards (https://cds-hooks.hl7.org/2.0/). Every call but discovery carries a JWT signed by
an allowed issuer (ES384 or RS384, checked against the issuer's JWKS, ``aud`` = the URL
called under ``THYREF_CDS_URL``, ``exp``, ``jti`` never reused); ``open`` mode, without
JWT, is for local testing only and must be switched on explicitly (``THYREF_CDS_OPEN=1``).
"""

from thyref.web.cds_hooks.service import router

__all__ = ["router"]
