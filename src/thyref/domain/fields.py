"""Field types shared by the case model: strict ISO dates, flags, the frozen model base,
and helpers for reading raw JSON before its structure is validated."""

from __future__ import annotations

import datetime as dt
import re
from datetime import date
from typing import Annotated, Any, TypeGuard

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

# ASCII digits only: `\d` also matches Arabic-Indic or fullwidth digits, which the
# date parser refuses (a date that reads as a digit string yet is no date)
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


# valid date texts already read (bounded): a cohort repeats the same days many times
_DAYS: dict[str, date] = {}
_DAYS_MAX = 65536


def _iso_date(value: Any) -> date:
    """An ISO calendar date written ``YYYY-MM-DD``; no number, timestamp or date-time."""
    if type(value) is str:
        day = _DAYS.get(value)
        if day is not None:
            return day
        if len(value) == 10 and ISO_DATE.fullmatch(value):
            try:
                day = date.fromisoformat(value)
            except ValueError:
                pass
            else:
                if len(_DAYS) >= _DAYS_MAX:
                    _DAYS.clear()
                _DAYS[value] = day
                return day
    raise PydanticCustomError(
        "date_format",
        "invalid date {input}: an ISO calendar date YYYY-MM-DD is expected",
        {"input": repr(value)[:40]},
    )


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
Flag = Annotated[bool, Field(strict=True)]


class FrozenModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", use_enum_values=False, defer_build=True)


def is_iso(value: Any) -> TypeGuard[str]:
    """A ``YYYY-MM-DD`` string (the calendar day itself may still be invalid)."""
    return type(value) is str and len(value) == 10 and ISO_DATE.fullmatch(value) is not None


def valid_day(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def items(obj: dict[str, Any], key: str) -> list[tuple[int, dict[str, Any]]]:
    """The object entries of the list ``obj[key]`` with their index (raw JSON)."""
    value = obj.get(key)
    if type(value) is not list:
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]
