"""Web fixtures: an app on a fresh database, SQLite and PostgreSQL, users in two centres.

Every test that uses `make_app` (and so `app`, `client`, `anon`) runs once per backend:
a hospital deployment runs PostgreSQL. The PostgreSQL server is one per session
(tests/conftest.py); each test gets its own database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from dbserver import BACKENDS, backend_url
from thyref.storage import repository as repo
from thyref.web import WebSettings, create_app
from thyref.web.security import hash_password

from .support import PASSWORD, TestClient


@pytest.fixture(scope="session")
def password_hash() -> str:
    return hash_password(PASSWORD)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database for one test, on each backend."""
    return backend_url(request, request.param, tmp_path)


@pytest.fixture
def make_app(database_url: str, password_hash: str) -> Callable[..., FastAPI]:
    """Apps on the test's database (two calls: two workers sharing one database)."""

    def make(**overrides: Any) -> FastAPI:
        # no request budget (tests post many requests from one client), unless a test
        # asks for one (tests/web/test_rate_limit.py)
        given = {"rate_limit": 0, "rate_limit_signed_in": 0, **overrides}
        settings = WebSettings(database_url=database_url, secret_key="test-secret", **given)
        app = create_app(settings)
        with app.state.thyref.db.session() as db:
            if repo.find_user(db, "alice") is None:
                repo.add_user(db, "alice", password_hash, "clinician", "Lyon")
                repo.add_user(db, "bob", password_hash, "clinician", "Lille")
                repo.add_user(db, "root", password_hash, "admin", "Lyon")
        return app

    return make


@pytest.fixture
def app(make_app: Callable[..., FastAPI]) -> Iterator[FastAPI]:
    application = make_app()
    yield application
    application.state.thyref.db.dispose()


@pytest.fixture
def client(app: FastAPI) -> TestClient:
    return TestClient(app)


@pytest.fixture
def anon(app: FastAPI) -> TestClient:
    return TestClient(app)
