"""Property-based API fuzzing from the OpenAPI schema: no input may cause a 5xx.

Runs in process (ASGI). Signed-in as an admin with a bearer token so the case endpoints
are exercised beyond 401; hypothesis examples are bounded to keep CI time small.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    positive_data_acceptance,
)

from dbserver import backend_url
from thyref.storage import repository as repo
from thyref.web import WebSettings, create_app
from thyref.web.security import hash_password

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


# Known bug (issue 15, found by this fuzz test on PostgreSQL): a NUL character in the
# sign-in username reaches PostgreSQL, which rejects it (DataError, a 500). Strict: when
# it is fixed this mark fails and must go.
NUL_BUG = pytest.mark.xfail(
    strict=True, reason="POST /api/v1/auth/token with a NUL in the username: 500 on PostgreSQL"
)
FUZZ_BACKENDS = ["sqlite", pytest.param("postgres", marks=[pytest.mark.postgres, NUL_BUG])]


@pytest.fixture(scope="module", params=FUZZ_BACKENDS)
def fuzz_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FastAPI]:
    """The app on a fresh database, SQLite and PostgreSQL (one per module and backend)."""
    url = backend_url(request, request.param, tmp_path_factory.mktemp("fuzz"))
    app = create_app(
        WebSettings(database_url=url, login_max_failures=10_000, login_max_failures_per_ip=10_000)
    )
    with app.state.thyref.db.session() as db:
        repo.add_user(db, "fuzz", hash_password("fuzz-password"), "admin", "Fuzz")
    yield app
    app.state.thyref.db.dispose()


@pytest.fixture(scope="module")
def bearer(fuzz_app: FastAPI) -> dict[str, str]:
    client = TestClient(fuzz_app)
    response = client.post(
        "/api/v1/auth/token", json={"username": "fuzz", "password": "fuzz-password"}
    )
    assert response.status_code == 200
    return {"Authorization": f"Bearer {response.json()['token']}"}


def test_api_never_fails_with_5xx(fuzz_app: FastAPI, bearer: dict[str, str]) -> None:
    # every operation of the schema, with hypothesis examples from schemathesis; the
    # operations are walked here (schemathesis' from_fixture does not run on this pytest)
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", fuzz_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 5
    for operation in operations:
        if operation.path == "/api/v1/auth/token" and operation.method.upper() == "DELETE":
            continue  # would revoke the shared token

        @settings(
            max_examples=25,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        @given(case=operation.as_strategy())
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(
                headers=bearer,
                excluded_checks=[positive_data_acceptance, negative_data_rejection],
            )

        check()
