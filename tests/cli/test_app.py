"""What `thyref validate` (and every command reading a case) says of the counts it gives:
the plural rules of each language (Unicode CLDR: French "one" for 0 and 1, English "one"
for 1 only), from the catalogue; the lines said "1 lésion(s)", "3 problème(s)"."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from thyref.cli.main import app

# case-format.md: the smallest valid case, one lesion and nothing else
_ONE_LESION: dict[str, Any] = {
    "format": "thyref-case/1",
    "id": "msg",
    "diagnosis": {"histology": "papillary", "date": "2020-01-01"},
    "lesions": [{"id": "L1", "site": "lung"}],
}


@pytest.mark.parametrize(
    ("case", "lang", "status", "said"),
    [
        (_ONE_LESION, "fr", 0,
         "dossier valide msg (1 lésion, 0 imagerie, 0 dosage, 0 cure d'iode 131)"),
        # French: 1 and 0 in the singular
        (_ONE_LESION, "en", 0,
         "valid case msg (1 lesion, 0 imaging dates, 0 lab values, 0 I-131 administrations)"),
        # English: 0 in the plural
        ({k: v for k, v in _ONE_LESION.items() if k != "diagnosis"}, "fr", 2,
         "dossier invalide, 1 problème"),
        # one problem (the diagnosis is required)
        ({}, "fr", 2, "dossier invalide, 3 problèmes"),
        # three (format, id, diagnosis)
        ({}, "en", 2, "invalid case, 3 problems"),
        # the same in English
    ],
)  # fmt: skip
def test_validate_counts_follow_the_plural_rules(
    tmp_path: Path, case: dict[str, Any], lang: str, status: int, said: str
) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case), encoding="utf-8")
    done = CliRunner().invoke(app, ["validate", str(path), "--lang", lang], env={"COLUMNS": "300"})
    assert done.exit_code == status, done.output
    assert said in " ".join(done.output.split()), done.output


@pytest.mark.parametrize(
    ("argv", "env", "said"),
    [
        (["demo"], "en", "thyref: internal error: RuntimeError: boom"),
        # THYREF_LANG is the language of the last-resort error too (was French)
        (["demo", "-l", "fr"], "en", "thyref: erreur interne\u00a0: RuntimeError: boom"),
        # --lang wins over it
        (["demo"], "de", "thyref: erreur interne\u00a0: RuntimeError: boom"),
        # an unknown language: French (the app reports the variable itself)
    ],
)
def test_last_resort_errors_read_thyref_lang(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    env: str,
    said: str,
) -> None:
    from thyref.cli import app as cli

    def fail() -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "app", fail)
    monkeypatch.setattr("sys.argv", ["thyref", *argv])
    monkeypatch.setenv("THYREF_LANG", env)
    with pytest.raises(SystemExit) as stopped:
        cli.run()
    assert stopped.value.code == 1
    assert capsys.readouterr().err.startswith(said)
