"""The one accent folding of the answer engine, the FHIR import and the case search."""

from __future__ import annotations

import pytest

from thyref.text import fold


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Irathérapie", "iratherapie"),  # acute accent, upper case
        ("déjà", "deja"),  # grave accent
        ("THYROÏDE", "thyroide"),  # diaeresis on a capital
        ("ça", "ca"),  # cedilla
        ("Ça", "ca"),  # cedilla on a capital
        ("cœur", "coeur"),  # ligature oe, no decomposition of its own
        ("ŒDÈME", "oedeme"),  # capital ligature with an accent after it
        ("cæcum", "caecum"),  # ligature ae
        ("Straße", "strasse"),  # sharp s
        ("STRAẞE", "strasse"),  # capital sharp s
        ("re\u0301fractaire", "refractaire"),  # combining acute typed after the letter
        ("e\u0301\u0300\u0302", "e"),  # several combining marks on one letter
        ("«\u00a0oui\u00a0»", "« oui »"),  # no-break space read as a space
        ("12\u202fmois", "12 mois"),  # narrow no-break space read as a space
        ("µg", "μg"),  # the micro sign is the Greek mu ...
        ("μg", "μg"),  # ... which stays as it is
        ("Μg", "μg"),  # a capital Greek mu lowers to it
        ("ﬁbrose", "fibrose"),  # typographic ligature fi
        ("rh‑TSH", "rh‐tsh"),  # non-breaking hyphen read as a hyphen (U+2010)
        ("I-131 : 600 mCi", "i-131 : 600 mci"),  # digits and punctuation kept
        ("", ""),  # nothing
    ],
)
def test_fold(raw: str, folded: str) -> None:
    assert fold(raw) == folded


@pytest.mark.parametrize(
    "module",
    [
        # the three places that folded text each their own way
        "thyref.answers.text",
        "thyref.fhir.importer.values",
        "thyref.web.cases",
    ],
)
def test_every_folding_place_uses_the_one_fold(module: str) -> None:
    import importlib
    import inspect

    source = inspect.getsource(importlib.import_module(module))
    assert "from thyref.text import fold" in source
    assert "unicodedata.combining" not in source and '"ascii", "ignore"' not in source
