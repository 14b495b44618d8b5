"""Plots: keyed by content, never by a reusable case id; revalidated; audited; never 500."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from thyref.domain import assess, parse_case
from thyref.storage import repository as repo

from .support import TestClient, demo_case, login, token

PLOT = "/cases/{id}/v1/markers.svg?lang=fr"


def _with_tg(case_id: str, value: float) -> dict[str, Any]:
    case = demo_case(case_id)
    case["labs"] = [
        {"date": "2013-01-10", "test": "thyroglobulin", "value": value, "unit": "ng/mL"},
        {"date": "2014-01-10", "test": "thyroglobulin", "value": value * 8, "unit": "ng/mL"},
    ]
    return case


def test_a_reused_case_id_never_shows_the_deleted_patients_plot(
    make_app: Callable[..., FastAPI],
) -> None:
    # two app instances on one database stand for two workers, each with its own cache
    first, second = TestClient(make_app()), TestClient(make_app())
    alice, root, bob = token(first), token(second, "root"), token(second, "bob")
    assert first.post("/api/v1/cases", json=_with_tg("same", 3.0), headers=alice).status_code == 201
    login(first)
    old = first.get(PLOT.format(id="same"))
    assert old.status_code == 200
    # an admin deletes it through the other worker; Lille then uses the same id
    assert second.delete("/api/v1/cases/same", headers=root).status_code == 204
    assert (
        second.post("/api/v1/cases", json=_with_tg("same", 250.0), headers=bob).status_code == 201
    )
    login(first, "bob")  # bob reads it through the first worker, whose cache saw alice's plot
    new = first.get(PLOT.format(id="same"))
    assert new.status_code == 200
    assert new.content != old.content
    fresh = TestClient(make_app())  # an empty cache draws bob's data
    login(fresh, "bob")
    assert fresh.get(PLOT.format(id="same")).content == new.content


def test_delete_empties_the_cache(client: TestClient) -> None:
    root = token(client, "root")
    client.post("/api/v1/cases", json=demo_case("gone"), headers=root)
    login(client, "root")
    assert client.get(PLOT.format(id="gone")).status_code == 200
    plots = client.app.state.thyref.plots  # type: ignore[attr-defined]
    assert len(plots) == 1
    assert client.delete("/api/v1/cases/gone", headers=root).status_code == 204
    assert len(plots) == 0


def test_plots_are_revalidated_with_an_etag(client: TestClient) -> None:
    client.post("/api/v1/cases", json=demo_case("etag"), headers=token(client))
    login(client)
    first = client.get(PLOT.format(id="etag"))
    assert first.headers["cache-control"] == "private, no-cache"
    etag = first.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"')
    again = client.get(PLOT.format(id="etag"), headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    other = client.get(PLOT.format(id="etag"), headers={"If-None-Match": '"other"'})
    assert other.status_code == 200 and other.content == first.content
    # the English plot is another picture: another tag
    english = client.get(PLOT.format(id="etag").replace("lang=fr", "lang=en"))
    assert english.headers["etag"] != etag
    # a 304 still needs the access check: another centre gets 404
    client.cookies.clear()
    login(client, "bob")
    assert client.get(PLOT.format(id="etag"), headers={"If-None-Match": etag}).status_code == 404


def test_plot_views_are_audited(client: TestClient) -> None:
    client.post("/api/v1/cases", json=demo_case("aud"), headers=token(client))
    login(client)
    client.get(PLOT.format(id="aud"))
    with client.app.state.thyref.db.session() as db:  # type: ignore[attr-defined]
        details = [e.detail for e in repo.list_audit(db, case_id="aud")]
    assert "plot markers version 1" in details


def test_a_case_dated_in_year_one_gets_pages_not_500(client: TestClient) -> None:
    valid = parse_case(demo_case("y1"))
    stored = demo_case("y1")
    # stored before the domain refused such dates (or by another tool): the web must cope
    stored["diagnosis"]["date"] = "0001-01-01"
    stored["rai"][0]["date"] = "0001-02-01"
    stored["labs"][0]["date"] = "0001-03-01"
    state = client.app.state.thyref  # type: ignore[attr-defined]
    with state.db.session() as db:
        actor = repo.find_user(db, "alice")
        assert actor is not None
        assessments = {lang: assess(valid, lang).to_json() for lang in ("fr", "en")}
        repo.create_case(db, actor[0], stored, assessments)
    lenient = TestClient(client.app, raise_server_exceptions=False)
    login(lenient)
    assert lenient.get("/cases/y1").status_code == 200
    for name in ("markers", "recist", "rai", "timeline"):
        response = lenient.get(f"/cases/y1/v1/{name}.svg")
        assert response.status_code == 422, name
        assert response.headers["content-type"].startswith("text/html")
