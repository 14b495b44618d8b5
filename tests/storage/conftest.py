"""Storage fixtures: a migrated database on SQLite and on PostgreSQL.

The PostgreSQL server (one per session) and `backend_url` are in tests/conftest.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dbserver import BACKENDS, PostgresServer, backend_url
from thyref.storage import Database


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty database on each backend."""
    db = Database(backend_url(request, request.param, tmp_path))
    db.migrate()
    try:
        yield db
    finally:
        db.dispose()


@pytest.fixture
def make_database(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[str], Database]:
    """Factory used by tests that need an unmigrated database on a given backend."""

    def make(backend: str) -> Database:
        if backend == "sqlite":
            return Database(f"sqlite:///{tmp_path / 'fresh.db'}")
        server: PostgresServer = request.getfixturevalue("postgres_server")
        return Database(server.new_database())

    return make
