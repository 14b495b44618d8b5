"""Accessibility of the main pages, in process (the HTML as sent, no browser).

Every form control has an accessible name, every `aria-describedby` / `aria-labelledby`
names elements that exist, so does every in-page link (an error summary's), a field
marked invalid is described by a message, ids are unique, the page's `lang` is the
page's language and its headings go down one level at a time. The keyboard walk itself
(focus, Tab order) is in `test_browser.py`.

References: HTML Accessibility API Mappings 1.0 and Accessible Name and Description
Computation 1.2 (W3C), for how a control gets its name: `aria-labelledby`, then
`aria-label`, then its `<label>` (by `for` or around it), then `title`; a button also by
its content. WCAG 2.2: 1.3.1 (Info and Relationships), 3.1.1 (Language of Page), 4.1.2
(Name, Role, Value).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from itertools import pairwise

import pytest
from fastapi import FastAPI

from thyref.demo import demo_cases
from thyref.storage import repository as repo
from thyref.web import cases as case_ops

from .support import TestClient, login, scans_case

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip
CONTROLS = {"input", "select", "textarea", "button"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    parent: Node | None
    text: list[str] = field(default_factory=list)

    def words(self) -> str:
        return " ".join("".join(self.text).split())

    def inside(self, tag: str) -> Node | None:
        node = self.parent
        while node is not None and node.tag != tag:
            node = node.parent
        return node

    def hidden(self) -> bool:
        node: Node | None = self
        while node is not None:
            if "hidden" in node.attrs or node.attrs.get("aria-hidden") == "true":
                return True
            node = node.parent
        return False


class Tree(HTMLParser):
    """Every element with its attributes, its parent and its text (its descendants' too)."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.nodes: list[Node] = []
        self.open: list[Node] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, self.open[-1] if self.open else None)
        self.nodes.append(node)
        if tag not in VOID:
            self.open.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.open.pop()

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i].tag == tag:
                del self.open[i:]
                return

    def handle_data(self, data: str) -> None:
        for node in self.open:
            node.text.append(data)

    def by_id(self) -> dict[str, list[Node]]:
        found: dict[str, list[Node]] = {}
        for node in self.nodes:
            if "id" in node.attrs:
                found.setdefault(node.attrs["id"], []).append(node)
        return found


def _within(node: Node, ancestor: Node) -> bool:
    parent = node.parent
    while parent is not None and parent is not ancestor:
        parent = parent.parent
    return parent is ancestor


def accessible_name(node: Node, tree: Tree, ids: dict[str, list[Node]]) -> str:
    """The name of a control, the ways accname 1.2 gives one (simplified: no CSS)."""
    if node.attrs.get("aria-labelledby"):
        said = [ids[i][0].words() for i in node.attrs["aria-labelledby"].split() if i in ids]
        if " ".join(said).strip():
            return " ".join(said)
    if node.attrs.get("aria-label", "").strip():
        return node.attrs["aria-label"]
    own = node.attrs.get("id")
    labels = [n for n in tree.nodes if n.tag == "label" and own and n.attrs.get("for") == own]
    wrapping = node.inside("label")
    for label in [*labels, *([wrapping] if wrapping else [])]:
        if label.words():
            return label.words()
    if node.attrs.get("title", "").strip():
        return node.attrs["title"]
    if node.tag == "button":
        return node.words()
    if node.tag == "input" and node.attrs.get("type") in ("submit", "button", "reset"):
        return node.attrs.get("value", "")
    return ""


def problems(page: str, lang: str) -> list[str]:
    tree = Tree(page)
    ids = tree.by_id()
    found = [f"id {i!r} given {len(n)} times" for i, n in ids.items() if len(n) > 1]
    html = [n for n in tree.nodes if n.tag == "html"]
    if not html or html[0].attrs.get("lang") != lang:
        found.append(f"<html lang> is {html[0].attrs.get('lang') if html else None!r}, not {lang}")
    for node in tree.nodes:
        kind = node.attrs.get("type", "")
        named = node.tag not in CONTROLS or kind == "hidden" or node.hidden()
        if not named and not accessible_name(node, tree, ids).strip():
            found.append(f"no accessible name: <{node.tag} {node.attrs}>")
        for attr in ("aria-describedby", "aria-labelledby"):
            for ref in node.attrs.get(attr, "").split():
                if ref not in ids:
                    found.append(
                        f"{attr}={ref!r} names nothing: <{node.tag} id={node.attrs.get('id')}>"
                    )
        if node.tag == "a" and "href" in node.attrs and not node.hidden():
            alts = [
                n.attrs.get("alt", "") for n in tree.nodes if n.tag == "img" and _within(n, node)
            ]
            said = node.words() or node.attrs.get("aria-label", "") or " ".join(alts)
            if not said.strip():
                found.append(f"a link with no words: <a {node.attrs}>")
        target = node.attrs.get("href", "") if node.tag == "a" else ""
        if target.startswith("#") and len(target) > 1 and target[1:] not in ids:
            found.append(f"link to {target}, which is not on the page")
        if node.attrs.get("aria-invalid") == "true":  # WCAG 3.3.1: the error is said
            said = [
                ids[i][0].words()
                for i in node.attrs.get("aria-describedby", "").split()
                if i in ids
            ]
            if not " ".join(said).strip():
                found.append(
                    f"invalid, and no message describes it: <{node.tag} id={node.attrs.get('id')}>"
                )
    levels = [int(n.tag[1]) for n in tree.nodes if n.tag in ("h1", "h2", "h3", "h4", "h5", "h6")]
    if levels.count(1) != 1:
        found.append(f"{levels.count(1)} h1 headings")
    for before, after in pairwise(levels):
        if after > before + 1:
            found.append(f"heading h{before} followed by h{after}")
    return found


@pytest.fixture
def board_app(app: FastAPI) -> Iterator[FastAPI]:
    """The demo cases and a case with iodine scans in alice's centre, one saved twice."""
    with app.state.thyref.db.session() as db:
        alice = repo.find_user(db, "alice")
        assert alice is not None
        for raw in [*demo_cases(), scans_case("web-scans")]:
            case_ops.create(db, alice[0], raw, action="import", note="demo")
        first = demo_cases()[0]
        changed = {**first, "patient": {**first.get("patient", {}), "birth_year": 1960}}
        case_ops.update(db, alice[0], first["id"], 1, changed, note="birth year")
    yield app


def _meeting_with_a_case(client: TestClient, csrf: str) -> tuple[int, int]:
    made = client.post(
        "/meetings",
        data={"csrf_token": csrf, "kind": "regional", "held_on": date.today().isoformat()},
        follow_redirects=False,
    )
    meeting = int(made.headers["location"].rsplit("/", 1)[1])
    client.post(
        "/meetings/agenda",
        data={"csrf_token": csrf, "meeting_id": str(meeting), "case_id": "web-scans",
              "question": "Q"},
    )  # fmt: skip
    page = client.get(f"/meetings/{meeting}").text
    item = int(page.split('id="item-', 1)[1].split('"', 1)[0])
    return meeting, item


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_main_pages_pass_the_accessibility_checks(board_app: FastAPI, lang: str) -> None:
    client = TestClient(board_app)
    found: dict[str, list[str]] = {}
    found["login"] = problems(client.get(f"/login?lang={lang}").text, lang)
    csrf = login(client)
    meeting, item = _meeting_with_a_case(client, csrf)
    first = demo_cases()[0]["id"]
    urls = ["/", "/cases", "/cases?q=papill", "/cases/new", "/cases/import", "/meetings"]
    urls += [f"/meetings/{meeting}", "/cases/web-scans", "/cases/web-scans/edit"]
    urls += [f"/cases/{raw['id']}{end}" for raw in demo_cases() for end in ("", "/edit")]
    urls += [f"/cases/{first}", f"/cases/{first}/history", f"/cases/{first}/compare?a=1&b=2"]
    for url in urls:
        sep = "&" if "?" in url else "?"
        answer = client.get(f"{url}{sep}lang={lang}")
        assert answer.status_code == 200, url
        found[url] = problems(answer.text, lang)
    # pages after a refusal: errors shown beside their fields
    refused = client.post(
        f"/meetings/{meeting}/items/{item}/decision?lang={lang}",
        data={"csrf_token": csrf, f"item{item}.follow_up": "2000-01-01"},
    )
    assert refused.status_code == 422
    found["refused decision"] = problems(refused.text, lang)
    bad = client.post(
        f"/cases/new?lang={lang}",
        data={"csrf_token": csrf, "version": "0", "id": "a11y", "rai[0].activity": "x",
              "action": "save"},
    )  # fmt: skip
    found["refused save"] = problems(bad.text, lang)
    empty = client.post(f"/cases/import?lang={lang}", data={"csrf_token": csrf, "text": " "})
    found["empty import"] = problems(empty.text, lang)
    found["patient"] = problems(client.get(f"/patient?lang={lang}").text, lang)
    assert not {k: v for k, v in found.items() if v}


def test_the_checker_finds_what_it_looks_for() -> None:
    """The checker itself, on pages made to fail it (a test must be able to fail)."""
    head = '<html lang="fr"><body><h1>T</h1>'
    cases = [
        # a select with no label at all
        (head + '<select id="s"><option>a</option></select>', "no accessible name"),
        # a label for another id does not name it
        (head + '<label for="x">Nom</label><input id="y">', "no accessible name"),
        # an icon button with no words
        (head + '<button type="submit"></button>', "no accessible name"),
        # a description that names no element
        (head + '<input id="a" aria-label="A" aria-describedby="gone">', "names nothing"),
        # the page in English said to be French
        ('<html lang="en"><body><h1>T</h1>', "not fr"),
        # h1 then h3: a level skipped
        (head + "<h3>x</h3>", "h1 followed by h3"),
        # a field marked invalid that no message describes
        (head + '<input aria-label="A" aria-invalid="true">', "no message describes it"),
        # an in-page link (an error summary's) to a field that is not there
        (head + '<a href="#f-gone">Date</a>', "not on the page"),
        # a link around a picture with no text alternative
        (head + '<a href="/x.svg"><img src="/x.svg" alt=""></a>', "a link with no words"),
        # the same id twice
        (head + '<p id="d"></p><p id="d"></p>', "given 2 times"),
    ]
    for page, said in cases:
        assert any(said in p for p in problems(page, "fr")), (page, problems(page, "fr"))
    # and what passes: a label by `for`, a wrapping label, aria-label, a button's words
    fine = (
        head + '<label for="a">A</label><input id="a"><label>B <input></label>'
        '<input aria-label="C"><button>D</button><input type="hidden"><h2>x</h2>'
    )
    assert problems(fine, "fr") == []
