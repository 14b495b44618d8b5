"""Helpers shared by the web tests: a demo case, sign-in, tokens, shared examples."""

from __future__ import annotations

import json
import re
import warnings
from html.parser import HTMLParser
from typing import Any

from prereq import require_shared

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def demo_case(case_id: str = "web-1") -> dict[str, Any]:
    """A metastatic papillary case, refractory by DTC-NO-UPTAKE."""
    return {
        "format": "thyref-case/1",
        "id": case_id,
        "patient": {"sex": "female", "birth_year": 1957},
        "diagnosis": {"histology": "papillary", "date": "2012-05-03"},
        "rai": [{"date": "2012-07-02", "activity": 100, "unit": "mCi"}],
        "lesions": [
            {"id": "L1", "site": "lung", "rai_uptake": "no"},
            {"id": "L2", "site": "lung", "rai_uptake": "yes"},
        ],
        "imaging": [
            {"date": "2013-02-20", "measurements": {"L1": 14, "L2": 12}},
            {"date": "2013-09-02", "measurements": {"L1": 15, "L2": 12}},
        ],
        "labs": [{"date": "2013-01-10", "test": "thyroglobulin", "value": 12.0, "unit": "ng/mL"}],
    }


def scans_case(case_id: str = "web-scans") -> dict[str, Any]:
    """Two lung lesions avid on the first post-therapy scan and not on the second (the
    shared example ex-def-lost-uptake): TuThyRef and ATA 2015 both say refractory, by
    DTC-NO-UPTAKE and ATA2015-LOST-UPTAKE; a third, diagnostic scan at TSH 12 mU/L is
    below the 30 mU/L of ATA 2015 R53B and does not count."""
    return {
        "format": "thyref-case/1",
        "id": case_id,
        "diagnosis": {"histology": "papillary", "date": "2014-02-01"},
        "rai": [
            {"date": "2014-04-01", "activity": 3.7, "unit": "GBq"},
            {"date": "2015-04-07", "activity": 5.55, "unit": "GBq"},
        ],
        "lesions": [{"id": "L1", "site": "lung"}, {"id": "L2", "site": "lung"}],
        "scans": [
            {
                "date": "2014-04-06",
                "kind": "post_therapy",
                "preparation": "withdrawal",
                "tsh": 70,
                "iodine_contamination": "none",
                "findings": {"L1": "yes", "L2": "yes"},
            },
            {
                "date": "2015-04-12",
                "kind": "post_therapy",
                "preparation": "rhtsh",
                "tsh": 110,
                "iodine_contamination": "none",
                "findings": {"L1": "no", "L2": "no"},
            },
            {
                "date": "2015-09-01",
                "kind": "diagnostic_i123",
                "tsh": 12,
                "findings": {"L1": "equivocal", "L2": "not_visualized"},
            },
        ],
        "imaging": [
            {"date": "2015-03-01", "measurements": {"L1": 13, "L2": 11}},
            {"date": "2015-10-01", "measurements": {"L1": 14, "L2": 11}},
        ],
    }


def form_fields(page: str, form_id: str) -> list[tuple[str, str]]:
    """What a browser submits for the form `form_id` of `page`, unchanged by the user.

    Inputs (text, hidden, number, date; checkboxes and radios only when checked), the
    selected option of each select, textareas; buttons are left to the caller.
    """

    class Form(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.inside = False
            self.fields: list[tuple[str, str]] = []
            self.select: str | None = None
            self.options: list[tuple[str, bool]] = []
            self.textarea: str | None = None
            self.text = ""

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = {k: v or "" for k, v in attrs}
            if tag == "form":
                self.inside = a.get("id") == form_id
            if not self.inside or ("name" not in a and tag != "option") or "disabled" in a:
                return
            if tag == "input":
                kind = a.get("type", "text")
                if kind in ("submit", "button", "image", "reset", "file"):
                    return
                if kind in ("checkbox", "radio") and "checked" not in a:
                    return
                self.fields.append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
            elif tag == "select":
                self.select, self.options = a["name"], []
            elif tag == "option" and self.select is not None:
                self.options.append((a.get("value", ""), "selected" in a))
            elif tag == "textarea":
                self.textarea, self.text = a["name"], ""

        def handle_data(self, data: str) -> None:
            if self.textarea is not None:
                self.text += data

        def handle_endtag(self, tag: str) -> None:
            if tag == "form":
                self.inside = False
            elif tag == "select" and self.select is not None:
                chosen = [v for v, on in self.options if on] or [v for v, _ in self.options[:1]]
                self.fields += [(self.select, v) for v in chosen]
                self.select = None
            elif tag == "textarea" and self.textarea is not None:
                self.fields.append((self.textarea, self.text.removeprefix("\n")))
                self.textarea = None

    parser = Form()
    parser.feed(page)
    return parser.fields


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def login(client: TestClient, username: str = "alice", password: str = PASSWORD) -> str:
    """Sign in through the form; returns the session's CSRF token."""
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "username": username,
            "password": password,
            "csrf_token": csrf_of(page.text),
            "next": "/cases",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:500]
    return csrf_of(client.get("/cases").text)


def browser_sign_in(
    page: Any, base: str, username: str, password: str, *, then: str, lang: str | None = None
) -> None:
    """Sign in on the sign-in page of a headless browser's ``page`` (``lang``: in that
    language), Enter sending the form, and wait for the page ``then`` it goes on to."""
    language = f"lang={lang}&" if lang else ""
    page.goto(f"{base}/login?{language}next={then}")
    page.fill("#username", username)
    page.fill("#password", password)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}{then}")


def token(client: TestClient, username: str = "alice", password: str = PASSWORD) -> dict[str, str]:
    response = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def shared_example(kind: str, name: str) -> dict[str, Any]:
    path = require_shared("examples", kind, f"{name}.json")
    return dict(json.loads(path.read_text(encoding="utf-8")))


def fhir_patient(bundle: dict[str, Any]) -> str:
    """The fullUrl of the Bundle's Patient: what a resource added to it names as its
    subject (a resource of another patient is refused)."""
    return next(
        str(e["fullUrl"]) for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"
    )


def fhir_bundle(case_id: str, *, extra_observation: bool = True) -> dict[str, Any]:
    """``scans_case(case_id)`` as a FHIR Bundle by the adapter, plus (by default) an
    Observation with a code the adapter does not know (body weight, LOINC 29463-7): it
    must come back in ``unmapped``."""
    from thyref.fhir.exporter import case_to_bundle

    bundle = case_to_bundle(scans_case(case_id))
    if extra_observation:
        patient = fhir_patient(bundle)
        bundle["entry"].append(
            {
                "fullUrl": "urn:uuid:8d0f7a4e-5b36-4c31-9d7e-0c1f2a3b4c5d",
                "resource": {
                    "resourceType": "Observation",
                    "id": "weight-1",
                    "status": "final",
                    "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7"}]},
                    "subject": {"reference": patient},
                    "effectiveDateTime": "2015-01-01",
                    "valueQuantity": {"value": 61, "unit": "kg"},
                },
            }
        )
    return bundle
