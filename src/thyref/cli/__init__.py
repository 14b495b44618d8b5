"""Command-line adapter (typer + rich) around the domain core."""
