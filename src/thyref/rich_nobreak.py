"""rich keeps the words on both sides of a no-break space on one line.

rich wraps a line at every match of the regular expression ``\\s``, which in Python
matches U+00A0 (NO-BREAK SPACE), U+2007 (FIGURE SPACE) and U+202F (NARROW NO-BREAK
SPACE) as well as plain spaces: French text, which puts a no-break space before ``:``
``;`` ``?`` ``!`` ``»`` (docs/texts.md), came out with lines starting with the mark on
help pages, ``thyref ask`` answers and reports. This is rich's open issue
Textualize/rich#3545 (and #4196); rich 15 offers no hook for it (no option of ``Console``
or ``Text`` chooses where lines break), and no character rich does not break at looks
like a space: every Unicode space with a width is ``\\s`` to Python, the others
(U+2060, U+FEFF) have no width.

So rich's word pattern (``rich._wrap.re_word``, a private name: the only place rich splits
a line into words, read by ``divide_line`` for every ``Text`` it wraps, in tables,
panels, Markdown and typer's help pages alike) is swapped for the same pattern with the
no-break spaces counted as letters, as the fix proposed upstream did (Textualize/rich#3990).
It is swapped only when it is the pattern this module knows; a rich that changed it is
left alone (``tests/test_rich_nobreak.py`` then fails, to be looked at).

Every code path that draws with rich calls :func:`keep_no_break_spaces` first (it costs a
comparison once done): the report, the CLI's consoles, the help pages, the answers.
"""

from __future__ import annotations

import re

# rich's word (13.x to 15.0): leading spaces, a run of non-spaces, trailing spaces
RICH_WORD = r"\s*\S+\s*"

# the Unicode spaces that forbid a line break and have a width
NO_BREAK_SPACES = "\u00a0\u2007\u202f"

# the same word, with the no-break spaces taken as part of it
WORD = re.compile(rf"[^\S{NO_BREAK_SPACES}]*[\S{NO_BREAK_SPACES}]+[^\S{NO_BREAK_SPACES}]*")


def keep_no_break_spaces() -> bool:
    """Make rich keep no-break spaces inside words (once per process); False, and rich
    left as it is, when its word pattern is not the one this module knows."""
    from rich import _wrap

    if _wrap.re_word is WORD:
        return True
    if getattr(_wrap.re_word, "pattern", None) != RICH_WORD:
        return False
    _wrap.re_word = WORD
    return True
