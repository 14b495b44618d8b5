"""Board fixtures: the shared worked examples, assessed, and PDF tools (poppler)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from thyref.domain import assess, parse_case

EXAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "examples" / "cases"
PACKAGED = Path(__file__).resolve().parents[2] / "src" / "thyref" / "data" / "demo"


def example_names() -> list[str]:
    """Every worked example (the shared folder, else the packaged copies of them)."""
    folder = EXAMPLES if EXAMPLES.is_dir() else PACKAGED
    return sorted(p.stem for p in folder.glob("*.json"))


def load_example(name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(case, expectations) of a worked example; packaged demo cases expect nothing."""
    path = EXAMPLES / f"{name}.json"
    if path.exists():
        data = json.loads(path.read_text(encoding="utf-8"))
        return data["case"], data.get("expect", {})
    return json.loads((PACKAGED / f"{name}.json").read_text(encoding="utf-8")), {}


def assessed(case: dict[str, Any], lang: str) -> dict[str, Any]:
    return assess(parse_case(case), "en" if lang == "en" else "fr").to_json()


def need_poppler() -> None:
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pdftotext (poppler-utils) is required in CI")
        pytest.skip("install poppler-utils for pdftotext/pdftoppm")


def pdf_text(pdf: bytes) -> str:
    need_poppler()
    done = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return done.stdout.decode()


def pdf_pages(pdf: bytes, tmp: Path) -> int:
    need_poppler()
    path = tmp / "doc.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True)
    line = next(x for x in info.stdout.splitlines() if x.startswith("Pages:"))
    return int(line.split()[1])
