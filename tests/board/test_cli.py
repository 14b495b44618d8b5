"""`thyref sheet` and `thyref letter` from the command line."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from typer.testing import CliRunner

from thyref.cli.main import app

from .conftest import load_example, pdf_text

runner = CliRunner()


def _case_file(tmp_path: Path) -> Path:
    case, _ = load_example("demo-003")
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case))
    return path


def test_sheet_pdf_and_html(tmp_path: Path) -> None:
    case = _case_file(tmp_path)
    out = tmp_path / "s.pdf"
    done = runner.invoke(app, ["sheet", str(case), "--lang", "en", "-o", str(out), "-q", "Q?"])
    assert done.exit_code == 0, done.output
    assert "DTC-NO-UPTAKE" in pdf_text(out.read_bytes())
    html = tmp_path / "s.html"
    done = runner.invoke(app, ["sheet", str(case), "--format", "html", "-o", str(html)])
    assert done.exit_code == 0 and "Fiche RCP" in html.read_text()


def test_letter_with_a_decision(tmp_path: Path) -> None:
    case = _case_file(tmp_path)
    decision = tmp_path / "d.json"
    decision.write_text(json.dumps({"options": ["REDIFFERENTIATION"], "follow_up": "2027-03-01"}))
    done = runner.invoke(app, ["letter", str(case), "--lang", "en", "--decision", str(decision)])
    assert done.exit_code == 0, done.output
    assert "What they propose" in done.output and "redifferentiation" in done.output
    out = tmp_path / "l.pdf"
    done = runner.invoke(app, ["letter", str(case), "-o", str(out), "--decision", str(decision)])
    assert done.exit_code == 0 and out.read_bytes().startswith(b"%PDF")


def test_bad_decision_exits_2_naming_the_fields(tmp_path: Path) -> None:
    case = _case_file(tmp_path)
    decision = tmp_path / "d.json"
    decision.write_text(json.dumps({"options": ["NOPE"], "follow_up": "soon"}))
    done = runner.invoke(app, ["letter", str(case), "--decision", str(decision)])
    assert done.exit_code == 2
    assert "options[0]" in done.output and "follow_up" in done.output
    assert "Traceback" not in done.output
    # each problem said in the command's language (French by default), not in English
    assert "must be a date" not in done.output, done.output
    english = runner.invoke(app, ["letter", str(case), "--decision", str(decision), "-l", "en"])
    assert "follow_up: must be a date written YYYY-MM-DD" in english.output


def test_a_decision_dated_after_today_is_refused(tmp_path: Path) -> None:
    """The letter would say the case "was presented" on a day still to come."""
    case = _case_file(tmp_path)
    decision = tmp_path / "d.json"
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    chosen = {"options": ["REDIFFERENTIATION"], "meeting": {"date": tomorrow}}
    decision.write_text(json.dumps(chosen))
    done = runner.invoke(app, ["letter", str(case), "--lang", "en", "--decision", str(decision)])
    assert done.exit_code == 2
    assert "meeting.date: is after today" in done.output


def test_a_missing_decision_file_is_named_in_the_commands_language(tmp_path: Path) -> None:
    case = _case_file(tmp_path)
    missing = str(tmp_path / "none.json")
    done = runner.invoke(app, ["letter", str(case), "--decision", missing])
    assert done.exit_code == 2
    assert "none.json\u00a0: fichier introuvable" in done.output
    done = runner.invoke(app, ["letter", str(case), "--decision", missing, "--lang", "en"])
    assert "none.json: no such file" in done.output


def test_invalid_case_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "thyref-case/1", "id": "x"}))
    done = runner.invoke(app, ["sheet", str(bad), "-o", str(tmp_path / "x.pdf")])
    assert done.exit_code == 2 and "diagnosis" in done.output
