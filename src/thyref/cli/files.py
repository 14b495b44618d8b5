"""Files named on the command line: why one cannot be read or written, said in the
reader's language and naming the option that gave it (``--decision x.json``), so that a
command with several files says which one is wrong. Imports nothing heavy.

The system's reason is said from the catalogue for the usual cases (missing, a folder, a
path through a file, not allowed, already there); any other is quoted as the system
gives it (``No space left on device``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import typer

from thyref.domain.messages import Lang, text

EXIT_INVALID = 2

# the system's errors said in words (their ``strerror`` is English)
_REASONS: tuple[tuple[type[OSError], str], ...] = (
    (IsADirectoryError, "cli.os.is_directory"),
    (NotADirectoryError, "cli.os.not_a_directory"),
    (PermissionError, "cli.os.permission"),
    (FileExistsError, "cli.os.exists"),
    (FileNotFoundError, "cli.os.no_such_folder"),  # writing: the folder it goes in
)


def shown(path: str | Path, option: str | None = None) -> str:
    """The file as the command line gave it: ``--decision d.json``, or the path alone."""
    return f"{option} {path}" if option else str(path)


def reason(exc: OSError, lang: Lang) -> str:
    """The system's reason for ``exc`` in ``lang``; its own words when the catalogue has
    none for it."""
    for kind, key in _REASONS:
        if isinstance(exc, kind):
            return text(key, lang)
    return exc.strerror or type(exc).__name__


def unreadable(path: str | Path, exc: OSError, lang: Lang, option: str | None = None) -> str:
    """Why a file given on the command line cannot be read, in ``lang``: missing, a
    folder, or the reason (not allowed...)."""
    where = shown(path, option)
    if isinstance(exc, FileNotFoundError):
        return text("cli.no_such_file", lang, {"path": where})
    if isinstance(exc, IsADirectoryError):
        return text("cli.is_directory", lang, {"path": where})
    return text("cli.unreadable", lang, {"path": where, "reason": reason(exc, lang)})


def unwritable(path: str | Path, exc: OSError, lang: Lang, option: str | None = None) -> str:
    """Why an output file cannot be written, in ``lang`` (a folder of that name, no such
    folder to put it in, not allowed...)."""
    return text("cli.unwritable", lang, {"path": shown(path, option), "reason": reason(exc, lang)})


def fail(message: str) -> NoReturn:
    """Stop the command on the user's input: ``thyref: message`` on stderr, exit 2."""
    sys.stderr.write(f"thyref: {message}\n")
    raise typer.Exit(EXIT_INVALID)


def write_output(path: Path, payload: bytes, lang: Lang, option: str) -> None:
    """Write a command's output file; a file that cannot be written ends the command with
    its reason (exit 2), never as an internal error."""
    try:
        path.write_bytes(payload)
    except OSError as exc:
        fail(unwritable(path, exc, lang, option))
