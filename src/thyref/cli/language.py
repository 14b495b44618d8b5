"""The ``--lang fr|en`` option every command takes: French by default, English on request.

Kept apart (it imports nothing heavy) so that each command module declares the same
option and reads it the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Annotated

import typer

from thyref.domain.messages import Lang


class Language(StrEnum):
    fr = "fr"
    en = "en"


def lang_of(value: Language) -> Lang:
    """The catalogue's language of an option value."""
    return "en" if value is Language.en else "fr"


def lang_in(argv: Sequence[str]) -> Lang | None:
    """The language a command line asks for (``--lang en``, ``-l en``, ``--lang=en``,
    ``-len``; the last one counts), or None when it asks for none. Read before the
    command line is parsed: what is said before a command runs (its help) is said in it.
    Nothing after ``--`` is an option."""
    found: Lang | None = None
    for i, token in enumerate(argv):
        if token == "--":
            break
        if token in ("--lang", "-l"):
            value = argv[i + 1] if i + 1 < len(argv) else ""
        elif token.startswith("--lang="):
            value = token.removeprefix("--lang=")
        elif token.startswith("-l") and not token.startswith("--"):
            value = token.removeprefix("-l")
        else:
            continue
        if value == "fr":
            found = "fr"
        elif value == "en":
            found = "en"
    return found


# The option of commands whose output is messages (errors, progress, what was done).
LangOption = Annotated[Language, typer.Option("--lang", "-l", help="cli.help.lang")]

# The option of the app and of its groups (`thyref -l en ...`, `thyref faq -l en ...`): the
# language of the help pages, and the default of the --lang of the command that follows.
GroupLangOption = Annotated[Language | None, typer.Option("--lang", "-l", help="cli.help.app.lang")]


def lang_defaults(command: object, value: str) -> dict[str, object]:
    """A click ``default_map`` giving ``value`` to the ``--lang`` of every command under
    ``command`` (nested groups included)."""
    defaults: dict[str, object] = {}
    for name, sub in getattr(command, "commands", {}).items():
        below = lang_defaults(sub, value)
        if any(param.name == "lang" for param in sub.params):
            below["lang"] = value
        defaults[name] = below
    return defaults


def group_lang(ctx: typer.Context, lang: GroupLangOption = None) -> None:
    """The callback of a group: its ``--lang``, when given, becomes the default ``--lang``
    of its commands (each command's own ``--lang`` still wins)."""
    if lang is not None:
        ctx.default_map = lang_defaults(ctx.command, lang.value)
