"""The ``--lang fr|en`` option every command takes: French by default, English on request.

Kept apart (it imports nothing heavy) so that each command module declares the same
option and reads it the same way.
"""

from __future__ import annotations

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


# The option of commands whose output is messages (errors, progress, what was done).
LangOption = Annotated[
    Language, typer.Option("--lang", "-l", help="Language of the messages: fr (default) or en.")
]
