"""Why a FHIR resource (or part of one) was not taken into a case, in the reader's language.

The importer records each part it leaves as an ``Unmapped``: the resource path, a code
from ``Unused`` (the catalogue key ``fhir.unused.<code>`` in ``data/messages.toml``) and
the values that sentence quotes. ``reason`` is the English sentence (logs, JSON, the API's
``reason`` field); ``unmapped_text(item, lang)`` says it in French or English.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal, get_args

from thyref.domain.messages import Lang, catalogue, has, quoted, text

Unused = Literal[
    # the resource itself
    "not_json",
    "no_resource_type",
    "unknown_resource_type",
    "invalid_resource",
    "resource_type",
    "assessment_output",
    "status",
    "duplicate",
    "deleted_entry",
    "server_message",
    "next_page",
    # conditions and lesions
    "verification_status",
    "not_thyroid_cancer",
    "second_primary",
    "onset_partial",
    "secondary_without_site",
    "clinical_status",
    "lesion_inactive",
    "body_site_unknown",
    "body_site_missing",
    "lymph_node_region",
    "lesion_id_twice",
    "metastasis_as_lesion",
    "patient_merged",
    "merged_record",
    "patient_link",
    "datetime_no_zone",
    "datetime_spelling",
    "datetime_end_of_day",
    # observations
    "observation_not_final",
    "data_absent",
    "disease_status",
    "observation_code",
    "observation_no_code",
    "size_no_date",
    "size_no_lesion",
    "size_no_value",
    "size_twice",
    "scan_no_date",
    "scan_value_unknown",
    "scan_value_missing",
    "scan_tsh",
    "scan_no_kind",
    "finding_unlinked",
    "finding_no_value",
    "finding_twice",
    "lab_no_date",
    "lab_no_value",
    "lab_text",
    "lab_value_text",
    "lab_stimulated",
    "lab_issued_only",
    "lab_unit_unknown",
    "lab_unit_missing",
    "comparator",
    "comparator_above",
    "interpretation",
    "interpretation_test",
    "reference_high_unit",
    "reference_high_no_unit",
    "variant_absent",
    "variant_no_gene",
    "variant_dna_change",
    "variant_component",
    "uptake_no_value",
    "non_target_status",
    "response",
    "own_code_incomplete",
    # medicines and imaging
    "not_iodine",
    "iodine_use_unknown",
    "medication_unresolved",
    "rai_incomplete",
    "rai_unit",
    "rai_unit_converted",
    "rai_unit_display",
    "statement_unusable",
    "second_medicine",
    "imaging_no_date",
    # patient, reports, procedures
    "patient_deceased",
    "report_result_missing",
    "report_contained",
    "report_conclusion",
    "report_document",
    "member_missing",
    "procedure_activity",
]
UNUSED: tuple[Unused, ...] = get_args(Unused)
PREFIX = "fhir.unused."

# a value that is a thyref vocabulary word is also said in words: {site} -> {site_name}
_WORDS = (("site", "site."), ("test", "vocab.test."))


@dataclass(frozen=True, slots=True)
class Unmapped:
    """A resource (or part of one) that was not used, and why.

    ``reason`` is English; ``code`` (an ``Unused``) and ``params`` let a reader's language
    say it (``unmapped_text``). Build one with ``Unmapped.of(path, code, **values)``.
    """

    path: str
    reason: str
    code: str = ""
    params: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, path: str, code: Unused, /, **params: object) -> Unmapped:
        """The item at ``path`` left for ``code``; its English ``reason`` from the catalogue."""
        item = cls(path, "", code, tuple((name, str(value)) for name, value in params.items()))
        return replace(item, reason=unmapped_text(item, "en"))

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "reason": self.reason}

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def unmapped_text(item: Unmapped, lang: Lang = "fr") -> str:
    """Why ``item`` was not used, in ``lang`` (its ``reason`` when it has no catalogue code)."""
    key = PREFIX + item.code
    if not item.code or key not in catalogue()[lang]:
        return item.reason
    params: dict[str, str] = dict(item.params)
    for name, prefix in _WORDS:
        word = params.get(name)
        if word is not None:
            params[f"{name}_name"] = text(prefix + word, lang) if has(prefix + word, lang) else word
    if "problem" in params:
        params["detail"] = _detail(params, lang)
    return text(key, lang, params)


def _detail(params: dict[str, str], lang: Lang) -> str:
    """The structure checker's complaint: ours when the catalogue has it, else its own words."""
    for key in (f"{PREFIX}detail.{params['problem']}", f"problem.{params['problem']}"):
        if key in catalogue()[lang]:
            said = text(key, lang, quoted(params, params["problem"], lang))
            if "{" not in said:  # a value that sentence quotes is missing: the checker's words
                return said
    return params.get("detail", "")
