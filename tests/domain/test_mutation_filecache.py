"""The cache folder (``filecache``) function by function (issue 15, mutants).

What is checked is what filecache.py's docstrings promise: where the folder is, how a
file is named, which files are trusted, how a file is written and replaced, and that a
cache file is only ever an accelerator. test_rules_cache.py and test_catalogue_cache.py
check the same through the rules and the catalogue.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import stat
import sys
import threading
from pathlib import Path
from typing import Any

import pydantic
import pytest

from thyref.domain import filecache

# ---------------------------------------------------------------------------------------
# folder()


@pytest.mark.parametrize(
    ("chosen", "xdg", "home", "expected"),
    [
        # (THYREF_CACHE_DIR, XDG_CACHE_HOME, HOME, folder); None: the variable unset
        ("/c/chosen", "/x", "/h", "/c/chosen"),  # the variable wins over everything
        ("", "/x", "/h", None),  # empty: no cache at all
        (None, "/x/xdg", "/h", "/x/xdg/thyref"),  # the XDG cache folder
        (None, None, "/h/home", "/h/home/.cache/thyref"),  # no XDG: ~/.cache
        (None, "", "/h/home", "/h/home/.cache/thyref"),  # an empty XDG is unset
        (None, "relative", "/h", None),  # a relative XDG folder: no home folder known
        (None, None, "relative", None),  # a relative home folder: none known
    ],
)
def test_the_folder(
    monkeypatch: pytest.MonkeyPatch,
    chosen: str | None,
    xdg: str | None,
    home: str,
    expected: str | None,
) -> None:
    for name, value in ((filecache.CACHE_ENV, chosen), ("XDG_CACHE_HOME", xdg)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    monkeypatch.setenv("HOME", home)
    assert filecache.folder() == (None if expected is None else Path(expected))


def test_no_folder_when_the_home_folder_cannot_be_found(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(filecache.CACHE_ENV, raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)

    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    assert filecache.folder() is None


# ---------------------------------------------------------------------------------------
# path_for()


@pytest.fixture()
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(filecache.CACHE_ENV, str(folder))
    return folder


def test_a_file_is_named_by_kind_and_hash(cache_dir: Path) -> None:
    path = filecache.path_for("rules-x", ["ab", b"c"], ".pickle")
    # sha256 of every part followed by a NUL byte, 32 hexadecimal digits kept
    digest = hashlib.sha256(b"ab\0c\0").hexdigest()
    assert path == cache_dir / f"rules-x-{digest[:32]}.pickle"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (["ab", "c"], ["a", "bc"]),  # the same letters cut elsewhere
        (["a"], ["a", ""]),  # one more, empty, part
        (["é"], [b"e"]),  # text is hashed as UTF-8 (not ASCII-folded)
    ],
)
def test_different_parts_give_different_names(cache_dir: Path, one: Any, other: Any) -> None:
    assert filecache.path_for("k", one, ".x") != filecache.path_for("k", other, ".x")


def test_text_and_its_utf8_bytes_give_the_same_name(cache_dir: Path) -> None:
    assert filecache.path_for("k", ["é"], ".x") == filecache.path_for("k", ["é".encode()], ".x")


def test_no_name_when_caching_is_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(filecache.CACHE_ENV, "")
    assert filecache.path_for("k", ["a"], ".x") is None


# ---------------------------------------------------------------------------------------
# read_private()


def _private_file(folder: Path, content: bytes = b"kept") -> Path:
    folder.mkdir(mode=0o700, exist_ok=True)
    os.chmod(folder, 0o700)
    path = folder / "f.pickle"
    path.write_bytes(content)
    os.chmod(path, 0o600)
    return path


@pytest.mark.parametrize(
    ("file_mode", "folder_mode", "read"),
    [
        (0o600, 0o700, True),  # the user's own private file in a private folder
        (0o644, 0o755, True),  # readable by others is fine: only writing matters
        (0o620, 0o700, False),  # the file writable by its group
        (0o602, 0o700, False),  # the file writable by anyone
        (0o600, 0o770, False),  # the folder writable by its group
        (0o600, 0o703, False),  # the folder writable by anyone
    ],
)
def test_only_files_nobody_else_may_write_are_read(
    tmp_path: Path, file_mode: int, folder_mode: int, read: bool
) -> None:
    path = _private_file(tmp_path / "c", b"\x00kept")
    os.chmod(path, file_mode)
    os.chmod(path.parent, folder_mode)
    try:
        assert filecache.read_private(path) == (b"\x00kept" if read else None)
    finally:
        os.chmod(path.parent, 0o700)


def test_a_missing_file_or_a_folder_is_not_read(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    folder.mkdir(mode=0o700)
    assert filecache.read_private(folder / "missing.pickle") is None
    (folder / "sub").mkdir(mode=0o700)
    assert filecache.read_private(folder / "sub") is None


def test_a_special_file_is_not_read(tmp_path: Path) -> None:
    """A named pipe passes the owner and mode checks but is not a regular file."""
    folder = tmp_path / "c"
    folder.mkdir(mode=0o700)
    pipe = folder / "p.pickle"
    os.mkfifo(pipe, 0o600)

    def feed() -> None:  # opening a pipe for reading waits for a writer
        with contextlib.suppress(BrokenPipeError), open(pipe, "wb") as out:
            out.write(b"from the pipe")

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    assert filecache.read_private(pipe) is None
    writer.join(timeout=5)


def test_a_file_of_another_user_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _private_file(tmp_path / "c")
    assert filecache.read_private(path) == b"kept"
    uid = os.getuid()
    monkeypatch.setattr(os, "getuid", lambda: uid + 1)  # as if another user asked
    assert filecache.read_private(path) is None


# ---------------------------------------------------------------------------------------
# write()


def test_write_makes_a_private_folder_and_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "new" / "deeper" / "k-1.json"
    filecache.write(path, b"whole", "k-*.json")
    assert path.read_bytes() == b"whole"
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700  # nobody else may write
    assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0  # nor read the file
    assert sorted(p.name for p in path.parent.iterdir()) == ["k-1.json"]  # no temporary left


def test_write_drops_the_older_files_of_its_kind_only(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    folder.mkdir(mode=0o700)
    for name in ("k-old.json", "k-older.json", "other-old.json", "k-old.pickle"):
        (folder / name).write_bytes(b"old")
    filecache.write(folder / "k-new.json", b"new", "k-*.json")
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["k-new.json", "k-old.pickle", "other-old.json"]
    # written again under the same name: replaced, kept
    filecache.write(folder / "k-new.json", b"newer", "k-*.json")
    assert (folder / "k-new.json").read_bytes() == b"newer"


def test_write_ignores_a_folder_it_cannot_make(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_bytes(b"x")
    filecache.write(blocker / "k-1.json", b"data", "k-*.json")  # no exception
    assert blocker.read_bytes() == b"x"


def test_write_leaves_no_temporary_file_when_the_rename_fails(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    (folder / "k-1.json").mkdir(parents=True)  # a folder where the file should go
    (folder / "k-1.json" / "inside").write_bytes(b"x")
    (folder / "k-0.json").write_bytes(b"older")
    filecache.write(folder / "k-1.json", b"data", "k-*.json")  # no exception
    assert sorted(p.name for p in folder.iterdir()) == ["k-0.json", "k-1.json"]
    assert (folder / "k-1.json").is_dir()


# ---------------------------------------------------------------------------------------
# pickled() and _stamp()


class _Counter:
    def __init__(self, value: Any) -> None:
        self.value = value
        self.calls = 0

    def __call__(self) -> Any:
        self.calls += 1
        return self.value


def _pickled(build: _Counter, accept: Any = lambda found: True, code: str = __file__) -> Any:
    return filecache.pickled("kind-a", ("part",), code, accept, build)


def test_pickled_builds_once_then_reads_the_file(cache_dir: Path) -> None:
    build = _Counter({"built": [1, 2]})
    assert _pickled(build) == {"built": [1, 2]} and build.calls == 1
    (path,) = cache_dir.glob("kind-a-*.pickle")
    assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0
    data = path.read_bytes()
    assert data[:2] == bytes([0x80, pickle.HIGHEST_PROTOCOL])  # the newest protocol
    # the name covers the parts, the code's source and the versions
    expected = filecache.path_for(
        "kind-a", ("part", Path(__file__).read_bytes(), pydantic.VERSION, sys.version), ".pickle"
    )
    assert path == expected
    again = _Counter("not used")
    assert _pickled(again) == {"built": [1, 2]} and again.calls == 0


def test_pickled_builds_again_what_accept_refuses(cache_dir: Path) -> None:
    _pickled(_Counter("first"))
    seen: list[Any] = []

    def refuse(found: Any) -> bool:
        seen.append(found)
        return False

    build = _Counter("second")
    assert _pickled(build, refuse) == "second" and build.calls == 1
    assert seen == ["first"]  # accept was shown what the file held
    (path,) = cache_dir.glob("kind-a-*.pickle")
    assert pickle.loads(path.read_bytes()) == "second"  # and the file was written again


@pytest.mark.parametrize(
    "content",
    [
        b"",  # empty
        b"\x80\x05damaged",  # a damaged pickle
        pickle.dumps(None),  # a pickled None is never taken for a result
    ],
)
def test_pickled_builds_again_over_a_bad_file(cache_dir: Path, content: bytes) -> None:
    _pickled(_Counter("first"))
    (path,) = cache_dir.glob("kind-a-*.pickle")
    path.write_bytes(content)
    build = _Counter("rebuilt")
    assert _pickled(build) == "rebuilt" and build.calls == 1
    assert pickle.loads(path.read_bytes()) == "rebuilt"


def test_pickled_without_a_folder_only_builds(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(filecache.CACHE_ENV, "")
    monkeypatch.chdir(tmp_path)
    build = _Counter("built")
    assert _pickled(build) == "built" and _pickled(build) == "built"
    assert build.calls == 2
    assert list(tmp_path.iterdir()) == []


def test_pickled_replaces_the_file_of_older_parts(cache_dir: Path) -> None:
    filecache.pickled("kind-b", ("v1",), __file__, lambda f: True, lambda: 1)
    filecache.pickled("kind-b", ("v2",), __file__, lambda f: True, lambda: 2)
    (path,) = cache_dir.glob("kind-b-*.pickle")
    assert pickle.loads(path.read_bytes()) == 2


def test_the_stamp_of_a_module(tmp_path: Path) -> None:
    code = tmp_path / "module.py"
    code.write_bytes(b"x = 1\n")
    stamp = filecache._stamp.__wrapped__(str(code))
    assert stamp == (b"x = 1\n", pydantic.VERSION, sys.version)


def test_the_stamp_without_source_never_matches_twice(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.py")
    first = filecache._stamp.__wrapped__(missing)
    second = filecache._stamp.__wrapped__(missing)
    assert len(first[0]) == 16 and first[0] != second[0]  # 16 random bytes each time
    assert first[1:] == (pydantic.VERSION, sys.version)


def test_write_renames_a_temporary_file_of_the_same_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole file is written beside its final name (a rename is atomic only within
    one file system), under a name no pattern of cache files matches."""
    renamed: list[tuple[Path, Path]] = []
    real = os.replace

    def spy(src: Any, dst: Any) -> None:
        renamed.append((Path(src), Path(dst)))
        real(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    path = tmp_path / "c" / "k-1.json"
    filecache.write(path, b"data", "k-*.json")
    ((src, dst),) = renamed
    assert dst == path and src.parent == path.parent
    assert src.name.endswith(".tmp") and src != path


def test_write_ignores_a_temporary_file_it_cannot_remove(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: Any) -> None:
        raise OSError("refused")

    monkeypatch.setattr(os, "replace", fail)
    monkeypatch.setattr(os, "unlink", fail)
    filecache.write(tmp_path / "c" / "k-1.json", b"data", "k-*.json")  # no exception
    assert not (tmp_path / "c" / "k-1.json").exists()


def test_write_ignores_an_older_file_it_cannot_remove(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "k-0.json").write_bytes(b"older")

    def fail(self: Path, missing_ok: bool = False) -> None:
        raise OSError("refused")

    monkeypatch.setattr(Path, "unlink", fail)
    filecache.write(folder / "k-1.json", b"data", "k-*.json")  # no exception
    assert (folder / "k-1.json").read_bytes() == b"data"
    assert (folder / "k-0.json").exists()
