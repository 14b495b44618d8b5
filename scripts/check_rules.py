#!/usr/bin/env python3
"""Check that every value of the rules data files is pinned by the domain tests.

For each rules file (``src/thyref/data/rules/*.toml``) the parsed tree is walked; every
leaf value (number, string, list item, table key) gets a few perturbed copies:

- an integer, or a decimal string with no fraction ("10"): +1, -1, x2, x0.5;
- a decimal string with a fraction ("0.20", "30.4375"): x1.1, x0.9, x2, x0.5;
- a string: replaced by another text (``<value>-x``);
- a list: each item dropped in turn, and each pair of neighbours swapped;
- a table key (a unit, a gene, a criterion id...): dropped, and renamed.

Each perturbed file is written into a private copy of ``src/`` and the domain tests run
against it (``PYTHONPATH`` puts the copy first, so no engine change is needed); a change
the tests do not notice "survives". The script lists every survivor and exits 1 when one
survives.

Every value is perturbed, prose included (titles, citations, ``checked`` notes and
``[input.reasons]``, pinned by ``tests/domain/test_rules_prose.py``); ``NOT_READ`` is the
place for a value no output reads, with the reason (empty today). Perturbations that
cannot change any result (the order of a list the engine only tests membership in) are
listed in ``EQUIVALENT`` with the reason. A new value added to a rules file is therefore
perturbed, and must be pinned, unless it is added to one of these two tables with a reason.

A perturbed file the loader rejects (a missing field, an unknown source id) fails every
domain test: it is counted as caught without a pytest run. Otherwise the pinned tests run
first (``tests/domain/test_rules_pinned.py``, quick) and the whole domain suite only when
they pass. ``--behaviour`` leaves out the value table of the pinned tests, to see which
values only the table pins (no boundary row yet).

Usage: ``python scripts/check_rules.py [-j N] [--file NAME,...] [--only PREFIX,...] [--list]
[--with-cli] [--behaviour]`` (``--file ata-2015 --only definition`` limits the run).
(``make check-rules``). Slow: one pytest run per perturbation (a few seconds each).
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RULES_DIR = ROOT / "src" / "thyref" / "data" / "rules"
PINNED_TESTS = ROOT / "tests" / "domain" / "test_rules_pinned.py"
PROSE_TESTS = ROOT / "tests" / "domain" / "test_rules_prose.py"

# Paths are dotted, list items as [i]; '*' matches any one segment (fnmatch).
NOT_READ: dict[str, str] = {
    # empty since the prose (titles, citations, `checked` notes, `[input.reasons]`) is
    # pinned by tests/domain/test_rules_prose.py: `thyref rules` and the sheet show it
}
# Perturbations that cannot change a result: "<path> <kind>" patterns.
EQUIVALENT: dict[str, str] = {
    "refractoriness.locoregional_sites swap": "a set: the engine tests membership only",
    "refractoriness.sources_definition swap": "citation order only (cosmetic)",
    "refractoriness.criteria.* swap": "citation order of a criterion's sources (cosmetic)",
    "options.sources.* swap": "citation order of an option's sources (cosmetic)",
    "kinetics.sources swap": "citation order (cosmetic)",
    "options.ras_genes swap": "a set of genes, membership only",
    "options.trial_genes swap": "a set of genes, membership only",
    "options.vegfr_inhibitors swap": "a set of drugs, membership only",
    "targeted[[]*].genes swap": "a set of genes, membership only",
    "targeted[[]*].histologies swap": "a set of histologies, membership only",
    "recist.best_response_rank swap [[]2]*": "SD and NON_CR_NON_PD never meet in one "
    "series: SD needs target lesions, an overall NON_CR_NON_PD needs none",
    "recist.best_response_rank[[]5] drop": "NE is last: a response missing from the ranking "
    "ranks last anyway",
    "options.local_min_lesions -1": "0: an organ is only counted when it holds a lesion",
    "options.local_min_lesions x0.5": "0: an organ is only counted when it holds a lesion",
}


@dataclass(frozen=True)
class Perturbation:
    file: str
    path: str
    kind: str
    before: str
    after: str
    data: Any

    @property
    def label(self) -> str:
        return f"{self.file}: {self.path} {self.kind}: {self.before} -> {self.after}"


def _fmt_path(parts: tuple[str | int, ...]) -> str:
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + p
    return out


def _matches(path: str, patterns: dict[str, str]) -> str | None:
    for pattern, reason in patterns.items():
        if fnmatch.fnmatchcase(path, pattern):
            return reason
    return None


def _set(tree: Any, parts: tuple[str | int, ...], value: Any) -> Any:
    """A deep copy of ``tree`` with the value at ``parts`` replaced."""
    if not parts:
        return value
    head, rest = parts[0], parts[1:]
    if isinstance(tree, dict):
        out = dict(tree)
        out[head] = _set(tree[head], rest, value)
        return out
    items = list(tree)
    items[int(head)] = _set(items[int(head)], rest, value)
    return items


def _get(tree: Any, parts: tuple[str | int, ...]) -> Any:
    for p in parts:
        tree = tree[p]
    return tree


def _numbers(value: int | Decimal) -> list[tuple[str, int | Decimal]]:
    if isinstance(value, int) or value == value.to_integral_value():
        n = int(value)
        steps = [("+1", n + 1), ("-1", n - 1), ("x2", n * 2), ("x0.5", n // 2)]
        return [(k, v) for k, v in steps if v != n]
    half = (value / 2).normalize()
    return [
        ("x1.1", (value * Decimal("1.1")).normalize()),
        ("x0.9", (value * Decimal("0.9")).normalize()),
        ("x2", (value * 2).normalize()),
        ("x0.5", half),
    ]


def _as_decimal(text: str) -> Decimal | None:
    try:
        d = Decimal(text)
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


def _leaf_changes(value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, bool):
        yield "flip", not value
    elif isinstance(value, int | float):
        for kind, new in _numbers(Decimal(str(value)) if isinstance(value, float) else value):
            yield kind, (int(new) if isinstance(value, int) else float(new))
    elif isinstance(value, str):
        number = _as_decimal(value)
        if number is not None:
            for kind, new in _numbers(number):
                yield kind, str(new)
        else:
            yield "text", f"{value}-x"


def perturbations(file: str, data: dict[str, Any]) -> Iterator[Perturbation]:
    def walk(node: Any, parts: tuple[str | int, ...]) -> Iterator[Perturbation]:
        path = _fmt_path(parts)
        if parts and _matches(path, NOT_READ):
            return
        if isinstance(node, dict):
            for key in list(node):
                child = (*parts, key)
                cpath = _fmt_path(child)
                if True:  # keys are always perturbed, even where values are not read
                    dropped = {k: v for k, v in node.items() if k != key}
                    yield Perturbation(
                        file, cpath, "drop-key", key, "(none)", _set(data, parts, dropped)
                    )
                    renamed = {(f"{k}-x" if k == key else k): v for k, v in node.items()}
                    yield Perturbation(
                        file, cpath, "rename-key", key, f"{key}-x", _set(data, parts, renamed)
                    )
                yield from walk(node[key], child)
        elif isinstance(node, list):
            for i in range(len(node)):
                dropped = node[:i] + node[i + 1 :]
                yield Perturbation(
                    file,
                    f"{path}[{i}]",
                    "drop",
                    _show(node[i]),
                    "(none)",
                    _set(data, parts, dropped),
                )
            for i in range(len(node) - 1):
                if node[i] == node[i + 1]:
                    continue
                swapped = [*node[:i], node[i + 1], node[i], *node[i + 2 :]]
                yield Perturbation(
                    file,
                    path,
                    "swap",
                    f"[{i}]{_show(node[i])},{_show(node[i + 1])}",
                    f"{_show(node[i + 1])},{_show(node[i])}",
                    _set(data, parts, swapped),
                )
            for i, item in enumerate(node):
                yield from walk(item, (*parts, i))
        else:
            for kind, new in _leaf_changes(node):
                yield Perturbation(
                    file, path, kind, _show(node), _show(new), _set(data, parts, new)
                )

    yield from walk(data, ())


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else text[:37] + "..."


def dumps(data: dict[str, Any]) -> str:
    """TOML for ``data``: one ``key = inline value`` line per top-level key."""

    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int | float):
            return repr(v)
        if isinstance(v, str):
            return json.dumps(v)
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        if isinstance(v, dict):
            return "{" + ", ".join(f"{json.dumps(k)} = {value(x)}" for k, x in v.items()) + "}"
        raise TypeError(f"cannot write {type(v).__name__}")

    return "".join(f"{json.dumps(k)} = {value(v)}\n" for k, v in data.items())


# A small fork server: imports pytest and the engine once, then runs each pytest session
# in a forked child (a fresh pytest run costs several seconds of imports on its own).
SERVER = r"""
import json, os, sys
import pytest, hypothesis, pydantic
import thyref.domain, thyref.domain.rules, thyref.domain.messages
for line in sys.stdin:
    job = json.loads(line)
    pid = os.fork()
    if pid == 0:
        fd = os.open(job["out"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        thyref.domain.rules.load_rules.cache_clear()
        thyref.domain.messages.catalogue.cache_clear()
        try:
            code = int(pytest.main(job["args"]))
        except BaseException:
            code = 99
        sys.stdout.flush()
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    print(os.waitstatus_to_exitcode(status), flush=True)
"""


class Sandbox:
    """A private copy of ``src/`` whose rules files can be replaced, with its fork server."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.src = base / "src"
        shutil.copytree(ROOT / "src", self.src)
        self.rules = self.src / "thyref" / "data" / "rules"
        env = {**os.environ, "PYTHONPATH": str(self.src)}
        env.pop("CI", None)
        env["THYREF_CACHE_DIR"] = ""  # each perturbed file read and checked, never a cached copy
        self.server = subprocess.Popen(
            [sys.executable, "-c", SERVER],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def close(self) -> None:
        assert self.server.stdin is not None
        self.server.stdin.close()
        try:
            self.server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.server.kill()

    def run(self, file: str, text: str, tests: list[str]) -> tuple[bool, str]:
        target = self.rules / file
        original = target.read_text(encoding="utf-8")
        target.write_text(text, encoding="utf-8")
        out = self.base / "pytest.out"
        args = [*tests, "-x", "-q", "-p", "no:randomly", "-p", "no:cacheprovider"]
        args += ["--no-header", "-o", "addopts="]
        try:
            assert self.server.stdin is not None and self.server.stdout is not None
            self.server.stdin.write(json.dumps({"out": str(out), "args": args}) + "\n")
            self.server.stdin.flush()
            code = int(self.server.stdout.readline().strip() or 99)
            lines = out.read_text(encoding="utf-8", errors="replace").splitlines()
            first = [ln for ln in lines if ln.startswith(("FAILED", "ERROR"))][:1]
            return code != 0, (first or lines[-1:] or [""])[0][:160]
        finally:
            target.write_text(original, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-j", "--jobs", type=int, default=2, help="parallel pytest runs")
    parser.add_argument(
        "--only",
        default="",
        help="perturb only paths starting with one of these (comma-separated)",
    )
    parser.add_argument(
        "--file", default="", help="perturb only these rules files (comma-separated, e.g. ata-2015)"
    )
    parser.add_argument("--list", action="store_true", help="list the perturbations and stop")
    parser.add_argument(
        "--kinds", default="", help="only these kinds, comma-separated (e.g. +1,x1.1,drop)"
    )
    parser.add_argument("--with-cli", action="store_true", help="also run tests/domain/test_cli.py")
    parser.add_argument(
        "--behaviour",
        action="store_true",
        help="leave out the value table of test_rules_pinned: boundary rows only",
    )
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the fork servers too

    pinned = str(PINNED_TESTS.relative_to(ROOT))
    extra = []
    if args.behaviour:
        # without the value table: which values only the table pins
        extra.append(f"--deselect={pinned}::test_rules_file_holds_the_values_of_the_spec")
        extra.append(f"--deselect={pinned}::test_ata_2015_file_holds_the_values_of_the_spec")
    quick = [pinned, *extra] if PINNED_TESTS.exists() else []
    if quick and PROSE_TESTS.exists():
        quick.insert(1, str(PROSE_TESTS.relative_to(ROOT)))
    tests = [*quick, "tests/domain", *extra]
    if not args.with_cli:
        tests.append("--ignore=tests/domain/test_cli.py")

    todo: list[Perturbation] = []
    only = tuple(args.only.split(","))
    files = {f.removesuffix(".toml") for f in args.file.split(",") if f}
    for path in sorted(RULES_DIR.glob("*.toml")):
        if files and path.stem not in files:
            continue
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for p in perturbations(path.name, data):
            if args.kinds and p.kind not in args.kinds.split(","):
                continue
            equivalent = _matches(f"{p.path} {p.kind}", EQUIVALENT) or _matches(
                f"{p.path} {p.kind} {p.before}", EQUIVALENT
            )
            if p.path.startswith(only) and not equivalent:
                todo.append(p)
    print("not perturbed (not read by the engine):")
    for pattern, reason in NOT_READ.items():
        print(f"  {pattern}: {reason}")
    print("not perturbed (equivalent):")
    for pattern, reason in EQUIVALENT.items():
        print(f"  {pattern}: {reason}")
    if args.list:
        for p in todo:
            print(p.label)
        print(f"{len(todo)} perturbations")
        return 0

    # a file the loader rejects fails every domain test: no pytest run needed for it
    sys.path.insert(0, str(ROOT / "src"))
    from pydantic import ValidationError

    from thyref.domain.rules import DefinitionFile, parse_rules
    from thyref.errors import RulesError

    def rejected(p: Perturbation) -> bool:
        # as the engine loads it: a full rule set, or a file holding only a definition
        # (ata-2015.toml; `load_definition`)
        try:
            if "refractoriness" in p.data or "definition" not in p.data:
                parse_rules(dumps(p.data))
                return False
            parsed = DefinitionFile.model_validate(tomllib.loads(dumps(p.data)))
            parsed.definition.check(parsed.sources)
            return parsed.definition.id != parsed.id
        except (RulesError, ValidationError):
            return True

    by_loader = [p for p in todo if rejected(p)]
    todo = [p for p in todo if p not in by_loader]
    print(f"{len(by_loader)} perturbations rejected by the loader (caught); {len(todo)} to test")

    survivors: list[Perturbation] = []
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="thyref-rules-") as tmp:
        sandboxes = [Sandbox(Path(tmp) / f"w{i}") for i in range(max(1, args.jobs))]
        free = list(sandboxes)

        def one(p: Perturbation) -> tuple[Perturbation, bool, str]:
            box = free.pop()
            try:
                text = dumps(p.data)
                # the pinned tests first (quick); the whole domain suite only if they pass
                caught, why = (False, "")
                if quick:
                    caught, why = box.run(p.file, text, quick)
                if not caught:
                    caught, why = box.run(p.file, text, tests)
            finally:
                free.append(box)
            return p, caught, why

        try:
            # sanity: the unperturbed rules, written by the same writer, must pass
            for path in sorted(RULES_DIR.glob("*.toml")):
                data = tomllib.loads(path.read_text(encoding="utf-8"))
                failed, why = sandboxes[0].run(path.name, dumps(data), tests)
                if failed:
                    print(f"the domain tests fail on the unchanged {path.name}: {why}")
                    return 2
            with ThreadPoolExecutor(max_workers=len(sandboxes)) as pool:
                for n, (p, caught, why) in enumerate(pool.map(one, todo), 1):
                    verdict = "caught  " if caught else "SURVIVED"
                    print(
                        f"[{n}/{len(todo)}] {verdict} {p.label}   {why if caught else ''}",
                        flush=True,
                    )
                    if not caught:
                        survivors.append(p)
        finally:
            for box in sandboxes:
                box.close()
    minutes = (time.monotonic() - start) / 60
    print(f"\n{len(todo)} perturbations, {len(survivors)} survived ({minutes:.1f} min)")
    for p in survivors:
        print(f"  SURVIVED {p.label}")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
