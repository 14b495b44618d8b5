"""Usage errors (a missing argument, an unknown option, a bad value...) said from the
catalogue, in the help language.

typer 0.29 carries its own copy of click (``typer._click``) whose error sentences are
English f-strings built when the error is raised. ``ThyrefGroup`` (``thyref.cli.helptext``)
catches every ``UsageError`` on its way out of parsing and raises ``said(error, lang)``
in its place: a plain ``UsageError`` whose message is built here from the error's
attributes (its class, option name, parameter, the validator's error behind it). typer
then draws it as before, in its frame, with the usage line, and exits with status 2.

Parameter names (``'--format' / '-f'``), option names and allowed values are quoted
verbatim. What typer 0.29 says only in words (extra arguments, an unknown command, how
many values an option takes) is read back from its sentence: the patterns below are
those of the locked version, and ``tests/cli/test_usage.py`` runs every kind of error
through the real command line, so a changed wording fails a test instead of leaking
English into a French frame.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from typer._click import exceptions as click_errors
from typer._click.utils import _escape_control_characters

from thyref.domain.messages import Lang, either, problem_text, text
from thyref.errors import Problem

# typer 0.29's sentences for the errors it raises as a plain UsageError or as a
# BadOptionUsage / BadArgumentUsage (typer/_click/core.py, parser.py; typer/core.py)
_EXTRA = re.compile(r"Got unexpected extra argument(?:\(s\)|s)? \((?P<args>.*)\)", re.S)
_NO_COMMAND = re.compile(
    r"No such command (?P<name>'.*?'|\".*?\")\.(?: Did you mean (?P<close>.*)\?)?", re.S
)
_MISSING_COMMAND = "Missing command."
_NEEDS_VALUE = re.compile(r"Option (?P<option>.+) requires an argument\.", re.S)
_NEEDS_VALUES = re.compile(r"Option (?P<option>.+) requires (?P<n>\d+) arguments\.", re.S)
_NO_VALUE = re.compile(r"Option (?P<option>.+) does not take a value\.", re.S)
_TAKES_VALUES = re.compile(r"Argument (?P<name>.+) takes (?P<n>\d+) values\.", re.S)
_NOT_VALID = re.compile(r"Value (?P<value>.+) is not a valid (?P<kind>\w+)\.", re.S)
# typer's choice check (typer/_param_types.py), raised inside a validator
_NOT_ONE_OF = re.compile(r"(?:Value error, )?(?P<input>.+) is not one of (?P<choices>.+)\.", re.S)


def _hint(param_hint: Sequence[str] | str | None) -> str | None:
    """The parameter's name as click quotes it: ``'--format' / '-f'``."""
    if param_hint is None or isinstance(param_hint, str):
        return param_hint
    return " / ".join(repr(x) for x in param_hint)


def _param_name(error: Any) -> str | None:
    hint = getattr(error, "param_hint", None)
    if hint is None and getattr(error, "param", None) is not None:
        hint = error.param.get_error_hint()
    return _hint(hint)


def _choices(param: Any, ctx: Any) -> list[str] | None:
    """The allowed values of a choice parameter, as typer writes them."""
    from typer._param_types import normalize_choice_value

    desc = getattr(param, "type_descriptor", None)
    if desc is None or not desc.is_choice or desc.choices is None:
        return None
    return [normalize_choice_value(c, desc.case_sensitive, ctx) for c in desc.choices]


def _reason(error: Any, lang: Lang) -> str:
    """Why a value was refused: the validator's error (typer checks values with pydantic)
    said as a case's problem would be (``problem.<type>``), or typer's own choice check."""
    cause = error.__cause__
    errors = cause.errors() if hasattr(cause, "errors") else []
    if errors:
        from thyref.domain.case import shown_input, validator_params

        err = errors[0]
        if err.get("type") == "value_error":
            said = _NOT_ONE_OF.fullmatch(str((err.get("ctx") or {}).get("error", "")))
            if said:
                params = {"input": said["input"], "expected": either(said["choices"], lang)}
                return text("problem.enum", lang, params)
            params = {"input": shown_input(err.get("input"))}
            return text("cli.usage.refused", lang, params)
        found = tuple(validator_params(err).items())
        problem = Problem("", str(err.get("msg", "")), str(err.get("type", "")), found)
        said_problem = problem_text(problem, lang)
        if said_problem != problem.message:
            return said_problem
        return text("cli.usage.refused", lang, {"input": shown_input(err.get("input"))})
    said = _NOT_ONE_OF.fullmatch(error.message) or _NOT_VALID.fullmatch(error.message)
    if said and "choices" in said.groupdict():
        params = {"input": said["input"], "expected": either(said["choices"], lang)}
        return text("problem.enum", lang, params)
    if said:
        return text("cli.usage.refused", lang, {"input": said["value"]})
    return str(error.message)  # a sentence of our own callbacks: already said


def message(error: click_errors.UsageError, lang: Lang) -> str:
    """The error's sentence in ``lang``: its kind from its class, its values from its
    attributes; typer's English sentence only for a kind this table does not know."""
    said: re.Match[str] | None
    if isinstance(error, click_errors.MissingParameter):
        name = _param_name(error)
        kind = error.param_type or getattr(error.param, "param_type_name", "parameter")
        key = kind if kind in ("argument", "option") else "parameter"
        out = text(f"cli.usage.missing_{key}", lang, {"name": name or ""})
        choices = _choices(error.param, error.ctx)
        if choices:
            out += text("cli.usage.choose_from", lang, {"choices": ", ".join(choices)})
        return out
    if isinstance(error, click_errors.BadParameter):
        reason = _reason(error, lang)
        name = _param_name(error)
        if name is None:
            return text("cli.usage.invalid", lang, {"reason": reason})
        return text("cli.usage.invalid_for", lang, {"name": name, "reason": reason})
    if isinstance(error, click_errors.NoSuchOption):
        # what the user typed: terminal control characters escaped, as typer does
        option = _escape_control_characters(error.option_name)
        out = text("cli.usage.no_such_option", lang, {"option": option})
        if error.possibilities:
            options = ", ".join(sorted(error.possibilities))
            out += text("cli.usage.possible_options", lang, {"options": options})
        return out
    if isinstance(error, click_errors.BadOptionUsage):
        for pattern, key in (
            (_NEEDS_VALUE, "cli.usage.option_needs_value"),
            (_NEEDS_VALUES, "cli.usage.option_needs_values"),
            (_NO_VALUE, "cli.usage.option_takes_no_value"),
        ):
            said = pattern.fullmatch(error.message)
            if said:
                return text(key, lang, said.groupdict())
        return error.message
    if isinstance(error, click_errors.BadArgumentUsage):
        said = _TAKES_VALUES.fullmatch(error.message)
        return text("cli.usage.argument_values", lang, said.groupdict()) if said else error.message
    if error.message == _MISSING_COMMAND:
        return text("cli.usage.missing_command", lang)
    said = _EXTRA.fullmatch(error.message)
    if said:
        return text("cli.usage.extra_arguments", lang, {"args": said["args"]})
    said = _NO_COMMAND.fullmatch(error.message)
    if said:
        out = text("cli.usage.no_such_command", lang, {"name": said["name"]})
        if said["close"]:
            out += text("cli.usage.did_you_mean", lang, {"names": said["close"]})
        return out
    if _NOT_VALID.fullmatch(error.message) or hasattr(error.__cause__, "errors"):
        # a prompt's answer typer could not convert (typer/_coercion.py)
        return text("cli.usage.invalid", lang, {"reason": _reason(error, lang)})
    return error.message


def said(error: click_errors.UsageError, lang: Lang) -> click_errors.UsageError:
    """The error to show in its place: the same context (usage line, help hint), the
    sentence in ``lang``; ``NoArgsIsHelpError`` (a help page, not a sentence) as it is."""
    if isinstance(error, click_errors.NoArgsIsHelpError):
        return error
    out = click_errors.UsageError(message(error, lang), ctx=error.ctx)
    out.exit_code = error.exit_code
    return out
