"""Dated facts in the patient answers: every drug status says the day it was checked, and a
status or an organisation described more than two years ago says it may have changed
since, sending the reader to the care team (developers' guide: "say when a fact is
dated"). Expected words come from the knowledge base's catalogue (``kb/messages.toml``) and
the rows of ``data/therapies.toml``, never from the rendered answers."""

from __future__ import annotations

import re
import tomllib
from datetime import date

import pytest

from thyref import data
from thyref.answers.kb import load_knowledge_base
from thyref.domain.therapies import load_therapies, parse_therapies

# the topics whose text names drugs through {{therapy:<id>}} placeholders, with the drugs
THERAPY_TOPICS = {
    "targeted-therapy-access": [
        "lenvatinib",
        "sorafenib",
        "cabozantinib",
        "vandetanib",
        "selpercatinib",
    ],
    "anaplastic-treatment": ["dabrafenib-trametinib"],
}
# kb/messages.toml: therapy_checked_* ("statut vérifié le {date}", ...)
CHECKED = {
    "fr": r"statut (vérifié|relevé) le (\d\d/\d\d/\d{4})",
    "en": r"status (checked|noted) on (\d{4}-\d\d-\d\d)",
}
CHANGED = {"fr": "il a pu changer depuis", "en": "it may have changed since"}


def _day(day: date, lang: str) -> str:
    return day.strftime("%d/%m/%Y") if lang == "fr" else day.isoformat()


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("topic", sorted(THERAPY_TOPICS))
def test_each_drug_status_shown_to_patients_carries_its_date(topic: str, lang: str) -> None:
    kb = load_knowledge_base(today=date(2026, 11, 30))
    body = kb.topics[topic][lang].body  # type: ignore[index]
    therapies = load_therapies()
    said = {m.group(2) for m in re.finditer(CHECKED[lang], body)}
    for tid in THERAPY_TOPICS[topic]:
        name = therapies[tid].name
        assert f"**{name}**" in body, tid
        days = {_day(i.checked, lang) for i in therapies[tid].indications.values()}
        assert days & said, f"{tid}: none of its check dates {days} is said"
    # checked two days ago: nothing is said to have changed
    assert CHANGED[lang] not in body


@pytest.mark.parametrize(
    ("today", "changed"),
    [
        # within two years of every check (2026-11-28 and 2026-11-30): current
        (date(2028, 11, 28), False),
        # more than two years after every check: each status may have changed
        (date(2029, 1, 1), True),
    ],
)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_an_old_drug_status_says_it_may_have_changed(today: date, changed: bool, lang: str) -> None:
    body = load_knowledge_base(today=today).topics["targeted-therapy-access"][lang].body  # type: ignore[index]
    statuses = len(re.findall(CHECKED[lang], body))
    assert statuses == 5  # one per drug (each drug's rows share one check)
    assert body.count(CHANGED[lang]) == (statuses if changed else 0)


@pytest.mark.parametrize(
    ("years", "changed"),
    [
        # the packaged file as shipped (two years): checked 2.5 years earlier, may have changed
        (2, True),
        # the same file keeping statuses current three years: still current
        (3, False),
    ],
)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_therapy_files_years_decide_what_the_answers_say(
    years: int, changed: bool, lang: str
) -> None:
    # the packaged therapies.toml with its header status_current_years set to ``years``;
    # 2029-05-28 is two and a half years after the checks of 2026-11-28 and 2026-11-30
    text = data.text("therapies.toml")
    header = "\nstatus_current_years = 2\n"
    assert text.count(header) == 1
    text = text.replace(header, f"\nstatus_current_years = {years}\n")
    therapies = parse_therapies(tomllib.loads(text))
    kb = load_knowledge_base(therapies=therapies, today=date(2029, 5, 28))
    body = kb.topics["targeted-therapy-access"][lang].body  # type: ignore[index]
    assert len(re.findall(CHECKED[lang], body)) == 5  # one per drug
    assert body.count(CHANGED[lang]) == (5 if changed else 0)


@pytest.mark.parametrize(
    ("topic", "lang", "dated", "caveat"),
    [
        # the network's size, from the January 2021 web conference
        ("tuthyref-network", "fr", "janvier 2021", "qui a pu changer depuis"),
        ("tuthyref-network", "en", "January 2021", "which may have changed since"),
        # the national board's rhythm (twice a month), from the same conference
        ("who-decides", "fr", "janvier 2021", "qui a pu changer depuis"),
        ("who-decides", "en", "January 2021", "which may have changed since"),
    ],
)
def test_an_organisation_described_in_2021_may_have_changed(
    topic: str, lang: str, dated: str, caveat: str
) -> None:
    body = load_knowledge_base().topics[topic][lang].body  # type: ignore[index]
    assert f"{dated}, {caveat}" in body


@pytest.mark.parametrize(
    ("lang", "current"),
    [
        # the US approval of 2018 is said as a past event, not as today's status
        ("fr", "est autorisée pour ce cancer depuis 2018"),
        ("en", "has been approved for this cancer since 2018"),
    ],
)
def test_the_us_approval_of_2018_is_dated_not_current(lang: str, current: str) -> None:
    body = load_knowledge_base().topics["anaplastic-treatment"][lang].body  # type: ignore[index]
    assert "2018" in body
    assert current not in body
