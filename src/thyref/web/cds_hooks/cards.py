"""The cards of ``patient-view``: the refractoriness status, and the warnings (a record too
long, a record merged into another).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import Any

from fastapi import Request

from thyref.domain.case import ID_PATTERN
from thyref.domain.messages import Lang, colon, plural, problem_text, text
from thyref.fhir.exporter import options_care_plan
from thyref.fhir.importer.values import _clip
from thyref.web.cds_hooks.auth import _state, _thyref_url
from thyref.web.cds_hooks.fetch import FHIR_ID, RecordTooLong
from thyref.web.cds_hooks.uuids import new_card_uuid, suggestion_uuid

SUMMARY_LIMIT = 140


def _summary(sentence: str) -> str:
    return sentence if len(sentence) < SUMMARY_LIMIT else sentence[: SUMMARY_LIMIT - 2] + "…"


def _card(
    request: Request, lang: Lang, summary: str, indicator: str, detail: str, **extra: Any
) -> dict[str, Any]:
    source = {"label": text("cds.source", lang), "url": _thyref_url(request)}
    secret = _state(request).settings.secret_key
    service_id = request.path_params["service_id"]
    card = new_card_uuid(secret, service_id)
    for rank, suggestion in enumerate(extra.get("suggestions", [])):
        # the uuid the EHR's feedback names when the user accepts it (tied to the card)
        suggestion["uuid"] = suggestion_uuid(secret, service_id, card, rank)
    return {
        "uuid": card,
        "summary": _summary(summary),
        "indicator": indicator,
        "detail": detail,
        "source": source,
        **extra,
    }


RECORD_SAID_MAX = 100  # characters of a record reference that is no Patient/<FHIR id>


def _record_said(name: str, markdown: bool) -> str:
    """A record as a card names it: ``Patient/<id>`` as is. Any other reference, as the
    EHR wrote it in ``Patient.link`` (free text: the import names the record it cannot
    resolve by the reference's last segment), on one line and clipped; in the detail,
    which the EHR shows as Markdown (CDS Hooks 2.0, Card.detail), inside a code span, so
    it is shown as written and never read as a link, an image or HTML (a reference
    ``Patient/x](javascript:...)`` or ``Patient/![t](https:host)`` was put into the detail
    as is, and whole, however long; security16)."""
    if name.startswith("Patient/") and FHIR_ID.fullmatch(name.removeprefix("Patient/")):
        return name
    said = _clip(name, RECORD_SAID_MAX)
    if not markdown:
        return said
    fence = "`" * (max((len(run) for run in re.findall("`+", said)), default=0) + 1)
    return f"{fence} {said} {fence}"  # a space inside each end: CommonMark strips one


def _case_id(context: Mapping[str, Any]) -> str:
    patient = context.get("patientId")
    if isinstance(patient, str) and re.fullmatch(ID_PATTERN, patient):
        return patient
    return "cds-" + uuid.uuid5(uuid.NAMESPACE_URL, str(patient)).hex[:12]


def _case_link(request: Request, case_id: str, lang: Lang) -> dict[str, Any]:
    base = _thyref_url(request).rstrip("/")
    return {
        "label": text("cds.link.case", lang),
        "url": f"{base}/cases/{case_id}",
        "type": "absolute",
    }


def _status_card(
    request: Request,
    lang: Lang,
    case: dict[str, Any],
    a: dict[str, Any],
    unmapped: int,
    patient_id: str,
    merged: tuple[int, tuple[str, ...]] = (0, ()),
) -> dict[str, Any]:
    refractory = a["refractory"]
    status = refractory["status"]
    missing = ", ".join(refractory.get("missing_data_labels") or []) or ", ".join(
        refractory["missing_data"]
    )
    # each criterion in words with its code beside them when the summary keeps its 140
    # characters (CDS Hooks), the codes alone otherwise (the detail says them in words)
    # and the missing data in words when they fit, their count otherwise (never a label
    # cut in the middle: the detail names each of them)
    met = refractory["criteria_met"]
    worded = ", ".join(f"{text(f'vocab.criterion.{c}', lang)} ({c})" for c in met)
    summary = text(f"cds.status.{status}", lang, {"criteria": worded, "missing": missing})
    if len(summary) >= SUMMARY_LIMIT and status == "indeterminate":
        summary = plural("cds.status.indeterminate_n", len(refractory["missing_data"]), lang)
    elif len(summary) >= SUMMARY_LIMIT:
        codes = ", ".join(met)
        summary = text(f"cds.status.{status}", lang, {"criteria": codes, "missing": missing})
    lines: list[str] = []
    if refractory["evidence"]:
        lines.append(f"**{text('cds.detail.evidence', lang)}**")
        lines += [f"- {ev['criterion']}: {ev['detail']}" for ev in refractory["evidence"]]
    if refractory["missing_data"]:
        lines.append(f"**{text('cds.detail.missing', lang)}**")
        # the words, with the code of clinical-rules.md beside them (as the options)
        labels = refractory.get("missing_data_labels") or []
        for j, code in enumerate(refractory["missing_data"]):
            lines.append(f"- {labels[j]} ({code})" if j < len(labels) else f"- {code}")
    if a["recommendations"]:
        lines.append(f"**{text('cds.detail.options', lang)}**")
        lines += [f"- {r['title']} ({r['id']})" for r in a["recommendations"]]
    if merged[0]:
        records = ", ".join(_record_said(record, markdown=True) for record in merged[1])
        lines.append(plural("cds.detail.merged", merged[0], lang, records=records))
    if unmapped:
        lines.append(plural("cds.detail.unmapped", unmapped, lang))
    lines.append(f"_{text('cds.detail.proposal', lang)}_")
    extra: dict[str, Any] = {"links": [_case_link(request, case["id"], lang)]}
    if a["recommendations"]:
        subject = {"reference": f"Patient/{patient_id}"}
        resource = options_care_plan(a["recommendations"], subject, None, lang)
        suggestion = {
            "label": text("cds.suggestion.careplan", lang),
            "isRecommended": False,
            "actions": [
                {
                    "type": "create",
                    "description": text("cds.suggestion.careplan", lang),
                    "resource": resource,
                }
            ],
        }
        extra |= {"suggestions": [suggestion], "selectionBehavior": "at-most-one"}
    indicator = "warning" if status == "refractory" else "info"
    return _card(request, lang, summary, indicator, "\n".join(lines), **extra)


def _too_long_card(
    request: Request, lang: Lang, case_id: str, exc: RecordTooLong
) -> dict[str, Any]:
    """The card of a record beyond what a hook call assesses: what passed the limits, and
    the link to open the case in thyref."""
    lines = [text("cds.too_long.detail", lang)]
    if exc.problems:
        lines.append(f"**{text('cds.too_long.limits', lang)}**")
        lines += [f"- {p.path}{colon(lang)} {problem_text(p, lang)}" for p in exc.problems]
    if exc.megabytes is not None:
        lines.append(text("cds.too_long.fetched", lang, {"megabytes": exc.megabytes}))
    if exc.pages is not None:
        lines.append(text("cds.too_long.pages", lang, {"pages": exc.pages}))
    return _card(
        request,
        lang,
        text("cds.too_long.summary", lang),
        "warning",
        "\n".join(lines),
        links=[_case_link(request, case_id, lang)],
    )


def _merged_away_card(
    request: Request, lang: Lang, patient_id: str, records: list[str]
) -> dict[str, Any]:
    """The card of a record the EHR merged into ``records`` (references, ``Patient/<id>``
    or as the import names them): nothing is assessed on it (its results since the merge
    are filed under the other record, so a status or an order check would rest on part
    of the data); it names the record to open instead, where the hook assesses the
    patient."""
    names = sorted(records)
    patient = f"Patient/{patient_id}"  # a FHIR id (the hook's context is checked)
    plain = ", ".join(_record_said(name, markdown=False) for name in names)
    marked = ", ".join(_record_said(name, markdown=True) for name in names)
    return _card(
        request,
        lang,
        plural("cds.merged_away.summary", len(names), lang, records=plain, patient=patient),
        "warning",
        plural("cds.merged_away.detail", len(names), lang, records=marked, patient=patient),
    )
