"""Fixtures shared by the whole suite: one throwaway PostgreSQL server per session
(tests/dbserver.py), used by the storage and the web tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dbserver import PostgresServer, pg_bindir
from prereq import require


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bindir = pg_bindir()
    require(
        bindir is not None, "PostgreSQL binaries", "run `make system-deps` (scripts/system-deps.sh)"
    )
    assert bindir is not None
    server = PostgresServer(bindir)
    server.start()
    try:
        yield server
    finally:
        server.stop()
