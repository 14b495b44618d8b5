"""The commands: `thyref synth`, `thyref cohort run`, `thyref cohort summary`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from thyref.cli.main import app
from thyref.synth import synth_case

from .support import read_errors, read_rows, write_ndjson

runner = CliRunner()


def test_synth_then_run_then_summary(tmp_path: Path) -> None:
    cases = tmp_path / "cases.ndjson"
    done = runner.invoke(app, ["synth", "--n", "40", "--seed", "9", "--out", str(cases)])
    assert done.exit_code == 0, done.output
    assert len(cases.read_bytes().splitlines()) == 40
    out = tmp_path / "out"
    args = ["cohort", "run", str(cases), "--out", str(out), "--workers", "1", "--no-progress"]
    done = runner.invoke(app, [*args, "--lang", "en"])
    assert done.exit_code == 0, done.output
    assert "40 patients assessed, 0 records rejected" in done.output
    assert len(read_rows(out)) == 40
    assert read_errors(out) == []
    done = runner.invoke(app, ["cohort", "summary", str(out), "--lang", "en"])
    assert done.exit_code == 0
    assert "Patients by status" in done.output
    page = tmp_path / "summary.html"
    args = ["cohort", "summary", str(out), "--format", "html", "--output", str(page)]
    assert runner.invoke(app, args).exit_code == 0
    assert "<svg" in page.read_text()


def test_synth_folder_writes_one_file_per_patient(tmp_path: Path) -> None:
    done = runner.invoke(app, ["synth", "--n", "7", "--out", str(tmp_path / "cases")])
    assert done.exit_code == 0
    assert len(list((tmp_path / "cases").glob("*.json"))) == 7


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "none.ndjson\u00a0: fichier ou dossier introuvable"),  # French by default
        ("en", "none.ndjson: no such file or folder"),
    ],
)
def test_bad_input_is_one_line_not_a_traceback(tmp_path: Path, lang: str, said: str) -> None:
    thyref = Path(sys.executable).parent / "thyref"
    out = tmp_path / "run"
    cmd = [str(thyref), "cohort", "run", str(tmp_path / "none.ndjson"), "--out", str(out)]
    done = subprocess.run([*cmd, "--lang", lang], capture_output=True, text=True)
    assert done.returncode == 2  # bad input, as for a case (1 is thyref's own failure)
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines == [f"thyref: {tmp_path}/{said}"]  # one line: no progress bar drawn before it
    assert not out.exists()  # nothing written for an input that does not exist


@pytest.mark.parametrize(
    ("args", "said"),
    [
        # a folder with neither case files nor FHIR NDJSON
        (["OTHER"], "ne contient ni dossiers de patients (*.json) ni fichiers NDJSON FHIR"),
        # a folder with nothing at all (test_an_empty_input_is_refused_and_nothing_written)
        (["EMPTY"], "aucun patient dans"),
        # a day that does not exist
        (["CASES", "--as-of", "2020-13-01"], "--as-of\u00a0: '2020-13-01' n'est pas une date"),
    ],
)
def test_other_input_errors_are_said_in_french(tmp_path: Path, args: list[str], said: str) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("a note", encoding="utf-8")
    cases = tmp_path / "cases.ndjson"
    cases.write_text(json.dumps(synth_case(1, 0)) + "\n", encoding="utf-8")
    names = {"EMPTY": str(tmp_path / "empty"), "OTHER": str(tmp_path / "other")}
    names["CASES"] = str(cases)
    source, *rest = args
    done = runner.invoke(
        app, ["cohort", "run", names[source], "--out", str(tmp_path / "run"), *rest]
    )
    assert done.exit_code == 2, done.output
    assert said in done.output


def _empty_input(kind: str, folder: Path) -> Path:
    """An input of ``kind`` that holds no record."""
    if kind == "empty-file":
        (folder / "cases.ndjson").write_bytes(b"")
        return folder / "cases.ndjson"
    if kind == "blank-file":  # a byte order mark, blank lines: no line is a record
        (folder / "cases.ndjson").write_bytes(b"\xef\xbb\xbf\n\n  \r\n\t\n")
        return folder / "cases.ndjson"
    source = folder / "in"
    source.mkdir()
    if kind == "bulk":  # a FHIR Bulk Data export whose files came out empty
        for name in ("Patient.ndjson", "Observation.ndjson"):
            (source / name).write_bytes(b"\n" if name.startswith("O") else b"")
    elif kind == "other":  # files, but neither case files nor NDJSON (unknown_folder)
        (source / "notes.txt").write_text("a note", encoding="utf-8")
    return source


@pytest.mark.parametrize(
    ("kind", "args", "said"),
    [
        # an empty NDJSON file: was "0 patient évalué, 0 dossier rejeté", exit 0, and an
        # output folder with empty Parquet parts
        ("empty-file", [], "aucun patient dans {source}\u00a0: le fichier ne contient aucun"
         " enregistrement (il est vide, ou n'a que des lignes blanches)"),
        # blank lines only (and a byte order mark), in English
        ("blank-file", ["-l", "en"], "no patient found in {source}: the file holds no record"
         " (it is empty, or has blank lines only)"),
        # an empty folder (was "holds neither case files nor FHIR NDJSON files", and a
        # run.json left in --out)
        ("folder", ["-l", "en"], "no patient found in {source}: the folder is empty"),
        # a FHIR export of empty files: was 0 patients, exit 0
        ("bulk", [], "aucun patient dans {source}\u00a0: ses fichiers NDJSON ne contiennent"
         " aucun enregistrement"),
        # the Spark engine says the same, before a Spark session is started
        ("empty-file", ["--engine", "spark", "-l", "en"], "no patient found in {source}:"
         " the file holds no record"),
        # not empty but of no known kind: refused as before, and now nothing written either
        ("other", ["-l", "en"], "{source} holds neither case files (*.json) nor FHIR NDJSON"),
    ],
)  # fmt: skip
def test_an_empty_input_is_refused_and_nothing_written(
    tmp_path: Path, kind: str, args: list[str], said: str
) -> None:
    """A registry extract that came out empty is a failed extract, not a cohort of 0
    patients: one line naming the input, exit status 2 (the input, as for a case), and
    no output folder, so no empty Parquet is taken for a result and no run.json makes the
    rerun on the right extract ask for --restart."""
    source = _empty_input(kind, tmp_path)
    out = tmp_path / "run"
    cmd = ["cohort", "run", str(source), "--out", str(out), "--no-progress", *args]
    done = runner.invoke(app, cmd, env={"THYREF_LANG": None})
    assert done.exit_code == 2, done.output
    lines = [line for line in done.output.splitlines() if line.strip()]
    assert len(lines) == 1, done.output  # one line, no traceback
    assert lines[0].startswith("thyref: " + said.format(source=source)), done.output
    assert not out.exists()


def test_help_does_not_load_the_cohort_libraries() -> None:
    code = (
        "import sys; import thyref.cli.main; "
        "print(' '.join(m for m in ('pyarrow', 'duckdb', 'pyspark', 'pandas', 'thyref.synth') "
        "if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_as_of_day_is_used_and_kept(tmp_path: Path) -> None:
    import orjson

    cases = tmp_path / "cases.ndjson"
    assert runner.invoke(app, ["synth", "--n", "3", "--out", str(cases)]).exit_code == 0
    out = tmp_path / "out"
    args = ["cohort", "run", str(cases), "--out", str(out), "--workers", "1", "--no-progress"]
    assert runner.invoke(app, [*args, "--as-of", "2026-01-31"]).exit_code == 0
    assert orjson.loads((out / "run.json").read_bytes())["as_of"] == "2026-01-31"
    bad = runner.invoke(app, [*args, "--as-of", "31/01/2026"])
    assert bad.exit_code == 2
    assert "--as-of" in bad.output


def _read_only(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make creating ``folder`` fail as on a read-only file system (the tests run as root,
    which file modes do not stop)."""
    import errno
    import os

    real_mkdir = Path.mkdir

    def mkdir(self: Path, *args: object, **kwargs: object) -> None:
        if str(self).startswith(str(folder)):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(self))
        real_mkdir(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "mkdir", mkdir)


@pytest.mark.parametrize(
    ("case", "said_fr", "said_en"),
    [
        # --out names an existing file, not a folder (was "internal error: FileExistsError")
        ("file", "n'est pas un dossier", "is not a folder"),
        # --out cannot be written (a read-only disk; was "internal error: OSError", exit 1)
        ("read-only", "écriture impossible", "cannot be written"),
    ],
)
def test_an_unusable_out_folder_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str, said_fr: str, said_en: str
) -> None:
    cases = tmp_path / "cases.ndjson"
    cases.write_text(json.dumps(synth_case(1, 0)) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    if case == "file":
        out.write_text("someone's data", encoding="utf-8")
    else:
        _read_only(out, monkeypatch)
    for lang, said in (("fr", said_fr), ("en", said_en)):
        args = ["cohort", "run", str(cases), "--out", str(out), "--no-progress", "--lang", lang]
        done = runner.invoke(app, args)
        assert done.exit_code == 2, done.output  # the user's --out, not thyref's failure
        assert said in done.output and str(out) in done.output
        assert "internal error" not in done.output
    if case == "file":
        assert out.read_text(encoding="utf-8") == "someone's data"


@pytest.mark.parametrize("restart", [False, True])
@pytest.mark.parametrize(
    "where",
    [
        # a folder of the user's that happens to hold a patients/ folder: --restart
        # deleted it whole, and a run wrote its parts among the user's files
        "own-folder",
        # the input folder itself: its run.json was read as a case by the next run
        "input-folder",
    ],
)
def test_an_out_folder_that_holds_no_run_is_left_alone(
    tmp_path: Path, where: str, restart: bool
) -> None:
    # security16
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "c1.json").write_text(json.dumps(synth_case(1, 0)), encoding="utf-8")
    if where == "own-folder":
        out = tmp_path / "mine"
        (out / "patients").mkdir(parents=True)
        (out / "patients" / "notes.txt").write_text("someone's data", encoding="utf-8")
    else:
        out = cases
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    for lang, said in (
        ("fr", "ne contient pas d'exécution de thyref"),
        ("en", "is not empty and holds no thyref run"),
    ):
        args = ["cohort", "run", str(cases), "--out", str(out), "--no-progress", "--lang", lang]
        done = runner.invoke(app, [*args, "--restart"] if restart else args)
        assert done.exit_code == 2, done.output
        assert said in done.output and str(out) in done.output
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before


def test_an_out_folder_with_only_hidden_files_is_used(tmp_path: Path) -> None:
    # a folder made in a file manager (.DS_Store): an empty folder to its user
    cases = tmp_path / "cases.ndjson"
    write_ndjson(cases, 1, 0)
    out = tmp_path / "out"
    out.mkdir()
    (out / ".DS_Store").write_bytes(b"\0")
    done = runner.invoke(app, ["cohort", "run", str(cases), "--out", str(out), "--no-progress"])
    assert done.exit_code == 0, done.output
    assert (out / "run.json").is_file()


@pytest.mark.skipif(not Path("/dev/stdin").exists(), reason="no /dev/stdin")
def test_a_cohort_from_a_pipe_is_one_clear_line(tmp_path: Path) -> None:
    # security16: `thyref cohort run /dev/stdin` (or <(...)) was "internal error:
    # NotADirectoryError", exit 1
    line = json.dumps(synth_case(1, 0)) + "\n"
    thyref = Path(sys.executable).parent / "thyref"
    args = [str(thyref), "cohort", "run", "/dev/stdin"]
    args += ["--out", str(tmp_path / "out"), "--no-progress", "--lang", "en"]
    done = subprocess.run(args, input=line, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "/dev/stdin is neither a file nor a folder" in done.stderr
    assert "internal error" not in done.stderr


def test_summary_of_a_folder_that_does_not_exist_is_an_error(tmp_path: Path) -> None:
    # was "No patient in this output folder." with exit status 0: a typo in the folder
    # name read as an empty cohort
    for lang, said in (("fr", "introuvable"), ("en", "no such file or folder")):
        done = runner.invoke(app, ["cohort", "summary", str(tmp_path / "nope"), "-l", lang])
        assert done.exit_code == 2
        assert said in done.output


def test_summary_to_a_file_that_cannot_be_written_is_an_error(tmp_path: Path) -> None:
    # --output in a folder that does not exist (was "internal error: FileNotFoundError")
    (tmp_path / "run").mkdir()
    target = tmp_path / "no-such-folder" / "summary.html"
    args = ["cohort", "summary", str(tmp_path / "run"), "--output", str(target), "-l", "en"]
    done = runner.invoke(app, args)
    assert done.exit_code == 2, done.output
    assert "cannot be written" in done.output and "internal error" not in done.output


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "1 patient évalué, 0 dossier rejeté, 1 lot dont 0 déjà fait"),
        # CLDR: French says 0 and 1 in the singular (the line read "1 patients évalués")
        ("en", "1 patient assessed, 0 records rejected, 1 chunk of which 0 already done"),
        # CLDR: English says 1 only in the singular
    ],
)
def test_run_counts_follow_the_plural_rules(tmp_path: Path, lang: str, said: str) -> None:
    cases = tmp_path / "cases.ndjson"
    assert runner.invoke(app, ["synth", "--n", "1", "--out", str(cases)]).exit_code == 0
    args = ["cohort", "run", str(cases), "--out", str(tmp_path / "out"), "--no-progress"]
    done = runner.invoke(app, [*args, "--workers", "1", "--lang", lang])
    assert done.exit_code == 0, done.output
    assert said in done.output


# what errors.ndjson says of three bad records, in each language, with the code beside the
# words: the catalogue's sentences of the format errors and of a case's problems (the
# same as `thyref validate` says them; tests/test_messages.py)
ERRORS_SAID = {
    "fr": [
        ("cases.ndjson:2", "", "not_json", "le texte n'est pas du JSON valide (ligne 1, colonne"),
        ("cases.ndjson:3", "", "not_object", "un dossier doit être un objet JSON"),
        ("cases.ndjson:4", "diagnosis", "missing", "champ obligatoire manquant"),
    ],
    "en": [
        ("cases.ndjson:2", "", "not_json", "the text is not valid JSON (line 1, column 1)"),
        ("cases.ndjson:3", "", "not_object", "a case must be a JSON object"),
        ("cases.ndjson:4", "diagnosis", "missing", "required field is missing"),
    ],
}  # fmt: skip


@pytest.mark.parametrize(
    ("args", "lang"),
    [
        ([], "fr"),  # French by default (the file was English only)
        (["--lang", "en"], "en"),  # English on request
    ],
)
def test_the_errors_file_follows_lang(tmp_path: Path, args: list[str], lang: str) -> None:
    cases = tmp_path / "cases.ndjson"
    bad = [b"not json", b"[1, 2]", b'{"format": "thyref-case/1", "id": "x"}']
    write_ndjson(cases, 1, seed=4, extra=bad)
    out = tmp_path / "out"
    run = ["cohort", "run", str(cases), "--out", str(out), "--workers", "1", "--no-progress"]
    done = runner.invoke(app, [*run, *args], env={"THYREF_LANG": None})
    assert done.exit_code == 0, done.output
    said = [
        (e["source"], p["path"], p["code"], p["message"])
        for e in read_errors(out)
        for p in e["problems"]
    ]
    assert len(said) == len(ERRORS_SAID[lang])
    for (source, path, code, message), want in zip(said, ERRORS_SAID[lang], strict=True):
        assert (source, path, code) == want[:3]
        assert message.startswith(want[3]), message
    # the Parquet parts keep the language-neutral record: English words, key and values
    import pyarrow.parquet as pq

    stored = pq.read_table(out / "errors" / "part-00000.parquet").to_pylist()
    assert stored[0]["problems"][0]["key"] == "format.not_json"
    assert stored[0]["problems"][0]["message"].startswith("input is not valid JSON")


@pytest.mark.parametrize(
    ("n", "lang", "said"),
    [
        ("1", "fr", "1 patient synthétique écrit dans"),  # CLDR French: 1 singular
        ("2", "fr", "2 patients synthétiques écrits dans"),  # plural
        ("1", "en", "1 synthetic patient written to"),  # CLDR English: 1 singular
    ],
)
def test_synth_says_its_count_with_the_plural_rules(
    tmp_path: Path, n: str, lang: str, said: str
) -> None:
    out = tmp_path / "s.ndjson"
    done = runner.invoke(app, ["synth", "--n", n, "--out", str(out), "--lang", lang])
    assert done.exit_code == 0
    assert said in done.output
