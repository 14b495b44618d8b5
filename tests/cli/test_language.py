"""The language a command line asks for, read before it is parsed (``lang_in``), and the
language of the help pages (``help_lang``): ``--lang`` first, then ``THYREF_LANG``, then
French (the guide: French by default; the brief: ``--lang`` wins over the variable)."""

from __future__ import annotations

import pytest

from thyref.cli.helptext import help_lang
from thyref.cli.language import lang_in


@pytest.mark.parametrize(
    ("argv", "lang"),
    [
        (["assess", "c.json", "--lang", "en"], "en"),  # the long option, value apart
        (["assess", "-l", "en", "c.json"], "en"),  # the short option, before the path
        (["assess", "c.json", "--lang=en"], "en"),  # the long option with "="
        (["assess", "c.json", "-len"], "en"),  # the short option, value glued (click reads it)
        (["validate", "c.json", "--lang", "fr"], "fr"),  # French asked for explicitly
        (["-l", "en", "validate", "c.json", "-l", "fr"], "fr"),  # the last one counts
        (["assess", "c.json"], None),  # no option: nothing asked
        (["assess", "c.json", "--lang", "de"], None),  # not a language of the catalogue
        (["assess", "c.json", "--lang"], None),  # the option without its value
        (["ask", "--", "--lang", "en"], None),  # after "--" words are arguments
        (["ask", "--lang en"], None),  # one argument that merely reads like the option
        (["assess", "--language", "en"], None),  # another option's name
        (["assess", "c.json", "-f", "json"], None),  # another short option
    ],
)
def test_lang_in_reads_the_asked_language(argv: list[str], lang: str | None) -> None:
    assert lang_in(argv) == lang


@pytest.mark.parametrize(
    ("argv", "environ", "lang"),
    [
        ([], {}, "fr"),  # nothing said: French, the default
        (["--help"], {"THYREF_LANG": "en"}, "en"),  # the variable
        (["--help"], {"THYREF_LANG": " EN "}, "en"),  # the variable, as a person types it
        (["--help"], {"THYREF_LANG": "de"}, "fr"),  # an unknown language: the default
        (["--help"], {"THYREF_LANG": ""}, "fr"),  # set but empty: the default
        (["-l", "fr", "--help"], {"THYREF_LANG": "en"}, "fr"),  # --lang wins over the variable
        (["--help", "--lang=en"], {"THYREF_LANG": "fr"}, "en"),  # both ways round
    ],
)
def test_help_lang_prefers_the_option_then_the_variable(
    argv: list[str], environ: dict[str, str], lang: str
) -> None:
    assert help_lang(argv, environ) == lang
