"""The JSON API, in process."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from thyref.domain import assess, parse_case

from .support import (
    PASSWORD,
    TestClient,
    demo_case,
    fhir_bundle,
    fhir_patient,
    login,
    scans_case,
    shared_example,
    token,
)


def test_assess_is_stateless_and_matches_the_domain(client: TestClient) -> None:
    case = demo_case()
    response = client.post("/api/v1/assess", json=case)
    assert response.status_code == 200
    body = response.json()
    assert body == json.loads(json.dumps(assess(parse_case(case), "fr").to_json()))
    assert body["refractory"]["status"] == "refractory"
    assert body["refractory"]["criteria_met"] == ["DTC-NO-UPTAKE"]
    assert body["engine"]["rules"] == "tuthyref-2021"
    english = client.post("/api/v1/assess?lang=en", json=case).json()
    assert english["engine"]["lang"] == "en"
    assert english["recommendations"][0]["title"] != body["recommendations"][0]["title"]
    assert client.get("/api/v1/cases", headers=token(client)).json() == []


@pytest.mark.parametrize(
    "name", ["inv-histology", "inv-negative-activity", "inv-undeclared-lesion"]
)
def test_invalid_case_gets_422_with_the_cli_paths(client: TestClient, name: str) -> None:
    example = shared_example("invalid", name)
    response = client.post("/api/v1/assess", json=example["case"])
    assert response.status_code == 422
    paths = [p["path"] for p in response.json()["problems"]]
    assert paths == example["expect"]["error_paths"]
    assert all(p["message"] for p in response.json()["problems"])


def test_every_problem_is_listed(client: TestClient) -> None:
    case = demo_case()
    case["rai"][0]["activity"] = -1
    case["diagnosis"]["histology"] = "papilary"
    response = client.post("/api/v1/assess", json=case)
    assert response.status_code == 422
    assert {p["path"] for p in response.json()["problems"]} == {
        "rai[0].activity",
        "diagnosis.histology",
    }


def test_bad_bodies_get_one_line_errors(client: TestClient) -> None:
    not_json = client.post(
        "/api/v1/assess", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert not_json.status_code == 422
    assert "\n" not in not_json.json()["detail"]
    array = client.post("/api/v1/assess", json=[1, 2])
    assert array.status_code == 422
    huge = client.post(
        "/api/v1/assess",
        content=b"[" + b"0," * (3 * 1024 * 1024) + b"0]",
        headers={"content-type": "application/json"},
    )
    assert huge.status_code == 413
    assert client.get("/api/v1/assess").status_code == 405


def test_query_validation_errors_use_the_same_shape(client: TestClient) -> None:
    response = client.post("/api/v1/assess?lang=de", json=demo_case())
    assert response.status_code == 422
    assert response.json()["problems"][0]["path"] == "lang"
    assert client.get("/api/v1/faq").status_code == 422


def test_tokens_and_rate_limit(client: TestClient) -> None:
    assert client.get("/api/v1/cases").status_code == 401
    assert client.get("/api/v1/cases", headers={"Authorization": "Bearer nope"}).status_code == 401
    headers = token(client)
    assert client.get("/api/v1/cases", headers=headers).status_code == 200
    for _ in range(5):
        bad = client.post("/api/v1/auth/token", json={"username": "bob", "password": "wrong"})
        assert bad.status_code == 401
    limited = client.post("/api/v1/auth/token", json={"username": "bob", "password": PASSWORD})
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) > 0
    assert client.delete("/api/v1/auth/token", headers=headers).status_code == 204
    assert client.get("/api/v1/cases", headers=headers).status_code == 401


FORM = "application/x-www-form-urlencoded"


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        # an HTML form, as `curl -d` and OAuth2 clients send it (was 422 "valid dictionary")
        (FORM, f"username=alice&password={PASSWORD.replace(' ', '+')}"),
        # the same with a charset parameter and percent-encoded spaces
        (f"{FORM}; charset=UTF-8", f"username=alice&password={PASSWORD.replace(' ', '%20')}"),
        # fields the endpoint does not read (an OAuth2 password grant's) are ignored
        (FORM, f"grant_type=password&username=alice&password={PASSWORD}&scope="),
        # JSON, as before
        ("application/json", json.dumps({"username": "alice", "password": PASSWORD})),
    ],
)
def test_a_token_for_json_or_a_form(client: TestClient, content_type: str, body: str) -> None:
    response = client.post(
        "/api/v1/auth/token", content=body.encode(), headers={"content-type": content_type}
    )
    assert response.status_code == 200, response.text
    issued = {"Authorization": f"Bearer {response.json()['token']}"}
    assert client.get("/api/v1/cases", headers=issued).status_code == 200


@pytest.mark.parametrize(
    ("content_type", "body", "problems"),
    [
        # a form without the password: the missing field is named
        (FORM, b"username=alice", {"password": "Field required"}),
        # an empty form: both are named
        (FORM, b"", {"username": "Field required", "password": "Field required"}),
        # empty values: the same bounds as JSON
        (
            FORM,
            b"username=&password=",
            {
                "username": "String should have at least 1 character",
                "password": "String should have at least 1 character",
            },
        ),
        # a username over 64 characters: refused, not cut
        (
            FORM,
            b"username=" + b"a" * 65 + b"&password=x",
            {"username": "String should have at most 64 characters"},
        ),
        # NUL, percent-encoded: the control-character rule of the JSON body
        (FORM, b"username=alice&password=x%00y", {"password": "String should match pattern"}),
        # a field given twice: which one is meant is unclear
        (FORM, b"username=alice&username=bob&password=x", {"username": "given more than once"}),
        # bytes that are not UTF-8 once percent-decoded
        (FORM, b"username=al%FFce&password=x", {"username": "not UTF-8 text"}),
        # JSON without the password, and an empty JSON body
        ("application/json", b'{"username": "alice"}', {"password": "Field required"}),
        ("application/json", b"", {"username": "Field required", "password": "Field required"}),
        # JSON with a number for the username: no conversion
        (
            "application/json",
            b'{"username": 7, "password": "x"}',
            {"username": "Input should be a valid string"},
        ),
    ],
)
def test_bad_token_requests_name_the_field(
    client: TestClient, content_type: str, body: bytes, problems: dict[str, str]
) -> None:
    response = client.post(
        "/api/v1/auth/token", content=body, headers={"content-type": content_type}
    )
    assert response.status_code == 422, response.text
    answer = response.json()
    assert answer["detail"] == "invalid request"
    got = {p["path"]: p["message"] for p in answer["problems"]}
    assert got.keys() == problems.keys()
    for path, words in problems.items():
        assert words in got[path]


@pytest.mark.parametrize(
    ("headers", "named"),
    [
        # multipart form data: not read here
        ({"content-type": "multipart/form-data; boundary=x"}, "multipart/form-data"),
        # plain text that looks like a form
        ({"content-type": "text/plain"}, "text/plain"),
        # no content type at all
        ({}, "no Content-Type"),
    ],
)
def test_other_token_bodies_get_415_naming_the_type(
    client: TestClient, headers: dict[str, str], named: str
) -> None:
    response = client.post(
        "/api/v1/auth/token", content=b"username=alice&password=x", headers=headers
    )
    assert response.status_code == 415, response.text
    answer = response.json()
    assert named in answer["detail"] and FORM in answer["detail"]
    assert [p["path"] for p in answer["problems"]] == ["Content-Type"]
    assert response.headers["accept-post"] == f"application/json, {FORM}"


def test_a_bad_json_token_body_is_named_like_other_bodies(client: TestClient) -> None:
    # was path "1", "JSON decode error"; now the line and column, as POST /assess says it
    response = client.post(
        "/api/v1/auth/token?lang=en",
        content=b'{"username": "alice",',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 422
    problem = response.json()["problems"][0]
    assert "not valid JSON" in problem["message"] and "line 1" in problem["text"]


def test_a_form_sign_in_is_counted_by_the_limit(client: TestClient) -> None:
    # the form is the same sign-in: five wrong passwords lock the user out for both
    for _ in range(5):
        bad = client.post("/api/v1/auth/token", data={"username": "bob", "password": "wrong"})
        assert bad.status_code == 401
    limited = client.post("/api/v1/auth/token", json={"username": "bob", "password": PASSWORD})
    assert limited.status_code == 429


def test_the_token_body_is_documented_in_both_encodings(client: TestClient) -> None:
    operation = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/auth/token"]["post"]
    content = operation["requestBody"]["content"]
    assert set(content) == {"application/json", FORM}
    for media in content.values():
        assert media["schema"]["required"] == ["username", "password"]
    assert "415" in operation["responses"]


def test_case_crud_with_versions(client: TestClient) -> None:
    alice = token(client)
    created = client.post("/api/v1/cases", json=demo_case("api-1"), headers=alice)
    assert created.status_code == 201
    assert created.headers["etag"] == '"1"'
    assert created.json()["assessment"]["refractory"]["status"] == "refractory"
    assert client.post("/api/v1/cases", json=demo_case("api-1"), headers=alice).status_code == 409

    listed = client.get("/api/v1/cases?status=refractory", headers=alice).json()
    assert [c["id"] for c in listed] == ["api-1"]
    assert client.get("/api/v1/cases?status=not_refractory", headers=alice).json() == []

    changed = demo_case("api-1")
    changed["lesions"][0]["rai_uptake"] = "yes"
    updated = client.put("/api/v1/cases/api-1", json=changed, headers={**alice, "If-Match": '"1"'})
    assert updated.status_code == 200, updated.text
    assert updated.json()["version"] == 2
    assert updated.json()["assessment"]["refractory"]["status"] != "refractory"

    versions = client.get("/api/v1/cases/api-1/versions", headers=alice).json()
    assert [v["version"] for v in versions] == [2, 1]
    assert versions[0]["engine_version"] and versions[0]["rules_version"] == "tuthyref-2021"
    first = client.get("/api/v1/cases/api-1/versions/1", headers=alice).json()
    assert first["case"]["lesions"][0]["rai_uptake"] == "no"
    assert first["assessment"]["refractory"]["status"] == "refractory"

    stored = client.get("/api/v1/cases/api-1/assessment?lang=en", headers=alice)
    assert stored.json()["engine"]["lang"] == "en" and stored.headers["etag"] == '"2"'
    current = client.get("/api/v1/cases/api-1", headers=alice).json()
    assert current["case"]["lesions"][0]["rai_uptake"] == "yes"

    assert client.delete("/api/v1/cases/api-1", headers=alice).status_code == 403
    root = token(client, "root")
    assert client.delete("/api/v1/cases/api-1", headers=root).status_code == 204
    assert client.get("/api/v1/cases/api-1", headers=alice).status_code == 404


def test_stale_save_gets_409_and_stores_nothing(client: TestClient) -> None:
    alice, root = token(client), token(client, "root")
    client.post("/api/v1/cases", json=demo_case("api-2"), headers=alice)
    first = demo_case("api-2")
    first["rai"][0]["activity"] = 150
    assert (
        client.put("/api/v1/cases/api-2", json=first, headers={**root, "If-Match": "1"}).status_code
        == 200
    )
    late = demo_case("api-2")
    late["rai"][0]["activity"] = 180
    stale = client.put("/api/v1/cases/api-2", json=late, headers={**alice, "If-Match": "1"})
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2 and stale.json()["updated_by"] == "root"
    current = client.get("/api/v1/cases/api-2", headers=alice).json()
    assert current["version"] == 2 and current["case"]["rai"][0]["activity"] == 150
    assert client.put("/api/v1/cases/api-2", json=late, headers=alice).status_code == 428
    bad_tag = client.put("/api/v1/cases/api-2", json=late, headers={**alice, "If-Match": "x"})
    assert bad_tag.status_code == 422


def test_put_checks_the_case(client: TestClient) -> None:
    alice = token(client)
    client.post("/api/v1/cases", json=demo_case("api-3"), headers=alice)
    other = client.put(
        "/api/v1/cases/api-3", json=demo_case("api-4"), headers={**alice, "If-Match": "1"}
    )
    assert other.status_code == 422 and other.json()["problems"][0]["path"] == "id"
    broken = demo_case("api-3")
    broken["imaging"][0]["measurements"]["L9"] = 3
    invalid = client.put("/api/v1/cases/api-3", json=broken, headers={**alice, "If-Match": "1"})
    assert invalid.status_code == 422
    assert [p["path"] for p in invalid.json()["problems"]] == ["imaging[0].measurements.L9"]
    assert client.get("/api/v1/cases/api-3", headers=alice).json()["version"] == 1


def test_centres_are_separate(client: TestClient) -> None:
    alice, bob, root = token(client), token(client, "bob"), token(client, "root")
    client.post("/api/v1/cases", json=demo_case("lyon-1"), headers=alice)
    assert client.get("/api/v1/cases/lyon-1", headers=bob).status_code == 404
    assert client.get("/api/v1/cases", headers=bob).json() == []
    assert (
        client.put(
            "/api/v1/cases/lyon-1", json=demo_case("lyon-1"), headers={**bob, "If-Match": "1"}
        ).status_code
        == 404
    )
    assert client.get("/api/v1/cases/lyon-1", headers=root).status_code == 200


def test_cookie_session_needs_the_csrf_header_to_write(client: TestClient) -> None:
    csrf = login(client)
    assert client.get("/api/v1/cases").status_code == 200
    assert client.post("/api/v1/cases", json=demo_case("ck-1")).status_code == 403
    ok = client.post("/api/v1/cases", json=demo_case("ck-1"), headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 201


def test_faq(client: TestClient) -> None:
    answer = client.get("/api/v1/faq", params={"q": "Combien de cures d'iode peut-on faire ?"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["topic"] == "rai-how-many"
    assert body["sources"] and body["body_markdown"]
    english = client.get("/api/v1/faq", params={"q": "What is hand-foot syndrome?"}).json()
    assert english["topic"] == "hand-foot-syndrome" and english["lang"] == "en"


def test_audit_log_api(client: TestClient) -> None:
    alice, root = token(client), token(client, "root")
    client.post("/api/v1/cases", json=demo_case("aud-1"), headers=alice)
    client.get("/api/v1/cases/aud-1", headers=alice)
    assert client.get("/api/v1/audit", headers=alice).status_code == 403
    entries = client.get("/api/v1/audit?case_id=aud-1", headers=root).json()
    assert [(e["username"], e["action"]) for e in entries] == [
        ("alice", "view"),
        ("alice", "create"),
    ]
    serialised = json.dumps(entries)
    assert "papillary" not in serialised and "L1" not in serialised


def test_openapi_and_docs(client: TestClient) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for path in [
        "/api/v1/assess",
        "/api/v1/cases",
        "/api/v1/cases/{case_id}",
        "/api/v1/cases/{case_id}/assessment",
        "/api/v1/faq",
        "/api/v1/cases/{case_id}/versions",
    ]:
        assert path in paths
    assert not any(p.startswith("/cases") for p in paths)  # pages stay out of the API schema
    body = paths["/api/v1/assess"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"]["required"] == ["format", "id", "diagnosis"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and "/api/v1/cases/{case_id}" in docs.text


def test_no_patient_data_in_logs(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    marker = "zz-secret-case-77"
    case: dict[str, Any] = demo_case(marker)
    case["clinical"] = {"on_systemic_therapy": "lenvatinib-unique-marker"}
    headers = token(client)
    assert client.post("/api/v1/cases", json=case, headers=headers).status_code == 201
    client.get(f"/api/v1/cases/{marker}", headers=headers)
    client.post("/api/v1/assess", json={**case, "rai": [{"date": "x"}]})
    csrf = login(client)
    client.get(f"/cases/{marker}")
    client.get(f"/cases?q={marker}")
    client.post("/cases/preview", data={"csrf_token": csrf, "id": marker})
    # Everything the server side logged (httpx is the test client's own logger).
    server = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    text = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in server)
    assert "/api/v1/cases/{case_id}" in text  # the access log is there, by route template
    assert marker not in text and "lenvatinib-unique-marker" not in text


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "la lésion L9 n'est pas déclarée dans les lésions"),  # French by default
        ("en", "lesion L9 is not declared in lesions"),  # English on request
    ],
)
def test_problems_are_also_said_in_the_request_language(
    client: TestClient, lang: str, said: str
) -> None:
    case = demo_case()
    case["imaging"][0]["measurements"]["L9"] = 12
    response = client.post(f"/api/v1/assess?lang={lang}", json=case)
    assert response.status_code == 422
    found = {p["path"]: p for p in response.json()["problems"]}
    problem = found["imaging[0].measurements.L9"]
    assert problem["text"] == said
    assert problem["message"] == "lesion 'L9' is not declared in lesions"  # the CLI's text


def test_assess_and_store_a_case_with_scans(client: TestClient) -> None:
    case = scans_case("api-scans")
    assessed = client.post("/api/v1/assess?lang=en", json=case)
    assert assessed.status_code == 200, assessed.text
    body = assessed.json()
    # the lesions take their rai_uptake from their latest finding ("no" on 2015-04-12)
    ata = next(d for d in body["definitions"] if d["rule_set"] == "ata-2015")
    assert ata["criteria_met"] == ["ATA2015-LOST-UPTAKE"]
    assert "unmapped" not in body  # plain cases keep the plain response
    alice = token(client)
    created = client.post("/api/v1/cases", json=case, headers=alice)
    assert created.status_code == 201, created.text
    stored = client.get("/api/v1/cases/api-scans", headers=alice).json()
    assert stored["case"]["scans"] == case["scans"]
    # a finding for an undeclared lesion: 422 naming the path
    bad = scans_case("api-bad")
    bad["scans"][0]["findings"]["L9"] = "yes"
    refused = client.post("/api/v1/assess", json=bad)
    assert refused.status_code == 422
    assert any(p["path"].startswith("scans[0].findings") for p in refused.json()["problems"])


def test_assess_takes_a_fhir_bundle_and_says_what_it_left(client: TestClient) -> None:
    bundle = fhir_bundle("api-fhir")
    response = client.post("/api/v1/assess?lang=en", json=bundle)
    assert response.status_code == 200, response.text
    body = response.json()
    plain = client.post("/api/v1/assess?lang=en", json=scans_case("api-fhir")).json()
    # the same assessment as the case itself, plus what was not used (and no note)
    assert {k: v for k, v in body.items() if k not in ("unmapped", "notes")} == plain
    assert body["notes"] == []
    assert [u["path"] for u in body["unmapped"]] == [
        u for u in (x["path"] for x in body["unmapped"]) if "Observation/weight-1" in u
    ]
    assert len(body["unmapped"]) == 1 and "29463-7" in body["unmapped"][0]["reason"]
    # the English reason stays; `text` says it in the request's language
    said = "observation code http://loinc.org|29463-7 not recognised"
    assert body["unmapped"][0]["reason"] == body["unmapped"][0]["text"] == said
    french = client.post("/api/v1/assess?lang=fr", json=bundle).json()["unmapped"][0]
    assert french["reason"] == said
    assert french["text"] == "code d'observation http://loinc.org|29463-7 non reconnu"
    # NDJSON too
    lines = "\n".join(json.dumps(e["resource"]) for e in bundle["entry"])
    nd = client.post("/api/v1/assess", content=lines.encode())
    assert nd.status_code == 200 and len(nd.json()["unmapped"]) == 1
    # no usable primary cancer: 422 with problems, nothing assessed
    bundle["entry"] = [e for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"]
    refused = client.post("/api/v1/assess", json=bundle)
    assert refused.status_code == 422
    assert refused.json()["problems"]
    schema = client.get("/api/v1/openapi.json").json()
    assess_doc = schema["paths"]["/api/v1/assess"]["post"]
    assert "FHIR R4" in assess_doc["requestBody"]["description"]
    assert "unmapped" in assess_doc["responses"]["200"]["description"]
    assert "`notes`" in assess_doc["responses"]["200"]["description"]


def test_assess_of_a_fhir_bundle_returns_its_notes(client: TestClient) -> None:
    bundle = fhir_bundle("api-notes")
    bundle["entry"].append(
        {"resource": {"resourceType": "BodyStructure", "id": "bs-x",
                      "identifier": [{"value": "X9"}],
                      "patient": {"reference": fhir_patient(bundle)}}}  # no location: 'other', said
    )  # fmt: skip
    path = f"Bundle.entry[{len(bundle['entry']) - 1}].resource(BodyStructure/bs-x)"
    english = client.post("/api/v1/assess?lang=en", json=bundle).json()
    said = "body site without a code: site taken as 'other'"
    assert english["notes"] == [{"path": path, "reason": said, "text": said}]
    french = client.post("/api/v1/assess?lang=fr", json=bundle).json()
    french_said = "localisation sans code\u00a0: site classé «\u00a0autre\u00a0»"
    assert french["notes"] == [{"path": path, "reason": said, "text": french_said}]
    assert [u["path"] for u in french["unmapped"]] == [
        u["path"] for u in english["unmapped"]
    ]  # the body weight, not used, is still listed apart
