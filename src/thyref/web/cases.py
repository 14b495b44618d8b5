"""Case operations shared by the pages and the JSON API: validate, assess, store, audit."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from thyref.errors import CaseValidationError, Problem
from thyref.storage import repository as repo
from thyref.web.assessing import assess_all, parse_case

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
