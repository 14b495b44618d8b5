"""Hostile texts on the board pages: a meeting's title and an agenda item's question.

docs/board.md ("Texts (`free_text`, `question`, `contact`) may hold line breaks and tabs
but no other control character and no bidirectional override or isolate (U+202A-U+202E,
U+2066-U+2069), which would show a phone number reversed in the letter"): the question is
typed on the meeting pages, so they refuse it there (nothing stored), and the meeting's
title, shown on the same pages and in the board documents, follows the same rule.
PostgreSQL cannot store a NUL in a text column at all: it was a 500 there.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from .support import TestClient, demo_case, login, token

HOSTILE = [
    "avant\x00après",  # NUL: PostgreSQL refuses it in text (a 500), SQLite kept it
    "Dr X 06\u202e12345678",  # right-to-left override: the number shows reversed
    "rouge\x1b[31m",  # ESC: a terminal escape sequence
    "isolé\u2067x\u2069",  # right-to-left isolate and its end (U+2066-U+2069)
    "del\x7f",  # DEL, a C0/C1 control like the others
]
FINE = [
    "Traitement ?\nSecond avis.",  # a line break is allowed
    "Colonne\tdeux",  # so is a tab
]


def _meeting(client: TestClient, csrf: str, title: str) -> str:
    return client.post(
        "/meetings",
        data={"csrf_token": csrf, "kind": "regional", "held_on": date.today().isoformat(),
              "title": title},
        follow_redirects=False,
    ).headers["location"]  # fmt: skip


@pytest.mark.parametrize("title", HOSTILE)
def test_a_meeting_title_with_a_control_character_is_refused(
    client: TestClient, title: str
) -> None:
    csrf = login(client)
    assert _meeting(client, csrf, title) == "/meetings?error=title"
    page = client.get("/meetings?error=title")
    assert 'id="meeting-error"' in page.text and 'id="m-title"' in page.text
    assert 'aria-invalid="true" aria-describedby="meeting-error"' in page.text
    assert client.get("/meetings/1").status_code == 404  # nothing stored


@pytest.mark.parametrize("title", FINE)
def test_a_meeting_title_with_white_space_is_kept(client: TestClient, title: str) -> None:
    csrf = login(client)
    assert _meeting(client, csrf, title) == "/meetings/1"


def _ask(client: TestClient, question: str) -> tuple[str, Any]:
    """Case a-1 put on a new meeting with ``question``: the meeting's address, the answer."""
    assert client.post("/api/v1/cases", json=demo_case("a-1"), headers=token(client)).is_success
    csrf = login(client)
    meeting = _meeting(client, csrf, "T")
    response = client.post(
        "/meetings/agenda",
        data={"csrf_token": csrf, "meeting_id": meeting.rsplit("/", 1)[1], "case_id": "a-1",
              "question": question},
        follow_redirects=False,
    )  # fmt: skip
    return meeting, response


@pytest.mark.parametrize("question", HOSTILE)
def test_an_agenda_question_with_a_control_character_is_refused(
    client: TestClient, question: str
) -> None:
    meeting, response = _ask(client, question)
    assert response.status_code == 303
    assert response.headers["location"] == f"{meeting}?notice=question"
    page = client.get(f"{meeting}?notice=question").text
    assert 'id="item-' not in page  # nothing on the agenda
    assert "contrôle" in page  # the notice says why, in the page's language (French)
    assert question not in page


@pytest.mark.parametrize("question", FINE)
def test_an_agenda_question_with_white_space_is_kept(client: TestClient, question: str) -> None:
    meeting, response = _ask(client, question)
    assert response.headers["location"] == f"{meeting}?notice=added"
