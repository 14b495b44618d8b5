"""Tumour-board pages: meetings, agenda, append-only decisions, documents, access."""

from __future__ import annotations

import html
import os
import re
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from .support import TestClient, browser_sign_in, demo_case, form_fields, login, token


def _store(client: TestClient, case_id: str, who: str = "alice") -> None:
    response = client.post("/api/v1/cases", json=demo_case(case_id), headers=token(client, who))
    assert response.status_code == 201, response.text


def _meeting(client: TestClient, csrf: str, kind: str = "regional", days: int = 0) -> int:
    held_on = (date.today() + timedelta(days=days)).isoformat()
    response = client.post(
        "/meetings",
        data={"csrf_token": csrf, "kind": kind, "held_on": held_on, "title": "T"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    match = re.fullmatch(r"/meetings/(\d+)", response.headers["location"])
    assert match, response.headers["location"]
    return int(match.group(1))


def _add(client: TestClient, csrf: str, meeting: int, case_id: str, question: str) -> int:
    response = client.post(
        "/meetings/agenda",
        data={"csrf_token": csrf, "meeting_id": str(meeting), "case_id": case_id,
              "question": question},
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 303, response.text[:300]
    page = client.get(f"/meetings/{meeting}").text
    items = re.findall(r'id="item-(\d+)"', page)
    assert items
    return int(items[-1])


def _decide(client: TestClient, csrf: str, meeting: int, item: int, **fields: Any) -> Any:
    """Record a decision as the meeting form posts it: each field named after its item."""
    data: dict[str, Any] = {"csrf_token": csrf, **{f"item{item}.{k}": v for k, v in fields.items()}}
    return client.post(
        f"/meetings/{meeting}/items/{item}/decision", data=data, follow_redirects=False
    )


def test_meeting_agenda_decision_amendment_and_documents(client: TestClient) -> None:
    _store(client, "rcp-1")
    csrf = login(client)
    meeting = _meeting(client, csrf, "national")
    item = _add(client, csrf, meeting, "rcp-1", "Rédifférenciation ou surveillance ?")
    page = client.get(f"/meetings/{meeting}").text
    assert "Rédifférenciation ou surveillance ?" in page
    # the options offered are the current proposals: refractory with no molecular result
    assert 'value="MOLECULAR-TESTING"' in page

    # a first decision with two specialties only: recorded, with the quorum warning
    first = _decide(
        client, csrf, meeting, item,
        options=["MOLECULAR-TESTING"], specialties=["endocrinology", "nuclear_medicine"],
        follow_up="2027-03-01",
    )  # fmt: skip
    assert first.status_code == 303
    page = client.get(f"/meetings/{meeting}").text
    assert "Seulement 2 spécialités présentes" in page

    # a second "first" decision is refused: one must amend the one in force
    again = _decide(client, csrf, meeting, item, free_text="autre", specialties=[])
    assert again.status_code == 409
    decision_ids = [
        int(x) for x in re.findall(rf'name="item{item}\.amends" value="(\d+)"', again.text)
    ]
    assert len(decision_ids) == 1

    # the amendment is a new record pointing to the first one
    amended = _decide(
        client, csrf, meeting, item, amends=str(decision_ids[0]),
        free_text="Surveillance, TEP dans 3 mois",
        specialties=["endocrinology", "nuclear_medicine", "medical_oncology"],
    )  # fmt: skip
    assert amended.status_code == 303
    page = client.get(f"/meetings/{meeting}").text
    assert f"modifie la décision n° {decision_ids[0]}" in page
    assert "Décisions antérieures (1)" in page
    assert "Seulement" not in page.split("Décisions antérieures")[0].split("Ordre du jour")[1]

    # an amendment of a decision that is no longer the latest is refused, nothing stored
    stale = _decide(client, csrf, meeting, item, amends=str(decision_ids[0]), free_text="x")
    assert stale.status_code == 409
    assert client.get(f"/meetings/{meeting}").text.count("décision n°") >= 2

    base = f"/meetings/{meeting}/items/{item}"
    sheet = client.get(f"{base}/sheet.pdf?lang=en")
    assert sheet.status_code == 200 and sheet.content.startswith(b"%PDF")
    letter = client.get(f"{base}/letter.pdf")
    assert letter.status_code == 200 and letter.content.startswith(b"%PDF")
    text = _pdf_text(sheet.content)
    assert "Surveillance, TEP dans 3 mois" in text  # the decision in force
    assert "Rédifférenciation ou surveillance ?" in text  # the question
    # the case page's sheet carries the question of the case's latest agenda item
    assert "Rédifférenciation ou surveillance ?" in _pdf_text(
        client.get("/cases/rcp-1/sheet.pdf").content
    )
    plan = client.get(f"{base}/careplan.json").json()
    assert plan["resourceType"] == "CarePlan"
    assert plan["replaces"][0]["reference"].endswith(f"-rcp-{decision_ids[0]}")
    assert plan["note"][0]["text"] == "Surveillance, TEP dans 3 mois"


def _pdf_text(pdf: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return done.stdout.decode()


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        # nothing chosen and nothing written: a decision must say something
        ({"options": [], "free_text": ""}, "choisir au moins une option ou écrire la décision"),
        # an option the engine did not propose for this case: said as such, with where
        # the board's own decision goes (the problem's wording of the catalogue)
        (
            {"options": ["NOT-AN-OPTION"]},
            '"NOT-AN-OPTION" ne fait pas partie des options proposées pour ce dossier',
        ),
        # a follow-up before the meeting (held today by _meeting): the meeting's day
        # reaches the check, named in the message the French way (30/11/2026)
        (
            {
                "options": ["MOLECULAR-TESTING"],
                "follow_up": (date.today() - timedelta(days=1)).isoformat(),
            },
            "est avant la réunion (" + date.today().strftime("%d/%m/%Y") + ")",
        ),
        # a follow-up that is not a calendar date
        (
            {"options": ["MOLECULAR-TESTING"], "follow_up": "2027-02-30"},
            "doit être une date écrite AAAA-MM-JJ",
        ),
        # an unknown specialty
        (
            {"options": ["MOLECULAR-TESTING"], "specialties": ["astrology"]},
            'valeur inconnue "astrology"',  # the value as JSON writes it
        ),
    ],
)
def test_bad_decision_is_refused_with_its_field_and_nothing_stored(
    client: TestClient, fields: dict[str, Any], said: str
) -> None:
    _store(client, "rcp-bad")
    csrf = login(client)
    meeting = _meeting(client, csrf)
    item = _add(client, csrf, meeting, "rcp-bad", "Q")
    response = _decide(client, csrf, meeting, item, **fields)
    assert response.status_code == 422
    assert 'class="error-summary"' in response.text
    assert said in html.unescape(response.text)  # said in the page's language (French)
    assert f'name="item{item}.amends"' not in client.get(f"/meetings/{meeting}").text


def test_a_decision_on_a_case_saved_again_since_the_page_is_refused(client: TestClient) -> None:
    # the board typed its decision against version 1; the case was saved again (version
    # 2, a lesion now avid: other options) before the decision was posted. Recording it on
    # version 2 would tie the board to options it never saw: refused, nothing stored, the
    # typing kept (the API's If-Match rule for a stale save, docs/web.md)
    _store(client, "rcp-moved")
    csrf = login(client)
    meeting = _meeting(client, csrf)
    item = _add(client, csrf, meeting, "rcp-moved", "Q")
    page = client.get(f"/meetings/{meeting}").text
    assert f'name="item{item}.case_version" value="1"' in page
    changed = demo_case("rcp-moved")
    changed["lesions"][0]["rai_uptake"] = "yes"
    moved = client.put(
        "/api/v1/cases/rcp-moved", json=changed, headers={**token(client), "If-Match": '"1"'}
    )
    assert moved.status_code == 200, moved.text
    stale = _decide(
        client, csrf, meeting, item, case_version="1", options=["MOLECULAR-TESTING"],
        specialties=["endocrinology", "nuclear_medicine", "surgery"], free_text="Vu en RCP",
    )  # fmt: skip
    assert stale.status_code == 409
    assert "Le dossier a été modifié depuis l'affichage de cette page" in html.unescape(stale.text)
    assert "Vu en RCP" in stale.text  # the typing is kept
    assert (
        f'name="item{item}.case_version" value="2"' in stale.text
    )  # to be posted again on version 2
    assert (
        f'name="item{item}.amends"' not in client.get(f"/meetings/{meeting}").text
    )  # nothing stored
    again = _decide(
        client, csrf, meeting, item, case_version="2", options=["MOLECULAR-TESTING"],
        specialties=["endocrinology", "nuclear_medicine", "surgery"], free_text="Vu en RCP",
    )  # fmt: skip
    assert again.status_code == 303
    assert f'name="item{item}.amends"' in client.get(f"/meetings/{meeting}").text


@pytest.mark.parametrize(
    "seen",
    [
        "0",  # no case has version 0
        "x",  # not a number
        "99999999999",  # beyond the 32-bit column
    ],
)
def test_a_case_version_no_case_can_have_is_not_the_current_one(
    client: TestClient, seen: str
) -> None:
    _store(client, "rcp-seen")
    csrf = login(client)
    meeting = _meeting(client, csrf)
    item = _add(client, csrf, meeting, "rcp-seen", "Q")
    response = _decide(
        client, csrf, meeting, item, case_version=seen, options=["MOLECULAR-TESTING"],
        specialties=["endocrinology", "nuclear_medicine", "surgery"],
    )  # fmt: skip
    assert response.status_code == 409
    assert f'name="item{item}.amends"' not in client.get(f"/meetings/{meeting}").text


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        # counts as figures after their words: no "dossier(s)" for one case
        ("fr", "Dossiers à l'ordre du jour\u00a0: 1\u00a0; décidés\u00a0: 0"),
        ("en", "Cases on the agenda: 1; decided: 0"),
    ],
)
def test_the_meeting_counts_read_for_one_case(client: TestClient, lang: str, said: str) -> None:
    _store(client, "rcp-count")
    csrf = login(client)
    meeting = _meeting(client, csrf)
    _add(client, csrf, meeting, "rcp-count", "Q")
    page = html.unescape(client.get(f"/meetings/{meeting}?lang={lang}").text)
    assert said in page


def _decision_block(page: str, item: int) -> str:
    """The decision in force shown for agenda item ``item`` (not its form), as text."""
    article = page[page.index(f'id="item-{item}"') :]
    block = article[article.index('<div class="board-decision">') :]
    block = block[: block.index("</div>")]
    said = html.unescape(re.sub(r"<[^>]+>", " ", block))
    return re.sub(r"[ \t\n]+", " ", said).strip()  # a no-break space stays what it is


@pytest.mark.parametrize(
    ("lang", "contact", "said"),
    [
        # the contact recorded: said with its label (board.web.contact), French colon
        ("fr", "Hôpital de jour, 04 00 00 00 00",
         "Contact pour le patient\u00a0: Hôpital de jour, 04 00 00 00 00"),
        ("en", "Day unit, 04 00 00 00 00", "Contact for the patient: Day unit, 04 00 00 00 00"),
        # none recorded: the letter sends the patient to the care team; the page says "–"
        # as it does for a decision without a follow-up date
        ("en", "", "Contact for the patient: –"),
    ],
)  # fmt: skip
def test_meeting_page_shows_the_decision_s_contact(
    client: TestClient, lang: str, contact: str, said: str
) -> None:
    # The contact is the decision's (board.md: "contact for the patient"), printed in the
    # patient letter: the board page shows it with the decision, not only in the form.
    _store(client, "rcp-contact")
    csrf = login(client)
    client.get(f"/meetings?lang={lang}")  # the language is remembered
    meeting = _meeting(client, csrf)
    item = _add(client, csrf, meeting, "rcp-contact", "Q")
    recorded = _decide(
        client, csrf, meeting, item, options=["MOLECULAR-TESTING"], contact=contact,
        specialties=["endocrinology", "nuclear_medicine", "medical_oncology"],
    )  # fmt: skip
    assert recorded.status_code == 303
    assert said in _decision_block(client.get(f"/meetings/{meeting}").text, item)


@pytest.mark.parametrize(
    ("lang", "lines"),
    [
        # French typography: a no-break space before the colon (catalogue punct.colon)
        ("fr", ["Question posée à la RCP\u00a0: Q", "Prochain point\u00a0: –",
                "Spécialités présentes\u00a0: endocrinologie"]),
        # English: no space before it
        ("en", ["Question put to the board: Q", "Follow-up: –",
                "Specialties present: endocrinology"]),
    ],
)  # fmt: skip
def test_meeting_page_writes_the_colon_the_page_s_way(
    client: TestClient, lang: str, lines: list[str]
) -> None:
    _store(client, "rcp-colon-page")
    csrf = login(client)
    client.get(f"/meetings?lang={lang}")
    meeting = _meeting(client, csrf)
    item = _add(client, csrf, meeting, "rcp-colon-page", "Q")
    assert _decide(client, csrf, meeting, item, options=["MOLECULAR-TESTING"],
                   specialties=["endocrinology"]).status_code == 303  # fmt: skip
    page = client.get(f"/meetings/{meeting}").text
    article = page[page.index(f'id="item-{item}"') :]
    said = re.sub(r"[ \t\n]+", " ", html.unescape(re.sub(r"<[^>]+>", " ", article)))
    for line in lines:
        assert line in said


def test_a_refused_decision_reloaded_or_reached_by_get_stores_nothing(
    client: TestClient,
) -> None:
    _store(client, "rcp-reload")
    csrf = login(client)
    meeting = _meeting(client, csrf)
    item = _add(client, csrf, meeting, "rcp-reload", "Q")
    refused = _decide(client, csrf, meeting, item, options=[], free_text="", contact="x")
    assert refused.status_code == 422

    def summary(page: str) -> str:
        return page[page.index('class="error-summary"') :].split("</div>", 1)[0]

    # a reload sends the same form again: refused again, in the same words, nothing stored
    again = _decide(client, csrf, meeting, item, options=[], free_text="", contact="x")
    assert again.status_code == 422 and summary(again.text) == summary(refused.text)
    assert f'name="item{item}.amends"' not in client.get(f"/meetings/{meeting}").text
    # the refused page stands at the form's address; its language switch posts the
    # meeting form to the meeting page (what was typed kept, see
    # test_the_meeting_page_s_language_switch_keeps_every_typed_decision); that address
    # opened again from the history asks for it by GET: the meeting page at the item, in
    # the language asked, not a 405 error page
    switch = re.search(
        r'<button form="meeting-form" formaction="([^"]+)"[^>]*value="lang"', refused.text
    )
    assert switch and html.unescape(switch.group(1)) == f"/meetings/{meeting}?lang=en"
    got = client.get(f"/meetings/{meeting}/items/{item}/decision?lang=en", follow_redirects=False)
    assert got.status_code == 303
    assert got.headers["location"] == f"/meetings/{meeting}?lang=en#item-{item}"
    page = client.get(got.headers["location"])
    assert page.status_code == 200 and '<html lang="en">' in page.text
    # a lang the app does not have is left out; a meeting that does not exist is a 404
    plain = client.get(f"/meetings/{meeting}/items/{item}/decision?lang=xx",
                       follow_redirects=False)  # fmt: skip
    assert plain.headers["location"] == f"/meetings/{meeting}#item-{item}"
    assert client.get(f"/meetings/{meeting + 1}/items/{item}/decision").status_code == 404
    # a decision accepted, then its form sent again (back, resubmit): the second is a
    # conflict (a decision is in force; one amends it), one decision stored
    fields = {"options": ["MOLECULAR-TESTING"], "specialties": ["endocrinology"]}
    assert _decide(client, csrf, meeting, item, **fields).status_code == 303
    assert _decide(client, csrf, meeting, item, **fields).status_code == 409
    shown = client.get(f"/meetings/{meeting}").text
    assert len(re.findall(rf'name="item{item}\.amends" value="(\d+)"', shown)) == 1
    assert "web.history" not in shown and "Décisions antérieures" not in shown


def _item_fields(page: str, item: int) -> list[tuple[str, str]]:
    """What the meeting form of ``page`` posts for agenda item ``item``, as a browser would."""
    return [(k, v) for k, v in form_fields(page, "meeting-form") if k.startswith(f"item{item}.")]


def _article(page: str, item: int) -> str:
    start = page.index(f'id="item-{item}"')
    return page[start : page.index("</article>", start)]


@pytest.mark.parametrize(
    ("start", "to", "heading"),
    [
        ("fr", "en", "<h2>Agenda</h2>"),  # the French page switched to English
        ("en", "fr", "<h2>Ordre du jour</h2>"),  # and the English one to French
    ],
)
def test_the_meeting_page_s_language_switch_keeps_every_typed_decision(
    client: TestClient, start: str, to: str, heading: str
) -> None:
    """Walkthrough, session 11: "English" in the meeting page's header was a link, and the
    decision being typed was lost without a word (one form per agenda item). The switch
    is a button of the meeting form, which holds every item's decision fields: the page
    comes back in the other language with what was typed in each item (an amendment of
    the decision in force, a first decision), the items left alone as they were, the
    page's notice, and nothing recorded."""
    for case_id in ("rcp-sw-1", "rcp-sw-2", "rcp-sw-3"):
        _store(client, case_id)
    csrf = login(client)
    meeting = _meeting(client, csrf)
    first = _add(client, csrf, meeting, "rcp-sw-1", "Q1")
    second = _add(client, csrf, meeting, "rcp-sw-2", "Q2")
    third = _add(client, csrf, meeting, "rcp-sw-3", "Q3")
    decided = {"options": ["MOLECULAR-TESTING"], "specialties": ["endocrinology"]}
    assert _decide(client, csrf, meeting, first, **decided).status_code == 303
    opened = client.get(f"/meetings/{meeting}?lang={start}&notice=already").text
    in_force = re.findall(rf'name="item{first}\.amends" value="(\d+)"', opened)
    assert len(in_force) == 1
    switch = re.search(r'<button form="meeting-form" formaction="([^"]+)"[^>]*value="lang"', opened)
    assert switch, "the language switch is not a button of the meeting form"
    assert html.unescape(switch.group(1)) == f"/meetings/{meeting}?lang={to}"
    assert 'hreflang="' not in opened  # no link that would leave the typing behind
    # Enter in a field records nothing: the form's default button (the first submit button
    # it owns, in tree order: the first of the page) is a disabled one
    assert 'form="meeting-form" disabled' in re.findall(r"<button[^>]*>", opened)[0]
    page_fields = form_fields(opened, "meeting-form")
    kept = [(k, v) for k, v in page_fields if not k.startswith((f"item{first}.", f"item{second}."))]
    typed_first = [  # an amendment: the text, a third specialty, a contact
        (f"item{first}.amends", in_force[0]),
        (f"item{first}.case_version", "1"),
        (f"item{first}.options", "MOLECULAR-TESTING"),
        (f"item{first}.free_text", "Revoir après la TEP <de mars> & décider"),
        (f"item{first}.specialties", "endocrinology"),
        (f"item{first}.specialties", "surgery"),
        (f"item{first}.follow_up", ""),
        (f"item{first}.contact", "Hôpital de jour"),
    ]
    typed_second = [  # a first decision: an option, two specialties, a follow-up date
        (f"item{second}.case_version", "1"),
        (f"item{second}.options", "MOLECULAR-TESTING"),
        (f"item{second}.free_text", ""),
        (f"item{second}.specialties", "nuclear_medicine"),
        (f"item{second}.specialties", "medical_oncology"),
        (f"item{second}.follow_up", "2027-01-15"),
        (f"item{second}.contact", ""),
    ]
    answer = client.post(
        switch.group(1).replace("&amp;", "&"),
        content=urlencode([*kept, *typed_first, *typed_second, ("action", "lang")]),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    assert answer.status_code == 200
    assert f'<html lang="{to}">' in answer.text and heading in answer.text
    assert client.cookies.get("thyref_lang") == to
    assert sorted(_item_fields(answer.text, first)) == sorted(typed_first)
    assert sorted(_item_fields(answer.text, second)) == sorted(typed_second)
    assert _item_fields(answer.text, third) == _item_fields(opened, third)  # as it was
    # the forms typed in are open, the one left alone as it was (closed, had it a decision)
    for item in (first, second):
        assert '<details class="board-form-wrap" open>' in _article(answer.text, item)
    assert 'class="notice warn"' in answer.text  # the page's notice ("already on the agenda")
    # nothing recorded: item 1 has its one decision, items 2 and 3 none
    after = client.get(f"/meetings/{meeting}").text
    assert re.findall(rf'name="item{first}\.amends" value="(\d+)"', after) == in_force
    assert f'name="item{second}.amends"' not in after and f'name="item{third}.amends"' not in after
    # and what came back saves as it is: the second item's decision is recorded
    saved = client.post(
        f"/meetings/{meeting}/items/{second}/decision",
        content=urlencode([("csrf_token", csrf), *_item_fields(answer.text, second)]),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert f'name="item{second}.amends"' in client.get(f"/meetings/{meeting}").text


def _asked(page: str) -> dict[str, str]:
    """What "Add a case" of ``page`` posts, in the meeting form (all of it, as a browser)."""
    fields = dict(form_fields(page, "meeting-form"))
    return {name: fields[name] for name in ("meeting_id", "case_id", "question") if name in fields}


@pytest.mark.parametrize(
    ("start", "to", "heading"),
    [
        ("fr", "en", "<h2>Agenda</h2>"),  # the French page switched to English
        ("en", "fr", "<h2>Ordre du jour</h2>"),  # and the English one to French
    ],
)
def test_the_meeting_page_s_language_switch_keeps_the_agenda_question(
    client: TestClient, start: str, to: str, heading: str
) -> None:
    """Session 12: the question typed in "Add a case" (and the case chosen) was lost when
    the language was switched: it was a form of its own, which the switch, a button of the
    meeting form, did not post. It is part of the meeting form now; its button posts it to
    /meetings/agenda. The switch gives it back as typed, with the decisions typed, and
    adds nothing."""
    for case_id in ("rcp-aq-1", "rcp-aq-2", "rcp-aq-3"):
        _store(client, case_id)
    csrf = login(client)
    meeting = _meeting(client, csrf)
    item = _add(client, csrf, meeting, "rcp-aq-1", "Q1")
    opened = client.get(f"/meetings/{meeting}?lang={start}").text
    # the question and the case are fields of the meeting form, which the switch posts
    shown = _asked(opened)
    assert shown["meeting_id"] == str(meeting) and shown["question"] == ""
    # the case offered first (cases not on the agenda); the other one is chosen
    assert shown["case_id"] in ("rcp-aq-2", "rcp-aq-3")
    chosen = "rcp-aq-3" if shown["case_id"] == "rcp-aq-2" else "rcp-aq-2"
    switch = re.search(r'<button form="meeting-form" formaction="([^"]+)"[^>]*value="lang"', opened)
    assert switch and html.unescape(switch.group(1)) == f"/meetings/{meeting}?lang={to}"
    question = "Biologie <moléculaire> & « RET » avant traitement ?"
    typed_item = [(f"item{item}.case_version", "1"), (f"item{item}.free_text", "Surveillance")]
    kept = [
        (k, v)
        for k, v in form_fields(opened, "meeting-form")
        if k not in ("case_id", "question") and not k.startswith(f"item{item}.")
    ]
    answer = client.post(
        html.unescape(switch.group(1)),
        content=urlencode(
            [
                *kept,
                ("case_id", chosen),
                ("question", question),
                *typed_item,
                ("action", "lang"),
            ]
        ),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    assert answer.status_code == 200
    assert f'<html lang="{to}">' in answer.text and heading in answer.text
    # the question as typed (escaped in the page, read back whole), the case chosen
    assert _asked(answer.text) == {
        "meeting_id": str(meeting), "case_id": chosen, "question": question
    }  # fmt: skip
    assert 'aria-invalid="true"' not in answer.text  # typed, not refused: nothing to say
    assert sorted(_item_fields(answer.text, item)) == sorted(
        [*typed_item, (f"item{item}.follow_up", ""), (f"item{item}.contact", "")]
    )  # the decision typed comes back with it
    # nothing added: the agenda has its one item; and what came back adds as it is
    assert re.findall(r'id="item-(\d+)"', client.get(f"/meetings/{meeting}").text) == [str(item)]
    added = client.post(
        "/meetings/agenda",
        content=urlencode([*form_fields(answer.text, "meeting-form")]),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    # the page, with the decision typed still there (session 13: it was a 303, and lost)
    assert added.status_code == 200
    assert f'data-location="/meetings/{meeting}?notice=added"' in added.text
    assert (f"item{item}.free_text", "Surveillance") in _item_fields(added.text, item)
    page = client.get(f"/meetings/{meeting}").text
    assert len(re.findall(r'id="item-(\d+)"', page)) == 2
    assert html.escape(question, quote=False) in page
    assert f'href="/cases/{chosen}"' in page  # the case chosen before the switch


def test_a_refused_question_and_a_refused_decision_keep_each_other_s_typing(
    client: TestClient,
) -> None:
    """One meeting form: a question refused (a bidi override) gives back the decisions
    typed in the agenda items, and a decision refused gives back the question typed."""
    _store(client, "rcp-both-1")
    _store(client, "rcp-both-2")
    csrf = login(client)
    meeting = _meeting(client, csrf)
    item = _add(client, csrf, meeting, "rcp-both-1", "Q1")
    opened = client.get(f"/meetings/{meeting}").text
    typed_item = [
        (f"item{item}.case_version", "1"),
        (f"item{item}.free_text", "Surveillance"),
        (f"item{item}.follow_up", ""),
        (f"item{item}.contact", "Hôpital de jour"),
    ]
    others = [
        (k, v)
        for k, v in form_fields(opened, "meeting-form")
        if k not in ("question",) and not k.startswith(f"item{item}.")
    ]
    bad_question = "Biologie\u202e moléculaire ?"  # a right-to-left override: refused
    refused = client.post(
        "/meetings/agenda",
        content=urlencode([*others, ("question", bad_question), *typed_item]),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    assert refused.status_code == 422
    assert _asked(refused.text)["question"] == bad_question
    assert 'id="question-error"' in refused.text
    assert sorted(_item_fields(refused.text, item)) == sorted(typed_item)
    # the item's decision, empty (refused), with a question typed above it
    empty = [(k, "" if k.endswith(".free_text") else v) for k, v in typed_item]
    question = "Rédifférenciation ?"
    decision = client.post(
        f"/meetings/{meeting}/items/{item}/decision",
        content=urlencode([*others, ("question", question), *empty]),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    assert decision.status_code == 422
    assert _asked(decision.text)["question"] == question
    assert _asked(decision.text)["case_id"] == "rcp-both-2"  # the one case left to add
    assert 'id="question-error"' not in decision.text  # typed, not refused
    # nothing stored: no second item, no decision
    after = client.get(f"/meetings/{meeting}").text
    assert len(re.findall(r'id="item-(\d+)"', after)) == 1
    assert f'name="item{item}.amends"' not in after


def test_a_decision_s_button_is_not_stopped_by_the_empty_question(client: TestClient) -> None:
    # the question is required to add a case, and is in the meeting form: each item's
    # button skips the form's checks (formnovalidate), else an empty question (as it is
    # once a case is added) would stop every decision in the browser
    _store(client, "rcp-nv-1")
    _store(client, "rcp-nv-2")
    csrf = login(client)
    meeting = _meeting(client, csrf)
    item = _add(client, csrf, meeting, "rcp-nv-1", "Q")
    page = client.get(f"/meetings/{meeting}").text
    assert re.search(r'<input id="a-question" name="question" type="text" required', page)
    saves = re.findall(r'<button[^>]*formaction="[^"]*/decision"[^>]*>', page)
    assert len(saves) == 1 and "formnovalidate" in saves[0], saves
    add = re.findall(r'<button[^>]*formaction="/meetings/agenda"[^>]*>', page)
    assert len(add) == 1 and "formnovalidate" not in add[0]  # the question is checked
    assert item


def test_a_refused_decision_keeps_what_the_other_items_hold(client: TestClient) -> None:
    """One meeting form holds every item's decision: a decision refused in one item (422)
    gives back what was typed in the others too (each item had its own form: it was lost)."""
    _store(client, "rcp-other-1")
    _store(client, "rcp-other-2")
    csrf = login(client)
    meeting = _meeting(client, csrf)
    first = _add(client, csrf, meeting, "rcp-other-1", "Q1")
    second = _add(client, csrf, meeting, "rcp-other-2", "Q2")
    opened = client.get(f"/meetings/{meeting}").text
    typed_second = [
        (f"item{second}.case_version", "1"),
        (f"item{second}.free_text", "Surveillance"),
        (f"item{second}.follow_up", ""),
        (f"item{second}.contact", ""),
    ]
    fields = [(k, v) for k, v in form_fields(opened, "meeting-form") if f"item{second}." not in k]
    refused = client.post(  # the first item's decision, empty: refused
        f"/meetings/{meeting}/items/{first}/decision",
        content=urlencode([*fields, *typed_second]),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    assert refused.status_code == 422
    assert sorted(_item_fields(refused.text, second)) == sorted(typed_second)
    assert f'name="item{first}.amends"' not in client.get(f"/meetings/{meeting}").text


@pytest.mark.parametrize(
    ("case_ids", "typed_for"),
    [
        # a case added, a decision typed in the item already on the agenda: kept
        (("rcp-keep-1", "rcp-keep-2"), "first"),
        # a case already on the agenda ("already"), a decision typed in it: kept
        (("rcp-keep-3",), "first"),
    ],
)
def test_adding_a_case_keeps_the_decisions_typed(
    client: TestClient, case_ids: tuple[str, ...], typed_for: str
) -> None:
    """Session 13: "Add" on the meeting page stored the case and sent the page again
    (303): the decisions typed in the agenda items and not recorded were lost without a
    word. They come back with the new item (200), the question used (empty again), the
    notice said; nothing recorded."""
    for case_id in (*case_ids, f"{case_ids[0]}-spare"):  # one left to add: "Add a case" shown
        _store(client, case_id)
    csrf = login(client)
    meeting = _meeting(client, csrf)
    first = _add(client, csrf, meeting, case_ids[0], "Q1")
    opened = client.get(f"/meetings/{meeting}").text
    typed = [
        (f"item{first}.case_version", "1"),
        (f"item{first}.options", "MOLECULAR-TESTING"),
        (f"item{first}.free_text", "Revoir après la TEP <de mars> & décider"),
        (f"item{first}.specialties", "surgery"),
        (f"item{first}.follow_up", "2027-01-15"),
        (f"item{first}.contact", "Hôpital de jour"),
    ]
    adding = case_ids[-1]
    others = [
        (k, v)
        for k, v in form_fields(opened, "meeting-form")
        if k not in ("case_id", "question") and not k.startswith(f"item{first}.")
    ]
    answer = client.post(
        "/meetings/agenda",
        content=urlencode([*others, ("case_id", adding), ("question", "Q2 ?"), *typed]),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    assert answer.status_code == 200, answer.headers.get("location")
    assert sorted(_item_fields(answer.text, first)) == sorted(typed)
    assert '<details class="board-form-wrap" open>' in _article(answer.text, first)
    assert _asked(answer.text).get("question") == ""  # the question is used
    expected = "notice_added" if len(case_ids) > 1 else "notice_already"
    notice = {"notice_added": "notice ok", "notice_already": "notice warn"}[expected]
    assert f'class="{notice}"' in answer.text
    # the address it stands for, which app.js puts in the address bar
    note = "added" if len(case_ids) > 1 else "already"
    assert f'data-location="/meetings/{meeting}?notice={note}"' in answer.text
    items = re.findall(r'id="item-(\d+)"', answer.text)
    assert len(items) == len(case_ids)
    assert f'name="item{first}.amends"' not in client.get(f"/meetings/{meeting}").text


def test_adding_a_case_with_nothing_typed_sends_the_page_again(client: TestClient) -> None:
    # nothing typed to keep: the meeting page at its address (303), as before
    _store(client, "rcp-plain-1")
    _store(client, "rcp-plain-2")
    csrf = login(client)
    meeting = _meeting(client, csrf)
    _add(client, csrf, meeting, "rcp-plain-1", "Q1")
    opened = client.get(f"/meetings/{meeting}").text
    fields = [(k, v) for k, v in form_fields(opened, "meeting-form") if k != "question"]
    answer = client.post(
        "/meetings/agenda",
        content=urlencode([*fields, ("question", "Q2")]),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/meetings/{meeting}?notice=added"


def test_recording_a_decision_keeps_what_the_other_items_and_the_question_hold(
    client: TestClient,
) -> None:
    """Session 13: a decision recorded in one item sent the page again (303), and the
    decisions typed in the others, and the question typed in "Add a case", were lost. They
    come back (200) with the decision recorded (its form closed, showing it)."""
    for case_id in ("rcp-rec-1", "rcp-rec-2", "rcp-rec-3"):
        _store(client, case_id)
    csrf = login(client)
    meeting = _meeting(client, csrf)
    first = _add(client, csrf, meeting, "rcp-rec-1", "Q1")
    second = _add(client, csrf, meeting, "rcp-rec-2", "Q2")
    opened = client.get(f"/meetings/{meeting}").text
    decision = [
        (f"item{first}.case_version", "1"),
        (f"item{first}.options", "MOLECULAR-TESTING"),
        (f"item{first}.specialties", "endocrinology"),
        (f"item{first}.follow_up", ""),
        (f"item{first}.contact", ""),
    ]
    typed_second = [
        (f"item{second}.case_version", "1"),
        (f"item{second}.free_text", "Surveillance"),
        (f"item{second}.follow_up", ""),
        (f"item{second}.contact", ""),
    ]
    fields = [
        (k, v)
        for k, v in form_fields(opened, "meeting-form")
        if k != "question" and not k.startswith((f"item{first}.", f"item{second}."))
    ]
    answer = client.post(
        f"/meetings/{meeting}/items/{first}/decision",
        content=urlencode([*fields, ("question", "Chirurgie ?"), *decision, *typed_second]),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    assert answer.status_code == 200, answer.headers.get("location")
    assert sorted(_item_fields(answer.text, second)) == sorted(typed_second)
    assert _asked(answer.text)["question"] == "Chirurgie ?"
    assert 'class="notice ok"' in answer.text
    assert f'data-location="/meetings/{meeting}?notice=recorded#item-{first}"' in answer.text
    # recorded: the first item shows it, its form closed
    assert 'class="board-decision"' in _article(answer.text, first)
    assert '<details class="board-form-wrap">' in _article(answer.text, first)
    assert f'name="item{first}.amends"' in client.get(f"/meetings/{meeting}").text


# The refusal of a decision on a meeting still to come, in the page's language: the
# field said in words (it was the path "meeting.date"), today's date the reader's way
# (session 16: "(2026-11-30)" in a French sentence, where the case page writes 30/11/2026).
EARLY = [
    ("fr", "Réunion\u00a0: est après aujourd'hui ({d:%d/%m/%Y})\u00a0: une décision s'enregistre"),
    ("en", "Meeting: is after today ({d:%Y-%m-%d}): a decision is recorded once the board"),
]


@pytest.mark.parametrize(("lang", "words"), EARLY)
def test_a_decision_waits_for_the_meeting(client: TestClient, lang: str, words: str) -> None:
    # a meeting in 7 days: a decision recorded now would make the patient letter say the
    # case "was presented" on a day still to come; refused with the date, as the CLI does
    _store(client, "rcp-early")
    csrf = login(client)
    client.get(f"/meetings?lang={lang}")  # the language is remembered
    meeting = _meeting(client, csrf, days=7)
    item = _add(client, csrf, meeting, "rcp-early", "Q")
    response = _decide(client, csrf, meeting, item, options=["MOLECULAR-TESTING"])
    assert response.status_code == 422
    said = html.unescape(response.text)
    assert words.format(d=date.today()) in said
    assert "meeting.date" not in said
    assert (
        f'name="item{item}.amends"' not in client.get(f"/meetings/{meeting}").text
    )  # nothing stored


def test_other_centre_sees_neither_meetings_nor_documents(client: TestClient) -> None:
    _store(client, "rcp-lyon")
    csrf = login(client)
    meeting = _meeting(client, csrf)
    item = _add(client, csrf, meeting, "rcp-lyon", "Q")
    _decide(client, csrf, meeting, item, options=["MOLECULAR-TESTING"])
    other = TestClient(client.app)
    login(other, "bob")
    assert other.get(f"/meetings/{meeting}").status_code == 404
    assert other.get(f"/meetings/{meeting}/items/{item}/sheet.pdf").status_code == 404
    assert other.get(f"/meetings/{meeting}/items/{item}/letter.pdf").status_code == 404
    assert other.get("/cases/rcp-lyon/sheet.pdf").status_code == 404
    assert "rcp-lyon" not in other.get("/meetings").text
    # nor can bob put alice's case on a meeting of his own
    bob_csrf = login(other, "bob")
    bob_meeting = _meeting(other, bob_csrf)
    refused = other.post(
        "/meetings/agenda",
        data={"csrf_token": bob_csrf, "meeting_id": str(bob_meeting), "case_id": "rcp-lyon"},
    )
    assert refused.status_code == 404


def test_an_agenda_item_is_the_record_it_was_given_never_a_namesake(client: TestClient) -> None:
    """PT-9 in Lyon (born 1950) and in Lille (born 1990): no one puts one centre's case on
    another centre's meeting, and an item shows, prints and links its own record."""
    lyon = demo_case("PT-9")
    lyon["patient"]["birth_year"] = 1950
    lille = demo_case("PT-9")
    lille["patient"]["birth_year"] = 1990
    for who, body in (("alice", lyon), ("bob", lille)):
        response = client.post("/api/v1/cases", json=body, headers=token(client, who))
        assert response.status_code == 201, response.text
    _store(client, "lille-only", "bob")
    root = TestClient(client.app)
    root_csrf = login(root, "root")  # an admin of Lyon
    lyon_meeting = _meeting(root, root_csrf)
    for ref in ("PT-9~2", "lille-only~2", "lille-only"):
        refused = root.post(
            "/meetings/agenda",
            data={"csrf_token": root_csrf, "meeting_id": str(lyon_meeting), "case_id": ref,
                  "question": "Q"},
            follow_redirects=False,
        )  # fmt: skip
        assert refused.status_code == 404, ref
    page = root.get(f"/meetings/{lyon_meeting}").text
    assert 'id="item-' not in page
    assert 'value="PT-9"' in page and "~2" not in page  # only Lyon's cases to add
    alice_csrf = login(client)
    assert client.get(f"/meetings/{lyon_meeting}").status_code == 200

    bob = TestClient(client.app)
    lille_meeting = _meeting(bob, login(bob, "bob"))
    page = root.get(f"/meetings/{lille_meeting}").text
    assert 'value="PT-9~2"' in page and 'value="PT-9"' not in page
    item = _add(root, root_csrf, lille_meeting, "PT-9~2", "Lille's question")
    page = root.get(f"/meetings/{lille_meeting}").text
    assert 'href="/cases/PT-9~2"' in page
    sheet = _pdf_text(root.get(f"/meetings/{lille_meeting}/items/{item}/sheet.pdf").content)
    assert "1990" in sheet and "1950" not in sheet
    decided = _decide(root, root_csrf, lille_meeting, item, options=["MOLECULAR-TESTING"],
                      specialties=["surgery", "nuclear_medicine", "medical_oncology"])  # fmt: skip
    assert decided.status_code == 303, decided.text[:300]
    letter = _pdf_text(root.get(f"/meetings/{lille_meeting}/items/{item}/letter.pdf").content)
    assert "1950" not in letter
    plan = root.get(f"/meetings/{lille_meeting}/items/{item}/careplan.json").json()
    assert plan["resourceType"] == "CarePlan"
    # alice (Lyon) reaches neither the Lille meeting nor its item
    assert client.get(f"/meetings/{lille_meeting}").status_code == 404
    assert alice_csrf


@pytest.mark.parametrize("big", ["9" * 30, str(2**63), str(2**31)])
def test_ids_no_row_can_have_are_not_found(client: TestClient, big: str) -> None:
    """Meeting, item and decision ids past the 32-bit columns: 404, not a 500 from the
    driver (OverflowError on SQLite, out of range on PostgreSQL)."""
    _store(client, "rcp-big")
    csrf = login(client)
    meeting = _meeting(client, csrf)
    item = _add(client, csrf, meeting, "rcp-big", "Q")
    decision = {"options": ["MOLECULAR-TESTING"], "specialties": ["surgery"]}
    for path in (
        f"/meetings/{big}",
        f"/meetings/{big}/items/1/letter.pdf",
        f"/meetings/{big}/items/1/sheet.pdf",
        f"/meetings/{meeting}/items/{big}/sheet.pdf",
        f"/meetings/{meeting}/items/{big}/careplan.json",
    ):
        assert client.get(path).status_code == 404, path
    for path in (f"/meetings/{big}/items/1/decision", f"/meetings/{meeting}/items/{big}/decision"):
        answer = client.post(path, data={"csrf_token": csrf, **decision})
        assert answer.status_code == 404, path
    for raw in (big, "²", "-1", "0"):
        added = client.post(
            "/meetings/agenda",
            data={"csrf_token": csrf, "meeting_id": raw, "case_id": "rcp-big", "question": "Q"},
            follow_redirects=False,
        )
        assert added.status_code == 404, raw
    # an amended decision no row can have: the decision in force was not the one amended
    amended = _decide(client, csrf, meeting, item, amends=big, **decision)
    assert amended.status_code == 409
    assert _decide(client, csrf, meeting, item, amends="²", **decision).status_code == 409


def test_coordinator_lists_upcoming_meetings_and_waiting_cases(client: TestClient) -> None:
    _store(client, "wait-1")
    _store(client, "wait-2")
    csrf = login(client)
    page = client.get("/meetings").text
    assert "wait-1" in page and "wait-2" in page
    meeting = _meeting(client, csrf, days=3)
    _add(client, csrf, meeting, "wait-1", "Q")
    page = client.get("/meetings").text
    waiting = page.split('id="h-waiting"')[1]
    assert "wait-2" in waiting and "wait-1" not in waiting
    # the national calendar: twice a month by default (rules file), Thursdays
    chips = re.findall(r'<span class="chip">([^<]+)</span>', page)
    assert len(chips) == 4


@pytest.mark.parametrize(
    ("start", "to", "heading"),
    [
        ("fr", "en", "Upcoming meetings"),  # the French page switched to English
        ("en", "fr", "Réunions à venir"),  # and the English one to French
    ],
)
def test_the_coordinator_s_language_switch_keeps_what_was_typed(
    client: TestClient, start: str, to: str, heading: str
) -> None:
    """Session 13: "English" in the coordinator's header was a link: the new meeting
    being typed and the question typed for a waiting case were lost. The switch is a
    button of the coordinator's form, which holds both: they come back in the other
    language, nothing created, nothing added."""
    _store(client, "coord-sw-1")
    _store(client, "coord-sw-2")
    csrf = login(client)
    soon, later = _meeting(client, csrf, days=3), _meeting(client, csrf, days=10)
    opened = client.get(f"/meetings?lang={start}").text
    switch = re.search(r'<button form="coord-form" formaction="([^"]+)"[^>]*value="lang"', opened)
    assert switch, "the language switch is not a button of the coordinator's form"
    assert html.unescape(switch.group(1)) == f"/meetings?lang={to}"
    assert 'hreflang="' not in opened  # no link that would leave the typing behind
    # Enter in a field creates nothing: the form's default button is a disabled one
    assert 'form="coord-form" disabled' in re.findall(r"<button[^>]*>", opened)[0]
    shown = dict(form_fields(opened, "coord-form"))
    assert shown["row.coord-sw-1.meeting_id"] == str(soon)  # the first meeting offered
    typed = {
        "kind": "national",
        "held_on": "2031-05-06",
        "title": "RCP <de mai> & bilan",
        "row.coord-sw-1.meeting_id": str(later),
        "row.coord-sw-1.question": "Biologie « RET » avant traitement ?",
        "row.coord-sw-2.question": "Chirurgie ?",
    }
    answer = client.post(
        switch.group(1).replace("&amp;", "&"),
        content=urlencode([*{**shown, **typed}.items(), ("action", "lang")]),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    assert answer.status_code == 200
    assert f'<html lang="{to}">' in answer.text and heading in answer.text
    back = dict(form_fields(answer.text, "coord-form"))
    assert {k: back.get(k) for k in typed} == typed
    # nothing created, nothing added
    again = client.get("/meetings").text
    assert len(re.findall(r'<a href="/meetings/(\d+)"', again)) == 2
    assert "coord-sw-1" in again.split('id="h-waiting"')[1]
    assert 'aria-invalid="true"' not in answer.text  # typed, not refused


def test_the_coordinator_s_add_posts_its_row(client: TestClient) -> None:
    """Each waiting case's "Add" is a button of the coordinator's form naming its case:
    /meetings/agenda reads that row's meeting and question, not another row's."""
    _store(client, "coord-add-1")
    _store(client, "coord-add-2")
    csrf = login(client)
    soon, later = _meeting(client, csrf, days=3), _meeting(client, csrf, days=10)
    opened = client.get("/meetings").text
    buttons = re.findall(r'<button[^>]*formaction="/meetings/agenda"[^>]*>', opened)
    assert len(buttons) == 2 and all("formnovalidate" in b for b in buttons), buttons
    fields = {
        **dict(form_fields(opened, "coord-form")),
        "row.coord-add-1.question": "Question 1",
        "row.coord-add-2.meeting_id": str(later),
        "row.coord-add-2.question": "Question 2",
    }
    added = client.post(
        "/meetings/agenda",
        content=urlencode([*fields.items(), ("case_id", "coord-add-2")]),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    assert added.status_code == 303
    assert added.headers["location"] == f"/meetings/{later}?notice=added"
    page = client.get(f"/meetings/{later}").text
    assert "Question 2" in page and 'href="/cases/coord-add-2"' in page
    assert "Question 1" not in page
    assert 'id="item-' not in client.get(f"/meetings/{soon}").text


def test_case_page_has_a_sheet_button_and_the_pdf_has_the_key_facts(client: TestClient) -> None:
    _store(client, "rcp-sheet")
    login(client)
    page = client.get("/cases/rcp-sheet").text
    assert "/cases/rcp-sheet/sheet.pdf?version=1" in page
    assert 'href="/static/print.css" media="print"' in page
    pdf = client.get("/cases/rcp-sheet/sheet.pdf?version=1&lang=en")
    assert pdf.headers["content-type"] == "application/pdf"
    text = _pdf_text(pdf.content)
    assert "REFRACTORY" in text and "DTC-NO-UPTAKE" in text
    # 100 mCi = 3.7 GBq (1 mCi = 37 MBq)
    assert "3.7 GBq = 100 mCi" in text


def test_careplan_needs_a_decision(client: TestClient) -> None:
    _store(client, "rcp-none")
    csrf = login(client)
    meeting = _meeting(client, csrf)
    item = _add(client, csrf, meeting, "rcp-none", "Q")
    assert client.get(f"/meetings/{meeting}/items/{item}/careplan.json").status_code == 404


# ---------------------------------------------------------------- in a real browser

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"


def _axe(page: Any, name: str) -> None:
    """axe-core on the page (serious or critical violations fail), then a screenshot."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))  # evaluate() is not bound by the CSP
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))"
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    assert not found, f"{name}: {found}"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    from thyref.storage import repository as repo
    from thyref.web import WebSettings, create_app
    from thyref.web.security import hash_password

    folder = tmp_path_factory.mktemp("board-browser")
    app = create_app(
        WebSettings(
            database_url=f"sqlite:///{folder / 'b.db'}",
            # the browser clicks faster than a person: no public request budget
            rate_limit=0,
            rate_limit_signed_in=0,
        )
    )
    with app.state.thyref.db.session() as db:
        repo.add_user(db, "coord", hash_password("board-pass-123"), "clinician", "Lyon")
    client = TestClient(app)
    # 1: the board, then the question kept by the switch; 2 and 3: the decisions kept by it;
    # br-coord-*: the coordinator's switch (one for each run, with and without JavaScript)
    for case_id in ("br-rcp-1", "br-rcp-2", "br-rcp-3", "br-coord-js", "br-coord-nojs"):
        response = client.post(
            "/api/v1/cases",
            json=demo_case(case_id),
            headers=token(client, "coord", "board-pass-123"),
        )
        assert response.status_code == 201
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    app.state.thyref.db.dispose()


@contextmanager
def _coordinator_page(
    live_server: str, javascript: bool = True, *, downloads: bool = False
) -> Iterator[tuple[Any, list[str]]]:
    """The coordinator signed in, on the meetings page of headless chromium (laptop width,
    French), with or without JavaScript (``downloads``: accepted); the console's and the
    page's errors collected."""
    if not Path(CHROMIUM).exists():  # pragma: no cover
        if os.environ.get("CI") == "true":
            pytest.fail("Debian chromium is required in CI")
        pytest.skip("Debian chromium is not installed (scripts/system-deps.sh)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(
            viewport={"width": 1366, "height": 768},
            locale="fr-FR",
            java_script_enabled=javascript,
            accept_downloads=downloads,
        )
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.set_default_timeout(20_000)
        browser_sign_in(page, live_server, "coord", "board-pass-123", then="/meetings")
        yield page, errors
        context.close()
        browser.close()


@pytest.mark.browser
def test_board_in_the_browser(live_server: str, tmp_path: Path) -> None:
    """Create a meeting, add a case with its question, decide, amend, download both PDFs."""
    from playwright.sync_api import expect

    with _coordinator_page(live_server, downloads=True) as (page, errors):
        expect(page.locator("#h-waiting")).to_be_visible()
        expect(page.locator("section", has=page.locator("#h-waiting"))).to_contain_text("br-rcp-1")
        _axe(page, "coordinator-1366")

        # a national meeting held today (the form proposes the next national date; a
        # decision is recorded once the meeting is held)
        page.select_option("#m-kind", "national")
        page.fill("#m-date", date.today().isoformat())
        page.fill("#m-title", "RCP nationale de décembre")
        page.click("form[action='/meetings'] button[type=submit]")
        page.wait_for_url("**/meetings/*")
        expect(page.locator("h1")).to_contain_text("RCP nationale TuThyRef")

        # the case and its question
        page.select_option("#a-case", "br-rcp-1")
        page.fill("#a-question", "Biologie moléculaire avant traitement systémique ?")
        page.click("#add-case")
        expect(page.locator(".board-item")).to_contain_text("Biologie moléculaire avant")

        _axe(page, "meeting-1366-form")
        # the decision: one proposed option, two specialties (warned), a follow-up
        item = page.locator(".board-item").first
        item.locator("input[name$='.options'][value=MOLECULAR-TESTING]").check()
        item.locator("input[name$='.specialties'][value=endocrinology]").check()
        item.locator("input[name$='.specialties'][value=nuclear_medicine]").check()
        item.locator("input[name$='.follow_up']").fill("2027-03-01")
        item.locator("button[type=submit]").click()
        expect(page.locator(".board-decision .notice.warn")).to_contain_text("Seulement 2")
        page.screenshot(path=str(SHOTS / "meeting-1366.png"), full_page=False)

        # the amendment: a new record pointing to the first
        item = page.locator(".board-item").first
        item.locator("summary").last.click()
        item.locator("textarea[name$='.free_text']").fill("Analyse sur la métastase pulmonaire")
        item.locator("input[name$='.specialties'][value=medical_oncology]").check()
        item.locator("button[type=submit]").click()
        expect(page.locator(".board-decision h4")).to_contain_text("modifie la décision")
        expect(page.locator(".board-decision")).not_to_contain_text("Seulement")

        for link, name in (
            ("Fiche RCP (PDF)", "sheet.pdf"),
            ("Courrier au patient (PDF)", "letter.pdf"),
        ):
            with page.expect_download() as info:
                page.get_by_role("link", name=link).first.click()
            target = tmp_path / name
            info.value.save_as(str(target))
            assert target.read_bytes().startswith(b"%PDF")
        sheet_text = _pdf_text((tmp_path / "sheet.pdf").read_bytes())
        assert "Analyse sur la métastase pulmonaire" in sheet_text
        assert "Biologie moléculaire avant" in sheet_text
        assert "Votre dossier" in _pdf_text((tmp_path / "letter.pdf").read_bytes())

        _axe(page, "meeting-1366-amended")
        page.set_viewport_size({"width": 1024, "height": 768})
        page.screenshot(path=str(SHOTS / "meeting-1024.png"), full_page=True)
        # the page fits the tablet's width: nothing scrolls sideways
        assert page.evaluate("document.documentElement.scrollWidth") <= 1024

        # the print view of the case page: no navigation, buttons or forms on paper
        page.set_viewport_size({"width": 1366, "height": 768})
        page.goto(f"{live_server}/cases/br-rcp-1")
        expect(page.get_by_role("link", name="Fiche RCP (PDF)")).to_be_visible()
        page.emulate_media(media="print")
        expect(page.locator("header.top nav")).to_be_hidden()
        expect(page.locator(".page-head .actions")).to_be_hidden()
        expect(page.locator("h1")).to_be_visible()
        page.screenshot(path=str(SHOTS / "case-print.png"), full_page=True)
    assert not [e for e in errors if "inline style" not in e], errors  # axe restoring styles


@pytest.mark.browser
@pytest.mark.parametrize(
    "javascript",
    [
        True,  # as the page is used, HTMX and app.js loaded
        False,  # the switch is plain HTML: it keeps the typing without JavaScript too
    ],
)
def test_the_meeting_page_s_language_switch_in_the_browser(
    live_server: str, javascript: bool
) -> None:
    """Walkthrough, session 11: a decision typed in two agenda items, then "English" in
    the header: the page comes back in English with both as they were typed, nothing
    recorded. Enter in a decision field records nothing (the meeting form's default button
    is a disabled one), and the agenda still prints (the print view hides forms)."""
    from playwright.sync_api import expect

    suffix = "" if javascript else "-nojs"
    with _coordinator_page(live_server, javascript) as (page, errors):
        page.select_option("#m-kind", "regional")
        page.fill("#m-date", date.today().isoformat())
        page.fill("#m-title", f"RCP du jour{suffix}")
        page.click("form[action='/meetings'] button[type=submit]")
        page.wait_for_url("**/meetings/*")
        for case_id in ("br-rcp-2", "br-rcp-3"):
            page.select_option("#a-case", case_id)
            page.fill("#a-question", f"Question {case_id}")
            page.click("#add-case")
            expect(page.locator(".board-item", has_text=f"Question {case_id}")).to_have_count(1)
        items = page.locator(".board-item")
        expect(items).to_have_count(2)
        a, b = (str(items.nth(i).get_attribute("id")).removeprefix("item-") for i in (0, 1))
        # item A: a free text and two specialties; item B: an option, a date, a contact
        page.fill(f"#t-{a}", "Revoir après la TEP de mars")
        page.check(f"#s-{a}-endocrinology")
        page.check(f"#s-{a}-surgery")
        page.check(f"#o-{b}-1")
        page.fill(f"#fu-{b}", "2027-01-15")
        page.fill(f"#c-{b}", "Hôpital de jour")
        page.press(f"#c-{b}", "Enter")  # Enter in a field: nothing recorded, no new page
        page.wait_for_load_state("networkidle")
        expect(page.locator(".board-decision")).to_have_count(0)
        expect(page.locator(f"#c-{b}")).to_have_value("Hôpital de jour")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"meeting-switch-before{suffix}.png"), full_page=True)
        page.locator("header .lang").click()
        page.wait_for_url("**lang=en*")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.locator("h2").first).to_have_text("Add a case")
        page.screenshot(path=str(SHOTS / f"meeting-switch-after{suffix}.png"), full_page=True)
        expect(page.locator(f"#t-{a}")).to_have_value("Revoir après la TEP de mars")
        for checked in (f"#s-{a}-endocrinology", f"#s-{a}-surgery", f"#o-{b}-1"):
            expect(page.locator(checked)).to_be_checked()
        expect(page.locator(f"#s-{a}-nuclear_medicine")).not_to_be_checked()
        expect(page.locator(f"#fu-{b}")).to_have_value("2027-01-15")
        expect(page.locator(f"#c-{b}")).to_have_value("Hôpital de jour")
        expect(page.locator(".board-decision")).to_have_count(0)  # nothing recorded
        if javascript:
            _axe(page, "meeting-switched")
        # and back to French, still kept
        page.locator("header .lang").click()
        page.wait_for_url("**lang=fr*")
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        expect(page.locator(f"#t-{a}")).to_have_value("Revoir après la TEP de mars")
        expect(page.locator(f"#c-{b}")).to_have_value("Hôpital de jour")
        # the agenda prints, though it is inside the meeting form (forms are hidden there)
        page.emulate_media(media="print")
        expect(page.locator(".board-item").first).to_be_visible()
        expect(page.locator(f"#t-{a}")).to_be_hidden()
    assert not [e for e in errors if "inline style" not in e], errors


@pytest.mark.browser
@pytest.mark.parametrize(
    "javascript",
    [
        True,  # as the page is used, HTMX and app.js loaded (Enter in the question adds)
        False,  # plain HTML: the switch keeps the question too; Enter there adds nothing
    ],
)
def test_the_agenda_question_survives_the_language_switch_in_the_browser(
    live_server: str, javascript: bool
) -> None:
    """Session 12: a case chosen and its question typed in "Add a case", then "English"
    in the header: the page comes back in English with both, nothing added; back to
    French, still there; then the case is added with that question. A decision is then
    recorded though the question is empty again (the item's button skips the question's
    check), and the agenda prints without the "Add a case" form."""
    from playwright.sync_api import expect

    suffix = "" if javascript else "-nojs"
    question = "Biologie moléculaire (RET) avant vandétanib ?"
    with _coordinator_page(live_server, javascript) as (page, errors):
        page.select_option("#m-kind", "regional")
        page.fill("#m-date", date.today().isoformat())
        page.fill("#m-title", f"RCP question{suffix}")
        page.click("form[action='/meetings'] button[type=submit]")
        page.wait_for_url("**/meetings/*")
        meeting_url = page.url
        # br-rcp-1: the last case offered (the first, shown unchosen, is the latest saved)
        page.select_option("#a-case", "br-rcp-1")
        page.fill("#a-question", question)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"meeting-question-before{suffix}.png"), full_page=True)
        page.locator("header .lang").click()
        page.wait_for_url("**lang=en*")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.locator("#h-add")).to_have_text("Add a case")
        page.screenshot(path=str(SHOTS / f"meeting-question-after{suffix}.png"), full_page=True)
        expect(page.locator("#a-question")).to_have_value(question)
        expect(page.locator("#a-case")).to_have_value("br-rcp-1")
        expect(page.locator(".board-item")).to_have_count(0)  # nothing added
        if javascript:
            _axe(page, "meeting-question-switched")
        page.locator("header .lang").click()  # and back to French, still there
        page.wait_for_url("**lang=fr*")
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        expect(page.locator("#a-question")).to_have_value(question)
        expect(page.locator("#a-case")).to_have_value("br-rcp-1")
        # Enter in the question: with JavaScript it adds the case (as a form of one field
        # does); without, the meeting form's default button records nothing, and Add does
        page.press("#a-question", "Enter")
        if javascript:
            page.wait_for_url("**notice=added*")
        else:
            page.wait_for_load_state("networkidle")
            expect(page.locator(".board-item")).to_have_count(0)
            expect(page.locator("#a-question")).to_have_value(question)
            page.click("#add-case")
            page.wait_for_url("**notice=added*")
        item = page.locator(".board-item")
        expect(item).to_have_count(1)
        expect(item).to_contain_text(question)
        expect(item).to_contain_text("br-rcp-1")
        # the question is empty again, and required: a decision is still recorded
        expect(page.locator("#a-question")).to_have_value("")
        item.locator("input[name$='.options'][value=MOLECULAR-TESTING]").check()
        for specialty in ("endocrinology", "nuclear_medicine", "surgery"):
            item.locator(f"input[name$='.specialties'][value={specialty}]").check()
        item.locator("button[type=submit]").click()
        page.wait_for_url("**notice=recorded*")
        expect(page.locator(".board-decision")).to_have_count(1)
        page.screenshot(path=str(SHOTS / f"meeting-question-added{suffix}.png"), full_page=True)
        # an empty question stops "Add" (required): no second item, no request
        if page.locator("#a-question").count():
            page.click("#add-case")
            expect(page.locator(".board-item")).to_have_count(1)
            assert page.url.startswith(meeting_url.split("?")[0])
        # on paper: the agenda, not the form that adds to it
        page.emulate_media(media="print")
        expect(page.locator(".board-item").first).to_be_visible()
        expect(page.locator("#h-add")).to_be_hidden()
        page.screenshot(path=str(SHOTS / f"meeting-question-print{suffix}.png"), full_page=True)
    assert not [e for e in errors if "inline style" not in e], errors


@pytest.mark.browser
@pytest.mark.parametrize(
    "javascript",
    [
        True,  # as the page is used (Enter in a question adds its case)
        False,  # plain HTML: the switch keeps the typing too; Enter adds nothing
    ],
)
def test_the_coordinator_s_typing_survives_the_language_switch_in_the_browser(
    live_server: str, javascript: bool
) -> None:
    """Session 13: a new meeting's title and a waiting case's question typed on the
    coordinator's page, then "English": both come back, nothing created; back in French,
    the case is added with that question."""
    from playwright.sync_api import expect

    suffix = "js" if javascript else "nojs"
    case = f"br-coord-{suffix}"
    question = f"Biologie moléculaire avant traitement ? ({suffix})"
    with _coordinator_page(live_server, javascript) as (page, errors):
        page.select_option("#m-kind", "regional")
        page.fill("#m-date", date.today().isoformat())
        page.fill("#m-title", f"RCP coordination {suffix}")
        page.click("#create-meeting")
        page.wait_for_url("**/meetings/*")
        meeting_path = page.url.split("?")[0].removeprefix(live_server)
        meeting_id = meeting_path.rsplit("/", 1)[1]
        page.goto(f"{live_server}/meetings")
        row_meeting = page.locator(f"select[name='row.{case}.meeting_id']")
        row_question = page.locator(f"input[name='row.{case}.question']")
        page.fill("#m-title", "RCP de juin")
        page.select_option("#m-kind", "national")
        row_meeting.select_option(meeting_id)
        row_question.fill(question)
        page.locator("header .lang").click()
        page.wait_for_url("**lang=en*")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.locator("#h-new")).to_have_text("New meeting")
        expect(page.locator("#m-title")).to_have_value("RCP de juin")
        expect(page.locator("#m-kind")).to_have_value("national")
        expect(row_meeting).to_have_value(meeting_id)
        expect(row_question).to_have_value(question)
        if javascript:
            _axe(page, "coordinator-switched")
        page.locator("header .lang").click()  # and back to French, still there
        page.wait_for_url("**lang=fr*")
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        expect(row_question).to_have_value(question)
        expect(page.locator("#m-title")).to_have_value("RCP de juin")
        assert page.locator("a", has_text="RCP de juin").count() == 0  # nothing created
        row_question.press("Enter")
        if not javascript:  # Enter adds nothing (nor creates the meeting typed above)
            page.wait_for_load_state("networkidle")
            expect(row_question).to_have_value(question)
            page.locator(f"button[name=case_id][value='{case}']").click()
        page.wait_for_url(f"**{meeting_path}?notice=added")
        item = page.locator(".board-item", has_text=case)
        expect(item).to_have_count(1)
        expect(item).to_contain_text(question)
    assert not [e for e in errors if "inline style" not in e], errors


@pytest.mark.browser
@pytest.mark.parametrize(
    "javascript",
    [
        True,  # as the page is used: the page says the meeting's address (app.js)
        False,  # plain HTML: the page is given back where the form posted, typing kept
    ],
)
def test_adding_a_case_and_recording_a_decision_keep_the_typing_in_the_browser(
    live_server: str, javascript: bool
) -> None:
    """Session 13: a decision typed in one agenda item, then another case added ("Add"):
    the typed decision was lost (the page was sent again). It stays, and so it does when
    the new item's decision is recorded; nothing of it is recorded."""
    from playwright.sync_api import expect

    suffix = "" if javascript else "-nojs"
    with _coordinator_page(live_server, javascript) as (page, errors):
        page.select_option("#m-kind", "regional")
        page.fill("#m-date", date.today().isoformat())
        page.fill("#m-title", f"RCP ajout{suffix}")
        page.click("form[action='/meetings'] button[type=submit]")
        page.wait_for_url("**/meetings/*")
        meeting_path = page.url.split("?")[0].removeprefix(live_server)
        page.select_option("#a-case", "br-rcp-2")
        page.fill("#a-question", "Question A")
        page.click("#add-case")
        expect(page.locator(".board-item")).to_have_count(1)
        a = str(page.locator(".board-item").first.get_attribute("id")).removeprefix("item-")
        # a decision typed in item A, not recorded
        page.fill(f"#t-{a}", "Revoir après la TEP de mars")
        page.check(f"#s-{a}-surgery")
        page.fill(f"#c-{a}", "Hôpital de jour")
        # another case added
        page.select_option("#a-case", "br-rcp-3")
        page.fill("#a-question", "Question B")
        page.click("#add-case")
        expect(page.locator(".board-item")).to_have_count(2)
        expect(page.locator(".notice.ok")).to_be_visible()
        expect(page.locator(f"#t-{a}")).to_have_value("Revoir après la TEP de mars")
        expect(page.locator(f"#s-{a}-surgery")).to_be_checked()
        expect(page.locator(f"#c-{a}")).to_have_value("Hôpital de jour")
        expect(page.locator("#a-question")).to_have_value("")
        if javascript:  # the meeting's address, not the one posted to
            assert page.url == f"{live_server}{meeting_path}?notice=added"
        b = next(
            str(i.get_attribute("id")).removeprefix("item-")
            for i in page.locator(".board-item").all()
            if i.get_attribute("id") != f"item-{a}"
        )
        # item B's decision recorded: A's typing is still there, not recorded
        page.check(f"#o-{b}-1")
        for specialty in ("endocrinology", "nuclear_medicine", "surgery"):
            page.check(f"#s-{b}-{specialty}")
        page.locator(f"#item-{b} button[type=submit]").click()
        expect(page.locator(f"#item-{b} .board-decision")).to_have_count(1)
        expect(page.locator(f"#t-{a}")).to_have_value("Revoir après la TEP de mars")
        expect(page.locator(f"#c-{a}")).to_have_value("Hôpital de jour")
        expect(page.locator(f"#item-{a} .board-decision")).to_have_count(0)
        if javascript:
            assert page.url == f"{live_server}{meeting_path}?notice=recorded#item-{b}"
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"meeting-add-kept{suffix}.png"), full_page=True)
    assert not [e for e in errors if "inline style" not in e], errors


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        # French typography: a no-break space before the colon (catalogue punct.colon)
        ("fr", "Options retenues\u00a0: choisir au moins une option ou écrire la décision"),
        ("en", "Options chosen: choose at least one option or write the decision"),
    ],
)
def test_a_refused_decision_names_its_field_the_page_s_way(
    client: TestClient, lang: str, said: str
) -> None:
    _store(client, "rcp-colon")
    csrf = login(client)
    client.get(f"/meetings?lang={lang}")  # the language is remembered
    meeting = _meeting(client, csrf)
    item = _add(client, csrf, meeting, "rcp-colon", "Q")
    response = _decide(client, csrf, meeting, item, options=[], free_text="")
    assert response.status_code == 422
    assert said in html.unescape(response.text)


@pytest.mark.parametrize(
    ("fields", "control"),
    [
        # nothing chosen and nothing written: the options' group (a fieldset) is named
        ({"options": [], "free_text": ""}, "opts-{item}"),
        # a follow-up before the meeting (held today): the date field
        (
            {
                "options": ["MOLECULAR-TESTING"],
                "follow_up": (date.today() - timedelta(days=1)).isoformat(),
            },
            "fu-{item}",
        ),
        # an unknown specialty: the specialties' group
        ({"options": ["MOLECULAR-TESTING"], "specialties": ["astrology"]}, "spec-{item}"),
        # a contact longer than the 200 characters stored (was stored cut, without a word)
        ({"options": ["MOLECULAR-TESTING"], "contact": "Hôpital de jour " + "9" * 185}, "c-{item}"),
    ],
)
def test_a_refused_decision_s_error_is_tied_to_its_field(
    client: TestClient, fields: dict[str, Any], control: str
) -> None:
    """House rule: errors tied to their fields. The summary above a refused decision said
    the problem, but the field was not marked: a screen reader on the field heard nothing
    of it (walkthrough, session 10). WCAG 2.2, 3.3.1 "Error Identification": the item in
    error is identified; the summary links to the field, and the field is `aria-invalid`
    and described by the message (`aria-describedby`, WAI-ARIA 1.2)."""
    _store(client, "rcp-tied")
    csrf = login(client)
    meeting = _meeting(client, csrf)
    item = _add(client, csrf, meeting, "rcp-tied", "Q")
    response = _decide(client, csrf, meeting, item, **fields)
    assert response.status_code == 422
    target = control.format(item=item)
    tag = re.search(rf'<(?:input|fieldset|textarea)[^>]*\bid="{target}"[^>]*>', response.text)
    assert tag, f"no control #{target}"
    assert 'aria-invalid="true"' in tag.group(0)
    described = re.search(r'aria-describedby="([^"]+)"', tag.group(0))
    assert described, tag.group(0)
    said = re.search(
        rf'<li id="{described.group(1)}"><a href="#{target}">([^<]+)</a>', response.text
    )
    assert said and said.group(1).strip(), "the message is not the field's description"
    # the other fields are not marked
    assert response.text.count('aria-invalid="true"') == 1


@pytest.mark.parametrize(
    ("fields", "control"),
    [
        ({"kind": "regional", "held_on": "2027-02-30"}, "m-date"),  # not a calendar date
        ({"kind": "weekly", "held_on": "2027-02-01"}, "m-kind"),  # not a kind of meeting
    ],
)
def test_a_refused_meeting_s_error_is_tied_to_its_field(
    client: TestClient, fields: dict[str, str], control: str
) -> None:
    """The same on the coordinator's page (WCAG 2.2, 3.3.1): the refused field is
    `aria-invalid` and described by the notice that says why."""
    csrf = login(client)
    refused = client.post("/meetings", data={"csrf_token": csrf, **fields})
    tag = re.search(rf'<(?:input|select)[^>]*\bid="{control}"[^>]*>', refused.text)
    assert tag and 'aria-invalid="true"' in tag.group(0), tag
    assert 'aria-describedby="meeting-error"' in tag.group(0)
    notice = re.search(
        r'<p class="notice warn" role="alert" id="meeting-error">([^<]+)</p>', refused.text
    )
    assert notice and notice.group(1).strip()
    assert refused.text.count('aria-invalid="true"') == 1


def test_a_too_long_contact_is_refused_with_the_typing_kept(client: TestClient) -> None:
    _store(client, "rcp-contact")
    csrf = login(client)
    meeting = _meeting(client, csrf)
    item = _add(client, csrf, meeting, "rcp-contact", "Q")
    contact = "Hôpital de jour d'endocrinologie, " + "0" * 167  # 201 characters
    refused = _decide(client, csrf, meeting, item, options=["MOLECULAR-TESTING"], contact=contact)
    assert refused.status_code == 422
    said = html.unescape(refused.text)
    assert "dépasse 200 caractères" in said  # the limit, from the catalogue
    assert f'value="{contact}"' in said  # the typing comes back
    assert "décision n°" not in said  # nothing recorded
    # 200 characters: recorded whole
    stored = _decide(
        client, csrf, meeting, item, options=["MOLECULAR-TESTING"], contact=contact[:200]
    )
    assert stored.status_code == 303
    assert contact[:200] in html.unescape(client.get(f"/meetings/{meeting}").text)


_TODAY = date.today()


@pytest.mark.parametrize(
    ("held_on", "created"),
    [
        # year 1 and year 9999 (security13: any date was a meeting): refused
        ("0001-01-01", False),
        ("9999-12-31", False),
        # a slip of the keyboard, 0202 for 2026: refused
        (f"0202-{_TODAY:%m-%d}", False),
        # more than 2 years ahead: the day after the last allowed one, refused
        (f"{_TODAY.year + 3}-01-01", False),
        # 10 years back: the day before the first allowed one, refused
        (f"{_TODAY.year - 11}-12-31", False),
        # the first and last allowed days: a meeting (a past board recorded late; the
        # next years' national dates)
        (f"{_TODAY.year - 10}-01-01", True),
        (f"{_TODAY.year + 2}-12-31", True),
    ],
)
def test_a_meeting_is_held_on_a_date_of_the_years_around_today(
    client: TestClient, held_on: str, created: bool
) -> None:
    csrf = login(client)
    answer = client.post(
        "/meetings",
        data={"csrf_token": csrf, "kind": "regional", "held_on": held_on, "title": "T"},
        follow_redirects=False,
    )
    assert (answer.status_code == 303) is created
    if not created:
        assert answer.status_code == 422
        said = html.unescape(answer.text)
        # the range in French words, the field marked
        assert f"entre le 01/01/{_TODAY.year - 10} et le 31/12/{_TODAY.year + 2}" in said, said[
            :3000
        ]
        tag = re.search(r'<input[^>]*\bid="m-date"[^>]*>', answer.text)
        assert tag and 'aria-invalid="true"' in tag.group(0)
        # the date picker offers the same range
        assert f'min="{_TODAY.year - 10}-01-01"' in tag.group(0)
        assert f'max="{_TODAY.year + 2}-12-31"' in tag.group(0)
