"""Meeting planning: kinds of board and the national board's calendar.

The national TuThyRef board meets ``per_month`` times a month (the rules file says 2:
``options.national_rcp_per_month``), on a fixed weekday: with 2, the 1st and 3rd
Thursdays. Regional boards are created by hand on any date.
"""

from __future__ import annotations

from datetime import date, timedelta

THURSDAY = 3


def _weekdays_of_month(year: int, month: int, weekday: int) -> list[date]:
    first = date(year, month, 1)
    day = first + timedelta(days=(weekday - first.weekday()) % 7)
    out = []
    while day.month == month:
        out.append(day)
        day += timedelta(days=7)
    return out


def meeting_days(year: int, month: int, per_month: int, weekday: int = THURSDAY) -> list[date]:
    """The board's days in a month: ``per_month`` weekdays spread over the month."""
    if not 1 <= per_month <= 4:
        raise ValueError("per_month must be between 1 and 4")
    days = _weekdays_of_month(year, month, weekday)[:4]
    picks = sorted({(i * 4) // per_month for i in range(per_month)})
    return [days[i] for i in picks]


def national_dates(
    start: date, count: int, per_month: int = 2, weekday: int = THURSDAY
) -> list[date]:
    """The next ``count`` national board days on or after ``start``."""
    out: list[date] = []
    year, month = start.year, start.month
    while len(out) < count:
        out += [d for d in meeting_days(year, month, per_month, weekday) if d >= start]
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out[:count]
