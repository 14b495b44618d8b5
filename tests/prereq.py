"""Prerequisites of the test suite: fail under CI, skip (saying how to get them) locally.

A prerequisite is something outside the repository a test needs: the worked examples of
``../shared``, the installed CLI, PostgreSQL binaries, Debian chromium. Under ``CI=true``
(CI sets it) a missing one is a failure, so a CI machine that lacks it cannot report green;
on a workstation the test is skipped and the skip message says how to get it.

Every skip site of the suite goes through :func:`require`; none calls ``pytest.skip``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def in_ci() -> bool:
    """True when the ``CI`` environment variable says so (``true``, ``1``, ``yes``)."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def require(condition: bool, what: str, how: str, *, module: bool = False) -> None:
    """Go on when ``condition`` holds; else fail under CI, or skip saying ``how`` to get ``what``.

    ``module=True`` when called at module level (the whole file is skipped, or fails to
    collect under CI).
    """
    if condition:
        return
    message = f"{what} is missing; {how}"
    if in_ci():
        pytest.fail(f"CI=true and a prerequisite is missing: {message}", pytrace=False)
    pytest.skip(message, allow_module_level=module)


def shared_dir() -> Path:
    """The shared folder (spec, worked examples): ``$THYREF_SHARED``, else ``../shared``.

    Without the variable, the nearest ancestor of the checkout holding ``shared/examples``
    is used (``../shared`` for a worktree, ``../../shared`` for mutmut's ``mutants/`` copy).
    """
    configured = os.environ.get("THYREF_SHARED")
    if configured:
        return Path(configured)
    for base in ROOT.parents:
        if (base / "shared" / "examples").is_dir():
            return base / "shared"
    return ROOT.parent / "shared"


SHARED = shared_dir()
SHARED_HOW = (
    "clone the shared repository next to this checkout as ../shared "
    "(or set THYREF_SHARED to its path)"
)


def require_shared(*parts: str, module: bool = False) -> Path:
    """The path ``SHARED/parts...``, required to exist."""
    path = SHARED.joinpath(*parts)
    require(path.exists(), f"shared file {path}", SHARED_HOW, module=module)
    return path
