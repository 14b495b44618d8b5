"""The budget of the public requests that cost CPU (security13 finding 7).

``POST /api/v1/assess``, ``GET /api/v1/faq`` and the question form of ``/patient`` need no
sign-in; a 5 MB FHIR upload costs seconds of CPU. Each client gets a token bucket
(``WebSettings.rate_limit`` a minute, by address; ``rate_limit_signed_in`` by account);
past it: 429 with ``Retry-After``. The other web tests run without it (conftest).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI

from thyref.web.security import RateLimiter, address_key
from thyref.web.settings import SettingError, WebSettings

from .support import TestClient, demo_case, login, token

QUESTION = {"q": "Combien de cures d'iode peut-on faire ?"}


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def limited_app(make_app: Callable[..., FastAPI], **settings: Any) -> tuple[FastAPI, Clock]:
    """An app with a request budget whose clock stands still unless the test moves it."""
    app = make_app(**settings)
    clock = Clock()
    app.state.thyref.rate.anonymous.clock = clock
    app.state.thyref.rate.signed_in.clock = clock
    return app, clock


# --------------------------------------------------------------------------------------
# the bucket itself


def test_a_bucket_spends_a_minute_at_once_then_refills_at_its_rate() -> None:
    clock = Clock()
    limiter = RateLimiter(6, clock=clock)  # 6 a minute: one every 10 s
    assert [limiter.take("a") for _ in range(6)] == [0] * 6  # a minute's worth at once
    assert limiter.take("a") == 10  # empty: the next unit in 10 s
    clock.now += 4
    assert limiter.take("a") == 6  # 4 s later: 6 s left (a refused request spends nothing)
    clock.now += 6
    assert limiter.take("a") == 0
    assert limiter.take("b") == 0  # another client has its own bucket
    clock.now += 3600
    assert [limiter.take("a") for _ in range(7)] == [0] * 6 + [10]  # full, never more


@pytest.mark.parametrize(
    ("per_minute", "costs", "waits"),
    [
        (6, [3, 3, 1], [0, 0, 10]),  # costs add up
        (6, [4, 3], [0, 10]),  # 2 units left, 3 needed: one more in 10 s
        (6, [50, 1], [0, 10]),  # dearer than a full bucket: takes a full bucket
        (6, [1, 50], [0, 10]),  # ... and waits for a full one
        (0, [1000] * 5, [0] * 5),  # 0: no limit
    ],
)  # fmt: skip
def test_costly_requests_spend_more(per_minute: int, costs: list[int], waits: list[int]) -> None:
    limiter = RateLimiter(per_minute, clock=Clock())
    assert [limiter.take("a", cost) for cost in costs] == waits


def test_the_buckets_held_are_bounded() -> None:
    clock = Clock()
    limiter = RateLimiter(6, max_clients=100, clock=clock)
    for i in range(1000):
        limiter.take(f"client-{i}")
    assert len(limiter) == 100  # the least recently used dropped
    clock.now += 60  # every bucket is full again: forgotten at the next new client
    limiter.take("late")
    assert len(limiter) == 1


def test_a_bucket_in_use_is_kept_over_idle_ones() -> None:
    clock = Clock()
    limiter = RateLimiter(6, max_clients=3, clock=clock)
    for _ in range(6):
        limiter.take("busy")
    for name in ("a", "b", "busy", "c"):  # "busy" used again: "a" is the oldest now
        clock.now += 1
        limiter.take(name)
    assert limiter.take("busy") > 0  # still empty: not dropped, not refilled


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("192.0.2.1", "192.0.2.1", True),  # the same IPv4 address
        ("192.0.2.1", "192.0.2.2", False),  # its neighbour is another client
        ("2001:db8:1:2::1", "2001:db8:1:2:ffff:1:2:3", True),  # one /64: one host's
        ("2001:db8:1:2::1", "2001:db8:1:3::1", False),  # another /64
        ("::ffff:192.0.2.1", "192.0.2.1", True),  # IPv4 written as IPv6
        ("testclient", "testclient", True),  # not an address: taken as given
    ],
)  # fmt: skip
def test_clients_are_told_apart_by_address(first: str, second: str, same: bool) -> None:
    assert (address_key(first) == address_key(second)) is same


# --------------------------------------------------------------------------------------
# the routes


def test_anonymous_assessments_past_the_budget_are_429(make_app: Callable[..., FastAPI]) -> None:
    app, _ = limited_app(make_app, rate_limit=3)
    client = TestClient(app)
    case = demo_case()
    assert [client.post("/api/v1/assess", json=case).status_code for _ in range(3)] == [200] * 3
    refused = client.post("/api/v1/assess?lang=en", json=case)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "20"  # 3 a minute: one every 20 s
    message = "Too many requests in a short time. Try again in 20 seconds."
    assert refused.json() == {
        "detail": "too many requests",
        "problems": [{"path": "", "message": message, "text": message}],
    }
    french = client.post("/api/v1/assess", json=case).json()["problems"][0]
    assert french["text"] == "Trop de demandes en peu de temps. Réessayez dans 20 secondes."
    assert french["message"] == message


def test_the_budget_refills(make_app: Callable[..., FastAPI]) -> None:
    app, clock = limited_app(make_app, rate_limit=3)
    client = TestClient(app)
    for _ in range(3):
        client.get("/api/v1/faq", params=QUESTION)
    assert client.get("/api/v1/faq", params=QUESTION).status_code == 429
    clock.now += 19
    refused = client.get("/api/v1/faq", params={**QUESTION, "lang": "en"})
    assert refused.headers["Retry-After"] == "1"
    assert refused.json()["problems"][0]["text"].endswith("Try again in 1 second.")
    clock.now += 1
    assert client.get("/api/v1/faq", params=QUESTION).status_code == 200


def test_a_large_upload_spends_more_of_the_budget(make_app: Callable[..., FastAPI]) -> None:
    # one unit per request and one per 64 KiB of body: 300 KiB cost 5 units
    app, _ = limited_app(make_app, rate_limit=12)
    client = TestClient(app)
    padded = b" " * (300 * 1024) + json.dumps(demo_case()).encode()
    headers = {"content-type": "application/json"}
    sent = [client.post("/api/v1/assess", content=padded, headers=headers) for _ in range(3)]
    assert [r.status_code for r in sent] == [200, 200, 429]  # 5 + 5, then 2 left
    assert client.post("/api/v1/assess", json=demo_case()).status_code == 200  # 1 unit
    # a 5 MB body, refused by the case limits as before, first takes a full bucket
    app, clock = limited_app(make_app, rate_limit=12)
    client = TestClient(app)
    huge = b" " * (5 * 2**20) + b"{}"
    assert client.post("/api/v1/assess", content=huge, headers=headers).status_code == 422
    assert client.post("/api/v1/assess", json=demo_case()).status_code == 429
    clock.now += 60
    assert client.post("/api/v1/assess", content=huge, headers=headers).status_code == 422


def test_public_question_form_past_the_budget_is_a_429_page(
    make_app: Callable[..., FastAPI],
) -> None:
    app, _ = limited_app(make_app, rate_limit=2)
    client = TestClient(app)
    ask = {"q": "Qu'est-ce que le syndrome main-pied ?"}
    assert [client.get("/patient", params=ask).status_code for _ in range(2)] == [200, 200]
    refused = client.get("/patient", params=ask)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "30"
    assert refused.headers["content-type"].startswith("text/html")
    assert "Trop de demandes en peu de temps. Réessayez dans 30 secondes." in refused.text
    english = client.get("/patient", params={**ask, "lang": "en"})
    assert "Too many requests in a short time. Try again in 30 seconds." in english.text
    # the page without a question (topics, glossary) is not counted
    assert client.get("/patient").status_code == 200


def test_questions_and_assessments_share_one_budget(make_app: Callable[..., FastAPI]) -> None:
    app, _ = limited_app(make_app, rate_limit=3)
    client = TestClient(app)
    assert client.get("/api/v1/faq", params=QUESTION).status_code == 200
    assert client.get("/patient", params=QUESTION).status_code == 200
    assert client.post("/api/v1/assess", json=demo_case()).status_code == 200
    assert client.get("/api/v1/faq", params=QUESTION).status_code == 429
    # other routes are not counted
    assert client.get("/api/v1/health").status_code == 200


@pytest.mark.parametrize(
    ("signed_in", "accepted"),
    [
        (0, 6),  # no limit for accounts: all six pass
        (4, 4),  # an account's own budget, larger than one address's
    ],
)  # fmt: skip
def test_signed_in_clients_have_their_own_budget(
    make_app: Callable[..., FastAPI], signed_in: int, accepted: int
) -> None:
    app, _ = limited_app(make_app, rate_limit=1, rate_limit_signed_in=signed_in)
    client = TestClient(app)
    headers = token(client)
    answers = [
        client.post("/api/v1/assess", json=demo_case(), headers=headers).status_code
        for _ in range(6)
    ]
    assert answers == [200] * accepted + [429] * (6 - accepted)
    # the address's own budget is untouched by the account's requests
    assert client.post("/api/v1/assess", json=demo_case()).status_code == 200
    assert client.post("/api/v1/assess", json=demo_case()).status_code == 429
    # another account signed in from the same address: its own budget
    assert client.get("/api/v1/faq", params=QUESTION, headers=token(client, "bob")).is_success
    # a token that is no session: the request is anonymous, its address's budget is spent
    forged = {"Authorization": "Bearer not-a-session"}
    assert client.post("/api/v1/assess", json=demo_case(), headers=forged).status_code == 429


def test_a_web_session_counts_as_signed_in(make_app: Callable[..., FastAPI]) -> None:
    app, _ = limited_app(make_app, rate_limit=1, rate_limit_signed_in=0)
    client = TestClient(app)
    login(client)
    assert [client.get("/patient", params=QUESTION).status_code for _ in range(3)] == [200] * 3


@pytest.mark.parametrize(
    ("proxies", "forwarded", "separate"),
    [
        ("", ("198.51.100.1", "198.51.100.2"), False),  # no proxy trusted: the peer counts
        ("203.0.113.9", ("198.51.100.1", "198.51.100.2"), True),  # the clients it names
        ("203.0.113.9", ("", ""), False),  # a trusted proxy naming no client: its own
    ],
)  # fmt: skip
def test_clients_behind_a_proxy(
    make_app: Callable[..., FastAPI], proxies: str, forwarded: tuple[str, str], separate: bool
) -> None:
    from thyref.web.security import parse_networks

    app, _ = limited_app(make_app, rate_limit=1, trusted_proxies=parse_networks(proxies))
    proxy = TestClient(app, client=("203.0.113.9", 40000))

    def ask(client: str) -> int:
        headers = {"X-Forwarded-For": client} if client else {}
        return proxy.get("/api/v1/faq", params=QUESTION, headers=headers).status_code

    assert ask(forwarded[0]) == 200
    assert ask(forwarded[1]) == (200 if separate else 429)
    assert ask(forwarded[0]) == 429


def test_the_limit_off_lets_every_request_through(make_app: Callable[..., FastAPI]) -> None:
    app, _ = limited_app(make_app, rate_limit=0, rate_limit_signed_in=0)
    client = TestClient(app)
    answers = {client.get("/api/v1/faq", params=QUESTION).status_code for _ in range(80)}
    assert answers == {200}
    assert len(app.state.thyref.rate.anonymous) == 0  # nothing held


def test_the_openapi_schema_names_the_429(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "429" in paths["/api/v1/assess"]["post"]["responses"]
    assert "429" in paths["/api/v1/faq"]["get"]["responses"]
    assert "429" not in paths["/api/v1/cases"]["get"]["responses"]


# --------------------------------------------------------------------------------------
# settings


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, 60),  # unset: the default, on
        ("", 60),  # empty: the default
        (" 120 ", 120),
        ("0", 0),  # switched off
        ("-1", "is not a number of requests a minute"),
        ("ten", "is not a number of requests a minute"),
        ("1e3", "is not a number of requests a minute"),
        ("٣", "is not a number of requests a minute"),  # a digit, but not ASCII
    ],
)  # fmt: skip
def test_rate_limit_setting(
    monkeypatch: pytest.MonkeyPatch, value: str | None, expected: int | str
) -> None:
    monkeypatch.delenv("THYREF_RATE_LIMIT_SIGNED_IN", raising=False)
    if value is None:
        monkeypatch.delenv("THYREF_RATE_LIMIT", raising=False)
    else:
        monkeypatch.setenv("THYREF_RATE_LIMIT", value)
    if isinstance(expected, int):
        settings = WebSettings(database_url="")
        assert settings.rate_limit == expected
        assert settings.rate_limit_signed_in == 600  # ten times an address's, by default
    else:
        with pytest.raises(SettingError, match="THYREF_RATE_LIMIT") as raised:
            WebSettings(database_url="")
        assert expected in str(raised.value)
        assert raised.value.key == "rate"
