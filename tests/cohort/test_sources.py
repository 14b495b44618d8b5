"""Cutting an NDJSON file into chunks: every line once, in order, with its line number."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thyref.cohort import sources


@settings(max_examples=200, deadline=None)
@given(
    lengths=st.lists(st.integers(0, 40), max_size=60),
    size=st.integers(1, 9),
    block=st.integers(1, 64),
    trailing_newline=st.booleans(),
)
def test_chunks_cover_every_line_once(
    lengths: list[int], size: int, block: int, trailing_newline: bool
) -> None:
    lines = [b"x" * n for n in lengths]
    body = b"\n".join(lines) + (b"\n" if trailing_newline and lines else b"")
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as mp:
        mp.setattr(sources, "BLOCK", block)  # cuts falling inside and across blocks
        path = Path(tmp) / "c.ndjson"
        path.write_bytes(body)
        plan = sources.plan_ndjson(path, size)
        seen = [item for chunk in plan.chunks for item in sources.ndjson_lines(chunk)]
    # a file's lines: what lies between newlines, the piece after the last newline only
    # when it is not empty ("a\nb" and "a\nb\n" both hold two lines)
    pieces = body.split(b"\n")
    expected = pieces[:-1] if pieces[-1] == b"" else pieces
    assert [line for line, _ in seen] == expected
    assert [source for _, source in seen] == [f"c.ndjson:{i + 1}" for i in range(len(expected))]
    assert plan.records == len(expected)
    # every chunk but the last holds exactly `size` lines
    assert all(c.first_line == c.id * size + 1 for c in plan.chunks)
    assert len(plan.chunks) == max(1, -(-len(expected) // size))


@pytest.mark.parametrize(
    ("names", "kind"),
    [
        (["a.json", "b.json"], "folder"),  # case files
        (["A.JSON", "B.JSON"], "folder"),  # the same, named in upper case (were ignored)
        (["a.Json"], "folder"),  # mixed case
        (["Patient.ndjson", "Observation.ndjson"], "fhir-bulk"),  # a Bulk Data export
        (["Patient.NDJSON"], "fhir-bulk"),  # the same in upper case
    ],
)
def test_file_endings_are_read_in_any_case(tmp_path: Path, names: list[str], kind: str) -> None:
    for name in names:
        (tmp_path / name).write_bytes(b"{}\n")
    assert sources.detect(tmp_path) == kind
    if kind == "folder":
        plan = sources.plan_folder(tmp_path, 10)
        assert sorted(f for c in plan.chunks for f in c.files) == sorted(names)


def test_a_folder_without_case_files_is_refused(tmp_path: Path) -> None:
    # a folder of other files: neither case files nor NDJSON
    (tmp_path / "notes.txt").write_bytes(b"")
    with pytest.raises(sources.CohortInputError):
        sources.detect(tmp_path)


@pytest.mark.parametrize(
    ("files", "found"),
    [
        # an NDJSON file with no byte: no record
        ({"c.ndjson": b""}, "empty_file"),
        # blank lines, a byte order mark, whitespace: still no record
        ({"c.ndjson": b"\xef\xbb\xbf\n\r\n \t\n"}, "empty_file"),
        # one record after blank lines: a cohort of one
        ({"c.ndjson": b"\n\n{}\n"}, "ndjson"),
        # a line that is not JSON is a record (reported as rejected), not an empty input
        ({"c.ndjson": b"nope"}, "ndjson"),
        # a folder with no file
        ({}, "empty_folder"),
        # FHIR NDJSON files without a line
        ({"Patient.ndjson": b"", "Observation.ndjson": b"\n"}, "empty_ndjson"),
        # one of them has a line: an export
        ({"Patient.ndjson": b"", "Observation.ndjson": b'{"resourceType": "x"}\n'}, "fhir-bulk"),
        # an empty case file is a patient's file (listed in the errors as "empty file")
        ({"a.json": b""}, "folder"),
    ],
)
def test_an_input_without_any_record_is_refused(
    tmp_path: Path, files: dict[str, bytes], found: str
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, body in files.items():
        (folder / name).write_bytes(body)
    source = folder / "c.ndjson" if "c.ndjson" in files else folder
    if found.startswith("empty_"):
        with pytest.raises(sources.CohortInputError) as info:
            sources.detect(source)
        assert info.value.code == found
        assert info.value.params == {"path": str(source)}
    else:
        assert sources.detect(source) == found
