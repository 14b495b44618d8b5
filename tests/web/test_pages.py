"""Server-rendered pages, in process: sign-in, list, case page, editor, import, history."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi import FastAPI

from samples import other_definition_unknown_uptake, partial_sum
from thyref.demo import demo_cases

from .support import (
    PASSWORD,
    TestClient,
    csrf_of,
    demo_case,
    fhir_bundle,
    fhir_patient,
    form_fields,
    login,
    scans_case,
    token,
)


def _create(client: TestClient, case: dict[str, Any], who: str = "alice") -> None:
    response = client.post("/api/v1/cases", json=case, headers=token(client, who))
    assert response.status_code == 201, response.text


def test_pages_need_a_session(anon: TestClient) -> None:
    response = anon.get("/cases/x?y=1", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/cases/x%3Fy%3D1"
    assert (
        anon.get("/cases/new", headers={"HX-Request": "true"}, follow_redirects=False)
        .headers["hx-redirect"]
        .startswith("/login")
    )
    assert anon.get("/patient").status_code == 200
    assert anon.get("/").status_code == 200


def test_login_sets_a_safe_cookie_and_checks_csrf(client: TestClient) -> None:
    page = client.get("/login")
    forged = client.post(
        "/login",
        data={"username": "alice", "password": PASSWORD, "csrf_token": "forged"},
        follow_redirects=False,
    )
    assert forged.status_code == 403
    wrong = client.post(
        "/login", data={"username": "alice", "password": "nope", "csrf_token": csrf_of(page.text)}
    )
    assert wrong.status_code == 401 and "incorrect" in wrong.text
    ok = client.post(
        "/login",
        data={
            "username": "alice",
            "password": PASSWORD,
            "csrf_token": csrf_of(page.text),
            "next": "https://evil.example/",
        },
        follow_redirects=False,
    )
    assert ok.status_code == 303 and ok.headers["location"] == "/cases"
    cookie = ok.headers["set-cookie"]
    assert "thyref_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert client.get("/cases").status_code == 200
    csrf = csrf_of(client.get("/cases").text)
    assert client.post("/logout", data={"csrf_token": "bad"}).status_code == 403
    assert (
        client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    )
    assert client.get("/cases", follow_redirects=False).status_code == 303


def test_login_rate_limit(client: TestClient) -> None:
    csrf = csrf_of(client.get("/login").text)
    statuses = [
        client.post(
            "/login", data={"username": "bob", "password": "x", "csrf_token": csrf}
        ).status_code
        for _ in range(6)
    ]
    assert statuses == [401] * 5 + [429]
    blocked = client.post(
        "/login", data={"username": "bob", "password": PASSWORD, "csrf_token": csrf}
    )
    assert blocked.status_code == 429 and blocked.headers["retry-after"]


def test_security_headers(client: TestClient) -> None:
    for url in ["/", "/login", "/patient", "/api/v1/health", "/static/app.css"]:
        headers = client.get(url).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
    assert client.get("/login").headers["cache-control"] == "no-store"
    login(client)
    html = client.get("/cases").text
    assert "<script>" not in html and " on" + "click=" not in html


def test_case_list_filters_and_search(client: TestClient) -> None:
    _create(client, demo_case("lst-1"))
    not_refractory = demo_case("lst-2")
    not_refractory["lesions"][0]["rai_uptake"] = "yes"
    not_refractory["lesions"] = not_refractory["lesions"][:1]
    not_refractory["imaging"] = [{"date": "2012-09-01", "measurements": {"L1": 14}}]
    _create(client, not_refractory)
    _create(client, demo_case("other-centre"), who="bob")
    login(client)
    page = client.get("/cases").text
    assert "lst-1" in page and "lst-2" in page and "other-centre" not in page
    refractory = client.get("/cases?status=refractory").text
    assert "lst-1" in refractory and "lst-2" not in refractory
    assert "lst-2" in client.get("/cases?q=LST-2").text
    assert "lst-1" not in client.get("/cases?category=medullary").text
    assert 'class="badge badge-refractory"' in refractory


def test_case_page_shows_assessment_tables_and_plots(client: TestClient) -> None:
    _create(client, demo_case("pg-1"))
    login(client)
    page = client.get("/cases/pg-1")
    assert page.status_code == 200
    html = page.text
    assert "DTC-NO-UPTAKE" in html and "Réfractaire" in html
    assert "2013-09-02" in html  # RECIST table row
    for name in ["markers", "recist", "rai", "timeline"]:
        match = re.search(rf'src="(/cases/pg-1/v1/{name}\.svg\?lang=fr)" alt="([^"]+)"', html)
        assert match, name
        svg = client.get(match.group(1).replace("&amp;", "&"))
        assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml"
        assert svg.content.lstrip().startswith(b"<?xml") and b"<svg" in svg.content
    english = client.get("/cases/pg-1?lang=en").text
    assert "Refractory" in english and 'lang="en"' in english
    assert client.get("/cases/pg-1").text.count('lang="en"') >= 1  # the choice is remembered
    assert client.get("/cases/nope").status_code == 404
    assert client.get("/cases/pg-1/v1/other.svg").status_code == 404


def test_other_centre_cannot_open_a_case(client: TestClient) -> None:
    _create(client, demo_case("own-1"))
    login(client, "bob")
    for url in [
        "/cases/own-1",
        "/cases/own-1/edit",
        "/cases/own-1/v1/rai.svg",
        "/cases/own-1/case.json",
        "/cases/own-1/history",
    ]:
        assert client.get(url).status_code == 404, url


def _editor_fields(csrf: str, **extra: str) -> dict[str, str]:
    fields = {
        "csrf_token": csrf,
        "version": "0",
        "id": "form-1",
        "diagnosis.histology": "papillary",
        "diagnosis.date": "2015-01-10",
        "rai[0].date": "2015-03-01",
        "rai[0].activity": "100",
        "rai[0].unit": "mCi",
        "lesions[0].id": "P1",
        "lesions[0].site": "lung",
        "lesions[0].rai_uptake": "yes",
        "imaging[0].date": "2015-02-20",
        "imaging[0].cell[0]": "12,5",
        "action": "save",
    }
    fields.update(extra)
    return fields


def test_editor_creates_a_case_from_the_form(client: TestClient) -> None:
    csrf = login(client)
    assert client.get("/cases/new").status_code == 200
    saved = client.post("/cases/new", data=_editor_fields(csrf), follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == "/cases/form-1?saved=1"
    case = json.loads(client.get("/cases/form-1/case.json").text)
    assert case["imaging"][0]["measurements"] == {"P1": 12.5}
    assert case["rai"] == [{"date": "2015-03-01", "activity": 100, "unit": "mCi"}]
    assert "form-1" in client.get("/cases").text


def test_editor_keeps_typed_data_and_shows_errors_by_field(client: TestClient) -> None:
    csrf = login(client)
    response = client.post(
        "/cases/new", data=_editor_fields(csrf, **{"rai[0].activity": "beaucoup"})
    )
    assert response.status_code == 200
    body = response.text
    assert 'value="beaucoup"' in body and 'value="12,5"' in body
    slot = re.search(r'<span class="field-error" id="e-f-rai-0-activity">([^<]+)</span>', body)
    assert slot and "nombre" in slot.group(1)  # the French page says it in French
    field = re.search(r'<input type="text" id="f-rai-0-activity"[^>]*>', body)
    assert field and 'aria-describedby="e-f-rai-0-activity"' in field.group(0)
    assert 'aria-invalid="true"' in field.group(0)
    assert client.get("/cases/form-1").status_code == 404  # nothing stored


def test_editor_add_and_remove_rows(client: TestClient) -> None:
    csrf = login(client)
    added = client.post("/cases/new", data=_editor_fields(csrf, action="add:lesions")).text
    assert 'name="lesions[1].id"' in added and "autofocus" in added
    assert 'name="imaging[0].cell[1]"' in added
    removed = client.post(
        "/cases/new",
        data=_editor_fields(
            csrf, action="remove:lesions:0", **{"lesions[1].id": "P2", "lesions[1].site": "bone"}
        ),
    ).text
    assert 'name="lesions[1].id"' not in removed
    assert re.search(r'name="lesions\[0\]\.id"[^>]*value="P2"', removed)


def test_live_preview(client: TestClient) -> None:
    csrf = login(client)
    ok = client.post("/cases/preview", data=_editor_fields(csrf)).text
    assert "badge-" in ok and '<div hidden id="field-errors" data-errors="{}"></div>' in ok
    # A non-avid lesion makes it refractory.
    refractory = client.post(
        "/cases/preview",
        data=_editor_fields(
            csrf,
            **{"lesions[1].id": "P2", "lesions[1].site": "bone", "lesions[1].rai_uptake": "no"},
        ),
    ).text
    assert "badge-refractory" in refractory and "DTC-NO-UPTAKE" in refractory
    assert 'hx-swap-oob="outerHTML"' in refractory  # a new lesion redraws the grid
    bad = client.post(
        "/cases/preview", data=_editor_fields(csrf, **{"diagnosis.date": "2999-01-01"})
    )
    found = re.search(r'id="field-errors" data-errors="([^"]*)"', bad.text)
    assert found
    errors = json.loads(html.unescape(found.group(1)))
    assert list(errors) == ["diagnosis.date"]


def test_stale_edit_keeps_the_typed_data(client: TestClient) -> None:
    _create(client, demo_case("st-1"))
    csrf = login(client)
    client.put(
        "/api/v1/cases/st-1",
        json=demo_case("st-1"),
        headers={**token(client, "root"), "If-Match": "1"},
    )
    form = _editor_fields(csrf, id="st-1", version="1", **{"rai[0].activity": "175"})
    form.pop("lesions[0].rai_uptake")
    response = client.post("/cases/st-1/edit", data=form)
    assert response.status_code == 409  # as in the API, and nothing typed is lost
    assert "root" in response.text and 'id="conflict"' in response.text
    assert 'value="175"' in response.text and 'name="version" value="2"' in response.text
    assert client.get("/api/v1/cases/st-1", headers=token(client)).json()["version"] == 2
    saved = client.post("/cases/st-1/edit", data={**form, "version": "2"}, follow_redirects=False)
    assert saved.status_code == 303
    assert client.get("/api/v1/cases/st-1", headers=token(client)).json()["version"] == 3


def test_edit_existing_case_round_trips(client: TestClient) -> None:
    # open the editor on a saved case and save it back untouched: the case is the same,
    # fields the form does not show (a custom field, a lesion note) included
    case = demo_case("rt-1")
    case["custom_field"] = {"kept": True}
    case["lesions"][0]["note"] = "kept too"
    _create(client, case)
    login(client)
    page = client.get("/cases/rt-1/edit")
    assert page.status_code == 200
    fields = form_fields(page.text, "editor-form")
    names = [name for name, _ in fields]
    assert "extra" in names and "csrf_token" in names and "version" in names
    form: dict[str, list[str]] = {}
    for name, value in [*fields, ("action", "save")]:
        form.setdefault(name, []).append(value)
    saved = client.post("/cases/rt-1/edit", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text[:2000]
    assert saved.headers["location"].startswith("/cases/rt-1")
    stored = client.get("/api/v1/cases/rt-1", headers=token(client)).json()
    # saved untouched: the case is the same and no version is made (issue 10)
    assert stored["version"] == 1
    assert stored["case"] == case


def test_import_json(client: TestClient) -> None:
    csrf = login(client)
    text = json.dumps(demo_case("imp-1"))
    imported = client.post(
        "/cases/import", data={"csrf_token": csrf, "text": text}, follow_redirects=False
    )
    assert imported.status_code == 303 and imported.headers["location"].startswith("/cases/imp-1")
    # the same case again: its id is taken, the editor opens on it and says so
    again = client.post("/cases/import?lang=en", data={"csrf_token": csrf, "text": text})
    assert 'id="editor-form"' in again.text and 'value="imp-1"' in again.text
    assert "A case with this identifier exists." in html.unescape(again.text)
    upload = client.post(
        "/cases/import",
        data={"csrf_token": csrf},
        files={"file": ("c.json", json.dumps(demo_case("imp-2")).encode(), "application/json")},
        follow_redirects=False,
    )
    assert upload.status_code == 303
    broken = client.post("/cases/import", data={"csrf_token": csrf, "text": "{oops"})
    assert broken.status_code == 422 and "{oops" in broken.text and "notice error" in broken.text
    invalid_case = demo_case("imp-3")
    invalid_case["imaging"][0]["measurements"]["L9"] = 4
    invalid = client.post(
        "/cases/import", data={"csrf_token": csrf, "text": json.dumps(invalid_case)}
    )
    assert 'id="editor-form"' in invalid.text and "L9" in invalid.text


def test_downloads_history_and_compare(client: TestClient) -> None:
    _create(client, demo_case("h-1"))
    changed = demo_case("h-1")
    changed["lesions"][0]["rai_uptake"] = "yes"
    client.put("/api/v1/cases/h-1", json=changed, headers={**token(client), "If-Match": "1"})
    login(client)
    case = client.get("/cases/h-1/case.json")
    assert "attachment" in case.headers["content-disposition"]
    assert json.loads(case.text)["lesions"][0]["rai_uptake"] == "yes"
    assessment = json.loads(client.get("/cases/h-1/assessment.json?version=1").text)
    assert assessment["refractory"]["status"] == "refractory" and assessment["engine"]["version"]
    history = client.get("/cases/h-1/history").text
    assert "Version 2" in history and "Version 1" in history
    compare = client.get("/cases/h-1/compare?a=1&b=2").text
    assert "lesions[0].rai_uptake" in compare and "DTC-NO-UPTAKE" in compare
    assert "comparée à elle-même" not in html.unescape(compare)
    # a version compared with itself (the default of a one-version case) says so, instead
    # of a bare "version 1 -> version 1" with no difference
    itself = html.unescape(client.get("/cases/h-1/compare?a=2&b=2").text)
    assert "La version 2 est comparée à elle-même" in itself
    old = client.get("/cases/h-1/versions/1").text
    assert "Version 1" in old and 'class="notice warn"' in old


def test_compare_names_each_option_in_words_then_its_code(client: TestClient) -> None:
    # session 16 walkthrough: the options added or removed read "LOCAL-TREATMENT Discuss
    # local treatment", the code before the words (every other page: words, then code)
    _create(client, demo_case("h-opt"))
    changed = demo_case("h-opt")
    changed["lesions"][0]["rai_uptake"] = "yes"
    client.put("/api/v1/cases/h-opt", json=changed, headers={**token(client), "If-Match": "1"})
    login(client)
    page = client.get("/cases/h-opt/compare?a=1&b=2&lang=en").text
    items = re.findall(r"<li>(.*?)</li>", page.split("<h2>", 1)[1], flags=re.S)
    assert items, page
    for item in items:
        words, code = re.fullmatch(
            r'\s*([^<]+?) <code class="chip">([A-Z0-9-]+)</code>', item
        ).groups()  # type: ignore[union-attr]
        assert words.strip() and code, item


def test_audit_page_is_for_admins(client: TestClient) -> None:
    _create(client, demo_case("a-1"))
    login(client)
    client.get("/cases/a-1")
    assert client.get("/admin/audit").status_code == 403
    admin = TestClient(client.app)
    login(admin, "root")
    page = admin.get("/admin/audit?case=a-1").text
    assert "alice" in page and "Consultation" in page and "Création" in page


def test_admin_delete_needs_csrf(client: TestClient) -> None:
    _create(client, demo_case("del-1"))
    csrf = login(client, "root")
    assert client.post("/cases/del-1/delete", data={}).status_code == 403
    assert (
        client.post(
            "/cases/del-1/delete", data={"csrf_token": csrf}, follow_redirects=False
        ).status_code
        == 303
    )
    assert client.get("/cases/del-1").status_code == 404


def test_patient_page(anon: TestClient) -> None:
    page = anon.get("/patient", params={"q": "Qu'est-ce que le syndrome main-pied ?"})
    assert page.status_code == 200
    assert 'data-topic="hand-foot-syndrome"' in page.text
    assert "équipe soignante" in page.text  # plain-language disclaimer
    english = anon.get("/patient?lang=en").text
    assert "Glossary" in english and "All topics" in english


@pytest.mark.parametrize(
    ("lang", "themes", "first"),
    [
        # the topics by theme, starting with what "refractory" means (they were listed in
        # the alphabetical order of their ids, anaplastic cancers first)
        (
            "fr",
            ["Comprendre la maladie", "L'iode radioactif et les scintigraphies", "Qui vous soigne"],
            "Qu'appelle-t-on un cancer de la thyroïde «\u00a0réfractaire\u00a0»\u00a0?",
        ),
        ("en", ["Understanding the disease", "Who looks after you"], "refractory"),
    ],
)
def test_patient_topics_are_listed_by_theme(
    anon: TestClient, lang: str, themes: list[str], first: str
) -> None:
    page = html.unescape(anon.get(f"/patient?lang={lang}").text)
    headings = re.findall(r'<h3 class="theme">([^<]+)</h3>', page)
    assert [h for h in headings if h in themes] == themes  # in this order
    after = page[page.index(headings[0]) :]
    first_topic = re.search(r'<li><a href="/patient\?q=[^"]+">([^<]+)</a>', after)
    assert first_topic is not None and first in first_topic.group(1)


class _FormFields(HTMLParser):
    """What a browser would post from ``form#editor-form`` (without pressing a button)."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("id") == "editor-form"
        if not self.inside or ("name" not in a and tag != "option"):
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((a["name"], a.get("value", "on")))
            elif kind not in ("submit", "button", "file"):
                self.fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select, self._options = a["name"], []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        if tag == "select" and self._select is not None:
            chosen = [v for v, selected in self._options if selected] or [self._options[0][0]]
            self.fields.append((self._select, chosen[-1]))
            self._select = None


def _post_form(client: TestClient, url: str, fields: list[tuple[str, str]]) -> Any:
    """Post repeated names in order, as a browser does."""
    return client.post(
        url,
        content=urlencode(fields),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )


def _editor_form(html_text: str) -> list[tuple[str, str]]:
    parser = _FormFields()
    parser.feed(html_text)
    return parser.fields


def _versions(client: TestClient, case_id: str) -> list[dict[str, Any]]:
    listing = client.get(f"/api/v1/cases/{case_id}/versions", headers=token(client)).json()
    return list(listing if isinstance(listing, list) else listing.get("versions", listing))


def _stored(client: TestClient, case_id: str, version: int) -> dict[str, Any]:
    body = client.get(f"/api/v1/cases/{case_id}/versions/{version}", headers=token(client)).json()
    return dict(body.get("case", body))


@pytest.mark.parametrize("raw", demo_cases(), ids=lambda c: str(c["id"]))
def test_editor_saves_what_changed_and_nothing_else(
    client: TestClient, raw: dict[str, Any]
) -> None:
    case = json.loads(json.dumps(raw))
    if case.get("imaging"):
        case["imaging"][0]["new_lesions"] = False  # an explicit "no" must survive
    if case.get("rai"):
        # an integer stays an integer (inside the 50 GBq bound whatever the unit)
        case["rai"][0]["activity"] = 4 if case["rai"][0]["unit"] == "GBq" else 100
    _create(client, case)
    csrf = login(client)
    url = f"/cases/{case['id']}/edit"
    form = _editor_form(client.get(url).text)
    assert ("csrf_token", csrf) in form
    # saved untouched: no new version
    same = _post_form(client, url, [*form, ("action", "save")])
    assert same.status_code == 303, same.text[:2000]
    assert len(_versions(client, case["id"])) == 1
    assert _stored(client, case["id"], 1) == case
    # one field changed: only that field differs in the stored JSON
    changed = [(k, "1961" if k == "patient.birth_year" else v) for k, v in form]
    if ("patient.birth_year", "1961") not in changed:
        changed.append(("patient.birth_year", "1961"))
    saved = _post_form(client, url, [*changed, ("action", "save")])
    assert saved.status_code == 303
    assert len(_versions(client, case["id"])) == 2
    expected = {**case, "patient": {**case.get("patient", {}), "birth_year": 1961}}
    assert _stored(client, case["id"], 2) == expected
    compare = client.get(f"/cases/{case['id']}/compare?a=1&b=2").text
    assert compare.count("<code>") == 1 and "patient.birth_year" in compare


def _diff_table(page: str) -> dict[str, tuple[str, str, str]]:
    """The comparison table: path -> (field as said, value in version a, in version b),
    tags dropped and spaces collapsed."""

    def said(cell: str) -> str:
        return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split())

    rows = {}
    for th, old, new in re.findall(
        r'<tr><th scope="row">(.*?)</th>\s*<td class="old">(.*?)</td>\s*<td class="new">(.*?)</td>',
        page,
        re.S,
    ):
        path = re.findall(r"<code>([^<]+)</code>", th)[-1]
        rows[html.unescape(path)] = (said(th), said(old), said(new))
    return rows


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "fr",
            {
                # a measurement: the editor's grid cell ("{lesion} à l'examen {n}",
                # web.editor.cell_label), in mm, with the scan's date; the path beside
                "imaging[1].measurements.L1": (
                    "L1 à l'examen 2 (mm) · 2013-09-02 imaging[1].measurements.L1", "15", "18"
                ),
                # a lab's test: row and field as the editor labels them ("Dosage {n}",
                # "Dosage"), the values in the words of vocab.test with their code beside
                "labs[0].test": (
                    "Dosage 1 — Dosage · 2013-01-10 labs[0].test",
                    "Thyroglobuline thyroglobulin",
                    "ACE cea",
                ),
                # a lesion's field: the row named by the lesion's id; vocab.rai_uptake
                "lesions[0].rai_uptake": (
                    "Lésion 1 — Fixation de l'iode · L1 lesions[0].rai_uptake",
                    "Ne fixe pas no",
                    "Fixe yes",
                ),
                # a field added: absent before; a boolean in the editor's words
                "clinical.symptomatic": (
                    "Maladie symptomatique clinical.symptomatic", "(absent)", "Non"
                ),
                # a non-target state (vocab.non_target), as the grid cell says it
                "imaging[1].non_target.B1": (
                    "B1 à l'examen 2 · 2013-09-02 imaging[1].non_target.B1",
                    "Présente present",
                    "Progression franche unequivocal_progression",
                ),
            },
        ),
        (
            "en",
            {
                "imaging[1].measurements.L1": (
                    "L1 on scan 2 (mm) · 2013-09-02 imaging[1].measurements.L1", "15", "18"
                ),
                "labs[0].test": (
                    "Test 1 — Test · 2013-01-10 labs[0].test",
                    "Thyroglobulin thyroglobulin",
                    "CEA cea",
                ),
                "lesions[0].rai_uptake": (
                    "Lesion 1 — Iodine uptake · L1 lesions[0].rai_uptake", "Not avid no", "Avid yes"
                ),
                "clinical.symptomatic": (
                    "Symptomatic disease clinical.symptomatic", "(absent)", "No"
                ),
                "imaging[1].non_target.B1": (
                    "B1 on scan 2 · 2013-09-02 imaging[1].non_target.B1",
                    "Present present",
                    "Unequivocal progression unequivocal_progression",
                ),
            },
        ),
    ],
)  # fmt: skip
def test_compare_says_each_field_in_words_with_its_path(
    client: TestClient, lang: str, expected: dict[str, tuple[str, str, str]]
) -> None:
    # House rule: codes beside words, never instead of them. The words
    # are the editor's (web.editor.* of messages-ui.toml) and the vocabularies' (vocab.*).
    case = demo_case("cmp-1")
    case["lesions"].append({"id": "B1", "site": "bone", "recist_role": "non_target"})
    for scan in case["imaging"]:
        scan["non_target"] = {"B1": "present"}
    _create(client, case)
    changed = json.loads(json.dumps(case))
    changed["imaging"][1]["measurements"]["L1"] = 18
    changed["imaging"][1]["non_target"]["B1"] = "unequivocal_progression"
    changed["labs"][0]["test"] = "cea"  # ng/mL fits CEA too (case-format.md, labs[].unit)
    changed["lesions"][0]["rai_uptake"] = "yes"
    changed["clinical"] = {"symptomatic": False}
    response = client.put(
        "/api/v1/cases/cmp-1", json=changed, headers={**token(client), "If-Match": "1"}
    )
    assert response.status_code == 200, response.text
    login(client)
    page = client.get(f"/cases/cmp-1/compare?a=1&b=2&lang={lang}")
    assert page.status_code == 200
    assert _diff_table(page.text) == expected


class _Selects(HTMLParser):
    """Every select of a page: name -> [(option value, option text)]."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.selects: dict[str, list[tuple[str, str]]] = {}
        self._name: str | None = None
        self._value: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "select":
            self._name = a.get("name", "")
            self.selects[self._name] = []
        elif tag == "option" and self._name is not None:
            self._value = a.get("value", "")

    def handle_data(self, data: str) -> None:
        if self._name is not None and self._value is not None:
            self.selects[self._name].append((self._value, data.strip()))
            self._value = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._name = None


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_compare_words_of_a_code_are_the_editor_s(client: TestClient, lang: str) -> None:
    # One mapping field -> vocabulary (forms.FIELD_VOCABULARIES): the comparison page says
    # a value with the words the editor's select offers for it, for every select that
    # offers codes, and the mapping names no field the editor lacks.
    from thyref.web.forms import FIELD_VOCABULARIES
    from thyref.web.i18n import Translator

    case = scans_case("voc-1")
    case["patient"] = {"sex": "female"}
    case["diagnosis"]["extent"] = "metastatic"
    case["rai"][0]["response"] = "stable"
    case["lesions"].append({"id": "B1", "site": "bone", "recist_role": "non_target"})
    case["imaging"][0]["non_target"] = {"B1": "present"}
    case["labs"] = [{"date": "2015-01-10", "test": "thyroglobulin", "value": 3, "unit": "ng/mL"}]
    case["molecular"] = [
        {"gene": "BRAF", "alteration": "V600E", "kind": "mutation", "origin": "somatic",
         "sample": "primary"}
    ]  # fmt: skip
    _create(client, case)
    login(client)
    parser = _Selects()
    parser.feed(client.get(f"/cases/voc-1/edit?lang={lang}").text)
    t = Translator(lang)
    seen = set()
    for name, options in parser.selects.items():
        field = re.sub(r"\[[0-9]+\]", "", name)
        codes = [(value, said) for value, said in options if value not in ("", "true", "false")]
        if field not in FIELD_VOCABULARIES:
            assert not codes, f"{name} offers codes the comparison cannot say: {codes}"
            continue
        seen.add(field)
        for value, said in codes:
            assert said == t.label(FIELD_VOCABULARIES[field], value), (name, value)
    assert seen == set(FIELD_VOCABULARIES)


def test_new_case_form_opens_without_errors(client: TestClient) -> None:
    login(client)
    page = client.get("/cases/new").text
    assert 'id="error-summary"' not in page and "notice error" not in page


@pytest.mark.parametrize(
    ("query", "found", "not_found"),
    [
        ("papillaire", "demo-003", "ex-ftc-progression"),  # histology in French
        ("papillary", "demo-003", "ex-atc"),  # and in English
        ("réfractaire", "ex-atc", "ex-ptc-locoregional"),  # status word, not "non réfractaire"
        ("refractaire", "ex-atc", "ex-ptc-indeterminate"),  # without the accent
        ("BRAF", "demo-003", "ex-atc"),  # a gene of the molecular results
        ("médullaire", "ex-mtc-calcitonin", "demo-003"),  # category
        ("fixant pas", "demo-003", "ex-atc"),  # criterion in words
        ("DTC-CUMULATIVE", "ex-ptc-cumulative", "demo-003"),  # criterion code
    ],
)
def test_search_in_the_page_language(
    client: TestClient, query: str, found: str, not_found: str
) -> None:
    for raw in demo_cases():
        _create(client, raw)
    login(client)
    page = client.get("/cases", params={"q": query}).text
    assert f">{found}<" in page
    assert f">{not_found}<" not in page


def test_audit_filter_shows_and_filters_by_user(client: TestClient) -> None:
    _create(client, demo_case("au-1"))
    login(client)
    client.get("/cases/au-1")
    login(client, "root")
    page = client.get("/admin/audit", params={"user": "alice"}).text
    assert 'id="user" name="user" value="alice"' in page
    assert "Actor(" not in page
    # the cells carry their column's label (data-label) for the phone's card layout
    users = set(re.findall(r"<tr><td[^>]*>[^<]*</td><td[^>]*>([^<]*)</td>", page))
    assert users == {"alice"}
    empty = client.get("/admin/audit").text
    assert 'id="user" name="user" value=""' in empty


# ---------------------------------------------------------------- definitions and scans


def _section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    return page[start : page.index("</section>", start)]


def test_case_page_compares_the_definitions(client: TestClient) -> None:
    _create(client, scans_case())
    login(client)
    page = html.unescape(client.get("/cases/web-scans?lang=en").text)
    table = _section(page, "h-definitions")
    # one row per definition, the primary (TuThyRef) first
    assert table.index("TuThyRef 2021") < table.index("ATA 2015 (recommendation 91)")
    assert "reference definition" in table
    # criteria in words, codes beside them as labels
    assert "A lesion without I-131 uptake" in table and "<code" in table
    assert "Lesion no longer avid" in table and "ATA2015-LOST-UPTAKE" in table
    assert table.count("Refractory") == 2
    assert "do not give the same verdict" not in page  # both refractory
    fr = html.unescape(client.get("/cases/web-scans?lang=fr").text)
    assert "Lésion qui ne fixe plus l'iode" in _section(fr, "h-definitions")


@pytest.mark.parametrize(
    ("lang", "said", "not_said"),
    [
        ("en", "I-131 uptake status of lesions L1, L3", "at least one lesion"),
        ("fr", "Statut de fixation de l'iode 131 des lésions L1, L3", "au moins une lésion"),
    ],
)
def test_case_page_names_the_lesions_another_definition_misses(
    client: TestClient, lang: str, said: str, not_said: str
) -> None:
    """L1 declared non-avid (TuThyRef: refractory); ATA 2015 reads the scans only, where
    L2 alone is seen: L1 and L3 unknown to it. The row said "at least one lesion" (the
    reports name them since session 14; the stored assessment names the primary's only,
    the others' are read again from the stored case)."""
    case = other_definition_unknown_uptake(f"web-other-{lang}")
    _create(client, case)
    login(client)
    page = html.unescape(client.get(f"/cases/web-other-{lang}?lang={lang}").text)
    table = _section(page, "h-definitions")
    row = table[table.index('class="definition-ata-2015"') :]
    assert said in row and not_said not in table


def test_case_page_says_not_applicable_and_differ(client: TestClient) -> None:
    # medullary: ATA 2015 R91 covers differentiated cancer only -> outside the definition
    case = {
        "format": "thyref-case/1",
        "id": "web-mtc",
        "diagnosis": {"histology": "medullary", "date": "2018-01-01"},
        "lesions": [{"id": "L1", "site": "liver"}],
        "clinical": {"standard_treatment_possible": False},
    }
    _create(client, case)
    login(client)
    page = html.unescape(client.get("/cases/web-mtc?lang=en").text)
    assert "Outside the definition" in _section(page, "h-definitions")
    assert 'id="h-scans"' not in page  # medullary without scans: no scan panel
    assert "No scan recorded" not in page
    fr = html.unescape(client.get("/cases/web-mtc?lang=fr").text)
    assert "Hors champ de la définition" in fr


def test_case_page_shows_uptake_per_lesion_over_time(client: TestClient) -> None:
    _create(client, scans_case())
    login(client)
    page = html.unescape(client.get("/cases/web-scans?lang=en").text)
    table = _section(page, "h-scans")
    # scans as columns in date order, lesions as rows, findings in words
    assert table.index("2014-04-06") < table.index("2015-04-12") < table.index("2015-09-01")
    row_l1 = table[table.index(">L1<") : table.index("</tr>", table.index(">L1<"))]
    assert [w for w in ("Avid", "Not avid", "Equivocal") if w in row_l1] == [
        "Avid",
        "Not avid",
        "Equivocal",
    ]
    assert "Not visualised" in table
    # the TSH 12 mU/L scan is marked as not counted, with the reason: once in the header,
    # and in each lesion's cell of its column for the cards of a phone (data-label)
    head = table[: table.index("</thead>")]
    assert head.count("(not counted)") == 1
    labels = re.findall(r'data-label="([^"]*)"', table)
    assert [x for x in labels if "(not counted)" in x] == [
        "2015-09-01 · Diagnostic, I-123 (not counted)"  # the I-123 scan at TSH 12 mU/L
    ] * table.count('<th scope="row">')
    assert "TSH 12 mU/L, below 30 mU/L" in table
    # scans on the I-131 timeline, between the administrations
    rai = _section(page, "h-rai")
    assert rai.index("2014-04-01") < rai.index("2014-04-06") < rai.index("2015-04-07")
    assert "post-therapy scan" in rai


def _differing_case(case_id: str) -> dict[str, Any]:
    """Progression 15 months after I-131 in avid lesions (shared example
    ex-def-pd-after-window): outside TuThyRef's 12-month window (not refractory), inside
    ATA 2015 R91 D (refractory): the definitions differ."""
    return {
        "format": "thyref-case/1",
        "id": case_id,
        "diagnosis": {"histology": "follicular", "date": "2017-09-01"},
        "rai": [{"date": "2018-01-10", "activity": 150, "unit": "mCi"}],
        "lesions": [
            {"id": "B1", "site": "bone", "rai_uptake": "yes"},
            {"id": "P1", "site": "lung", "rai_uptake": "yes"},
        ],
        "imaging": [
            {"date": "2017-12-15", "measurements": {"B1": 30, "P1": 14}},
            {"date": "2018-07-01", "measurements": {"B1": 30, "P1": 13}},
            {"date": "2019-04-20", "measurements": {"B1": 38, "P1": 18}},
        ],
    }


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_case_list_filters_on_definitions_differ(client: TestClient, lang: str) -> None:
    _create(client, _differing_case("dd-1"))
    _create(client, scans_case("dd-same"))  # both definitions: refractory
    mtc = {  # refractory under TuThyRef, outside ATA 2015: not_applicable is left out
        "format": "thyref-case/1",
        "id": "dd-mtc",
        "diagnosis": {"histology": "medullary", "date": "2018-01-01"},
        "lesions": [{"id": "L1", "site": "liver"}],
        "clinical": {"standard_treatment_possible": False},
    }
    _create(client, mtc)
    login(client)
    everything = client.get(f"/cases?lang={lang}").text
    assert all(c in everything for c in ("dd-1", "dd-same", "dd-mtc"))
    label = {"fr": "Seulement les dossiers où les définitions divergent", "en": "Only cases"}
    assert label[lang] in html.unescape(everything)
    # without JS: the form's GET; with JS: the same URL asked by HTMX for #case-results
    for headers in ({}, {"HX-Request": "true"}):
        page = client.get(f"/cases?differ=1&lang={lang}", headers=headers).text
        assert "dd-1" in page
        assert "dd-same" not in page and "dd-mtc" not in page
        assert 'name="differ" type="checkbox" value="1" checked' in page
    mark = {"fr": "définitions divergentes", "en": "definitions differ"}[lang]
    listed = html.unescape(everything)
    row = listed[listed.index(">dd-1<") : listed.index("</tr>", listed.index(">dd-1<"))]
    assert mark in row
    # combined with another filter
    assert "dd-1" not in client.get("/cases?differ=1&status=refractory").text
    assert "dd-1" in client.get("/cases?differ=1&status=not_refractory&q=dd").text


def test_editor_round_trips_a_case_with_scans(client: TestClient) -> None:
    # the same check as for the demo cases, on a case with scans[]
    test_editor_saves_what_changed_and_nothing_else(client, scans_case("web-rt-scans"))


def test_editor_adds_a_scan_with_a_finding_per_lesion(client: TestClient) -> None:
    csrf = login(client)
    base = [
        ("csrf_token", csrf),
        ("id", "web-new-scan"),
        ("diagnosis.histology", "papillary"),
        ("diagnosis.date", "2014-02-01"),
        ("rai[0].date", "2014-04-01"),
        ("rai[0].activity", "3.7"),
        ("rai[0].unit", "GBq"),
        ("lesions[0].id", "L1"),
        ("lesions[0].site", "lung"),
    ]
    added = _post_form(client, "/cases/new", [*base, ("action", "add:scans")])
    assert added.status_code == 200
    page = html.unescape(added.text)
    assert 'name="scans[0].finding[0]"' in page and "Fixation de L1" in page
    assert 'name="scans[0].date"' in page and "autofocus" in page
    saved = _post_form(
        client,
        "/cases/new",
        [
            *base,
            ("scans[0].date", "2014-04-06"),
            ("scans[0].kind", "post_therapy"),
            ("scans[0].tsh", "70"),
            ("scans[0].finding[0]", "no"),
            ("action", "save"),
        ],
    )
    assert saved.status_code == 303, saved.text[:1500]
    stored = _stored(client, "web-new-scan", 1)
    assert stored["scans"] == [
        {"date": "2014-04-06", "kind": "post_therapy", "tsh": 70, "findings": {"L1": "no"}}
    ]
    # a finding for a lesion contradicting its own rai_uptake: the error lands on the field
    bad = _post_form(
        client,
        "/cases/new",
        [
            *base,
            ("id", "web-bad-scan"),
            ("lesions[0].rai_uptake", "yes"),
            ("scans[0].date", "2014-04-06"),
            ("scans[0].kind", "post_therapy"),
            ("scans[0].finding[0]", "no"),
            ("action", "save"),
        ],
    )
    assert bad.status_code == 200
    assert 'id="error-summary"' in bad.text


def test_import_a_case_with_scans(client: TestClient) -> None:
    csrf = login(client)
    case = scans_case("imp-scans")
    imported = client.post(
        "/cases/import",
        data={"csrf_token": csrf, "text": json.dumps(case)},
        follow_redirects=False,
    )
    assert imported.status_code == 303, imported.text[:1000]
    assert _stored(client, "imp-scans", 1)["scans"] == case["scans"]
    # an invalid scan opens the editor with the error on the scan's field
    bad = scans_case("imp-bad-scan")
    bad["scans"][1]["kind"] = "pet_ct"
    invalid = client.post("/cases/import", data={"csrf_token": csrf, "text": json.dumps(bad)})
    assert 'id="editor-form"' in invalid.text
    assert 'id="f-scans-1-kind"' in invalid.text and 'aria-invalid="true"' in invalid.text


# ---------------------------------------------------------------- FHIR


def test_import_page_reads_a_fhir_bundle_and_lists_what_it_left(client: TestClient) -> None:
    csrf = login(client)
    bundle = fhir_bundle("fhir-imp")
    page = client.post(
        "/cases/import?lang=en", data={"csrf_token": csrf, "text": json.dumps(bundle)}
    )
    assert page.status_code == 200, page.text[:1500]
    shown = html.unescape(page.text)
    assert "Case imported from FHIR" in shown and 'href="/cases/fhir-imp?saved=1"' in shown
    assert "FHIR elements not taken into the case" in shown
    assert "Observation/weight-1" in shown and "29463-7" in shown
    assert "observation code http://loinc.org|29463-7 not recognised" in shown
    stored = _stored(client, "fhir-imp", 1)
    assert stored["scans"] == scans_case("fhir-imp")["scans"]
    # the same upload again: the id is taken, the editor says so and keeps the data
    again = client.post("/cases/import", data={"csrf_token": csrf, "text": json.dumps(bundle)})
    assert 'id="editor-form"' in again.text and 'value="2014-04-06"' in again.text


def _fhir_left(page: str) -> str:
    """The editor's panel of what a FHIR import left, as text ('' when there is none)."""
    match = re.search(r'<section class="panel" id="fhir-left">(.*?)</section>', page, re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split()) if match else ""


def test_fhir_import_onto_a_taken_id_keeps_what_it_left_in_the_editor(
    client: TestClient,
) -> None:
    csrf = login(client)
    bundle = fhir_bundle("fhir-taken")
    data = {"csrf_token": csrf, "text": json.dumps(bundle)}
    assert client.post("/cases/import?lang=fr", data=data).status_code == 200
    # the same Bundle again: the id is taken, the editor opens on the case; what the
    # import did not take (the body weight, LOINC 29463-7, fhir_bundle) is still said,
    # as the import page says it (web.md: "after a FHIR import the page lists ...")
    again = client.post("/cases/import?lang=fr", data=data)
    assert 'id="editor-form"' in again.text and "déjà" in html.unescape(again.text)
    left = _fhir_left(again.text)
    assert "Éléments FHIR non repris dans le dossier" in left
    assert "(Observation/weight-1) code d'observation http://loinc.org|29463-7 non reconnu" in left
    # the form carries them: a row added without JavaScript (a whole page), a save refused
    # again (the id still taken) keep them; the save under a new id stores the case
    form = _editor_form(again.text)
    added = _post_form(client, "/cases/new", [*form, ("action", "add:labs")])
    assert added.status_code == 200 and _fhir_left(added.text) == left
    refused = _post_form(client, "/cases/new", [*form, ("action", "save")])
    assert refused.status_code == 200 and _fhir_left(refused.text) == left
    renamed = [(k, "fhir-taken-2" if k == "id" else v) for k, v in form]
    saved = _post_form(client, "/cases/new", [*renamed, ("action", "save")])
    assert saved.status_code == 303 and saved.headers["location"].startswith("/cases/fhir-taken-2")
    # a case opened in the editor without an import has no such panel
    assert _fhir_left(client.get("/cases/new").text) == ""
    # nor has an import that left nothing out and noted nothing: no empty panel
    clean = {
        "csrf_token": csrf,
        "text": json.dumps(fhir_bundle("fhir-clean", extra_observation=False)),
    }
    assert client.post("/cases/import", data=clean).status_code == 200
    again = client.post("/cases/import", data=clean)
    assert 'id="editor-form"' in again.text
    assert 'id="fhir-left"' not in again.text and 'name="fhir_left"' not in again.text


def test_fhir_import_of_an_invalid_case_keeps_what_it_left_in_the_editor(
    client: TestClient,
) -> None:
    csrf = login(client)
    bundle = fhir_bundle("fhir-bad")
    for entry in bundle["entry"]:
        if entry["resource"]["resourceType"] == "MedicationAdministration":
            # 99 GBq: above the 50 GBq bound of one administration (case-format.md)
            entry["resource"]["dosage"]["dose"]["value"] = 99
            break
    page = client.post(
        "/cases/import?lang=en", data={"csrf_token": csrf, "text": json.dumps(bundle)}
    )
    assert 'id="editor-form"' in page.text and 'id="f-rai-0-activity"' in page.text
    left = _fhir_left(page.text)
    assert "FHIR elements not taken into the case" in left
    assert "(Observation/weight-1) observation code http://loinc.org|29463-7 not recognised" in left


def _row_buttons(page: str) -> set[str]:
    """Where the editor's add and remove buttons post (their hx-post)."""
    return set(re.findall(r'value="(?:add|remove):[^"]*"[^>]*hx-post="([^"]*)"', page))


def test_the_editor_s_row_buttons_post_to_the_editor_wherever_it_opens(
    client: TestClient,
) -> None:
    # An add or remove button posts (HTMX) to the editor's address; an empty hx-post
    # posts to the page's own address, /cases/import when an import opens the editor,
    # which answered "choose a file" and the rows typed vanished from the page.
    csrf = login(client)
    bad = demo_case("imp-buttons")
    bad["imaging"][0]["measurements"]["L9"] = 4  # invalid: the import opens the editor
    opened = client.post("/cases/import", data={"csrf_token": csrf, "text": json.dumps(bad)})
    assert 'id="editor-form"' in opened.text
    assert _row_buttons(opened.text) == {"/cases/new"}
    # the grid the live panel redraws (a lesion added) carries its remove buttons too
    form = [(k, v) for k, v in _editor_form(opened.text) if k != "grid_signature"]
    redrawn = _post_form(client, "/cases/preview", [*form, ("grid_signature", "x")])
    assert 'id="imaging-grid"' in redrawn.text
    assert _row_buttons(redrawn.text) == {"/cases/new"}
    # and an adding row posted there gives the editor back, the rows kept
    added = _post_form(client, "/cases/new", [*form, ("action", "add:labs")])
    assert 'id="editor-form"' in added.text and 'name="labs[1].date"' in added.text
    # a stored case's editor: its own address, the preview likewise (case_id field)
    _create(client, demo_case("edit-buttons"))
    edit = client.get("/cases/edit-buttons/edit").text
    assert _row_buttons(edit) == {"/cases/edit-buttons/edit"}
    form = [(k, v) for k, v in _editor_form(edit) if k != "grid_signature"]
    redrawn = _post_form(client, "/cases/preview", [*form, ("grid_signature", "x")])
    assert _row_buttons(redrawn.text) == {"/cases/edit-buttons/edit"}


def test_import_page_says_why_in_french_on_a_french_page(client: TestClient) -> None:
    csrf = login(client)
    bundle = fhir_bundle("fhir-fr")
    page = client.post(
        "/cases/import?lang=fr", data={"csrf_token": csrf, "text": json.dumps(bundle)}
    )
    assert page.status_code == 200, page.text[:1500]
    shown = html.unescape(page.text)
    assert "Éléments FHIR non repris dans le dossier" in shown
    # the unused body weight (LOINC 29463-7): its code beside French words, no English left
    row = shown[shown.index("Observation/weight-1") :]
    row = row[: row.index("</tr>")]
    assert "code d'observation http://loinc.org|29463-7 non reconnu" in row
    assert "not recognised" not in shown


@pytest.mark.parametrize(
    ("lang", "title", "note"),
    [
        ("en", "Notes on the FHIR elements taken into the case",
         "body site without a code: site taken as 'other'"),
        ("fr", "Remarques sur les éléments FHIR repris",
         "localisation sans code\u00a0: site classé «\u00a0autre\u00a0»"),
    ],
)  # fmt: skip
def test_import_page_shows_the_notes_beside_the_unused_items(
    client: TestClient, lang: str, title: str, note: str
) -> None:
    csrf = login(client)
    bundle = fhir_bundle(f"fhir-notes-{lang}")
    bundle["entry"].append(
        {"resource": {"resourceType": "BodyStructure", "id": "bs-x",
                      "identifier": [{"value": "X9"}],
                      "patient": {"reference": fhir_patient(bundle)}}}  # no location: 'other', said
    )  # fmt: skip
    page = client.post(
        f"/cases/import?lang={lang}", data={"csrf_token": csrf, "text": json.dumps(bundle)}
    )
    assert page.status_code == 200, page.text[:1500]
    shown = html.unescape(page.text)
    # after the unused items (the body weight), the notes, each with its path
    assert shown.index("Observation/weight-1") < shown.index(title)
    row = shown[shown.index("BodyStructure/bs-x") :]
    assert note in row[: row.index("</tr>")]


def test_import_page_reads_fhir_ndjson_as_a_file(client: TestClient) -> None:
    csrf = login(client)
    lines = [json.dumps(e["resource"]) for e in fhir_bundle("fhir-nd")["entry"]]
    page = client.post(
        "/cases/import?lang=fr",
        data={"csrf_token": csrf},
        files={"file": ("p.ndjson", "\n".join(lines).encode(), "application/x-ndjson")},
    )
    assert page.status_code == 200, page.text[:1500]
    shown = html.unescape(page.text)
    assert "Dossier importé depuis FHIR" in shown
    assert "Éléments FHIR non repris dans le dossier" in shown
    assert _stored(client, "fhir-nd", 1)["lesions"][0]["id"] == "L1"


def test_import_page_says_why_a_bundle_holds_no_case(client: TestClient) -> None:
    csrf = login(client)
    bundle = fhir_bundle("fhir-none", extra_observation=False)
    bundle["entry"] = [e for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"]
    page = client.post(
        "/cases/import?lang=en", data={"csrf_token": csrf, "text": json.dumps(bundle)}
    )
    assert page.status_code == 422
    assert "Cannot import FHIR" in html.unescape(page.text)
    assert client.get("/cases/fhir-none").status_code == 404


def test_export_fhir_is_a_download_checked_and_audited(client: TestClient) -> None:
    _create(client, scans_case("fhir-exp"))
    _create(client, demo_case("fhir-other"), who="bob")
    login(client)
    page = html.unescape(client.get("/cases/fhir-exp?lang=en").text)
    assert 'href="/cases/fhir-exp/fhir.json?version=1&lang=en"' in page
    assert "Export FHIR" in page
    exported = client.get("/cases/fhir-exp/fhir.json?version=1")
    assert exported.status_code == 200
    assert exported.headers["content-disposition"] == 'attachment; filename="fhir-exp.fhir.json"'
    assert exported.headers["content-type"].startswith("application/fhir+json")
    bundle = exported.json()
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    # the round trip gives the case back
    from thyref.fhir.importer import bundle_to_case

    assert bundle_to_case(bundle).case["scans"] == scans_case("fhir-exp")["scans"]
    assert client.get("/cases/fhir-other/fhir.json").status_code == 404  # another centre
    assert client.get("/cases/fhir-exp/fhir.json?version=9").status_code == 404
    audit = client.get("/api/v1/audit?case=fhir-exp", headers=token(client, "root"))
    actions = [e["action"] for e in audit.json()]
    assert "fhir_export" in actions


# ---------------------------------------------------------------- audit words


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "fr",
            [
                "Création d'une réunion",  # meeting_create
                "Ajout à l'ordre du jour",  # agenda_add
                "Décision de la réunion",  # board_decision
                "Export FHIR",  # fhir_export
                "réunion 3, point 7",
                "réunion 3, décision 9 (corrige la décision 8)",
                "graphique «\u00a0Somme des diamètres\u00a0», version 1",
                "FHIR, version 1",
            ],
        ),
        (
            "en",
            [
                "Meeting created",
                "Added to an agenda",
                "Board decision",
                "FHIR export",
                "meeting 3, item 7",
                "meeting 3, decision 9 (amends decision 8)",
                'plot "Sum of diameters", version 1',
                "FHIR, version 1",
            ],
        ),
    ],
)
def test_audit_page_says_the_new_actions_in_words(
    client: TestClient, app: Any, lang: str, expected: list[str]
) -> None:
    from thyref.storage import repository as repo

    _create(client, scans_case("au-new"))
    login(client)
    assert client.get("/cases/au-new/v1/recist.svg").status_code == 200
    assert client.get("/cases/au-new/fhir.json").status_code == 200
    with app.state.thyref.db.session() as db:
        actor = repo.find_user(db, "alice")[0]
        repo.audit(db, actor, "meeting_create", None, "meeting 3")
        repo.audit(db, actor, "agenda_add", "au-new", "meeting 3 item 7")
        repo.audit(db, actor, "board_decision", "au-new", "meeting 3 decision 9 amends 8")
    login(client, "root")
    page = html.unescape(client.get(f"/admin/audit?lang={lang}").text)
    for words in expected:
        assert words in page, words
    for code in ("meeting_create", "agenda_add", "board_decision", "fhir_export", "plot recist"):
        assert code not in page  # said in words, not as a code


def test_live_preview_redraws_the_scan_findings_when_lesions_change(client: TestClient) -> None:
    csrf = login(client)
    fields = {
        **_editor_fields(csrf),
        "lesions[1].id": "P2",
        "lesions[1].site": "bone",
        "scans[0].date": "2012-07-08",
        "scans[0].kind": "post_therapy",
        "scans[0].finding[1]": "no",
    }
    preview = html.unescape(client.post("/cases/preview?lang=en", data=fields).text)
    assert '<div id="scan-rows" hx-swap-oob="outerHTML">' in preview
    assert "Uptake of P2" in preview  # the new lesion's finding, with what was chosen
    assert re.search(r'name="scans\[0\]\.finding\[1\]"[^>]*>.*?value="no" selected', preview, re.S)


def test_case_page_shows_the_recist_warnings(client: TestClient) -> None:
    # a declared target not measured at baseline and a radiologist's response that differs
    # from the computed one: the two warnings of the JSON output are on the page (they
    # were left out), in the page's language
    case = {
        "format": "thyref-case/1",
        "id": "web-recist-warnings",
        "diagnosis": {"histology": "papillary", "date": "2019-01-01"},
        "lesions": [
            {"id": "L1", "site": "lung", "recist_role": "target"},
            {"id": "L2", "site": "lung", "recist_role": "target"},
        ],
        "imaging": [
            {"date": "2020-01-10", "measurements": {"L2": 20}},
            {
                "date": "2020-07-10",
                "measurements": {"L1": 5, "L2": 10},
                "new_lesions": True,
                "assessed_response": "CR",
            },
        ],
    }
    _create(client, case)
    login(client)
    for lang, said in [
        ("en", ["without a baseline measurement", "differs from the computed response"]),
        ("fr", ["sans mesure à l'examen de référence", "diffère de la réponse calculée"]),
    ]:
        section = _section(
            html.unescape(client.get(f"/cases/web-recist-warnings?lang={lang}").text), "h-recist"
        )
        for words in said:
            assert words in section, (lang, words)


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        # French: the French codes in the table, each in an abbr with its words, a legend
        # under the table, and the best response in words with its code
        (
            "fr",
            [
                '<abbr title="progression">MP</abbr>',
                "MP</abbr>\u00a0: progression",
                "Meilleure réponse\u00a0: <strong>progression (MP)</strong>",
            ],
        ),
        # English: the same with the international codes
        (
            "en",
            [
                '<abbr title="progression">PD</abbr>',
                "PD</abbr>: progression",
                "Best overall response: <strong>progression (PD)</strong>",
            ],
        ),
    ],
)
def test_recist_codes_are_said_in_words(client: TestClient, lang: str, said: list[str]) -> None:
    # the RECIST table showed bare codes ("MP", "PD") with no word anywhere on the page
    case = {
        "format": "thyref-case/1",
        "id": "web-recist-words",
        "diagnosis": {"histology": "papillary", "date": "2019-01-01"},
        "lesions": [{"id": "L1", "site": "lung"}],
        "imaging": [
            {"date": "2020-01-10", "measurements": {"L1": 20}},
            {"date": "2020-07-10", "measurements": {"L1": 30}},
        ],
    }
    _create(client, case)
    login(client)
    section = _section(client.get(f"/cases/web-recist-words?lang={lang}").text, "h-recist")
    for words in said:
        assert words in section, (lang, words)


@pytest.mark.parametrize(
    ("last_seen", "query", "page_lang", "said"),
    [
        # a French question on a page last seen in English: the whole page follows the
        # answer (French), not English labels around a French answer
        ("en", "q=Qu'est-ce que le syndrome main-pied ?", "fr", ["Vos questions", "main-pied"]),
        # the language switch (an explicit lang) answers the same question in English
        ("en", "q=Qu'est-ce que le syndrome main-pied ?&lang=en", "en", ["Your questions"]),
        # an English question on the French page: English throughout
        ("fr", "q=What is hand-foot syndrome?&lang=", "en", ["Your questions", "hand-foot"]),
        # session 16: a question whose language cannot be told (no word of either
        # language, no accent) on the page last seen in English stays English; it turned
        # French, the product's language: a drug's name, an acronym, a typo
        ("en", "q=lenvatinib", "en", ["Your questions", "lenvatinib"]),
        ("en", "q=TSH", "en", ["Your questions"]),
        ("en", "q=zzzz qwerty", "en", ["Your questions", "I cannot find a reliable answer"]),
        # and French stays French
        ("fr", "q=lenvatinib", "fr", ["Vos questions", "lenvatinib"]),
    ],
)
def test_patient_page_speaks_the_language_of_its_answer(
    anon: TestClient, last_seen: str, query: str, page_lang: str, said: list[str]
) -> None:
    anon.cookies.set("thyref_lang", last_seen)
    page = html.unescape(anon.get(f"/patient?{query}").text)
    assert f'<html lang="{page_lang}">' in page
    for words in said:
        assert words in page, words


def _summary_items(page: str) -> list[str]:
    """The lines of the editor's error summary, tags dropped, entities read."""
    box = re.search(r'<div class="error-summary"[^>]*id="error-summary">(.*?)</div>', page, re.S)
    assert box, "no error summary"
    items = re.findall(r"<li>(.*?)</li>", box.group(1), re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in items]


# Each field is named in the summary by the words of its label on the page (the
# web.editor.* catalogue: the row's name, then the field's label; a grid cell by its
# own label "{lesion} à l'examen {n}"), with its code beside them.
SUMMARY_WORDS = [
    # histology left empty: the select labelled "Histologie"
    ("fr", {"diagnosis.histology": ""}, "Histologie diagnosis.histology"),
    ("en", {"diagnosis.histology": ""}, "Histology diagnosis.histology"),
    # a negative activity on the first I-131 row
    ("fr", {"rai[0].activity": "-5"}, "Administration 1 — Activité rai[0].activity"),
    ("en", {"rai[0].activity": "-5"}, "Administration 1 — Activity rai[0].activity"),
    # a negative size in the grid: the cell of lesion P1 on the first imaging row
    ("fr", {"imaging[0].cell[0]": "-4"}, "P1 à l'examen 1 imaging[0].cell[0]"),
    ("en", {"imaging[0].cell[0]": "-4"}, "P1 on scan 1 imaging[0].cell[0]"),
    # a second lesion with a site but no identifier
    ("fr", {"lesions[1].site": "bone"}, "Lésion 2 — Identifiant lesions[1].id"),
    ("en", {"lesions[1].site": "bone"}, "Lesion 2 — Identifier lesions[1].id"),
]


@pytest.mark.parametrize(("lang", "typed", "words"), SUMMARY_WORDS)
def test_editor_error_summary_names_each_field_in_words(
    client: TestClient, lang: str, typed: dict[str, str], words: str
) -> None:
    csrf = login(client)
    client.get(f"/cases?lang={lang}")  # the language is remembered
    page = client.post("/cases/new", data=_editor_fields(csrf, **typed)).text
    items = _summary_items(page)
    assert len(items) == 1, items
    assert items[0].startswith(words), items
    # the live panel says it the same way
    live = client.post("/cases/preview", data=_editor_fields(csrf, **typed)).text
    assert words in html.unescape(re.sub(r"<[^>]+>", "", live)), live


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_editor_buttons_of_imaging_and_iodine_scans_differ(client: TestClient, lang: str) -> None:
    """A button's name says what it acts on (WCAG 2.4.6): the imaging rows (CT, MRI) and
    the iodine scans are two sections, so "Remove: Scan 1" or "+ Add a scan" must not be
    said by both (the English page did)."""
    login(client)
    _create(client, scans_case())  # imaging rows and iodine scans
    page = html.unescape(client.get(f"/cases/web-scans/edit?lang={lang}").text)
    removes = re.findall(r'value="remove:[a-z]+:[0-9]+"[^>]*aria-label="([^"]+)"', page, re.S)
    adds = re.findall(r'value="add:[a-z]+"[^>]*>([^<]+)</button>', page, re.S)
    assert any(":0" in v for v in re.findall(r'value="(remove:scans:[0-9]+)"', page))
    assert any(":0" in v for v in re.findall(r'value="(remove:imaging:[0-9]+)"', page))
    assert len(removes) == len(set(removes)), sorted(removes)
    assert len(adds) == len(set(adds)), sorted(adds)


@pytest.mark.parametrize("way", ["editor", "import"])
def test_an_id_already_taken_is_said_beside_the_id_field(client: TestClient, way: str) -> None:
    """docs/web.md, editor: "errors next to their field; typed data is never lost". A
    taken identifier was said only in a banner at the top, the field itself unmarked."""
    csrf = login(client)
    first = client.post("/cases/new", data=_editor_fields(csrf), follow_redirects=False)
    assert first.status_code == 303
    if way == "editor":
        again = client.post("/cases/new", data=_editor_fields(csrf, **{"rai[0].activity": "150"}))
    else:
        case = {
            **demo_case("form-1"),
            "rai": [{"date": "2015-03-01", "activity": 150, "unit": "mCi"}],
        }
        again = client.post("/cases/import", data={"csrf_token": csrf, "text": json.dumps(case)})
    page = html.unescape(again.text)
    field = re.search(r'<input type="text" id="f-id"[^>]*>', page)
    assert field, page
    assert 'value="form-1"' in field.group(0) and 'aria-invalid="true"' in field.group(0)
    assert "autofocus" in field.group(0)  # the cursor is where the change is needed
    slot = re.search(r'<span class="field-error" id="e-f-id">([^<]*)</span>', page)
    assert slot and slot.group(1) == "Un dossier avec cet identifiant existe déjà."
    assert re.search(r'id="f-rai-0-activity"[^>]*value="150"', page)  # typed data kept
    stored = json.loads(client.get("/cases/form-1/case.json").text)
    assert stored["rai"][0]["activity"] == 100  # the first case is untouched


def test_case_data_table_reads_lesion_uptake_as_the_engine_does(client: TestClient) -> None:
    # L1 and L2 declare no uptake; their latest yes/no scan finding is "no" (2015-04-12;
    # the later diagnostic scan says equivocal / not visualised, which decide nothing):
    # the data table said "unknown" right below the scan panel and the criteria saying no
    # uptake (case-format.md: a lesion of unknown uptake takes its latest finding)
    _create(client, scans_case("web-uptake"))
    login(client)
    page = html.unescape(client.get("/cases/web-uptake?lang=en").text)
    data = _section(page, "h-data")
    rows = re.findall(r'<th scope="row">(L\d)</th><td>[^<]*</td><td>([^<]*)</td>', data)
    assert rows == [("L1", "Not avid"), ("L2", "Not avid")], rows


@pytest.mark.parametrize(
    ("field", "lang", "said"),
    [
        # a date field left empty, or holding a day that does not exist (the browser then
        # sends nothing): said as such, not "required field is missing" after typing
        ("rai[0].date", "fr", "date manquante ou impossible"),
        ("diagnosis.date", "en", "date missing or impossible"),
    ],
)
def test_an_empty_date_field_says_a_date_may_be_impossible(
    client: TestClient, field: str, lang: str, said: str
) -> None:
    csrf = login(client)
    answer = client.post(f"/cases/new?lang={lang}", data=_editor_fields(csrf, **{field: ""}))
    assert answer.status_code == 200 and 'id="error-summary"' in answer.text
    page = html.unescape(answer.text)
    assert said in page
    assert client.get("/api/v1/cases/form-1", headers=token(client)).status_code == 404


class _SubmitButtons(HTMLParser):
    """The submit buttons that belong to ``form#editor-form``, in tree order: inside it,
    or outside it with ``form="editor-form"`` (HTML, "form owner")."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.buttons: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("id") == "editor-form"
        owned = a.get("form") == "editor-form" if "form" in a else self.inside
        if tag == "button" and a.get("type", "submit") == "submit" and owned:
            self.buttons.append(a)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False


def _submit_buttons(page: str) -> list[dict[str, str]]:
    parser = _SubmitButtons()
    parser.feed(page)
    return parser.buttons


@pytest.mark.parametrize(
    ("start", "to", "words"),
    [
        ("fr", "en", "Identifier"),  # the French editor switched to English (label of `id`)
        ("en", "fr", "Identifiant"),  # and back: the French label of the same field
    ],
)
def test_the_editor_s_language_switch_keeps_what_was_typed(
    client: TestClient, start: str, to: str, words: str
) -> None:
    """Walkthrough, session 10: "English" in the editor's header was a link, so what was
    typed and not saved was lost without a word. It is now a button of the editor's form
    that posts it to the editor in the other language: the page comes back in that
    language, every typed value in place (a value the case format refuses too), nothing
    saved, the choice remembered (the language cookie)."""
    csrf = login(client)
    opened = client.get(f"/cases/new?lang={start}").text
    switch = [b for b in _submit_buttons(opened) if b.get("value") == "lang"]
    assert len(switch) == 1, "the language switch is not a button of the editor's form"
    assert switch[0]["formaction"] == f"/cases/new?lang={to}"
    assert 'hreflang="' not in opened  # no link that would leave the form behind
    typed = _editor_fields(csrf, action="lang", **{"rai[0].activity": "beaucoup"})
    answer = client.post(switch[0]["formaction"], data=typed, follow_redirects=False)
    assert answer.status_code == 200
    assert f'<html lang="{to}">' in answer.text
    assert words in answer.text
    for name in ("id", "rai[0].activity", "lesions[0].id", "imaging[0].cell[0]"):
        assert re.search(
            rf'name="{re.escape(name)}"[^>]*value="{re.escape(typed[name])}"', answer.text
        ), name
    assert re.search(r'<option value="lung" selected>', answer.text)
    assert client.get("/cases/form-1").status_code == 404  # nothing stored
    assert client.cookies.get("thyref_lang") == to
    # Enter in a field must not switch the language: the form's default button (the first
    # submit button it owns, in tree order) is still the disabled guard, though the switch
    # sits in the header, before the form.
    first = _submit_buttons(answer.text)[0]
    assert "disabled" in first and first.get("class") == "enter-guard"


def test_the_language_switch_of_an_existing_case_s_editor_keeps_the_typing(
    client: TestClient,
) -> None:
    """The same on an existing case: the switch posts to that case's editor (its version
    kept, so a later save is checked against the version that was opened)."""
    csrf = login(client)
    _create(client, demo_case("web-lang"))
    opened = client.get("/cases/web-lang/edit").text
    form = dict(_editor_form(opened))
    switch = [b for b in _submit_buttons(opened) if b.get("value") == "lang"]
    assert switch and switch[0]["formaction"] == "/cases/web-lang/edit?lang=en"
    changed = {**form, "csrf_token": csrf, "patient.birth_year": "1961", "action": "lang"}
    answer = client.post(switch[0]["formaction"], data=changed)
    assert '<html lang="en">' in answer.text
    assert re.search(r'name="patient\.birth_year"[^>]*value="1961"', answer.text)
    assert re.search(r'name="version" value="1"', answer.text)
    assert [v["version"] for v in _versions(client, "web-lang")] == [1]  # nothing saved


def _notice(page: str) -> str:
    """The words of the editor's conflict notice ("" when there is none)."""
    found = re.search(
        r'<div class="notice error" role="alert" id="conflict">\s*<p>([^<]*)</p>', page
    )
    return html.unescape(found.group(1)) if found else ""


@pytest.mark.parametrize(
    ("action", "url"),
    [
        # the header's language switch (to English, then back to French)
        ("lang", "/cases/cf-1/edit?lang=en"),
        # a row added or removed without JavaScript: the whole page comes back
        ("add:labs", "/cases/cf-1/edit"),
        ("remove:rai:0", "/cases/cf-1/edit"),
    ],
)
def test_the_conflict_notice_stays_until_the_form_is_saved(
    app: FastAPI, action: str, url: str
) -> None:
    """Two pages saved the same case: the second got the "changed by someone else" notice,
    and lost it on the language switch (the editor came back without it, and a save then
    replaced the other's version without a word). The notice comes back with the form,
    in the page's language, as long as it is not saved; the form still saves on top of
    the version the notice names."""
    alice, root = TestClient(app), TestClient(app)
    csrf = login(alice)
    _create(alice, demo_case("cf-1"))
    root_csrf = login(root, "root")
    mine = dict(_editor_form(alice.get("/cases/cf-1/edit?lang=fr").text))
    theirs = dict(_editor_form(root.get("/cases/cf-1/edit").text))
    saved = root.post(
        "/cases/cf-1/edit",
        data={**theirs, "csrf_token": root_csrf, "patient.birth_year": "1958", "action": "save"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    refused = alice.post(
        "/cases/cf-1/edit",
        data={**mine, "csrf_token": csrf, "patient.birth_year": "1959", "action": "save"},
    )
    assert refused.status_code == 409
    said = _notice(refused.text)
    assert "root" in said and "(version 2)" in said, said
    form = [*_editor_form(refused.text), ("action", action)]
    again = _post_form(alice, url, form)
    assert again.status_code == 200
    if action == "lang":
        assert '<html lang="en">' in again.text
        english = _notice(again.text)
        assert english.startswith("This case was changed by root on "), english
        assert "(version 2)" in english
        back = [*_editor_form(again.text), ("action", "lang")]
        again = _post_form(alice, "/cases/cf-1/edit?lang=fr", back)
    assert _notice(again.text) == said
    assert re.search(r'name="patient\.birth_year"[^>]*value="1959"', again.text)
    assert re.search(r'name="version" value="2"', again.text)
    assert [v["version"] for v in _versions(alice, "cf-1")] == [2, 1]  # nothing saved
    # saved now, on top of version 2 (the one the notice names): no conflict again
    last = [(k, v) for k, v in _editor_form(again.text) if k != "action"] + [("action", "save")]
    assert _post_form(alice, "/cases/cf-1/edit", last).status_code == 303
    assert [v["version"] for v in _versions(alice, "cf-1")] == [3, 2, 1]


@pytest.mark.parametrize(
    "carried",
    [
        "7",  # a version the case does not have
        "2x",  # not a number
        "99999999999",  # beyond the 32-bit column
    ],
)
def test_a_conflict_the_form_carries_is_read_from_the_case(
    client: TestClient, carried: str
) -> None:
    """The notice says who saved which version, read from that version of the case: a
    form that names another one shows no notice."""
    login(client)
    _create(client, demo_case("cf-2"))
    form = [*_editor_form(client.get("/cases/cf-2/edit").text), ("conflict", carried)]
    answer = _post_form(client, "/cases/cf-2/edit?lang=en", [*form, ("action", "lang")])
    assert answer.status_code == 200 and _notice(answer.text) == ""
    assert 'name="conflict"' not in answer.text


@pytest.mark.parametrize(
    ("lesions", "remove", "focused"),
    [
        # the first of two rows removed: the row that takes its place, its "Remove"
        (2, 0, 'value="remove:lesions:0"'),
        # the last of two rows removed: the row before it, its "Remove"
        (2, 1, 'value="remove:lesions:0"'),
        # the only row removed: the section's "+ Add a lesion"
        (1, 0, 'value="add:lesions"'),
    ],
)
def test_removing_a_row_leaves_the_focus_in_its_section(
    client: TestClient, lesions: int, remove: int, focused: str
) -> None:
    """Keyboard walk, session 10: "Remove" pressed with the keyboard redrew the form
    without the focused button, and the focus fell back to the page: the next Tab went
    to the live panel, after the form. WCAG 2.2, 2.4.3 "Focus Order": the focus stays
    where the user was, on the next row's "Remove" or the section's "Add". `autofocus`
    is what HTMX focuses after a swap, and what a browser focuses on a new page."""
    csrf = login(client)
    rows = {f"lesions[{i}].id": f"P{i + 1}" for i in range(lesions)}
    fields = {k: v for k, v in _editor_fields(csrf).items() if not k.startswith("lesions")}
    answer = client.post(
        "/cases/new", data={**fields, **rows, "action": f"remove:lesions:{remove}"}
    ).text
    autofocused = re.findall(r"<(?:input|select|button)\b[^>]*\bautofocus\b[^>]*>", answer)
    assert len(autofocused) == 1 and focused in autofocused[0], autofocused


def test_the_import_page_s_language_switch_keeps_the_pasted_text(client: TestClient) -> None:
    """The same as the editor's: pasted JSON was lost by the header's language link. The
    switch posts the import form with `action=lang`: the page in the other language, the
    text in place, nothing imported."""
    csrf = login(client)
    opened = client.get("/cases/import?lang=fr").text
    switch = re.search(r'<button form="import-form" formaction="([^"]+)"[^>]*value="lang"', opened)
    assert switch and switch.group(1) == "/cases/import?lang=en"
    pasted = json.dumps(demo_case("web-paste"))
    answer = client.post(
        switch.group(1), data={"csrf_token": csrf, "text": pasted, "action": "lang"}
    )
    assert answer.status_code == 200 and '<html lang="en">' in answer.text
    kept = re.search(r'<textarea id="text"[^>]*>([^<]*)</textarea>', answer.text)
    assert kept and html.unescape(kept.group(1)) == pasted
    assert client.get("/cases/web-paste").status_code == 404  # nothing imported


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        # the length and the limit, from the catalogue, in the page's language
        ("fr", "La note compte 201 caractères, 200 au plus sont acceptés"),
        ("en", "The note is 201 characters long; at most 200 are accepted"),
    ],
)
def test_a_too_long_version_note_is_refused_with_the_typing_kept(
    client: TestClient, lang: str, said: str
) -> None:
    # the note was saved cut to its first 200 characters, without a word
    csrf = login(client)
    client.get(f"/cases?lang={lang}")
    note = "Scanner de février relu en RCP, " + "n" * 169  # 201 characters
    refused = client.post("/cases/new", data=_editor_fields(csrf, note=note))
    assert refused.status_code == 422
    page = html.unescape(refused.text)
    field = re.search(r'<input id="note"[^>]*>', page)
    assert field and f'value="{note}"' in field.group(0)  # the typing comes back
    assert 'aria-invalid="true"' in field.group(0)
    assert 'aria-describedby="e-f-version_note"' in field.group(0)
    slot = re.search(r'<span class="field-error" id="e-f-version_note">([^<]+)</span>', page)
    assert slot and said in slot.group(1)
    assert any(said in item for item in _summary_items(refused.text))
    assert 'value="12,5"' in page  # the case as typed too
    assert client.get("/cases/form-1").status_code == 404  # nothing stored


def test_a_version_note_of_200_characters_is_stored_whole(client: TestClient) -> None:
    csrf = login(client)
    note = "é" * 200
    saved = client.post("/cases/new", data=_editor_fields(csrf, note=note), follow_redirects=False)
    assert saved.status_code == 303
    assert _versions(client, "form-1")[0]["note"] == note


def test_the_version_note_is_kept_when_a_row_is_added(client: TestClient) -> None:
    # "typed data is never lost": the note came back empty after any round trip
    csrf = login(client)
    page = client.post(
        "/cases/new", data=_editor_fields(csrf, note="relu en RCP", action="add:labs")
    ).text
    field = re.search(r'<input id="note"[^>]*>', page)
    assert field and 'value="relu en RCP"' in field.group(0)


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "compte 2001 caractères\u00a0; 2000 au plus sont acceptés"),
        ("en", "is 2001 characters long; at most 2000 are accepted"),
    ],
)
def test_a_too_long_case_text_is_refused_beside_its_field(
    client: TestClient, lang: str, said: str
) -> None:
    # a text of the case (here a molecular alteration) had no bound but the body's 5 MB
    csrf = login(client)
    client.get(f"/cases?lang={lang}")
    alteration = "V600E " + "x" * 1995  # 2,001 characters
    typed = {"molecular[0].gene": "BRAF", "molecular[0].alteration": alteration}
    refused = client.post("/cases/new", data=_editor_fields(csrf, **typed))
    page = html.unescape(refused.text)
    slot = re.search(
        r'<span class="field-error" id="e-f-molecular-0-alteration">([^<]+)</span>', page
    )
    assert slot and said in slot.group(1)
    assert f'value="{alteration}"' in page
    assert client.get("/cases/form-1").status_code == 404  # nothing stored


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        # the file named, then why: not UTF-8 text (was "le texte n'est pas du JSON valide")
        ("fr", "Import impossible\u00a0: helene.json\u00a0: le fichier n'est pas du texte UTF-8"
         " (octet 0xE9, ligne 2)\u00a0; enregistrez-le en UTF-8"),
        ("en", "Cannot import: helene.json: the file is not UTF-8 text (byte 0xE9, line 2);"
         " save it as UTF-8"),
    ],
)  # fmt: skip
def test_an_uploaded_case_that_is_not_utf8_is_said_so(
    client: TestClient, lang: str, said: str
) -> None:
    csrf = login(client)
    latin1 = '{\n "format": "thyref-case/1", "id": "h\xe9l\xe8ne"\n}'.encode("latin-1")
    refused = client.post(
        f"/cases/import?lang={lang}",
        data={"csrf_token": csrf},
        files={"file": ("helene.json", latin1, "application/json")},
    )
    assert refused.status_code == 422
    assert said in html.unescape(refused.text)


def test_case_page_marks_a_partial_sum(client: TestClient) -> None:
    # L2 not measured on 2019-08-01: the 20 mm there is L1's alone (of 60 at baseline); it
    # was shown as the sum, unmarked
    case = partial_sum("web-partial-sum")
    _create(client, case)
    login(client)
    for lang, note in [
        ("en", "† sum of the measured target lesions only"),
        ("fr", "† somme des seules lésions cibles mesurées"),
    ]:
        page = html.unescape(client.get(f"/cases/web-partial-sum?lang={lang}").text)
        section = _section(page, "h-recist").replace("\u00a0", " ")
        assert note in section, lang
        assert section.count(" †</td>") == 1, lang  # the partial one only


class _Columns(HTMLParser):
    """Each table's header cells and first body row's cells, as their classes."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict[str, list[list[str]]]] = []
        self.part = ""
        self.rows_in_body = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append({"head": [], "body": []})
        elif tag in ("thead", "tbody"):
            self.part = "head" if tag == "thead" else "body"
            self.rows_in_body = 0
        elif tag == "tr" and self.part == "body":
            self.rows_in_body += 1
        elif tag in ("th", "td") and self.tables and self.part:
            if self.part == "body" and self.rows_in_body != 1:
                return
            classes = (dict(attrs).get("class") or "").split()
            self.tables[-1][self.part].append(classes)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("thead", "tbody"):
            self.part = ""


def test_case_page_headers_of_figures_stand_over_them(client: TestClient) -> None:
    """Walkthrough, session 16: the columns of figures are right-aligned (``num``) but
    the headers of the kinetics ("Doubling time", "Halving time", "r²", "Points") and of
    the labs' "Value" stayed on the left, the header over empty space at 1366 px."""
    _create(client, demo_case("pg-num"))
    login(client)
    parser = _Columns()
    parser.feed(client.get("/cases/pg-num").text)
    misaligned = []
    for table in parser.tables:
        head, body = table["head"], table["body"]
        if len(head) != len(body):
            continue
        for column, (header, cell) in enumerate(zip(head, body, strict=True)):
            if ("num" in cell) != ("num" in header):
                misaligned.append((column, header, cell))
    assert parser.tables and not misaligned, misaligned


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_editor_error_summary_follows_the_form_s_order(client: TestClient, lang: str) -> None:
    """Walkthrough, session 16: three mistakes typed from the top of the form down (the
    birth year, the second I-131 activity, a size in the grid) were listed grid first,
    then the birth year, then the activity: the summary is read top-down to fix the
    form, each line a link to its field."""
    csrf = login(client)
    client.get(f"/cases?lang={lang}")
    typed = {
        "patient.birth_year": "19x0",  # identity, at the top
        "rai[1].date": "2016-01-15",  # I-131, the second row
        "rai[1].activity": "-5",
        "rai[1].unit": "mCi",
        "imaging[0].cell[0]": "abc",  # the imaging grid, below the lesions
    }
    page = client.post("/cases/new", data=_editor_fields(csrf, **typed)).text
    codes = [
        re.search(r"[a-z_]+(\[\d+\])?\.[a-z_]+(\[\d+\])?", item) for item in _summary_items(page)
    ]
    said = [code.group(0) for code in codes if code]
    assert said == ["patient.birth_year", "rai[1].activity", "imaging[0].cell[0]"], said


# The admin's "Delete the case" asks first, in the page's language, with the case and how
# many versions go with it; the list it leads to says what was deleted.
DELETE_SAID = [
    # one version: the singular
    (
        "fr",
        1,
        "Supprimer le dossier del-ask et son unique version\u00a0? Cette action est définitive.",
    ),
    ("en", 1, "Delete case del-ask and its only version? This cannot be undone."),
    # saved once more: two versions go
    ("fr", 2, "Supprimer le dossier del-ask et ses 2 versions\u00a0? Cette action est définitive."),
    ("en", 2, "Delete case del-ask and its 2 versions? This cannot be undone."),
]


@pytest.mark.parametrize(("lang", "versions", "asked"), DELETE_SAID)
def test_deleting_a_case_asks_first_and_says_it_was_done(
    client: TestClient, lang: str, versions: int, asked: str
) -> None:
    """Walkthrough, session 16: the button deleted the case and all its versions at once,
    without a question (app.js asks for a form with ``data-confirm``, and none had it);
    the case list after it said nothing (``web.case.deleted`` was never shown)."""
    headers = token(client, "alice")
    _create(client, demo_case("del-ask"))
    if versions == 2:
        changed = {**demo_case("del-ask"), "patient": {"sex": "female", "birth_year": 1958}}
        put = client.put(
            "/api/v1/cases/del-ask", json=changed, headers={**headers, "If-Match": '"1"'}
        )
        assert put.status_code == 200, put.text
    csrf = login(client, "root")
    page = client.get(f"/cases/del-ask?lang={lang}").text
    form = re.search(r'<form[^>]*action="/cases/del-ask/delete"[^>]*>', page)
    assert form, "no delete form"
    assert f'data-confirm="{html.escape(asked)}"' in form.group(0), form.group(0)
    done = client.post("/cases/del-ask/delete", data={"csrf_token": csrf}, follow_redirects=False)
    assert done.status_code == 303
    listed = html.unescape(client.get(done.headers["location"]).text)
    said = "Dossier del-ask supprimé." if lang == "fr" else "Case del-ask deleted."
    assert said in listed
