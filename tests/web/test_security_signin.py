"""Sign-in: equal cost for unknown users, known devices pass a lock-out, trusted proxies,
failed sign-ins audited with their source (issue 9, findings 3, 4 and 9)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI

from thyref.storage import repository as repo
from thyref.web import security
from thyref.web.security import DEVICE_COOKIE, client_address, parse_networks

from .support import PASSWORD, TestClient, csrf_of


@pytest.fixture
def verifications(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every Argon2 verification the app makes (the hash it was made against)."""
    calls: list[str] = []
    real = security._hasher

    class Counting:
        def verify(self, hash_: str, password: str) -> bool:
            calls.append(hash_)
            return bool(real.verify(hash_, password))

        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

    monkeypatch.setattr(security, "_hasher", Counting())
    yield calls


@pytest.mark.parametrize("path", ["api", "form"])
def test_unknown_users_cost_one_verification_like_known_ones(
    client: TestClient, verifications: list[str], path: str
) -> None:
    for username in ("alice", "nobody-here"):
        if path == "api":
            response = client.post(
                "/api/v1/auth/token", json={"username": username, "password": "wrong"}
            )
        else:
            response = _form(client, username, "wrong")
        assert response.status_code == 401
    # one verification each: against alice's hash, then against the dummy hash
    assert len(verifications) == 2
    assert verifications[1] == security._DUMMY_HASH


def _form(client: TestClient, username: str, password: str, **headers: str) -> Any:
    csrf = csrf_of(client.get("/login").text)
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf},
        headers=headers,
        follow_redirects=False,
    )


def test_a_known_device_still_signs_in_during_a_lockout(app: FastAPI) -> None:
    own = TestClient(app)
    assert _form(own, "alice", PASSWORD).status_code == 303
    assert own.cookies.get(DEVICE_COOKIE)
    own.post("/logout", data={"csrf_token": csrf_of(own.get("/cases").text)})
    attacker = TestClient(app)
    statuses = [_form(attacker, "alice", "guess").status_code for _ in range(8)]
    assert statuses == [401] * 5 + [429] * 3
    # the attacker is locked out even with the right password...
    assert _form(attacker, "alice", PASSWORD).status_code == 429
    # ...a new browser too, but alice's own browser passes
    assert _form(TestClient(app), "alice", PASSWORD).status_code == 429
    assert _form(own, "alice", PASSWORD).status_code == 303


def test_a_device_cookie_only_counts_for_its_user(app: FastAPI) -> None:
    own = TestClient(app)
    assert _form(own, "alice", PASSWORD).status_code == 303
    cookie = own.cookies.get(DEVICE_COOKIE)
    assert cookie is not None
    attacker = TestClient(app)
    for _ in range(5):
        _form(attacker, "bob", "guess")
    # alice's cookie says nothing about bob; a forged one neither
    thief = TestClient(app)
    thief.cookies.set(DEVICE_COOKIE, cookie)
    assert _form(thief, "bob", PASSWORD).status_code == 429
    thief.cookies.set(DEVICE_COOKIE, "abc." + "0" * 64)
    assert _form(thief, "bob", PASSWORD).status_code == 429


def test_a_known_device_has_its_own_limit(app: FastAPI) -> None:
    own = TestClient(app)
    assert _form(own, "alice", PASSWORD).status_code == 303
    assert [_form(own, "alice", "typo").status_code for _ in range(6)] == [401] * 5 + [429]


def test_the_api_sets_and_honours_the_device_cookie(app: FastAPI) -> None:
    own = TestClient(app)
    first = own.post("/api/v1/auth/token", json={"username": "alice", "password": PASSWORD})
    assert first.status_code == 200 and own.cookies.get(DEVICE_COOKIE)
    attacker = TestClient(app)
    for _ in range(6):
        attacker.post("/api/v1/auth/token", json={"username": "alice", "password": "x"})
    assert (
        attacker.post(
            "/api/v1/auth/token", json={"username": "alice", "password": PASSWORD}
        ).status_code
        == 429
    )
    again = own.post("/api/v1/auth/token", json={"username": "alice", "password": PASSWORD})
    assert again.status_code == 200


PROXY = parse_networks("10.0.0.1, 192.168.0.0/16")


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        # a direct client is who it is; a header it sends proves nothing
        ("203.0.113.9", None, "203.0.113.9"),
        ("203.0.113.9", "198.51.100.1", "203.0.113.9"),
        # through the trusted proxy: the address the proxy saw
        ("10.0.0.1", "198.51.100.1", "198.51.100.1"),
        # the client wrote the first entry itself; the proxy appended the real one
        ("10.0.0.1", "1.1.1.1, 198.51.100.1", "198.51.100.1"),
        # two trusted hops are skipped
        ("10.0.0.1", "198.51.100.1, 192.168.3.4", "198.51.100.1"),
        # a trusted proxy naming no client: its own address is shared by everyone
        ("10.0.0.1", None, None),
        ("10.0.0.1", "not-an-address", None),
    ],
)
def test_client_address(peer: str, forwarded: str | None, expected: str | None) -> None:
    assert client_address(peer, forwarded, PROXY) == expected


def test_behind_a_trusted_proxy_users_do_not_share_one_address(
    make_app: Callable[..., FastAPI],
) -> None:
    app = make_app(login_max_failures_per_ip=3, trusted_proxies=parse_networks("10.0.0.1"))
    proxy = TestClient(app, client=("10.0.0.1", 40000))
    # three failures from one client (three usernames) reach the per-address limit
    for name in ("u1", "u2", "u3"):
        assert _form(proxy, name, "x", **{"X-Forwarded-For": "198.51.100.7"}).status_code == 401
    assert _form(proxy, "u4", "x", **{"X-Forwarded-For": "198.51.100.7"}).status_code == 429
    # another client behind the same proxy is not locked out
    assert _form(proxy, "alice", PASSWORD, **{"X-Forwarded-For": "198.51.100.8"}).status_code == 303


def test_without_the_setting_a_forwarded_header_is_ignored(
    make_app: Callable[..., FastAPI],
) -> None:
    app = make_app(login_max_failures_per_ip=3)
    client = TestClient(app, client=("203.0.113.5", 40000))
    # rotating X-Forwarded-For does not escape the per-address count
    for index, name in enumerate(("u1", "u2", "u3")):
        spoof = {"X-Forwarded-For": f"198.51.100.{index}"}
        assert _form(client, name, "x", **spoof).status_code == 401
    assert _form(client, "u4", "x", **{"X-Forwarded-For": "198.51.100.9"}).status_code == 429


def test_failed_sign_ins_are_audited_with_their_source_and_a_known_name_only(
    make_app: Callable[..., FastAPI],
) -> None:
    app = make_app()
    client = TestClient(app, client=("203.0.113.5", 40000))
    _form(client, "alice", "wrong")
    client.post("/api/v1/auth/token", json={"username": "ghost", "password": "wrong"})
    # a password typed in the username field is nobody's name: it is not kept
    _form(client, "Tr0ub4dor&3", "")
    client.post("/api/v1/auth/token", json={"username": "bob", "password": "wrong"})
    with app.state.thyref.db.session() as db:
        failed = repo.list_audit(db, actions=["login_failed"])
    assert sorted((e.username, e.detail) for e in failed) == [
        ("(unknown user)", "api 203.0.113.5"),
        ("(unknown user)", "web 203.0.113.5"),
        ("alice", "web 203.0.113.5"),
        ("bob", "api 203.0.113.5"),
    ]


def _session_cookie(response: Any) -> dict[str, str]:
    """The attributes of the session cookie a response sets, names in lower case, with
    ``value`` (a flag such as HttpOnly has the value "")."""
    for header in response.headers.get_list("set-cookie"):
        name, _, rest = header.partition("=")
        if name == "thyref_session":
            value, *parts = rest.split(";")
            found = {"value": value}
            for part in parts:
                key, _, said = part.strip().partition("=")
                found[key.lower()] = said
            return found
    raise AssertionError("no thyref_session cookie set")


@pytest.mark.parametrize(
    ("https", "base_url"),
    [
        # served over plain http: no Secure on either
        (False, "http://testserver"),
        # THYREF_HTTPS: Secure on both, or a browser may keep the signed-out session
        (True, "https://testserver"),
    ],
)
def test_sign_out_deletes_the_session_cookie_with_its_attributes(
    make_app: Callable[..., FastAPI], https: bool, base_url: str
) -> None:
    """Sign-out deleted the session cookie naming its path only: a browser may keep a
    cookie whose deletion does not match it (a ``Secure`` one from a deletion without)."""
    browser = TestClient(make_app(https=https), base_url=base_url)
    signed_in = _form(browser, "alice", PASSWORD)
    assert signed_in.status_code == 303
    set_at_sign_in = _session_cookie(signed_in)
    signed_out = browser.post(
        "/logout", data={"csrf_token": csrf_of(browser.get("/cases").text)}, follow_redirects=False
    )
    assert signed_out.status_code == 303
    deleted = _session_cookie(signed_out)
    assert deleted["value"] in ("", '""') and deleted["max-age"] == "0"
    expected = {"path": "/", "httponly": "", "samesite": "lax"} | ({"secure": ""} if https else {})
    for cookie in (set_at_sign_in, deleted):
        said = {k: v for k, v in cookie.items() if k in ("path", "httponly", "samesite", "secure")}
        assert said == expected, cookie
    assert "thyref_session" not in browser.cookies
    assert browser.get("/cases", follow_redirects=False).status_code == 303
