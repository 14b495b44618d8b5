"""Every exception thyref raises, in one tree (the httpx habit).

ThyrefError                   (an English message; a catalogue code for what users cause)
├── CaseError                 input that is not a usable case
│   ├── CaseFormatError       not JSON, too large, not an object: one line, no path
│   └── CaseValidationError   a case with problems; each problem names its dotted path
└── RulesError                the rules data file is missing or inconsistent
"""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a case, at a dotted path such as ``rai[0].activity``.

    ``message`` is English; ``code`` and ``params`` let an adapter say it in another
    language (``thyref.domain.messages.problem_text``).
    """

    path: str
    message: str
    code: str = ""
    params: tuple[tuple[str, str], ...] = ()

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ThyrefError(Exception):
    """Base of every error thyref raises on purpose.

    ``str()`` is the English message (logs, the API's ``message``). An error a user can
    cause may also carry a ``code``, the key of its sentence in the message catalogue
    (``<prefix>.<code>``, the prefix set by its class), and ``params``, the values that
    sentence quotes, so that an adapter says it in the reader's language
    (``thyref.domain.messages.error_text``)."""

    prefix = "error"

    def __init__(self, message: str = "", code: str = "", **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params = {name: str(value) for name, value in params.items()}


class CaseError(ThyrefError):
    """The input cannot be assessed."""


class CaseFormatError(CaseError):
    """The input is not a JSON object of acceptable size (catalogue: ``format.<code>``)."""

    prefix = "format"

    @classmethod
    def not_json(cls, exc: ValueError) -> CaseFormatError:
        """The text does not decode as JSON (``exc``: the decoder's error); the place of
        the fault is kept when the decoder gives it. Bytes that are not UTF-8 text (a file
        saved as Latin-1 or Windows-1252) are said as such (``not_utf8``)."""
        if isinstance(exc, UnicodeDecodeError):
            return cls.not_utf8(exc)
        if isinstance(exc, json.JSONDecodeError):
            return cls(
                f"input is not valid JSON: {exc}", "not_json", line=exc.lineno, column=exc.colno
            )
        return cls(f"input is not valid JSON: {exc}", "not_json")

    @classmethod
    def not_utf8(cls, exc: UnicodeDecodeError) -> CaseFormatError:
        """Bytes that do not decode as UTF-8: the first bad byte (``0xE9``) and its line,
        when the text was read as UTF-8 (JSON may also be UTF-16 or UTF-32)."""
        english = f"input is not UTF-8 text: {exc}"
        if not exc.encoding.lower().replace("_", "-").startswith("utf-8"):
            return cls(english, "not_utf8")
        line = exc.object[: exc.start].count(b"\n") + 1
        byte = f"0x{exc.object[exc.start]:02X}"
        return cls(english, "not_utf8", line=line, byte=byte)

    @classmethod
    def too_deep(cls, bound: int) -> CaseFormatError:
        """Arrays and objects nested deeper than ``bound`` levels."""
        return cls(
            f"input is nested too deeply; at most {bound} levels are accepted",
            "too_deep",
            bound=bound,
        )

    @classmethod
    def number_digits(cls, digits: int, bound: int) -> CaseFormatError:
        """A number written with more than ``bound`` digits."""
        return cls(
            f"a number has {digits} digits; at most {bound} are accepted",
            "number_digits",
            digits=digits,
            bound=bound,
        )

    @classmethod
    def too_large(cls, size: int, limit: int) -> CaseFormatError:
        return cls(
            f"input is {size} bytes; the limit is {limit} bytes ({limit // 2**20} MB)",
            "too_large",
            megabytes=limit // 2**20,
        )


class CaseValidationError(CaseError):
    """The case breaks the ``thyref-case/1`` contract; ``problems`` lists every breach."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: p.path)
        super().__init__("; ".join(str(p) for p in self.problems))


class RulesError(ThyrefError):
    """The rules data file cannot be read or is inconsistent."""
