"""Web fixtures: an app on a temporary SQLite database, users in two centres."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from thyref.storage import repository as repo
from thyref.web import WebSettings, create_app
from thyref.web.security import hash_password

from .support import PASSWORD, TestClient


@pytest.fixture(scope="session")
def password_hash() -> str:
    return hash_password(PASSWORD)


@pytest.fixture
def make_app(tmp_path: Path, password_hash: str) -> Callable[..., FastAPI]:
    def make(**overrides: Any) -> FastAPI:
        settings = WebSettings(
            database_url=f"sqlite:///{tmp_path / 'web.db'}", secret_key="test-secret", **overrides
        )
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
