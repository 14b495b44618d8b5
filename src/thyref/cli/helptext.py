"""``--help`` in French (the default) or English.

Every help text of the command line (of a command, an option, an argument) is written in
the code as its catalogue key (``cli.help.*``). The app's group (``ThyrefGroup``) says them
in the help language as soon as it is called, before the command line is parsed, so that
every page drawn after (a help page, a usage error) is in one language:

- English when the command line carries ``--lang en`` (``-l en``, ``--lang=en``; the last
  one counts), French when it carries ``--lang fr``;
- else the environment variable ``THYREF_LANG`` (``fr`` or ``en``);
- else French.

The words typer and click add themselves ("Usage:", the panel titles, "Show this message
and exit.", "[default: ...]", the hint and title of an error) are said in it too, where
typer lets them be set: its rich panels read module-level strings (``typer.rich_utils``),
its help option and completion options are parameters like ours, and the usage line's
prefix is an argument of the help formatter. Click's error sentences inside the error
frame ("Missing argument 'path'.", "No such option: -x", "Invalid value for ...") are
English f-strings in typer 0.29's own copy of click (``typer._click``): the group catches
each usage error as it leaves parsing and raises it again said from the catalogue
(``thyref.cli.usage``).

``THYREF_LANG`` is also the default ``--lang`` of every command (a click ``default_map``
given to the app's context); an explicit ``--lang`` (of the command, of its group, of
the app) wins. A value other than ``fr``/``en`` (case and spaces aside; empty is unset)
stops the command with a usage error naming the variable, said in ``--lang`` if given.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from typing import Any

import typer
from typer._click import exceptions as click_errors
from typer.core import TyperArgument, TyperGroup, TyperOption

from thyref.cli import usage
from thyref.cli.language import lang_defaults, lang_in
from thyref.cli.main import LANG_ENV, LangEnvError, env_lang
from thyref.domain.messages import Lang, text
from thyref.rich_nobreak import keep_no_break_spaces

HELP_ENV = LANG_ENV
PREFIX = "cli.help."

# help texts that typer writes itself, on parameters it adds: said from these keys
_TYPER_PARAMS = {
    "help": "cli.help.typer.help",
    "install_completion": "cli.help.typer.install_completion",
    "show_completion": "cli.help.typer.show_completion",
}
# fields said from the catalogue: a command's texts, a parameter's help and its
# placeholder (``metavar``: ``CAS``/``CASE`` on the usage line and beside an option)
_FIELDS = ("help", "short_help", "epilog", "metavar")
_KEYS = "_thyref_help_keys"  # attribute: the keys an object's help texts were read from

# module-level strings of typer's rich pages -> catalogue key ("{value}" stands for "{}")
_RICH_WORDS = {
    "ARGUMENTS_PANEL_TITLE": "cli.help.typer.arguments",
    "OPTIONS_PANEL_TITLE": "cli.help.typer.options",
    "COMMANDS_PANEL_TITLE": "cli.help.typer.commands",
    "ERRORS_PANEL_TITLE": "cli.help.typer.error",
    "ABORTED_TEXT": "cli.help.typer.aborted",
    "RICH_HELP": "cli.help.typer.try_help",
    "DEFAULT_STRING": "cli.help.typer.default",
    "ENVVAR_STRING": "cli.help.typer.envvar",
    "REQUIRED_LONG_STRING": "cli.help.typer.required",
    "DEPRECATED_STRING": "cli.help.typer.deprecated",
}


def help_lang(argv: Sequence[str], environ: Mapping[str, str] | None = None) -> Lang:
    """The language of the help pages and of what is said before a command runs (usage
    errors, ``--version``): ``--lang`` on the command line, else ``THYREF_LANG``, else
    French (also when the variable names no language: the error about it is in French)."""
    asked = lang_in(argv)
    if asked is not None:
        return asked
    try:
        return env_lang(os.environ if environ is None else environ) or "fr"
    except LangEnvError:
        return "fr"


def context_lang(ctx: Any) -> Lang:
    """The help language of the command line ``ctx`` belongs to (French outside ``thyref``'s
    group)."""
    lang: Lang = getattr(ctx.find_root().command, "_thyref_lang", "fr")
    return lang


def _values() -> dict[str, str]:
    """What help texts quote from the data files (the definitions of refractory disease)."""
    from thyref.domain.rules import definition_ids

    return {"definitions": ", ".join(definition_ids())}


def _commands(command: Any) -> Iterator[Any]:
    """The command and every command under it (groups included)."""
    yield command
    for sub in getattr(command, "commands", {}).values():
        yield from _commands(sub)


def _keys(obj: Any, typer_key: str | None = None) -> dict[str, str]:
    """The catalogue keys of ``obj``'s help texts, read once (then kept on it, so that a
    second call in the other language still finds them)."""
    keys: dict[str, str] | None = getattr(obj, _KEYS, None)
    if keys is None:
        keys = {}
        for field in _FIELDS:
            value = getattr(obj, field, None)
            if isinstance(value, str) and value.startswith(PREFIX):
                keys[field] = value
        if typer_key is not None and "help" not in keys:
            keys["help"] = typer_key
        setattr(obj, _KEYS, keys)
    return keys


def placeholder(param: Any, lang: Lang) -> str | None:
    """What a parameter's value is called on the help pages in ``lang`` (``CAS``/``CASE``),
    or None when it has no placeholder of the catalogue (a flag, a choice)."""
    key = _keys(param).get("metavar")
    return text(key, lang) if key else None


def _say(obj: Any, lang: Lang, values: dict[str, str], typer_key: str | None = None) -> None:
    for field, key in _keys(obj, typer_key).items():
        setattr(obj, field, text(key, lang, values))


def say_help(command: Any, lang: Lang) -> None:
    """Every help text under ``command`` said in ``lang``; the usage line's prefix and
    typer's own words too (when its pages are drawn)."""
    values = _values()
    for cmd in _commands(command):
        _say(cmd, lang, values)
        if cmd.help:
            cmd.help = _kept_indent(cmd.help)
        if hasattr(cmd, "subcommand_metavar"):  # a group: "COMMAND [ARGS]..." on its usage line
            cmd.subcommand_metavar = text("cli.help.typer.command_args", lang)
        helper = cmd.get_help_option(typer.Context(cmd))
        params = [*cmd.params, *([helper] if helper is not None else [])]
        for param in params:
            _say(param, lang, values, _TYPER_PARAMS.get(param.name or ""))
            param.__class__ = _SHOWN_AS.get(type(param), type(param))
            bounds = _bounds(param, lang)
            if bounds and "help" in _keys(param):  # said afresh above: added once
                param.help = f"{param.help} {bounds}"
        base = getattr(cmd, "_thyref_context_base", None) or cmd.context_class
        cmd._thyref_context_base = base
        cmd.context_class = _context_class(base, lang)


def _kept_indent(said: str) -> str:
    """A command's help whose examples keep their indentation when typer draws it.

    typer 0.29 dedents the paragraphs after the first by their common indentation
    (``inspect.cleandoc`` over them: ``rich_utils._get_help_text``): "Exemples :" right
    after the summary, then indented lines, would lose the indentation. An empty line at
    the head of those paragraphs (dropped when drawn) gives them an unindented line."""
    first, sep, rest = said.partition("\n\n")
    return f"{first}\n\n\n{rest}" if sep and not rest.startswith("\n") else said


def _bounds(param: Any, lang: Lang) -> str | None:
    """The bounds of a number option in words (``[de 1 à 16]``, ``[at least 1]``), or
    None: said in the help text, where typer 0.29 writes ``[1<=x<=16]`` beside the type
    (a formula, and a wide column that leaves the help column too narrow at 80 columns)."""
    low, high = getattr(param, "min", None), getattr(param, "max", None)
    if getattr(param, "count", False) or (low is None and high is None):
        return None
    if high is None:
        said = text("cli.help.typer.at_least", lang, {"min": low})
    elif low is None:
        said = text("cli.help.typer.at_most", lang, {"max": high})
    else:
        said = text("cli.help.typer.between", lang, {"min": low, "max": high})
    return said.replace("[", "\\[")  # help texts are rich markup: "[...]" would be a tag


class ShownArgument(TyperArgument):
    """An argument as the help pages show it: its placeholder (``CAS`` in French,
    ``CASE`` in English: its ``metavar``, a catalogue key) bare on the usage line when it
    is required, in brackets when it is not (typer 0.29 writes ``{path}``), and no type
    label (``<str>``) beside it: the placeholder says what to give."""

    def _usage_display_name(self) -> str:
        name = self.display_name_raw if self.required else f"[{self.display_name_raw}]"
        return name + ("..." if self.nargs != 1 else "")

    def display_type_rich(self, ctx: Any) -> str | None:
        return None if self.metavar is not None else super().display_type_rich(ctx)

    def _get_number_range_help_str(self) -> str | None:
        return None  # in words, in the help text (_bounds)


class ShownOption(TyperOption):
    """An option as the help pages show it: a flag takes no value, so it has no type
    label (typer 0.29 writes ``<bool>`` beside ``--help``); an option taking a value shows
    its placeholder (``FICHIER``/``FILE``) or its allowed values (``<fr|en>``)."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None if self.is_flag else super().display_type_rich(ctx)

    def _get_number_range_help_str(self) -> str | None:
        return None  # in words, in the help text (_bounds)


# typer's parameter classes -> the same, drawn as above (``say_help`` swaps the class of
# each parameter: typer builds them itself and takes no class of ours)
_SHOWN_AS: dict[type[Any], type[Any]] = {TyperArgument: ShownArgument, TyperOption: ShownOption}


def _rich_words(lang: Lang) -> None:
    """typer's own words on its rich pages, in ``lang`` (module-level strings it reads
    each time it draws a page)."""
    from typer import rich_utils

    keep_no_break_spaces()  # a French mark stays with its word on the page
    for name, key in _RICH_WORDS.items():
        setattr(rich_utils, name, text(key, lang).replace("{value}", "{}"))


@cache
def _context_class(base: type[Any], lang: Lang) -> type[Any]:
    """``base`` (a click context class) whose help formatter starts the usage line with
    the word of ``lang`` and whose pages use typer's words in ``lang``."""
    usage = text("cli.help.typer.usage", lang) + " "
    formatter_base: type[Any] = base.formatter_class

    def write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        formatter_base.write_usage(self, prog, args, usage if prefix is None else prefix)

    formatter = type("ThyrefHelpFormatter", (formatter_base,), {"write_usage": write_usage})

    def make_formatter(self: Any) -> Any:
        _rich_words(lang)  # a page is being drawn: rich_utils is loaded by now, or soon
        return base.make_formatter(self)

    attrs = {"formatter_class": formatter, "make_formatter": make_formatter}
    return type("ThyrefContext", (base,), attrs)


class ThyrefGroup(TyperGroup):
    """The ``thyref`` group: says every help text in the help language before it parses
    the command line (``args``, else ``sys.argv``), gives ``THYREF_LANG`` to every
    ``--lang`` as its default, says usage errors from the catalogue, then runs as typer's
    group does."""

    _thyref_lang: Lang = "fr"
    _thyref_bad_env: str | None = None

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        argv = sys.argv[1:] if args is None else list(args)
        self._thyref_lang = help_lang(argv)
        say_help(self, self._thyref_lang)
        self._thyref_bad_env = None
        try:
            default = env_lang()
        except LangEnvError as exc:
            self._thyref_bad_env = exc.value  # said once typer's error handling is in place
        else:
            if default is not None and "default_map" not in extra:
                extra["default_map"] = lang_defaults(self, default)
        return super().main(
            None if args is None else argv,
            prog_name,
            complete_var,
            standalone_mode,
            windows_expand_args,
            **extra,
        )

    def _said(self, error: click_errors.UsageError) -> click_errors.UsageError:
        _rich_words(self._thyref_lang)  # the frame's title too, when no page was drawn
        return usage.said(error, self._thyref_lang)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: Any = None,
        **extra: Any,
    ) -> Any:
        lang = self._thyref_lang
        if self._thyref_bad_env is not None:
            value = {"value": repr(self._thyref_bad_env)}
            raise self._said(click_errors.UsageError(text("cli.usage.lang_env", lang, value)))
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click_errors.UsageError as exc:
            said = self._said(exc)
            if said is exc:
                raise
            raise said from exc

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except click_errors.UsageError as exc:  # a command's or a group's, below this one
            said = self._said(exc)
            if said is exc:
                raise
            raise said from exc
        except (EOFError, typer.Abort):  # input ended at a prompt: typer says "Aborted."
            _rich_words(self._thyref_lang)
            raise
