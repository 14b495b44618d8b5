"""Case ids are per centre: another centre's id neither leaks nor blocks (finding 7)."""

from __future__ import annotations

from .support import TestClient, demo_case, login, token


def test_the_same_id_in_two_centres(client: TestClient) -> None:
    alice, bob, root = token(client), token(client, "bob"), token(client, "root")
    lyon = demo_case("shared")
    lille = demo_case("shared")
    lille["rai"][0]["activity"] = 150
    assert client.post("/api/v1/cases", json=lyon, headers=alice).status_code == 201
    # before: 409 "exists" told Lille that Lyon has a case "shared"
    created = client.post("/api/v1/cases", json=lille, headers=bob)
    assert created.status_code == 201
    assert created.headers["location"] == "/api/v1/cases/shared"
    assert client.post("/api/v1/cases", json=lyon, headers=alice).status_code == 409
    assert (
        client.get("/api/v1/cases/shared", headers=bob).json()["case"]["rai"][0]["activity"] == 150
    )
    assert (
        client.get("/api/v1/cases/shared", headers=alice).json()["case"]["rai"][0]["activity"]
        == 100
    )
    # the admin (Lyon) lists both, each with the ref that names it
    refs = {c["centre"]: c["ref"] for c in client.get("/api/v1/cases", headers=root).json()}
    assert refs["Lyon"] == "shared" and refs["Lille"].startswith("shared~")
    other = client.get(f"/api/v1/cases/{refs['Lille']}", headers=root)
    assert other.status_code == 200 and other.json()["centre"] == "Lille"
    # a clinician cannot use a ref to reach another centre
    assert client.get(f"/api/v1/cases/{refs['Lille']}", headers=alice).status_code == 404
    # the pages take the same refs
    login(client, "root")
    page = client.get(f"/cases/{refs['Lille']}")
    assert page.status_code == 200 and "Lille" in page.text
    # its links (plots, history) keep naming Lille's case, and the list links to both
    assert f"/cases/{refs['Lille']}/v1/markers.svg" in page.text
    assert client.get(f"/cases/{refs['Lille']}/v1/markers.svg").status_code == 200
    listing = client.get("/cases").text
    assert f'href="/cases/{refs["Lille"]}"' in listing and 'href="/cases/shared"' in listing


def test_deleted_then_reused_id_keeps_two_audit_keys(client: TestClient) -> None:
    alice, root = token(client), token(client, "root")
    client.post("/api/v1/cases", json=demo_case("again"), headers=alice)
    client.get("/api/v1/cases/again", headers=alice)
    assert client.delete("/api/v1/cases/again", headers=root).status_code == 204
    client.post("/api/v1/cases", json=demo_case("again"), headers=alice)
    client.get("/api/v1/cases/again", headers=alice)
    entries = client.get("/api/v1/audit?case_id=again", headers=root).json()
    keys = {e["action"]: set() for e in entries}
    for entry in entries:
        keys[entry["action"]].add(entry["case_pk"])
    assert None not in keys["view"] and len(keys["view"]) == 2
    assert keys["delete"] < keys["view"]  # the delete is of the first patient's case
    first = next(iter(keys["delete"]))
    only_first = client.get(f"/api/v1/audit?case_pk={first}", headers=root).json()
    assert {e["case_pk"] for e in only_first} == {first}
    assert {e["action"] for e in only_first} >= {"view", "delete", "create"}


def test_search_reads_each_listed_case_not_its_namesakes(client: TestClient) -> None:
    """PT-7 in Lille (no molecular result) and in Lyon (BRAF V600E): searching for BRAF
    does not list Lille's PT-7 (that told Lille a Lyon patient's result), and the admin's
    search finds Lyon's PT-7 only."""
    lille = demo_case("PT-7")
    lyon = demo_case("PT-7")
    lyon["molecular"] = [{"gene": "BRAF", "alteration": "V600E"}]
    assert client.post("/api/v1/cases", json=lille, headers=token(client, "bob")).status_code == 201
    assert client.post("/api/v1/cases", json=lyon, headers=token(client)).status_code == 201
    login(client, "bob")
    for query in ("BRAF", "V600E", "braf papillaire"):
        assert "/cases/PT-7" not in client.get("/cases", params={"q": query}).text, query
    assert 'href="/cases/PT-7"' in client.get("/cases", params={"q": "PT-7"}).text
    login(client, "alice")
    assert 'href="/cases/PT-7"' in client.get("/cases", params={"q": "BRAF"}).text
    login(client, "root")  # an admin of Lyon: both records listed, one matches
    assert "/cases/PT-7~" in client.get("/cases").text
    found = client.get("/cases", params={"q": "BRAF"}).text
    assert 'href="/cases/PT-7"' in found and "/cases/PT-7~" not in found
