"""Case operations shared by the pages and the JSON API: validate, assess, store, audit."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from thyref.errors import CaseValidationError, Problem
from thyref.storage import repository as repo
from thyref.storage.models import CaseRecord, CaseVersion
from thyref.text import fold
from thyref.web.assessing import assess_all, parse_case
from thyref.web.i18n import LANGS, Translator

JsonObject = dict[str, Any]


def create(
    db: Session, actor: repo.Actor, obj: object, *, action: str = "create", note: str = ""
) -> repo.StoredCase:
    """Validate and store a new case (raises the domain's errors or ``CaseExists``)."""
    case = parse_case(obj)
    stored = repo.create_case(db, actor, case.to_json(), assess_all(case), note=note)
    repo.audit(db, actor, action, stored.summary.case_id, "version 1")
    return stored


def update(
    db: Session,
    actor: repo.Actor,
    case_id: str,
    base_version: int,
    obj: object,
    *,
    note: str = "",
    action: str = "update",
) -> repo.StoredCase:
    """Validate and store a new version (raises the domain's errors or ``StaleVersion``)."""
    case = parse_case(obj)
    plain_id = repo.split_ref(case_id)[0]
    if case.id != plain_id:
        raise CaseValidationError([Problem("id", f"must stay {plain_id!r}")])
    stored = repo.update_case(
        db, actor, case_id, base_version, case.to_json(), assess_all(case), note=note
    )
    repo.audit(db, actor, action, case_id, f"version {stored.summary.version}")
    return stored


def view(db: Session, actor: repo.Actor, case_id: str) -> repo.StoredCase:
    stored = repo.get_case(db, actor, case_id)
    repo.audit(db, actor, "view", case_id, f"version {stored.summary.version}")
    return stored


# ---------------------------------------------------------------- search


def _words_of(summary: repo.CaseSummary, case: Mapping[str, Any]) -> str:
    """Everything a clinician may type to find a case, in French and English."""
    parts = [summary.case_id, *summary.criteria]
    for lang in LANGS:
        t = Translator(lang)
        parts += [t(f"status.{summary.status}"), t(f"category.{summary.category}")]
        parts += [t.label("histology", summary.histology)]
        parts += [t.label("criterion", c) for c in summary.criteria]
        diagnosis = case.get("diagnosis")
        if isinstance(diagnosis, Mapping) and diagnosis.get("extent"):
            parts.append(t.label("extent", diagnosis["extent"]))
    for item in case.get("molecular") or []:
        if isinstance(item, Mapping):
            parts += [str(item.get("gene") or ""), str(item.get("alteration") or "")]
    return fold(" | ".join(parts))


def _status_named(query: str) -> str | None:
    """The status a query names exactly (``réfractaire`` is not ``non réfractaire``)."""
    for status in ("refractory", "not_refractory", "indeterminate"):
        if any(fold(Translator(lang)(f"status.{status}")) == query for lang in LANGS):
            return status
    return None


def search(
    db: Session,
    actor: repo.Actor,
    query: str = "",
    status: str = "",
    category: str = "",
    *,
    differ: bool = False,
) -> list[repo.CaseSummary]:
    """The visible cases matching every word of ``query`` in either language.

    Words are looked for in the id, status, category, histology, criteria (codes and
    words), extent and molecular results (``papillaire``, ``réfractaire``, ``BRAF``).
    """
    summaries = repo.list_cases(db, actor, status=status, category=category, differ=differ)
    wanted = fold(query).strip()
    if not wanted:
        return summaries
    named = _status_named(wanted)
    if named is not None:
        return [s for s in summaries if s.status == named]
    # The listed records themselves, by key: a case id may name another centre's patient.
    rows = db.execute(
        select(CaseRecord.id, CaseVersion.case_json)
        .join(
            CaseVersion,
            (CaseVersion.case_pk == CaseRecord.id) & (CaseVersion.version == CaseRecord.version),
        )
        .where(CaseRecord.id.in_([s.pk for s in summaries]))
    )
    cases = {pk: json.loads(text) for pk, text in rows}
    words = wanted.split()
    return [s for s in summaries if all(w in _words_of(s, cases.get(s.pk, {})) for w in words)]
