"""The patient page and the FAQ API on a question that reports an emergency."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

_CHEST_PAIN = "pressure in my chest and sweating right now, on cabozantinib"


def test_patient_page_shows_only_the_emergency_advice_the_reminder_and_their_sources(
    anon: TestClient,
) -> None:
    # the page used to follow the advice with an unrelated topic ("a common side effect
    # of targeted therapies"); now the alert and the care-team reminder only
    page = html.unescape(anon.get("/patient", params={"q": _CHEST_PAIN, "lang": "en"}).text)
    assert 'role="alert"' in page and "112" in page
    assert 'data-topic=""' in page
    assert "never start, stop or change a medicine" in page
    assert 'class="related"' not in page
    # the only sources listed are those of the numbers (session 15)
    sources = re.findall(r'<ul class="sources">(.*?)</ul>', page)
    assert len(sources) == 1
    links = re.findall(r'href="([^"]+)"', sources[0])
    assert links == [
        "https://www.service-public.fr/particuliers/vosdroits/F33954",  # 15 and 112
        "https://3114.fr/",
    ]


def test_faq_api_on_an_emergency_gives_no_topic(anon: TestClient) -> None:
    body = anon.get("/api/v1/faq", params={"q": _CHEST_PAIN}).json()
    assert body["emergency"] and body["emergency_message"]
    assert body["topic"] is None and body["related"] == [] and body["body_markdown"] is None
    assert body["message"] == body["care_team_reminder"]
