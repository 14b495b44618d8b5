"""The ``thyref`` console entry point, with a fast path for ``thyref assess``.

The full command line (typer app, every command) lives in ``thyref.cli.app``; building
it costs more start-up time than assessing a case. ``run()`` first tries the common
shape ``thyref assess FILE [--format text|json|markdown] [--lang fr|en] [--definition ID]``
(``THYREF_LANG`` the default of ``--lang``) on a valid ``thyref-case/1`` file: it
assesses the case without loading typer (the text format loads rich, and nothing else of
the app). Anything else (help, stdin, FHIR input, an invalid case, an unknown option)
goes to the full app, which reads the input again and answers, or reports, exactly as
before.

``from thyref.cli.main import app`` (and the other names of ``thyref.cli.app``) still work.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from rich.console import Console

    from thyref.cli.app import _fail_invalid as _fail_invalid
    from thyref.cli.app import _read as _read
    from thyref.cli.app import app as app

_OPTIONS = {
    "--format": "format", "-f": "format",
    "--lang": "lang", "-l": "lang",
    "--definition": "definition", "-d": "definition",
}  # fmt: skip
_CHOICES = {"format": ("text", "json", "markdown"), "lang": ("fr", "en")}

LANG_ENV = "THYREF_LANG"


class LangEnvError(ValueError):
    """``THYREF_LANG`` names no language of the catalogue; ``value`` as it was set."""

    def __init__(self, value: str) -> None:
        super().__init__(value)
        self.value = value


def env_lang(environ: Mapping[str, str] | None = None) -> Literal["fr", "en"] | None:
    """The language ``THYREF_LANG`` sets as every command's default (``fr`` or ``en``,
    whatever the case and spaces around), None when it is unset or empty; anything
    else raises ``LangEnvError``. Read here, without typer: the fast path reads it too."""
    raw = (os.environ if environ is None else environ).get(LANG_ENV, "")
    value = raw.strip().lower()
    if not value:
        return None
    if value == "fr":
        return "fr"
    if value == "en":
        return "en"
    raise LangEnvError(raw)


def _console(stderr: bool = False, piped_width: int = 120) -> Console:
    """A rich console, imported lazily: the JSON path stays fast to start."""
    from rich.console import Console

    from thyref.rich_nobreak import keep_no_break_spaces

    keep_no_break_spaces()  # a French mark stays with its word
    stream = sys.stderr if stderr else sys.stdout
    # piped output is read by programs and grep: do not cut it at 80 columns
    width = None if stream.isatty() else piped_width
    return Console(stderr=stderr, highlight=False, soft_wrap=stderr, width=width)


def _fast_arguments(argv: list[str]) -> dict[str, str] | None:
    """The arguments of a plain ``assess`` call, or None when the full app must answer."""
    if len(argv) < 2 or argv[0] != "assess":
        return None
    found: dict[str, str] = {}
    rest = iter(argv[1:])
    for token in rest:
        name, value = token, None
        if token.startswith("--") and "=" in token:
            name, value = token.split("=", 1)
        if name in _OPTIONS:
            key = _OPTIONS[name]
            value = next(rest, None) if value is None else value
            if value is None or key in found:
                return None
            found[key] = value
        elif token.startswith("-") or "path" in found:
            return None  # stdin, help, an unknown option or a second path
        else:
            found["path"] = token
    if "path" not in found:
        return None
    try:
        default_lang = env_lang() or "fr"
    except LangEnvError:
        return None  # the full app says what is wrong with THYREF_LANG
    for key, allowed in _CHOICES.items():
        if found.setdefault(key, default_lang if key == "lang" else "text") not in allowed:
            return None
    return found


def _fast_assess(argv: list[str]) -> Callable[[], object] | None:
    """The printing step of a plain call on a valid case; None to fall back to the app."""
    args = _fast_arguments(argv)
    if args is None:
        return None
    from thyref.domain.case import MAX_BYTES

    path = args["path"]
    try:
        if not os.path.isfile(path) or os.path.getsize(path) > MAX_BYTES:
            return None
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    if b"resourceType" in data:
        return None  # FHIR: the full app lists the unmapped parts
    from thyref.domain import assess, load_case
    from thyref.domain.messages import Lang
    from thyref.domain.rules import DEFAULT_RULES, definition_ids
    from thyref.errors import CaseFormatError, CaseValidationError

    definition = args.get("definition", DEFAULT_RULES)
    if definition not in definition_ids():
        return None
    try:
        case = load_case(data, one_shot=True)
    except (CaseValidationError, CaseFormatError):
        return None
    language: Lang = "en" if args["lang"] == "en" else "fr"
    result = assess(case, language, definition=definition)
    if args["format"] == "json":
        import json

        out = json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n"
        return lambda: sys.stdout.write(out)
    if args["format"] == "markdown":
        from thyref.report import render_markdown

        markdown = render_markdown(result, language)
        return lambda: sys.stdout.write(markdown)
    from thyref.report import render_rich

    rendered = render_rich(result, language)
    return lambda: _console().print(rendered)


def _reader_gone() -> None:
    """The output's reader has closed the pipe (``| head -c 1``): stop quietly, with the
    status click gives the full app in that case. Standard output is pointed at the null
    device so that the interpreter's last flush does not print the error again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(1)


def run() -> None:
    """Console entry point: the fast path, else the full app (exit codes unchanged)."""
    try:
        write = _fast_assess(sys.argv[1:])
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception:  # any surprise: the full app answers and reports it
        write = None
    if write is not None:
        try:
            write()  # printing happens once, outside the fallback
            sys.stdout.flush()
        except BrokenPipeError:
            _reader_gone()
        return
    from thyref.cli.app import run as run_app

    run_app()


def __getattr__(name: str) -> Any:
    """The names of the full app (``app``, ``_read``...), loaded on first use."""
    if name.startswith("__"):
        # `from thyref.cli.main import run` (the console script) asks for `__path__`:
        # answering it must not load the whole app, or the fast path is lost
        raise AttributeError(name)
    from thyref.cli import app

    return getattr(app, name)
