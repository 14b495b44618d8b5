"""`thyref ask` and `thyref faq`: the patient-questions commands (filled in by issue 3)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the patient-question commands to the main app."""
