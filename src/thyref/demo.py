"""Demo cases shipped with the package (pseudonymous, made up for demonstration)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any


def demo_cases() -> list[dict[str, Any]]:
    """Every demo case as raw ``thyref-case/1`` JSON, sorted by id."""
    folder = resources.files("thyref.data").joinpath("demo")
    cases = [
        json.loads(entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".json")
    ]
    return sorted(cases, key=lambda c: str(c.get("id", "")))
