"""First-start setup for ``thyref serve``: demo centre, demo cases, demo clinician."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from thyref.demo import demo_cases
from thyref.storage import Database
from thyref.storage import repository as repo
from thyref.web import cases as case_ops
from thyref.web.security import hash_password

DEMO_CENTRE = "Centre de démonstration"
DEMO_USER = "demo"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    cases_loaded: int


def ensure_demo(db: Database) -> DemoAccount:
    """Create the demo clinician (new password each start) and load demo cases once.

    Demo cases are loaded only into an empty database, so a real one is never touched.
    """
    password = secrets.token_urlsafe(12)
    with db.session() as session:
        found = repo.find_user(session, DEMO_USER)
        if found is None:
            actor = repo.add_user(
                session, DEMO_USER, hash_password(password), "clinician", DEMO_CENTRE
            )
        else:
            actor = found[0]
            repo.set_password_hash(session, actor.user_id, hash_password(password))
        loaded = 0
        if repo.count_cases(session) == 0:
            for raw in demo_cases():
                case_ops.create(session, actor, raw, note="demo", action="import")
                loaded += 1
    return DemoAccount(DEMO_USER, password, loaded)
