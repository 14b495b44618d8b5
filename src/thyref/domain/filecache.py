"""A cache folder for what every start would otherwise rebuild from the shipped data files.

Each start of ``thyref assess`` reads the message catalogue (TOML, about 15 ms) and the
rules (TOML, then pydantic builds the validator of the rules model: about 20 ms). Both are
kept here after the first start, named by a hash of everything they were built from, so
an edited data file or a new version of the code gets a new name and the old file is
dropped. ``THYREF_CACHE_DIR`` chooses the folder (empty: no cache); else
``$XDG_CACHE_HOME/thyref`` or ``~/.cache/thyref``.

A cache file is only an accelerator: an unreadable, foreign or damaged file is ignored
and the data file read again; a file the current user does not own, or that others may
write, is never read (the rules cache is a pickle: only the user's own private file is
trusted, as for Python's own bytecode cache).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import stat
import sys
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

_T = TypeVar("_T")

CACHE_ENV = "THYREF_CACHE_DIR"


def folder() -> Path | None:
    """The cache folder, or None when caching is off or no home folder is known."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen is None:
        xdg = os.environ.get("XDG_CACHE_HOME")
        try:
            base = Path(xdg) if xdg else Path.home() / ".cache"
        except RuntimeError:  # no home folder
            return None
        if not base.is_absolute():  # "~" left as it is: no home folder known
            return None
        chosen = str(base / "thyref")
    return Path(chosen) if chosen else None


def path_for(kind: str, parts: Iterable[str | bytes], suffix: str) -> Path | None:
    """``<folder>/<kind>-<hash of parts><suffix>``, or None when caching is off."""
    base = folder()
    if base is None:
        return None
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8") if isinstance(part, str) else part)
        digest.update(b"\0")
    return base / f"{kind}-{digest.hexdigest()[:32]}{suffix}"


def read_private(path: Path) -> bytes | None:
    """The bytes of ``path`` if it is a regular file of the current user that nobody else
    may write, in a folder nobody else may write; else None."""
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not _private(info) or not _private(os.stat(path.parent)):
                return None
            if not stat.S_ISREG(info.st_mode):
                return None
            return handle.read()
    except OSError:
        return None


def _private(info: os.stat_result) -> bool:
    owner = os.getuid() if hasattr(os, "getuid") else info.st_uid
    return info.st_uid == owner and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def write(path: Path, data: bytes, pattern: str) -> None:
    """Write ``data`` whole then rename it into place (a reader never sees half a file),
    then drop the older files of the same ``pattern`` (built from data edited since).
    Failures are ignored: the cache only saves time."""
    import tempfile  # only when a file is written: most starts only read

    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(name, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(name)
        return
    for older in path.parent.glob(pattern):
        if older != path:
            with contextlib.suppress(OSError):
                older.unlink()


def pickled(
    kind: str,
    parts: Iterable[str | bytes],
    code: str,
    accept: Callable[[Any], bool],
    build: Callable[[], _T],
) -> _T:
    """What ``build()`` returns, kept as a pickle named by ``parts`` (the data it is built
    from), the source of the module ``code`` (the file whose classes are pickled) and the
    versions of Python and pydantic. A file is used only if :func:`read_private` trusts
    it and ``accept`` recognises what it holds; anything else is built again."""
    path = path_for(kind, (*parts, *_stamp(code)), ".pickle")
    if path is not None:
        data = read_private(path)
        if data is not None:
            try:
                found = pickle.loads(data)
            except Exception:  # a damaged or foreign file: built again
                found = None
            if found is not None and accept(found):
                return found  # type: ignore[no-any-return]
    built = build()
    if path is not None:
        write(path, pickle.dumps(built, pickle.HIGHEST_PROTOCOL), f"{kind}-*.pickle")
    return built


@cache
def _stamp(code: str) -> tuple[bytes, str, str]:
    try:
        source = Path(code).read_bytes()
    except OSError:  # installed without its source: a stamp that never matches twice
        source = os.urandom(16)
    from pydantic import VERSION

    return source, VERSION, sys.version
