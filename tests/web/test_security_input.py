"""Bad input is a 4xx with a clear message, never a 500 (issue 9, findings 5, 6 and 9)."""

from __future__ import annotations

import html
import json
import logging
import threading
import time
from datetime import date, timedelta
from typing import Any

import pytest

from thyref.domain.rules import load_rules

from .support import TestClient, demo_case, login, token

NESTED = "[" * 100_000 + "]" * 100_000
HUGE = "9" * 5000
BEYOND_64_BITS = str(2**64 + 1)
LIMITS = load_rules().limits
TEXT_MAX = 2000  # characters of one text of a case: the rules file's [limits] text


def _post_json(client: TestClient, path: str, text: str, **headers: str) -> Any:
    return client.post(
        path, content=text.encode(), headers={"content-type": "application/json", **headers}
    )


@pytest.fixture
def lenient(client: TestClient) -> TestClient:
    """The same app, answering 500 instead of raising, so a 500 fails the assertion."""
    return TestClient(client.app, raise_server_exceptions=False)


@pytest.mark.parametrize(
    ("text", "words", "mots"),
    [
        # 100,000 nested arrays made the JSON parser raise RecursionError
        (NESTED, "nested too deeply", "JSON trop imbriqué"),
        # deep but parseable: refused before the domain walks it
        (
            '{"format": "thyref-case/1", "x": ' + "[" * 40 + "]" * 40 + "}",
            "nested too deeply",
            "JSON trop imbriqué",
        ),
        # a 5,000-digit integer is over Python's conversion limit
        (
            json.dumps(demo_case()).replace('"value": 12.0', f'"value": {HUGE}'),
            "5000 digits",
            "un nombre a 5000 chiffres",
        ),
    ],
)
def test_hostile_json_is_refused_on_every_entry(
    lenient: TestClient, text: str, words: str, mots: str
) -> None:
    alice = token(lenient)
    for path in ("/api/v1/assess", "/api/v1/cases"):
        response = _post_json(lenient, path, text, **alice)
        assert response.status_code == 422, (path, response.text[:200])
        assert words in response.json()["detail"]  # the API's message stays English
        # the problem also says it in the request's language
        assert mots in response.json()["problems"][0]["text"]
    csrf = login(lenient)
    # the import page says why in its own language, not in the API's English
    for lang, said in (("fr", mots), ("en", words)):
        page = lenient.post(
            f"/cases/import?lang={lang}", data={"csrf_token": csrf, "text": text[:200_000]}
        )
        assert page.status_code == 422 and said in html.unescape(page.text), lang
        assert page.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        # 1e400 is read as infinity: the field is named, as the CLI names it (was path "")
        ('"value": 12.0', '"value": 1e400', "labs[0].value"),
        # NaN, not JSON: the same
        ('"activity": 100', '"activity": NaN', "rai[0].activity"),
        # -Infinity in a measurement
        ('"L1": 14', '"L1": -Infinity', "imaging[0].measurements.L1"),
        # in a field the format does not know (kept in the stored case): still refused
        ('"format"', '"note": [1, Infinity], "format"', "note[1]"),
    ],
    ids=["1e400", "nan", "minus-infinity", "extra-field"],
)
def test_a_non_finite_number_is_named_like_the_cli_names_it(
    lenient: TestClient, old: str, new: str, path: str
) -> None:
    text = json.dumps(demo_case())
    assert old in text
    alice = token(lenient)
    for route in ("/api/v1/assess", "/api/v1/cases"):
        response = _post_json(lenient, route, text.replace(old, new, 1), **alice)
        assert response.status_code == 422, (route, response.text[:300])
        (problem,) = response.json()["problems"]
        assert problem["path"] == path
        assert problem["text"] == "nombre fini attendu"


def _too_many(section: str) -> dict[str, Any]:
    case = demo_case()
    item = case[section][0] if case.get(section) else None
    if section == "molecular":
        item = {"gene": "BRAF", "alteration": "V600E"}
    bound = int(getattr(LIMITS, section))
    case[section] = [dict(item or {}) for _ in range(bound + 1)]
    return case


@pytest.mark.parametrize("section", ["rai", "lesions", "imaging", "labs", "molecular"])
def test_lists_beyond_the_limit_get_422_naming_the_list(client: TestClient, section: str) -> None:
    response = client.post("/api/v1/assess", json=_too_many(section))
    assert response.status_code == 422
    problems = response.json()["problems"]
    assert [p["path"] for p in problems] == [section]
    assert f"at most {getattr(LIMITS, section)}" in problems[0]["message"]


def test_a_case_at_the_limit_is_accepted(client: TestClient) -> None:
    case = demo_case()
    lab = case["labs"][0]
    # one value a day from 1990: as many as the limit allows, no more
    start = date(1990, 1, 1)
    case["labs"] = [
        {**lab, "date": (start + timedelta(days=i)).isoformat()} for i in range(LIMITS.labs)
    ]
    response = client.post("/api/v1/assess", json=case)
    assert response.status_code == 200, response.text[:300]


def _with_text(path: str, value: str) -> dict[str, Any]:
    case = demo_case()
    if path == "molecular[0].alteration":
        case["molecular"] = [{"gene": "BRAF", "alteration": value}]
    elif path == "clinical.on_systemic_therapy":
        case["clinical"] = {"on_systemic_therapy": value}
    else:  # a field the format does not define, kept as sent
        case["lesions"][0]["note"] = value
    return case


TEXT_PATHS = [
    # the texts of the format: an alteration, the current systemic treatment
    "molecular[0].alteration",
    "clinical.on_systemic_therapy",
    # a field the format does not define: stored as sent, shown in the editor
    "lesions[0].note",
]


@pytest.mark.parametrize("path", TEXT_PATHS)
def test_a_case_text_beyond_the_limit_is_refused_naming_it(client: TestClient, path: str) -> None:
    # was stored whole, up to the body's 5 MB (a 4 MB alteration in every page and export)
    alice = token(client)
    case = _with_text(path, "x" * (TEXT_MAX + 1))
    for answer in (
        client.post("/api/v1/assess", json=case),
        client.post("/api/v1/cases?lang=en", json=case, headers=alice),
    ):
        assert answer.status_code == 422, answer.text[:300]
        (problem,) = answer.json()["problems"]
        assert problem["path"] == path
        assert f"{TEXT_MAX + 1} characters long; at most {TEXT_MAX}" in problem["message"]
    assert client.get("/api/v1/cases", headers=alice).json() == []  # nothing stored


@pytest.mark.parametrize("path", TEXT_PATHS)
def test_a_case_text_at_the_limit_is_stored_whole(client: TestClient, path: str) -> None:
    text = "é" * TEXT_MAX
    created = client.post("/api/v1/cases", json=_with_text(path, text), headers=token(client))
    assert created.status_code == 201, created.text[:300]
    assert text in json.dumps(created.json()["case"], ensure_ascii=False)


def test_one_scan_with_too_many_measurements(client: TestClient) -> None:
    case = demo_case()
    case["imaging"][0]["measurements"] = {f"L{i}": 1 for i in range(LIMITS.per_scan + 1)}
    response = client.post("/api/v1/assess", json=case)
    assert response.status_code == 422
    assert [p["path"] for p in response.json()["problems"]] == ["imaging[0].measurements"]


@pytest.mark.parametrize(
    ("character", "name"),
    [
        ("\x00", "U+0000"),  # NUL
        ("\u202e", "U+202E"),  # right-to-left override: shows the id reversed
        ("\u200b", "U+200B"),  # zero-width space: two ids that look the same
        ("\x1b", "U+001B"),  # escape: terminal control sequences in exported files
    ],
)
def test_control_characters_in_ids_are_refused(
    client: TestClient, character: str, name: str
) -> None:
    case = demo_case()
    case["lesions"][0]["id"] = f"L{character}1"
    response = client.post("/api/v1/assess?lang=en", json=case)
    assert response.status_code == 422
    problems = response.json()["problems"]
    assert problems[0]["path"] == "lesions[0].id"
    assert name in problems[0]["message"]


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        # a lone surrogate escape in a lesion id
        ('"id": "L1"', '"id": "L\\ud800"', "lesions[0].id"),
        # in a free text: the same rule as the CLI's, from the domain
        (
            '"format"',
            '"clinical": {"on_systemic_therapy": "lenva\\udfff"}, "format"',
            "clinical.on_systemic_therapy",
        ),
    ],
    ids=["lesion-id", "therapy"],
)
def test_a_lone_surrogate_is_named_like_the_cli_names_it(
    client: TestClient, old: str, new: str, path: str
) -> None:
    text = json.dumps(demo_case())
    assert old in text
    response = _post_json(client, "/api/v1/assess", text.replace(old, new, 1))
    assert response.status_code == 422
    (problem,) = response.json()["problems"]
    assert problem["path"] == path
    assert "U+D" in problem["text"] and "moitié de caractère isolée" in problem["text"]


def test_accented_text_is_still_accepted(client: TestClient) -> None:
    case = demo_case()
    case["molecular"] = [{"gene": "BRAF", "alteration": "V600E (réf. é)"}]
    assert client.post("/api/v1/assess", json=case).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        f"/cases/web-1/versions/{BEYOND_64_BITS}",
        f"/cases/web-1/compare?a=1&b={BEYOND_64_BITS}",
        f"/cases/web-1/case.json?version={BEYOND_64_BITS}",
        f"/cases/web-1/assessment.json?version={BEYOND_64_BITS}",
        f"/cases/web-1/v{BEYOND_64_BITS}/markers.svg",
    ],
)
def test_version_numbers_beyond_64_bits_get_a_page(lenient: TestClient, path: str) -> None:
    login(lenient)
    response = lenient.get(path)
    assert 400 <= response.status_code < 500, response.status_code
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>" in response.text


def test_405_names_the_allowed_methods(client: TestClient) -> None:
    alice = token(client)
    api = client.request("PATCH", "/api/v1/cases/web-1", headers=alice)
    assert api.status_code == 405
    # HEAD is answered wherever GET is (RFC 9110 section 9.3.2)
    assert set(api.headers["allow"].split(", ")) == {"GET", "HEAD", "PUT", "DELETE"}
    login(client)
    page = client.request("PATCH", "/login")
    assert page.status_code == 405
    assert set(page.headers["allow"].split(", ")) == {"GET", "HEAD", "POST"}
    # a POST-only path does not gain HEAD
    post_only = client.request("PATCH", "/api/v1/assess")
    assert post_only.status_code == 405
    assert post_only.headers["allow"] == "POST"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/health",  # an uptime probe's target
        "/login",  # a page
        "/static/app.css",  # a static file
    ],
)
def test_head_answers_as_get_without_a_body(client: TestClient, path: str) -> None:
    got = client.get(path)
    head = client.head(path)
    assert got.status_code == head.status_code == 200
    assert got.content and head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers["content-length"] == str(len(got.content))


def test_head_is_logged_as_head_with_its_route(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="thyref.web")
    client.head("/api/v1/health")
    lines = [r.getMessage() for r in caplog.records if r.name == "thyref.web"]
    assert any(line.startswith("HEAD /api/v1/health 200 ") for line in lines), lines


def test_head_of_a_case_needs_the_same_rights_as_its_get(client: TestClient) -> None:
    # no session: the page redirects to the login form, as its GET does
    got = client.get("/cases", follow_redirects=False)
    head = client.head("/cases", follow_redirects=False)
    assert head.status_code == got.status_code
    assert head.headers.get("location") == got.headers.get("location")
    assert head.content == b""


def test_a_large_paste_is_imported_and_a_too_large_one_kept(client: TestClient) -> None:
    csrf = login(client)
    # 2 MB of JSON (white space included): over Starlette's 1 MB part default, under 5 MB
    big = json.dumps(demo_case("big-paste")) + " " * (2 * 1024 * 1024)
    imported = client.post(
        "/cases/import", data={"csrf_token": csrf, "text": big}, follow_redirects=False
    )
    assert imported.status_code == 303, imported.text[:300]
    # over the 5 MB of a case, under the body limit: the page keeps what was pasted
    over = json.dumps(demo_case("too-big")) + " " * (5 * 1024 * 1024)
    kept = client.post("/cases/import", data={"csrf_token": csrf, "text": over})
    assert kept.status_code == 422
    assert "5 Mo" in kept.text and '"too-big"' in kept.text.replace("&#34;", '"')
    # over the body limit: a page saying so, not a bare 400 or a JSON answer
    huge = "x" * (7 * 1024 * 1024)
    refused = client.post("/cases/import", data={"csrf_token": csrf, "text": huge})
    assert refused.status_code == 413
    assert refused.headers["content-type"].startswith("text/html")
    assert "5 Mo" in refused.text


def test_an_editor_save_on_a_version_beyond_64_bits_is_a_conflict(lenient: TestClient) -> None:
    lenient.post("/api/v1/cases", json=demo_case("big-v"), headers=token(lenient))
    csrf = login(lenient)
    form = {
        "csrf_token": csrf,
        "version": BEYOND_64_BITS,
        "id": "big-v",
        "diagnosis.histology": "papillary",
        "diagnosis.date": "2015-01-10",
        "action": "save",
    }
    response = lenient.post("/cases/big-v/edit", data=form)
    # no version has that number: the save is stale (409, typed data kept), never a 500
    assert response.status_code == 409
    assert 'name="version" value="1"' in response.text


def test_assessment_does_not_hold_the_event_loop(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from thyref.web import api

    release = threading.Event()
    started = threading.Event()
    real = api.assess_one

    def slow(case: Any, lang: str) -> Any:
        started.set()
        release.wait(timeout=20)  # stands for a long CPU-bound assessment
        return real(case, lang)

    monkeypatch.setattr(api, "assess_one", slow)
    with TestClient(app) as shared:  # one event loop for every request
        worker = threading.Thread(
            target=lambda: shared.post("/api/v1/assess", json=demo_case()), daemon=True
        )
        worker.start()
        assert started.wait(timeout=20)
        begun = time.monotonic()
        health = shared.get("/api/v1/health")
        waited = time.monotonic() - begun
        release.set()
        worker.join(timeout=30)
    assert health.status_code == 200
    assert waited < 10  # answered while the assessment was still running


@pytest.mark.parametrize(
    ("bad", "status"),
    [
        # a later NDJSON line nested 5,000 deep: only the first line was read with the
        # guarded reader, the others gave a 500 (RecursionError)
        ('{"resourceType":"Observation","id":"d","x":' + "[" * 5000 + "]" * 5000 + "}", 422),
        # a later line with a 5,000-digit integer (was a 500: ValueError)
        ('{"resourceType":"Observation","id":"d","x":' + "9" * 5000 + "}", 422),
        # a later line that is not JSON
        ("{not json", 422),
    ],
    ids=["deep", "huge-integer", "not-json"],
)
def test_every_ndjson_line_is_read_with_the_guards(
    lenient: TestClient, bad: str, status: int
) -> None:
    from thyref.fhir.exporter import case_to_bundle

    lines = [json.dumps(e["resource"]) for e in case_to_bundle(demo_case("nd1"))["entry"]]
    body = "\n".join([*lines, bad]).encode()
    response = lenient.post(
        "/api/v1/assess", content=body, headers={"content-type": "application/x-ndjson"}
    )
    assert response.status_code == status, response.text[:300]
    # the same lines without the bad one are assessed
    good = lenient.post(
        "/api/v1/assess",
        content="\n".join(lines).encode(),
        headers={"content-type": "application/x-ndjson"},
    )
    assert good.status_code == 200, good.text[:300]
