"""``thyref assess`` answers plain calls without building the typer app (issue 13, start-up).

The fast path (``thyref.cli.main``) must print exactly what the full app prints, and hand
every other call (help, stdin, invalid input, unknown options) to the full app.
"""

from __future__ import annotations

import io
import json
import os
import pathlib
import subprocess
import sys
from contextlib import redirect_stdout

import pytest

from thyref.cli import main

from .conftest import lesion, make_case, rai, scan

CASE = make_case(
    id="fast-path",
    lesions=[lesion("L1", "lung", "no"), lesion("L2", "lung", "yes")],
    rai=[rai("2019-06-01", 100)],
    imaging=[scan("2020-01-10", {"L1": 15, "L2": 12}), scan("2020-07-10", {"L1": 19, "L2": 12})],
)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        # the plain shape, long and short options, '=' form
        (["assess", "c.json"], {"path": "c.json", "format": "text", "lang": "fr"}),
        (
            ["assess", "-f", "json", "c.json", "-l", "en", "-d", "ata-2015"],
            {"path": "c.json", "format": "json", "lang": "en", "definition": "ata-2015"},
        ),
        (
            ["assess", "--format=markdown", "c.json"],
            {"path": "c.json", "format": "markdown", "lang": "fr"},
        ),
        # everything else goes to the full app
        (["assess", "-"], None),  # stdin
        (["assess", "c.json", "--help"], None),  # help
        (["assess", "c.json", "-f"], None),  # option without its value
        (["assess", "c.json", "-f", "yaml"], None),  # a value the app rejects
        (["assess", "c.json", "-l", "de"], None),
        (["assess", "a.json", "b.json"], None),  # a second path
        (["assess", "c.json", "-f", "json", "-f", "text"], None),  # repeated option
        (["assess"], None),
        (["validate", "c.json"], None),
        ([], None),
    ],
)
def test_fast_arguments(argv: list[str], expected: dict[str, str] | None) -> None:
    assert main._fast_arguments(argv) == expected


def _fast(argv: list[str]) -> str | None:
    write = main._fast_assess(argv)
    if write is None:
        return None
    out = io.StringIO()
    with redirect_stdout(out):
        write()
    return out.getvalue()


def _app(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> str:
    from thyref.cli import app

    monkeypatch.setattr(sys, "argv", ["thyref", *argv])
    with pytest.raises(SystemExit) as done:
        app.app()
    assert done.value.code in (0, None)
    return capsys.readouterr().out


@pytest.mark.parametrize(
    "options",
    [["-f", "json"], ["-f", "json", "-l", "en", "-d", "ata-2015"], ["-f", "markdown", "-l", "en"]],
)
def test_fast_output_equals_the_app(
    options: list[str],
    tmp_path: pathlib.Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(CASE), encoding="utf-8")
    argv = ["assess", str(path), *options]
    fast = _fast(argv)
    assert fast is not None and fast == _app(argv, monkeypatch, capsys)


@pytest.mark.parametrize(
    "content",
    [
        json.dumps({**CASE, "rai": [{"date": "2019-06-01", "activity": -1, "unit": "mCi"}]}),
        "{not json",
        json.dumps({"resourceType": "Bundle", "type": "collection", "entry": []}),
    ],
)
def test_invalid_or_fhir_input_falls_back(content: str, tmp_path: pathlib.Path) -> None:
    path = tmp_path / "case.json"
    path.write_text(content, encoding="utf-8")
    assert main._fast_assess(["assess", str(path), "-f", "json"]) is None


def test_missing_file_falls_back(tmp_path: pathlib.Path) -> None:
    assert main._fast_assess(["assess", str(tmp_path / "absent.json")]) is None


def test_app_names_stay_importable_from_main() -> None:
    from thyref.cli.main import _read, app

    assert callable(_read) and app.info.name == "thyref"


@pytest.mark.parametrize(
    ("module", "forbidden"),
    [
        # the entry point alone loads neither typer nor the domain: `thyref assess` decides
        ("thyref.cli.main", {"typer", "rich", "click", "pydantic", "thyref.domain"}),
        # the full app keeps its adapters lazy (the guards of tests/test_architecture.py and
        # tests/cohort, which import thyref.cli.main, now apply to thyref.cli.app)
        (
            "thyref.cli.app",
            {"fastapi", "sqlalchemy", "bm25s", "numpy", "matplotlib", "fhir", "jwt", "httpx"}
            | {"pyarrow", "duckdb", "pyspark", "pandas", "thyref.synth"},
        ),
    ],
)
def test_start_up_imports(module: str, forbidden: set[str]) -> None:
    import subprocess

    code = f"import sys, {module}; print('\\n'.join(sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(done.stdout.split())
    loaded |= {name.split(".")[0] for name in loaded}
    assert loaded & forbidden == set()


def test_the_console_script_import_does_not_load_the_app() -> None:
    # the console script does `from thyref.cli.main import run`; the import system then
    # asks the module for `__path__`, which must not load typer and the whole app
    code = (
        "import sys\n"
        "from thyref.cli.main import run\n"
        "print('thyref.cli.app' in sys.modules, 'typer' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def _assess_in_child(case: pathlib.Path, output: str) -> str:
    """Python code for a child process: `thyref assess CASE -f OUTPUT` through the CLI's
    entry point, its output kept in `out`; the caller's lines follow it."""
    return (
        "import sys, io, contextlib\n"
        "from thyref.cli.main import run\n"
        f"sys.argv = ['thyref', 'assess', {str(case)!r}, '-f', {output!r}]\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        "    run()\n"
    )


def test_a_warm_start_builds_no_validator_and_reads_no_toml(tmp_path: pathlib.Path) -> None:
    """Issue 13, cold start: once the cache folder holds the checked rules, therapies and
    catalogue, `thyref assess FILE -f json` on a valid case reads no TOML, makes pydantic
    build no validator (nor load its plugin machinery) and still prints the same JSON."""
    if os.environ.get("MUTANT_UNDER_TEST"):
        # every mutated module imports mutmut's trampoline, which loads importlib.metadata:
        # the import check says nothing about our code there (the mutant is still run by
        # the output comparison of the other fast-path tests)
        pytest.skip("under mutmut: mutated modules import mutmut's own machinery")
    case = tmp_path / "case.json"
    case.write_text(json.dumps(CASE), encoding="utf-8")
    code = _assess_in_child(case, "json") + (
        "from thyref.domain.case import RawCase\n"
        "from thyref.domain.rules import Rules\n"
        "print(out.getvalue())\n"
        "print('LOADED', *sorted(sys.modules))\n"
        "print('BUILT', RawCase.__pydantic_complete__, Rules.__pydantic_complete__)\n"
    )
    env = {**os.environ, "THYREF_CACHE_DIR": str(tmp_path / "cache")}
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
        ).stdout
        for _ in range(2)
    ]
    first, second = (run.split("\nLOADED ") for run in runs)
    assert first[0] == second[0] and json.loads(second[0])["case_id"] == "fast-path"
    loaded = set(second[1].split("\n")[0].split())
    assert loaded & {"tomllib", "importlib.metadata", "pydantic.plugin._loader"} == set()
    assert second[1].split("\n")[1] == "BUILT False False"


def test_markdown_output_does_not_load_rich(tmp_path: pathlib.Path) -> None:
    # rich draws the terminal report only; Markdown is plain text (issue 13, start-up)
    case = tmp_path / "case.json"
    case.write_text(json.dumps(CASE), encoding="utf-8")
    code = _assess_in_child(case, "markdown") + (
        "print('rich' in sys.modules, 'thyref.report' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True"]
