#!/usr/bin/env python3
"""French typography of the product's French text: a no-break space before ":", ";",
"?", "!" and "»", and after "«" (docs/texts.md says why U+00A0 everywhere).

    python scripts/french_typography.py --check   # list the offences (path:line), exit 1
    python scripts/french_typography.py --fix     # rewrite them, exit 0
    python scripts/french_typography.py --fix-test-literals failed.txt
        # then: the French literals of the tests that now fail (pytest's FAILED lines)

Only French text is read, and only where it is French:

- the ``[fr]`` table of ``src/thyref/data/messages.toml`` and ``messages-ui.toml``;
- the ``fr = ...`` values of the answers' knowledge base (``answers/kb/messages.toml``,
  ``glossary.toml``, ``groups.toml``, ``emergency.toml``), ``scope_fr`` of
  ``data/therapies.toml``, and the guillemets of the source titles (``sources.toml`` and
  the ``[sources]`` of ``data/rules/*.toml``, whose French titles quote with « »);
- the French topics ``answers/kb/topics/*.fr.md``: the ``title`` of the front matter and
  the Markdown body (not the ``questions``: they are what patients type, kept as typed to
  test the engine, and are never shown).

The web and board templates hold no sentence (every word comes from the catalogue through
``t(...)``), and neither do the command line's modules (their help texts are ``cli.help.*``
keys), so they are not read.

What is changed: one or more plain spaces (or a narrow no-break space, or a no-break space
typed as the invisible character in a TOML file) between a word and the mark become one
no-break space, written ``\\u00a0`` in TOML strings (visible in a diff, like the rest of
the catalogue) and as the character itself in Markdown. Never changed: a mark glued to the
word before it (a time "10:30", a ratio "1:10", a code "ATA2015:R91", a place
"{path}:{line}:", "https://", "sqlite:///"), a mark glued to what follows ("?lang=",
" :R91"), anything inside ``{...}`` or ``{{...}}`` (format and Jinja placeholders, JSON
examples), inside `code` or a URL, TOML keys, and every English text. A spaced mark
between numbers is a sentence's ("131 : 7,4 GBq" once filled in) or a spaced ratio, which
French keeps together too. Running --fix twice changes nothing the second time.
"""

from __future__ import annotations

import argparse
import ast
import io
import re
import sys
import tokenize
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NBSP = "\u00a0"
TOML_NBSP = "\\u00a0"  # how the TOML files write it (the escape, six characters)

# what may stand between a word and a mark: plain spaces, no-break spaces (typed, or as a
# TOML escape), narrow no-break spaces
_SPACE_TEXT = r"[ \u00a0\u202f]+"
_SPACE_TOML = r"(?: |\u00a0|\u202f|\\u00[aA]0|\\u202[fF])+"
# a mark followed directly by one of these is no sentence mark: " :R91", " ?lang=", " ://",
# " ![image](...)", " :{x}"
_GLUED_AFTER = re.compile(r"[\w/=\[({]")
# the parts of a text that are not prose: {{...}} (a literal brace pair, a Jinja
# expression, the answers' {{therapy:...}}), {...} (a format placeholder, {% ... %}),
# `code`, and URLs
_NOT_PROSE = re.compile(r"\{\{.*?\}\}|\{[^{}]*\}|`[^`]*`|\b[a-z][a-z0-9+.-]*://\S+")


@dataclass(frozen=True)
class Offence:
    """One mark with the wrong space before (or after, for «) it, in one piece of text."""

    start: int  # where the wrong space starts
    end: int  # where it ends
    mark: str


def offences(text: str, *, toml: bool = False, guillemets_only: bool = False) -> list[Offence]:
    """The wrong spaces of one piece of French text. With ``toml`` the text is the source
    of a TOML basic string (escapes unread), whose no-break space is written ``\\u00a0``;
    else it is plain text (a decoded value, a Markdown line), whose no-break space is the
    character itself."""
    good = TOML_NBSP if toml else NBSP
    space = _SPACE_TOML if toml else _SPACE_TEXT
    masked = [False] * len(text)
    for m in _NOT_PROSE.finditer(text):
        masked[m.start() : m.end()] = [True] * (m.end() - m.start())
    found: list[Offence] = []
    marks = "»" if guillemets_only else ":;?!»"
    for m in re.finditer(rf"(?P<sp>{space})(?P<mark>[{marks}])", text):
        pos = m.start("mark")
        if masked[pos] or m.group("sp") == good:
            continue
        if m.group("mark") != "»" and _GLUED_AFTER.match(text, pos + 1):
            continue
        found.append(Offence(m.start("sp"), m.end("sp"), m.group("mark")))
    for m in re.finditer(rf"«(?P<sp>{space})", text):
        if not masked[m.start()] and m.group("sp") != good:
            found.append(Offence(m.start("sp"), m.end("sp"), "«"))
    return sorted(found, key=lambda o: o.start)


def fixed(text: str, *, toml: bool = False, guillemets_only: bool = False) -> str:
    """The text with every wrong space of ``offences`` replaced by one no-break space."""
    good = TOML_NBSP if toml else NBSP
    out, last = [], 0
    for o in offences(text, toml=toml, guillemets_only=guillemets_only):
        out += [text[last : o.start], good]
        last = o.end
    return "".join(out) + text[last:]


# ------------------------------------------------------------------ where French text is

_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")


@dataclass(frozen=True)
class Span:
    """A piece of French text in a file: its line (1-based), where it is on the line, and
    how to read it."""

    line: int
    start: int
    end: int
    toml: bool
    guillemets_only: bool = False


def _value_strings(line: str) -> Iterator[tuple[int, int]]:
    """The basic strings of a ``key = value`` line that are in its value (the quoted key
    before ``=`` is not)."""
    strings = list(_STRING.finditer(line))
    equals = None
    pos = 0
    for s in strings:  # the first "=" outside a string
        i = line.find("=", pos, s.start())
        if i >= 0:
            equals = i
            break
        pos = s.end()
    if equals is None:
        i = line.find("=", pos)
        equals = i if i >= 0 else None
    if equals is None or line[:equals].lstrip().startswith("#"):
        return
    if line[equals + 1 :].lstrip().startswith("["):
        return  # an array: word lists and patterns, not sentences
    for s in strings:
        if s.start() > equals:
            yield s.start() + 1, s.end() - 1


def _table_spans(name: str, guillemets_only: bool = False) -> Callable[[str], Iterator[Span]]:
    """The string values of the table ``[name]`` (not of its sub-tables)."""

    def spans(text: str) -> Iterator[Span]:
        table = None
        for n, line in enumerate(text.splitlines(), 1):
            header = _HEADER.match(line)
            if header:
                table = header.group(1).strip('"')
                continue
            if table == name:
                for start, end in _value_strings(line):
                    yield Span(n, start, end, toml=True, guillemets_only=guillemets_only)

    return spans


_catalogue_spans = _table_spans("fr")  # the French side of a message catalogue


def _keyed_spans(
    keys: tuple[str, ...], guillemets_only: bool = False
) -> Callable[[str], Iterator[Span]]:
    """The string values of the lines ``<key> = ...`` (a string or an inline table of
    strings), for one of ``keys``."""
    key_re = re.compile(rf"^\s*(?:{'|'.join(map(re.escape, keys))})\s*=")

    def spans(text: str) -> Iterator[Span]:
        for n, line in enumerate(text.splitlines(), 1):
            if key_re.match(line):
                for start, end in _value_strings(line):
                    yield Span(n, start, end, toml=True, guillemets_only=guillemets_only)

    return spans


def _topic_spans(text: str) -> Iterator[Span]:
    """A French topic: the front matter's ``title``, then every Markdown line of the body
    outside code fences."""
    lines = text.splitlines()
    fences = [i for i, line in enumerate(lines) if line.strip() == "+++"][:2]
    if len(fences) < 2:
        return
    title = _keyed_spans(("title",))
    yield from title("\n".join(lines[: fences[1]]))
    in_code = False
    for i in range(fences[1] + 1, len(lines)):
        if lines[i].lstrip().startswith(("```", "~~~")):
            in_code = not in_code
            continue
        if not in_code:
            yield Span(i + 1, 0, len(lines[i]), toml=False)


KB = "src/thyref/answers/kb"
SOURCES: list[tuple[str, Callable[[str], Iterator[Span]]]] = [
    ("src/thyref/data/messages.toml", _catalogue_spans),
    ("src/thyref/data/messages-ui.toml", _catalogue_spans),
    ("src/thyref/data/therapies.toml", _keyed_spans(("scope_fr",))),
    (f"{KB}/messages.toml", _keyed_spans(("fr",))),
    (f"{KB}/glossary.toml", _keyed_spans(("fr",))),
    (f"{KB}/groups.toml", _keyed_spans(("fr",))),
    (f"{KB}/emergency.toml", _keyed_spans(("fr",))),
    (f"{KB}/sources.toml", _keyed_spans(("title",), guillemets_only=True)),
    ("src/thyref/data/rules/*.toml", _table_spans("sources", guillemets_only=True)),
    (f"{KB}/topics/*.fr.md", _topic_spans),
]


def french_files(root: Path) -> Iterator[tuple[Path, Callable[[str], Iterator[Span]]]]:
    for pattern, spans in SOURCES:
        for path in sorted(root.glob(pattern)):
            yield path, spans


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    excerpt: str


def _excerpt(piece: str, found: list[Offence], width: int = 40) -> str:
    """The piece around its offences, a plain space shown as "␣"."""
    parts = []
    for o in found:
        left = piece[max(0, o.start - width) : o.start]
        right = piece[o.end : o.end + width]
        wrong = piece[o.start : o.end].replace(" ", "␣").replace("\u202f", "⍽")
        parts.append(f"…{left}[{wrong}]{right}…")
    return "  ".join(parts)


def scan(root: Path, fix: bool) -> list[Finding]:
    """Every offence under ``root``; with ``fix`` the files are rewritten."""
    findings: list[Finding] = []
    for path, spans in french_files(root):
        original = path.read_text(encoding="utf-8")
        lines = original.splitlines(keepends=True)
        # right to left on each line, so that earlier positions stay valid
        for span in sorted(spans(original), key=lambda s: (s.line, -s.start)):
            raw = lines[span.line - 1]
            piece = raw[span.start : span.end]
            found = offences(piece, toml=span.toml, guillemets_only=span.guillemets_only)
            if not found:
                continue
            findings.append(Finding(path, span.line, _excerpt(piece, found)))
            if fix:
                new = fixed(piece, toml=span.toml, guillemets_only=span.guillemets_only)
                lines[span.line - 1] = raw[: span.start] + new + raw[span.end :]
        text = "".join(lines)
        if fix and text != original:
            path.write_text(text, encoding="utf-8")
    return sorted(findings, key=lambda f: (str(f.path), f.line))


# ------------------------------------------------------------------ the tests' literals

_FAILED = re.compile(r"^(?:FAILED|ERROR) (?P<path>[^\s:]+)::(?:\w+::)?(?P<name>\w+)")
_RANGE = re.compile(r"^(?P<path>\S+\.py):(?P<first>\d+)-(?P<last>\d+)\s*$")
_LITERAL = re.compile(r"(?P<prefix>[A-Za-z]*)(?P<quote>\'\'\'|\"\"\"|\'|\")")


def test_ranges(report: str, root: Path) -> dict[Path, list[tuple[int, int]]]:
    """The source lines to read, from pytest's ``FAILED path::test[...]`` lines (the
    test function, decorators and parameter table included) and ``path:first-last``
    lines (a table outside the function)."""
    ranges: dict[Path, list[tuple[int, int]]] = {}
    for line in report.splitlines():
        if m := _RANGE.match(line):
            ranges.setdefault(root / m["path"], []).append((int(m["first"]), int(m["last"])))
        elif m := _FAILED.match(line):
            path = root / m["path"]
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and (
                    node.name == m["name"]
                ):
                    first = min([d.lineno for d in node.decorator_list] + [node.lineno])
                    ranges.setdefault(path, []).append((first, node.end_lineno or first))
    return ranges


def fix_test_literals(report: str, root: Path) -> list[str]:
    """Rewrite, in the named tests only, the one-line string literals (not raw, not
    bytes) whose text has a French offence, the no-break space written ``\\u00a0`` as
    the tests do. Returns one line per change: review them, a French input typed by a
    user (a question) is to be left as typed."""
    changes: list[str] = []
    for path, spans in test_ranges(report, root).items():
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines(keepends=True)
        edits = []
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type != tokenize.STRING or tok.start[0] != tok.end[0]:
                continue
            if not any(first <= tok.start[0] <= last for first, last in spans):
                continue
            m = _LITERAL.match(tok.string)
            if m is None or set(m["prefix"].lower()) & {"r", "b"}:
                continue
            head = len(m["prefix"]) + len(m["quote"])
            inner = tok.string[head : -len(m["quote"])]
            new = fixed(inner, toml=True)  # Python escapes read like TOML's here
            if new != inner:
                edits.append((tok.start, tok.end, tok.string[:head] + new + m["quote"]))
        for (row, col), (_, end), new in sorted(edits, reverse=True):
            line = lines[row - 1]
            changes.append(f"{path.relative_to(root)}:{row}: {line[col:end]} -> {new}")
            lines[row - 1] = line[:col] + new + line[end:]
        if edits:
            path.write_text("".join(lines), encoding="utf-8")
    return sorted(changes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--check", action="store_true", help="list the offences, exit 1 if any")
    action.add_argument("--fix", action="store_true", help="rewrite them in place")
    action.add_argument(
        "--fix-test-literals",
        metavar="REPORT",
        type=Path,
        help="after --fix: rewrite the French literals of the tests named in REPORT "
        "(pytest's FAILED lines, or path:first-last lines)",
    )
    parser.add_argument("--root", type=Path, default=ROOT, help="the project's root folder")
    args = parser.parse_args(argv)
    if args.fix_test_literals:
        report = args.fix_test_literals.read_text(encoding="utf-8")
        changes = fix_test_literals(report, args.root)
        print("\n".join([*changes, f"{len(changes)} literal(s) rewritten: review them"]))
        return 0
    findings = scan(args.root, fix=args.fix)
    for f in findings:
        where = f.path.relative_to(args.root) if f.path.is_relative_to(args.root) else f.path
        print(f"{where}:{f.line}: {f.excerpt}")
    if args.fix:
        files = len({f.path for f in findings})
        print(f"fixed {len(findings)} line(s) in {files} file(s)")
        return 0
    if findings:
        print(f"{len(findings)} line(s) of French text lack a no-break space (run --fix)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
