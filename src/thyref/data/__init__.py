"""The shipped data files: rules, message catalogues, therapies, demo cases.

They sit beside this module in the installed package (wheels are installed unpacked), so
they are read as plain files: no ``importlib.resources`` machinery on the CLI's start.
"""

from __future__ import annotations

from pathlib import Path

FOLDER = Path(__file__).parent


def text(*parts: str) -> str:
    """The UTF-8 text of a shipped file (``text("rules", "tuthyref-2021.toml")``)."""
    return FOLDER.joinpath(*parts).read_text(encoding="utf-8")


def names(folder: str, suffix: str) -> list[str]:
    """The names of the shipped files of ``folder`` that end with ``suffix``."""
    return [
        entry.name for entry in FOLDER.joinpath(folder).iterdir() if entry.name.endswith(suffix)
    ]
