"""Every CLI report (text, Markdown, demo) in each language shows no word of the other."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from thyref.cli.main import app
from thyref.demo import demo_cases

from .telltales import context, leaks

CASES = [raw["id"] for raw in demo_cases()]


@pytest.fixture(scope="module")
def case_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("cases")
    files = {}
    for raw in demo_cases():
        files[raw["id"]] = folder / f"{raw['id']}.json"
        files[raw["id"]].write_text(json.dumps(raw), encoding="utf-8")
    return files


def _run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _clean(output: str, lang: str, where: str) -> None:
    found = leaks(output, lang)
    assert not found, f"{where}: {found} — " + " | ".join(context(output, f) for f in found[:3])


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_reports_speak_one_language(case_files: dict[str, Path], fmt: str, lang: str) -> None:
    for case_id, path in case_files.items():
        output = _run("assess", str(path), "--format", fmt, "--lang", lang)
        _clean(output, lang, f"assess {case_id} --format {fmt} --lang {lang}")


@pytest.mark.parametrize(
    ("lang", "heading", "plural"),
    [
        ("fr", "Dossiers de démonstration", "MS"),  # French title; SD said as MS
        ("en", "thyref demo cases", "SD"),  # English title; SD stays SD
    ],
)
def test_demo_speaks_the_chosen_language(lang: str, heading: str, plural: str) -> None:
    output = _run("demo", "--lang", lang)
    assert heading in output and plural in output
    _clean(output, lang, f"demo --lang {lang}")


def test_demo_never_cuts_a_code() -> None:
    output = _run("demo", "--lang", "en")
    for raw in demo_cases():
        assert raw["id"] in output  # whole case id on one line
    for code in ("MEDIASTINAL-NODE-SURGERY", "DTC-CUMULATIVE-ACTIVITY", "ACTIVE-SURVEILLANCE"):
        assert code in output, code


@pytest.mark.parametrize(
    ("lang", "one", "many"),
    [
        ("fr", "(1 cure)", "(5 cures)"),  # French singular and plural
        ("en", "(1 administration)", "(5 administrations)"),  # English
    ],
)
def test_administrations_have_their_plural(
    case_files: dict[str, Path], lang: str, one: str, many: str
) -> None:
    texts = "".join(
        _run("assess", str(path), "--format", "markdown", "--lang", lang)
        for path in case_files.values()
    )
    assert one in texts and many in texts
