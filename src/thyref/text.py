"""Text folding shared by the adapters (answer engine, FHIR import, case search).

Outside the domain core, which does not need it; it imports nothing of thyref.
"""

from __future__ import annotations

import unicodedata

# letters that no Unicode decomposition takes apart, spelled out as French and German
# readers type them without the key
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "\u1e9e": "ss"})


def fold(text: str) -> str:
    """Lower case without accents, ligatures spelled out: "Irathérapie, Cœur" ->
    "iratherapie, coeur".

    Compatibility forms are read as their plain letters (NFKD): a no-break space is a
    space, "ﬁ" is "fi", the micro sign is the Greek mu. Letters of other scripts stay as
    they are (lower case).
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.casefold()
