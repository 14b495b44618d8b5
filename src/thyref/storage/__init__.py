"""Persistence for the web application: SQLAlchemy 2 models, Alembic migrations, repository.

SQLite (WAL, foreign keys) by default, PostgreSQL when ``THYREF_DATABASE_URL`` names one.
Nothing here imports the web layer; the domain core is not imported either: cases and
assessments are stored as the JSON objects of ``case-format.md``.
"""

from thyref.storage.db import Database
from thyref.storage.errors import (
    AmbiguousCase,
    CaseExists,
    CaseNotFound,
    Forbidden,
    StaleVersion,
    StorageError,
    TextTooLong,
    UserExists,
)
from thyref.storage.settings import DEFAULT_DATABASE_URL, database_url, normalise_url

__all__ = [
    "DEFAULT_DATABASE_URL",
    "AmbiguousCase",
    "CaseExists",
    "CaseNotFound",
    "Database",
    "Forbidden",
    "StaleVersion",
    "StorageError",
    "TextTooLong",
    "UserExists",
    "database_url",
    "normalise_url",
]
