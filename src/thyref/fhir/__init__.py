"""FHIR R4 / mCODE STU4 adapter: import a Bundle as a case, export a case as a Bundle.

An adapter beside ``web`` and ``storage``: it reads and writes the domain's case model;
the domain never imports it. Mapping documented in docs/fhir-mapping.md.
"""
