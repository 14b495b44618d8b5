"""Where the database is: ``THYREF_DATABASE_URL``, else SQLite under ``./var/``."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DATABASE_URL = "sqlite:///./var/thyref.db"
ENV_VAR = "THYREF_DATABASE_URL"


def normalise_url(url: str) -> str:
    """Use the installed psycopg 3 driver for plain ``postgresql://`` URLs."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def database_url(explicit: str | None = None) -> str:
    """The URL to use: an explicit one, the environment's, or the default SQLite file."""
    url = explicit or os.environ.get(ENV_VAR) or DEFAULT_DATABASE_URL
    return normalise_url(url)


def sqlite_path(url: str) -> Path | None:
    """The file behind a ``sqlite:///`` URL (None for memory databases and other engines)."""
    if not url.startswith("sqlite"):
        return None
    _, _, rest = url.partition(":///")
    if not rest or rest.startswith(":memory:"):
        return None
    return Path(rest.split("?", 1)[0])
