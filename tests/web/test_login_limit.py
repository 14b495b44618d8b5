"""The sign-in rate limit holds across worker processes (it lives in the database)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI

from .support import PASSWORD, TestClient, csrf_of


def _attempt(client: TestClient, password: str) -> int:
    csrf = csrf_of(client.get("/login").text)
    response = client.post(
        "/login", data={"username": "alice", "password": password, "csrf_token": csrf}
    )
    return response.status_code


def test_failures_in_one_worker_block_the_other(make_app: Callable[..., FastAPI]) -> None:
    # two app instances on one database stand for two `thyref serve` workers
    first, second = TestClient(make_app()), TestClient(make_app())
    statuses = [_attempt(first if i % 2 else second, "wrong") for i in range(5)]
    assert statuses == [401] * 5
    # the sixth attempt is refused whichever worker receives it, even with the right password
    assert _attempt(first, PASSWORD) == 429
    assert _attempt(second, PASSWORD) == 429


def test_a_success_clears_the_user_failures(make_app: Callable[..., FastAPI]) -> None:
    client = TestClient(make_app())
    assert [_attempt(client, "wrong") for _ in range(3)] == [401] * 3
    assert _attempt(client, PASSWORD) in (200, 303)
    # the counter restarted: four more failures are still allowed before the limit
    client.cookies.clear()
    assert [_attempt(client, "wrong") for _ in range(4)] == [401] * 4
