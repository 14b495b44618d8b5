"""Files named on the command line (``thyref.cli.files``): a file that cannot be read or
written, or that holds nothing usable, is said in the user's language, naming the option
that gave it, with exit status 2, never as an internal error (exit 1) nor as a result.

The guide: "Bad input: a clear error naming the field, never a traceback". The brief of
this change: run every command with bad inputs (missing file, a folder, unreadable,
empty, binary, wrong extension, not UTF-8, a BOM, stdin ``-``). The French and English
words are this change's; the system's English reasons (``Is a directory``) are those of
Python's ``OSError`` subclasses.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from thyref.cli.files import reason, unreadable, unwritable
from thyref.cli.main import app
from thyref.demo import demo_cases
from thyref.domain.messages import Lang


@pytest.mark.parametrize(
    ("exc", "fr", "en"),
    [
        # a folder where a file is written
        (IsADirectoryError(21, "Is a directory"), "c'est un répertoire", "it is a folder"),
        # a path through a file ("case.json/x")
        (
            NotADirectoryError(20, "Not a directory"),
            "un élément du chemin n'est pas un répertoire",
            "part of the path is not a folder",
        ),
        # not allowed (was the system's English "Permission denied" on a French line)
        (PermissionError(13, "Permission denied"), "permission refusée", "permission denied"),
        # a file where a folder is made
        (FileExistsError(17, "File exists"), "un fichier de ce nom existe déjà", "already exists"),
        # writing into a folder that does not exist
        (
            FileNotFoundError(2, "No such file or directory"),
            "le répertoire qui doit le contenir n'existe pas",
            "the folder to put it in does not exist",
        ),
        # any other reason: the system's own words, quoted
        (OSError(28, "No space left on device"), "No space left on device", "No space left"),
    ],
)
def test_the_systems_reason_is_said_in_each_language(exc: OSError, fr: str, en: str) -> None:
    assert fr in reason(exc, "fr")
    assert en in reason(exc, "en")


@pytest.mark.parametrize(
    ("said", "fr", "en"),
    [
        # reading, with the option that named the file
        (
            lambda lang: unreadable("d.json", PermissionError(13, "x"), lang, "--decision"),
            "--decision d.json\u00a0: lecture impossible (permission refusée)",
            "--decision d.json: cannot read (permission denied)",
        ),
        # reading a positional argument: the path alone, as before
        (
            lambda lang: unreadable("c.json", FileNotFoundError(2, "x"), lang),
            "c.json\u00a0: fichier introuvable",
            "c.json: no such file",
        ),
        # writing
        (
            lambda lang: unwritable("out", IsADirectoryError(21, "x"), lang, "--output"),
            "--output out\u00a0: écriture impossible (c'est un répertoire)",
            "--output out cannot be written (it is a folder)",
        ),
    ],
)
def test_a_file_is_named_with_its_option(said: Callable[[Lang], str], fr: str, en: str) -> None:
    assert said("fr") == fr
    assert said("en") == en


# ------------------------------------------------------------ through the command line


def _files(tmp: Path) -> dict[str, str]:
    """Names the table below uses, made concrete in ``tmp``."""
    case = tmp / "case.json"
    case.write_text(json.dumps(demo_cases()[0]), encoding="utf-8")
    (tmp / "dir").mkdir()
    (tmp / "empty.json").write_bytes(b"")
    (tmp / "run").mkdir()  # an (empty) folder for `cohort summary`
    (tmp / "data").write_text("someone's file", encoding="utf-8")
    # questions: a byte-order mark first (Windows editors), Latin-1 bytes (not UTF-8)
    (tmp / "bom.jsonl").write_bytes(b'\xef\xbb\xbf{"q": "iode"}\n')
    (tmp / "latin1.jsonl").write_bytes('{"q": "r\xe9sum\xe9"}\n'.encode("latin-1"))
    labelled = '{"q": "combien de cures d\'iode", "topic": null}\n'
    (tmp / "labelled-bom.jsonl").write_bytes(b"\xef\xbb\xbf" + labelled.encode())
    bundle = ["fhir", "export", str(case), "--out", str(tmp / "bundle.json")]
    assert CliRunner().invoke(app, bundle).exit_code == 0
    # a case file saved as Latin-1: "é" is the byte 0xE9, on its second line
    (tmp / "latin1.json").write_bytes('{\n "id": "H\xe9l\xe8ne"\n}\n'.encode("latin-1"))
    names = ["case.json", "dir", "empty.json", "run", "data", "bom.jsonl", "latin1.jsonl"]
    names += ["latin1.json"]
    names += ["labelled-bom.jsonl", "bundle.json"]
    return {name: str(tmp / name) for name in names} | {"none": str(tmp / "none" / "x.txt")}


# (arguments, standard input, exit status, words said, words that must not be said);
# {name} stands for a file of _files()
BAD: list[tuple[list[str], bytes | None, int, list[str], list[str]]] = [
    (["sheet", "{case.json}", "-f", "html", "-o", "{dir}"], None, 2,
     ["--output {dir}\u00a0: écriture impossible (c'est un répertoire)"], ["erreur interne"]),
    # an output that is a folder (was "erreur interne : IsADirectoryError", exit 1)
    (["letter", "{case.json}", "-o", "{none}", "-l", "en"], None, 2,
     ["--output {none} cannot be written (the folder to put it in does not exist)"],
     ["internal error"]),
    # an output in a folder that does not exist (was FileNotFoundError, exit 1)
    (["fhir", "import", "{bundle.json}", "-o", "{dir}"], None, 2,
     ["--out {dir}\u00a0: écriture impossible (c'est un répertoire)"], ["erreur interne"]),
    # the same for the case a Bundle holds
    (["fhir", "export", "{case.json}", "-o", "{data}/x.json", "-l", "en"], None, 2,
     ["--out {data}/x.json cannot be written (part of the path is not a folder)"],
     ["internal error"]),
    # a path through a file (was NotADirectoryError, exit 1)
    (["synth", "--n", "1", "--out", "{data}"], None, 2,
     ["--out {data}\u00a0: écriture impossible (un fichier de ce nom existe déjà)"],
     ["erreur interne"]),
    # synth writes a folder for a name without .ndjson: a file there (was FileExistsError)
    (["synth", "--n", "1", "--out", "{dir}/cases.json", "-l", "en"], None, 2,
     ["--out {dir}/cases.json: an .ndjson file (one record a line) or a folder is expected"],
     []),
    # the wrong extension: a folder named "cases.json" was made, holding one file a case
    (["cohort", "summary", "{run}", "--output", "{dir}"], None, 2,
     ["--output {dir}\u00a0: écriture impossible (c'est un répertoire)"], ["Is a directory"]),
    # the summary's output: the reason in French (was the system's English)
    (["cohort", "summary", "{case.json}", "-l", "en"], None, 2,
     ["{case.json} is a file; the --out folder of a thyref cohort run is expected"],
     ["no such file"]),
    # a file for the run's folder (was "no such file or folder": it exists)
    (["letter", "{case.json}", "--decision", "{empty.json}"], None, 2,
     ["thyref: --decision {empty.json}: le fichier de décision n'est pas du JSON valide"],
     ["décision invalide", "\n  : "]),
    # an empty decision file: one line naming the option (was a problem with no path)
    (["sheet", "{case.json}", "-f", "html", "--decision", "{dir}", "-l", "en"], None, 2,
     ["--decision {dir} is a folder"], []),
    # a folder for the decision: the option named
    (["ask", "--batch", "-", "--format", "json"], '{"q": "r\xe9sum\xe9"}\n'.encode("latin-1"), 2,
     ["--batch -\u00a0: ce n'est pas du texte UTF-8"], ['"q"']),
    # Latin-1 on stdin (was read in the system's encoding and answered, exit 0)
    (["ask", "--batch", "{latin1.jsonl}", "-l", "en"], None, 2,
     ["--batch {latin1.jsonl}: not UTF-8 text"], []),
    # the same in a file
    (["assess", "{latin1.json}"], None, 2,
     ["thyref: {latin1.json}: le fichier n'est pas du texte UTF-8 (octet 0xE9, ligne 2)"
      "\u00a0; enregistrez-le en UTF-8"], ["JSON"]),
    # a case file that is not UTF-8: said so, with the file, the byte and its line (was
    # "le texte n'est pas du JSON valide")
    (["validate", "{latin1.json}", "-l", "en"], None, 2,
     ["thyref: {latin1.json}: the file is not UTF-8 text (byte 0xE9, line 2); save it as"
      " UTF-8"], ["JSON"]),
    # ... by validate too, in English
    (["assess", "-", "-l", "en"], '{\n "id": "H\xe9l\xe8ne"\n}\n'.encode("latin-1"), 2,
     ["thyref: <stdin>: the file is not UTF-8 text (byte 0xE9, line 2)"], ["JSON"]),
    # ... and on stdin
    (["fhir", "import", "{latin1.json}", "-l", "en"], None, 2,
     ["{latin1.json}: the file is not UTF-8 text (byte 0xE9, line 2)"], ["JSON"]),
    # ... and by the FHIR import (was "the text is not valid JSON")
    (["ask", "--batch", "-", "--format", "json"], b'\xef\xbb\xbf{"q": "iode"}\n', 0,
     ['"q": "iode"'], ["JSON"]),
    # a byte-order mark on stdin, as a case file may have one (was "<stdin>:1: not JSON")
    (["ask", "--batch", "{bom.jsonl}", "--format", "json"], None, 0, ['"q": "iode"'], ["JSON"]),
    # ... and in a file
    (["ask", "--batch", "-", "-l", "en"], b'{"q": "iode"}\nnope\n', 2,
     ["thyref: <stdin>:2: not JSON"], []),
    # stdin named as the case commands name it
    (["faq", "eval", "{empty.json}"], None, 2,
     ["{empty.json}\u00a0: aucune question à évaluer"], ["1,000"]),
    # no question (was a table of perfect scores, exit 0)
    (["faq", "eval", "{labelled-bom.jsonl}", "--split", "holdout", "-l", "en"], None, 2,
     ["{labelled-bom.jsonl}: no question to evaluate in --split holdout"], ["1.000"]),
    # no line of that split
    (["faq", "eval", "{labelled-bom.jsonl}", "-l", "en"], None, 0, ["engine"], ["not JSON"]),
    # a byte-order mark before the first question (was "labelled-bom.jsonl:1: not JSON")
]  # fmt: skip


@pytest.mark.parametrize(("args", "stdin", "status", "said", "unsaid"), BAD)
def test_bad_files_are_said_clearly(
    tmp_path: Path,
    args: list[str],
    stdin: bytes | None,
    status: int,
    said: list[str],
    unsaid: list[str],
) -> None:
    names = _files(tmp_path)

    def concrete(words: str) -> str:
        return re.sub(r"\{([\w.-]+)\}", lambda m: names[m[1]], words)

    args = [concrete(arg) for arg in args]
    done = CliRunner().invoke(app, args, input=stdin, env={"THYREF_LANG": None})
    assert done.exit_code == status, done.output
    for words in said:
        assert concrete(words) in done.output, done.output
    for words in unsaid:
        assert words not in done.output, done.output
    assert "Traceback" not in done.output
    assert not (tmp_path / "dir" / "cases.json").exists()  # nothing made on a refusal


@pytest.mark.parametrize(
    ("args", "said"),
    [
        # a case the user may not read: the reason in French (was "(Permission denied)")
        (["assess", "{case}"], "{case}\u00a0: lecture impossible (permission refusée)"),
        # ... in English
        (["validate", "{case}", "-l", "en"], "{case}: cannot read (permission denied)"),
        # a decision file: named with its option
        (
            ["letter", "{case}", "--decision", "{decision}"],
            "--decision {decision}\u00a0: lecture impossible (permission refusée)",
        ),
    ],
)
def test_a_file_the_user_may_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], said: str
) -> None:
    # the tests may run as root, who reads any file: the refusal is the system's, faked
    case, decision = tmp_path / "case.json", tmp_path / "decision.json"
    case.write_text(json.dumps(demo_cases()[0]), encoding="utf-8")
    decision.write_text("{}", encoding="utf-8")
    locked = case if "--decision" not in args else decision
    read_bytes = Path.read_bytes

    def refuse(path: Path) -> bytes:
        if path == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    names = {"case": str(case), "decision": str(decision)}
    args = [names.get(arg.strip("{}"), arg) for arg in args]
    done = CliRunner().invoke(app, args, env={"THYREF_LANG": None})
    assert done.exit_code == 2, done.output
    assert said.format(**names) in done.output, done.output
