"""The docs say what the command line does (issue: docs audit).

A hospital engineer copies commands from ``README.md`` and ``docs/*.md``. Here:

- every ``thyref ...`` line of the docs (code blocks and inline code) names commands that
  exist, options those commands have, and, for an option with a fixed set of values,
  values among them; each line also goes through typer's own parser (``--help`` appended);
- the option table of ``docs/cli.md`` has a row for every command and option of the CLI,
  and each default it writes in ``code`` is the real one;
- every environment variable the code reads is named in the docs.

The checker is tested on lines that must fail (a removed option, an unknown command, a
value outside a choice), so that a test of the docs cannot pass by seeing nothing.
"""

from __future__ import annotations

import ast
import enum
import functools
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from thyref.cli.app import app
from thyref.cli.helptext import placeholder

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SRC = ROOT / "src" / "thyref"
CLI = typer.main.get_command(app)
HELP = "--help"
# Markdown fences whose lines are shell commands (a bare fence holds synopsis lines too)
SHELL_FENCES = {"", "sh", "shell", "bash", "console"}
_FENCE = re.compile(r"^\s*```\s*(\S*)")
_INLINE = re.compile(r"`((?:\$ )?(?:\.venv/bin/)?thyref [^`]*)`")


# ------------------------------------------------------------------ reading the docs


def _split_pipes(line: str) -> list[str]:
    """The commands of a shell line: split at `` | `` outside quotes and outside the
    docs' ``[...]`` optional parts (``[--password P | --generate]`` is one command)."""
    parts, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(line):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "[":
            depth += 1
        elif ch == "]":
            depth = max(0, depth - 1)
        elif ch == "|" and depth == 0 and line[i - 1 : i] == " " and line[i + 1 : i + 2] == " ":
            parts.append(line[start:i])
            start = i + 1
    parts.append(line[start:])
    return [p.strip() for p in parts]


def _strip_comment(line: str) -> str:
    """A shell line without its `` # comment`` (a ``#`` inside a word is kept)."""
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i]
    return line


def _thyref_commands(line: str) -> Iterator[str]:
    for part in _split_pipes(_strip_comment(line)):
        part = part.removeprefix("$ ").strip()
        part = part.removeprefix(".venv/bin/")
        if part.startswith("thyref ") or part == "thyref":
            yield part


def doc_commands(text: str) -> Iterator[tuple[int, str]]:
    """``(line number, command)`` for every ``thyref`` command of a Markdown text: each
    line of a shell code block, and each inline code span (which may run over a line
    break, as in docs/web.md's ``thyref user add``)."""
    fence: str | None = None
    prose: list[tuple[int, str]] = []
    found: list[tuple[int, str]] = []

    def flush() -> None:
        if prose:
            first, joined = prose[0][0], "\n".join(line for _, line in prose)
            for match in _INLINE.finditer(joined):
                number = first + joined.count("\n", 0, match.start())
                for command in _thyref_commands(match.group(1).replace("\n", " ")):
                    found.append((number, command))
            prose.clear()

    for number, line in enumerate(text.splitlines(), start=1):
        opened = _FENCE.match(line)
        if opened:
            flush()
            fence = None if fence is not None else opened.group(1)
        elif fence is None:
            prose.append((number, line))
        elif fence in SHELL_FENCES:
            found.extend((number, command) for command in _thyref_commands(line))
    flush()
    return iter(found)


def _all_doc_commands() -> list[tuple[str, str]]:
    found = []
    for doc in DOCS:
        for number, command in doc_commands(doc.read_text(encoding="utf-8")):
            found.append((f"{doc.relative_to(ROOT)}:{number}", command))
    return found


# ------------------------------------------------------------------ the CLI's parameters


def _choices(param: Any) -> list[str] | None:
    found = getattr(param.type_descriptor, "choices", None)
    if not found:
        return None
    return [c.value if isinstance(c, enum.Enum) else str(c) for c in found]


def _option(command: Any, name: str) -> Any | None:
    for param in command.params:
        if name in (*param.opts, *param.secondary_opts) and name.startswith("-"):
            return param
    return None


def _subcommands(command: Any) -> dict[str, Any] | None:
    return getattr(command, "commands", None)


def _placeholder(value: str) -> bool:
    """A value the docs leave to the reader: ``FILE``, ``N``, ``<id>``, ``YYYY-MM-DD``."""
    return value.isupper() or "<" in value or "..." in value or value.startswith("YYYY")


def _words(command: str) -> list[str]:
    words = []
    for word in shlex.split(command):
        word = word.strip("[]")
        if word and word not in {"|", "..."}:
            words.append(word)
    return words


def problems_of(command: str) -> list[str]:
    """What does not hold in one ``thyref ...`` line of the docs, against the CLI."""
    words = _words(command)[1:]
    current, path, problems, positional = CLI, ["thyref"], [], 0
    i = 0
    while i < len(words):
        word = words[i]
        i += 1
        if word.startswith("-") and word != "-":
            name, _, inline = word.partition("=")
            if name == HELP:
                continue
            param = _option(current, name)
            if param is None:
                problems.append(f"{' '.join(path)} has no option {name}")
                continue
            if getattr(param, "is_flag", False):
                continue
            value = inline
            if not value and i < len(words) and not words[i].startswith("-"):
                value = words[i]
                i += 1
            choices = _choices(param)
            if value and choices and not _placeholder(value):
                for alternative in value.split("|"):
                    if alternative not in choices:
                        problems.append(
                            f"{' '.join(path)} {name}: {alternative!r} is not one of {choices}"
                        )
            continue
        children = _subcommands(current)
        if children is not None:
            if word not in children:
                problems.append(f"{' '.join(path)} has no command {word!r}")
                return problems
            current, positional = children[word], 0
            path.append(word)
            continue
        positional += 1
        arguments = [p for p in current.params if not p.opts[0].startswith("-")]
        room = sum(1_000 if p.nargs == -1 else p.nargs for p in arguments)
        if positional > room:
            problems.append(f"{' '.join(path)} takes {room} argument(s), not {word!r}")
    return problems


def parse_args(command: str) -> list[str]:
    """The line made concrete for typer's parser: the first of each ``a|b``, a value for
    an option the docs name without one, and ``--help`` at the end."""
    words = _words(command)[1:]
    concrete: list[str] = []
    current = CLI
    for i, word in enumerate(words):
        children = _subcommands(current)
        if children is not None and word in children:
            current = children[word]
        first = word.split("|")[0] if "|" in word and word != "|" else word
        concrete.append(first)
        param = _option(current, word) if word.startswith("-") else None
        follows = words[i + 1] if i + 1 < len(words) else "-"
        if param is not None and not getattr(param, "is_flag", False) and follows.startswith("-"):
            concrete.append("x")
    return [*concrete, HELP]


# ------------------------------------------------------------------ the checker itself


@pytest.mark.parametrize(
    ("line", "wanted"),
    [
        ("thyref assess CASE --format json|text|markdown --lang fr|en", []),
        # the README's own synopsis: every alternative is a value of the option
        ("thyref assess CASE --no-such-option", ["thyref assess has no option --no-such-option"]),
        # an option removed from the command: the point of these tests
        ("thyref cohort run IN --out DIR --engine dask", ["not one of ['local', 'spark']"]),
        # a value outside the choice (typer's Enum of --engine)
        ("thyref cohort start IN", ["thyref cohort has no command 'start'"]),
        # a command that does not exist
        ("thyref faq -l en topics", []),
        # --lang given to a group, as docs/cli.md says it may be
        ("thyref faq -l de topics", ["'de' is not one of ['fr', 'en']"]),
        # ... with a language the CLI does not have
        ("thyref user add NAME --centre 'CHU Lyon' --role clinician|admin "
         "[--password P | --generate] [--database URL]", []),
        # docs/web.md: the docs' [a | b] is one command, not a shell pipe
        ("thyref validate A B", ["takes 1 argument(s)"]),
        # an extra argument
    ],
)  # fmt: skip
def test_the_checker_finds_what_is_wrong(line: str, wanted: list[str]) -> None:
    found = problems_of(line)
    assert len(found) == len(wanted), found
    for problem, expected in zip(found, wanted, strict=True):
        assert expected in problem


@pytest.mark.parametrize(
    ("markdown", "wanted"),
    [
        ("```sh\nthyref demo  # the demo cases\n```\n", ["thyref demo"]),
        # a code block; the comment is not part of the command
        ("```sh\n$ .venv/bin/thyref rules --explain\n```\n", ["thyref rules --explain"]),
        # a prompt and the venv's path, as the README's worked example writes them
        ("```sh\ncat case.json | thyref assess -\n```\n", ["thyref assess -"]),
        # the thyref side of a pipe
        ("Run `thyref assess CASE -f json` then `make run`.\n", ["thyref assess CASE -f json"]),
        # inline code in a sentence
        ("Accounts: `thyref user add NAME [--password P |\n--generate]`.\n",
         ["thyref user add NAME [--password P | --generate]"]),
        # an inline span over a line break (docs/web.md)
        ("```json\n{\"thyref ask\": 1}\n```\n", []),
        # a JSON block holds no command
        ("`thyref.cli.main` and the `thyref-case/1` format\n", []),
        # module and format names are not commands
    ],
)  # fmt: skip
def test_commands_are_found_in_markdown(markdown: str, wanted: list[str]) -> None:
    assert [command for _, command in doc_commands(markdown)] == wanted


# ------------------------------------------------------------------ the docs


DOC_COMMANDS = _all_doc_commands()


def test_the_docs_have_commands() -> None:
    # README's synopsis alone has more than 20 lines; a broken extractor would find none
    assert len(DOC_COMMANDS) > 50


@pytest.mark.parametrize(("where", "command"), DOC_COMMANDS, ids=[w for w, _ in DOC_COMMANDS])
def test_every_doc_command_is_a_command_of_the_cli(where: str, command: str) -> None:
    # each line of the docs, as written: commands, options and choice values exist
    assert problems_of(command) == [], f"{where}: {command}"


@pytest.mark.parametrize(("where", "command"), DOC_COMMANDS, ids=[w for w, _ in DOC_COMMANDS])
def test_every_doc_command_parses(
    where: str, command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # typer's own parser: an unknown option or a missing value exits 2 before --help runs
    monkeypatch.delenv("THYREF_LANG", raising=False)
    result = CliRunner().invoke(app, parse_args(command))
    assert result.exit_code == 0, f"{where}: {command}\n{result.output}"


# ------------------------------------------------------------------ docs/cli.md's table


def _table_rows() -> list[tuple[str, list[str], str]]:
    """``(command, option names, default cell)`` of each row of the table in cli.md."""
    rows = []
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not cells[0].startswith("`thyref"):
            continue
        names = re.findall(r"`([^`]+)`", cells[1])
        rows.append((cells[0].strip("`"), names, cells[2]))
    return rows


def _cli_params() -> list[tuple[str, Any]]:
    found = []

    def walk(command: Any, path: str) -> None:
        for param in command.params:
            found.append((path, param))
        for name, child in (_subcommands(command) or {}).items():
            walk(child, f"{path} {name}")

    walk(CLI, "thyref")
    return found


def _names(param: Any) -> list[str]:
    """An option's spellings; an argument's placeholder as the English help shows it
    (``CASE``, ``DIR``)."""
    if param.opts[0].startswith("-"):
        return [*param.opts, *param.secondary_opts]
    return [placeholder(param, "en") or param.name.upper()]


TABLE = _table_rows()
PARAMS = _cli_params()


def test_the_table_is_read() -> None:
    # docs/cli.md lists every option of every command: far more than 60 rows
    assert len(TABLE) > 60


@pytest.mark.parametrize(
    ("command", "param"), PARAMS, ids=[f"{c} {_names(p)[0]}" for c, p in PARAMS]
)
def test_every_option_of_the_cli_has_a_row(command: str, param: Any) -> None:
    # the row names the option with every spelling it has (--out and -o), as --help does
    rows = [names for cmd, names, _ in TABLE if cmd == command and _names(param)[0] in names]
    assert rows, f"docs/cli.md has no row for {command} {_names(param)[0]}"
    assert sorted(rows[0]) == sorted(_names(param))


def _default_of(param: Any) -> str | None:
    """The default as the table writes it in code, or None when it is computed."""
    value = param.default
    if getattr(param, "is_flag", False):
        if param.secondary_opts and isinstance(value, bool):
            return param.opts[0] if value else param.secondary_opts[0]
        return None  # a plain flag: "off"
    if value is None or value == "":
        return None
    return str(value.value if isinstance(value, enum.Enum) else value)


@pytest.mark.parametrize(
    ("command", "names", "cell"), TABLE, ids=[f"{c} {n[0]}" for c, n, _ in TABLE]
)
def test_every_row_is_an_option_with_its_default(command: str, names: list[str], cell: str) -> None:
    # the command and option exist; a default written in code is the code's default
    params = [p for cmd, p in PARAMS if cmd == command and names[0] in _names(p)]
    assert params, f"docs/cli.md: {command} has no {names[0]}"
    param = params[0]
    default = _default_of(param)
    if param.required:
        assert cell == "required"
    elif default is not None:
        assert cell.split()[0] == f"`{default}`", f"{command} {names[0]}: {cell}"
    else:
        assert not cell.startswith("`"), f"{command} {names[0]}: the code has no fixed default"


# ------------------------------------------------------------------ environment variables


def _module_strings(tree: ast.Module) -> dict[str, str]:
    return {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        for target in node.targets if isinstance(target, ast.Name)
    }  # fmt: skip


def env_vars_read(source: str) -> set[str]:
    """The environment variables a module reads or sets: ``os.environ.get(X)``,
    ``os.environ[X]``, ``os.getenv(X)``, ``setdefault``, typer's ``envvar=X``; ``X`` a
    string or a module-level constant."""
    tree = ast.parse(source)
    constants = _module_strings(tree)

    def name_of(node: ast.expr) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name):
            return constants.get(node.id)
        return None

    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            reads = (
                isinstance(func, ast.Attribute)
                and func.attr in {"get", "setdefault", "pop"}
                and "environ" in ast.unparse(func.value)
            ) or ast.unparse(func).endswith("getenv")
            if reads and node.args:
                found.add(name_of(node.args[0]) or "")
            for keyword in node.keywords:
                if keyword.arg == "envvar":
                    found.add(name_of(keyword.value) or "")
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value).endswith("environ"):
            found.add(name_of(node.slice) or "")
    return found - {""}


@pytest.mark.parametrize(
    ("source", "wanted"),
    [
        ('import os\nX = os.environ.get("THYREF_A")\n', {"THYREF_A"}),
        # a string given directly
        ('import os\nENV = "THYREF_B"\ndef f(): return os.environ.get(ENV, "")\n', {"THYREF_B"}),
        # a module constant, as domain/filecache.py names THYREF_CACHE_DIR
        ('import os\nos.environ["THYREF_C"] = "1"\nos.getenv("THYREF_D")\n',
         {"THYREF_C", "THYREF_D"}),
        # set, and read with getenv
        ('import typer\nX = typer.Option(1, envvar="THYREF_E")\n', {"THYREF_E"}),
        # typer's envvar (thyref serve --limit-concurrency)
        ('import os\nX = (os.environ if True else {}).get("THYREF_F")\n', {"THYREF_F"}),
        # the environ of a parameter or of os (cli.main.env_lang's form)
    ],
)  # fmt: skip
def test_env_vars_are_found_in_code(source: str, wanted: set[str]) -> None:
    assert env_vars_read(source) == wanted


def _code_env_vars() -> list[tuple[str, str]]:
    found = set()
    for module in sorted(SRC.rglob("*.py")):
        for name in env_vars_read(module.read_text(encoding="utf-8")):
            found.add((name, str(module.relative_to(ROOT))))
    return sorted(found)


CODE_ENV = _code_env_vars()
DOCS_TEXT = "\n".join(doc.read_text(encoding="utf-8") for doc in DOCS)


def test_the_code_reads_environment_variables() -> None:
    # README.md: THYREF_LANG, THYREF_DATABASE_URL and THYREF_CACHE_DIR at least
    assert {"THYREF_LANG", "THYREF_DATABASE_URL", "THYREF_CACHE_DIR"} <= {n for n, _ in CODE_ENV}


@pytest.mark.parametrize(("name", "module"), CODE_ENV, ids=[f"{n}-{m}" for n, m in CODE_ENV])
def test_every_env_var_of_the_code_is_documented(name: str, module: str) -> None:
    # named in README.md or docs/*.md, as a whole word
    assert re.search(rf"\b{name}\b", DOCS_TEXT), f"{name} ({module}) is in no doc"


# ------------------------------------------------------------------ README's worked example

_BOX = re.compile(r"[\u2500-\u257f]")


def _plain(line: str) -> str:
    """A line of rich's output without its box drawing, spaces collapsed."""
    return " ".join(_BOX.sub(" ", line).split())


def _worked_example() -> tuple[list[str], list[str]]:
    """The command and the output lines of README.md's worked example."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## A worked example", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    first, *shown = block.splitlines()
    return _words(first.removeprefix("$ ").removeprefix(".venv/bin/"))[1:], shown


def test_the_worked_example_is_what_thyref_prints(monkeypatch: pytest.MonkeyPatch) -> None:
    # each line shown (up to its "...", where it is abridged) is in the real output, in order
    monkeypatch.delenv("THYREF_LANG", raising=False)
    monkeypatch.chdir(ROOT)
    args, shown = _worked_example()
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    printed = [_plain(line) for line in result.output.splitlines()]
    at = 0
    for line in shown:
        wanted = _plain(line.split("...")[0])
        if not wanted:
            continue
        hits = [i for i in range(at, len(printed)) if wanted in printed[i]]
        assert hits, f"README.md shows {line!r}, thyref prints no such line after line {at}"
        at = hits[0] + 1


@functools.cache
def _code_text() -> str:
    """Every file that may read an environment variable: the package, benches, tests
    (their helpers, not this file), scripts and the Makefile."""
    files = [ROOT / "Makefile"]
    for folder in ("src", "bench", "tests", "scripts"):
        files += [f for f in (ROOT / folder).rglob("*") if f.suffix in {".py", ".sh"}]
    here = Path(__file__).resolve()
    return "\n".join(f.read_text(encoding="utf-8") for f in files if f.resolve() != here)


DOC_ENV = sorted(set(re.findall(r"\bTHYREF_[A-Z0-9_]+\b", DOCS_TEXT)))


@pytest.mark.parametrize("name", DOC_ENV)
def test_every_env_var_of_the_docs_is_read_somewhere(name: str) -> None:
    # a variable the docs tell to set must still do something (not renamed, not removed)
    assert re.search(rf"\b{name}\b", _code_text()), f"{name} is in the docs, in no code"
