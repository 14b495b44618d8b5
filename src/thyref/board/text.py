"""Board text from the catalogue (``board.*`` keys of ``data/messages.toml``)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from thyref.domain.messages import Lang, day_text, has, number, plural, text


def bt(key: str, lang: Lang, **params: Any) -> str:
    """The catalogue sentence ``board.<key>`` in ``lang``, placeholders filled."""
    return text(f"board.{key}", lang, params or None)


def bt_n(key: str, n: int, lang: Lang, **params: Any) -> str:
    """``board.<key>.one`` or ``.other`` by the count ``n`` (``messages.plural``)."""
    return plural(f"board.{key}", n, lang, **params)


def bt_or(key: str, fallback: str, lang: Lang) -> str:
    """``board.<key>`` when the catalogue has it, else ``fallback`` (an unknown code)."""
    return bt(key, lang) if has(f"board.{key}", lang) else fallback


def num(value: float | int | str, lang: Lang, places: int = 2) -> str:
    """A number written the reader's way, at most ``places`` decimals (``7,4`` in French)."""
    exact = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return number(exact.normalize() if exact != 0 else Decimal(0), lang)


_MONTHS_EN = (
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)  # fmt: skip


def sheet_date(value: object, lang: Lang) -> str:
    """A date on the board sheet: ``03/12/2026`` in French (how French clinicians write
    it), ISO ``2026-12-03`` in English; anything not an ISO date is shown as it is."""
    iso = str(value if value is not None else "")
    try:
        d = date.fromisoformat(iso[:10]) if len(iso) >= 10 else None
    except ValueError:
        d = None
    return day_text(d.isoformat(), lang) if d is not None else iso or "–"


def human_date(value: date | str, lang: Lang) -> str:
    """A date for a patient: ``03/12/2026`` in French, ``3 December 2026`` in English."""
    d = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    if lang == "fr":
        return d.strftime("%d/%m/%Y")
    return f"{d.day} {_MONTHS_EN[d.month - 1]} {d.year}"
