"""Hostile texts on the board pages: a meeting's title and an agenda item's question.

docs/board.md ("Texts (`free_text`, `question`, `contact`) may hold line breaks and tabs
but no other control character and no bidirectional override or isolate (U+202A-U+202E,
U+2066-U+2069), which would show a phone number reversed in the letter"): the question is
typed on the meeting pages, so they refuse it there (nothing stored), and the meeting's
title, shown on the same pages and in the board documents, follows the same rule.
PostgreSQL cannot store a NUL in a text column at all: it was a 500 there.
"""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
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


HELD_ON = (date.today() + timedelta(days=30)).isoformat()


def _refused_meeting(client: TestClient, csrf: str, title: str) -> Any:
    """POST /meetings with ``title``, answered with the coordinator's page (not followed);
    the meeting in a month (a date meetings may have: only the title is refused)."""
    return client.post(
        "/meetings",
        data={"csrf_token": csrf, "kind": "national", "held_on": HELD_ON, "title": title},
        follow_redirects=False,
    )


def _tag(page: str, control: str) -> str:
    tag = re.search(rf'<(?:input|select|textarea)[^>]*\bid="{control}"[^>]*>', page)
    assert tag, f"no control #{control}"
    return tag.group(0)


@pytest.mark.parametrize("title", HOSTILE)
def test_a_meeting_title_with_a_control_character_is_refused(
    client: TestClient, title: str
) -> None:
    csrf = login(client)
    refused = _refused_meeting(client, csrf, title)
    assert refused.status_code == 422  # the page itself (was a redirect that lost the typing)
    assert 'id="meeting-error"' in refused.text
    tag = _tag(refused.text, "m-title")
    assert 'aria-invalid="true" aria-describedby="meeting-error"' in tag
    assert "contrôle" in refused.text  # why, in French
    assert client.get("/meetings/1").status_code == 404  # nothing stored


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        # the length and the limit, in the page's language, from the catalogue
        ("fr", "Le titre compte 121 caractères, 120 au plus sont acceptés"),
        ("en", "The title is 121 characters long; at most 120 are accepted"),
    ],
)
def test_a_too_long_meeting_title_is_refused_with_the_typing_kept(
    client: TestClient, lang: str, said: str
) -> None:
    # was stored cut to its first 120 characters, without a word
    csrf = login(client)
    client.get(f"/meetings?lang={lang}")  # the language is remembered
    title = "RCP thyroïde " + "x" * 108  # 121 characters
    refused = _refused_meeting(client, csrf, title)
    assert refused.status_code == 422
    notice = re.search(r'<p class="notice warn" role="alert" id="meeting-error">([^<]+)</p>',
                       refused.text)  # fmt: skip
    assert notice and said in html.unescape(notice.group(1))
    tag = _tag(refused.text, "m-title")
    assert 'aria-invalid="true" aria-describedby="meeting-error"' in tag
    assert f'value="{title}"' in html.unescape(tag)  # what was typed comes back
    assert "maxlength" not in tag  # a browser would cut a paste silently
    # the other fields keep what was typed too
    assert f'value="{HELD_ON}"' in _tag(refused.text, "m-date")
    assert re.search(r'<option value="national" selected>', refused.text)
    assert refused.text.count('aria-invalid="true"') == 1
    assert client.get("/meetings/1").status_code == 404  # nothing stored


def test_a_meeting_title_of_120_characters_is_stored_whole(client: TestClient) -> None:
    csrf = login(client)
    title = "x" * 119 + "é"
    assert _meeting(client, csrf, f"  {title} ") == "/meetings/1"
    assert title in html.unescape(client.get("/meetings/1").text)


@pytest.mark.parametrize("title", FINE)
def test_a_meeting_title_with_white_space_is_kept(client: TestClient, title: str) -> None:
    csrf = login(client)
    assert _meeting(client, csrf, title) == "/meetings/1"


def _ask(client: TestClient, question: str, lang: str = "fr") -> tuple[str, Any]:
    """Case a-1 put on a new meeting with ``question``: the meeting's address, the answer."""
    assert client.post("/api/v1/cases", json=demo_case("a-1"), headers=token(client)).is_success
    csrf = login(client)
    client.get(f"/meetings?lang={lang}")  # the language is remembered
    meeting = _meeting(client, csrf, "T")
    response = client.post(
        "/meetings/agenda",
        data={"csrf_token": csrf, "meeting_id": meeting.rsplit("/", 1)[1], "case_id": "a-1",
              "question": question},
        follow_redirects=False,
    )  # fmt: skip
    return meeting, response


def _question_refused(response: Any, question: str) -> str:
    """The meeting page of a refused question: 422, nothing on the agenda, the case and
    the question kept in the form, the reason tied to the question's field; its text."""
    assert response.status_code == 422
    page = str(response.text)
    assert 'id="item-' not in page  # nothing on the agenda
    tag = _tag(page, "a-question")
    assert 'aria-invalid="true" aria-describedby="question-error"' in tag
    assert f'value="{question}"' in html.unescape(tag)
    assert re.search(r'<option value="a-1" selected>', page)
    said = re.search(r'<p class="field-error" id="question-error" role="alert">([^<]+)</p>', page)
    assert said
    return html.unescape(said.group(1))


@pytest.mark.parametrize("question", HOSTILE)
def test_an_agenda_question_with_a_control_character_is_refused(
    client: TestClient, question: str
) -> None:
    _, response = _ask(client, question)
    assert "contrôle" in _question_refused(response, question)  # why, in French


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "La question compte 501 caractères, 500 au plus sont acceptés"),
        ("en", "The question is 501 characters long; at most 500 are accepted"),
    ],
)
def test_a_too_long_agenda_question_is_refused_with_the_typing_kept(
    client: TestClient, lang: str, said: str
) -> None:
    # was put on the agenda cut to its first 500 characters, without a word
    question = "Traitement systémique ? " + "y" * 477  # 501 characters
    _, response = _ask(client, question, lang)
    assert said in _question_refused(response, question)


def test_an_agenda_question_of_500_characters_is_stored_whole(client: TestClient) -> None:
    question = "z" * 500
    meeting, response = _ask(client, question)
    assert response.headers["location"] == f"{meeting}?notice=added"
    assert question in client.get(meeting).text


@pytest.mark.parametrize("question", FINE)
def test_an_agenda_question_with_white_space_is_kept(client: TestClient, question: str) -> None:
    meeting, response = _ask(client, question)
    assert response.headers["location"] == f"{meeting}?notice=added"
