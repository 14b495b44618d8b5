"""Why an input is not a case at all (``CaseFormatError``), or not a cohort
(``CohortInputError``), said in the reader's language.

The English message stays the error's ``str()`` (logs, the API's ``message``); ``code``
and ``params`` let every adapter say it in French or English from the catalogue."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from thyref.domain import load_case
from thyref.domain.case import MAX_BYTES
from thyref.domain.messages import catalogue, error_text
from thyref.errors import CaseFormatError

# Every code raised in src/ (domain, web input, FHIR import, CLI) and values for its
# parameters; a code missing from this table fails test_every_raised_code_is_listed.
CODES: dict[str, dict[str, object]] = {
    "not_json": {},
    "not_utf8": {"byte": "0xE9", "line": 3},
    "not_object": {},
    "too_large": {"megabytes": 5},
    "too_deep": {"bound": 32},
    "number_digits": {"digits": 5000, "bound": 30},
    "not_fhir": {},
    "line_not_json": {"line": 3},
    "line_not_object": {"line": 3},
}


@pytest.mark.parametrize(
    ("text", "code", "fr", "en"),
    [
        # a JSON fault names its line and column, in words of the reader's language
        ('{"id": 1,\n  "format": }', "not_json", "(ligne 2, colonne 13)", "(line 2, column 13)"),
        # bytes that are not UTF-8 (was "not valid JSON"): the first bad byte and its line
        (
            b'{"id": "\xff"}',
            "not_utf8",
            "le fichier n'est pas du texte UTF-8 (octet 0xFF, ligne 1)",
            "the file is not UTF-8 text (byte 0xFF, line 1); save it as UTF-8",
        ),
        # a file saved as Latin-1 (Windows): "é" on its third line
        (
            '{\n "id": "x",\n "note": "Hélène"\n}'.encode("latin-1"),
            "not_utf8",
            "(octet 0xE9, ligne 3)\u00a0; enregistrez-le en UTF-8",
            "(byte 0xE9, line 3)",
        ),
        # a UTF-16 byte-order mark with an odd byte after it: no UTF-8 line to give, the
        # reason alone
        (
            b"\xff\xfe{",
            "not_utf8",
            "le fichier n'est pas du texte UTF-8\u00a0; enregistrez-le",
            "the file is not UTF-8 text; save it as UTF-8",
        ),
        # valid JSON that is not an object
        ("[1, 2]", "not_object", "un dossier doit être un objet JSON", "must be a JSON object"),
        # over the size limit, said in the unit people read (MB, not bytes)
        (" " * (MAX_BYTES + 1), "too_large", "(5 Mo au plus)", "(5 MB at most)"),
        # nested deeper than the decoder recurses (was RecursionError, "internal error")
        ('{"x": ' + "[" * 2000 + "]" * 2000 + "}", "too_deep", "(254 niveaux", "(254 levels"),
        # decoded, but deeper than a case may be: 255 levels (the object and 254 lists)
        ('{"x": ' + "[" * 254 + "]" * 254 + "}", "too_deep", "(254 niveaux", "(254 levels"),
        # an integer over Python's 4,300-digit conversion limit (was ValueError)
        ('{"x": -' + "9" * 4301 + "}", "number_digits", "4301 chiffres", "4301 digits"),
    ],
)
def test_load_case_says_why_in_each_language(
    text: str | bytes, code: str, fr: str, en: str
) -> None:
    with pytest.raises(CaseFormatError) as info:
        load_case(text)
    assert info.value.code == code
    assert fr in error_text(info.value, "fr")
    assert en in error_text(info.value, "en")
    assert fr not in str(info.value)  # the error's own message stays English


@pytest.mark.parametrize("code", sorted(CODES))
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_code_is_said_in_both_languages(code: str, lang: str) -> None:
    assert f"format.{code}" in catalogue()[lang]
    said = error_text(CaseFormatError("English", code, **CODES[code]), lang)
    assert said != "English"
    assert "{" not in said.replace("{ … }", ""), said  # every placeholder filled
    for value in CODES[code].values():
        assert str(value) in said


def test_french_is_the_default_language() -> None:
    assert error_text(CaseFormatError("English", "not_object")) == (
        "un dossier doit être un objet JSON ({ … })"
    )


def test_an_error_without_a_code_keeps_its_english_message() -> None:
    assert error_text(CaseFormatError("odd input"), "fr") == "odd input"
    assert error_text(CaseFormatError("odd input", "no-such-code"), "fr") == "odd input"


def _raised(error: str) -> set[str]:
    """The codes src/ raises ``error`` with: ``Error("...", "code"`` and ``Error.code(``."""
    src = Path(__file__).resolve().parents[2] / "src" / "thyref"
    raised: set[str] = set()
    for path in src.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        # the message may be several literals in a row ("..." "..."), then the code; a
        # code may hold a digit (not_utf8)
        raised |= set(re.findall(error + r'\(\s*(?:f?"[^"]*"\s*)+,\s*"([a-z0-9_]+)"', text))
        raised |= set(re.findall(error + r"\.([a-z0-9_]+)\(", text))
    return raised


def test_every_raised_code_is_listed() -> None:
    # the codes raised in src/ (the two builders included) are exactly the table above
    assert _raised("CaseFormatError") == set(CODES)


# The cohort's input errors (cohort/sources.py), with values for their parameters.
COHORT_CODES: dict[str, dict[str, object]] = {
    "no_such_input": {"path": "cases.ndjson"},
    "unknown_folder": {"path": "export/"},
    "empty_file": {"path": "cases.ndjson"},
    "empty_folder": {"path": "cases/"},
    "empty_ndjson": {"path": "export/"},
    "empty_input": {"path": "hdfs://registry/cases.ndjson"},
    "other_run": {"out": "run/"},
    "input_changed": {"source": "cases.ndjson"},
    "bulk_needs_local": {"source": "export/"},
    "out_not_folder": {"out": "run.parquet"},
    "out_unwritable": {"out": "run/", "reason": "Read-only file system"},
    "out_not_run": {"out": "results/"},
    "not_file_or_folder": {"path": "/dev/stdin"},
}


def test_every_cohort_code_is_listed() -> None:
    assert _raised("CohortInputError") == set(COHORT_CODES)


@pytest.mark.parametrize("code", sorted(COHORT_CODES))
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_cohort_code_is_said_in_both_languages(code: str, lang: str) -> None:
    from thyref.cohort.sources import CohortInputError

    said = error_text(CohortInputError("English", code, **COHORT_CODES[code]), lang)
    assert said != "English" and "{" not in said, said
    for value in COHORT_CODES[code].values():
        assert str(value) in said


@pytest.mark.parametrize(
    ("exc", "fr", "en"),
    [
        # missing, a folder, or a file the user may not read (was "internal error:
        # PermissionError" from `thyref assess`; then the system's English reason)
        (
            FileNotFoundError(2, "No such file"),
            "c.json\u00a0: fichier introuvable",
            "c.json: no such",
        ),
        (IsADirectoryError(21, "Is a dir"), "c.json est un dossier", "c.json is a folder"),
        (
            PermissionError(13, "Permission denied"),
            "c.json\u00a0: lecture impossible (permission refusée)",
            "c.json: cannot read (permission denied)",
        ),
    ],
)
def test_an_unreadable_file_is_said_in_each_language(exc: OSError, fr: str, en: str) -> None:
    from thyref.cli.app import unreadable

    assert fr in unreadable("c.json", exc, "fr")
    assert en in unreadable("c.json", exc, "en")


@pytest.mark.parametrize(
    ("values", "said"),
    [
        # several allowed values: the last joined by the French "ou", French by default
        ("'a', 'b', 'c'", "'a', 'b' ou 'c'"),
        # two values
        ("'a', 'b'", "'a' ou 'b'"),
        # one value: as given
        ("'a'", "'a'"),
    ],
)
def test_either_is_french_by_default(values: str, said: str) -> None:
    from thyref.domain.messages import either

    assert either(values) == said
