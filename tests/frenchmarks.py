"""The check of the terminal outputs' French marks: a line (or a table cell, or a panel's
line) never starts with ":" ";" "?" "!" "»" nor ends with "«" (docs/texts.md: French puts
a no-break space before those marks and after "«", and it must keep them with their word).
"""

from __future__ import annotations

import re

# rich's frames: a cell's side (table, panel) and the spaces of its padding
_SIDES = "[│┃║]"
_PADDING = "│┃║ "


def cut_marks(output: str) -> list[str]:
    """The lines of ``output`` where a French mark is cut from its word."""
    cut = []
    for line in output.splitlines():
        for cell in re.split(_SIDES, line):
            cell = cell.strip(_PADDING)
            if cell.startswith(tuple(":;?!»")) or cell.endswith("«"):
                cut.append(line)
                break
    return cut
