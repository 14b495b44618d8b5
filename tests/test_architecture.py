"""Layering: the domain core stays pure, and the CLI starts without heavy adapters."""

from __future__ import annotations

import subprocess
import sys

import pytest


def _modules_after(statement: str) -> set[str]:
    code = f"{statement}\nimport sys\nprint('\\n'.join(sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return {name.split(".")[0] for name in done.stdout.split()}


@pytest.mark.parametrize(
    ("statement", "forbidden"),
    [
        # the domain core imports nothing from web, storage, FHIR, CLI or the answer engine
        (
            "import thyref.domain",
            {"fastapi", "sqlalchemy", "typer", "rich", "starlette", "fhir", "bm25s", "jinja2"},
        ),
        # the CLI entry point loads adapters lazily: `thyref assess` must start fast
        (
            "import thyref.cli.main",
            {"fastapi", "sqlalchemy", "bm25s", "numpy", "matplotlib", "fhir", "jwt", "httpx"},
        ),
        # the FHIR adapter reads and writes the case model, never the web or storage layers
        ("import thyref.fhir.importer, thyref.fhir.exporter", {"fastapi", "sqlalchemy", "typer"}),
    ],
)
def test_layers_do_not_import_adapters(statement: str, forbidden: set[str]) -> None:
    assert _modules_after(statement) & forbidden == set()


def test_domain_modules_only_import_the_domain_and_errors() -> None:
    import ast
    from pathlib import Path

    import thyref.domain

    folder = Path(thyref.domain.__file__).parent
    for path in folder.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module
                and node.module.startswith("thyref")
            ):
                allowed = node.module.startswith(("thyref.domain", "thyref.errors"))
                allowed = allowed or node.module == "thyref"
                assert allowed, f"{path.name} imports {node.module}"


def test_domain_never_loads_the_fhir_adapter() -> None:
    code = (
        "import thyref.domain, sys; print([m for m in sys.modules if m.startswith('thyref.fhir')])"
    )
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert done.stdout.strip() == "[]"
