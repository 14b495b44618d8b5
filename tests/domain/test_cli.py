"""The CLI contract (case-format.md; brief): `thyref assess PATH|- --format json|text|markdown
--lang fr|en` exits 0 when fine, 2 on invalid input (every problem path on stderr, no
traceback), 1 on an internal error; `thyref validate PATH`, `thyref rules`,
`thyref --version`.

Each CLI start costs about a second, so every invocation below runs once, concurrently,
the first time a test needs it (`_results`), and the tests only read the outcomes.
"""

from __future__ import annotations

import atexit
import copy
import functools
import json
import os
import pathlib
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

import pytest

from prereq import require

from .conftest import lesion, make_case, rai, scan

ROOT = pathlib.Path(__file__).resolve().parents[2]
CLI = ROOT / ".venv" / "bin" / "thyref"

require(CLI.exists(), f"the CLI {CLI}", "run `make install`", module=True)

Result = subprocess.CompletedProcess[str]

VALID = make_case(
    id="cli-demo",
    lesions=[lesion("L1", "lung", "no"), lesion("L2", "lung", "yes")],
    rai=[rai("2019-06-01", 100)],
    imaging=[scan("2020-01-10", {"L1": 15, "L2": 12}), scan("2020-07-10", {"L1": 15, "L2": 12})],
)

INVALID = make_case(
    id="cli-bad",
    lesions=[lesion("L1", "lung", "no")],
    rai=[rai("2019-06-01", -5)],
    imaging=[scan("2020-01-10", {"L1": 15, "L9": 3})],
)
INVALID["diagnosis"]["histology"] = "papilary"
INVALID_PATHS = ["diagnosis.histology", "rai[0].activity", "imaging[0].measurements.L9"]

# JSON texts with what json.dumps cannot write: a lone surrogate escape, deep nesting, a
# 5,001-digit integer
SURROGATE = json.dumps(VALID).replace(
    '"format"', '"clinical": {"on_systemic_therapy": "lenva\\ud800"}, "format"'
)
SURROGATE_ID = json.dumps(VALID).replace('"L2"', '"L\\ud800"')
DEEP = json.dumps(VALID).replace('"format"', '"extra": ' + "[" * 2000 + "]" * 2000 + ', "format"')
DIGITS = json.dumps(VALID).replace(
    '"format"', '"patient": {"birth_year": 1' + "0" * 5000 + '}, "format"'
)

RULE_IDS = (
    "DTC-NO-UPTAKE",
    "DTC-PROGRESSION-12M",
    "DTC-CUMULATIVE-ACTIVITY",
    "ATC-ALWAYS",
    "MTC-ADVANCED",
)


def _call(args: list[str], stdin: str | None = None, env: dict[str, str] | None = None) -> Result:
    return subprocess.run(
        [str(CLI), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=None if env is None else {**os.environ, **env},
    )


@functools.cache
def _results() -> dict[str, Result]:
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="thyref-cli-test-"))
    atexit.register(shutil.rmtree, tmp, True)

    def write(name: str, content: Any) -> str:
        p = tmp / name
        p.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
        return str(p)

    valid = write("valid.json", VALID)
    invalid = write("invalid.json", INVALID)
    calls: dict[str, tuple[list[str], str | None, dict[str, str] | None]] = {
        "json-fr": (["assess", valid, "--format", "json", "--lang", "fr"], None, None),
        "json-en": (["assess", valid, "--format", "json", "--lang", "en"], None, None),
        "stdin": (["assess", "-", "--format", "json"], json.dumps(VALID), None),
        "text-fr": (["assess", valid, "--format", "text", "--lang", "fr"], None, None),
        "markdown-en": (["assess", valid, "--format", "markdown", "--lang", "en"], None, None),
        "invalid-file": (["assess", invalid, "--format", "json"], None, None),
        "not-json": (
            ["assess", write("text.json", "this is not json"), "--format", "json"],
            None,
            None,
        ),
        "truncated": (
            ["assess", write("trunc.json", '{"format": '), "--format", "json"],
            None,
            None,
        ),
        "array": (["assess", write("array.json", "[1, 2]"), "--format", "json"], None, None),
        "big": (
            [
                "assess",
                write("big.json", dict(VALID, padding="x" * (6 * 1024 * 1024))),
                "--format",
                "json",
            ],
            None,
            None,
        ),
        "missing-file": (["assess", str(tmp / "nope.json"), "--format", "json"], None, None),
        "missing-file-en": (["assess", str(tmp / "nope.json"), "--lang", "en"], None, None),
        "folder": (["validate", str(tmp)], None, None),
        "folder-en": (["validate", str(tmp), "--lang", "en"], None, None),
        "truncated-en": (["assess", str(tmp / "trunc.json"), "--lang", "en"], None, None),
        "array-en": (["assess", str(tmp / "array.json"), "--lang", "en"], None, None),
        "big-en": (["assess", str(tmp / "big.json"), "--lang", "en"], None, None),
        "definition-unknown-en": (
            ["assess", valid, "--definition", "ata-2025", "--lang", "en"],
            None,
            None,
        ),
        "validate-ok": (["validate", valid], None, None),
        "validate-bad": (["validate", invalid], None, None),
        "rules-piped": (["rules"], None, None),
        "rules-piped-en": (["rules", "--lang", "en"], None, None),
        "rules-no-raw": (["rules", "--definition", "ata-2015"], None, None),
        "rules-no-raw-en": (["rules", "--definition", "ata-2015", "-l", "en"], None, None),
        "fhir-import-de": (["fhir", "import", valid, "--lang", "de"], None, None),
        "fhir-export-de": (["fhir", "export", valid, "--lang", "de"], None, None),
        "definition-ata": (
            ["assess", valid, "--format", "json", "--definition", "ata-2015"],
            None,
            None,
        ),
        "definition-unknown": (["assess", valid, "--definition", "ata-2025"], None, None),
        "markdown-definitions": (["assess", valid, "--format", "markdown"], None, None),
        "version": (["--version"], None, None),
        # a lone surrogate escape (was a UnicodeEncodeError traceback at output, "internal
        # error" from stdin, and "valid" from validate)
        "surrogate": (["assess", write("sur.json", SURROGATE), "-f", "json"], None, None),
        "surrogate-en": (["assess", str(tmp / "sur.json"), "--lang", "en"], None, None),
        "surrogate-stdin": (["assess", "-", "-f", "json"], SURROGATE, None),
        "surrogate-validate": (["validate", str(tmp / "sur.json")], None, None),
        "surrogate-id": (["assess", write("sid.json", SURROGATE_ID), "-f", "json"], None, None),
        # 2,000 nested arrays and a 5,001-digit integer (were "internal error", exit 1)
        "deep": (["assess", write("deep.json", DEEP), "-f", "json"], None, None),
        "deep-validate": (["validate", str(tmp / "deep.json"), "--lang", "en"], None, None),
        "digits": (["assess", write("digits.json", DIGITS), "-f", "json"], None, None),
        "digits-validate": (["validate", str(tmp / "digits.json"), "--lang", "en"], None, None),
    }
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {k: pool.submit(_call, *v) for k, v in calls.items()}
        return {k: f.result() for k, f in futures.items()}


def _not_fhir() -> Exception:
    from thyref.errors import CaseFormatError

    return CaseFormatError("not FHIR", "not_fhir")


def _no_traceback(p: Result) -> None:
    assert "Traceback" not in p.stderr
    assert "Traceback" not in p.stdout


def _one_line_error(p: Result) -> None:
    # invalid input -> exit 2, a single non-empty stderr line, no traceback
    assert p.returncode == 2, (p.returncode, p.stderr[:500])
    lines = [line for line in p.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, p.stderr[:500]
    _no_traceback(p)


def test_assess_json() -> None:
    # DTC-NO-UPTAKE (L1 lung not avid, metastatic) -> refractory; 100 mCi = 3.7 GBq.
    p = _results()["json-fr"]
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["case_id"] == "cli-demo"
    assert out["refractory"]["status"] == "refractory"
    assert out["refractory"]["criteria_met"] == ["DTC-NO-UPTAKE"]
    assert out["rai"]["cumulative_gbq"] == pytest.approx(3.7, abs=0.006)
    assert out["engine"]["rules"] == "tuthyref-2021"


def test_assess_json_matches_the_domain() -> None:
    # The CLI prints the same object as assess(...).to_json().
    p = _results()["json-en"]
    assert p.returncode == 0, p.stderr
    printed = json.loads(p.stdout)
    # the domain assessed on the day the CLI did (a run may cross midnight)
    from thyref.domain import assess, parse_case

    day = date.fromisoformat(printed["engine"]["as_of"])
    expected = assess(parse_case(copy.deepcopy(VALID)), lang="en", today=day).to_json()
    assert printed == json.loads(json.dumps(expected))


def test_assess_stdin() -> None:
    p = _results()["stdin"]
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["case_id"] == "cli-demo"


@pytest.mark.parametrize("name", ["text-fr", "markdown-en"])
def test_assess_readable_formats(name: str) -> None:
    p = _results()[name]
    assert p.returncode == 0, p.stderr
    assert "cli-demo" in p.stdout
    assert "DTC-NO-UPTAKE" in p.stdout
    _no_traceback(p)


def test_lang_en_gives_english_titles() -> None:
    fr = json.loads(_results()["json-fr"].stdout)
    en = json.loads(_results()["json-en"].stdout)
    assert [r["id"] for r in fr["recommendations"]] == [r["id"] for r in en["recommendations"]]
    fr_titles = [r["title"] for r in fr["recommendations"]]
    en_titles = [r["title"] for r in en["recommendations"]]
    assert en_titles and all(t.strip() for t in en_titles)
    assert all(a != b for a, b in zip(fr_titles, en_titles, strict=True))
    # no French function words or French accents left in the English titles
    for title in en_titles:
        padded = f" {title.lower()} "
        assert not any(w in padded for w in (" de ", " des ", " du ", " la ", " les ", "é", "è")), (
            title
        )


@pytest.mark.parametrize("name", ["invalid-file", "validate-bad"])
def test_invalid_exits_2_with_every_path(name: str) -> None:
    p = _results()[name]
    assert p.returncode == 2, (p.returncode, p.stderr)
    for path in INVALID_PATHS:
        assert path in p.stderr, (path, p.stderr)
    _no_traceback(p)
    assert not p.stdout.strip().startswith("{"), "no assessment printed for an invalid case"


@pytest.mark.parametrize("name", ["not-json", "array", "big"])
def test_unreadable_input_is_one_line(name: str) -> None:
    # Not-JSON, not an object, or over 5 MB: a one-line error, never a traceback (exit 2).
    _one_line_error(_results()[name])


@pytest.mark.parametrize(
    ("name", "said"),
    [
        # French is the default: the reason is said in French, with the place of the fault
        ("missing-file", "nope.json\u00a0: fichier introuvable"),
        ("truncated", "n'est pas du JSON valide (ligne 1, colonne 12)"),
        ("array", "un dossier doit être un objet JSON"),
        ("big", "fichier trop volumineux (5 Mo au plus)"),
        ("folder", "est un dossier\u00a0; un fichier JSON est attendu"),
        ("definition-unknown", "définition inconnue 'ata-2025'\u00a0; définitions connues\u00a0:"),
        # --lang en: the same reasons in English
        ("missing-file-en", "nope.json: no such file"),
        ("truncated-en", "not valid JSON (line 1, column 12)"),
        ("array-en", "a case must be a JSON object"),
        ("big-en", "file too large (5 MB at most)"),
        ("folder-en", "is a folder; a JSON file is expected"),
        ("definition-unknown-en", "unknown definition 'ata-2025'; known definitions:"),
    ],
)
def test_input_errors_speak_the_chosen_language(name: str, said: str) -> None:
    p = _results()[name]
    assert p.returncode == 2, (p.returncode, p.stderr)
    assert said in p.stderr, p.stderr
    _no_traceback(p)


def test_missing_file_is_not_a_traceback() -> None:
    p = _results()["missing-file"]
    assert p.returncode != 0
    _no_traceback(p)


def test_validate_valid() -> None:
    p = _results()["validate-ok"]
    assert p.returncode == 0, p.stderr
    _no_traceback(p)


def test_rules_lists_every_criterion() -> None:
    # `thyref rules` lists the rules in force: every criterion id appears in full, also
    # when piped (no 80-column cut: found by this suite, fixed by the lead in db5a138).
    p = _results()["rules-piped"]
    assert p.returncode == 0, p.stderr
    for rule in RULE_IDS:
        assert rule in p.stdout, rule


def test_version_matches_the_engine() -> None:
    p = _results()["version"]
    assert p.returncode == 0
    out = json.loads(_results()["json-fr"].stdout)
    assert out["engine"]["version"] in p.stdout


def test_definition_option_makes_ata_primary() -> None:
    # case-format.md: "`thyref assess --definition ata-2015` makes another set primary".
    # VALID: L1 no, L2 yes, no scans -> ata-2015 MIXED-UPTAKE and NON-AVID
    p = _results()["definition-ata"]
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert [d["rule_set"] for d in out["definitions"]] == ["ata-2015", "tuthyref-2021"]
    assert out["refractory"]["criteria_met"] == ["ATA2015-MIXED-UPTAKE", "ATA2015-NON-AVID"]


def test_unknown_definition_exits_2_naming_the_known_ones() -> None:
    p = _results()["definition-unknown"]
    assert p.returncode == 2
    assert "tuthyref-2021" in p.stderr and "ata-2015" in p.stderr
    _no_traceback(p)


def test_markdown_report_has_one_line_per_other_definition() -> None:
    # issue 14: "text and Markdown reports add one line per other definition"
    p = _results()["markdown-definitions"]
    assert p.returncode == 0, p.stderr
    lines = [line for line in p.stdout.splitlines() if "ata-2015" in line]
    assert len(lines) == 1
    assert "réfractaire" in lines[0] and "ATA2015-MIXED-UPTAKE" in lines[0]


@pytest.mark.parametrize(
    ("name", "said"),
    [
        # a lone surrogate in a text field, named by its path (file, French)
        ("surrogate", "clinical.on_systemic_therapy: contient U+D800"),
        # the same in English
        ("surrogate-en", "clinical.on_systemic_therapy: contains U+D800"),
        # from standard input (was "internal error", exit 1)
        ("surrogate-stdin", "clinical.on_systemic_therapy: contient U+D800"),
        # validate says it too (was "valid case")
        ("surrogate-validate", "clinical.on_systemic_therapy: contient U+D800"),
        # in a lesion id, which imaging refers to: the id, and the measurement keys
        ("surrogate-id", "lesions[1].id: contient U+D800"),
        # JSON nested 2,000 levels deep
        ("deep", "JSON trop imbriqué (254 niveaux au plus)"),
        # the same from validate, in English
        ("deep-validate", "JSON nested too deeply (254 levels at most)"),
        # an integer of 5,001 digits, over Python's conversion limit
        ("digits", "un nombre a 5001 chiffres\u00a0; 4300 au plus sont acceptés"),
        # the same from validate, in English
        ("digits-validate", "a number has 5001 digits; at most 4300 are accepted"),
    ],
)
def test_text_and_json_beyond_what_python_handles_exit_2(name: str, said: str) -> None:
    p = _results()[name]
    assert p.returncode == 2, (p.returncode, p.stderr[:500])
    assert said in p.stderr, p.stderr[:500]
    assert p.stdout == ""
    _no_traceback(p)


@pytest.mark.parametrize(
    "args",
    [
        ["--format", "json"],  # the fast path (was a BrokenPipeError traceback)
        ["--format", "markdown", "--lang", "en"],  # the fast path, another writer
        ["-", "--format", "json"],  # standard input: the full app writes
    ],
    ids=["json", "markdown", "full-app"],
)
def test_a_closed_output_pipe_is_no_traceback(tmp_path: pathlib.Path, args: list[str]) -> None:
    case = tmp_path / "c.json"
    case.write_text(json.dumps(VALID), encoding="utf-8")
    read, write = os.pipe()
    os.close(read)  # the reader (`| head -c 1`) is gone before anything is written
    try:
        source = [] if args[0] == "-" else [str(case)]
        done = subprocess.run(
            [str(CLI), "assess", *source, *args],
            stdin=case.open("rb"),
            stdout=write,
            stderr=subprocess.PIPE,
            timeout=120,
            cwd=ROOT,
        )
    finally:
        os.close(write)
    said = done.stderr.decode()
    assert "Traceback" not in said and "BrokenPipe" not in said and "internal" not in said, said


@pytest.mark.parametrize(
    ("name", "said"),
    [
        # French by default: the refusal, and the table's column names
        ("rules-no-raw", "thyref: --definition s'emploie avec --raw"),
        ("rules-piped", "réglage"),
        # English with --lang en
        ("rules-no-raw-en", "thyref: --definition goes with --raw"),
        ("rules-piped-en", "setting"),
    ],
)
def test_rules_speaks_the_chosen_language(name: str, said: str) -> None:
    p = _results()[name]
    assert said in p.stdout + p.stderr, (p.stdout[:300], p.stderr)
    assert p.returncode == (2 if "no-raw" in name else 0)
    other = "setting" if name.endswith(("raw", "piped")) else "réglage"
    assert other not in p.stdout
    _no_traceback(p)


@pytest.mark.parametrize("name", ["fhir-import-de", "fhir-export-de"])
def test_fhir_refuses_a_language_it_does_not_speak(name: str) -> None:
    # --lang takes fr or en, as every other command (was: any value, read as French)
    p = _results()[name]
    assert p.returncode == 2
    assert "--lang" in p.stderr
    assert p.stdout == ""


@pytest.mark.parametrize(
    ("argv", "error", "said"),
    [
        # French by default, a no-break space before the colon
        (
            ["assess", "c.json"],
            RuntimeError("boom"),
            "thyref: erreur interne\u00a0: RuntimeError: boom",
        ),
        # the language asked for, in each spelling of the option
        (
            ["assess", "c.json", "--lang", "en"],
            RuntimeError("boom"),
            "thyref: internal error: RuntimeError: boom",
        ),
        (["demo", "-l", "en"], RuntimeError("boom"), "thyref: internal error: RuntimeError: boom"),
        (
            ["rules", "--lang=en"],
            RuntimeError("boom"),
            "thyref: internal error: RuntimeError: boom",
        ),
        # "en" that is not the value of --lang leaves French
        (["ask", "en"], RuntimeError("boom"), "thyref: erreur interne\u00a0: RuntimeError: boom"),
        # a thyref error with a catalogue code: its sentence in the language asked for
        (["assess", "c.json"], _not_fhir(), "thyref: ce n'est pas du FHIR"),
        (["assess", "c.json", "-l", "en"], _not_fhir(), "thyref: not FHIR: a Bundle"),
    ],
)
def test_last_resort_errors_speak_the_chosen_language(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    error: Exception,
    said: str,
) -> None:
    from thyref.cli import app as cli

    def fail() -> None:
        raise error

    monkeypatch.setattr(cli, "app", fail)
    monkeypatch.setattr("sys.argv", ["thyref", *argv])
    with pytest.raises(SystemExit) as stopped:
        cli.run()
    assert stopped.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith(said) and err.count("\n") == 1, err  # one line
