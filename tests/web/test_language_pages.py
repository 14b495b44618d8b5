"""Every page, in each language, shows no word or code of the other language."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI

from thyref.demo import demo_cases
from thyref.storage import repository as repo
from thyref.web import cases as case_ops

from .support import TestClient, csrf_of, login
from .telltales import context, leaks, svg_text, visible_text

LANGS = ("fr", "en")


@pytest.fixture
def demo_app(app: FastAPI) -> Iterator[FastAPI]:
    """The demo cases in alice's centre, one of them saved twice (history, compare)."""
    with app.state.thyref.db.session() as db:
        alice = repo.find_user(db, "alice")
        assert alice is not None
        for raw in demo_cases():
            case_ops.create(db, alice[0], raw, action="import", note="demo")
        first = demo_cases()[0]
        changed = {**first, "patient": {**first.get("patient", {}), "birth_year": 1960}}
        case_ops.update(db, alice[0], first["id"], 1, changed, note="birth year")
    yield app


def _pages(client: TestClient) -> list[str]:
    urls = [
        "/",
        "/patient",
        "/cases",
        "/cases/new",
        "/cases/import",
        "/cases?q=zzz",
        "/api/v1/docs",
    ]
    for raw in demo_cases():
        base = f"/cases/{raw['id']}"
        urls += [base, f"{base}/edit", f"{base}/history", f"{base}/versions/1"]
    first = demo_cases()[0]["id"]
    urls += [f"/cases/{first}/compare?a=1&b=2", "/cases/no-such-case"]
    return urls


def _check(html: str, lang: str, where: str, problems: list[str] | None = None) -> None:
    """Fails on a leak; with ``problems``, records it there instead (to see every page)."""
    text = visible_text(html, lang)
    found = leaks(text, lang)
    message = f"{where} ({lang}): {found} — " + " | ".join(context(text, str(f)) for f in found[:3])
    if problems is None:
        assert not found, message
    elif found:
        problems.append(message)


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_speaks_one_language(demo_app: FastAPI, lang: str) -> None:
    client = TestClient(demo_app)
    _check(client.get(f"/login?lang={lang}").text, lang, "/login")
    login(client, "root")  # an admin sees every page, the audit log too
    client.get(f"/?lang={lang}")
    problems: list[str] = []
    for url in [*_pages(client), "/admin/audit"]:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        _check(response.text, lang, url, problems)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", LANGS)
def test_every_plot_speaks_one_language(demo_app: FastAPI, lang: str) -> None:
    client = TestClient(demo_app)
    login(client)
    for raw in demo_cases():
        page = client.get(f"/cases/{raw['id']}?lang={lang}").text
        for url in re.findall(r'src="(/cases/[^"]+\.svg[^"]*)"', page):
            svg = client.get(url.replace("&amp;", "&"))
            assert svg.status_code == 200, url
            found = leaks(svg_text(svg.text), lang)
            assert not found, f"{url}: {found}"


@pytest.mark.parametrize("lang", LANGS)
def test_form_errors_speak_one_language(demo_app: FastAPI, lang: str) -> None:
    client = TestClient(demo_app)
    csrf = login(client)
    client.get(f"/?lang={lang}")
    posts: list[tuple[str, dict[str, Any]]] = [
        ("/cases/import", {"text": "{not json", "csrf_token": csrf}),
        ("/cases/import", {"text": '{"format": "thyref-case/1", "id": "x"}', "csrf_token": csrf}),
        (
            "/cases/import",
            {
                "text": '{"format": "thyref-case/1", "id": "y", "diagnosis": '
                '{"histology": "papilary", "date": "2020-01-01"}}',
                "csrf_token": csrf,
            },
        ),
        ("/cases/new", {"id": "z", "rai[0].activity": "abc", "csrf_token": csrf}),
    ]
    problems: list[str] = []
    for url, data in posts:
        response = client.post(url, data=data)
        _check(response.text, lang, f"POST {url} {data.get('text', '')[:20]}", problems)
    assert not problems, "\n".join(problems)
    wrong = client.post("/login", data={"username": "x", "password": "y", "csrf_token": csrf})
    _check(wrong.text, lang, "POST /login")
    assert csrf_of(wrong.text)
