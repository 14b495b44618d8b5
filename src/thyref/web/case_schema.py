"""JSON Schema of ``thyref-case/1`` for the OpenAPI document (documentation and fuzzing).

The domain's validator stays the authority: it also checks what a schema cannot
(dates not in the future, measurements of declared lesions, unit fitting the test).
"""

from __future__ import annotations

from typing import Any, get_args

from thyref.domain.case import Extent, Histology, LabUnit, Site
from thyref.domain.rules import load_rules
from thyref.domain.scans import Scan, ScanFinding

# What the schema says is invalid, the API refuses (schemathesis checks it): optional
# fields that may be null say so, dates are strings (the web layer refuses other types).
_DATE: dict[str, Any] = {"type": "string", "format": "date", "example": "2015-03-01"}
_DATE_OR_NULL: dict[str, Any] = {"type": ["string", "null"], "format": "date"}
_TRI: dict[str, Any] = {"type": ["boolean", "null"]}
_LIMITS = load_rules().limits


def _maybe(*values: str) -> dict[str, Any]:
    """One of ``values``, or null."""
    return {"enum": [*values, None]}


# Vocabularies come from the domain model, so the schema cannot drift from it.
_SITES = [site.value for site in Site]
_LAB_UNITS = list(get_args(LabUnit))
_HISTOLOGIES = [h.value for h in Histology]
_EXTENTS = [e.value for e in Extent]

CASE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "thyref-case/1",
    "required": ["format", "id", "diagnosis"],
    "properties": {
        "format": {"type": "string", "enum": ["thyref-case/1"]},
        "id": {"type": "string", "pattern": "^[A-Za-z0-9._-]{1,64}$"},
        "patient": {
            "type": "object",
            "properties": {
                "sex": _maybe("female", "male", "other", "unknown"),
                "birth_year": {"type": ["integer", "null"], "minimum": 1900, "maximum": 2100},
            },
        },
        "diagnosis": {
            "type": "object",
            "required": ["histology", "date"],
            "properties": {
                "histology": {"enum": _HISTOLOGIES},
                "date": _DATE,
                "extent": _maybe(*_EXTENTS),
                "primary_sample_date": _DATE_OR_NULL,
            },
        },
        "rai": {
            "type": "array",
            "maxItems": _LIMITS.rai,
            "items": {
                "type": "object",
                "required": ["date", "activity", "unit"],
                "properties": {
                    "date": _DATE,
                    "activity": {"type": "number", "exclusiveMinimum": 0},
                    "unit": {"enum": ["mCi", "GBq", "MBq"]},
                    "response": _maybe("regressing", "stable", "progressing", "unknown"),
                },
            },
        },
        "lesions": {
            "type": "array",
            "maxItems": _LIMITS.lesions,
            "items": {
                "type": "object",
                "required": ["id", "site"],
                "properties": {
                    "id": {"type": "string", "minLength": 1, "maxLength": 64},
                    "site": {"enum": _SITES},
                    "rai_uptake": {"enum": ["yes", "no", "unknown"]},
                    "recist_role": _maybe("target", "non_target"),
                    "innumerable": {"type": "boolean"},
                    "symptomatic": _TRI,
                    "locally_treatable": _TRI,
                    "confirmed": {"type": "boolean"},
                },
            },
        },
        "imaging": {
            "type": "array",
            "maxItems": _LIMITS.imaging,
            "items": {
                "type": "object",
                "required": ["date"],
                "properties": {
                    "date": _DATE,
                    "measurements": {
                        "type": "object",
                        "maxProperties": _LIMITS.per_scan,
                        "additionalProperties": {"type": "number", "minimum": 0, "maximum": 1000},
                    },
                    "non_target": {
                        "type": "object",
                        "maxProperties": _LIMITS.per_scan,
                        "additionalProperties": {
                            "enum": ["present", "absent", "unequivocal_progression"]
                        },
                    },
                    "new_lesions": {"type": "boolean"},
                    "assessed_response": _maybe("CR", "PR", "SD", "PD", "NE"),
                },
            },
        },
        "labs": {
            "type": "array",
            "maxItems": _LIMITS.labs,
            "items": {
                "type": "object",
                "required": ["date", "test", "value", "unit"],
                "properties": {
                    "date": _DATE,
                    "test": {
                        "enum": ["thyroglobulin", "tg_antibodies", "tsh", "calcitonin", "cea"]
                    },
                    "value": {"type": "number", "minimum": 0},
                    "unit": {"enum": _LAB_UNITS},
                    "positive": _TRI,
                    "below_detection": {"type": "boolean"},
                    "upper_limit": {"type": ["number", "null"], "minimum": 0},
                },
            },
        },
        "molecular": {
            "type": "array",
            "maxItems": _LIMITS.molecular,
            "items": {
                "type": "object",
                "required": ["gene"],
                "properties": {
                    "gene": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9-]*$"},
                    "alteration": {"type": ["string", "null"]},
                    "kind": _maybe("mutation", "fusion", "amplification"),
                    "origin": _maybe("somatic", "germline"),
                    "sample": _maybe("primary", "metastasis", "blood"),
                    "date": _DATE_OR_NULL,
                },
            },
        },
        "scans": {
            "type": "array",
            "maxItems": _LIMITS.scans,
            "description": "Whole-body iodine scans; a lesion's rai_uptake defaults to its "
            "latest yes/no finding",
            "items": {
                "type": "object",
                "required": ["date", "kind"],
                "properties": {
                    "date": _DATE,
                    "kind": {"enum": list(get_args(Scan.model_fields["kind"].annotation))},
                    "rai_date": _DATE,
                    "preparation": {"enum": ["withdrawal", "rhtsh", "unknown"]},
                    "tsh": {"type": "number", "minimum": 0},
                    "iodine_contamination": {"enum": ["none", "suspected", "confirmed", "unknown"]},
                    "findings": {
                        "type": "object",
                        "maxProperties": _LIMITS.per_scan,
                        "additionalProperties": {"enum": list(get_args(ScanFinding))},
                    },
                },
            },
        },
        "clinical": {
            "type": "object",
            "properties": {
                "symptomatic": _TRI,
                "locally_treatable": _TRI,
                "standard_treatment_possible": _TRI,
                "brain_metastases_bleeding_risk": _TRI,
                "on_systemic_therapy": {"type": ["string", "null"]},
            },
        },
    },
}
