"""rich keeps a no-break space's words on one line (``thyref.rich_nobreak``): the rich
it runs on still splits words with the pattern thyref replaces, and the replacement
keeps French marks with their word wherever rich wraps text."""

from __future__ import annotations

import io
import re
import subprocess
import sys

import pytest
from rich.console import Console
from rich.markdown import Markdown
from rich.panel import Panel
from rich.table import Table

from frenchmarks import cut_marks
from thyref.rich_nobreak import RICH_WORD, keep_no_break_spaces


def test_rich_splits_words_with_the_pattern_thyref_replaces() -> None:
    """Fails when rich changes how it finds words: then look whether it keeps no-break
    spaces itself (Textualize/rich#3545) and whether thyref's replacement still applies."""
    code = "import rich._wrap as w; print(w.re_word.pattern); print(w.words.__module__)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == [RICH_WORD, "rich._wrap"]
    # a fresh rich still breaks at U+00A0 (if this fails, rich fixed it: the module can go)
    code = "from rich._wrap import divide_line; print(divide_line('un fichier\\u00a0: oui', 11))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[11]"  # before ":"


@pytest.mark.parametrize(
    "other",
    [
        # another regular expression
        re.compile(r"\S+\s*"),
        # no regular expression at all (no ``pattern`` to compare): left alone, no error
        str.split,
    ],
    ids=["pattern", "not-a-pattern"],
)
def test_a_rich_of_another_pattern_is_left_alone(
    other: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rich import _wrap

    monkeypatch.setattr(_wrap, "re_word", other)
    assert keep_no_break_spaces() is False
    assert _wrap.re_word is other


SAID = (
    "Écrire un export FHIR Bulk Data\u00a0: un fichier NDJSON par type de ressource\u00a0;"
    " le «\u00a0dossier\u00a0» est-il complet\u00a0? Oui\u00a0! 12\u202f345 patients"
)


def _drawn(renderable: object, width: int) -> str:
    out = io.StringIO()
    Console(file=out, width=width, color_system=None).print(renderable)
    return out.getvalue()


# the widths: each leaves room for the longest group of words held by no-break spaces
# ("ressource\u00a0;", 11 cells) beside the table's first column
@pytest.mark.parametrize("width", [24, 33, 47, 60, 80])
@pytest.mark.parametrize(
    "shape",
    [
        "text",  # a plain string
        "panel",  # inside a frame (the report's status, typer's help panels)
        "table",  # a table's cell beside another column
        "markdown",  # a paragraph of Markdown (thyref ask's answers)
    ],
)
def test_a_french_mark_stays_with_its_word(shape: str, width: int) -> None:
    assert keep_no_break_spaces() is True
    renderable: object = SAID
    if shape == "panel":
        renderable = Panel(SAID)
    elif shape == "table":
        renderable = Table("option", "aide")
        renderable.add_row("--out", SAID)
    elif shape == "markdown":
        renderable = Markdown(SAID)
    drawn = _drawn(renderable, width)
    assert cut_marks(drawn) == [], drawn
    assert drawn.count("\u00a0") == SAID.count("\u00a0")  # printed as they are
    assert "\u202f" in drawn
    # every word is there, in its order (no character lost or folded away)
    words = " ".join(re.sub("[\u2500-\u257f]", " ", drawn).split())  # frames dropped
    assert words.replace("option aide --out ", "") == " ".join(SAID.split())
