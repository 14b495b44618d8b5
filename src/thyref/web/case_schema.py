"""JSON Schema of ``thyref-case/1`` for the OpenAPI document (documentation and fuzzing).

The domain's validator stays the authority: it also checks what a schema cannot
(dates not in the future, measurements of declared lesions, unit fitting the test).
"""

from __future__ import annotations

from typing import Any

_DATE: dict[str, Any] = {"type": "string", "format": "date", "example": "2015-03-01"}
_TRI: dict[str, Any] = {"type": ["boolean", "null"]}
_SITES = [
    "thyroid_bed",
    "lymph_node_cervical_central",
    "lymph_node_cervical_lateral",
    "lymph_node_mediastinal_upper",
    "lymph_node_mediastinal_lower",
    "lung",
    "pleura",
    "bone",
    "brain",
    "liver",
    "skin",
    "soft_tissue",
    "other",
]
_LAB_UNITS = [
    "ng/mL",
    "ug/L",
    "pg/mL",
    "ng/L",
    "mU/L",
    "mUI/L",
    "m[IU]/L",
    "IU/mL",
    "UI/mL",
    "[IU]/mL",
]

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
                "sex": {"enum": ["female", "male", "other", "unknown"]},
                "birth_year": {"type": "integer", "minimum": 1900, "maximum": 2100},
            },
        },
        "diagnosis": {
            "type": "object",
            "required": ["histology", "date"],
            "properties": {
                "histology": {
                    "enum": [
                        "papillary",
                        "follicular",
                        "oncocytic",
                        "poorly_differentiated",
                        "anaplastic",
                        "medullary",
                    ]
                },
                "date": _DATE,
                "extent": {"enum": ["locoregional", "locally_advanced", "metastatic"]},
                "primary_sample_date": _DATE,
            },
        },
        "rai": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["date", "activity", "unit"],
                "properties": {
                    "date": _DATE,
                    "activity": {"type": "number", "exclusiveMinimum": 0},
                    "unit": {"enum": ["mCi", "GBq", "MBq"]},
                    "response": {"enum": ["regressing", "stable", "progressing", "unknown"]},
                },
            },
        },
        "lesions": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "site"],
                "properties": {
                    "id": {"type": "string"},
                    "site": {"enum": _SITES},
                    "rai_uptake": {"enum": ["yes", "no", "unknown"]},
                    "recist_role": {"enum": ["target", "non_target"]},
                    "innumerable": {"type": "boolean"},
                    "symptomatic": _TRI,
                    "locally_treatable": _TRI,
                    "confirmed": {"type": "boolean"},
                },
            },
        },
        "imaging": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["date"],
                "properties": {
                    "date": _DATE,
                    "measurements": {
                        "type": "object",
                        "additionalProperties": {"type": "number", "minimum": 0},
                    },
                    "non_target": {
                        "type": "object",
                        "additionalProperties": {
                            "enum": ["present", "absent", "unequivocal_progression"]
                        },
                    },
                    "new_lesions": {"type": "boolean"},
                    "assessed_response": {"enum": ["CR", "PR", "SD", "PD", "NE"]},
                },
            },
        },
        "labs": {
            "type": "array",
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
                    "positive": {"type": "boolean"},
                    "below_detection": {"type": "boolean"},
                    "upper_limit": {"type": "number", "minimum": 0},
                },
            },
        },
        "molecular": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["gene"],
                "properties": {
                    "gene": {"type": "string"},
                    "alteration": {"type": "string"},
                    "kind": {"enum": ["mutation", "fusion", "amplification"]},
                    "origin": {"enum": ["somatic", "germline"]},
                    "sample": {"enum": ["primary", "metastasis", "blood"]},
                    "date": _DATE,
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
