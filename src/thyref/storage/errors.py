"""Storage errors: each maps to one HTTP status in the web layer."""

from __future__ import annotations

from datetime import datetime

from thyref.errors import ThyrefError


class StorageError(ThyrefError):
    """Base of the errors the repository raises on purpose."""


class CaseNotFound(StorageError):
    """No such case, or not one the user may see (the same answer, to leak nothing)."""


class CaseExists(StorageError):
    """A case with this id is already stored."""


class AmbiguousCase(StorageError):
    """An admin named a case id that several other centres use; ``refs`` name each one."""

    def __init__(self, refs: list[str]) -> None:
        self.refs = refs
        super().__init__(f"several centres use this case id: {', '.join(refs)}")


class UserExists(StorageError):
    """A user with this name is already stored."""


class Forbidden(StorageError):
    """The user may see the case but not do this to it."""


class StaleVersion(StorageError):
    """The save was based on an older version than the stored one; nothing was written."""

    def __init__(self, current_version: int, updated_by: str | None, updated_at: datetime) -> None:
        self.current_version = current_version
        self.updated_by = updated_by
        self.updated_at = updated_at
        super().__init__(f"stale version: the stored case is at version {current_version}")


class TextTooLong(StorageError, ValueError):
    """A text longer than its column: refused whole, never cut (the web and the CLI check
    first and name the field; this is the last guard)."""

    def __init__(self, field: str, length: int, limit: int) -> None:
        self.field = field
        self.length = length
        self.limit = limit
        super().__init__(f"{field}: {length} characters; at most {limit} are accepted")


def check_length(field: str, value: str, limit: int) -> str:
    """``value`` when it fits in ``limit`` characters, else ``TextTooLong``."""
    if len(value) > limit:
        raise TextTooLong(field, len(value), limit)
    return value
