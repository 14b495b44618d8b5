"""Sessions of ``Database``: what ends committed and what ends rolled back."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from thyref.storage import Database
from thyref.storage.models import Centre


def _centres(database: Database) -> int:
    with database.session() as db:
        return int(db.scalar(select(func.count()).select_from(Centre)) or 0)


def test_a_failed_flush_handled_by_the_caller_stores_nothing(database: Database) -> None:
    """The web answers a lost race inside its session (another user's decision recorded
    first: the meeting page with a conflict notice). The session then ends rolled back;
    committing it raised ``PendingRollbackError`` (a 500 instead of the answer)."""
    with database.session() as db:
        db.add(Centre(name="Lyon"))
    with database.session() as db:
        db.add(Centre(name="Nantes"))  # before the failure: goes with it
        db.flush()
        db.add(Centre(name="Lyon"))  # the name is taken: the unique constraint fails
        with pytest.raises(IntegrityError):
            db.flush()
    assert _centres(database) == 1  # Lyon only: nothing of the failed session
    with database.session() as db:  # the next session works as usual
        db.add(Centre(name="Lille"))
    assert _centres(database) == 2


def test_an_error_out_of_the_session_still_rolls_it_back(database: Database) -> None:
    with pytest.raises(RuntimeError), database.session() as db:
        db.add(Centre(name="Lyon"))
        db.flush()
        raise RuntimeError("after the flush")
    assert _centres(database) == 0
