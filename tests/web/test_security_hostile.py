"""What a hostile or careless client could do to the web side (security13 findings).

Each group of tests names the finding it covers (the numbers of the security13 audit).
"""

from __future__ import annotations

import html
import re
import secrets
import string
from collections.abc import Iterator
from typing import Any

import pytest

from thyref.answers import text as answers_text
from thyref.board.text import bt
from thyref.domain.rules import load_rules
from thyref.storage import repository as repo
from thyref.web.patient import answer_engine

from .support import TestClient

LIMITS = load_rules().limits

# ---------------------------------------------------------------- finding 1
# The spelling corrector of patient questions searched the deletion neighbourhood of
# every word (some n**2/2 strings of n letters): one 500-character question made of one
# long word held a CPU for seconds (a word of 1,500 letters, 30 s), on public pages.


def _unique_tail() -> str:
    """Letters that make a question new: a word already corrected is answered from the
    corrector's cache, which would hide the search this test counts."""
    return "".join(secrets.choice(string.ascii_lowercase) for _ in range(12))


@pytest.fixture
def neighbourhoods(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The sizes of the deletion neighbourhoods the corrector builds during the test."""
    answer_engine()  # built before counting: building it searches its own vocabulary
    sizes: list[int] = []
    real = answers_text._variants

    def counted(word: str, depth: int) -> set[str]:
        found = real(word, depth)
        sizes.append(len(found))
        return found

    monkeypatch.setattr(answers_text, "_variants", counted)
    yield sizes


@pytest.mark.parametrize("path", ["/patient", "/api/v1/faq"])
@pytest.mark.parametrize(
    "head",
    [
        # one character that folds to three letters ("ffi"): one word of about 1,500
        # letters in the 500 characters a question may have
        "\ufb03" * 480,
        # 488 letters with no repeat nearby: every deletion is a new string
        (string.ascii_lowercase * 19)[:488],
    ],
    ids=["ligatures", "letters"],
)
def test_a_long_word_in_a_patient_question_is_not_searched(
    anon: TestClient, neighbourhoods: list[int], path: str, head: str
) -> None:
    response = anon.get(path, params={"q": head + _unique_tail()})
    assert response.status_code == 200
    # no vocabulary word is within two edits of a word that long: nothing to search
    assert sum(neighbourhoods) < 1_000, sum(neighbourhoods)


def test_a_word_as_long_as_a_known_one_is_still_corrected(anon: TestClient) -> None:
    """The bound leaves real typos alone: the longest word of the knowledge base with two
    letters typed twice (two edits, two letters longer) is still found."""
    engine = answer_engine()
    longest = max(engine.speller.vocab, key=len)
    typo = longest[:3] + longest[2] + longest[3:6] + longest[5] + longest[6:]
    assert engine.speller.correct(typo) == longest


# ---------------------------------------------------------------- finding 2
# Every word ever asked stayed in the stemmers' and the corrector's caches: questions
# from anyone made the process grow without end.


def test_the_word_caches_stay_bounded(anon: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(answers_text, "CACHE_MAX", 50, raising=False)
    engine = answer_engine()
    for _ in range(12):
        words = " ".join("t" + _unique_tail()[:7] for _ in range(10))
        assert anon.get("/api/v1/faq", params={"q": words}).status_code == 200
    caches: list[dict[str, Any]] = [engine.speller._cache]
    caches += [a._cache for a in engine.speller.analyzers]
    assert all(len(cache) <= 50 for cache in caches), [len(c) for c in caches]


# ---------------------------------------------------------------- finding 3
# The editor's hidden fields carry JSON of our own (what the form does not show, and what
# a FHIR import left out); a form changed by its sender was read with no bounds.

NESTED = "[" * 100_000 + "]" * 100_000
ALMOST_RECURSION = '{"x":' + "[" * 980 + "]" * 980 + "}"
HUGE = '{"x": ' + "9" * 5000 + "}"


@pytest.fixture
def lenient(client: TestClient) -> TestClient:
    """The same app, answering 500 instead of raising, so a 500 fails the assertion."""
    return TestClient(client.app, raise_server_exceptions=False)


@pytest.mark.parametrize("path", ["/cases/new", "/cases/preview"])
@pytest.mark.parametrize(
    ("field", "value"),
    [
        # past the decoder's recursion: RecursionError
        ("extra", NESTED),
        # parsed, then written back into the page (deeper in the stack): RecursionError
        ("extra", ALMOST_RECURSION),
        # an integer over Python's 4,300 digits: ValueError
        ("extra", HUGE),
        # the same in a section's hidden field and in a row's
        ("patient._extra", NESTED),
        ("patient._extra", HUGE),
        ("lesions[0]._extra", NESTED),
        # what a FHIR import left out, carried by the new case's form
        ("fhir_left", NESTED),
        ("fhir_left", HUGE),
    ],
    ids=[
        "extra-nested",
        "extra-almost-recursion",
        "extra-huge-integer",
        "section-nested",
        "section-huge-integer",
        "row-nested",
        "fhir-left-nested",
        "fhir-left-huge-integer",
    ],
)
def test_a_tampered_hidden_field_gives_the_editor_again(
    lenient: TestClient, path: str, field: str, value: str
) -> None:
    from .support import login

    csrf = login(lenient)
    response = lenient.post(
        path, data={"id": "tampered-1", field: value, "csrf_token": csrf}, follow_redirects=False
    )
    assert response.status_code in (200, 422), response.text[:300]
    assert "internal error" not in response.text
    if path == "/cases/new":
        assert 'id="editor-form"' in response.text  # the form, what was typed in it
        assert 'value="tampered-1"' in response.text


# ---------------------------------------------------------------- finding 4
# A race lost at the database (two amendments of one decision, two additions of one case
# to an agenda) was answered inside the session, which then could not be committed:
# PendingRollbackError, a 500 instead of the conflict notice.


def _meeting_with_decision(client: TestClient, csrf: str) -> list[str]:
    """Meeting 1 with case web-1 as item 1 and a first decision; the options offered."""
    from .support import demo_case

    assert client.post("/api/v1/cases", json=demo_case(), headers={"X-CSRF-Token": csrf})
    client.post("/meetings", data={"kind": "regional", "held_on": "2026-11-02", "csrf_token": csrf})
    client.post(
        "/meetings/agenda",
        data={"meeting_id": "1", "case_id": "web-1", "question": "?", "csrf_token": csrf},
    )
    page = client.get("/meetings/1").text
    options = re.findall(r'name="item1\.options" value="([^"]+)"', page)
    assert options, page[:300]
    return options


def test_an_amendment_that_loses_the_race_gets_the_conflict_notice(
    lenient: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dataclasses

    from thyref.storage import meetings as store

    from .support import login

    csrf = login(lenient)
    options = _meeting_with_decision(lenient, csrf)

    def decide(amends: str) -> Any:
        form = {"item1.options": options[:1], "item1.amends": amends, "csrf_token": csrf}
        return lenient.post("/meetings/1/items/1/decision", data=form, follow_redirects=False)

    assert decide("").status_code == 303  # decision 1
    assert decide("1").status_code == 303  # decision 2 amends it
    real = store.agenda_entry

    def as_before_decision_2(*args: Any) -> store.AgendaEntry:
        """The item as a request read it before decision 2 was stored (the race)."""
        entry = real(*args)
        return dataclasses.replace(entry, decisions=[d for d in entry.decisions if d.id == 1])

    monkeypatch.setattr(store, "agenda_entry", as_before_decision_2)
    response = decide("1")  # another amendment of decision 1: the database refuses it
    monkeypatch.setattr(store, "agenda_entry", real)
    assert response.status_code == 409, response.text[:300]
    assert bt("web.notice_conflict", "fr") in html.unescape(response.text)
    with lenient.app.state.thyref.db.session() as db:
        alice = repo.find_user(db, "alice")
        assert alice is not None
        entry = real(db, alice[0], 1, 1)
    assert [d.id for d in entry.decisions] == [2, 1]  # nothing stored by the loser


# ---------------------------------------------------------------- finding 5
# The editor draws imaging rows x lesion rows. A form naming a row far down
# (``lesions[499].id``: two fields, 200 bytes) was drawn with every row before it (500 x
# 500 cells, 235 MB, minutes of CPU); an imported case over the limits opened that editor.

LESIONS_MAX = LIMITS.lesions
IMAGING_MAX = LIMITS.imaging


@pytest.mark.parametrize("path", ["/cases/new", "/cases/preview"])
def test_a_form_naming_rows_past_the_limits_is_drawn_to_the_limits(
    client: TestClient, path: str
) -> None:
    from .support import login

    csrf = login(client)
    far_lesion, far_scan = LESIONS_MAX + 20, IMAGING_MAX + 30
    form = {
        "id": "far-rows",
        "csrf_token": csrf,
        f"lesions[{far_lesion}].id": "Lfar",
        f"imaging[{far_scan}].date": "2020-01-01",
        # the row just past the limit: shown, with the refusal naming the list
        f"lesions[{LESIONS_MAX}].id": "Lnext",
    }
    page = client.post(path, data=form).text
    assert f'name="lesions[{far_lesion}].id"' not in page
    assert f'name="imaging[{far_scan}].date"' not in page
    assert f'name="imaging[{IMAGING_MAX + 1}].date"' not in page  # no row past the next
    if path == "/cases/new":
        assert f'name="lesions[{LESIONS_MAX}].id"' in page and 'value="Lnext"' in page


def _long_case(lesions: int, imaging: int) -> dict[str, Any]:
    from .support import demo_case

    case = demo_case("long-1")
    case["lesions"] = [{"id": f"L{i}", "site": "lung"} for i in range(lesions)]
    case["imaging"] = [
        {"date": f"{2000 + i // 12:04d}-{i % 12 + 1:02d}-01", "measurements": {"L0": 10}}
        for i in range(imaging)
    ]
    return case


@pytest.mark.parametrize(
    ("lesions", "imaging", "opens_editor"),
    [
        # one lesion past the limit: the editor opens, the row can be removed there
        (LESIONS_MAX + 1, 2, True),
        # far past it: refused on the import page, naming the list (was an editor of
        # 100 x 100 cells; 300 x 300 took 26 s and 38 MB)
        (LESIONS_MAX + 40, 2, False),
        (2, IMAGING_MAX + 40, False),
    ],
    ids=["one-past", "lesions-far-past", "imaging-far-past"],
)
def test_an_import_far_past_the_limits_is_refused_on_the_import_page(
    client: TestClient, lesions: int, imaging: int, opens_editor: bool
) -> None:
    import json

    from .support import login

    csrf = login(client)
    text = json.dumps(_long_case(lesions, imaging))
    response = client.post("/cases/import", data={"text": text, "csrf_token": csrf})
    assert ('id="editor-form"' in response.text) is opens_editor
    if not opens_editor:
        assert response.status_code == 422
        said = html.unescape(response.text)
        named = "lesions" if lesions > LESIONS_MAX else "imaging"
        count = lesions if lesions > LESIONS_MAX else imaging
        limit = LESIONS_MAX if lesions > LESIONS_MAX else IMAGING_MAX
        # the list named, with its count and the limit (French spacing around ':' and ';')
        assert re.search(rf"{named}\W+contient {count} éléments\W+{limit} au plus", said)


def test_a_fhir_import_far_past_the_limits_is_refused_on_the_import_page(
    client: TestClient,
) -> None:
    import json

    from thyref.fhir.exporter import case_to_bundle

    from .support import login

    csrf = login(client)
    bundle = case_to_bundle(_long_case(LESIONS_MAX + 40, 2))
    response = client.post("/cases/import", data={"text": json.dumps(bundle), "csrf_token": csrf})
    assert response.status_code == 422
    assert 'id="editor-form"' not in response.text
    assert f"contient {LESIONS_MAX + 40} éléments" in html.unescape(response.text)


# ---------------------------------------------------------------- finding 6
# A CDS Hooks call imported, validated and assessed the chart on the event loop: the CPU
# grows with the record, and every other request of the process waited (a 3 MB prefetch
# of 5,000 results: 0.6 s for everyone).


def test_a_cds_assessment_does_not_hold_the_event_loop(
    make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading
    import time

    from thyref.web.cds_hooks import service as cds_service

    from .test_cds_hooks import ISSUER, JWKS, PUBLIC, URL, _hook, _record, bearer

    release = threading.Event()
    started = threading.Event()
    real = cds_service.bundle_to_case

    def slow(*args: Any, **kw: Any) -> Any:
        started.set()
        release.wait(timeout=20)  # stands for the import of a long record
        return real(*args, **kw)

    monkeypatch.setattr(cds_service, "bundle_to_case", slow)
    app = make_app(cds_issuers={ISSUER: JWKS}, cds_public_url=PUBLIC)
    patient_id, prefetch = _record()
    body = _hook("patient-view", patient_id, prefetch)
    answers: list[int] = []
    with TestClient(app) as shared:  # one event loop for every request
        worker = threading.Thread(
            target=lambda: answers.append(
                shared.post(URL, json=body, headers=bearer(URL)).status_code
            ),
            daemon=True,
        )
        worker.start()
        assert started.wait(timeout=20)
        begun = time.monotonic()
        health = shared.get("/api/v1/health")
        waited = time.monotonic() - begun
        release.set()
        worker.join(timeout=30)
    assert health.status_code == 200
    assert waited < 10  # answered while the chart was still being read
    assert answers == [200]  # and the hook got its card


# ---------------------------------------------------------------- finding 11
# A CDS Hooks body over the limit was answered with the HTML error page (only /api/ paths
# had JSON errors): an EHR reads JSON.


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "streamed"])
def test_an_oversize_cds_call_is_a_json_413(make_app: Any, declared: bool) -> None:
    from .test_cds_hooks import ISSUER, JWKS, PUBLIC, URL, bearer

    client = TestClient(make_app(cds_issuers={ISSUER: JWKS}, cds_public_url=PUBLIC))
    limit = client.app.state.thyref.settings.max_body_bytes
    body = b'{"x": "' + b"a" * (limit + 10) + b'"}'
    # declared: refused before anything is read; streamed (no length): read up to the
    # limit after the token is checked
    content: Any = body if declared else iter([body[: limit // 2], body[limit // 2 :]])
    answer = client.post(
        URL, content=content, headers={"content-type": "application/json", **bearer(URL)}
    )
    assert answer.status_code == 413
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.json()["detail"] == "request body too large"
