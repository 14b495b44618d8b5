"""The main pages at a phone's width (390 x 844, a common phone held upright), in French
and in English: nothing scrolls sideways, and every control is within the screen.

Session 13: at that width the coordinator's "put on the agenda" (meeting, question, Add)
was in the last column of a table scrolled sideways, off the screen; the API page's paths
widened the page. Tables whose columns do not fit are one card per row (``table.stack``).
Session 14: the case page's tables of figures (RECIST, kinetics, iodine scans) and the
versions still scrolled sideways in their box; no box does now.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from .support import TestClient, browser_sign_in, demo_case, token

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
WIDTH, HEIGHT = 390, 844
PASSWORD = "phone-pass-123"

# What overflows at the page's width: the page itself (it scrolls sideways), each box
# that scrolls sideways (a table wider than its frame), and each control whose box ends
# beyond the screen's right edge (or starts left of it), such as one in a table scrolled
# sideways.
OVERFLOW = """(width) => {
  const out = [];
  const page = document.documentElement.scrollWidth;
  if (page > width) out.push('the page is ' + page + ' px wide');
  for (const el of document.querySelectorAll('body *')) {
    const scrolls = ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
    if (scrolls && el.scrollWidth > el.clientWidth + 1) {
      const inner = el.querySelector('caption, th') || el;
      out.push(el.tagName.toLowerCase() + '.' + el.className + ' "'
        + inner.textContent.trim().slice(0, 30) + '" scrolls sideways: '
        + el.scrollWidth + ' px in ' + el.clientWidth);
    }
  }
  for (const el of document.querySelectorAll('a[href], button, input, select, textarea, summary')) {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!box.width || !box.height || style.visibility === 'hidden') continue;
    if (el.type === 'hidden') continue;
    if (el.closest('.visually-hidden, .skip')) continue;  // off-screen on purpose
    if (box.right > width + 0.5 || box.left < -0.5) {
      const said = el.getAttribute('aria-label') || el.textContent || el.name || el.id;
      const name = (said || '').trim();
      out.push(el.tagName.toLowerCase() + ' "' + name.slice(0, 30) + '" at '
        + Math.round(box.left) + '-' + Math.round(box.right) + ' px');
    }
  }
  return out;
}"""


@pytest.fixture(scope="module")
def phone_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    from thyref.storage import repository as repo
    from thyref.web import WebSettings, create_app
    from thyref.web.security import hash_password

    folder = tmp_path_factory.mktemp("phone")
    app = create_app(
        WebSettings(
            database_url=f"sqlite:///{folder / 'p.db'}",
            # the browser clicks faster than a person: no public request budget
            rate_limit=0,
            rate_limit_signed_in=0,
        )
    )
    with app.state.thyref.db.session() as db:
        repo.add_user(db, "coord", hash_password(PASSWORD), "clinician", "Lyon")
        repo.add_user(db, "phone-admin", hash_password(PASSWORD), "admin", "Lyon")
    client = TestClient(app)
    headers = token(client, "coord", PASSWORD)
    for case_id in ("phone-1", "phone-2", "phone-3"):
        response = client.post("/api/v1/cases", json=demo_case(case_id), headers=headers)
        assert response.status_code == 201
    response = client.post("/api/v1/cases", json=_many_figures(), headers=headers)
    assert response.status_code == 201, response.text
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


def _many_figures() -> dict[str, Any]:
    """A case with wide tables of figures: five target lesions measured on three scans,
    four I-131 administrations each followed by a scan of every lesion."""
    case = demo_case("phone-figures")
    lesions = [f"L{k}" for k in range(1, 6)]
    case["lesions"] = [{"id": k, "site": "lung", "recist_role": "target"} for k in lesions]
    case["imaging"] = [
        {
            "date": f"201{3 + i}-02-20",
            "measurements": {k: 11 + i + n for n, k in enumerate(lesions)},
        }
        for i in range(3)
    ]
    case["rai"] = [{"date": f"201{2 + i}-07-02", "activity": 100, "unit": "mCi"} for i in range(4)]
    case["scans"] = [
        {
            "date": f"201{2 + i}-07-09",
            "kind": "post_therapy",
            "findings": dict.fromkeys(lesions, "yes"),
        }
        for i in range(4)
    ]
    return case


def _sign_in(page: Any, base: str, lang: str, user: str = "coord", then: str = "/meetings") -> None:
    browser_sign_in(page, base, user, PASSWORD, then=then, lang=lang)


def _meeting(page: Any, base: str) -> str:
    """A meeting held today with one case on its agenda (and two waiting): its path."""
    page.fill("#m-date", date.today().isoformat())
    page.fill("#m-title", "RCP du téléphone")
    page.click("form[action='/meetings'] button[type=submit]")
    page.wait_for_url(f"{base}/meetings/*")
    page.select_option("#a-case", "phone-1")
    page.fill("#a-question", "Biologie moléculaire avant un traitement systémique ?")
    page.click("#add-case")
    page.wait_for_url("**notice=added*")
    return str(page.url.split("?")[0].removeprefix(base))


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_main_pages_fit_a_phone(phone_server: str, lang: str) -> None:
    if not Path(CHROMIUM).exists():  # pragma: no cover
        if os.environ.get("CI") == "true":
            pytest.fail("Debian chromium is required in CI")
        pytest.skip("Debian chromium is not installed (scripts/system-deps.sh)")
    from playwright.sync_api import sync_playwright

    base = phone_server
    question = "Quels sont les effets du lenvatinib ?" if lang == "fr" else "What is lenvatinib?"
    found: dict[str, list[str]] = {}
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(
            viewport={"width": WIDTH, "height": HEIGHT},
            is_mobile=True,
            has_touch=True,
            locale="fr-FR" if lang == "fr" else "en-GB",
        )
        page = context.new_page()
        page.set_default_timeout(20_000)

        def check(name: str, path: str) -> None:
            separator = "&" if "?" in path else "?"
            page.goto(f"{base}{path}{separator}lang={lang}")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(SHOTS / f"phone-{name}-{lang}.png"), full_page=True)
            problems = page.evaluate(OVERFLOW, WIDTH)
            if problems:
                found[name] = problems

        check("login", "/login")
        _sign_in(page, base, lang)
        held = page.locator("main a[href^='/meetings/']")
        meeting = str(held.first.get_attribute("href")) if held.count() else _meeting(page, base)
        pages = [
            ("cases", "/cases"),  # the case list
            ("case", "/cases/phone-1"),  # the case and its assessment
            ("figures", "/cases/phone-figures"),  # RECIST, measurements, iodine scans
            ("editor", "/cases/phone-1/edit"),  # case entry
            ("new", "/cases/new"),
            ("import", "/cases/import"),
            ("history", "/cases/phone-1/history"),
            ("coordinator", "/meetings"),  # a meeting to come, two cases waiting
            ("patient", "/patient"),  # patient questions
            ("patient-answer", f"/patient?q={question}"),
            ("not-found", "/cases/no-such-case"),  # an error page
            ("api", "/api/v1/docs"),
            ("meeting", meeting),  # its agenda, a decision form
        ]
        for name, path in pages:
            check(name, path)
        # the admin's audit log (signed out first: a new sign-in)
        context.clear_cookies()
        _sign_in(page, base, lang, user="phone-admin", then="/admin/audit")
        check("audit", "/admin/audit")
        context.close()
        browser.close()
    assert not found, found


@pytest.mark.browser
def test_the_coordinator_s_row_is_reached_by_keyboard_with_its_focus_shown(
    phone_server: str,
) -> None:
    """Keyboard basics on the coordinator's page at a phone's width: each waiting case's
    meeting, question and "Add" are labelled with the case, Tab goes from the question to
    its "Add", a button, whose focus ring shows; the cards keep their controls in order."""
    if not Path(CHROMIUM).exists():  # pragma: no cover
        if os.environ.get("CI") == "true":
            pytest.fail("Debian chromium is required in CI")
        pytest.skip("Debian chromium is not installed (scripts/system-deps.sh)")
    from playwright.sync_api import expect, sync_playwright

    base = phone_server
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(
            viewport={"width": WIDTH, "height": HEIGHT}, is_mobile=True, locale="fr-FR"
        )
        page = context.new_page()
        page.set_default_timeout(20_000)
        _sign_in(page, base, "fr")
        if not page.locator("main a[href^='/meetings/']").count():
            _meeting(page, base)
            page.goto(f"{base}/meetings")
        question = page.locator("input[name='row.phone-2.question']")
        expect(question).to_have_accessible_name("Question posée à la RCP (phone-2)")
        meeting = page.locator("select[name='row.phone-2.meeting_id']")
        expect(meeting).to_have_accessible_name(re.compile(r"\(phone-2\)$"))
        question.focus()
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => { const el = document.activeElement, s = getComputedStyle(el);
                return [el.tagName, el.type, el.value, s.outlineStyle,
                        parseFloat(s.outlineWidth), el.textContent.trim()]; }"""
        )
        tag, kind, value, outline, width, said = focused
        assert (tag, kind, value) == ("BUTTON", "submit", "phone-2"), focused
        assert outline != "none" and width >= 2, focused  # the focus ring shows
        assert said.startswith("Inscrire") and "phone-2" in said  # its case in its name
        context.close()
        browser.close()


# Each table of the page whose columns do not line up: a header cell and the first row's
# cell under it that do not start at the same x (within 2 px), or a table that is not laid
# out as a table (only rows of plain cells, no colspan, are compared); each table's box
# that scrolls sideways; each check box with its label under it rather than beside it.
MISALIGNED = """() => {
  const out = [];
  for (const table of document.querySelectorAll('main table')) {
    const name = (table.querySelector('caption, th') || table).textContent.trim().slice(0, 30);
    if (getComputedStyle(table).display !== 'table') {
      out.push('"' + name + '" is laid out as ' + getComputedStyle(table).display);
      continue;
    }
    const head = table.querySelector('thead tr');
    const row = table.querySelector('tbody tr');
    if (!head || !row) continue;
    const heads = [...head.cells], cells = [...row.cells];
    if (heads.length !== cells.length || [...heads, ...cells].some((c) => c.colSpan > 1)) continue;
    heads.forEach((h, i) => {
      const x = h.getBoundingClientRect().left, y = cells[i].getBoundingClientRect().left;
      if (Math.abs(x - y) > 2) out.push('"' + name + '": column ' + (i + 1) + ' "'
        + h.textContent.trim().slice(0, 20) + '" at ' + Math.round(x) + ' px, its cells at '
        + Math.round(y) + ' px');
    });
  }
  for (const box of document.querySelectorAll('main .table-wrap')) {
    if (box.scrollWidth > box.clientWidth + 1) {
      const name = (box.querySelector('caption, th') || box).textContent.trim().slice(0, 30);
      out.push('"' + name + '" scrolls sideways: ' + box.scrollWidth + ' px in ' + box.clientWidth);
    }
  }
  for (const box of document.querySelectorAll('main .field.check input')) {
    const label = document.querySelector('label[for="' + box.id + '"]');
    if (label && label.getBoundingClientRect().left < box.getBoundingClientRect().right)
      out.push('the check box "' + label.textContent.trim().slice(0, 30)
        + '" is not beside its label');
  }
  return out;
}"""


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_tables_keep_their_columns_on_a_wide_screen(phone_server: str, lang: str) -> None:
    """Session 16: the phone's one-card-per-row tables (``table.stack``) also took the
    form's column layout (``.stack``: flex, 42rem at most) on a wide screen: at 1366 px the
    case list, the definitions compared, RECIST, the measurements, the kinetics, the
    versions and the audit log had their header row squeezed to the left, each header
    above some other column's figures. The editor's imaging grid of five lesions scrolled
    sideways, the asserted response and the scan's "Remove" out of sight; the case list's
    filter had its check box above its label."""
    if not Path(CHROMIUM).exists():  # pragma: no cover
        if os.environ.get("CI") == "true":
            pytest.fail("Debian chromium is required in CI")
        pytest.skip("Debian chromium is not installed (scripts/system-deps.sh)")
    from playwright.sync_api import sync_playwright

    base = phone_server
    found: dict[str, list[str]] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(
            viewport={"width": 1366, "height": 900}, locale="fr-FR" if lang == "fr" else "en-GB"
        )
        page = context.new_page()
        page.set_default_timeout(20_000)

        def check(name: str, path: str) -> None:
            page.goto(f"{base}{path}?lang={lang}")
            page.wait_for_load_state("networkidle")
            problems = page.evaluate(MISALIGNED)
            if problems:
                found[name] = problems

        _sign_in(page, base, lang, then="/cases")
        for name, path in [
            ("cases", "/cases"),  # the case list
            ("case", "/cases/phone-1"),  # definitions, RECIST, kinetics
            ("figures", "/cases/phone-figures"),  # RECIST, measurements, iodine scans
            ("editor", "/cases/phone-figures/edit"),  # the imaging grid, five lesions
            ("history", "/cases/phone-1/history"),  # the versions
            ("coordinator", "/meetings"),  # meetings, cases waiting
        ]:
            check(name, path)
        context.clear_cookies()
        _sign_in(page, base, lang, user="phone-admin", then="/admin/audit")
        check("audit", "/admin/audit")
        context.close()
        browser.close()
    assert not found, found
