"""`thyref serve` and `thyref user`: the web application commands (filled in by issue 4)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the web application commands to the main app."""
