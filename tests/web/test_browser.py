"""Browser tests: headless Debian chromium driven by Playwright against a live server.

Each page visited is checked with axe-core (serious or critical violations fail) and
for console errors; screenshots go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ports import free_port
from prereq import require

from .support import scans_case

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "screenshots"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
USER, PASSWORD, ADMIN = "clinician", "browser-pass-123", "boss"

require(
    shutil.which(CHROMIUM) is not None or Path(CHROMIUM).exists(),
    f"Debian chromium ({CHROMIUM})",
    "run `make system-deps` (scripts/system-deps.sh)",
    module=True,
)

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    from thyref.demo import demo_cases
    from thyref.storage import repository as repo
    from thyref.web import WebSettings, create_app
    from thyref.web import cases as case_ops
    from thyref.web.security import hash_password

    folder = tmp_path_factory.mktemp("browser")
    app = create_app(
        WebSettings(
            database_url=f"sqlite:///{folder / 'b.db'}",
            # the browser clicks faster than a person: no public request budget
            rate_limit=0,
            rate_limit_signed_in=0,
        )
    )
    with app.state.thyref.db.session() as db:
        clinician = repo.add_user(db, USER, hash_password(PASSWORD), "clinician", "Lyon")
        repo.add_user(db, ADMIN, hash_password(PASSWORD), "admin", "Lyon")
        for raw in demo_cases():  # every kind of case, for the layout checks
            case_ops.create(db, clinician, raw, action="import", note="demo")
        # iodine scans and two definitions side by side (case page and editor)
        case_ops.create(db, clinician, scans_case("web-scans"), action="import", note="scans")
        first = demo_cases()[0]
        changed = {**first, "patient": {**first.get("patient", {}), "birth_year": 1960}}
        case_ops.update(db, clinician, first["id"], 1, changed, note="année de naissance")
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(timeout=10)
    app.state.thyref.db.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


class Checked:
    """A page that records console errors and checks accessibility and screenshots."""

    def __init__(self, page: Page, base: str) -> None:
        self.page = page
        self.base = base
        self.errors: list[str] = []
        self.auditing = False
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.set_default_timeout(15_000)

    def _console(self, message: Any) -> None:
        if self.auditing and "inline style" in message.text:
            # axe-core itself restores style attributes after its checks; the page's CSP
            # (rightly) refuses them. Not an error of the application.
            return
        if message.type == "error":
            where = message.location
            self.errors.append(
                f"console: {message.text} at {self.page.url} "
                f"({where.get('url')}:{where.get('lineNumber')})"
            )

    def goto(self, path: str) -> None:
        self.page.goto(self.base + path)
        self.page.wait_for_load_state("networkidle")

    def audit(self, name: str) -> None:
        """axe-core on the current page, then a full-page screenshot."""
        self.page.wait_for_load_state("networkidle")
        self.auditing = True
        if not self.page.evaluate("typeof window.axe !== 'undefined'"):
            # evaluate() is not subject to the page's CSP (add_script_tag would be).
            self.page.evaluate(AXE.read_text(encoding="utf-8"))
        result = self.page.evaluate(
            "async () => { const r = await axe.run(document, {resultTypes: ['violations']});"
            " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})); }"
        )
        self.page.wait_for_timeout(100)  # let the console catch up before judging again
        self.auditing = False
        serious = [v for v in result if v["impact"] in ("serious", "critical")]
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        assert not serious, f"{name}: axe violations {json.dumps(serious, indent=1)}"

    def assert_clean(self) -> None:
        assert not self.errors, self.errors


@pytest.fixture
def checked(browser: Browser, server: str) -> Iterator[Checked]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = Checked(context.new_page(), server)
    yield page
    context.close()
    page.assert_clean()


def _login(c: Checked, user: str = USER, audit: bool = True) -> None:
    c.goto("/login")
    if audit:
        c.audit("login")
    c.page.fill("#username", user)
    c.page.fill("#password", PASSWORD)
    c.page.keyboard.press("Enter")  # keyboard only
    c.page.wait_for_url("**/cases")


def _panel(c: Checked) -> Any:
    return c.page.locator("#live-panel")


def test_login_and_case_list(checked: Checked) -> None:
    _login(checked)
    expect(checked.page.locator("h1")).to_have_text("Dossiers")
    checked.audit("case-list")
    checked.page.click("text=English")
    expect(checked.page.locator("h1")).to_have_text("Cases")
    checked.page.click("text=Français")
    expect(checked.page.locator("h1")).to_have_text("Dossiers")


def test_create_case_and_become_refractory(checked: Checked) -> None:
    page = checked.page
    _login(checked)
    checked.goto("/cases/new")
    checked.audit("editor-new")
    page.fill("#f-id", "br-new-1")
    page.select_option("#f-diagnosis-histology", "papillary")
    page.fill("#f-diagnosis-date", "2015-01-10")
    page.click("button[value='add:rai']")
    expect(page.locator("#f-rai-0-date")).to_be_focused()
    page.fill("#f-rai-0-date", "2015-03-01")
    page.fill("#f-rai-0-activity", "100")
    page.click("button[value='add:lesions']")
    page.fill("#f-lesions-0-id", "P1")
    page.select_option("#f-lesions-0-site", "lung")
    page.select_option("#f-lesions-0-rai_uptake", "yes")
    expect(_panel(checked).locator(".badge.big")).to_have_text("Indéterminé")
    # An invalid value shows next to its field, and what was typed stays.
    page.fill("#f-rai-0-activity", "-5")
    expect(page.locator("#e-f-rai-0-activity")).not_to_be_empty()
    expect(page.locator("#f-rai-0-activity")).to_have_attribute("aria-invalid", "true")
    page.fill("#f-rai-0-activity", "100")
    expect(page.locator("#e-f-rai-0-activity")).to_be_empty()
    # A non-avid lesion makes it refractory.
    page.click("button[value='add:lesions']")
    page.fill("#f-lesions-1-id", "P2")
    page.select_option("#f-lesions-1-site", "bone")
    page.select_option("#f-lesions-1-rai_uptake", "no")
    expect(_panel(checked).locator(".badge.big")).to_have_text("Réfractaire")
    expect(_panel(checked)).to_contain_text("DTC-NO-UPTAKE")
    checked.audit("editor-refractory")
    page.click("button[value='save']")
    page.wait_for_url("**/cases/br-new-1?saved=1")
    expect(page.locator("h1 .badge")).to_have_text("Réfractaire")
    checked.audit("case-page-new")


def test_progression_changes_status_and_options(checked: Checked) -> None:
    page = checked.page
    _login(checked)
    case = {
        "format": "thyref-case/1",
        "id": "br-prog-1",
        "diagnosis": {"histology": "follicular", "date": "2017-02-01"},
        "rai": [{"date": "2017-05-02", "activity": 3.7, "unit": "GBq"}],
        "lesions": [
            {"id": "P1", "site": "lung", "rai_uptake": "yes"},
            {"id": "P2", "site": "lung", "rai_uptake": "yes"},
        ],
        "imaging": [
            {"date": "2017-04-20", "measurements": {"P1": 15, "P2": 11}},
            {"date": "2017-10-01", "measurements": {"P1": 15, "P2": 11}},
        ],
        "labs": [
            {"date": d, "test": "thyroglobulin", "value": v, "unit": "ng/mL"}
            for d, v in [
                ("2017-06-01", 2.0),
                ("2017-09-01", 2.6),
                ("2017-12-01", 3.5),
                ("2018-01-15", 4.1),
            ]
        ],
    }
    csrf = page.locator("input[name=csrf_token]").first.get_attribute("value")
    created = page.request.post(
        checked.base + "/api/v1/cases",
        data=json.dumps(case),
        headers={"Content-Type": "application/json", "X-CSRF-Token": csrf or ""},
    )
    assert created.status == 201, created.text()
    checked.goto("/cases/br-prog-1")
    expect(page.locator("h1 .badge")).to_have_text("Non réfractaire")
    assert page.locator("text=LOCAL-TREATMENT").count() == 0
    checked.audit("case-page-not-refractory")
    page.click("text=Modifier")
    page.click("button[value='add:imaging']")
    expect(page.locator("#f-imaging-2-date")).to_be_focused()
    page.fill("#f-imaging-2-date", "2018-02-01")
    page.fill("#f-imaging-2-cell-0", "19")
    page.fill("#f-imaging-2-cell-1", "14")
    expect(_panel(checked).locator(".badge.big")).to_have_text("Réfractaire")
    expect(_panel(checked)).to_contain_text("DTC-PROGRESSION-12M")
    expect(_panel(checked)).to_contain_text("LOCAL-TREATMENT")
    checked.audit("editor-progression")
    page.fill("#note", "scanner février 2018")
    page.click("button[value='save']")
    page.wait_for_url("**/cases/br-prog-1?saved=2")
    expect(page.locator("h1 .badge")).to_have_text("Réfractaire")
    expect(page.locator("#h-options + ol")).to_contain_text("LOCAL-TREATMENT")
    # the RECIST table says the progression in French words: MP (maladie progressive)
    expect(page.locator("section[aria-labelledby=h-recist] table").first).to_contain_text("MP")
    for img in page.locator(".plot img").all():
        img.scroll_into_view_if_needed()
        img.evaluate("i => i.complete ? null : new Promise(ok => i.addEventListener('load', ok))")
        assert img.evaluate("i => i.naturalWidth > 0"), img.get_attribute("src")
    checked.audit("case-page-progression")
    page.click("text=Historique")
    checked.audit("history")
    page.click("button:has-text('Comparer')")
    expect(page.locator("table.diff")).to_contain_text("imaging[2].date")
    checked.audit("compare")


def test_import_json_case(checked: Checked, tmp_path: Path) -> None:
    page = checked.page
    _login(checked)
    checked.goto("/cases/import")
    checked.audit("import")
    case = {
        "format": "thyref-case/1",
        "id": "br-imp-1",
        "diagnosis": {"histology": "anaplastic", "date": "2021-03-01"},
        "lesions": [{"id": "N1", "site": "lymph_node_cervical_lateral"}],
    }
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case), encoding="utf-8")
    page.set_input_files("#file", str(path))
    page.click("button[type=submit].primary")
    page.wait_for_url("**/cases/br-imp-1?saved=1")
    expect(page.locator("h1 .badge")).to_have_text("Réfractaire")
    expect(page.locator(".glance")).to_contain_text("ATC-ALWAYS")
    download = page.locator("a[href*='case.json']")
    with page.expect_download() as info:
        download.click()
    assert json.loads(Path(info.value.path()).read_text(encoding="utf-8"))["id"] == "br-imp-1"


@pytest.mark.parametrize("width,height,name", [(390, 844, "mobile"), (1280, 900, "desktop")])
def test_patient_page(browser: Browser, server: str, width: int, height: int, name: str) -> None:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR")
    checked = Checked(context.new_page(), server)
    page = checked.page
    checked.goto("/patient")
    page.focus("#q")
    page.keyboard.type("Qu'est-ce que le syndrome main-pied ?")
    page.keyboard.press("Enter")
    page.wait_for_url("**/patient?q=*")
    expect(page.locator("section.answer")).to_have_attribute("data-topic", "hand-foot-syndrome")
    expect(page.locator("section.answer")).to_contain_text("équipe")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    checked.audit(f"patient-{name}")
    topic = page.locator(".topics a").nth(2)
    title = topic.inner_text()
    topic.click()
    expect(page.locator("section.answer h2")).to_have_text(title)
    page.click("text=English")
    expect(page.locator("h1")).to_have_text("Your questions")
    checked.audit(f"patient-{name}-en")
    context.close()
    checked.assert_clean()


def test_case_page_on_a_phone(browser: Browser, server: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    checked = Checked(context.new_page(), server)
    _login(checked)
    checked.goto("/cases")
    checked.audit("case-list-mobile")
    context.close()
    checked.assert_clean()


def _focused(page: Page) -> str:
    """What has the keyboard focus: its id, else its tag and text."""
    return str(
        page.evaluate(
            "() => { const e = document.activeElement;"
            " return e.id ? '#' + e.id : e.tagName.toLowerCase() + ':' + e.textContent.trim(); }"
        )
    )


def test_keyboard_only_sign_in_and_skip_link(checked: Checked) -> None:
    page = checked.page
    checked.goto("/login")
    # the username field has the focus on arrival; Tab goes on to the password
    assert _focused(page) == "#username"
    page.keyboard.type(USER)
    page.keyboard.press("Tab")
    assert _focused(page) == "#password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/cases")
    page.wait_for_load_state("networkidle")
    # on a page, the first Tab reaches the skip link, which moves the focus to the content
    page.keyboard.press("Tab")
    assert _focused(page).startswith("a:Aller au contenu")
    page.keyboard.press("Enter")
    assert _focused(page) == "#main"
    # the next Tab lands inside the content (the page's own actions), not back in the menu
    page.keyboard.press("Tab")
    inside = page.evaluate("() => document.getElementById('main').contains(document.activeElement)")
    assert inside, _focused(page)
    checked.audit("keyboard-case-list")


def _layout_pages() -> list[tuple[str, str]]:
    """(screenshot name, path) of every page a clinician or an admin sees."""
    from thyref.demo import demo_cases

    pages = [("home", "/"), ("patient", "/patient"), ("cases", "/cases"), ("new", "/cases/new")]
    pages += [("import", "/cases/import"), ("search", "/cases?q=papillaire")]
    for raw in demo_cases():
        cid = raw["id"]
        pages += [(f"case-{cid}", f"/cases/{cid}"), (f"edit-{cid}", f"/cases/{cid}/edit")]
    pages += [("case-web-scans", "/cases/web-scans"), ("edit-web-scans", "/cases/web-scans/edit")]
    pages += [("cases-differ", "/cases?differ=1")]
    first = demo_cases()[0]["id"]
    pages += [
        ("history", f"/cases/{first}/history"),
        ("compare", f"/cases/{first}/compare?a=1&b=2"),
    ]
    pages += [("audit", "/admin/audit")]
    return pages


WIDTHS = [(1366, 768), (1024, 768), (390, 844)]


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize(("width", "height"), WIDTHS, ids=[str(w) for w, _ in WIDTHS])
def test_no_page_scrolls_sideways(
    browser: Browser, server: str, width: int, height: int, lang: str
) -> None:
    """Every page fits its width: wide tables scroll inside their card, never the page."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR")
    checked = Checked(context.new_page(), server)
    page = checked.page
    checked.goto(f"/login?lang={lang}")
    too_wide: list[str] = []

    def look(name: str) -> None:
        page.wait_for_load_state("networkidle")
        for img in page.locator("img").all():  # plots drawn before the picture is taken
            img.evaluate("i => i.complete || new Promise(ok => i.addEventListener('load', ok))")
        wide = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
        if wide > 0:
            too_wide.append(f"{name}: {wide}px too wide")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{lang}-{width}-{name}.png"), full_page=True)

    look("login")
    _login(checked, ADMIN, audit=False)
    for name, path in _layout_pages():
        checked.goto(path)
        look(name)
    context.close()
    assert not too_wide, too_wide
    checked.assert_clean()


def test_enter_in_an_editor_field_removes_no_row(checked: Checked) -> None:
    """Enter in a text field submits the form with its default button. The first submit
    buttons of the editor are a row's "Remove" and "+ Add": Enter in "Birth year" removed
    the first I-131 administration (found clicking through, session 9)."""
    page = checked.page
    _login(checked, audit=False)
    checked.goto("/cases/new")
    # the guard is not seen: `hidden` beats `button { display: inline-block }` (it showed
    # as an empty bordered box at the top of the form)
    expect(page.locator("button.enter-guard")).to_be_hidden()
    page.fill("#f-id", "br-enter-1")
    for row, (day, activity) in enumerate([("2015-03-01", "100"), ("2016-02-01", "3.7")]):
        page.click("button[value='add:rai']")
        expect(page.locator(f"#f-rai-{row}-date")).to_be_focused()
        page.fill(f"#f-rai-{row}-date", day)
        page.fill(f"#f-rai-{row}-activity", activity)
    for field in ("#f-patient-birth_year", "#f-rai-0-activity"):  # a scalar, then a row
        page.click(field)
        page.keyboard.press("Enter")
        page.wait_for_load_state("networkidle")
        # both rows are still there as typed, no row was added, nothing was saved
        expect(page.locator("#f-rai-0-date")).to_have_value("2015-03-01")
        expect(page.locator("#f-rai-1-date")).to_have_value("2016-02-01")
        expect(page.locator("#f-rai-2-date")).to_have_count(0)
        assert page.url.endswith("/cases/new")


def test_an_error_in_the_imaging_grid_does_not_push_its_columns_out(checked: Checked) -> None:
    """An error is said under its grid cell: written on one line beside the field it made
    the grid wider than its card, the "new lesions" and "response" columns out of sight
    behind a sideways scroll (found clicking through at 1366 px, session 9)."""
    page = checked.page
    _login(checked, audit=False)
    checked.goto("/cases/new")
    page.fill("#f-id", "br-grid-1")
    for row, (lesion, site) in enumerate([("P1", "lung"), ("N1", "lymph_node_cervical_lateral")]):
        page.click("button[value='add:lesions']")
        expect(page.locator(f"#f-lesions-{row}-id")).to_be_focused()
        page.fill(f"#f-lesions-{row}-id", lesion)
        page.select_option(f"#f-lesions-{row}-site", site)
        # the live assessment the typing starts must be back before the next click (a
        # fresh-clone run, session 14, saw "add imaging" lost: no imaging row came)
        _live_settled(page)
    page.click("button[value='add:imaging']")
    expect(page.locator("#f-imaging-0-date")).to_be_focused()
    page.fill("#f-imaging-0-cell-0", "-4")  # a negative size, and no date: two errors
    page.fill("#f-imaging-0-cell-1", "12,5")
    page.wait_for_load_state("networkidle")
    expect(page.locator("#e-f-imaging-0-cell-0")).not_to_be_empty()
    expect(page.locator("#e-f-imaging-0-date")).not_to_be_empty()
    wrap = page.locator("#imaging-grid .table-wrap")
    overflow = wrap.evaluate("w => w.scrollWidth - w.clientWidth")
    assert overflow <= 0, f"the grid scrolls sideways by {overflow}px"
    expect(page.locator("#f-imaging-0-assessed_response")).to_be_in_viewport()


def test_the_editor_s_language_switch_keeps_what_was_typed(checked: Checked) -> None:
    """Walkthrough, session 10: "English" in the editor's header was a link, and what was
    typed and not saved was gone without a word. It posts the form now: the editor comes
    back in English with every value in place, nothing saved."""
    page = checked.page
    _login(checked, audit=False)
    checked.goto("/cases/new")
    page.fill("#f-id", "br-lang-1")
    page.select_option("#f-diagnosis-histology", "follicular")
    page.click("button[value='add:rai']")
    expect(page.locator("#f-rai-0-date")).to_be_focused()
    page.fill("#f-rai-0-date", "2016-04-02")
    page.fill("#f-rai-0-activity", "3,7")
    page.wait_for_load_state("networkidle")
    # Enter in a field presses the disabled guard, not the switch (before it in the page)
    page.click("#f-rai-0-activity")
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    # the focus on the switch while the live assessment is on its way sends nothing to
    # the switch's address (HTMX would follow a `type="submit"` button's formaction)
    page.fill("#f-rai-0-activity", "3,75")
    page.focus("header button.lang")
    page.wait_for_timeout(800)  # the live assessment waits 500 ms after typing
    page.wait_for_load_state("networkidle")
    expect(page.locator("#live-panel #editor-form")).to_have_count(0)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.keyboard.press("Enter")  # keyboard only: the switch is a button
    page.wait_for_url("**/cases/new?lang=en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("New case")
    expect(page.locator("#f-id")).to_have_value("br-lang-1")
    expect(page.locator("#f-diagnosis-histology")).to_have_value("follicular")
    expect(page.locator("#f-rai-0-date")).to_have_value("2016-04-02")
    expect(page.locator("#f-rai-0-activity")).to_have_value("3,75")
    checked.audit("editor-language-switched")
    page.click("header button.lang")  # and back, still kept
    page.wait_for_url("**/cases/new?lang=fr")
    expect(page.locator("h1")).to_have_text("Nouveau dossier")
    expect(page.locator("#f-rai-0-activity")).to_have_value("3,75")
    assert page.request.get(checked.base + "/cases/br-lang-1").status == 404  # not saved


def test_the_compare_radios_are_on_screen_on_a_phone(browser: Browser, server: str) -> None:
    """Walkthrough, session 10: at 390 px the history table scrolls sideways inside its
    card and the compare radios, its last columns, were out of sight. They come first:
    each radio's box is inside the 390 px viewport with the table not scrolled, and the
    keyboard alone picks two versions and compares them."""
    from thyref.demo import demo_cases

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    checked = Checked(context.new_page(), server)
    page = checked.page
    _login(checked, audit=False)
    checked.goto(f"/cases/{demo_cases()[0]['id']}/history")
    assert page.locator(".table-wrap").evaluate("w => w.scrollLeft") == 0
    radios = page.locator("input[type=radio]")
    assert radios.count() == 4  # two versions, A and B
    for radio in radios.all():
        box = radio.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    # keyboard: Tab reaches group A (its checked radio), the arrows move within it
    page.focus("#a-1")
    page.keyboard.press("ArrowUp")  # version 2 in group A (the rows go newest first)
    expect(page.locator("#a-2")).to_be_checked()
    page.keyboard.press("Tab")  # to group B (version 2 checked)
    page.keyboard.press("ArrowDown")
    expect(page.locator("#b-1")).to_be_checked()
    page.focus("form button[type=submit].primary")
    page.keyboard.press("Enter")
    page.wait_for_url("**/compare?a=2&b=1")
    checked.audit("compare-phone")
    context.close()
    checked.assert_clean()


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 800)])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_choice_of_the_editor_is_cut(
    browser: Browser, server: str, width: int, height: int, lang: str
) -> None:
    """Walkthrough, session 10: long choices were cut in narrow lists ("Sevrage en
    hormones thyroïd", "Ganglion cervical centr"). Each select is at least as wide as the
    browser's own width for it (a copy with no width given, which fits its longest
    choice), except where the screen itself is narrower."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR")
    checked = Checked(context.new_page(), server)
    page = checked.page
    checked.goto(f"/login?lang={lang}")
    _login(checked, audit=False)
    checked.goto("/cases/web-scans/edit")
    cut = page.evaluate(
        """() => {
          const out = [];
          for (const s of document.querySelectorAll('#editor-form select')) {
            const copy = s.cloneNode(true);
            copy.removeAttribute('id');
            copy.style.cssText = 'position:absolute;width:auto;max-width:none;visibility:hidden';
            document.body.appendChild(copy);
            const needed = copy.offsetWidth;
            copy.remove();
            const room = document.documentElement.clientWidth;
            if (s.offsetWidth < Math.min(needed, room - 40))
              out.push(`${s.id}: ${s.offsetWidth}px for ${needed}px`);
          }
          return out;
        }"""
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#section-scans").screenshot(path=str(SHOTS / f"scans-{lang}-{width}.png"))
    context.close()
    assert not cut, cut
    checked.assert_clean()


def _live_settled(page: Page) -> None:
    """Wait for the live assessment a blur or typing starts (50 or 500 ms later) to come
    back. A fresh-clone CI run once saw Enter on "Add" end at the language switch's
    address (about 1 run in 35 of this test alone, cause not found: noted in session 10's
    closing note), so the keyboard checks below press keys only once it is back."""
    page.wait_for_timeout(600)
    page.wait_for_load_state("networkidle")


def test_removing_a_row_with_the_keyboard_keeps_the_focus_there(checked: Checked) -> None:
    """Keyboard walk, session 10: Enter on a row's "Remove" redrew the form and the focus
    fell to the page (the next Tab went to the live panel, after the form). It goes to
    the "Remove" of the row now in that place, or to "Add" when none is left."""
    page = checked.page
    _login(checked, audit=False)
    checked.goto("/cases/new")
    page.fill("#f-id", "br-remove-1")
    for row in range(2):
        _live_settled(page)
        page.locator("button[value='add:labs']").press("Enter")  # focus, then the key
        expect(page.locator(f"#f-labs-{row}-date")).to_be_focused()
        page.fill(f"#f-labs-{row}-date", f"2020-0{row + 1}-01")
    _live_settled(page)
    page.locator("button[value='remove:labs:0']").press("Enter")
    expect(page.locator("#f-labs-1-date")).to_have_count(0)  # the form redrawn, then:
    expect(page.locator("button[value='remove:labs:0']")).to_be_focused()
    page.wait_for_load_state("networkidle")
    page.keyboard.press("Space")
    expect(page.locator("#f-labs-0-date")).to_have_count(0)
    expect(page.locator("button[value='add:labs']")).to_be_focused()


def _luminance(rgb: str) -> float:
    """Relative luminance of a CSS `rgb(r, g, b)` colour (WCAG 2.2, definition)."""
    channels = [int(c) / 255 for c in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_focus_ring_shows_on_the_dark_header(checked: Checked) -> None:
    """Keyboard walk, session 10: the focus ring (orange #c2410c) on the header's dark
    blue (#1f4e79) had a contrast of 1.7:1, hard to see where the focus was in the menu.
    WCAG 2.2, 1.4.11 "Non-text Contrast": a focus indicator needs 3:1 against what is
    beside it. Checked on the skip link, a menu link and the language switch."""
    page = checked.page
    _login(checked, audit=False)
    checked.goto("/cases")
    header = page.evaluate("getComputedStyle(document.querySelector('header.top')).backgroundColor")
    seen = []
    for _ in range(3):  # the skip link, the brand, the first menu link
        page.keyboard.press("Tab")
        seen.append(page.evaluate("getComputedStyle(document.activeElement).outlineColor"))
    page.focus("header a.lang")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focused by the keyboard (:focus-visible)
    seen.append(page.evaluate("getComputedStyle(document.activeElement).outlineColor"))
    for ring in seen:
        assert _contrast(ring, header) >= 3, (ring, header, round(_contrast(ring, header), 2))


def test_a_value_typed_in_the_grid_while_it_is_redrawn_stays(checked: Checked) -> None:
    """Walkthrough, session 16: a lesion's identifier typed, the live assessment redraws
    the imaging grid with it (its column was "#1"); a size typed in the grid while that
    assessment was on its way was wiped by the redrawn grid, built from the form as it
    was when the assessment left, and the focus fell out of the grid. The server is held
    here until the size is typed: what a slow answer does."""
    page = checked.page
    _login(checked, audit=False)
    checked.goto("/cases/new")
    page.fill("#f-id", "br-regrid-1")
    page.click("button[value='add:lesions']")
    expect(page.locator("#f-lesions-0-id")).to_be_focused()
    _live_settled(page)
    page.click("button[value='add:imaging']")
    expect(page.locator("#f-imaging-0-date")).to_be_focused()
    _live_settled(page)
    expect(page.locator("#imaging-grid thead")).to_contain_text("#1")
    held: list[Any] = []

    def hold_the_first(route: Any) -> None:
        if held:
            route.continue_()
        else:
            held.append(route)

    page.route("**/cases/preview", hold_the_first)
    page.fill("#f-lesions-0-id", "P1")  # the live assessment leaves 500 ms later
    for _ in range(50):
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "no live assessment left"
    page.click("#f-imaging-0-cell-0")
    page.keyboard.type("14")
    held[0].continue_()  # its answer comes: the grid is redrawn with P1
    expect(page.locator("#imaging-grid thead")).to_contain_text("P1")
    _live_settled(page)
    expect(page.locator("#f-imaging-0-cell-0")).to_have_value("14")
    expect(page.locator("#f-imaging-0-cell-0")).to_be_focused()
    page.unroute("**/cases/preview")
